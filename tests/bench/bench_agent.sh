#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The whole "casesync sync" command of a laptop that is already in step
# (issue 23, goal 8), measured from outside the process: with the
# passphrase, so every command pays the Argon2id unlock with the real
# parameters (the ones new vaults get: OPSLIMIT/MEMLIMIT_MODERATE), and
# with "casesync agent" holding the key.  Beside them, with the agent:
# one change to pull, the time the sync itself reports (--json "us":
# connected and unlocked), and a process that only starts and exits
# ("casesync --version"), to say where the rest goes.  Wall-clock
# medians, alternating the kinds so that the machine's load hits each
# alike; CPU time as means (perf stat's task-clock if perf is there,
# else the shell's "times").
# Prints a markdown table.
# Environment: BUILD (build directory), BENCH_AGENT_RUNS (default 15),
# BENCH_AGENT_LIMIT_MS (the goal, default 50).
set -eu
BUILD=${BUILD:-build-bench}
RUNS=${BENCH_AGENT_RUNS:-15}
LIMIT=${BENCH_AGENT_LIMIT_MS:-50}
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/$BUILD"
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-bench.XXXXXX")
PID=""
cleanup() {
	"$B/casesync" --dir "$T/w" agent stop >/dev/null 2>&1 || true
	"$B/casesync" --dir "$T/r" agent stop >/dev/null 2>&1 || true
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
# the real key derivation: no CASESYNC_KDF=fast here
unset CASESYNC_KDF
# the agent's socket in DIR/agent (docs/CLIENT.md), not the user's
export XDG_RUNTIME_DIR=""
PASS="bench passphrase, long enough: 7 horses"
export CASESYNC_PASSPHRASE="$PASS"
# the server, laptops w and r, case C of w's with r as member
. "$top/tests/bench/lib_pair.sh"
lap w record bulk --case "$C" --kind note --count 2000 --size 1000 >/dev/null
lap w sync >/dev/null
lap r sync >/dev/null
lap w sync >/dev/null

# One run of "$@" into $T/out: wall-clock microseconds on stdout, and
# the CPU time (ms, user + system of the children) appended to $T/cpu.$k
run() {
	k=$1
	shift
	s=$(date +%s%N)
	"$@" >"$T/out" 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
	e=$(date +%s%N)
	echo $(( (e - s) / 1000 ))
}
cpu() {
	k=$1
	shift
	if [ -n "$PERF" ]; then
		# task-clock: the CPU time of all the command's threads, in ms
		perf stat -x, -e task-clock -o "$T/perf" -- "$@" >/dev/null 2>&1
		awk -F, '$3 == "task-clock" || $4 == "task-clock" { print $1 }' \
		    "$T/perf" >>"$T/cpu.$k"
	else
		sh -c '"$@" >/dev/null 2>&1; times' x "$@" | sed -n 2p |
		    awk '{ gsub(/[ms]/, " "); print ($1 * 60 + $2 + $3 * 60 + $4) * 1000 }' \
		    >>"$T/cpu.$k"
	fi
}
# perf (Debian: linux-perf) counts CPU time exactly; without it, the
# shell's "times" in clock ticks
PERF=""
if command -v perf >/dev/null 2>&1 &&
    perf stat -x, -e task-clock -o /dev/null -- true >/dev/null 2>&1; then
	PERF=yes
fi
med() { sort -n "$T/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mean() { awk '{ s += $1 } END { printf "%.1f", s / NR }' "$T/$1"; }

# without the agent: the unlock in every command (fewer runs: ~1 s each)
i=0
while [ $i -lt 5 ]; do
	run pass lap w sync >>"$T/pass"
	cpu pass "$B/casesync" --dir "$T/w" sync
	i=$((i + 1))
done

# with the agent (one for each laptop); no passphrase from here on
lap w agent >/dev/null
lap r agent >/dev/null
unset CASESYNC_PASSPHRASE
lap w sync >/dev/null	# the agent's key works (else this fails)
i=0
while [ $i -lt "$RUNS" ]; do
	run agent lap w sync >>"$T/agent"
	run ver "$B/casesync" --version >>"$T/ver"
	# one change to pull: r writes one record and pushes it
	lap r record put --case "$C" --kind note text=one >/dev/null
	lap r sync >/dev/null
	run one lap w --json sync >>"$T/one"
	grep -q '"pulled":1,' "$T/out" || { echo "no change pulled" >&2; exit 1; }
	run inside lap w --json sync >/dev/null
	sed -n 's/.*"us":\([0-9]*\).*/\1/p' "$T/out" >>"$T/inside"
	grep -q '"pulled":0,' "$T/out" || { echo "not in step" >&2; exit 1; }
	cpu agent "$B/casesync" --dir "$T/w" sync
	i=$((i + 1))
done

best() { sort -n "$T/$1" | head -n 1; }
load=$(cut -d' ' -f1-3 /proc/loadavg)

awk -v pass="$(med pass)" -v agent="$(med agent)" -v one="$(med one)" \
    -v inside="$(med inside)" -v ver="$(med ver)" \
    -v bpass="$(best pass)" -v bagent="$(best agent)" -v bone="$(best one)" \
    -v binside="$(best inside)" -v bver="$(best ver)" \
    -v cpass="$(mean cpu.pass)" -v cagent="$(mean cpu.agent)" \
    -v runs="$RUNS" -v limit="$LIMIT" -v load="$load" -v ncpu="$(nproc)" \
    'BEGIN {
	printf "| whole `casesync sync`, laptop already in step | median | best | CPU time, all threads, mean | note |\n|---|---:|---:|---:|---|\n"
	printf "| passphrase: Argon2id unlock (real parameters) in the command | %.1f ms | %.1f ms | %.1f ms | 5 runs |\n", pass / 1000, bpass / 1000, cpass
	printf "| agent holds the key | %.1f ms | %.1f ms | %.1f ms | %d runs; goal < %d ms (median): %s |\n", agent / 1000, bagent / 1000, cagent, runs, limit, (agent / 1000 < limit ? "met" : "NOT met")
	printf "| agent, one change to pull | %.1f ms | %.1f ms | | %d runs |\n", one / 1000, bone / 1000, runs
	printf "| of the in-step command: the sync itself (`--json` us: key round and pull, connected and unlocked) | %.1f ms | %.1f ms | | |\n", inside / 1000, binside / 1000
	printf "| of the in-step command: a process that starts and exits (`casesync --version`) | %.1f ms | %.1f ms | | |\n", ver / 1000, bver / 1000
	printf "\nThe unlock costs %.0f ms per command (medians); the agent saves it (%.1f times faster).  With the agent the command uses %.1f ms of CPU; the rest of its time it waits: for fsync, the server, the agent, and on a loaded machine for a CPU (load average during the run: %s, %d CPUs).\n", (pass - agent) / 1000, pass / agent, cagent, load, ncpu
}'
[ "$(med agent)" -lt $((LIMIT * 1000)) ]
