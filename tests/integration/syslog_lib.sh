# SPDX-License-Identifier: ISC
#
# syslog_lib.sh - a syslog socket the test reads, for the tests of
# audit_syslog (sourced after lib.sh, POSIX sh; docs/AUDIT.md, "To
# syslog").
#
#   SOCK            the socket's path (in a directory casesyncd reaches
#                   when it runs as nobody, as /dev/log)
#   rx_start        bind it; every datagram becomes a line of
#                   $T/syslog.out (syslog_rx.py listen)
#   rx_stop         stop listening
#   rx_cleanup      rx_stop and remove the socket's directory (for the
#                   test's trap, before the cleanup of lib.sh)
#   wait_sent IDX   until the datagram of entry IDX has arrived (5 s)
#   head_idx        the idx of the newest entry (an audit query: itself
#                   the entry after it)
#   RX ARGS         syslog_rx.py (check, idx)

RX="python3 $top/tests/integration/syslog_rx.py"
# casesyncd drops to nobody as root: a socket it can reach, as /dev/log
RXD=$(mktemp -d "${TMPDIR:-/tmp}/casesync-rx.XXXXXX") || fail "mktemp"
chmod 755 "$RXD"
SOCK="$RXD/log.sock"
RXPID=""

rx_start() {
	$RX listen "$SOCK" "$T/syslog.out" 2>>"$T/rx.err" &
	RXPID=$!
	i=0
	while [ ! -S "$SOCK" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "the listener did not start"
		sleep 0.1
	done
}

rx_stop() {
	[ -n "$RXPID" ] || return 0
	kill -CONT "$RXPID" 2>/dev/null
	kill "$RXPID" 2>/dev/null
	wait "$RXPID" 2>/dev/null
	RXPID=""
}

rx_cleanup() {
	rx_stop
	rm -rf "$RXD"
}

wait_sent() {
	i=0
	until $RX idx "$T/syslog.out" 2>/dev/null | grep -qx "$1"; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "entry $1 not in syslog: $(tail -3 \
		    "$T/syslog.out")"
		sleep 0.1
	done
}

head_idx() {
	ctl audit query --format ndjson | tail -1 |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["idx"])'
}
