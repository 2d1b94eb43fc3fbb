#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The CLIs, consistently (docs/CLIENT.md and docs/ADMIN.md, "Help"):
# walks the dispatch tables of casesync and casesyncctl ("help
# --list-all") and runs --help and -h on every command and subcommand
# path: exit 0, usage on stdout, nothing on stderr, no passphrase asked
# and no vault or database made; "help CMD [SUB]" prints the same.  An
# unknown command, subcommand or option is one line on stderr naming a
# --help to run, exit 2: on every path of both tables a short (-Y) and
# a long option (--no-such-option) its usage does not name is "PROG:
# PATH: unknown option OPT (PROG PATH --help)" (a record kind's command
# says which field it lacks and the fields it has instead), an option without its value says
# so, and no vault or database is made.  --version on all three programs.  -q: "sync"
# and "audit verify" print nothing on success.
. "$(dirname "$0")/lib.sh"

CS="$B/casesync"
CTL="$B/casesyncctl"
V=$(sed -n 's/^#define CASESYNC_VERSION[^"]*"\(.*\)"$/\1/p' \
    "$top/server/server.h")
[ -n "$V" ] || fail "no CASESYNC_VERSION in server/server.h"
NOVAULT="$T/novault"
NODEPLOY="$T/nodeploy"
mkdir "$T/home"

# Nothing may read a passphrase (stdin is empty, no CASESYNC_PASSPHRASE),
# and neither the default ~/.casesync nor CASESYNC_DIR may be used.
cs() {
	env -u CASESYNC_PASSPHRASE -u CASESYNC_DIR HOME="$T/home" \
	    "$CS" --dir "$NOVAULT" "$@" </dev/null
}
cc() {
	env -u CASESYNC_DIR "$CTL" --dir "$NODEPLOY" "$@" </dev/null
}

# helpok PROG-FN PATH...: --help and -h on every path.
helpok() {
	fn=$1
	shift
	n=0
	while read -r path; do
		# shellcheck disable=SC2086	# path is "CMD" or "CMD SUB"
		for flag in --help -h; do
			$fn $path $flag >"$T/h.out" 2>"$T/h.err"
			rc=$?
			[ $rc -eq 0 ] || fail "$fn $path $flag: exit $rc:" \
			    "$(cat "$T/h.err")"
			[ -s "$T/h.out" ] || fail "$fn $path $flag: no output"
			[ -s "$T/h.err" ] && fail "$fn $path $flag: stderr:" \
			    "$(cat "$T/h.err")"
			grep -q '^usage: ' "$T/h.out" ||
			    fail "$fn $path $flag: no usage line"
		done
		$fn help $path >"$T/help.out" 2>"$T/help.err" ||
		    fail "$fn help $path: $(cat "$T/help.err")"
		cmp -s "$T/h.out" "$T/help.out" ||
		    fail "$fn help $path differs from $path -h"
		n=$((n + 1))
	done
	echo "$n" >"$T/n"
}

# --- the tables
cs help --list-all >"$T/cs.paths" 2>"$T/e" && [ ! -s "$T/e" ] ||
    fail "casesync help --list-all"
cc help --list-all >"$T/ctl.paths" 2>"$T/e" && [ ! -s "$T/e" ] ||
    fail "casesyncctl help --list-all"
# every command "help" lists is walked, with its subcommands
for p in cs ctl; do
	if [ $p = cs ]; then fn=cs; else fn=cc; fi
	$fn help >"$T/$p.list" || fail "$p help"
	sed -n '/^commands:$/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$T/$p.list" \
	    >"$T/$p.cmds"
	[ -s "$T/$p.cmds" ] || fail "$p help lists no commands"
	grep -v ' ' "$T/$p.paths" | cmp -s - "$T/$p.cmds" ||
	    fail "$p: help --list-all and help disagree"
done
grep -qx 'note add' "$T/cs.paths" || fail "no 'note add' in the table"
grep -qx 'user add' "$T/ctl.paths" || fail "no 'user add' in the table"

helpok cs <"$T/cs.paths"
ok "casesync: --help, -h and help on all $(cat "$T/n") paths"
helpok cc <"$T/ctl.paths"
ok "casesyncctl: --help, -h and help on all $(cat "$T/n") paths"
[ -e "$NOVAULT" ] && fail "help made $NOVAULT"
[ -e "$NODEPLOY" ] && fail "help made $NODEPLOY"
[ -e "$T/home/.casesync" ] && fail "help made ~/.casesync"
ok "no vault, deployment or ~/.casesync made by help"

# -h anywhere on the line, after other options; a dossier command's
# usage lists its record kind's fields
cs note add --case 1 --text x -h >"$T/o" 2>"$T/e" ||
    fail "-h at the end: $(cat "$T/e")"
grep -q -- '--text' "$T/o" || fail "note add -h: no fields"
cc user add --name x -h >"$T/o" 2>"$T/e" || fail "ctl -h at the end"
grep -q 'user add --name NAME' "$T/o" || fail "user add -h: $(cat "$T/o")"
ok "-h after other options still prints the usage"

# the programs' own help
for fn in cs cc; do
	$fn --help >"$T/o" 2>"$T/e" && [ -s "$T/o" ] && [ ! -s "$T/e" ] ||
	    fail "$fn --help"
	$fn help >"$T/o2" 2>"$T/e" && cmp -s "$T/o" "$T/o2" ||
	    fail "$fn help differs from --help"
done
"$B/casesyncd" -h >"$T/o" 2>"$T/e" && [ -s "$T/o" ] && [ ! -s "$T/e" ] ||
    fail "casesyncd -h"
"$B/casesyncd" --help >"$T/o2" 2>"$T/e" && cmp -s "$T/o" "$T/o2" ||
    fail "casesyncd --help"
ok "--help of the programs; casesyncd -h"

# --- unknown commands, subcommands and options: one line, exit 2
# oneline WANT-REGEX CMD...: exit 2, nothing on stdout, one stderr line
oneline() {
	want=$1
	shift
	"$@" >"$T/o" 2>"$T/e"
	rc=$?
	[ $rc -eq 2 ] || fail "$*: exit $rc, want 2"
	[ -s "$T/o" ] && fail "$*: stdout: $(cat "$T/o")"
	[ "$(wc -l <"$T/e")" -eq 1 ] || fail "$*: not one line: $(cat "$T/e")"
	grep -Eq "$want" "$T/e" || fail "$*: got '$(cat "$T/e")'"
	ok "$*: $(cat "$T/e")"
}
oneline '^casesync: unknown command "frob" \(casesync help\)$' cs frob
# (a dossier command's options are its record kind's fields: it says so)
oneline '^casesync: note add: a note has no field "foo" \(fields: [a-z_, ]+; casesync note add --help\)$' \
    cs note add --foo 1 --help-me
oneline '^casesync: record put: unknown option --foo \(casesync record put --help\)$' \
    cs record put --foo 1
oneline '^casesync: sync: unknown option --foo \(casesync sync --help\)$' \
    cs sync --foo
oneline '^casesync: transfer list: unknown option --to ' \
    cs transfer list --to x
oneline '^casesync: unknown subcommand "transfer frob"' cs transfer frob
oneline '^casesync: unknown or incomplete option --frob \(casesync --help\)$' \
    cs --frob
oneline '^casesync: unknown command "frob" \(casesync help\)$' cs help frob
oneline '^casesyncctl: unknown command "frob" \(casesyncctl help\)$' cc frob
oneline '^casesyncctl: user add: unknown option --foo \(casesyncctl user add --help\)$' \
    cc user add --foo
oneline '^casesyncctl: audit verify: unknown option --json ' \
    cc audit verify --json
oneline '^casesyncctl: unknown subcommand "audit frob"' cc audit frob
oneline '^casesyncctl: unknown or incomplete option --frob' cc --frob
oneline '^casesyncd: unknown option --frob' "$B/casesyncd" --frob

# badopts PROG-FN PROG PATH...: -Y and --no-such-option on every path
badopts() {
	fn=$1 prog=$2
	n=0
	while read -r path; do
		for opt in -Y --no-such-option; do
			# shellcheck disable=SC2086	# "CMD" or "CMD SUB"
			$fn $path $opt 1 >"$T/o" 2>"$T/e"
			rc=$?
			[ $rc -eq 2 ] || fail "$prog $path $opt: exit $rc:" \
			    "$(cat "$T/e")"
			[ -s "$T/o" ] && fail "$prog $path $opt: stdout"
			[ "$(wc -l <"$T/e")" -eq 1 ] ||
			    fail "$prog $path $opt: not one line: $(cat "$T/e")"
			grep -qxF "$prog: $path: unknown option $opt ($prog \
$path --help)" "$T/e" && continue
			# a record kind's fields are its options
			[ "$opt" = --no-such-option ] && grep -Eqx \
			    "$prog: $path: (a|an) [a-z ]+ has no field \"no-such-option\" \(fields: [a-z_, ]+; $prog $path --help\)|$prog: unexpected argument \(use --FIELD VALUE\)" \
			    "$T/e" && continue
			fail "$prog $path $opt: $(cat "$T/e")"
		done
		n=$((n + 1))
	done
	echo "$n" >"$T/n"
}
badopts cs casesync <"$T/cs.paths"
ok "casesync: -Y and --no-such-option refused in one line on all $(cat \
    "$T/n") paths"
badopts cc casesyncctl <"$T/ctl.paths"
ok "casesyncctl: -Y and --no-such-option refused in one line on all $(cat \
    "$T/n") paths"
oneline '^casesync: case list: unknown option -x \(casesync case list --help\)$' \
    cs case list -x
oneline '^casesyncctl: user list: unknown option -x \(casesyncctl user list --help\)$' \
    cc user list -x
oneline '^casesync: audit query: option --case needs a value \(casesync audit query --help\)$' \
    cs audit query --case
oneline '^casesyncctl: user add: option --name needs a value ' cc user add --name
oneline '^casesync: sync: unknown option -Z ' cs sync -qZ
[ -e "$NOVAULT" ] && fail "an error made $NOVAULT"
[ -e "$NODEPLOY" ] && fail "an error made $NODEPLOY"

# an option's value may look like an option: it is not checked
cs resolve --record 1 --field x --new --help-me >"$T/o" 2>"$T/e"
grep -q 'unknown option' "$T/e" && fail "a value taken for an option"
ok "the value of an option is not taken for an option"

# --- --version
expect_eq "casesync --version" "$(cs --version)" "casesync $V"
expect_eq "casesync -V" "$(cs -V)" "casesync $V"
expect_eq "casesyncctl --version" "$(cc --version)" "casesyncctl $V"
expect_eq "casesyncctl -V" "$(cc -V)" "casesyncctl $V"
expect_eq "casesyncd --version" "$("$B/casesyncd" --version)" "casesyncd $V"

# --- -q
deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle \
    >/dev/null || fail "user add"
ctl audit verify >"$T/o" 2>"$T/e" || fail "audit verify: $(cat "$T/e")"
grep -q '^ok: ' "$T/o" || fail "audit verify says nothing"
ctl audit verify -q >"$T/o" 2>"$T/e" || fail "verify -q: $(cat "$T/e")"
[ -s "$T/o" ] || [ -s "$T/e" ] && fail "verify -q: $(cat "$T/o" "$T/e")"
ok "audit verify -q is silent on success"
# a broken chain: -q still exits 1 and says why, on stderr
cp "$SRV/server.db" "$T/db.good"
command -v sqlite3 >/dev/null 2>&1 || fail "no sqlite3"
sqlite3 "$SRV/server.db" "DROP TRIGGER audit_log_no_update;
    UPDATE audit_log SET detail = 'tampered'
    WHERE idx = (SELECT MAX(idx) FROM audit_log)" 2>"$T/e" ||
    fail "tamper: $(cat "$T/e")"
ctl audit verify -q >"$T/o" 2>"$T/e"
expect_eq "verify -q of a broken log: exit status" $? 1
[ -s "$T/o" ] && fail "verify -q wrote to stdout: $(cat "$T/o")"
grep -q 'FAIL' "$T/e" || fail "verify -q: no report on stderr: $(cat "$T/e")"
ok "audit verify -q of a broken log reports on stderr"
cp "$T/db.good" "$SRV/server.db"

start_server
enroll a anna
laptop a sync >"$T/o" 2>"$T/e" || fail "sync: $(cat "$T/e")"
[ -s "$T/o" ] || fail "sync says nothing without -q"
laptop a sync -q >"$T/o" 2>"$T/e" || fail "sync -q: $(cat "$T/e")"
[ -s "$T/o" ] || [ -s "$T/e" ] && fail "sync -q: $(cat "$T/o" "$T/e")"
ok "sync -q prints nothing on success"
