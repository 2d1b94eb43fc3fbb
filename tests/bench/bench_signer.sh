#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The cost of privilege separation (docs/SIGNER.md): enrollments, whose
# device certificate the signer process issues, and authenticated
# connections (full mutual-auth TLS 1.3 handshake, Hello -> Welcome),
# with the real casesyncd and tests/tools/cs_load on 127.0.0.1.  Server
# CPU is casesyncd's user and system time plus that of its children
# (the signer), from /proc.  Prints markdown.
# Environment: BUILD (build directory), BENCH_SIGNER_N (enrollments,
# default 200), BENCH_SIGNER_SECS (seconds of connections, default 4).
set -eu
BUILD=${BUILD:-build-bench}
N=${BENCH_SIGNER_N:-200}
SECS=${BENCH_SIGNER_SECS:-4}
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
die() { echo "bench_signer: $*" >&2; tail -5 "$T/load.log" >&2; exit 1; }
. "$top/tests/bench/lib_load.sh"

ctl init --dir "$T/srv" --server-name localhost --listen 127.0.0.1:0 \
    >/dev/null
[ "$(id -u)" -eq 0 ] && echo "user = nobody" >>"$T/srv/casesyncd.conf"
echo "max_pending_per_address = 1000000" >>"$T/srv/casesyncd.conf"
ctl office add Zwolle >/dev/null
i=0
while [ $i -lt "$N" ]; do
	ctl user add --name "w$i" --role jeugdbeschermer --office Zwolle \
	    >/dev/null
	ctl enroll-token --user "w$i" --device "w$i-a" |
	    awk '$1 == "token" { print $2 }' >>"$T/tokens"
	i=$((i + 1))
done
load_server
mkdir "$T/ids"

# CPU ticks of casesyncd and its children (the signer, when there is one)
cpu_ticks() {
	t=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
	for c in $(cat /proc/"$PID"/task/*/children 2>/dev/null); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$c/stat")))
	done
	echo "$t"
}

c0=$(cpu_ticks)
load enroll "$T/tokens" >"$T/out" || die "enroll: $(cat "$T/out")"
c1=$(cpu_ticks)
enrolled=$(f sessions)
[ "$enrolled" -eq "$N" ] || die "enrolled $enrolled of $N"
erate=$(f rate)
ecpu=$(((c1 - c0) * 1000000 / HZ / N))

c0=$(cpu_ticks)
load -c 16 -t "$SECS" connect >"$T/out" || die "connect: $(cat "$T/out")"
c1=$(cpu_ticks)
hs=$(f sessions)
hrate=$(f rate)
hp50=$(f p50_ms)
hcpu=$(((c1 - c0) * 1000000 / HZ / (hs > 0 ? hs : 1)))
signer=no
[ -n "$(cat /proc/"$PID"/task/*/children 2>/dev/null)" ] && signer=yes

echo "### Enrollment and handshake cost (signer process: $signer)"
echo
echo "Command: \`BUILD=$BUILD sh tests/bench/bench_signer.sh\` (part of" \
    "\`make bench\`). $N enrollments back to back (each one device" \
    "certificate issued by the CA key), then $SECS s of 16 clients each" \
    "opening connections (TLS 1.3 handshake with the device certificate," \
    "Hello, Welcome, close). Server CPU is casesyncd's and its" \
    "children's user and system time over the operations done" \
    "(clock-tick resolution: ±$((1000000 / HZ / N)) µs per enrollment)."
echo
echo "| operation | count | rate /s | p50 ms | server CPU µs each |"
echo "|---|---:|---:|---:|---:|"
echo "| enrollment | $N | $erate | - | $ecpu |"
echo "| authenticated connection | $hs | $hrate | $hp50 | $hcpu |"
