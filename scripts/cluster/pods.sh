#!/usr/bin/env bash
# The real-pods part of the cluster test, against a control plane that is already up:
#   CLUSTER_KUBECONFIG=<admin kubeconfig> CLUSTER_STATE_DIR=<dir> scripts/cluster/pods.sh [jest args]
# starts the real node (node.sh), builds and loads the images (images.sh), creates the broker vhost and
# databases (pods-infra.sh), runs tests/cluster/pods.test.ts, and always stops the node and drops the
# vhost and databases again. KEEP_NODE=1 leaves the node running (stop it with node.sh stop).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
: "${CLUSTER_KUBECONFIG:?set CLUSTER_KUBECONFIG}" "${CLUSTER_STATE_DIR:?set CLUSTER_STATE_DIR}"
export CLUSTER_KUBECONFIG CLUSTER_STATE_DIR
export KUBECTL=${KUBECTL:-${CLUSTER_CACHE_DIR:-$HOME/.cache/order-platform/cluster}/bin/kubernetes-v1.34.4/kubectl}

step() { printf '[pods] %s (%ss)\n' "$*" "$SECONDS" >&2; }
cleanup() {
  local rc=$?
  step "cleaning up"
  bash "$HERE/pods-infra.sh" down || rc=1
  [ -n "${KEEP_NODE:-}" ] || bash "$HERE/node.sh" stop || rc=1
  exit "$rc"
}
trap cleanup EXIT

step "starting the real node"
bash "$HERE/node.sh" start
step "building and loading the images"
bash "$HERE/images.sh"
step "creating the vhost and databases"
bash "$HERE/pods-infra.sh" up
step "running tests/cluster/pods.test.ts"
cd "$ROOT"
node_modules/.bin/jest -c tests/cluster/jest.config.js "$@"
step "done"
