#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_migrate_pg: casesyncctl migrate --to postgresql:CONNINFO with real
# processes and a throw-away PostgreSQL cluster (pg_lib.sh).  A SQLite
# deployment with real data (three laptops enrolled, two cases with
# records, a member added, a transfer accepted, a device revoked, the
# audit log with its checkpoints) is copied into PostgreSQL; server.db
# is left byte for byte as it was; casesyncd then runs on PostgreSQL,
# the laptops sync on and see everything, records digest and audit
# verify agree, a new laptop's initial sync gets the same digest as the
# old laptop of its user, and new ids (an office, a device) follow the
# copied ones.  Refused with nothing copied: casesyncd running, a
# server that does not answer, a database holding something else, a
# database migrated into before, a server.db of another schema version.
# First test_store_migrate runs its PostgreSQL half on the cluster.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
[ -x "$B/tests/test_store_migrate" ] ||
    fail "build the tests first (make testbins)"
pg_start

CASESYNC_TEST_PG="$PG_CONNINFO" "$B/tests/test_store_migrate" \
    >"$T/unit.out" 2>&1 || { cat "$T/unit.out" >&2;
    fail "test_store_migrate on PostgreSQL"; }
grep -q '^ok - postgresql: every table copied' "$T/unit.out" ||
    fail "the PostgreSQL half did not run: $(cat "$T/unit.out")"
ok "test_store_migrate passes on SQLite and PostgreSQL"

# migrate_refused WHAT PATTERN DIR ARGS...: exit 1 (or 2), PATTERN said
migrate_refused() {
	what=$1 pat=$2 dir=$3
	shift 3
	"$B/casesyncctl" --dir "$dir" migrate "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -ne 0 ] || fail "$what: migrate succeeded"
	grep -q -- "$pat" "$T/err" ||
	    fail "$what: message does not say '$pat': $(cat "$T/err")"
	ok "$what"
}

# ---- a SQLite deployment with real data
deploy
for o in Zwolle Lelystad; do
	ctl office add "$o" >/dev/null || fail "office $o"
done
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name piet --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name lars --role teamleider --office Lelystad >/dev/null
ctl user add --name bram --role jeugdbeschermer --office Lelystad >/dev/null
start_server "handover_window = 1h"
enroll a anna
enroll p piet
enroll l lars
enroll b bram
enroll x piet

C1=$(laptop a case create --frame DRANG) || fail "case create"
for t in "huisbezoek 1" "telefoon" "school gebeld"; do
	laptop a record put --case "$C1" --kind journal text="$t" \
	    >/dev/null || fail "record put"
done
laptop a case member --case "$C1" --user piet >/dev/null ||
    fail "case member"
C2=$(laptop a case create --frame DRANG) || fail "case create 2"
laptop a record put --case "$C2" --kind person name=Jansen >/dev/null
laptop a record put --case "$C2" --kind plan goal=school >/dev/null
laptop a sync >/dev/null 2>"$T/err" || fail "sync a: $(cat "$T/err")"
laptop p sync >/dev/null 2>"$T/err" || fail "sync p: $(cat "$T/err")"
laptop p record put --case "$C1" --kind journal text="van piet" >/dev/null
laptop p sync >/dev/null 2>"$T/err" || fail "sync p: $(cat "$T/err")"
# C2 moves to Lelystad, bram its regisseur
laptop a --json transfer request --case "$C2" --to Lelystad \
    --reason moved --note "gezin verhuisd" >"$T/req" 2>"$T/err" ||
    fail "transfer request: $(cat "$T/err")"
ID=$(jq -r .transfer_id "$T/req")
laptop l transfer accept --id "$ID" --regisseur bram >/dev/null \
    2>"$T/err" || fail "accept: $(cat "$T/err")"
for l in a p b l; do
	laptop $l sync >/dev/null 2>"$T/err" || fail "sync $l: $(cat "$T/err")"
done
expect_eq "bram holds the transferred case" \
    "$(laptop b record list --case "$C2" | wc -l)" 2
ctl device revoke x >/dev/null || fail "device revoke"
laptop a sync >/dev/null 2>"$T/err" || fail "sync a: $(cat "$T/err")"

DIGEST=$(ctl records digest) || fail "records digest (SQLite)"
ctl audit verify >"$T/verify.sqlite" || fail "audit verify on SQLite"

migrate_refused "migrate refuses while casesyncd runs" "stop casesyncd" \
    "$SRV" --to "postgresql:$PG_CONNINFO"
stop_server
# the database after the server's stop: what migrate must leave as it was
sha() { cat "$SRV/server.db" "$SRV/server.db-wal" 2>/dev/null | sha256sum; }
# (audit verify's own reading is an entry too)
ENTRIES=$(sqlite3 "$SRV/server.db" "SELECT count(*) FROM audit_log")
[ "${ENTRIES:-0}" -gt 20 ] || fail "few audit entries: $ENTRIES"
ok "a SQLite deployment: $(echo "$DIGEST" | cut -d' ' -f1) records, $ENTRIES audit entries"
ls "$SRV" >"$T/files.before"
SHA0=$(sha)

# ---- refusals: nothing copied
migrate_refused "a server that does not answer is said so" \
    "does not answer" "$SRV" \
    --to "postgresql:host=127.0.0.1 port=1 dbname=x connect_timeout=5"
migrate_refused "--to must name PostgreSQL" "postgresql:CONNINFO" "$SRV" \
    --to "sqlite:$T/x.db"
"$PG_BIN/createdb" other || fail "createdb other"
"$PG_BIN/psql" -X -q -d other -c "CREATE TABLE orders(id bigint)" ||
    fail "psql other"
migrate_refused "a database that holds something else is refused" \
    "not empty: it holds 1 tables, none of them casesync's" "$SRV" \
    --to "postgresql:$PG_CONNINFO dbname=other"
expect_eq "... and left as it was" "$("$PG_BIN/psql" -X -A -t -d other \
    -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 1
mkdir "$T/old" && cp -p "$SRV"/* "$T/old/" || fail "copy deployment"
sed -i "s|^data_dir = .*|data_dir = $T/old|" "$T/old/casesyncd.conf"
sqlite3 "$T/old/server.db" "PRAGMA user_version = 1" || fail "sqlite3"
"$PG_BIN/createdb" old || fail "createdb old"
migrate_refused "a server.db of another schema version is refused" \
    "schema versions differ: .* is at version 1" "$T/old" \
    --to "postgresql:$PG_CONNINFO dbname=old"
expect_eq "... with nothing copied" "$("$PG_BIN/psql" -X -A -t -d old \
    -c "SELECT count(*) FROM offices")" 0
expect_eq "the refusals left server.db as it was" "$(sha)" "$SHA0"

# ---- a migration that dies before its commit leaves nothing behind
CASESYNC_FAULT=migrate-copied-uncommitted ctl migrate \
    --to "postgresql:$PG_CONNINFO" >"$T/out" 2>"$T/err"
expect_eq "migrate killed before its commit exits as killed" $? 3
expect_eq "... and the database holds the schema, no rows" \
    "$(pg_sql "SELECT (SELECT count(*) FROM offices) +
    (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM records)")" 0
expect_eq "... and server.db is as it was" "$(sha)" "$SHA0"

# ---- the migration (into that schema: casesync's, without data)
ctl migrate --to "postgresql:$PG_CONNINFO" >"$T/migrate.out" \
    2>"$T/migrate.err" || fail "migrate: $(cat "$T/migrate.err")"
cat "$T/migrate.out"
grep -q "^records digest on PostgreSQL: $DIGEST\$" "$T/migrate.out" ||
    fail "the digest migrate printed is not SQLite's ($DIGEST)"
grep -q "^audit log on PostgreSQL: ok: $ENTRIES entries" "$T/migrate.out" ||
    fail "migrate did not verify the $ENTRIES audit entries"
grep -q "^  audit_log  *$ENTRIES\$" "$T/migrate.out" ||
    fail "migrate did not list the audit log's $ENTRIES rows"
ok "migrate copied, verified and said so"
expect_eq "server.db is left byte for byte as it was" "$(sha)" "$SHA0"
# a reader of a WAL database may leave an empty WAL and its index
[ ! -s "$SRV/server.db-wal" ] || fail "server.db-wal holds something"
ls "$SRV" | grep -v '^server.db-wal$' | grep -v '^server.db-shm$' \
    >"$T/files.after"
cmp -s "$T/files.before" "$T/files.after" ||
    fail "the directory changed: $(diff "$T/files.before" "$T/files.after")"
migrate_refused "a database migrated into before is refused" \
    "not empty" "$SRV" --to "postgresql:$PG_CONNINFO"
expect_eq "the audit log on PostgreSQL is SQLite's and the migration" \
    "$(pg_sql "SELECT count(*) FROM audit_log")" $((ENTRIES + 1))
expect_eq "the migration is its last entry" \
    "$(pg_sql "SELECT type || ' ' || object_id FROM audit_log ORDER BY
    idx DESC LIMIT 1")" "migrate postgresql"
pg_sql "SELECT encode(leaf, 'hex') FROM audit_log WHERE idx < $ENTRIES
    ORDER BY idx" >"$T/leaves.pg"
sqlite3 "$SRV/server.db" "SELECT hex(leaf) FROM audit_log ORDER BY idx" |
    tr 'A-F' 'a-f' >"$T/leaves.sqlite"
cmp -s "$T/leaves.pg" "$T/leaves.sqlite" || fail "the audit leaves differ"
ok "the audit leaves are SQLite's, byte for byte"
sqlite3 "$SRV/server.db" "SELECT id, size, hex(root), hex(sig) FROM
    audit_checkpoints ORDER BY id" | tr 'A-F' 'a-f' >"$T/cps.sqlite"
NCP=$(wc -l <"$T/cps.sqlite")
pg_sql "SELECT id || '|' || size || '|' || encode(root, 'hex') || '|' ||
    encode(sig, 'hex') FROM audit_checkpoints ORDER BY id LIMIT $NCP" \
    >"$T/cps.pg"
cmp -s "$T/cps.pg" "$T/cps.sqlite" || fail "the checkpoints differ"
ok "the $NCP checkpoints are SQLite's, byte for byte"

# ---- casesyncd on PostgreSQL
echo "database = postgresql:$PG_CONNINFO" >>"$SRV/casesyncd.conf"
start_server
expect_eq "records digest on PostgreSQL" "$(ctl records digest)" "$DIGEST"
ctl audit verify >"$T/verify.pg" || fail "audit verify on PostgreSQL"
ok "audit verify passes on PostgreSQL"
for l in a p b l; do
	laptop $l --json sync >"$T/sync.$l" 2>"$T/err" ||
	    fail "sync $l on PostgreSQL: $(cat "$T/err")"
	expect_eq "laptop $l syncs on with nothing to pull" \
	    "$(jq .pulled "$T/sync.$l")" 0
done
laptop a record put --case "$C1" --kind journal text="na de migratie" \
    >/dev/null || fail "record put after"
laptop a --json sync >"$T/sync" 2>"$T/err" || fail "sync a: $(cat "$T/err")"
expect_eq "a change after the migration is accepted" \
    "$(jq -r '"\(.pushed) \(.rejected)"' "$T/sync")" "1 0"
laptop p --json sync >"$T/sync" 2>"$T/err" || fail "sync p: $(cat "$T/err")"
expect_eq "piet pulls it" "$(jq .pulled "$T/sync")" 1
expect_eq "piet and anna hold the same case" \
    "$(laptop p record list --case "$C1" | sort)" \
    "$(laptop a record list --case "$C1" | sort)"
laptop x sync >/dev/null 2>"$T/err" && fail "the revoked laptop synced"
grep -qi "revoked" "$T/err" || fail "revoked laptop: $(cat "$T/err")"
ok "the revoked laptop stays revoked"
ctl office add Utrecht >/dev/null || fail "office add on PostgreSQL"
expect_eq "a new office takes the id after the copied ones" \
    "$(pg_sql "SELECT id FROM offices WHERE name = 'Utrecht'")" 3
enroll a2 anna
laptop a2 --json sync >"$T/sync" 2>"$T/err" || fail "sync a2: $(cat "$T/err")"
expect_eq "a new laptop's initial sync gets the same digest" \
    "$(laptop a2 digest)" "$(laptop a digest)"
expect_eq "its device id follows the copied ones" \
    "$(pg_sql "SELECT id FROM devices WHERE name = 'a2'")" 6
ctl audit verify >"$T/verify.pg" || fail "audit verify at the end"
ok "audit verify passes after the laptops synced on PostgreSQL"
