#!/usr/bin/env bash
# Strict schema validation of manifests (files or stdin): core kinds against kubernetes-validate's
# strict schemas, operator kinds against ../shared/k8s-schemas. Unknown fields and kinds fail.
set -euo pipefail
# shellcheck source=scripts/k8s/env.sh
source "$(dirname "$0")/env.sh"
[[ -f "$SCHEMA_CACHE/_definitions.json" ]] || { echo "schemas missing: run scripts/k8s/tools.sh" >&2; exit 2; }
[[ -d "$SHARED_SCHEMAS" ]] || { echo "operator schemas missing: $SHARED_SCHEMAS" >&2; exit 2; }
exec "$KUBECONFORM" -strict -summary -output text \
  -kubernetes-version "$KUBERNETES_VERSION" \
  -schema-location "$SCHEMA_CACHE/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  -schema-location "$SHARED_SCHEMAS/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "$@"
