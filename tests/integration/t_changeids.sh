#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Change ids are per device, and a crafted push learns nothing (issue
# 21, item 6).  A device that pushes a change id another device used
# gets CHANGE_INVALID with no version (before: APPLIED with the other
# user's version, and its change silently dropped); nothing of it is
# applied.  A record id that exists in a case the pusher cannot read,
# pushed into a case he can write, gets the same answer as an invalid
# push of a record id that exists nowhere.  The pushes are crafted with
# tests/cs_probe ("push") on a device enrolled for bert.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
probe_device bert

C=$(laptop a case create --frame OTS) || fail "case create C"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
D=$(laptop a case create --frame OTS) || fail "case create D"
laptop a record bulk --case "$C" --kind note --count 1 --size 100 \
    >/dev/null || fail "bulk C"
laptop a record bulk --case "$D" --kind note --count 1 --size 100 \
    >/dev/null || fail "bulk D"
laptop a sync >/dev/null 2>&1 || fail "sync a"
q() { sqlite3 "$SRV/server.db" "$1"; }
cid=$(q "SELECT c.change_id FROM changes c JOIN records r ON
    r.record_id = c.record_id WHERE r.case_id = '$C' AND r.kind = 'note'")
rd=$(q "SELECT record_id FROM records WHERE case_id = '$D' AND
    kind = 'note'")
vd=$(q "SELECT version FROM records WHERE record_id = '$rd'")
[ -n "$cid" ] && [ -n "$rd" ] && [ -n "$vd" ] || fail "ids from server.db"
before=$(ctl records digest) || fail "digest"

# --- anna's change id, from bert's device, for a new record of case C
new=$(cat /proc/sys/kernel/random/uuid)
expect_eq "another device's change id" \
    "$(probe $AUTH push "$cid" "$new" "$C" 0)" \
    "result CHANGE_INVALID version 0 current 0"
expect_eq "nothing of it applied" "$(ctl records digest)" "$before"
expect_eq "no record $new" "$(q "SELECT count(*) FROM records WHERE
    record_id = '$new'")" 0
# the same change under a change id of its own is applied
own=$(cat /proc/sys/kernel/random/uuid)
case "$(probe $AUTH push "$own" "$new" "$C" 0)" in
"result CHANGE_APPLIED version "*) ok "the same change, its own id: applied" ;;
*) fail "own change id: $(probe $AUTH push "$own" "$new" "$C" 0)" ;;
esac
# and a retry of that one is its own replay
case "$(probe $AUTH push "$own" "$new" "$C" 0)" in
"result CHANGE_APPLIED version "*) ok "a retry of its own id: applied" ;;
*) fail "retry of own change id" ;;
esac

# --- a record id of case D (bert cannot read it) pushed into case C
nowhere=$(cat /proc/sys/kernel/random/uuid)
want=$(probe $AUTH push "$(cat /proc/sys/kernel/random/uuid)" "$nowhere" \
    "$C" "$vd")
expect_eq "an invalid push of a record id that exists nowhere" "$want" \
    "result CHANGE_INVALID version 0 current 0"
expect_eq "a record id of another case, at its version" \
    "$(probe $AUTH push "$(cat /proc/sys/kernel/random/uuid)" "$rd" "$C" \
    "$vd")" "$want"
expect_eq "a record id of another case, as new" \
    "$(probe $AUTH push "$(cat /proc/sys/kernel/random/uuid)" "$rd" "$C" 0)" \
    "$want"
expect_eq "case D unchanged" "$(q "SELECT version || case_id FROM records
    WHERE record_id = '$rd'")" "$vd$D"
# (anna's laptop would refuse the probe's record: its body is random)
expect_eq "records on the server: anna's and the one applied" \
    "$(q "SELECT count(*) FROM records WHERE kind = 'note'")" 3
server_alive
