#!/bin/sh
# SPDX-License-Identifier: ISC
#
# One error, everywhere (issue 21, item 10): a byte flipped in a page of
# any of the laptop's important tables (records, case_meta, mirror,
# outbox, read_log, case_keys, vault_secret, sync_state, the records
# index) makes every read command that touches that page exit 4 with
# "database damaged or tampered", print nothing on stdout (no partial
# case, no "(none)", no "no deadlines") and no misleading message ("not
# enrolled", "keys setup"); a command that does not touch the page
# either does the same or prints exactly what it printed before the
# flip.  The byte is flipped back after each table, so the vault (and
# its sync counter on the server) carries on.  Then (items 11, 12, 13):
# sync runs the full check when the last is a day old and finds a page
# no sync reads; the read-log page or the records pages put back from
# an older copy (or vault.db whole, or without vault.db-head), and
# read-log entries removed or replaced before their upload, stop the next
# command and sync with exit 4.
. "$(dirname "$0")/lib.sh"

TOOL="$B/tests/vault_tool"
PG=16384

anna_enrolled

C=$(laptop a case new --frame DRANG --title "Gezin Marker" \
    --municipality GM0193 --jeugdregio IJsselland | head -1) ||
    fail "case new"
CHILD=$(laptop a person add --case "$C" --name "Sanne Marker" \
    --role child --birth-date 2016-02-29) || fail "person add"
laptop a note add --case "$C" --type home_visit --date 2026-11-30 \
    --text "Huisbezoek" >/dev/null || fail "note add"
laptop a sync >/dev/null 2>&1 || fail "sync"
# something in the outbox: an edit not yet pushed
laptop a note add --case "$C" --type call --date 2026-12-01 \
    --text "Telefoon" >/dev/null || fail "note add 2"
[ -e "$T/a/vault.db-wal" ] && fail "the WAL outlived the last command"

# the commands that read, each as one line of arguments
cmds="case list
case list --due
case show --case $C
note list --case $C
person list --case $C
record list --case $C
record get $CHILD
conflicts
keys status
status
sync
check"

run() {	# run TAG ARGS...: stdout, stderr and exit code in $T/TAG.*
	tag=$1
	shift
	# shellcheck disable=SC2086
	laptop a "$@" >"$T/$tag.out" 2>"$T/$tag.err"
	echo $? >"$T/$tag.rc"
}

# flip OFFSET: add one to the byte at OFFSET of vault.db
flip() {
	b=$(dd if="$T/a/vault.db" bs=1 skip="$1" count=1 2>/dev/null |
	    od -An -tu1)
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $(( (b + $2 + 256) % 256 )))" |
	    dd of="$T/a/vault.db" bs=1 seek="$1" conv=notrunc 2>/dev/null
}

for tbl in records case_meta mirror outbox read_log case_keys \
    vault_secret sync_state records_case; do
	# reference output of every command on the intact vault
	i=0
	echo "$cmds" | while read -r line; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		run "ref$i" $line
		[ "$(cat "$T/ref$i.rc")" -eq 0 ] ||
		    fail "$line on the intact vault: $(cat "$T/ref$i.err")"
	done || exit 1
	pg=$("$TOOL" query "$T/a" "SELECT pageno FROM dbstat WHERE name = \
	    '$tbl' ORDER BY pageno DESC LIMIT 1") || fail "pages of $tbl"
	[ -n "$pg" ] || fail "no page for $tbl"
	[ -e "$T/a/vault.db-wal" ] && fail "$tbl: a WAL is left"
	off=$(( (pg - 1) * PG + 200 ))
	flip "$off" 1
	hit=0
	i=0
	echo "$cmds" | while read -r line; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		run "t$i" $line
		rc=$(cat "$T/t$i.rc")
		if [ "$rc" -eq 4 ]; then
			[ -s "$T/t$i.out" ] &&
			    fail "$tbl: $line exit 4 but printed: $(cat \
			    "$T/t$i.out")"
			grep -q "damaged or tampered" "$T/t$i.err" ||
			    fail "$tbl: $line: no 'damaged or tampered'"
			grep -qi "not enrolled\|keys setup" "$T/t$i.err" &&
			    fail "$tbl: $line: misleading: $(cat "$T/t$i.err")"
			echo "$line" >>"$T/hit.$tbl"
		elif [ "$rc" -eq 0 ]; then
			# untouched page: the same output as before
			case $line in
			sync|status|check) ;;	# counts and times differ
			*) cmp -s "$T/ref$i.out" "$T/t$i.out" ||
			    fail "$tbl: $line exit 0 with other output" ;;
			esac
		else
			fail "$tbl: $line: exit $rc, expected 4: $(cat \
			    "$T/t$i.err")"
		fi
	done || exit 1
	# casesync check reads every page: it finds every flip (item 11)
	grep -q "^check" "$T/hit.$tbl" || fail "$tbl: check did not find it"
	flip "$off" -1
	[ -e "$T/a/vault.db-wal" ] && fail "$tbl: a WAL is left after"
	ok "page $pg of $tbl flipped: exit 4, nothing shown: $(tr '\n' ',' \
	    <"$T/hit.$tbl" 2>/dev/null)"
done

# the reads most likely to show an empty result: they must not
for tbl in records case_meta; do
	grep -q "^note list\|^case list --due" "$T/hit.$tbl" ||
	    fail "$tbl: note list / case list --due did not exit 4"
done
grep -q "^case show" "$T/hit.records" || fail "case show not exit 4"
ok "note list, case list --due and case show exit 4 on their pages"

# --- sync runs the check once a day (item 11) ------------------------
# A flip in the mirror, which a sync with nothing to pull does not read:
# sync within a day of the last check succeeds; with the last check
# older than a day (its time put back in the vault), sync runs it, finds
# the page and exits 4.
laptop a sync >/dev/null 2>&1 || fail "sync before the mirror flip"
pg=$("$TOOL" query "$T/a" "SELECT pageno FROM dbstat WHERE name = \
    'mirror' ORDER BY pageno DESC LIMIT 1") || fail "pages of mirror"
flip $(( (pg - 1) * PG + 200 )) 1
laptop a sync >"$T/s.out" 2>"$T/s.err" ||
    fail "sync within a day of a check: $(cat "$T/s.err")"
flip $(( (pg - 1) * PG + 200 )) -1
"$TOOL" sql "$T/a" "UPDATE vault_secret SET value = \
    x'0000000000000001' WHERE name = 'vault_checked_at'" >"$T/vt" 2>&1 ||
    fail "vault_tool: $(cat "$T/vt")"
flip $(( (pg - 1) * PG + 200 )) 1
laptop a sync >"$T/s.out" 2>"$T/s.err"
rc=$?
[ "$rc" -eq 4 ] || fail "sync with a check due: exit $rc: $(cat "$T/s.err")"
grep -q "database page $pg failed authentication" "$T/s.err" ||
    fail "sync with a check due: $(cat "$T/s.err")"
[ -s "$T/s.out" ] && fail "sync printed a result: $(cat "$T/s.out")"
flip $(( (pg - 1) * PG + 200 )) -1
laptop a sync >/dev/null 2>&1 || fail "sync after the mirror flip"
ok "sync runs the full check when the last is a day old: a page no \
sync reads is found (exit 4)"

# everything back as it was: the vault still works
laptop a case show --case "$C" >/dev/null || fail "the vault after"
laptop a sync >/dev/null 2>&1 || fail "sync after"
ok "with the byte back, the vault and its sync carry on"

# --- the read-log page put back from an older copy (item 12) --------
# Three reads, then the read_log table's pages put back with dd from a
# copy of vault.db taken before them: every page still authenticates,
# but the head kept in another page (vault_secret) no longer matches.
laptop a sync >/dev/null 2>&1 || fail "sync before the copy"
[ -e "$T/a/vault.db-wal" ] && fail "a WAL before the copy"
cp -p "$T/a/vault.db" "$T/old.db"
for i in 1 2 3; do
	laptop a case show --case "$C" >/dev/null || fail "read $i"
done
cp -p "$T/a/vault.db" "$T/new.db"
pages=$("$TOOL" query "$T/a" "SELECT pageno FROM dbstat WHERE name = \
    'read_log'") || fail "read_log pages"
cp -p "$T/new.db" "$T/a/vault.db"	# as before the query
for pg in $pages; do
	dd if="$T/old.db" of="$T/a/vault.db" bs=$PG skip=$((pg - 1)) \
	    seek=$((pg - 1)) count=1 conv=notrunc 2>/dev/null
done
cmp -s "$T/a/vault.db" "$T/new.db" && fail "the dd changed nothing"
laptop a case list >"$T/rb.out" 2>"$T/rb.err"
rc=$?
[ "$rc" -eq 4 ] || fail "read-log page put back: exit $rc: $(cat "$T/rb.err")"
grep -q "are missing\|not the versions this vault last wrote" \
    "$T/rb.err" || fail "read-log rollback: $(cat "$T/rb.err")"
[ -s "$T/rb.out" ] && fail "read-log rollback: a result was printed"
cp -p "$T/new.db" "$T/a/vault.db"
laptop a case list >/dev/null || fail "the vault with its own pages back"
ok "the read-log page put back from an older copy: exit 4 (pages \
$(echo $pages))"

# --- the records pages put back from an older copy (item 12) --------
# A note written, then the records table's and its index's pages put
# back from a copy of vault.db taken before it: every page
# authenticates, the note would just be gone; the page list in
# vault.db-head (docs/VAULT.md, "Partial rollback") names the pages.
[ -s "$T/a/vault.db-head" ] || fail "no page list"
cp -p "$T/a/vault.db" "$T/old.db"
laptop a note add --case "$C" --type call --date 2026-12-02 \
    --text "Belangrijk gesprek" >/dev/null || fail "note add"
cp -p "$T/a/vault.db" "$T/new.db"
pages=$("$TOOL" query "$T/a" "SELECT DISTINCT pageno FROM dbstat WHERE \
    name IN ('records', 'records_case', 'outbox')") || fail "pages"
cp -p "$T/new.db" "$T/a/vault.db"
for pg in $pages; do
	dd if="$T/old.db" of="$T/a/vault.db" bs=$PG skip=$((pg - 1)) \
	    seek=$((pg - 1)) count=1 conv=notrunc 2>/dev/null
done
cmp -s "$T/a/vault.db" "$T/new.db" && fail "the dd changed nothing"
for cmd in "note list --case $C" "case show --case $C" "sync"; do
	# shellcheck disable=SC2086
	laptop a $cmd >"$T/rr.out" 2>"$T/rr.err"
	rc=$?
	[ "$rc" -eq 4 ] || fail "records put back: $cmd exit $rc: $(cat \
	    "$T/rr.err")"
	[ -s "$T/rr.out" ] && fail "records put back: $cmd printed"
	grep -q "not the versions this vault last wrote" "$T/rr.err" ||
	    fail "records put back: $cmd: $(cat "$T/rr.err")"
done
# the whole file put back: the same
cp -p "$T/old.db" "$T/a/vault.db"
laptop a note list --case "$C" >/dev/null 2>"$T/rr.err" &&
    fail "the whole vault.db put back was accepted"
grep -q "not the versions this vault last wrote" "$T/rr.err" ||
    fail "vault.db put back: $(cat "$T/rr.err")"
# the list removed with it: refused too (the vault had one)
mv "$T/a/vault.db-head" "$T/head.keep"
laptop a note list --case "$C" >/dev/null 2>"$T/rr.err" &&
    fail "vault.db put back without its page list was accepted"
grep -q "vault.db-head is missing" "$T/rr.err" ||
    fail "no page list: $(cat "$T/rr.err")"
mv "$T/head.keep" "$T/a/vault.db-head"
cp -p "$T/new.db" "$T/a/vault.db"
laptop a note list --case "$C" | grep -q "Belangrijk gesprek" ||
    fail "the vault with its own pages back"
ok "records pages put back from an older copy, the whole vault.db, or \
without vault.db-head: exit 4 at every command and sync (pages \
$(echo $pages))"

# --- read-log entries removed before their upload (item 13) ---------
# Someone with the passphrase (vault_tool opens the vault with it)
# removes the last three reads, which the server has not seen yet.
for i in 1 2 3; do
	laptop a case show --case "$C" >/dev/null || fail "read $i"
done
last=$("$TOOL" query "$T/a" "SELECT max(n) FROM read_log") ||
    fail "read log size"
sent=$("$TOOL" query "$T/a" "SELECT n FROM audit_reads_sent") ||
    fail "read log sent"
[ "${sent:-0}" -lt $((last - 2)) ] || fail "the reads were uploaded already"
"$TOOL" sql "$T/a" "DELETE FROM read_log WHERE n > $((last - 3))" \
    >"$T/vt" 2>&1 || fail "vault_tool sql: $(cat "$T/vt")"
laptop a case list >"$T/rl.out" 2>"$T/rl.err"
rc=$?
[ "$rc" -eq 4 ] || fail "read log cut: case list exit $rc, expected 4"
[ -s "$T/rl.out" ] && fail "read log cut: case list printed a result"
grep -q "entries $((last - 2)) to $last are missing" "$T/rl.err" ||
    fail "read log cut: $(cat "$T/rl.err")"
laptop a sync >"$T/rl.out" 2>"$T/rl.err"
rc=$?
[ "$rc" -eq 4 ] || fail "read log cut: sync exit $rc, expected 4"
grep -q "read log of this laptop was changed" "$T/rl.err" ||
    fail "read log cut, sync: $(cat "$T/rl.err")"
ok "read-log entries removed before upload: exit 4 at the next command \
and at sync, with the missing entries named"

# as many other entries put in their place: the head's hash differs
"$TOOL" sql "$T/a" "INSERT INTO read_log SELECT n + 3, at, action, \
    case_id, prev, hash, child_id FROM read_log WHERE n > $((last - 6))" \
    >"$T/vt" 2>&1 || fail "vault_tool sql: $(cat "$T/vt")"
expect_eq "entries put back up to the old head" \
    "$("$TOOL" query "$T/a" "SELECT max(n) FROM read_log")" "$last"
laptop a case list >/dev/null 2>"$T/rl.err"
rc=$?
[ "$rc" -eq 4 ] || fail "read log replaced: exit $rc, expected 4"
grep -q "is not the one this vault recorded" "$T/rl.err" ||
    fail "read log replaced: $(cat "$T/rl.err")"
ok "read-log entries replaced up to the old head: exit 4"
exit 0
