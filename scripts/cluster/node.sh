#!/usr/bin/env bash
# A real node beside the control plane: containerd + runc + a kubelet that runs pods as real containers.
#   CLUSTER_STATE_DIR=<dir> [CLUSTER_KUBECONFIG=<admin kubeconfig>] scripts/cluster/node.sh start|stop|status
# CLUSTER_STATE_DIR is the control plane's state directory; when CLUSTER_KUBECONFIG (or KUBECTL) is
# not set, they come from its env file (KUBECONFIG, KUBE_BIN) that scripts/cluster/up.sh writes.
# start installs containerd, runc and buildah with apt when missing, builds the kubelet into the cache
# when missing (build-kubelet.sh), starts a containerd of its own (own root, state and socket under
# $CLUSTER_STATE_DIR/node, never /run/containerd), loads an offline sandbox image, starts the kubelet,
# registers node $NODE_NAME and waits until it is Ready. stop kills both by pid, waits, unmounts what
# they mounted and removes the state it created.
#
# Limits of this machine (see docs/kubernetes.md): no pod network (CNI is loopback only, no kube-proxy,
# no cluster DNS), so only hostNetwork pods are useful; cgroup v1 with the cgroupfs driver; no
# CAP_SYS_RESOURCE, hence restrict_oom_score_adj.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${CLUSTER_CACHE_DIR:-$HOME/.cache/order-platform/cluster}
STATE=${CLUSTER_STATE_DIR:?set CLUSTER_STATE_DIR}/node
NODE_NAME=${NODE_NAME:-real-node}
# The node carries this taint; only pods that tolerate it (values-cluster-test.yaml) land here,
# so pods meant for kwok's fake nodes never start real containers.
NODE_TAINT=${NODE_TAINT:-order-platform.io/real-node=true:NoSchedule}
KUBELET_PORT=${KUBELET_PORT:-27250}
KUBELET_HEALTHZ_PORT=${KUBELET_HEALTHZ_PORT:-27248}
CRI_STREAM_PORT=${CRI_STREAM_PORT:-27010}
# The kubelet refuses a loopback node IP; unset, it takes the address of the default route's interface,
# which is where the host-network pods' probes go.
NODE_IP=${NODE_IP:-}
PAUSE_IMAGE=order-platform/pause:local

# The control plane's env file (scripts/cluster/up.sh) names the kubeconfig and kubectl when not given.
if [ -f "$CLUSTER_STATE_DIR/env" ]; then
  [ -n "${CLUSTER_KUBECONFIG:-}" ] || CLUSTER_KUBECONFIG=$(set +u; . "$CLUSTER_STATE_DIR/env" && echo "${KUBECONFIG:-}")
  [ -n "${KUBECTL:-}" ] || KUBECTL=$(set +u; . "$CLUSTER_STATE_DIR/env" && echo "${KUBE_BIN:+$KUBE_BIN/kubectl}")
fi
KUBECTL=${KUBECTL:-$CACHE/bin/kubernetes-v1.34.4/kubectl}

SOCK=$STATE/containerd/containerd.sock
CTR=(ctr --address "$SOCK" --namespace k8s.io)

log() { printf '[node] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ensure_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  command -v buildah >/dev/null || missing+=(buildah)
  [ -x /usr/lib/cni/loopback ] || missing+=(containernetworking-plugins)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} with apt"
  apt-get update -qq >/dev/null
  # policy-rc.d or not, the packaged containerd service is never what we run: ours has its own socket.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

write_containerd_config() {
  mkdir -p "$STATE/containerd" "$STATE/cni/net.d"
  # Loopback only: CRI reports the network ready, and hostNetwork pods need nothing more.
  cat > "$STATE/cni/net.d/10-loopback.conflist" <<JSON
{ "cniVersion": "0.4.0", "name": "loopback", "plugins": [ { "type": "loopback" } ] }
JSON
  cat > "$STATE/containerd/config.toml" <<TOML
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$STATE/containerd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The machine lacks CAP_SYS_RESOURCE: without this runc fails with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "$CRI_STREAM_PORT"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$STATE/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
TOML
}

start_containerd() {
  alive "$STATE/containerd.pid" && return
  write_containerd_config
  containerd --config "$STATE/containerd/config.toml" > "$STATE/containerd.log" 2>&1 &
  echo $! > "$STATE/containerd.pid"
  for _ in $(seq 60); do
    "${CTR[@]}" version >/dev/null 2>&1 && return
    alive "$STATE/containerd.pid" || break
    sleep 0.5
  done
  tail -20 "$STATE/containerd.log" >&2
  die "containerd did not start (log: $STATE/containerd.log)"
}

# The sandbox image, FROM scratch with the static pause binary; built once into the cache.
load_pause_image() {
  local archive=$CACHE/images/pause.tar pause=$CACHE/bin/pause/pause
  if [ ! -f "$archive" ]; then
    mkdir -p "$CACHE/images"
    local store ctr
    store=$(mktemp -d)
    ctr=$(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs from scratch)
    buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs copy "$ctr" "$pause" /pause >/dev/null
    buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
    buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs commit -q "$ctr" "$PAUSE_IMAGE" >/dev/null
    buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs push -q "$PAUSE_IMAGE" "docker-archive:$archive.tmp:$PAUSE_IMAGE"
    mv "$archive.tmp" "$archive"
    buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs rm -a >/dev/null 2>&1 || true
    rm -rf "$store" 2>/dev/null || { umount -R "$store/root" 2>/dev/null || true; rm -rf "$store"; }
  fi
  "${CTR[@]}" images import --no-unpack=false "$archive" >/dev/null
}

start_kubelet() {
  alive "$STATE/kubelet.pid" && return
  mkdir -p "$STATE/kubelet" "$STATE/pod-logs"
  local kubelet
  kubelet=$(bash "$HERE/build-kubelet.sh")
  cat > "$STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
# Loopback only; the apiserver reaches it for logs/exec from the same machine.
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization:
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://$SOCK
imageServiceEndpoint: unix://$SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
podLogsDir: $STATE/pod-logs
registerWithTaints:
  - { key: "${NODE_TAINT%%=*}", value: "$(t=${NODE_TAINT#*=}; echo "${t%%:*}")", effect: "${NODE_TAINT##*:}" }
# A shared development machine: never evict the platform's pods for disk or memory pressure.
evictionHard: { memory.available: "50Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
syncFrequency: 10s
fileCheckFrequency: 10s
nodeStatusUpdateFrequency: 5s
YAML
  "$kubelet" --config "$STATE/kubelet.yaml" --kubeconfig "$CLUSTER_KUBECONFIG" --root-dir "$STATE/kubelet" \
    --hostname-override "$NODE_NAME" ${NODE_IP:+--node-ip "$NODE_IP"} --node-labels "order-platform.io/real-node=true" \
    --v=1 > "$STATE/kubelet.log" 2>&1 &
  echo $! > "$STATE/kubelet.pid"
}

wait_ready() {
  local kubectl=$KUBECTL
  for _ in $(seq 120); do
    alive "$STATE/kubelet.pid" || { tail -30 "$STATE/kubelet.log" >&2; die "kubelet exited (log: $STATE/kubelet.log)"; }
    if [ "$("$kubectl" --kubeconfig "$CLUSTER_KUBECONFIG" get node "$NODE_NAME" \
          -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; then
      log "node $NODE_NAME is Ready"
      return
    fi
    sleep 1
  done
  tail -30 "$STATE/kubelet.log" >&2
  die "node $NODE_NAME not Ready after 120 s (log: $STATE/kubelet.log)"
}

stop_pid() { # pidfile seconds
  alive "$1" || { rm -f "$1"; return 0; }
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq $(( $2 * 10 ))); do kill -0 "$pid" 2>/dev/null || { rm -f "$1"; return 0; }; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$1"
}

stop_node() {
  [ -d "$STATE" ] || return 0
  stop_pid "$STATE/kubelet.pid" 20
  if alive "$STATE/containerd.pid"; then
    # Containers outlive the kubelet; stop them through containerd so their shims exit too.
    local ids id
    ids=$("${CTR[@]}" tasks ls -q 2>/dev/null || true)
    for id in $ids; do "${CTR[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    for id in $ids; do
      for _ in $(seq 50); do "${CTR[@]}" tasks delete "$id" >/dev/null 2>&1 && break; sleep 0.1; done
    done
    for id in $("${CTR[@]}" containers ls -q 2>/dev/null || true); do "${CTR[@]}" containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  # A shim whose task could not be deleted: only shims of this containerd (matched by its socket), by pid.
  local pid
  for pid in $(pgrep -f -- "containerd-shim-runc-v2 .*-address $SOCK" || true); do kill -9 "$pid" 2>/dev/null || true; done
  stop_pid "$STATE/containerd.pid" 10
  # Unmount everything under the state dir, deepest first (rootfs overlays, sandbox shm, kubelet volumes).
  local mnt
  for mnt in $(awk -v s="$STATE/" 'index($2, s) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || log "could not unmount $mnt"
  done
  # The kubelet's pod cgroups (cgroupfs driver), empty once the containers are gone.
  local d
  for d in /sys/fs/cgroup/*/kubepods; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf "$STATE"
  # containerd 1.6 puts shim sockets under /run/containerd/s whatever its state dir; drop the dirs once empty.
  rmdir /run/containerd/s /run/containerd 2>/dev/null || true
  # A NotReady node left behind would only confuse the scheduler and later tests.
  if [ -n "${CLUSTER_KUBECONFIG:-}" ]; then
    "$KUBECTL" --kubeconfig "$CLUSTER_KUBECONFIG" delete node "$NODE_NAME" --ignore-not-found --request-timeout=10s >/dev/null 2>&1 || true
  fi
  log "node stopped and its state removed"
}

case "${1:-}" in
  start)
    : "${CLUSTER_KUBECONFIG:?set CLUSTER_KUBECONFIG}"
    mkdir -p "$STATE"
    ensure_packages
    bash "$HERE/build-kubelet.sh" >/dev/null
    start_containerd
    load_pause_image
    start_kubelet
    wait_ready
    ;;
  stop) stop_node ;;
  status)
    alive "$STATE/containerd.pid" && echo "containerd $(cat "$STATE/containerd.pid")" || echo "containerd stopped"
    alive "$STATE/kubelet.pid" && echo "kubelet $(cat "$STATE/kubelet.pid")" || echo "kubelet stopped"
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
