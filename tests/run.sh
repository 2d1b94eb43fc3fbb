#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Run every unit test binary and every integration test script; print
# one line per test and end with "N passed, N failed".
#
# Environment: BUILD (build directory, default build), TESTS (a
# space-separated subset of names to run, e.g. "test_frame t_enroll").
# Each test gets TEST_OUT, an empty directory $BUILD/test-out/NAME for
# what it leaves to look at afterwards (the browser test's screenshots);
# it is kept (unless empty), whether the test passed or failed.
set -u

BUILD=${BUILD:-build}
export BUILD
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=$(mktemp -d "${TMPDIR:-/tmp}/casesync-tests.XXXXXX")
pass=0
fail=0
failed=""

want() {
	[ -z "${TESTS:-}" ] && return 0
	case " $TESTS " in *" $1 "*) return 0 ;; esac
	return 1
}

run_one() {
	name=$1
	shift
	want "$name" || return 0
	start=$(date +%s)
	TEST_OUT=$top/$BUILD/test-out/$name
	rm -rf "$TEST_OUT" && mkdir -p "$TEST_OUT" || exit 1
	export TEST_OUT
	if "$@" >"$logdir/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name ($(( $(date +%s) - start ))s)"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name ($(( $(date +%s) - start ))s)"
		sed 's/^/    | /' "$logdir/$name.log" | tail -40
	fi
	rmdir "$TEST_OUT" 2>/dev/null	# nothing left in it
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in tests/integration/t_*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t" .sh)" sh "$t"
done

[ -n "$failed" ] && echo "failed:$failed (logs in $logdir)"
[ -z "$failed" ] && rm -rf "$logdir"
echo "$pass passed, $fail failed" | tee "$BUILD/test-summary"
[ "$fail" -eq 0 ]
