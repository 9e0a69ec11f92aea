#!/usr/bin/env bash
# Builds (once, cached under ~/.cache/order-platform/cluster) the control plane the cluster test runs:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, KEDA's operator and
# metrics adapter, and unpacks Debian's prometheus. A binary already in the cache is not rebuilt.
#
# kubernetes, etcd and KEDA cannot be `go install`ed: their modules carry replace directives that
# Go ignores outside the main module. Each gets a small wrapper module (src/<name>-<version>, see
# scripts/lib/go-wrapper.sh).
set -euo pipefail
# shellcheck source=scripts/cluster/versions.sh
source "$(dirname "$0")/versions.sh"
# shellcheck source=scripts/lib/go-wrapper.sh
source "$(dirname "$0")/../lib/go-wrapper.sh"
# shellcheck source=scripts/lib/debian-prometheus.sh
source "$(dirname "$0")/../lib/debian-prometheus.sh"

export GOFLAGS="-trimpath -mod=mod"
# Go's build cache stays outside the repository (default ~/.cache/go-build), shared between runs.
export GOCACHE="${GOCACHE:-$(go env GOCACHE)}"
mkdir -p "$CLUSTER_SRC" "$CLUSTER_BIN"

say() { echo "toolchain: $*" >&2; }

# wrapper NAME VERSION MODULE LOCAL_REPLACE_VERSION PACKAGE...: writes src/NAME-VERSION.
wrapper() { go_wrapper_module "$CLUSTER_SRC/$1-$2" "$3" "$2" "$4" "${@:5}"; }

# build NAME VERSION OUT_DIR LDFLAGS PACKAGE:BINARY...
build() { go_wrapper_build "$CLUSTER_SRC/$1-$2" "$3" "$4" "${@:5}"; }

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

if ! have_all "$PROMETHEUS_BIN" prometheus promtool; then
  debian_prometheus_unpack "$PROMETHEUS_DEB_VERSION" "$PROMETHEUS_BIN" prometheus promtool
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
