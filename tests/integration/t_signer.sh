#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Privilege separation (docs/SIGNER.md): casesyncd runs a signer
# process that holds ca.key and audit.key; the network process has no
# descriptor to them and neither key's bytes in its memory (a core of
# each process is read through /proc/PID/mem; the signer's own memory
# shows the search finds them).  The signer is not dumpable, so the network process
# (same user) cannot read its memory.  Enrollment, renewal by token,
# key publication and audit checkpoints still work through it; a
# forbidden system call kills the signer and the server does not
# start; a dead signer stops the server with exit status 1.
. "$(dirname "$0")/lib.sh"

children() { cat /proc/"$1"/task/*/children 2>/dev/null | tr -s ' ' '\n' |
    grep -v '^$'; }
owner() { stat -c %u "$1"; }
# hex KEYFILE: the P-256 private scalar, big endian, 64 hex digits
scalar() {
	openssl pkey -in "$1" -noout -text 2>/dev/null |
	    awk '/^priv:/ { p = 1; next } /^pub:/ { p = 0 } p' |
	    tr -d ' :\n' | sed 's/^00//' | tail -c 64
}
# reverse HEX: the same bytes in the opposite order
reverse() { echo "$1" | sed 's/../&\n/g' | grep -v '^$' | tac | tr -d '\n'; }
# found FILE HEX: 0 if the bytes HEX occur in FILE
# (perl, not grep: the key may hold a newline or a NUL byte)
found() {
	K="$2" perl -0777 -ne \
	    'exit(index($_, pack("H*", $ENV{K})) >= 0 ? 0 : 1)' "$1"
}
# memdump PID FILE: every readable mapping of PID, from /proc/PID/mem
# (also what libsodium keeps out of core files with MADV_DONTDUMP)
memdump() {
	: >"$2"
	grep -v -e '\[vvar' -e '\[vsyscall' "/proc/$1/maps" |
	while read -r range perm rest; do
		case $perm in r*) ;; *) continue ;; esac
		a=$((0x${range%-*} / 4096))
		e=$((0x${range#*-} / 4096))
		dd if="/proc/$1/mem" bs=4096 skip="$a" count=$((e - a)) \
		    >>"$2" 2>/dev/null || true
	done
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll l1 anna
ok "enrollment: the signer issued the device certificate"

sig=$(children "$SERVER_PID")
expect_eq "one child process (the signer)" "$(echo "$sig" | wc -l)" 1
[ -n "$sig" ] && [ "$sig" != "$SERVER_PID" ] || fail "no signer process"
grep -q "signer process $sig holds ca.key and audit.key" "$T/server.log" ||
    fail "no log line for the signer"
expect_eq "the signer runs as the server's user" \
    "$(awk '$1 == "Uid:" { print $3 }' "/proc/$sig/status")" \
    "$(awk '$1 == "Uid:" { print $3 }' "/proc/$SERVER_PID/status")"
expect_eq "the signer has no-new-privileges" \
    "$(awk '$1 == "NoNewPrivs:" { print $2 }' "/proc/$sig/status")" 1
if [ "$(awk '$1 == "Seccomp:" { print $2 }' \
    "/proc/$SERVER_PID/status")" = 2 ]; then
	expect_eq "the signer has its own seccomp filter" \
	    "$(awk '$1 == "Seccomp:" { print $2 }' "/proc/$sig/status")" 2
fi
# a non-dumpable process's /proc files belong to root (started as root,
# the drop to "user" makes both processes non-dumpable; started as the
# user, as the systemd unit does, only the signer is)
expect_eq "the signer is not dumpable (/proc/PID/mem is root's)" \
    "$(owner "/proc/$sig/mem")" 0
ls -l "/proc/$SERVER_PID/fd/" >"$T/fds" 2>/dev/null || fail "fd list"
grep -q 'server.db$' "$T/fds" || fail "fd list without server.db"
grep -Eq 'ca\.key|audit\.key' "$T/fds" &&
    fail "the network process has a key file open: $(cat "$T/fds")"
ok "no key file open in the network process"

# key publication (the CA signs the user certificate) and a checkpoint
laptop l1 keys setup >"$T/keys.out" 2>&1 ||
    fail "keys setup: $(cat "$T/keys.out")"
ok "key publication: the signer signed the user certificate"
laptop l1 sync >"$T/sync.out" 2>&1 || fail "sync: $(cat "$T/sync.out")"
ctl audit checkpoint --export >"$T/cp.out" 2>&1 ||
    fail "no checkpoint signed while running: $(cat "$T/cp.out")"
ok "audit checkpoints signed through the signer while running"

# the keys' bytes: in the signer's memory, not in the network process's
# (not in a sanitizer build: its shadow memory maps terabytes)
if [ "$(id -u)" -eq 0 ] &&
    ! grep -q "sanitizer build" "$T/server.log"; then
	ca=$(scalar "$SRV/ca.key")
	[ ${#ca} -eq 64 ] || fail "cannot read the CA scalar"
	ac=$(od -An -tx1 -v "$SRV/audit.key" | tr -d ' \n')
	[ ${#ac} -eq 64 ] || fail "cannot read the audit seed"
	memdump "$SERVER_PID" "$T/mem.net"
	memdump "$sig" "$T/mem.sig"
	[ -s "$T/mem.net" ] && [ -s "$T/mem.sig" ] || fail "memory not read"
	for k in "$ca" "$(reverse "$ca")"; do
		found "$T/mem.net" "$k" &&
		    fail "the CA private key is in the network process"
	done
	found "$T/mem.net" "$ac" &&
	    fail "the audit key is in the network process"
	found "$T/mem.sig" "$ca" || found "$T/mem.sig" "$(reverse "$ca")" ||
	    fail "the search does not find the CA key in the signer either"
	found "$T/mem.sig" "$ac" ||
	    fail "the search does not find the audit key in the signer"
	rm -f "$T"/mem.*
	ok "ca.key and audit.key bytes: in the signer, not in the network process"
else
	ok "skipped the memory search: needs root, no sanitizer"
fi
server_alive

# a clean stop signs the last checkpoint through the signer
stop_server
ctl audit verify >"$T/verify.out" 2>&1 ||
    fail "verify after stop: $(cat "$T/verify.out")"
ok "checkpoint at stop signed by the signer, verify passes"

# a dead signer stops the server, exit status 1, loudly
start_server
sig=$(children "$SERVER_PID")
kill -9 "$sig"
i=0
while kill -0 "$SERVER_PID" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "server still running without its signer"
	sleep 0.1
done
wait "$SERVER_PID"
expect_eq "exit status without the signer" $? 1
SERVER_PID=""
grep -q "the signer process $sig died: stopping" "$T/server.log" ||
    fail "no log line for the signer's death"
ok "a dead signer stops the server"

# a forbidden system call kills the signer: the server does not start
if grep -q '^sandbox *= *off' "$SRV/casesyncd.conf" ||
    grep -q "sanitizer build" "$T/server.log"; then
	ok "skipped the signer's filter test: no filter"
else
	CASESYNC_SIGNER_SELFTEST=1 timeout 30 "$B/casesyncd" -d \
	    -f "$SRV/casesyncd.conf" >"$T/selftest.log" 2>&1
	expect_eq "signer selftest: exit status" $? 1
	grep -q "sandbox: forbidden system call" "$T/selftest.log" ||
	    fail "no SIGSYS line: $(cat "$T/selftest.log")"
	grep -q "the signer process did not start" "$T/selftest.log" ||
	    fail "no start failure: $(cat "$T/selftest.log")"
	ok "a forbidden call kills the signer and the server does not start"
fi

# it comes back with the same keys
start_server
enroll l2 anna
ok "restarted: enrollment works again"
