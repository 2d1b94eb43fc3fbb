#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The vault survives kill -9 in the middle of a big transaction, in WAL
# mode and in rollback-journal mode: on reopen the integrity check
# passes, the last committed transaction is all there and the killed
# one is absent; and kill -9 while its checkpoint thread copies.  Also: a wrong passphrase (environment or file) exits
# 3 and changes no file; a flipped byte in the database exits 4; full
# scans (decrypted ahead on a second thread) stay exact and are never
# taken for tampering while another process rewrites the table under
# them and checkpoints.  "casesync check" (every page of the main file
# and the WAL) passes after each kill -9 and during those writes, and
# finds a flipped byte in a committed WAL frame and in a page no query
# reads.  Uses $BUILD/tests/vault_tool and $BUILD/casesync.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
TOOL="$top/$BUILD/tests/vault_tool"
CS="$top/$BUILD/casesync"
D=$(mktemp -d "${TMPDIR:-/tmp}/t_vault.XXXXXX")
PID=""
WPID=""
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	[ -n "$WPID" ] && kill -9 "$WPID" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export CASESYNC_KDF=fast
CASESYNC_PASSPHRASE="kill -9 test passphrase"
export CASESYNC_PASSPHRASE
N=5000

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ -x "$TOOL" ] || fail "$TOOL not built"

snapshot() {
	(cd "$1" && for f in *; do cksum "$f"; done)
}

# kill_after PATTERN OUT DELAY WHAT: once the tool $PID has written a
# line matching PATTERN to OUT (within 60 s), wait DELAY seconds and
# kill -9 it.
kill_after() {
	i=0
	while ! grep -q "$1" "$2"; do
		kill -0 "$PID" 2>/dev/null ||
		    fail "$4: the tool ended early: $(cat "$2")"
		i=$((i + 1))
		[ "$i" -gt 1200 ] && fail "$4: timeout waiting for '$1'"
		sleep 0.05
	done
	sleep "$3"
	kill -9 "$PID"
	wait "$PID" 2>/dev/null
	PID=""
}

# kill_case MODE DELAY: fill, kill -9 DELAY seconds after "inserting".
kill_case() {
	mode=$1
	delay=$2
	dir="$D/$mode-$delay"
	mkdir "$dir" || fail "mkdir"
	"$TOOL" create "$dir" || fail "$mode: create"
	"$TOOL" fill "$dir" "$mode" "$N" >"$dir.out" 2>&1 &
	PID=$!
	kill_after '^inserting' "$dir.out" "$delay" "$mode"
	grep -q '^committed' "$dir.out" || fail "$mode: nothing committed"
	# the crash left work for recovery
	case $mode in
	wal)
		[ -s "$dir/vault.db-wal" ] || fail "wal: no WAL after kill" ;;
	delete)
		[ -s "$dir/vault.db-journal" ] ||
		    fail "delete: no hot journal after kill" ;;
	esac
	# every page as left by the crash: no false alarm (torn tail)
	"$CS" --dir "$dir" check >"$dir.cs" 2>&1 ||
	    fail "$mode: casesync check after kill -9: $(cat "$dir.cs")"
	"$TOOL" check "$dir" "$N" || fail "$mode: check after kill -9"
	echo "ok - kill -9 in a $mode-mode transaction (+${delay}s)"
}

kill_case wal 0
kill_case wal 0.7
kill_case delete 0
kill_case delete 0.7

# --- kill -9 while the checkpoint thread copies -------------------------
# 4 MB transactions one after the other; once the checkpoint thread has
# run a pass (it starts at 32 MiB of WAL), kill -9.  Every transaction
# reported committed is there and whole, nothing half, the integrity
# check passes.
kill_stream() {
	delay=$1
	dir="$D/stream-$delay"
	mkdir "$dir" || fail "mkdir"
	"$TOOL" create "$dir" || fail "stream: create"
	"$TOOL" stream "$dir" 200 >"$dir.out" 2>&1 &
	PID=$!
	kill_after 'passes [1-9]' "$dir.out" "$delay" stream
	k=$(sed -n 's/^committed \([0-9]*\) .*/\1/p' "$dir.out" | tail -n 1)
	[ "$k" -lt 200 ] || fail "stream: not killed in time"
	"$TOOL" streamcheck "$dir" "$k" >"$dir.chk" 2>&1 ||
	    fail "stream: after kill -9 at $k: $(cat "$dir.chk")"
	echo "ok - kill -9 while the checkpoint thread copies" \
	    "(+${delay}s, $k committed, $(cat "$dir.chk"))"
}

kill_stream 0
kill_stream 0.2

# --- scans while another process writes and checkpoints -------------
# M rows of "transaction 1" with even ids, as vault_tool fill writes
# them; another process keeps inserting, replacing and deleting rows
# of a transaction 3 with odd ids between them (pages split, merge and
# move), and checkpoints.  Every check meanwhile (integrity check, and
# full scans that verify each row of transaction 1) must pass.
M=20000
dir="$D/scan"
mkdir "$dir" || fail "mkdir"
"$TOOL" create "$dir" || fail "scan: create"
"$TOOL" sql "$dir" "CREATE TABLE t (id INTEGER PRIMARY KEY,
    txn INTEGER NOT NULL, body BLOB NOT NULL);
    WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c
    WHERE i < $((M - 1)))
    INSERT INTO t SELECT 2 * i, 1, CAST(replace(hex(zeroblob(75)), '0',
    char(97 + (2 * i) % 26)) AS BLOB) FROM c" || fail "scan: fill"
"$TOOL" check "$dir" "$M" >/dev/null || fail "scan: check before"
(
	while [ ! -e "$D/stop" ]; do
		"$TOOL" sql "$dir" "BEGIN;
		    INSERT OR REPLACE INTO t SELECT
		    2 * (abs(random()) % $M) + 1, 3,
		    randomblob(100 + abs(random()) % 400) FROM t LIMIT 300;
		    DELETE FROM t WHERE txn = 3 AND abs(random()) % 4 = 0;
		    COMMIT; PRAGMA wal_checkpoint(PASSIVE)" ||
		    { touch "$D/writer-failed"; exit 1; }
		echo x >>"$D/writes"
	done
) 2>"$D/writer.err" &
WPID=$!
i=0
while [ "$i" -lt 12 ]; do
	"$TOOL" check "$dir" "$M" >"$D/check.out" 2>&1 ||
	    fail "scan: check $i during writes: $(cat "$D/check.out")"
	"$CS" --dir "$dir" check >"$D/check.out" 2>&1 ||
	    fail "scan: casesync check $i during writes: $(cat "$D/check.out")"
	i=$((i + 1))
done
touch "$D/stop"
wait "$WPID"
WPID=""
[ -e "$D/writer-failed" ] && fail "scan: writer: $(cat "$D/writer.err")"
[ "$(wc -l <"$D/writes")" -ge 3 ] || fail "scan: too few writes"
"$TOOL" check "$dir" "$M" >/dev/null || fail "scan: check after"
echo "ok - scans while another process writes and checkpoints"

# --- casesync check finds what no query reads ------------------------
# A committed WAL frame (kill -9 after transaction 1 committed: the WAL
# holds it, not yet checkpointed), and a free page of the main file.
flipat() {	# flipat FILE OFFSET
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1)
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $(( (b + 1) % 256 )))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
dir="$D/walflip"
mkdir "$dir" || fail "mkdir"
"$TOOL" create "$dir" || fail "walflip: create"
"$TOOL" fill "$dir" wal "$N" >"$dir.out" 2>&1 &
PID=$!
kill_after '^inserting' "$dir.out" 0 walflip
[ -s "$dir/vault.db-wal" ] || fail "walflip: no WAL"
cp -p "$dir/vault.db-wal" "$D/wal.copy"
flipat "$dir/vault.db-wal" $((32 + 24 + 1000))
"$CS" --dir "$dir" check >"$dir.cs" 2>&1
rc=$?
[ "$rc" -eq 4 ] || fail "walflip: casesync check exit $rc: $(cat "$dir.cs")"
grep -q "damaged or tampered" "$dir.cs" || fail "walflip: $(cat "$dir.cs")"
echo "ok - casesync check: a flipped byte in a committed WAL frame exits 4"

dir="$D/free"
mkdir "$dir" || fail "mkdir"
"$TOOL" create "$dir" || fail "free: create"
"$TOOL" sql "$dir" "CREATE TABLE f (b BLOB); INSERT INTO f
    SELECT randomblob(4000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION
    ALL SELECT i + 1 FROM c WHERE i < 100) SELECT i FROM c);
    DELETE FROM f" || fail "free: fill"
free=$("$TOOL" query "$dir" "PRAGMA freelist_count") || fail "free: count"
[ "$free" -ge 2 ] || fail "free: only $free free pages"
"$CS" --dir "$dir" check >"$dir.cs" 2>&1 || fail "free: $(cat "$dir.cs")"
pages=$(( $(wc -c <"$dir/vault.db") / 16384 ))
flipat "$dir/vault.db" $(( (pages - 1) * 16384 + 500 ))
"$TOOL" sql "$dir" "SELECT count(*) FROM vault_secret" >/dev/null 2>&1 ||
    fail "free: a query reads the free page"
"$CS" --dir "$dir" check >"$dir.cs" 2>&1
rc=$?
[ "$rc" -eq 4 ] || fail "free: casesync check exit $rc: $(cat "$dir.cs")"
grep -q "page $pages failed authentication" "$dir.cs" ||
    fail "free: $(cat "$dir.cs")"
echo "ok - casesync check: a flipped byte in a page no query reads exits 4"

# --- wrong passphrase: exit 3, nothing changed -----------------------
dir="$D/wal-0"
before=$(snapshot "$dir")
CASESYNC_PASSPHRASE=wrong "$TOOL" check "$dir" "$N" 2>/dev/null
rc=$?
[ "$rc" -eq 3 ] || fail "wrong passphrase: exit $rc, expected 3"
printf 'also wrong\n' >"$D/pf"
chmod 600 "$D/pf"
"$TOOL" -P "$D/pf" check "$dir" "$N" 2>/dev/null
rc=$?
[ "$rc" -eq 3 ] || fail "wrong passphrase file: exit $rc, expected 3"
[ "$(snapshot "$dir")" = "$before" ] || fail "wrong passphrase changed files"
printf '%s\nsecond line\n' "$CASESYNC_PASSPHRASE" >"$D/pf"
"$TOOL" -P "$D/pf" check "$dir" "$N" >/dev/null ||
    fail "right passphrase file refused"
echo "ok - wrong passphrase exits 3 and changes nothing"

# --- a flipped byte in the database: exit 4 -------------------------
off=$((4096 * 3 + 1000))
byte=$(dd if="$dir/vault.db" bs=1 skip=$off count=1 2>/dev/null | od -An -tu1)
# shellcheck disable=SC2059
printf "$(printf '\\%03o' $(( (byte + 1) % 256 )))" |
    dd of="$dir/vault.db" bs=1 seek=$off conv=notrunc 2>/dev/null
"$TOOL" check "$dir" "$N" 2>/dev/null
rc=$?
[ "$rc" -eq 4 ] || fail "tampered database: exit $rc, expected 4"
echo "ok - a flipped byte in the database exits 4"
exit 0
