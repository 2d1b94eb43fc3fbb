#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Three laptops push 10,000 records while the server is killed with
# SIGKILL at random moments and restarted; a laptop is killed mid-pull
# too.  Afterwards the server and every laptop hold exactly the same
# records (count and content hash), with nothing lost or duplicated.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
for u in u1 u2 u3; do
	ctl user add --name $u --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user $u"
done
start_server
# restarts must come back on the same port
sed -i "s/^listen = .*/listen = 127.0.0.1:$PORT/" "$SRV/casesyncd.conf"
for u in u1 u2 u3; do
	enroll $u $u
done
C=$(laptop u1 case create --frame OTS) || fail "case create"
laptop u1 case member --case "$C" --user u2 >/dev/null || fail "member u2"
laptop u1 case member --case "$C" --user u3 >/dev/null || fail "member u3"

for u in u1 u2 u3; do
	n=3333
	[ $u = u1 ] && n=3334
	laptop $u record bulk --case "$C" --kind note --count $n --size 200 \
	    >/dev/null || fail "bulk $u"
done

rand_ms() {	# a random number of milliseconds in [100, 700)
	echo $(( $(od -An -N2 -tu2 /dev/urandom) % 600 + 100 ))
}

# each laptop syncs until a sync succeeds; the server dies meanwhile
for u in u1 u2 u3; do
	(
		i=0
		until laptop $u sync >/dev/null 2>&1; do
			i=$((i + 1))
			[ $i -gt 300 ] && exit 1
			sleep 0.1
		done
	) &
	eval "loop_$u=\$!"
done
kills=0
while [ $kills -lt 6 ]; do
	sleep "0.$(printf '%03d' "$(rand_ms)")"
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	kills=$((kills + 1))
	sleep 0.1
	start_server
done
ok "server killed with SIGKILL $kills times during the pushes"
for u in u1 u2 u3; do
	eval "wait \$loop_$u" || fail "laptop $u never completed a sync"
done

# a fresh laptop is killed in the middle of its first pull, then resumes
enroll u4 u1
# (the program itself, not a shell function: $! must be casesync)
"$B/casesync" --dir "$T/u4" sync >"$T/u4.first" 2>&1 &
p=$!
# kill it once the pull is writing (its WAL past 1 MiB), not before
i=0
while [ $i -lt 500 ]; do
	w=$(stat -c %s "$T/u4/vault.db-wal" 2>/dev/null || echo 0)
	[ "$w" -gt 1048576 ] && break
	i=$((i + 1))
	sleep 0.01
done
kill -KILL $p 2>/dev/null
wait $p 2>/dev/null && echo "note: u4's first sync ended before the kill"
echo "u4 held $(laptop u4 record list | wc -l) of 10000 records after the kill"
laptop u4 sync >"$T/u4.out" 2>&1 || fail "u4 resume: $(cat "$T/u4.out")"
ok "a laptop killed mid-pull resumes"

# settle: everyone pulls what the others pushed
for u in u1 u2 u3 u4 u1 u2 u3; do
	laptop $u sync >/dev/null 2>&1 || fail "final sync $u"
done
want=$(ctl records digest) || fail "server digest"
expect_eq "server record count" "${want%% *}" 10000
for u in u1 u2 u3 u4; do
	expect_eq "laptop $u matches the server" "$(laptop $u digest)" "$want"
done
server_alive
