#!/bin/sh
# SPDX-License-Identifier: ISC
#
# End-to-end encryption (issue 8, docs/E2E.md), with real processes.
# Cases with distinctive names, BSNs, addresses and notes are written on
# laptops, synced to a second laptop of the same user (key backup),
# transferred to another office, and restored to a new user with the
# recovery key; then the server's whole data directory and its log are
# searched for every marker: nothing.  Each check of the client is
# driven by a breached server (sqlite3 on its database): a body moved
# to another record or case, a grant signed by a non-member, a grant
# for a substituted public key.  Removing a member rotates the case key
# and new writes use the new epoch.  Recovery with k shares works, with
# k - 1 it does not.
. "$(dirname "$0")/lib.sh"

[ "${CASESYNC_TEST_DB:-}" = pg ] || command -v sqlite3 >/dev/null 2>&1 ||
    fail "sqlite3 is needed"
DB="$SRV/server.db"
q() { db_sql "$1"; }

deploy
for o in Zwolle Lelystad; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name xavier --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name dirk --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name nina --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null

ctl user add --name recovery --role jeugdbeschermer --office Zwolle \
    >/dev/null 2>&1 && fail "a user named like the recovery key"
ok "no user may be called recovery (the recovery key's name in grants)"

# the recovery key first, so that every case key is also granted to it
ctl recovery init --shares 3 --threshold 2 --out "$T" >"$T/rec" ||
    fail "recovery init"
[ "$(ls "$T"/recovery-share-*.txt | wc -l)" -eq 3 ] || fail "3 share files"
ok "recovery init wrote 3 share files"

start_server
enroll a anna
enroll a2 anna
enroll f femke
enroll x xavier
enroll d dirk
enroll n nina
enroll l lars
enroll b bram

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}
# sync_bad LAPTOP: a sync that must exit 4 (an end-to-end check failed)
sync_bad() {
	laptop "$1" --json sync >"$T/sync.$1" 2>"$T/err.$1"
	rc=$?
	[ "$rc" -eq 4 ] || fail "sync $1: exit $rc, want 4: $(cat "$T/err.$1" "$T/sync.$1")"
}
# sync_any LAPTOP: after the breaches above, exit 4 is expected too
sync_any() {
	laptop "$1" sync >"$T/sync.$1" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 4 ] ||
	    fail "sync $1: exit $rc: $(cat "$T/sync.$1")"
}
jfield() {	# jfield FILE NAME -> number from a --json summary
	sed -n "s/.*\"$2\":\\([0-9]*\\).*/\\1/p" "$1"
}
field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}

# ---- cases with distinctive content
NAME="Zwaantje-Markerdottir"
BSN=111222333
ADDR="Markerstraat-77-Qx"
NOTE="MARKNOTE-7f3a-huisbezoek"
NAME2="Ysbrand-Tracerveld"
C=$(laptop a case create --frame DRANG) || fail "case create"
D=$(laptop a case create --frame OTS) || fail "case create D"
R1=$(laptop a record put --case "$C" --kind person name="$NAME" bsn=$BSN \
    address="$ADDR") || fail "record put"
R2=$(laptop a record put --case "$C" --kind journal text="$NOTE") ||
    fail "note"
R3=$(laptop a record put --case "$D" --kind person name="$NAME2") ||
    fail "record put D"
sync_ok a
expect_eq "the owner reads the name" "$(field a "$R1" name)" "$NAME"

# ---- the user's second laptop: keys from the backup
sync_ok a2
expect_eq "anna's second laptop opens the case (key backup)" \
    "$(field a2 "$R1" name)" "$NAME"
expect_eq "and the note" "$(field a2 "$R2" text)" "$NOTE"

# ---- merge and conflicts with sealed bodies
laptop a record put --case "$C" --kind person --id "$R1" name="Anna-versie" \
    >/dev/null || fail "edit on a"
laptop a2 record put --case "$C" --kind person --id "$R1" name="A2-versie" \
    >/dev/null || fail "edit on a2"
sync_ok a
sync_ok a2
sync_ok a
laptop a conflicts >"$T/conf" 2>&1 || fail "conflicts"
grep -q "Anna-versie" "$T/conf" && grep -q "A2-versie" "$T/conf" ||
    fail "both values kept: $(cat "$T/conf")"
ok "a same-field conflict on sealed bodies keeps both values"
laptop a resolve --record "$R1" --field name --new "$NAME" >/dev/null ||
    fail "resolve"
sync_ok a
sync_ok a2
expect_eq "the resolution reaches the other laptop" \
    "$(field a2 "$R1" name)" "$NAME"

# ---- transfer to Lelystad: the target office gets the key
laptop a --json transfer request --case "$C" --to Lelystad \
    --reason moved >"$T/req" 2>"$T/err" || fail "request: $(cat "$T/err")"
ID=$(sed -n 's/.*"transfer_id":\([0-9]*\).*/\1/p' "$T/req")
laptop l transfer accept --id "$ID" --regisseur bram >/dev/null 2>"$T/err" ||
    fail "accept: $(cat "$T/err")"
sync_ok b
expect_eq "the new regisseur reads the dossier" "$(field b "$R1" name)" \
    "$NAME"
expect_eq "and its notes" "$(field b "$R2" text)" "$NOTE"

# ---- the server holds no case content
sync_ok f
sync_ok l
for m in "$NAME" "$BSN" "$ADDR" "$NOTE" "$NAME2" Anna-versie A2-versie; do
	# the control: the marker is on a laptop, in the clear, after opening
	if grep -rqa -- "$m" "$SRV" "$T/server.log" ${PG_DIR:+"$PG_DIR"}; then
		fail "marker '$m' found on the server: $(grep -rla -- "$m" \
		    "$SRV" "$T/server.log")"
	fi
done
{ [ -n "$DB_SPEC" ] || [ -s "$DB" ]; } &&
    [ "$(q 'SELECT count(*) FROM records')" -ge 3 ] ||
    fail "the server holds the records"
ok "no name, BSN, address or note in the server's DB, WAL or log"

# ---- a body moved to another record (same case): rejected
seq_next() {
	q "UPDATE meta SET value = value + 1 WHERE key = 'seq'
	    RETURNING value"
}
V=$(seq_next)
q "UPDATE records SET body = (SELECT body FROM records WHERE
    record_id = '$R1'), version = $V WHERE record_id = '$R2'" ||
    fail "tamper"
sync_bad b
expect_eq "a body moved to another record is rejected" \
    "$(jfield "$T/sync.b" tampered)" 1
expect_eq "and not applied" "$(field b "$R2" text)" "$NOTE"

# ---- a body moved to another case: rejected
V=$(seq_next)
q "UPDATE records SET case_id = '$D', version = $V WHERE
    record_id = '$R2'" || fail "tamper"
# a real change, so that the server's in-memory newest seq passes V
laptop a record put --case "$D" --kind journal text=bump >/dev/null ||
    fail "bump"
sync_bad a2
expect_eq "a body moved to another case is rejected" \
    "$(jfield "$T/sync.a2" tampered)" 1

# ---- a grant signed by a non-member: rejected
BRAM_PK=$(q "SELECT $(db_hex k.box_pk) FROM user_keys k JOIN users u
    ON u.id = k.user_id WHERE u.name = 'bram'")
EP=$(q "SELECT epoch FROM key_state WHERE case_id = '$C'")
set -- $("$B/tests/cs_grant" "$T/x" "$C" $((EP + 1)) bram "$BRAM_PK") ||
    fail "cs_grant"
[ "$1" = xavier ] || fail "cs_grant signer: $1"
q "INSERT INTO key_grants(case_id, epoch, to_user, from_user,
    sealed, sig, at) SELECT '$C', $((EP + 1)), id, 'xavier', $(db_blob "$2"), $(db_blob "$3"), 0
    FROM users WHERE name = 'bram';
    UPDATE key_state SET epoch = $((EP + 1)) WHERE case_id = '$C'" ||
    fail "plant grant"
sync_bad b
expect_eq "a grant signed by a non-member is rejected" \
    "$(jfield "$T/sync.b" grants_rejected)" 1
grep -q "does not hold this case" "$T/err.b" || fail "why: $(cat "$T/err.b")"
laptop b --json keys status >"$T/ks" || fail "keys status"
expect_eq "bram holds no key of the planted epoch" \
    "$(jfield "$T/ks" case_keys)" 1

# ---- a substituted public key: nothing is sealed to it
q "UPDATE user_keys SET box_pk = $(db_random 32) WHERE user_id =
    (SELECT id FROM users WHERE name = 'dirk')" || fail "substitute"
laptop a case member --case "$D" --user dirk >/dev/null 2>"$T/err" ||
    fail "member add: $(cat "$T/err")"
grep -q "not certified" "$T/err" || fail "warning: $(cat "$T/err")"
expect_eq "no grant for a substituted key" "$(q "SELECT count(*)
    FROM key_grants g JOIN users u ON u.id = g.to_user WHERE
    u.name = 'dirk'")" 0
ok "a key the CA did not certify gets no case key"

# ---- removing a member rotates the key; new writes use the new epoch
laptop a case member --case "$D" --user xavier >/dev/null || fail "add x"
sync_any x
expect_eq "xavier reads case D" "$(field x "$R3" name)" "$NAME2"
E1=$(q "SELECT epoch FROM key_state WHERE case_id = '$D'")
laptop a case member --case "$D" --user xavier --remove >/dev/null ||
    fail "remove x"
R4=$(laptop a record put --case "$D" --kind journal text=after-removal) ||
    fail "note after removal"
sync_any a
E2=$(q "SELECT epoch FROM key_state WHERE case_id = '$D'")
expect_eq "the case key rotated" "$E2" $((E1 + 1))
expect_eq "the new write uses the new epoch" "$(q "SELECT
    key_epoch FROM records WHERE record_id = '$R4'")" "$E2"
expect_eq "the removed member got no key of it" "$(q "SELECT
    count(*) FROM key_grants g JOIN users u ON u.id = g.to_user WHERE
    u.name = 'xavier' AND g.case_id = '$D' AND g.epoch = $E2")" 0
sync_any a2
expect_eq "the other holders read the new write" "$(field a2 "$R4" text)" \
    after-removal

# ---- a change without a key waits, and holds back nothing else
sync_any x			# the purge: xavier's keys of D are gone
X2=$(laptop x case create --frame DRANG) || fail "case create on x"
laptop x record put --case "$D" --kind journal text=keyless >/dev/null ||
    fail "keyless note"
laptop x record put --case "$X2" --kind journal text=keyed >/dev/null ||
    fail "keyed note"
laptop x --json sync >"$T/sync.x" 2>"$T/err.x"
expect_eq "the change with a key is pushed" "$(jfield "$T/sync.x" pushed)" 1
expect_eq "the one without waits" "$(jfield "$T/sync.x" unsent_no_key)" 1

# ---- recovery: k - 1 shares fail, k shares restore one case
ctl recovery grant --case "$D" --to nina --shares "$T/recovery-share-1.txt" \
    >"$T/out" 2>&1 && fail "recovery with one share of two worked"
grep -q "1 share given, 2 needed" "$T/out" || fail "why: $(cat "$T/out")"
sync_any n
expect_eq "nina holds nothing after the refused recovery" \
    "$(laptop n record list --case "$D" | wc -l)" 0
ok "recovery with k - 1 shares fails"
ctl recovery grant --case "$D" --to nina --shares "$T/recovery-share-3.txt" \
    --shares "$T/recovery-share-1.txt" >"$T/out" 2>&1 ||
    fail "recovery grant: $(cat "$T/out")"
sync_any n
expect_eq "with k shares nina reads the case" "$(field n "$R3" name)" \
    "$NAME2"
expect_eq "including the write after the rotation" \
    "$(field n "$R4" text)" after-removal
ctl audit query --type recovery_grant --format csv >"$T/audit" ||
    fail "audit query"
grep -q nina "$T/audit" || fail "recovery grant not audited"
ok "the recovery grant is audited"
ctl audit verify >/dev/null || fail "audit log verifies"
ok "audit log verifies"

# ---- a breached server swaps the recovery key (its CA certifies the
# new one): the laptops pinned the first and grant nothing to the new
q "DELETE FROM key_grants WHERE to_user = 0;
    DELETE FROM recovery_key" || fail "drop recovery key"
mkdir -p "$T/evil"
ctl recovery init --shares 2 --threshold 2 --out "$T/evil" >/dev/null ||
    fail "second recovery init"
laptop a --json sync >"$T/sync.a" 2>"$T/err.a"
[ $? -eq 4 ] || fail "sync after the swap: $(cat "$T/err.a")"
grep -q "recovery CHANGED" "$T/err.a" || fail "why: $(cat "$T/err.a")"
expect_eq "no case key for the swapped recovery key" \
    "$(q "SELECT count(*) FROM key_grants WHERE to_user = 0")" 0
ok "laptops keep the recovery key they first saw"

# ---- a new case whose first key round failed: its changes go in the
# sync that grants its key (the sync reloads its keyring once the key
# round has confirmed our own grants, client/core/sync.c).
# The key round right after `case create` (and `case member`) fails
# for certain: the server's copy of the creator's key certificate is
# made invalid (its time of issue one second later; the CA's signature
# covers it), so the laptop refuses the round before it grants
# anything.  It is put back before the sync.  The case key stays
# unconfirmed on the laptop and unknown to the server.
# Usually the key round's next request brings our own grant back, which
# counts as received and reloads the keyring by itself; grants made in
# the round's last request (KEYS_ROUNDS_MAX, client/core/keyround.c) come
# back to nobody.  So the laptop first has 7 requests' worth of other
# grants to make (500 per request: KEYS_NEEDS_MAX in a reply and
# WIRE_GRANTS_MAX in a message): epochs 2..1751 of another case X,
# planted as held by gert (in the server's key_grants, behind the
# laptop's grant cursor, and in its vault), which femke and the
# recovery key lack.  The new case's id sorts after X's (version 7
# ids), so its grants are made in the eighth and last request.
# New users: the laptops above pinned the first recovery key.
ADDR="localhost:$PORT"		# lib.sh's, which the marker above replaced
ROUNDS=8			# KEYS_ROUNDS_MAX
PER=500				# needs per reply, grants per message
E=$(( (ROUNDS - 1) * PER / 2 ))	# planted epochs: two grants each
ctl user add --name gert --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user gert"
ctl user add --name hanna --role jeugdbeschermer --office Zwolle \
    >/dev/null || fail "user hanna"
enroll g gert
enroll h hanna
X=$(laptop g case create --frame DRANG 2>"$T/err.g") ||
    fail "case create X: $(cat "$T/err.g")"
GERT="user_id = (SELECT id FROM users WHERE name = 'gert')"
q "UPDATE user_keys SET issued = issued + 1 WHERE $GERT" ||
    fail "tamper gert's key certificate"
NC=$(laptop g case create --frame OTS 2>"$T/err.g") ||
    fail "case create: $(cat "$T/err.g")"
grep -q "case keys not exchanged" "$T/err.g" ||
    fail "the key round after case create did not fail: $(cat "$T/err.g")"
laptop g case member --case "$NC" --user hanna >/dev/null 2>"$T/err.g" ||
    fail "member add: $(cat "$T/err.g")"
grep -q "case keys not exchanged" "$T/err.g" ||
    fail "the key round after member add did not fail: $(cat "$T/err.g")"
q "UPDATE user_keys SET issued = issued - 1 WHERE $GERT" ||
    fail "restore gert's key certificate"
expect_eq "the server holds no key of the new case" "$(q "SELECT
    (SELECT count(*) FROM key_grants WHERE case_id = '$NC') +
    (SELECT count(*) FROM key_state WHERE case_id = '$NC')")" 0
EPS="WITH RECURSIVE e(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM e
    WHERE n < $E + 1)"
q "$EPS INSERT INTO key_grants(case_id, epoch, to_user,
    from_user, sealed, sig, at) SELECT '$X', n, u.id, 'gert',
    $(db_random 80), $(db_random 64), 0 FROM e, users u WHERE u.name = 'gert';
    UPDATE key_state SET epoch = $E + 1 WHERE case_id = '$X'" ||
    fail "plant the epochs of X"
GC=$(q "SELECT max(id) FROM key_grants")
"$B/tests/vault_tool" sql "$T/g" "$EPS INSERT INTO case_keys(case_id,
    epoch, key, confirmed) SELECT '$X', n, randomblob(32), 1 FROM e" \
    >"$T/vt" 2>&1 || fail "vault_tool sql: $(cat "$T/vt")"
"$B/tests/vault_tool" sql "$T/g" "INSERT OR REPLACE INTO sync_state(key,
    value) VALUES ('grant_cursor', $GC)" >"$T/vt" 2>&1 ||
    fail "vault_tool sql: $(cat "$T/vt")"
laptop g --json keys status >"$T/ks" || fail "keys status"
expect_eq "the creator holds confirmed keys of X only" \
    "$(jfield "$T/ks" cases)" 1
NOTE3="MARKNOTE-c41e-eerste-gesprek"
R5=$(laptop g record put --case "$NC" --kind journal text="$NOTE3") ||
    fail "note on the new case"
R6=$(laptop g record put --case "$NC" --kind person name="$NAME") ||
    fail "person on the new case"
laptop g --json sync >"$T/sync.g" 2>"$T/err.g" ||
    fail "sync g: $(cat "$T/err.g" "$T/sync.g")"
# the setup did what it is for (else adjust ROUNDS and PER)
expect_eq "the grants of X and of the new case are made" \
    "$(jfield "$T/sync.g" grants_made)" $((2 * E + 4))
expect_eq "the new case's grants are made in the key round's last request" \
    "$(jfield "$T/sync.g" grants_received)" 0
expect_eq "the new case's changes are pushed in that one sync" \
    "$(jfield "$T/sync.g" pushed)" 2
expect_eq "none waits for its key" "$(jfield "$T/sync.g" unsent_no_key)" 0
sync_ok h
expect_eq "the other member reads the note" "$(field h "$R5" text)" "$NOTE3"
expect_eq "and the person" "$(field h "$R6" name)" "$NAME"
