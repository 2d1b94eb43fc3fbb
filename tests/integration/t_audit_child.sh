#!/bin/sh
# SPDX-License-Identifier: ISC
#
# "Who looked at this child's file?" per child (issue 19): a read of a
# record that concerns one child (the child's person record, or a record
# whose "child" field names it) is logged on the laptop with the child's
# pseudonymous id, chained and signed like every read, and reaches the
# audit log as a read of object "child"; `casesync audit who --case C
# --child NAME` shows the reads of the whole file and of that child's
# part, not those of another child's, with the child's name from the
# laptop; the server's log holds the id, never the name.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert

C=$(laptop a case create --frame DRANG) || fail "case create"
S=$(laptop a record put --case "$C" --kind person name=Sanne role=child) ||
    fail "child Sanne"
D=$(laptop a record put --case "$C" --kind person name=Daan role=child) ||
    fail "child Daan"
laptop a record put --case "$C" --kind person name=Ouder role=parent \
    >/dev/null || fail "parent"
laptop a record put --case "$C" --kind casefile title="Familie Bosman" \
    >/dev/null || fail "case file"
laptop a case member --case "$C" --user bert >/dev/null || fail "member add"
laptop a sync >"$T/sync.a" 2>&1 || fail "sync a: $(cat "$T/sync.a")"
laptop b sync >"$T/sync.b" 2>&1 || fail "sync b: $(cat "$T/sync.b")"

# bert reads Daan's record; anna reads Sanne's and the whole file
laptop b record get "$D" >/dev/null || fail "bert reads Daan"
laptop a record get "$S" >/dev/null || fail "anna reads Sanne"
laptop a person list --case "$C" >/dev/null || fail "anna lists people"
laptop b sync >"$T/sync.b" 2>&1 || fail "sync b: $(cat "$T/sync.b")"
laptop a sync >"$T/sync.a" 2>&1 || fail "sync a: $(cat "$T/sync.a")"

# the server's log: reads of object "child" with the ids, no names
ctl audit query --type read --format ndjson >"$T/reads.nd" ||
    fail "audit query"
n=$(jq -r --arg s "$S" 'select(.object_type == "child" and
    .object_id == $s and .user == "anna") | .idx' "$T/reads.nd" | wc -l)
[ "$n" -ge 1 ] || fail "no child read of Sanne by anna: $(cat "$T/reads.nd")"
n=$(jq -r --arg d "$D" 'select(.object_type == "child" and
    .object_id == $d and .user == "bert") | .idx' "$T/reads.nd" | wc -l)
[ "$n" -ge 1 ] || fail "no child read of Daan by bert"
! grep -q 'Sanne\|Daan' "$T/reads.nd" || fail "a child's name in the log"
ok "reads of one child reach the server's log with the child's id only"

# who --child Sanne: anna's read of Sanne and the whole-file reads,
# not bert's read of Daan
laptop a audit who --case "$C" --child sanne >"$T/who" 2>"$T/err" ||
    fail "audit who --child: $(cat "$T/err")"
grep -q 'anna .*child Sanne' "$T/who" || fail "no 'child Sanne': $(cat "$T/who")"
! grep -q 'Daan' "$T/who" || fail "Daan's read shown for Sanne: $(cat "$T/who")"
grep -q 'anna .* case' "$T/who" || fail "whole-file reads missing"
ok "audit who --child shows that child's reads and the whole file's"

laptop a audit who --case "familie bosman" >"$T/who.all" 2>"$T/err" ||
    fail "audit who: $(cat "$T/err")"
grep -q 'bert .*child Daan' "$T/who.all" ||
    fail "without --child no 'child Daan': $(cat "$T/who.all")"
ok "audit who --case TITLE names each child whose part was read"

laptop a --json audit who --case "$C" --child Daan >"$T/who.json" ||
    fail "who --json"
jq -e --arg s "$S" --arg d "$D" 'any(.entries[]; .object_type == "child"
    and .object_id == $d) and all(.entries[]; .object_type != "child" or
    .object_id != $s)' "$T/who.json" >/dev/null ||
    fail "--json --child Daan: $(cat "$T/who.json")"
ok "--json with --child"

expect_refused "an unknown child" 2 "no child of that name" a \
    audit who --case "$C" --child Pietje
expect_refused "--child without who" 2 "unknown option --child" a \
    audit query --case "$C" --child Sanne

# the chain stays whole across old (no child) and new entries
laptop a reads >/dev/null || fail "casesync reads: the chain does not verify"
ok "the laptop's read log verifies with child entries"
