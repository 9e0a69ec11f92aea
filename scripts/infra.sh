#!/usr/bin/env bash
# Makes sure the local RabbitMQ and PostgreSQL are installed, running and hold the platform's
# vhosts, users and databases (development and test). Idempotent; safe to run on every start.
# On a Debian machine where either is missing it installs it with apt (needs root).
set -euo pipefail

RABBITMQ_VHOSTS=(platform platform-test)
RABBITMQ_USER=platform
RABBITMQ_PASSWORD=platform-dev
DATABASES=(customers inventory orders)

log() { printf '[infra] %s\n' "$*" >&2; }
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

ensure_postgres() {
  if ! command -v pg_lsclusters >/dev/null; then apt_install postgresql; fi
  if ! port_open 5432; then
    local cluster
    cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2}')
    if [ -z "$cluster" ]; then log "no PostgreSQL cluster found"; exit 1; fi
    log "starting PostgreSQL cluster $cluster"
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start
    wait_for 5432 30 || { log "PostgreSQL did not open port 5432"; exit 1; }
  fi
  for db in "${DATABASES[@]}"; do
    as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$db') THEN
    CREATE ROLE $db LOGIN PASSWORD '$db-dev';
  END IF;
END \$\$;
SQL
    for name in "$db" "${db}_test"; do
      if ! as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
        as_postgres createdb -O "$db" "$name"
      fi
    done
  done
}

ensure_rabbitmq() {
  if ! command -v rabbitmq-server >/dev/null; then apt_install rabbitmq-server; fi
  if ! port_open 5672; then
    rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null
    log "starting RabbitMQ"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_for 5672 90 || { log "RabbitMQ did not open port 5672"; exit 1; }
  fi
  rabbitmqctl -q await_startup --timeout 90 >/dev/null
  if ! rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$RABBITMQ_USER"; then
    rabbitmqctl -q add_user "$RABBITMQ_USER" "$RABBITMQ_PASSWORD" >/dev/null
    rabbitmqctl -q set_user_tags "$RABBITMQ_USER" monitoring >/dev/null
  fi
  for vhost in "${RABBITMQ_VHOSTS[@]}"; do
    rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 || true
    rabbitmqctl -q set_permissions -p "$vhost" "$RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
    rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null 2>&1 || true
  done
}

ensure_postgres
ensure_rabbitmq
log "RabbitMQ and PostgreSQL are ready"
