#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The initial sync of a fresh laptop runs with a rollback journal
# instead of the WAL (vault_bulk_begin, docs/VAULT.md "Bulk loads").
# Killed with SIGKILL at several moments of it (a commit's journal on
# disk, the main file growing), the vault still opens and passes the
# whole-vault check, no committed batch is lost (the records held never
# go down), and a later sync completes with the server's digest.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office"
for u in u1 u2; do
	ctl user add --name $u --role jeugdbeschermer --office Zwolle \
	    >/dev/null || fail "user $u"
done
start_server
enroll u1 u1
# u2's device first, so that u1's push grants it the case key
enroll u2 u2
C=$(laptop u1 case create --frame OTS) || fail "case create"
laptop u1 case member --case "$C" --user u2 >/dev/null || fail "member u2"
# 40,000 bodies of 1 KiB: five pull batches of 8 MiB
laptop u1 record bulk --case "$C" --kind note --count 40000 --size 1000 \
    >/dev/null || fail "bulk"
laptop u1 sync >/dev/null || fail "push"
want=$(ctl records digest) || fail "server digest"

V="$T/u2"
held=0
journal=0
# kill 1: while a commit's journal is on disk; kill 2: once the main
# file has grown by 8 MiB (the first batch being written); kill 3: by
# 24 MiB (a batch committed before it)
for k in 1 2 3; do
	size0=$(stat -c %s "$V/vault.db")
	"$B/casesync" --dir "$V" sync >"$T/u2.$k" 2>&1 &
	p=$!
	i=0
	while [ $i -lt 2000 ]; do
		if [ $k -eq 1 ]; then
			[ -e "$V/vault.db-journal" ] && { journal=1; break; }
		else
			s=$(stat -c %s "$V/vault.db" 2>/dev/null || echo 0)
			[ "$s" -gt $((size0 + (k * 2 - 3) * 8388608)) ] &&
			    break
		fi
		kill -0 $p 2>/dev/null || break
		i=$((i + 1))
		sleep 0.005
	done
	kill -KILL $p 2>/dev/null
	wait $p 2>/dev/null && echo "note: sync $k ended before the kill"
	laptop u2 check >"$T/check.$k" 2>&1 ||
	    fail "vault check after kill $k: $(cat "$T/check.$k")"
	n=$(laptop u2 digest | cut -d' ' -f1) || fail "digest after kill $k"
	[ "$n" -ge "$held" ] || fail "kill $k: $n records held, $held before"
	echo "kill $k: $n of 40000 records held"
	held=$n
done
[ "$held" -gt 0 ] || fail "no batch was committed before the last kill"
ok "a fresh laptop killed three times during its initial sync opens and checks"
[ $journal -eq 1 ] || fail "the initial sync never wrote a rollback journal"
ok "one kill came while a commit's rollback journal was on disk"
laptop u2 --json sync >"$T/u2.out" 2>&1 || fail "resume: $(cat "$T/u2.out")"
expect_eq "laptop u2 matches the server" "$(laptop u2 digest)" "$want"
# and an incremental sync after it
laptop u1 record put --case "$C" --kind note text=one >/dev/null ||
    fail "put"
laptop u1 sync >/dev/null || fail "push one"
laptop u2 sync >/dev/null || fail "pull one"
[ -e "$V/vault.db-journal" ] && fail "a journal left after the sync"
expect_eq "laptop u2 matches the server after one more" \
    "$(laptop u2 digest)" "$(ctl records digest)"
server_alive
