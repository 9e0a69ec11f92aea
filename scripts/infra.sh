#!/usr/bin/env bash
# infra.sh dev|test [up|down|status]: the RabbitMQ node and PostgreSQL cluster of one profile.
#
#   dev   what `npm start` runs on: the machine's default RabbitMQ node and its PostgreSQL cluster on
#         5432, vhost `platform`, databases customers/inventory/orders.
#   test  what `npm test`, the fault suite and the benchmarks run on: a RabbitMQ node and a
#         PostgreSQL cluster of their own (own names, ports and data directories), vhost
#         `platform-test`, databases *_test. Tests stop and restart these freely; a platform that
#         `npm start` runs is never touched.
#
# The ports and names come from scripts/lib/local-env.js (through the environment, see steps.js).
# `up` is idempotent; on a Debian machine where either server is missing it installs it with apt.
set -euo pipefail

PROFILE="${1:?usage: infra.sh dev|test [up|down|status]}"
ACTION="${2:-up}"
: "${RABBITMQ_NODE:?} ${AMQP_PORT:?} ${MANAGEMENT_PORT:?} ${PROMETHEUS_PORT:?} ${PG_PORT:?} ${VHOST:?}"
DB_SUFFIX="${DB_SUFFIX:-}"
PG_CLUSTER="${PG_CLUSTER:-}"

LOG_TAG="infra:$PROFILE"
# shellcheck source=lib/infra-lib.sh
. "$(dirname "$0")/lib/infra-lib.sh"

# --- RabbitMQ -------------------------------------------------------------------------------------
rabbitmq_up() {
  rabbitmq_install
  rabbitmq_configure
  rabbitmq_start || exit 1
  rabbitmq_grant "$VHOST"
}

rabbitmq_down() { rabbitmq_stop; }

# --- PostgreSQL -----------------------------------------------------------------------------------
# dev: whichever cluster listens on PG_PORT (Debian's `main`); test: the cluster PG_CLUSTER, created
# on PG_PORT with the newest installed server when it does not exist yet.
pg_cluster() { # prints "<version> <name>" of the profile's cluster, or nothing
  if [ -n "$PG_CLUSTER" ]; then cluster_by_name "$PG_CLUSTER"; else cluster_by_port "$PG_PORT"; fi
}

postgres_up() {
  postgres_install
  local cluster
  cluster=$(pg_cluster)
  if [ -z "$cluster" ] && [ -n "$PG_CLUSTER" ]; then
    local version
    version=$(newest_postgres)
    log "creating PostgreSQL cluster $version/$PG_CLUSTER on port $PG_PORT"
    pg_createcluster "$version" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
    cluster="$version $PG_CLUSTER"
  fi
  if [ -z "$cluster" ]; then log "no PostgreSQL cluster on port $PG_PORT"; exit 1; fi
  if ! port_open "$PG_PORT"; then
    log "starting PostgreSQL cluster ${cluster/ //} on port $PG_PORT"
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start
    wait_for "$PG_PORT" 30 || { log "PostgreSQL did not open port $PG_PORT"; exit 1; }
  fi
  postgres_databases "$PG_PORT" "$DB_SUFFIX"
}

postgres_down() {
  local cluster
  cluster=$(pg_cluster)
  [ -n "$cluster" ] && port_open "$PG_PORT" || return 0
  log "stopping PostgreSQL cluster ${cluster/ //}"
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster stop -m fast
}

case "$ACTION" in
  up)
    postgres_up
    rabbitmq_up
    log "RabbitMQ ($AMQP_PORT) and PostgreSQL ($PG_PORT) are ready"
    ;;
  down)
    rabbitmq_down
    postgres_down
    ;;
  status) # exit 0 when both already listen
    port_open "$AMQP_PORT" && port_open "$PG_PORT"
    ;;
  *) echo "usage: infra.sh dev|test [up|down|status]" >&2; exit 2 ;;
esac
