#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesyncctl --json (issue 19, "The CLIs, consistently"): status and
# every list and show command's output, on a deployment with offices, users,
# devices, a case, an accepted transfer (purges pending) and a glass
# use, is checked against its schema in docs/json-schemas.json by
# tests/tools/json_schema.py: every key present with its type, no
# other key, each time local ISO 8601 with its offset agreeing with its
# _epoch.  The checker itself fails on a missing key and a wrong type.
# Names with quotes, backslashes and non-ASCII come back intact.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "skip: no python3"; exit 0; }
SCHEMAS="$(dirname "$0")/../../docs/json-schemas.json"
CHECK="$(dirname "$0")/../tools/json_schema.py"
TZ=Europe/Amsterdam
export TZ

# schema [--min-items N] COMMAND FILE
schema() {
	python3 "$CHECK" "$@" >"$T/schema.err" 2>&1 || return 1
}

# check COMMAND MIN ARGS...: run "ctl ARGS --json", validate the output
check() {
	cmd=$1 min=$2
	shift 2
	ctl "$@" --json >"$T/out.json" 2>"$T/err" ||
	    fail "$cmd --json: $(cat "$T/err")"
	if [ "$min" -gt 0 ]; then
		schema --min-items "$min" "$SCHEMAS" "$cmd" "$T/out.json" ||
		    fail "$cmd: $(cat "$T/schema.err"): $(cat "$T/out.json")"
	else
		schema "$SCHEMAS" "$cmd" "$T/out.json" ||
		    fail "$cmd: $(cat "$T/schema.err"): $(cat "$T/out.json")"
	fi
	cp "$T/out.json" "$T/$(echo "$cmd" | tr ' ' _).json"
	ok "$cmd --json matches its schema"
}

jget() {
	python3 -c "import json, sys
j = json.load(open(sys.argv[1]))
print($2)" "$1" || fail "json: $2: $(cat "$1")"
}

# the handover window ends during the test: purges are queued
WINDOW=3
[ -n "${SANITIZED:-}" ] && WINDOW=10

deploy
ctl office add Zwolle --region IJsselland >/dev/null || fail "office"
ctl office add Lelystad >/dev/null || fail "office 2"
ctl office add 'Den "Bosch" \ café' >/dev/null || fail "office 3"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Lelystad >/dev/null
start_server "handover_window = ${WINDOW}s" "glass_duration = 600s"
enroll a anna
enroll l lars
enroll b bram
enroll e eva

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Jansen >/dev/null ||
    fail "record put"
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop a --json transfer request --case "$C" --to Lelystad --reason moved \
    --note "gezin verhuisd" >"$T/req" 2>"$T/err" ||
    fail "transfer request: $(cat "$T/err")"
ID=$(jget "$T/req" 'j["transfer_id"]')
laptop l transfer accept --id "$ID" --regisseur bram >/dev/null 2>"$T/err" ||
    fail "accept: $(cat "$T/err")"
C2=$(laptop a case create --frame DRANG) || fail "case create 2"
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop e glass --case "$C2" --reason "spoedmelding politie" >/dev/null \
    2>"$T/err" || fail "glass: $(cat "$T/err")"
ctl device revoke 4 >/dev/null || fail "revoke"

# ---- the checker can fail: a missing key, a wrong type, an extra key
echo '[{"office_id":1,"office":"x"}]' >"$T/bad.json"
schema "$SCHEMAS" "office list" "$T/bad.json" &&
    fail "a missing key passed the checker"
grep -q "missing key 'region'" "$T/schema.err" || fail "$(cat "$T/schema.err")"
echo '[{"office_id":"1","office":"x","region":null}]' >"$T/bad.json"
schema "$SCHEMAS" "office list" "$T/bad.json" &&
    fail "a string for an int passed the checker"
echo '[{"office_id":1,"office":"x","region":null,"case":"y"}]' \
    >"$T/bad.json"
schema "$SCHEMAS" "office list" "$T/bad.json" &&
    fail "an extra key passed the checker"
echo '[]' >"$T/bad.json"
schema --min-items 1 "$SCHEMAS" "office list" "$T/bad.json" &&
    fail "an empty listing passed --min-items"
ok "the schema checker refuses a missing key, a wrong type, an extra key"

# ---- every list and show command
check "status" 0 status
check "office list" 3 office list
check "user list" 4 user list
check "device list" 4 device list
check "device show" 0 device show 1
check "device show" 0 device show 4
check "server-cert show" 0 server-cert show
check "records digest" 0 records digest
check "records purges" 0 records purges
check "transfer list" 1 transfer list
check "transfer pending" 0 transfer pending
check "glass list" 1 glass list
check "report" 0 report
check "report" 0 report --office Lelystad --since 2026-01
ctl audit query --format ndjson >"$T/audit.json" 2>"$T/err" ||
    fail "audit query: $(cat "$T/err")"
schema --min-items 1 "$SCHEMAS" "audit query" "$T/audit.json" ||
    fail "audit query: $(cat "$T/schema.err")"
ok "audit query --format ndjson matches its schema"

# ---- the values
expect_eq "office name with quote, backslash and é round-trips" \
    "$(jget "$T/office_list.json" '"Den \"Bosch\" \\ café" in
    [o["office"] for o in j]')" True
expect_eq "region of Zwolle" \
    "$(jget "$T/office_list.json" '[o["region"] for o in j
    if o["office"] == "Zwolle"][0]')" IJsselland
expect_eq "device 4 is revoked, with a time" \
    "$(jget "$T/device_list.json" '[(d["state"], d["revoked_at"] is not
    None) for d in j if d["device_id"] == 4][0]')" "('revoked', True)"
expect_eq "transfer: case_id, state, note" \
    "$(jget "$T/transfer_list.json" '(j[0]["case_id"], j[0]["state"],
    j[0]["note"])')" "('$C', 'ACCEPTED', 'gezin verhuisd')"
expect_eq "glass: case_id, user, state" \
    "$(jget "$T/glass_list.json" '(j[0]["case_id"], j[0]["user"],
    j[0]["state"])')" "('$C2', 'eva', 'active')"
expect_eq "times carry the local offset" \
    "$(jget "$T/glass_list.json" 'j[0]["granted_at"][-6:] in
    ("+01:00", "+02:00")')" True
expect_eq "records digest agrees with the text output" \
    "$(jget "$T/records_digest.json" '"%d %s" % (j["records"],
    j["digest"])')" "$(ctl records digest)"
ok "the JSON says what the text says"

# ---- after the handover window: a purge waits for anna's receipt
sleep "$WINDOW"
check "transfer pending" 0 transfer pending
check "records purges" 1 records purges
expect_eq "the purge waits for device 1" \
    "$(jget "$T/records_purges.json" '(j[0]["device_id"], j[0]["case_id"],
    j[0]["state"], j[0]["records_deleted"])')" "(1, '$C', 'waiting', None)"
expect_eq "pending: the device, its purge sent" \
    "$(jget "$T/transfer_pending.json" '[(d["device_id"], d["state"])
    for d in j["devices"]]')" "[(1, 'purge_sent')]"

# ---- --json is in the usage; the text output is unchanged
ctl office list --help | grep -q -- "--json" || fail "office list usage"
ctl office list | head -1 | grep -q "^ID" || fail "office list text"
ctl transfer list --json --bogus >/dev/null 2>&1 &&
    fail "an unknown option next to --json was accepted"
ok "usage names --json; the text listings stay"
