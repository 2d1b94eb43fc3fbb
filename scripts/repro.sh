#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Reproducible build check: copy the source tree (the files git knows,
# committed or not, and new files not ignored) into two directories of
# different names and depths, build the three programs in each, and
# compare them byte for byte.  Exit 0 when identical.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/casesync-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
JOBS=${JOBS:-2}

# The source tree as a tar stream: what git knows (committed or not, and
# new files it does not ignore), else everything but the build output.
tree_tar() {
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z --cached --others \
		    --exclude-standard | xargs -0 tar cf -)
	else
		(cd "$top" && tar cf - --exclude='./build*' --exclude=./.git .)
	fi
}

copy() {
	mkdir -p "$1"
	tree_tar | (cd "$1" && tar xf -)
}
a="$tmp/a"
b="$tmp/second/tree-b"
copy "$a"
copy "$b"
for d in "$a" "$b"; do
	echo "repro: building in $d"
	make -s -C "$d" -j"$JOBS" all >"$d.log" 2>&1 ||
	    { tail -20 "$d.log"; exit 1; }
done
bad=0
for p in casesync casesyncd casesyncctl; do
	if cmp -s "$a/build/$p" "$b/build/$p"; then
		echo "repro: $p identical ($(sha256sum <"$a/build/$p" |
		    cut -c1-16))"
	else
		echo "repro: $p DIFFERS" >&2
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "repro: the three programs are byte-identical"
exit $bad
