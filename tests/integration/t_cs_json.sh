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
ctl user add --name olga --role auditor --office Zwolle >/dev/null
start_server "glass_duration = 600s"
enroll a anna
enroll e eva
enroll o olga

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
laptop a case list >/dev/null || fail "case list"
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
