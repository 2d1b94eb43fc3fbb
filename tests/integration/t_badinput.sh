#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Hostile peers get their documented refusal and the server keeps
# serving: no certificate for a non-enrollment message, TLS 1.2, a
# certificate from another CA, a frame announcing 2^31 bytes, 1 MiB of
# random bytes, garbage instead of TLS, messages before Hello, unknown
# messages, a wrong protocol version; truncated frames, length lies,
# deep and huge protobuf fields, an unknown oneof field and enum value,
# messages in the wrong state, a replayed enrollment token.  Afterwards
# a good client still syncs and the server's memory is near baseline.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Lelystad >/dev/null || fail "office add"
ctl user add --name bert --role jeugdbeschermer --office Lelystad \
    >/dev/null || fail "user add"
start_server
enroll good bert

probe_device bert
rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"
}
laptop good sync >/dev/null 2>&1 || fail "first sync"
base=$(rss_kb)

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

# a TLS 1.3 client without ALPN: refused in the handshake, before the
# server's certificate (t_secnet.sh checks that part)
openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 </dev/null \
    >"$T/noalpn.out" 2>&1
grep -q "Cipher is (NONE)" "$T/noalpn.out" ||
    fail "no ALPN: $(tail -5 "$T/noalpn.out")"
grep -q "no application protocol" "$T/noalpn.out" ||
    fail "no ALPN: no no_application_protocol alert"
ok "client without ALPN refused in the handshake"

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

# --- frames that lie or stop short (hex: 4-byte length, then payload)
# Envelope{id 1, ping{data "ab"}} = 08 01 2a 04 0a 02 61 62
# shellcheck disable=SC2086
expect_eq "length says 5, the envelope is longer" \
    "$(probe $AUTH raw 0000000508012a040a0261620000)" closed
# shellcheck disable=SC2086
expect_eq "length says 12: swallows the next frame's header" \
    "$(probe $AUTH raw 0000000c08012a040a0261620000000808012a040a026162)" \
    closed
# shellcheck disable=SC2086
expect_eq "truncated frame, then the client hangs up" \
    "$(probe $AUTH raw-close 0000004008012a)" sent
expect_eq "truncated frame before Hello, then a hang-up" \
    "$(probe raw-close 00000fff0801)" sent
# --- protobuf inside a well-framed envelope
# shellcheck disable=SC2086
expect_eq "field length 2^32-1 inside an 8-byte frame" \
    "$(probe $AUTH raw 0000000808012affffffff0f)" closed
# shellcheck disable=SC2086
expect_eq "11-byte varint" \
    "$(probe $AUTH raw 0000000c08ffffffffffffffffffff01)" closed
# shellcheck disable=SC2086
expect_eq "known field with the wrong wire type (ping as varint)" \
    "$(probe $AUTH raw 0000000408012801)" closed
# shellcheck disable=SC2086
expect_eq "100,000 nested length-delimited levels" \
    "$(probe $AUTH deep 100000)" closed
expect_eq "nested levels before authentication (over 8 KiB)" \
    "$(probe deep 5000)" closed
# shellcheck disable=SC2086
expect_eq "a ping of 8 MB (limit 64 bytes)" "$(probe $AUTH huge 8000000)" \
    closed
# shellcheck disable=SC2086
expect_eq "a ping of 20 MB (over the frame limit)" \
    "$(probe $AUTH huge 20000000)" closed
# --- well-formed, but not for this server or not now
# shellcheck disable=SC2086
expect_eq "unknown oneof field 59" "$(probe $AUTH raw 000000050807d80301)" \
    "error UNKNOWN_MESSAGE"
# shellcheck disable=SC2086
expect_eq "an Error with code 999 sent to the server" \
    "$(probe $AUTH raw 000000070807220308e707)" "error BAD_REQUEST"
# shellcheck disable=SC2086
expect_eq "a Welcome sent to the server" \
    "$(probe $AUTH raw 00000004081a1a00)" "error BAD_REQUEST"
# shellcheck disable=SC2086
expect_eq "a Pong sent to the server" "$(probe $AUTH raw 00000004080e3200)" \
    "error BAD_REQUEST"
# shellcheck disable=SC2086
expect_eq "Hello twice" "$(probe $AUTH hello-twice)" "error STATE"
# shellcheck disable=SC2086
expect_eq "EnrollRequest with a device certificate" \
    "$(probe $AUTH enroll "$(token bert probe2)" "$T/x.crt")" "error STATE"
expect_eq "a raw Ping before Hello" \
    "$(probe raw-prehello 0000000708012a030a0161)" "error STATE"
# --- a replayed enrollment token (another key, the same token)
tok=$(token bert replay)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/r1.key" 2>/dev/null || fail "genpkey"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/r2.key" 2>/dev/null || fail "genpkey"
out=$(probe -k "$T/r1.key" enroll "$tok" "$T/r1.crt")
case "$out" in enrolled*) ;; *) fail "enroll for the replay: $out" ;; esac
expect_eq "replayed enrollment token" \
    "$(probe -k "$T/r2.key" enroll "$tok" "$T/r2.crt")" "error TOKEN_USED"

server_alive
laptop good status >"$T/out" 2>&1 || fail "good client after abuse: $(cat "$T/out")"
C=$(laptop good case create --frame OTS) || fail "case create after abuse"
laptop good record bulk --case "$C" --kind note --count 20 --size 300 \
    >/dev/null || fail "bulk"
laptop good sync >/dev/null 2>&1 || fail "sync after abuse"
expect_eq "a good client syncs after the abuse" "$(laptop good digest)" \
    "$(ctl records digest)"
after=$(rss_kb)
if [ -z "$SANITIZED" ]; then
	[ "$after" -le $((base + 8192)) ] ||
	    fail "memory did not return: $base kB before, $after kB after"
	ok "server memory near its baseline ($base kB -> $after kB)"
fi
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
