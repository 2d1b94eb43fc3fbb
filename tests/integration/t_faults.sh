#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Fault injection (issue 10).
# 1. The disk fills up during a push: the server runs with a file size
#    limit (RLIMIT_FSIZE set from outside with prlimit; the server
#    ignores SIGXFSZ, so writes fail with EFBIG as on a full disk).  The
#    push gets an error reply, nothing of it is applied, the database
#    passes an integrity check, the server keeps serving, and once the
#    limit is lifted the same laptop syncs and the digests agree.
# 2. A laptop's vault copied back to an older version (rollback) is
#    refused at its next sync with ROLLBACK, logged loudly; the current
#    copy still syncs; a sync that failed half-way (server down) does
#    not make an honest laptop look rolled back.
. "$(dirname "$0")/lib.sh"

db_size() {	# the largest of the server's database files, in bytes
	stat -c %s "$SRV/server.db" "$SRV/server.db-wal" 2>/dev/null |
	    sort -n | tail -1
}

# set_fsize SOFT: the server's RLIMIT_FSIZE soft limit (hard: unlimited).
# Root may lack CAP_SYS_RESOURCE (containers): then act as the server's
# own user, which may change its soft limit below the hard one.
set_fsize() {
	prlimit --pid "$SERVER_PID" --fsize="$1:unlimited" 2>/dev/null ||
	    setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" \
	    --clear-groups prlimit --pid "$SERVER_PID" --fsize="$1:unlimited"
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
C=$(laptop a case create --frame OTS) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
laptop a record bulk --case "$C" --kind note --count 20 --size 200 \
    >/dev/null || fail "bulk"
laptop a sync >/dev/null 2>&1 || fail "first sync"
laptop b sync >/dev/null 2>&1 || fail "first sync b"
before=$(ctl records digest) || fail "digest"

# --- 1. disk full during a push
laptop a record bulk --case "$C" --kind note --count 600 --size 2000 \
    >/dev/null || fail "bulk"
limit=$(( $(db_size) + 16384 ))
set_fsize "$limit" || fail "cannot limit the server's file size"
laptop a sync >"$T/full.out" 2>&1
expect_eq "exit code of a push on a full disk (try again later)" $? 8
grep -q "could not do this now (INTERNAL" "$T/full.out" ||
    fail "no retryable error reply on a full disk: $(cat "$T/full.out")"
ok "push on a full disk: error reply ($(grep -o 'INTERNAL.*' \
    "$T/full.out" | head -1))"
grep -qi "disk I/O error\|full" "$T/server.log" ||
    fail "the server did not log the full disk"
server_alive
expect_eq "nothing of the refused push applied" "$(ctl records digest)" \
    "$before"
expect_eq "database integrity on a full disk" \
    "$(sqlite3 "$SRV/server.db" 'PRAGMA integrity_check')" ok
laptop b sync >/dev/null 2>&1 || fail "another laptop pulls on a full disk"
ok "the server keeps serving on a full disk"
# reads on laptop b go into its read log; the server cannot store the
# upload: a retryable error, said as one, never the discontinuity alarm
R=$(laptop b record list --case "$C" | awk 'NR == 1 { print $1 }')
laptop b record list --case "$C" >/dev/null || fail "list on b"
n=0
while [ $n -lt 30 ]; do
	laptop b --json record get "$R" >/dev/null 2>&1
	n=$((n + 1))
done
set_fsize "$(( $(db_size) + 4096 ))" || fail "cannot tighten the limit"
laptop b sync >"$T/rl.out" 2>&1
expect_eq "exit code of a read-log upload on a full disk" $? 8
grep -q "read log upload: the server could not do this now" "$T/rl.out" ||
    fail "read log upload on a full disk: $(cat "$T/rl.out")"
grep -q "restored or changed vault" "$T/rl.out" &&
    fail "a full disk raised the read-log alarm: $(cat "$T/rl.out")"
ok "read-log upload on a full disk: retryable, no alarm"

set_fsize unlimited || fail "cannot lift the limit"
laptop a sync >"$T/after.out" 2>&1 || fail "sync after the limit was \
lifted: $(cat "$T/after.out")"
laptop b sync >"$T/rl.after" 2>&1 ||
    fail "b after the limit was lifted: $(cat "$T/rl.after")"
want=$(ctl records digest)
expect_eq "server record count after the disk was freed" "${want%% *}" 620
expect_eq "laptop a matches the server" "$(laptop a digest)" "$want"
expect_eq "laptop b matches the server" "$(laptop b digest)" "$want"
expect_eq "database integrity afterwards" \
    "$(sqlite3 "$SRV/server.db" 'PRAGMA integrity_check')" ok

# --- 2. rollback of a laptop database
# first, honest concurrency: processes sharing one vault send their
# counters in order (a lock), so none of them looks rolled back
pids=""
for i in 1 2 3; do
	laptop b sync >"$T/conc.$i" 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
cat "$T"/conc.* | grep -q ROLLBACK &&
    fail "concurrent syncs of one vault: $(cat "$T"/conc.*)"
laptop b sync >/dev/null 2>&1 || fail "b after concurrent syncs"
ok "three concurrent syncs of one vault: no false rollback"
cp -a "$T/a" "$T/a.old"			# the "backup"
laptop a record bulk --case "$C" --kind note --count 3 --size 100 \
    >/dev/null || fail "bulk"
laptop a sync >/dev/null 2>&1 || fail "sync after the copy"
mv "$T/a" "$T/a.new"
cp -a "$T/a.old" "$T/a"			# copied back: older version
if laptop a sync >"$T/rb.out" 2>&1; then
	fail "a rolled-back vault synced: $(cat "$T/rb.out")"
fi
grep -q "ROLLBACK" "$T/rb.out" || fail "no ROLLBACK error: $(cat "$T/rb.out")"
ok "rolled-back vault refused: $(grep -o 'ROLLBACK.*' "$T/rb.out" |
    cut -c1-60)..."
grep -q "ROLLBACK DETECTED: device" "$T/server.log" ||
    fail "rollback not logged by the server"
ok "rollback logged by the server"
# the copy keeps being refused, however often it tries (its counter
# goes up with every attempt: the device stays locked)
for i in 1 2 3; do
	laptop a sync >/dev/null 2>&1 && fail "a rolled-back vault synced \
on attempt $i"
done
ok "the rolled-back vault stays refused after more attempts"
# the current vault is locked out too: the administrator must look
rm -rf "$T/a"
mv "$T/a.new" "$T/a"
laptop a sync >"$T/rb2.out" 2>&1 && fail "the locked device synced"
grep -q "ROLLBACK" "$T/rb2.out" || fail "locked: $(cat "$T/rb2.out")"
ok "the device stays locked for its current vault as well"
server_alive

# a connection that fails after the counter was raised is harmless
stop_server
laptop b sync >/dev/null 2>&1 && fail "sync without a server"
start_server
laptop b sync >/dev/null 2>&1 ||
    fail "sync after a failed attempt: $(laptop b sync 2>&1)"
expect_eq "laptop b matches the server at the end" "$(laptop b digest)" \
    "$(ctl records digest)"
server_alive
