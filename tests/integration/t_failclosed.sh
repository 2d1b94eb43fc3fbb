#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Fail closed (issue 21, item 2): a pull whose "read" audit entries
# cannot be made durable gets a retryable error and no case data.  The
# server runs with a file size limit (RLIMIT_FSIZE, set from outside
# with prlimit as in t_faults.sh: writes fail as on a full disk).  The
# laptop exits 8 ("could not do this now"), holds no record of the
# case, and the server's log has no read entry for it; once the limit
# is lifted the same laptop syncs, matches the server, and its reads
# are audited.
. "$(dirname "$0")/lib.sh"

db_size() {	# the largest of the server's database files, in bytes
	stat -c %s "$SRV/server.db" "$SRV/server.db-wal" 2>/dev/null |
	    sort -n | tail -1
}

set_fsize() {	# as in t_faults.sh
	prlimit --pid "$SERVER_PID" --fsize="$1:unlimited" 2>/dev/null ||
	    setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" \
	    --clear-groups prlimit --pid "$SERVER_PID" --fsize="$1:unlimited"
}

reads_of() {	# the number of "read" audit entries of user $1
	sqlite3 "$SRV/server.db" "SELECT count(*) FROM audit_log WHERE
	    type = 'read' AND user = '$1'"
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
laptop b sync >/dev/null 2>&1 || fail "first sync b"
C=$(laptop a case create --frame OTS) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
laptop a record bulk --case "$C" --kind note --count 40 --size 500 \
    >/dev/null || fail "bulk"
laptop a sync >/dev/null 2>&1 || fail "sync a"
expect_eq "no reads of bert yet" "$(reads_of bert)" 0

# --- the disk fills up: bert's pull would deliver 40 records
set_fsize "$(( $(db_size) + 2048 ))" || fail "cannot limit the file size"
laptop b sync >"$T/full.out" 2>&1
expect_eq "exit code of a pull on a full disk (try again later)" $? 8
grep -q "could not do this now" "$T/full.out" ||
    fail "no retryable error on a full disk: $(cat "$T/full.out")"
ok "pull on a full disk: retryable error, no records"
n=$(laptop b record list --case "$C" 2>/dev/null | grep -c .)
expect_eq "records bert received without their audit entries" "$n" 0
expect_eq "read entries of bert on a full disk" "$(reads_of bert)" 0
grep -q "reply withheld" "$T/server.log" ||
    fail "the server did not log the withheld reply"
server_alive

# --- the limit is lifted: the same sync works and is audited
set_fsize unlimited || fail "cannot lift the limit"
laptop b sync >"$T/after.out" 2>&1 ||
    fail "sync after the limit was lifted: $(cat "$T/after.out")"
expect_eq "bert matches the server" "$(laptop b digest)" \
    "$(ctl records digest)"
r=$(reads_of bert)
[ "$r" -ge 1 ] || fail "bert's reads were not audited ($r entries)"
ok "after the disk was freed: synced, $r read entr$( [ "$r" = 1 ] &&
    echo y || echo ies) for bert"
expect_eq "database integrity afterwards" \
    "$(sqlite3 "$SRV/server.db" 'PRAGMA integrity_check')" ok
