#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Install the Debian packages casesync needs to build and test, if any
# are missing.  Quiet and quick when everything is present.
set -eu

PKGS="gcc make clang libssl-dev openssl libsodium-dev libsqlite3-dev
libprotobuf-c-dev protobuf-c-compiler libclang-rt-14-dev sqlite3 procps
iproute2 xxd libseccomp-dev jq libsystemd-dev mandoc debhelper
libpwquality-dev cracklib-runtime libmicrohttpd-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

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
