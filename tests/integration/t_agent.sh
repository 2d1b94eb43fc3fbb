#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync agent (issue 17: the passphrase asked once per session of
# use).  With the agent running, commands work with no passphrase source
# (no variable, no file, no terminal); after the idle timeout, and after
# the hard maximum however busy, they need one again; "lock" and "agent
# stop" forget at once, and so does a passphrase change (the key file
# gets a new salt) or a key the key file refuses.  A second vault is not
# served this vault's key.  A socket with loose permissions, owned by
# another user, or in a directory that is not private is not used; the
# agent refuses a process of another uid (SO_PEERCRED) and hostile
# requests (short, long, bad magic or op) without dying.  The agent's
# process makes no core dump and is not dumpable; SIGTERM wipes and
# exits, removing the socket.
. "$(dirname "$0")/lib.sh"

PASS="$CASESYNC_PASSPHRASE"
unset XDG_RUNTIME_DIR
NB=""
NB_PID=""
FAKE_PID=""
agent_cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
	[ -n "$NB_PID" ] && kill "$NB_PID" 2>/dev/null
	for d in "$T/a" "$T/b"; do
		[ -d "$d" ] && "$B/casesync" --dir "$d" lock >/dev/null 2>&1
	done
	[ -n "$NB" ] && rm -rf "$NB"
	cleanup
}
trap agent_cleanup EXIT INT TERM

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
stop_server

# np LAPTOP ARGS...: a command with no passphrase source: no variable,
# no file, and no controlling terminal (setsid), so only the agent.
np() {
	name=$1
	shift
	env -u CASESYNC_PASSPHRASE setsid -w "$B/casesync" --dir "$T/$name" \
	    "$@"
}
# needs_pass WHAT LAPTOP: "check" fails for want of a passphrase.
needs_pass() {
	np "$2" check >"$T/np.out" 2>"$T/np.err" &&
	    fail "$1: check ran without a passphrase"
	grep -q "cannot read the passphrase" "$T/np.err" ||
	    fail "$1: $(cat "$T/np.err")"
	ok "$1"
}
served() {
	np "$2" check >"$T/np.out" 2>"$T/np.err" ||
	    fail "$1: $(cat "$T/np.err")"
	grep -q "vault ok" "$T/np.out" || fail "$1: $(cat "$T/np.out")"
	ok "$1"
}
# start_agent LAPTOP [ARGS]: detached; AGENT_PID
start_agent() {
	name=$1
	shift
	laptop "$name" agent "$@" >"$T/agent.out" 2>"$T/agent.err" ||
	    fail "agent $name: $(cat "$T/agent.err")"
	AGENT_PID=$(awk '{ print $3; exit }' "$T/agent.out")
	kill -0 "$AGENT_PID" 2>/dev/null || fail "agent $name not running"
}
# gone WHAT: the agent AGENT_PID has exited (within 5 s).
gone() {
	i=0
	while kill -0 "$AGENT_PID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "$1: agent still running"
		sleep 0.1
	done
}
sock() {	# the socket of laptop $1 (data directory fallback)
	ls "$T/$1/agent/"*.sock 2>/dev/null | head -1
}

# A client speaking the protocol (client/core/agent.h) as anyone could.
cat >"$T/ag.py" <<'EOF'
import socket, struct, sys, time
path, keyfile, op, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4]
kf = open(keyfile, 'rb').read()
req = b'csagent\0' + struct.pack('>I', op) + kf[48:64] + kf[32:48]
if mode == 'trailing':
    req += b'x'
elif mode == 'short':
    req = req[:20]
elif mode == 'magic':
    req = b'X' + req[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
data = b''
try:
    # an agent that refuses may close before all of it is sent
    s.sendall(req)
    while True:
        c = s.recv(100)
        if not c:
            break
        data += c
except (BrokenPipeError, ConnectionResetError):
    pass
if not data:
    print('closed')
else:
    st = struct.unpack('>I', data[8:12])[0]
    print('status %d len %d key %s' % (st, len(data),
        'zero' if data[12:] == bytes(32) else 'set'))
EOF
# ask LAPTOP-SOCKET KEYFILE OP MODE
ask() {
	python3 "$T/ag.py" "$@" 2>"$T/ask.err" ||
	    echo "error $(cat "$T/ask.err")"
}

# --- without an agent ------------------------------------------------
needs_pass "without an agent a command needs the passphrase" a

# --- with the agent ----------------------------------------------------
start_agent a
expect_eq "the agent's directory is private" \
    "$(stat -c '%a %u' "$T/a/agent")" "700 $(id -u)"
S=$(sock a)
expect_eq "the agent's socket is the user's, mode 0600" \
    "$(stat -c '%F %a' "$S")" "socket 600"
served "with the agent running, check needs no passphrase" a
np a case list >"$T/np.out" 2>"$T/np.err" ||
    fail "case list: $(cat "$T/np.err")"
ok "with the agent running, case list needs no passphrase"
expect_eq "the agent makes no core dump" \
    "$(awk '/^Max core file size/ { print $5, $6 }' \
    "/proc/$AGENT_PID/limits")" \
    "0 0"
# mlock is not inherited across fork: the agent locks its own copy
# (AddressSanitizer makes mlock a no-op: not in sanitizer builds)
if [ -z "$SANITIZED" ]; then
	lck=$(awk '/^VmLck:/ { print $2 }' "/proc/$AGENT_PID/status")
	[ "${lck:-0}" -gt 0 ] ||
	    fail "the agent has no locked memory (VmLck $lck)"
	ok "the key is in locked memory in the agent's own process \
(VmLck $lck kB)"
fi
laptop a agent >"$T/x.out" 2>"$T/x.err" && fail "a second agent started"
grep -q "already running" "$T/x.err" || fail "second agent: $(cat "$T/x.err")"
ok "a second agent for the same vault is refused"
expect_eq "the protocol: the vault's own request gets the key" \
    "$(ask "$S" "$T/a/vault.key" 1 ok)" "status 0 len 44 key set"

# --- a second vault ---------------------------------------------------
needs_pass "a second vault's commands are not served this vault's key" b
expect_eq "a request with the second vault's id is refused, no key" \
    "$(ask "$S" "$T/b/vault.key" 1 ok)" "status 1 len 44 key zero"
expect_eq "a FORGET with the second vault's id is refused" \
    "$(ask "$S" "$T/b/vault.key" 2 ok)" "status 1 len 44 key zero"

# --- hostile requests ---------------------------------------------------
expect_eq "a request with a byte after it gets nothing" \
    "$(ask "$S" "$T/a/vault.key" 1 trailing)" "closed"
expect_eq "a short request gets nothing (after the agent's deadline)" \
    "$(ask "$S" "$T/a/vault.key" 1 short)" "closed"
expect_eq "a request with a wrong magic gets nothing" \
    "$(ask "$S" "$T/a/vault.key" 1 magic)" "closed"
expect_eq "a request with an unknown op gets nothing" \
    "$(ask "$S" "$T/a/vault.key" 7 ok)" "closed"
served "the agent serves on after hostile requests" a

# --- lock, agent stop --------------------------------------------------
laptop a lock >"$T/l.out" 2>&1 || fail "lock: $(cat "$T/l.out")"
grep -q "forgotten" "$T/l.out" || fail "lock: $(cat "$T/l.out")"
gone "lock"
[ -e "$S" ] && fail "lock: the socket is still there"
needs_pass "after lock a command needs the passphrase again" a
laptop a lock >"$T/l.out" 2>&1 || fail "lock without agent"
grep -q "none was running" "$T/l.out" || fail "lock: $(cat "$T/l.out")"
ok "lock without an agent says so and succeeds"

start_agent a
served "agent started again" a
laptop a agent stop >"$T/l.out" 2>&1 || fail "agent stop: $(cat "$T/l.out")"
gone "agent stop"
needs_pass "after agent stop a command needs the passphrase again" a

# --- timeouts --------------------------------------------------------------
CASESYNC_AGENT_TIMEOUT_SECONDS=2 start_agent a
served "idle timeout 2 s: served at once" a
sleep 1.2
served "idle timeout 2 s: served 1.2 s later" a
sleep 1.2
served "idle timeout 2 s: each use restarts it (2.4 s after start)" a
sleep 3
needs_pass "after 2 s unused a command needs the passphrase again" a
gone "idle timeout"

CASESYNC_AGENT_TIMEOUT_SECONDS=60 CASESYNC_AGENT_MAX_SECONDS=3 start_agent a
served "hard maximum 3 s: served at once" a
sleep 1.5
served "hard maximum 3 s: served 1.5 s later" a
sleep 2.5
needs_pass "after the hard maximum a command needs the passphrase again, \
though used" a
gone "hard maximum"
laptop a agent --timeout 0 >/dev/null 2>&1
expect_eq "--timeout 0 is refused" "$?" 2
laptop a agent --timeout 481 >/dev/null 2>&1
expect_eq "--timeout above 8 hours is refused" "$?" 2

# --- a wrong passphrase starts nothing -----------------------------------
CASESYNC_PASSPHRASE="not the passphrase" laptop a agent >"$T/x.out" \
    2>"$T/x.err" &&
    fail "agent started with a wrong passphrase"
grep -q "wrong passphrase" "$T/x.err" || fail "wrong: $(cat "$T/x.err")"
[ -e "$(sock a)" ] && fail "a socket was left after a wrong passphrase"
ok "a wrong passphrase starts no agent and leaves no socket"

# --- a passphrase change makes the agent forget ----------------------------
NEWP="violet tractor mumbles quietly"
start_agent a
CASESYNC_NEW_PASSPHRASE=$NEWP laptop a passwd >"$T/p.out" 2>&1 ||
    fail "passwd: $(cat "$T/p.out")"
grep -q "held the key of the old passphrase and has forgotten it" \
    "$T/p.out" || fail "passwd: $(cat "$T/p.out")"
gone "passwd"
needs_pass "after passwd the agent has forgotten the old key at once" a
CASESYNC_PASSPHRASE=$NEWP start_agent a
served "an agent started with the new passphrase serves" a
laptop a agent stop >/dev/null 2>&1
gone "stop"
CASESYNC_PASSPHRASE=$NEWP CASESYNC_NEW_PASSPHRASE=$PASS laptop a passwd \
    >"$T/p.out" 2>&1 || fail "passwd back: $(cat "$T/p.out")"
# a key file re-wrapped elsewhere (a copy of the vault, put back): the
# agent learns it at the next request (another salt) and forgets
start_agent a
mkdir -m 700 "$T/c"
cp "$T/a/vault.key" "$T/c/vault.key"
cp "$T/a/vault.db" "$T/a/vault.db-head" "$T/c/" 2>/dev/null
CASESYNC_NEW_PASSPHRASE=$NEWP laptop c passwd >"$T/p.out" 2>&1
cp "$T/a/vault.key" "$T/vault.key.good"
cp "$T/c/vault.key" "$T/a/vault.key"
np a check >"$T/np.out" 2>"$T/np.err" && fail "the old key opened the vault"
grep -q "passphrase was changed" "$T/np.err" || fail "$(cat "$T/np.err")"
gone "stale"
ok "a key file re-wrapped behind the agent's back: the agent forgets (stale)"
cp "$T/vault.key.good" "$T/a/vault.key"

# --- a key the key file refuses: forgotten ---------------------------------
start_agent a
# a byte of the wrapped database key: same salt, the AEAD tag refuses
python3 -c "
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[100] ^= 1
open(p, 'wb').write(b)
" "$T/a/vault.key"
np a check >"$T/np.out" 2>"$T/np.err" && fail "an altered key file opened"
grep -q "does not open this vault" "$T/np.err" || fail "$(cat "$T/np.err")"
gone "wrong key"
ok "a key the key file refuses is refused as a wrong passphrase, and forgotten"
cp "$T/vault.key.good" "$T/a/vault.key"

# --- sockets that are not safe -------------------------------------------
cat >"$T/fake.py" <<'EOF'
import os, socket, sys
path, mode, uid, log = sys.argv[1], int(sys.argv[2], 8), int(sys.argv[3]), \
    sys.argv[4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, mode)
os.chown(path, uid, -1)
s.listen(4)
open(path + '.ready', 'w').close()
while True:
    c, _ = s.accept()
    open(log, 'a').write('connected\n')
    c.close()
EOF
# fake MODE UID: a listener in the agent's place; FAKE_PID
fake() {
	mkdir -p "$T/a/agent"
	chmod 700 "$T/a/agent"
	hex=$(python3 -c "import sys
print(open(sys.argv[1], 'rb').read()[48:64].hex())" "$T/a/vault.key")
	F="$T/a/agent/$hex.sock"
	rm -f "$F" "$F.ready" "$T/fake.log"
	python3 "$T/fake.py" "$F" "$1" "$2" "$T/fake.log" &
	FAKE_PID=$!
	i=0
	while [ ! -e "$F.ready" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "fake socket"
		sleep 0.1
	done
}
unfake() {
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=""
	rm -f "$F" "$F.ready"
}
NOBODY=$(id -u nobody)
fake 777 "$(id -u)"
needs_pass "a socket with mode 0777 in the agent's place is not used" a
grep -q "not a private socket" "$T/np.err" || fail "$(cat "$T/np.err")"
[ -e "$T/fake.log" ] && fail "the client connected to the 0777 socket"
ok "... not even connected to"
unfake
if [ "$(id -u)" -eq 0 ]; then	# chown needs root
	fake 600 "$NOBODY"
	needs_pass "a socket owned by another user is not used" a
	[ -e "$T/fake.log" ] && fail "the client connected to nobody's socket"
	unfake
fi

start_agent a
chmod 755 "$T/a/agent"
needs_pass "an agent directory with loose permissions is not used" a
grep -q "not a private directory" "$T/np.err" || fail "$(cat "$T/np.err")"
chmod 700 "$T/a/agent"
served "... and the agent is used again once it is private" a
laptop a lock >/dev/null 2>&1
gone "lock"

# --- XDG_RUNTIME_DIR -------------------------------------------------------
mkdir -m 700 "$T/xdg"
XDG_RUNTIME_DIR="$T/xdg" start_agent a
ls "$T/xdg/casesync/"*.sock >/dev/null 2>&1 ||
    fail "no socket in XDG_RUNTIME_DIR/casesync"
XDG_RUNTIME_DIR="$T/xdg" served "with XDG_RUNTIME_DIR the socket is there" a
XDG_RUNTIME_DIR="$T/xdg" laptop a lock >/dev/null 2>&1
gone "xdg lock"

# --- another uid ---------------------------------------------------------
if ! setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups true \
    2>/dev/null; then
	echo "ok - skipped: setpriv cannot switch to nobody here"
	exit 0
fi
NB=$(mktemp -d /tmp/casesync-nb.XXXXXX)
cp -a "$T/a/." "$NB/"
rm -rf "$NB/agent"
chown -R "$NOBODY" "$NB"
chmod 700 "$NB"
setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
    env HOME="$NB" "$B/casesync" --dir "$NB" agent --foreground \
    >"$T/nb.out" 2>"$T/nb.err" &
NB_PID=$!
i=0
while ! ls "$NB/agent/"*.sock >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "nobody's agent: $(cat "$T/nb.err")"
	sleep 0.1
done
NS=$(ls "$NB/agent/"*.sock | head -1)
expect_eq "an agent of another user refuses us (SO_PEERCRED)" \
    "$(ask "$NS" "$NB/vault.key" 1 ok)" "closed"
grep -q "refused a connection from uid $(id -u)" "$T/nb.err" ||
    fail "no refusal logged: $(cat "$T/nb.err")"
ok "... and says so in its log"
env -u CASESYNC_PASSPHRASE setsid -w "$B/casesync" --dir "$NB" check \
    >"$T/np.out" 2>"$T/np.err" && fail "root used nobody's agent"
grep -q "not a private directory of this user" "$T/np.err" ||
    fail "$(cat "$T/np.err")"
ok "our client does not use another user's agent"
if [ -z "$SANITIZED" ]; then
	# PR_SET_DUMPABLE 0: /proc/PID/mem belongs to root, not to the agent's
	# user, and the same user cannot ptrace or read its memory
	expect_eq "the agent's process is not dumpable" \
	    "$(stat -c %u "/proc/$NB_PID/mem")" 0
	expect_eq "... though it runs as nobody" \
	    "$(awk '/^Uid:/ { print $2 }' "/proc/$NB_PID/status")" "$NOBODY"
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
	    cat "/proc/$NB_PID/environ" >/dev/null 2>&1 &&
	    fail "nobody read the agent's environ"
	ok "its own user cannot read its /proc/PID/environ"
fi
kill -TERM "$NB_PID"
wait "$NB_PID"
rc=$?
NB_PID=""
expect_eq "SIGTERM: the agent exits 0" "$rc" 0
grep -q "key forgotten (signal)" "$T/nb.err" || fail "$(cat "$T/nb.err")"
ls "$NB/agent/"*.sock >/dev/null 2>&1 && fail "socket left after SIGTERM"
ok "SIGTERM: the key is wiped and the socket removed"
