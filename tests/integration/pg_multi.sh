# SPDX-License-Identifier: ISC
#
# pg_multi.sh - a second casesyncd instance on the same PostgreSQL
# database (sourced after lib.sh with CASESYNC_TEST_DB=pg, whose deploy
# starts the cluster; POSIX sh; DESIGN §11).
#
#   start_b         instance B: a copy of instance A's directory (the
#                   same CA, server and audit keys, as docs/ADMIN.md
#                   says to deploy them) with a data directory of its
#                   own, on its own port; sets PID_B, PORT_B, ADDR_B
#   stop_b          stop it (SIGTERM); kill_b: SIGKILL
#   on_b CMD...     run CMD with ADDR pointing at instance B
#   within SECS WHAT CMD...
#                   wait until CMD succeeds (tried every 0.1 s); after
#                   SECS seconds fail with "WHAT"
#   wall_ms         the wall clock in milliseconds
#
# Instance A is lib.sh's server (start_server, SERVER_PID, ADDR).

SRV_B="$T/srv_b"
PID_B=""
PORT_B=""
ADDR_B=""

# B's directory from A's, made once: the keys and certificates A has,
# its own data_dir, any port.
make_b() {
	[ -d "$SRV_B" ] && return 0
	mkdir -p "$SRV_B" && chmod 700 "$SRV_B" || fail "mkdir $SRV_B"
	for f in ca.crt ca.key server.crt server.key audit.key audit.pub; do
		[ -f "$SRV/$f" ] && cp -p "$SRV/$f" "$SRV_B/$f"
	done
	sed -e "s|^data_dir = .*|data_dir = $SRV_B|" \
	    -e "s|^listen = .*|listen = 127.0.0.1:0|" \
	    "$SRV/casesyncd.conf" >"$SRV_B/casesyncd.conf" ||
	    fail "B's configuration"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R "$(stat -c %u:%g "$SRV")" "$SRV_B"
	fi
}

start_b() {
	make_b
	rm -f "$T/port_b"
	"$B/casesyncd" -d -v -f "$SRV_B/casesyncd.conf" -p "$T/port_b" \
	    >>"$T/server_b.log" 2>&1 &
	PID_B=$!
	within 10 "instance B did not start" b_started
	PORT_B=$(cat "$T/port_b")
	ADDR_B="localhost:$PORT_B"
	# a restarted B comes back where its laptops look for it
	sed -i "s|^listen = .*|listen = 127.0.0.1:$PORT_B|" \
	    "$SRV_B/casesyncd.conf"
}

stop_b() {
	[ -n "$PID_B" ] || return 0
	kill "$PID_B" 2>/dev/null
	wait "$PID_B" 2>/dev/null
	PID_B=""
}

kill_b() {
	[ -n "$PID_B" ] || return 0
	kill -KILL "$PID_B" 2>/dev/null
	wait "$PID_B" 2>/dev/null
	PID_B=""
}

on_b() {
	_a=$ADDR
	ADDR=$ADDR_B
	"$@"
	_r=$?
	ADDR=$_a
	return $_r
}

within() {
	_n=$(($1 * 10))
	_what=$2
	shift 2
	until "$@"; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "$_what"
		sleep 0.1
	done
}

wall_ms() {
	date +%s%3N
}

# B is up: it wrote its port (or fail, with its log).
b_started() {
	kill -0 "$PID_B" 2>/dev/null || fail "instance B died: $(tail -5 \
	    "$T/server_b.log")"
	[ -s "$T/port_b" ]
}

# B first, then the cluster (pg_cleanup), then lib.sh's cleanup.
pg_multi_cleanup() {
	if [ -n "$PID_B" ]; then
		kill "$PID_B" 2>/dev/null
		wait "$PID_B" 2>/dev/null
	fi
	if [ -f "$T/server_b.log" ] && [ -n "${KEEP:-}" ]; then
		echo "instance B's log: $T/server_b.log" >&2
	fi
	pg_cleanup
}
trap pg_multi_cleanup EXIT INT TERM
