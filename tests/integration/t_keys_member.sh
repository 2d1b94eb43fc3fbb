#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Keys follow membership (issue 15, item 2; docs/E2E.md "Membership and
# the epochs a user holds"), with real processes.  A user whose
# membership ended lost her keys at the purge; the server forgets her
# grants then, so that once she is a member again (re-added, or the new
# regisseur after a transfer back) one key round of one key holder
# grants her every epoch the records use:
#   - a member removed and re-added, both laptops purged in between;
#   - a returning member's new laptop (enrolled while she was out: it
#     receives no key of the case until she is back);
#   - a transfer back to the office, to a former member as regisseur.
# A grant for a case the user no longer holds never stops a sync: the
# old office's team lead whose laptop did not sync during the handover
# window, and her second laptop enrolled later, sync with exit 0; the
# server records grant_dropped; a team lead removed as a member (still
# a holder) whose laptop purged gets the keys again; a grant of a case
# its user does not hold left in key_grants is not even sent (issue 21
# item 4; the laptop would drop it) and the sync exits 0.  A
# forged grant (a signer who never held the case) is still refused with
# exit 4.  Before accepting, the receiving lead sees the preview of the
# transfer (frame, state, deadlines, records by kind, regisseur).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"
DB="$SRV/server.db"

WINDOW=4
[ -n "$SANITIZED" ] && WINDOW=12

deploy
for o in Zwolle Lelystad; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name xavier --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name mallory --role jeugdbeschermer --office Lelystad \
    >/dev/null
start_server "handover_window = ${WINDOW}s"
enroll a anna
enroll f femke
enroll x xavier
enroll x2 xavier
enroll l lars
enroll b bram
enroll m mallory

# sync_ok LAPTOP: a sync that exits 0, JSON summary in $T/sync.LAPTOP
sync_ok() {
	laptop "$1" --json sync >"$T/sync.$1" 2>"$T/err.$1" ||
	    fail "sync $1: exit $?: $(cat "$T/err.$1" "$T/sync.$1")"
}
# reads_all LAPTOP CASE N: the laptop holds N records of CASE, opened,
# and none waits for its key
reads_all() {
	sync_ok "$1"
	expect_eq "$1: records of the case" \
	    "$(laptop "$1" record list --case "$2" | wc -l)" "$3"
	laptop "$1" --json keys status >"$T/ks" || fail "keys status $1"
	expect_eq "$1: no record waits for a key" \
	    "$(jq .waiting_for_key "$T/ks")" 0
}
field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}
epoch() {
	sqlite3 "$DB" "SELECT epoch FROM key_state WHERE case_id = '$1'"
}

# ---- a member removed and re-added; both of his laptops were purged
C=$(laptop a case create --frame DRANG) || fail "case create"
R1=$(laptop a record put --case "$C" --kind person name=Eerste) ||
    fail "record put"
laptop a record put --case "$C" --kind journal text=een >/dev/null
sync_ok a
laptop a case member --case "$C" --user xavier >/dev/null 2>"$T/err" ||
    fail "member add: $(cat "$T/err")"
reads_all x "$C" 2
reads_all x2 "$C" 2
laptop a case member --case "$C" --user xavier --remove >/dev/null \
    2>"$T/err" || fail "member remove: $(cat "$T/err")"
sync_ok x
expect_eq "x purged the case" "$(jq .purged "$T/sync.x")" 1
sync_ok x2
expect_eq "x2 purged the case" "$(jq .purged "$T/sync.x2")" 1
expect_eq "the server forgot xavier's keys of the case" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM key_grants g JOIN users u ON
    u.id = g.to_user WHERE u.name = 'xavier' AND g.case_id = '$C'")" 0
# work goes on without him, under the next epoch
R3=$(laptop a record put --case "$C" --kind journal text=zonder-xavier) ||
    fail "note"
sync_ok a
expect_eq "the removal rotated the key" "$(epoch "$C")" 2

# ---- a returning member's new laptop, enrolled while he is out
enroll x3 xavier
sync_ok x3
laptop x3 --json keys status >"$T/ks" || fail "keys status x3"
expect_eq "a removed member's new laptop receives no key of the case" \
    "$(jq .case_keys "$T/ks")" 0

# re-added: the key round of anna's `case member` is the one key round
laptop a case member --case "$C" --user xavier >/dev/null 2>"$T/err" ||
    fail "member re-add: $(cat "$T/err")"
reads_all x "$C" 3
expect_eq "the re-added member reads the record of epoch 1" \
    "$(field x "$R1" name)" Eerste
expect_eq "and the one of epoch 2" "$(field x "$R3" text)" zonder-xavier
reads_all x2 "$C" 3
reads_all x3 "$C" 3
ok "a re-added member reads every record on every laptop"

# ---- a transfer: the old office's team lead does not sync during the
# handover window
D=$(laptop a case create --frame DRANG) || fail "case create D"
laptop a case state --case "$D" --to DRANG_INTENSIEF >/dev/null 2>"$T/err" ||
    fail "case state: $(cat "$T/err")"
laptop a record put --case "$D" --kind person name=Tweede >/dev/null ||
    fail "record put D"
laptop a record put --case "$D" --kind journal text=zwolle >/dev/null
sync_ok a
# femke's laptop holds epoch 1 of D from anna's grant at creation; it
# is offline from here to after the window
laptop a --json transfer request --case "$D" --to Lelystad \
    --reason moved >"$T/req" 2>"$T/err" || fail "request: $(cat "$T/err")"
ID=$(jq -r .transfer_id "$T/req")
# the receiving lead sees, before deciding, what the server may show
laptop l --json transfer show --id "$ID" >"$T/show" 2>"$T/err" ||
    fail "transfer show: $(cat "$T/err")"
expect_eq "the preview: office, reason, frame, state, records, regisseur" \
    "$(jq -r '[.from_office, .reason, .preview.frame,
    .preview.case_state, .preview.records, .preview.person_records,
    .preview.measure_records, .preview.regisseur] | join(" ")' \
    "$T/show")" "Zwolle moved DRANG DRANG_INTENSIEF 2 1 0 anna"
expect_eq "and the deadlines" \
    "$(jq -r '.preview.deadlines[0].kind' "$T/show")" toetsing
laptop l --json transfer list >"$T/list" || fail "transfer list on l"
expect_eq "transfer list carries the same preview" \
    "$(jq -c --argjson i "$ID" '.transfers[] | select(.transfer_id == $i) |
    .preview' "$T/list")" "$(jq -c .preview "$T/show")"
laptop l transfer show --id "$ID" >"$T/show.txt" 2>"$T/err" ||
    fail "transfer show: $(cat "$T/err")"
grep -q "^frame: *DRANG" "$T/show.txt" && grep -q "^deadline: *toetsing" \
    "$T/show.txt" && grep -q "^records: *2 (persons 1" "$T/show.txt" ||
    fail "transfer show: $(cat "$T/show.txt")"
ok "transfer show prints the preview"
laptop l transfer accept --id "$ID" --regisseur bram >/dev/null \
    2>"$T/err" || fail "accept: $(cat "$T/err")"
laptop a --json transfer show --id "$ID" >"$T/show" 2>"$T/err" ||
    fail "transfer show on a: $(cat "$T/err")"
expect_eq "once decided, no preview" "$(jq -r '.state + " " +
    (has("preview") | tostring)' "$T/show")" "ACCEPTED false"
laptop a transfer show --id 999 >/dev/null 2>&1 &&
    fail "transfer show of an unknown transfer"
ok "transfer show of an unknown transfer fails"
reads_all b "$D" 2
i=0
while :; do
	sync_ok a
	[ "$(jq .purged "$T/sync.a")" = 1 ] && break
	i=$((i + 1))
	[ $i -gt $((WINDOW * 2 + 10)) ] && fail "no purge after the window"
	sleep 0.5
done
expect_eq "the transfer completed" "$(ctl transfer list |
    awk -v id="$ID" '$1 == id { print $2 }')" COMPLETED
RB=$(laptop b record put --case "$D" --kind journal text=lelystad) ||
    fail "bram's note"
sync_ok b
expect_eq "completion rotated D's key" "$(epoch "$D")" 2

# femke's laptop syncs again, and her second laptop enrolls
sync_ok f
ok "the team lead who did not sync during the window syncs (exit 0)"
sync_ok f
ok "and again"
enroll f2 femke
sync_ok f2
ok "her second laptop, enrolled later, syncs (exit 0)"
expect_eq "no grant of D is left to femke" "$(sqlite3 "$DB" "SELECT count(*)
    FROM key_grants g JOIN users u ON u.id = g.to_user WHERE
    u.name = 'femke' AND g.case_id = '$D'")" 0
ctl audit query --type grant_dropped --format csv >"$T/audit" ||
    fail "audit query"
grep "$D" "$T/audit" | grep -q femke ||
    fail "femke's dropped grant is not audited: $(cat "$T/audit")"
grep "$D" "$T/audit" | grep -q anna ||
    fail "anna's dropped grant is not audited: $(cat "$T/audit")"
grep "$C" "$T/audit" | grep -q xavier ||
    fail "xavier's dropped grants are not audited: $(cat "$T/audit")"
ok "dropped grants are audited (grant_dropped)"

# ---- a transfer back, to a former member as the regisseur
laptop b --json transfer request --case "$D" --to Zwolle \
    --reason capacity >"$T/req" 2>"$T/err" ||
    fail "request back: $(cat "$T/err")"
ID2=$(jq -r .transfer_id "$T/req")
laptop f --json transfer list >"$T/list" || fail "transfer list on f"
expect_eq "femke sees the request" "$(jq -r --argjson i "$ID2" \
    '.transfers[] | select(.transfer_id == $i) | .state' "$T/list")" \
    REQUESTED
# the key round of femke's accept is the one key round of a holder
# (bram's request granted her D's epochs, as the target office's lead)
laptop f transfer accept --id "$ID2" --regisseur anna >/dev/null \
    2>"$T/err" || fail "accept back: $(cat "$T/err")"
reads_all a "$D" 3
expect_eq "the former member reads the record of the new office" \
    "$(field a "$RB" text)" lelystad
ok "a transfer to a former member: she reads every record"

# ---- a team lead removed as a member stays a holder (her office's
# case), but her laptops purged the case, keys included: the purge
# receipt makes the server forget her grants, and she gets them again
E=$(laptop a case create --frame DRANG) || fail "case create E"
laptop a record put --case "$E" --kind person name=Derde >/dev/null ||
    fail "record put E"
sync_ok a
laptop a case member --case "$E" --user femke >/dev/null 2>"$T/err" ||
    fail "member add femke: $(cat "$T/err")"
reads_all f "$E" 1
laptop a case member --case "$E" --user femke --remove >/dev/null \
    2>"$T/err" || fail "member remove femke: $(cat "$T/err")"
laptop a record put --case "$E" --kind journal text=na >/dev/null
sync_ok a
sync_ok f
expect_eq "f purged E" "$(jq .purged "$T/sync.f")" 1
laptop a case member --case "$E" --user femke >/dev/null 2>"$T/err" ||
    fail "member re-add femke: $(cat "$T/err")"
reads_all f "$E" 2
ok "a lead removed as a member and re-added reads every record"
ctl audit query --type grant_dropped --format csv >"$T/audit" ||
    fail "audit query"
grep "$E" "$T/audit" | grep femke | grep -q "a device purged the case" ||
    fail "the purge's dropped grants are not audited: $(cat "$T/audit")"
ok "and the grants her purge dropped are audited"

# ---- a grant of a case the user holds no more, delivered anyway (as a
# laptop offline since before the server forgot it would see it): bram,
# a holder of D, signs one to xavier, who never held D
X_PK=$(sqlite3 "$DB" "SELECT hex(k.box_pk) FROM user_keys k JOIN users u
    ON u.id = k.user_id WHERE u.name = 'xavier'")
set -- $("$B/tests/cs_grant" "$T/b" "$D" 1 xavier "$X_PK") ||
    fail "cs_grant"
[ "$1" = bram ] || fail "cs_grant signer: $1"
sqlite3 "$DB" "INSERT INTO key_grants(case_id, epoch, to_user, from_user,
    sealed, sig, at) SELECT '$D', 1, id, 'bram', X'$2', X'$3', 0
    FROM users WHERE name = 'xavier'" || fail "plant grant"
sync_ok x
expect_eq "a grant of a case the user does not hold is not sent" \
    "$(jq '"\(.grants_received) \(.grants_dropped) \(.grants_rejected)"' \
    "$T/sync.x")" '"0 0 0"'
laptop x --json keys status >"$T/ks" || fail "keys status x"
expect_eq "and no key of it is kept" "$(jq .cases "$T/ks")" 1

# ---- a forged grant is still refused: mallory never held C
EP=$(epoch "$C")
set -- $("$B/tests/cs_grant" "$T/m" "$C" $((EP + 1)) xavier "$X_PK") ||
    fail "cs_grant"
[ "$1" = mallory ] || fail "cs_grant signer: $1"
sqlite3 "$DB" "INSERT INTO key_grants(case_id, epoch, to_user, from_user,
    sealed, sig, at) SELECT '$C', $((EP + 1)), id, 'mallory', X'$2', X'$3', 0
    FROM users WHERE name = 'xavier';
    UPDATE key_state SET epoch = $((EP + 1)) WHERE case_id = '$C'" ||
    fail "plant grant"
laptop x --json sync >"$T/sync.x" 2>"$T/err.x"
rc=$?
[ "$rc" -eq 4 ] || fail "sync x after a forged grant: exit $rc, want 4"
expect_eq "a grant signed by someone who never held the case is rejected" \
    "$(jq .grants_rejected "$T/sync.x")" 1
grep -q "does not hold this case" "$T/err.x" ||
    fail "why: $(cat "$T/err.x")"
ctl audit verify >/dev/null || fail "audit verify"
ok "the audit log verifies"
server_alive
