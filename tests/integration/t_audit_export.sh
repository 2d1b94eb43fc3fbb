#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The auditor's export and verify over the protocol (issue 19,
# "Auditors"; AuditExportResponse, Envelope 112/113): `casesync audit
# export` writes the same JSON lines, leaf included, as `casesyncctl
# audit export` on the host, with the same filters, refused the same
# way when misspelt; `casesync audit verify` checks every entry against
# the server's signed checkpoint (-q: silent) and says so when an
# entry in the server's database was changed afterwards; both are for
# the auditor alone (anyone else: FORBIDDEN); each request, answered
# or refused, is an "audit_read" entry ("protocol export").
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name olga --role auditor --office Zwolle >/dev/null
start_server
enroll a anna
enroll o olga
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Exportmarkerjansen \
    bsn=999990019 >/dev/null || fail "record put"
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
laptop o sync >"$T/sync" 2>&1 || fail "sync o: $(cat "$T/sync")"

# ---- export: the host's lines, byte for byte
laptop o audit export >"$T/x.ndjson" 2>"$T/err" ||
    fail "export: $(cat "$T/err")"
n=$(wc -l <"$T/x.ndjson")
[ "$n" -ge 10 ] || fail "export: only $n lines"
ctl audit export >"$T/host.ndjson" 2>"$T/err" || fail "ctl export"
grep '^{"idx":' "$T/host.ndjson" | head -n "$n" >"$T/host.entries"
cmp -s "$T/x.ndjson" "$T/host.entries" ||
    fail "export differs from the host's: $(diff "$T/x.ndjson" \
    "$T/host.entries" | head -5)"
ok "audit export: the host's entry lines, leaf included ($n entries)"
jq -e -s 'all(.[]; has("addr") and has("leaf") and (.leaf | length) == 64)
    and ([.[].idx] == [range(0; length)])' "$T/x.ndjson" >/dev/null ||
    fail "export: not every entry, or no leaf"
if grep -q -e Exportmarkerjansen -e 999990019 "$T/x.ndjson"; then
	fail "case content in the export"
fi
ok "every entry from 0 on, with its address and leaf; no case content"

# ---- the same filters as query
laptop o audit export --type login --user anna --after 2 \
    >"$T/f.ndjson" 2>"$T/err" || fail "export --type: $(cat "$T/err")"
ctl audit export --type login --user anna --after 2 |
    grep '^{"idx":' >"$T/hf.ndjson"
[ -s "$T/f.ndjson" ] || fail "filtered export is empty"
head -n "$(wc -l <"$T/f.ndjson")" "$T/hf.ndjson" | cmp -s - "$T/f.ndjson" ||
    fail "filtered export differs from the host's"
jq -e -s 'all(.[]; .type == "login" and .user == "anna" and .idx > 2)' \
    "$T/f.ndjson" >/dev/null || fail "the filter was not applied"
ok "export --type --user --after: the host's selection"
expect_refused "export: a misspelt --type is refused, naming the types" 5 \
    "unknown type lgin.*the types are:" o audit export --type lgin
expect_refused "export: --json is not an option (JSON lines always)" 2 \
    "unknown option --json" o audit export --json

# ---- the auditor alone
expect_refused "export: a jeugdbeschermer is refused" 5 \
    "FORBIDDEN.*only an auditor" a audit export
expect_refused "verify: a jeugdbeschermer is refused" 5 \
    "FORBIDDEN.*only an auditor" a audit verify

# ---- verify
laptop o audit verify >"$T/v.out" 2>"$T/err" ||
    fail "verify: $(cat "$T/err")"
grep -q "^audit log verified: [0-9]* entries, checkpoint signed .*, root [0-9a-f]\{64\}$" \
    "$T/v.out" || fail "verify says: $(cat "$T/v.out")"
ok "audit verify: every entry under the signed checkpoint"
laptop o audit verify -q >"$T/v.out" 2>"$T/err" ||
    fail "verify -q: $(cat "$T/err")"
[ -s "$T/v.out" ] && fail "verify -q printed: $(cat "$T/v.out")"
[ -s "$T/err" ] && fail "verify -q printed: $(cat "$T/err")"
ok "audit verify -q is silent when the log holds"

# ---- each request is an audit_read entry
ctl audit query --type audit_read --format ndjson |
    jq -r 'select(.object_id == "protocol export") | "\(.user) \(.outcome)"' |
    sort | uniq -c >"$T/reads"
grep -q " olga success$" "$T/reads" || fail "no entry of olga's export"
grep -q " anna failure$" "$T/reads" || fail "no entry of anna's refusal"
ok "each export, answered or refused, is an audit_read entry"

# ---- a changed entry does not verify
stop_server
sqlite3 "$SRV/server.db" "DROP TRIGGER audit_log_no_update;
    UPDATE audit_log SET user = 'mallory' WHERE idx = 1;" ||
    fail "tampering"
start_server
laptop o audit verify >"$T/v.out" 2>"$T/err"
expect_eq "verify of a changed log exits 1" $? 1
grep -q "does NOT verify: the entries do not hash to the signed root" \
    "$T/err" || fail "verify says: $(cat "$T/err")"
ok "an entry changed in the server's database is caught by verify"
laptop o audit verify -q >"$T/v.out" 2>"$T/err"
expect_eq "verify -q of a changed log exits 1" $? 1
[ -s "$T/err" ] || fail "verify -q said nothing about the changed log"
ok "verify -q still says what is wrong"
