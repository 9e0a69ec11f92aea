#!/usr/bin/env bash
# Deletes the local cluster created by bootstrap.sh, with everything in it (volumes included).
# Usage: k8s/teardown.sh [kind|k3d]
set -euo pipefail
FLAVOR="${1:-kind}"
CLUSTER=order-platform
case "$FLAVOR" in
  kind) if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then kind delete cluster --name "$CLUSTER"; fi ;;
  k3d) if k3d cluster get "$CLUSTER" >/dev/null 2>&1; then k3d cluster delete "$CLUSTER"; fi ;;
  *) echo "usage: $0 [kind|k3d]" >&2; exit 2 ;;
esac
echo "Cluster $CLUSTER ($FLAVOR) is gone."
