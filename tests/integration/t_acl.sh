#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Access control findings of issue 21, with real processes.
#
# Item 3, regisseur removal: removing the case's regisseur without
# naming a new one is refused (REGISSEUR_REQUIRED) and changes nothing;
# with --new-regisseur, or after a team assign, it works; the removed
# regisseur cannot add herself back, change members or request a
# transfer; and a user who is no longer a member has no regisseur
# powers even when cases.regisseur_id still names her.
#
# Item 4, ex-members learn nothing: a crafted KeySyncRequest{since=0}
# (cs_probe key-sync, with a device of the removed user) names neither
# the case nor its holders, even with a grant to her left in key_grants
# (a database from before grants were forgotten); a member's names it.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "skip: no sqlite3"; exit 0; }
command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
q() { sqlite3 "$SRV/server.db" "$1"; }

deploy
for o in Zwolle Lelystad; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
start_server
enroll a anna
enroll b bert
enroll f femke
enroll r bram

# members CASE: the case's members by name, sorted, on one line
members() {
	q "SELECT group_concat(name, ' ') FROM (SELECT u.name FROM
	    case_members m JOIN users u ON u.id = m.user_id WHERE
	    m.case_id = '$1' ORDER BY u.name)"
}

# regisseur CASE: the name cases.regisseur_id points at
regisseur() {
	q "SELECT u.name FROM cases c JOIN users u ON u.id = c.regisseur_id
	    WHERE c.id = '$1'"
}

# ---- item 3: removing the regisseur names a new one
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null ||
    fail "anna adds bert"
expect_refused "removing the regisseur without a new one is refused" 5 \
    REGISSEUR_REQUIRED f case member --case "$C" --user anna --remove
expect_eq "the refused removal changed nothing" "$(members "$C")" \
    "anna bert"
expect_eq "anna is still the regisseur" "$(regisseur "$C")" anna
expect_refused "the new regisseur works at the case's office" 5 \
    "jeugdbeschermer of the case's office" \
    f case member --case "$C" --user anna --remove --new-regisseur bram
expect_refused "--new-regisseur only with --remove" 2 usage \
    f case member --case "$C" --user bert --new-regisseur bert
laptop f case member --case "$C" --user anna --remove \
    --new-regisseur bert >"$T/out" 2>"$T/err" ||
    fail "remove with a new regisseur: $(cat "$T/err")"
expect_eq "removed with a new regisseur" "$(members "$C")" bert
expect_eq "bert is the regisseur" "$(regisseur "$C")" bert
ctl audit query --type member_remove 2>/dev/null |
    grep -q "new_regisseur=bert" || fail "the new regisseur is not audited"
ok "the removal and the new regisseur are audited"

expect_refused "the removed regisseur cannot add herself back" 5 FORBIDDEN \
    a case member --case "$C" --user anna
expect_refused "nor change the members" 5 FORBIDDEN \
    a case member --case "$C" --user bert --remove --new-regisseur anna
expect_refused "nor request a transfer" 5 FORBIDDEN \
    a transfer request --case "$C" --to Lelystad --reason moved
expect_eq "anna is still not a member" "$(members "$C")" bert
laptop b case member --case "$C" --user anna --read-only >/dev/null ||
    fail "the new regisseur adds a member"
ok "the new regisseur holds the powers"

# ---- after a team assign, the old regisseur is an ordinary member
C2=$(laptop a case create --frame VOTS) || fail "case create 2"
laptop f team assign --case "$C2" --regisseur bert >/dev/null 2>"$T/err" ||
    fail "team assign: $(cat "$T/err")"
laptop f case member --case "$C2" --user anna --remove >/dev/null \
    2>"$T/err" || fail "remove after team assign: $(cat "$T/err")"
expect_eq "removed after a team assign" "$(members "$C2")" bert
expect_refused "removed after a team assign, she cannot come back" 5 \
    FORBIDDEN a case member --case "$C2" --user anna

# ---- regisseur_id naming an ex-member gives no powers
C3=$(laptop a case create --frame OTS) || fail "case create 3"
laptop a case member --case "$C3" --user bert >/dev/null || fail "add bert"
q "DELETE FROM case_members WHERE case_id = '$C3' AND user_id =
    (SELECT id FROM users WHERE name = 'anna')" || fail "sqlite3"
expect_eq "regisseur_id still names anna" "$(regisseur "$C3")" anna
expect_refused "an ex-member named by regisseur_id cannot add herself" 5 \
    FORBIDDEN a case member --case "$C3" --user anna
expect_refused "nor request its transfer" 5 FORBIDDEN \
    a transfer request --case "$C3" --to Lelystad --reason moved
expect_refused "nor change its state" 5 FORBIDDEN \
    a case state --case "$C3" --to GESLOTEN --reason klaar
expect_eq "nothing changed" "$(members "$C3")" bert

# ---- item 4: an ex-member's key sync names nothing of the case
C4=$(laptop a case create --frame DRANG) || fail "case create 4"
laptop a case member --case "$C4" --user bert >/dev/null || fail "add bert"
laptop a sync >/dev/null 2>"$T/err" || fail "sync a: $(cat "$T/err")"
laptop b sync >/dev/null 2>"$T/err" || fail "sync b: $(cat "$T/err")"
laptop a sync >/dev/null 2>"$T/err" || fail "sync a: $(cat "$T/err")"
laptop b sync >/dev/null 2>"$T/err" || fail "sync b: $(cat "$T/err")"
# a device of bert's that speaks for itself
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/pb.key" 2>/dev/null || fail "genpkey"
out=$(probe -k "$T/pb.key" enroll "$(token bert probe-b)" "$T/pb.crt")
case "$out" in enrolled*) ;; *) fail "probe enroll: $out" ;; esac
KS="-c $T/pb.crt -k $T/pb.key"
# shellcheck disable=SC2086
probe $KS key-sync 0 >"$T/ks"
grep -q "^holders $C4 .*anna" "$T/ks" ||
    fail "a member's key sync does not name the holders: $(cat "$T/ks")"
ok "a member's key sync names the case's holders"
laptop a case member --case "$C4" --user bert --remove >/dev/null ||
    fail "remove bert"
# a grant to bert left behind, as before grants were forgotten
q "INSERT INTO key_grants(case_id, epoch, to_user, from_user, sealed, sig,
    at) SELECT '$C4', 1, u.id, 'anna', randomblob(80), randomblob(64), 0
    FROM users u WHERE u.name = 'bert'" || fail "sqlite3 insert"
# shellcheck disable=SC2086
probe $KS key-sync 0 >"$T/ks"
grep -q "^grants " "$T/ks" || fail "key sync: $(cat "$T/ks")"
grep -q "$C4" "$T/ks" && fail "an ex-member's key sync names the case: \
$(cat "$T/ks")"
ok "an ex-member's key sync names neither the case nor its holders"

# ---- item 7: break the glass is seen, limited, and renewals audited
laptop b sync >/dev/null 2>&1 || fail "sync b"	# nothing to tell yet
laptop r glass --case "$C" --reason "spoed politie" >/dev/null \
    2>"$T/err" || fail "glass: $(cat "$T/err")"
laptop r glass --case "$C" --reason "nog bezig" >"$T/out" 2>"$T/err" ||
    fail "glass asked again while active: $(cat "$T/err")"
ok "break the glass asked again while active renews it"
ctl audit query --type glass_renew 2>/dev/null | grep bram |
    grep -q "renews=" || fail "the renewal is not audited"
ok "the renewal is audited"
laptop r glass --case "$C2" --reason "spoed 2" >/dev/null 2>"$T/err" ||
    fail "glass on C2: $(cat "$T/err")"
expect_refused "a fourth use in a day is refused" 5 GLASS_LIMIT \
    r glass --case "$C3" --reason "spoed 3"
ctl audit query --type glass_limit 2>/dev/null | grep bram |
    grep -q "$C3" || fail "the refusal over the limit is not audited"
ok "the refusal over the limit is audited"

laptop b sync >"$T/sync" 2>"$T/err" || fail "sync b: $(cat "$T/err")"
expect_eq "the regisseur's sync tells of each use" \
    "$(grep -c "^break the glass: bram (Lelystad) read case" "$T/sync")" 3
grep -q "read case [0-9a-f]*$(echo "$C" | cut -c31-36) .*: nog bezig$" \
    "$T/sync" ||
    fail "the renewal's reason is not shown: $(cat "$T/sync")"
ok "the sync summary names the reader, the case and the reason"
laptop b sync >"$T/sync" 2>"$T/err" || fail "sync b: $(cat "$T/err")"
expect_eq "each use is told once" \
    "$(grep -c "^break the glass" "$T/sync")" 0
laptop b glass list >"$T/gl" 2>"$T/err" || fail "glass list: $(cat "$T/err")"
expect_eq "casesync glass list shows them all to the regisseur" \
    "$(grep -c "^break the glass: bram" "$T/gl")" 3
laptop f --json glass list >"$T/gl" 2>"$T/err" ||
    fail "glass list on f: $(cat "$T/err")"
expect_eq "and to a teamleider of the case's office" \
    "$(jq '[.uses[] | select(.user == "bram")] | length' "$T/gl")" 3
laptop f sync >"$T/sync" 2>"$T/err" || fail "sync f: $(cat "$T/err")"
expect_eq "the team lead's sync tells of them too" \
    "$(grep -c "^break the glass: bram" "$T/sync")" 3
laptop a glass list >"$T/gl" 2>"$T/err" || fail "glass list on a"
expect_eq "a user who answers for none of the cases sees none" \
    "$(cat "$T/gl")" "no break-the-glass uses of your cases"
ctl glass list | grep -c "bram" >"$T/n"
expect_eq "casesyncctl glass list shows the uses and the renewal" \
    "$(cat "$T/n")" 3
