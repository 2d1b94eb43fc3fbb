#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The Debian packages (scripts/debtest.sh, `make deb`): dpkg-buildpackage
# -us -uc -b builds casesync-server and casesync-client from a copy of
# the tree; their contents and maintainer scripts are checked and the
# programs run from a scratch root (dpkg-deb -x).  Needs debhelper
# (scripts/deps.sh installs it); skipped in the sanitizer run.
. "$(dirname "$0")/lib.sh"

[ -n "$SANITIZED" ] && { ok "skipped in the sanitizer build"; exit 0; }
command -v dh >/dev/null || { ok "skipped: no debhelper"; exit 0; }
TMPDIR="$T" sh "$top/scripts/debtest.sh" >"$T/deb.out" 2>&1 ||
    fail "debtest: $(tail -10 "$T/deb.out")"
grep -q '^debtest: casesync-server_.*casesync-client_.* ok$' "$T/deb.out" ||
    fail "debtest: $(cat "$T/deb.out")"
ok "packages built, checked and run from a scratch root"
