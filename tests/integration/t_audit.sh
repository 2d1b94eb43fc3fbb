#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The audit log (issue 7, docs/AUDIT.md): init makes the audit key, a
# deployment without one gets it on first use; the server signs a
# checkpoint at start (hourly) and after membership and purge events;
# enrollment, login, case creation, pushes, reads delivered by pulls,
# membership, purge receipts and device revocation show up in
# "audit query" by case, user, device, type and time, in table, csv and
# json; reading the log is logged; "audit verify" passes on an intact
# log and fails, naming the entry, after one byte of a row is changed
# with sqlite3, and also after trailing entries are deleted; no marker
# string of case content (names, BSN, notes) is in any audit entry.
. "$(dirname "$0")/lib.sh"

[ "${CASESYNC_TEST_DB:-}" = pg ] || command -v sqlite3 >/dev/null 2>&1 ||
    { echo "skip: no sqlite3"; exit 0; }
q() { db_sql "$1"; }
# the append-only triggers by hand, in each dialect (PostgreSQL: one
# trigger for UPDATE and DELETE)
drop_trigger() {
	if [ -n "$DB_SPEC" ]; then
		echo "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;"
	else
		echo "DROP TRIGGER $1;"
	fi
}

deploy
[ -f "$SRV/audit.key" ] || fail "init made no audit.key"
[ "$(stat -c %a "$SRV/audit.key")" = 600 ] || fail "audit.key mode"
[ "$(stat -c %s "$SRV/audit.key")" = 32 ] || fail "audit.key size"
grep -q "^audit-public-key $(cat "$SRV/audit.pub")\$" "$T/init.out" ||
    fail "init did not print audit.pub: $(cat "$T/init.out")"
ok "init makes the audit key (0600) and prints its public half"

# a deployment from before the audit log: the key appears on first use
rm -f "$SRV/audit.key" "$SRV/audit.pub"
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name olga --role auditor --office Zwolle >/dev/null
start_server
[ "$(stat -c %a "$SRV/audit.key" 2>/dev/null)" = 600 ] ||
    fail "server did not create audit.key 0600"
[ -s "$SRV/audit.pub" ] || fail "server did not create audit.pub"
ok "an existing deployment gets its audit key on first use"

i=0
while [ "$(q "SELECT count(*) FROM audit_checkpoints")" -lt 1 ]; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "no checkpoint signed at start"
	sleep 0.1
done
ok "the server signs a checkpoint when it starts (then hourly)"

enroll a1 anna
enroll b bert

# case content with marker strings that must never reach the audit log
C=$(laptop a1 case create --frame DRANG) || fail "case create"
R=$(laptop a1 record put --case "$C" --kind person name=Markerjansen \
    bsn=999990019 city=Markerdorp) || fail "record put"
laptop a1 record put --case "$C" --kind journal \
    text="Markernotitie huisbezoek" >/dev/null || fail "journal"
laptop a1 sync >"$T/sync.a1" 2>&1 || fail "sync a1: $(cat "$T/sync.a1")"
cp0=$(q "SELECT count(*) FROM audit_checkpoints")
laptop a1 case member --case "$C" --user bert >/dev/null || fail "member add"
cp1=$(q "SELECT count(*) FROM audit_checkpoints")
[ "$cp1" -gt "$cp0" ] || fail "no checkpoint after the membership change"
ok "a membership change is followed by a signed checkpoint"
laptop b sync >"$T/sync.b" 2>&1 || fail "sync b: $(cat "$T/sync.b")"

# bert reads the case while the server is down; the next sync uploads it
stop_server
laptop b case show --case "$C" >/dev/null 2>&1 || fail "offline case show"
t_read=$(date +%s)
sleep 2
start_server
laptop b sync >"$T/sync.b" 2>&1 || fail "sync b: $(cat "$T/sync.b")"
ctl audit query --case "$C" --user bert --format json >"$T/q.offline"
line=$(grep '"detail":"on the laptop: show' "$T/q.offline") ||
    fail "the offline read is not in the log: $(cat "$T/q.offline")"
dt=$(echo "$line" | sed 's/.*"device_time":\([0-9]*\).*/\1/')
st=$(echo "$line" | sed 's/.*"server_time":\([0-9]*\).*/\1/')
[ "$dt" -ge $((t_read - 1)) ] && [ "$dt" -le "$t_read" ] ||
    fail "device time $dt, read at $t_read"
[ "$st" -ge $((dt + 2)) ] || fail "server (sync) time $st, device time $dt"
laptop b sync >/dev/null 2>&1 || fail "second sync b"
[ "$(ctl audit query --case "$C" --user bert --format json |
    grep -c 'on the laptop: show')" -eq 1 ] || fail "read uploaded twice"
ok "an offline read on the laptop reaches the log with device and sync time"

ctl audit query --case "$C" >"$T/q.case" || fail "audit query --case"
for t in case_create update member_add read; do
	grep -q " $t " "$T/q.case" || fail "no $t for the case: $(cat "$T/q.case")"
done
grep " read " "$T/q.case" | grep -q " bert " ||
    fail "bert's read is not listed: $(cat "$T/q.case")"
grep " update " "$T/q.case" | grep -q "$R" ||
    fail "the record push is not listed: $(cat "$T/q.case")"
ok "audit query --case shows creation, pushes, membership and reads"

ctl audit query --user bert --type read --format json >"$T/q.json" ||
    fail "audit query --user --type --format json"
n=$(grep -c "\"client_ref\":\"$C\"" "$T/q.json")
[ "$n" -ge 1 ] || fail "which files bert saw: $(cat "$T/q.json")"
grep -q '"type":"read"' "$T/q.json" || fail "json type"
grep -v '"type":"read"' "$T/q.json" | grep -q . &&
    fail "--type read let other types through"
grep -q "\"device_time\":0" "$T/q.json" || fail "json device_time"
ok "audit query --user --type read: the files an employee saw (json)"

ctl audit query --case "$C" --format csv >"$T/q.csv" || fail "csv"
head -1 "$T/q.csv" | grep -q '^idx,server_time,device_time,action,type' ||
    fail "csv header: $(head -1 "$T/q.csv")"
[ "$(wc -l <"$T/q.csv")" -ge 5 ] || fail "csv rows: $(cat "$T/q.csv")"
dev=$(ctl device list | awk '$3 == "bert" { print $1 }')
ctl audit query --device "$dev" --type login | grep -q " login " ||
    fail "no login of bert's device"
ctl audit query --type enroll | grep -q " enroll " || fail "no enroll entry"
ctl audit query --since 2000-01-01 --until 2000-12-31 >"$T/q.old" ||
    fail "--since/--until"
[ "$(wc -l <"$T/q.old")" -eq 1 ] || fail "entries from 2000: $(cat "$T/q.old")"
ctl audit query --since 2000-01-01T00:00:00Z | grep -q " case_create " ||
    fail "--since with a time"
ctl audit query --format xml >/dev/null 2>&1 && fail "--format xml accepted"
ctl audit query --since yesterday >/dev/null 2>&1 && fail "bad time accepted"
ok "query by device, type and time range; csv; bad options refused"

ctl audit query --type audit_read --format json >"$T/q.reads"
grep -q '"object_id":"query"' "$T/q.reads" || fail "reading the log not logged"
grep -q "\"client_ref\":\"$C\"" "$T/q.reads" ||
    fail "a query by case is not logged against the case"
ok "reading the audit log is itself logged"

# removal: purge instruction, receipt, checkpoint
cp0=$(q "SELECT count(*) FROM audit_checkpoints")
laptop a1 case member --case "$C" --user bert --remove >/dev/null ||
    fail "member remove"
laptop b --json sync >"$T/out" || fail "sync after removal"
grep -q '"purged":1' "$T/out" || fail "no purge: $(cat "$T/out")"
ctl audit query --case "$C" --type purge_receipt | grep -q "records_deleted=" ||
    fail "no purge receipt in the log"
ctl audit query --case "$C" --type member_remove | grep -q " bert " ||
    fail "no member_remove"
cp1=$(q "SELECT count(*) FROM audit_checkpoints")
[ "$cp1" -ge $((cp0 + 2)) ] || fail "checkpoints after remove and purge: $cp0 -> $cp1"
ok "member removal and purge receipt are logged, each with a checkpoint"

ctl device revoke "$dev" >/dev/null || fail "revoke"
ctl audit query --type device_revoke --format json | grep -q "owner=bert" ||
    fail "no device_revoke entry"
ok "device revocation is logged"

# group commit (docs/AUDIT.md): login and read entries of sessions
# handled together are appended together; none is lost or reordered
# within its session, and the tree stays whole (verified below)
enroll a2 anna
enroll a3 anna
n0=$(q "SELECT count(*) FROM audit_log WHERE type = 'login'")
laptop a1 sync >/dev/null 2>&1 || fail "sync a1"
per=$(($(q "SELECT count(*) FROM audit_log WHERE type = 'login'") - n0))
[ "$per" -ge 1 ] || fail "a sync logged no login"
n0=$((n0 + per))
pids=""
for l in a1 a2 a3; do
	(for i in 1 2 3; do
		laptop $l sync >"$T/par.$l.$i" 2>&1 ||
		    echo "$l $i" >>"$T/par.fail"
	done) &
	pids="$pids $!"
done
wait $pids	# not the server
[ -s "$T/par.fail" ] && fail "parallel syncs: $(cat "$T/par.fail")"
expect_eq "logins of 9 concurrent syncs" \
    "$(($(q "SELECT count(*) FROM audit_log WHERE type = 'login'") - n0))" \
    $((9 * per))
for l in a2 a3; do
	d=$(ctl device list | awk -v n="$l" '$2 == n { print $1 }')
	[ -n "$d" ] || fail "no device $l: $(ctl device list)"
	[ "$(q "SELECT type FROM audit_log WHERE device_id = $d AND
	    type IN ('login', 'read') ORDER BY idx LIMIT 1")" = login ] ||
	    fail "$l: a read before its first login"
	[ "$(q "SELECT count(*) FROM audit_log WHERE device_id = $d AND
	    type = 'read' AND client_ref = '$C'")" -ge 1 ] ||
	    fail "$l: the records it pulled are not logged as read"
done
ok "concurrent sessions: every login and read entry is in the log"

ctl audit verify >"$T/verify" || fail "verify of an intact log: $(cat "$T/verify")"
grep -q "^ok: " "$T/verify" || fail "verify output: $(cat "$T/verify")"
ok "audit verify passes on an intact log"

ctl audit export >"$T/export" || fail "export"
grep -q '^{"checkpoint":{"size":' "$T/export" || fail "export: no checkpoint"
grep -q "^{\"audit_public_key\":\"$(cat "$SRV/audit.pub")\"}" "$T/export" ||
    fail "export: no public key"
[ "$(grep -c '"leaf":"' "$T/export")" -ge 10 ] || fail "export: entries"
ok "audit export: json lines, latest checkpoint, public key"

# no case content in any audit entry (nor anywhere in the audit tables)
if [ -n "$DB_SPEC" ]; then
	q "SELECT * FROM audit_log" >"$T/dump"
else
	sqlite3 "$SRV/server.db" ".dump audit_log" >"$T/dump"
fi
for m in Markerjansen 999990019 Markerdorp Markernotitie; do
	grep -q "$m" "$T/export" "$T/dump" && fail "case content '$m' in the audit log"
done
ok "no names, BSN or notes in any audit entry"

# tamper: one byte of one row, by someone who can write the database
idx=$(q "SELECT idx FROM audit_log WHERE type = 'member_add' LIMIT 1")
# (the append-only triggers stop mistakes, not someone who drops them)
q "UPDATE audit_log SET server_time = 1 WHERE idx = $idx" 2>/dev/null &&
    fail "the append-only trigger let an UPDATE through"
q "$(drop_trigger audit_log_no_update)
    UPDATE audit_log SET server_time = server_time + 1 WHERE idx = $idx" ||
    fail "tamper"
ctl audit verify >"$T/verify" 2>&1 && fail "verify passed a changed row"
grep -q "^FAIL entry $idx (member_add)" "$T/verify" ||
    fail "the changed entry is not named: $(cat "$T/verify")"
grep -q "checkpoint.*root does not match" "$T/verify" ||
    fail "no checkpoint mismatch: $(cat "$T/verify")"
ok "changing one byte of a row makes verify fail and name entry $idx"

# a row and its leaf rewritten together still break the checkpoints
q "$(drop_trigger audit_log_no_update)
    UPDATE audit_log SET leaf = (SELECT leaf FROM audit_log WHERE idx = 0)
    WHERE idx = $idx" || fail "tamper leaf"
ctl audit verify >"$T/verify" 2>&1 && fail "verify passed a changed leaf"
grep -q "root does not match" "$T/verify" || fail "$(cat "$T/verify")"
ok "a changed leaf hash breaks every later checkpoint"

# dropping the newest entries is caught too
q "$(drop_trigger audit_log_no_delete)
    DELETE FROM audit_log WHERE idx >= (SELECT max(idx) - 2 FROM audit_log)" ||
    fail "delete"
ctl audit verify >"$T/verify" 2>&1 && fail "verify passed deleted entries"
grep -q "does not match the entries\|more than the log holds" "$T/verify" ||
    fail "deletion not reported: $(cat "$T/verify")"
ok "deleting the newest entries makes verify fail"
server_alive
