#!/bin/sh
# SPDX-License-Identifier: ISC
#
# File descriptors and idle connections (docs/ADMIN.md, "File
# descriptors"): casesyncd raises its soft descriptor limit to the hard
# one and says so; it refuses to start (and -t says why) when
# max_connections does not fit in the hard limit, and lowers a
# max_connections left at its default instead.  Then more idle
# authenticated connections than the starting soft limit: held, each
# costing the server little memory once idle (its TLS and frame buffers
# given back), and each still able to sync (push, pull) afterwards on
# that same connection.
. "$(dirname "$0")/lib.sh"

N=300		# connections held, over 6 devices
SOFT=100	# the soft limit casesyncd starts with
HARD=600

load() {
	"$B/tests/cs_load" -s "$ADDR" -C "$SRV/ca.crt" -d "$T/ids" "$@" \
	    2>>"$T/load.log"
}
field() {
	tail -n 1 "$2" |
	    awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }

deploy
ctl office add Zwolle >/dev/null || fail "office"
for u in 0 1 2; do
	ctl user add --name "w$u" --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user w$u"
	for d in a b; do
		token "w$u" "w$u-$d" >>"$T/tokens" || fail "token"
	done
done
[ "$(id -u)" -eq 0 ] && echo "user = nobody" >>"$SRV/casesyncd.conf"
conf="$SRV/casesyncd.conf"

# max_connections beyond the hard limit: -t and the start both refuse
cp "$conf" "$T/conf.base"
echo "max_connections = 1000" >>"$conf"
if (ulimit -n $HARD && "$B/casesyncd" -t -f "$conf") >"$T/t.out" 2>&1
then
	fail "casesyncd -t accepted max_connections above the limit"
fi
grep -q "max_connections = 1000 needs .* but the limit is $HARD" \
    "$T/t.out" || fail "casesyncd -t: $(cat "$T/t.out")"
ok "casesyncd -t: max_connections above the descriptor limit named"
if (ulimit -n $HARD && "$B/casesyncd" -d -f "$conf" -p "$T/port") \
    >"$T/start.out" 2>&1; then
	fail "casesyncd started with max_connections above the limit"
fi
grep -q "max_connections = 1000 needs .* but the limit is $HARD" \
    "$T/start.out" || fail "start: $(cat "$T/start.out")"
[ -s "$T/port" ] && fail "casesyncd listened before refusing"
ok "casesyncd refuses to start: max_connections above the limit"
(ulimit -n $((1000 + 200)) && "$B/casesyncd" -t -f "$conf") \
    >"$T/t.out" 2>&1 || fail "casesyncd -t with room: $(cat "$T/t.out")"

# the default max_connections (4096) is lowered to what fits
cp "$T/conf.base" "$conf"
(ulimit -n $HARD && exec "$B/casesyncd" -d -v -f "$conf" -p "$T/port") \
    >"$T/default.out" 2>&1 &
pid=$!
i=0
until [ -s "$T/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "default: $(cat "$T/default.out")"
	sleep 0.1
done
kill $pid
wait $pid
grep -q "max_connections lowered from its default 4096" "$T/default.out" ||
    fail "default: $(cat "$T/default.out")"
ok "a default max_connections is lowered to the limit, with a warning"

# from here on this shell (and casesyncd, cs_load) start at SOFT
ulimit -Sn $SOFT && ulimit -Hn $HARD || fail "ulimit"
start_server "max_connections = 400" "max_pending_per_address = 1000"
grep -q "file descriptors: limit $HARD (hard $HARD)" "$T/server.log" ||
    fail "no 'file descriptors' line in the log"
ok "casesyncd raised its soft limit from $SOFT to $HARD and logged it"
mkdir "$T/ids" || fail "mkdir"
load enroll "$T/tokens" >"$T/enroll.out" ||
    fail "enroll: $(cat "$T/enroll.out") $(tail -3 "$T/load.log")"

sleep 1.5	# the worker's tick gives back what start-up freed
before=$(rss_kb)
load -c $N -t 4 -S idle >"$T/idle.out" &
lpid=$!
i=0
until grep -q '^held' "$T/idle.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "not all $N connections held"
	kill -0 $lpid 2>/dev/null ||
	    fail "idle: $(cat "$T/idle.out") $(tail -3 "$T/load.log")"
	sleep 0.1
done
sleep 5	# the worker trims the heap once the handshakes are over
with=$(rss_kb)
wait $lpid || fail "idle, then sync: $(cat "$T/idle.out") $(tail -3 "$T/load.log")"
expect_eq "connections held (more than the soft limit $SOFT)" \
    "$(field held "$T/idle.out")" $N
per=$(((with - before) / N))
# an idle connection with its buffers: about 34 KiB of TLS record
# buffers alone; released, the whole connection is well under that
# (not under the sanitizers: their red zones and quarantine dwarf it)
if [ -z "$SANITIZED" ]; then
	[ "$per" -lt 40 ] || fail "server memory per idle connection:" \
	    "$per KiB (before $before, with $with)"
	ok "server memory per idle connection: $per KiB"
fi
expect_eq "held connections that synced afterwards" \
    "$(field sessions "$T/idle.out")" $N
expect_eq "their pushes applied" "$(field pushed "$T/idle.out")" $N
expect_eq "failed sessions" "$(field errors "$T/idle.out")" 0
server_alive
