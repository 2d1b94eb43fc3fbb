#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Certificates that run out, with real processes and a device
# certificate lifetime of seconds:
#  - init states the lifetimes; with the default lifetime status does
#    not warn, with a short one status and sync do;
#  - a sync before half the lifetime does not renew; one past it does:
#    same device id, the laptop's new key is the server's, the old key
#    (kept with vault_tool) is refused once confirmed;
#  - a crash between issue and confirm leaves a working laptop: the
#    laptop killed before storing (old key still works, the next sync
#    renews), killed after storing (the pending key is accepted and
#    connecting confirms it; the old key is accepted until then),
#    casesyncd killed after recording the pending key, and after
#    confirming; two syncs renewing one vault at once; sync --watch;
#  - every step is in the audit log (cert_renew, renew_token,
#    server_cert_renew), which still verifies;
#  - a laptop offline past expiry: sync and status name the date and
#    casesyncctl renew-token --device ID, exit 9; the TLS alert of an
#    expired certificate is recognised as such; enroll --renew with a
#    token for it keeps records, keys and outbox, and the next sync
#    pushes the outbox; a token for another device, a used token and a
#    revoked device are refused;
#  - casesyncctl server-cert renew: laptops sync without any action;
#    casesyncd warns about a server certificate that ends in 30 days.
. "$(dirname "$0")/lib.sh"

LIFE=30		# seconds: renewal after 15
VT="$B/tests/vault_tool"

set_lifetime() {
	grep -v '^device_cert_lifetime' "$SRV/casesyncd.conf" >"$SRV/conf.tmp"
	echo "device_cert_lifetime = $1" >>"$SRV/conf.tmp"
	mv "$SRV/conf.tmp" "$SRV/casesyncd.conf"
}
# the laptop's device id, from its enrollment
devid() {
	sed -n 's/^enrolled as device \([0-9]*\)$/\1/p' "$T/$1.enroll"
}
# SHA-256 of the key in the laptop's vault (without connecting)
lkey() {
	"$VT" secret "$T/$1" device.key | openssl pkey -pubout -outform DER |
	    sha256sum | cut -d' ' -f1
}
# the server's key and pending key of a device
skey() {
	ctl device show "$1" | awk '$1 == "key" { print $3 }'
}
spending() {
	ctl device show "$1" | awk '$1 == "pending-key" {
	    print ($2 == "none") ? "none" : $3 }'
}
# keep a copy of the laptop's current key and certificate
save_old() {
	"$VT" secret "$T/$1" device.key >"$T/$1.old.key" ||
	    fail "vault_tool secret $1"
	"$VT" secret "$T/$1" device.crt |
	    openssl x509 -inform DER -out "$T/$1.old.crt" ||
	    fail "device.crt of $1"
}
oldprobe() {
	probe -c "$T/$1.old.crt" -k "$T/$1.old.key" hello
}
sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}
renewed() {
	grep -q "certificate renewed: valid until" "$T/sync.$1"
}

deploy
grep -q "^device-certificate-lifetime 30d" "$T/init.out" &&
    grep -q "^server-certificate-valid-until .* (365 days" "$T/init.out" &&
    grep -q "^ca-valid-until .* (10 years" "$T/init.out" ||
    fail "init output: $(cat "$T/init.out")"
ok "init states the CA, server and device certificate lifetimes"
# the refusals below come from one address: not a rate-limit test
echo "enroll_fail_limit = 50" >>"$SRV/casesyncd.conf"
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user"

# --- default lifetime: no warning ---------------------------------------
start_server
enroll l0 anna
laptop l0 status >"$T/out" 2>&1 || fail "status: $(cat "$T/out")"
grep -q WARNING "$T/out" && fail "30-day certificate warned: $(cat "$T/out")"
laptop l0 --json status | grep -q '"cert_expiring":false' ||
    fail "status --json cert_expiring"
ok "a fresh 30-day certificate gives no warning"
stop_server

# --- a laptop that will be offline past expiry (8 s certificate) --------
set_lifetime 8s
start_server
enroll a5 anna
A5=$(devid a5)
C=$(laptop a5 case create --frame DRANG) || fail "case create"
R1=$(laptop a5 record put --case "$C" --kind person name=Jansen) ||
    fail "record put"
sync_ok a5
save_old a5
stop_server

# --- the renewing laptops (LIFE s certificates) ---------------------------
set_lifetime "${LIFE}s"
start_server
for l in a1 a2 a3 a4 a6 a8 a9 a7; do
	enroll $l anna
done
T_LAST=$(date +%s)
A1=$(devid a1)
A7=$(devid a7)
k1=$(lkey a1)
expect_eq "the server holds the enrolled key" "$(skey "$A1")" "$k1"
sync_ok a1
renewed a1 && fail "renewed before half the lifetime: $(cat "$T/sync.a1")"
expect_eq "no renewal before half the lifetime" "$(lkey a1)" "$k1"
grep -q "WARNING: this laptop's certificate expires on" "$T/sync.a1" ||
    fail "sync did not warn: $(cat "$T/sync.a1")"
ok "sync warns within 7 days of the end"
laptop a1 status >"$T/out" 2>&1 || fail "status a1"
grep -q "WARNING: this laptop's certificate expires on" "$T/out" ||
    fail "status did not warn: $(cat "$T/out")"
laptop a1 --json status | grep -q '"cert_expiring":true' ||
    fail "status --json cert_expiring true"
ok "status warns within 7 days of the end"
for l in a1 a3; do
	save_old $l
done
expect_eq "the saved key is the laptop's" "$(oldprobe a1)" welcome

# past half the lifetime
now=$(date +%s)
[ "$now" -lt $((T_LAST + LIFE / 2 + 1)) ] &&
    sleep $((T_LAST + LIFE / 2 + 1 - now))

# A: renewal during sync
sync_ok a1
renewed a1 || fail "no renewal past half the lifetime: $(cat "$T/sync.a1")"
k1n=$(lkey a1)
[ "$k1n" != "$k1" ] || fail "the key did not change"
expect_eq "the server holds the laptop's new key" "$(skey "$A1")" "$k1n"
expect_eq "no pending key after the confirmation" "$(spending "$A1")" none
expect_eq "same device id" \
    "$(laptop a1 --json status | sed -n 's/.*"device_id":\([0-9]*\).*/\1/p')" \
    "$A1"
expect_eq "the old key is refused after the confirmation" "$(oldprobe a1)" \
    "error DEVICE_UNKNOWN"
ok "sync past half the lifetime renews: new key, same device, old key refused"

# B: the laptop dies after the certificate was issued, before storing it
A2=$(devid a2)
k2=$(lkey a2)
CASESYNC_FAULT=renew-before-store laptop a2 sync >"$T/out" 2>&1
expect_eq "laptop killed before storing" $? 3
[ "$(spending "$A2")" != none ] || fail "no pending key on the server"
expect_eq "the laptop kept its old key" "$(lkey a2)" "$k2"
expect_eq "the server still holds the old key" "$(skey "$A2")" "$k2"
laptop a2 status >"$T/out" 2>&1 || fail "old key after the crash: $(cat "$T/out")"
sync_ok a2
renewed a2 || fail "no renewal after the crash: $(cat "$T/sync.a2")"
expect_eq "renewed after a crash before storing" "$(skey "$A2")" "$(lkey a2)"
expect_eq "no pending key left" "$(spending "$A2")" none
ok "killed before storing: the old key works, the next sync renews"

# C: the laptop dies after storing, before confirming
A3=$(devid a3)
k3=$(lkey a3)
CASESYNC_FAULT=renew-before-confirm laptop a3 sync >"$T/out" 2>&1
expect_eq "laptop killed before confirming" $? 3
k3n=$(lkey a3)
[ "$k3n" != "$k3" ] || fail "the new key was not stored"
expect_eq "the stored key is pending on the server" "$(spending "$A3")" "$k3n"
expect_eq "the old key is the device's until confirmed" "$(skey "$A3")" "$k3"
expect_eq "the old key is accepted while the new one is pending" \
    "$(oldprobe a3)" welcome
sync_ok a3
expect_eq "connecting with the new key confirms it" "$(skey "$A3")" "$k3n"
expect_eq "no pending key left" "$(spending "$A3")" none
expect_eq "the old key is refused after that" "$(oldprobe a3)" \
    "error DEVICE_UNKNOWN"
ok "killed after storing: the new key works and confirms itself"

# D: casesyncd dies after recording the pending key, before answering
A4=$(devid a4)
k4=$(lkey a4)
stop_server
CASESYNC_FAULT=renew-pending-committed start_server
unset CASESYNC_FAULT
laptop a4 sync >"$T/out" 2>&1
grep -q "certificate renewal failed" "$T/out" ||
    fail "renewal did not fail: $(cat "$T/out")"
server_exited 5
[ "$(spending "$A4")" != none ] || fail "no pending key recorded"
expect_eq "the laptop kept its key" "$(lkey a4)" "$k4"
start_server
sync_ok a4
renewed a4 || fail "no renewal after the server crash: $(cat "$T/sync.a4")"
expect_eq "renewed after the server crash" "$(skey "$A4")" "$(lkey a4)"
ok "server killed after issuing: the old key works, the next sync renews"

# E: casesyncd dies after making the new key the device's, before answering
A6=$(devid a6)
stop_server
CASESYNC_FAULT=renew-confirm-committed start_server
unset CASESYNC_FAULT
laptop a6 sync >"$T/out" 2>&1
grep -q "the next connection confirms it" "$T/out" ||
    fail "confirm did not fail: $(cat "$T/out")"
server_exited 5
start_server
expect_eq "the server holds the stored key" "$(skey "$A6")" "$(lkey a6)"
sync_ok a6
ok "server killed after confirming: the laptop goes on with its new key"

# two casesync processes renewing one vault at once: the one that
# stores its key wins; the other's key stays pending and is never used
A8=$(devid a8)
laptop a8 sync >"$T/sync.a8.1" 2>&1 &
p1=$!
laptop a8 sync >"$T/sync.a8.2" 2>&1 &
p2=$!
wait $p1 || fail "sync a8 (1): $(cat "$T/sync.a8.1")"
wait $p2 || fail "sync a8 (2): $(cat "$T/sync.a8.2")"
cat "$T/sync.a8.1" "$T/sync.a8.2" >"$T/sync.a8"
renewed a8 || fail "no renewal: $(cat "$T/sync.a8")"
sync_ok a8
expect_eq "after two renewals at once the server holds the vault's key" \
    "$(skey "$A8")" "$(lkey a8)"
ok "two syncs renewing one vault at once leave a working laptop"

# sync --watch renews before it starts watching
A9=$(devid a9)
k9=$(lkey a9)
# the binary itself, not the laptop function: SIGTERM must reach it
"$B/casesync" --dir "$T/a9" sync --watch >"$T/sync.a9" 2>&1 &
wpid=$!
i=0
while [ "$(skey "$A9")" = "$k9" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill $wpid; fail "sync --watch did not renew"; }
	sleep 0.1
done
# the server has committed the confirmation; give the laptop a moment
# to read the reply (its stdout is a file: the line shows at exit), as
# a SIGTERM in between cuts the renewal short (then the next sync
# confirms it)
sleep 1
kill -TERM $wpid
wait $wpid || fail "sync --watch: $(cat "$T/sync.a9")"
renewed a9 || fail "sync --watch output: $(cat "$T/sync.a9")"
expect_eq "sync --watch renewed to the vault's key" "$(skey "$A9")" \
    "$(lkey a9)"
ok "sync --watch renews before watching"

ctl audit query --type cert_renew >"$T/audit" || fail "audit query"
for d in "issued, pending" "confirmed; old key dropped" \
    "confirmed by connecting with the new key"; do
	grep -q "$d" "$T/audit" || fail "no cert_renew entry '$d'"
done
ok "renewals are audited (cert_renew: issued, confirmed)"

# F: offline past expiry
now=$(date +%s)
R2=$(laptop a5 record put --case "$C" --kind person name=Pietersen) ||
    fail "offline record put"
laptop a5 digest >"$T/digest.before" || fail "digest"
laptop a5 sync >"$T/out" 2>&1
expect_eq "sync with an expired certificate exits" $? 9
grep -q "expired on 20" "$T/out" &&
    grep -q "casesyncctl renew-token --device $A5" "$T/out" &&
    grep -q "casesync enroll --renew --token" "$T/out" ||
    fail "expired message: $(cat "$T/out")"
laptop a5 status >"$T/out" 2>&1
expect_eq "status with an expired certificate exits" $? 9
ok "an expired laptop names the date and what to do, exit 9"
expect_eq "the TLS alert of an expired certificate is recognised" \
    "$(oldprobe a5)" "failed expired"

laptop a5 enroll --renew --token cst1-garbage >"$T/out" 2>&1
expect_eq "a malformed renewal token" $? 5
grep -q TOKEN_INVALID "$T/out" || fail "malformed token: $(cat "$T/out")"
tok=$(ctl renew-token --device "$A1" | awk '$1 == "token" { print $2 }')
[ -n "$tok" ] || fail "renew-token"
laptop a5 enroll --renew --token "$tok" >"$T/out" 2>&1
expect_eq "a token of another device" $? 5
grep -q RENEW_WRONG_DEVICE "$T/out" || fail "wrong device: $(cat "$T/out")"
ok "a renewal token for another device is refused"

tok7=$(ctl renew-token --device "$A7" | awk '$1 == "token" { print $2 }')
ctl device revoke "$A7" >/dev/null || fail "revoke"
laptop a7 enroll --renew --token "$tok7" >"$T/out" 2>&1
expect_eq "renewal of a revoked device" $? 5
grep -q DEVICE_REVOKED "$T/out" || fail "revoked: $(cat "$T/out")"
ctl renew-token --device "$A7" >"$T/out" 2>&1
expect_eq "renew-token for a revoked device" $? 1
ok "a revoked device cannot renew"

tok=$(ctl renew-token --device "$A5" | awk '$1 == "token" { print $2 }')
laptop a5 enroll --renew --token "$tok" >"$T/out" 2>&1 ||
    fail "enroll --renew: $(cat "$T/out")"
grep -q "renewed device $A5: certificate valid until" "$T/out" ||
    fail "enroll --renew output: $(cat "$T/out")"
laptop a5 digest >"$T/digest.after" || fail "digest"
cmp -s "$T/digest.before" "$T/digest.after" || fail "records changed"
expect_eq "the records are kept" \
    "$(laptop a5 --json record get "$R1" | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')" \
    Jansen
expect_eq "the server holds the renewed key" "$(skey "$A5")" "$(lkey a5)"
laptop a5 enroll --renew --token "$tok" >"$T/out" 2>&1
expect_eq "a used renewal token" $? 5
grep -q TOKEN_USED "$T/out" || fail "used token: $(cat "$T/out")"
laptop a5 --json sync >"$T/out" 2>&1 || fail "sync after renew: $(cat "$T/out")"
grep -q '"pushed":1,' "$T/out" || fail "outbox not pushed: $(cat "$T/out")"
sync_ok a1
expect_eq "the change made while expired reached the other laptop" \
    "$(laptop a1 --json record get "$R2" | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')" \
    Pietersen
ok "enroll --renew keeps records, keys and outbox; the next sync pushes it"

ctl audit query --type cert_renew >"$T/audit" || fail "audit query"
grep -q "renewed with a renewal token" "$T/audit" &&
    grep -q "bound to another device" "$T/audit" &&
    grep -q "failure.*refused: revoked" "$T/audit" &&
    grep -q "failure.*refused: malformed token" "$T/audit" ||
    fail "token renewals not audited: $(cat "$T/audit")"
ctl audit query --type renew_token >"$T/audit" || fail "audit query"
expect_eq "renew-token audited" "$(grep -c ' success ' "$T/audit")" 3
grep -q "failure.*refused: device revoked" "$T/audit" ||
    fail "refused renew-token not audited: $(cat "$T/audit")"
ok "renewal tokens and their use are audited"

# G: the server certificate
old=$(sha256sum <"$SRV/server.key")
ctl server-cert renew >"$T/out" 2>&1 || fail "server-cert renew: $(cat "$T/out")"
grep -q "server certificate renewed for localhost" "$T/out" ||
    fail "server-cert renew output: $(cat "$T/out")"
[ "$(sha256sum <"$SRV/server.key")" != "$old" ] || fail "same server key"
stop_server
start_server
sync_ok a1
sync_ok a5
ok "server-cert renew: the laptops sync without any action"
ctl server-cert renew --days 20 >/dev/null || fail "server-cert renew --days"
grep -q "server certificate expires on" "$T/server.log" &&
    fail "warned before the short certificate"
stop_server
start_server
grep -Eq "the server certificate expires on .* \(in (19|20) days\)" \
    "$T/server.log" ||
    fail "no warning about the server certificate"
sync_ok a1
ok "casesyncd warns 30 days before its certificate ends"
expect_eq "server-cert renew audited" \
    "$(ctl audit query --type server_cert_renew | grep -c server_cert_renew)" 2
ctl audit verify >"$T/out" 2>&1 || fail "audit verify: $(cat "$T/out")"
ok "the audit log verifies"
