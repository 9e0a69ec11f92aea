# Sourced by cluster/toolchain.sh and observe/promtool.sh: Debian's prometheus package, unpacked
# rather than installed, so no prometheus service is registered or started on the machine.
# shellcheck shell=bash

# debian_prometheus_unpack VERSION OUT_DIR BINARY...: copies /usr/bin/BINARY of the package to OUT_DIR.
debian_prometheus_unpack() {
  local version="$1" out="$2"; shift 2
  echo "debian-prometheus: unpacking $* of prometheus $version" >&2
  local tmp bin
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download "prometheus=$version" >/dev/null && dpkg-deb -x prometheus_*.deb root)
  mkdir -p "$out"
  for bin in "$@"; do cp "$tmp/root/usr/bin/$bin" "$out/$bin.tmp" && mv "$out/$bin.tmp" "$out/$bin"; done
  rm -rf "$tmp"
}
