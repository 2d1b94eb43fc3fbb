#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Reproducible builds (scripts/repro.sh, `make repro`): the tree built in
# two different directories gives byte-identical casesync, casesyncd and
# casesyncctl.  It fails without -ffile-prefix-map (the build directory
# ends up in the debug information).  Release flags only: skipped in
# the sanitizer run, which would build the same thing a second time.
. "$(dirname "$0")/lib.sh"

[ -n "$SANITIZED" ] && { ok "skipped in the sanitizer build"; exit 0; }
TMPDIR="$T" sh "$top/scripts/repro.sh" >"$T/repro.out" 2>&1 ||
    fail "repro: $(tail -5 "$T/repro.out")"
grep -q 'the three programs are byte-identical' "$T/repro.out" ||
    fail "repro: $(cat "$T/repro.out")"
ok "two builds in two directories: byte-identical programs"
