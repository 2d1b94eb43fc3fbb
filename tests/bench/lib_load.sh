# SPDX-License-Identifier: ISC
#
# Sourced by tests/bench/bench_load.sh, bench_sesscpu.sh and (for its
# server and cs_load) bench_signer.sh; not a benchmark itself: make
# bench runs tests/bench/bench_*.sh.  A server on 127.0.0.1 with devices
# for tests/tools/cs_load.  Needs B (the build directory, absolute; it
# may change between deployments) and T (a fresh directory).
#
#   load_deploy NDEV [CONFIG...]
#		a fresh deployment in $T/srv: office Zwolle, NDEV / 2
#		users w0, w1, ..., an enrollment token for each of their
#		two devices in $T/tokens; each CONFIG a line added to
#		casesyncd.conf (beside "user = nobody" as root and no
#		limit on connections per address: every simulated laptop
#		connects from 127.0.0.1)
#   load_server	start its casesyncd (pid in PID, address in ADDR)
#   load ARGS	cs_load against it (identities in $T/ids, its
#		complaints in $T/load.log)
#   f NAME	the value after NAME in cs_load's last report ($T/out)
#   cpu_ticks	casesyncd's CPU time so far, in clock ticks (user +
#		system; HZ ticks a second)
ctl() { "$B/casesyncctl" --dir "$T/srv" "$@"; }
HZ=$(getconf CLK_TCK)

load_deploy() {
	ndev=$1
	shift
	rm -rf "$T/srv" "$T/ids" "$T/tokens" "$T/port"
	ctl init --dir "$T/srv" --server-name localhost \
	    --listen 127.0.0.1:0 >/dev/null
	# casesyncd refuses to keep root: as root, drop to nobody
	[ "$(id -u)" -eq 0 ] && echo "user = nobody" >>"$T/srv/casesyncd.conf"
	echo "max_pending_per_address = 1000000" >>"$T/srv/casesyncd.conf"
	for line in "$@"; do
		echo "$line" >>"$T/srv/casesyncd.conf"
	done
	ctl office add Zwolle >/dev/null
	i=0
	while [ $i -lt $((ndev / 2)) ]; do
		ctl user add --name "w$i" --role jeugdbeschermer \
		    --office Zwolle >/dev/null
		for d in a b; do
			ctl enroll-token --user "w$i" --device "w$i-$d" |
			    awk '$1 == "token" { print $2 }' >>"$T/tokens"
		done
		i=$((i + 1))
	done
	mkdir "$T/ids"
}

load_server() {
	"$B/casesyncd" -f "$T/srv/casesyncd.conf" -d -p "$T/port" \
	    >"$T/server.log" 2>&1 &
	PID=$!
	while [ ! -s "$T/port" ]; do sleep 0.05; done
	ADDR="localhost:$(cat "$T/port")"
}

# load ARGS: cs_load against the server; LOAD_BIN, if set, names the
# cs_load to run (bench_sesscpu.sh: the same one for every build)
load() {
	"${LOAD_BIN:-$B/tests/cs_load}" -s "$ADDR" -C "$T/srv/ca.crt" \
	    -d "$T/ids" "$@" 2>>"$T/load.log"
}

f() {
	tail -n 1 "$T/out" |
	    awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
