#!/usr/bin/env bash
# Strict schema validation of manifests (files or stdin): core kinds against kubernetes-validate's
# strict schemas, operator kinds against the schemas operator-crds.sh derives from their CRDs. Unknown fields and kinds fail.
set -euo pipefail
# shellcheck source=scripts/k8s/env.sh
source "$(dirname "$0")/env.sh"
[[ -f "$SCHEMA_CACHE/_definitions.json" ]] || { echo "schemas missing: run scripts/k8s/tools.sh" >&2; exit 2; }
[[ -f "$OPERATORS_DIR/.complete" ]] || { echo "operator schemas missing: run scripts/k8s/tools.sh" >&2; exit 2; }
exec "$KUBECONFORM" -strict -summary -output text \
  -kubernetes-version "$KUBERNETES_VERSION" \
  -schema-location "$SCHEMA_CACHE/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  -schema-location "$OPERATOR_SCHEMAS/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "$@"
