#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Transfers between regional offices, team assignment and break the
# glass (issue 6), with real processes: anna (Zwolle) asks to move a
# case to Lelystad; lars (lead Lelystad) sees it and accepts with bram
# as the new regisseur; bram's laptop receives the whole dossier (the
# same records and digest as anna's), adds a note and syncs; anna still
# reads during the handover window but her laptop refuses a write; after the
# window her laptop purges, returns a receipt, and holds nothing of the
# case; the transfer is COMPLETED.  Refused, with nothing changed: the
# sender accepting, the sending office's lead accepting, a worker (not a
# lead) accepting, a transfer of a case one does not own, a second open
# transfer, a double accept, a regisseur from the wrong office, and
# acting on an expired glass access.  Also reject, revoke, team assign,
# and the casesyncctl views.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

# the window must outlast the few commands run inside it
WINDOW=5
GLASS=4
[ -n "$SANITIZED" ] && WINDOW=15 && GLASS=10

deploy
for o in Zwolle Lelystad Utrecht; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name dirk --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Utrecht >/dev/null
start_server "handover_window = ${WINDOW}s" "glass_duration = ${GLASS}s"
enroll a anna
enroll f femke
enroll l lars
enroll b bram
enroll d dirk
enroll e eva

# tstate ID: the state of transfer ID as casesyncctl sees it
tstate() {
	ctl transfer list | awk -v id="$1" '$1 == id { print $2 }'
}

# sync_json LAPTOP: sync, JSON summary in $T/sync
sync_json() {
	laptop "$1" --json sync >"$T/sync" 2>"$T/err" ||
	    fail "sync on $1: $(cat "$T/err")"
}

srv_count() {
	ctl records digest | cut -d' ' -f1
}

# ---- a case with history in Zwolle
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Jansen >/dev/null ||
    fail "record put"
laptop a record put --case "$C" --kind person name=Pieter >/dev/null
laptop a record put --case "$C" --kind plan goal=school >/dev/null
laptop a record put --case "$C" --kind journal text="huisbezoek 1" >/dev/null
laptop a record put --case "$C" --kind journal text="telefoon" >/dev/null
sync_json a
NA=$(laptop a record list --case "$C" | wc -l)
expect_eq "anna's laptop holds the case" "$NA" 5
EMPTY=$(laptop e digest) || fail "digest"
laptop a --json case list >"$T/cases" || fail "case list on a"
expect_eq "anna's laptop has the case's lifecycle data" \
    "$(jq --arg c "$C" '[.cases[] | select(.case_id == $c)] | length' \
    "$T/cases")" 1

# ---- request
expect_refused "a transfer of a case one does not own" 5 FORBIDDEN \
    b transfer request --case "$C" --to Lelystad --reason moved
expect_refused "a lead of another office cannot send it" 5 FORBIDDEN \
    l transfer request --case "$C" --to Lelystad --reason moved
expect_refused "a reason outside the list is a usage error" 2 "moved" \
    a transfer request --case "$C" --to Lelystad --reason bored
expect_refused "an unknown office" 5 "no such office" \
    a transfer request --case "$C" --to Atlantis --reason moved
laptop a --json transfer request --case "$C" --to Lelystad --reason moved \
    --note "gezin verhuisd" >"$T/req" 2>"$T/err" ||
    fail "transfer request: $(cat "$T/err")"
ID=$(jq -r .transfer_id "$T/req")
expect_eq "the transfer is REQUESTED" "$(jq -r .state "$T/req")" REQUESTED
expect_refused "one open transfer per case" 5 TRANSFER_OPEN \
    a transfer request --case "$C" --to Utrecht --reason capacity

# ---- the target lead sees it
laptop l --json transfer list >"$T/list" || fail "transfer list on l"
expect_eq "lead B sees the request" \
    "$(jq -r --argjson i "$ID" '.transfers[] | select(.transfer_id == $i) |
    .state + " " + .from_office + " " + .requested_by + " " + .note' \
    "$T/list")" "REQUESTED Zwolle anna gezin verhuisd"
laptop e --json transfer list >"$T/list" || fail "transfer list on e"
expect_eq "an unrelated worker does not see it" \
    "$(jq '.transfers | length' "$T/list")" 0

# ---- people-readable lists: short ids, never a whole UUID (issue 17)
UUID_RE='[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}'
# no_uuid WHAT FILE: FILE holds no 36-character UUID
no_uuid() {
	grep -q "$UUID_RE" "$2" && fail "$1 shows a whole UUID: $(cat "$2")"
	ok "$1 shows no whole UUID"
}
# tail_of SHORT: SHORT is a tail of $C, 6 to 12 hex digits
tail_of() {
	[ "${#1}" -ge 6 ] && [ "${#1}" -le 12 ] ||
	    fail "short id '$1' is not 6..12 digits"
	case "$C" in *"$1") ;; *) fail "'$1' is not a tail of $C" ;; esac
}
laptop l transfer list >"$T/tl" 2>"$T/err" ||
    fail "transfer list on l: $(cat "$T/err")"
no_uuid "transfer list (the target lead, who holds nothing of the case)" \
    "$T/tl"
LID=$(awk '$2 == "REQUESTED" { print $1 }' "$T/tl")
expect_eq "the transfer is listed by its short id, the server's number" \
    "$LID" "$ID"
tail_of "$(awk -v i="$LID" '$1 == i { print $3 }' "$T/tl")"
ok "the case of a transfer offered to a lead: a short id, a tail of its id"
laptop a transfer list >"$T/tl" 2>"$T/err" ||
    fail "transfer list on a: $(cat "$T/err")"
no_uuid "transfer list (the sender)" "$T/tl"
tail_of "$(awk -v i="$ID" '$1 == i { print $3 }' "$T/tl")"
laptop l transfer show --id "$LID" >"$T/ts" 2>"$T/err" ||
    fail "transfer show on l: $(cat "$T/err")"
no_uuid "transfer show" "$T/ts"
tail_of "$(awk '$1 == "case:" { print $2 }' "$T/ts")"
expect_refused "a transfer id that is not a number" 2 "transfer list" \
    l transfer show --id "${C#*-}"

# ---- refused decisions change nothing
expect_refused "the sender cannot accept" 5 OWN_TRANSFER \
    a transfer accept --id "$ID" --regisseur bram
expect_refused "the sending office's lead cannot accept" 5 OWN_TRANSFER \
    f transfer accept --id "$ID" --regisseur bram
expect_refused "a worker (not a lead) cannot accept" 5 FORBIDDEN \
    b transfer accept --id "$ID" --regisseur bram
expect_refused "a lead of a third office cannot accept" 5 FORBIDDEN \
    e transfer accept --id "$ID" --regisseur bram
expect_refused "the regisseur must work at the target office" 5 \
    "jeugdbeschermer of the target office" \
    l transfer accept --id "$ID" --regisseur anna
expect_refused "a worker cannot reject" 5 FORBIDDEN \
    b transfer reject --id "$ID" --reason "geen plek"
expect_refused "accept without a regisseur is a usage error" 2 \
    "regisseur" l transfer accept --id "$ID"
expect_eq "nothing changed: still REQUESTED" "$(tstate "$ID")" REQUESTED
sync_json b
expect_eq "bram received nothing yet" \
    "$(laptop b record list --case "$C" | wc -l)" 0

# ---- accept
laptop l --json transfer accept --id "$LID" --regisseur bram >"$T/acc" \
    2>"$T/err" || fail "accept: $(cat "$T/err")"
expect_eq "accepted, bram is the regisseur" \
    "$(jq -r '.state + " " + .new_regisseur + " " + .decided_by' \
    "$T/acc")" "ACCEPTED bram lars"
expect_refused "a double accept" 5 TRANSFER_DECIDED \
    l transfer accept --id "$ID" --regisseur dirk
expect_refused "a reject after the accept" 5 TRANSFER_DECIDED \
    l transfer reject --id "$ID" --reason "toch niet"

# ---- worker B gets the whole dossier
sync_json b
expect_eq "bram pulled every record, also those from before" \
    "$(jq .pulled "$T/sync")" "$NA"
expect_eq "bram's digest equals anna's" "$(laptop b digest)" \
    "$(laptop a digest)"
laptop b record put --case "$C" --kind journal text="kennismaking" \
    >/dev/null || fail "bram's note"
sync_json b
expect_eq "bram's note is accepted" \
    "$(jq -r '"\(.pushed) \(.rejected)"' "$T/sync")" "1 0"
N1=$(srv_count)

# ---- worker A reads during the window, cannot write
sync_json a
expect_eq "anna still reads: bram's note reached her" \
    "$(laptop a record list --case "$C" | wc -l)" $((NA + 1))
# her laptop knows the case is read-only now: it refuses before writing
# (a write it did not know about is t_nolost.sh's)
expect_refused "anna's laptop refuses a write during the window" 5 \
    "handed over to another office" \
    a record put --case "$C" --kind journal text="nog iets"
sync_json a
expect_eq "nothing was sent" "$(jq .rejected "$T/sync")" 0
expect_eq "the server holds nothing new" "$(srv_count)" "$N1"
expect_eq "the transfer waits for anna's laptop" \
    "$(ctl transfer pending | grep -c "window open")" 1
expect_eq "still ACCEPTED during the window" "$(tstate "$ID")" ACCEPTED

# ---- after the window: purge, receipt, nothing left
i=0
while :; do
	sync_json a
	[ "$(jq .purged "$T/sync")" = 1 ] && break
	i=$((i + 1))
	[ $i -gt $((WINDOW * 2 + 10)) ] && fail "no purge after the window"
	sleep 0.5
done
ok "after the window anna's laptop purged the case"
expect_eq "nothing of the case on anna's laptop" \
    "$(laptop a record list --case "$C" | wc -l)" 0
expect_eq "anna's digest is that of an empty laptop" \
    "$(laptop a digest)" "$EMPTY"
laptop a --json case list >"$T/cases" || fail "case list on a"
expect_eq "nor its lifecycle data" \
    "$(jq --arg c "$C" '[.cases[] | select(.case_id == $c)] | length' \
    "$T/cases")" 0
ctl records purges | grep "$C" | grep -q purged ||
    fail "no purge receipt on the server"
ok "the purge receipt is recorded"
expect_eq "the transfer is COMPLETED" "$(tstate "$ID")" COMPLETED
ctl transfer pending | grep -q "no accepted transfer" ||
    fail "transfer pending still lists devices: $(ctl transfer pending)"
ok "no device is pending"
sync_json b
expect_eq "bram keeps the case" \
    "$(laptop b record list --case "$C" | wc -l)" $((NA + 1))
# completing the transfer rotated the case key (docs/E2E.md) at bram's
# sync above: epoch 1 since creation, now 2, which the old office never
# received; the new office's writes use it
q() { db_sql "$1"; }
RN=$(laptop b record put --case "$C" --kind journal text="na overdracht") ||
    fail "note after completion"
sync_json b
EP2=$(q "SELECT epoch FROM key_state WHERE case_id = '$C'")
expect_eq "completing the transfer rotated the case key" "$EP2" 2
expect_eq "the new write uses the new epoch" \
    "$(q "SELECT key_epoch FROM records WHERE record_id = '$RN'")" "$EP2"
expect_eq "the old office holds no key of it" "$(q "SELECT count(*) FROM
    key_grants g JOIN users u ON u.id = g.to_user WHERE g.case_id = '$C'
    AND g.epoch = $EP2 AND u.name IN ('anna', 'femke')")" 0

# ---- team membership: the lead assigns a regisseur
expect_refused "a worker cannot assign the regisseur" 5 FORBIDDEN \
    b team assign --case "$C" --regisseur dirk
expect_refused "the old office's lead cannot either" 5 FORBIDDEN \
    f team assign --case "$C" --regisseur anna
laptop l team assign --case "$C" --regisseur dirk >/dev/null 2>"$T/err" ||
    fail "team assign: $(cat "$T/err")"
ok "lead B assigns dirk"
sync_json d	# bram's two notes included, one of each epoch
expect_eq "dirk receives the whole case" \
    "$(laptop d record list --case "$C" | wc -l)" $((NA + 2))

# ---- reject and revoke
C2=$(laptop a case create --frame DRANG) || fail "case create 2"
laptop a --json transfer request --case "$C2" --to Lelystad \
    --reason capacity >"$T/req" || fail "request 2"
ID2=$(jq -r .transfer_id "$T/req")
laptop l --json transfer reject --id "$ID2" --reason "geen capaciteit" \
    >"$T/rej" || fail "reject"
expect_eq "lead B rejects with a reason" \
    "$(jq -r '.state + " " + .rejection' "$T/rej")" \
    "REJECTED geen capaciteit"
laptop a --json transfer request --case "$C2" --to Lelystad \
    --reason expertise >"$T/req" || fail "request 3"
ID3=$(jq -r .transfer_id "$T/req")
expect_refused "only the requester or the sending lead revokes" 5 \
    FORBIDDEN l transfer revoke --id "$ID3"
laptop a transfer revoke --id "$ID3" >/dev/null || fail "revoke"
expect_eq "anna revokes" "$(tstate "$ID3")" REVOKED
expect_refused "an accept after the revoke" 5 TRANSFER_DECIDED \
    l transfer accept --id "$ID3" --regisseur bram

# ---- break the glass
expect_refused "glass needs a reason" 2 "reason" e glass --case "$C"
expect_refused "no glass on a case of one's own office" 5 FORBIDDEN \
    a glass --case "$C2" --reason "spoed"
laptop e glass --case "$C" --reason "spoedmelding politie" >"$T/glass" \
    2>"$T/err" || fail "glass: $(cat "$T/err")"
ok "eva breaks the glass"
no_uuid "glass (a case of another office)" "$T/glass"
tail_of "$(sed -n 's/^read-only access to case \([0-9a-f]*\) .*/\1/p' \
    "$T/glass")"
laptop l glass list >"$T/gl" 2>"$T/err" || fail "glass list: $(cat "$T/err")"
grep -q "^break the glass: eva (Utrecht) read case" "$T/gl" ||
    fail "glass list on l: $(cat "$T/gl")"
no_uuid "glass list" "$T/gl"
tail_of "$(sed -n 's/.* read case \([0-9a-f]*\) .*/\1/p' "$T/gl")"
laptop b audit query --case "$C" >"$T/aq" 2>"$T/err" ||
    fail "audit query on b: $(cat "$T/err")"
grep -q "break_glass" "$T/aq" || fail "audit query: $(cat "$T/aq")"
no_uuid "audit query --case" "$T/aq"
SB=$(laptop b --json case list | jq -r --arg c "$C" \
    '.cases[] | select(.case_id == $c) | .short_id')
tail_of "$SB"
laptop b audit who --case "$SB" >"$T/aw" 2>"$T/err" ||
    fail "audit who --case by short id: $(cat "$T/err")"
grep -q "eva" "$T/aw" || fail "audit who: $(cat "$T/aw")"
no_uuid "audit who" "$T/aw"
# the case key comes from a holder's key round (docs/E2E.md: glass)
sync_json b
sync_json e
expect_eq "eva reads the case" \
    "$(laptop e record list --case "$C" | wc -l)" $((NA + 2))
expect_refused "glass access is read-only, on the laptop too" 5 \
    "break-the-glass" e record put --case "$C" --kind journal text="x"
sync_json e
expect_eq "nothing was sent" "$(jq .rejected "$T/sync")" 0
ctl glass list | grep "$C" | grep eva | grep -q "active until" ||
    fail "glass not listed for review: $(ctl glass list)"
ok "the glass access is listed for review"
N2=$(srv_count)
sleep "$GLASS"
expect_refused "a write after the glass access ended" 5 "break-the-glass" \
    e record put --case "$C" --kind journal text="na afloop"
expect_refused "acting on an expired glass access" 5 FORBIDDEN \
    e case info --case "$C"
sync_json e
expect_eq "the case is purged" \
    "$(jq -r '"\(.rejected) \(.purged)"' "$T/sync")" "0 1"
expect_eq "nothing of the case on eva's laptop" \
    "$(laptop e record list --case "$C" | wc -l)" 0
expect_eq "the server holds nothing new" "$(srv_count)" "$N2"
ctl glass list | grep "$C" | grep eva | grep -q "ended" ||
    fail "glass not ended: $(ctl glass list)"
ok "the glass access shows as ended"
ctl audit query --type break_glass 2>/dev/null | grep -q eva ||
    fail "glass not in the audit log"
ok "the glass access is audited"
ctl audit query --type access_end >"$T/ends" 2>/dev/null ||
    fail "audit query"
grep -q anna "$T/ends" && grep -q eva "$T/ends" ||
    fail "the ends of access are not audited: $(cat "$T/ends")"
ok "the end of the handover window and of the glass access are audited"
ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ok "the audit log verifies"
server_alive
