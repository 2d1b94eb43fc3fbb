#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The management figures on casesync ui's Teamleider page (issue 20):
# on the deployment with known counts of t_report.sh
# (report_fixture.sh), lars, team lead of Lelystad, sees a section
# "Cijfers van uw team" with a table per office and frame in Dutch,
# every figure equal to `casesyncctl report --json --office Lelystad`
# (and the known ones: one active DRANG case, transferred in), and the
# new and closed cases of this month; no id on the page.  Anna, not a
# team lead, sees no figures at all (the server refused them: a
# "report_read" failure in the audit log), only the rest of the page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_fixture.sh"

ctl report --json --office Lelystad >"$T/ctl.json" || fail "ctl report"
. "$(dirname "$0")/ui_lib.sh"
export CTL_JSON="$T/ctl.json"
cat >"$T/fig.py" <<'PYEOF'
import html, json, os, sys
sys.path.insert(0, os.environ["UI_LIB"])
from ui_lib import *

WORDS = ("Lopende gezinnen", "Nieuwe gezinnen", "Gesloten gezinnen",
         "Drangtrajecten afgesloten", "waarvan met een Raadsmelding",
         "Mediane duur van de drang (dagen)", "Drang verlengd",
         "Verlengingen van een OTS", "Toetsingen te laat",
         "Verzoeken verlenging OTS te laat",
         "Overdrachten naar deze vestiging",
         "Overdrachten naar een andere vestiging",
         "Keren dat het glas is gebroken")
KEYS = ("active", "new", "closed", "drang_ended", "drang_to_raad",
        "drang_median_days", "drang_extended", "ots_extensions",
        "toetsing_overdue", "ots_request_overdue", "transfers_in",
        "transfers_out", "glass")
FRAMES = {"DRANG": "Drang", "VOTS": "VOTS", "OTS": "OTS",
          "VOOGDIJ": "Voogdij"}
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli",
          "augustus", "september", "oktober", "november", "december")

def dutch(v):
    if v is None:
        return "geen"
    if isinstance(v, float):
        return ("%g" % v).replace(".", ",")
    return str(v)

cookie = login()
s, h, page = req("GET", "/team", cookie=cookie)
expect("GET /team", s, 200)
no_uuid("the Teamleider page", page)
sec = re.search(r'<section id="cijfers">.*?</section>', page, re.S)
if step == "anna":
    if sec or "Cijfers" in page:
        fail("anna, not a team lead, sees figures: %s" % sec.group(0))
    if "Termijnen van het team" not in page:
        fail("anna's team page lost the rest")
    ok("anna, not a team lead: no figures on the page, the rest is there")
    sys.exit(0)
if not sec:
    fail("lars sees no figures: %s" % page[-3000:])
sec = sec.group(0)
if "<h2>Cijfers van uw team</h2>" not in sec or \
        "<h3>Vestiging Lelystad</h3>" not in sec or "Zwolle" in sec:
    fail("the section's headings: %s" % sec)
rep = json.load(open(os.environ["CTL_JSON"]))
n = 0
for g in rep["groups"]:
    cap = "%s, %s" % (g["office"], FRAMES[g["frame"]])
    t = re.search(r'<table class="cijfers"><caption>%s</caption>(.*?)'
                  r'</table>' % re.escape(cap), sec, re.S)
    if not t:
        fail("no table %r: %s" % (cap, sec))
    rows = dict((html.unescape(a), b) for a, b in re.findall(
        r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', t.group(1)))
    for w, k in zip(WORDS, KEYS):
        if rows.get(w) != dutch(g[k]):
            fail("%s: %s is %r, casesyncctl says %r" %
                 (cap, w, rows.get(w), g[k]))
        n += 1
    for m in g["months"]:
        y, mo = m["month"].split("-")
        want = ('<tr><th scope="row">%s %s</th><td>%d</td><td>%d</td></tr>'
                % (MONTHS[int(mo) - 1], int(y), m["new"], m["closed"]))
        if want not in sec:
            fail("%s: no month row %r" % (cap, want))
        n += 1
d = re.search(r'<caption>Lelystad, Drang</caption>(.*?)</table>', sec, re.S)
for want in ('<th scope="row">Lopende gezinnen</th><td>1</td>',
             '<th scope="row">Overdrachten naar deze vestiging</th><td>1</td>',
             '<th scope="row">Mediane duur van de drang (dagen)</th>'
             '<td>geen</td>'):
    if want not in d.group(1):
        fail("the known figures of Lelystad's drang: no %r" % want)
if "nieuw en gesloten per maand" not in sec:
    fail("no table per month")
ok("lars: %d figures of Lelystad in Dutch, each as casesyncctl reports"
   % n)
PYEOF

start_ui a
"$PY" "$T/fig.py" "$URL" anna || fail "anna's team page"
stop_ui
start_ui l
"$PY" "$T/fig.py" "$URL" lars || fail "lars's team page"
stop_ui
ctl audit query --type report_read --format json >"$T/audit.json" ||
    fail "audit query"
jq -e -s 'map(select(.user == "anna" and .outcome == "failure")) |
    length == 1' "$T/audit.json" >/dev/null ||
    fail "anna's refused request is not audited: $(cat "$T/audit.json")"
jq -e -s 'map(select(.user == "lars" and .outcome == "success" and
    .object_id == "Lelystad")) | length == 1' "$T/audit.json" >/dev/null ||
    fail "lars's figures are not audited: $(cat "$T/audit.json")"
ok "both requests of the page are in the audit log"
