#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The case file as field staff use it, through the CLI: case new, people,
# plan and goals, notes, assessments, partners, escalation, show, search,
# edits offline on two laptops that sync, --json parsed with jq, every
# read in the laptop's read log, and bad input (unknown frame, a date in
# the wrong format, a BSN failing the elfproef, a too-long name, invalid
# UTF-8, an unknown field) refused clearly with nothing changed.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert

C=$(laptop a case new --frame DRANG --title "Gezin Marker" \
    --municipality GM0193 --jeugdregio IJsselland) || fail "case new"
C=$(echo "$C" | head -1)
laptop a case member --case "$C" --user bert >/dev/null || fail "member"

CHILD=$(laptop a person add --case "$C" --name "Sanne Zwartmarker" \
    --role child --birth-date 2016-02-29 --bsn 111222333 \
    --municipality GM0193) || fail "person add"
laptop a person add --case "$C" --name "Petra Zwartmarker" --role parent \
    --has-gezag yes --child "$CHILD" >/dev/null || fail "parent add"
laptop a plan edit --case "$C" --summary "Veiligheid thuis vergroten" \
    --agreed-with wijkteam >/dev/null || fail "plan edit"
G=$(laptop a plan goal add --case "$C" --text "Dagelijks naar school" \
    --due 2027-01-31 --status open) || fail "goal add"
laptop a note add --case "$C" --type home_visit --date 2026-11-30 \
    --text "Huisbezoek: rustige sfeer" >/dev/null || fail "note add"
echo "Telefoon met school: aanwezig" |
    laptop a note add --case "$C" --type call --text - >/dev/null ||
    fail "note from stdin"
laptop a assess add --case "$C" --instrument LIRIK --outcome "matig risico" \
    --date 2026-11-30 --next-due 2027-02-28 >/dev/null || fail "assess"
laptop a partner add --case "$C" --name "Wijkteam Zwolle-Zuid" \
    --type wijkteam --basis consent --consent-date 2026-11-30 \
    --consent-scope "schoolzaken" >/dev/null || fail "partner"
laptop a escalate --case "$C" --to veilig_thuis \
    --reason "Zorgen over veiligheid" >/dev/null || fail "escalate"
ok "a case file made with the case-file commands"

# bad input: a clear error and nothing changed
before=$(laptop a digest)
bad() {	# bad WHAT EXPECTED-WORDS COMMAND...
	what=$1
	words=$2
	shift 2
	laptop a "$@" >"$T/bad.out" 2>&1 && fail "$what was accepted"
	grep -qi "$words" "$T/bad.out" || fail "$what: $(cat "$T/bad.out")"
	[ "$(laptop a digest)" = "$before" ] || fail "$what changed data"
	ok "$what refused: $(head -1 "$T/bad.out")"
}
bad "unknown frame" "frame" case new --frame PIZZA --title x
bad "date in the wrong format" "date" person add --case "$C" --name X \
    --role child --birth-date 30-11-2016
bad "impossible date" "date" person add --case "$C" --name X \
    --role child --birth-date 2015-02-29
bad "BSN failing the elfproef" "elfproef\|check" person add --case "$C" \
    --name X --role child --bsn 123456789
long=$(printf '%0300d' 0 | tr 0 a)
bad "too-long name" "long\|bytes" person add --case "$C" --name "$long" \
    --role child
bad "invalid UTF-8" "utf-8" person add --case "$C" --role child \
    --name "$(printf 'Jan\377sen')"
bad "unknown field" "no field" person add --case "$C" --name X --role child \
    --shoe-size 42
# the unknown field named in one line with the fields a person has
laptop a person add --case "$C" --colour blue >"$T/o" 2>"$T/e" &&
    fail "person add --colour was accepted"
expect_eq "person add --colour: one line, the field and the fields there are" \
    "$(cat "$T/e")" 'casesync: person add: a person has no field "colour" (fields: name, role, birth_date, bsn, address, municipality, has_gezag, child; casesync person add --help)'
laptop a note add --case "$C" --mood ok 2>&1 | grep -qx \
    'casesync: note add: a note has no field "mood" (fields: .*text.*; casesync note add --help)' ||
    fail "note add --mood: $(laptop a note add --case "$C" --mood ok 2>&1)"
ok "a kind's fields are listed with the field it lacks"
bad "missing required field" "needs --role" person add --case "$C" --name X
bad "bad municipality code" "GM\|municipality\|code" person add \
    --case "$C" --name X --role child --municipality 0193
bad "changing a note" "never changed" note edit --id "$CHILD" --text x

# --json, parsed
laptop a --json person list --case "$C" >"$T/p.json" || fail "person list"
expect_eq "people in the case" "$(jq length "$T/p.json")" 2
expect_eq "the child's BSN" "$(jq -r \
    '.[] | select(.fields.role == "child") | .fields.bsn' "$T/p.json")" \
    111222333
laptop a --json case show --case "$C" >"$T/show.json" || fail "case show"
expect_eq "records in the case file" "$(jq length "$T/show.json")" 10
expect_eq "notes" "$(jq '[.[] | select(.kind == "journal")] | length' \
    "$T/show.json")" 2

# offline edits on two laptops, merged after sync
laptop a sync >/dev/null || fail "sync a"
laptop b sync >/dev/null || fail "sync b"
laptop a plan goal edit --id "$G" --status achieved >/dev/null ||
    fail "goal edit a"
laptop b plan goal edit --id "$G" --due 2027-03-31 >/dev/null ||
    fail "goal edit b"
laptop b note add --case "$C" --text "Gesprek met Sanne" >/dev/null
laptop a sync >/dev/null && laptop b sync >/dev/null &&
    laptop a sync >/dev/null || fail "sync round"
laptop a --json plan show --case "$C" >"$T/plan.json" || fail "plan show"
expect_eq "goal status (from a)" "$(jq -r --arg g "$G" \
    '.[] | select(.record_id == $g) | .fields.status' "$T/plan.json")" achieved
expect_eq "goal due (from b)" "$(jq -r --arg g "$G" \
    '.[] | select(.record_id == $g) | .fields.due' "$T/plan.json")" 2027-03-31
expect_eq "notes after sync" "$(laptop a --json note list --case "$C" |
    jq length)" 3
expect_eq "a and b hold the same" "$(laptop a digest)" "$(laptop b digest)"

# a value from elsewhere with a terminal escape or broken UTF-8 is shown
# escaped, and --json stays valid JSON
X=$(laptop a record put --case "$C" --kind person role=network \
    "name=$(printf 'Evil\033[2J')" "address=$(printf 'Stra\377t')") ||
    fail "record put"
laptop a person list --case "$C" >"$T/pl" || fail "person list"
grep -q 'Evil\\x1b\[2J' "$T/pl" || fail "escape not escaped: $(cat -v "$T/pl")"
laptop a --json person list --case "$C" | jq -e --arg x "$X" \
    '.[] | select(.record_id == $x) | .fields.address == null' >/dev/null ||
    fail "broken UTF-8 in --json"
ok "hostile values are escaped for people and kept out of JSON"
laptop a record put --case "$C" --kind person --id "$X" --delete \
    >/dev/null || fail "record delete"

# search over the caseload
laptop b search zwartMARKER >"$T/s.out" || fail "search"
expect_eq "search hits" "$(grep -c Zwartmarker "$T/s.out")" 2
laptop b --json search "rustige sfeer" | jq -e 'length == 1' >/dev/null ||
    fail "search --json"

# every read is in the laptop's read log, the chain intact; no words
laptop b reads >"$T/reads" || fail "reads"
grep -q "chain intact" "$T/reads" || fail "read log: $(cat "$T/reads")"
grep -q "search" "$T/reads" || fail "search not logged"
grep -qi "zwartmarker\|sfeer" "$T/reads" && fail "search words logged"
laptop a reads | grep -q "show.*$C" || fail "case show not logged"
n0=$(laptop a reads | grep -c "show")
laptop a record get "$CHILD" >/dev/null || fail "record get"
expect_eq "the low-level record get is logged too" \
    "$(laptop a reads | grep -c "show")" $((n0 + 1))
ok "reads logged in a hash chain, without content"

# a changed log entry breaks the chain (edit it inside the vault)
"$B/tests/vault_tool" sql "$T/b" \
    "UPDATE read_log SET action = 'list' WHERE n = 1" >"$T/vt" 2>&1 ||
    fail "vault_tool sql: $(cat "$T/vt")"
laptop b reads >"$T/reads" 2>&1 && fail "tampered read log accepted"
grep -q "read log is broken" "$T/reads" || fail "tamper: $(cat "$T/reads")"
ok "a changed read-log entry is detected"
server_alive
