#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync ui in a real browser (issue 17, acceptance): headless
# Chromium driven by Selenium (tests/ui/browser_test.py) against two
# laptops of one office, enrolled with a real casesyncd, their cases
# made with the CLI.  On anna's laptop: log in through the URL that
# `casesync ui` prints, see the caseload (an overdue toetsing in red),
# open a family, add a journal entry with the form, sync.  On bert's
# laptop: sync and see the entry arrive, resolve a conflict (the same
# field edited on both laptops while apart) by choosing anna's value on
# the Sync page, and see the offline banner once casesyncd is stopped.
# axe-core checks every page visited (no serious or critical
# violation); a screenshot of every page goes to $TEST_OUT.  Afterwards
# the CLI checks that the entry and the resolution reached the other
# laptop.  A third laptop, of lars, the office's team lead, shows the
# management figures on its Teamleider page (as casesyncctl report
# counts them); anna's shows none.  Chromium, chromedriver, Selenium and axe-core are required
# (scripts/deps.sh installs them, and chromium-l10n for a browser in
# Dutch): without them the test fails.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
AXE="$top/tests/ui/node_modules/axe-core/axe.min.js"
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run scripts/deps.sh"
[ -f /usr/lib/chromium/locales/nl.pak ] ||
    fail "Chromium has no Dutch (chromium-l10n): run scripts/deps.sh"
[ -x /usr/bin/chromedriver ] ||
    fail "no /usr/bin/chromedriver: run scripts/deps.sh"
"$PY" -c 'import selenium' 2>/dev/null ||
    fail "no python3-selenium: run scripts/deps.sh"
[ -f "$AXE" ] || fail "no $AXE: run scripts/deps.sh"
OUT=${TEST_OUT:-$top/$BUILD/test-out/t_ui_browser}
mkdir -p "$OUT" || fail "mkdir $OUT"

UI_A="" UI_B="" UI_L="" BROWSER=""
# stop_ui PID: SIGTERM, as Ctrl-C would; 1 if it is still running
# after 10 s (then it is killed)
stop_ui() {
	kill "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	wait "$1" 2>/dev/null
	return 0
}
stop_all() {
	# the browser test runs in its own session: its process group
	# holds chromedriver and every Chromium process it started
	[ -n "$BROWSER" ] && kill -KILL -- "-$BROWSER" 2>/dev/null
	for p in $UI_A $UI_B $UI_L; do
		stop_ui "$p"
	done
	UI_A="" UI_B="" UI_L="" BROWSER=""
	cleanup
}
trap stop_all EXIT INT TERM

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user anna"
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user bert"
ctl user add --name lars --role teamleider --office Zwolle >/dev/null ||
    fail "user lars"
start_server
enroll a anna
enroll b bert

sync_ok() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 ||
	    fail "sync $1: $(cat "$T/sync.$1")"
}
# new_case TITLE: a DRANG case of anna's with bert as a member
new_case() {
	c=$(laptop a case new --frame DRANG --title "$1" \
	    --municipality GM0193 --jeugdregio IJsselland) || fail "case $1"
	c=$(echo "$c" | head -1)
	laptop a case member --case "$c" --user bert >/dev/null ||
	    fail "member bert of $1"
	echo "$c"
}

# the family the test follows
C=$(new_case "Gezin Öztürk") || exit 1
CHILD=$(laptop a person add --case "$C" --name "Elif Öztürk" --role child \
    --birth-date 2015-05-12 --municipality GM0193) || fail "child"
P=$(laptop a person add --case "$C" --name "Ayşe Öztürk" --role parent \
    --has-gezag yes --child "$CHILD" --address "Dorpsstraat 1, Zwolle") ||
    fail "parent"
laptop a plan edit --case "$C" --summary "Veiligheid thuis vergroten" \
    --agreed-with wijkteam >/dev/null || fail "plan"
laptop a plan goal add --case "$C" --text "Elif gaat elke dag naar school" \
    --due "$(date -d '+70 days' +%F)" --status open >/dev/null || fail "goal"
laptop a note add --case "$C" --type home_visit \
    --date "$(date -d '-3 days' +%F)" \
    --text "Huisbezoek: rustige sfeer, afspraken met school gemaakt" \
    >/dev/null || fail "note"

# Two families whose drang began weeks ago: the toetsing (6 weeks after
# the start) is overdue for one, due within 14 days for the other.  A
# change of state may not be dated before the case was opened, so the
# server's record of the opening is moved back first: cases opened two
# months ago, as in a real caseload.
D1=$(new_case "Gezin De Vries") || exit 1
D2=$(new_case "Gezin Bakker") || exit 1
stop_server
sqlite3 "$SRV/server.db" "UPDATE cases SET created_at = created_at - \
    60 * 86400 WHERE id IN ('$D1', '$D2')" || fail "backdate the cases"
start_server
laptop a case state --case "$D1" --to DRANG_INTENSIEF \
    --date "$(date -u -d '-50 days' +%F)" >/dev/null || fail "drang D1"
laptop a case state --case "$D2" --to DRANG_INTENSIEF \
    --date "$(date -u -d '-32 days' +%F)" >/dev/null || fail "drang D2"
laptop a --json case list --due >"$T/due" || fail "case list --due"
[ "$(jq -r --arg c "$D1" '.deadlines[] | select(.case_id == $c and
    .kind == "toetsing") | .overdue' "$T/due")" = true ] ||
    fail "the toetsing of Gezin De Vries is not overdue: $(cat "$T/due")"
sync_ok a
sync_ok b
# Elif's OTS (measure start, after her person record reached the server)
laptop a measure start --case "$C" --child Elif --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/4711" \
    --decision "$(date -u -d '-10 days' +%F)" \
    --end "$(date -u -d '+290 days' +%F)" >/dev/null 2>"$T/err" ||
    fail "measure start: $(cat "$T/err")"

# the same field, edited on both laptops offline: anna first
stop_server
laptop a person edit --id "$P" --address "Kerkstraat 2, Zwolle" \
    >/dev/null || fail "edit on a"
laptop b person edit --id "$P" --address "Molenweg 3, Zwolle" \
    >/dev/null || fail "edit on b"
start_server
sync_ok a
sync_ok b		# bert's push conflicts: his laptop keeps both
sync_ok a
laptop b --json conflicts >"$T/conflicts" || fail "conflicts on b"
grep -q '"author":"anna"' "$T/conflicts" ||
    fail "no conflict on bert's laptop: $(cat "$T/conflicts")"
ok "two laptops, three families, a conflict made with the CLI"

# ui_start NAME: start casesync ui for laptop NAME, sets URL
ui_start() {
	# casesync itself in the background, not the laptop function (a
	# subshell whose pid the kill in stop_all would get instead)
	"$B/casesync" --dir "$T/$1" ui --listen 127.0.0.1:0 --no-browser \
	    >"$T/ui.$1" 2>&1 &
	pid=$!
	i=0
	while ! grep -q '^ui: http://127\.0\.0\.1:[0-9]*/#' "$T/ui.$1"; do
		i=$((i + 1))
		kill -0 "$pid" 2>/dev/null ||
		    fail "casesync ui on $1 exited: $(cat "$T/ui.$1")"
		[ $i -gt 300 ] && fail "casesync ui on $1 printed no URL"
		sleep 0.1
	done
	URL=$(sed -n 's/^ui: \(http:.*\)$/\1/p' "$T/ui.$1" | head -1)
}
# the team lead's laptop, and what casesyncctl counts for his office
enroll l lars
ctl report --json --office Zwolle >"$T/report.json" || fail "ctl report"
LEAD_ACTIVE=$(jq -r '.groups[] | select(.frame == "DRANG") | .active' \
    "$T/report.json")
LEAD_NEW=$(jq -r '.groups[] | select(.frame == "DRANG") | .new' \
    "$T/report.json")
# (Gezin Öztürk is under an OTS since Elif's measure began)
expect_eq "casesyncctl report: Zwolle's two drang cases" \
    "$LEAD_ACTIVE $LEAD_NEW" "2 2"
ui_start a
UI_A=$pid URL_A=$URL
ui_start b
UI_B=$pid URL_B=$URL
ui_start l
UI_L=$pid URL_L=$URL
ok "casesync ui printed its URL on the three laptops"

# the browser test, in a session of its own (see stop_all); it stops
# itself after --limit seconds, and timeout stops its whole process
# group if even that fails
setsid timeout -k 10 180 \
    "$PY" "$top/tests/ui/browser_test.py" --out "$OUT" --axe "$AXE" \
    --profile "$T/chromium" \
    --url-a "$URL_A" --url-b "$URL_B" --server-pid "$SERVER_PID" \
    --case-title "Gezin Öztürk" --overdue "Gezin De Vries" \
    --soon "Gezin Bakker" --person "Ayşe Öztürk" \
    --mine "Molenweg 3, Zwolle" --theirs "Kerkstraat 2, Zwolle" \
    --author anna --child "Elif Öztürk" --zaaknummer "C/08/4711" \
    --url-lead "$URL_L" --lead-office Zwolle --lead-active "$LEAD_ACTIVE" \
    --lead-new "$LEAD_NEW" --limit 150 &
BROWSER=$!
wait "$BROWSER"
rc=$?
kill -KILL -- "-$BROWSER" 2>/dev/null
BROWSER=""
[ "$rc" -eq 0 ] || fail "browser test (exit $rc); screenshots in $OUT"
ls "$OUT"/*.png >/dev/null 2>&1 || fail "no screenshots in $OUT"
pgrep -f "user-data-dir=$T/chromium" >/dev/null &&
    fail "Chromium is still running"
ok "the browser test (screenshots in $OUT)"

# what the browser did, seen through the CLI once the UIs are closed
for p in $UI_A $UI_B $UI_L; do
	stop_ui "$p" || fail "casesync ui did not stop on SIGTERM"
done
UI_A="" UI_B="" UI_L=""
wait_gone() {
	i=0
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "casesyncd did not stop"
		sleep 0.1
	done
}
wait_gone
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
start_server
sync_ok b
sync_ok a
laptop b --json note list --case "$C" >"$T/notes" || fail "note list on b"
grep -q "Telefoon met de school" "$T/notes" ||
    fail "the entry made in the UI is not on bert's laptop: $(cat "$T/notes")"
ok "the journal entry added in anna's browser is on bert's laptop"
laptop a --json person list --case "$C" >"$T/people" || fail "person list"
jq -e --arg p "$P" '.[] | select(.record_id == $p) |
    .fields.address == "Kerkstraat 2, Zwolle"' "$T/people" >/dev/null ||
    fail "the choice made on bert's Sync page: $(cat "$T/people")"
laptop a conflicts | grep -q "no conflicts" ||
    fail "conflict left on a: $(laptop a conflicts)"
laptop b conflicts | grep -q "no conflicts" ||
    fail "conflict left on b: $(laptop b conflicts)"
ok "the conflict resolved on bert's Sync page is resolved on both laptops"
