#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A laptop pipelines its push: the next batch, or any other request,
# may already be behind a push on the wire while the server applies
# and commits it (client/core/sync_push.c).  Whatever comes there must
# be met exactly as if it came after the reply: a second push (both
# applied, answered in order), a Ping (answered after the push), a
# frame that does not decode (the push answered, then the connection
# closed, the server serving on), and a client that hangs up right
# after sending (its push committed all the same).  A push whose
# commit fails (CASESYNC_FAULT=fail:push-commit) sends its Error and
# applies nothing.  A real laptop's large queue goes through it too.
# The crafted requests come from tests/cs_probe ("push-then") on a
# device enrolled for anna.
. "$(dirname "$0")/lib.sh"

anna_enrolled
probe_device anna
C=$(laptop a case create --frame OTS) || fail "case create"
laptop a sync >/dev/null 2>&1 || fail "sync"

notes() { db_sql "SELECT count(*) FROM records WHERE
    case_id = '$C' AND kind = 'note'"; }

# --- a laptop's queue of 5,000 changes, pipelined in batches of 1,000
# (first: the probe's notes below have bodies no laptop can open)
laptop a record bulk --case "$C" --kind note --count 5000 --size 200 \
    >/dev/null || fail "bulk"
laptop a --json sync >"$T/sync.json" 2>"$T/sync.err" ||
    fail "sync: $(cat "$T/sync.err")"
grep -q '"pushed":5000' "$T/sync.json" ||
    fail "not all pushed: $(cat "$T/sync.json")"
expect_eq "5,000 notes on the server" "$(notes)" 5000
laptop a sync >/dev/null 2>&1 || fail "sync again"
ok "the laptop in sync"

# --- a push, and a small one behind it in the same write
expect_eq "a push and a push behind it: both answered, in order" \
    "$(probe $AUTH push-then "$C" 600 push)" \
    "push applied 600 of 600
push applied 10 of 10"
expect_eq "5,610 notes on the server" "$(notes)" 5610

# --- a Ping behind a push: answered after it
expect_eq "a push and a Ping behind it" \
    "$(probe $AUTH push-then "$C" 600 ping)" \
    "push applied 600 of 600
pong"
expect_eq "6,210 notes" "$(notes)" 6210

# --- a frame that does not decode behind a push
expect_eq "a push and garbage behind it: the push answered, then closed" \
    "$(probe $AUTH push-then "$C" 600 garbage)" \
    "push applied 600 of 600
closed"
expect_eq "6,810 notes" "$(notes)" 6810
grep -q "closing: malformed input" "$T/server.log" ||
    fail "no log line for the garbage: $(tail -3 "$T/server.log")"
ok "the garbage was refused as malformed, in the log"

# --- a client that hangs up right after its push
expect_eq "a push, then hang up" "$(probe $AUTH push-then "$C" 1000 close)" \
    sent
i=0
while [ "$(notes)" -lt 7810 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "its push committed all the same" "$(notes)" 7810
expect_eq "the server serves on" "$(probe $AUTH ping)" pong
server_alive

# --- a push whose commit fails: its Error, and nothing of it applied
stop_server
CASESYNC_FAULT=fail:push-commit start_server
expect_eq "a failed commit: its Error only" \
    "$(probe $AUTH push-then "$C" 600 ping)" "error UNAVAILABLE"
expect_eq "nothing of it applied" "$(notes)" 7810
grep -q "push not applied: database unavailable" "$T/server.log" ||
    fail "no log line for the failed commit"
ok "the failed commit is in the log"
server_alive
