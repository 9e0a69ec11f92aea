# Sourced by cluster/toolchain.sh and observe/promtool.sh, observe/prometheus.sh: Debian's prometheus
# package, unpacked rather than installed, so no prometheus service is registered or started on the machine.
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

# The classic web UI's scripts and styles are symlinks into the libjs packages it depends on.
DEBIAN_PROMETHEUS_WEB_PACKAGES=(
  libjs-bootstrap4 libjs-d3 libjs-eonasdan-bootstrap-datetimepicker libjs-jquery libjs-jquery-hotkeys
  libjs-moment libjs-moment-timezone libjs-mustache libjs-popper.js libjs-rickshaw fonts-glyphicons-halflings
)

# debian_prometheus_web VERSION OUT_DIR: unpacks the package's web UI with those packages into OUT_DIR,
# as the one tree their relative symlinks expect; prometheus then takes
# --web.local-assets=OUT_DIR/usr/share/prometheus/web/.
debian_prometheus_web() {
  local version="$1" out="$2"
  echo "debian-prometheus: unpacking the web UI of prometheus $version" >&2
  local tmp deb
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download "prometheus=$version" "${DEBIAN_PROMETHEUS_WEB_PACKAGES[@]}" >/dev/null)
  mkdir -p "$tmp/root"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  rm -rf "$out" && mkdir -p "$out"
  mv "$tmp/root/usr" "$out/usr"
  rm -rf "$out/usr/bin" "$out/usr/share/doc" "$out/usr/share/man" "$tmp"
}
