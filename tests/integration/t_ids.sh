#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Short ids and the caseload through the CLI (issue 17, "The CLI keeps
# up"), against a real casesyncd:
#   - cases made within the same minute share the 8-digit prefix of
#     their version 7 UUIDs; `case list` shows each a different short id
#     (a tail of its id), never that prefix;
#   - --case takes the short id, the full id, or the title (folded:
#     "öztürk" and "OZTURK" find "Familie Öztürk"); a title that fits
#     two cases is exit 2 with both candidates (short id and title); an
#     unknown one is exit 2 with a clear message; a prefix is not an id;
#   - --id (and --child) take a record's short id; two records sharing
#     6 digits of tail get longer short ids, and the shared tail is
#     exit 2 listing both with their names;
#   - `case list` shows title and regisseur (from the server: CaseInfo
#     field regisseur), `case info` the regisseur; `case list --due` has
#     every deadline, soonest first: an overdue goal (marked), the
#     assessment's next_due, the 6-week toetsing;
#   - reading titles is in the read log ("list"; a title lookup "search").
. "$(dirname "$0")/lib.sh"

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
enroll b bert
enroll f femke

day() {	# day N: today + N days, UTC (the laptop's deadlines are UTC)
	date -u -d "@$(( $(date -u +%s) + $1 * 86400 ))" +%Y-%m-%d
}

# three cases at once: two neighbours share the prefix (it changes every
# 65.5 s, so at most one boundary falls between three quick ones)
mk() {
	laptop a case new --frame DRANG --title "$1" | head -1
}
C1=$(mk "Familie Öztürk") || fail "case new 1"
C2=$(mk "Familie Jansen") || fail "case new 2"
C3=$(mk "Gezin de Vries") || fail "case new 3"
p() { echo "$1" | cut -c1-8; }
if [ "$(p "$C1")" = "$(p "$C2")" ]; then X=$C1 Y=$C2
elif [ "$(p "$C2")" = "$(p "$C3")" ]; then X=$C2 Y=$C3
else fail "no two of three quick cases share a prefix: $C1 $C2 $C3"
fi
ok "two cases made within a minute share the prefix $(p "$X")"

laptop a --json case list >"$T/list" || fail "case list --json"
sid() {	# sid CASE: its short id in the list
	jq -r --arg c "$1" '.cases[] | select(.case_id == $c) | .short_id' \
	    "$T/list"
}
SX=$(sid "$X") SY=$(sid "$Y") S1=$(sid "$C1") S2=$(sid "$C2") S3=$(sid "$C3")
[ "$SX" != "$SY" ] || fail "the same short id twice: $SX"
for c in "$C1" "$C2" "$C3"; do
	s=$(sid "$c")
	[ "${#s}" -ge 6 ] || fail "short id $s too short"
	case "$c" in *"$s") ;; *) fail "$s is not a tail of $c" ;; esac
done
laptop a case list >"$T/text" || fail "case list"
grep -q "^$SX .*Familie\|^$SX .*Gezin" "$T/text" ||
    fail "short id $SX not listed: $(cat "$T/text")"
grep -q "$(p "$X")" "$T/text" && fail "the prefix is listed: $(cat "$T/text")"
ok "case list: short ids ($SX, $SY), tails of the ids, not the prefix"

expect_eq "case list shows the title and the regisseur" \
    "$(grep "^$S1 " "$T/text" | grep -c "Familie Öztürk *anna")" 1

# --case: short id, full id, title
laptop a --json case state --case "$S1" --to DRANG_INTENSIEF >"$T/st" \
    2>"$T/err" || fail "case state by short id: $(cat "$T/err")"
expect_eq "case state by short id" "$(jq -r .case_id "$T/st")" "$C1"
expect_eq "the server names the regisseur" "$(jq -r .regisseur "$T/st")" anna
laptop a case info --case "$C1" >"$T/info" || fail "case info by full id"
grep -q "regisseur *anna" "$T/info" || fail "case info: $(cat "$T/info")"
ok "case info shows the regisseur"
N=$(laptop a note add --case "öztürk" --text "Huisbezoek") ||
    fail "note add --case öztürk"
N2=$(laptop a note add --case "OZTURK" --text "Gebeld") ||
    fail "note add --case OZTURK"
laptop a --json note list --case "$C1" >"$T/notes" || fail "note list"
expect_eq "both notes in Familie Öztürk (a title, folded)" \
    "$(jq -r '[.[].record_id] | sort | join(" ")' "$T/notes")" \
    "$(printf '%s\n%s\n' "$N" "$N2" | sort | tr '\n' ' ' | sed 's/ $//')"
expect_refused "a title that fits two cases: the candidates" 2 \
    "matches 2 cases" a note add --case familie --text x
grep -q "$S1 *Familie Öztürk" "$T/err" && grep -q "$S2 *Familie Jansen" \
    "$T/err" || fail "candidates not listed: $(cat "$T/err")"
ok "the candidates are listed with short id and title"
expect_refused "an unknown case" 2 "no case on this laptop" \
    a note add --case "Familie Pietersen" --text x
expect_refused "the old 8-digit prefix is not an id" 2 \
    "no case on this laptop" a note list --case "$(p "$X")"
expect_refused "an unknown case for case state" 2 "no case on this laptop" \
    a case state --case zzzzzz --to DRANG_INTENSIEF

# records: short ids, --id, --child; a shared tail
P=$(laptop a person add --case "$S1" --name "Elif Öztürk" --role child) ||
    fail "person add"
laptop a person list --case "$S1" >"$T/persons" || fail "person list"
PS=$(echo "$P" | cut -c31-36)
grep -q "^person *$PS " "$T/persons" || fail "person short id: $(cat "$T/persons")"
laptop a person edit --id "$PS" --address "Dorpsstraat 1" >/dev/null ||
    fail "person edit --id short"
laptop a person add --case "$S1" --name "Ayşe Öztürk" --role parent \
    --has-gezag yes --child "$PS" >/dev/null ||
    fail "person add --child short"
laptop a --json person list --case "$S1" >"$T/m" || fail "person list"
expect_eq "--child by short id is the full id" \
    "$(jq -r '.[] | select(.fields.role == "parent") | .fields.child' \
    "$T/m")" "$P"
T1="0193a1b2-c3d6-7000-8000-aaaaaa111111"
T2="0193a1b2-c3d6-7001-8000-bbbbbb111111"
laptop a record put --case "$C1" --kind person --id "$T1" name=Mert \
    role=child >/dev/null || fail "record put 1"
laptop a record put --case "$C1" --kind person --id "$T2" name=Aylin \
    role=child >/dev/null || fail "record put 2"
laptop a person list --case "$S1" >"$T/persons" || fail "person list 2"
grep -q "^person *a111111 " "$T/persons" && grep -q "^person *b111111 " \
    "$T/persons" || fail "longer short ids: $(cat "$T/persons")"
ok "two records sharing 6 digits: a111111 and b111111"
expect_refused "a shared tail: the candidates" 2 "matches 2 records" \
    a person edit --id 111111 --address x
grep -q "a111111 *person *Mert" "$T/err" && grep -q "b111111 *person *Aylin" \
    "$T/err" || fail "record candidates: $(cat "$T/err")"
ok "the record candidates are listed with short id and name"
laptop a person edit --id b111111 --address "Kerkstraat 2" >/dev/null ||
    fail "person edit b111111"
expect_eq "the one meant was changed" \
    "$(laptop a --json person list --case "$C1" | jq -r --arg i "$T2" \
    '.[] | select(.record_id == $i) | .fields.address')" "Kerkstraat 2"

laptop a search OZTURK >"$T/s" || fail "search OZTURK"
grep -q "^$S1 *person *$PS name: Elif Öztürk" "$T/s" ||
    fail "search without accents: $(cat "$T/s")"
ok "search OZTURK finds Elif Öztürk, with short ids"

# deadlines: an overdue goal, an assessment, the toetsing
laptop a plan goal add --case "$S1" --text "Naar school" --due "$(day -3)" \
    --status open >/dev/null || fail "goal add"
laptop a plan goal add --case "$S1" --text "Klaar" --due "$(day -9)" \
    --status achieved >/dev/null || fail "goal add achieved"
laptop a assess add --case "$S1" --instrument LIRIK --outcome laag \
    --date "$(day 0)" --next-due "$(day 5)" >/dev/null || fail "assess add"
laptop a --json case list --due >"$T/due" || fail "case list --due"
expect_eq "every deadline of the case, soonest first" \
    "$(jq -r --arg c "$C1" '[.deadlines[] | select(.case_id == $c) |
    .kind] | join(" ")' "$T/due")" "goal assessment toetsing drang_end"
expect_eq "the whole list soonest first" \
    "$(jq -r '[.deadlines[].due] | . == sort' "$T/due")" true
expect_eq "the goal is overdue" \
    "$(jq -r '.deadlines[0] | "\(.kind) \(.days_left) \(.overdue)"' \
    "$T/due")" "goal -3 true"
laptop a case list --due >"$T/duet" || fail "case list --due text"
head -2 "$T/duet" | tail -1 | grep -q "OVERDUE *goal *$S1 *Familie Öztürk" ||
    fail "overdue not marked: $(cat "$T/duet")"
grep "assessment *$S1" "$T/duet" | grep -q "anna" ||
    fail "regisseur not in --due: $(cat "$T/duet")"
ok "case list --due: overdue marked, title and regisseur shown"
laptop a case list >"$T/text" || fail "case list"
grep "^$S1 " "$T/text" | grep -q "goal (3 days OVERDUE)" ||
    fail "next deadline: $(cat "$T/text")"
ok "case list: the next deadline, overdue"

# the read log: the list is a read of titles; a title lookup a search
laptop a reads >"$T/reads" || fail "reads"
grep -q "chain intact" "$T/reads" || fail "read log: $(cat "$T/reads")"
grep -q " list " "$T/reads" || fail "case list not logged"
grep -q " search " "$T/reads" || fail "title lookup not logged"
grep -qi "ztürk\|familie" "$T/reads" && fail "titles in the read log"
ok "listing titles and looking up a title are in the read log"

# another laptop: the same case, its own short ids
laptop a case member --case "$S1" --user bert >/dev/null || fail "member"
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop b sync >/dev/null 2>&1 || fail "sync b"
laptop b case info --case "$C1" >/dev/null || fail "case info on b"
laptop b case list >"$T/btext" || fail "case list on b"
grep -q "Familie Öztürk *anna" "$T/btext" ||
    fail "bert's list: $(cat "$T/btext")"
ok "bert's laptop lists the case with its title and regisseur"

# the team lead: every open case of the office with its regisseur, no
# titles (she holds no case file); her deadlines
laptop f --json case list --server >"$T/fl" || fail "case list --server on f"
expect_eq "the team lead sees the three cases, each with its regisseur" \
    "$(jq -r '[.cases[] | .regisseur + "/" + .title] | join(" ")' "$T/fl")" \
    "anna/ anna/ anna/"
expect_eq "and their toetsing deadlines" \
    "$(jq -r --arg c "$C1" '.cases[] | select(.case_id == $c) |
    .deadlines[0].kind' "$T/fl")" toetsing
laptop f case list >"$T/ftext" || fail "case list on f"
grep -q "^$(jq -r --arg c "$C1" '.cases[] | select(.case_id == $c) |
    .short_id' "$T/fl") *- *anna *DRANG *DRANG_INTENSIEF" "$T/ftext" ||
    fail "team lead's list: $(cat "$T/ftext")"
ok "the team lead's caseload: no titles, the regisseurs, the deadlines"
server_alive
