#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Resource abuse: 2,000 connections from one address (127.0.0.2) that
# never finish the TLS handshake, a slow-loris client trickling one
# byte every 500 ms, and frames that stop short and are held open.
# The server refuses the flood beyond max_pending_per_address at
# accept and closes the rest on its own (handshake and idle timeouts),
# a good client (127.0.0.1) is served meanwhile, and memory returns to
# its baseline.  A laptop that watches (sync --watch) is idle by design
# and outlives the idle timeout meanwhile (its deadline is renewed).
. "$(dirname "$0")/lib.sh"

rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
start_server "handshake_timeout = 2s" "idle_timeout = 3s"
enroll a anna
laptop a status >/dev/null || fail "status"
base=$(rss_kb)

probe -b 127.0.0.2 flood 2000 >"$T/flood.out" &
fpid=$!
sleep 0.5
laptop a status >/dev/null 2>&1 || fail "good client during the flood"
ok "a good client is served during a flood of half-open handshakes"
wait $fpid
out=$(cat "$T/flood.out")
case "$out" in
"closed 2000 after "[0-9]" s") ok "2,000 half-open handshakes closed: $out" ;;
*) fail "flood: $out" ;;
esac
grep -q "127.0.0.2: connection refused: 32 connections without Hello" \
    "$T/server.log" || fail "the flood was not limited per address"
ok "the flood beyond 32 half-open handshakes refused at accept"

# the watcher stays through the slow-loris and truncated-frame parts
# (more than the 3 s idle timeout)
laptop a sync --watch >"$T/watch.out" 2>&1 &
wpid=$!
wstart=$(date +%s)
start=$wstart
expect_eq "slow-loris client" "$(probe slowloris)" closed
el=$(( $(date +%s) - start ))
[ $el -le 8 ] || fail "slow-loris held for $el s"
ok "slow-loris closed by the idle timeout after ${el}s"

# a frame that never completes (64 bytes announced, 2 sent) is closed by
# the idle timeout too, and so is one that stops inside its header
start=$(date +%s)
probe raw-prehello 0000 >"$T/trunc2.out" &
tpid=$!
expect_eq "truncated frame held open" "$(probe raw-prehello 000000400801)" \
    closed
wait $tpid
expect_eq "truncated frame header held open" "$(cat "$T/trunc2.out")" closed
el=$(( $(date +%s) - start ))
[ $el -le 10 ] || fail "truncated frames held for $el s"
ok "truncated frames closed by the idle timeout after ${el}s"
el=$(( $(date +%s) - wstart ))
kill -0 $wpid 2>/dev/null || fail "the watcher ended: $(cat "$T/watch.out")"
grep -q "dev [0-9]*: idle timeout" "$T/server.log" &&
    fail "the watcher was closed by the idle timeout"
kill $wpid
wait $wpid 2>/dev/null
[ $el -ge 4 ] || fail "the watcher was held only ${el}s"
ok "a watching laptop outlived the 3 s idle timeout (${el}s)"

sleep 1.5	# a worker tick returns freed memory
after=$(rss_kb)
if [ -z "$SANITIZED" ]; then
	[ "$after" -le $((base + 16384)) ] ||
	    fail "memory did not return: $base kB before, $after kB after"
	ok "server memory back near baseline ($base kB -> $after kB)"
fi
laptop a status >/dev/null || fail "status after the abuse"
server_alive
