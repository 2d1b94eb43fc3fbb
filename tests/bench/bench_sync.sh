#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Sync benchmark with the real programs on 127.0.0.1: initial sync of
# N records (1 KiB bodies) into a fresh encrypted laptop, incremental
# sync of one change at 10k and at N records, and the already-in-sync
# round trip.  Times are measured inside "casesync sync" (connection
# already open, vault already unlocked).  Prints a markdown table.
# Environment: BUILD (build directory), BENCH_RECORDS (default 100000).
set -eu
BUILD=${BUILD:-build-bench}
N=${BENCH_RECORDS:-100000}
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
export CASESYNC_KDF=fast CASESYNC_PASSPHRASE="bench-passphrase-long"
# the server, laptops w and r, case C of w's with r as member
. "$top/tests/bench/lib_pair.sh"

ms() { sed -n 's/.*"us":\([0-9]*\).*/\1/p'; }	# microseconds
# incremental: one new record on w, then time r's sync of it (median of 5)
incr() {
	for i in 1 2 3 4 5; do
		lap w record put --case "$C" --kind note text=one >/dev/null
		lap w sync >/dev/null
		lap r --json sync | ms
	done | sort -n | sed -n 3p
}

# 10k first
lap w record bulk --case "$C" --kind note --count 10000 --size 1000 >/dev/null
push10=$(lap w --json sync | ms)
lap r --json sync >/dev/null
i10=$(incr)
rest=$((N - 10000))
lap w record bulk --case "$C" --kind note --count $rest --size 1000 >/dev/null
pushn=$(lap w --json sync | ms)
# the initial sync of everything into a fresh encrypted laptop
tok=$(ctl enroll-token --user r --device fresh | awk '$1=="token"{print $2}')
lap fresh enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >/dev/null
# CPU time of the server (from /proc) and of the laptop (the shell's
# "times" for its children) for the initial sync alone
tck=$(getconf CLK_TCK)
srv_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
s0=$(srv_ticks)
lap_cpu=$(sh -c '"$@" >"$0"; times' "$T/init.json" "$B/casesync" \
    --dir "$T/fresh" --json sync | sed -n 2p |
    awk '{ gsub(/[ms]/, " "); print ($1 * 60 + $2 + $3 * 60 + $4) * 1000 }')
srv_cpu=$(( ($(srv_ticks) - s0) * 1000 / tck ))
init_ms=$(ms <"$T/init.json")
e2e_us=$(sed -n 's/.*"e2e_us":\([0-9]*\).*/\1/p' "$T/init.json")
lap r --json sync >/dev/null
iN=$(incr)
rt=$(for i in 1 2 3 4 5; do lap r --json sync | ms; done | sort -n | sed -n 3p)
count=$(lap fresh digest | cut -d' ' -f1)

awk -v n="$count" -v ims="$init_ms" -v p10="$push10" -v pn="$pushn" \
    -v rest="$rest" -v i10="$i10" -v iN="$iN" -v rt="$rt" 'BEGIN {
	printf "| figure | time | rate | note |\n|---|---|---|---|\n"
	printf "| initial sync of %d records (1 KiB) into a fresh encrypted laptop | %.0f ms | %.0f records/s | %.1f MB/s |\n", n, ims / 1000, n * 1e6 / ims, n * 1.05e3 / ims
	printf "| push of 10,000 records from one laptop | %.0f ms | %.0f records/s | |\n", p10 / 1000, 1e10 / p10
	printf "| push of %d more records | %.0f ms | %.0f records/s | |\n", rest, pn / 1000, rest * 1e6 / pn
	printf "| incremental sync of 1 change, 10k records held | %.2f ms | | |\n", i10 / 1000
	printf "| incremental sync of 1 change, %d records held | %.2f ms | | ratio %.2f vs 10k |\n", n, iN / 1000, iN / i10
	printf "| already in sync: the key round with the pull, one round trip | %.2f ms | | |\n", rt / 1000
}'
awk -v n="$count" -v ims="$init_ms" -v e="$e2e_us" 'BEGIN {
	printf "| of the initial sync: opening the %d sealed bodies (XChaCha20-Poly1305, end-to-end) | %.0f ms | | without it: %.0f records/s; throughput ratio with/without body encryption %.2f |\n", n, e / 1000, n * 1e6 / (ims - e), (ims - e) / ims
}'
# The ceiling (issue 9): raw TLS 1.3 over loopback of the same bytes as
# the initial sync (1050 per record, as above), measured in this run by
# bench_net with the project's TLS settings; and the ratio.
raw=$("$B/bench/bench_net" -q -b $((count * 1050)))
awk -v n="$count" -v ims="$init_ms" -v raw="$raw" 'BEGIN {
	pct = 100 * (n * 1.05e3 / ims) / raw
	printf "| raw TLS 1.3 loopback transfer of the same %.1f MB (bench_net): the ceiling | %.0f ms | | %.1f MB/s; the initial sync reaches %.1f %% of it (goal >= 30 %%: %s) |\n", n * 1050 / 1e6, n * 1050 / raw / 1e3, raw, pct, (pct >= 30 ? "met" : "NOT met")
}'
# Why: the CPU time the initial sync takes, against the 2 x (30 % time)
# of CPU that two cores give in the time 30 % of the ceiling allows; and
# the part of it no implementation of the design can skip: every record
# byte through XChaCha20-Poly1305 four times on the laptop (body open,
# WAL seal, checkpoint open and seal), at this machine's per-core rates.
rates=$("$B/bench/bench_aead" -q)
awk -v n="$count" -v raw="$raw" -v lc="$lap_cpu" -v sc="$srv_cpu" \
    -v rates="$rates" -v ncpu="$(nproc)" 'BEGIN {
	split(rates, r, " ")
	mb = n * 1050 / 1e6
	budget = mb / (raw * 0.3) * 1e3		# ms for 30 % of the ceiling
	aead = mb / r[1] * 1e3 + 3 * mb / r[2] * 1e3
	printf "| CPU time of the initial sync: laptop (all threads) + server | %.0f ms + %.0f ms = %.0f ms | | %d CPUs in the %.0f ms that 30 %% of the ceiling allows give %.0f ms: %.1f times too little |\n", lc, sc, lc + sc, ncpu, budget, ncpu * budget, (lc + sc) / (ncpu * budget)
	printf "| of which no implementation of the design can skip: the record bytes through XChaCha20-Poly1305 four times on the laptop (bench_aead: %.0f MB/s per core for bodies, %.0f for pages) | %.0f ms of one core | | %.0f %% of the CPU that 30 %% of the ceiling allows |\n", r[1], r[2], aead, 100 * aead / (ncpu * budget)
}'
