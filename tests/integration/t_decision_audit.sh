#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A decision and its audit entry are committed together (issue 21,
# item 2): a case state change, a transfer request, a break-the-glass
# access and the end of an expired access are either there with their
# entry, or absent with it.  To make the audit log unwritable while the
# rest of the database is not, the test adds a trigger to server.db that
# aborts every insert into audit_log (the server re-prepares its
# statements on the schema change).  While it is there each decision is
# refused retryably and leaves nothing; a request that needs an expired
# access ended first is refused as well, the access still not ended.
# Once it is dropped, every one goes through with its entry.
. "$(dirname "$0")/lib.sh"

GLASS=4
[ -n "$SANITIZED" ] && GLASS=10

q() { sqlite3 "$SRV/server.db" "$1"; }
block() {
	q "CREATE TRIGGER t_block_audit BEFORE INSERT ON audit_log BEGIN
	    SELECT RAISE(ABORT, 'audit log blocked by the test'); END;" ||
	    fail "cannot add the trigger"
}
unblock() { q "DROP TRIGGER t_block_audit" || fail "drop trigger"; }
entries() {	# entries of type $1 with outcome success
	q "SELECT count(*) FROM audit_log WHERE type = '$1' AND
	    outcome = 'success'"
}

deploy
for o in Zwolle Lelystad Utrecht; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Utrecht >/dev/null
start_server "glass_duration = ${GLASS}s"
enroll a anna
enroll e eva
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Jansen >/dev/null ||
    fail "record put"
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop e sync >/dev/null 2>&1 || fail "sync e"

# --- the audit log cannot be written: no decision without its entry
block
laptop a case state --case "$C" --to DRANG_INTENSIEF >"$T/out" 2>&1 &&
    fail "a state change without its entry: $(cat "$T/out")"
expect_eq "state unchanged without its entry" \
    "$(q "SELECT state FROM cases WHERE id = '$C'")" AANMELDING
expect_eq "no case_state entry" "$(entries case_state)" 0
laptop a transfer request --case "$C" --to Lelystad --reason moved \
    >"$T/out" 2>&1 && fail "a transfer request without its entry"
expect_eq "no transfer without its entry" \
    "$(q "SELECT count(*) FROM transfers")" 0
expect_eq "no transfer_request entry" "$(entries transfer_request)" 0
laptop e glass --case "$C" --reason "spoed" >"$T/out" 2>&1 &&
    fail "a glass access without its entry"
expect_eq "no glass access without its entry" \
    "$(q "SELECT count(*) FROM glass")" 0
expect_eq "eva is no member" "$(q "SELECT count(*) FROM case_members m
    JOIN users u ON u.id = m.user_id WHERE u.name = 'eva'")" 0
expect_eq "no break_glass entry" "$(entries break_glass)" 0
grep -q "the decision is not taken\|the state is not changed" \
    "$T/server.log" || fail "the server did not log the refusal"
server_alive

# --- written again: each decision with its entry
unblock
laptop a case state --case "$C" --to DRANG_INTENSIEF >"$T/out" 2>&1 ||
    fail "state change: $(cat "$T/out")"
expect_eq "state changed" "$(q "SELECT state FROM cases WHERE
    id = '$C'")" DRANG_INTENSIEF
expect_eq "its case_state entry" "$(entries case_state)" 1
laptop a transfer request --case "$C" --to Lelystad --reason moved \
    >"$T/out" 2>&1 || fail "transfer request: $(cat "$T/out")"
tid=$(q "SELECT id FROM transfers")
expect_eq "its transfer_request entry, naming the transfer" \
    "$(q "SELECT object_id FROM audit_log WHERE
    type = 'transfer_request' AND outcome = 'success'")" "$tid"
laptop e glass --case "$C" --reason "spoed" >"$T/out" 2>&1 ||
    fail "glass: $(cat "$T/out")"
expect_eq "one glass access" "$(q "SELECT count(*) FROM glass")" 1
expect_eq "its break_glass entry" "$(entries break_glass)" 1

# --- the glass access expires while the log cannot be written: the
# next request is refused retryably and the access is not ended
# without its access_end entry
block
sleep "$GLASS"
laptop e sync >"$T/out" 2>&1
expect_eq "a request that needs an expired access ended (exit)" $? 8
grep -q "could not do this now" "$T/out" ||
    fail "not a retryable refusal: $(cat "$T/out")"
expect_eq "the access is not ended without its entry" \
    "$(q "SELECT count(*) FROM glass WHERE ended_at IS NULL")" 1
expect_eq "no access_end entry" "$(entries access_end)" 0
unblock
laptop e sync >"$T/out" 2>&1 || fail "sync e: $(cat "$T/out")"
expect_eq "the access ended" \
    "$(q "SELECT count(*) FROM glass WHERE ended_at IS NULL")" 0
expect_eq "its access_end entry" "$(entries access_end)" 1
expect_eq "nothing of the case left on eva's laptop" \
    "$(laptop e record list --case "$C" 2>/dev/null | wc -l)" 0
ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ok "audit verify after the blocked writes"
server_alive
