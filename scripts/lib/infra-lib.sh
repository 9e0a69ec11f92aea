# shellcheck shell=bash
# Helpers shared by scripts/infra.sh (one node, one cluster per profile) and scripts/ha/ha.sh (three
# nodes, a primary and a standby). Sourced, never run. A RabbitMQ node is chosen by the variables
# RABBITMQ_NODE, AMQP_PORT, MANAGEMENT_PORT and PROMETHEUS_PORT; LOG_TAG prefixes the messages.

RABBITMQ_USER=platform
RABBITMQ_PASSWORD=platform-dev
DATABASES=(customers inventory orders)

log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
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
rabbit_home() { echo "/var/lib/rabbitmq/$RABBITMQ_NODE"; }
rabbit_env() {
  if [ "$RABBITMQ_NODE" = rabbit ]; then "$@"; return; fi
  local home
  home=$(rabbit_home)
  RABBITMQ_NODENAME="$RABBITMQ_NODE" RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT=$((AMQP_PORT + 20000)) \
    RABBITMQ_MNESIA_BASE="$home/mnesia" RABBITMQ_LOG_BASE="$home/log" \
    RABBITMQ_CONFIG_FILE="$home/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$home/enabled_plugins" \
    RABBITMQ_PID_FILE="$home/pid" "$@"
}
ctl() { rabbit_env rabbitmqctl -q -n "$RABBITMQ_NODE" "$@"; }

rabbitmq_install() { command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server; }

# Writes the node's configuration; the optional argument adds lines (e.g. cluster settings).
rabbitmq_configure() { # [extra-lines]
  [ "$RABBITMQ_NODE" = rabbit ] && return 0
  local home
  home=$(rabbit_home)
  mkdir -p "$home"
  {
    cat <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MANAGEMENT_PORT
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $PROMETHEUS_PORT
CONF
    if [ -n "${1:-}" ]; then printf '%s\n' "$1"; fi
  } >"$home/rabbitmq.conf"
  echo '[rabbitmq_management,rabbitmq_prometheus].' >"$home/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$home"
}

# Starts the node unless its AMQP port is already open, and waits until it has booted.
rabbitmq_start() {
  if ! port_open "$AMQP_PORT"; then
    [ "$RABBITMQ_NODE" = rabbit ] && rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null
    log "starting RabbitMQ node $RABBITMQ_NODE on port $AMQP_PORT"
    rabbit_env rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_for "$AMQP_PORT" 90 || { log "RabbitMQ did not open port $AMQP_PORT"; return 1; }
  fi
  ctl await_startup --timeout 90 >/dev/null
}

# The platform's user and vhost (users, vhosts and permissions are cluster-wide).
rabbitmq_grant() { # vhost
  if ! ctl list_users | awk '{print $1}' | grep -qx "$RABBITMQ_USER"; then
    ctl add_user "$RABBITMQ_USER" "$RABBITMQ_PASSWORD" >/dev/null
    ctl set_user_tags "$RABBITMQ_USER" monitoring >/dev/null
  fi
  ctl add_vhost "$1" >/dev/null 2>&1 || true
  ctl set_permissions -p "$1" "$RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
  ctl set_permissions -p "$1" guest '.*' '.*' '.*' >/dev/null 2>&1 || true
}

rabbitmq_stop() {
  port_open "$AMQP_PORT" || return 0
  log "stopping RabbitMQ node $RABBITMQ_NODE"
  ctl stop >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do port_open "$AMQP_PORT" || return 0; sleep 1; done
}

# --- PostgreSQL -----------------------------------------------------------------------------------
postgres_install() { command -v pg_lsclusters >/dev/null || apt_install postgresql; }
newest_postgres() { find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1; }
cluster_by_name() { pg_lsclusters --no-header | awk -v name="$1" '$2 == name {print $1, $2; exit}'; }
cluster_by_port() { pg_lsclusters --no-header | awk -v port="$1" '$3 == port {print $1, $2; exit}'; }

# The services' roles (password <name>-dev) and their databases, each named <name><suffix>.
postgres_databases() { # port suffix
  local port="$1" suffix="${2:-}" db
  for db in "${DATABASES[@]}"; do
    as_postgres psql -p "$port" -q -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$db') THEN
    CREATE ROLE $db LOGIN PASSWORD '$db-dev';
  END IF;
END \$\$;
SQL
    local name="$db$suffix"
    if ! as_postgres psql -p "$port" -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      as_postgres createdb -p "$port" -O "$db" "$name"
    fi
  done
}
