#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_store_pg: the store's unit tests on PostgreSQL (DESIGN §11).  Each
# test binary that opens a store takes its backend from
# CASESYNC_TEST_DATABASE (tests/unit/test_store_db.h); here they run,
# one after another, on a throw-away cluster (pg_lib.sh), each on an
# emptied database.  run.sh runs them on SQLite.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"

UNITS="test_store test_store_schema test_store_users test_store_sync
test_store_pull test_store_cases test_store_late test_store_transfer
test_store_keys test_store_approvals test_store_measures test_store_renew
test_store_report test_store_restore test_store_audit_q test_retention
test_store_push_batch
test_audit"

for u in $UNITS; do
	[ -x "$B/tests/$u" ] || fail "build the tests first (make testbins)"
done
pg_start
for u in $UNITS; do
	(cd "$T" && CASESYNC_TEST_DATABASE="postgresql:$PG_CONNINFO" \
	    "$B/tests/$u") >"$T/$u.out" 2>&1 ||
	    { tail -20 "$T/$u.out" >&2; fail "$u on PostgreSQL"; }
	grep -q '^# on PostgreSQL' "$T/$u.out" ||
	    fail "$u did not run on PostgreSQL"
done
ok "the store's unit tests pass on PostgreSQL: $(echo $UNITS | wc -w) binaries"
