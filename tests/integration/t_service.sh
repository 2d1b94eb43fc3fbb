#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesyncd as a service (docs/ADMIN.md, "Running the server"): -h, -V
# and option errors; -t reports every problem of a configuration (a bad
# value, an unknown user, a missing key, a key that does not match, a
# data_dir others can enter) and exits 1, or says "configuration OK";
# the data_dir lock stops a second server and names the first; logging
# (-d timestamps and levels, log_level, the systemd journal's <N>
# prefixes, fatal errors on a terminal, connection ids); sd_notify;
# SIGHUP reloads the server certificate for new connections while the
# server keeps running as an unprivileged user that started it.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { ok "skipped: needs root (setpriv)"; exit 0; }
D="$B/casesyncd"

# --- usage
"$D" -h >"$T/h.out" 2>"$T/h.err"
expect_eq "-h exit status" $? 0
grep -q '^usage: casesyncd' "$T/h.out" || fail "-h: no usage on stdout"
[ -s "$T/h.err" ] && fail "-h wrote to stderr"
expect_eq "-V" "$("$D" -V)" "casesyncd 0.1.0"
"$D" -x >"$T/x.out" 2>"$T/x.err"
expect_eq "unknown option: exit status" $? 2
expect_eq "unknown option: one line" "$(wc -l <"$T/x.err")" 1
grep -q 'unknown option -x (casesyncd -h for usage)' "$T/x.err" ||
    fail "unknown option: $(cat "$T/x.err")"
"$D" -f 2>"$T/f.err"
expect_eq "missing argument: exit status" $? 2
"$D" -d extra 2>/dev/null
expect_eq "stray argument: exit status" $? 2

# --- -t
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
CONF="$SRV/casesyncd.conf"
echo "user = nobody" >>"$CONF"

# check CONF: run casesyncd -t, output in $T/t.out, $T/t.err
check() {
	"$D" -t -f "$1" >"$T/t.out" 2>"$T/t.err"
}
check "$CONF"
expect_eq "-t good: exit status" $? 0
expect_eq "-t good: output" "$(cat "$T/t.out")" "configuration OK"

# one kind of problem at a time: each is found and named
variant() {	# variant NAME LINE: a copy of the configuration plus LINE
	sed '/^user/d' "$CONF" >"$T/$1.conf"
	printf '%s\n' "$2" >>"$T/$1.conf"
}
expect_problem() {	# expect_problem WHAT PATTERN
	[ $rc -eq 1 ] || fail "$1: exit status $rc, want 1"
	grep -q "$2" "$T/t.err" || fail "$1: want '$2', got: $(cat "$T/t.err")"
	[ -s "$T/t.out" ] && fail "$1: said $(cat "$T/t.out")"
	ok "-t: $1"
}
variant badvalue "workers = 99
user = nobody"
check "$T/badvalue.conf"; rc=$?
expect_problem "a bad value" 'line [0-9]*: bad value for "workers"'
variant nouser "user = cs-no-such-user"
check "$T/nouser.conf"; rc=$?
expect_problem "an unknown user" 'user "cs-no-such-user": no such user'
variant root ""
check "$T/root.conf"; rc=$?
expect_problem "root without user" '"user" is not set'

mv "$SRV/server.key" "$T/server.key"
check "$CONF"; rc=$?
expect_problem "a missing key" "$SRV/server.key: no such file or directory"
cp "$SRV/ca.key" "$SRV/server.key"
check "$CONF"; rc=$?
expect_problem "a key that does not match" \
    'server.key does not match server.crt'
mv "$T/server.key" "$SRV/server.key"
chmod 0644 "$SRV/server.key"
check "$CONF"; rc=$?
expect_problem "a readable key" "server.key: mode 0644"
chmod 0600 "$SRV/server.key"
chmod 0755 "$SRV"
check "$CONF"; rc=$?
expect_problem "a data_dir others can enter" "data_dir $SRV: mode 0755"
chmod 0700 "$SRV"
# server certificates from the deployment's CA for server.key: one
# expired yesterday, one expiring in 10 days
cp "$SRV/server.crt" "$T/server.crt"
openssl req -new -key "$SRV/server.key" -subj /CN=localhost \
    -out "$T/srv.csr" || fail "csr"
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' \
    >"$T/ext"
for days in -1 10; do
	openssl x509 -req -in "$T/srv.csr" -CA "$SRV/ca.crt" \
	    -CAkey "$SRV/ca.key" -days $days -extfile "$T/ext" \
	    -out "$T/srv$days.crt" 2>/dev/null || fail "sign $days"
done
cp "$T/srv-1.crt" "$SRV/server.crt"
check "$CONF"; rc=$?
expect_problem "an expired certificate" "server.crt: expired"
cp "$T/srv10.crt" "$SRV/server.crt"
check "$CONF"
expect_eq "-t: expiring soon is not a problem" $? 0
grep -q 'warning: server.crt: expires within 30 days' "$T/t.err" ||
    fail "no expiry warning: $(cat "$T/t.err")"
ok "-t: a certificate expiring within 30 days is a warning"
cp "$T/server.crt" "$SRV/server.crt"

# all at once: every problem, not only the first
variant many "workers = 99
colour = blue
log_level = loud
user = cs-no-such-user"
chmod 0750 "$SRV"
check "$T/many.conf"; rc=$?
chmod 0700 "$SRV"
expect_problem "every problem" "mode 0750"
expect_eq "-t: five problems, five lines" "$(wc -l <"$T/t.err")" 5
check "$T/missing.conf"; rc=$?
expect_problem "a missing file" "missing.conf: no such file or directory"

# --- the journal's stream: <N> priorities on stderr, even without -d
"$D" -f "$T/nouser.conf" 2>"$T/journal.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal.err") \
    "$D" -f "$T/nouser.conf" 2>>"$T/journal.err"
expect_eq "journal: exit status" $? 1
grep -q '^<2>user "cs-no-such-user": no such user$' "$T/journal.err" ||
    fail "journal: $(cat "$T/journal.err")"
ok "JOURNAL_STREAM: fatal error with priority <2> on stderr"
: >"$T/journal.out"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal.out") \
    "$D" -f "$CONF" -l 127.0.0.1:0 -p "$T/pj" 2>>"$T/journal.out" &
PJ=$!
i=0
while [ ! -s "$T/pj" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "journal start"; sleep 0.1
done
kill "$PJ"; wait "$PJ"
grep -q '^<6>casesyncd 0.1.0 listening on 127.0.0.1 port' "$T/journal.out" ||
    fail "journal: $(cat "$T/journal.out")"
grep -q '^<6>stopped$' "$T/journal.out" || fail "journal: no <6>stopped"
ok "JOURNAL_STREAM: a running server's lines carry <6>"

# --- no syslog socket, or a terminal: the fatal error still shows
if [ ! -S /dev/log ]; then
	"$D" -f "$T/nouser.conf" 2>"$T/nolog.err"
	grep -q 'fatal: user "cs-no-such-user": no such user' \
	    "$T/nolog.err" || fail "no /dev/log: $(cat "$T/nolog.err")"
	ok "no syslog socket: the fatal error goes to stderr"
fi
if command -v script >/dev/null; then
	script -qec "'$D' -f '$T/nouser.conf'" /dev/null >"$T/tty.out" 2>&1
	expect_eq "terminal: exit status" $? 1
	grep -q 'no such user' "$T/tty.out" || fail "tty: $(cat "$T/tty.out")"
	ok "on a terminal: the fatal error is shown"
fi

# --- -d: timestamps and levels; the lock; connection ids
start_server
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z info: casesyncd 0.1.0 listening' \
    "$T/server.log" || fail "-d: no timestamp and level"
ok "-d: lines carry a UTC timestamp and the level"
expect_eq "lock file holds the pid" "$(cat "$SRV/casesyncd.lock")" \
    "$SERVER_PID"
"$D" -d -f "$CONF" >"$T/second.log" 2>&1
expect_eq "second server: exit status" $? 1
grep -q "$SRV is in use: process $SERVER_PID holds" \
    "$T/second.log" || fail "second server: $(cat "$T/second.log")"
ok "a second casesyncd on the same data_dir stops and names the first"
enroll lap1 anna
laptop lap1 sync >/dev/null 2>&1 || fail "sync"
grep -Eq 'c[0-9]+ 127\.0\.0\.1 dev [0-9]+: ' "$T/server.log" ||
    fail "no connection id and device in the log"
grep -Eq 'c[0-9]+ 127\.0\.0\.1: ' "$T/server.log" ||
    fail "no connection id before the device is known"
ok "connection lines carry a connection id, then the device id"
stop_server
"$D" -d -f "$CONF" -l 127.0.0.1:0 -p "$T/p2" >"$T/third.log" 2>&1 &
P3=$!
i=0
while [ ! -s "$T/p2" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "restart after stop"; sleep 0.1
done
kill "$P3"; wait "$P3"
ok "after a stop the lock is free again"

# --- log_level = warning: no info lines (no -v)
echo "log_level = warning" >>"$CONF"
"$D" -d -f "$CONF" -l 127.0.0.1:0 -p "$T/p3" >"$T/quiet.log" 2>&1 &
P3=$!
i=0
while [ ! -s "$T/p3" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "log_level start"; sleep 0.1
done
kill "$P3"; wait "$P3"
grep -q ' info: ' "$T/quiet.log" && fail "log_level = warning: info lines"
sed -i '/^log_level/d' "$CONF"
ok "log_level = warning drops info lines"

# --- started as an unprivileged user (as the systemd unit does), with
# data_dir its own: SIGHUP reloads server.crt/server.key; sd_notify
sed -i '/^user/d' "$CONF"
chown -R nobody: "$SRV"
chmod 0711 "$T"		# nobody passes through to $SRV
asnobody() {
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"
}
asnobody "$D" -t -f "$CONF" >"$T/t.out" 2>&1 ||
    fail "-t as nobody: $(cat "$T/t.out")"
ok "-t: as the data_dir's owner without \"user\""
NOTIFY=""
if command -v python3 >/dev/null; then
	NOTIFY="$T/notify.sock"
	python3 - "$NOTIFY" >"$T/notify.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.settimeout(30)
while True:
    m = s.recv(4096).decode().replace("\n", " ")
    print(m, flush=True)
    if m.startswith("STOPPING=1"):
        break
PY
	NPID=$!
	i=0
	while [ ! -S "$NOTIFY" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && fail "notify socket"
		sleep 0.1
	done
fi
rm -f "$SRV/port"
NOTIFY_SOCKET="$NOTIFY" setpriv --reuid=nobody --regid="$(id -g nobody)" \
    --clear-groups "$D" -d -f "$CONF" -p "$SRV/port" >>"$T/server.log" 2>&1 &
SERVER_PID=$!
i=0
while [ ! -s "$SRV/port" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "server as nobody"; sleep 0.1
done
serial() {
	openssl s_client -connect "127.0.0.1:$(cat "$SRV/port")" \
	    -servername localhost -alpn casesync/1 </dev/null 2>/dev/null |
	    openssl x509 -noout -serial | cut -d= -f2
}
old=$(serial)
[ -n "$old" ] || fail "no serial from s_client"
# a new server certificate from the same CA
openssl ecparam -name prime256v1 -genkey -noout |
    openssl pkcs8 -topk8 -nocrypt -out "$T/new.key" || fail "new key"
openssl req -new -key "$T/new.key" -subj /CN=localhost -out "$T/new.csr" ||
    fail "csr"
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' \
    >"$T/ext"
openssl x509 -req -in "$T/new.csr" -CA "$SRV/ca.crt" -CAkey "$SRV/ca.key" \
    -set_serial 0x5E4D1CAB -days 30 -extfile "$T/ext" -out "$T/new.crt" \
    2>/dev/null || fail "sign"
# a key that does not match: the reload is refused, the old one stays
cp "$T/new.crt" "$SRV/server.crt"
chown nobody "$SRV/server.crt"
kill -HUP "$SERVER_PID"
sleep 0.5
server_alive
grep -q 'SIGHUP: server.key does not match server.crt: keeping' \
    "$T/server.log" || fail "bad reload not logged"
expect_eq "refused reload keeps the old certificate" "$(serial)" "$old"
install -o nobody -m 0600 "$T/new.key" "$SRV/server.key"
kill -HUP "$SERVER_PID"
sleep 0.5
server_alive
expect_eq "after SIGHUP new connections see the new certificate" \
    "$(serial)" "5E4D1CAB"
grep -q 'SIGHUP: reloaded server.crt and server.key (serial 5E4D1CAB)' \
    "$T/server.log" || fail "reload not logged"
ADDR="localhost:$(cat "$SRV/port")"
laptop lap1 sync >"$T/sync2" 2>&1 || fail "sync after reload: $(cat "$T/sync2")"
ok "a laptop syncs after the reload"
stop_server
if [ -n "$NOTIFY" ]; then
	wait "$NPID"
	expect_eq "sd_notify sequence" "$(cut -d' ' -f1 "$T/notify.out" |
	    tr '\n' ' ')" "READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 STOPPING=1 "
fi
