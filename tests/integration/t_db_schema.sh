#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The laptop's versioned schema (client/core/db_schema.c) on a real laptop:
# a new vault is at the newest version; a database of version 0 (as the
# client made it before the versions were numbered) is stamped on the
# next command with its records kept; a version newer than this casesync
# knows is refused with a message saying so, and left as it is.
. "$(dirname "$0")/lib.sh"

VT="$B/tests/vault_tool"
# the newest version, from the list itself (helpers add versions at once)
CUR=$(sed -n 's/^	{ \([0-9]*\), db_schema_v[0-9]* },$/\1/p' \
    "$top/client/core/db_schema.c" | tail -1)
[ -n "$CUR" ] && [ "$CUR" -ge 2 ] || fail "no versions in db_schema.c"
NEWER=$((CUR + 1))
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
start_server
enroll a anna

C=$(laptop a case new --frame DRANG --title "Gezin Schema" \
    --municipality GM0193 --jeugdregio IJsselland) || fail "case new"
C=$(echo "$C" | head -1)
laptop a note add --case "$C" --type call --date 2026-11-30 \
    --text "Versie nul" >/dev/null || fail "note add"
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
expect_eq "a new laptop is at the newest version" \
    "$("$VT" query "$T/a" "PRAGMA user_version")" "$CUR"

# version 0: the tables are there as that code made them (no column
# case_meta.regisseur: version 2; read_log.child_id: 3; no table
# record_author: 5; no case_meta.closed_on, retention_until: 6; no table
# outbox_sent or its trigger: 7; no column outbox.borrowed: 8), the
# number is not
for sql in "ALTER TABLE case_meta DROP COLUMN regisseur" \
    "ALTER TABLE read_log DROP COLUMN child_id" \
    "DROP TABLE record_author" \
    "ALTER TABLE case_meta DROP COLUMN closed_on" \
    "ALTER TABLE case_meta DROP COLUMN retention_until" \
    "DROP TRIGGER outbox_sent_gone" "DROP TABLE outbox_sent" \
    "ALTER TABLE outbox DROP COLUMN borrowed"; do
	"$VT" sql "$T/a" "$sql" >"$T/vt" 2>&1 ||
	    fail "vault_tool sql: $(cat "$T/vt")"
done
"$VT" sql "$T/a" "PRAGMA user_version = 0" >"$T/vt" 2>&1 ||
    fail "vault_tool sql: $(cat "$T/vt")"
expect_eq "set to 0" "$("$VT" query "$T/a" "PRAGMA user_version")" 0
laptop a note list --case "$C" >"$T/notes" 2>&1 ||
    fail "note list on version 0: $(cat "$T/notes")"
grep -q "Versie nul" "$T/notes" || fail "note lost: $(cat "$T/notes")"
expect_eq "version 0 migrated to the newest by the next command" \
    "$("$VT" query "$T/a" "PRAGMA user_version")" "$CUR"
laptop a --json case list >"$T/cl" 2>&1 || fail "case list: $(cat "$T/cl")"
expect_eq "the case's metadata kept, the regisseur column added" \
    "$(jq -r --arg c "$C" '.cases[] | select(.case_id == $c) |
    .frame + " " + .title + " [" + .regisseur + "]"' "$T/cl")" \
    "DRANG Gezin Schema []"
laptop a case info --case "gezin schema" >"$T/info" 2>&1 ||
    fail "case info by title: $(cat "$T/info")"
laptop a --json case list >"$T/cl" 2>&1 || fail "case list: $(cat "$T/cl")"
expect_eq "the server's answer fills it in" \
    "$(jq -r --arg c "$C" '.cases[] | select(.case_id == $c) |
    .regisseur' "$T/cl")" anna
laptop a sync >"$T/sync" 2>&1 || fail "sync after: $(cat "$T/sync")"
ok "version 0 opens, is stamped and syncs"

# a newer version: refused, and not touched
"$VT" sql "$T/a" "PRAGMA user_version = $NEWER" >"$T/vt" 2>&1 ||
    fail "vault_tool sql: $(cat "$T/vt")"
laptop a note list --case "$C" >"$T/new" 2>&1
expect_eq "a newer version: exit 1" $? 1
grep -q "schema version $NEWER; this casesync knows versions up to $CUR: use a newer casesync" \
    "$T/new" || fail "message: $(cat "$T/new")"
laptop a sync >"$T/new" 2>&1 && fail "sync on a newer version"
grep -q "use a newer casesync" "$T/new" || fail "sync: $(cat "$T/new")"
expect_eq "a newer version is left as it is" \
    "$("$VT" query "$T/a" "PRAGMA user_version")" "$NEWER"
ok "a newer version is refused with a message"
server_alive
