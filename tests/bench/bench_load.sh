#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Server scale with the real casesyncd and the load generator
# tests/tools/cs_load on 127.0.0.1 (both on this machine's cores):
# 1,000 devices (two per user, so pulls carry the other laptop's
# changes) enrolled through the real protocol; authenticated
# connections per second (full mutual-auth TLS 1.3 handshake, Hello ->
# Welcome); 100 and 1,000 concurrent clients doing sync sessions (new
# connection, handshake, Hello, push one 256-byte change, pull, close),
# back to back and paced at 500 sessions/s; server RSS per idle
# connection and with 1,000 idle clients connected (measured first,
# before the load runs have grown the heap); then, with the big number
# of idle clients still connected, new-connection sessions paced at
# 500/s.  Prints markdown.
# Environment: BUILD (build directory), BENCH_LOAD_SECS (seconds per
# run, default 4), BENCH_LOAD_CLIENTS (the big run, default 1000;
# `make bench-large`: 10000), BENCH_LOAD_DEVICES (devices enrolled,
# default the clients, at most 1000: the big run's connections share
# them, each device then connected several times over).  The idle
# connections are held by as many cs_load processes as the descriptor
# limit needs (each raises its soft limit to the hard one).
set -eu
BUILD=${BUILD:-build-bench}
SECS=${BENCH_LOAD_SECS:-4}
BIG=${BENCH_LOAD_CLIENTS:-1000}
DEVS=${BENCH_LOAD_DEVICES:-$((BIG < 1000 ? BIG : 1000))}
# connections per cs_load process: what its descriptor limit allows
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1000000
PER=$((hard - 100 < 15000 ? hard - 100 : 15000))
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
PID=""
LPID=""
cleanup() {
	for p in $LPID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
die() { echo "bench_load: $*" >&2; tail -5 "$T/load.log" >&2; exit 1; }
. "$top/tests/bench/lib_load.sh"

load_deploy "$DEVS" "max_connections = $((BIG + 1000))"
load_server

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$PID/status"; }

# a loaded machine enrolls slower than 500/s: wait for each (-T)
load -r 500 -T 120000 enroll "$T/tokens" >"$T/out" || die "enroll: $(cat "$T/out")"
enrolled=$(f sessions)
enroll_rate=$(f rate)

# hold N: N more idle connections, by as many cs_load processes as
# needed, each in $T/hold.K; returns once all are held.  They are
# separate processes from the one whose sessions are measured, so
# that the latency is not that of a loop holding 10,000 connections.
# They connect at HOLD_RATE a second in all (BENCH_LOAD_HOLD_RATE,
# default 300): 10,000 at once would not finish their handshakes
# within the 10 s the server gives each (handshake_timeout), on two
# cores.
HOLD_RATE=${BENCH_LOAD_HOLD_RATE:-300}
HOLDK=0
hold() {
	left=$1
	k=$HOLDK
	while [ "$left" -gt 0 ]; do
		n=$((left < PER ? left : PER))
		"$B/tests/cs_load" -s "$ADDR" -C "$T/srv/ca.crt" -d "$T/ids" \
		    -c "$n" -t 3600 -T 60000 \
		    -r $(((HOLD_RATE * n + $1 - 1) / $1)) idle \
		    >"$T/hold.$k" 2>>"$T/load.log" &
		LPID="$LPID $!"
		left=$((left - n))
		k=$((k + 1))
	done
	i=0
	for f in $(seq "$HOLDK" $((k - 1))); do
		until grep -q '^held' "$T/hold.$f" 2>/dev/null; do
			i=$((i + 1))
			[ $i -gt $((600 + 10 * $1 / HOLD_RATE * 2)) ] &&
			    die "hold $1: not all connections held"
			sleep 0.1
		done
	done
	HOLDK=$k
	NPROC=$k
}
unhold() {
	for p in $LPID; do
		kill "$p"
		wait "$p" || die "idle: $(cat "$T"/hold.*)"
	done
	LPID=""
	HOLDK=0
}
# idle N: server RSS before and with N idle connections (kB)
idle() {
	sleep 1.5	# a worker tick returns memory freed before
	before=$(rss_kb)
	hold "$1"
	# the worker trims the heap once the handshakes are over (loop.c)
	sleep 5
	with=$(rss_kb)
	[ "${2:-}" = keep ] || unhold
	echo "$before $with"
}
i100=$(idle 100)

load -c 16 -t "$SECS" connect >"$T/out" || die "connect: $(cat "$T/out")"
hs="$(f rate) $(f p50_ms) $(f p99_ms) $(f errors)"

# row LABEL CLIENTS [cs_load options]: one run, one table row
rows=""
row() {
	label=$1
	n=$2
	shift 2
	c0=$(cpu_ticks)
	load -c "$n" -t "$SECS" "$@" run >"$T/out" &
	sleep $((SECS / 2))
	mid=$(rss_kb)
	wait $! || true
	c1=$(cpu_ticks)
	rows="$rows$label|$n|$(f sessions)|$(f rate)|$(f p50_ms)|$(f p99_ms)|$(f errors)|$(((c1 - c0) * 1000 / HZ))|$(f err_timeout)|$mid|$(f cpu_ms)
"
}
row "new connection per session, back to back" 100
row "new connection per session, paced at 500/s" 100 -r 500
row "kept connections, back to back" 100 -k
row "kept connections, paced at 500/s" 100 -k -r 500
# so many clients starting at once only measure the listen queue and
# the handshake timeout: the big runs (make bench-large) leave them out
if [ "$BIG" -le 1000 ]; then
	row "new connection per session, back to back" "$BIG"
	row "new connection per session, paced at 500/s" "$BIG" -r 500
fi
paced100=$(echo "$rows" | sed -n 2p)
kept100=$(echo "$rows" | sed -n 4p)

# the big hold last (a shell function's variables stay in this shell):
# its RSS is measured after the runs above, so it is the worse case
sleep 1.5
b0=$(rss_kb)
# make bench-large: first 1,000 of them, a paced row, then the rest, so
# that one run compares the paced sessions with 0, 1,000 and all idle
if [ "$BIG" -gt 1000 ]; then
	hold 1000
	sleep 5
	row "new connection per session, paced at 500/s, with 1000 idle connected" 100 -r 500
	hold $((BIG - 1000))
else
	hold "$BIG"
fi
sleep 5
iBIG="$b0 $(rss_kb)"
row "new connection per session, paced at 500/s, with $BIG idle connected" 100 -r 500
unhold
heldrow=$(echo "$rows" | sed '/^$/d' | tail -n 1)


echo "### Server scale: casesyncd and cs_load on 127.0.0.1"
echo
echo "$enrolled devices enrolled through the protocol at $enroll_rate/s," \
    "two per user; each device has its own case and the other device" \
    "of its user sees it, so a pull returns the other laptop's changes." \
    "A session is what \`casesync sync\` does with one change queued:" \
    "TCP connect, full TLS 1.3 handshake with the device certificate," \
    "Hello, push of one 256-byte record (durable commit), pull, close." \
    "Latency is from the scheduled start when paced. Server and load" \
    "generator share the machine's cores (and whatever else runs on it);" \
    "each run lasts $SECS s. Server CPU per session is casesyncd's user" \
    "and system time during the run (/proc) over the sessions done;" \
    "load generator CPU per session is cs_load's own, likewise: the two" \
    "together are what a session costs the machine's two cores."
echo
echo "| figure | value | note |"
echo "|---|---:|---|"
echo "$hs" | awk '{ printf "| authenticated connections (handshake + Hello/Welcome), 16 at a time | %.0f /s | p50 %.2f ms, p99 %.2f ms, %d errors |\n", $1, $2, $3, $4 }'
echo
echo "| clients | sessions | sessions/s | p50 ms | p99 ms | errors (timeouts) | server CPU per session | load generator CPU per session | server RSS mid-run |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "$rows" | awk -F'|' 'NF >= 11 { printf "| %d, %s | %d | %.0f | %.2f | %.2f | %d (%d) | %.2f ms | %.2f ms | %.1f MiB |\n", $2, $1, $3, $4, $5, $6, $7, $9, ($3 > 0 ? $8 / $3 : 0), ($3 > 0 ? $11 / $3 : 0), $10 / 1024 }'
echo
echo "| server memory (VmRSS) | before | with the clients | per connection |"
echo "|---|---:|---:|---:|"
for x in "100 $i100" "$BIG $iBIG"; do
	echo "$x" | awk '{ printf "| %d idle clients connected | %.1f MiB | %.1f MiB | %.1f KiB |\n", $1, $2 / 1024, $3 / 1024, ($3 - $2) / $1 }'
done
echo
echo "$iBIG" | awk -v n="$BIG" -v p="$NPROC" -v d="$DEVS" '{ printf "%d idle connections held by %d cs_load process(es), over %d enrolled devices.\n\n", n, p, d }'
if [ "$BIG" -ge 10000 ]; then
	echo "$iBIG" | awk -v n="$BIG" '{ printf "Goal (issue 23, goal 5): %d idle authenticated connections with server RSS < 400 MiB: %.1f MiB, %s.\n", n, $2 / 1024, ($2 < 409600 ? "met" : sprintf("NOT met, by %.1f MiB", ($2 - 409600) / 1024)) }'
else
	echo "$iBIG" | awk -v n="$BIG" '{ printf "Goal: %d connected clients held with server RSS under 100 MiB: %.1f MiB, %s.\n", n, $2 / 1024, ($2 < 102400 ? "met" : "NOT met") }'
fi
echo "$heldrow" | awk -F'|' -v want=$((500 * SECS)) -v n="$BIG" '{ printf "Goal: >= 500 sessions/s (new connection, full handshake each) at p99 < 50 ms with %d idle clients connected: %d of the %d sessions scheduled at 500/s done, p99 %.2f ms, %d errors: %s (the same run without them: the second row%s).\n", n, $3, want, $6, $7, ($3 >= want && $6 < 50 && $7 == 0) ? "met" : sprintf("NOT met, p99 by %.2f ms, %d sessions short", ($6 > 50 ? $6 - 50 : 0), ($3 < want ? want - $3 : 0)), (n > 1000 ? "; with 1000 idle: the row before" : "") }'
for x in "with a new connection (full handshake) per session|$paced100" \
    "on kept connections|$kept100"; do
	echo "$x" | awk -F'|' -v want=$((500 * SECS)) '{ printf "Goal: >= 500 sync sessions/s at p99 < 50 ms with 100 clients, %s: %d of the %d sessions scheduled at 500/s done, p99 %.2f ms, %d errors: %s.\n", $1, $4, want, $7, $8, ($4 >= want && $7 < 50 && $8 == 0) ? "met" : "NOT met" }'
done
