#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Nothing written is lost silently (issue 15, item 3), with real
# processes.  A case of anna (Zwolle) is handed over to bram (Lelystad).
#  - A note anna typed before the accept, pushed during the handover
#    window, is accepted, marked late (audited late_change) and reaches
#    bram.
#  - A note anna typed after the accept on a laptop that had not synced
#    yet is refused by the server and kept (held) on her laptop and on
#    the server; once her laptop has synced it knows the case is
#    read-only and refuses a new note before the editor opens, saying
#    why and since when.
#  - At the end of the window her laptop does not purge the case: the
#    held note holds the purge (no receipt, audited purge_held), `sync`
#    and `status` show it, `casesyncctl transfer pending` lists it and
#    the transfer stays ACCEPTED.  `casesyncctl transfer decide
#    --accept` puts the note into the case (audited), it reaches bram,
#    and anna's next sync purges and completes the transfer.
#  - Break-the-glass access is read-only offline: a note is refused
#    before anything is written.
#  - A removed member's unsent note holds the purge, is listed by
#    `transfer pending`, and is discarded by decision (audited); only
#    then does the laptop purge.  A member removed and then given the
#    case back: the hold ends by itself, the held note is accepted.
# The audit log verifies at the end.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

WINDOW=6
GLASS=30
[ -n "$SANITIZED" ] && WINDOW=20

deploy
for o in Zwolle Lelystad Utrecht; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name dirk --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Utrecht >/dev/null
start_server "handover_window = ${WINDOW}s" "glass_duration = ${GLASS}s"
enroll a anna
enroll l lars
enroll b bram
enroll d dirk
enroll e eva

# sync_json LAPTOP: sync, JSON summary in $T/sync
sync_json() {
	laptop "$1" --json sync >"$T/sync" 2>"$T/err" ||
	    fail "sync on $1: $(cat "$T/err")"
}

# field NAME: a number from the last sync summary
field() {
	jq -r ".$1" "$T/sync"
}

tstate() {
	ctl transfer list | awk -v id="$1" '$1 == id { print $2 }'
}

# has LAPTOP CASE TEXT: the laptop holds a note of the case with TEXT
has() {
	laptop "$1" --json note list --case "$2" 2>/dev/null |
	    jq -e --arg t "$3" '[.[] | select(.fields.text == $t)] |
	    length == 1' >/dev/null
}

q() { sqlite3 "$SRV/server.db" "$1"; }

# ---- a case of anna's, synced
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a note add --case "$C" --text "huisbezoek 1" >/dev/null ||
    fail "first note"
sync_json a
expect_eq "anna's first note is on the server" "$(field pushed)" 1

# ---- typed before the accept, not yet synced
N1=$(laptop a note add --case "$C" --text "gesprek school") ||
    fail "note before the accept"
sleep 1
laptop a --json transfer request --case "$C" --to Lelystad --reason moved \
    >"$T/req" 2>"$T/err" || fail "transfer request: $(cat "$T/err")"
ID=$(jq -r .transfer_id "$T/req")
laptop l transfer accept --id "$ID" --regisseur bram >/dev/null 2>"$T/err" ||
    fail "accept: $(cat "$T/err")"
sleep 1
# typed after the accept, on a laptop that has not heard of it yet
N2=$(laptop a note add --case "$C" --text "na de overdracht getypt") ||
    fail "note after the accept (laptop not told yet)"

# ---- anna syncs during the window
sync_json a
expect_eq "the note written before the accept is accepted late" \
    "$(field late) $(field pushed)" "1 1"
expect_eq "the note written after the accept is refused and held" \
    "$(field rejected) $(field held)" "1 1"
ctl audit query --type late_change >"$T/late" 2>/dev/null ||
    fail "audit query late_change"
grep -q "$N1" "$T/late" || fail "late change not audited: $(cat "$T/late")"
ok "the late change is audited (late_change)"
expect_eq "the server keeps the refused note for a decision" \
    "$(q "SELECT state FROM held_changes WHERE record_id = '$N2'")" held
sync_json b
has b "$C" "gesprek school" || fail "the late note did not reach bram"
ok "the late note reaches the new regisseur"
has b "$C" "na de overdracht getypt" &&
    fail "the refused note reached bram without a decision"
ok "the refused note does not reach bram without a decision"

# ---- the laptop now knows: refused before typing
cat >"$T/editor" <<EOF
#!/bin/sh
touch "$T/editor-ran"
echo "getypte tekst" >"\$1"
EOF
chmod +x "$T/editor"
EDITOR="$T/editor" script -qec "'$B/casesync' --dir '$T/a' note add --case \
    $C" /dev/null >"$T/out" 2>&1
rc=$?
expect_eq "a note on a handed-over case is refused (exit 5)" "$rc" 5
grep -q "read-only for you since" "$T/out" ||
    fail "no reason given: $(cat "$T/out")"
grep -q "handed over to another office" "$T/out" ||
    fail "the handover is not named: $(cat "$T/out")"
ok "the refusal says why and since when"
[ -e "$T/editor-ran" ] && fail "the editor opened before the refusal"
ok "the refusal comes before the editor opens"
echo "via stdin" | laptop a note add --case "$C" --text - >/dev/null \
    2>"$T/err"
expect_eq "a note from stdin is refused as well" "$?" 5
laptop a status >"$T/status" 2>&1 || fail "status: $(cat "$T/status")"
grep -q "read-only: case $C" "$T/status" ||
    fail "status does not show the read-only case: $(cat "$T/status")"
grep -q "held change: case $C" "$T/status" ||
    fail "status does not show the held note: $(cat "$T/status")"
ok "status shows the read-only case and the held note"

# ---- the window ends: the held note holds the purge
i=0
while :; do
	sync_json a
	[ "$(field purges_held)" = 1 ] && break
	i=$((i + 1))
	[ $i -gt $((WINDOW * 2 + 10)) ] && fail "no purge instruction"
	sleep 0.5
done
expect_eq "nothing was purged" "$(field purged)" 0
has a "$C" "na de overdracht getypt" ||
    fail "the held note is gone from anna's laptop"
ok "the case and the held note stay on anna's laptop"
laptop a sync >"$T/out" 2>&1 || fail "sync: $(cat "$T/out")"
grep -q "purge HELD: case $C" "$T/out" ||
    fail "sync does not show the held purge: $(cat "$T/out")"
ok "sync shows the held purge"
laptop a status >"$T/status" 2>&1 || fail "status"
grep -q "purge HELD: case $C" "$T/status" ||
    fail "status does not show the held purge: $(cat "$T/status")"
ok "status shows the held purge"
laptop a --json status >"$T/status.json" 2>"$T/err" || fail "status --json"
expect_eq "status --json lists the held purge and the held note" \
    "$(jq -r '.nothing_lost | "\(.held_purges[0].case_id) \(.held_purges |
    length) \(.held_changes | length)"' "$T/status.json")" "$C 1 1"
laptop a note add --case "$C" --text "nog iets" >/dev/null 2>"$T/err"
expect_eq "a note on the kept case is refused" "$?" 5
grep -q "no longer yours" "$T/err" || fail "why: $(cat "$T/err")"
ok "the refusal says the case is no longer hers"
ctl transfer pending >"$T/pending" || fail "transfer pending"
grep -q "held $C device .* purge HELD" "$T/pending" ||
    fail "transfer pending does not list the held purge: $(cat "$T/pending")"
CID=$(awk -v r="$N2" '$1 == "change" && $6 == r { print $2 }' \
    "$T/pending")
[ -n "$CID" ] || fail "the held note is not listed: $(cat "$T/pending")"
ok "transfer pending lists the held purge and the held note"
expect_eq "the transfer waits (ACCEPTED)" "$(tstate "$ID")" ACCEPTED
ctl audit query --type purge_held 2>/dev/null | grep -q "$C" ||
    fail "the held purge is not audited"
ok "the held purge is audited (purge_held)"
expect_eq "no purge receipt was sent" "$(q "SELECT count(*) FROM purges
    WHERE case_id = '$C' AND receipt_at IS NOT NULL")" 0

# ---- someone decides: accept into the case
ctl transfer decide --change "$CID" >/dev/null 2>&1
expect_eq "decide needs --accept or --discard" "$?" 2
ctl transfer decide --change "$CID" --accept --for lars \
    --reason "hoort bij het dossier" >"$T/dec" 2>&1 ||
    fail "decide: $(cat "$T/dec")"
ok "lars's decision: accept"
ctl transfer decide --change "$CID" --discard >/dev/null 2>&1 &&
    fail "a second decision was taken"
ok "a decision is taken once"
ctl audit query --type held_change_accept 2>/dev/null | grep -q "$C" ||
    fail "the decision is not audited"
ok "the decision is audited (held_change_accept)"
sync_json b
has b "$C" "na de overdracht getypt" ||
    fail "the accepted note did not reach bram"
ok "the accepted note reaches the new regisseur"
sync_json a
expect_eq "anna's laptop learns the decision and purges" \
    "$(field held_accepted) $(field purged) $(field purges_held)" "1 1 0"
expect_eq "nothing of the case on anna's laptop" \
    "$(laptop a record list --case "$C" | wc -l)" 0
laptop a status >"$T/status" 2>&1 || fail "status"
grep -q "HELD\|held change" "$T/status" &&
    fail "status still shows something held: $(cat "$T/status")"
ok "nothing is held any more"
expect_eq "the transfer is COMPLETED" "$(tstate "$ID")" COMPLETED
NB=$(laptop b note list --case "$C" | wc -l)
expect_eq "bram holds all three notes" "$NB" 3

# ---- break the glass is read-only offline
laptop e glass --case "$C" --reason "spoedmelding" >/dev/null 2>"$T/err" ||
    fail "glass: $(cat "$T/err")"
sync_json b	# grants the key
sync_json e
expect_eq "eva reads the case" "$(laptop e note list --case "$C" | wc -l)" 3
laptop e note add --case "$C" --text "x" >/dev/null 2>"$T/err"
expect_eq "a note under glass access is refused offline" "$?" 5
grep -q "break-the-glass" "$T/err" || fail "why: $(cat "$T/err")"
ok "the refusal names the glass access"
sync_json e
expect_eq "nothing was queued" "$(field pushed) $(field rejected)" "0 0"

# ---- a removed member's unsent note holds the purge; discarded
laptop b case member --case "$C" --user dirk >/dev/null ||
    fail "member add"
sync_json b
sync_json d
sync_json b	# the key round for dirk
sync_json d
expect_eq "dirk reads the case" "$(laptop d note list --case "$C" | wc -l)" 3
N3=$(laptop d note add --case "$C" --text "van dirk, niet verstuurd") ||
    fail "dirk's note"
laptop b case member --case "$C" --user dirk --remove >/dev/null ||
    fail "member remove"
sync_json d
expect_eq "dirk's note is refused and held, and so is the purge" \
    "$(field rejected) $(field held) $(field purges_held) $(field purged)" \
    "1 1 1 0"
has d "$C" "van dirk, niet verstuurd" || fail "dirk's note is gone"
ok "dirk's laptop keeps the case and the note"
ctl transfer pending >"$T/pending" || fail "transfer pending"
grep -q "held $C device .*dirk.* purge HELD" "$T/pending" ||
    fail "the removed member's held purge is not listed: $(cat "$T/pending")"
CID3=$(awk -v r="$N3" '$1 == "change" && $6 == r { print $2 }' \
    "$T/pending")
[ -n "$CID3" ] || fail "dirk's note is not listed: $(cat "$T/pending")"
ok "transfer pending lists the removed member's held purge and note"
ctl transfer decide --change "$CID3" --discard --for lars \
    --reason "dubbel" >/dev/null 2>&1 || fail "discard"
ctl audit query --type held_change_discard 2>/dev/null | grep -q "$C" ||
    fail "the discard is not audited"
ok "the discard is audited (held_change_discard)"
laptop d sync >"$T/out" 2>&1 || fail "sync d: $(cat "$T/out")"
grep -q "discarded by lars" "$T/out" ||
    fail "dirk is not told who discarded it: $(cat "$T/out")"
ok "dirk's sync says his note was discarded, and by whom"
sync_json d
expect_eq "then dirk's laptop purged the case" \
    "$(laptop d record list --case "$C" | wc -l)" 0
expect_eq "the discarded note never reached the server's records" \
    "$(q "SELECT count(*) FROM records WHERE record_id = '$N3'")" 0

# ---- removed, then given the case back: the hold ends by itself
C4=$(laptop b case create --frame DRANG) || fail "case create C4"
laptop b note add --case "$C4" --text "start" >/dev/null || fail "C4 note"
laptop b case member --case "$C4" --user dirk >/dev/null || fail "member"
sync_json b
sync_json d
sync_json b	# the key round for dirk
sync_json d
N4=$(laptop d note add --case "$C4" --text "dirk, offline") ||
    fail "dirk's offline note"
laptop b case member --case "$C4" --user dirk --remove >/dev/null ||
    fail "member remove"
sync_json d
expect_eq "removed: dirk's note and the purge are held" \
    "$(field held) $(field purges_held)" "1 1"
laptop b case member --case "$C4" --user dirk >/dev/null ||
    fail "member re-add"
sync_json d
expect_eq "given back: the held note is accepted, nothing purged" \
    "$(field held_accepted) $(field purged)" "1 0"
laptop d note add --case "$C4" --text "weer lid" >/dev/null 2>"$T/err" ||
    fail "dirk cannot write the case he got back: $(cat "$T/err")"
ok "dirk writes the case he got back"
ctl transfer pending >"$T/pending" || fail "transfer pending"
grep -q "$C4" "$T/pending" &&
    fail "a moot hold is still listed: $(cat "$T/pending")"
ok "transfer pending no longer lists it"
sync_json d
sync_json b
has b "$C4" "dirk, offline" || fail "dirk's held note did not reach bram"
has b "$C4" "weer lid" || fail "dirk's new note did not reach bram"
ok "both of dirk's notes reach bram"
expect_eq "the held note is on the server once" \
    "$(q "SELECT count(*) FROM records WHERE record_id = '$N4'")" 1

ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ok "the audit log verifies"
server_alive
