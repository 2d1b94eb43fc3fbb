#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_cluster: the throw-away PostgreSQL cluster of pg_lib.sh that the
# PostgreSQL tests build on (issue 22): it starts as an unprivileged user
# on a socket in the test's directory, keeps a committed row across a
# crash (pg_ctl restart -m immediate), and is stopped when a test fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"

pg_start
ok "cluster started on $PGHOST port $PGPORT"
owner=$(stat -c %U "$PG_DIR/data")
if [ "$(id -u)" -eq 0 ]; then
	expect_eq "the cluster runs unprivileged" "$owner" nobody
fi
pg_sql "CREATE TABLE t (v integer NOT NULL)" || fail "create table"
pg_sql "INSERT INTO t VALUES (42)" || fail "insert"
expect_eq "synchronous_commit" "$(pg_sql "SHOW synchronous_commit")" on
pg_restart_immediate
expect_eq "a commit survives a crash" "$(pg_sql "SELECT v FROM t")" 42
ok "committed row kept across pg_ctl restart -m immediate"

# a failing test stops its cluster: run one that fails after pg_start
cat >"$T/failing.sh" <<EOS
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/pg_lib.sh"
pg_start
echo "\$PG_DIR" >"$T/failing.dir"
fail "on purpose"
EOS
BUILD="$BUILD" sh "$T/failing.sh" >"$T/failing.out" 2>&1 &&
    fail "the failing test passed"
fdir=$(cat "$T/failing.dir")
[ -n "$fdir" ] || fail "the failing test did not start its cluster"
if pgrep -f "postgres -D $fdir/data" >/dev/null; then
	fail "a failing test left its cluster running"
fi
[ ! -d "$fdir" ] || fail "a failing test left $fdir"
ok "a failing test stops and removes its cluster"

pg_stop
pgrep -f "postgres -D $PG_DIR/data" >/dev/null && fail "still running"
ok "stopped"
