#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Laptops reach the service by more than one address (issue 22, DESIGN
# §11).  A laptop enrolled at A (localhost:PORT) keeps [A] (also from a
# vault of before the list, which held one "server"); casesyncd with
# "addresses = A2 A" (A2 a TCP relay to the same server on 127.0.0.1)
# gives it [A2, A] in its Welcome, said once; the next sync goes
# through A2 (the relay counts it) and remembers it; with A2's path gone
# the sync goes through A without a word; "server set" takes a dead
# address and a live one and works, refuses bad forms before asking the
# passphrase and a wrong passphrase after; an address that does not
# answer costs the connect timeout (CASESYNC_CONNECT_TIMEOUT_MS, 3 s by
# default), all failing says how many were tried; an address reaching
# another deployment's server fails TLS (that server sees a failed
# handshake, never this device) and the next address is used.  The
# name checked is the enrolled "localhost" at 127.0.0.1 addresses too
# (the certificate has no IP address).  casesyncd -t refuses bad lists.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "skip: no python3"; exit 0; }
TOOLS="$(dirname "$0")"
SCHEMAS="$TOOLS/../../docs/json-schemas.json"
VT="$B/tests/vault_tool"
RELAY_PID="" BH_PID="" PID2=""

cleanup_extra() {
	for p in $RELAY_PID $BH_PID $PID2; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	cleanup
}
trap cleanup_extra EXIT INT TERM

# waitfile FILE: until FILE is there (a helper wrote its port).
waitfile() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "no $1"
		sleep 0.1
	done
}

# show: "casesync server show --json" of laptop a, checked against its
# schema; addrs: its addresses and the one that worked last, one line.
show() {
	laptop a server show --json >"$T/show.json" 2>"$T/show.err" ||
	    fail "server show: $(cat "$T/show.err")"
	python3 "$TOOLS/../tools/json_schema.py" "$SCHEMAS" \
	    "casesync server show" "$T/show.json" >"$T/schema.err" 2>&1 ||
	    fail "server show: $(cat "$T/schema.err"): $(cat "$T/show.json")"
}
addrs() {
	show
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(" ".join(j["addresses"]), j["last_worked"] or "-")' "$T/show.json"
}

# sync_quiet WHAT: a sync that works and says nothing on stderr.
sync_quiet() {
	laptop a sync >"$T/sync.out" 2>"$T/sync.err" ||
	    fail "$1: sync: $(cat "$T/sync.err")"
	[ -s "$T/sync.err" ] && fail "$1: sync said: $(cat "$T/sync.err")"
	ok "$1"
}

# ms: milliseconds now.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

# a port nobody listens on: a relay's, after it stopped
deadport() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user"
start_server
enroll a anna
A=$ADDR

# --- the list: the enrollment address; an older vault's one "server"
expect_eq "after enrollment: [A], none worked yet" "$(addrs)" "$A -"
"$VT" sql "$T/a" "DELETE FROM vault_secret WHERE name IN ('addresses', \
'address_last')" >"$T/vt" 2>&1 || fail "vault_tool sql: $(cat "$T/vt")"
expect_eq "a vault of before the list: its server, as a list of one" \
    "$(addrs)" "$A -"
sync_quiet "the server without addresses: a sync as before"
expect_eq "A worked" "$(addrs)" "$A $A"

# --- casesyncd -t: the form of each address, at most 8, none twice
for bad in "localhost:0" "a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9" \
    "a:1 A:1" "127.1:80" "[fe80::1%lo]:80" "host name:80"; do
	cp "$SRV/casesyncd.conf" "$T/t.conf"
	echo "addresses = $bad" >>"$T/t.conf"
	"$B/casesyncd" -t -f "$T/t.conf" >/dev/null 2>"$T/t.err" &&
	    fail "casesyncd -t took addresses = $bad"
	grep -q "addresses" "$T/t.err" ||
	    fail "casesyncd -t: $bad: $(cat "$T/t.err")"
done
ok "casesyncd -t refuses bad address lists, naming the key"

# --- A2: a second way to the same server
python3 "$TOOLS/tcp_relay.py" relay "$T/relay.port" "$PORT" \
    "$T/relay.count" 2>"$T/relay.err" &
RELAY_PID=$!
waitfile "$T/relay.port"
A2="127.0.0.1:$(cat "$T/relay.port")"
: >"$T/relay.count"

stop_server
start_server "addresses = $A2 $A"
"$B/casesyncd" -t -f "$SRV/casesyncd.conf" >/dev/null 2>"$T/t.err" ||
    fail "casesyncd -t: $(cat "$T/t.err")"
laptop a sync >"$T/sync.out" 2>"$T/sync.err" ||
    fail "sync: $(cat "$T/sync.err")"
grep -q "the server's addresses changed: from now on this laptop tries \
$A2 and $A" "$T/sync.err" ||
    fail "no word of the new addresses: $(cat "$T/sync.err")"
ok "the Welcome's addresses: the laptop says they changed"
expect_eq "the laptop keeps [A2, A], tried in that order" "$(addrs)" \
    "$A2 $A -"
expect_eq "that sync went to A" "$(wc -l <"$T/relay.count")" 0

sync_quiet "the next sync says nothing: the list is the same"
expect_eq "it went through A2 (the relay)" "$(wc -l <"$T/relay.count")" 1
expect_eq "A2 worked last" "$(addrs)" "$A2 $A $A2"
# casesync status names the address it used; the name stays localhost
laptop a status >"$T/status" 2>&1 || fail "status: $(cat "$T/status")"
grep -q "^server:      $A2 " "$T/status" ||
    fail "status: $(cat "$T/status")"
ok "status names the address in use"
python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert j["server_name"] == "localhost" and j["server"] == sys.argv[2], j
' "$T/show.json" "$A2" || fail "server show: $(cat "$T/show.json")"
ok "the name checked in the certificate stays localhost (no IP in it)"

# --- A2's path gone: A, without a word
kill "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
RELAY_PID=""
t0=$(ms)
sync_quiet "A2 gone: the sync goes through A and says nothing alarming"
t1=$(ms)
[ $((t1 - t0)) -lt 5000 ] || fail "a refused A2 took $((t1 - t0)) ms"
expect_eq "A worked last" "$(addrs)" "$A2 $A $A"
sync_quiet "then A first"

# --- server set: the form first, then the passphrase
D1="127.0.0.1:$(deadport)"
D2="127.0.0.1:$(deadport)"
for bad in "localhost:0" "localhost" "127.1:80" "[::1]" "-x:80" \
    "a:1 a:1" "a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9"; do
	# shellcheck disable=SC2086	# several addresses
	env -u CASESYNC_PASSPHRASE "$B/casesync" --dir "$T/a" server set \
	    $bad </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || fail "server set $bad: exit $rc: $(cat "$T/err")"
done
ok "server set refuses bad addresses before asking the passphrase"
expect_eq "the list is as it was" "$(addrs)" "$A2 $A $A"
CASESYNC_PASSPHRASE="wrong horse battery staple" laptop a server set \
    "$A" >"$T/out" 2>"$T/err"
expect_eq "server set needs the passphrase: a wrong one, exit 3" $? 3
grep -q "wrong passphrase" "$T/err" || fail "wrong: $(cat "$T/err")"
expect_eq "and nothing changed" "$(addrs)" "$A2 $A $A"

laptop a server set "$D1" "$A" >"$T/set.out" 2>"$T/err" ||
    fail "server set: $(cat "$T/err")"
grep -q "$D1" "$T/set.out" || fail "server set: $(cat "$T/set.out")"
expect_eq "set by hand: a dead address, then A" "$(addrs)" "$D1 $A -"
laptop a sync >"$T/sync.out" 2>"$T/sync.err" ||
    fail "dead then live: $(cat "$T/sync.err")"
grep -q "cannot\|warning" "$T/sync.err" &&
    fail "dead then live: $(cat "$T/sync.err")"
ok "set by hand, a dead address then a live one: the sync works"
# the server's list wins again at that sync (said once)
grep -q "addresses changed" "$T/sync.err" ||
    fail "the server's list: $(cat "$T/sync.err")"
expect_eq "the server's list is back" "$(addrs)" "$A2 $A -"

# --- all dead: one message, how many were tried
laptop a server set "$D1" "$D2" >/dev/null 2>&1 || fail "server set"
laptop a sync >"$T/out" 2>"$T/err"
expect_eq "nothing answers: exit 6 (network)" $? 6
grep -q "cannot connect securely to the server: 2 addresses tried \
($D1 and $D2): connection refused" "$T/err" ||
    fail "all dead: $(cat "$T/err")"
ok "all dead: the offline message names the 2 addresses tried, and why"
laptop a server set "$D1" >/dev/null 2>&1 || fail "server set one"
laptop a sync >"$T/out" 2>"$T/err"
expect_eq "one dead: exit 6" $? 6
grep -q "cannot connect securely to $D1: " "$T/err" ||
    fail "one dead: $(cat "$T/err")"
ok "one address: the message as before"

# --- an address that does not answer: the connect timeout, then A
python3 "$TOOLS/tcp_relay.py" blackhole "$T/bh.port" 2>"$T/bh.err" &
BH_PID=$!
waitfile "$T/bh.port"
BH="127.0.0.1:$(cat "$T/bh.port")"
laptop a server set "$BH" "$A" >/dev/null 2>&1 || fail "server set bh"
t0=$(ms)
CASESYNC_CONNECT_TIMEOUT_MS=500 laptop a sync >"$T/sync.out" \
    2>"$T/sync.err" || fail "silent address: $(cat "$T/sync.err")"
fast=$(($(ms) - t0))
# (the server's own list comes back, said once; nothing else)
grep -v "addresses changed" "$T/sync.err" >"$T/rest"
[ -s "$T/rest" ] && fail "silent address: $(cat "$T/sync.err")"
laptop a server set "$BH" "$A" >/dev/null 2>&1 || fail "server set bh"
t0=$(ms)
laptop a sync >"$T/sync.out" 2>"$T/sync.err" ||
    fail "silent address: $(cat "$T/sync.err")"
slow=$(($(ms) - t0))
# each waited for its timeout; not the 15 s of a whole exchange
if ! { [ "$fast" -ge 500 ] && [ "$slow" -ge 3000 ] &&
    [ $((slow - fast)) -ge 1000 ] && [ "$slow" -lt 14000 ]; }; then
	fail "connect timeouts: 500 ms took $fast ms, 3 s took $slow ms"
fi
ok "an address that does not answer: its connect timeout (500 ms: \
$fast ms; the default 3 s: $slow ms), then A, without a word"
kill "$BH_PID"
wait "$BH_PID" 2>/dev/null
BH_PID=""

# --- another deployment's server (its own CA, also named localhost)
SRV2="$T/srv2"
"$B/casesyncctl" --dir "$SRV2" init --dir "$SRV2" --server-name localhost \
    --listen 127.0.0.1:0 >"$T/init2.out" || fail "init 2"
[ "$(id -u)" -eq 0 ] && echo "user = nobody" >>"$SRV2/casesyncd.conf"
"$B/casesyncd" -d -v -f "$SRV2/casesyncd.conf" -p "$T/port2" \
    >>"$T/server2.log" 2>&1 &
PID2=$!
waitfile "$T/port2"
O="127.0.0.1:$(cat "$T/port2")"
laptop a server set "$O" >/dev/null 2>&1 || fail "server set other"
laptop a sync >"$T/out" 2>"$T/err"
expect_eq "another deployment's server: exit 6" $? 6
grep -q "certificate" "$T/err" || fail "other: $(cat "$T/err")"
ok "another deployment's server fails the certificate check"
laptop a server set "$O" "$A" >/dev/null 2>&1 || fail "server set other, A"
laptop a sync >"$T/sync.out" 2>"$T/sync.err" ||
    fail "other, then A: $(cat "$T/sync.err")"
grep -q "$O: the server there is not localhost of this laptop's \
deployment" "$T/sync.err" || fail "other, then A: $(cat "$T/sync.err")"
ok "the other server skipped with a warning, the sync went through A"
i=0
while ! grep -q "TLS handshake failed" "$T/server2.log"; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "server 2: $(cat "$T/server2.log")"
	sleep 0.1
done
grep -q "device\|hello\|login" "$T/server2.log" &&
    fail "the other server heard from the device: $(cat "$T/server2.log")"
ok "the other server saw failed handshakes, never this device"
server_alive
