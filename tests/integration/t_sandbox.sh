#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Privilege drop and sandbox (SECURITY.md): once started, casesyncd
# runs as the configured user with no supplementary groups, with
# no-new-privileges and a seccomp filter (Seccomp: 2), without the
# descriptors it inherited, and still serves.  As root without "user"
# it refuses to start; a forbidden system call kills it with a log line
# naming the call; "sandbox = off" leaves only the filter out.
. "$(dirname "$0")/lib.sh"

status() {	# status FIELD: the first value of FIELD in the server's status
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SERVER_PID/status"
}

[ "$(id -u)" -eq 0 ] || { ok "skipped: needs root"; exit 0; }
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
grep -q '^user' "$SRV/casesyncd.conf" && fail "init wrote a user line"

# as root without "user": refuses (on its own port, and no port file)
cp "$SRV/casesyncd.conf" "$T/root.conf"
"$B/casesyncd" -d -f "$T/root.conf" -l 127.0.0.1:0 >"$T/root.log" 2>&1
expect_eq "as root without user: exit status" $? 1
grep -q "refusing to run as root" "$T/root.log" ||
    fail "no refusal: $(cat "$T/root.log")"
ok "as root without \"user\" the server refuses to start"

# a descriptor the parent leaks must not reach the server
exec 7>"$T/leaked"
start_server
exec 7>&-
nobody=$(id -u nobody)
expect_eq "real, effective, saved, fs uid" \
    "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' \
    "/proc/$SERVER_PID/status")" "$nobody $nobody $nobody $nobody"
expect_eq "supplementary groups" \
    "$(awk '$1 == "Groups:" { $1 = ""; print }' "/proc/$SERVER_PID/status" |
    tr -d ' ')" "$(id -g nobody)"
expect_eq "NoNewPrivs" "$(status NoNewPrivs)" 1
if [ -n "$SANITIZED" ]; then
	ok "sanitizer build: no seccomp filter (Seccomp: $(status Seccomp))"
else
	expect_eq "Seccomp (2 = filter)" "$(status Seccomp)" 2
fi
ls -l "/proc/$SERVER_PID/fd" | grep -q leaked &&
    fail "the server kept a descriptor it inherited"
ok "inherited descriptor closed"
grep -q "running as nobody" "$T/server.log" || fail "no drop in the log"

# it still does its job: enroll, create a case, sync, digests agree
enroll a anna
C=$(laptop a case create --frame OTS) || fail "case create"
laptop a record bulk --case "$C" --kind note --count 50 --size 300 \
    >/dev/null || fail "bulk"
laptop a sync >/dev/null 2>&1 || fail "sync under the sandbox"
expect_eq "digest after a sandboxed sync" "$(laptop a digest)" \
    "$(ctl records digest)"
stop_server
grep -q "forbidden system call" "$T/server.log" &&
    fail "a forbidden call: $(grep 'forbidden' "$T/server.log")"
grep -q "stopped" "$T/server.log" || fail "no clean stop under the sandbox"
ok "clean shutdown under the sandbox"

if [ -z "$SANITIZED" ]; then
	# a call outside the allow-list kills the server, with a log line
	CASESYNC_SANDBOX_SELFTEST=1 "$B/casesyncd" -d -f "$SRV/casesyncd.conf" \
	    -l 127.0.0.1:0 >"$T/selftest.log" 2>&1
	expect_eq "exit status after a forbidden call (128 + SIGSYS)" $? 159
	grep -q "sandbox: forbidden system call [0-9]" "$T/selftest.log" ||
	    fail "no diagnosis: $(cat "$T/selftest.log")"
	ok "forbidden call logged: $(grep -o 'forbidden system call [0-9]*' \
	    "$T/selftest.log")"
fi

# sandbox = off: still no root and no-new-privileges, but no filter
start_server "sandbox = off"
expect_eq "sandbox = off: Seccomp" "$(status Seccomp)" 0
expect_eq "sandbox = off: NoNewPrivs" "$(status NoNewPrivs)" 1
expect_eq "sandbox = off: uid" "$(status Uid)" "$nobody"
grep -q "sandbox = off" "$T/server.log" || fail "sandbox = off not logged"
laptop a status >/dev/null || fail "status with sandbox = off"
server_alive
