#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Long texts from the user's editor (docs/CLIENT.md): $VISUAL, then
# $EDITOR, then `editor`, then `vi`; every other argument is checked
# before the editor opens; when saving fails the text stays in a file
# whose path is printed.  The editors are scripts; `script` gives the
# command the terminal an editor needs.
. "$(dirname "$0")/lib.sh"

anna_enrolled
C=$(laptop a case new --frame DRANG --title "Gezin Editor") ||
    fail "case new"
C=$(echo "$C" | head -1)

mkdir -p "$T/bin"
# fake NAME TEXT: an editor that writes TEXT and leaves a trace
fake() {
	cat >"$T/bin/$1" <<EOS
#!/bin/sh
echo "$1" >>"$T/ran"
printf '%s\n' "$2" >"\$1"
EOS
	chmod +x "$T/bin/$1"
}
fake visual "tekst uit visual"
fake ed1 "tekst uit editor"
fake editor "tekst uit editor-alternatief"
fake vi "tekst uit vi"

SCRIPT=$(command -v script) || fail "no script(1)"
# tty_note ENV...: note add on a terminal, with the environment ENV
tty_note() {
	env "$@" "$SCRIPT" -qec "$B/casesync --dir $T/a note add --case $C" \
	    /dev/null >"$T/out" 2>&1
}
count() {
	laptop a --json note list --case "$C" | jq length
}

: >"$T/ran"
n0=$(count)
tty_note VISUAL="$T/bin/visual" EDITOR="$T/bin/ed1" ||
    fail "note with VISUAL: $(cat "$T/out")"
expect_eq "VISUAL first" "$(cat "$T/ran")" visual
tty_note -u VISUAL EDITOR="$T/bin/ed1" || fail "note with EDITOR"
expect_eq "then EDITOR" "$(tail -1 "$T/ran")" ed1
tty_note -u VISUAL -u EDITOR PATH="$T/bin" || fail "note with editor"
expect_eq "then editor" "$(tail -1 "$T/ran")" editor
rm "$T/bin/editor"
tty_note -u VISUAL -u EDITOR PATH="$T/bin" || fail "note with vi"
expect_eq "then vi" "$(tail -1 "$T/ran")" vi
expect_eq "four notes" "$(count)" $((n0 + 4))
laptop a --json note list --case "$C" | jq -r '.[].fields.text' |
    sort >"$T/texts"
grep -qx "tekst uit visual" "$T/texts" || fail "visual's text"
grep -qx "tekst uit editor" "$T/texts" || fail "EDITOR's text"
grep -qx "tekst uit editor-alternatief" "$T/texts" || fail "editor's text"
grep -qx "tekst uit vi" "$T/texts" || fail "vi's text"
ok "VISUAL, then EDITOR, then editor, then vi"

# a wrong argument is refused before the editor opens
: >"$T/ran"
env VISUAL="$T/bin/visual" "$SCRIPT" -qec "$B/casesync --dir $T/a note add \
    --case $C --type visit" /dev/null >"$T/out" 2>&1 &&
    fail "a wrong --type accepted"
grep -q "home_visit" "$T/out" || fail "wrong type: $(cat "$T/out")"
[ -s "$T/ran" ] && fail "the editor opened before the arguments were checked"
env VISUAL="$T/bin/visual" "$SCRIPT" -qec "$B/casesync --dir $T/a escalate \
    add --case $C" /dev/null >"$T/out" 2>&1 &&
    fail "escalation without --to accepted"
grep -q "needs --to" "$T/out" || fail "missing --to: $(cat "$T/out")"
[ -s "$T/ran" ] && fail "the editor opened with --to missing"
ok "arguments checked before the editor opens"

# saving fails (the text holds a control character): the text is kept
cat >"$T/bin/bad" <<EOS
#!/bin/sh
printf 'bewaard\001 verslag\n' >"\$1"
EOS
chmod +x "$T/bin/bad"
before=$(laptop a digest)
tty_note VISUAL="$T/bin/bad" && fail "a text with a control char saved"
expect_eq "nothing written" "$(laptop a digest)" "$before"
kept=$(sed -n 's/.*your text is kept in \([^ ]*\) .*/\1/p' "$T/out" |
    tr -d '\r')
[ -n "$kept" ] || fail "no path printed: $(cat "$T/out")"
[ -f "$kept" ] || fail "kept file missing: $kept"
grep -q "verslag" "$kept" || fail "kept file: $(cat -v "$kept")"
expect_eq "kept file is the user's alone" "$(stat -c %a "$kept")" 600
rm -f "$kept"
# and a saved text's file is gone
ls /dev/shm/casesync-edit-* /tmp/casesync-edit-* 2>/dev/null |
    while read -r f; do
	grep -q "tekst uit" "$f" 2>/dev/null && fail "a saved text left in $f"
    done
ok "a text that cannot be saved is kept, its path printed"
server_alive
