#!/usr/bin/env bash
# Builds (once, cached under ~/.cache/order-platform/cluster) the control plane the cluster test runs:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, KEDA's operator and
# metrics adapter, and unpacks Debian's prometheus. A binary already in the cache is not rebuilt.
#
# kubernetes, etcd and KEDA cannot be `go install`ed: their modules carry replace directives that
# Go ignores outside the main module. Each gets a small wrapper module (src/<name>-<version>) that
# requires it and restates those replaces: local paths (k8s.io/* staging, etcd's sibling modules)
# become the published module at the matching version, other replaces are copied as they are.
set -euo pipefail
# shellcheck source=scripts/cluster/versions.sh
source "$(dirname "$0")/versions.sh"

export GOFLAGS="-trimpath -mod=mod"
# Go's build cache stays outside the repository (default ~/.cache/go-build), shared between runs.
export GOCACHE="${GOCACHE:-$(go env GOCACHE)}"
mkdir -p "$CLUSTER_SRC" "$CLUSTER_BIN"

say() { echo "toolchain: $*" >&2; }

# wrapper NAME VERSION MODULE LOCAL_REPLACE_VERSION PACKAGE...: writes src/NAME-VERSION.
wrapper() {
  local name="$1" version="$2" module="$3" local_version="$4"; shift 4
  local dir="$CLUSTER_SRC/$name-$version"
  [[ -f "$dir/go.sum" && -f "$dir/.complete" ]] && return 0
  say "generating wrapper module $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  {
    echo '//go:build tools'
    echo 'package tools'
    echo 'import ('
    for pkg in "$@"; do echo "  _ \"$pkg\""; done
    echo ')'
  } > "$dir/tools.go"
  (
    cd "$dir"
    go mod init "local/toolchain/$name-$version" >/dev/null 2>&1
    go mod edit -require "$module@$version"
    local modfile
    modfile="$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')"
    # Each replace of the upstream go.mod, as "old new newVersion" (newVersion empty for a path).
    go mod edit -json "$modfile" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
    print(old, r["New"]["Path"], r["New"].get("Version", ""))' |
    while read -r old new newversion; do
      if [[ -z "$newversion" ]]; then
        [[ -n "$local_version" ]] || continue
        # Only modules of the same major version are published at it (etcd's go.mod also points
        # go.etcd.io/etcd, a v0 path, at its repository root).
        major="${local_version#v}" major="${major%%.*}"
        [[ "$major" -lt 2 || "$old" == */v"$major" ]] || continue
        go mod edit -replace "$old=$old@$local_version"
      else
        go mod edit -replace "$old=$new@$newversion"
      fi
    done
    nice go mod tidy >/dev/null
  )
  touch "$dir/.complete"
}

# build NAME VERSION OUT_DIR LDFLAGS PACKAGE:BINARY...
build() {
  local name="$1" version="$2" out="$3" ldflags="$4"; shift 4
  local spec pkg bin
  for spec in "$@"; do
    pkg="${spec%%:*}" bin="${spec##*:}"
    [[ -x "$out/$bin" ]] && continue
    say "building $bin ($pkg@$version); a cold build takes minutes"
    mkdir -p "$out"
    (cd "$CLUSTER_SRC/$name-$version" && nice go build -ldflags "$ldflags" -o "$out/$bin.tmp" "$pkg")
    mv "$out/$bin.tmp" "$out/$bin"
  done
}

have_all() { local d="$1"; shift; for b in "$@"; do [[ -x "$d/$b" ]] || return 1; done; }

# etcd: Debian's 3.4 lacks watch progress notifications, which the apiserver's watch cache needs.
if ! have_all "$ETCD_BIN" etcd; then
  wrapper etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3
  build etcd "$ETCD_VERSION" "$ETCD_BIN" "-s -w" go.etcd.io/etcd/server/v3:etcd
fi

if ! have_all "$KUBE_BIN" kube-apiserver kube-controller-manager kube-scheduler kubectl; then
  wrapper kubernetes "$KUBERNETES_VERSION" k8s.io/kubernetes "$KUBERNETES_STAGING_VERSION" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  minor="${KUBERNETES_VERSION#v1.}" minor="${minor%%.*}"
  # Without these, binaries report v0.0.0 and kubectl/helm refuse or mis-detect the server version.
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  build kubernetes "$KUBERNETES_VERSION" "$KUBE_BIN" "$ldflags" \
    k8s.io/kubernetes/cmd/kube-apiserver:kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager:kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler:kube-scheduler k8s.io/kubernetes/cmd/kubectl:kubectl
fi

if ! have_all "$KWOK_BIN" kwok; then
  say "building kwok $KWOK_VERSION"
  mkdir -p "$KWOK_BIN"
  GOBIN="$KWOK_BIN" nice go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
fi

if ! have_all "$KEDA_BIN" keda keda-adapter; then
  wrapper keda "$KEDA_VERSION" github.com/kedacore/keda/v2 "" \
    github.com/kedacore/keda/v2/cmd/operator github.com/kedacore/keda/v2/cmd/adapter
  build keda "$KEDA_VERSION" "$KEDA_BIN" "-s -w -X github.com/kedacore/keda/v2/version.Version=${KEDA_VERSION#v}" \
    github.com/kedacore/keda/v2/cmd/operator:keda github.com/kedacore/keda/v2/cmd/adapter:keda-adapter
fi

if ! have_all "$PROMETHEUS_BIN" prometheus; then
  say "unpacking Debian's prometheus $PROMETHEUS_DEB_VERSION"
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download "prometheus=$PROMETHEUS_DEB_VERSION" >/dev/null && dpkg-deb -x prometheus_*.deb root)
  mkdir -p "$PROMETHEUS_BIN" && cp "$tmp/root/usr/bin/prometheus" "$PROMETHEUS_BIN/prometheus"
  rm -rf "$tmp"
fi

# kwok's stage configurations come from its module (no stages: kwok exits "no stages found").
KWOK_STAGES="$KWOK_BIN/stages"
if [[ ! -f "$KWOK_STAGES/.complete" ]]; then
  dir="$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  mkdir -p "$KWOK_STAGES"
  for stage in node/fast node/heartbeat pod/fast; do
    for f in "$dir/kustomize/stage/$stage"/*.yaml; do
      [[ "$(basename "$f")" == kustomization.yaml ]] && continue
      cp "$f" "$KWOK_STAGES/${stage//\//-}-$(basename "$f")"
    done
  done
  touch "$KWOK_STAGES/.complete"
fi
