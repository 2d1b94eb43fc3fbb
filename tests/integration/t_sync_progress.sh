#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The sync's progress comes from the core as a callback (sync.h,
# struct sync_observer); the CLI draws it on a terminal as before,
# phase by phase, and not at all when stderr is not a terminal.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
laptop b sync >/dev/null || fail "sync b (keys)"
laptop a sync >/dev/null || fail "sync a (grant)"
laptop a record bulk --case "$C" --kind note --count 300 --size 200 \
    >/dev/null || fail "record bulk"
laptop a sync >/dev/null 2>"$T/a.err" || fail "sync a"
[ -s "$T/a.err" ] && fail "progress drawn without a terminal: $(cat "$T/a.err")"
SCRIPT=$(command -v script) || fail "no script(1)"
"$SCRIPT" -qec "$B/casesync --dir $T/b sync" /dev/null >"$T/b.out" 2>&1 ||
    fail "sync b: $(cat "$T/b.out")"
grep -q "pulling  pushed 0, pulled 30[0-9] records" "$T/b.out" ||
    fail "no pull progress: $(cat -v "$T/b.out")"
grep -q "^synced: pushed 0, pulled 30[0-9] records" "$T/b.out" ||
    fail "no summary on its own line: $(cat -v "$T/b.out")"
ok "progress drawn on a terminal, ended by a new line"
server_alive
