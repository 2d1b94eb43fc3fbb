#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Server CPU per session (issue 23, goal 6): casesyncd's user and
# system time (/proc/PID/stat) over the sessions cs_load completes, a
# session being what bench_load counts (new TCP connection, full
# mutual-auth TLS 1.3 handshake, Hello/Welcome, push of one 256-byte
# change with its durable commit, pull, close), with 100 clients paced
# at 500 sessions/s and back to back.  Beside it, in the same run: the
# server's CPU per authenticated connection alone (handshake, Hello,
# Welcome, close; cs_load connect) and bench_net's server CPU per bare
# TLS handshake (the handshake's own cost, no casesyncd).  Prints
# markdown.
# Environment: BUILD (build directory, default build-bench),
# BENCH_SESSCPU_SECS (seconds per run, default 4), BENCH_SESSCPU_ROUNDS
# (runs of each kind, default 2; the table shows each and the lowest
# is compared with the goal), BENCH_SESSCPU_BASE (a second build
# directory, e.g. one of main, measured the same way in the same run
# for a before/after table; default none), BENCH_SESSCPU_BASE_NAME
# (what that build is, for the report, e.g. "main at b0525df").
set -eu
BUILD=${BUILD:-build-bench}
SECS=${BENCH_SESSCPU_SECS:-4}
ROUNDS=${BENCH_SESSCPU_ROUNDS:-2}
BASE=${BENCH_SESSCPU_BASE:-}
NDEV=100
GOAL_US=1000
top=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/casesync-sesscpu.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
die() { echo "bench_sesscpu: $*" >&2; tail -5 "$T/load.log" >&2; exit 1; }
. "$top/tests/bench/lib_load.sh"
# The load generator is this build's for every server measured: the
# base build's cs_load may predate -H, and one client makes the
# servers' figures compare.
LOAD_BIN="$top/$BUILD/tests/cs_load"
case $BUILD in /*) LOAD_BIN="$BUILD/tests/cs_load" ;; esac

# start B: a fresh deployment of build B with NDEV enrolled devices
start() {
	B=$1
	if [ -n "$PID" ]; then kill "$PID"; wait "$PID" 2>/dev/null || true; fi
	PID=""
	load_deploy "$NDEV"
	load_server
	load -r 500 enroll "$T/tokens" >"$T/out" || die "enroll"
	load -c 16 -t 1 run >"$T/out" || die "warm-up"
}
# one MODE [cs_load options]: "MODE done cpu_us_each p99_ms errors"
one() {
	mode=$1
	shift
	c0=$(cpu_ticks)
	load -t "$SECS" "$@" >"$T/out" || die "$mode $*: $(cat "$T/out")"
	c1=$(cpu_ticks)
	n=$(f sessions)
	[ "$n" -gt 0 ] || die "$mode: no sessions"
	echo "$(((c1 - c0) * 1000000 / HZ / n)) $n $(f p99_ms) $(f errors)"
}
# handshake B: bench_net's server CPU per bare handshake, in us
handshake() {
	"$1/bench/bench_net" -b 1000000 -t "$SECS" |
	    awk -F'|' '/server CPU per handshake/ { v = $3; gsub(/[ ms]/, "", v); printf "%d\n", v * 1000 }'
}

rows=""
best=""
besth=""
bestbase=""
r=1
while [ $r -le "$ROUNDS" ]; do
	for b in $BASE "$top/$BUILD"; do
		case $b in
		/*) ;;
		*) b="$top/$b" ;;
		esac
		label=this
		[ -n "$BASE" ] && [ "$b" != "$top/$BUILD" ] && label=base
		start "$b"
		hs=$(handshake "$b")
		conn=$(one connect -c 16 connect)
		paced=$(one run -c 100 -r 500 run)
		counted=$(one run -c 100 -r 500 -H run)
		b2b=$(one run -c 100 run)
		rows="$rows$label $r $hs $conn $paced $counted $b2b
"
		p=${paced%% *}
		h=${counted%% *}
		if [ "$label" = this ]; then
			[ -z "$best" ] || [ "$p" -lt "$best" ] && best=$p
			[ -z "$besth" ] || [ "$h" -lt "$besth" ] && besth=$h
		else
			[ -z "$bestbase" ] || [ "$p" -lt "$bestbase" ] &&
			    bestbase=$p
		fi
	done
	r=$((r + 1))
done

echo "### Server CPU per session (issue 23, goal 6)"
echo
bn=""
[ -n "$BASE" ] && [ -n "${BENCH_SESSCPU_BASE_NAME:-}" ] &&
    bn=" BENCH_SESSCPU_BASE_NAME='$BENCH_SESSCPU_BASE_NAME'"
echo "Command: \`BUILD=$BUILD${BASE:+ BENCH_SESSCPU_BASE=$BASE}$bn sh tests/bench/bench_sesscpu.sh\`" \
    "(part of \`make bench\`); commit $(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
    "$(nproc) CPUs, $(uname -sr), load average before the run" \
    "$(cut -d' ' -f1 /proc/loadavg)." \
    "$NDEV devices; each run lasts $SECS s. A session: new connection," \
    "full mutual-auth TLS 1.3 handshake (certificate chain and" \
    "revocation checked), Hello/Welcome, push of one 256-byte change" \
    "(durable commit, audited), pull, close. Server CPU is casesyncd's" \
    "user and system time (/proc, clock ticks of $((1000000 / HZ)) us)" \
    "over the sessions done. \"bare handshake\" is bench_net's server" \
    "thread per handshake, same settings, no casesyncd: the handshake's" \
    "own cost in the same run. \"connection\" is casesyncd per" \
    "handshake + Hello/Welcome + close (16 clients back to back)." \
    "\"with sync counter\" is the paced run again with each Hello" \
    "stating a sync counter that goes up (cs_load -H), as casesync's" \
    "does: the server makes it durable before its Welcome (rollback" \
    "detection), a third durable commit a session."
echo
echo "| build | round | bare handshake | connection | sessions, 100 clients paced at 500/s | p99 | the same, with sync counter | p99 | sessions, 100 clients back to back | p99 |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "$rows" | awk 'NF >= 19 { printf "| %s | %d | %d us | %d us | %d us (%d sessions, %d errors) | %.1f ms | %d us (%d sessions, %d errors) | %.1f ms | %d us (%d sessions, %d errors) | %.1f ms |\n", $1, $2, $3, $4, $8, $9, $11, $10, $12, $13, $15, $14, $16, $17, $19, $18 }'
echo
[ -n "$bestbase" ] && echo "Base build (${BENCH_SESSCPU_BASE_NAME:-$BASE}),"\
    "lowest paced run: $bestbase us per session."
echo "Goal: server CPU per session <= $GOAL_US us with a full mutual-TLS" \
    "handshake: $best us (lowest paced run of this build)," \
    "$([ "$best" -le $GOAL_US ] && echo met || echo "NOT met, by $((best - GOAL_US)) us")."
echo "With the sync counter casesync sends (a third durable commit a" \
    "session): $besth us, lowest paced run," \
    "$([ "$besth" -le $GOAL_US ] && echo "under the goal" || echo "$((besth - GOAL_US)) us above the goal")."
cat <<'NOTE'

What changed (issue 23, goal 6) and what the profile shows, from
`perf record --call-graph dwarf` of casesyncd during the paced run
(by hand, 2026-12-06, on this machine while others' builds and tests
ran on it):

- Before, 8.7 % of the server's CPU was SQLite compiling statements
  (sqlite3_prepare_v2: the store prepares most statements at each
  call, some thirty a session, and BEGIN/COMMIT went through
  sqlite3_exec).  server/store/sdb_sqlite.c now keeps each text's
  compiled statement per connection and hands it out again (reset,
  parameters cleared), as the PostgreSQL backend already did.
- 3–4 % was the busy handler: a worker waiting for the other worker's
  write transaction polled SQLite's lock every 100 µs.  The writers of
  one process now wait on a mutex taken before BEGIN IMMEDIATE and
  given back when the transaction ends (server/store.c); the busy
  handler still waits for other processes (casesyncctl).
- Each pull allocated room for 1,000 records and a 4 MiB body arena:
  two mappings (above the server's fixed 256 KiB mmap threshold), the
  zeroing of 1,000 reply structs and two unmaps with their TLB
  shootdowns, per session.  server/sync.c now starts at 64 records and
  64 KiB and doubles up to the same limits.

Nothing of the handshake or the audit changed: TLS 1.3 only, the
client certificate's chain and its revocation checked on every
connection, no tickets or resumption, every entry audited with the
same durable commits (synchronous = FULL).

What remains per session (after that round): the TLS handshake about
half of casesyncd's CPU; 11–15 % OpenSSL 3.0 building a decoder chain
to read the client certificate's public key; 16–19 % the push's
durable commit; 5–11 % the commit of the worker's batch of login and
read audit entries; about 7 % allocating and freeing the session and
its SSL object.

Second round (issue 23, goal 6), profiled the same way (2026-12-06,
load average 5 to 8 from others' builds and tests):

- The ECDSA verification of the client certificate's signature by the
  CA was 6.1 % of casesyncd's CPU (X509_verify inside
  X509_verify_cert, 7.6 % in all).  The server's X509 store now
  remembers, by the SHA-256 of both DER encodings, the (CA,
  certificate) pairs whose verify step passed (common/tlssig.c,
  X509_STORE_set_verify) and for those checks the rest of that step,
  the validity of the CA and of the certificate at that moment, with
  OpenSSL's errors and depths (test_tlssig compares both on good,
  foreign, altered, expired and not yet valid certificates).  Issuer
  lookup, depth, purpose, revocation and the handshake's
  CertificateVerify are checked on every connection as before.  After:
  X509_verify_cert 2.5 %, X509_verify 0.7 % (each device's first
  connection).  bench_net's bare handshake uses the same context, so
  its figure drops too.
- The login and read entries a worker queued in a pass were committed
  at its end in a transaction of their own (audit_flush, 6.1 %).  A
  push in the same pass now takes them into its transaction
  (audit_batch_in_tx, docs/AUDIT.md "Group commit"), so one commit
  writes the pages of audit_log, its four indexes and the Merkle
  frontier once for both: fdatasync calls per session 1.16 -> 1.07,
  audit_flush 2.9 % + 1.8 % in pushes.  The replies still wait for the
  commit that holds their entries.
- Tried and left out: PRAGMA mmap_size (256 MiB): SQLite's preads per
  session fell by a quarter (each write of the other worker's
  connection empties this one's page cache), but CPU per session did
  not move beyond the noise.

Third round (branch sesscpu, docs/PERFORMANCE.md "Goal 6, branch
sesscpu"): the decoder chain OpenSSL 3.0 built to parse the client
certificate's key (OSSL_DECODER_CTX_new_for_pkey inside d2i_X509,
10.8 %; it constructs a method for every key manager and decoder of the
context and walks its whole method store) now sees few of them: the
server's SSL_CTX lives in a library context of its own whose only
provider is a filter in front of the default provider, listing only
what casesync's TLS 1.3 uses (common/tlsio.c).  Same implementations,
same checks; after: 2.4 %, the certificate's whole parse 15.8 -> 7.6 %,
bench_net's server CPU per bare handshake about 590 -> 490 us.

What remains: the handshake's own public-key work
(CertificateVerify's ECDSA verification, the server's signature, the
key exchange: about 60 + 20 + 2 x 25 us on this machine, `openssl
speed`), the push's durable commit (about 24 WAL frames, two pwrites
each, and one fdatasync a session, 17 % with the kernel's flush), and
the audit entries' inserts (four indexes each).

Fifth round (branch sess1, docs/PERFORMANCE.md "Goal 6, branch
sess1"): when the server keeps up, a session of cs_load makes two
durable commits (the push's, which carries the login entry, and the
pull's read entry, which its reply waits for), and casesync's Hello
adds a third, the sync counter (the column "with sync counter").
Sharing a commit between the two workers would have saved 1-5 % of
the flushes (counted), and a commit's cost is mostly the virtual
disk's fixed 65-70 us of write and flush.  Below two commits needs a
laptop that sends its Pull with its last Push and a server that serves
both in one transaction: a protocol change, not built.
NOTE
