#!/usr/bin/env bash
# The broker vhost and databases of the cluster test's real pods, on the machine's shared RabbitMQ and
# PostgreSQL (scripts/infra.sh sets those up and owns their lifecycle: never stopped or restarted here).
#   scripts/cluster/pods-infra.sh up     vhost platform-pods for user platform; databases <db>_pods owned
#                                        by the existing roles customers, inventory, orders (fresh: dropped first)
#   scripts/cluster/pods-infra.sh down   drops them again
# The names match charts/order-platform/values-cluster-test.yaml.
set -euo pipefail

VHOST=platform-pods
USER=platform
DATABASES=(customers inventory orders)

log() { printf '[pods-infra] %s\n' "$*" >&2; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

drop() {
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
  for db in "${DATABASES[@]}"; do
    PGOPTIONS="-c client_min_messages=warning" as_postgres psql -q -d postgres -c "DROP DATABASE IF EXISTS ${db}_pods WITH (FORCE)" >/dev/null
  done
}

case "${1:-}" in
  up)
    drop
    rabbitmqctl -q add_vhost "$VHOST" >/dev/null
    rabbitmqctl -q set_permissions -p "$VHOST" "$USER" '.*' '.*' '.*' >/dev/null
    for db in "${DATABASES[@]}"; do as_postgres createdb -O "$db" "${db}_pods"; done
    log "vhost $VHOST and databases ${DATABASES[*]/%/_pods} ready"
    ;;
  down)
    drop
    log "vhost $VHOST and databases ${DATABASES[*]/%/_pods} dropped"
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
