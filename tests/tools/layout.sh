#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The client's layers (docs/ARCHITECTURE.md): vault/ under core/ under
# the two faces, cli/ and ui/.  Prints each include that crosses a layer
# the wrong way and exits 1 if there is one.
cd "$(dirname "$0")/../.." || exit 2
rc=0
hdrs() {
	for h in "$@"; do
		[ -d "$h" ] && (cd "$h" && ls ./*.h 2>/dev/null) |
		    sed 's|^\./||'
	done
}
# "file includes a header of dir"
crossing() {
	files=$1
	shift
	for h in $(hdrs "$@"); do
		# shellcheck disable=SC2086
		grep -Hn "#include \"$h\"" $files 2>/dev/null
	done
}
out=$(crossing "client/vault/*.[ch]" client/core client/cli client/ui)
out2=$(crossing "client/core/*.[ch]" client/cli client/ui)
out3=$(grep -Hn 'include <sqlite3.h>' client/cli/*.[ch] client/ui/*.[ch] \
    2>/dev/null)
for o in "$out" "$out2" "$out3"; do
	if [ -n "$o" ]; then
		echo "$o"
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "layout: ok"
exit $rc
