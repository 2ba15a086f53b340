#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages, if it is missing (npm test runs this first):
#   lavapipe, Mesa's software Vulkan device, from bookworm-backports (Mesa >= 24: Dawn refuses 22.3),
#   on which the webgpu tests run the same on every machine;
#   redis-server, which the queue tests start on a free loopback port (BullMQ's store);
#   chromium, the headless browser the report tests open reports in (driven by puppeteer-core).
# As root it installs; otherwise it prints the exact commands and fails: never a silent skip.
set -euo pipefail

need_mesa() {
  local version
  version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -z "$version" ] || ! dpkg --compare-versions "$version" ge 24 || ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1
}
need_redis() {
  ! command -v redis-server >/dev/null 2>&1
}
need_chromium() {
  [ ! -x /usr/bin/chromium ]
}

MESA=0 REDIS=0 CHROMIUM=0
need_mesa && MESA=1
need_redis && REDIS=1
need_chromium && CHROMIUM=1
[ $MESA = 0 ] && [ $REDIS = 0 ] && [ $CHROMIUM = 0 ] && exit 0

BACKPORTS=/etc/apt/sources.list.d/bookworm-backports.sources
ADD_BACKPORTS="printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > $BACKPORTS"
COMMANDS=""
[ $MESA = 1 ] && COMMANDS="$ADD_BACKPORTS"$'\n'
COMMANDS+="apt-get update"
[ $MESA = 1 ] && COMMANDS+=$'\n'"apt-get install -y -t bookworm-backports mesa-vulkan-drivers"
[ $REDIS = 1 ] && COMMANDS+=$'\n'"apt-get install -y redis-server"
[ $CHROMIUM = 1 ] && COMMANDS+=$'\n'"apt-get install -y chromium"
PARTS=()
[ $MESA = 1 ] && PARTS+=("lavapipe (mesa-vulkan-drivers >= 24, for the webgpu tests)")
[ $REDIS = 1 ] && PARTS+=("redis-server (for the queue tests)")
[ $CHROMIUM = 1 ] && PARTS+=("chromium (for the report tests)")
WHAT=$(printf '%s and ' "${PARTS[@]}"); WHAT=${WHAT% and }

if ! command -v apt-get >/dev/null 2>&1 || ! grep -q bookworm /etc/os-release 2>/dev/null; then
  echo "install-test-deps: the tests need $WHAT; this script knows Debian 12 only. Install them with your system's package manager, then rerun." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: the tests need $WHAT. Run as root:" >&2
  echo "$COMMANDS" | sed 's/^/  /' >&2
  exit 1
fi
echo "install-test-deps: installing $WHAT" >&2
if [ $MESA = 1 ] && [ ! -f "$BACKPORTS" ]; then bash -c "$ADD_BACKPORTS"; fi
apt-get update -qq
[ $MESA = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
[ $REDIS = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
[ $CHROMIUM = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
if need_mesa || need_redis || need_chromium; then echo "install-test-deps: still missing after the install: $WHAT" >&2; exit 1; fi
exit 0
