#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make fuzz: build every libFuzzer target in tests/fuzz/fuzz_*.c with
# clang (ASan + UBSan, UBSan fatal), then run each for FUZZ_TIME seconds
# on a copy of its seed corpus under $BUILD, so the committed corpus is
# not flooded.  FUZZ_TARGETS="frame wire" runs a subset.  FUZZ_CFLAGS
# goes to the targets' own files.  FUZZ_MERGE=1 afterwards merges
# inputs that add coverage back into tests/fuzz/corpus when that leaves
# at most FUZZ_MERGE_MAX (50) files per target.  Prints one summary
# line per target and exits non-zero if any target crashed or failed to build;
# crash inputs are kept in $BUILD/fuzz/<target>/crashes/.
set -u
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build-fuzz}
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-}
FUZZ_MERGE=${FUZZ_MERGE:-0}
FUZZ_MERGE_MAX=${FUZZ_MERGE_MAX:-50}
FUZZ_CFLAGS=${FUZZ_CFLAGS:-}
CC=clang

CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=undefined -std=c11 -Wall -Wextra"
CPPFLAGS="-D_GNU_SOURCE -Icommon -Iproto -I$BUILD/gen -Iserver -Iserver/store
    -I/usr/include/postgresql -Iclient/vault -Iclient/core -Iclient/cli"
LIBS="-lssl -lcrypto -lsodium -lprotobuf-c -lsqlite3 -lpthread"
GEN=$BUILD/gen/casesync.pb-c.c
BASE="common/buf.c common/errors.c common/log.c common/util.c"
# every validator (proto/wire*.c): a new family's is linked without a
# change here
WIRE="common/frame.c $(echo proto/wire*.c) proto/marker.c proto/errmap.c
    common/audit_enc.c common/json.c common/merkle.c
    common/lifecycle.c common/measure.c common/validate.c proto/netaddr.c
    $GEN"

# The sources each target links besides its own file.
srcs() {
	case $1 in
	frame|wire)	echo "$BASE $WIRE" ;;
	body)		echo "$BASE proto/body.c client/core/merge.c $WIRE" ;;
	config)		echo "$BASE common/frame.c common/lifecycle.c" \
			    "proto/netaddr.c server/config.c" ;;
	token)		echo "$BASE common/token.c" ;;
	csr)		echo "$BASE common/pki.c" ;;
	vault)		echo "$BASE common/fault.c common/walbuf.c" \
			    "client/vault/vault.c client/vault/vault_page.c" \
			    "client/vault/vault_ahead.c client/vault/vault_head.c" ;;
	merkle)		echo "$BASE common/merkle.c" ;;
	agent)		echo "$BASE client/core/agent.c client/vault/vaultkey.c" ;;
	doc)		echo "$BASE common/validate.c common/lifecycle.c" \
			    "client/core/doc.c client/core/doc_pdf.c" \
			    "client/core/doc_text.c" ;;
	report_parse)	echo "$BASE $WIRE proto/body.c client/core/schema.c" \
			    "client/core/report_parse.c client/core/doc.c" \
			    "client/core/doc_pdf.c client/core/doc_text.c" ;;
	audit_text)	echo "$BASE server/audit_text.c server/audit_witness.c common/csv.c" ;;
	keybackup|grant) echo "$BASE common/e2e.c common/e2e_kb.c" ;;
	readlog)	# the server's handler on a real store: all of it
			srv_all="$GEN"
			for f in common/*.c proto/*.c server/*.c \
			    server/store/*.c; do
				[ "$f" = server/main.c ] || srv_all="$srv_all $f"
			done
			echo "$srv_all" ;;
	*)		echo "$BASE $WIRE" ;;
	esac
}

# Libraries a target needs besides $LIBS.
libs() {
	case $1 in
	readlog)	echo "-lseccomp -lpq" ;;
	*)		echo "" ;;
	esac
}

# Extra libFuzzer options per target.
opts() {
	case $1 in
	config)	echo "-max_len=8192" ;;
	csr)	echo "-max_len=3072" ;;
	report_parse)	echo "-max_len=16384" ;;
	*)	echo "-max_len=4096" ;;
	esac
}

if ! command -v $CC >/dev/null 2>&1; then
	echo "fuzz.sh: no $CC (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi

mkdir -p "$BUILD/gen" "$BUILD/obj" "$BUILD/bin" "$BUILD/fuzz" || exit 1
if [ ! -f "$GEN" ] ||
    [ -n "$(find proto/casesync.proto -newer "$GEN")" ]; then
	echo "  PROTOC  proto/casesync.proto"
	protoc-c --c_out="$BUILD/gen" --proto_path=proto \
	    proto/casesync.proto || exit 1
fi

if [ -z "$FUZZ_TARGETS" ]; then
	for f in tests/fuzz/fuzz_*.c; do
		t=${f#tests/fuzz/fuzz_}
		FUZZ_TARGETS="$FUZZ_TARGETS ${t%.c}"
	done
fi

# Compile one source to $BUILD/obj unless its object is newer than it
# and than every header.
obj() {
	o=$BUILD/obj/$(echo "$1" | tr / _ | sed 's/\.c$/.o/')
	if [ ! -f "$o" ] || [ -n "$(find "$1" -newer "$o")" ] ||
	    [ -n "$(find common proto server client "$BUILD/gen" \
	    -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
		# shellcheck disable=SC2086
		$CC $CPPFLAGS $CFLAGS -c "$1" -o "$o" || return 1
	fi
	echo "$o"
}

# The target's own file is small and always compiled (FUZZ_CFLAGS).
build() {
	objs=""
	for s in $(srcs "$1"); do
		o=$(obj "$s") || return 1
		objs="$objs $o"
	done
	echo "  CC/LD   $BUILD/bin/fuzz_$1"
	# shellcheck disable=SC2086,SC2046
	$CC $CPPFLAGS $CFLAGS $FUZZ_CFLAGS "tests/fuzz/fuzz_$1.c" $objs \
	    $LIBS $(libs "$1") -o "$BUILD/bin/fuzz_$1"
}

# One line from a libFuzzer log: runs, exec/s, coverage, corpus.
summary() {
	awk -v t="$1" -v res="$2" '
	/^#[0-9]+/ {
		for (i = 1; i < NF; i++) {
			if ($i == "cov:") cov = $(i + 1)
			if ($i == "ft:") ft = $(i + 1)
			if ($i == "corp:") corp = $(i + 1)
			if ($i == "exec/s:") eps = $(i + 1)
		}
		runs = substr($1, 2)
	}
	/^Done [0-9]+ runs/ { runs = $2 }
	END {
		printf("fuzz %-8s %-7s runs %s  exec/s %s  cov %s" \
		    "  ft %s  corpus %s\n", t, res, runs, eps, cov, ft, corp)
	}' "$3"
}

failed=""
summaries=""
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for t in $FUZZ_TARGETS; do
	if [ ! -f "tests/fuzz/fuzz_$t.c" ]; then
		echo "fuzz.sh: no target tests/fuzz/fuzz_$t.c" >&2
		failed="$failed $t(missing)"
		continue
	fi
	if ! build "$t"; then
		failed="$failed $t(build)"
		summaries="${summaries}fuzz $t BUILD FAILED
"
		continue
	fi
	seeds=tests/fuzz/corpus/$t
	work=$BUILD/fuzz/$t
	rm -rf "$work/corpus" "$work/crashes"
	mkdir -p "$work/corpus" "$work/crashes"
	if [ -d "$seeds" ]; then
		cp "$seeds"/* "$work/corpus/" 2>/dev/null
	fi
	echo "  FUZZ    $t for ${FUZZ_TIME}s (log: $work/log)"
	# -close_fd_mask=2 silences the code's own log lines; libFuzzer
	# and sanitizer reports still reach the terminal and the log.
	# shellcheck disable=SC2046
	"$BUILD/bin/fuzz_$t" -max_total_time="$FUZZ_TIME" -print_final_stats=1 \
	    -close_fd_mask=2 -artifact_prefix="$work/crashes/" \
	    $(opts "$t") "$work/corpus" >"$work/log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		res=clean
	else
		res=CRASH
		failed="$failed $t"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' \
		    "$work/log" | head -5
		grep -E 'Test unit written to' "$work/log"
	fi
	summaries="$summaries$(summary "$t" "$res" "$work/log")
"
	if [ "$res" = clean ] && [ "$FUZZ_MERGE" = 1 ] && [ -d "$seeds" ]; then
		m=$work/merge
		rm -rf "$m"
		mkdir -p "$m"
		cp "$seeds"/* "$m/" 2>/dev/null
		"$BUILD/bin/fuzz_$t" -merge=1 -close_fd_mask=2 "$m" \
		    "$work/corpus" >"$work/merge.log" 2>&1
		n=$(find "$m" -type f | wc -l)
		if [ "$n" -le "$FUZZ_MERGE_MAX" ]; then
			for f in "$m"/*; do
				[ -e "$seeds/${f##*/}" ] || cp "$f" "$seeds/"
			done
			echo "  MERGE   $t: corpus now $n files"
		else
			echo "  MERGE   $t: $n files > $FUZZ_MERGE_MAX, skipped"
		fi
	fi
done

printf '%s' "$summaries"
if [ -n "$failed" ]; then
	echo "fuzz.sh: FAILED:$failed" \
	    "(inputs in $BUILD/fuzz/<target>/crashes/)" >&2
	exit 1
fi
echo "fuzz.sh: all targets clean"
