#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Server backup and restore lose nothing (issue 15, item 4):
#  - "casesyncctl backup" copies the database while casesyncd runs and
#    busy with pushes: every copy passes the integrity check and the
#    audit verification, has mode 0600, and never overwrites a file;
#  - "casesyncctl restore" refuses while casesyncd runs, revokes again a
#    device revoked after the backup and lists memberships removed after it;
#  - after a restore, work done since the backup on two laptops (new
#    records, edits on top of edits, an unsent edit, a deletion, 1500
#    bulk records, a read, a new case, a key rotation) comes back:
#    every record either laptop held is on the server and on both
#    laptops, under the same ids, digests equal; the seq values the
#    restored server hands out again are not skipped by either laptop;
#    the records of a case made after the backup wait, kept, until the
#    case is made again; a laptop enrolled after the restore can read
#    everything (the key epoch opened after the backup is opened again);
#  - the audit log verifies, holds a signed "restore" entry, the
#    laptops say "server restored from a backup of" and raise no alarm,
#    and the read logs the server lost are uploaded again;
#  - a server that dies between committing re-offers and replying gets
#    them again, applied once;
#  - a database copied back over server.db without a restore still
#    raises the alarm and stops the sync (exit 4).
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name carla --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
enroll c carla

field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}
sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 ||
	    fail "sync $1: $(cat "$T/sync.$1")"
}

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member add"
laptop a case member --case "$C" --user carla >/dev/null || fail "member carla"
R1=$(laptop a record put --case "$C" --kind person name=Jansen city=Zwolle) ||
    fail "record put"
J1=$(laptop a record put --case "$C" --kind journal text="intake") ||
    fail "journal"
R7=$(laptop a record put --case "$C" --kind note text=weg) || fail "R7"
sync_ok a
sync_ok b
sync_ok a
laptop b case show --case "$C" >/dev/null 2>&1 || fail "case show"
sync_ok b

# --- backup while the server runs
ctl backup --out "$T/backup.db" >"$T/backup.out" 2>&1 ||
    fail "backup: $(cat "$T/backup.out")"
grep -q "integrity check ok" "$T/backup.out" || fail "no integrity check"
grep -q "^ok: .* checkpoints verified" "$T/backup.out" ||
    fail "no audit verification: $(cat "$T/backup.out")"
expect_eq "backup file mode" "$(stat -c %a "$T/backup.db")" 600
ctl backup --out "$T/backup.db" >"$T/backup2.out" 2>&1 &&
    fail "a backup overwrote a file"
grep -q "never overwrites" "$T/backup2.out" ||
    fail "overwrite refusal: $(cat "$T/backup2.out")"
ctl audit query --type backup | grep -q backup || fail "backup not audited"
ok "a backup of the running server is checked, 0600, audited, never overwrites"

# --- after the backup: carla leaves the case, her laptop is revoked
laptop a case member --case "$C" --user carla --remove >/dev/null ||
    fail "remove carla"
cdev=$(ctl device list | awk '$3 == "carla" { print $1 }')
ctl device revoke "$cdev" >/dev/null || fail "revoke"

# --- more work after the backup, on both laptops
laptop b case show --case "$C" >/dev/null 2>&1 || fail "read after backup"
laptop a record put --case "$C" --kind person --id "$R1" name=Janssen \
    >/dev/null || fail "edit R1"
R2=$(laptop a record put --case "$C" --kind note text=eerste) || fail "R2"
J2=$(laptop a record put --case "$C" --kind journal text="huisbezoek") ||
    fail "J2"
sync_ok a
sync_ok b
laptop b record put --case "$C" --kind note --id "$R2" text=tweede \
    extra=bert >/dev/null || fail "edit R2"
R3=$(laptop b record put --case "$C" --kind note text="van bert") || fail "R3"
sync_ok b
sync_ok a
# a case made after the backup, with bert in it
C2=$(laptop a case create --frame VOTS) || fail "case 2"
laptop a case member --case "$C2" --user bert >/dev/null || fail "member 2"
R5=$(laptop a record put --case "$C2" --kind note text=nieuw) || fail "R5"
sync_ok a
sync_ok b
R6=$(laptop b record put --case "$C2" --kind note text="ook nieuw") || fail "R6"
sync_ok b
sync_ok a
# the server is busy with a bulk push while backups are taken
laptop a record bulk --case "$C" --kind note --count 1500 --size 300 \
    >/dev/null || fail "bulk"
laptop a sync >"$T/sync.bulk" 2>&1 &
bulk=$!
i=0
during=0
while kill -0 $bulk 2>/dev/null || [ $i -lt 2 ]; do
	i=$((i + 1))
	[ $i -gt 40 ] && break
	ctl backup --out "$T/busy$i.db" >"$T/busy$i.out" 2>&1 ||
	    fail "backup while busy: $(cat "$T/busy$i.out")"
	kill -0 $bulk 2>/dev/null && during=$((during + 1))
done
wait $bulk || fail "bulk sync: $(cat "$T/sync.bulk")"
[ $during -ge 1 ] || fail "no backup finished while the push ran"
if command -v sqlite3 >/dev/null 2>&1; then
	for f in "$T"/busy*.db; do
		expect_eq "busy backup $(basename "$f") integrity (sqlite3)" \
		    "$(sqlite3 "$f" 'PRAGMA integrity_check')" ok
		[ "$(sqlite3 "$f" "SELECT value >= (SELECT max(version) FROM
		    records) FROM meta WHERE key = 'seq'")" = 1 ] ||
		    fail "$f: a record beyond the sequence (torn copy)"
	done
fi
ok "$i backups, $during of them during a bulk push, are consistent"
sync_ok b
sync_ok a
# a deletes a record the backup holds; b never pulls the deletion
laptop a record put --case "$C" --kind note --id "$R7" --delete >/dev/null ||
    fail "delete R7"
sync_ok a
# b: an edit and a read that never reach the server before the restore
laptop b record put --case "$C" --kind person --id "$R1" city=Kampen \
    >/dev/null || fail "unsent edit"
laptop b case show --case "$C" >/dev/null 2>&1 || fail "offline read"
before_a=$(laptop a digest)
nreads_before=$(ctl audit query --user bert --type read --format json |
    grep -c 'on the laptop: show')

# --- restore
ctl restore --from "$T/backup.db" >"$T/restore.run" 2>&1 &&
    fail "restore while casesyncd runs"
grep -q "is in use: process .* holds" "$T/restore.run" ||
    fail "running refusal: $(cat "$T/restore.run")"
stop_server
ctl restore --from "$T/backup.db" >"$T/restore.out" 2>&1 ||
    fail "restore: $(cat "$T/restore.out")"
grep -q "restored .* from a backup of" "$T/restore.out" ||
    fail "restore output: $(cat "$T/restore.out")"
ls "$SRV"/server.db.before-restore-* >/dev/null 2>&1 ||
    fail "the replaced database is not kept"
ls "$SRV"/audit-checkpoints.log.before-restore-* >/dev/null 2>&1 ||
    fail "the replaced checkpoint file is not kept"
ctl audit verify >"$T/verify.restored" 2>&1 ||
    fail "verify right after the restore: $(cat "$T/verify.restored")"
grep -q "device $cdev .*revoked again" "$T/restore.out" ||
    fail "revocation not carried over: $(cat "$T/restore.out")"
grep -q "carla in case $C" "$T/restore.out" ||
    fail "removed membership not listed: $(cat "$T/restore.out")"
ok "restore refuses a running server, then restores and keeps the old file"
start_server
laptop c sync >"$T/sync.c" 2>&1 && fail "a device revoked after the backup syncs"
ok "a revocation made after the backup holds; a removal made after it is listed"
ctl audit verify >"$T/verify0" 2>&1 || fail "verify: $(cat "$T/verify0")"
ctl audit query --type restore --format json >"$T/q.restore"
grep -q '"type":"restore"' "$T/q.restore" ||
    fail "no restore entry: $(cat "$T/q.restore")"

# the server dies between committing a's first re-offers and replying:
# the re-offers stay queued under their change ids and go again
stop_server
CASESYNC_FAULT_PUSH_EXIT=1 start_server
laptop a sync >"$T/sync.all.a" 2>&1 && fail "sync should have failed"
server_exited 10
start_server
for l in a b a b; do
	sync_ok $l
	cat "$T/sync.$l" >>"$T/sync.all.$l"
done
for l in a b; do
	grep -q "server restored from a backup of" "$T/sync.all.$l" ||
	    fail "$l does not report the restore: $(cat "$T/sync.all.$l")"
	grep -q "FORK\|went back in time" "$T/sync.all.$l" &&
	    fail "$l raised an alarm: $(cat "$T/sync.all.$l")"
done
ok "both laptops report the restore and raise no alarm"

# the case made after the backup: its records wait, kept, until the
# regisseur makes the case again under its id and adds bert again
grep -q "does not let this user write the case" "$T/sync.all.a" ||
    fail "a does not say why case 2 waits: $(cat "$T/sync.all.a")"
grep -q "^2 records offered again .* wait for their case" "$T/sync.a" ||
    fail "a does not count what waits: $(cat "$T/sync.a")"
grep -q "waiting for case keys" "$T/sync.a" &&
    fail "held re-offers reported as waiting for keys: $(cat "$T/sync.a")"
grep -q "audit: server restored from a backup of .* are in the replaced" \
    "$T/sync.all.a" || fail "the old head was not shown: $(cat "$T/sync.all.a")"
expect_eq "R5 kept on a while case 2 waits" "$(field a "$R5" text)" nieuw
laptop a case create --frame VOTS --id "$C2" >/dev/null 2>"$T/c2.err" ||
    fail "case 2 again: $(cat "$T/c2.err")"
laptop a case member --case "$C2" --user bert >/dev/null || fail "member again"
for l in a b a b; do
	sync_ok $l
done
expect_eq "R6 (b's record in case 2) on a" "$(field a "$R6" text)" "ook nieuw"
expect_eq "R5 on b" "$(field b "$R5" text)" nieuw
ok "a case made after the backup comes back once made again"

expect_eq "R1 name (a, after the backup)" "$(field b "$R1" name)" Janssen
expect_eq "R1 city (b, never sent before)" "$(field a "$R1" city)" Kampen
expect_eq "R2 text (b's edit of a's record)" "$(field a "$R2" text)" tweede
expect_eq "R2 extra" "$(field a "$R2" extra)" bert
expect_eq "R3 (b's new record) on a" "$(field a "$R3" text)" "van bert"
expect_eq "J2 (journal) on b" "$(field b "$J2" text)" huisbezoek
expect_eq "J1 on b" "$(field b "$J1" text)" intake
laptop b record get "$R7" >/dev/null 2>&1 &&
    fail "the deletion made after the backup was lost"
da=$(laptop a digest)
db=$(laptop b digest)
ds=$(ctl records digest)
expect_eq "a and b hold the same records" "$da" "$db"
expect_eq "the server holds them too" "$ds" "$da"
expect_eq "no record lost (count as before)" "${da%% *}" "${before_a%% *}"
laptop a conflicts | grep -q "no conflicts" || fail "conflicts on a"
ok "every record either laptop held is back, digests equal"

# a laptop enrolled after the restore: nothing to tell, everything there
enroll d anna
sync_ok d
grep -q "restored" "$T/sync.d" && fail "a new laptop told of a restore"
expect_eq "anna's new laptop holds what a holds" "$(laptop d digest)" "$da"

# new work after the restore is seen by both (no seq skipped)
R4=$(laptop b record put --case "$C" --kind note text=na) || fail "R4"
sync_ok b
sync_ok a
expect_eq "a record made after the restore" "$(field a "$R4" text)" na

ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ctl audit query --user bert --type read --format json >"$T/q.reads"
n=$(grep -c 'on the laptop: show' "$T/q.reads")
[ "$n" -gt "$nreads_before" ] ||
    fail "bert's reads: $n after the restore, $nreads_before before it"
dups=$(grep -o 'read log n=[0-9]*' "$T/q.reads" | sort | uniq -d)
expect_eq "no read recorded twice" "$dups" ""
ok "the audit log verifies and holds the reads the restore lost"

# --- a forged fork: the backup copied over server.db, no restore entry
stop_server
rm -f "$SRV/server.db-wal" "$SRV/server.db-shm"
cp "$T/backup.db" "$SRV/server.db" || fail "copy"
start_server
d0=$(ctl records digest)
laptop a sync >"$T/forged" 2>&1
rc=$?
expect_eq "exit status of a sync against a forged fork" "$rc" 4
grep -q "AUDIT LOG FORK DETECTED" "$T/forged" ||
    fail "no fork report: $(cat "$T/forged")"
grep -q "server restored from a backup" "$T/forged" &&
    fail "a forged fork passed as a restore: $(cat "$T/forged")"
expect_eq "nothing pushed to the forged server" "$(ctl records digest)" "$d0"
ok "a copy put back without a restore still raises the alarm"
server_alive
