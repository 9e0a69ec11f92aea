#!/usr/bin/env bash
# Creates the local cluster (kind or k3d) and installs, at pinned versions, everything the chart expects
# to find: kube-prometheus-stack, cert-manager, metrics-server (kind), Traefik, KEDA, CloudNativePG and the
# RabbitMQ cluster and messaging-topology operators, Jaeger (k8s/jaeger.yaml); then the application namespace with the restricted
# Pod Security Standard.
# Idempotent: every step is create-if-missing or `helm upgrade --install`, so re-running repairs drift.
#
# Usage: k8s/bootstrap.sh [kind|k3d]
set -euo pipefail

FLAVOR="${1:-kind}"
CLUSTER=order-platform
APP_NAMESPACE=order-platform
HERE="$(cd "$(dirname "$0")" && pwd)"

KUBE_PROMETHEUS_STACK_VERSION=81.6.2
CERT_MANAGER_VERSION=v1.20.2
TRAEFIK_VERSION=37.4.0
KEDA_VERSION=2.21.1
CLOUDNATIVE_PG_VERSION=0.29.0
METRICS_SERVER_VERSION=3.13.0
# RabbitMQ publishes no Helm repository of its own (Bitnami's chart now ships images that are no longer
# freely available), so both operators come from their pinned GitHub release manifests.
RABBITMQ_CLUSTER_OPERATOR_VERSION=v2.21.0
RABBITMQ_TOPOLOGY_OPERATOR_VERSION=v1.19.1

HELM="${HELM:-$(command -v helm || echo "$(go env GOPATH 2>/dev/null)/bin/helm")}"
for tool in kubectl "$FLAVOR"; do
  command -v "$tool" >/dev/null || { echo "missing $tool on PATH" >&2; exit 1; }
done
[[ -x "$HELM" ]] || { echo "missing helm (or run scripts/k8s/tools.sh)" >&2; exit 1; }

case "$FLAVOR" in
  kind)
    CONTEXT="kind-$CLUSTER"
    kind get clusters 2>/dev/null | grep -qx "$CLUSTER" || kind create cluster --config "$HERE/kind.yaml"
    ;;
  k3d)
    CONTEXT="k3d-$CLUSTER"
    k3d cluster get "$CLUSTER" >/dev/null 2>&1 || k3d cluster create --config "$HERE/k3d.yaml"
    ;;
  *) echo "usage: $0 [kind|k3d]" >&2; exit 2 ;;
esac

kc() { kubectl --context "$CONTEXT" "$@"; }
install_chart() { # release namespace chart version [extra helm args...]
  local release="$1" namespace="$2" chart="$3" version="$4"; shift 4
  echo "==> $release $version"
  "$HELM" upgrade --install "$release" "$chart" --version "$version" --kube-context "$CONTEXT" \
    --namespace "$namespace" --create-namespace --wait --timeout 10m "$@"
}

"$HELM" repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update >/dev/null
"$HELM" repo add jetstack https://charts.jetstack.io --force-update >/dev/null
"$HELM" repo add traefik https://traefik.github.io/charts --force-update >/dev/null
"$HELM" repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
"$HELM" repo add cnpg https://cloudnative-pg.github.io/charts --force-update >/dev/null
"$HELM" repo add metrics-server https://kubernetes-sigs.github.io/metrics-server --force-update >/dev/null
"$HELM" repo update >/dev/null

# First, because the other charts create ServiceMonitors/PodMonitors whose CRDs come with it.
install_chart kube-prometheus-stack monitoring prometheus-community/kube-prometheus-stack "$KUBE_PROMETHEUS_STACK_VERSION" \
  -f "$HERE/values/kube-prometheus-stack.yaml"
# The RabbitMQ operators' admission webhooks get their certificates from cert-manager.
install_chart cert-manager cert-manager jetstack/cert-manager "$CERT_MANAGER_VERSION" --set crds.enabled=true
# The gateway's HPA scales on CPU, which needs the resource metrics API; k3s ships metrics-server, kind does not.
if [[ "$FLAVOR" == kind ]]; then
  # kind's kubelets serve self-signed certificates.
  install_chart metrics-server kube-system metrics-server/metrics-server "$METRICS_SERVER_VERSION" --set 'args={--kubelet-insecure-tls}'
fi
install_chart traefik traefik traefik/traefik "$TRAEFIK_VERSION" -f "$HERE/values/traefik.yaml"
install_chart keda keda kedacore/keda "$KEDA_VERSION" -f "$HERE/values/keda.yaml"
install_chart cnpg cnpg-system cnpg/cloudnative-pg "$CLOUDNATIVE_PG_VERSION" -f "$HERE/values/cloudnative-pg.yaml"

echo "==> rabbitmq cluster-operator $RABBITMQ_CLUSTER_OPERATOR_VERSION"
kc apply --server-side --force-conflicts \
  -f "https://github.com/rabbitmq/cluster-operator/releases/download/$RABBITMQ_CLUSTER_OPERATOR_VERSION/cluster-operator.yml"
kc -n rabbitmq-system rollout status deployment/rabbitmq-cluster-operator --timeout 5m
echo "==> rabbitmq messaging-topology-operator $RABBITMQ_TOPOLOGY_OPERATOR_VERSION"
kc apply --server-side --force-conflicts \
  -f "https://github.com/rabbitmq/messaging-topology-operator/releases/download/$RABBITMQ_TOPOLOGY_OPERATOR_VERSION/messaging-topology-operator-with-certmanager.yaml"
kc -n rabbitmq-system rollout status deployment/messaging-topology-operator --timeout 5m

echo "==> jaeger (traces; the OTLP endpoint of values-dev.yaml and values-prod.yaml)"
kc apply -f "$HERE/jaeger.yaml"
kc -n observability rollout status deployment/jaeger --timeout 5m

echo "==> namespace $APP_NAMESPACE (restricted Pod Security Standard, enforced)"
kc create namespace "$APP_NAMESPACE" --dry-run=client -o yaml | kc apply -f -
kc label namespace "$APP_NAMESPACE" --overwrite \
  pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/enforce-version=latest \
  pod-security.kubernetes.io/warn=restricted \
  pod-security.kubernetes.io/audit=restricted >/dev/null

echo
echo "Cluster $CONTEXT is ready. Next: skaffold dev -p $FLAVOR   (or: tilt up)"
echo "API through the ingress: http://localhost:8080/v1/...   Grafana: see docs/kubernetes.md"
