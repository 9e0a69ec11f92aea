# Sourced by tools.sh and validate.sh: one place for tool versions and the paths they install to.
# shellcheck shell=bash disable=SC2034
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
# kubernetes-validate ships the strict core schemas; its version tracks the Kubernetes minor.
KUBERNETES_VALIDATE_VERSION=1.35.0
KUBERNETES_VERSION=1.35.0

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED_SCHEMAS="${SHARED_SCHEMAS:-$REPO_ROOT/../shared/k8s-schemas}"
GOBIN_DIR="$(go env GOPATH)/bin"
HELM="${HELM:-$GOBIN_DIR/helm}"
KUBECONFORM="${KUBECONFORM:-$GOBIN_DIR/kubeconform}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/order-platform"
# A private venv keeps the schema package away from system Python (PEP 668) and from other projects.
VENV="$CACHE_DIR/venv"
PYTHON="$VENV/bin/python"
SCHEMA_CACHE="$CACHE_DIR/k8s-schemas/v${KUBERNETES_VERSION}-strict"
CHART_DIR="$REPO_ROOT/charts/order-platform"
