#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A server that rewrites its audit history is detected by a laptop that
# holds an older checkpoint (issue 7): every sync ends with fetching the
# newest signed checkpoint and a consistency proof from the one the
# laptop verified last.  Honest growth passes; a log that was wiped and
# started again is reported as a fork, loudly, with exit status 4,
# first while it is shorter (rolled back) and again once it has grown
# past the old size (the consistency proof fails); the laptop keeps its
# old checkpoint.  A checkpoint signed with another audit key is a fork
# too.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "skip: no sqlite3"; exit 0; }
DB="$SRV/server.db"
q() { sqlite3 "$DB" "$1"; }

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a1 anna
enroll a2 anna

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 || fail "sync $1: $(cat "$T/sync.$1")"
}

C=$(laptop a1 case create --frame DRANG) || fail "case create"
laptop a1 record put --case "$C" --kind note text=een >/dev/null
sync_ok a1
sync_ok a2
laptop a1 record put --case "$C" --kind note text=twee >/dev/null
sync_ok a1
sync_ok a2
sync_ok a1
ok "the audit log grows between syncs: consistency proofs verify"

# the server operator wipes the audit log and starts it again
old=$(q "SELECT size FROM audit_state")
stop_server
q "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_cp_no_delete;
    DELETE FROM audit_log; DELETE FROM audit_checkpoints;
    UPDATE audit_state SET size = 0, frontier = x''" || fail "wipe"
# an operator who holds audit.key controls its checkpoint file too (with
# the file, an honest casesyncd would refuse to sign the wiped log)
rm -f "$SRV/audit-checkpoints.log"
start_server

laptop a1 sync >"$T/fork1" 2>&1
rc=$?
expect_eq "exit status of a sync that finds a rolled-back log" "$rc" 4
grep -q "AUDIT LOG FORK" "$T/fork1" || fail "no fork report: $(cat "$T/fork1")"
grep -q "rolled back" "$T/fork1" || fail "reason: $(cat "$T/fork1")"
ok "a shorter log is reported as a fork"

# grow the new log past the old size: now the proof itself must fail
i=0
while [ "$(q "SELECT size FROM audit_state")" -le $((old + 3)) ]; do
	ctl audit query --type server_start >/dev/null || fail "query"
	i=$((i + 1))
	[ $i -gt 200 ] && fail "log does not grow"
done
laptop a1 sync >"$T/fork2" 2>&1
rc=$?
expect_eq "exit status of a sync that finds a rewritten log" "$rc" 4
grep -q "history rewritten" "$T/fork2" || fail "reason: $(cat "$T/fork2")"
grep -q "verified: size $old\|verified: size" "$T/fork2" ||
    fail "old checkpoint not shown: $(cat "$T/fork2")"
ok "a rewritten history is reported as a fork"

# a new audit key: a different signer
stop_server
rm -f "$SRV/audit.key" "$SRV/audit.pub"
start_server
laptop a2 sync >"$T/fork3" 2>&1
rc=$?
expect_eq "exit status with another audit key" "$rc" 4
grep -q "different audit key" "$T/fork3" || fail "reason: $(cat "$T/fork3")"
ok "a checkpoint signed by another key is reported"
server_alive
