#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages, if it is missing (npm test runs this first):
#   lavapipe, Mesa's software Vulkan device, from bookworm-backports (Mesa >= 24: Dawn refuses 22.3),
#   on which the webgpu tests run the same on every machine.
# As root it installs; otherwise it prints the exact commands and fails: never a silent skip.
set -euo pipefail

need_mesa() {
  local version
  version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -z "$version" ] || ! dpkg --compare-versions "$version" ge 24 || ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1
}

need_mesa || exit 0

BACKPORTS=/etc/apt/sources.list.d/bookworm-backports.sources
COMMANDS="printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > $BACKPORTS
apt-get update
apt-get install -y -t bookworm-backports mesa-vulkan-drivers"

if ! command -v apt-get >/dev/null 2>&1 || ! grep -q bookworm /etc/os-release 2>/dev/null; then
  echo "install-test-deps: the webgpu tests need Mesa >= 24 with lavapipe (mesa-vulkan-drivers); this script knows Debian 12 only. Install it with your system's package manager, then rerun." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: the webgpu tests need lavapipe from bookworm-backports. Run as root:" >&2
  echo "$COMMANDS" | sed 's/^/  /' >&2
  exit 1
fi
echo "install-test-deps: installing lavapipe (mesa-vulkan-drivers) from bookworm-backports" >&2
[ -f "$BACKPORTS" ] || bash -c "$(echo "$COMMANDS" | head -1)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
need_mesa && { echo "install-test-deps: mesa-vulkan-drivers >= 24 is still missing after the install" >&2; exit 1; }
exit 0
