#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_order: pull order with concurrent writers (DESIGN §11).  Two
# laptops push through two casesyncd instances on one PostgreSQL at the
# same time, round after round of small batches, while a third laptop
# on each instance pulls without pause.  A seq that became visible
# after a larger one (the sequence-visibility race: a change committed
# later with a smaller seq) would be passed by a puller's cursor and
# never delivered, so afterwards every laptop must hold exactly the
# server's records: the same count and `casesync digest`.
CASESYNC_TEST_DB=pg	# lib.sh: deploy on a throw-away PostgreSQL cluster
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_multi.sh"

ROUNDS=6
PER=150		# records per laptop and round

deploy
ctl office add Zwolle >/dev/null || fail "office"
for u in u1 u2 u3 u4; do
	ctl user add --name $u --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user $u"
done
start_server
start_b
enroll w1 u1
on_b enroll w2 u2
enroll r1 u3
on_b enroll r2 u4
C=$(laptop w1 case create --frame OTS) || fail "case create"
for u in u2 u3 u4; do
	laptop w1 case member --case "$C" --user $u >/dev/null ||
	    fail "member $u"
done
laptop w1 sync >/dev/null 2>&1 || fail "first sync"
for l in w2 r1 r2; do
	laptop $l sync >/dev/null 2>&1 || fail "first sync of $l"
done

# the writers: rounds of a bulk then a sync, on both instances at once
for l in w1 w2; do
	(
		n=0
		while [ $n -lt $ROUNDS ]; do
			laptop $l record bulk --case "$C" --kind note \
			    --count $PER --size 100 >/dev/null || exit 1
			laptop $l sync >/dev/null 2>&1 || exit 1
			n=$((n + 1))
		done
	) &
	eval "wr_$l=\$!"
done
# the pullers: sync without pause until the writers are done
touch "$T/pulling"
for l in r1 r2; do
	(
		n=0
		while [ -f "$T/pulling" ]; do
			laptop $l sync >/dev/null 2>&1 && n=$((n + 1))
		done
		echo $n >"$T/pulls.$l"
	) &
	eval "rd_$l=\$!"
done
for l in w1 w2; do
	eval "wait \$wr_$l" || { rm -f "$T/pulling"; sleep 1;
	    fail "writer $l failed"; }
done
rm -f "$T/pulling"
for l in r1 r2; do
	eval "wait \$rd_$l"
done
echo "pulls during the pushes: r1 $(cat "$T/pulls.r1"), r2 $(cat \
    "$T/pulls.r2")"
[ "$(cat "$T/pulls.r1")" -gt 1 ] && [ "$(cat "$T/pulls.r2")" -gt 1 ] ||
    fail "the pullers did not pull while the writers pushed"
ok "two laptops pushed $ROUNDS rounds each through A and B while two" \
    "pulled"

# one more pull each, from the cursors the race would have moved too far
for l in w1 w2 r1 r2; do
	laptop $l sync >"$T/last.$l" 2>&1 || fail "last sync $l: $(cat \
	    "$T/last.$l")"
done
want=$(ctl records digest) || fail "server digest"
expect_eq "server record count" "${want%% *}" $((2 * ROUNDS * PER))
for l in w1 w2 r1 r2; do
	expect_eq "laptop $l holds exactly the server's records" \
	    "$(laptop $l digest)" "$want"
done
