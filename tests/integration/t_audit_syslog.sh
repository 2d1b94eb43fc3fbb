#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Audit entries to syslog (docs/AUDIT.md, "To syslog"): with
# audit_syslog = yes casesyncd sends every committed audit entry, its
# own and casesyncctl's, from its start on, as one RFC 5424 datagram
# with structured data to audit_syslog_socket; the datagrams parse
# strictly (header, SD-ELEMENT, §6.3.3 escapes of '"', '\' and ']') and
# their fields are those of "casesyncctl audit query"; they carry no
# case content; each idx once and in order.  A syslog that is dead (no
# listener), absent (no socket) or stuck (not reading) never holds up
# a sync: the entries it does not take are dropped and counted on the
# metrics page, and sending resumes when it is back, the gap visible in
# the idx numbers.  audit_syslog_socket must be an absolute path.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/syslog_lib.sh"
M="python3 $(dirname "$0")/metrics.py"
trap 'rx_cleanup; cleanup' EXIT INT TERM

deploy
ctl office add 'Zwolle "Noord" [2] \ Oost' >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer \
    --office 'Zwolle "Noord" [2] \ Oost' >/dev/null || fail "user add"

cp "$SRV/casesyncd.conf" "$T/rel.conf"
echo "audit_syslog_socket = log.sock" >>"$T/rel.conf"
"$B/casesyncd" -t -f "$T/rel.conf" >/dev/null 2>"$T/t.err"
grep -q "audit_syslog_socket must be an absolute path" "$T/t.err" ||
    fail "a relative audit_syslog_socket: $(cat "$T/t.err")"
ok "-t: a relative audit_syslog_socket is refused, naming the rule"

before=$(head_idx)
rx_start
MP=$($M freeport) || fail "freeport"
start_server "audit_syslog = yes" "audit_syslog_socket = $SOCK" \
    "metrics_listen = 127.0.0.1:$MP"
enroll a anna
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a record put --case "$C" --kind person name=Syslogmarkerjansen \
    bsn=999990019 >/dev/null || fail "record put"
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
ctl user add --name bert --role jeugdbeschermer \
    --office 'Zwolle "Noord" [2] \ Oost' >/dev/null || fail "user add bert"
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
# head_idx is audited too: its own entry is the one after what it prints
last=$(($(head_idx) + 1))
wait_sent "$last"
ctl audit query --format ndjson >"$T/log.json" || fail "audit query"
$RX check "$T/syslog.out" "$T/log.json" >"$T/check" 2>"$T/check.err" ||
    fail "$(cat "$T/check.err")"
read -r n first lastsent <"$T/check"
expect_eq "the first datagram is the server's start" "$first" \
    "$((before + 2))"
grep -m1 . "$T/syslog.out" | grep -q 'type="server_start"' ||
    fail "the first datagram is not server_start"
[ "$lastsent" -ge "$last" ] || fail "last sent $lastsent, want $last"
expect_eq "every entry from the start on, each once" "$n" \
    "$((lastsent - first + 1))"
ok "each datagram parses as RFC 5424 and its fields are the log's"
grep -q '^<8[45]>1 .* casesyncd [0-9]* audit \[casesync-audit@32473 idx="' \
    "$T/syslog.out" || fail "header: $(head -1 "$T/syslog.out")"
$RX idx "$T/syslog.out" | sort -n -c || fail "not in idx order"
grep -q 'office="Zwolle \\"Noord\\" \[2\\] \\\\ Oost"' "$T/syslog.out" ||
    fail "office not escaped per RFC 5424: $(grep -m1 office= \
    "$T/syslog.out")"
ok "'\"', ']' and '\\' in a value are escaped (§6.3.3)"
grep -q 'type="server_start"' "$T/syslog.out" || fail "no server_start"
grep -q 'type="admin_user_add".*user="host:' "$T/syslog.out" ||
    fail "casesyncctl's entry was not sent"
grep -q "type=\"update\".*client_ref=\"$C\"" "$T/syslog.out" ||
    fail "the push's entry was not sent"
ok "the start, casesyncctl's user add and the push's entries are sent"
if grep -q -e Syslogmarkerjansen -e 999990019 "$T/syslog.out"; then
	fail "case content in syslog"
fi
ok "no case content in syslog"

# ---- dead syslog: no listener on the socket
h=$(($(head_idx) + 1))
wait_sent "$h"
rx_stop
t0=$(date +%s)
laptop a record put --case "$C" --kind journal text=one >/dev/null ||
    fail "record put"
laptop a sync >"$T/sync" 2>&1 || fail "sync, syslog dead: $(cat "$T/sync")"
rm -f "$SOCK"
laptop a sync >"$T/sync" 2>&1 ||
    fail "sync, syslog absent: $(cat "$T/sync")"
[ $(($(date +%s) - t0)) -lt 20 ] || fail "syncs slowed down without syslog"
server_alive
ok "a dead or absent syslog does not stop a sync"
gone=$(($(head_idx) + 1))
i=0
while :; do
	$M scrape 127.0.0.1 "$MP" "$T/m" 2>"$T/scrape.err" ||
	    fail "scrape: $(cat "$T/scrape.err")"
	dropped=$(awk '$1 == "casesyncd_audit_syslog_total{result=\"dropped\"}" \
	    { print int($2) }' "$T/m")
	[ "${dropped:-0}" -ge $((gone - h)) ] && break
	i=$((i + 1))
	[ $i -gt 50 ] && fail "dropped ${dropped:-none}, want $((gone - h))"
	sleep 0.1
done
sent=$(awk '$1 == "casesyncd_audit_syslog_total{result=\"sent\"}" \
    { print int($2) }' "$T/m")
expect_eq "the metrics count the sent entries" "$sent" "$((h - first + 1))"
expect_eq "the metrics count the dropped entries" "$dropped" \
    "$((gone - h))"
grep -q "audit_syslog: $SOCK: .*dropped" "$T/server.log" ||
    fail "the drop is not in the server log"
ok "the server log says entries are dropped"

# ---- back again: sending resumes, the gap is visible in idx
: >"$T/syslog.out"
rx_start
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
wait_sent "$(($(head_idx) + 1))"
first=$($RX idx "$T/syslog.out" | head -1)
expect_eq "sending resumes after the dropped ones" "$first" "$((gone + 1))"
grep -q "takes entries again" "$T/server.log" ||
    fail "the recovery is not in the server log"

# ---- stuck syslog: bound, not reading (its queue fills)
kill -STOP "$RXPID"
t0=$(date +%s)
for k in 1 2 3 4 5 6 7 8; do
	laptop a record put --case "$C" --kind journal text="n$k" \
	    >/dev/null || fail "record put"
	laptop a sync >"$T/sync" 2>&1 ||
	    fail "sync, syslog stuck: $(cat "$T/sync")"
done
[ $(($(date +%s) - t0)) -lt 60 ] || fail "syncs slowed down by syslog"
server_alive
i=0
while :; do
	$M scrape 127.0.0.1 "$MP" "$T/m" 2>/dev/null || fail "scrape"
	d2=$(awk '$1 == "casesyncd_audit_syslog_total{result=\"dropped\"}" \
	    { print int($2) }' "$T/m")
	[ "${d2:-0}" -gt "$dropped" ] && break
	i=$((i + 1))
	[ $i -gt 50 ] && fail "a stuck syslog: nothing dropped ($d2)"
	sleep 0.1
done
ok "a syslog that does not read drops entries, syncs go on"
kill -CONT "$RXPID"
stop_server
ctl audit query --format ndjson >"$T/log.json" || fail "audit query"
$RX check "$T/syslog.out" "$T/log.json" >/dev/null 2>"$T/check.err" ||
    fail "after the stuck syslog: $(cat "$T/check.err")"
ok "what a stuck syslog took still matches the log"
rx_stop
