#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Conflicts name their authors: two users edit the same field offline on
# their own laptops; after sync, `casesync conflicts` on both laptops
# (and on a third user's laptop) names the same author and time for each
# value, and the case, record and field by name.  `resolve --author`
# picks that author's value and the resolution reaches every laptop;
# --mine and --theirs mean "written by this user" and "by the other
# user"; a choice that matches two different values is refused with the
# list.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name carla --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll a2 anna
enroll b bert
enroll c carla

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}
field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}
# The conflict as a laptop shows it, without what depends on who asks.
labels() {
	laptop "$1" --json conflicts | sed 's/"by_me":[a-z]*,//g'
}

C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind casefile title="Familie Jansen" \
    >/dev/null || fail "case file"
R=$(laptop a record put --case "$C" --kind person name=Jansen phone=000) ||
    fail "record put"
laptop a case member --case "$C" --user bert >/dev/null || fail "member bert"
laptop a case member --case "$C" --user carla >/dev/null ||
    fail "member carla"
for l in a a2 b c; do sync_ok $l; done
expect_eq "bert has the record" "$(field b "$R" phone)" 000

# the same field, offline, on two users' laptops: anna first, then bert
laptop a record put --case "$C" --kind person --id "$R" phone=111 \
    >/dev/null || fail "edit on a"
sleep 1.1
laptop b record put --case "$C" --kind person --id "$R" phone=222 \
    >/dev/null || fail "edit on b"
sync_ok a
sync_ok b		# bert's push conflicts: his laptop merges
sync_ok a
sync_ok c

laptop a --json conflicts >"$T/ja" || fail "conflicts on a"
laptop b --json conflicts >"$T/jb" || fail "conflicts on b"
# each value with its author: anna wrote 111, bert 222, in that order
for f in "$T/ja" "$T/jb"; do
	grep -q '"n":1,"author":"anna","author_id":[0-9]*,' "$f" ||
	    fail "value 1 is not anna's: $(cat "$f")"
	grep -q '"n":2,"author":"bert","author_id":[0-9]*,' "$f" ||
	    fail "value 2 is not bert's: $(cat "$f")"
	tr '{' '\n' <"$f" | grep '"author":"anna"' | grep -q '"value":"111"' ||
	    fail "anna's value: $(cat "$f")"
	tr '{' '\n' <"$f" | grep '"author":"bert"' | grep -q '"value":"222"' ||
	    fail "bert's value: $(cat "$f")"
	grep -q '"case_title":"Familie Jansen"' "$f" ||
	    fail "case not named: $(cat "$f")"
	grep -q '"kind":"person","record_title":"Jansen' "$f" ||
	    fail "record not named: $(cat "$f")"
	grep -q '"field":"phone"' "$f" || fail "field: $(cat "$f")"
	grep -Eq '"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}"' \
	    "$f" || fail "ISO 8601 time: $(cat "$f")"
done
ok "both laptops name anna and bert as the authors of their values"
expect_eq "the same labels on both laptops" "$(labels a)" "$(labels b)"
expect_eq "and on a third user's laptop" "$(labels c)" "$(labels a)"
grep -q '"by_me":true,"time":"[^"]*","time_epoch":[0-9]*,"hlc":[0-9]*,"removed":false,"value":"111"' \
    "$T/ja" || fail "anna's laptop does not mark her value: $(cat "$T/ja")"
grep -q '"by_me":true,"time":"[^"]*","time_epoch":[0-9]*,"hlc":[0-9]*,"removed":false,"value":"222"' \
    "$T/jb" || fail "bert's laptop does not mark his value: $(cat "$T/jb")"

laptop b conflicts >"$T/hb" || fail "conflicts (human)"
grep -q 'case "Familie Jansen" / person "Jansen[^"]*" / field phone' "$T/hb" ||
    fail "human names: $(cat "$T/hb")"
grep -Eq '^      by anna, [0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}' \
    "$T/hb" || fail "anna's line: $(cat "$T/hb")"
grep -Eq '^      by bert \(you\), [0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}' \
    "$T/hb" || fail "bert's line: $(cat "$T/hb")"
ok "conflicts shows case, record, field, authors and local times"

# refused choices list the values and change nothing
laptop b resolve --record "$R" --field phone --author femke >"$T/out" 2>&1
expect_eq "an author with no value is refused" "$?" 2
grep -q "by anna" "$T/out" && grep -q "by bert" "$T/out" ||
    fail "refusal without the list: $(cat "$T/out")"
laptop b resolve --record "$R" --field phone --value 3 >/dev/null 2>&1
expect_eq "a value number out of range is refused" "$?" 2
laptop b resolve --record "$R" --field phone --value 333 >/dev/null 2>&1
expect_eq "a value nobody wrote is refused (that is --new)" "$?" 2
expect_eq "nothing changed" "$(labels b)" "$(labels a)"

# bert resolves for anna's value; everyone gets it
laptop b resolve --record "$R" --field phone --author anna >"$T/out" ||
    fail "resolve --author: $(cat "$T/out")"
grep -q "value 1, by anna" "$T/out" || fail "resolve says: $(cat "$T/out")"
expect_eq "bert's laptop took anna's value" "$(field b "$R" phone)" 111
sync_ok b
sync_ok a
sync_ok c
sync_ok a2
for l in a b c a2; do
	expect_eq "phone on $l" "$(field $l "$R" phone)" 111
	laptop $l conflicts | grep -q "no conflicts" ||
	    fail "conflict left on $l: $(laptop $l conflicts)"
done
ok "the resolution by author reaches every laptop"

# three users: bert's laptop merged and pushed anna's value; carla's
# conflict with that still names anna (not bert) and keeps bert's value
laptop a record put --case "$C" --kind person --id "$R" role=parent \
    >/dev/null || fail "edit a"
sleep 1.1
laptop b record put --case "$C" --kind person --id "$R" role=carer \
    >/dev/null || fail "edit b"
laptop c record put --case "$C" --kind person --id "$R" role=network \
    >/dev/null || fail "edit c"
sync_ok a
sync_ok b		# bert merges: role=parent (anna's), marker
sync_ok c		# carla's push meets bert's merged version
for l in a b; do sync_ok $l; done
laptop c --json conflicts >"$T/j4" || fail "conflicts on c"
tr '{' '\n' <"$T/j4" | grep '"author":"anna"' | grep -q '"value":"parent"' ||
    fail "parent is not anna's: $(cat "$T/j4")"
tr '{' '\n' <"$T/j4" | grep '"author":"bert"' | grep -q '"value":"carer"' ||
    fail "carer is not bert's: $(cat "$T/j4")"
tr '{' '\n' <"$T/j4" | grep '"author":"carla"' |
    grep -q '"value":"network"' || fail "network: $(cat "$T/j4")"
expect_eq "three values, the same labels on anna's laptop" \
    "$(labels a)" "$(labels c)"
expect_eq "and on bert's" "$(labels b)" "$(labels c)"
laptop a resolve --record "$R" --field role --author carla >/dev/null ||
    fail "resolve role"
for l in a b c; do sync_ok $l; done
expect_eq "carla's role chosen on anna's laptop reaches bert" \
    "$(field b "$R" role)" network
ok "a value merged and pushed by a colleague keeps its author"

# --mine / --theirs: by this user, by the other user
laptop a record put --case "$C" --kind person --id "$R" address=Dorpsstraat \
    >/dev/null || fail "edit a"
sleep 1.1
laptop b record put --case "$C" --kind person --id "$R" address=Kerkstraat \
    >/dev/null || fail "edit b"
sync_ok a
sync_ok b
sync_ok a
laptop a resolve --record "$R" --field address --theirs >/dev/null ||
    fail "resolve --theirs on anna's laptop"
expect_eq "--theirs on anna's laptop is bert's value" \
    "$(field a "$R" address)" Kerkstraat
sync_ok a
sync_ok b
expect_eq "and reaches bert" "$(field b "$R" address)" Kerkstraat

laptop a record put --case "$C" --kind person --id "$R" name=Janssen \
    >/dev/null || fail "edit a"
sleep 1.1
laptop b record put --case "$C" --kind person --id "$R" name=Jansma \
    >/dev/null || fail "edit b"
sync_ok a
sync_ok b
sync_ok a
laptop a resolve --record "$R" --field name --mine >/dev/null ||
    fail "resolve --mine on anna's laptop"
expect_eq "--mine on anna's laptop is her value" "$(field a "$R" name)" \
    Janssen
sync_ok a
sync_ok b
expect_eq "and reaches bert" "$(field b "$R" name)" Janssen
ok "--mine and --theirs mean this user and the other user, on any laptop"

# two laptops of one user: by author is ambiguous, by value is not
laptop a record put --case "$C" --kind person --id "$R" phone=444 \
    >/dev/null || fail "edit a"
sleep 1.1
laptop a2 record put --case "$C" --kind person --id "$R" phone=555 \
    >/dev/null || fail "edit a2"
sync_ok a
sync_ok a2
sync_ok b
laptop b --json conflicts >"$T/j3" || fail "conflicts"
grep -q '"n":1,"author":"anna".*"value":"444".*"n":2,"author":"anna".*"value":"555"' \
    "$T/j3" || fail "both of anna's values: $(cat "$T/j3")"
laptop b resolve --record "$R" --field phone --author anna >"$T/out" 2>&1
expect_eq "--author with two different values is refused" "$?" 2
grep -q "more than one value" "$T/out" && grep -q '"444"' "$T/out" &&
    grep -q '"555"' "$T/out" || fail "ambiguity: $(cat "$T/out")"
laptop b resolve --record "$R" --field phone --theirs >/dev/null 2>&1
expect_eq "--theirs with two other values is refused" "$?" 2
laptop b resolve --record "$R" --field phone --value 555 >/dev/null ||
    fail "resolve by literal value"
sync_ok b
sync_ok a
sync_ok a2
expect_eq "the value chosen by its text reaches anna" \
    "$(field a "$R" phone)" 555
expect_eq "and her second laptop" "$(field a2 "$R" phone)" 555
ok "an ambiguous choice is refused with the list"
d1=$(laptop a digest)
for l in a2 b; do
	sync_ok $l
	expect_eq "digest of $l" "$(laptop $l digest)" "$d1"
done
