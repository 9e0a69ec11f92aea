#!/usr/bin/env bash
# Runs schemathesis (PyPI), pinned, from a private venv outside the repo that is created and filled
# once per version: bash scripts/fuzz/schemathesis.sh run ... (any schemathesis arguments).
# tests/fuzz/schemathesis.test.ts (npm test) and scripts/fuzz/run.mjs (npm run test:fuzz) call it.
set -euo pipefail

# The stable release when the fuzz suite was written; bump it here and nowhere else.
SCHEMATHESIS_VERSION=4.32.5

CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/order-platform"
# One venv per version, beside scripts/k8s's (kubernetes-validate): their dependencies (jsonschema,
# among others) must not pin each other, and a version bump never installs over a working one.
VENV="$CACHE_DIR/schemathesis-$SCHEMATHESIS_VERSION"
PYTHON="$VENV/bin/python"

installed() { "$PYTHON" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true; }

if [[ "$(installed)" != "$SCHEMATHESIS_VERSION" ]]; then
  echo "installing schemathesis==$SCHEMATHESIS_VERSION into $VENV" >&2
  mkdir -p "$CACHE_DIR"
  [[ -x "$PYTHON" ]] || python3 -m venv "$VENV"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-input "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi

[[ "${1:-}" == "--installed-version" ]] && { installed; exit 0; }
exec "$VENV/bin/schemathesis" "$@"
