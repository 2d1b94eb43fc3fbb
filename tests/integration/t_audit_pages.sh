#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_audit_pages: "casesyncctl audit verify" (and query) read the log in
# pages (store_audit_page(); CASESYNC_TEST_AUDIT_PAGE makes them 4 rows
# here), each page a read of its own, so that memory does not grow with
# the log (docs/AUDIT.md, "Verifying a long log").  The tree, the
# checkpoints met on the way and the checks are carried from page to
# page: a log of many pages verifies with every entry and checkpoint
# counted, and an entry changed in the third page is still found and
# named.  t_pg_suite runs it again on PostgreSQL.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office add"
i=0
while [ $i -lt 24 ]; do
	i=$((i + 1))
	ctl user add --name "user$i" --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user add $i"
done
n=$(db_sql "SELECT count(*) FROM audit_log")
ncp=$(db_sql "SELECT count(*) FROM audit_checkpoints")
[ "$n" -ge 24 ] && [ "$ncp" -ge 12 ] || fail "a short log: $n entries, $ncp checkpoints"

CASESYNC_TEST_AUDIT_PAGE=4 ctl audit verify >"$T/verify" 2>&1 ||
    fail "verify in pages of 4: $(cat "$T/verify")"
grep -q "^ok: $n entries, $ncp checkpoints verified" "$T/verify" ||
    fail "not every entry or checkpoint of $n / $ncp: $(cat "$T/verify")"
ok "a log of $n entries and $ncp checkpoints verifies in pages of 4"

CASESYNC_TEST_AUDIT_PAGE=4 ctl audit query --type admin_user_add \
    >"$T/query" 2>&1 || fail "query: $(cat "$T/query")"
expect_eq "users added, queried in pages of 4" \
    "$(grep -c 'admin_user_add' "$T/query")" 24

# the third page (entries 8 to 11) holds an entry changed behind the log
idx=9
type=$(db_sql "SELECT type FROM audit_log WHERE idx = $idx")
if [ -n "$DB_SPEC" ]; then
	db_sql "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update" \
	    >/dev/null || fail "disable trigger"
else
	db_sql "DROP TRIGGER audit_log_no_update" || fail "drop trigger"
fi
db_sql "UPDATE audit_log SET detail = 'forged' WHERE idx = $idx" \
    >/dev/null || fail "tamper"
CASESYNC_TEST_AUDIT_PAGE=4 ctl audit verify >"$T/verify" 2>&1 &&
    fail "verify passed a changed entry: $(cat "$T/verify")"
grep -q "^FAIL entry $idx ($type): the row does not match the leaf hash" \
    "$T/verify" || fail "entry $idx not named: $(cat "$T/verify")"
grep -q "^FAIL checkpoint .*its root does not match the entries" \
    "$T/verify" || fail "no checkpoint past it failed: $(cat "$T/verify")"
good=$(sed -n 's/.*checkpoints verified up to size \([0-9]*\)$/\1/p' \
    "$T/verify")
[ -n "$good" ] && [ "$good" -le $idx ] ||
    fail "checkpoints verified beyond the change: $(cat "$T/verify")"
ok "an entry changed in the third page is found and named (entry $idx, $type)"
