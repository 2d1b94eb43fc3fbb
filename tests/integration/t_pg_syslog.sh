#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_syslog: audit_syslog on two casesyncd instances on one
# PostgreSQL database (docs/ADMIN.md "Several instances", docs/AUDIT.md
# "To syslog"): the instances share one position in the log, so the
# syslog socket (one here, that the test reads) gets each entry once,
# whichever instance wrote it and whichever sent it: pushes through A
# and B at the same time and casesyncctl's entries, every idx from the
# first instance's start to the head exactly once, no gap.  A stopped
# and started again sends on from the shared position: nothing twice.
CASESYNC_TEST_DB=pg	# lib.sh: deploy on a throw-away PostgreSQL cluster
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_multi.sh"
. "$(dirname "$0")/syslog_lib.sh"
trap 'rx_cleanup; pg_multi_cleanup' EXIT INT TERM

# once LAST: every idx of $T/syslog.out once, from the first to LAST
once() {
	$RX idx "$T/syslog.out" | sort -n >"$T/idx"
	dup=$(uniq -d "$T/idx" | head -5 | tr '\n' ' ')
	[ -z "$dup" ] || fail "entries sent twice: $dup"
	first=$(head -1 "$T/idx")
	n=$(wc -l <"$T/idx")
	miss=$(seq "$first" "$1" | sort -n | comm -23 - "$T/idx" |
	    head -10 | tr '\n' ' ')
	[ -z "$miss" ] || echo "entries not sent: $miss"
	expect_eq "entries $first to $1, each once" "$n" "$(($1 - first + 1))"
}

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
# both instances: B's configuration is a copy of A's
echo "audit_syslog = yes" >>"$SRV/casesyncd.conf"
echo "audit_syslog_socket = $SOCK" >>"$SRV/casesyncd.conf"
rx_start
start_server
start_b
enroll a anna
on_b enroll b bert
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"

# push LAPTOP K: a record, synced through the laptop's instance
push() {
	laptop "$1" record put --case "$C" --kind journal text="$1$2" \
	    >/dev/null && laptop "$1" sync >"$T/sync.$1" 2>&1
}
# pushes through both instances at once, and casesyncctl between them
k=0
while [ $k -lt 6 ]; do
	k=$((k + 1))
	push a $k &
	pa=$!
	on_b push b $k &
	pb=$!
	ctl user add --name "u$k" --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user add"
	wait $pa || fail "push through A: $(cat "$T/sync.a")"
	wait $pb || fail "push through B: $(cat "$T/sync.b")"
done
last=$(($(head_idx) + 1))
wait_sent "$last"
sleep 0.5	# a second copy would have come by now
once "$last"
grep -q 'type="update".*user="anna"' "$T/syslog.out" &&
    grep -q 'type="update".*user="bert"' "$T/syslog.out" ||
    fail "the pushes through A and B are not both sent"
grep -q 'type="admin_user_add".*user="host:' "$T/syslog.out" ||
    fail "casesyncctl's entries are not sent"
ok "two instances, one syslog: entries $first to $last each once"

# A stops and comes back: it sends on from the shared position
stop_server
on_b push b 7 || fail "push through B while A is down"
start_server
push a 8 || fail "push through A again: $(cat "$T/sync.a")"
last=$(($(head_idx) + 1))
wait_sent "$last"
sleep 0.5
once "$last"
ok "A restarted: still each entry once, none missing (to $last)"
