#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Approvals are acts of the approver (issue 18, DESIGN §2), with real
# processes: anna (jeugdbeschermer) asks for a drang extension with a
# reason; the requester cannot approve it herself (OWN_APPROVAL), a
# worker and another office's teamleider cannot either; femke
# (teamleider) on her own laptop syncs, lists it with its reason read
# from her dossier and approves it; `case info` then says extended,
# approved by femke on today.  A second request is refused by femke
# with a reason that anna reads after a sync; a decided request cannot
# be decided again.  gerda (gedragswetenschapper, a member) co-signs an
# assessment, which `assess list` shows; closing is asked with a reason
# and a summary and approved.  The old path (a typed approver, a state
# change to AFSLUITING) is refused.  The audit log names both users of
# every request and decision and never a reason.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl office add Lelystad >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name gerda --role gedragswetenschapper --office Zwolle \
    >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
start_server
enroll a anna
enroll a2 anna
enroll b bert
enroll f femke
enroll g gerda
enroll l lars

TODAY=$(date +%F)
day() {		# day N: today + N days
	date -d "$TODAY + $1 days" +%F
}

sync_on() {
	laptop "$1" sync >"$T/sync" 2>&1 || fail "sync on $1: $(cat "$T/sync")"
}
info() {	# info LAPTOP: case info --json into $T/info
	laptop "$1" --json case info --case "$C" >"$T/info" 2>"$T/err" ||
	    fail "case info on $1: $(cat "$T/err")"
}

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
for s in DRANG_INTENSIEF DRANG_TOETSING DRANG_VERVOLG; do
	laptop a case state --case "$C" --to "$s" >/dev/null 2>"$T/err" ||
	    fail "to $s: $(cat "$T/err")"
done
sync_on a
EXT=$(day 120)

# ---- the old path is refused: no typed approver, no AFSLUITING
expect_refused "a typed approver is no option any more" 2 "approved-by" \
    a case state --case "$C" --to DRANG_VERVOLG --end "$EXT" --reason x \
    --approved-by femke
expect_refused "an extension by state change is refused on the laptop" 5 \
    "casesync case extend" a case state --case "$C" --to DRANG_VERVOLG \
    --end "$EXT" --reason "gezin werkt mee"
expect_refused "... and by the server" 5 "APPROVAL_REQUIRED" \
    a2 case state --case "$C" --to DRANG_VERVOLG --end "$EXT" --reason x
expect_refused "AFSLUITING by state change is refused" 2 \
    "casesync case close" a case state --case "$C" --to AFSLUITING

# ---- bad input: nothing is sent
expect_refused "an extension needs a reason" 2 "usage" \
    a case extend --case "$C" --end "$EXT"
expect_refused "an impossible end date" 2 "no such day" \
    a case extend --case "$C" --end 2027-02-30 --reason x
expect_refused "a closing reason outside the list" 2 "doel_bereikt" \
    a case close --case "$C" --reason klaar --summary x
expect_refused "an end within 3 months needs no approval" 5 \
    "needs no approval" a case extend --case "$C" --end "$(day 30)" \
    --reason "gezin werkt mee"
expect_refused "past 6 months is never approved" 5 "TIME_LIMIT" \
    a case extend --case "$C" --end "$(day 200)" --reason x

# ---- anna asks
laptop a --json case extend --case "$C" --end "$EXT" \
    --reason "gezin werkt mee, meer tijd nodig" >"$T/req" 2>"$T/err" ||
    fail "case extend: $(cat "$T/err")"
ID=$(jq -r .approval_id "$T/req")
expect_eq "the request waits" "$(jq -r .state "$T/req")" waiting
expect_eq "for a teamleider" "$(jq -r .required_role "$T/req")" teamleider
expect_eq "the requester reads her reason" "$(jq -r .reason "$T/req")" \
    "gezin werkt mee, meer tijd nodig"
expect_refused "one waiting request per case and kind" 5 "waits" \
    a case extend --case "$C" --end "$(day 110)" --reason y
sync_on a
expect_refused "the requester cannot approve her own request" 5 \
    "OWN_APPROVAL" a approve "$ID"
sync_on b
expect_refused "a worker cannot approve" 5 "FORBIDDEN" b approve "$ID"
laptop l --json approvals >"$T/list" || fail "approvals on l"
expect_eq "another office's lead sees nothing waiting" \
    "$(jq '.approvals | length' "$T/list")" 0
expect_refused "nor can she approve it" 1 "no approval $ID" l approve "$ID"
info a
expect_eq "nothing extended yet" "$(jq -r .extended "$T/info")" false

# ---- femke, on her own laptop
laptop f approvals >"$T/fl" 2>"$T/err" || fail "approvals: $(cat "$T/err")"
grep -q "^$ID .*waiting.*drang extension to $EXT.*asked by anna" "$T/fl" ||
    fail "femke's list lacks the request: $(cat "$T/fl")"
ok "the request waits for femke"
sync_on f
laptop f --json approvals >"$T/list" || fail "approvals on f"
expect_eq "femke reads the reason from her own dossier" \
    "$(jq -r --argjson i "$ID" '.approvals[] | select(.approval_id == $i) |
    .reason' "$T/list")" "gezin werkt mee, meer tijd nodig"
laptop f approve "$ID" --reason "akkoord, evalueren in week 16" \
    >"$T/out" 2>"$T/err" || fail "approve: $(cat "$T/err")"
grep -q "approved by femke" "$T/out" || fail "approve said: $(cat "$T/out")"
ok "femke approved on her laptop"
expect_refused "a decided request cannot be decided again" 5 \
    "APPROVAL_DECIDED" f refuse "$ID" --reason "toch niet"
sync_on f
info a
expect_eq "the case is extended" "$(jq -r .extended "$T/info")" true
expect_eq "to the requested end" "$(jq -r .end_date "$T/info")" "$EXT"
expect_eq "approved by the approver" "$(jq -r .approved_by "$T/info")" femke
expect_eq "on the day she did" "$(jq -r .approved_on "$T/info")" "$TODAY"
laptop a case info --case "$C" >"$T/out" || fail "case info"
grep -q "extended, approved by femke on $TODAY" "$T/out" ||
    fail "case info says: $(cat "$T/out")"
ok "case info: extended, approved by femke on $TODAY"
sync_on a
laptop a --json approvals --case "$C" --all >"$T/list" ||
    fail "approvals --all on a"
expect_eq "anna reads femke's reason" \
    "$(jq -r --argjson i "$ID" '.approvals[] | select(.approval_id == $i) |
    .state + ": " + .decision_reason' "$T/list")" \
    "approved: akkoord, evalueren in week 16"

# ---- a refusal, with its reason
laptop a --json case extend --case "$C" --end "$(day 150)" \
    --reason "nog een maand" >"$T/req" 2>"$T/err" ||
    fail "second extend: $(cat "$T/err")"
ID2=$(jq -r .approval_id "$T/req")
sync_on a
sync_on f
expect_refused "a refusal needs a reason" 2 "usage" f refuse "$ID2"
laptop f refuse "$ID2" --reason "eerst de Raad inschakelen" >/dev/null \
    2>"$T/err" || fail "refuse: $(cat "$T/err")"
sync_on f
sync_on a
laptop a --json approvals --case "$C" --all >"$T/list" || fail "approvals"
expect_eq "the refusal and its reason" \
    "$(jq -r --argjson i "$ID2" '.approvals[] | select(.approval_id == $i) |
    .state + " by " + .decided_by + ": " + .decision_reason' "$T/list")" \
    "refused by femke: eerst de Raad inschakelen"
info a
expect_eq "a refused extension changes nothing" \
    "$(jq -r .end_date "$T/info")" "$EXT"

# ---- a co-signed assessment
laptop a case member --case "$C" --user gerda >/dev/null || fail "gerda"
laptop a assess add --case "$C" --instrument LIRIK --outcome "veilig genoeg" \
    --date "$TODAY" >/dev/null 2>"$T/err" || fail "assess add: $(cat "$T/err")"
A=$(laptop a record list --case "$C" | awk '$3 == "assessment" { print $1 }')
[ -n "$A" ] || fail "the assessment's id: $(laptop a record list --case "$C")"
expect_refused "an assessment not on the server yet" 5 "sync first" \
    a assess cosign --id "$A"
sync_on a
laptop a --json assess cosign --id "$A" >"$T/req" 2>"$T/err" ||
    fail "assess cosign: $(cat "$T/err")"
IDC=$(jq -r .approval_id "$T/req")
expect_eq "a co-signature waits for a gedragswetenschapper" \
    "$(jq -r .required_role "$T/req")" gedragswetenschapper
laptop f --json approvals >"$T/list" || fail "approvals on f"
expect_eq "not for the teamleider" "$(jq --argjson i "$IDC" \
    '[.approvals[] | select(.approval_id == $i)] | length' "$T/list")" 0
expect_refused "a teamleider holds no case to co-sign in" 1 \
    "not on this laptop" f approve "$IDC"
sync_on b
expect_refused "a member who is no gedragswetenschapper cannot co-sign" 5 \
    "FORBIDDEN" b approve "$IDC"
sync_on g
laptop g approvals >"$T/gl" || fail "approvals on g"
grep -q "^$IDC .*co-signature.*asked by anna" "$T/gl" ||
    fail "gerda's list: $(cat "$T/gl")"
grep -q "assessment: LIRIK: veilig genoeg" "$T/gl" ||
    fail "gerda does not read the assessment: $(cat "$T/gl")"
ok "gerda sees the assessment she is asked to co-sign"
laptop g approve "$IDC" >/dev/null 2>"$T/err" ||
    fail "gerda approves: $(cat "$T/err")"
sync_on g
sync_on a
laptop a assess list --case "$C" >"$T/out" || fail "assess list"
grep -q "co-signed (medeondertekend) by gerda on $TODAY" "$T/out" ||
    fail "assess list: $(cat "$T/out")"
ok "assess list: co-signed by gerda"

# ---- closing
laptop a --json case close --case "$C" --reason doel_bereikt \
    --summary "doelen behaald, gezin redt het zelf" >"$T/req" \
    2>"$T/err" || fail "case close: $(cat "$T/err")"
IDX=$(jq -r .approval_id "$T/req")
sync_on a
sync_on f
laptop f --json approvals >"$T/list" || fail "approvals on f"
expect_eq "femke reads the closing summary" \
    "$(jq -r --argjson i "$IDX" '.approvals[] | select(.approval_id == $i) |
    .close_reason + ": " + .reason' "$T/list")" \
    "doel_bereikt: doelen behaald, gezin redt het zelf"
laptop f approve "$IDX" >/dev/null 2>"$T/err" ||
    fail "approve closing: $(cat "$T/err")"
info a
expect_eq "the case is closing" "$(jq -r .state "$T/info")" AFSLUITING

# ---- the JSON of `approvals` follows docs/json-schemas.json
laptop a --json approvals --case "$C" --all >"$T/list" || fail "approvals"
python3 "$(dirname "$0")/../tools/json_schema.py" --min-items 4 \
    "$(dirname "$0")/../../docs/json-schemas.json" "casesync approvals" \
    "$T/list" >"$T/schema.err" 2>&1 ||
    fail "approvals --json: $(cat "$T/schema.err")"
ok "approvals --json follows its schema"
laptop a --json case info --case "$C" >"$T/info" || fail "case info"
python3 "$(dirname "$0")/../tools/json_schema.py" \
    "$(dirname "$0")/../../docs/json-schemas.json" "casesync case info" \
    "$T/info" >"$T/schema.err" 2>&1 ||
    fail "case info --json: $(cat "$T/schema.err")"
ok "case info --json (with approved_on) follows its schema"

# ---- the audit log: both users, never a reason
ctl audit query --case "$C" --type approval_decision --format json \
    >"$T/audit.json" || fail "audit query"
expect_eq "femke's approval audited with anna as the requester" \
    "$(jq -s -r --arg i "$ID" '.[] | select(.object_id == $i and
    .outcome == "success") | .user + " " + (.detail |
    capture("requested_by=(?<r>[^ ]*)").r)' "$T/audit.json")" "femke anna"
jq -s -e '.[] | select(.outcome == "failure" and .user == "anna" and
    (.detail | test("OWN|own|itself|cannot decide")))' "$T/audit.json" \
    >/dev/null || fail "the refused own approval is not audited"
ok "a refused decision is audited"
ctl audit query --case "$C" --type approval_request --format json \
    >"$T/audit2.json" || fail "audit query"
expect_eq "every request audited" "$(jq -s '[.[] | select(.outcome ==
    "success")] | length' "$T/audit2.json")" 4
for f in "$T/audit.json" "$T/audit2.json"; do
	grep -q -e "gezin werkt mee" -e "evalueren" -e "doelen behaald" \
	    -e "Raad inschakelen" "$f" && fail "a reason in the audit log"
done
ok "the audit log holds no reason"
server_alive
