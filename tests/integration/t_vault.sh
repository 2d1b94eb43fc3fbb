#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The vault survives kill -9 in the middle of a big transaction, in WAL
# mode and in rollback-journal mode: on reopen the integrity check
# passes, the last committed transaction is all there and the killed
# one is absent.  Also: a wrong passphrase (environment or file) exits
# 3 and changes no file; a flipped byte in the database exits 4.
# Uses $BUILD/tests/vault_tool.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
TOOL="$top/$BUILD/tests/vault_tool"
D=$(mktemp -d "${TMPDIR:-/tmp}/t_vault.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
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

# kill_case MODE DELAY: fill, kill -9 DELAY seconds after "inserting".
kill_case() {
	mode=$1
	delay=$2
	dir="$D/$mode-$delay"
	mkdir "$dir" || fail "mkdir"
	"$TOOL" create "$dir" || fail "$mode: create"
	"$TOOL" fill "$dir" "$mode" "$N" >"$dir.out" 2>&1 &
	PID=$!
	i=0
	while ! grep -q '^inserting' "$dir.out"; do
		kill -0 "$PID" 2>/dev/null ||
		    fail "$mode: the tool ended early: $(cat "$dir.out")"
		i=$((i + 1))
		[ "$i" -gt 1200 ] && fail "$mode: timeout"
		sleep 0.1
	done
	sleep "$delay"
	kill -9 "$PID"
	wait "$PID" 2>/dev/null
	PID=""
	grep -q '^committed' "$dir.out" || fail "$mode: nothing committed"
	# the crash left work for recovery
	case $mode in
	wal)
		[ -s "$dir/vault.db-wal" ] || fail "wal: no WAL after kill" ;;
	delete)
		[ -s "$dir/vault.db-journal" ] ||
		    fail "delete: no hot journal after kill" ;;
	esac
	"$TOOL" check "$dir" "$N" || fail "$mode: check after kill -9"
	echo "ok - kill -9 in a $mode-mode transaction (+${delay}s)"
}

kill_case wal 0
kill_case wal 0.7
kill_case delete 0
kill_case delete 0.7

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
