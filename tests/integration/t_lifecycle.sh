#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The case lifecycle (DESIGN §2, issue 5) through the CLI: a worker
# moves a DRANG case through its states; an illegal transition is
# refused (on the laptop, and by the server for a laptop that cannot
# check) and changes nothing; a worker who is not the regisseur and a
# team lead of another office are refused, the team lead of the office
# is not; a drang end past 3 months is refused as a state change (a
# typed approver is no option: it is asked with `case extend` and
# approved by the team lead on her laptop, t_approvals.sh), past 6
# months always refused; AFSLUITING needs `case close` and its approval;
# `case list --due --json` shows the 6-week toetsing deadline, and
# `case list --server` gives a team lead the office's open cases.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl office add Lelystad >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
start_server
enroll a anna
enroll a2 anna
enroll b bert
enroll f femke
enroll l lars

TODAY=$(date -u +%F)
day() {		# day N: today + N days, UTC
	date -u -d "$TODAY + $1 days" +%F
}

# state LAPTOP: the case's state as the server has it (via case info)
server_state() {
	laptop "$1" --json case info --case "$C" >"$T/info" 2>"$T/err" ||
	    fail "case info on $1: $(cat "$T/err")"
	jq -r .state "$T/info"
}
local_state() {
	laptop "$1" --json case list >"$T/list" || fail "case list on $1"
	jq -r --arg c "$C" '.cases[] | select(.case_id == $c) | .state' \
	    "$T/list"
}
move() {	# move LAPTOP STATE [ARGS...]
	l=$1 s=$2
	shift 2
	laptop "$l" --json case state --case "$C" --to "$s" "$@" \
	    >"$T/move" 2>"$T/err" || fail "$l -> $s: $(cat "$T/err")"
	expect_eq "$l moved the case to $s" "$(jq -r .state "$T/move")" "$s"
}

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
expect_eq "a new case starts in AANMELDING" "$(local_state a)" AANMELDING

# bad input: nothing is sent
expect_refused "unknown state is a usage error" 2 "not a state" \
    a case state --case "$C" --to DRANG
expect_refused "impossible date is a usage error" 2 "no such day" \
    a case state --case "$C" --to DRANG_INTENSIEF --date 2027-02-29
expect_refused "date in the wrong format" 2 "YYYY-MM-DD" \
    a case state --case "$C" --to DRANG_INTENSIEF --date 30-11-2026

move a DRANG_INTENSIEF
expect_eq "drang start recorded" "$(jq -r .drang_start "$T/move")" "$TODAY"

# the 6-week toetsing as a deadline, offline, parsed from JSON
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "toetsing due start + 6 weeks" \
    "$(jq -r --arg c "$C" '.deadlines[] | select(.case_id == $c and
    .kind == "toetsing") | .due' "$T/due")" "$(day 42)"
expect_eq "toetsing days left" \
    "$(jq -r '.deadlines[] | select(.kind == "toetsing") | .days_left' \
    "$T/due")" 42
laptop a --json case list --due --within 14d >"$T/due14" ||
    fail "case list --due --within 14d"
expect_eq "no toetsing within 14 days" \
    "$(jq '[.deadlines[] | select(.kind == "toetsing")] | length' \
    "$T/due14")" 0
laptop a --json case list --due --within 42d >"$T/due42" || fail "--within 42d"
expect_eq "toetsing within 42 days" \
    "$(jq '[.deadlines[] | select(.kind == "toetsing")] | length' \
    "$T/due42")" 1
SC=$(laptop a --json case list | jq -r --arg c "$C" \
    '.cases[] | select(.case_id == $c) | .short_id')
laptop a case list --due | grep -q "toetsing.*$SC" ||
    fail "human-readable list lacks the toetsing"
ok "case list --due readable output"

# illegal transitions: refused on the laptop, and by the server for a
# laptop without local lifecycle data; nothing changes
expect_refused "skipping the toetsing refused on the laptop" 5 \
    "checked on this laptop" a case state --case "$C" --to DRANG_VERVOLG
expect_refused "a measure without the Raad refused on the laptop" 5 \
    "a measure belongs to a child" a case state --case "$C" \
    --to MAATREGEL_OTS
expect_refused "the server refuses an illegal transition" 5 \
    "INVALID_STATE" a2 case state --case "$C" --to GESLOTEN
expect_eq "state unchanged on the server" "$(server_state a)" \
    DRANG_INTENSIEF
expect_eq "state unchanged on the laptop" "$(local_state a)" \
    DRANG_INTENSIEF

# roles: bert is a member but not the regisseur; lars leads another office
expect_eq "a member may read the lifecycle" "$(server_state b)" \
    DRANG_INTENSIEF
expect_refused "a non-regisseur worker is refused" 5 "FORBIDDEN" \
    b case state --case "$C" --to DRANG_TOETSING
expect_refused "a team lead of another office is refused" 5 "FORBIDDEN" \
    l case state --case "$C" --to DRANG_TOETSING
expect_eq "state unchanged after refusals" "$(server_state a)" \
    DRANG_INTENSIEF

# offline: the laptop still refuses an illegal change by itself
stop_server
expect_refused "illegal transition refused offline" 5 \
    "checked on this laptop" a case state --case "$C" --to NAZORG
expect_refused "a legal change needs the server" 6 "cannot connect" \
    a case state --case "$C" --to DRANG_TOETSING
start_server
expect_eq "nothing changed while offline" "$(server_state a)" \
    DRANG_INTENSIEF

move a DRANG_TOETSING
move a DRANG_VERVOLG
expect_eq "drang not extended" "$(jq -r .extended "$T/move")" false

# extension past 3 months: asked, and approved by the team lead
EXT=$(day 120)
expect_refused "extension without approval refused on the laptop" 5 \
    "casesync case extend" a case state --case "$C" --to DRANG_VERVOLG \
    --end "$EXT" --reason "gezin werkt mee, meer tijd nodig"
expect_refused "extension without approval refused by the server" 5 \
    "APPROVAL_REQUIRED" a2 case state --case "$C" --to DRANG_VERVOLG \
    --end "$EXT" --reason "gezin werkt mee"
expect_refused "a typed approver is no option" 2 "approved-by" \
    a case state --case "$C" --to DRANG_VERVOLG --end "$EXT" \
    --reason "gezin werkt mee" --approved-by femke
expect_refused "a team lead's own state change approves nothing" 5 \
    "APPROVAL_REQUIRED" f case state --case "$C" --to DRANG_VERVOLG \
    --end "$EXT" --reason "gezin werkt mee"
expect_refused "drang past 6 months refused on the laptop" 5 \
    "at the latest 6 months" a case state --case "$C" \
    --to DRANG_VERVOLG --end "$(day 200)" --reason "x"
expect_refused "drang past 6 months refused by the server" 5 \
    "TIME_LIMIT" a2 case state --case "$C" --to DRANG_VERVOLG \
    --end "$(day 200)" --reason "x"
laptop a --json case info --case "$C" >"$T/info" || fail "case info"
expect_eq "refused extensions changed nothing" \
    "$(jq -r .extended "$T/info")" false
laptop a --json case extend --case "$C" --end "$EXT" \
    --reason "gezin werkt mee" >"$T/req" 2>"$T/err" ||
    fail "case extend: $(cat "$T/err")"
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop f sync >/dev/null 2>&1 || fail "sync f"
laptop f approve "$(jq -r .approval_id "$T/req")" >/dev/null 2>"$T/err" ||
    fail "approve: $(cat "$T/err")"
laptop a --json case info --case "$C" >"$T/move" || fail "case info"
expect_eq "extension recorded" "$(jq -r .extended "$T/move")" true
expect_eq "extension end" "$(jq -r .end_date "$T/move")" "$EXT"
expect_eq "approver recorded" "$(jq -r .approved_by "$T/move")" femke
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "drang end deadline follows the extension" \
    "$(jq -r '.deadlines[] | select(.kind == "drang_end") | .due' \
    "$T/due")" "$EXT"

# the team lead of the office may change the state
move f RAAD_MELDING
expect_eq "a2 learns the state from the server" "$(server_state a2)" \
    RAAD_MELDING
# a measure belongs to a child (t_measures.sh): not a state change
expect_refused "a measure is no plain state change" 5 \
    "a measure belongs to a child" a case state --case "$C" \
    --to MAATREGEL_OTS
expect_eq "state unchanged by the refused measure" "$(server_state a)" \
    RAAD_MELDING
expect_refused "AFSLUITING is no state change" 2 "casesync case close" \
    a case state --case "$C" --to AFSLUITING
laptop a --json case close --case "$C" --reason measure \
    --summary "overgedragen" >"$T/req" 2>"$T/err" ||
    fail "case close: $(cat "$T/err")"
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop f sync >/dev/null 2>&1 || fail "sync f"
laptop f approve "$(jq -r .approval_id "$T/req")" >/dev/null 2>"$T/err" ||
    fail "approve closing: $(cat "$T/err")"
expect_eq "closing approved" "$(server_state a)" AFSLUITING
expect_refused "closed cases skip no step" 5 "not in the case lifecycle" \
    a case state --case "$C" --to GESLOTEN
# NAZORG and GESLOTEN need their records (issue 18; t_closing.sh)
laptop a nazorg add --case "$C" --by wijkteam --name "Wijkteam" \
    --agreements "Contact" --end "$(day 90)" >/dev/null || fail "nazorg"
move a NAZORG
laptop a closing add --case "$C" --reason doel_bereikt --summary "Klaar" \
    >/dev/null || fail "closing"
move a GESLOTEN
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "a closed case has no deadlines" \
    "$(jq '.deadlines | length' "$T/due")" 0

# every change asked for is in the audit log, refusals too; no reason
ctl audit query --case "$C" --type case_state --format json \
    >"$T/audit.json" || fail "audit query"
# 8 changes, of which the extension and AFSLUITING came by approvals
expect_eq "state changes audited" "$(jq -s '[.[] | select(.outcome ==
    "success")] | length' "$T/audit.json")" 6
[ "$(jq -s '[.[] | select(.outcome == "failure")] | length' \
    "$T/audit.json")" -ge 6 ] || fail "refusals not audited"
ok "refused state changes audited"
grep -q "gezin werkt mee" "$T/audit.json" && fail "reason in the audit log"
ctl audit query --case "$C" --type approval_decision --format json \
    >"$T/adec.json" || fail "audit query"
jq -s -e '.[] | select(.user == "femke" and .outcome == "success" and
    (.detail | test("requested_by=anna")))' "$T/adec.json" >/dev/null ||
    fail "approver not in the audit log"
grep -q "gezin werkt mee" "$T/adec.json" && fail "reason in the audit log"
ok "audit names the approver and the requester, not the reason"

# the managers' view: a team lead fetches every open case of the office
C2=$(laptop a case create --frame DRANG) || fail "second case"
laptop a case state --case "$C2" --to DRANG_INTENSIEF >/dev/null ||
    fail "second case to DRANG_INTENSIEF"
laptop f --json case list --due --server >"$T/due" ||
    fail "case list --server on the team lead's laptop"
expect_eq "team lead sees the toetsing of a case she is no member of" \
    "$(jq -r --arg c "$C2" '.deadlines[] | select(.case_id == $c and
    .kind == "toetsing") | .due' "$T/due")" "$(day 42)"
laptop l --json case list --server >"$T/list" || fail "case list on l"
expect_eq "another office's team lead sees none of them" \
    "$(jq '.cases | length' "$T/list")" 0
laptop b --json case list --server >"$T/list" || fail "case list on b"
expect_eq "a member sees his case, not the other" \
    "$(jq -r '[.cases[].case_id] | join(" ")' "$T/list")" "$C"
server_alive
