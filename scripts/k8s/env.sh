# Sourced by tools.sh and validate.sh: one place for tool versions and the paths they install to.
# shellcheck shell=bash disable=SC2034
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
# kubernetes-validate ships the strict core schemas; its version tracks the Kubernetes minor.
KUBERNETES_VALIDATE_VERSION=1.35.0
KUBERNETES_VERSION=1.35.0

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GOBIN_DIR="$(go env GOPATH)/bin"
HELM="${HELM:-$GOBIN_DIR/helm}"
KUBECONFORM="${KUBECONFORM:-$GOBIN_DIR/kubeconform}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/order-platform"
# A private venv keeps the schema package away from system Python (PEP 668) and from other projects.
VENV="$CACHE_DIR/venv"
PYTHON="$VENV/bin/python"
SCHEMA_CACHE="$CACHE_DIR/k8s-schemas/v${KUBERNETES_VERSION}-strict"
CHART_DIR="$REPO_ROOT/charts/order-platform"

# Operator CRDs and skaffold's schema come from the operators' own Go modules, pinned as close as the
# module proxy serves to the versions k8s/bootstrap.sh installs (module path, version, CRD folder).
# The proxy has no KEDA v2.21.1 nor cluster-operator v2.21.0 yet; the CRDs of the previous patch
# or minor are the nearest published.
OPERATOR_MODULES=(
  "keda github.com/kedacore/keda/v2 v2.21.0 config/crd/bases"
  "cloudnative-pg github.com/cloudnative-pg/cloudnative-pg v1.30.0 config/crd/bases"
  "rabbitmq-cluster-operator github.com/rabbitmq/cluster-operator/v2 v2.20.0 config/crd/bases"
  "rabbitmq-topology-operator github.com/rabbitmq/messaging-topology-operator v1.19.1 config/crd/bases"
  "prometheus-operator github.com/prometheus-operator/prometheus-operator v0.88.1 example/prometheus-operator-crd-full"
)
# Only the Prometheus operator kinds the chart uses: its other CRDs are large and unused here.
PROMETHEUS_OPERATOR_KINDS="servicemonitors podmonitors prometheusrules"
SKAFFOLD_MODULE="github.com/GoogleContainerTools/skaffold/v2 v2.16.1 docs-v2/content/en/schemas/v4beta13.json"
# Optional offline copy (never required): a checkout beside ../shared/k8s-crds.
OFFLINE_CRDS="${OFFLINE_CRDS:-$REPO_ROOT/../shared/k8s-crds}"
OFFLINE_SCHEMAS="${OFFLINE_SCHEMAS:-$REPO_ROOT/../shared/k8s-schemas}"
# The cache key covers the pins and the converter, so changing either regenerates the schemas.
OPERATORS_KEY="$(printf '%s\n' "${OPERATOR_MODULES[@]}" "$PROMETHEUS_OPERATOR_KINDS" "$SKAFFOLD_MODULE" \
  | cat - "$REPO_ROOT/scripts/k8s/crd_schemas.py" | sha256sum | cut -c1-12)"
OPERATORS_DIR="$CACHE_DIR/operators/$OPERATORS_KEY"
# kubeconform's template for operator kinds, and skaffold's schema.
OPERATOR_SCHEMAS="$OPERATORS_DIR/schemas"
OPERATOR_CRDS="$OPERATORS_DIR/crds"
SKAFFOLD_SCHEMA="$OPERATOR_SCHEMAS/skaffold/v4beta13.json"
