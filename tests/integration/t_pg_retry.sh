#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A database that goes away is a retryable refusal, end to end (issue 22,
# DESIGN §11): with PostgreSQL down, a laptop's Hello is answered
# UNAVAILABLE "database unavailable" with retry_after_ms (not "this
# device is not enrolled", which a failed device lookup used to say);
# PostgreSQL restarted with -m immediate in the middle of a large push:
# the batch in progress is refused UNAVAILABLE, the laptop exits with
# its "try again" status (8) and keeps its changes, the server logs why,
# reconnects, and the next sync completes: the server holds exactly the
# laptop's records and the audit log verifies (nothing acknowledged
# that was not committed).
CASESYNC_TEST_DB=pg
. "$(dirname "$0")/lib.sh"

N=${N:-20000}

deploy
ctl office add Zwolle >/dev/null || fail "office add"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
start_server
enroll a anna
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a sync >"$T/s0" 2>&1 || fail "first sync: $(cat "$T/s0")"

# PostgreSQL down: the device cannot be looked up
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null ||
    fail "pg_ctl stop"
laptop a sync >"$T/down" 2>&1
rc=$?
server_alive
expect_eq "PostgreSQL down: the laptop's status is 'try again'" "$rc" 8
grep -q "UNAVAILABLE: database unavailable; retry" "$T/down" ||
    fail "PostgreSQL down: the laptop was told: $(cat "$T/down")"
grep -q "try again in 1 s" "$T/down" ||
    fail "no retry_after_ms reached the laptop: $(cat "$T/down")"
grep -q "not enrolled" "$T/down" && fail "told 'not enrolled': $(cat "$T/down")"
grep -q "refused: UNAVAILABLE (database unavailable; retry)" "$T/server.log" ||
    fail "the server log does not say why: $(tail -5 "$T/server.log")"
ok "PostgreSQL down: Hello refused UNAVAILABLE, database unavailable"
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 start \
    >/dev/null || fail "pg_ctl start"
laptop a sync >"$T/up" 2>&1 || fail "sync after the start: $(cat "$T/up")"
ok "PostgreSQL back: the same server syncs the laptop"

# a restart in the middle of a push of N records (batches of 1000)
laptop a record bulk --case "$C" --kind note --count "$N" --size 200 \
    >/dev/null || fail "bulk"
laptop a sync >"$T/mid" 2>&1 &
lp=$!
# the first batches committed: then the restart
i=0
until [ "$(pg_sql "SELECT count(*) FROM records" 2>/dev/null)" -gt 1000 ]
do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "the push did not start"
	sleep 0.05
done
pg_restart_immediate
wait $lp
rc=$?
server_alive
[ "$rc" -ne 0 ] || fail "the push finished before the restart: raise N"
expect_eq "restart during a push: the laptop's status is 'try again'" \
    "$rc" 8
grep -q "UNAVAILABLE: .*database unavailable; retry" "$T/mid" ||
    fail "restart during a push: the laptop was told: $(cat "$T/mid")"
grep -q "push not applied: database unavailable; refused as retryable" \
    "$T/server.log" || grep -q "refused: UNAVAILABLE (database unavailable" \
    "$T/server.log" || fail "the server log does not say why:" \
    "$(tail -5 "$T/server.log")"
grep -q "INTERNAL" "$T/mid" && fail "an INTERNAL error: $(cat "$T/mid")"
ok "PostgreSQL restarted during a push: refused UNAVAILABLE, retry"

i=0
until laptop a sync >"$T/again" 2>&1; do
	i=$((i + 1))
	[ $i -gt 20 ] && fail "no sync after the restart: $(cat "$T/again")"
	sleep 0.5
done
want=$(ctl records digest) || fail "server digest"
expect_eq "the server holds every record of the laptop" "${want%% *}" "$N"
expect_eq "the laptop matches the server" "$(laptop a digest)" "$want"
stop_server
ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ok "nothing acknowledged was lost; audit verify passes"
