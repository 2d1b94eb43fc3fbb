#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Measures per child on the server (issue 18, docs/PROTOCOL.md "Measures
# per child"), with a real casesyncd and real laptops: a family of three
# children, registered as person records, taken from drang through a
# Raad melding to an OTS for two children and a machtiging
# uithuisplaatsing for one; the third's VOTS, backdated before the case
# was registered, has lapsed and blocks a UHP within it; a voogdij past
# the 18th birthday is refused; the family's state follows its children
# (MAATREGEL_OTS, MAATREGEL_VOOGDIJ), a plain state change to a measure
# is refused, and closing is refused by the server while a measure runs
# and accepted when the last one ended.  The server decides where a
# laptop's copy is older (a2), a worker who is not the regisseur is
# refused, a team lead of the office may; every request is audited
# with ids and dates, "backdated" where it is, never a name.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user anna"
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user bert"
ctl user add --name femke --role teamleider --office Zwolle >/dev/null ||
    fail "user femke"
start_server
enroll a anna
enroll a2 anna
enroll b bert
enroll f femke

TODAY=$(date -u +%F)
day() {		# day N: today + N days, UTC
	date -u -d "$TODAY + $1 days" +%F
}
# Lieke turns 18 in 40 days
LIEKE_BORN=$(date -u -d "$(day 40) - 18 years" +%F)

# info LAPTOP: the server's CaseInfo (case info refreshes the copy)
info() {
	laptop "$1" --json case info --case "$C" >"$T/info" 2>"$T/err" ||
	    fail "case info on $1: $(cat "$T/err")"
}
# mlist: the measures as the server says now (case info refreshes a's
# copy), one "child type status" a line
mlist() {
	info a
	laptop a --json measure list --case "$C" >"$T/ml" 2>"$T/err" ||
	    fail "measure list: $(cat "$T/err")"
	jq -r '.[] | "\(.child) \(.type) \(.status)"' "$T/ml" | sort
}
start() {	# start LAPTOP CHILD TYPE ZAAK DECISION [OPTIONS...]
	l=$1 k=$2 t=$3 z=$4 d=$5
	shift 5
	laptop "$l" --json measure start --case "$C" --child "$k" --type "$t" \
	    --court "Rechtbank Overijssel" --zaaknummer "$z" --decision "$d" \
	    "$@" >"$T/start" 2>"$T/err" ||
	    fail "$t for $k on $l: $(cat "$T/err")"
	jq -r .short_id "$T/start"
}

C=$(laptop a case new --frame DRANG --title "Gezin Visser") ||
    fail "case new"
C=$(echo "$C" | head -1)
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
laptop a case member --case "$C" --user femke >/dev/null ||
    fail "member femke"
NOOR=$(laptop a person add --case "$C" --name "Noor Visser" --role child \
    --birth-date 2013-02-28) || fail "person Noor"
SEM=$(laptop a person add --case "$C" --name "Sem Visser" --role child \
    --birth-date 2016-02-29) || fail "person Sem"
LIEKE=$(laptop a person add --case "$C" --name "Lieke Visser" --role child \
    --birth-date "$LIEKE_BORN") || fail "person Lieke"
laptop a person add --case "$C" --name "Karin Visser" --role parent \
    --has-gezag yes >/dev/null || fail "person parent"
laptop a case state --case "$C" --to DRANG_INTENSIEF >/dev/null 2>"$T/err" ||
    fail "DRANG_INTENSIEF: $(cat "$T/err")"
laptop a case state --case "$C" --to RAAD_MELDING >/dev/null 2>"$T/err" ||
    fail "RAAD_MELDING: $(cat "$T/err")"
laptop a sync -q || fail "sync a"
for l in a2 b f; do
	laptop "$l" sync -q || fail "sync $l"
done
info a2		# a2's copy: RAAD_MELDING, no measure

# a plain state change to a measure: refused, the family stays put
expect_refused "a measure is no plain state change" 5 \
    "a measure belongs to a child" a case state --case "$C" \
    --to MAATREGEL_OTS
# bert is a member, not the regisseur: the server refuses him
expect_refused "a worker who is not the regisseur is refused" 5 \
    "FORBIDDEN" b measure start --case "$C" --child Noor --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/1" \
    --decision "$(day -10)" --end "$(day 300)"
info a
expect_eq "refusals left the family in RAAD_MELDING" \
    "$(jq -r .state "$T/info")" RAAD_MELDING

# Sem's VOTS, decided 100 days ago (before the case was registered) for
# 80 days: accepted, backdated, and lapsed today, so the family stays
# where it was
VOTS=$(start a Sem VOTS "C/08/10" "$(day -100)" --end "$(day -20)") ||
    exit 1
info a
expect_eq "a lapsed VOTS moves no family" "$(jq -r .state "$T/info")" \
    RAAD_MELDING
expect_eq "the VOTS is lapsed" "$(mlist)" "Sem Visser VOTS lapsed"
expect_refused "a UHP within the lapsed VOTS refused" 5 "lapsed" \
    a measure start --case "$C" --child Sem --type UHP \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/11" \
    --decision "$(day -30)" --end "$(day -21)"

# an OTS for Noor (the regisseur) and one for Sem (the team lead of the
# office): the family follows, MAATREGEL_OTS, frame OTS
start a Noor OTS "C/08/20" "$(day -10)" --end "$(day 355)" >/dev/null ||
    exit 1
info a
expect_eq "an OTS moves the family to MAATREGEL_OTS" \
    "$(jq -r '.state + " " + .frame' "$T/info")" "MAATREGEL_OTS OTS"
expect_eq "since the OTS began" "$(jq -r .state_since "$T/info")" \
    "$(day -10)"
laptop f sync -q || fail "sync f"
start f Sem OTS "C/08/21" "$(day -2)" --end "$(day 300)" >/dev/null ||
    exit 1
# its sealed record reaches a by sync
laptop f sync -q || fail "sync f"
laptop a sync -q || fail "sync a"
expect_eq "two OTSs, Sem's VOTS still lapsed (no OTS followed it)" \
    "$(mlist)" "Noor Visser OTS running
Sem Visser OTS running
Sem Visser VOTS lapsed"

# a2's copy is older: it lets a second OTS for Noor through, the server
# does not
expect_refused "the server refuses a second OTS for Noor" 5 \
    "INVALID_STATE" a2 measure start --case "$C" --child Noor --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/22" \
    --decision "$(day -1)" --end "$(day 200)"
grep -q "checked on this laptop" "$T/err" && fail "a2 refused it itself"

# the machtiging uithuisplaatsing for Noor: not a day past her OTS
expect_refused "a UHP one day past the OTS refused" 5 "lies within" \
    a measure start --case "$C" --child Noor --type UHP \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/23" \
    --decision "$(day -3)" --end "$(day 356)"
UHP=$(start a Noor UHP "C/08/23" "$(day -3)" --end "$(day 355)") || exit 1
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "Noor's UHP ends with her OTS" \
    "$(jq -r --arg k "$NOOR" '.deadlines[] | select(.kind == "uhp_end"
    and .child_id == $k) | .due' "$T/due")" "$(day 355)"
expect_eq "Noor's OTS extension request 8 weeks before its end" \
    "$(jq -r --arg k "$NOOR" '.deadlines[] | select(.kind ==
    "ots_extension_request" and .child_id == $k) | .days_left' \
    "$T/due")" $((355 - 56))

# Lieke's voogdij: not a day past her 18th birthday; on it, accepted,
# and the family follows the voogdij
expect_refused "a voogdij past the 18th birthday refused" 5 \
    "18th birthday" a measure start --case "$C" --child Lieke \
    --type VOOGDIJ_ONTZETTING --court "Rechtbank Overijssel" \
    --zaaknummer "C/08/30" --decision "$(day -1)" --end "$(day 41)"
VG=$(start a Lieke VOOGDIJ_ONTZETTING "C/08/30" "$(day -1)") || exit 1
info a
expect_eq "a voogdij moves the family to MAATREGEL_VOOGDIJ" \
    "$(jq -r '.state + " " + .frame' "$T/info")" \
    "MAATREGEL_VOOGDIJ VOOGDIJ"
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "the voogdij ends on the 18th birthday" \
    "$(jq -r --arg k "$LIEKE" '.deadlines[] | select(.kind ==
    "voogdij_end" and .child_id == $k) | .due' "$T/due")" "$(day 40)"

# closing while measures run: a2's copy lets it through, the server
# refuses it
expect_refused "no closing while a measure runs" 5 "MEASURE_RUNNING" \
    a2 case state --case "$C" --to AFSLUITING
info a
expect_eq "the family is not closing" "$(jq -r .state "$T/info")" \
    MAATREGEL_VOOGDIJ

# the OTS does not end under its UHP; end them all, Sem's VOTS too (on
# its own end date: it lapsed before today)
mlist >/dev/null
OTSN=$(jq -r '.[] | select(.type == "OTS" and .child == "Noor Visser") |
    .short_id' "$T/ml")
OTSS=$(jq -r '.[] | select(.type == "OTS" and .child == "Sem Visser") |
    .short_id' "$T/ml")
VOTS_END=$(jq -r '.[] | select(.type == "VOTS") | .end' "$T/ml")
expect_refused "Noor's OTS does not end under her UHP" 5 \
    "uithuisplaatsing" a measure end --id "$OTSN" --date "$TODAY"
for x in "$UHP $TODAY" "$VG $TODAY" "$OTSN $TODAY" "$OTSS $TODAY" \
    "$VOTS $VOTS_END"; do
	set -- $x
	laptop a measure end --id "$1" --date "$2" >/dev/null 2>"$T/err" ||
	    fail "measure end $1 on $2: $(cat "$T/err")"
done
info a
expect_eq "every measure ended: the family stays until closed" \
    "$(jq -r .state "$T/info")" MAATREGEL_OTS
laptop a measure list --case "$C" >/dev/null || fail "measure list"
expect_eq "no measure runs" "$(mlist | grep -c -v ' ended$')" 0
info a2
laptop a2 case state --case "$C" --to AFSLUITING >/dev/null 2>"$T/err" ||
    fail "closing after the last measure: $(cat "$T/err")"
ok "the case closes once no measure runs"
expect_refused "a closing case takes no new measure" 5 "no new measure" \
    a2 measure start --case "$C" --child Sem --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/40" \
    --decision "$TODAY" --end "$(day 300)"

# the audit log: every request, refusals too, ids and dates, no names
ctl audit query --case "$C" --type child_measure --format json \
    >"$T/audit.json" || fail "audit query"
expect_eq "accepted measure changes audited" "$(jq -s '[.[] |
    select(.outcome == "success")] | length' "$T/audit.json")" 10
expect_eq "refused ones by the server audited" "$(jq -s '[.[] |
    select(.outcome == "failure")] | length' "$T/audit.json")" 2
expect_eq "the backdated VOTS said so" "$(jq -s -r --arg k "$SEM" '[.[] |
    select(.object_id == $k and (.detail |
    test("^start VOTS .* backdated$")))] | length' "$T/audit.json")" 1
expect_eq "the children by their ids" "$(jq -s -r '[.[].object_id] |
    unique | length' "$T/audit.json")" 3
for w in Noor Sem Lieke Visser "C/08/" Overijssel; do
	grep -q "$w" "$T/audit.json" && fail "'$w' in the audit log"
done
ok "the audit log names no child and no decision"
server_alive
