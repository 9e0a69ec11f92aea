#!/usr/bin/env bash
# Stops everything up.sh (and any script writing to $PID_DIR) started, newest first, each by its pid:
# SIGTERM, wait, then SIGKILL (a first SIGTERM once left the apiserver running a minute); then
# removes the state directory. usage: down.sh [STATE_DIR] (default: the last one up.sh made).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/cluster/versions.sh
source "$here/versions.sh"
STATE_DIR="${1:-${STATE_DIR:-$(cat "$CLUSTER_CACHE/last-state" 2>/dev/null)}}"
[[ -n "$STATE_DIR" && -d "$STATE_DIR" ]] || exit 0
case "$STATE_DIR" in /tmp/*) ;; *) echo "down: refusing to remove $STATE_DIR" >&2; exit 1 ;; esac
# The real node of the pods test (a no-op when none runs), before the control plane goes.
CLUSTER_STATE_DIR="$STATE_DIR" bash "$(dirname "$0")/node.sh" stop || true

stop() { # pidfile
  local pid name
  pid="$(cat "$1")" name="$(basename "$1" .pid)"
  kill -0 "$pid" 2>/dev/null || return 0
  # The process leads its own group (setsid): children it started go with it.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  echo "down: $name (pid $pid) still running after 10s, SIGKILL" >&2
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  echo "down: $name (pid $pid) survived SIGKILL" >&2
  return 1
}

status=0
if [[ -d "$STATE_DIR/pids" ]]; then
  while read -r f; do stop "$f" || status=1; done < <(ls -1r "$STATE_DIR"/pids/*.pid 2>/dev/null)
fi
# The vhost up.sh created on the shared RabbitMQ, with whatever the tests left in it.
rabbitmqctl -q delete_vhost "$RABBITMQ_VHOST" >/dev/null 2>&1 || true
[[ -n "${KEEP_STATE:-}" ]] || rm -rf "$STATE_DIR"
[[ "$(cat "$CLUSTER_CACHE/last-state" 2>/dev/null)" == "$STATE_DIR" ]] && rm -f "$CLUSTER_CACHE/last-state"
exit $status
