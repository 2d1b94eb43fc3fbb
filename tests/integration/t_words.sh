#!/bin/sh
# SPDX-License-Identifier: ISC
#
# One language per interface (issue 17): the CLI's words follow the
# glossary of docs/CLIENT.md ("Words: one language per interface").
# The words the CLI must not print are read from the glossary's last
# column; every usage text (casesync help, and --help on every command
# and subcommand path of "help --list-all"), casesync(1) and a set of
# messages (bad input without a vault, then the case-file commands'
# refusals on an enrolled laptop with a real casesyncd) and what 16
# commands print about a case are collected, and none may hold one of
# them as a word.  Every message about a value that must be
# one of a set lists the set: a wrong --frame (case create, case new),
# --to STATE, --reason of a transfer, an unknown subcommand, a person's
# --role, a measure's --type (measure start, the set of its --help),
# and every other choice field of the
# case-file commands, each compared with the set its --help lists;
# casesyncctl user add --role too, and the server's refusal of an
# unknown audit --type, whole on the laptop.  "case info --id" (a second spelling
# of --case) is gone.
. "$(dirname "$0")/lib.sh"

CS="$B/casesync"
DOC="$top/docs/CLIENT.md"
U=0193a0b0-0000-7000-8000-000000000001
ALL="$T/all.txt"
: >"$ALL"

# --- the words the CLI does not print, from the glossary itself
awk '/^## Words/ { on = 1; next } /^## / { on = 0 }
    on && /^\| / { print }' "$DOC" >"$T/table"
[ "$(wc -l <"$T/table")" -ge 20 ] ||
    fail "no glossary table under '## Words' in docs/CLIENT.md"
# rows after the header and its |---| line; the last cell, split at ", "
tail -n +3 "$T/table" | awk -F' \\| ' '{ print $NF }' |
    sed 's/ |$//; s/, /\n/g' | sed 's/^ *//; s/ *$//' |
    grep -v '^—$' | grep -v '^$' | sort -u >"$T/banned"
[ "$(wc -l <"$T/banned")" -ge 20 ] || fail "too few words in the glossary"
for w in "team lead" "safety assessment" "court measure" "custody"; do
	grep -qxF "$w" "$T/banned" || fail "the glossary does not list '$w'"
done
ok "the glossary lists $(wc -l <"$T/banned") words the CLI does not use"

# --- every usage text
cs() {
	env -u CASESYNC_PASSPHRASE -u CASESYNC_DIR HOME="$T/home" \
	    "$CS" --dir "$T/novault" "$@" </dev/null
}
mkdir "$T/home"
cs help >>"$ALL" || fail "casesync help"
cs help --list-all >"$T/paths" || fail "casesync help --list-all"
n=0
while read -r path; do
	# shellcheck disable=SC2086	# path is "CMD" or "CMD SUB"
	cs $path --help >>"$ALL" 2>&1 || fail "casesync $path --help"
	n=$((n + 1))
done <"$T/paths"
[ "$n" -ge 40 ] || fail "only $n command paths"
# and its manual page, which repeats the command list
cat "$top/docs/man/casesync.1" >>"$ALL"

# --- messages: "said WANT-FIXED-STRING CMD...": exit 2, one line on
# stderr holding the string; kept for the word check
said() {
	want=$1
	shift
	"$@" >"$T/o" 2>"$T/e" </dev/null
	rc=$?
	cat "$T/o" "$T/e" >>"$ALL"
	[ $rc -eq 2 ] || fail "$*: exit $rc, want 2: $(cat "$T/e")"
	grep -qF -- "$want" "$T/e" ||
	    fail "$*: does not list '$want': $(cat "$T/o" "$T/e")"
	ok "$(sed 's/^casesync[a-z]*: //' "$T/e" | head -1)"
}
FRAMES=$(cs case create --help | sed -n 's/.*--frame \([A-Z|]*\).*/\1/p')
[ "$FRAMES" = "DRANG|VOTS|OTS|VOOGDIJ" ] ||
    fail "case create --help lists the frames as '$FRAMES'"
said "--frame: not a frame ($FRAMES)" cs case create --frame PIZZA
said "--frame: a new case needs its frame ($FRAMES)" cs case create
said "--frame: not a frame ($FRAMES)" cs case new --frame PIZZA --title x
said "--frame: a new case needs its frame ($FRAMES)" cs case new --title x
STATES="AANMELDING|DRANG_INTENSIEF|DRANG_TOETSING|DRANG_VERVOLG|RAAD_MELDING"
STATES="$STATES|MAATREGEL_VOTS|MAATREGEL_OTS|MAATREGEL_VOOGDIJ|AFSLUITING"
STATES="$STATES|NAZORG|GESLOTEN"
said "--to: not a state of the case lifecycle ($STATES)" \
    cs case state --case "$U" --to OPEN
said "(moved|capacity|expertise|other)" \
    cs transfer request --case "$U" --to Deventer --reason bored
# one spelling per option: the case of "case state|info" is --case only
said "case info: unknown option --id" cs case info --id "$U"
# subs PATHS CMD: the subcommands of CMD in a "help --list-all" list
subs() {
	awk -v c="$2" '$1 == c && NF == 2 { print $2 }' "$1" | paste -sd'|'
}
said "not one of $(subs "$T/paths" keys) (casesync keys --help)" cs keys frob
for c in transfer team audit record; do
	said "not one of $(subs "$T/paths" "$c") (casesync $c --help)" \
	    cs "$c" frob
done
said "not one of $(subs "$T/paths" transfer) (casesync help transfer)" \
    cs help transfer frob
"$B/casesyncctl" help --list-all >"$T/ctlpaths" || fail "casesyncctl help"
said "not one of $(subs "$T/ctlpaths" audit) (casesyncctl audit --help)" \
    "$B/casesyncctl" --dir "$T/nodeploy" audit frob
said "jeugdbeschermer, gedragswetenschapper, teamleider, auditor, beheerder" \
    "$B/casesyncctl" --dir "$T/nodeploy" user add --name x --role boss \
    --office Zwolle

# --- the case-file commands' refusals, on an enrolled laptop
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user add"
start_server
enroll a anna
C=$(laptop a case new --frame OTS --title "Familie Woord") || fail "case new"
C=$(echo "$C" | head -1)
K=$(laptop a person add --case "$C" --name "Kim Woord" --role child) ||
    fail "person add"
before=$(laptop a digest)

# choice COMMAND FIELD: the set "COMMAND --help" lists for --FIELD
choice() {
	# shellcheck disable=SC2086	# COMMAND is one or two words
	cs $1 --help | awk -v f="--$2" '$1 == f { print $2 }'
}
# refused "KIND FIELD" HELP-PATH FIELD COMMAND...: the message names the
# set HELP-PATH --help lists for --FIELD
refused() {
	what=$1 hpath=$2 field=$3
	shift 3
	set_=$(choice "$hpath" "$field")
	case "$set_" in *"|"*) ;; *) fail "$hpath --help: no set for --$field" ;;
	esac
	said "$what: not one of the allowed values ($set_)" laptop a "$@"
}
refused "person role" person role person add --case "$C" --name X \
    --role boss
refused "person has_gezag" person has_gezag person add --case "$C" \
    --name X --role parent --has-gezag maybe
said "--type: not a measure type ($(cs measure start --help |
    sed -n 's/^TYPE: //p'))" laptop a measure start --case "$C" \
    --type PIZZA --child Kim --court Zwolle --zaaknummer 1 \
    --decision 2026-11-01 --end 2027-10-01
refused "goal status" "plan goal" status plan goal add --case "$C" \
    --text x --status later
refused "note type" note type note add --case "$C" --type letter --text x
refused "assessment instrument" assess instrument assess add --case "$C" \
    --instrument crystal --outcome x --date 2026-11-01
refused "partner type" partner type partner add --case "$C" --name X \
    --type club --basis x
refused "escalation to" escalate to escalate --case "$C" --to police \
    --reason x
said "only with its court decision" laptop a measure start --case "$C" \
    --type OTS --child Kim --decision 2026-11-01 --end 2027-10-01
said "use measure start" laptop a measure add --case "$C" --type OTS
[ "$(laptop a digest)" = "$before" ] || fail "a refused write changed data"
# the server's refusal of an audit type names every type, as far as the
# laptop shows it: all of those casesyncctl names
ctl audit query --type readd 2>&1 | sed 's/.*the types are: //' \
    >"$T/types"
grep -q 'user_key_publish' "$T/types" || fail "casesyncctl: $(cat "$T/types")"
laptop a audit query --case "$C" --type readd >"$T/o" 2>"$T/e" &&
    fail "audit query --type readd was answered"
cat "$T/o" "$T/e" >>"$ALL"
grep -qF "the types are: $(cat "$T/types")" "$T/e" ||
    fail "audit query: not every type: $(cat "$T/e")"
ok "audit query: unknown type readd; the types are: (all $(tr ',' '\n' \
    <"$T/types" | wc -l))"

# --- what the commands print about a case: headings and labels
laptop a sync -q &&
laptop a measure start --case "$C" --type OTS --child Kim --court Zwolle \
    --zaaknummer C/08/1 --decision "$(date -u +%F)" \
    --end "$(date -u -d '+300 days' +%F)" >/dev/null &&
laptop a assess add --case "$C" --instrument LIRIK --outcome laag \
    --date 2026-11-02 --next-due 2027-02-01 >/dev/null &&
laptop a plan edit --case "$C" --summary "Naar school" >/dev/null &&
laptop a plan goal add --case "$C" --text "Elke dag" --due 2027-01-31 \
    >/dev/null &&
laptop a note add --case "$C" --type call --text "Gebeld" >/dev/null &&
laptop a escalate --case "$C" --to raad --reason "Zorgen" >/dev/null ||
    fail "the case file"
for c in sync status "case list" "case list --due" "case info --case $C" \
    "case show --case $C" "plan show --case $C" "measure list --case $C" \
    "assess list --case $C" "note list --case $C" "escalate list --case $C" \
    "transfer list" "glass list" "audit who --case $C" reads conflicts; do
	# shellcheck disable=SC2086	# c is a command line
	laptop a $c >>"$ALL" 2>&1 || fail "casesync $c: $(tail -3 "$ALL")"
done
# refusals of the lifecycle, on the laptop and by the server
for c in "--to DRANG_VERVOLG" "--to MAATREGEL_OTS --end 2099-01-01" \
    "--to AFSLUITING --date 2099-01-01"; do
	# shellcheck disable=SC2086	# c is options
	laptop a case state --case "$C" $c >>"$ALL" 2>&1 &&
	    fail "case state $c was taken"
done
ok "what 16 commands print is collected too"

# --- no word of the CLI's is one the glossary rules out
[ -n "${TEST_OUT:-}" ] && cp "$ALL" "$TEST_OUT/words.txt"	# to read
: >"$T/hits"
while read -r w; do
	grep -iwF -- "$w" "$ALL" | sed "s|^|'$w': |" >>"$T/hits"
done <"$T/banned"
[ -s "$T/hits" ] && fail "words the glossary rules out:
$(sort -u "$T/hits")"
ok "$(wc -l <"$ALL") lines of usage and messages use the glossary's words"
