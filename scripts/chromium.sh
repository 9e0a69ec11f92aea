#!/usr/bin/env bash
# chromium.sh: makes sure Debian's headless-capable Chromium is at /usr/bin/chromium, for the tests
# that open the load tool's HTML report in a real browser. Idempotent and quiet when it is there.
# Debian's package is used rather than a browser build of Playwright's own: installs fetch only from
# the package registries, and apt keeps it patched like the rest of the machine.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "chromium.sh: /usr/bin/chromium is missing and this is no Debian machine: install Chromium at /usr/bin/chromium" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium.sh: /usr/bin/chromium is missing: run 'apt-get update && apt-get install -y chromium' as root" >&2
  exit 1
fi
echo "[chromium] installing chromium with apt" >&2
# A font of its own: Chromium only recommends one, and the charts' axes need text.
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -x /usr/bin/chromium ] || { echo "chromium.sh: apt installed chromium but /usr/bin/chromium is not there" >&2; exit 1; }
