#!/usr/bin/env bash
# Installs the offline validation toolchain (helm, kubeconform, strict core schemas, operator schemas,
# promtool for the alert rules).
# Idempotent and quiet: a second run only checks versions and prints nothing.
set -euo pipefail
# shellcheck source=scripts/k8s/env.sh
source "$(dirname "$0")/env.sh"

module_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }

ensure_go_tool() {
  local bin="$1" pkg="$2" version="$3"
  if [[ "$(module_version "$bin")" != "$version" ]]; then
    echo "installing $pkg@$version" >&2
    go install "$pkg@$version"
  fi
}

bash "$(dirname "$0")/helm.sh" >/dev/null
ensure_go_tool "$GOBIN_DIR/kubeconform" github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

[[ -x "$PYTHON" ]] || python3 -m venv "$VENV"
installed="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("kubernetes-validate"))' 2>/dev/null || true)"
if [[ "$installed" != "$KUBERNETES_VALIDATE_VERSION" ]]; then
  echo "installing kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-input "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
fi

# The package's schemas point at "/api/_definitions.json", a path only its own resolver knows.
# kubeconform resolves $ref as URLs, so we keep a copy whose refs are absolute file:// URLs.
if [[ ! -f "$SCHEMA_CACHE/.complete-$KUBERNETES_VALIDATE_VERSION" ]]; then
  src="$("$PYTHON" - "$KUBERNETES_VERSION" <<'PY'
import os, sys, kubernetes_validate
print(os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema", f"v{sys.argv[1]}-local-strict"))
PY
)"
  [[ -f "$src/_definitions.json" ]] || { echo "no strict schemas for $KUBERNETES_VERSION in $src" >&2; exit 1; }
  rm -rf "$SCHEMA_CACHE" && mkdir -p "$SCHEMA_CACHE"
  for f in "$src"/*.json; do
    sed "s#\"/api/_definitions.json#\"file://$SCHEMA_CACHE/_definitions.json#g" "$f" > "$SCHEMA_CACHE/$(basename "$f")"
  done
  touch "$SCHEMA_CACHE/.complete-$KUBERNETES_VALIDATE_VERSION"
fi

bash "$(dirname "$0")/operator-crds.sh" >/dev/null
bash "$(dirname "$0")/../observe/promtool.sh" >/dev/null
