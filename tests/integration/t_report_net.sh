#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The management figures over the protocol (issue 20; docs/PROTOCOL.md
# "Management figures"): on the deployment of t_report.sh, with known
# counts (report_fixture.sh), lars, the team lead of Lelystad, asks with
# `casesync report figures`; its JSON, CSV and table are byte for byte
# what `casesyncctl report --office Lelystad` prints on the server
# (with and without --since), and the figures are the known ones.
# Anna (not a lead) is refused, so is lars for Zwolle and for an office
# that does not exist; a ReportRequest with an impossible date or an
# office name with a control character (sent raw) closes that
# connection only.  Each request, answered or refused, is a
# "report_read" audit entry naming who asked and which office.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_fixture.sh"

# --- lars: the figures of Lelystad, as casesyncctl prints them
laptop l report figures --json >"$T/net.json" 2>"$T/err" ||
    fail "report figures --json: $(cat "$T/err")"
ctl report --json --office Lelystad >"$T/ctl.json" || fail "ctl report"
cmp -s "$T/net.json" "$T/ctl.json" ||
    fail "protocol json differs: $(cat "$T/net.json") / $(cat "$T/ctl.json")"
ok "report figures --json is casesyncctl report --json --office Lelystad"
fig() {		# fig FRAME KEY
	jq -r --arg f "$1" \
	    ".groups[] | select(.office == \"Lelystad\" and .frame == \$f) | .$2" \
	    "$T/net.json"
}
Z="active new closed drang_ended drang_to_raad drang_median_days"
Z="$Z drang_extended ots_extensions toetsing_overdue ots_request_overdue"
Z="$Z transfers_in transfers_out glass"
got=""
for k in $Z; do got="$got $(fig DRANG "$k")"; done
expect_eq "Lelystad DRANG figures over the protocol" "$got" \
    " 1 1 0 0 0 null 0 0 0 0 1 0 0"
expect_eq "only Lelystad, four frames" \
    "$(jq -r '[.groups[].office] | unique | join(",")' "$T/net.json") \
$(jq '.groups | length' "$T/net.json")" "Lelystad 4"
expect_eq "new this month, per month" "$(jq -r --arg m "$MONTH" \
    '.groups[] | select(.frame == "DRANG") | .months[] |
    select(.month == $m) | "\(.new) \(.closed)"' "$T/net.json")" "1 0"

laptop l --json report figures >"$T/net2.json" ||
    fail "--json before report"
cmp -s "$T/net.json" "$T/net2.json" || fail "--json before differs"
laptop l report figures --office Lelystad --csv >"$T/net.csv" ||
    fail "report figures --csv"
ctl report --format csv --office Lelystad >"$T/ctl.csv" || fail "ctl csv"
cmp -s "$T/net.csv" "$T/ctl.csv" || fail "csv differs: $(cat "$T/net.csv")"
laptop l report figures >"$T/net.txt" || fail "report figures"
ctl report --office Lelystad >"$T/ctl.txt" || fail "ctl table"
cmp -s "$T/net.txt" "$T/ctl.txt" || fail "table differs: $(cat "$T/net.txt")"
grep -Eq "^Lelystad +DRANG +1 +1 +0 +0 +0 +- +0 +0 +0 +0 +1 +0 +0$" \
    "$T/net.txt" || fail "table: $(cat "$T/net.txt")"
ok "CSV and table are casesyncctl's, with --office their own office"

laptop l report figures --json --since "$MONTH-01" >"$T/since.json" ||
    fail "--since"
ctl report --json --office Lelystad --since "$MONTH" >"$T/ctlsince.json"
cmp -s "$T/since.json" "$T/ctlsince.json" ||
    fail "--since differs: $(cat "$T/since.json")"
NEXT=$(date -u -d "$TODAY + 1 month" +%Y-%m-01)
laptop l report figures --json --since "$NEXT" >"$T/later.json" ||
    fail "--since next month"
expect_eq "since next month: nothing new, still active" \
    "$(fig DRANG active) $(jq -r '.since as $s | .groups[] |
    select(.frame == "DRANG") | "\(.new) \(.transfers_in) \($s)"' \
    "$T/later.json")" \
    "1 0 0 $NEXT"

# --- refusals: the usual FORBIDDEN, exit 5; the server lives on
expect_refused "anna, not a team lead, is refused" 5 "only a teamleider" \
    a report figures
expect_refused "lars asking for Zwolle is refused" 5 "not an office you lead" \
    l report figures --office Zwolle
expect_refused "an office that does not exist: the same refusal" 5 \
    "not an office you lead" l report figures --office Nergens
expect_refused "a bad --since is a usage error on the laptop" 2 \
    "YYYY-MM-DD" l report figures --since 2026-02-30
expect_refused "--csv and --json together" 2 "usage" \
    l report figures --csv --json

# hostile requests, sent raw: the validator closes that connection
probe_device lars
rawreq() {	# rawreq SINCE OFFICE: a framed Envelope{id 1, ReportRequest}
	python3 - "$1" "$2" <<'PY'
import sys
def ld(field, b):
    t = (field << 3) | 2
    out = b""
    while True:
        c, t = t & 0x7f, t >> 7
        out += bytes([c | (0x80 if t else 0)])
        if not t:
            break
    return out + bytes([len(b)]) + b
# empty strings left out, as protobuf encodes them (canonical: wire.c)
body = b"".join(ld(i + 1, a.encode()) for i, a in enumerate(sys.argv[1:3])
    if a)
env = bytes([0x08, 0x01]) + ld(130, body)
print((len(env).to_bytes(4, "big") + env).hex())
PY
}
expect_eq "a well-formed request, sent raw, is answered" \
    "$(probe -c "$T/dev.crt" -k "$T/dev.key" raw "$(rawreq '' '')")" \
    "message 131"
for bad in "2026-13-01:" "2026-02-30:" "1-1-1:" "2026-01-01x:" \
    ":$(printf 'Lely\033stad')"; do
	got=$(probe -c "$T/dev.crt" -k "$T/dev.key" raw \
	    "$(rawreq "${bad%%:*}" "${bad#*:}")")
	expect_eq "bad request '$bad' closes its connection" "$got" "closed"
	server_alive
done
laptop l report figures >/dev/null || fail "figures after the bad requests"
ok "the server still answers"

# --- the audit: every request an entry, who and which office
ctl audit query --type report_read --format json >"$T/audit.json" ||
    fail "audit query"
jq -c '[.user, .object_id, .outcome, .detail]' \
    "$T/audit.json" >"$T/audit.lines" || fail "audit json"
grep -q '^\["lars","Lelystad","success","since=all groups=4"\]$' \
    "$T/audit.lines" || fail "no entry of lars' figures: $(cat "$T/audit.lines")"
grep -q "^\[\"lars\",\"Lelystad\",\"success\",\"since=$NEXT groups=4\"\]$" \
    "$T/audit.lines" || fail "no entry with since: $(cat "$T/audit.lines")"
grep -q '^\["anna","Zwolle","failure","not a team lead since=all"\]$' \
    "$T/audit.lines" || fail "no entry of anna's refusal: $(cat "$T/audit.lines")"
grep -q '^\["lars","Zwolle","failure","not an office the user leads' \
    "$T/audit.lines" || fail "no entry of the other office: $(cat "$T/audit.lines")"
grep -q '^\["lars","Nergens","failure"' "$T/audit.lines" ||
    fail "no entry of the unknown office: $(cat "$T/audit.lines")"
ok "each request is a report_read entry: $(wc -l <"$T/audit.lines") of them"
