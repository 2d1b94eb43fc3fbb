#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The audit log over the protocol (issue 19, "Auditors"): an auditor
# queries it from an enrolled laptop without server root; a member of a
# case asks "who looked at this child's file?" with `casesync audit who`;
# a user who does not hold the case, or asks without a case, is refused
# (FORBIDDEN); a misspelt --type is refused, naming the types; each
# query, answered or refused, is itself an "audit_read" entry; --json
# parses; the rows carry no address.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name carla --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name olga --role auditor --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
enroll c carla
enroll o olga

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Markerjansen \
    bsn=999990019 >/dev/null || fail "record put"
laptop a sync >"$T/sync.a" 2>&1 || fail "sync a: $(cat "$T/sync.a")"
laptop a case member --case "$C" --user bert >/dev/null || fail "member add"
laptop b sync >"$T/sync.b" 2>&1 || fail "sync b: $(cat "$T/sync.b")"

# audit_reads USER OUTCOME: the protocol queries of USER in the log
audit_reads() {
	ctl audit query --type audit_read --user "$1" --format ndjson |
	    jq -r "select(.object_id == \"protocol query\" and
	    .outcome == \"$2\") | .basis" | sort | tr '\n' ' '
}

# ---- the auditor: everything, without server root
laptop o --json audit query >"$T/all.json" 2>"$T/err" ||
    fail "auditor query: $(cat "$T/err")"
jq -e . "$T/all.json" >/dev/null || fail "auditor --json does not parse"
n=$(jq '[.entries[] | select(.type == "login" and .user == "bert")] |
    length' "$T/all.json")
[ "$n" -ge 1 ] || fail "auditor sees no login of bert: $(cat "$T/all.json")"
n=$(jq --arg c "$C" '[.entries[] | select(.type == "read" and
    .user == "bert" and .case_id == $c)] | length' "$T/all.json")
[ "$n" -ge 1 ] || fail "auditor sees no read of the case by bert"
ok "an auditor's laptop reads the log: bert's login and read of the case"
jq -e 'all(.entries[]; has("addr") | not)' "$T/all.json" >/dev/null ||
    fail "rows carry the address"
! grep -q Markerjansen "$T/all.json" || fail "case content in the reply"
ok "the rows carry no address and no case content"
jq -e '[.entries[].idx] as $i | $i == ($i | sort) and
    (.entries[0].server_time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$"))' \
    "$T/all.json" >/dev/null || fail "idx not ascending or time not ISO 8601"
ok "--json: ascending idx, times in ISO 8601 with the offset"

laptop o --json audit query --case "$C" --type read --user bert \
    >"$T/f.json" 2>"$T/err" || fail "filtered query: $(cat "$T/err")"
jq -e --arg c "$C" '(.entries | length) >= 1 and all(.entries[];
    .type == "read" and .user == "bert" and .case_id == $c)' \
    "$T/f.json" >/dev/null || fail "filters not applied: $(cat "$T/f.json")"
ok "the filters --case --type --user hold"

last=$(jq '.entries[-1].idx' "$T/all.json")
laptop o audit query --json --after "$last" >"$T/after.json" ||
    fail "query --after"
jq -e --argjson l "$last" 'all(.entries[]; .idx > $l) and
    (.entries | length) >= 1' "$T/after.json" >/dev/null ||
    fail "--after $last: $(cat "$T/after.json")"
ok "--after IDX: only later entries (the query before it among them)"

tomorrow=$(date -d tomorrow +%Y-%m-%d)
laptop o audit query --json --since "$tomorrow" >"$T/since.json" ||
    fail "query --since"
expect_eq "--since tomorrow: nothing" "$(jq '.entries | length' \
    "$T/since.json")" 0
today=$(date +%d-%m-%Y)
laptop o audit query --json --until "$today" --type login \
    >"$T/until.json" || fail "query --until"
[ "$(jq '.entries | length' "$T/until.json")" -ge 1 ] ||
    fail "--until today (end of the day) lost today's logins"
ok "--until DD-MM-YYYY is the end of that day"

expect_refused "a misspelt --type is refused, naming the types" 5 \
    "BAD_REQUEST.*unknown type reed.*the types are: access_end, admin_" \
    o audit query --type reed
expect_refused "an unknown --user is refused" 5 "unknown user" \
    o audit query --user nobody

# ---- a member: who looked at my case?
laptop a audit who --case "$C" >"$T/who" 2>"$T/err" ||
    fail "audit who: $(cat "$T/err")"
grep -q "bert  *jeugdbeschermer  *Zwolle  *read" "$T/who" ||
    fail "audit who does not list bert's read: $(cat "$T/who")"
grep -Eq '^[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2} ' "$T/who" ||
    fail "audit who: time not dd-mm-jjjj HH:MM: $(cat "$T/who")"
ok "a member's 'audit who --case' lists the other member's read"
laptop a --json audit who --case "$C" >"$T/who.json" || fail "who --json"
jq -e --arg c "$C" '.case_id == $c and (.entries | length) >= 2 and
    all(.entries[]; .case_id == $c) and
    ([.entries[].idx] as $i | $i == ($i | sort | reverse))' \
    "$T/who.json" >/dev/null || fail "who --json: $(cat "$T/who.json")"
ok "who --json parses, only this case, newest first"

# ---- refused: not a holder, no case, a case that does not exist
expect_refused "carla, who does not hold the case, is refused" 5 \
    FORBIDDEN c audit who --case "$C"
expect_refused "a member without --case is refused" 5 FORBIDDEN \
    a audit query
expect_refused "an unknown case is refused the same way" 5 FORBIDDEN \
    c audit query --case 00000000-0000-4000-8000-000000000000
expect_refused "who needs --case" 2 usage a audit who

# ---- each query is itself audited
expect_eq "olga's answered queries are audit_read entries (auditor)" \
    "$(audit_reads olga success)" "auditor auditor auditor auditor auditor "
expect_eq "olga's refused queries too" "$(audit_reads olga failure)" \
    "auditor auditor "
expect_eq "anna's queries: basis member" "$(audit_reads anna success)" \
    "member member "
expect_eq "anna's refused query" "$(audit_reads anna failure)" "jeugdbeschermer "
expect_eq "carla's refused queries" "$(audit_reads carla failure)" \
    "jeugdbeschermer jeugdbeschermer "
ctl audit query --type audit_read --user anna --format ndjson \
    >"$T/anna.ndjson" 2>"$T/err" || fail "ctl audit query: $(cat "$T/err")"
jq -e -s --arg c "$C" '[.[] | select(.object_id == "protocol query" and
    .outcome == "success")] | length == 2 and all(.[]; .client_ref == $c and
    (.detail | test("^[0-9]+ entries$")))' "$T/anna.ndjson" >"$T/out" ||
    fail "anna's audit_read does not name the case and the count:" \
    "$(cat "$T/out" "$T/anna.ndjson")"
ok "the query's entry names the case and what was returned"

# ---- more than a page: 600 changes, one entry each, in two replies
laptop a record bulk --case "$C" --kind note --count 600 >/dev/null ||
    fail "record bulk"
laptop a sync >"$T/sync.a" 2>&1 || fail "sync a: $(cat "$T/sync.a")"
ctl audit query --case "$C" --format ndjson | jq -s '[.[].idx]' \
    >"$T/ctl.idx" || fail "ctl audit query --case"
want=$(jq length "$T/ctl.idx")
[ "$want" -gt 600 ] || fail "only $want entries of the case"
laptop o --json audit query --case "$C" >"$T/big.json" ||
    fail "auditor query of $want entries"
# the laptop's answer also holds the host query's own entry and that
# of its own first page (both name the case)
jq -e --slurpfile w "$T/ctl.idx" '[.entries[].idx] as $i |
    ($i | unique | length) == ($i | length) and
    ($w[0] - $i) == [] and ($i | length) == ($w[0] | length) + 2' \
    "$T/big.json" >/dev/null ||
    fail "paging lost or repeated entries: $(jq -c '[.entries[].idx]' \
    "$T/big.json" | cut -c1-200)"
ok "an auditor gets all $want entries of the case, page by page"
n=$(ctl audit query --type audit_read --user olga --format ndjson |
    jq -s --arg c "$C" '[.[] | select(.client_ref == $c and
    .object_id == "protocol query" and .outcome == "success")] |
    map(.detail | capture("^(?<n>[0-9]+) entries").n | tonumber) |
    sort | .[-2:] | map(tostring) | join(" ")')
expect_eq "each page is one audit_read entry (500, then the rest)" \
    "$n" "\"$((want + 2 - 500)) 500\""

echo "t_audit_proto: all ok"
