#!/bin/sh
# SPDX-License-Identifier: ISC
#
# While a large push commits, the worker's second thread encodes its
# reply and reads and decodes what the laptop sent behind it
# (server/sync.c, server/session.c session_read_ahead).  Whatever comes
# there must be met exactly as if it came later: a second push (both
# applied, answered in order), a Ping (answered after the push), a
# frame that does not decode (the push answered, then the connection
# closed, the server serving on), and a client that hangs up right
# after sending (its push committed all the same).  A push whose
# commit fails (CASESYNC_FAULT=fail:push-commit) sends its Error, never
# the reply made during the commit.  A real laptop's large queue goes
# through it too, and the metrics count the requests read ahead.  The
# crafted requests come from tests/cs_probe ("push-ahead") on a device
# enrolled for anna.
. "$(dirname "$0")/lib.sh"

M="python3 $(dirname "$0")/metrics.py"
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
MP=$($M freeport) || fail "freeport"
start_server "metrics_listen = 127.0.0.1:$MP"
enroll a anna
probe_device anna
C=$(laptop a case create --frame OTS) || fail "case create"
laptop a sync >/dev/null 2>&1 || fail "sync"

notes() { db_sql "SELECT count(*) FROM records WHERE
    case_id = '$C' AND kind = 'note'"; }
ahead() {
	$M scrape 127.0.0.1 "$MP" "$T/m" 2>"$T/scrape.err" ||
	    fail "scrape: $(cat "$T/scrape.err")"
	v=$(awk '$1 == "casesyncd_requests_read_ahead_total" { printf "%d", $2 }' \
	    "$T/m")
	echo "${v:-0}"
}
a0=$(ahead)

# --- a laptop's queue of 5,000 changes, pipelined in batches of 1,000
# (first: the probe's notes below have bodies no laptop can open)
laptop a record bulk --case "$C" --kind note --count 5000 --size 200 \
    >/dev/null || fail "bulk"
laptop a --json sync >"$T/sync.json" 2>"$T/sync.err" ||
    fail "sync: $(cat "$T/sync.err")"
grep -q '"pushed":5000' "$T/sync.json" ||
    fail "not all pushed: $(cat "$T/sync.json")"
expect_eq "5,000 notes on the server" "$(notes)" 5000
a1=$(ahead)
[ "$a1" -gt "$a0" ] ||
    fail "none of the laptop's batches was read ahead ($a0, $a1)"
ok "the laptop's later batches were read ahead ($((a1 - a0)) of 4)"
laptop a sync >/dev/null 2>&1 || fail "sync again"
ok "the laptop in sync"

# --- a push, and a small one behind it in the same write
expect_eq "a push and a push behind it: both answered, in order" \
    "$(probe $AUTH push-ahead "$C" 600 push)" \
    "push applied 600 of 600
push applied 10 of 10"
expect_eq "5,610 notes on the server" "$(notes)" 5610

# --- a Ping behind a push: answered after it
expect_eq "a push and a Ping behind it" \
    "$(probe $AUTH push-ahead "$C" 600 ping)" \
    "push applied 600 of 600
pong"
expect_eq "6,210 notes" "$(notes)" 6210
a2=$(ahead)
[ "$a2" -gt "$a1" ] ||
    fail "neither the push nor the Ping was read ahead ($a1, $a2)"
ok "what came behind a push was read during its commit ($((a2 - a1)) of 2)"

# --- a frame that does not decode behind a push
expect_eq "a push and garbage behind it: the push answered, then closed" \
    "$(probe $AUTH push-ahead "$C" 600 garbage)" \
    "push applied 600 of 600
closed"
expect_eq "6,810 notes" "$(notes)" 6810
grep -q "closing: malformed input" "$T/server.log" ||
    fail "no log line for the garbage: $(tail -3 "$T/server.log")"
ok "the garbage was refused as malformed, in the log"

# --- a client that hangs up right after its push
expect_eq "a push, then hang up" "$(probe $AUTH push-ahead "$C" 1000 close)" \
    sent
i=0
while [ "$(notes)" -lt 7810 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "its push committed all the same" "$(notes)" 7810
expect_eq "the server serves on" "$(probe $AUTH ping)" pong
server_alive

# --- a push whose commit fails: the reply made during the commit is
# dropped and the Error goes out instead
stop_server
CASESYNC_FAULT=fail:push-commit start_server
expect_eq "a failed commit: its Error only" \
    "$(probe $AUTH push-ahead "$C" 600 ping)" "error UNAVAILABLE"
expect_eq "nothing of it applied" "$(notes)" 7810
grep -q "push not applied: database unavailable" "$T/server.log" ||
    fail "no log line for the failed commit"
ok "the failed commit is in the log"
server_alive
