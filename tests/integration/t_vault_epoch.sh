#!/bin/sh
# SPDX-License-Identifier: ISC
#
# WAL epochs (docs/VAULT.md, "WAL epochs"): crashes at each step of a
# new epoch and of the conversion of a csvhead1 vault, and two
# processes on one vault, never lose a committed transaction and never
# give a false "tampered".  Each crash starts from a vault whose WAL
# holds a committed transaction of N rows and a torn second one
# (vault_tool fill, kill -9); then a process is stopped at a fault
# point (CASESYNC_FAULT, exit 3):
#
# - vault-epoch-after-list: the page list with the new epoch is
#   durable, the new WAL header not written (the old header's salts are
#   the list's retired salts), once and twice in a row;
# - vault-copy: the first page a checkpoint copies as it is;
# - the same first fault in the conversion of a vault made without
#   epochs (VAULT_TOOL_LEGACY: a csvhead1 list, frames under the WAL
#   AD), whose crashed WAL the new code first reads.
#
# After each: vault_tool check (integrity check, exactly the N rows)
# and "casesync check" (every page, the page list) pass.  Last, a
# writer of 4 MB transactions (its checkpoint thread copying) while
# another process checkpoints PASSIVE and reads again and again: every
# command exits 0, and every committed transaction is there.
set -u

BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
TOOL="$top/$BUILD/tests/vault_tool"
CS="$top/$BUILD/casesync"
D=$(mktemp -d "${TMPDIR:-/tmp}/t_vault_epoch.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export CASESYNC_KDF=fast
CASESYNC_PASSPHRASE="epoch test passphrase"
export CASESYNC_PASSPHRASE
N=3000

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ -x "$TOOL" ] || fail "$TOOL not built"

# kill_after PATTERN OUT WHAT: once $PID wrote PATTERN to OUT, kill -9.
kill_after() {
	i=0
	while ! grep -q "$1" "$2"; do
		kill -0 "$PID" 2>/dev/null ||
		    fail "$3: the tool ended early: $(cat "$2")"
		i=$((i + 1))
		[ "$i" -gt 1200 ] && fail "$3: timeout waiting for '$1'"
		sleep 0.05
	done
	kill -9 "$PID"
	wait "$PID" 2>/dev/null
	PID=""
}

# crashed DIR: a vault whose WAL holds N committed rows and a torn rest.
crashed() {
	mkdir "$1" || fail "mkdir"
	"$TOOL" create "$1" || fail "$1: create"
	: >"$1.out"
	"$TOOL" fill "$1" wal "$N" >"$1.out" 2>&1 &
	PID=$!
	kill_after '^inserting' "$1.out" "$1"
	grep -q '^committed' "$1.out" || fail "$1: nothing committed"
	[ -s "$1/vault.db-wal" ] || fail "$1: no WAL after kill"
}

# fault NAME DIR: a write stopped at fault point NAME.
fault() {
	CASESYNC_FAULT=$1 "$TOOL" sql "$2" \
	    "INSERT INTO t VALUES (900000000, 3, x'00')" >"$2.f" 2>&1
	rc=$?
	[ "$rc" -eq 3 ] && grep -q "exiting at $1" "$2.f" ||
	    fail "$2: no stop at $1 (exit $rc): $(cat "$2.f")"
}

# bytes FILE OFF LEN: hex
bytes() {
	od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'
}

# checks DIR WHAT: the committed rows, every page, no alarm
checks() {
	"$TOOL" check "$1" "$N" >"$1.chk" 2>&1 ||
	    fail "$2: check: $(cat "$1.chk")"
	"$CS" --dir "$1" check >"$1.cs" 2>&1 ||
	    fail "$2: casesync check: $(cat "$1.cs")"
}

# --- between the list and the new WAL header, once and twice ---------
dir="$D/window"
crashed "$dir"
fault vault-epoch-after-list "$dir"
# the window: the WAL's header carries the salts the list retired
[ "$(head -c 8 "$dir/vault.db-head")" = csvhead2 ] || fail "window: no csvhead2"
[ "$(bytes "$dir/vault.db-wal" 16 8)" = "$(bytes "$dir/vault.db-head" 48 8)" ] ||
    fail "window: the WAL header is not the retired one"
fault vault-epoch-after-list "$dir"
[ "$(bytes "$dir/vault.db-wal" 16 8)" = "$(bytes "$dir/vault.db-head" 48 8)" ] ||
    fail "window: the WAL header is not the retired one (twice)"
checks "$dir" "window"
echo "ok - killed between the page list and the new WAL header, twice in a row"

# --- during the first copy of a checkpoint ----------------------------
dir="$D/copy"
crashed "$dir"
CASESYNC_FAULT=vault-copy "$TOOL" check "$dir" "$N" >"$dir.f" 2>&1
rc=$?
[ "$rc" -eq 3 ] && grep -q "exiting at vault-copy" "$dir.f" ||
    fail "copy: no stop in the copy (exit $rc): $(cat "$dir.f")"
checks "$dir" "copy"
echo "ok - killed during the first copy of a checkpoint"

# --- the conversion of a csvhead1 vault with a crashed WAL ------------
dir="$D/legacy"
VAULT_TOOL_LEGACY=1
export VAULT_TOOL_LEGACY
crashed "$dir"
[ "$(head -c 8 "$dir/vault.db-head")" = csvhead1 ] || fail "legacy: not csvhead1"
# the old frames read by the new code
"$TOOL" query "$dir" "SELECT count(*) FROM t WHERE txn = 1" >"$dir.q" 2>&1 ||
    fail "legacy: read: $(cat "$dir.q")"
[ "$(cat "$dir.q")" = "$N" ] || fail "legacy: $(cat "$dir.q") rows"
dir="$D/legacy2"
crashed "$dir"
unset VAULT_TOOL_LEGACY
[ "$(head -c 8 "$dir/vault.db-head")" = csvhead1 ] || fail "legacy2: not csvhead1"
fault vault-epoch-after-list "$dir"
[ "$(head -c 8 "$dir/vault.db-head")" = csvhead2 ] || fail "legacy: not converted"
checks "$dir" "conversion"
"$TOOL" sql "$dir" "CREATE TABLE z (a); INSERT INTO z VALUES (7)" ||
    fail "conversion: write after"
[ "$("$TOOL" query "$dir" "SELECT a FROM z")" = 7 ] || fail "conversion: z"
checks "$dir" "conversion, written"
echo "ok - killed in the conversion of a csvhead1 vault with a crashed WAL"

# --- a writer and a PASSIVE checkpointer in two processes -------------
dir="$D/two"
mkdir "$dir" && "$TOOL" create "$dir" || fail "two: create"
: >"$dir.out"
"$TOOL" stream "$dir" 60 >"$dir.out" 2>&1 &
PID=$!
i=0
while ! grep -q '^committed' "$dir.out"; do
	kill -0 "$PID" 2>/dev/null || fail "two: writer: $(cat "$dir.out")"
	i=$((i + 1))
	[ "$i" -gt 1200 ] && fail "two: no commit"
	sleep 0.05
done
i=0
while kill -0 "$PID" 2>/dev/null && [ "$i" -lt 60 ]; do
	"$TOOL" sql "$dir" "PRAGMA wal_checkpoint(PASSIVE)" >"$dir.c" 2>&1 ||
	    fail "two: checkpointer $i: $(cat "$dir.c")"
	"$TOOL" query "$dir" "SELECT count(*) FROM s" >"$dir.c" 2>&1 ||
	    fail "two: reader $i: $(cat "$dir.c")"
	i=$((i + 1))
done
wait "$PID" || fail "two: writer: $(tail -n 3 "$dir.out")"
PID=""
k=$(sed -n 's/^committed \([0-9]*\) .*/\1/p' "$dir.out" | tail -n 1)
[ "$k" = 60 ] || fail "two: the writer committed $k"
"$TOOL" streamcheck "$dir" 60 >"$dir.chk" 2>&1 ||
    fail "two: streamcheck: $(cat "$dir.chk")"
"$CS" --dir "$dir" check >"$dir.cs" 2>&1 || fail "two: casesync check: $(cat "$dir.cs")"
echo "ok - a writer and a PASSIVE checkpointer in another process ($i rounds)"
