#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync ui's Teamleider page against a real casesyncd: anna's
# family is on her laptop, listed under her name as regisseur with its
# deadlines (an overdue toetsing, a goal due in 10 days); she asks to transfer it to Lelystad; lars, teamleider in
# Lelystad, sees the transfer waiting for his decision with what the
# server shows of the case (offices, who asked, why, frame, state,
# deadlines, how many records) and never an id; with casesyncd stopped
# the page still shows the rest and says that the server cannot be
# reached.
. "$(dirname "$0")/lib.sh"

deploy
ctl office add Zwolle >/dev/null || fail "office Zwolle"
ctl office add Lelystad >/dev/null || fail "office Lelystad"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user anna"
ctl user add --name lars --role teamleider --office Lelystad >/dev/null ||
    fail "user lars"
start_server
enroll a anna
enroll l lars

C=$(laptop a case new --frame DRANG --title "Gezin Öztürk" \
    --municipality GM0193) || fail "case new"
C=$(echo "$C" | head -1)
laptop a person add --case "$C" --name "Elif Öztürk" \
    --role child >/dev/null || fail "person"
# opened two months ago on the server (a change of state may not be
# dated before the opening), as t_ui_browser does
stop_server
sqlite3 "$SRV/server.db" "UPDATE cases SET created_at = created_at - \
    60 * 86400 WHERE id = '$C'" || fail "backdate the case"
start_server
laptop a case state --case "$C" --to DRANG_INTENSIEF \
    --date "$(date -d '-50 days' +%F)" >/dev/null || fail "case state"
laptop a plan goal add --case "$C" --text "Elif gaat naar school" \
    --due "$(date -d '+10 days' +%F)" --status open >/dev/null || fail "goal"
laptop a sync >"$T/sync" 2>&1 || fail "sync: $(cat "$T/sync")"
laptop a transfer request --case "$C" --to Lelystad --reason moved \
    --note "verhuisd" >"$T/req" 2>&1 || fail "transfer: $(cat "$T/req")"

. "$(dirname "$0")/ui_lib.sh"
cat >"$T/team.py" <<'PYEOF'
import os, sys
sys.path.insert(0, os.environ["UI_LIB"])
from ui_lib import *

cookie = login() if step != "offline" else load()["cookie"]
save({"cookie": cookie})
s, h, page = req("GET", "/team", cookie=cookie)
expect("GET /team", s, 200)
no_uuid("the Teamleider page", page)
sec = re.search(r'<section id="overdrachten">.*?</section>', page, re.S)
if not sec:
    fail("no transfers section: %s" % page[:2000])
sec = sec.group(0)
if step == "anna":
    for want in ("<h3>anna <span", "Gezin \u00d6zt\u00fcrk", "Te laat:",
                 "Toetsing drang", "Binnenkort:", "Streefdatum doel: Elif",
                 "Elif \u00d6zt\u00fcrk", "Goedkeuringen"):
        if want not in page:
            fail("anna's team page lacks %r" % want)
    ok("anna's Teamleider page: her family under her name, its deadline")
elif step == "lars":
    for want in ("Overdracht van een gezin dat niet op deze laptop staat",
                 "<dd>Zwolle</dd>", "<dd>Lelystad</dd>", "<dd>anna op ",
                 "Verhuizing van het gezin: verhuisd", "<dt>Kader en fase",
                 "Drang, Drang, intensief sinds ",
                 "<dt>Regisseur nu</dt><dd>anna</dd>",
                 "Te laat:</strong> Toetsing drang", " stukken, waarvan 1 personen"):
        if want not in sec:
            fail("the transfer lacks %r: %s" % (want, sec))
    ok("lars sees the transfer waiting for him, with the server's preview "
       "and no id")
elif step == "offline":
    if "Geen verbinding met de server" not in sec:
        fail("offline, the page does not say so: %s" % sec)
    if "Termijnen van het team" not in page:
        fail("offline, the rest of the page is gone")
    ok("without the server the page says so and shows the rest")
PYEOF

start_ui a
"$PY" "$T/team.py" "$URL" anna || fail "anna's team page"
stop_ui
start_ui l
"$PY" "$T/team.py" "$URL" lars || fail "lars's team page"
stop_server
"$PY" "$T/team.py" "$URL" offline || fail "the team page offline"
stop_ui
