#!/usr/bin/env bash
# Offline validation of the Kubernetes delivery: helm lint, render every values set, strict schema
# checks of every rendered object, and skaffold.yaml against its schema. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/k8s/env.sh
source "$here/env.sh"
bash "$here/tools.sh"

for values in "" values-dev.yaml values-prod.yaml; do
  "$HELM" lint --strict --quiet "$CHART_DIR" --kube-version "$KUBERNETES_VERSION" ${values:+-f "$CHART_DIR/$values"} >/dev/null \
    || { "$HELM" lint --strict "$CHART_DIR" ${values:+-f "$CHART_DIR/$values"}; exit 1; }
done
echo "helm lint --strict: ok"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bash "$here/render.sh" "$out" >/dev/null
bash "$here/kubeconform.sh" "$out"/*.yaml
echo

"$PYTHON" "$here/validate_skaffold.py" "$SKAFFOLD_SCHEMA" "$REPO_ROOT/skaffold.yaml"
echo "skaffold.yaml: ok"
