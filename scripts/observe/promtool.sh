#!/usr/bin/env bash
# Prints the path of promtool, unpacking it once from the Debian prometheus package the cluster
# test already pins (scripts/cluster/versions.sh), into the same cache folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/cluster/versions.sh
source "$here/../cluster/versions.sh"
# shellcheck source=scripts/lib/debian-prometheus.sh
source "$here/../lib/debian-prometheus.sh"

[[ -x "$PROMETHEUS_BIN/promtool" ]] || debian_prometheus_unpack "$PROMETHEUS_DEB_VERSION" "$PROMETHEUS_BIN" promtool
echo "$PROMETHEUS_BIN/promtool"
