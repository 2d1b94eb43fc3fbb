#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A member's laptop learns the lifecycle of the cases it holds from a
# plain "casesync sync" (issue 17): anna opens a case, dates its drang
# seven weeks back and makes bert a member; after bert's sync his
# laptop (never "case list --server") shows the frame, the state, anna
# as regisseur and the overdue toetsing, with the CLI and on casesync
# ui's caseload page; bert's second laptop after a sync from casesync
# ui's Sync page.  A sync in step with fresh metadata makes one
# round trip; a state change reaches bert once his metadata is older
# than the bound (CASESYNC_CASE_META_MAX_AGE), and not before.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert
enroll b2 bert		# bert's second laptop: synced by casesync ui only

sync_ok() {
	laptop "$1" --json sync >"$T/sync.$1" 2>&1 ||
	    fail "sync $1: $(cat "$T/sync.$1")"
}

C=$(laptop a case new --frame DRANG --title "Gezin De Vries" \
    --municipality GM0193 --jeugdregio IJsselland) || fail "case new"
C=$(echo "$C" | head -1)
laptop a person add --case "$C" --name "Sem de Vries" --role child \
    --birth-date 2016-03-01 --municipality GM0193 >/dev/null || fail "child"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
# a change of state may not be dated before the case was opened
stop_server
sqlite3 "$SRV/server.db" "UPDATE cases SET created_at = created_at - \
    60 * 86400 WHERE id = '$C'" || fail "backdate the case"
start_server
laptop a case state --case "$C" --to DRANG_INTENSIEF \
    --date "$(date -u -d '-50 days' +%F)" >/dev/null || fail "drang"
sync_ok b2		# its device key, for the grants
sync_ok a
sync_ok b		# plain sync: no case list --server
sync_ok b		# the key grant may come at anna's next sync
sync_ok a
sync_ok b

laptop b --json case list >"$T/list" || fail "case list on b"
row() { jq -r --arg c "$C" ".cases[] | select(.case_id == \$c) | .$1" \
    "$T/list"; }
expect_eq "bert's laptop knows the family" "$(row title)" "Gezin De Vries"
expect_eq "bert's laptop knows the frame" "$(row frame)" DRANG
expect_eq "bert's laptop knows the state" "$(row state)" DRANG_INTENSIEF
expect_eq "bert's laptop knows the regisseur" "$(row regisseur)" anna
laptop b --json case list --due >"$T/due" || fail "case list --due on b"
expect_eq "bert's laptop sees the toetsing overdue" \
    "$(jq -r --arg c "$C" '.deadlines[] | select(.case_id == $c and
    .kind == "toetsing") | .overdue' "$T/due")" true

# in step, metadata fresh: the key round with the pull, one round trip
sync_ok b
expect_eq "a sync in step makes one round trip" \
    "$(jq -r .round_trips "$T/sync.b")" 1

# the caseload page of casesync ui on bert's laptop
. "$(dirname "$0")/ui_lib.sh"
start_ui b
cat >"$T/caseload.py" <<'PYEOF'
import os, re, sys
sys.path.insert(0, os.environ["UI_LIB"])
from ui_lib import *

cookie = login()
if step == "uisync":	# the Sync page's sync, the core's one path
    s, h, page = req("GET", "/sync", cookie=cookie)
    s, h, d = req("POST", "/sync", cookie=cookie, origin=ORIGIN,
                  form={"csrf": csrf_of(page), "action": "sync"})
    expect("POST /sync", s, 303)
    expect("the sync", wait_sync(cookie)["state"], "done")
s, h, page = req("GET", "/", cookie=cookie)
expect("GET /", s, 200)
m = re.search(r'<tr([^>]*)><th scope="row"><a [^>]*>Gezin De Vries</a>'
              r'</th>(.*?)</tr>', page)
if not m:
    fail("no row of Gezin De Vries: " + page[:2000])
cells = re.findall(r"<td>(.*?)</td>", m.group(2))
if "onbekend" in m.group(2):
    fail("the row says onbekend: " + m.group(0))
expect("the row is overdue", m.group(1), ' class="overdue"')
if "anna" not in cells[0]:
    fail("regisseur: %r" % cells)
if not re.search(r"toetsing", m.group(2), re.I):
    fail("next deadline: %r" % cells)
ok("%s: regisseur, frame, state, the overdue toetsing" % step)
PYEOF
"$PY" "$T/caseload.py" "$URL" show || fail "caseload page on b"
stop_ui
# bert's second laptop, never synced since the case was made, syncs
# from casesync ui's Sync page: its caseload knows the lifecycle too
start_ui b2
"$PY" "$T/caseload.py" "$URL" uisync || fail "caseload page on b2"
stop_ui

# anna moves the case on; bert's metadata is fresh, so his next sync
# does not ask; once it is older than the bound, it does
laptop a case state --case "$C" --to DRANG_TOETSING >/dev/null 2>"$T/err" ||
    fail "state change: $(cat "$T/err")"
NEW=$(laptop a --json case list | jq -r --arg c "$C" \
    '.cases[] | select(.case_id == $c) | .state')
[ "$NEW" != DRANG_INTENSIEF ] || fail "anna's state change did not take"
sync_ok b
laptop b --json case list >"$T/list" || fail "case list on b"
expect_eq "fresh metadata is not asked again" "$(row state)" DRANG_INTENSIEF
CASESYNC_CASE_META_MAX_AGE=0 laptop b --json sync >"$T/sync.b" 2>&1 ||
    fail "sync b: $(cat "$T/sync.b")"
expect_eq "stale metadata costs one request more" \
    "$(jq -r .round_trips "$T/sync.b")" 2
laptop b --json case list >"$T/list" || fail "case list on b"
expect_eq "stale metadata is fetched again" "$(row state)" "$NEW"

ok "a member's laptop knows its cases' lifecycle"
