#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Sync with one server and several laptops: offline edits of different
# fields merge, of the same field conflict (both values kept, shown,
# resolvable), append-only journal entries never conflict, a member
# added later receives the whole case (backfill), a member removed gets
# a purge and the data is gone, an in-sync client makes one round trip,
# a push retried after the server died between commit and reply is
# applied once, and sync --watch brings changes within seconds.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
start_server
enroll a1 anna
enroll a2 anna
enroll b bert

field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}
sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}

C=$(laptop a1 case create --frame DRANG) || fail "case create"
R=$(laptop a1 record put --case "$C" --kind person name=Jansen city=Zwolle) ||
    fail "record put"
sync_ok a1
sync_ok a2
expect_eq "record reached the second laptop" "$(field a2 "$R" name)" Jansen
expect_eq "laptop files readable by others" \
    "$(find "$T/a1" "$T/a2" -perm /077 | wc -l)" 0

# offline edits of different fields merge
laptop a1 record put --case "$C" --kind person --id "$R" name=Janssen >/dev/null
laptop a2 record put --case "$C" --kind person --id "$R" city=Kampen >/dev/null
sync_ok a1
sync_ok a2
sync_ok a1
expect_eq "a1 name after merge" "$(field a1 "$R" name)" Janssen
expect_eq "a1 city after merge" "$(field a1 "$R" city)" Kampen
expect_eq "a2 name after merge" "$(field a2 "$R" name)" Janssen
laptop a2 conflicts | grep -q "no conflicts" || fail "unexpected conflict"
ok "edits of different fields merged without conflict"

# the same field: conflict kept on both sides
laptop a1 record put --case "$C" --kind person --id "$R" phone=111 >/dev/null
laptop a2 record put --case "$C" --kind person --id "$R" phone=222 >/dev/null
sync_ok a1
sync_ok a2
sync_ok a1
laptop a2 conflicts >"$T/conf" || fail "conflicts"
grep -q '"222"' "$T/conf" || fail "a2's value lost: $(cat "$T/conf")"
grep -q '"111"' "$T/conf" || fail "a1's value lost: $(cat "$T/conf")"
laptop a1 --json conflicts | grep -q '"value":"222"' ||
    fail "a1 does not see the conflict"
ok "same-field conflict keeps both values on both laptops"
# both values are anna's (two laptops): by author is ambiguous
laptop a2 resolve --record "$R" --field phone --mine >"$T/out" 2>&1 &&
    fail "an ambiguous --mine was accepted"
laptop a2 resolve --record "$R" --field phone --value 222 >/dev/null ||
    fail "resolve"
sync_ok a2
sync_ok a1
expect_eq "resolved value on a1" "$(field a1 "$R" phone)" 222
laptop a1 conflicts | grep -q "no conflicts" || fail "conflict not cleared"
ok "resolution propagates"

# journal entries are append-only and never conflict
laptop a1 record put --case "$C" --kind journal text="huisbezoek 1" >/dev/null
laptop a2 record put --case "$C" --kind journal text="telefoon" >/dev/null
sync_ok a1
sync_ok a2
sync_ok a1
n1=$(laptop a1 record list --case "$C" | grep -c journal)
n2=$(laptop a2 record list --case "$C" | grep -c journal)
expect_eq "journal entries on a1" "$n1" 2
expect_eq "journal entries on a2" "$n2" 2

# a member added later receives the whole case
laptop a1 record bulk --case "$C" --kind note --count 200 --size 300 \
    >/dev/null || fail "bulk"
sync_ok a1
sync_ok b
expect_eq "bert sees nothing before he is a member" \
    "$(laptop b record list | wc -l)" 0
laptop a1 case member --case "$C" --user bert >/dev/null || fail "member add"
sync_ok b
total=$(laptop a1 record list --case "$C" | wc -l)
expect_eq "bert received the whole case" \
    "$(laptop b record list --case "$C" | wc -l)" "$total"

# a worker cannot add members to someone else's case
laptop b case member --case "$C" --user femke >"$T/out" 2>&1 &&
    fail "bert added a member to anna's case"
grep -q FORBIDDEN "$T/out" || fail "member add by non-regisseur: $(cat "$T/out")"
ok "only the regisseur or a team lead manages members"

# removal: purge, receipt, data gone
laptop a1 case member --case "$C" --user bert --remove >/dev/null ||
    fail "member remove"
laptop b --json sync >"$T/out" || fail "sync after removal"
grep -q '"purged":1' "$T/out" || fail "no purge: $(cat "$T/out")"
expect_eq "bert's laptop holds nothing of the case" \
    "$(laptop b record list --case "$C" | wc -l)" 0
ctl records purges | grep -q "purged" || fail "no purge receipt on the server"
ok "purge receipt recorded"
laptop b record put --case "$C" --kind note text=late >/dev/null
laptop b --json sync >"$T/out" || fail "sync of a forbidden change"
# the purge took the case keys too: the change cannot even be sealed
grep -q '"unsent_no_key":1' "$T/out" || fail "forbidden change: $(cat "$T/out")"
# it waits for a key; it is not "queued" to be sent
grep -q '"queued":0' "$T/out" || fail "queued: $(cat "$T/out")"
ok "a change to a case one lost is not sent (no case key left)"

# in sync: one round trip (the pull travels with the key round)
sync_ok a1
laptop a1 --json sync >"$T/out" || fail "sync"
grep -q '"round_trips":1,' "$T/out" || fail "in-sync cost: $(cat "$T/out")"
ok "an in-sync client makes one round trip"

# digests agree
sync_ok a2
d1=$(laptop a1 digest)
d2=$(laptop a2 digest)
expect_eq "a1 and a2 hold the same records" "$d1" "$d2"

# the server dies between commit and reply: the retry applies once
stop_server
CASESYNC_FAULT_PUSH_EXIT=1 start_server
J=$(laptop a1 record put --case "$C" --kind journal text="na crash")
laptop a1 sync >"$T/out" 2>&1 && fail "sync should have failed"
server_exited 10
start_server
laptop a1 --json sync >"$T/out" || fail "retry: $(cat "$T/out")"
grep -q '"rejected":0' "$T/out" || fail "retry was not idempotent: $(cat "$T/out")"
sync_ok a2
expect_eq "journal entries after the retried push" \
    "$(laptop a2 record list --case "$C" | grep -c journal)" 3
# ... and audited once: the replay appends no second "update" entry
expect_eq "update entries of the retried record" \
    "$(ctl audit query --type update --format csv | grep -c "$J")" 1
ok "a retried push is applied exactly once"

# watch: a change arrives without asking
laptop a2 sync --watch >"$T/watch.out" 2>&1 &
wpid=$!
sleep 1
W=$(laptop a1 record put --case "$C" --kind note text=live)
sync_ok a1
i=0
until laptop a2 record get "$W" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 50 ] && { kill $wpid; fail "watch did not deliver"; }
	sleep 0.1
done
kill $wpid
wait $wpid 2>/dev/null
ok "sync --watch applied a pushed change within $((i / 10 + 1)) s"
server_alive
