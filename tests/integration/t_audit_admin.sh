#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Administrator actions in the audit log (issue 21 item 5, NEN 7513):
# office add, user add, issuing an enrollment token, device revoke and
# every start of casesyncd (with the SHA-256 of its configuration file)
# each appear in "audit query" with the host account that did it, and
# the account that ran sudo; "audit verify" still passes.  And text
# that reaches the audit output (item 9): control characters from the
# command line are escaped in the stored entries, the CSV export
# escapes C0/C1 controls and guards fields starting with = + - @ TAB
# CR, and a device name with control characters is refused.
. "$(dirname "$0")/lib.sh"

me=$(id -un)
qcsv() { ctl audit query --format csv "$@"; }

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
SUDO_USER=alice ctl user add --name bert --role teamleider --office Zwolle \
    >/dev/null || fail "user add under sudo"

qcsv --type admin_office_add >"$T/q" || fail "query"
grep -q "\"admin_office_add\",\"success\",0,\"host:$me\",.*\"office\",\"Zwolle\"" \
    "$T/q" || fail "office add: $(cat "$T/q")"
qcsv --type admin_user_add >"$T/q" || fail "query"
grep -q "\"host:$me\",.*\"user\",\"anna\",0,\"local\",\"id=1 role=jeugdbeschermer office=Zwolle\"" \
    "$T/q" || fail "user add: $(cat "$T/q")"
grep -q "\"host:$me sudo:alice\",.*\"user\",\"bert\"" "$T/q" ||
    fail "user add under sudo: $(cat "$T/q")"
ok "office add and user add are audited with the host account (and sudo's)"

start_server
tok=$(token anna a1) || fail "token"
qcsv --type admin_token_issue >"$T/q" || fail "query"
grep -q "\"host:$me\",.*\"enrollment token\",\"[0-9a-f]*\",0,\"local\",\"user=anna device=a1 expires=" \
    "$T/q" || fail "token: $(cat "$T/q")"
grep -q "$tok" "$T/q" && fail "the token itself is in the audit log"
laptop a1 enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/a1.enroll" 2>&1 || fail "enroll: $(cat "$T/a1.enroll")"
ok "issuing an enrollment token is audited, without the token"

dev=$(ctl device list | awk '$2 == "a1" { print $1 }')
SUDO_USER=carol ctl device revoke "$dev" >/dev/null || fail "revoke"
qcsv --type device_revoke >"$T/q" || fail "query"
grep -q "\"host:$me sudo:carol\",.*\"device\",\"$dev\"" "$T/q" ||
    fail "revoke: $(cat "$T/q")"
ok "device revoke is audited with the host account"

# every start, with the digest of the configuration it read
stop_server
start_server
want=$(sha256sum "$SRV/casesyncd.conf" | cut -d' ' -f1)
qcsv --type server_start >"$T/q" || fail "query"
expect_eq "server_start entries" "$(grep -c '"server_start"' "$T/q")" 2
tail -1 "$T/q" | grep -q "\"host:$me\",.*\"server\",\"[0-9.]*\",0,\"local\",\"config_sha256=$want\"" ||
    fail "server_start: $(tail -1 "$T/q") (want $want)"
ok "a server start is audited with the host account and the config's SHA-256"

ctl audit verify >"$T/verify" || fail "verify: $(cat "$T/verify")"
ok "audit verify passes with the administrator entries"

# control characters never reach the output raw
esc=$(printf 'a\033[2Jb\302\233c')
tabeq=$(printf '\t=1+1')
ctl audit query --case "$tabeq" >/dev/null || fail "query"
ctl audit query --case "$esc" >/dev/null || fail "query"
# an unknown user is refused, and named escaped in the refusal
ctl audit query --user "$esc" >/dev/null 2>"$T/refused"
expect_eq "exit status of a query for an unknown user" "$?" 2
LC_ALL=C grep -q "$(printf '\033')" "$T/refused" && fail "ESC in the refusal"
grep -q 'unknown --user a\\x1b\[2Jb\\xc2\\x9bc' "$T/refused" ||
    fail "refusal: $(cat "$T/refused")"
ctl office add '=HYPERLINK("x")' >/dev/null || fail "office with ="
qcsv >"$T/csv" || fail "csv"
ctl audit export >"$T/json" || fail "export"
ctl audit query >"$T/table" || fail "table"
for f in csv json table; do
	LC_ALL=C grep -q "$(printf '\033')" "$T/$f" && fail "ESC in the $f output"
	LC_ALL=C grep -q "$(printf '\302\233')" "$T/$f" && fail "C1 in the $f output"
	LC_ALL=C grep -q "$(printf '\t')" "$T/$f" && fail "TAB in the $f output"
done
grep -q ',"\\x09=1+1",' "$T/csv" || fail "case field: $(grep audit_read "$T/csv")"
grep -q ',"a\\x1b\[2Jb\\xc2\\x9bc",' "$T/csv" ||
    fail "case field: $(grep audit_read "$T/csv")"
grep -q ",\"'=HYPERLINK(\"\"x\"\")\"," "$T/csv" || fail "formula: $(cat "$T/csv")"
ok "control characters are escaped in entries and exports; formulas are guarded"

ctl enroll-token --user anna --device "$(printf 'x\033y')" >"$T/out" 2>&1 &&
    fail "a device name with ESC was accepted"
grep -q "control characters" "$T/out" || fail "refusal: $(cat "$T/out")"
ok "a device name with control characters is refused"
ctl audit verify >"$T/verify" || fail "verify: $(cat "$T/verify")"
