#!/usr/bin/env bash
# Starts a Kubernetes control plane on loopback, without Docker: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok (3 fake nodes), KEDA's operator and metrics adapter.
# Prints the state directory first (so that a caller can stop a half-started plane with down.sh)
# and again when ready; everything it starts is recorded there and stopped by down.sh.
#
# $STATE_DIR/env (sourceable, documented for the other cluster scripts, e.g. part 2's node.sh):
#   STATE_DIR          this directory (mktemp under /tmp); down.sh removes it
#   KUBECONFIG         admin kubeconfig (system:masters client certificate)
#   KUBE_APISERVER     https://127.0.0.1:$APISERVER_PORT
#   KUBE_BIN KWOK_BIN KEDA_BIN PROMETHEUS_BIN   folders of the cached binaries
#   PKI_DIR            ca.crt/ca.key (cluster CA, also signs kubelet client certs), sa.key/sa.pub,
#                      front-proxy-ca.crt
#   PID_DIR            <NN>-<name>.pid of every process started, NN its start order; down.sh stops
#                      them newest first, so a script that starts more processes writes its pids
#                      here with a higher NN
#   RABBITMQ_VHOST     platform-cluster, the tests' vhost on the shared RabbitMQ (down.sh deletes it)
#   LOG_DIR            <name>.log of every process
#   ETCD_CLIENT_PORT APISERVER_PORT KEDA_ADAPTER_PORT PROMETHEUS_PORT ...  (versions.sh)
#   PROMETHEUS_URL     http://127.0.0.1:$PROMETHEUS_PORT, the Prometheus KEDA's trigger queries
#   PROMETHEUS_TARGETS file_sd folder: <job>-*.json files add scrape targets (jobs: rabbitmq reads
#                      /metrics/detailed of the queues of RABBITMQ_VHOST; platform reads /metrics)
#   FREE_PORTS         "26300-26390": loopback ports no component here uses, for other scripts
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/cluster/versions.sh
source "$here/versions.sh"

STATE_DIR="${STATE_DIR:-$(mktemp -d /tmp/order-platform-cluster-XXXXXX)}"
PKI_DIR="$STATE_DIR/pki" PID_DIR="$STATE_DIR/pids" LOG_DIR="$STATE_DIR/logs"
mkdir -p "$PKI_DIR" "$PID_DIR" "$LOG_DIR" "$STATE_DIR/etcd"
KUBECONFIG="$STATE_DIR/admin.kubeconfig"
KUBE_APISERVER="https://127.0.0.1:$APISERVER_PORT"
kubectl() { "$KUBE_BIN/kubectl" --kubeconfig "$KUBECONFIG" "$@"; }
say() { echo "up: $*" >&2; }
fail() { echo "up: $*; stop what started with: bash $here/down.sh $STATE_DIR" >&2; tail -n 30 "$LOG_DIR"/*.log >&2 || true; exit 1; }

cat > "$STATE_DIR/env" <<ENV
STATE_DIR=$STATE_DIR
KUBECONFIG=$KUBECONFIG
KUBE_APISERVER=$KUBE_APISERVER
KUBE_BIN=$KUBE_BIN
KWOK_BIN=$KWOK_BIN
KEDA_BIN=$KEDA_BIN
PROMETHEUS_BIN=$PROMETHEUS_BIN
PKI_DIR=$PKI_DIR
PID_DIR=$PID_DIR
LOG_DIR=$LOG_DIR
ETCD_CLIENT_PORT=$ETCD_CLIENT_PORT
APISERVER_PORT=$APISERVER_PORT
KEDA_ADAPTER_PORT=$KEDA_ADAPTER_PORT
KEDA_GRPC_PORT=$KEDA_GRPC_PORT
PROMETHEUS_PORT=$PROMETHEUS_PORT
PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
PROMETHEUS_TARGETS=$STATE_DIR/prometheus/targets
RABBITMQ_VHOST=$RABBITMQ_VHOST
FREE_PORTS=26300-26390
ENV
echo "$STATE_DIR" > "$CLUSTER_CACHE/last-state"
echo "$STATE_DIR"

# start NAME COMMAND...: background, own process group, pid recorded for down.sh.
start() {
  local name="$1"; shift
  setsid "$@" > "$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$PID_DIR/$(printf '%02d' "$(ls "$PID_DIR" | wc -l)")-$name.pid"
}
# wait_for WHAT SECONDS COMMAND...
wait_for() {
  local what="$1" seconds="$2"; shift 2
  for _ in $(seq $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "$what not ready after ${seconds}s"
}

say "certificates (openssl) in $PKI_DIR"
(
  cd "$PKI_DIR"
  ssl() { openssl "$@" 2>/dev/null; }
  ca() { ssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.crt" -days 2 -subj "/CN=$2"; }
  # cert NAME CA SUBJECT [SAN]
  cert() {
    ssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$3"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n%s' \
      "${4:+subjectAltName=$4}" > "$1.ext"
    ssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext"
    rm -f "$1.csr" "$1.ext"
  }
  ca ca order-platform-cluster-ca
  ca front-proxy-ca order-platform-front-proxy-ca
  cert apiserver ca "/CN=kube-apiserver" "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1"
  cert admin ca "/O=system:masters/CN=cluster-test-admin"
  cert front-proxy-client front-proxy-ca "/CN=front-proxy-client"
  # Serving certificates of KEDA's webhooks/gRPC and of the metrics adapter (self-signed is enough:
  # the APIService skips verification, the operator and adapter share this CA).
  cert keda ca "/CN=keda" "IP:127.0.0.1,DNS:localhost"
  ssl genrsa -out sa.key 2048 && ssl rsa -in sa.key -pubout -out sa.pub
)
mkdir -p "$STATE_DIR/keda-certs"
cp "$PKI_DIR/ca.crt" "$STATE_DIR/keda-certs/ca.crt"
cp "$PKI_DIR/keda.crt" "$STATE_DIR/keda-certs/tls.crt"
cp "$PKI_DIR/keda.key" "$STATE_DIR/keda-certs/tls.key"

cat > "$KUBECONFIG" <<KC
apiVersion: v1
kind: Config
clusters:
- name: cluster-test
  cluster: { server: "$KUBE_APISERVER", certificate-authority: "$PKI_DIR/ca.crt" }
users:
- name: admin
  user: { client-certificate: "$PKI_DIR/admin.crt", client-key: "$PKI_DIR/admin.key" }
contexts:
- name: cluster-test
  context: { cluster: cluster-test, user: admin }
current-context: cluster-test
KC

# The tests' own vhost on the shared local RabbitMQ (never npm test's or npm start's); down.sh deletes it.
say "RabbitMQ vhost $RABBITMQ_VHOST"
rabbitmqctl -q add_vhost "$RABBITMQ_VHOST" >/dev/null 2>&1 || true
rabbitmqctl -q set_permissions -p "$RABBITMQ_VHOST" platform '.*' '.*' '.*' >/dev/null

say "etcd $ETCD_VERSION on 127.0.0.1:$ETCD_CLIENT_PORT"
start etcd "$ETCD_BIN/etcd" --name cluster-test --data-dir "$STATE_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "cluster-test=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" \
  --unsafe-no-fsync --quota-backend-bytes 1073741824
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

say "kube-apiserver $KUBERNETES_VERSION on $KUBE_APISERVER"
start kube-apiserver "$KUBE_BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
  --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
  --client-ca-file "$PKI_DIR/ca.crt" \
  --service-account-key-file "$PKI_DIR/sa.pub" --service-account-signing-key-file "$PKI_DIR/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode Node,RBAC \
  --requestheader-client-ca-file "$PKI_DIR/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$PKI_DIR/front-proxy-client.crt" --proxy-client-key-file "$PKI_DIR/front-proxy-client.key" \
  --enable-aggregator-routing=false \
  --profiling=false --v=1
wait_for kube-apiserver 120 kubectl get --raw /readyz

say "kube-controller-manager and kube-scheduler"
start kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
  --kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" --cert-dir "$STATE_DIR/controller-manager" \
  --service-account-private-key-file "$PKI_DIR/sa.key" --root-ca-file "$PKI_DIR/ca.crt" \
  --use-service-account-credentials=true --leader-elect=false \
  --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
  --controllers '*,-nodeipam,-cloud-node-lifecycle,-service,-route' \
  --horizontal-pod-autoscaler-sync-period 5s --v=1
start kube-scheduler "$KUBE_BIN/kube-scheduler" \
  --kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --cert-dir "$STATE_DIR/scheduler" --leader-elect=false --v=1
wait_for kube-controller-manager 60 curl -skf "https://127.0.0.1:$CONTROLLER_MANAGER_PORT/healthz"
wait_for kube-scheduler 60 curl -skf "https://127.0.0.1:$SCHEDULER_PORT/healthz"
wait_for "default service account" 60 kubectl -n default get serviceaccount default

say "kwok $KWOK_VERSION with 3 fake nodes"
stages=()
for f in "$KWOK_BIN/stages"/*.yaml "$here/kwok"/*.yaml; do stages+=(-c "$f"); done
start kwok "$KWOK_BIN/kwok" --kubeconfig "$KUBECONFIG" "${stages[@]}" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-ip 10.0.0.1 --cidr 10.0.0.0/16 --server-address "127.0.0.1:$KWOK_PORT"
for i in 1 2 3; do
  kubectl apply --server-side --field-manager cluster-test -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    topology.kubernetes.io/zone: zone-$i
status:
  allocatable: { cpu: "16", memory: 64Gi, pods: "110" }
  capacity: { cpu: "16", memory: 64Gi, pods: "110" }
NODE
done
wait_for "kwok nodes Ready" 60 kubectl wait --for=condition=Ready node -l type=kwok --timeout=1s

# Server-side apply: the API server checks the CRDs themselves, then the custom resources against
# their structural schemas and CEL rules.
say "operator CRDs (KEDA, CloudNativePG, RabbitMQ cluster and topology operators, Prometheus operator)"
operators="$(bash "$CLUSTER_REPO_ROOT/scripts/k8s/operator-crds.sh")"
kubectl apply --server-side --field-manager cluster-test -R -f "$operators/crds" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null

say "KEDA $KEDA_VERSION operator and metrics adapter"
kubectl create namespace keda --dry-run=client -o yaml | kubectl apply -f - >/dev/null
keda_env=(env WATCH_NAMESPACE="" KEDA_CLUSTER_OBJECT_NAMESPACE=keda POD_NAMESPACE=keda POD_NAME=keda-operator
  OPERATOR_NAME=keda-operator KUBECONFIG="$KUBECONFIG" KEDA_HTTP_DEFAULT_TIMEOUT=3000)
start keda-operator "${keda_env[@]}" "$KEDA_BIN/keda" --leader-elect=false --zap-log-level=info \
  --metrics-bind-address "127.0.0.1:$KEDA_METRICS_PORT" --health-probe-bind-address "127.0.0.1:$KEDA_HEALTH_PORT" \
  --metrics-service-bind-address "127.0.0.1:$KEDA_GRPC_PORT" --cert-dir "$STATE_DIR/keda-certs" \
  --enable-cert-rotation=false --enable-webhook-patching=false --enable-apiservice-patching=false
start keda-adapter "${keda_env[@]}" POD_NAME=keda-adapter "$KEDA_BIN/keda-adapter" \
  --secure-port "$KEDA_ADAPTER_PORT" --bind-address 127.0.0.1 \
  --tls-cert-file "$STATE_DIR/keda-certs/tls.crt" --tls-private-key-file "$STATE_DIR/keda-certs/tls.key" \
  --lister-kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --metrics-service-address "127.0.0.1:$KEDA_GRPC_PORT" --metrics-service-grpc-authority localhost \
  --client-ca-file "$PKI_DIR/ca.crt" --cert-dir "$STATE_DIR/keda-certs" \
  --port "$KEDA_ADAPTER_METRICS_PORT" --v=1
# The apiserver reaches the out-of-cluster adapter through an ExternalName Service: the aggregator's
# cluster resolver (routing not set to endpoints, which rejects ExternalName) sends it to
# localhost:$KEDA_ADAPTER_PORT. Loopback addresses are not allowed in Endpoints or EndpointSlices,
# so a selector-less Service could not point here.
kubectl apply --server-side --field-manager cluster-test -f - >/dev/null <<APISVC
apiVersion: v1
kind: Service
metadata: { name: keda-metrics-apiserver, namespace: keda }
spec:
  type: ExternalName
  externalName: localhost
  ports: [{ name: https, port: $KEDA_ADAPTER_PORT, targetPort: $KEDA_ADAPTER_PORT }]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1beta1.external.metrics.k8s.io }
spec:
  service: { name: keda-metrics-apiserver, namespace: keda, port: $KEDA_ADAPTER_PORT }
  group: external.metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
APISVC
wait_for "KEDA operator" 90 curl -sf "http://127.0.0.1:$KEDA_HEALTH_PORT/readyz"
wait_for "external.metrics.k8s.io" 120 kubectl get --raw /apis/external.metrics.k8s.io/v1beta1
# Prometheus stands in for kube-prometheus-stack: KEDA's trigger queries it, and tests add what it
# scrapes (the shared RabbitMQ's prometheus plugin, the services' /metrics) as file_sd targets.
say "prometheus on 127.0.0.1:$PROMETHEUS_PORT"
mkdir -p "$STATE_DIR/prometheus/targets" "$STATE_DIR/prometheus/data"
cat > "$STATE_DIR/prometheus/prometheus.yml" <<PROM
global: { scrape_interval: 2s, evaluation_interval: 2s }
scrape_configs:
  - job_name: rabbitmq
    metrics_path: /metrics/detailed
    params: { family: [queue_coarse_metrics, queue_consumer_count], vhost: ["$RABBITMQ_VHOST"] }
    file_sd_configs: [{ files: ["$STATE_DIR/prometheus/targets/rabbitmq-*.json"], refresh_interval: 1s }]
  - job_name: platform
    honor_labels: true
    file_sd_configs: [{ files: ["$STATE_DIR/prometheus/targets/platform-*.json"], refresh_interval: 1s }]
PROM
start prometheus "$PROMETHEUS_BIN/prometheus" --config.file "$STATE_DIR/prometheus/prometheus.yml" \
  --storage.tsdb.path "$STATE_DIR/prometheus/data" --web.listen-address "127.0.0.1:$PROMETHEUS_PORT" \
  --storage.tsdb.retention.time 2h
wait_for prometheus 60 curl -sf "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
say "ready: source $STATE_DIR/env"
echo "$STATE_DIR"
