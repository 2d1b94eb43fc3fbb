#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Edits racing a sync are never lost: a laptop edits records while its
# own "casesync sync" runs (started 0-9 ms before the edit, so the
# edit lands before, during and after the push's take of the outbox).
# Afterwards every edit's final value is on the server and on a second
# laptop, and the digests agree.  Two syncs of one vault at once do not
# both push the outbox: the second waits for the first (sync lock).
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-60}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a1 anna
enroll a2 anna

field() {	# field LAPTOP RECORD NAME -> value
	laptop "$1" --json record get "$2" |
	    sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p"
}
sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}
rnd() {		# rnd N -> a random number in 0..N-1
	echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 ))
}

# the racing edit is large (six fields of 60,000 bytes), so that its
# write transaction lasts long enough to meet the take more often
BIG=$(head -c 45000 /dev/urandom | base64 -w0)
C=$(laptop a1 case create --frame DRANG) || fail "case create"
i=1
while [ $i -le "$ROUNDS" ]; do
	laptop a1 record put --case "$C" --kind person name="p$i" \
	    phone=start >"$T/rid.$i" || fail "record put $i"
	i=$((i + 1))
done
sync_ok a1
sync_ok a2

# each round: an edit waits in the outbox, a sync starts in the
# background, and 0-9 ms later the same record is edited again (a sync
# here takes some 15 ms, an edit 5: the second edit's transaction meets
# the push's take of the outbox in some rounds)
i=1
while [ $i -le "$ROUNDS" ]; do
	laptop a1 record put --case "$C" --kind person --id "$(cat "$T/rid.$i")" \
	    phone="pre$i" >/dev/null || fail "first edit $i"
	laptop a1 sync >"$T/bg.$i" 2>&1 &
	spid=$!
	ms=$(( i % 9 + $(rnd 2) )); echo $ms >"$T/ms.$i"
	sleep "$(printf '0.%03d' "$ms")"
	laptop a1 record put --case "$C" --kind person --id "$(cat "$T/rid.$i")" \
	    phone="edit$i" a="$BIG" b="$BIG" c="$BIG" d="$BIG" e="$BIG" \
	    f="$BIG" >/dev/null || fail "edit $i"
	wait $spid || fail "background sync $i: $(cat "$T/bg.$i")"
	i=$((i + 1))
done
sync_ok a1
sync_ok a2
lost=0
i=1
while [ $i -le "$ROUNDS" ]; do
	v=$(field a2 "$(cat "$T/rid.$i")" phone)
	[ "$v" = "edit$i" ] || { echo "edit $i (after $(cat "$T/ms.$i") ms): a2 has '$v'"; lost=$((lost + 1)); }
	i=$((i + 1))
done
expect_eq "edits racing a sync that did not reach the other laptop" "$lost" 0
expect_eq "laptop and server hold the same" "$(laptop a1 digest)" \
    "$(ctl records digest)"
expect_eq "both laptops hold the same" "$(laptop a2 digest)" \
    "$(laptop a1 digest)"
n=$(laptop a1 --json sync | sed -n 's/.*"queued":\([0-9]*\).*/\1/p')
expect_eq "nothing left queued" "$n" 0

# two syncs at once: the outbox goes to the server once
laptop a1 record bulk --case "$C" --kind journal --count 2000 --size 500 \
    >/dev/null || fail "record bulk"
laptop a1 --json sync >"$T/s1" 2>"$T/s1.err" &
p1=$!
laptop a1 --json sync >"$T/s2" 2>"$T/s2.err" &
p2=$!
wait $p1 || fail "first sync: $(cat "$T/s1.err")"
wait $p2 || fail "second sync: $(cat "$T/s2.err")"
n1=$(sed -n 's/.*"pushed":\([0-9]*\).*/\1/p' "$T/s1")
n2=$(sed -n 's/.*"pushed":\([0-9]*\).*/\1/p' "$T/s2")
cat "$T/s1.err" "$T/s2.err" | grep -q "another sync of this laptop is running" ||
    fail "neither sync said it waited for the other"
ok "the second sync waited for the first and said so"
expect_eq "changes pushed by two concurrent syncs together" \
    "$((n1 + n2))" 2000
sync_ok a2
expect_eq "the notes reached the other laptop" \
    "$(laptop a2 record list --case "$C" | grep -c journal)" 2000
