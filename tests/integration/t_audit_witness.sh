#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Checkpoints outside the database (issue 21 item 8): every checkpoint
# signed by casesyncd or casesyncctl is also a line of
# audit-checkpoints.log; "audit checkpoint --export" hands the newest to
# a witness and "audit verify --against FILE" checks that the log
# extends it.  Someone who can write server.db alone rewrites an entry,
# its leaf, the stored subtrees and the tree state consistently and
# deletes every checkpoint (tests/tools/audit_forge.c): verify fails,
# because the database has no checkpoint for its entries, because the
# checkpoints of the file are missing from it, and because the
# witness's checkpoint no longer matches the log.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "skip: no sqlite3"; exit 0; }
DB="$SRV/server.db"
CPF="$SRV/audit-checkpoints.log"
q() { sqlite3 "$DB" "$1"; }

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a1 anna
C=$(laptop a1 case create --frame DRANG) || fail "case create"
laptop a1 record put --case "$C" --kind note text=een >/dev/null
laptop a1 record put --case "$C" --kind note text=twee >/dev/null
laptop a1 sync >"$T/out" 2>&1 || fail "sync: $(cat "$T/out")"

ctl audit verify >"$T/verify" || fail "verify: $(cat "$T/verify")"
grep -q "^ok: [0-9]* checkpoints of audit-checkpoints.log verified" \
    "$T/verify" || fail "file not checked: $(cat "$T/verify")"
[ "$(stat -c %a "$CPF")" = 600 ] || fail "mode of $CPF"
grep -qv '^casesync-checkpoint-v1 [0-9]* [0-9a-f]\{64\} [0-9]* [0-9a-f]\{128\}$' \
    "$CPF" && fail "a line of the checkpoint file: $(cat "$CPF")"
ok "every checkpoint is also a line of audit-checkpoints.log; verify checks it"

# a witness takes the newest checkpoint
ctl audit checkpoint --export --out "$T/witness" || fail "export"
[ "$(wc -l <"$T/witness")" -eq 1 ] || fail "witness: $(cat "$T/witness")"
wsize=$(cut -d' ' -f2 "$T/witness")
grep -qxF "$(cat "$T/witness")" "$CPF" || fail "exported line not in $CPF"
# the export itself was logged (and signed) after it
[ "$(q "SELECT max(size) FROM audit_checkpoints")" -gt "$wsize" ] ||
    fail "the export was not logged"
ctl audit checkpoint --export >"$T/w2" || fail "export to stdout"
grep -q '^casesync-checkpoint-v1 ' "$T/w2" || fail "stdout: $(cat "$T/w2")"
ctl audit checkpoint >/dev/null 2>&1 && fail "checkpoint without --export"
ok "audit checkpoint --export prints the newest signed checkpoint"

laptop a1 record put --case "$C" --kind note text=drie >/dev/null
laptop a1 sync >"$T/out" 2>&1 || fail "sync: $(cat "$T/out")"
ctl audit verify --against "$T/witness" >"$T/verify" ||
    fail "verify --against: $(cat "$T/verify")"
grep -q "^ok: the log extends the 1 checkpoint of $T/witness" "$T/verify" ||
    fail "verify --against: $(cat "$T/verify")"
ok "verify --against: the grown log extends the witness's checkpoint"

# a restart: the stop and the start are signed; the file and the
# database hold the same checkpoints
stop_server
start_server
laptop a1 sync >"$T/out" 2>&1 || fail "sync: $(cat "$T/out")"
stop_server
expect_eq "checkpoints: file and database" "$(wc -l <"$CPF")" \
    "$(q "SELECT count(*) FROM audit_checkpoints")"
expect_eq "the stop signed the head" \
    "$(q "SELECT max(size) FROM audit_checkpoints")" \
    "$(q "SELECT count(*) FROM audit_log")"
ctl audit verify >"$T/verify" || fail "verify after restart: $(cat "$T/verify")"
ok "casesyncd signs at start and at stop, in the database and the file"

# checkpoints deleted from the end, the entries after them older than
# an hour: the head is not covered (without the file, which would tell)
cp "$DB" "$T/db.saved"
from=$(q "SELECT min(size) FROM audit_checkpoints WHERE size > 3")
"$B/tests/audit_forge" "$DB" age "$from" 7200 || fail "forge age"
mv "$CPF" "$T/cpf.moved"
ctl audit verify >"$T/verify" 2>&1 && fail "verify passed: $(cat "$T/verify")"
grep -q "^FAIL the newest checkpoint (size [0-9]*) does not cover the head" \
    "$T/verify" || fail "head: $(cat "$T/verify")"
grep -c "^FAIL" "$T/verify" | grep -qx 1 || fail "other problems: $(cat "$T/verify")"
cp "$T/db.saved" "$DB"
mv "$T/cpf.moved" "$CPF"
ctl audit verify >"$T/verify" || fail "verify of the saved log: $(cat "$T/verify")"
ok "an old head that the newest checkpoint does not cover fails verify"

# the attack: an entry before the witness's size rewritten with its
# leaf, subtrees and tree state; every checkpoint deleted
cp "$CPF" "$T/cpf.saved"
idx=$(q "SELECT min(idx) FROM audit_log WHERE type = 'update'")
[ -n "$idx" ] && [ "$idx" -lt "$wsize" ] || fail "no update entry: $idx"
"$B/tests/audit_forge" "$DB" rewrite "$idx" "version=999" || fail "forge"
expect_eq "checkpoints left in the database" \
    "$(q "SELECT count(*) FROM audit_checkpoints")" 0
# no signer signs over it: the log does not extend its last checkpoint
ctl office add Kampen >/dev/null || fail "office add on a forged log"
expect_eq "checkpoints signed over the forged log" \
    "$(q "SELECT count(*) FROM audit_checkpoints")" 0
start_server
sleep 0.5
stop_server
grep -q "does not extend the last signed checkpoint: NOT signing" \
    "$T/server.log" || fail "casesyncd signed over the forged log"
expect_eq "checkpoints signed over the forged log by casesyncd" \
    "$(q "SELECT count(*) FROM audit_checkpoints")" 0
ctl audit verify >"$T/verify" 2>&1 && fail "verify passed: $(cat "$T/verify")"
grep -q "^FAIL .*audit-checkpoints.log line 1 is not in the database" \
    "$T/verify" || fail "missing checkpoints: $(cat "$T/verify")"
grep -q "^FAIL .*audit-checkpoints.log line .*root does not match" \
    "$T/verify" || fail "file root: $(cat "$T/verify")"
grep -q "^FAIL no signed checkpoint in the database" "$T/verify" ||
    fail "no checkpoint: $(cat "$T/verify")"
ok "rewritten entry and deleted checkpoints: verify fails (exit 1)"

# without the file (an older deployment): the database rule alone
rm -f "$CPF"
ctl audit verify >"$T/verify" 2>&1 && fail "verify passed: $(cat "$T/verify")"
grep -q "^FAIL no signed checkpoint in the database covers any" \
    "$T/verify" || fail "no checkpoint: $(cat "$T/verify")"
ok "without the checkpoint file verify still fails: no checkpoint covers the log"

# the witness alone catches the rewrite
rm -f "$CPF"
ctl audit verify --against "$T/witness" >"$T/verify" 2>&1 &&
    fail "verify --against passed: $(cat "$T/verify")"
grep -q "^FAIL .* in $T/witness line 1: its root does not match" \
    "$T/verify" || fail "witness: $(cat "$T/verify")"
ok "verify --against an exported checkpoint detects the rewritten log"

# a witness line that is not signed by audit.pub is refused
awk '{ c = substr($5, 1, 1); $5 = (c == "0" ? "1" : "0") substr($5, 2)
    print }' "$T/witness" >"$T/bad"
cmp -s "$T/bad" "$T/witness" && fail "bad witness not changed"
ctl audit verify --against "$T/bad" >"$T/verify" 2>&1 && fail "bad witness"
grep -q "bad signature" "$T/verify" || fail "bad sig: $(cat "$T/verify")"
echo garbage >"$T/garbage"
ctl audit verify --against "$T/garbage" >"$T/verify" 2>&1 &&
    fail "garbage witness"
grep -q "not a checkpoint line" "$T/verify" || fail "$(cat "$T/verify")"
ctl audit verify --against "$T/none" >/dev/null 2>&1 && fail "missing file"
ok "a witness file must hold checkpoints signed by audit.pub"
