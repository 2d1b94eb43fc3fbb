#!/bin/sh
# SPDX-License-Identifier: ISC
#
# An accepted login's audit entry (docs/AUDIT.md, "Group commit"): the
# Welcome does not wait for its commit; the entry rides the commit of
# the connection's push (a sync session that pushes costs one commit,
# not two), and on a connection that does nothing more it is committed
# within AUDIT_LATER_MS (20 ms) while the connection stays open.  Every
# login is in the log either way, before the entries that follow it.
. "$(dirname "$0")/lib.sh"

M="python3 $(dirname "$0")/metrics.py"
N=4

load() {
	"$B/tests/cs_load" -s "$ADDR" -C "$SRV/ca.crt" -d "$T/ids" "$@" \
	    2>>"$T/load.log"
}
field() {	# field NAME FILE: the value after NAME in cs_load's report
	tail -n 1 "$2" |
	    awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}
logins() { db_sql "SELECT count(*) FROM audit_log WHERE type = 'login'"; }
commits() {
	$M scrape 127.0.0.1 "$MP" "$T/m" 2>"$T/scrape.err" ||
	    fail "scrape: $(cat "$T/scrape.err")"
	awk '$1 == "casesyncd_store_commit_seconds_count" { print $2 }' \
	    "$T/m" | cut -d. -f1
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
# one device a user: a pull finds only the device's own changes, so a
# session's commits are its login's and its push's
i=0
while [ $i -lt $N ]; do
	ctl user add --name "w$i" --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user w$i"
	tok=$(token "w$i" "w$i-a") && [ -n "$tok" ] || fail "token w$i"
	echo "$tok" >>"$T/tokens"
	i=$((i + 1))
done
MP=$($M freeport) || fail "freeport"
start_server "max_pending_per_address = 1000" "metrics_listen = 127.0.0.1:$MP"
mkdir "$T/ids" || fail "mkdir"
load enroll "$T/tokens" >"$T/enroll.out" ||
    fail "enroll: $(cat "$T/enroll.out") $(tail -3 "$T/load.log")"

# 1. sessions one after the other, each a push of one change
l0=$(logins)
c0=$(commits)
load -c 1 -r 10 -t 2 run >"$T/run.out" ||
    fail "run: $(cat "$T/run.out") $(tail -3 "$T/load.log")"
s=$(field sessions "$T/run.out")
c1=$(commits)
[ "$s" -ge 10 ] || fail "only $s sessions"
expect_eq "failed sessions" "$(field errors "$T/run.out")" 0
expect_eq "a login entry for each session" $(($(logins) - l0)) "$s"
# a commit of the login's own would make it 2 a session
[ $((2 * (c1 - c0))) -le $((3 * s)) ] ||
    fail "$((c1 - c0)) commits for $s sessions: the logins were not" \
        "carried by the pushes"
ok "$s sessions, $((c1 - c0)) commits: each login rode its push's"
# within a connection the login comes before the push's entries
bad=$(db_sql "SELECT count(*) FROM audit_log p WHERE p.type = 'update'
    AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.type = 'login'
    AND l.device_id = p.device_id AND l.idx < p.idx)")
expect_eq "push entries without an earlier login" "$bad" 0

# 2. connections that say Hello and then nothing: their logins are
# committed while they are still open
l0=$(logins)
load -c $N -t 4 idle >"$T/idle.out" &
LP=$!
i=0
while ! grep -q '^held' "$T/idle.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "idle connections not held: $(cat "$T/idle.out")"
	kill -0 $LP 2>/dev/null || fail "cs_load idle ended early"
	sleep 0.1
done
sleep 0.5
kill -0 $LP 2>/dev/null || fail "idle connections closed too early"
expect_eq "logins of open, idle connections in the log" \
    $(($(logins) - l0)) $N
wait $LP || fail "idle: $(cat "$T/idle.out")"
server_alive
# 3. a laptop's sync that only pulls (Hello; key round and pull, then
# the checkpoint request, which signs one for the entries appended):
# its login is committed with its read entries, so two commits where
# there were three (login; reads; checkpoint)
ctl user add --name vera --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user vera"
enroll va vera
enroll vb vera
C=$(laptop va case create --frame DRANG) || fail "case create"
laptop va record bulk --case "$C" --kind note --count 1 --size 100 \
    >/dev/null || fail "record"
laptop va sync >/dev/null || fail "sync va"
laptop vb sync >/dev/null || fail "sync vb"
laptop va record bulk --case "$C" --kind note --count 1 --size 100 \
    >/dev/null || fail "record 2"
laptop va sync >/dev/null || fail "sync va 2"
l0=$(logins)
r0=$(db_sql "SELECT count(*) FROM audit_log WHERE type = 'read'")
c0=$(commits)
laptop vb sync >/dev/null || fail "sync vb 2"
sleep 0.2
c1=$(commits)
expect_eq "the pulling laptop's login" $(($(logins) - l0)) 1
expect_eq "its read entry" \
    $(($(db_sql "SELECT count(*) FROM audit_log WHERE type = 'read'") - r0)) 1
expect_eq "commits of a sync that pulls one record" $((c1 - c0)) 2

# the tree the carried appends left is the one its leaves make
ctl audit verify >"$T/verify" || fail "audit verify: $(cat "$T/verify")"
ok "audit verify"
