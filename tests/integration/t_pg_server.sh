#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_server: casesyncd on PostgreSQL (DESIGN §11) with its seccomp
# sandbox on: casesyncctl works through the configuration's database;
# the server serves; PostgreSQL restarted under it (pg_ctl restart -m
# immediate) costs a sync at most (a retryable error, the laptop tries
# again), the server reconnects from inside the sandbox (a stream socket
# and connect, server/sandbox.c) and lives on; casesyncctl backup says
# pg_basebackup instead of copying.
CASESYNC_TEST_DB=pg
. "$(dirname "$0")/lib.sh"

deploy
grep -q "^database = postgresql:" "$SRV/casesyncd.conf" ||
    fail "init wrote no database line"
[ ! -e "$SRV/server.db" ] || fail "a server.db was made for PostgreSQL"
ctl office add Zwolle >/dev/null || fail "office add"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
expect_eq "casesyncctl reads PostgreSQL" \
    "$(pg_sql "SELECT count(*) FROM users WHERE name = 'anna'")" 1
ok "casesyncctl init --database postgresql: and the commands use it"

start_server
# sanitizer builds run without the seccomp filter (t_sandbox)
if [ -z "$SANITIZED" ]; then
	grep -q "stream sockets to reconnect to PostgreSQL" "$T/server.log" ||
	    fail "the sandbox is not on"
fi
enroll a anna
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind journal text=een >/dev/null ||
    fail "record put"
laptop a sync >"$T/s1" 2>&1 || fail "sync: $(cat "$T/s1")"
n0=$(pg_sql "SELECT count(*) FROM records")
[ "$n0" -ge 1 ] || fail "no records in PostgreSQL"
ok "a laptop syncs through casesyncd on PostgreSQL"

pg_restart_immediate
laptop a record put --case "$C" --kind journal text=twee >/dev/null ||
    fail "record put"
i=0
until laptop a sync >"$T/s2" 2>&1; do
	i=$((i + 1))
	[ $i -gt 10 ] && fail "no sync after the restart: $(cat "$T/s2")"
	server_alive
	sleep 0.5
done
server_alive
expect_eq "the change after the restart is in PostgreSQL" \
    "$(pg_sql "SELECT count(*) FROM records")" $((n0 + 1))
ok "PostgreSQL restarted: the server reconnected inside its sandbox"

ctl backup --out "$T/b.db" >"$T/bk" 2>&1 && fail "backup on PostgreSQL"
grep -q "pg_basebackup" "$T/bk" || fail "backup: $(cat "$T/bk")"
[ ! -e "$T/b.db" ] || fail "backup left a file"
ok "casesyncctl backup on PostgreSQL says pg_basebackup"
