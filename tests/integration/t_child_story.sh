#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The child at the centre, start to end (issue 18): one family of three
# children, played with a real server and each worker on her own
# laptop.  Anna (jeugdbeschermer) registers the family in drang; Gerda
# (gedragswetenschapper) co-signs the safety assessment on her laptop;
# the plan is agreed twice; the drang is extended, approved by Femke
# (teamleider) on hers; a Raad melding leads to an OTS for two children
# and a machtiging uithuisplaatsing for one, each with its court
# decision and its own deadlines; the measures end, Femke approves the
# closing, nazorg is arranged, the case closes, takes no new note,
# leaves the laptops with a receipt, and is destroyed after its
# retention date with a signed destruction record.  The audit log
# holds no name of a child, and verifies at the end.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name gerda --role gedragswetenschapper --office Zwolle \
    >/dev/null
start_server "closed_purge_days = 0"
enroll a anna
enroll f femke
enroll g gerda

TODAY=$(date +%F)
day() {		# day N: today + N days (N may be negative)
	date -d "$TODAY $1 days" +%F
}
q() { sqlite3 "$SRV/server.db" "$1"; }
sync_on() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 ||
	    fail "sync on $1: $(cat "$T/sync.$1")"
}
state() {	# state: the case's state as anna's laptop has it
	laptop a --json case info --case "$C" >"$T/info" 2>"$T/err" ||
	    fail "case info: $(cat "$T/err")"
	jq -r .state "$T/info"
}
approve_on_f() {	# approve_on_f ID: femke, on her own laptop
	sync_on a
	sync_on f
	laptop f approvals >"$T/fl" 2>&1 || fail "approvals on f"
	grep -q "^$1 " "$T/fl" || fail "femke does not see $1: $(cat "$T/fl")"
	laptop f approve "$1" --reason "akkoord" >"$T/ap" 2>&1 ||
	    fail "femke approves $1: $(cat "$T/ap")"
	sync_on f
	sync_on a
}

# ---- intake: one family, three children, drang
C=$(laptop a case new --frame DRANG --title "Gezin de Vries" \
    --municipality GM0193 --jeugdregio IJsselland) || fail "case new"
C=$(echo "$C" | head -1)
SEM=$(laptop a person add --case "$C" --name "Sem de Vries" --role child \
    --birth-date 2012-02-29) || fail "Sem"
NOOR=$(laptop a person add --case "$C" --name "Noor de Vries" --role child \
    --birth-date 2015-06-10) || fail "Noor"
LOTTE=$(laptop a person add --case "$C" --name "Lotte de Vries" \
    --role child --birth-date 2019-01-31) || fail "Lotte"
laptop a person add --case "$C" --name "Marieke de Vries" --role parent \
    --has-gezag yes >/dev/null || fail "parent"
laptop a case state --case "$C" --to DRANG_INTENSIEF >/dev/null ||
    fail "drang"
expect_eq "drang begins" "$(state)" DRANG_INTENSIEF
sync_on a

# ---- the safety assessment, co-signed by gerda on her own laptop
laptop a case member --case "$C" --user gerda --read-only >/dev/null ||
    fail "gerda reads along"
A=$(laptop a assess add --case "$C" --instrument LIRIK \
    --outcome "zorgelijk, plan nodig" --date "$TODAY" \
    --next-due "$(day 90)") || fail "assess add"
sync_on a
laptop a --json assess cosign --id "$A" >"$T/req" 2>"$T/err" ||
    fail "assess cosign: $(cat "$T/err")"
IDC=$(jq -r .approval_id "$T/req")
sync_on g
laptop g approve "$IDC" --reason "eens met de inschatting" >"$T/out" \
    2>&1 || fail "gerda co-signs: $(cat "$T/out")"
sync_on g
sync_on a
laptop a assess list --case "$C" >"$T/al" || fail "assess list"
grep -q "co-signed.*gerda" "$T/al" || fail "no co-signature: $(cat "$T/al")"
ok "the assessment is co-signed by gerda, on her own laptop"

# ---- one plan, two agreed versions
laptop a plan edit --case "$C" --summary "Veiligheid thuis: vaste
afspraken met moeder" >/dev/null || fail "plan edit"
laptop a plan goal add --case "$C" --text "Sem gaat elke dag naar school" \
    --due "$(day 60)" >/dev/null || fail "goal"
laptop a plan agree --case "$C" --with parents,wijkteam >/dev/null ||
    fail "plan agree 1"
laptop a plan edit --case "$C" --summary "Veiligheid thuis: vaste
afspraken met moeder en het netwerk" >/dev/null || fail "plan edit 2"
laptop a plan agree --case "$C" --with parents,wijkteam,jeugdbeschermer \
    >/dev/null || fail "plan agree 2"
laptop a --json plan history --case "$C" >"$T/ph" || fail "plan history"
expect_eq "two agreed versions of the one plan" \
    "$(jq 'length' "$T/ph")" 2
laptop a plan diff --case "$C" >"$T/pd" || fail "plan diff"
grep -q "netwerk" "$T/pd" || fail "the diff lacks the change: $(cat "$T/pd")"
ok "plan history and diff"

# ---- the drang extended, approved by femke on her own laptop
for s in DRANG_TOETSING DRANG_VERVOLG; do
	laptop a case state --case "$C" --to "$s" >/dev/null 2>"$T/err" ||
	    fail "to $s: $(cat "$T/err")"
done
laptop a --json case extend --case "$C" --end "$(day 120)" \
    --reason "moeder werkt mee, meer tijd nodig" >"$T/req" 2>"$T/err" ||
    fail "case extend: $(cat "$T/err")"
approve_on_f "$(jq -r .approval_id "$T/req")"
state >/dev/null
expect_eq "extended, approved by femke" \
    "$(jq -r '"\(.extended) \(.approved_by)"' "$T/info")" "true femke"

# ---- a Raad melding, then an OTS for two children, a UHP for one
E=$(laptop a escalate --case "$C" --to raad \
    --reason "Onvoldoende veiligheid ondanks drang") || fail "escalate"
laptop a case state --case "$C" --to RAAD_MELDING >/dev/null ||
    fail "RAAD_MELDING"
sync_on a
for child in "Sem de Vries" "Noor de Vries"; do
	laptop a measure start --case "$C" --child "$child" --type OTS \
	    --court "Rechtbank Overijssel" --zaaknummer "C/08/77$(
	    echo "$child" | cut -c1)" --decision "$(day -3)" \
	    --end "$(day 300)" >"$T/out" 2>&1 ||
	    fail "OTS for $child: $(cat "$T/out")"
done
laptop a measure start --case "$C" --child Noor --type UHP \
    --court "Rechtbank Overijssel" --zaaknummer C/08/78N \
    --decision "$(day -3)" --end "$(day 200)" >"$T/out" 2>&1 ||
    fail "UHP for Noor: $(cat "$T/out")"
expect_eq "the family follows its children" "$(state)" MAATREGEL_OTS
laptop a measure start --case "$C" --child Lotte --type UHP \
    --court "Rechtbank Overijssel" --zaaknummer C/08/79L \
    --decision "$(day -3)" --end "$(day 200)" >"$T/out" 2>&1 &&
    fail "a UHP for a child without an OTS was accepted"
ok "a UHP needs an OTS of the same child: $(head -1 "$T/out")"
laptop a escalate outcome add --escalation "$E" --outcome measure \
    --outcome-date "$TODAY" >/dev/null 2>"$T/err" ||
    fail "escalation outcome: $(cat "$T/err")"
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "deadlines per child, with their names" \
    "$(jq -r '[.deadlines[] | select(.kind == "ots_end" or
    .kind == "uhp_end") | "\(.kind):\(.child)"] | sort | join(",")' \
    "$T/due")" \
    "ots_end:Noor de Vries,ots_end:Sem de Vries,uhp_end:Noor de Vries"
expect_eq "the extension request 8 weeks before the OTS end" \
    "$(jq -r '[.deadlines[] | select(.kind == "ots_extension_request")
    | .due] | unique | join(",")' "$T/due")" "$(day 244)"

# ---- no closing while a measure runs
laptop a --json case close --case "$C" --reason doel_bereikt \
    --summary "Klaar" >"$T/out" 2>&1 &&
    fail "closing asked while measures run"
grep -q "MEASURE_RUNNING" "$T/out" || fail "close: $(cat "$T/out")"
ok "closing is refused while a child's measure runs"

# ---- the measures end; femke approves the closing
laptop a --json measure list --case "$C" >"$T/ml" || fail "measure list"
for m in $(jq -r '.[] | select(.type == "UHP") | .short_id' "$T/ml") \
    $(jq -r '.[] | select(.type == "OTS") | .short_id' "$T/ml"); do
	laptop a measure end --id "$m" --date "$TODAY" >"$T/out" 2>&1 ||
	    fail "measure end $m: $(cat "$T/out")"
done
laptop a --json case close --case "$C" --reason doel_bereikt \
    --summary "Thuis is het veilig; nazorg door het wijkteam" >"$T/req" \
    2>"$T/err" || fail "case close: $(cat "$T/err")"
approve_on_f "$(jq -r .approval_id "$T/req")"
expect_eq "closing approved by femke" "$(state)" AFSLUITING
laptop a nazorg add --case "$C" --by wijkteam --name "Wijkteam Zwolle-Zuid" \
    --agreements "Maandelijks contact met moeder" --end "$(day 180)" \
    >/dev/null || fail "nazorg"
laptop a case state --case "$C" --to NAZORG >/dev/null 2>"$T/err" ||
    fail "NAZORG: $(cat "$T/err")"
laptop a closing add --case "$C" --reason doel_bereikt \
    --summary "Doelen bereikt, kinderen veilig thuis" >/dev/null ||
    fail "closing summary"
laptop a case state --case "$C" --to GESLOTEN >/dev/null 2>"$T/err" ||
    fail "GESLOTEN: $(cat "$T/err")"
ok "nazorg arranged, the case closed"

# ---- closed: no new content; it leaves the laptops with a receipt
i=0
while [ "$(q "SELECT closed_purged_at IS NOT NULL FROM cases
    WHERE id = '$C'")" != 1 ]; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "the closed case was never purged"
	sleep 0.2
done
laptop a --json sync >"$T/sync" 2>"$T/err" || fail "sync a: $(cat "$T/err")"
expect_eq "anna's laptop purged the closed case" \
    "$(jq -c '[.purged, .purges_held]' "$T/sync")" "[1,0]"
expect_eq "nothing of it left on anna's laptop" \
    "$(laptop a record list --case "$C" 2>/dev/null | wc -l)" 0
laptop a note add --case "$C" --text "nog iets" >/dev/null 2>&1 &&
    fail "a note written in a closed case"
ok "a closed case takes no new note and leaves the laptops"

# ---- retention: kept 20 years, then destroyed with a signed record
ctl retention list --all --json >"$T/ret" || fail "retention list --all"
expect_eq "kept until 20 years after closing" \
    "$(jq -r --arg c "$C" '.[] | select(.case_id == $c) |
    .retention_until' "$T/ret")" "$(date -d "$TODAY + 20 years" +%F)"
q "UPDATE cases SET retention_until = $(($(date -u +%s) / 86400 - 1))
    WHERE id = '$C'"
ctl retention destroy --case "$C" >"$T/out" 2>&1 ||
    fail "retention destroy: $(cat "$T/out")"
expect_eq "nothing of the case on the server" \
    "$(q "SELECT (SELECT count(*) FROM records WHERE case_id = '$C') +
    (SELECT count(*) FROM child_measures WHERE case_id = '$C') +
    (SELECT count(*) FROM approvals WHERE case_id = '$C')")" 0
ctl retention show --case "$C" >"$T/show" || fail "retention show"
grep -q "^signature good" "$T/show" ||
    fail "destruction record unverified: $(cat "$T/show")"
ok "destroyed after its retention date, with a signed destruction record"

# ---- the audit: both users of every approval; no child's name; intact
ctl audit query --format ndjson >"$T/audit.nd" || fail "audit query"
for t in approval_request approval_decision child_measure case_destroy; do
	grep -q "\"type\":\"$t\"" "$T/audit.nd" || fail "no $t entry"
done
! grep -q "Sem de Vries\|Noor de Vries\|Lotte de Vries" "$T/audit.nd" ||
    fail "a child's name in the audit log"
ctl audit verify >/dev/null 2>"$T/err" || fail "audit verify: $(cat "$T/err")"
ok "the audit log names no child and verifies"
