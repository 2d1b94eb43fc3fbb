#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_sdb_pg: the store's SQL connection (server/store/sdb.h) on a real
# PostgreSQL: test_sdb runs its statements on both backends, here with
# a throw-away cluster (pg_lib.sh), including a connection killed
# inside and outside a transaction.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"

[ -x "$B/tests/test_sdb" ] || fail "build the tests first (make testbins)"
pg_start
CASESYNC_TEST_PG="$PG_CONNINFO" "$B/tests/test_sdb" >"$T/out" 2>&1 ||
    { cat "$T/out" >&2; fail "test_sdb on PostgreSQL"; }
grep -q '^ok - postgresql: a lost connection' "$T/out" ||
    fail "the PostgreSQL part did not run: $(cat "$T/out")"
ok "test_sdb passes on SQLite and PostgreSQL"
