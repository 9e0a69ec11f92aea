#!/usr/bin/env bash
# Prints the path of helm, installing the pinned version (env.sh) with `go install` when it is not there.
set -euo pipefail
# shellcheck source=scripts/k8s/env.sh
source "$(dirname "$0")/env.sh"

if [[ "$(go version -m "$HELM" 2>/dev/null | awk '$1 == "mod" { print $3; exit }')" != "$HELM_VERSION" ]]; then
  echo "installing helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  GOBIN="$GOBIN_DIR" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
echo "$HELM"
