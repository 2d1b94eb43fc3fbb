#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Load smoke test (correctness, not speed): 50 devices, two per user so
# that every pull carries the other laptop's changes, enrolled through
# the real protocol by cs_load; then 50 concurrent clients doing sync
# sessions (connect, handshake, Hello, push one change, pull) for 3 s,
# then paced sessions on kept connections, and 50 idle connections
# held.  No
# session may fail, the server must hold exactly the records pushed,
# and it must still be alive at the end.
. "$(dirname "$0")/lib.sh"

N=50

load() {
	"$B/tests/cs_load" -s "$ADDR" -C "$SRV/ca.crt" -d "$T/ids" "$@" \
	    2>>"$T/load.log"
}

# field NAME FILE: the value after NAME in cs_load's report (last line)
field() {
	tail -n 1 "$2" |
	    awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
i=0
while [ $i -lt $((N / 2)) ]; do
	ctl user add --name "w$i" --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user w$i"
	for d in a b; do
		tok=$(token "w$i" "w$i-$d") && [ -n "$tok" ] ||
		    fail "token for w$i-$d"
		echo "$tok" >>"$T/tokens"
	done
	i=$((i + 1))
done
# all the laptops come from 127.0.0.1, 50 handshakes at once: lift the
# limit of connections before Hello per address (t_secnet tests it)
start_server "max_pending_per_address = 1000"
mkdir "$T/ids" || fail "mkdir"

load enroll "$T/tokens" >"$T/enroll.out" ||
    fail "enroll: $(cat "$T/enroll.out") $(tail -3 "$T/load.log")"
expect_eq "devices enrolled, each with its case" \
    "$(field sessions "$T/enroll.out")" $N
expect_eq "identity files" "$(ls "$T/ids" | grep -c '^dev-')" $N

records_on_server() {
	ctl records digest | cut -d' ' -f1
}

# run NAME SECONDS [cs_load options]: one timed run, checked
run() {
	what=$1
	secs=$2
	shift 2
	before=$(records_on_server)
	load -c $N -t "$secs" "$@" run >"$T/run.out" ||
	    fail "$what: $(cat "$T/run.out") $(tail -3 "$T/load.log")"
	errors=$(field errors "$T/run.out")
	sessions=$(field sessions "$T/run.out")
	pushed=$(field pushed "$T/run.out")
	pulled=$(field pulled "$T/run.out")
	expect_eq "$what: failed sessions" "$errors" 0
	[ "$sessions" -ge $N ] ||
	    fail "$what: only $sessions sessions for $N clients"
	expect_eq "$what: every session pushed one change" "$pushed" \
	    "$sessions"
	# each run starts from cursor 0 (it may pull older runs' records);
	# a record is seen by the two devices of its user at most
	[ "$pulled" -gt 0 ] && [ "$pulled" -le $((2 * (before + pushed))) ] ||
	    fail "$what: $pulled changes pulled, $((before + pushed)) exist"
	ok "$what: $pulled of the other laptops' changes pulled"
	expect_eq "$what: records on the server" "$(records_on_server)" \
	    $((before + pushed))
	server_alive
}

run "sessions on new connections" 3
run "sessions on kept connections, 100/s" 2 -k -r 100

load -c $N -t 1 idle >"$T/idle.out" ||
    fail "idle: $(cat "$T/idle.out") $(tail -3 "$T/load.log")"
expect_eq "idle connections held" "$(field held "$T/idle.out")" $N
server_alive
laptop_check=$(ctl device list | grep -c active)
expect_eq "devices still active" "$laptop_check" $N
