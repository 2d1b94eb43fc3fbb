#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Escalations, partners, nazorg, closing and retention (issue 18) with a
# real server and laptops:
#  - an escalation names the state it caused (checked against the case's
#    lifecycle on the laptop) and gets its outcome later, as a record of
#    its own that refers to it;
#  - a partner shares on consent (date and scope) or on a legal basis;
#  - NAZORG needs a nazorg record, GESLOTEN a closing summary (the
#    message names the command to run);
#  - a GESLOTEN case takes no new note: the laptop refuses it, a crafted
#    push is refused by the server with ERROR_CASE_CLOSED and the
#    connection stays, a note written offline before the close is
#    refused at sync and kept on its laptop;
#  - the server stores closed_on and retention_until (20 years);
#  - after closed_purge_days the case leaves the laptops, with a receipt
#    (and the laptop holding the refused note keeps it: purge_held,
#    until the server's copy is discarded: it cannot be accepted);
#  - casesyncctl retention list|destroy|show: a case not past its date is
#    refused, one past it is destroyed with a signed record, which show
#    verifies (and a tampered one fails).
# Closing goes through CaseState here; once the approvals work is
# merged, AFSLUITING is reached by a teamleider's approval instead.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
start_server "closed_purge_days = 1"
enroll a anna
enroll a2 anna
enroll f femke
enroll f2 femke		# a laptop of femke's that never syncs
probe_device anna

q() { sqlite3 "$SRV/server.db" "$1"; }
TODAY=$(date -u +%F)
LATER=$(date -u -d "$TODAY + 20 years" +%F)

refused() {	# refused WHAT PATTERN LAPTOP ARGS...: non-zero exit, says it
	what=$1 pat=$2
	shift 2
	laptop "$@" >"$T/out" 2>"$T/err" && fail "$what: accepted"
	grep -q -- "$pat" "$T/err" ||
	    fail "$what: does not say '$pat': $(cat "$T/err")"
	ok "$what"
}
move() {	# move LAPTOP STATE
	laptop "$1" --json case state --case "$C" --to "$2" >"$T/move" \
	    2>"$T/err" || fail "$1 -> $2: $(cat "$T/err")"
	expect_eq "the case is $2" "$(jq -r .state "$T/move")" "$2"
}

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user femke >/dev/null || fail "member"
K=$(laptop a person add --case "$C" --name "Sam" --role child \
    --birth-date 2015-03-01) || fail "child"
move a DRANG_INTENSIEF

# ---- escalation: the state it caused, and its outcome later
E=$(laptop a escalate --case "$C" --to raad --reason "Zorgen blijven" \
    --date "$TODAY") || fail "escalate"
refused "an escalation cannot claim a state the case has not reached" \
    "has not reached RAAD_MELDING" a escalate --case "$C" --to raad \
    --reason "x" --caused-state RAAD_MELDING
refused "the old benefit_cut is not a target for new escalations" \
    "not one of the allowed values" a escalate --case "$C" \
    --to benefit_cut --reason x
move a RAAD_MELDING
E2=$(laptop a escalate --case "$C" --to raad --reason "Melding gedaan" \
    --date "$TODAY" --caused-state RAAD_MELDING) ||
    fail "escalation with the state it caused"
laptop a --json escalate list --case "$C" >"$T/esc" || fail "escalate list"
expect_eq "caused_on defaults to the day the case became RAAD_MELDING" \
    "$(jq -r '[.[] | select(.fields.caused_state == "RAAD_MELDING")][0]
    .fields.caused_on' "$T/esc")" "$TODAY"
refused "caused_on must be the day the case entered that state" \
    "the case became RAAD_MELDING on $TODAY" a escalate --case "$C" \
    --to raad --reason x --caused-state RAAD_MELDING \
    --caused-on 2020-01-01
refused "an escalation is never changed" "never changed" \
    a escalate edit --id "$E" --reason other
refused "an outcome refers to an escalation" "is not an escalation" \
    a escalate outcome --escalation "$K" --outcome onderzoek \
    --outcome-date "$TODAY"
refused "an outcome is not dated before its escalation" \
    "before the escalation" a escalate outcome --escalation "$E2" \
    --outcome onderzoek --outcome-date 2020-01-01
laptop a escalate outcome add --escalation "$E2" --outcome onderzoek \
    --outcome-date "$TODAY" >/dev/null || fail "escalation outcome"
laptop a --json escalate list --case "$C" >"$T/esc" || fail "escalate list"
expect_eq "escalate list shows the escalations and the outcome" \
    "$(jq -r '[.[] | select(.kind == "escalation_outcome")][0]
    .fields.outcome' "$T/esc") $(jq length "$T/esc")" "onderzoek 3"

# ---- partners: consent (date and scope) or a legal basis
refused "consent needs its scope" "consent_scope: is required when" \
    a partner add --case "$C" --name "GGZ Noord" --type jeugd_ggz \
    --basis consent --consent-date "$TODAY"
refused "a legal basis needs its name" "legal_basis: is required when" \
    a partner add --case "$C" --name "Politie" --type politie --basis legal
refused "withdrawal before the consent" "before the consent" \
    a partner add --case "$C" --name "Huisarts" --type huisarts \
    --basis consent --consent-date "$TODAY" --consent-scope medisch \
    --withdrawn-on 2020-01-01
laptop a partner add --case "$C" --name "GGZ Noord" --type jeugd_ggz \
    --basis consent --consent-date "$TODAY" --consent-scope behandeling \
    >/dev/null || fail "partner on consent"
P=$(laptop a partner add --case "$C" --name "Politie Zwolle" \
    --type politie --basis legal --legal-basis "Jeugdwet art. 7.4.0") ||
    fail "partner on a legal basis"
laptop a partner edit --id "$P" --withdrawn-on "$TODAY" >/dev/null ||
    fail "partner withdrawn"
ok "partners on consent and on a legal basis, one withdrawn"

# ---- a second laptop writes a note, offline, before the close
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop a2 sync >/dev/null 2>&1 || fail "sync a2"
laptop a2 note add --case "$C" --text "nog getypt voor het sluiten" \
    >/dev/null || fail "note on a2"

# ---- closing: asked by anna, approved by femke on her own laptop
laptop a --json case close --case "$C" --reason doel_bereikt \
    --summary "Doelen bereikt, nazorg door het wijkteam" >"$T/req" \
    2>"$T/err" || fail "case close: $(cat "$T/err")"
ID=$(jq -r .approval_id "$T/req")
laptop a sync >/dev/null 2>&1 || fail "sync a (close request)"
laptop f sync >/dev/null 2>&1 || fail "sync f (close request)"
laptop f approve "$ID" >/dev/null 2>"$T/err" ||
    fail "femke approves the closing: $(cat "$T/err")"
laptop a --json case info --case "$C" >"$T/move" 2>"$T/err" ||
    fail "case info: $(cat "$T/err")"
expect_eq "the case is AFSLUITING" "$(jq -r .state "$T/move")" AFSLUITING
# ---- then nazorg and the closing summary
refused "NAZORG needs who takes over" "casesync nazorg add" \
    a case state --case "$C" --to NAZORG
refused "the server refuses NAZORG without a nazorg record too" \
    "INVALID_STATE.*NAZORG needs who takes over" \
    f2 case state --case "$C" --to NAZORG
laptop a nazorg add --case "$C" --by wijkteam --name "Wijkteam Zuid" \
    --agreements "Maandelijks contact met moeder" --end "$LATER" \
    >/dev/null || fail "nazorg add"
move a NAZORG
refused "GESLOTEN needs the closing summary" "casesync closing add" \
    a case state --case "$C" --to GESLOTEN
refused "a closing reason is one of the list" "not one of the allowed" \
    a closing add --case "$C" --reason verveeld --summary x
laptop a closing add --case "$C" --reason doel_bereikt \
    --summary "Veiligheid thuis is stabiel" >/dev/null || fail "closing add"
move a GESLOTEN
laptop a sync >/dev/null 2>&1 || fail "sync a after closing"
expect_eq "the nazorg and closing records reached the server first" \
    "$(q "SELECT count(*) FROM records WHERE case_id = '$C' AND kind IN
    ('nazorg', 'closing')")" 2

# ---- the server keeps closed_on and retention_until
ctl retention list --all --json >"$T/ret" || fail "retention list --all"
expect_eq "closed_on and retention_until (20 years)" \
    "$(jq -r --arg c "$C" '.[] | select(.case_id == $c) |
    "\(.closed_on) \(.retention_until) \(.frame) \(.office)"' "$T/ret")" \
    "$TODAY $LATER DRANG Zwolle"

expect_eq "case info on the laptop shows them too" \
    "$(jq -r '"\(.closed_on) \(.retention_until)"' "$T/move")" \
    "$TODAY $LATER"
laptop a case info --case "$C" >"$T/info" || fail "case info"
grep -q "kept until    $LATER" "$T/info" || fail "case info: $(cat "$T/info")"
ok "case info says until when the case is kept"

# ---- GESLOTEN takes no new content
expect_refused "the laptop refuses a note in a closed case (exit 5)" 5 \
    "closed (GESLOTEN) and takes no new content" \
    a note add --case "$C" --text "na het sluiten"
refused "and an edit of the plan of a closed case" "closed (GESLOTEN)" \
    a plan edit --case "$C" --summary "nieuw"
N=$(cat /proc/sys/kernel/random/uuid)
before=$(ctl records digest) || fail "digest"
probe $AUTH push "$(cat /proc/sys/kernel/random/uuid)" "$N" "$C" 0 \
    >"$T/probe" || fail "probe push"
expect_eq "a crafted push is refused with ERROR_CASE_CLOSED" \
    "$(head -2 "$T/probe" | tr '\n' ' ')" \
    "result CHANGE_FORBIDDEN version 0 current 0 error CASE_CLOSED "
expect_eq "the connection stays after the refusal" \
    "$(sed -n 3p "$T/probe")" pong
expect_eq "nothing of it was written" "$(ctl records digest)" "$before"
server_alive
laptop a2 sync >"$T/sync2" 2>&1
grep -q "ERROR_CASE_CLOSED" "$T/sync2" ||
    fail "a2's sync does not say why: $(cat "$T/sync2")"
ok "the note a2 wrote before the close is refused at sync, and why"
laptop a2 --json note list --case "$C" | jq -e '[.[] |
    select(.fields.text == "nog getypt voor het sluiten")] | length == 1' \
    >/dev/null || fail "a2 lost its refused note"
ok "a2 keeps the refused note"
expect_eq "the refusal is audited" \
    "$(q "SELECT count(*) FROM audit_log WHERE type = 'update' AND
    outcome != 'success' AND client_ref = '$C' AND detail LIKE
    '%closed (GESLOTEN)%'")" 2

# ---- the case leaves the laptops after closed_purge_days
sleep 2
expect_eq "not before the period" \
    "$(q "SELECT count(*) FROM purges WHERE case_id = '$C'")" 0
q "UPDATE cases SET closed_on = closed_on - 1 WHERE id = '$C'"
i=0
while [ "$(q "SELECT count(*) FROM purges WHERE case_id = '$C'")" = 0 ]; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "no purge after the period"
	sleep 0.2
done
ok "after the period the server orders the purge"
expect_eq "every laptop of every member is told (a, a2, probe, f, f2)" \
    "$(q "SELECT count(*) FROM purges WHERE case_id = '$C'")" 5
expect_eq "the memberships ended" \
    "$(q "SELECT count(*) FROM case_members WHERE case_id = '$C'")" 0
laptop a --json sync >"$T/sync" 2>"$T/err" || fail "sync a: $(cat "$T/err")"
expect_eq "anna's laptop purged it" "$(jq .purged "$T/sync")" 1
expect_eq "nothing of the case on anna's laptop" \
    "$(laptop a record list --case "$C" | wc -l)" 0
ctl records purges | grep "$C" | grep -q purged ||
    fail "no purge receipt on the server"
ok "the purge receipt is recorded"
laptop a2 --json sync >"$T/sync" 2>"$T/err" || fail "sync a2: $(cat "$T/err")"
expect_eq "a2 keeps the case: its refused note holds the purge" \
    "$(jq .purges_held "$T/sync")" 1
laptop a2 --json note list --case "$C" | jq -e 'length == 1' \
    >/dev/null || fail "a2 lost the case"
ok "a2 still has the case and its note"
H=$(q "SELECT change_id FROM held_changes WHERE case_id = '$C' AND
    state = 'held'")
[ -n "$H" ] || fail "the server holds no copy of a2's refused note"
ok "the server keeps a sealed copy of the refused note for a decision"
ctl transfer decide --change "$H" --accept >"$T/out" 2>"$T/err" &&
    fail "a held change accepted into a closed case"
grep -q "closed (GESLOTEN)" "$T/err" || fail "accept: $(cat "$T/err")"
ok "a held change cannot be accepted into a closed case"
ctl transfer decide --change "$H" --discard >/dev/null ||
    fail "discard the held change"
laptop a2 --json sync >"$T/sync" 2>"$T/err" || fail "sync a2: $(cat "$T/err")"
expect_eq "once it is discarded a2 purges the case" \
    "$(jq '"\(.held_discarded) \(.purged)"' -r "$T/sync")" "1 1"
expect_eq "the purge is audited" \
    "$(q "SELECT count(*) FROM audit_log WHERE type =
    'case_closed_purge' AND client_ref = '$C'")" 1
sleep 1.5
expect_eq "once: the periodic work is idempotent" \
    "$(q "SELECT count(*) FROM audit_log WHERE type =
    'case_closed_purge' AND client_ref = '$C'")" 1

# ---- retention
expect_eq "no case past its retention date yet" \
    "$(ctl retention list)" "no case is past its retention date"
ctl retention destroy --case "$C" >"$T/out" 2>"$T/err"
expect_eq "destroy before the date exits 1" "$?" 1
grep -q "not past its retention date" "$T/err" ||
    fail "destroy before the date: $(cat "$T/err")"
expect_eq "and destroys nothing" \
    "$(q "SELECT count(*) FROM cases WHERE id = '$C'")" 1
NREC=$(q "SELECT count(*) FROM records WHERE case_id = '$C'")
# twenty years on: the retention date was yesterday
q "UPDATE cases SET retention_until = $(($(date -u +%s) / 86400 - 1))
    WHERE id = '$C'"
ctl retention list --json >"$T/ret" || fail "retention list"
python3 "$top/tests/tools/json_schema.py" --min-items 1 \
    "$top/docs/json-schemas.json" "retention list" "$T/ret" ||
    fail "retention list --json schema"
expect_eq "retention list shows the case past its date" \
    "$(jq -r '.[0].case_id' "$T/ret") $(jq length "$T/ret")" "$C 1"
ctl retention destroy --case "$C" >"$T/out" 2>"$T/err" ||
    fail "destroy: $(cat "$T/err")"
ok "a case past its retention date is destroyed"
for t in records cases case_members key_grants key_state purges; do
	col=case_id
	[ "$t" = cases ] && col=id
	n=$(q "SELECT count(*) FROM $t WHERE $col = '$C'")
	# a pending purge instruction stays (a2 has not purged)
	[ "$t" = purges ] && n=$(q "SELECT count(*) FROM purges WHERE
	    case_id = '$C' AND receipt_at IS NOT NULL")
	expect_eq "no $t row of the case left" "$n" 0
done
ctl retention show --case "$C" >"$T/show" || fail "retention show"
grep -q "^signature good" "$T/show" || fail "show: $(cat "$T/show")"
ctl retention show --case "$C" --json >"$T/show.json" || fail "show --json"
python3 "$top/tests/tools/json_schema.py" "$top/docs/json-schemas.json" \
    "retention show" "$T/show.json" || fail "retention show --json schema"
expect_eq "the destruction record keeps what the audit needs" \
    "$(jq -r '[.case_id, .office, .frame, .closed_on, .records,
    .signature_ok] | map(tostring) | join(" ")' "$T/show.json")" \
    "$C Zwolle DRANG $(date -u -d "$TODAY - 1 day" +%F) $NREC true"
expect_eq "the destruction is audited" \
    "$(q "SELECT count(*) FROM audit_log WHERE type = 'case_destroy' AND
    client_ref = '$C'")" 1
ctl audit verify -q || fail "audit verify after the destruction"
ok "the audit log verifies"
ctl retention destroy --case "$C" >"$T/out" 2>"$T/err" &&
    fail "destroyed twice"
grep -q "destroyed before" "$T/err" || fail "twice: $(cat "$T/err")"
ok "a destroyed case is not destroyed again"
q "UPDATE destructions SET records = records + 1 WHERE case_id = '$C'"
ctl retention show --case "$C" >"$T/show" 2>"$T/err" &&
    fail "a tampered destruction record verified"
grep -q "^signature BAD" "$T/show" || fail "tampered: $(cat "$T/show")"
ok "a tampered destruction record fails its signature check"
server_alive
