#!/usr/bin/env bash
# A local Jaeger (v2: an OpenTelemetry collector with Jaeger's storage and query extensions) for
# `npm run trace`: OTLP in, in-memory storage, the query API out, all on 127.0.0.1.
#
#   scripts/observe/jaeger.sh build    builds it once (cached by version) and prints the binary
#   scripts/observe/jaeger.sh up       starts it in the background and waits until it answers
#   scripts/observe/jaeger.sh down     stops the one `up` started
#   scripts/observe/jaeger.sh status   says whether it runs, and where
#
# Ports (env, all on 127.0.0.1): JAEGER_OTLP_GRPC_PORT 4317, JAEGER_OTLP_HTTP_PORT 4318,
# JAEGER_QUERY_PORT 16686 (HTTP API), JAEGER_QUERY_GRPC_PORT 16685 (its gRPC API).
# JAEGER_RUN_DIR (default ~/.cache/order-platform/observe/run) holds its pid and log files.
set -euo pipefail

# Exactly this release: newer ones are on the proxy but are not approved.
JAEGER_VERSION=v1.75.0
JAEGER_MODULE=github.com/jaegertracing/jaeger

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/go-wrapper.sh
source "$here/../lib/go-wrapper.sh"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/order-platform/observe"
src_dir="$cache/src/jaeger-$JAEGER_VERSION"
bin_dir="$cache/bin/jaeger-$JAEGER_VERSION"
binary="$bin_dir/jaeger"
run_dir="${JAEGER_RUN_DIR:-$cache/run}"
pid_file="$run_dir/jaeger.pid"
log_file="$run_dir/jaeger.log"

export JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
export JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
export JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"

say() { echo "jaeger: $*" >&2; }

build() {
  if [[ ! -x "$binary" ]]; then
    export GOFLAGS="-trimpath -mod=mod"
    # Go's build cache stays outside the repository (default ~/.cache/go-build), shared between runs.
    GOCACHE="${GOCACHE:-$(go env GOCACHE)}"
    export GOCACHE
    # Jaeger's go.mod replaces sarama, so `go install ...@version` refuses it: build a wrapper module.
    go_wrapper_module "$src_dir" "$JAEGER_MODULE" "$JAEGER_VERSION" "" "$JAEGER_MODULE/cmd/jaeger"
    go_wrapper_build "$src_dir" "$bin_dir" \
      "-s -w -X $JAEGER_MODULE/internal/version.latestVersion=$JAEGER_VERSION" \
      "$JAEGER_MODULE/cmd/jaeger:jaeger"
  fi
  echo "$binary"
}

running() { [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

query_url() { echo "http://127.0.0.1:$JAEGER_QUERY_PORT"; }

up() {
  if running; then say "already running (pid $(cat "$pid_file")), query API $(query_url)"; return 0; fi
  build >/dev/null
  mkdir -p "$run_dir"
  # The config reads the ports from the environment exported above (${env:...}).
  setsid "$binary" --config "$here/jaeger.yaml" >"$log_file" 2>&1 </dev/null &
  echo $! > "$pid_file"
  local deadline=$((SECONDS + 60))
  # Ready when the query API answers: by then the receivers and the storage are started too.
  until curl -fsS "$(query_url)/api/services" >/dev/null 2>&1; do
    if ! running; then say "exited while starting; last lines of $log_file:"; tail -n 20 "$log_file" >&2; rm -f "$pid_file"; return 1; fi
    if ((SECONDS > deadline)); then say "not ready after 60 s, see $log_file"; down; return 1; fi
    sleep 0.2
  done
  say "up (pid $(cat "$pid_file")): OTLP gRPC 127.0.0.1:$JAEGER_OTLP_GRPC_PORT, OTLP HTTP 127.0.0.1:$JAEGER_OTLP_HTTP_PORT, query API $(query_url)"
}

down() {
  if ! running; then say "not running"; rm -f "$pid_file"; return 0; fi
  local pid; pid="$(cat "$pid_file")"
  kill -TERM "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$pid_file"
  say "stopped (pid $pid)"
}

status() {
  if running; then
    echo "running (pid $(cat "$pid_file")): query API $(query_url), OTLP HTTP http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT, log $log_file"
  else
    echo "not running"; return 3
  fi
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 build|up|down|status" >&2; exit 2 ;;
esac
