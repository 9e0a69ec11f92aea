#!/usr/bin/env bash
# Builds the kubelet (and the pod sandbox's pause binary) into the toolchain cache when missing.
# The kubernetes module cannot be `go install`ed (its go.mod replaces every k8s.io/<staging> module
# with ./staging/...), so a wrapper module requires k8s.io/kubernetes and replaces each staging module
# with its published v0.x release. Cold: about 4 minutes on 2 cores with a cold Go build cache.
# Prints the kubelet's path on stdout.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.34.4}
CACHE=${CLUSTER_CACHE_DIR:-$HOME/.cache/order-platform/cluster}
BIN=$CACHE/bin/kubernetes-$K8S_VERSION
KUBELET=$BIN/kubelet
PAUSE=$CACHE/bin/pause/pause

log() { printf '[build-kubelet] %s\n' "$*" >&2; }

build_kubelet() {
  local work minor gomod
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  minor=${K8S_VERSION#v1.}
  # go.mod of k8s.io/kubernetes lists its staging modules as "k8s.io/<m> => ./staging/src/k8s.io/<m>".
  gomod=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')
  (
    cd "$work"
    printf 'module local/toolchain/kubelet-%s\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION" "$K8S_VERSION" > go.mod
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod" | sort -u |
      while read -r m; do printf '\t%s => %s v0.%s\n' "$m" "$m" "$minor"; done >> go.mod
    printf ')\n' >> go.mod
    printf '//go:build tools\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kubelet"\n' > tools.go
    go mod tidy >&2
    mkdir -p "$BIN"
    log "building kubelet $K8S_VERSION (cold: several minutes)"
    nice go build -trimpath -o "$KUBELET.tmp" -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*} \
      -X k8s.io/component-base/version.gitTreeState=clean" k8s.io/kubernetes/cmd/kubelet
    mv "$KUBELET.tmp" "$KUBELET"
  )
}

# The sandbox ("pause") container only holds the pod's namespaces: it waits for a signal and reaps
# zombies. A static binary of our own keeps the sandbox image offline (no registry).
build_pause() {
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (
    cd "$work"
    printf 'module local/pause\n\ngo 1.24\n' > go.mod
    cat > main.go <<'GO'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
GO
    mkdir -p "$(dirname "$PAUSE")"
    CGO_ENABLED=0 nice go build -trimpath -ldflags "-s -w" -o "$PAUSE" .
  )
}

[ -x "$KUBELET" ] || build_kubelet
[ -x "$PAUSE" ] || build_pause
echo "$KUBELET"
