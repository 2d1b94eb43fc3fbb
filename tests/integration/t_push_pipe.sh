#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The pipelined push (client/core/sync_push.c): batches k+1 and k+2 are
# taken and sent while the server commits batch k (SYNC_PUSH_DEPTH).
# Each queued change goes once (no record is on its way twice), and a
# connection cut with three batches on their way loses nothing and
# applies and audits each change once.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
for u in a b; do
	ctl user add --name $u --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user $u"
done
start_server
sed -i "s/^listen = .*/listen = 127.0.0.1:$PORT/" "$SRV/casesyncd.conf"
enroll a a
enroll b b
C=$(laptop a case create --frame OTS) || fail "case create"
laptop a case member --case "$C" --user b >/dev/null || fail "member"
laptop a sync >/dev/null || fail "first sync"

# two batches of 1000 (sync.h), one sync: each change pushed once
laptop a record bulk --case "$C" --kind note --count 1100 --size 200 \
    >/dev/null || fail "bulk"
laptop a --json sync >"$T/out" || fail "sync: $(cat "$T/out")"
grep -q '"pushed":1100,' "$T/out" || fail "pushed: $(cat "$T/out")"
grep -q '"queued":0,' "$T/out" || fail "queued: $(cat "$T/out")"
ok "1100 queued changes pushed in one pipelined sync, each once"

# the server exits after committing the first batch, the second and
# third on their way: the next sync sends all three again; nothing
# lost, nothing twice
stop_server
CASESYNC_FAULT_PUSH_EXIT=1 start_server
laptop a record bulk --case "$C" --kind note --count 2500 --size 200 \
    >/dev/null || fail "bulk 2"
laptop a sync >"$T/out" 2>&1 && fail "sync should have failed"
server_exited 10
start_server
laptop a --json sync >"$T/out" || fail "retry: $(cat "$T/out")"
grep -q '"pushed":2500,' "$T/out" || fail "retry pushed: $(cat "$T/out")"
grep -q '"rejected":0' "$T/out" || fail "retry rejected: $(cat "$T/out")"
laptop b --json sync >"$T/out" || fail "sync b: $(cat "$T/out")"
expect_eq "records on laptop b" \
    "$(laptop b record list --case "$C" | grep -c note)" 3600
expect_eq "laptops a and b hold the same" "$(laptop a digest)" \
    "$(laptop b digest)"
expect_eq "update entries of the case" \
    "$(ctl audit query --case "$C" --type update --format csv |
    grep -c "$C")" 3600
ok "a push cut with three batches on their way: each change applied and audited once"
server_alive
