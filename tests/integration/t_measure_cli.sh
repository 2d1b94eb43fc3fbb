#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The worker's face of measures per child (issue 18), with a real
# casesyncd and real laptops: `measure start|extend|end|list` name the
# child by its name, first name or short id; a measure is checked on
# the laptop with the server's rules, then by the server, and only the
# server's yes writes the sealed measure record (court and zaaknummer
# never reach the server); a refusal is printed in words and writes
# nothing (digest unchanged); `measure add` points at `measure start`;
# voogdij needs the child's birth date; `case list --due` and
# `case info` show every child's deadlines with its name (a teamleider
# without the person records sees "child" and a short id), a lapsed
# VOTS as such, and the assessments and goals with the child they name.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user anna"
ctl user add --name femke --role teamleider --office Zwolle >/dev/null ||
    fail "user femke"
start_server
enroll a anna
enroll a2 anna
enroll f femke

TODAY=$(date -u +%F)
day() {		# day N: today + N days, UTC
	date -u -d "$TODAY + $1 days" +%F
}

C=$(laptop a case new --frame DRANG --title "Familie Bakker") ||
    fail "case new"
C=$(echo "$C" | head -1)
NOOR=$(laptop a person add --case "$C" --name "Noor Bakker" --role child \
    --birth-date 2012-06-30) || fail "person Noor"
SEM=$(laptop a person add --case "$C" --name "Sem Bakker" --role child \
    --birth-date 2015-03-09) || fail "person Sem"
LIEKE=$(laptop a person add --case "$C" --name "Lieke Bakker" \
    --role child) || fail "person Lieke"
laptop a person add --case "$C" --name "Ayla Bakker" --role parent \
    --has-gezag yes >/dev/null || fail "person parent"
laptop a case state --case "$C" --to DRANG_INTENSIEF >/dev/null \
    2>"$T/err" || fail "DRANG_INTENSIEF: $(cat "$T/err")"
laptop a case state --case "$C" --to RAAD_MELDING >/dev/null 2>"$T/err" ||
    fail "RAAD_MELDING: $(cat "$T/err")"
# the server knows a child by its person record: not synced, refused
expect_refused "a child the server does not know yet" 5 \
    "has not reached the server yet" a measure start --case "$C" \
    --child Noor --type OTS --court "Rechtbank Overijssel" \
    --zaaknummer "C/08/1" --decision "$(day -10)" --end "$(day 290)"
laptop a sync -q || fail "sync a"
laptop a2 sync -q || fail "sync a2"

# the old command that wrote a measure without the server
expect_refused "measure add points at measure start" 2 "use measure start" \
    a measure add --case "$C" --type OTS --child "$NOOR" --court x
before=$(laptop a digest)

# bad input: usage errors, nothing sent
expect_refused "a measure without its zaaknummer" 2 \
    "only with its court decision" a measure start --case "$C" \
    --child Noor --type OTS --court "Rechtbank Overijssel" \
    --decision "$(day -10)" --end "$(day 290)"
expect_refused "a type that does not exist" 2 \
    "not a measure type (VOTS|OTS|UHP|VOOGDIJ_ONTZETTING|" \
    a measure start --case "$C" --child Noor --type PIZZA --court x \
    --zaaknummer 1 --decision "$(day -10)" --end "$(day 290)"
expect_refused "a child that is not a child of the case" 2 \
    "no child \"Ayla\" in this case" a measure start --case "$C" \
    --child Ayla --type OTS --court x --zaaknummer 1 \
    --decision "$(day -10)" --end "$(day 290)"
grep -q "Noor Bakker" "$T/err" && grep -q "Sem Bakker" "$T/err" ||
    fail "the children are not listed: $(cat "$T/err")"
ok "a wrong --child lists the case's children"
expect_refused "a case id is no child" 2 "no child" \
    a measure start --case "$C" --child "$C" --type OTS --court x \
    --zaaknummer 1 --decision "$(day -10)" --end "$(day 290)"
expect_refused "voogdij needs the child's birth date" 2 "no birth date" \
    a measure start --case "$C" --child Lieke --type VOOGDIJ_ONTZETTING \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/1" \
    --decision "$(day -1)"

# the law's limits, checked on this laptop: nothing written
expect_refused "an OTS of more than 12 months refused on the laptop" 5 \
    "checked on this laptop" a measure start --case "$C" --child Noor \
    --type OTS --court "Rechtbank Overijssel" --zaaknummer "C/08/2" \
    --decision "$(day -10)" --end "$(day 400)"
expect_refused "a UHP without an OTS refused on the laptop" 5 \
    "checked on this laptop" a measure start --case "$C" --child Noor \
    --type UHP --court "Rechtbank Overijssel" --zaaknummer "C/08/3" \
    --decision "$(day -5)" --end "$(day 60)"
expect_eq "refusals wrote nothing" "$(laptop a digest)" "$before"

# an OTS for Noor by first name; a VOTS for Sem that lapsed
laptop a measure start --case "$C" --child noor --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/123456" \
    --decision "$(day -10)" --end "$(day 290)" >"$T/out" 2>"$T/err" ||
    fail "OTS for Noor: $(cat "$T/err")"
grep -q "measure started: OTS (ondertoezichtstelling) for Noor Bakker, \
$(day -10) to $(day 290)" "$T/out" || fail "start said: $(cat "$T/out")"
ok "measure start: the OTS for Noor, named by first name"
SEMS=$(echo "$SEM" | cut -c31-36)
laptop a --json measure start --case "$C" --child "$SEMS" --type VOTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/99" \
    --decision "$(day -120)" --end "$(day -40)" >"$T/vots" 2>"$T/err" ||
    fail "VOTS for Sem: $(cat "$T/err")"
VOTS=$(jq -r .short_id "$T/vots")
ok "measure start: a VOTS for Sem, named by short id"

# the server refuses what a laptop with an older copy let through: a
# second OTS for Noor; its sentence is printed, nothing written on a2
before2=$(laptop a2 digest)
expect_refused "the server refuses a second OTS for the same child" 5 \
    "OTS" a2 measure start --case "$C" --child "Noor Bakker" --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/5" \
    --decision "$(day -3)" --end "$(day 200)"
grep -q "checked on this laptop" "$T/err" &&
    fail "a2 refused it itself: $(cat "$T/err")"
expect_eq "a refused measure writes nothing" "$(laptop a2 digest)" \
    "$before2"

# a machtiging uithuisplaatsing within Noor's OTS
laptop a --json measure start --case "$C" --child Noor --type UHP \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/777" \
    --decision "$(day -5)" --end "$(day 60)" >"$T/uhp" 2>"$T/err" ||
    fail "UHP for Noor: $(cat "$T/err")"
UHP=$(jq -r .short_id "$T/uhp")

# measure list: which child, the type in words, the decision, status
laptop a measure list --case "$C" >"$T/list" || fail "measure list"
grep -q "Noor Bakker  OTS (ondertoezichtstelling)  running" "$T/list" ||
    fail "OTS in list: $(cat "$T/list")"
grep -q "Sem Bakker  VOTS (voorlopige ondertoezichtstelling)  lapsed" \
    "$T/list" || fail "VOTS in list: $(cat "$T/list")"
grep -q "Noor Bakker  machtiging uithuisplaatsing  running" "$T/list" ||
    fail "UHP in list: $(cat "$T/list")"
grep -q "decision   Rechtbank Overijssel, $(day -10), zaaknummer C/08/123456" \
    "$T/list" || fail "decision in list: $(cat "$T/list")"
grep -q "next deadline $(date -u -d "$(day 290) - 56 days" +%F) \
ots_extension_request" "$T/list" || fail "next deadline: $(cat "$T/list")"
ok "measure list: child, type in words, decision, status, deadline"
laptop a --json measure list --case "$C" >"$T/listj" || fail "list --json"
OTS=$(jq -r '.[] | select(.type == "OTS") | .short_id' "$T/listj")
expect_eq "the OTS's child in JSON" \
    "$(jq -r '.[] | select(.type == "OTS") | "\(.child) \(.child_id)"' \
    "$T/listj")" "Noor Bakker $NOOR"

# court and zaaknummer never reached the server: the stored records
# are sealed (grep the server's database for them)
[ -d "$SRV" ] || fail "no server directory"
if grep -rqa "C/08/123456" "$SRV"; then
	fail "the zaaknummer is readable on the server"
fi
ok "the zaaknummer is not readable on the server"

# extend the OTS by a new decision; end the UHP
laptop a measure extend --id "$OTS" --decision "$(day -1)" \
    --end "$(day 560)" --zaaknummer "C/08/123456-V1" >"$T/out" \
    2>"$T/err" || fail "extend: $(cat "$T/err")"
grep -q "measure extended: OTS (ondertoezichtstelling) for Noor Bakker" \
    "$T/out" || fail "extend said: $(cat "$T/out")"
expect_refused "an extension past 12 months refused" 5 "refused" \
    a measure extend --id "$OTS" --decision "$(day -1)" --end "$(day 1000)"
laptop a measure end --id "$UHP" --date "$(day -1)" >"$T/out" 2>"$T/err" ||
    fail "end: $(cat "$T/err")"
laptop a --json measure list --case "$C" >"$T/listj" || fail "list --json"
expect_eq "the OTS extended once, with its decision" \
    "$(jq -r '.[] | select(.type == "OTS") | "\(.extensions) \(.end)
\(.extension_history[0].zaaknummer) \(.extension_history[0].previous_end)"' \
    "$T/listj")" "1 $(day 560)
C/08/123456-V1 $(day 290)"
expect_eq "the UHP ended" \
    "$(jq -r '.[] | select(.type == "UHP") | "\(.status) \(.ended_on)"' \
    "$T/listj")" "ended $(day -1)"

# deadlines: an assessment and a goal that name a child, and one that
# does not
laptop a assess add --case "$C" --instrument LIRIK --outcome zorgelijk \
    --date "$(day -2)" --next-due "$(day 30)" >/dev/null ||
    fail "assess add"
laptop a record put --case "$C" --kind assessment instrument=ARIJ \
    outcome=laag "date=$(day -1)" "next_due=$(day 20)" "child=$SEM" \
    >/dev/null || fail "assessment of Sem"
laptop a record put --case "$C" --kind goal "text=Noor naar school" \
    status=open "due=$(day 45)" "child=$NOOR" >/dev/null ||
    fail "goal of Noor"
laptop a --json case list --due >"$T/due" || fail "case list --due"
dl() {	# dl KIND: "child days_left lapsed" of the case's KIND deadlines
	jq -r --arg k "$1" '[.deadlines[] | select(.kind == $k) |
	    "\(.child // "")|\(.days_left)|\(.lapsed)"] | join(",")' "$T/due"
}
expect_eq "the OTS extension request, with Noor's name" \
    "$(dl ots_extension_request)" "Noor Bakker|$((560 - 56))|false"
expect_eq "the OTS end, with Noor's name" "$(dl ots_end)" \
    "Noor Bakker|560|false"
expect_eq "the lapsed VOTS, with Sem's name" "$(dl vots_end)" \
    "Sem Bakker|-40|true"
expect_eq "the ended UHP has no deadline" "$(dl uhp_end)" ""
expect_eq "each child's latest assessment (and the family's)" \
    "$(dl assessment)" "Sem Bakker|20|false,|30|false"
expect_eq "the goal names Noor" "$(dl goal)" "Noor Bakker|45|false"
laptop a case list --due >"$T/duet" || fail "case list --due text"
grep "vots_end" "$T/duet" | grep -q "Sem Bakker: VOTS LAPSED" ||
    fail "the lapsed VOTS in words: $(cat "$T/duet")"
grep "ots_extension_request" "$T/duet" | grep -q "Noor Bakker" ||
    fail "the child's name in --due: $(cat "$T/duet")"
ok "case list --due names the children, a lapsed VOTS said so"

# case info: the family's state and each child's deadline
laptop a case info --case "$C" >"$T/info" 2>"$T/err" ||
    fail "case info: $(cat "$T/err")"
grep -q "ots_end .*Noor Bakker" "$T/info" ||
    fail "case info lacks Noor's OTS end: $(cat "$T/info")"
ok "case info names the children's deadlines"

# a teamleider without the person records: "child" and its short id
laptop f --json case list --due --server >"$T/due" 2>"$T/err" ||
    fail "case list --server on f: $(cat "$T/err")"
expect_eq "without the person record: no name, the child's id" \
    "$(jq -r '[.deadlines[] | select(.kind == "ots_end") |
    "\(.child // "")|\(.child_id)"] | join(",")' "$T/due")" "|$NOOR"
laptop f case list --due >"$T/duet" || fail "case list --due on f"
# an id the laptop holds nothing of: its whole last group
grep "ots_end" "$T/duet" | grep -q "child $(echo "$NOOR" | cut -c25-36)" ||
    fail "f's list: $(cat "$T/duet")"
ok "a teamleider's --due: child and short id where no name is known"

# a2 learns the measures and their records by sync, with the names
laptop a sync -q || fail "sync a"
laptop a2 sync -q || fail "sync a2"
# the records came with the sync; the server's list of measures is
# refreshed by case info (or a sync once the copy is 15 minutes old)
laptop a2 measure list --case "$C" >"$T/list2" || fail "a2 measure list"
grep -q "3 measure records the server does not list" "$T/list2" ||
    fail "a2 does not say what it lacks: $(cat "$T/list2")"
laptop a2 case info --case "$C" >/dev/null || fail "a2 case info"
laptop a2 measure list --case "$C" >"$T/list2" || fail "a2 measure list"
grep -q "decision   Rechtbank Overijssel, $(day -120), zaaknummer C/08/99" \
    "$T/list2" || fail "a2's list: $(cat "$T/list2")"
ok "another laptop of the regisseur lists the decisions after a sync"
: "$VOTS"
