#!/bin/sh
# SPDX-License-Identifier: ISC
#
# casesync ui's "Wacht op uw akkoord" (issue 18) against a real
# casesyncd: anna asks for a drang extension with a reason; femke,
# teamleider, opens the Teamleider page on her laptop and sees what is
# asked, by whom, the reason from her dossier and no id; a POST without
# the form token is refused, a refusal without a reason is refused with
# nothing recorded; she approves with the form, the request leaves the
# page, and after her sync anna's `case info` says extended, approved
# by femke.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
start_server
enroll a anna
enroll f femke

C=$(laptop a case new --frame DRANG --title "Gezin Jansen") ||
    fail "case new"
C=$(echo "$C" | head -1)
for s in DRANG_INTENSIEF DRANG_TOETSING DRANG_VERVOLG; do
	laptop a case state --case "$C" --to "$s" >/dev/null 2>"$T/err" ||
	    fail "to $s: $(cat "$T/err")"
done
EXT=$(date -d "+120 days" +%F)
laptop a --json case extend --case "$C" --end "$EXT" \
    --reason "gezin werkt goed mee" >"$T/req" 2>"$T/err" ||
    fail "case extend: $(cat "$T/err")"
ID=$(jq -r .approval_id "$T/req")
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop f sync >/dev/null 2>&1 || fail "sync f"

. "$(dirname "$0")/ui_lib.sh"
cat >"$T/akkoord.py" <<'PYEOF'
import os, re, sys
sys.path.insert(0, os.environ["UI_LIB"])
from ui_lib import *

ID = os.environ["APPROVAL_ID"]
cookie = login()
s, h, page = req("GET", "/team", cookie=cookie)
expect("GET /team", s, 200)
no_uuid("the Teamleider page", page)
sec = re.search(r'<section id="goedkeuringen">.*?</section>', page, re.S)
if not sec:
    fail("no approvals section: %s" % page[:2000])
sec = sec.group(0)
for want in ("Wacht op uw akkoord", "Verlenging van drang tot",
             "Gezin Jansen", "<dd>anna op ", "gezin werkt goed mee",
             'name="besluit" value="approve"', 'name="besluit" value="refuse"',
             'name="id" value="%s"' % ID):
    if want not in sec:
        fail("the approvals section lacks %r: %s" % (want, sec))
ok("femke sees the request with its reason and the forms")
csrf = csrf_of(sec)
s, h, d = req("POST", "/akkoord", origin=ORIGIN, cookie=cookie,
              form={"id": ID, "besluit": "approve"})
if s == 303:
    fail("a POST without the form token was taken")
ok("a POST without the form token is refused (%d)" % s)
s, h, d = req("POST", "/akkoord", origin=ORIGIN, cookie=cookie,
              form={"csrf": csrf, "id": ID, "besluit": "refuse"})
expect("a refusal without a reason", s, 400)
if "reden nodig" not in d:
    fail("the refusal page does not say why: %s" % d[:1000])
ok("a refusal without a reason is refused, in Dutch")
s, h, d = req("POST", "/akkoord", origin=ORIGIN, cookie=cookie,
              form={"csrf": csrf, "id": ID, "besluit": "approve",
                    "reden": "akkoord via de pagina"})
expect("approve with the form", s, 303)
expect("back to the Teamleider page", h.get("location"), "/team")
s, h, page = req("GET", "/team", cookie=cookie)
if "Er wacht niets op uw akkoord" not in page:
    fail("the request still waits: %s" % page[:3000])
ok("approved with the form: nothing waits any more")
PYEOF

start_ui f
APPROVAL_ID=$ID "$PY" "$T/akkoord.py" "$URL" femke || fail "the approval page"
stop_ui
laptop f sync >/dev/null 2>&1 || fail "sync f"
laptop a --json case info --case "$C" >"$T/info" || fail "case info"
expect_eq "extended through the page" "$(jq -r .extended "$T/info")" true
expect_eq "approved by femke" "$(jq -r .approved_by "$T/info")" femke
laptop a sync >/dev/null 2>&1 || fail "sync a"
laptop a --json approvals --case "$C" --all >"$T/list" || fail "approvals"
expect_eq "her reason reached anna's dossier" \
    "$(jq -r '.approvals[0].decision_reason' "$T/list")" \
    "akkoord via de pagina"
ctl audit query --case "$C" --type approval_decision --format json \
    >"$T/audit.json" || fail "audit query"
expect_eq "the refused refusal changed nothing, the approval is audited" \
    "$(jq -s -r '[.[] | select(.outcome == "success")] | length' \
    "$T/audit.json")" 1
server_alive
