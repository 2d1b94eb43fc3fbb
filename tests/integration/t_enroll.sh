#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Enrollment and device identity with real processes: enroll -> status,
# reused / expired / garbage tokens, a wrong CA fingerprint, revocation
# (next connection and live connections), rate limiting of failures.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle --region IJsselland >/dev/null || fail "office add"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
start_server "enroll_fail_limit = 4"

# enroll -> status
tok=$(token anna laptop-1)
laptop l1 enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/out" 2>&1 || fail "enroll: $(cat "$T/out")"
grep -q "enrolled as device" "$T/out" || fail "enroll output"
ok "enroll"
laptop l1 status >"$T/out" 2>&1 || fail "status: $(cat "$T/out")"
grep -q "user:.*anna, jeugdbeschermer" "$T/out" || fail "status output"
grep -q "office:.*Zwolle" "$T/out" || fail "status office"
ok "status shows who and where"
laptop l1 --json status >"$T/out" || fail "status --json"
grep -q '"user":"anna"' "$T/out" || fail "status --json output"
ok "status --json"

# the device key never lies in a plain file
for f in "$T/l1"/*; do
	if grep -q "PRIVATE KEY" "$f"; then
		fail "private key in plain file $f"
	fi
done
ok "no plain private key in the laptop's directory"

# the same token again
laptop l2 enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/out" 2>&1
expect_eq "reused token exit code" $? 5
grep -q "TOKEN_USED" "$T/out" || fail "reused token message: $(cat "$T/out")"
ok "reused token refused as TOKEN_USED"

# an expired token
tok=$(token anna laptop-2 1s)
sleep 2
laptop l2 enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/out" 2>&1
expect_eq "expired token exit code" $? 5
grep -q "TOKEN_EXPIRED" "$T/out" || fail "expired: $(cat "$T/out")"
ok "expired token refused as TOKEN_EXPIRED"

# a wrong CA fingerprint: we never send the token to that server
tok=$(token anna laptop-2)
bad=$(openssl rand -hex 32)
laptop l3 enroll --server "$ADDR" --ca-fingerprint "$bad" --token "$tok" \
    >"$T/out" 2>&1
expect_eq "wrong CA fingerprint exit code" $? 6
grep -q "pinned fingerprint" "$T/out" || fail "wrong CA: $(cat "$T/out")"
# ...and the token is still good afterwards
laptop l3 enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/out" 2>&1 || fail "token unusable after pin failure: $(cat "$T/out")"
ok "wrong CA fingerprint refused before the token is sent"

# wrong server name (certificate is for "localhost")
tok=$(token anna laptop-4)
laptop l4 enroll --server "127.0.0.1:$PORT" --ca-fingerprint "$FP" \
    --token "$tok" >"$T/out" 2>&1
expect_eq "wrong server name exit code" $? 6
ok "server name is checked"

# revoke: a live connection is closed and the next one refused
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/probe.key" 2>/dev/null || fail "openssl genpkey"
tok=$(token anna probe)
out=$(probe -k "$T/probe.key" enroll "$tok" "$T/probe.crt")
case "$out" in enrolled*) ;; *) fail "probe enroll: $out" ;; esac
dev=${out#enrolled }
expect_eq "authenticated ping" "$(probe -c "$T/probe.crt" -k "$T/probe.key" ping)" pong
probe -c "$T/probe.crt" -k "$T/probe.key" hold 10 >"$T/hold.out" &
hold=$!
sleep 0.5
ctl device revoke "$dev" >/dev/null || fail "device revoke"
wait $hold
expect_eq "live connection of a revoked device" "$(cat "$T/hold.out")" \
    "error DEVICE_REVOKED"
expect_eq "revoked device reconnecting" \
    "$(probe -c "$T/probe.crt" -k "$T/probe.key" hello)" "error DEVICE_REVOKED"
ctl device list >"$T/out" || fail "device list"
grep -q "revoked" "$T/out" || fail "device list shows no revoked device"
ok "device list shows the revocation"

# the laptop l1 is unaffected
laptop l1 status >/dev/null 2>&1 || fail "good client after revocation"
ok "other devices still work"

# failures are rate limited per address
seen=""
i=0
while [ $i -lt 6 ]; do
	laptop l5 enroll --server "$ADDR" --ca-fingerprint "$FP" \
	    --token "cst1-0000000000000000000000000000000000000000000000000000000000000000" \
	    >"$T/out" 2>&1
	if grep -q RATE_LIMITED "$T/out"; then
		seen=1
		break
	fi
	grep -q TOKEN_INVALID "$T/out" || fail "garbage token: $(cat "$T/out")"
	i=$((i + 1))
done
[ -n "$seen" ] || fail "no RATE_LIMITED after repeated failures"
ok "failed enrollments are rate limited"
grep -q "try again in [0-9][0-9]* s" "$T/out" ||
    fail "the refusal does not say when to retry: $(cat "$T/out")"
ok "the rate limit says when to retry"
laptop l1 status >/dev/null 2>&1 || fail "good client after rate limit"
server_alive
ok "server still serving"
