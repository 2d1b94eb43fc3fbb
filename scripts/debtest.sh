#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Build the Debian packages (dpkg-buildpackage -us -uc -b) from a copy
# of the tree, so that the .debs and the build stay out of the source
# directory, then check them: the two packages and what each holds, the
# maintainer scripts that create the user and data directory and enable
# the unit, and the programs run from a scratch root (dpkg-deb -x).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/casesync-deb.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
fail() { echo "debtest: FAIL: $*" >&2; exit 1; }

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

command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    fail "needs dpkg-dev and debhelper (apt-get install debhelper)"
mkdir "$tmp/src"
tree_tar | (cd "$tmp/src" && tar xf -)
(cd "$tmp/src" && DEB_BUILD_OPTIONS="parallel=${JOBS:-2}" \
    dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) ||
    { tail -30 "$tmp/build.log"; fail "dpkg-buildpackage"; }
echo "debtest: dpkg-buildpackage -us -uc -b: ok"

srv=$(ls "$tmp"/casesync-server_*.deb)
cli=$(ls "$tmp"/casesync-client_*.deb)
has() {		# has DEB PATH
	dpkg-deb -c "$1" | awk '{ print $6 }' | grep -qx "$2" ||
	    fail "$(basename "$1") lacks $2"
}
for f in ./usr/sbin/casesyncd ./usr/sbin/casesyncctl \
    ./lib/systemd/system/casesyncd.service \
    ./usr/lib/sysusers.d/casesync-server.conf \
    ./usr/lib/tmpfiles.d/casesync-server.conf \
    ./usr/share/man/man8/casesyncd.8.gz ./usr/share/man/man8/casesyncctl.8.gz \
    ./usr/share/man/man5/casesyncd.conf.5.gz \
    ./usr/share/doc/casesync-server/examples/casesyncd.conf \
    ./usr/share/bash-completion/completions/casesyncd; do
	has "$srv" "$f"
done
for f in ./usr/bin/casesync ./usr/share/man/man1/casesync.1.gz \
    ./usr/share/bash-completion/completions/casesync; do
	has "$cli" "$f"
done
dpkg-deb -c "$cli" | grep -q casesyncd && fail "the client holds casesyncd"
dpkg-deb -c "$srv" | grep -q 'bin/casesync$' && fail "the server holds casesync"
echo "debtest: the packages hold what they should"

mkdir "$tmp/ctl"
dpkg-deb -e "$srv" "$tmp/ctl"
grep -q 'systemd-sysusers' "$tmp/ctl/postinst" || fail "postinst: no sysusers"
grep -q 'systemd-tmpfiles' "$tmp/ctl/postinst" || fail "postinst: no tmpfiles"
grep -q "casesyncd.service" "$tmp/ctl/postinst" || fail "postinst: no unit"
grep -q "casesyncd.service" "$tmp/ctl/postrm" || fail "postrm: no unit"
echo "debtest: postinst creates the user and data_dir and enables the unit"

R="$tmp/root"
dpkg-deb -x "$srv" "$R"
dpkg-deb -x "$cli" "$R"
"$R/usr/sbin/casesyncd" -V | grep -q '^casesyncd ' || fail "casesyncd -V"
"$R/usr/sbin/casesyncd" -h | grep -q '^usage' || fail "casesyncd -h"
"$R/usr/bin/casesync" --help >/dev/null 2>&1 || fail "casesync --help"
"$R/usr/sbin/casesyncctl" init --dir "$tmp/dep" --server-name localhost \
    >/dev/null || fail "casesyncctl init"
echo "user = nobody" >>"$tmp/dep/casesyncd.conf"
"$R/usr/sbin/casesyncd" -t -f "$tmp/dep/casesyncd.conf" >"$tmp/t.out" ||
    fail "casesyncd -t: $(cat "$tmp/t.out")"
if command -v systemd-analyze >/dev/null; then
	mkdir "$tmp/unit"
	sed "s|=/usr/sbin/|=$R/usr/sbin/|g" \
	    "$R/lib/systemd/system/casesyncd.service" \
	    >"$tmp/unit/casesyncd.service"
	systemd-analyze verify --man=no "$tmp/unit/casesyncd.service" ||
	    fail "systemd-analyze verify"
fi
echo "debtest: installed into a scratch root, the programs run"
echo "debtest: $(basename "$srv") $(basename "$cli") ok"
