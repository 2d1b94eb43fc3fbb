#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The peak memory of "casesyncctl audit verify" on a long log on
# PostgreSQL (docs/AUDIT.md, "Verifying a long log"): a deployment on a
# throw-away cluster (tests/integration/pg_lib.sh), N entries appended
# through the store (tests/tools/audit_fill.c), one signed checkpoint
# over them; then verify is run ROUNDS times under GNU time, and with
# BASE (the build directory of another commit, e.g. of main) that
# build's casesyncctl alternately on the same database.  Prints the
# peak RSS (MiB), wall and CPU seconds of each run, markdown.  Not part
# of make bench (which runs tests/bench/bench_*.sh: filling the log
# takes most of a minute).
# Environment: BUILD (default build), BASE, BENCH_VERIFY_ENTRIES
# (default 200000), BENCH_VERIFY_ROUNDS (default 3).
set -eu
BUILD=${BUILD:-build}
N=${BENCH_VERIFY_ENTRIES:-200000}
ROUNDS=${BENCH_VERIFY_ROUNDS:-3}
BASE=${BASE:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
cleanup() { rm -rf "$T"; }
fail() { echo "verify_rss: $*" >&2; exit 1; }
. "$top/tests/integration/pg_lib.sh"
pg_start >/dev/null
SPEC="postgresql:$PG_CONNINFO"
"$B/casesyncctl" init --dir "$T/srv" --server-name localhost \
    --listen 127.0.0.1:0 --database "$SPEC" >/dev/null || fail "init"
"$B/tests/audit_fill" "$SPEC" "$N" || fail "audit_fill"
"$B/casesyncctl" --dir "$T/srv" office add Zwolle >/dev/null ||
    fail "office add (the checkpoint)"
echo "| build | entries | peak RSS (MiB) | wall (s) | user+sys (s) |"
echo "|---|---|---|---|---|"
run() {	# run LABEL CTL
	/usr/bin/time -f "%M %e %U %S" -o "$T/time" \
	    "$2" --dir "$T/srv" audit verify >"$T/out" 2>&1 ||
	    fail "$1: verify failed: $(tail -3 "$T/out")"
	n=$(sed -n 's/^ok: \([0-9]*\) entries.*/\1/p' "$T/out")
	awk -v l="$1" -v n="$n" '{ printf "| %s | %s | %.1f | %.2f | %.2f |\n",
	    l, n, $1 / 1024, $2, $3 + $4 }' "$T/time"
}
i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	[ -n "$BASE" ] && run base "$BASE/casesyncctl"
	run new "$B/casesyncctl"
done
echo
echo "$(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
