#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Install the Debian packages casesync needs to build and test, if any
# are missing, and the browser test's axe-core (npm, pinned by
# tests/ui/package-lock.json) into tests/ui/node_modules.  Quiet and
# quick when everything is present.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

PKGS="gcc make clang libssl-dev openssl libsodium-dev libsqlite3-dev
libprotobuf-c-dev protobuf-c-compiler libclang-rt-14-dev sqlite3 procps
iproute2 xxd libseccomp-dev jq libsystemd-dev mandoc debhelper
libpwquality-dev cracklib-runtime libmicrohttpd-dev curl poppler-utils
postgresql libpq-dev
chromium chromium-l10n chromium-driver python3-selenium"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
# npm may come with a nodejs that is not Debian's: only without one is
# Debian's npm installed
command -v npm >/dev/null 2>&1 || missing="$missing npm"

# axe-core for tests/ui/browser_test.py, exactly as locked
axe() {
	[ -f "$top/tests/ui/node_modules/axe-core/axe.min.js" ] && return 0
	echo "deps.sh: npm ci in tests/ui (axe-core)"
	(cd "$top/tests/ui" && npm ci --no-audit --no-fund --silent)
}

if [ -z "$missing" ]; then
	axe
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root, or install them with apt-get" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
axe
