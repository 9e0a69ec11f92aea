#!/usr/bin/env bash
# ha.sh <command>: the production topology on this machine, as `npm run ha` runs it.
#
#   three RabbitMQ nodes (HA_RABBITMQ_NODES, name:amqp:management:prometheus each) clustered with
#   `rabbitmqctl join_cluster`, and two PostgreSQL clusters (HA_POSTGRES_CLUSTERS, name:port each):
#   a primary and a streaming standby it replicates to synchronously. Names and ports come from
#   scripts/lib/local-env.js (haEnv); `npm run ha -- <command>` runs this with them.
#
#   up                  create what is missing, start everything, cluster the nodes (idempotent)
#   down                stop the nodes and both clusters, keep their data
#   destroy             down, then delete the nodes' directories and both clusters
#   status              nodes, queue leaders, which cluster is the primary
#   rabbit-kill <i>     kill -9 node i (1-3)          rabbit-stop <i>   stop node i gracefully
#   rabbit-start <i>    start node i again             rabbit-leader <queue>  the index of its leader
#   rabbit-lead <queue> <i>  move the leadership of a quorum queue to node i
#   rabbit-partition <i>  cut node i off from the other two (iptables on their distribution ports)
#   rabbit-heal <i>     undo it: node i, paused meanwhile (pause_minority), restarts by itself
#   rabbit-paused <i>   wait until node i has paused itself (its AMQP port closes), up to 60 s
#   rabbit-await <i> [s]  wait (120 s) until node i runs (has booted, or restarted after a pause)
#   rabbit-alarm <i> on|off  the memory alarm of node i    rabbit-partitions  partitions a node saw
#   pg-primary          name:port of the primary      pg-kill-primary   kill -9 its postmaster
#   pg-sync-state       the standby's sync_state as the primary sees it (sync when synchronous)
#   pg-sync on|off      make the primary wait for the standby (on), or not (off: asynchronous)
#   pg-promote          promote the standby (it runs without a synchronous standby until pg-rejoin)
#   pg-rejoin           rebuild the other cluster as a standby of the primary (pg_basebackup -R)
#                       and make it synchronous again
set -euo pipefail

: "${HA_RABBITMQ_NODES:?} ${HA_POSTGRES_CLUSTERS:?} ${VHOST:?}"
LOG_TAG=ha
# shellcheck source=../lib/infra-lib.sh
. "$(dirname "$0")/../lib/infra-lib.sh"

# Three Erlang VMs on a small machine: schedulers that sleep instead of spinning when idle.
ERL_ARGS="${RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:-+sbwt none +sbwtdcpu none +sbwtdio none}"
# A peer that stops answering is given up after 10 s (Erlang's default: 60 s), so a partitioned node
# pauses within seconds; rabbitmqctl needs the same tick time, or the nodes drop its connection.
NET_TICKTIME=10
export RABBITMQ_CTL_ERL_ARGS="-kernel net_ticktime $NET_TICKTIME"
read -r -a NODES <<<"$HA_RABBITMQ_NODES"
read -r -a CLUSTERS <<<"$HA_POSTGRES_CLUSTERS"
HOST=$(hostname -s)

# Each node's Erlang distribution listens on AMQP + 20000 (infra-lib's rabbit_env) and connects to
# its peers from a loopback address of its own, 127.0.<port / 256>.<port % 256> of that port: on
# loopback, iptables then tells one node's traffic from another's, and from rabbitmqctl's (127.0.0.1).
dist_port() { echo $((AMQP_PORT + 20000)); }
dist_source() { local port; port=$(dist_port); echo "127.0.$((port / 256)).$((port % 256))"; }

select_node() { # i (1-based): sets the variables infra-lib's RabbitMQ helpers read
  local spec="${NODES[$(($1 - 1))]:?no node $1}"
  IFS=: read -r RABBITMQ_NODE AMQP_PORT MANAGEMENT_PORT PROMETHEUS_PORT <<<"$spec"
  local ip
  ip=$(dist_source | tr . ,)
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$ERL_ARGS -kernel net_ticktime $NET_TICKTIME -kernel inet_dist_connect_options [{ip,{$ip}}]"
}

# --- RabbitMQ -------------------------------------------------------------------------------------
CLUSTER_CONF='cluster_partition_handling = pause_minority'

rabbit_join() { # i: joins node i to node 1's cluster unless it is in it already
  select_node 1
  local first="$RABBITMQ_NODE@$HOST"
  select_node "$1"
  if ctl cluster_status --formatter json | grep -q "\"$first\""; then return 0; fi
  log "joining $RABBITMQ_NODE to $first"
  # rabbitmqctl prints the node's boot warnings on stderr; they are shown only when a step fails.
  local out
  for step in stop_app reset "join_cluster $first" start_app "await_startup --timeout 90"; do
    # shellcheck disable=SC2086
    out=$(ctl $step 2>&1) || { log "rabbitmqctl $step failed: $out"; return 1; }
  done
}

# Waits up to 120 s for the selected node's AMQP port. RabbitMQ 3.10 can crash on boot while it
# syncs feature flags with a peer that boots at the same moment (incompatible_feature_flags,
# badmap in its log): a node whose port is still closed after 20 s and that answers no ping is
# started once more, its peers being up by then.
rabbit_wait_booted() {
  local second restarted=0
  for second in $(seq 1 120); do
    port_open "$AMQP_PORT" && return 0
    if [ "$restarted" = 0 ] && [ "$second" -ge 20 ] && [ $((second % 5)) = 0 ] && ! ctl ping >/dev/null 2>&1; then
      log "RabbitMQ node $RABBITMQ_NODE is not running after $second s; starting it once more"
      rabbit_env rabbitmq-server -detached >/dev/null 2>&1 || true
      restarted=1
    fi
    sleep 1
  done
  return 1
}

rabbit_up() {
  rabbitmq_install
  local i
  for i in 1 2 3; do
    select_node "$i"
    rabbitmq_configure "$CLUSTER_CONF"
  done
  # A node that was stopped last waits for its peers on boot, so start them all before waiting.
  for i in 1 2 3; do
    select_node "$i"
    if ! port_open "$AMQP_PORT"; then log "starting RabbitMQ node $RABBITMQ_NODE on port $AMQP_PORT"; rabbit_env rabbitmq-server -detached >/dev/null 2>&1 || true; fi
  done
  for i in 1 2 3; do
    select_node "$i"
    rabbit_wait_booted || { log "RabbitMQ did not open port $AMQP_PORT"; return 1; }
    ctl await_startup --timeout 120 >/dev/null
  done
  rabbit_join 2
  rabbit_join 3
  select_node 1
  rabbitmq_grant "$VHOST"
}

# The node's own word for its OS pid (the pid file can be stale after a crash).
rabbit_pid() { ctl eval 'list_to_integer(os:getpid()).' 2>/dev/null || true; }

rabbit_kill() {
  select_node "$1"
  local pid
  pid=$(rabbit_pid)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { log "node $RABBITMQ_NODE is not running"; return 1; }
  log "kill -9 $RABBITMQ_NODE (pid $pid)"
  kill -9 "$pid"
  for _ in $(seq 1 50); do port_open "$AMQP_PORT" || return 0; sleep 0.1; done
}

# Stops node i whether or not its AMQP port is open: the last node left running pauses itself as
# the other two stop (pause_minority) and closes its listeners, but its VM still runs.
rabbit_down() { # i
  select_node "$1"
  local pid
  pid=$(cat "$(rabbit_home)/pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping RabbitMQ node $RABBITMQ_NODE"
  ctl stop >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  log "node $RABBITMQ_NODE did not stop within 30 s: kill -9"
  kill -9 "$pid" 2>/dev/null || true
}

rabbit_lead() { # queue i: moves the leadership of a quorum queue to node i (a no-op if it leads it)
  select_node "$2"
  local target="$RABBITMQ_NODE@$HOST" out
  out=$(ctl eval "{ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<\"$VHOST\">>, queue, <<\"$1\">>)), rabbit_quorum_queue:transfer_leadership(Q, '$target')." 2>&1) || true
  case "$out" in
    "{migrated,'$target'}" | *already_leader*) ;;
    *) log "could not move the leadership of $1 to $target: $out"; return 1 ;;
  esac
}

rabbit_leader() { # queue: prints the index (1-3) of the node that leads it
  local node leader i
  for i in 1 2 3; do
    select_node "$i"
    port_open "$AMQP_PORT" || continue
    leader=$(ctl list_queues -p "$VHOST" name leader --no-table-headers 2>/dev/null | awk -v q="$1" '$1 == q {print $2}')
    [ -n "$leader" ] && break
  done
  [ -n "${leader:-}" ] || { log "no leader found for $1"; return 1; }
  for i in 1 2 3; do
    select_node "$i"
    node="$RABBITMQ_NODE@$HOST"
    [ "$node" = "$leader" ] && { echo "$i"; return 0; }
  done
  return 1
}

# --- Partitions -----------------------------------------------------------------------------------
# A partition of node i: its packets to the others' distribution ports and theirs to its own are
# dropped (both ways, silently, as a cable pulled), in an iptables chain of its own that
# rabbit-heal removes. AMQP, epmd and rabbitmqctl are untouched.
partition_chain() { echo "part-$RABBITMQ_NODE"; }

rabbit_partition() { # i
  local i j me_port me_src peer_ports=() peer_srcs=() chain
  for j in 1 2 3; do
    [ "$j" = "$1" ] && continue
    select_node "$j"
    peer_ports+=("$(dist_port)")
    peer_srcs+=("$(dist_source)")
  done
  select_node "$1"
  me_port=$(dist_port)
  me_src=$(dist_source)
  chain=$(partition_chain)
  iptables -w -N "$chain" 2>/dev/null || { log "node $RABBITMQ_NODE is partitioned already (rabbit-heal $1)"; return 1; }
  log "partitioning $RABBITMQ_NODE from the other two (iptables chain $chain)"
  iptables -w -A "$chain" -p tcp -s "$me_src" -m multiport --dports "$(IFS=,; echo "${peer_ports[*]}")" -j DROP
  iptables -w -A "$chain" -p tcp -s "$(IFS=,; echo "${peer_srcs[*]}")" --dport "$me_port" -j DROP
  iptables -w -I OUTPUT -j "$chain"
}

rabbit_unpartition() { # i: removes the chain, if any
  select_node "$1"
  local chain
  chain=$(partition_chain)
  iptables -w -n -L "$chain" >/dev/null 2>&1 || return 0
  log "healing the partition of $RABBITMQ_NODE"
  while iptables -w -D OUTPUT -j "$chain" 2>/dev/null; do :; done
  iptables -w -F "$chain"
  iptables -w -X "$chain"
}


rabbit_paused() { # i: waits until the node has paused itself, i.e. closed its AMQP port
  select_node "$1"
  for _ in $(seq 1 600); do port_open "$AMQP_PORT" || return 0; sleep 0.1; done
  log "node $RABBITMQ_NODE did not pause within 60 s"
  return 1
}

# The partitions each running node has seen (empty: none), as "node: peers".
rabbit_partitions() {
  local i
  for i in 1 2 3; do
    select_node "$i"
    ctl eval 'rabbit_node_monitor:partitions().' 2>/dev/null | grep -v '^\[\]$' | sed "s/^/$RABBITMQ_NODE: /" || true
  done
}

# --- PostgreSQL -----------------------------------------------------------------------------------
VERSION=$(newest_postgres 2>/dev/null || true)
cluster_name() { echo "${CLUSTERS[$1]%%:*}"; }
cluster_port() { echo "${CLUSTERS[$1]##*:}"; }
data_dir() { echo "/var/lib/postgresql/$VERSION/$(cluster_name "$1")"; }
conf() { pg_conftool -s "$VERSION" "$(cluster_name "$1")" set "$2" "$3"; }
in_recovery() { as_postgres psql -p "$(cluster_port "$1")" -tAq -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null; }
primary_index() { # the index (0/1) of the running cluster that is not in recovery
  local i
  for i in 0 1; do [ "$(in_recovery "$i")" = f ] && { echo "$i"; return 0; }; done
  return 1
}

timeline() { # i: the timeline of the cluster's latest checkpoint (a promotion starts a new one)
  as_postgres "/usr/lib/postgresql/$VERSION/bin/pg_controldata" "$(data_dir "$1")" | awk -F: "/^Latest checkpoint's TimeLineID/ {gsub(/ /, \"\", \$2); print \$2}"
}

pg_create() { # i
  [ -n "$(cluster_by_name "$(cluster_name "$1")")" ] && return 0
  log "creating PostgreSQL cluster $VERSION/$(cluster_name "$1") on port $(cluster_port "$1")"
  pg_createcluster "$VERSION" "$(cluster_name "$1")" -p "$(cluster_port "$1")" >/dev/null
  # Enough WAL kept for a standby that was away a while; hints so that pg_rewind could be used.
  conf "$1" wal_keep_size 512MB
  conf "$1" wal_log_hints on
  conf "$1" synchronous_standby_names ''
}

pg_start() { # i
  port_open "$(cluster_port "$1")" && return 0
  log "starting PostgreSQL cluster $(cluster_name "$1") on port $(cluster_port "$1")"
  pg_ctlcluster "$VERSION" "$(cluster_name "$1")" start
  wait_for "$(cluster_port "$1")" 30 || { log "PostgreSQL did not open port $(cluster_port "$1")"; return 1; }
}

# Every commit waits until the standby has it (synchronous_commit = on, the default): a failover
# loses no acknowledged commit. With no standby connected, commits wait, so a primary without one
# (after a failover, until pg-rejoin) runs asynchronously instead.
pg_synchronous() { # i on|off
  conf "$1" synchronous_standby_names "$([ "$2" = on ] && echo '*' || echo '')"
  as_postgres psql -p "$(cluster_port "$1")" -tAq -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
}

pg_make_standby() { # standby-index primary-index: replaces the standby's data with a base backup
  local dir
  dir=$(data_dir "$1")
  log "rebuilding $(cluster_name "$1") as a standby of $(cluster_name "$2") (pg_basebackup -R)"
  pg_ctlcluster "$VERSION" "$(cluster_name "$1")" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$dir"
  as_postgres pg_basebackup -h /var/run/postgresql -p "$(cluster_port "$2")" -D "$dir" -R -X stream -c fast >/dev/null
  conf "$1" synchronous_standby_names ''
  pg_start "$1"
  for _ in $(seq 1 60); do
    [ "$(as_postgres psql -p "$(cluster_port "$2")" -tAq -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ] && break
    sleep 0.5
  done
  pg_synchronous "$2" on
}

pg_up() {
  postgres_install
  pg_create 0
  pg_create 1
  local primary
  if primary=$(primary_index); then :; else
    # Neither runs as a primary: start the one that is not a standby; when neither is one (a
    # failover without pg-rejoin), the one on the later timeline, i.e. the promoted one.
    primary=0
    if [ -f "$(data_dir 0)/standby.signal" ]; then primary=1
    elif [ ! -f "$(data_dir 1)/standby.signal" ] && [ "$(timeline 1)" -gt "$(timeline 0)" ]; then primary=1
    fi
    pg_start "$primary"
  fi
  postgres_databases "$(cluster_port "$primary")" ''
  local standby=$((1 - primary))
  if [ -f "$(data_dir "$standby")/standby.signal" ]; then
    pg_start "$standby"
    pg_synchronous "$primary" on
  else
    pg_make_standby "$standby" "$primary"
  fi
}

pg_kill_primary() {
  local primary pid
  primary=$(primary_index) || { log "no primary is running"; return 1; }
  pid=$(head -1 "$(data_dir "$primary")/postmaster.pid")
  log "kill -9 the primary $(cluster_name "$primary") (postmaster $pid)"
  kill -9 "$pid"
  for _ in $(seq 1 50); do port_open "$(cluster_port "$primary")" || break; sleep 0.1; done
}

pg_promote() {
  local i
  for i in 0 1; do
    if [ "$(in_recovery "$i")" = t ]; then
      log "promoting $(cluster_name "$i")"
      conf "$i" synchronous_standby_names ''
      as_postgres psql -p "$(cluster_port "$i")" -tAq -d postgres -c 'SELECT pg_promote(true, 60)' >/dev/null
      return 0
    fi
  done
  log "no standby to promote"
  return 1
}

pg_rejoin() {
  local primary
  primary=$(primary_index) || { log "no primary is running"; return 1; }
  pg_make_standby "$((1 - primary))" "$primary"
}

pg_down() {
  local i
  for i in 0 1; do
    [ -n "$(cluster_by_name "$(cluster_name "$i")")" ] || continue
    port_open "$(cluster_port "$i")" || continue
    log "stopping PostgreSQL cluster $(cluster_name "$i")"
    pg_ctlcluster "$VERSION" "$(cluster_name "$i")" stop -m fast || true
  done
}

status() {
  local i
  for i in 1 2 3; do
    select_node "$i"
    printf 'rabbitmq %-22s amqp %s  management %s  %s\n' "$RABBITMQ_NODE" "$AMQP_PORT" "$MANAGEMENT_PORT" "$(port_open "$AMQP_PORT" && echo up || echo down)"
  done
  for i in 0 1; do
    local role=down
    case "$(in_recovery "$i")" in t) role=standby ;; f) role=primary ;; esac
    printf 'postgres %-22s port %s  %s\n' "$(cluster_name "$i")" "$(cluster_port "$i")" "$role"
  done
}

case "${1:-up}" in
  up)
    pg_up
    for i in 1 2 3; do rabbit_unpartition "$i"; done
    rabbit_up
    log "RabbitMQ (${NODES[*]}) and PostgreSQL (${CLUSTERS[*]}) are ready"
    ;;
  down)
    for i in 3 2 1; do rabbit_unpartition "$i"; rabbit_down "$i"; done
    pg_down
    ;;
  destroy)
    for i in 3 2 1; do rabbit_unpartition "$i"; rabbit_down "$i"; rm -rf "$(rabbit_home)"; done
    pg_down
    for i in 0 1; do
      [ -n "$(cluster_by_name "$(cluster_name "$i")")" ] && pg_dropcluster "$VERSION" "$(cluster_name "$i")"
    done
    log "removed the HA nodes and clusters"
    ;;
  status) status ;;
  rabbit-kill) rabbit_kill "${2:?node index}" ;;
  rabbit-stop) select_node "${2:?node index}"; rabbitmq_stop ;;
  rabbit-start) select_node "${2:?node index}"; rabbitmq_start ;;
  rabbit-leader) rabbit_leader "${2:?queue}" ;;
  rabbit-lead) rabbit_lead "${2:?queue}" "${3:?node index}" ;;
  rabbit-partition) rabbit_partition "${2:?node index}" ;;
  rabbit-heal) rabbit_unpartition "${2:?node index}" ;;
  rabbit-await) select_node "${2:?node index}"; ctl await_startup --timeout "${3:-120}" >/dev/null ;;
  rabbit-paused) rabbit_paused "${2:?node index}" ;;
  rabbit-partitions) rabbit_partitions ;;
  rabbit-alarm)
    select_node "${2:?node index}"
    ctl set_vm_memory_high_watermark "$(case "${3:?on|off}" in on) echo 0.0000001 ;; *) echo 0.4 ;; esac)" >/dev/null
    ;;
  pg-primary) i=$(primary_index) && echo "$(cluster_name "$i"):$(cluster_port "$i")" ;;
  pg-sync-state) i=$(primary_index) && as_postgres psql -p "$(cluster_port "$i")" -tAq -d postgres -c 'SELECT sync_state FROM pg_stat_replication' ;;
  pg-sync) i=$(primary_index) && pg_synchronous "$i" "${2:?on or off}" ;;
  pg-kill-primary) pg_kill_primary ;;
  pg-promote) pg_promote ;;
  pg-rejoin) pg_rejoin ;;
  *) sed -n '2,25p' "$0" >&2; exit 2 ;;
esac
