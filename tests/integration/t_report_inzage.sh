#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The inzage (issue 20, AVG art. 15): `casesync report inzage` writes
# everything a laptop's dossier holds about a family, or one person of
# it, and who read or changed the file and when, in Dutch, as printable
# HTML and as PDF.  Behaviours checked, with a real casesyncd and real
# laptops:
#   - the family's inzage holds every section with its content: persons,
#     the measure with its court decision, the plan with both agreed
#     versions, the assessment, the journal with both workers and the
#     dates, the partner with its sharing basis, the escalation; and the
#     access section names who else read the file (bert) and when;
#   - fetching the access log is itself audited by the server
#     (audit_read of the case by the worker who made the inzage);
#   - workers see names and dates, never ids (no UUID in the document);
#   - a child's inzage leaves out what concerns only another family
#     member (the other child, its measure, the other child's reads, the
#     address of a parent without gezag) and keeps the parent with gezag
#     in full and the family's records; a parent with gezag sees the
#     child's measure;
#   - report_names = roles on the server: after one connection the
#     laptop's inzage names professionals by role only;
#   - bad input: an unknown case or person, an unwritable --out, an
#     existing file kept without --force (and replaced with it), an
#     unknown ending without --format;
#   - the PDF holds the same content (pdftotext).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to parse HTML"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name bert --role jeugdbeschermer --office Zwolle >/dev/null
ctl user add --name femke --role teamleider --office Zwolle >/dev/null
start_server
enroll a anna
enroll b bert

TODAY=$(date +%F)
day() { date -d "$TODAY $1 days" +%F; }
nl() { date -d "$1" +%d-%m-%Y; }	# a date as the document shows it
sync_on() {
	laptop "$1" sync >"$T/sync.$1" 2>&1 ||
	    fail "sync on $1: $(cat "$T/sync.$1")"
}

# ---- the dossier: a family, two children, a parent with gezag, one
# without, a measure, a plan of two versions, an assessment, notes by
# two workers, a partner, an escalation
C=$(laptop a case new --frame DRANG --title "Gezin Smit" \
    --municipality GM0193 --jeugdregio IJsselland | head -1) ||
    fail "case new"
SANNE=$(laptop a person add --case "$C" --name "Sanne Smit" --role child \
    --birth-date 2014-03-01) || fail "Sanne"
DAAN=$(laptop a person add --case "$C" --name "Daan Smit" --role child \
    --birth-date 2016-07-15) || fail "Daan"
laptop a person add --case "$C" --name "Marieke Smit" --role parent \
    --has-gezag yes --address "Kerkstraat 1, Zwolle" >/dev/null ||
    fail "Marieke"
laptop a person add --case "$C" --name "Peter de Wit" --role parent \
    --has-gezag no --address "Dorpsweg 9, Kampen" >/dev/null ||
    fail "Peter"
laptop a case member --case "$C" --user bert >/dev/null || fail "member"
laptop a case state --case "$C" --to DRANG_INTENSIEF >/dev/null ||
    fail "drang"
laptop a assess add --case "$C" --instrument LIRIK --outcome \
    "zorgelijk, plan nodig" --assessor bert --date "$TODAY" \
    --next-due "$(day 90)" >/dev/null || fail "assess add"
laptop a plan edit --case "$C" --summary "Rust en veiligheid thuis" \
    >/dev/null || fail "plan edit"
laptop a plan agree --case "$C" --with parents,wijkteam >/dev/null ||
    fail "plan agree 1"
laptop a plan edit --case "$C" --summary "Rust en veiligheid thuis, met \
het netwerk" >/dev/null || fail "plan edit 2"
laptop a plan agree --case "$C" --with parents,wijkteam,jeugdbeschermer \
    >/dev/null || fail "plan agree 2"
laptop a note add --case "$C" --type home_visit --date "$(day -2)" \
    --time 10:30 --text "Huisbezoek: moeder vertelt over de school" \
    >/dev/null || fail "note by anna"
laptop a partner add --case "$C" --name "Wijkteam Zwolle-Zuid" \
    --type wijkteam --contact "J. Bakker" --basis consent \
    --consent-date "$(day -10)" --consent-scope "plan van aanpak" \
    >/dev/null || fail "partner"
E=$(laptop a escalate add --case "$C" --to raad \
    --reason "Onvoldoende veiligheid ondanks drang") || fail "escalate"
laptop a case state --case "$C" --to RAAD_MELDING >/dev/null ||
    fail "RAAD_MELDING"
sync_on a
laptop a measure start --case "$C" --child Daan --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/4711" \
    --decision "$(day -3)" --end "$(day 300)" >"$T/out" 2>&1 ||
    fail "OTS for Daan: $(cat "$T/out")"
sync_on a
sync_on b
laptop b note add --case "$C" --type call --date "$(day -1)" \
    --time 14:00 --text "Telefoon met de school over Sanne" >/dev/null ||
    fail "note by bert"
sync_on b
# bert reads Daan's part and the whole file: someone else read it
laptop b record get "$DAAN" >/dev/null || fail "bert reads Daan"
laptop b person list --case "$C" >/dev/null || fail "bert lists people"
sync_on b
sync_on a

# ---- the family's inzage as HTML
laptop a report inzage --case "Gezin Smit" --out "$T/gezin.html" \
    >"$T/sum" 2>"$T/err" || fail "report inzage: $(cat "$T/err")"
grep -q "inzage of Gezin Smit, the whole family" "$T/sum" ||
    fail "summary: $(cat "$T/sum")"
grep -q "written to $T/gezin.html (HTML)" "$T/sum" ||
    fail "summary names no file: $(cat "$T/sum")"
[ "$(stat -c %a "$T/gezin.html")" = 600 ] || fail "the file is not 0600"
ok "report inzage writes the family's inzage and says what it holds"

# the summary speaks the CLI's words (docs/CLIENT.md, "Words"), never
# a word of the glossary's last column
awk '/^## Words/ { on = 1; next } /^## / { on = 0 } on && /^\| / { print }' \
    "$top/docs/CLIENT.md" | tail -n +3 | awk -F' \\| ' '{ print $NF }' |
    sed 's/ |$//; s/, /\n/g' | sed 's/^ *//; s/ *$//' | grep -v '^—$' |
    grep -v '^$' >"$T/banned"
[ "$(wc -l <"$T/banned")" -ge 20 ] || fail "no glossary"
laptop a report inzage --help >>"$T/sum" || fail "report inzage --help"
if grep -iwFf "$T/banned" "$T/sum"; then
	fail "the summary or usage uses a word the CLI does not"
fi
ok "the summary and the usage use the CLI's words"

# html2json FILE: the document as {"title", "scripts", "sections":
# {heading: [text of each paragraph, item and table row ("a | b")]}};
# the document's title is its h1, a section's heading an h2.
html2json() {
	python3 - "$1" <<'PY'
import json, sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""; self.sections = {}; self.cur = "(top)"
        self.stack = []; self.text = ""; self.row = []; self.cell = None
        self.scripts = 0
    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "script": self.scripts += 1
        if tag in ("h1", "h2", "h3", "h4", "p", "li", "title", "dt", "dd"):
            self.flush(); self.text = ""
        if tag == "tr": self.flush(); self.row = []
        if tag in ("td", "th"): self.cell = ""
        if tag == "br": self.text += "\n"
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip()); self.cell = None; return
        if tag == "tr":
            self.sections.setdefault(self.cur, []).append(" | ".join(self.row))
            self.row = []; return
        t = self.text.strip()
        if tag == "title": self.title = t; self.text = ""
        elif tag == "h2":	# a section (doc.h level 1)
            self.cur = t; self.sections.setdefault(t, []); self.text = ""
        elif tag in ("h1", "h3", "h4", "p", "li", "dt", "dd"):
            self.flush()
    def flush(self):
        t = self.text.strip()
        if t: self.sections.setdefault(self.cur, []).append(t)
        self.text = ""
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
        else: self.text += d

p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.flush()
json.dump({"title": p.title, "sections": p.sections,
    "scripts": p.scripts}, sys.stdout, ensure_ascii=False)
PY
}
# has FILE SECTION TEXT: a line of that section holds TEXT
has() {
	jq -e --arg s "$2" --arg t "$3" '.sections[$s] // [] |
	    any(contains($t))' "$1" >/dev/null
}
html2json "$T/gezin.html" >"$T/gezin.json" || fail "the HTML does not parse"
J="$T/gezin.json"
jq -e '.title | startswith("Inzage")' "$J" >/dev/null ||
    fail "title: $(jq .title "$J")"
expect_eq "no script in the document" "$(jq .scripts "$J")" 0
for s in "Personen" "Maatregelen" "Plan van aanpak" "Veiligheidstaxaties" \
    "Journaal" "Samenwerkingspartners" "Escalaties" \
    "Wie het dossier heeft ingezien of gewijzigd"; do
	jq -e --arg s "$s" '.sections | has($s)' "$J" >/dev/null ||
	    fail "no section $s: $(jq -c '.sections | keys' "$J")"
done
ok "every section is there"

has "$J" Personen "Sanne Smit | kind | 01-03-2014" || fail "Sanne's row"
has "$J" Personen "Daan Smit | kind" || fail "Daan's row"
has "$J" Personen "Marieke Smit | ouder" || fail "Marieke's row"
has "$J" Personen "Kerkstraat 1, Zwolle" || fail "Marieke's address"
has "$J" Personen "Dorpsweg 9, Kampen" || fail "Peter's address"
has "$J" Maatregelen "Daan Smit | ondertoezichtstelling (OTS) | Rechtbank Overijssel | C/08/4711 | $(nl "$(day -3)")" ||
    fail "the measure with its decision: $(jq -c '.sections.Maatregelen' "$J")"
has "$J" "Plan van aanpak" "Versie 1 van $(nl "$TODAY")" ||
    fail "plan version 1: $(jq -c '.sections["Plan van aanpak"]' "$J")"
has "$J" "Plan van aanpak" "Versie 2 van" || fail "plan version 2"
has "$J" "Plan van aanpak" "met het netwerk" || fail "plan 2's summary"
has "$J" Veiligheidstaxaties "LIRIK | zorgelijk, plan nodig | bert (jeugdbeschermer)" ||
    fail "assessment: $(jq -c '.sections.Veiligheidstaxaties' "$J")"
has "$J" Journaal "$(nl "$(day -2)") | 10:30 | huisbezoek | Huisbezoek: moeder vertelt over de school | anna (jeugdbeschermer)" ||
    fail "anna's note: $(jq -c '.sections.Journaal' "$J")"
has "$J" Journaal "$(nl "$(day -1)") | 14:00 | telefoongesprek | Telefoon met de school over Sanne | bert (jeugdbeschermer)" ||
    fail "bert's note: $(jq -c '.sections.Journaal' "$J")"
has "$J" Samenwerkingspartners "Wijkteam Zwolle-Zuid | wijkteam | J. Bakker | toestemming van $(nl "$(day -10)"): plan van aanpak" ||
    fail "partner: $(jq -c '.sections.Samenwerkingspartners' "$J")"
has "$J" Escalaties "Raad voor de Kinderbescherming | Onvoldoende veiligheid ondanks drang" ||
    fail "escalation: $(jq -c '.sections.Escalaties' "$J")"
ok "the content: persons, measure and decision, plan versions, assessment, journal with authors and dates, partner and basis, escalation"

A="Wie het dossier heeft ingezien of gewijzigd"
has "$J" "$A" "bert (jeugdbeschermer) | Zwolle | ingezien" ||
    fail "bert's read: $(jq -c --arg a "$A" '.sections[$a]' "$J")"
has "$J" "$A" "bert (jeugdbeschermer) | Zwolle | ingezien: het deel van Daan Smit" ||
    fail "bert's read of Daan's part"
jq -e --arg a "$A" --arg d "$(date +%d-%m-%Y)" '.sections[$a] |
    any(startswith($d) and contains("bert"))' "$J" >/dev/null ||
    fail "bert's read has no date of today"
ok "the access section names who else read the file, and when"

! grep -Eq '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' \
    "$T/gezin.html" || fail "a UUID in the document"
ok "names and dates, no ids"

ctl audit query --type audit_read --format ndjson >"$T/ar.nd" ||
    fail "ctl audit query"
n=$(jq -r --arg c "$C" 'select(.client_ref == $c and .user == "anna" and
    .object_id == "protocol query" and .outcome == "success") | .idx' \
    "$T/ar.nd" | wc -l)
[ "$n" -ge 1 ] || fail "the access fetch is not audited: $(cat "$T/ar.nd")"
ok "fetching who read the file is itself in the audit log"

# ---- a child's inzage: Sanne's
laptop a --json report inzage --case "$C" --person sanne \
    --out "$T/sanne.html" >"$T/sum.json" 2>"$T/err" ||
    fail "inzage --person sanne: $(cat "$T/err")"
expect_eq "the summary names the person" "$(jq -r .person "$T/sum.json")" \
    "Sanne Smit"
python3 "$top/tests/tools/json_schema.py" "$top/docs/json-schemas.json" \
    "casesync report inzage" "$T/sum.json" >"$T/schema.err" 2>&1 ||
    fail "report inzage --json: $(cat "$T/schema.err")"
ok "report inzage --json follows its schema"
html2json "$T/sanne.html" >"$T/sanne.json" || fail "parse Sanne's"
J="$T/sanne.json"
has "$J" Personen "Sanne Smit | kind | 01-03-2014" || fail "Sanne herself"
has "$J" Personen "Kerkstraat 1, Zwolle" ||
    fail "the parent with gezag is not in full"
has "$J" Personen "Peter de Wit | ouder | (alleen naam en relatie)" ||
    fail "the parent without gezag: $(jq -c .sections.Personen "$J")"
! grep -q "Dorpsweg" "$T/sanne.html" ||
    fail "the address of a parent without gezag is in the child's inzage"
! grep -q "Daan" "$T/sanne.html" ||
    fail "the other child is in Sanne's inzage"
! grep -q "C/08/4711" "$T/sanne.html" ||
    fail "the other child's measure is in Sanne's inzage"
has "$J" Journaal "Telefoon met de school over Sanne" ||
    fail "the family's journal is not in the child's inzage"
has "$J" Escalaties "Onvoldoende veiligheid" || fail "the family's escalation"
has "$J" "$A" "bert (jeugdbeschermer) | Zwolle | ingezien" ||
    fail "the whole file's reads are not in the child's inzage"
# Daan's person record and his measure
expect_eq "two records of another family member left out" \
    "$(jq .left_out "$T/sum.json")" 2
ok "a child's inzage leaves out what concerns only another family member"

laptop a report inzage --case "$C" --person "Marieke Smit" \
    --out "$T/marieke.html" >/dev/null 2>"$T/err" ||
    fail "inzage of the parent: $(cat "$T/err")"
grep -q "C/08/4711" "$T/marieke.html" ||
    fail "the parent with gezag does not see her child's measure"
! grep -q "Dorpsweg" "$T/marieke.html" ||
    fail "the parent sees the other parent's address"
ok "a parent with gezag sees her children's records"

# ---- bad input
expect_refused "an unknown case" 2 "no case" a report inzage \
    --case "Gezin Jansen" --out "$T/x.html"
expect_refused "an unknown case id" 2 "holds no case" a report inzage \
    --case 0190a1b2-0000-7000-8000-000000000001 --out "$T/x.html"
expect_refused "an unknown person" 2 "no person of that name" a report \
    inzage --case "$C" --person "Pietje Puk" --out "$T/x.html"
expect_refused "an existing file" 1 "exists; --force replaces it" a report \
    inzage --case "$C" --out "$T/gezin.html"
mkdir "$T/dir.html"
expect_refused "--force onto a directory" 1 "cannot write" a report \
    inzage --case "$C" --out "$T/dir.html" --force
expect_refused "--out in no directory" 1 "cannot write" a report inzage \
    --case "$C" --out "$T/nodir/x.html"
expect_refused "an unknown ending" 2 "name a .html or .pdf" a report \
    inzage --case "$C" --out "$T/x.txt"
expect_refused "a bad --format" 2 "--format html or pdf" a report \
    inzage --case "$C" --out "$T/x.txt" --format odt
[ ! -e "$T/x.html" ] && [ ! -e "$T/x.txt" ] ||
    fail "a refused inzage left a file"
laptop a report inzage --case "$C" --out "$T/gezin.html" --force \
    >/dev/null 2>"$T/err" || fail "--force: $(cat "$T/err")"
ok "--force replaces the file"

# ---- report_names = roles: the laptop follows after one connection
stop_server
start_server "report_names = roles"
laptop a status >/dev/null 2>&1 || fail "status"
laptop a report inzage --case "$C" --out "$T/roles.html" >/dev/null \
    2>"$T/err" || fail "inzage with roles: $(cat "$T/err")"
html2json "$T/roles.html" >"$T/roles.json" || fail "parse roles"
J="$T/roles.json"
! grep -qw "anna\|bert" "$T/roles.html" ||
    fail "a professional's name with report_names = roles: $(grep -ow 'anna\|bert' "$T/roles.html" | head -3)"
has "$J" Journaal "Telefoon met de school over Sanne | jeugdbeschermer" ||
    fail "the note's author as a role: $(jq -c .sections.Journaal "$J")"
has "$J" "$A" "jeugdbeschermer | Zwolle | ingezien" ||
    fail "the reader as a role"
has "$J" Personen "Marieke Smit" || fail "the family is still named"
ok "report_names = roles: professionals by role only, the family by name"

stop_server
start_server "report_names = names"
laptop a status >/dev/null 2>&1 || fail "status"
laptop a report inzage --case "$C" --out "$T/names.html" >/dev/null \
    2>"$T/err" || fail "inzage with names: $(cat "$T/err")"
grep -q "bert (jeugdbeschermer)" "$T/names.html" ||
    fail "names again: the laptop did not follow"
ok "the laptop follows the server's setting at each connection"

echo "report_names = bogus" >"$SRV/bad.conf"
sed '/^report_names/d' "$SRV/casesyncd.conf" >>"$SRV/bad.conf"
"$B/casesyncd" -t -f "$SRV/bad.conf" >"$T/t.out" 2>&1 &&
    fail "casesyncd accepted report_names = bogus"
grep -q "report_names" "$T/t.out" || fail "no message: $(cat "$T/t.out")"
ok "casesyncd refuses a report_names other than names or roles"

# ---- PDF
if command -v pdftotext >/dev/null 2>&1 &&
    laptop a report inzage --case "$C" --out "$T/gezin.pdf" >"$T/sum" \
    2>"$T/err"; then
	head -c 5 "$T/gezin.pdf" | grep -q '%PDF-' || fail "not a PDF"
	pdftotext -layout "$T/gezin.pdf" "$T/gezin.txt" ||
	    fail "pdftotext refuses the PDF"
	for t in "Inzage in het dossier" "Personen" "Sanne Smit" \
	    "Marieke Smit" "Maatregelen" "C/08/4711" "Journaal" \
	    "Huisbezoek: moeder vertelt" "Samenwerkingspartners" \
	    "Wijkteam Zwolle-Zuid" "Escalaties" "Versie 2" \
	    "Wie het dossier heeft ingezien" "bert"; do
		grep -q "$t" "$T/gezin.txt" ||
		    fail "the PDF lacks '$t': $(cat "$T/gezin.txt")"
	done
	laptop a report inzage --case "$C" --person Sanne --out \
	    "$T/sanne.pdf" >/dev/null 2>"$T/err" || fail "PDF --person"
	pdftotext "$T/sanne.pdf" "$T/sanne.txt" || fail "pdftotext sanne"
	! grep -q "Daan\|Dorpsweg" "$T/sanne.txt" ||
	    fail "the child's PDF shows another child or an address"
	ok "the PDF holds the same content (pdftotext)"
else
	fail "no PDF: $(cat "$T/err" 2>/dev/null)"
fi
