#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A worker's whole history (issue 23, goal 4), run by `make
# bench-large` (not by `make bench`: it takes minutes and 3 GB of
# disk): the initial sync of BENCH_SMALL (100,000) records of 1 KiB into
# a fresh encrypted laptop, then of BENCH_LARGE (1,000,000) into another
# fresh one from the same server; the laptop's peak RSS (GNU time's
# maximum resident set) and rate of each.  Goal: peak RSS < 150 MiB and
# the large rate within 20 % of the small one.  Prints markdown, and
# writes it to BENCH_LARGE_OUT (default docs/bench_large_sync.md), which
# bench_sync.sh (make bench) copies into docs/BENCHMARKS.md.
set -eu
BUILD=${BUILD:-build-bench}
SMALL=${BENCH_SMALL:-100000}
LARGE=${BENCH_LARGE:-1000000}
top=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${BENCH_LARGE_OUT:-$top/docs/bench_large_sync.md}
B="$top/$BUILD"
[ -x /usr/bin/time ] || { echo "large_sync: needs GNU time" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-large.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
export CASESYNC_KDF=fast CASESYNC_PASSPHRASE="bench-passphrase-long"
. "$top/tests/bench/lib_pair.sh"

# push "n" more records of 1 KiB from laptop w, in steps of 100,000
push() {
	left=$1
	while [ "$left" -gt 0 ]; do
		k=$(( left > 100000 ? 100000 : left ))
		lap w record bulk --case "$C" --kind note --count $k \
		    --size 1000 >/dev/null
		lap w sync >/dev/null
		left=$((left - k))
	done
}
# initial sync of a fresh laptop "$1": "us rss_kib cpu_ms count size
# written_mb sys_ms" (the kernel's share tells fresh page-cache memory:
# docs/PERFORMANCE.md, "Goal 4, branch large")
fresh() {
	tok=$(ctl enroll-token --user r --device "$1" |
	    awk '$1=="token"{print $2}')
	lap "$1" enroll --server "$ADDR" --ca-fingerprint "$FP" \
	    --token "$tok" >/dev/null
	/usr/bin/time -f "%M %U %S %O" -o "$T/$1.time" "$B/casesync" \
	    --dir "$T/$1" --json sync >"$T/$1.json"
	us=$(sed -n 's/.*"us":\([0-9]*\).*/\1/p' "$T/$1.json")
	count=$(lap "$1" digest | cut -d' ' -f1)
	dig=$(lap "$1" digest | cut -d' ' -f2)
	want=$(ctl records digest | cut -d' ' -f2)
	[ "$dig" = "$want" ] || { echo "large_sync: $1 differs from the server" >&2; exit 1; }
	size=$(stat -c %s "$T/$1/vault.db")
	awk -v us="$us" -v c="$count" -v s="$size" '{
		printf "%s %s %.0f %s %s %.0f %.0f\n", us, $1, ($2 + $3) * 1000,
		    c, s, $4 * 512 / 1e6, $3 * 1000 }' \
	    "$T/$1.time"
	rm -rf "${T:?}/$1"
}

push "$SMALL"
small=$(fresh small)
push $((LARGE - SMALL))
large=$(fresh large)
srvsize=$(du -sk "$T/srv" | cut -f1)

{
echo "### A worker's whole history: initial sync of $LARGE records"
echo
echo "From \`make bench-large\` (tests/bench/large_sync.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) CPUs, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg).  Fresh encrypted laptops of one server (its directory: $((srvsize / 1024)) MiB), records of 1 KiB in one case; the time is inside \`casesync sync\` (\`--json\` us), the peak RSS and CPU time of the whole command are GNU time's."
echo
echo "| initial sync | records | time | rate | laptop CPU (user + sys) | CPU per record (of which sys) | peak RSS | vault.db | written by the laptop |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "small $small" "large $large"; do
	set -- $r
	awk -v w="$1" -v us="$2" -v rss="$3" -v cpu="$4" -v n="$5" -v sz="$6" \
	    -v wr="$7" -v sys="$8" 'BEGIN {
		printf "| %s | %d | %.0f ms | %.0f records/s | %d ms | %.1f us (%.1f) | %.1f MiB | %.0f MiB | %.0f MB (%.1fx the file) |\n", w, n, us / 1000, n * 1e6 / us, cpu, cpu * 1000 / n, sys * 1000 / n, rss / 1024, sz / 1048576, wr, wr * 1e6 / sz }'
done
set -- $small
s_us=$1 s_n=$4
set -- $large
awk -v sus="$s_us" -v sn="$s_n" -v lus="$1" -v ln="$4" -v rss="$2" 'BEGIN {
	sr = sn * 1e6 / sus; lr = ln * 1e6 / lus; d = 100 * (sr - lr) / sr
	printf "\nGoal 4: peak RSS < 150 MiB: %.1f MiB, %s; rate within 20 %% of the %d-record rate: %.0f against %.0f records/s, %.1f %% %s, %s.\n", rss / 1024, (rss < 150 * 1024 ? "met" : "NOT met"), sn, lr, sr, (d >= 0 ? d : -d), (d >= 0 ? "lower" : "higher"), (d <= 20 ? "met" : "NOT met") }'
} >"$T/out.md"
cat "$T/out.md"
cp "$T/out.md" "$OUT"
