#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_notify: what casesyncd instances on one PostgreSQL tell each
# other (server/store/sdb.h: sdb_notify, sdb_listen_*),
# on a throw-away cluster (pg_lib.sh): test_sdb_notify's PostgreSQL
# part (delivered at commit and only then, in commit order; a killed or
# silent listener connection is noticed and made again).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"

[ -x "$B/tests/test_sdb_notify" ] ||
    fail "build the tests first (make testbins)"
pg_start
CASESYNC_TEST_PG="$PG_CONNINFO" "$B/tests/test_sdb_notify" >"$T/out" 2>&1 ||
    { cat "$T/out" >&2; fail "test_sdb_notify on PostgreSQL"; }
grep -q '^ok - postgresql: a server that stops answering' "$T/out" ||
    fail "the PostgreSQL part did not run: $(cat "$T/out")"
ok "test_sdb_notify passes on SQLite and PostgreSQL"
