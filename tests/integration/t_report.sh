#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesyncctl report (issue 20; docs/ADMIN.md "Management information")
# on a real deployment: cases made and moved by real laptops (a drang
# that went to the Raad after 50 days, one whose toetsing is overdue, a
# transfer to another office, a break-the-glass use; the drang start
# dates moved back in the database: report_fixture.sh), then the report
# in each format, parsed (CSV with python's csv module, JSON with jq),
# every figure of the two offices' DRANG groups checked.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/report_fixture.sh"

# JSON, with jq: every figure of both DRANG groups
ctl report --format json >"$T/rep.json" 2>"$T/err" ||
    fail "report json: $(cat "$T/err")"
fig() {		# fig OFFICE FRAME KEY
	jq -r --arg o "$1" --arg f "$2" \
	    ".groups[] | select(.office == \$o and .frame == \$f) | .$3" \
	    "$T/rep.json"
}
expect_eq "json: today" "$(jq -r .today "$T/rep.json")" "$TODAY"
expect_eq "json: 2 offices x 4 frames" \
    "$(jq '.groups | length' "$T/rep.json")" 8
Z="active new closed drang_ended drang_to_raad drang_median_days"
Z="$Z drang_extended ots_extensions toetsing_overdue ots_request_overdue"
Z="$Z transfers_in transfers_out glass"
got=""
for k in $Z; do got="$got $(fig Zwolle DRANG "$k")"; done
expect_eq "json: Zwolle DRANG figures" "$got" \
    " 2 2 0 1 1 50 0 0 1 0 0 1 1"
got=""
for k in $Z; do got="$got $(fig Lelystad DRANG "$k")"; done
expect_eq "json: Lelystad DRANG figures" "$got" \
    " 1 1 0 0 0 null 0 0 0 0 1 0 0"
expect_eq "json: Zwolle OTS is empty" "$(fig Zwolle OTS active)" 0
expect_eq "json: new this month" "$(jq -r --arg m "$MONTH" \
    '.groups[] | select(.office == "Zwolle" and .frame == "DRANG") |
    .months[] | select(.month == $m) | .new' "$T/rep.json")" 2
ctl report --json >"$T/rep2.json" || fail "report --json"
cmp -s "$T/rep.json" "$T/rep2.json" || fail "--json differs from --format json"
ok "--json is --format json"

# CSV, with python's csv module: a header, a row per group and month
ctl report --format csv --office Zwolle >"$T/rep.csv" 2>"$T/err" ||
    fail "report csv: $(cat "$T/err")"
python3 - "$T/rep.csv" "$MONTH" >"$T/csv.out" 2>&1 <<'PY' ||
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
tot = {(r["office"], r["frame"]): r for r in rows if r["month"] == "all"}
assert sorted(tot) == [("Zwolle", f) for f in
    sorted(["DRANG", "VOTS", "OTS", "VOOGDIJ"])], sorted(tot)
d = tot[("Zwolle", "DRANG")]
got = [d[k] for k in ("active", "new", "drang_ended", "drang_to_raad",
    "drang_median_days", "toetsing_overdue", "transfers_out", "glass")]
assert got == ["2", "2", "1", "1", "50", "1", "1", "1"], got
assert tot[("Zwolle", "OTS")]["drang_median_days"] == ""
m = [r for r in rows if r["month"] == sys.argv[2]]
assert len(m) == 1 and m[0]["new"] == "2" and m[0]["closed"] == "0", m
print("csv ok", len(rows))
PY
    fail "csv: $(cat "$T/csv.out"): $(cat "$T/rep.csv")"
ok "csv: parsed, Zwolle's figures and its month"

# the table, for people
ctl report --since "$MONTH" >"$T/rep.txt" 2>"$T/err" ||
    fail "report: $(cat "$T/err")"
grep -Eq "^Zwolle +DRANG +2 +2 +0 +1 +1 +50 +0 +0 +1 +0 +0 +1 +1$" \
    "$T/rep.txt" || fail "table: $(cat "$T/rep.txt")"
grep -Eq "^Lelystad +DRANG +1 +1 +0 +0 +0 +- " "$T/rep.txt" ||
    fail "table Lelystad: $(cat "$T/rep.txt")"
grep -Eq "^Zwolle +DRANG +$MONTH +2 +0$" "$T/rep.txt" ||
    fail "table month: $(cat "$T/rep.txt")"
ok "table: the figures and the month"

# a later --since leaves this month's events out; bad options
NEXT=$(date -u -d "$TODAY + 1 month" +%Y-%m-01 | cut -c1-7)
ctl report --json --since "$NEXT" >"$T/later.json" || fail "--since later"
expect_eq "since next month: nothing new" "$(jq -r '.groups[] |
    select(.office == "Zwolle" and .frame == "DRANG") |
    "\(.new) \(.drang_ended) \(.glass) \(.active)"' "$T/later.json")" \
    "0 0 0 2"
ctl report --office Nergens >/dev/null 2>"$T/err" &&
    fail "an unknown office was accepted"
grep -q "no such office" "$T/err" || fail "$(cat "$T/err")"
ctl report --since 2026-13 >/dev/null 2>&1
expect_eq "a bad --since is a usage error" "$?" 2
ctl report --format xml >/dev/null 2>&1
expect_eq "a bad --format is a usage error" "$?" 2
ctl report --help >"$T/help" || fail "report --help"
grep -q "report \[--office NAME\]" "$T/help" || fail "$(cat "$T/help")"
ok "report: refusals and help"
