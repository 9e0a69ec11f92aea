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

RABBITMQ_USER=platform
RABBITMQ_PASSWORD=platform-dev
DATABASES=(customers inventory orders)

log() { printf '[infra:%s] %s\n' "$PROFILE" "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
apt_install() {
  log "installing $* with apt"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
wait_for() { # port seconds
  for _ in $(seq 1 "$2"); do port_open "$1" && return 0; sleep 1; done
  return 1
}

# --- RabbitMQ -------------------------------------------------------------------------------------
# The default node keeps the machine's own configuration; any other node gets its own name, ports,
# data directory, configuration and plugin list under /var/lib/rabbitmq/<node>.
RABBIT_HOME="/var/lib/rabbitmq/$RABBITMQ_NODE"
rabbit_env() {
  if [ "$RABBITMQ_NODE" = rabbit ]; then "$@"; return; fi
  RABBITMQ_NODENAME="$RABBITMQ_NODE" RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT=$((AMQP_PORT + 20000)) \
    RABBITMQ_MNESIA_BASE="$RABBIT_HOME/mnesia" RABBITMQ_LOG_BASE="$RABBIT_HOME/log" \
    RABBITMQ_CONFIG_FILE="$RABBIT_HOME/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_HOME/enabled_plugins" \
    RABBITMQ_PID_FILE="$RABBIT_HOME/pid" "$@"
}
ctl() { rabbit_env rabbitmqctl -q -n "$RABBITMQ_NODE" "$@"; }

rabbitmq_up() {
  if ! command -v rabbitmq-server >/dev/null; then apt_install rabbitmq-server; fi
  if [ "$RABBITMQ_NODE" != rabbit ]; then
    mkdir -p "$RABBIT_HOME"
    cat >"$RABBIT_HOME/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MANAGEMENT_PORT
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $PROMETHEUS_PORT
CONF
    echo '[rabbitmq_management,rabbitmq_prometheus].' >"$RABBIT_HOME/enabled_plugins"
    chown -R rabbitmq:rabbitmq "$RABBIT_HOME"
  fi
  if ! port_open "$AMQP_PORT"; then
    [ "$RABBITMQ_NODE" = rabbit ] && rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null
    log "starting RabbitMQ node $RABBITMQ_NODE on port $AMQP_PORT"
    rabbit_env rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_for "$AMQP_PORT" 90 || { log "RabbitMQ did not open port $AMQP_PORT"; exit 1; }
  fi
  ctl await_startup --timeout 90 >/dev/null
  if ! ctl list_users | awk '{print $1}' | grep -qx "$RABBITMQ_USER"; then
    ctl add_user "$RABBITMQ_USER" "$RABBITMQ_PASSWORD" >/dev/null
    ctl set_user_tags "$RABBITMQ_USER" monitoring >/dev/null
  fi
  ctl add_vhost "$VHOST" >/dev/null 2>&1 || true
  ctl set_permissions -p "$VHOST" "$RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
  ctl set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null 2>&1 || true
}

rabbitmq_down() {
  port_open "$AMQP_PORT" || return 0
  log "stopping RabbitMQ node $RABBITMQ_NODE"
  ctl stop >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do port_open "$AMQP_PORT" || return 0; sleep 1; done
}

# --- PostgreSQL -----------------------------------------------------------------------------------
# dev: whichever cluster listens on PG_PORT (Debian's `main`); test: the cluster PG_CLUSTER, created
# on PG_PORT with the newest installed server when it does not exist yet.
pg_cluster() { # prints "<version> <name>" of the profile's cluster, or nothing
  if [ -n "$PG_CLUSTER" ]; then
    pg_lsclusters --no-header | awk -v name="$PG_CLUSTER" '$2 == name {print $1, $2; exit}'
  else
    pg_lsclusters --no-header | awk -v port="$PG_PORT" '$3 == port {print $1, $2; exit}'
  fi
}

postgres_up() {
  if ! command -v pg_lsclusters >/dev/null; then apt_install postgresql; fi
  local cluster
  cluster=$(pg_cluster)
  if [ -z "$cluster" ] && [ -n "$PG_CLUSTER" ]; then
    local version
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)
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
  for db in "${DATABASES[@]}"; do
    as_postgres psql -p "$PG_PORT" -q -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$db') THEN
    CREATE ROLE $db LOGIN PASSWORD '$db-dev';
  END IF;
END \$\$;
SQL
    local name="$db$DB_SUFFIX"
    if ! as_postgres psql -p "$PG_PORT" -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      as_postgres createdb -p "$PG_PORT" -O "$db" "$name"
    fi
  done
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
