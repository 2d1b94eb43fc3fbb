#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_kill: exactly once under failure, with two casesyncd instances on
# one PostgreSQL (DESIGN §11).  Three laptops, each knowing both
# instances' addresses (from the Welcome's `addresses`), push their
# records through whichever answers, while the instances are killed
# with SIGKILL at random moments (half of them, and all until one has
# cut a sync, aimed at an instance a laptop is connected to) and
# restarted, and PostgreSQL itself is restarted once with `pg_ctl
# restart -m immediate` (a crash of the database: every connection
# cut, uncommitted work gone).  Afterwards
# the server and every laptop hold exactly the same records (count and
# digest), no change the server acknowledged is missing (the count is
# everything the laptops wrote, and every laptop's outbox is empty), and
# `casesyncctl audit verify` passes.
#
# The issue's scale, 3 x 5,000 records, with 8 kills (about 25 s on two
# cores); PER=N runs N per laptop.
CASESYNC_TEST_DB=pg	# lib.sh: deploy on a throw-away PostgreSQL cluster
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_multi.sh"

PER=${PER:-5000}
KILLS=8

deploy
ctl office add Zwolle >/dev/null || fail "office"
for u in u1 u2 u3; do
	ctl user add --name $u --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user $u"
done
# the ports first, then every instance names both (docs/ADMIN.md)
start_server
start_b
stop_server
stop_b
echo "addresses = localhost:$PORT localhost:$PORT_B" >>"$SRV/casesyncd.conf"
echo "addresses = localhost:$PORT localhost:$PORT_B" >>"$SRV_B/casesyncd.conf"
start_server
start_b
enroll u1 u1
on_b enroll u2 u2
enroll u3 u3
C=$(laptop u1 case create --frame OTS) || fail "case create"
laptop u1 case member --case "$C" --user u2 >/dev/null || fail "member u2"
laptop u1 case member --case "$C" --user u3 >/dev/null || fail "member u3"
for u in u1 u2 u3; do
	laptop $u sync >"$T/first.$u" 2>&1 || fail "first sync $u"
	laptop $u server show >"$T/addr.$u" 2>&1
	grep -q "$PORT_B" "$T/addr.$u" && grep -q "$PORT" "$T/addr.$u" ||
	    fail "$u does not know both addresses: $(cat "$T/addr.$u")"
done
ok "the laptops know both instances' addresses"
rand() {	# rand N: 0 .. N-1
	echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 ))
}

# Each laptop writes its records in CHUNKS parts and pushes each part
# until a sync succeeds, so its pushes go on through the kills (a push
# of all at once can be over before the first kill on a quiet machine).
CHUNKS=10
part=$((PER / CHUNKS))
for u in u1 u2 u3; do
	(
		c=1
		while [ $c -le $CHUNKS ]; do
			n=$part
			[ $c -eq $CHUNKS ] && n=$((PER - part * (CHUNKS - 1)))
			laptop $u record bulk --case "$C" --kind note --count "$n" \
			    --size 200 >/dev/null || exit 2
			i=0
			until laptop $u sync >>"$T/loop.$u" 2>&1; do
				echo "cut" >>"$T/cut.$u"
				i=$((i + 1))
				[ $i -gt 600 ] && exit 1
				sleep 0.1
			done
			c=$((c + 1))
		done
		: >"$T/done.$u"
	) &
	eval "loop_$u=\$!"
done
running() {	# 0 while a laptop still writes or syncs
	[ ! -e "$T/done.u1" ] || [ ! -e "$T/done.u2" ] || [ ! -e "$T/done.u3" ]
}
interrupted() {	# syncs that failed and were tried again
	cat "$T/cut.u1" "$T/cut.u2" "$T/cut.u3" 2>/dev/null | wc -l |
	    tr -d ' '
}
# busy PORT: a laptop holds a connection to the instance on PORT now
# (an established TCP connection in this network namespace)
busy() {
	awk -v p=":$(printf '%04X' "$1")" \
	    '$4 == "01" && substr($2, length($2) - 4) == p { f = 1 }
	    END { exit !f }' /proc/net/tcp
}
# Half of the kills, and every kill while none has cut a sync yet, wait
# (up to 2 s) for a laptop connected to an instance and kill that one:
# a kill at a random moment alone can miss every sync on a fast machine.
aim() {	# prints "a" or "b" for the instance to kill, or nothing
	_w=0
	while [ $_w -lt 200 ]; do
		busy "$PORT" && { echo a; return; }
		busy "$PORT_B" && { echo b; return; }
		running || return 0
		sleep 0.01
		_w=$((_w + 1))
	done
}
kills=0
pg_done=""
# KILLS kills at least; more (up to 40) while the laptops still push and
# none of their syncs has been cut yet
while [ $kills -lt $KILLS ] ||
    { [ $kills -lt 40 ] && [ "$(interrupted)" -eq 0 ] && running; }; do
	sleep "0.$(printf '%03d' $(( $(rand 400) + 100 )))"
	if [ $kills -eq $((KILLS / 2)) ] && [ -z "$pg_done" ]; then
		pg_restart_immediate
		pg_done=1
		echo "PostgreSQL restarted (-m immediate)"
		continue
	fi
	who=""
	if [ "$(interrupted)" -eq 0 ] || [ "$(rand 2)" -eq 0 ]; then
		who=$(aim)
	fi
	[ -n "$who" ] || { [ "$(rand 2)" -eq 0 ] && who=a || who=b; }
	if [ "$who" = a ]; then
		kill -KILL "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=""
		sleep 0.$(rand 3)
		start_server
	else
		kill_b
		sleep 0.$(rand 3)
		start_b
	fi
	kills=$((kills + 1))
done
ok "instances killed with SIGKILL $kills times, PostgreSQL restarted once," \
    "during the pushes"
for u in u1 u2 u3; do
	eval "wait \$loop_$u" || fail "laptop $u never completed its syncs:" \
	    "$(tail -5 "$T/loop.$u")"
done
# the kills met syncs in flight, not laptops that had finished
hit=$(interrupted)
echo "syncs that failed and were tried again: $hit"
[ "$hit" -gt 0 ] || fail "no sync was interrupted: the test proved nothing"
# everyone pulls what the others pushed
for u in u1 u2 u3; do
	laptop $u sync >"$T/last.$u" 2>&1 || fail "last sync $u: $(cat \
	    "$T/last.$u")"
done
want=$(ctl records digest) || fail "server digest"
n=${want%% *}
echo "acknowledged-then-lost changes: $((3 * PER - n))"
expect_eq "the server holds every record written" "$n" $((3 * PER))
for u in u1 u2 u3; do
	expect_eq "laptop $u matches the server" "$(laptop $u digest)" "$want"
done
stop_server
stop_b
ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ok "audit verify passes"
