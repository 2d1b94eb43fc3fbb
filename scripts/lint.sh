#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make lint: banned functions, TODO markers, and clang-format's opinion
# (advisory; KNF is the rule).
set -u
cd "$(dirname "$0")/.."
rc=0
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|strncpy|alloca|rand|system|popen)[[:space:]]*\('
if grep -nE "$banned" common/*.c server/*.c server/ctl/*.c client/*/*.c \
    proto/*.c tests/tools/*.c 2>/dev/null; then
	echo "lint: banned function used" >&2
	rc=1
fi
if grep -nE '\b(TODO|FIXME|XXX)\b' common/* server/*.[ch] server/ctl/* \
    client/*/* proto/*.[ch] 2>/dev/null; then
	echo "lint: TODO/FIXME left in code" >&2
	rc=1
fi
if grep -nE '\bmemcmp[[:space:]]*\([^)]*(key|secret|token|mac|tag|hash)' \
    common/*.c server/*.c server/ctl/*.c client/*/*.c 2>/dev/null; then
	echo "lint: memcmp on what looks like a secret (use sodium_memcmp)" >&2
	rc=1
fi
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
