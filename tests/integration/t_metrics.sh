#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The metrics page (docs/ADMIN.md, "Metrics"): metrics_listen must be a
# loopback address unless metrics_allow_remote = yes (casesyncd -t and
# the start refuse it); the page parses line by line as the Prometheus
# text format 0.0.4; its counters move when a laptop enrolls and syncs
# and when a request is refused; the certificate expiries are those of
# the files; a request that is not GET /metrics, an oversized one, one
# with binary bytes and one that never comes are answered or closed
# without harming the server, which then still syncs and scrapes.
. "$(dirname "$0")/lib.sh"

M="python3 $(dirname "$0")/metrics.py"
D="$B/casesyncd"
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
CONF="$SRV/casesyncd.conf"

# --- a non-loopback address is refused by -t and at start
variant() {	# variant NAME LINES...: the configuration plus LINES
	out=$1
	shift
	cp "$CONF" "$T/$out.conf"
	grep -q '^user *=' "$CONF" || [ "$(id -u)" -ne 0 ] ||
	    echo "user = nobody" >>"$T/$out.conf"
	for line in "$@"; do
		printf '%s\n' "$line" >>"$T/$out.conf"
	done
}
variant remote "metrics_listen = 192.0.2.1:9100"
"$D" -t -f "$T/remote.conf" >"$T/t.out" 2>"$T/t.err"
expect_eq "-t: remote metrics_listen exit status" $? 1
grep -q "metrics_listen 192.0.2.1 is not a loopback address" "$T/t.err" ||
    fail "-t: remote metrics_listen: $(cat "$T/t.err")"
"$D" -d -f "$T/remote.conf" -p "$T/rport" >"$T/remote.log" 2>&1
[ $? -ne 0 ] || fail "casesyncd started with a remote metrics_listen"
grep -q "not a loopback address" "$T/remote.log" ||
    fail "start: remote metrics_listen: $(cat "$T/remote.log")"
[ -e "$T/rport" ] && fail "a port was bound with a remote metrics_listen"
ok "start refuses a remote metrics_listen"
variant remote_ok "metrics_listen = 192.0.2.1:9100" \
    "metrics_allow_remote = yes"
"$D" -t -f "$T/remote_ok.conf" >"$T/t.out" 2>"$T/t.err"
grep -q "metrics" "$T/t.err" &&
    fail "-t: metrics_allow_remote = yes: $(cat "$T/t.err")"
ok "-t: metrics_allow_remote = yes allows it"
variant v6 "metrics_listen = [::1]:9100"
"$D" -t -f "$T/v6.conf" >"$T/t.out" 2>"$T/t.err"
grep -q "metrics" "$T/t.err" && fail "-t: [::1]: $(cat "$T/t.err")"
variant badval "metrics_allow_remote = maybe"
"$D" -t -f "$T/badval.conf" >"$T/t.out" 2>"$T/t.err"
grep -q 'bad value for "metrics_allow_remote"' "$T/t.err" ||
    fail "-t: metrics_allow_remote = maybe: $(cat "$T/t.err")"
ok "-t: [::1] is loopback; a bad metrics_allow_remote is named"

# --- serve and scrape
MP=$($M freeport) || fail "freeport"
start_server "metrics_listen = 127.0.0.1:$MP"
grep -q "metrics on 127.0.0.1 port $MP" "$T/server.log" ||
    fail "no metrics line in the log"

scrape() {	# scrape NAME: parsed series into $T/NAME.m
	$M scrape 127.0.0.1 "$MP" "$T/$1.m" 2>"$T/scrape.err" ||
	    fail "scrape $1: $(cat "$T/scrape.err")"
}
get() {		# get NAME SERIES: its value (0 when absent)
	v=$(awk -v k="$2" '$1 == k { print $2 }' "$T/$1.m")
	echo "${v:-0}"
}
gt() {		# gt WHAT A B: A > B
	python3 -c "import sys; sys.exit(0 if $2 > $3 else 1)" ||
	    fail "$1: $2 is not more than $3"
	ok "$1"
}

scrape s0
ok "the page parses as the text format"
for k in 'casesyncd_connections{state="ready"}' casesyncd_sessions \
    casesyncd_handshake_seconds_count casesyncd_request_seconds_count \
    casesyncd_store_commit_seconds_count casesyncd_audit_entries \
    casesyncd_audit_entries_pending 'casesyncd_devices{state="active"}' \
    'casesyncd_certificate_expiry_timestamp_seconds{cert="server"}' \
    'casesyncd_certificate_expiry_timestamp_seconds{cert="ca"}'; do
	grep -qF "$k " "$T/s0.m" || fail "no $k"
done
ok "every family is there"

# the expiries are those of the files
end_of() {
	python3 -c "import sys, email.utils as u
print(int(u.parsedate_to_datetime(sys.argv[1].replace('GMT','+0000')).timestamp()))" \
	    "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)"
}
expect_eq "server certificate expiry" \
    "$(get s0 'casesyncd_certificate_expiry_timestamp_seconds{cert="server"}')" \
    "$(end_of "$SRV/server.crt").0"
expect_eq "CA certificate expiry" \
    "$(get s0 'casesyncd_certificate_expiry_timestamp_seconds{cert="ca"}')" \
    "$(end_of "$SRV/ca.crt").0"

# a laptop enrolls and syncs: the counters move
enroll a anna
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Jansen >/dev/null ||
    fail "record put"
laptop a sync >"$T/sync.out" 2>&1 || fail "sync: $(cat "$T/sync.out")"
scrape s1
expect_eq "devices" "$(get s1 'casesyncd_devices{state="active"}')" 1.0
gt "hello requests counted" "$(get s1 'casesyncd_requests_total{type="hello"}')" \
    "$(get s0 'casesyncd_requests_total{type="hello"}')"
gt "enroll requests counted" \
    "$(get s1 'casesyncd_requests_total{type="enroll_request"}')" 0
grep -q '^casesyncd_requests_total{type="push' "$T/s1.m" ||
    fail "no push requests: $(grep requests_total "$T/s1.m")"
gt "handshakes timed" "$(get s1 casesyncd_handshake_seconds_count)" \
    "$(get s0 casesyncd_handshake_seconds_count)"
gt "requests timed" "$(get s1 casesyncd_request_seconds_count)" \
    "$(get s0 casesyncd_request_seconds_count)"
gt "store commits timed" "$(get s1 casesyncd_store_commit_seconds_count)" \
    "$(get s0 casesyncd_store_commit_seconds_count)"
gt "audit log grew" "$(get s1 casesyncd_audit_entries)" \
    "$(get s0 casesyncd_audit_entries)"
gt "connections accepted" "$(get s1 casesyncd_connections_accepted_total)" \
    "$(get s0 casesyncd_connections_accepted_total)"

# a refused request is an error of its type
expect_eq "no certificate, Ping" "$(probe unauth-ping)" "error UNAUTHENTICATED"
scrape s2
gt "errors by type" "$(get s2 'casesyncd_errors_total{type="ping"}')" \
    "$(get s1 'casesyncd_errors_total{type="ping"}')"
gt "failed handshakes counted" "$(get s2 casesyncd_handshakes_failed_total)" \
    -1

# a laptop that stays connected (sync --watch) is a session
laptop a sync --watch >"$T/watch.out" 2>&1 &
WATCH=$!
i=0
while :; do
	scrape s3
	[ "$(get s3 casesyncd_sessions)" = 1.0 ] && break
	i=$((i + 1))
	[ $i -gt 50 ] && fail "the watching laptop is no session"
	sleep 0.1
done
expect_eq "watching laptop: ready connection" \
    "$(get s3 'casesyncd_connections{state="ready"}')" 1.0
kill $WATCH 2>/dev/null
wait $WATCH 2>/dev/null

# --- hostile requests: each answered or closed, the server unharmed
hex() { printf "$1" | od -v -An -tx1 | tr -d ' \n'; }
expect_eq "POST" "$($M raw 127.0.0.1 "$MP" \
    "$(hex "POST /metrics HTTP/1.1\r\n\r\n")" 3)" \
    "HTTP/1.0 405 Method Not Allowed"
expect_eq "another path" "$($M raw 127.0.0.1 "$MP" \
    "$(hex "GET /../etc/passwd HTTP/1.1\r\n\r\n")" 3)" \
    "HTTP/1.0 404 Not Found"
expect_eq "not HTTP/1.x" "$($M raw 127.0.0.1 "$MP" \
    "$(hex "GET /metrics HTTP/2.0\r\n\r\n")" 3)" "HTTP/1.0 400 Bad Request"
expect_eq "binary bytes" "$($M raw 127.0.0.1 "$MP" \
    "474554202f6d657472696373ff00fe0d0a0d0a" 3)" "HTTP/1.0 400 Bad Request"
big=$(python3 -c "print('GET /metrics HTTP/1.1\r\nX: ' + 'a' * 8000)" |
    od -v -An -tx1 | tr -d ' \n')
expect_eq "oversized request" "$($M raw 127.0.0.1 "$MP" "$big" 3)" \
    "HTTP/1.0 431 Request Header Fields Too Large"
expect_eq "request never finished" "$($M idle 127.0.0.1 "$MP" 8)" closed
expect_eq "nothing sent" "$($M raw 127.0.0.1 "$MP" "" 8)" closed
# more idle connections than slots: the extra ones are closed at once
python3 - "$MP" <<'PY' || fail "idle flood"
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(('127.0.0.1', port)) for _ in range(8)]
time.sleep(0.5)
extra = socket.create_connection(('127.0.0.1', port), timeout=3)
try:
    d = extra.recv(1)
except ConnectionResetError:
    d = b''
if d != b'':
    sys.exit('the ninth connection was not closed')
for s in held:
    s.close()
PY
ok "more connections than slots: the extra one closed"
server_alive
scrape s4
laptop a sync >"$T/sync.out" 2>&1 || fail "sync after the abuse"
ok "server scrapes and syncs after hostile requests"
# HTTP/1.0 with headers, and curl if there is one
if command -v curl >/dev/null 2>&1; then
	curl -sf "http://127.0.0.1:$MP/metrics" >"$T/curl.out" ||
	    fail "curl"
	grep -q '^# TYPE casesyncd_connections gauge$' "$T/curl.out" ||
	    fail "curl: page"
	ok "curl scrapes"
fi
expect_eq "HTTP/1.0" "$($M raw 127.0.0.1 "$MP" \
    "$(hex "GET /metrics HTTP/1.0\nAccept: */*\n\n")" 3)" "HTTP/1.0 200 OK"

stop_server
grep -q "stopped" "$T/server.log" || fail "no clean stop with metrics"
ok "clean stop with the metrics thread"
