#!/bin/sh
# SPDX-License-Identifier: ISC
#
# One plan, with its history; who wrote it, and when (issue 18).
# Two workers each run `plan edit` offline on a case without a plan:
# after both sync the server holds ONE plan record and the two
# summaries are a conflict as usual (`casesync conflicts`).  Two agreed
# versions (`plan agree`) are listed by `plan history` on the other
# laptop with who agreed and who wrote them, and `plan diff` shows what
# changed line by line.  A note written by anna without --date has the
# local date and, on bert's laptop, anna as its author with the server's
# time; before its sync anna's laptop says "(not yet synced)".  A push
# that carries an authorship of its own is refused; the server records
# the device's user as the author.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}
q() { sqlite3 "$SRV/server.db" "$1"; }

C=$(laptop a case create --frame OTS) || fail "case create"
laptop a case edit --case "$C" --title "Familie Jansen" >/dev/null ||
    fail "case file"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
sync_ok a
sync_ok b

# --- one plan: made offline on both laptops -------------------------------
laptop a plan edit --case "$C" --summary "Plan van anna" >"$T/pa" 2>&1 ||
    fail "plan edit on a: $(cat "$T/pa")"
laptop b plan edit --case "$C" --summary "Plan van bert" >"$T/pb" 2>&1 ||
    fail "plan edit on b: $(cat "$T/pb")"
expect_eq "both laptops wrote the same plan record" "$(cat "$T/pa")" \
    "$(cat "$T/pb")"
sync_ok a
sync_ok b		# bert's push conflicts: his laptop merges
sync_ok a
expect_eq "the server holds one plan record" \
    "$(q "SELECT count(*) FROM records WHERE case_id = '$C' AND
    kind = 'plan'")" 1
P=$(q "SELECT record_id FROM records WHERE case_id = '$C' AND kind = 'plan'")
for l in a b; do
	laptop $l --json conflicts >"$T/conf.$l" || fail "conflicts on $l"
	grep -q "\"record_id\":\"$P\"" "$T/conf.$l" &&
	    grep -q '"field":"summary"' "$T/conf.$l" ||
	    fail "no conflict on the summary on $l: $(cat "$T/conf.$l")"
done
ok "the two summaries are a conflict on both laptops"
laptop a plan agree --case "$C" --with parents >"$T/out" 2>&1 &&
    fail "a plan in conflict was agreed"
grep -q "in conflict: settle them first" "$T/out" ||
    fail "agree on a conflict: $(cat "$T/out")"
ok "a plan with values in conflict is not agreed"
laptop a resolve --record "$P" --field summary --mine >/dev/null 2>&1 ||
    fail "resolve"
sync_ok a
sync_ok b
expect_eq "a plan edit after that keeps the one plan" \
    "$(laptop b plan edit --case "$C" --agreed-with ouders)" "$P"

# --- plan records from before: the newest seeds the one plan ----------------
D=$(laptop a case create --frame OTS) || fail "case create D"
laptop a record put --case "$D" --kind plan summary="Oud plan" >/dev/null ||
    fail "old plan 1"
O2=$(laptop a record put --case "$D" --kind plan summary="Nieuwer oud plan" \
    agreed_on=2025-01-01) || fail "old plan 2"
ID=$(laptop a plan edit --case "$D" --agreed-with ouders) ||
    fail "plan edit D"
[ "$ID" != "$O2" ] || fail "the older plan was edited in place"
laptop a --json record get "$ID" >"$T/pd" || fail "record get $ID"
grep -q '"summary":"Nieuwer oud plan"' "$T/pd" &&
    grep -q '"agreed_on":"2025-01-01"' "$T/pd" &&
    grep -q '"agreed_with":"ouders"' "$T/pd" ||
    fail "the one plan does not start from the newest: $(cat "$T/pd")"
expect_eq "the next edit changes the one plan" \
    "$(laptop a plan edit --case "$D" --agreed-on 2025-02-02)" "$ID"
ok "older plan records: the first edit makes the one plan from the newest"

# --- two agreed versions ----------------------------------------------------
laptop a plan goal add --case "$C" --text "Naar school" --status open \
    >/dev/null || fail "goal 1"
out=$(laptop a plan agree --case "$C" --with parents,wijkteam,jeugdbeschermer \
    --date 2026-12-01) || fail "agree 1: $out"
expect_eq "version 1" "$out" \
    "plan version 1 agreed with parents,wijkteam,jeugdbeschermer"
printf 'Plan van anna\nMet een tweede regel\n' |
    laptop a plan edit --case "$C" --summary - >/dev/null || fail "edit 2"
laptop a plan goal add --case "$C" --text "Sporten" >/dev/null ||
    fail "goal 2"
laptop a plan agree --case "$C" --with parents,jeugdbeschermer,kind \
    >/dev/null || fail "agree 2"
laptop a plan agree --case "$C" --with "Femke de Vries" >"$T/bad" 2>&1
expect_eq "who agreed is a choice, not typed text" "$?" 2
laptop a plan agree --case "$C" --with kind,kind >"$T/bad" 2>&1
expect_eq "nobody agrees twice" "$?" 2
sync_ok a
sync_ok b
laptop b plan history --case "$C" >"$T/hist" || fail "history"
expect_eq "two versions in the history" "$(grep -c '^version ' "$T/hist")" 2
grep -q '^version 1 *2026-12-01  agreed with parents,wijkteam,jeugdbeschermer  written by anna on ' \
    "$T/hist" || fail "version 1: $(cat "$T/hist")"
grep -q "^version 2 *$(date +%F)  agreed with parents,jeugdbeschermer,kind  written by anna on $(date +%F) " \
    "$T/hist" || fail "version 2: $(cat "$T/hist")"
ok "plan history on bert's laptop: number, date, who agreed, written by"
laptop b --json plan history --case "$C" >"$T/hist.json" ||
    fail "plan history --json"
python3 "$top/tests/tools/json_schema.py" --min-items 2 \
    "$top/docs/json-schemas.json" "casesync plan history" "$T/hist.json" \
    >"$T/schema.err" 2>&1 || fail "plan history --json: $(cat "$T/schema.err")"
grep -q '"version":2,"date":"'"$(date +%F)"'","agreed_with":"parents,jeugdbeschermer,kind","created_by":"anna",' \
    "$T/hist.json" || fail "plan history --json: $(cat "$T/hist.json")"
ok "plan history --json matches its schema"
laptop b plan diff --case "$C" >"$T/diff" || fail "diff: $(cat "$T/diff")"
for want in "plan version 1 (2026-12-01) -> version 2 ($(date +%F))" \
    "agreed with: parents,wijkteam,jeugdbeschermer -> parents,jeugdbeschermer,kind" \
    "  Plan van anna" "+ Met een tweede regel" \
    "  Naar school | status: open" "+ Sporten"; do
	grep -qxF "$want" "$T/diff" || fail "diff lacks '$want': $(cat "$T/diff")"
done
expect_eq "nothing removed" "$(grep -c '^- ' "$T/diff")" 0
ok "plan diff: the lines added between the versions"
laptop b plan diff --case "$C" 2 1 >"$T/diff21" || fail "diff 2 1"
grep -qxF -- "- Sporten" "$T/diff21" || fail "diff 2 1: $(cat "$T/diff21")"
laptop b plan diff --case "$C" 1 3 >/dev/null 2>&1
expect_eq "a version that does not exist" "$?" 2
V=$(q "SELECT record_id FROM records WHERE case_id = '$C' AND
    kind = 'plan_version' ORDER BY version LIMIT 1")
laptop a record put --case "$C" --kind plan_version --id "$V" number=9 \
    >/dev/null 2>&1 && fail "an agreed version was changed"
ok "an agreed version is never changed"

# --- who wrote it, and when -------------------------------------------------
N=$(laptop a note add --case "$C" --text "Huisbezoek gedaan") ||
    fail "note add"
laptop a note list --case "$C" >"$T/na" || fail "note list on a"
grep -q "written by anna on $(date +%F) [0-9][0-9]:[0-9][0-9] (not yet synced)" \
    "$T/na" || fail "unsynced note on a: $(cat "$T/na")"
sync_ok a
laptop a note list --case "$C" >"$T/na2" || fail "note list on a"
grep -q "not yet synced" "$T/na2" && fail "still unsynced: $(cat "$T/na2")"
sync_ok b
laptop b --json record get "$N" >"$T/nb" || fail "record get on b"
grep -q '"created_by":"anna","created_at":"[0-9T:+-]*","created_at_epoch":[1-9][0-9]*,' \
    "$T/nb" ||
    fail "author on b: $(cat "$T/nb")"
grep -q "\"date\":\"$(date +%F)\"" "$T/nb" ||
    fail "a note without --date has today's date: $(cat "$T/nb")"
grep -q '"author"' "$T/nb" && fail "a typed author field: $(cat "$T/nb")"
laptop b record list --case "$C" | grep "^$N " |
    grep -q "  written by anna on $(date +%F) " ||
    fail "record list on b: $(laptop b record list --case "$C")"
laptop b note list --case "$C" >"$T/nl" || fail "note list on b"
grep -q "written by anna on $(date +%F) " "$T/nl" ||
    fail "note list on b: $(cat "$T/nl")"
ok "bert's laptop shows anna as the note's author, with its date"
at=$(q "SELECT created_at FROM records WHERE record_id = '$N'")
now=$(date +%s)
[ "$at" -le "$now" ] && [ "$at" -gt $((now - 600)) ] ||
    fail "the server's time of the note: $at"
laptop a note add --case "$C" --text x --author bert >/dev/null 2>&1 &&
    fail "a note's author was typed"
ok "a note's author cannot be typed"
# an edit by bert keeps anna as the creator and names bert as the changer
laptop b plan goal list --case "$C" >/dev/null || fail "goal list"
G=$(q "SELECT record_id FROM records WHERE case_id = '$C' AND kind = 'goal'
    ORDER BY version LIMIT 1")
laptop b plan goal edit --id "$G" --status achieved >/dev/null ||
    fail "goal edit on b"
sync_ok b
sync_ok a
laptop a --json record get "$G" >"$T/ga" || fail "record get goal"
grep -q '"created_by":"anna",.*"changed_by":"bert",' "$T/ga" ||
    fail "created and changed by: $(cat "$T/ga")"
ok "an edit by bert: written by anna, changed by bert"

# --- the server, never the laptop, says who wrote it -----------------------
probe_device bert
uuid() { cat /proc/sys/kernel/random/uuid; }
F=$(uuid)
out=$(probe $AUTH push "$(uuid)" "$F" "$C" 0 anna)
case "$out" in
"result "*) fail "a push with its own author was answered: $out" ;;
esac
expect_eq "nothing of the forged push was written" \
    "$(q "SELECT count(*) FROM records WHERE record_id = '$F'")" 0
out=$(probe $AUTH push "$(uuid)" "$F" "$C" 0)
case "$out" in
"result CHANGE_APPLIED "*) ok "the same push without an author: applied" ;;
*) fail "plain push: $out" ;;
esac
expect_eq "the server names the device's user as the author" \
    "$(q "SELECT u.name FROM records r JOIN devices d ON
    d.id = r.created_device JOIN users u ON u.id = d.user_id WHERE
    r.record_id = '$F'")" bert
expect_eq "and the server's times" \
    "$(q "SELECT created_at > 0 AND changed_at = created_at FROM records
    WHERE record_id = '$F'")" 1

server_alive
