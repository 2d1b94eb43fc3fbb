#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_multi: two casesyncd instances, A and B, on one throw-away
# PostgreSQL (pg_lib.sh, pg_multi.sh), with the same CA and keys
# (DESIGN §11, docs/ADMIN.md "Several instances"):
#   - laptops on different instances sync with each other;
#   - a watch on B hears of a push through A within 1 s, and so does a
#     real `casesync sync --watch` on B (the record arrives);
#   - a device revoked (casesyncctl with A's configuration) loses its
#     connection to B within 1 s;
#   - the instances' listening connections cut: each says so once,
#     listens again, and a watch on B hears of a push through A again
#     within 1 s;
#   - an enrollment token spent through A is spent for B too, and
#     failed enrollments through A count against the address on B;
#   - a glass access that ends while both instances run ends once (one
#     access_end entry), though both run the timer;
#   - after it all, one audit log: `casesyncctl audit verify` passes
#     with the checkpoints both instances signed.
CASESYNC_TEST_DB=pg	# lib.sh: deploy on a throw-away PostgreSQL cluster
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_multi.sh"

GLASS=3
[ -n "$SANITIZED" ] && GLASS=8

deploy
for o in Zwolle Utrecht; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name eva --role jeugdbeschermer --office Utrecht >/dev/null
# both instances: the same limits, as a real deployment would have
cat >>"$SRV/casesyncd.conf" <<EOF
glass_duration = ${GLASS}s
enroll_fail_limit = 3
EOF
start_server
start_b
enroll a anna
on_b enroll b bert
on_b enroll e eva

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 ||
	    fail "sync $1: $(cat "$T/sync.$1")"
}

# ---- laptops on different instances sync with each other
C=$(laptop a case create --frame DRANG) || fail "case create"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
R=$(laptop a record put --case "$C" --kind person name=Jansen) ||
    fail "record put"
sync_ok a
sync_ok b
laptop b record get "$R" | grep -q Jansen ||
    fail "the record did not reach b on instance B"
R2=$(laptop b record put --case "$C" --kind note text=vanB) || fail "put b"
sync_ok b
sync_ok a
laptop a record get "$R2" | grep -q vanB ||
    fail "b's record did not reach a on instance A"
expect_eq "a (on A) and b (on B) hold the same records" \
    "$(laptop a digest)" "$(laptop b digest)"

# a real laptop's sync --watch on B: the record itself arrives
laptop b sync --watch >"$T/bwatch.out" 2>&1 &
bpid=$!
sleep 1
W=$(laptop a record put --case "$C" --kind note text=live) || fail "put"
sync_ok a
t1=$(wall_ms)
b_has() {
	laptop b record get "$1" >/dev/null 2>&1
}
within 10 "sync --watch on B: nothing within 10 s" b_has "$W"
t2=$(wall_ms)
kill $bpid
wait $bpid 2>/dev/null
ok "casesync sync --watch on B applied a push through A ($((t2 - t1)) ms)"

# ---- timed to the millisecond with tests/cs_probe: anna's probe device
# pushes through A (it returns once the push is durable), anna's watcher
# on B prints when it is told.  In a case of their own: the probe's
# note is random bytes, which the laptops need not see.
C2=$(laptop a case create --frame DRANG) || fail "case create"
sync_ok a
newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$T/$1.key" 2>/dev/null || fail "genpkey"
}
newkey p
out=$(probe -k "$T/p.key" enroll "$(token anna pusher)" "$T/p.crt")
case "$out" in enrolled*) ;; *) fail "probe enroll: $out" ;; esac
# push_a: one note through A; PUSH_T0: the wall clock before it was sent
push_a() {
	PUSH_T0=$(wall_ms)
	_r=$(probe -c "$T/p.crt" -k "$T/p.key" push \
	    "$(cat /proc/sys/kernel/random/uuid)" \
	    "$(cat /proc/sys/kernel/random/uuid)" "$C2" 0)
	case "$_r" in "result CHANGE_APPLIED"*) ;; *) fail "probe push: $_r" ;; esac
}
# watch_b NAME: a watcher device of anna's on B, its lines in NAME.out
watch_b() {
	newkey "$1"
	_o=$(on_b probe -k "$T/$1.key" enroll "$(token anna "$1")" \
	    "$T/$1.crt")
	case "$_o" in enrolled*) ;; *) fail "probe enroll: $_o" ;; esac
	echo "${_o#enrolled }" >"$T/$1.id"
	on_b probe -c "$T/$1.crt" -k "$T/$1.key" watch 60 >"$T/$1.out" &
	echo $! >"$T/$1.pid"
	within 10 "the watch $1 did not start" grep -q '^watching' "$T/$1.out"
}
# heard NAME T0 WHAT: the first notify in NAME.out, at most 1 s after T0
heard() {
	within 5 "$3: no notify on B within 5 s" grep -q '^notify' "$T/$1.out"
	_tn=$(awk '$1 == "notify" { print $3; exit }' "$T/$1.out")
	[ $((_tn - $2)) -le 1000 ] ||
	    fail "$3: B's watcher was told $((_tn - $2)) ms after the push"
	ok "$3 within 1 s ($((_tn - $2)) ms from sending the push)"
}

watch_b w1
push_a
heard w1 "$PUSH_T0" "a watch on B hears of a push through A"

# ---- a device revoked loses its connection to B
t0=$(wall_ms)
ctl device revoke "$(cat "$T/w1.id")" >/dev/null || fail "device revoke"
within 5 "B kept the revoked device's connection for 5 s" \
    grep -q '^error DEVICE_REVOKED\|^closed' "$T/w1.out"
wait "$(cat "$T/w1.pid")"
grep -q '^error DEVICE_REVOKED' "$T/w1.out" ||
    fail "B did not say why: $(cat "$T/w1.out")"
tr=$(awk '$1 == "error" { print $NF; exit }' "$T/w1.out")
[ $((tr - t0)) -le 1000 ] ||
    fail "B closed the revoked device's connection $((tr - t0)) ms after"
ok "a revocation closes the device's connection to B within 1 s" \
    "($((tr - t0)) ms from starting casesyncctl device revoke)"

# ---- the listening connections cut (as a database restart would):
# each instance says so, listens again, and a watch on B still hears
pg_sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE
    application_name = 'casesyncd-listen'" >"$T/cut" || fail "cut"
expect_eq "listening connections cut" "$(cat "$T/cut")" 2
for log in server server_b; do
	within 5 "$log did not listen again within 5 s" grep -q \
	    "listening to the other instances again" "$T/$log.log"
done
ok "both instances noticed the cut and listen again"
watch_b w2
push_a
heard w2 "$PUSH_T0" "after the cut, a watch on B hears of a push through A"
kill "$(cat "$T/w2.pid")"
wait "$(cat "$T/w2.pid")" 2>/dev/null

# ---- enrollment: one-time tokens and failure limits are the database's
tok=$(token bert spare) || fail "token"
laptop s1 enroll --server "$ADDR" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/s1.out" 2>&1 || fail "enroll through A: $(cat "$T/s1.out")"
laptop s2 enroll --server "$ADDR_B" --ca-fingerprint "$FP" --token "$tok" \
    >"$T/out" 2>&1
expect_eq "a token spent through A, on B: exit code" $? 5
grep -q TOKEN_USED "$T/out" || fail "token reused on B: $(cat "$T/out")"
ok "a token spent through A is spent for B"
# that refusal was one failure of 127.0.0.1; two more through A: three
for n in 1 2; do
	laptop s3 enroll --server "$ADDR" --ca-fingerprint "$FP" --token \
	    "cst1-0000000000000000000000000000000000000000000000000000000000000000" \
	    >"$T/out" 2>&1
	grep -q TOKEN_INVALID "$T/out" || fail "garbage token: $(cat "$T/out")"
done
laptop s4 enroll --server "$ADDR_B" --ca-fingerprint "$FP" \
    --token "$(token bert late)" >"$T/out" 2>&1 &&
    fail "B enrolled after three failures through A"
grep -q RATE_LIMITED "$T/out" || fail "not rate limited on B: $(cat "$T/out")"
ok "failed enrollments through A count against the address on B"

# ---- periodic work: a glass access ends once, with both timers running
laptop e glass --case "$C" --reason "spoedmelding politie" >"$T/glass" \
    2>"$T/err" || fail "glass: $(cat "$T/err")"
sleep $((GLASS + 3))
ctl audit query --type access_end >"$T/ends" 2>/dev/null || fail "query"
expect_eq "one access_end entry for the glass access, not one per instance" \
    "$(grep -c eva "$T/ends")" 1
expect_refused "eva's glass access has ended on B" 5 FORBIDDEN \
    e case info --case "$C"

# ---- one audit log, checkpoints from both instances
stop_server
stop_b
ctl audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
ok "audit verify passes after two instances appended and signed"
expect_eq "listening connections lost, said once each" \
    "$(cat "$T/server.log" "$T/server_b.log" | grep -c "notify: not listening")" 2
