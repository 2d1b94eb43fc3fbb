#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync passwd and the key backup (issue 21, item 14): a weak new
# passphrase is refused with libpwquality's reason, at passwd and at
# enrollment, and nothing changes; after passwd a NEW laptop of the same
# user opens the key backup with the NEW passphrase and no longer with
# the old one; a passwd while the server is down says so, and the next
# sync re-wraps the backup on the server; each replacement is audited.
. "$(dirname "$0")/lib.sh"

OLD="$CASESYNC_PASSPHRASE"
NEW1="violet tractor mumbles quietly"
NEW2="seven copper lanterns drift east"

anna_enrolled
C=$(laptop a case new --frame DRANG --title "Gezin Marker" \
    --municipality GM0193 --jeugdregio IJsselland | head -1) ||
    fail "case new"
laptop a sync >/dev/null 2>&1 || fail "sync"

# --- weak passphrases: refused with the reason, nothing changed -----
weak() {	# weak WHAT PASSPHRASE REASON-WORDS
	before=$(cksum <"$T/a/vault.key")
	CASESYNC_NEW_PASSPHRASE=$2 laptop a passwd >"$T/w.out" 2>"$T/w.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$1: exit $rc, want 2: $(cat "$T/w.err")"
	grep -qi "$3" "$T/w.err" || fail "$1: reason: $(cat "$T/w.err")"
	[ "$(cksum <"$T/a/vault.key")" = "$before" ] ||
	    fail "$1: the key file changed"
	ok "passwd refuses $1: $(cat "$T/w.err")"
}
weak "a short one" "kort" "shorter than"
weak "a systematic one" "abcdefghijklmnopq" "simplistic\|systematic"
# the dictionary (cracklib-runtime, scripts/deps.sh); without one
# pwcheck skips it with a warning
if [ -e /var/cache/cracklib/cracklib_dict.pwd ]; then
	weak "a dictionary word" "congratulations" "dictionary word"
fi
weak "the old one" "$OLD" "same as the old\|similar\|too easy"
weak "an easy one for its length" "password1234" \
    "too easy to guess\|dictionary"
laptop a case show --case "$C" >/dev/null || fail "old passphrase lost"

tok=$(token anna w) || fail "token w"
CASESYNC_PASSPHRASE="password" laptop w enroll --server "$ADDR" \
    --ca-fingerprint "$FP" --token "$tok" >"$T/w.out" 2>"$T/w.err"
rc=$?
[ "$rc" -eq 2 ] || fail "weak enroll: exit $rc: $(cat "$T/w.err")"
grep -q "passphrase refused: .*shorter than" "$T/w.err" ||
    fail "weak enroll: $(cat "$T/w.err")"
[ -e "$T/w/vault.key" ] && fail "weak enroll made a vault"
ok "enrollment refuses a weak new passphrase, makes no vault"

# --- passwd re-wraps the key backup on the server -------------------
CASESYNC_NEW_PASSPHRASE=$NEW1 laptop a passwd >"$T/p.out" 2>&1 ||
    fail "passwd: $(cat "$T/p.out")"
grep -q "key backup on the server re-wrapped" "$T/p.out" ||
    fail "passwd: $(cat "$T/p.out")"
CASESYNC_PASSPHRASE=$NEW1 laptop a case show --case "$C" >/dev/null ||
    fail "new passphrase does not open the vault"
laptop a case show --case "$C" >/dev/null 2>&1 &&
    fail "the old passphrase still opens the vault"
ok "passwd: the vault opens with the new passphrase only"

# a new laptop of anna, its own vault passphrase, the backup's is NEW1
tok=$(token anna b) || fail "token b"
CASESYNC_BACKUP_PASSPHRASE=$OLD laptop b enroll --server "$ADDR" \
    --ca-fingerprint "$FP" --token "$tok" >"$T/b.out" 2>&1 &&
    fail "the key backup still opens with the old passphrase"
grep -q "key backup does not open" "$T/b.out" || fail "b: $(cat "$T/b.out")"
CASESYNC_BACKUP_PASSPHRASE=$NEW1 laptop b keys setup >"$T/b.out" 2>&1 ||
    fail "the backup does not open with the new one: $(cat "$T/b.out")"
laptop b sync >/dev/null 2>&1 || fail "sync b"
laptop b case show --case "$C" >/dev/null ||
    fail "b cannot open the case with the restored keys"
ok "a new laptop restores the keys with the NEW passphrase, not the old"

# --- off line: the next sync re-wraps --------------------------------
stop_server
CASESYNC_PASSPHRASE=$NEW1 CASESYNC_NEW_PASSPHRASE=$NEW2 laptop a passwd \
    >"$T/p.out" 2>&1 || fail "passwd off line: $(cat "$T/p.out")"
grep -q "off line: .*next sync" "$T/p.out" ||
    fail "passwd off line: $(cat "$T/p.out")"
start_server
tok=$(token anna c) || fail "token c"
CASESYNC_BACKUP_PASSPHRASE=$NEW2 laptop c enroll --server "$ADDR" \
    --ca-fingerprint "$FP" --token "$tok" >"$T/c.out" 2>&1 &&
    fail "the backup was re-wrapped without a connection"
CASESYNC_PASSPHRASE=$NEW2 laptop a sync >"$T/s.out" 2>&1 ||
    fail "sync a: $(cat "$T/s.out")"
CASESYNC_BACKUP_PASSPHRASE=$NEW2 laptop c keys setup >"$T/c.out" 2>&1 ||
    fail "after sync, the backup does not open: $(cat "$T/c.out")"
CASESYNC_PASSPHRASE=$NEW2 laptop a sync >"$T/s.out" 2>&1 ||
    fail "second sync a: $(cat "$T/s.out")"
ok "passwd off line: said so, and the next sync re-wrapped the backup"

# the server audited each replacement
n=$(ctl audit query 2>/dev/null | grep -c "user_key_backup")
[ "$n" -eq 2 ] || fail "user_key_backup audit entries: $n, want 2"
ok "each key backup replacement is audited (user_key_backup)"
exit 0
