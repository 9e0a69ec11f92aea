#!/usr/bin/env bash
# Fetches the operators' CRDs and skaffold's JSON schema from their pinned Go modules (see env.sh)
# and converts the CRDs into strict kubeconform schemas, cached in $OPERATORS_DIR/{crds,schemas}.
# Prints $OPERATORS_DIR. A second run only checks the cache. With no module proxy reachable, an
# offline copy in ../shared (OFFLINE_CRDS, OFFLINE_SCHEMAS) is used if there is one.
set -euo pipefail
# shellcheck source=scripts/k8s/env.sh
source "$(dirname "$0")/env.sh"

if [[ -f "$OPERATORS_DIR/.complete" ]]; then echo "$OPERATORS_DIR"; exit 0; fi
[[ -x "$PYTHON" ]] || { echo "no $PYTHON: run scripts/k8s/tools.sh" >&2; exit 2; }

module_dir() { # module version -> directory of its extracted contents in the module cache
  GOFLAGS=-mod=mod go mod download -json "$1@$2" | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error", "no Dir")))'
}

tmp="$(mktemp -d "$CACHE_DIR/operators/.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$CACHE_DIR/operators"; mktemp -d "$CACHE_DIR/operators/.tmp.XXXXXX"; })"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/crds" "$tmp/schemas/skaffold"

fetched=true
for line in "${OPERATOR_MODULES[@]}"; do
  read -r name module version path <<<"$line"
  echo "fetching $module@$version" >&2
  if ! dir="$(module_dir "$module" "$version")"; then fetched=false; break; fi
  mkdir -p "$tmp/crds/$name"
  if [[ "$name" == prometheus-operator ]]; then
    for kind in $PROMETHEUS_OPERATOR_KINDS; do cp "$dir/$path/monitoring.coreos.com_$kind.yaml" "$tmp/crds/$name/"; done
  else
    cp "$dir/$path"/*.yaml "$tmp/crds/$name/"
  fi
  for licence in "$dir"/LICENSE* "$dir"/NOTICE*; do [[ -f "$licence" ]] && cp "$licence" "$tmp/crds/$name/"; done
  echo "$module@$version $path" > "$tmp/crds/$name/SOURCE"
done
if $fetched; then
  read -r module version path <<<"$SKAFFOLD_MODULE"
  echo "fetching $module@$version" >&2
  if dir="$(module_dir "$module" "$version")"; then cp "$dir/$path" "$tmp/schemas/skaffold/"; else fetched=false; fi
fi

if ! $fetched; then
  [[ -d "$OFFLINE_CRDS" && -f "$OFFLINE_SCHEMAS/skaffold/v4beta13.json" ]] \
    || { echo "cannot fetch the operator modules and no offline copy in $OFFLINE_CRDS" >&2; exit 1; }
  echo "module proxy unreachable: using the offline copy in $OFFLINE_CRDS" >&2
  rm -rf "$tmp/crds" && cp -r "$OFFLINE_CRDS" "$tmp/crds"
  cp "$OFFLINE_SCHEMAS/skaffold/v4beta13.json" "$tmp/schemas/skaffold/"
fi

"$PYTHON" "$REPO_ROOT/scripts/k8s/crd_schemas.py" "$tmp/crds" "$tmp/schemas"
touch "$tmp/.complete"
rm -rf "$OPERATORS_DIR"
mv "$tmp" "$OPERATORS_DIR"
trap - EXIT
echo "$OPERATORS_DIR"
