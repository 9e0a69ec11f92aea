#!/usr/bin/env bash
# Renders the chart for every values set we ship into OUT_DIR (default: a new temp dir, printed).
# Usage: render.sh [OUT_DIR]
set -euo pipefail
# shellcheck source=scripts/k8s/env.sh
source "$(dirname "$0")/env.sh"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
render() {
  local name="$1"; shift
  "$HELM" template order-platform "$CHART_DIR" --namespace order-platform \
    --kube-version "$KUBERNETES_VERSION" "$@" > "$out/$name.yaml"
}
render default
render dev -f "$CHART_DIR/values-dev.yaml"
render prod -f "$CHART_DIR/values-prod.yaml"
render dev-no-keda-no-monitoring -f "$CHART_DIR/values-dev.yaml" --set keda.enabled=false,monitoring.enabled=false
echo "$out"
