#!/usr/bin/env bash
# Prints the path of the prometheus binary, unpacking it (with promtool) once from the Debian
# prometheus package the cluster test already pins (scripts/cluster/versions.sh), into its cache.
#   prometheus.sh web   prints the folder of its classic web UI (--web.local-assets), unpacking it once
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/cluster/versions.sh
source "$here/../cluster/versions.sh"
# shellcheck source=scripts/lib/debian-prometheus.sh
source "$here/../lib/debian-prometheus.sh"

case "${1:-bin}" in
  bin)
    [[ -x "$PROMETHEUS_BIN/prometheus" && -x "$PROMETHEUS_BIN/promtool" ]] || debian_prometheus_unpack "$PROMETHEUS_DEB_VERSION" "$PROMETHEUS_BIN" prometheus promtool
    echo "$PROMETHEUS_BIN/prometheus"
    ;;
  web)
    web="$PROMETHEUS_BIN/web-ui"
    [[ -f "$web/usr/share/prometheus/web/templates/_base.html" ]] || debian_prometheus_web "$PROMETHEUS_DEB_VERSION" "$web"
    echo "$web/usr/share/prometheus/web/"
    ;;
  *) echo "usage: $0 [bin|web]" >&2; exit 2 ;;
esac
