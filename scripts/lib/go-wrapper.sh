# Sourced by the scripts that build Go tools from the module proxy (cluster/toolchain.sh,
# observe/jaeger.sh).
#
# A module whose go.mod carries replace directives cannot be `go install`ed: Go ignores replaces
# outside the main module and refuses. go_wrapper_module writes a small module that requires it
# and restates those replaces: local paths (k8s.io/* staging, etcd's sibling modules) become the
# published module at the matching version, other replaces are copied as they are.
# shellcheck shell=bash

# go_wrapper_module DIR MODULE VERSION LOCAL_REPLACE_VERSION PACKAGE...
# Writes the wrapper module into DIR, once (DIR/.complete marks a finished one).
go_wrapper_module() {
  local dir="$1" module="$2" version="$3" local_version="$4"; shift 4
  [[ -f "$dir/go.sum" && -f "$dir/.complete" ]] && return 0
  echo "go-wrapper: generating wrapper module $dir" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  {
    echo '//go:build tools'
    echo 'package tools'
    echo 'import ('
    for pkg in "$@"; do echo "  _ \"$pkg\""; done
    echo ')'
  } > "$dir/tools.go"
  (
    cd "$dir"
    go mod init "local/toolchain/$(basename "$dir")" >/dev/null 2>&1
    go mod edit -require "$module@$version"
    local modfile
    modfile="$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')"
    # Each replace of the upstream go.mod, as "old new newVersion" (newVersion empty for a path).
    go mod edit -json "$modfile" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
    print(old, r["New"]["Path"], r["New"].get("Version", ""))' |
    while read -r old new newversion; do
      if [[ -z "$newversion" ]]; then
        [[ -n "$local_version" ]] || continue
        # Only modules of the same major version are published at it (etcd's go.mod also points
        # go.etcd.io/etcd, a v0 path, at its repository root).
        major="${local_version#v}" major="${major%%.*}"
        [[ "$major" -lt 2 || "$old" == */v"$major" ]] || continue
        go mod edit -replace "$old=$old@$local_version"
      else
        go mod edit -replace "$old=$new@$newversion"
      fi
    done
    nice go mod tidy >/dev/null
  )
  touch "$dir/.complete"
}

# go_wrapper_build DIR OUT_DIR LDFLAGS PACKAGE:BINARY...
# Builds each package of the wrapper module in DIR into OUT_DIR/BINARY unless it is there already.
go_wrapper_build() {
  local dir="$1" out="$2" ldflags="$3"; shift 3
  local spec pkg bin
  for spec in "$@"; do
    pkg="${spec%%:*}" bin="${spec##*:}"
    [[ -x "$out/$bin" ]] && continue
    echo "go-wrapper: building $bin ($pkg); a cold build takes minutes" >&2
    mkdir -p "$out"
    (cd "$dir" && nice go build -ldflags "$ldflags" -o "$out/$bin.tmp" "$pkg")
    mv "$out/$bin.tmp" "$out/$bin"
  done
}
