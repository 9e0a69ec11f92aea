#!/usr/bin/env bash
# The real-pods cluster test on its own, against a control plane that is already up:
#   CLUSTER_STATE_DIR=<control plane state dir> scripts/cluster/pods.sh [jest args]
# (CLUSTER_STATE_DIR/env from scripts/cluster/up.sh names the kubeconfig; CLUSTER_KUBECONFIG overrides it.)
# tests/cluster/pods.test.ts starts the real node (node.sh), builds and loads the images (images.sh) and
# creates the broker vhost and databases (pods-infra.sh), and removes them again; this script repeats
# the removal on any exit, in case Jest was killed. `npm run test:cluster` runs the same test with the
# other cluster tests. KEEP_NODE=1 leaves the node running (stop it with node.sh stop).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
: "${CLUSTER_STATE_DIR:?set CLUSTER_STATE_DIR}"
export CLUSTER_STATE_DIR

cleanup() {
  local rc=$?
  bash "$HERE/pods-infra.sh" down >/dev/null 2>&1 || true
  [ -n "${KEEP_NODE:-}" ] || bash "$HERE/node.sh" stop || rc=1
  exit "$rc"
}
trap cleanup EXIT

cd "$ROOT"
node_modules/.bin/jest -c jest.cluster.config.js tests/cluster/pods.test.ts "$@"
