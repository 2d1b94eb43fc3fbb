#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Hostile peers get their documented refusal and the server keeps
# serving: no certificate for a non-enrollment message, TLS 1.2, a
# certificate from another CA, a frame announcing 2^31 bytes, 1 MiB of
# random bytes, garbage instead of TLS, messages before Hello, unknown
# messages, a wrong protocol version.  Afterwards a good client works.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Lelystad >/dev/null || fail "office add"
ctl user add --name bert --role jeugdbeschermer --office Lelystad \
    >/dev/null || fail "user add"
start_server
enroll good bert

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/dev.key" 2>/dev/null || fail "genpkey"
out=$(probe -k "$T/dev.key" enroll "$(token bert probe)" "$T/dev.crt")
case "$out" in enrolled*) ;; *) fail "probe enroll: $out" ;; esac
AUTH="-c $T/dev.crt -k $T/dev.key"

expect_eq "no certificate, Ping" "$(probe unauth-ping)" "error UNAUTHENTICATED"
expect_eq "message before Hello" "$(probe before-hello)" "error STATE"
expect_eq "unknown protocol version" "$(probe bad-version)" \
    "error UNSUPPORTED_VERSION"
# shellcheck disable=SC2086
expect_eq "unknown message type" "$(probe $AUTH unknown-msg)" \
    "error UNKNOWN_MESSAGE"
expect_eq "2^31-byte frame before authentication" \
    "$(probe bigframe 2147483648)" "closed"
# shellcheck disable=SC2086
expect_eq "2^31-byte frame after authentication" \
    "$(probe $AUTH bigframe 2147483648)" "closed"
expect_eq "zero-length frame" "$(probe bigframe 0)" "closed"
# shellcheck disable=SC2086
expect_eq "1 MiB of random bytes after the handshake" \
    "$(probe $AUTH random 1048576)" "closed"
expect_eq "random bytes before authentication" \
    "$(probe random 65536)" "closed"
expect_eq "garbage instead of a TLS handshake" \
    "$(probe plain-garbage 4096)" "closed"

# a certificate from another CA: the handshake itself fails
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/evil.key" -out "$T/evil.crt" -days 1 \
    -subj "/CN=evil" 2>/dev/null || fail "openssl req"
out=$(probe -c "$T/evil.crt" -k "$T/evil.key" hello)
case "$out" in tls-failed*|closed) ok "certificate from another CA refused" ;;
*) fail "certificate from another CA: $out" ;; esac

# a TLS 1.2-only client
openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -alpn casesync/1 \
    </dev/null >"$T/s12.out" 2>&1
# (s_client prints the attempted "Protocol : TLSv1.2" even on failure;
# an accepted handshake is one with a cipher)
grep -q "Cipher is (NONE)" "$T/s12.out" || fail "TLS 1.2 was accepted"
grep -qi "alert protocol version\|no protocols available\|handshake failure" \
    "$T/s12.out" || fail "TLS 1.2: unexpected: $(tail -5 "$T/s12.out")"
ok "TLS 1.2-only client refused"

# a TLS 1.3 client without ALPN
openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 </dev/null \
    >"$T/noalpn.out" 2>&1
grep -q "Cipher is (NONE)\|No ALPN negotiated" "$T/noalpn.out" ||
    fail "no ALPN: $(tail -5 "$T/noalpn.out")"
sleep 0.2
grep -q "no ALPN casesync/1" "$T/server.log" ||
    fail "no ALPN: the server did not close the connection"
ok "client without ALPN refused after the handshake"

# a TLS 1.3 client offering another protocol: no_application_protocol
openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 -alpn http/1.1 \
    </dev/null >"$T/alpn.out" 2>&1
grep -q "no application protocol" "$T/alpn.out" ||
    fail "ALPN http/1.1: $(tail -5 "$T/alpn.out")"
ok "client offering only http/1.1 refused"

# session tickets are never issued
openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 -alpn casesync/1 \
    -sess_out "$T/sess.pem" -cert "$T/dev.crt" -key "$T/dev.key" \
    </dev/null >"$T/tix.out" 2>&1
grep -q "TLS session ticket:" "$T/tix.out" && fail "server sent a ticket"
ok "no session tickets"

server_alive
laptop good status >"$T/out" 2>&1 || fail "good client after abuse: $(cat "$T/out")"
# shellcheck disable=SC2086
expect_eq "probe with certificate still served" "$(probe $AUTH ping)" pong
ok "server still serves good clients"

# graceful shutdown on SIGTERM
kill -TERM "$SERVER_PID"
i=0
while kill -0 "$SERVER_PID" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "server ignored SIGTERM"
	sleep 0.1
done
wait "$SERVER_PID"
expect_eq "exit status after SIGTERM" $? 0
SERVER_PID=""
grep -q "stopped" "$T/server.log" || fail "no clean stop in the log"
ok "graceful shutdown"
