#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make install / make uninstall (PREFIX, DESTDIR): exactly the expected
# files (programs, man pages, unit, sysusers.d, tmpfiles.d, sample
# configuration, bash completion), the unit naming the installed
# casesyncd and passing systemd-analyze verify, the man pages clean
# under mandoc -T lint, the completion valid bash; uninstall leaves no
# file behind.
. "$(dirname "$0")/lib.sh"

mk() {
	make -s -C "$top" BUILD="$BUILD" "$@" >"$T/make.out" 2>&1 ||
	    fail "make $*: $(cat "$T/make.out")"
}
files() {	# files DIR: every file and link under DIR, sorted
	(cd "$1" && find . \( -type f -o -type l \) | sort)
}

# --- man pages
if command -v mandoc >/dev/null; then
	for m in "$top"/docs/man/*.[1-8]; do
		mandoc -T lint -W warning "$m" >"$T/lint" 2>&1 ||
		    fail "mandoc -T lint $(basename "$m"): $(cat "$T/lint")"
	done
	ok "mandoc -T lint: the four man pages are clean"
else
	ok "skipped: no mandoc (scripts/deps.sh installs it)"
fi
expect_eq "man pages" "$(cd "$top/docs/man" && ls | tr '\n' ' ')" \
    "casesync.1 casesyncctl.8 casesyncd.8 casesyncd.conf.5 "

# --- install with PREFIX=/usr
R="$T/root"
mk install DESTDIR="$R" PREFIX=/usr
cat >"$T/want" <<'LIST'
./usr/bin/casesync
./usr/lib/systemd/system/casesyncd.service
./usr/lib/sysusers.d/casesync.conf
./usr/lib/tmpfiles.d/casesync.conf
./usr/sbin/casesyncctl
./usr/sbin/casesyncd
./usr/share/bash-completion/completions/casesync
./usr/share/bash-completion/completions/casesyncctl
./usr/share/bash-completion/completions/casesyncd
./usr/share/doc/casesync/examples/casesyncd.conf
./usr/share/man/man1/casesync.1
./usr/share/man/man5/casesyncd.conf.5
./usr/share/man/man8/casesyncctl.8
./usr/share/man/man8/casesyncd.8
LIST
files "$R" >"$T/got"
cmp -s "$T/got" "$T/want" || fail "installed files: $(diff "$T/want" "$T/got")"
ok "make install: the expected files"
"$R/usr/sbin/casesyncd" -V >/dev/null || fail "installed casesyncd -V"
cmp -s "$R/usr/sbin/casesyncd" "$B/casesyncd" || fail "casesyncd differs"
expect_eq "mode of casesyncd" "$(stat -c %a "$R/usr/sbin/casesyncd")" 755
expect_eq "mode of the unit" \
    "$(stat -c %a "$R/usr/lib/systemd/system/casesyncd.service")" 644
grep -q '^ExecStart=/usr/sbin/casesyncd -f /etc/casesync/casesyncd.conf$' \
    "$R/usr/lib/systemd/system/casesyncd.service" || fail "ExecStart"
grep -q '^u casesync ' "$R/usr/lib/sysusers.d/casesync.conf" ||
    fail "sysusers"
grep -q '^d /var/lib/casesync 0700 casesync casesync' \
    "$R/usr/lib/tmpfiles.d/casesync.conf" || fail "tmpfiles"

# the sample configuration is one casesyncd accepts, line by line
sed "s|^data_dir = .*|data_dir = $T/nodir|" \
    "$R/usr/share/doc/casesync/examples/casesyncd.conf" >"$T/sample.conf"
"$B/casesyncd" -t -f "$T/sample.conf" >/dev/null 2>"$T/sample.err"
grep -q 'line [0-9]' "$T/sample.err" &&
    fail "sample configuration: $(cat "$T/sample.err")"
ok "the sample configuration parses"

if command -v bash >/dev/null; then
	bash -c ". '$R/usr/share/bash-completion/completions/casesync' &&
	    COMP_WORDS=(casesyncctl audit q) COMP_CWORD=2 &&
	    _casesyncctl && echo \"\${COMPREPLY[*]}\"" >"$T/comp" 2>&1 ||
	    fail "completion: $(cat "$T/comp")"
	expect_eq "completion of casesyncctl audit q" "$(cat "$T/comp")" query
fi

if command -v systemd-analyze >/dev/null; then
	# verify wants ExecStart's program to exist: point it at DESTDIR
	mkdir "$T/unit"
	sed "s|=/usr/sbin/|=$R/usr/sbin/|g" \
	    "$R/usr/lib/systemd/system/casesyncd.service" \
	    >"$T/unit/casesyncd.service"
	systemd-analyze verify --man=no "$T/unit/casesyncd.service" \
	    >"$T/verify" 2>&1 || fail "systemd-analyze verify: $(cat "$T/verify")"
	ok "systemd-analyze verify casesyncd.service"
fi

mk uninstall DESTDIR="$R" PREFIX=/usr
expect_eq "make uninstall leaves no file" "$(files "$R")" ""
[ -d "$R/usr/share/doc/casesync" ] && fail "uninstall left the doc dir"
ok "make uninstall removes everything it installed"

# --- another PREFIX: the unit follows it
mk install DESTDIR="$R" PREFIX=/opt/cs
grep -q '^ExecStart=/opt/cs/sbin/casesyncd ' \
    "$R/opt/cs/lib/systemd/system/casesyncd.service" ||
    fail "ExecStart for PREFIX=/opt/cs"
expect_eq "PREFIX=/opt/cs: file count" "$(files "$R" | wc -l)" 14
mk uninstall DESTDIR="$R" PREFIX=/opt/cs
expect_eq "PREFIX=/opt/cs: uninstall" "$(files "$R")" ""
ok "PREFIX=/opt/cs: installed and removed"
