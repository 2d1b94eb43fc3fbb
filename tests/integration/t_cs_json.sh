#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync --json (issue 19, "The CLIs, consistently"): the laptop's
# list and show commands written by the one JSON writer (common/json.c)
# are checked against their schemas in docs/json-schemas.json
# ("casesync CMD") by tests/tools/json_schema.py, as t_ctl_json.sh does
# for casesyncctl: every key present with its type, no other key, a
# time as local ISO 8601 with its offset agreeing with its _epoch, the
# case as "case_id", numbers as numbers, a date not known as null.  A
# reason with quotes, a backslash and non-ASCII comes back intact.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "skip: no python3"; exit 0; }
SCHEMAS="$(dirname "$0")/../../docs/json-schemas.json"
CHECK="$(dirname "$0")/../tools/json_schema.py"
TZ=Europe/Amsterdam
export TZ

# check LAPTOP SCHEMA MIN ARGS...: "casesync --json ARGS" on LAPTOP
check() {
	# (not "name": laptop() sets it)
	who=$1 cmd=$2 min=$3
	shift 3
	laptop "$who" --json "$@" >"$T/out.json" 2>"$T/err" ||
	    fail "$cmd --json: $(cat "$T/err")"
	python3 "$CHECK" --min-items "$min" "$SCHEMAS" "casesync $cmd" \
	    "$T/out.json" >"$T/schema.err" 2>&1 ||
	    fail "$cmd: $(cat "$T/schema.err"): $(cat "$T/out.json")"
	cp "$T/out.json" "$T/$(echo "$cmd" | tr ' -' '__').json"
	echo "$cmd" >>"$T/checked"
	ok "casesync $cmd --json matches its schema"
}

jget() {
	python3 -c "import json, sys
j = json.load(open(sys.argv[1]))
print($2)" "$1" || fail "json: $2: $(cat "$1")"
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl office add Lelystad >/dev/null || fail "office 2"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name olga --role auditor --office Zwolle >/dev/null
ctl user add --name lotte --role teamleider --office Zwolle >/dev/null
start_server "glass_duration = 600s"
enroll a anna
enroll e eva
enroll o olga
enroll b bert
enroll l lotte

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case state --case "$C" --to DRANG_INTENSIEF >/dev/null ||
    fail "case to DRANG_INTENSIEF"
C2=$(laptop a case create --frame DRANG) || fail "case create 2"
laptop a sync >/dev/null 2>&1 || fail "sync a"
REASON='spoed "politie" \ café'
laptop e glass --case "$C2" --reason "$REASON" >/dev/null 2>"$T/err" ||
    fail "glass: $(cat "$T/err")"

check a "keys status" 0 keys status
check a "status" 0 status
check a "case info" 0 case info --case "$C"
check a "glass list" 1 glass list
check o "audit query" 10 audit query
check a "audit who" 1 audit who --case "$C"
laptop a case list >/dev/null || fail "case list"	# a read logged
check a "reads" 1 reads
laptop a --json transfer request --case "$C" --to Lelystad --reason \
    moved --note "gezin \"verhuisd\"" >"$T/req" 2>"$T/err" ||
    fail "transfer request: $(cat "$T/err")"
python3 "$CHECK" "$SCHEMAS" "casesync transfer show" "$T/req" \
    >"$T/schema.err" 2>&1 || fail "transfer request: $(cat "$T/schema.err")"
ok "casesync transfer request --json: the transfer's schema"
ID=$(jget "$T/req" 'j["transfer_id"]')
check a "transfer list" 1 transfer list
check a "transfer show" 0 transfer show --id "$ID"
check l "report figures" 1 report figures
ctl report --json --office Zwolle >"$T/ctl_report.json" || fail "ctl report"
cmp -s "$T/report_figures.json" "$T/ctl_report.json" ||
    fail "report figures --json is not casesyncctl's"

expect_eq "status: the device id a number, the certificate's end a time" \
    "$(jget "$T/status.json" '(j["device_id"], j["user"],
    isinstance(j["cert_not_after_epoch"], int), j["nothing_lost"])')" \
    "(1, 'anna', True, {'held_purges': [], 'held_changes': [], 'read_only': []})"
expect_eq "keys status: numbers as numbers" \
    "$(jget "$T/keys_status.json" 'j["cases"] >= 2 and j["user_keys"]')" \
    "True"
expect_eq "case info: its id, a DRANG_INTENSIEF, no end date yet" \
    "$(jget "$T/case_info.json" '(j["case_id"], j["state"], j["end_date"])')" \
    "('$C', 'DRANG_INTENSIEF', None)"
expect_eq "case info: the toetsing of the case, a date not known is null" \
    "$(jget "$T/case_info.json" '([d["kind"] for d in j["deadlines"]][:1],
    j["measure_start"])')" "(['toetsing'], None)"
expect_eq "glass list: the case, eva, the reason intact" \
    "$(jget "$T/glass_list.json" '(j["uses"][0]["case_id"],
    j["uses"][0]["user"], j["uses"][0]["reason"])')" \
    "$(python3 -c 'import sys; print((sys.argv[1], "eva", sys.argv[2]))' \
    "$C2" "$REASON")"
expect_eq "audit query: an entry's times, with its _epoch" \
    "$(jget "$T/audit_query.json" 'all(isinstance(e["server_time_epoch"], int)
    and e["server_time"][-6:] in ("+01:00", "+02:00") for e in j["entries"])')" \
    "True"
expect_eq "reads: a list of all cases has case_id null" \
    "$(python3 -c 'import json, sys
print(None in [json.loads(l)["case_id"] for l in open(sys.argv[1])])' \
    "$T/reads.json")" "True"
expect_eq "transfer show: requested, not decided (null), the note intact" \
    "$(jget "$T/transfer_show.json" '(j["state"], j["decided_at"],
    j["note"])')" "('REQUESTED', None, 'gezin \"verhuisd\"')"
expect_eq "audit who: the case asked about" \
    "$(jget "$T/audit_who.json" 'j["case_id"]')" "$C"
expect_eq "glass list: a use not ended is null" \
    "$(jget "$T/glass_list.json" '(j["uses"][0]["ended_at"],
    j["uses"][0]["ended_at_epoch"])')" "(None, None)"

# --- the case file: every list and show of a kind, and its writes
F=$(laptop a case new --frame DRANG --title 'Gezin "Öztürk" \ test' \
    --municipality GM0193) || fail "case new"
F=$(echo "$F" | head -1)
laptop a case member --case "$F" --user bert >/dev/null || fail "member bert"
laptop a --json person add --case "$F" --name "Sanne Öztürk" --role child \
    --birth-date 2016-02-29 >"$T/padd" 2>"$T/err" ||
    fail "person add: $(cat "$T/err")"
python3 "$CHECK" "$SCHEMAS" "casesync person add" "$T/padd" \
    >"$T/schema.err" 2>&1 || fail "person add: $(cat "$T/schema.err")"
echo "person add" >>"$T/checked"
ok "casesync person add --json: record_id and case_id"
CHILD=$(jget "$T/padd" 'j["record_id"]')
expect_eq "person add: the case as case_id" "$(jget "$T/padd" 'j["case_id"]')" \
    "$F"
laptop a plan edit --case "$F" --summary "Veilig thuis" >/dev/null ||
    fail "plan edit"
laptop a plan goal add --case "$F" --text "Naar school" --due 2027-01-31 \
    >/dev/null || fail "goal add"
laptop a note add --case "$F" --type call --date 2026-11-30 \
    --text "Gebeld met school" >/dev/null || fail "note add"
laptop a assess add --case "$F" --instrument LIRIK --outcome "laag risico" \
    --date 2026-11-30 --next-due 2027-02-28 >/dev/null || fail "assess add"
laptop a partner add --case "$F" --name "Wijkteam" --type wijkteam \
    --basis consent --consent-date 2026-11-30 --consent-scope school \
    >/dev/null || fail "partner add"
laptop a escalate --case "$F" --to raad --reason "Zorgen" >/dev/null ||
    fail "escalate"
laptop a nazorg add --case "$F" --by wijkteam --name "Wijkteam" \
    --agreements "Contact" --end 2027-06-30 >/dev/null || fail "nazorg add"
laptop a closing add --case "$F" --reason doel_bereikt --summary "Klaar" \
    >/dev/null || fail "closing add"
# a field in conflict: anna and bert change the same one offline
laptop a sync >/dev/null 2>&1 || fail "sync a"
# the child's OTS, once her person record is on the server
check a "measure start" 0 measure start --case "$F" --child Sanne \
    --type OTS --court "Rechtbank Overijssel" --zaaknummer "C/08/1" \
    --decision "$(date -u -d '-10 days' +%F)" \
    --end "$(date -u -d '+300 days' +%F)"
laptop b sync >/dev/null 2>&1 || fail "sync b"
laptop a person edit --id "$CHILD" --address "Dorpsstraat 1" >/dev/null ||
    fail "edit on a"
sleep 1.1
laptop b person edit --id "$CHILD" --address "Kerkstraat 2" >/dev/null ||
    fail "edit on b"
laptop a sync >/dev/null 2>&1 || fail "sync a 2"
check b "sync" 0 sync
laptop a sync >/dev/null 2>&1 || fail "sync a 3"

check a "case show" 9 case show --case "$F"
check a "person list" 1 person list --case "$F"
check a "measure list" 1 measure list --case "$F"
expect_eq "measure list: the child by name, the OTS's next deadline" \
    "$(jget "$T/measure_list.json" '(j[0]["child"], j[0]["type"],
    j[0]["next_deadline"]["kind"], j[0]["zaaknummer"])')" \
    "('Sanne Öztürk', 'OTS', 'ots_extension_request', 'C/08/1')"
check a "note list" 1 note list --case "$F"
check a "assess list" 1 assess list --case "$F"
check a "partner list" 1 partner list --case "$F"
check a "escalate list" 1 escalate list --case "$F"
check a "nazorg list" 1 nazorg list --case "$F"
check a "closing list" 1 closing list --case "$F"
check a "plan show" 2 plan show --case "$F"
check a "plan goal list" 1 plan goal list --case "$F"
check a "record get" 0 record get "$CHILD"
check a "record list" 9 record list --case "$F"
check a "search" 1 search "öztürk"
check a "conflicts" 1 conflicts
check a "case list" 3 case list
check a "case list --due" 2 case list --due
check a "digest" 0 digest
check a "check" 0 check
check a "server show" 0 server show

expect_eq "case show: every record with case_id, no key 'id' or 'case'" \
    "$(jget "$T/case_show.json" 'sorted({r["case_id"] for r in j}) == ["'"$F"'"]
    and not any("id" in r or "case" in r for r in j)')" "True"
expect_eq "person list: the child's name intact, a field not set absent" \
    "$(jget "$T/person_list.json" '(j[0]["fields"]["name"],
    "bsn" in j[0]["fields"], j[0]["version"] >= 1)')" \
    "('Sanne Öztürk', False, True)"
expect_eq "record get: the record in conflict, its marker null" \
    "$(jget "$T/record_get.json" '(j["record_id"], j["conflicts"],
    [v for k, v in j["fields"].items() if k not in ("name", "role",
    "birth_date", "address")])')" "('$CHILD', 1, [None])"
expect_eq "record list: metadata only, no content" \
    "$(jget "$T/record_list.json" 'any("fields" in r for r in j)')" "False"
expect_eq "conflicts: two authors by name, user ids as numbers" \
    "$(jget "$T/conflicts.json" '(j[0]["case_id"], j[0]["field"],
    sorted(v["author"] for v in j[0]["values"]),
    all(isinstance(v["author_id"], int) for v in j[0]["values"]))')" \
    "('$F', 'address', ['anna', 'bert'], True)"
expect_eq "search: matches without regard to accents, their fields" \
    "$(jget "$T/search.json" 'sorted((m["case_id"], m["field"]) for m in j)')" \
    "[('$F', 'name'), ('$F', 'title')]"
expect_eq "case list: the title intact, a date not known is null" \
    "$(jget "$T/case_list.json" '[(c["title"], c["drang_start"])
    for c in j["cases"] if c["case_id"] == "'"$F"'"][0]')" \
    "('Gezin \"Öztürk\" \\\\ test', None)"
expect_eq "case list: the child by name, a lifecycle deadline has null" \
    "$(jget "$T/case_list.json" '[([x["name"] for x in c["children"]],
    [d["record_id"] for d in c["deadlines"] if d["kind"] == "toetsing"])
    for c in j["cases"] if c["case_id"] == "'"$C"'"][0]')" "([], [None])"
expect_eq "case list --due: the goal's deadline names its record" \
    "$(jget "$T/case_list___due.json" '[d["case_id"] == "'"$F"'" and
    d["record_id"] is not None for d in j["deadlines"]
    if d["kind"] == "goal"]')" "[True]"
expect_eq "sync: pushed, pulled and refused as numbers" \
    "$(jget "$T/sync.json" '(j["pushed"] >= 1, j["rejected"],
    j["conflicts"] >= 1)')" "(True, 0, True)"
expect_eq "digest: the count and hash that digest prints for people" \
    "$(jget "$T/digest.json" '"%d %s" % (j["records"], j["digest"])')" \
    "$(laptop a digest)"

# --json last, where casesyncctl takes it: the same output
same_last() {	# same_last SCHEMA-FILE ARGS...: "ARGS --json" prints it too
	f=$1
	shift
	laptop a "$@" --json >"$T/last.json" 2>"$T/err" ||
	    fail "$* --json: $(cat "$T/err")"
	cmp -s "$T/last.json" "$T/$f.json" ||
	    fail "$* --json differs: $(cat "$T/last.json")"
}
same_last case_list case list
same_last person_list person list --case "$F"
same_last plan_goal_list plan goal list --case "$F"
same_last record_get record get "$CHILD"
same_last conflicts conflicts
same_last search search "öztürk"
same_last digest digest
ok "--json last on a list or show path is --json before the command"
laptop a person add --case "$F" --name X --role child --json \
    >"$T/add.out" 2>"$T/add.err" &&
    fail "person add ... --json: a field 'json'"
grep -q . "$T/add.err" || fail "person add ... --json: no message"
ok "--json last on a write is not taken for a flag: $(cat "$T/add.err")"

# a melding to the Raad, drafted, filled in and finalised (after the
# checks above: the report names the family too, and adds a record)
laptop a report raad --case "$F" --out "$T/raad.html" >/dev/null 2>"$T/err" ||
    fail "report raad: $(cat "$T/err")"
python3 -c 'import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[1], "w", encoding="utf-8").write(
    re.sub(r"\[in te vullen[^]]*\]", "ingevuld", s))' "$T/raad.html"
laptop a --json report final --case "$F" --file "$T/raad.html" \
    >"$T/final.json" 2>"$T/err" || fail "report final: $(cat "$T/err")"
RID=$(jget "$T/final.json" 'j["record_id"]')
check a "report list" 1 report list --case "$F"
check a "report show" 0 report show --case "$F" --id "$RID" \
    --out "$T/report.html"

# --- the table walked: every list and show path of casesync (help
# --list-all) has a schema and was checked above
"$B/casesync" help --list-all >"$T/paths" || fail "help --list-all"
grep -qx "plan goal" "$T/paths" || fail "no 'plan goal' in the table"
n=0
for p in $(sed -n 's/ /_/g; /_\(list\|show\|get\|info\|status\|query\|who\)$/p
    /^\(search\|reads\|conflicts\|digest\|check\|status\|sync\)$/p
    s/^plan_goal$/plan_goal_list/p
    /^report_figures$/p' "$T/paths"); do
	p=$(echo "$p" | tr _ ' ')
	python3 -c 'import json, sys
sys.exit(("casesync " + sys.argv[2]) not in
    json.load(open(sys.argv[1]))["commands"])' "$SCHEMAS" "$p" ||
	    fail "casesync $p: no schema in docs/json-schemas.json"
	grep -qxF "$p" "$T/checked" || fail "casesync $p --json: not checked"
	n=$((n + 1))
done
[ "$n" -ge 25 ] || fail "only $n list and show paths in the table"
ok "each of the $n list and show paths of the command table has its schema"
