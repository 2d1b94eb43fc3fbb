#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesyncctl user disable|enable|move|role|rename|remove (issue 19,
# Administrators), with a real server and laptops:
#   - disable revokes the user's devices (the laptop's next sync fails
#     "revoked") and refuses new enrollment tokens; a regisseur is
#     disabled only with --new-regisseur, a jeugdbeschermer of the
#     case's office, who becomes regisseur and member and whose laptop
#     gets the case;
#   - enable allows a new token (the old device stays revoked);
#   - move purges the old office's cases from the user's laptop;
#   - role and rename show in user list; remove keeps the audit rows
#     and cannot be undone by enable;
#   - every action is in `casesyncctl audit query --type ...`.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "skip: no sqlite3"; exit 0; }
q() { sqlite3 "$SRV/server.db" "$1"; }

deploy
for o in Zwolle Lelystad; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name gert --role gedragswetenschapper --office Zwolle \
    >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
start_server
enroll a anna
enroll b bert
enroll g gert

sync_ok() {
	laptop "$1" sync >/dev/null 2>"$T/err" ||
	    fail "sync $1: $(cat "$T/err")"
}
# audited TYPE PATTERN: an entry of TYPE whose line says PATTERN
audited() {
	ctl audit query --type "$1" >"$T/aq" 2>&1 ||
	    fail "audit query --type $1: $(cat "$T/aq")"
	grep -q -- "$2" "$T/aq" || fail "no $1 entry with '$2': $(cat "$T/aq")"
	ok "$1 is audited"
}
userline() { ctl user list | awk -v n="$1" '$2 == n'; }
regisseur() {
	q "SELECT u.name FROM cases c JOIN users u ON u.id = c.regisseur_id
	    WHERE c.id = '$1'"
}

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user gert >/dev/null || fail "add gert"
laptop a record put --case "$C" --kind note text=een >/dev/null ||
    fail "record put"
sync_ok a
sync_ok g
expect_eq "gert's laptop has the case" \
    "$(laptop g record list --case "$C" | wc -l | tr -d ' ')" 1

# ---- disable: a regisseur needs --new-regisseur
ctl user disable anna >"$T/out" 2>"$T/err"
expect_eq "disabling a regisseur without a new one is refused" $? 1
grep -q -- "--new-regisseur" "$T/err" || fail "message: $(cat "$T/err")"
grep -q "$C" "$T/err" || fail "the case is not named: $(cat "$T/err")"
sync_ok a
ok "the refused disable changed nothing"
ctl user disable anna --new-regisseur bram >"$T/out" 2>"$T/err" &&
    fail "a new regisseur of another office was accepted"
grep -q "jeugdbeschermer of the case's office" "$T/err" ||
    fail "message: $(cat "$T/err")"
expect_eq "anna is still the regisseur" "$(regisseur "$C")" anna
ctl user disable anna --new-regisseur bert >"$T/out" 2>"$T/err" ||
    fail "disable with a new regisseur: $(cat "$T/err")"
expect_eq "bert is the regisseur" "$(regisseur "$C")" bert
userline anna | grep -q " disabled " || fail "user list: $(userline anna)"
ok "user list shows anna disabled"
laptop a sync >"$T/out" 2>"$T/err" && fail "a disabled user's laptop synced"
grep -qi revoked "$T/err" || fail "sync message: $(cat "$T/err")"
ok "the disabled user's laptop is revoked"
sync_ok b
# the case's records reached bert's laptop; its key comes from a holder
# still there (gert), including the epoch anna had granted gert: gert
# holds it again from himself, then grants it to bert
sync_ok g
sync_ok b
laptop b --json keys status >"$T/ks" || fail "keys status b"
grep -q '"cases":1,' "$T/ks" || fail "bert's laptop: $(cat "$T/ks")"
grep -q '"waiting_for_key":0' "$T/ks" || fail "bert waits: $(cat "$T/ks")"
expect_eq "the new regisseur reads the case" \
    "$(laptop b record list --case "$C" | wc -l | tr -d ' ')" 1
ok "the new regisseur's laptop gets the case"
ctl enroll-token --user anna --device a2 >"$T/out" 2>"$T/err" &&
    fail "a token for a disabled user"
grep -q disabled "$T/err" || fail "token message: $(cat "$T/err")"
ok "no enrollment token for a disabled user"
audited admin_user_disable "new_regisseur=bert"
audited admin_user_case_end "new_regisseur=bert"
ctl audit query --case "$C" --type admin_user_case_end 2>/dev/null |
    grep -q "user=anna" || fail "audit query --case does not find it"
ok "the case's own audit query shows the membership ended"
audited device_revoke "owner=anna"

# ---- enable: a new token works; the old laptop stays revoked
ctl user enable anna >/dev/null || fail "enable"
userline anna | grep -q " active " || fail "user list: $(userline anna)"
enroll a2 anna
sync_ok a2
laptop a sync >/dev/null 2>&1 && fail "the old laptop came back"
ok "enabled: a new laptop enrolls, the old one stays revoked"
audited admin_user_enable anna

# ---- move: the old office's cases leave gert's laptop
ctl user move gert --office Lelystad >"$T/out" 2>"$T/err" ||
    fail "move: $(cat "$T/err")"
userline gert | grep -q "Lelystad$" || fail "user list: $(userline gert)"
laptop g --json sync >"$T/out" 2>"$T/err" || fail "sync g: $(cat "$T/err")"
grep -q '"purged":1' "$T/out" || fail "no purge: $(cat "$T/out")"
expect_eq "gert's laptop holds nothing of the old office's case" \
    "$(laptop g record list --case "$C" | wc -l | tr -d ' ')" 0
audited admin_user_move "from=Zwolle to=Lelystad"
ctl user move bert --office Lelystad >"$T/out" 2>"$T/err" &&
    fail "moved a regisseur without a new one"
grep -q -- "--new-regisseur" "$T/err" || fail "message: $(cat "$T/err")"
ok "moving a regisseur needs --new-regisseur"

# ---- role and rename
ctl user role gert --role teamleider >/dev/null || fail "role"
userline gert | grep -q " teamleider " || fail "user list: $(userline gert)"
audited admin_user_role "from=gedragswetenschapper to=teamleider"
ctl user role bert --role auditor >"$T/out" 2>"$T/err" &&
    fail "a regisseur became an auditor"
ok "a regisseur's role stays jeugdbeschermer"
ctl user rename bert --to bertus >/dev/null || fail "rename"
userline bertus | grep -q jeugdbeschermer || fail "user list after rename"
expect_eq "the old name is gone" "$(userline bert)" ""
audited admin_user_rename "from=bert to=bertus"
ctl user rename anna --to bertus >/dev/null 2>&1 && fail "a taken name"
ok "rename refuses a taken name"

# ---- remove: the row and the audit log stay
n=$(ctl audit query --user anna 2>/dev/null | wc -l)
ctl user remove anna >/dev/null 2>"$T/err" || fail "remove: $(cat "$T/err")"
userline anna | grep -q " removed " || fail "user list: $(userline anna)"
expect_eq "anna's audit entries stay" \
    "$(q "SELECT count(*) FROM users WHERE name = 'anna'")" 1
[ "$(ctl audit query --user anna 2>/dev/null | wc -l)" -ge "$n" ] ||
    fail "anna's audit entries are fewer"
laptop a2 sync >"$T/out" 2>"$T/err" && fail "a removed user's laptop synced"
ctl user enable anna >"$T/out" 2>"$T/err" && fail "a removed user enabled"
grep -q removed "$T/err" || fail "message: $(cat "$T/err")"
ok "a removed user cannot be enabled"
audited admin_user_remove anna

# ---- device list: certificate expiry, last seen; revoke by name
ctl device list >"$T/dl" || fail "device list"
line=$(awk '$2 == "b" && $3 == "bertus"' "$T/dl")
# ID NAME USER OFFICE STATE CERT-EXPIRES LAST-SEEN ADDRESS
set -- $line
[ "$#" -eq 8 ] || fail "device list line: $line"
case "$6" in 20[0-9][0-9]-*) ;; *) fail "expiry: $line" ;; esac
case "$7" in 20[0-9][0-9]-*) ;; *) fail "last seen: $line" ;; esac
expect_eq "the last address" "$8" 127.0.0.1
tok=$(token gert b) || fail "token"
laptop gb enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/out" 2>&1 || fail "enroll gb: $(cat "$T/out")"
ctl device list | awk '$3 == "gert" && $2 == "b"' | grep -q " active " ||
    fail "the second device b: $(ctl device list)"
ok "device list shows expiry, last seen and address"
ctl device revoke b >"$T/out" 2>"$T/err"
expect_eq "an ambiguous name is a usage error" $? 2
[ "$(grep -c " b of " "$T/err")" -eq 2 ] || fail "candidates: $(cat "$T/err")"
ok "the candidates are listed"
ctl device revoke g >"$T/out" 2>"$T/err" || fail "revoke g: $(cat "$T/err")"
laptop g sync >"$T/out" 2>"$T/err" && fail "a device revoked by name synced"
grep -qi revoked "$T/err" || fail "sync message: $(cat "$T/err")"
ok "device revoke by name"
audited device_revoke "owner=gert"

# usage: options that a subcommand does not take
ctl user enable anna --to x >/dev/null 2>&1
expect_eq "enable --to is a usage error" $? 2
ctl user move gert >/dev/null 2>&1
expect_eq "move without --office is a usage error" $? 2
ok "user admin"
