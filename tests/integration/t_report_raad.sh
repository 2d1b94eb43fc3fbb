#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The melding to the Raad and the request to extend an OTS (issue 20),
# with a real casesyncd and real laptops:
#  - `report raad` drafts an editable HTML document (Concept, sections
#    contenteditable) with the five headings in order (parsed with
#    python3's html.parser), the escalations, assessments and notes the
#    worker selected by short id and none she did not, the plan with its
#    goals and their status, the measures with their decisions, names
#    and dd-mm-jjjj dates and no UUID anywhere; the same as PDF
#    (pdftotext): headings in order, Concept, the selected grounds only;
#  - `report verlenging` for a child with a running OTS states its
#    current end and asks for the extension within the law's limits
#    (12 months by default, --months N, more refused); for a child
#    without one it is refused and says so; a selected record of
#    another kind or case is refused;
#  - `report final` takes the draft as edited (text changed, a browser's
#    markup added) and writes a record of the dossier: a draft with a
#    placeholder left is refused; hostile files are refused and write
#    nothing (too big, a script, an event handler, an element a draft
#    does not have, not a draft, another case's draft, headings out of
#    order); the record is append-only;
#  - after sync a second laptop lists the report with who finalised it
#    and when, and renders the final document again (no Concept) with
#    the edited text, as HTML and as PDF;
#  - with the server's report_names = roles professionals are shown by
#    role only (the regisseur, an assessor, a note's author, who
#    finalised), the family still by name;
#  - a closed case (GESLOTEN) takes no report.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || fail "jq is needed to parse --json output"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to parse HTML"
command -v pdftotext >/dev/null 2>&1 || fail "pdftotext (poppler-utils) is needed"

deploy
ctl office add Zwolle >/dev/null || fail "office"
ctl user add --name anna --role jeugdbeschermer --office Zwolle >/dev/null ||
    fail "user anna"
ctl user add --name femke --role teamleider --office Zwolle >/dev/null ||
    fail "user femke"
start_server
enroll a anna
enroll a2 anna
enroll f femke

TODAY=$(date -u +%F)
day() {		# day N: today + N days, UTC
	date -u -d "$TODAY + $1 days" +%F
}
nl() {		# nl YYYY-MM-DD: dd-mm-jjjj
	echo "$1" | awk -F- '{ print $3 "-" $2 "-" $1 }'
}
short() {	# the short id of a full id (its last 6 hex digits)
	echo "$1" | cut -c31-36
}

# sections FILE: the h2 headings, then each section's text, as
# "HEADING<TAB>TEXT" lines (html.parser), and "CONCEPT" if marked so,
# "EDITABLE n" for the editable sections
sections() {
	python3 - "$1" <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cur = None; self.inh = False; self.h = ""; self.out = []
        self.concept = False; self.editable = 0; self.inc = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("contenteditable") == "true":
            self.editable += 1
        if tag == "p" and a.get("class") == "concept":
            self.inc = True
        if tag == "h2":
            self.inh = True; self.h = ""
    def handle_endtag(self, tag):
        if tag == "h2":
            self.inh = False; self.cur = [self.h.strip(), ""]
            self.out.append(self.cur)
        if tag == "section":
            self.cur = None
        if tag == "p":
            self.inc = False
    def handle_data(self, d):
        if self.inc and d.strip() == "Concept":
            self.concept = True
        if self.inh:
            self.h += d
        elif self.cur is not None:
            self.cur[1] += " " + " ".join(d.split())
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for h, t in p.out:
    print(h + "\t" + " ".join(t.split()))
if p.concept:
    print("CONCEPT")
print("EDITABLE %d" % p.editable)
EOF
}
headings() {
	sections "$1" | awk -F'\t' 'NF == 2 { print $1 }' | paste -sd'|'
}
section() {	# section FILE HEADING: its text
	sections "$1" | awk -F'\t' -v h="$2" '$1 == h { print $2 }'
}
WANT="Aanleiding|Zorgen|Wat is geprobeerd|Visie van ouders en kind|\
Conclusie en verzoek"

# ---- a dossier: escalations, assessments, notes, a plan with goals,
# a child with an OTS and one without
C=$(laptop a case new --frame DRANG --title "Familie Bakker") ||
    fail "case new"
C=$(echo "$C" | head -1)
CS=$(short "$C")
NOOR=$(laptop a person add --case "$C" --name "Noor Bakker" --role child \
    --birth-date 2012-06-30) || fail "person Noor"
SEM=$(laptop a person add --case "$C" --name "Sem Bakker" --role child \
    --birth-date 2015-03-09) || fail "person Sem"
laptop a person add --case "$C" --name "Ayla Bakker" --role parent \
    --has-gezag yes >/dev/null || fail "person parent"
E1=$(laptop a escalate --case "$C" --to raad --date "$(day -3)" \
    --reason "Grond-E1 schoolverzuim en geweld") || fail "escalation 1"
E2=$(laptop a escalate --case "$C" --to leerplicht --date "$(day -20)" \
    --reason "Niet-gekozen-E2 leerplicht") || fail "escalation 2"
A1=$(laptop a assess add --case "$C" --instrument LIRIK --date "$(day -2)" \
    --outcome "Grond-A1 hoog risico" --assessor "Gerrit Gedrag") ||
    fail "assessment 1"
A2=$(laptop a assess add --case "$C" --instrument ARIJ --date "$(day -40)" \
    --outcome "Niet-gekozen-A2 laag") || fail "assessment 2"
N1=$(laptop a note add --case "$C" --type home_visit \
    --text "Grond-N1 moeder weigert contact") || fail "note 1"
N2=$(laptop a note add --case "$C" --type call \
    --text "Niet-gekozen-N2 gebeld") || fail "note 2"
laptop a plan edit --case "$C" --summary "Plan-S veiligheid thuis" \
    >/dev/null || fail "plan"
laptop a plan goal add --case "$C" --text "Doel-B Noor gaat naar school" \
    --status achieved >/dev/null || fail "goal achieved"
laptop a plan goal add --case "$C" --text "Doel-O opvoedondersteuning" \
    --status open --due "$(day 30)" >/dev/null || fail "goal open"
laptop a case state --case "$C" --to DRANG_INTENSIEF >/dev/null 2>"$T/err" ||
    fail "DRANG_INTENSIEF: $(cat "$T/err")"
laptop a case state --case "$C" --to RAAD_MELDING >/dev/null 2>"$T/err" ||
    fail "RAAD_MELDING: $(cat "$T/err")"
laptop a sync -q || fail "sync a"
laptop a measure start --case "$C" --child Noor --type OTS \
    --court "Rechtbank Overijssel" --zaaknummer "C/08/123456" \
    --decision "$(day -10)" --end "$(day 290)" >/dev/null 2>"$T/err" ||
    fail "OTS for Noor: $(cat "$T/err")"

# ---- the Raad melding: headings, the selected grounds only
laptop a report raad --case "$CS" \
    --select "$(short "$E1"),$(short "$A1"),$(short "$N1")" \
    --out "$T/raad.html" >"$T/out" 2>"$T/err" ||
    fail "report raad: $(cat "$T/err")"
grep -q "report final --case $CS --file $T/raad.html" "$T/out" ||
    fail "report raad says: $(cat "$T/out")"
expect_eq "the draft's headings, in order" "$(headings "$T/raad.html")" \
    "$WANT"
sections "$T/raad.html" | grep -qx CONCEPT || fail "no Concept mark"
sections "$T/raad.html" | grep -x "EDITABLE 6" >/dev/null ||
    fail "sections not editable: $(sections "$T/raad.html" | tail -1)"
ok "the draft is marked Concept and its sections are editable"
section "$T/raad.html" Aanleiding | grep -q "$(nl "$(day -3)"), melding aan \
de Raad voor de Kinderbescherming: Grond-E1 schoolverzuim" ||
    fail "Aanleiding: $(section "$T/raad.html" Aanleiding)"
Z=$(section "$T/raad.html" Zorgen)
echo "$Z" | grep -q "Grond-A1 hoog risico (taxatie door Gerrit Gedrag)" &&
    echo "$Z" | grep -q "huisbezoek (anna): Grond-N1 moeder weigert" ||
    fail "Zorgen: $Z"
ok "the selected escalation, assessment and note are the grounds"
grep -q "Niet-gekozen" "$T/raad.html" &&
    fail "an unselected record is in the draft: $(grep Niet-gekozen \
    "$T/raad.html")"
ok "the unselected escalation, assessment and note are not"
G=$(section "$T/raad.html" "Wat is geprobeerd")
for want in "Plan van aanpak: Plan-S veiligheid thuis" \
    "Doel-B Noor gaat naar school: behaald" \
    "Doel-O opvoedondersteuning: loopt, uiterlijk $(nl "$(day 30)")" \
    "ondertoezichtstelling van Noor Bakker, van $(nl "$(day -10)") tot en \
met $(nl "$(day 290)") (loopt); beschikking van Rechtbank Overijssel van \
$(nl "$(day -10)"), zaaknummer C/08/123456"; do
	echo "$G" | grep -qF "$want" || fail "Wat is geprobeerd lacks \
'$want': $G"
done
ok "the plan, its goals with their status, the measure with its decision"
V=$(section "$T/raad.html" "Visie van ouders en kind")
echo "$V" | grep -q "Visie van Ayla Bakker (ouder, met gezag)" &&
    echo "$V" | grep -q "Visie van Sem Bakker (kind)" || fail "Visie: $V"
section "$T/raad.html" "Conclusie en verzoek" | grep -q "onderzoek in te \
stellen naar de noodzaak van een kinderbeschermingsmaatregel voor Noor \
Bakker, Sem Bakker" || fail "Conclusie: $(section "$T/raad.html" \
"Conclusie en verzoek")"
ok "the views to write and the request to the Raad"
grep -Eq '[0-9a-f]{8}-[0-9a-f]{4}-' "$T/raad.html" &&
    fail "a UUID in the draft: $(grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[^ <]*' \
    "$T/raad.html" | head -1)"
grep -q "<dd>casesync raad $CS</dd>" "$T/raad.html" ||
    fail "Kenmerk: $(grep -A1 Kenmerk "$T/raad.html")"
ok "names, dd-mm-jjjj dates and short ids; no UUID"

# the same draft as PDF (pdftotext): headings in order, Concept, grounds
laptop a report raad --case "$CS" \
    --select "$(short "$E1"),$(short "$A1"),$(short "$N1")" \
    --out "$T/raad.pdf" >"$T/out" 2>"$T/err" ||
    fail "report raad --out .pdf: $(cat "$T/err")"
grep -q "a draft to edit and finalise is an .html file" "$T/out" ||
    fail "report raad .pdf says: $(cat "$T/out")"
pdftotext "$T/raad.pdf" "$T/raad.txt" || fail "pdftotext"
expect_eq "the PDF draft's headings, in order" "$(grep -xE "Aanleiding|\
Zorgen|Wat is geprobeerd|Visie van ouders en kind|Conclusie en verzoek" \
    "$T/raad.txt" | paste -sd'|')" "$WANT"
grep -qx "Concept" "$T/raad.txt" || fail "PDF without Concept"
for want in Grond-E1 Grond-A1 Grond-N1 Doel-B "casesync raad $CS"; do
	grep -q "$want" "$T/raad.txt" || fail "PDF lacks $want"
done
grep -q "Niet-gekozen" "$T/raad.txt" && fail "PDF has an unselected record"
ok "the PDF draft: headings, Concept, the selected grounds only"

expect_refused "a selected record that is no ground" 2 \
    "is not an escalation, assessment or note of this case" \
    a report raad --case "$C" --select "$(short "$NOOR")" \
    --out "$T/x.html"
expect_refused "--out is .html or .pdf" 2 "an .html or a .pdf" \
    a report raad --case "$C" --out "$T/x.txt"

# ---- the verlenging: the child's OTS and the extension asked for
laptop a report verlenging --case "$C" --child noor --out "$T/v.html" \
    >/dev/null 2>"$T/err" || fail "report verlenging: $(cat "$T/err")"
expect_eq "the verlenging's headings, in order" "$(headings "$T/v.html")" \
    "$WANT"
NEWEND=$(date -u -d "$(day 290) + 12 months" +%F)
grep -q "<dt>Huidige einddatum OTS</dt><dd>$(nl "$(day 290)")</dd>" \
    "$T/v.html" || fail "current end: $(grep -A1 einddatum "$T/v.html")"
section "$T/v.html" "Conclusie en verzoek" | grep -q "ondertoezichtstelling \
van Noor Bakker te verlengen met 12 maanden, tot en met $(nl "$NEWEND")" ||
    fail "request: $(section "$T/v.html" "Conclusie en verzoek")"
section "$T/v.html" Aanleiding | grep -q "Voor Noor Bakker loopt een \
ondertoezichtstelling sinds $(nl "$(day -10)"), uitgesproken door Rechtbank \
Overijssel" || fail "Aanleiding: $(section "$T/v.html" Aanleiding)"
grep -q "<dd>casesync verlenging $CS $(short "$NOOR")</dd>" "$T/v.html" ||
    fail "Kenmerk: $(grep -A1 Kenmerk "$T/v.html")"
ok "verlenging: the current end, 12 months more, the decision"
laptop a report verlenging --case "$C" --child Noor --months 6 \
    --out "$T/v6.html" >/dev/null 2>"$T/err" || fail "--months 6: $(cat "$T/err")"
section "$T/v6.html" "Conclusie en verzoek" | grep -q "met 6 maanden, tot \
en met $(nl "$(date -u -d "$(day 290) + 6 months" +%F)")" ||
    fail "6 months: $(section "$T/v6.html" "Conclusie en verzoek")"
ok "verlenging --months 6"
expect_refused "an extension beyond the law's 12 months" 2 \
    "at most 12 months" a report verlenging --case "$C" --child Noor \
    --months 13 --out "$T/x.html"
expect_refused "a verlenging for a child without a running OTS" 1 \
    "Sem Bakker has no running OTS" a report verlenging --case "$C" \
    --child Sem --out "$T/x.html"
expect_refused "a verlenging names its child" 2 "for which child" \
    a report verlenging --case "$C" --out "$T/x.html"
[ -e "$T/x.html" ] && fail "a refused draft wrote a file"
ok "refused drafts write no file"

# ---- finalising: the edited draft (text changed, browser markup added)
before=$(laptop a digest)
expect_refused "a draft with a placeholder left is not finalised" 2 \
    "still has a placeholder" a report final --case "$C" --file "$T/v.html"
python3 - "$T/v.html" "$T/v-edited.html" <<'EOF'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace("[in te vullen: de zorgen over de veiligheid en ontwikkeling "
    "van het kind]", "Bewerkt-Z Noor verzuimt <b>nog steeds</b> school."
    "<div>Tweede regel &amp; meer</div>")
s = re.sub(r"\[in te vullen: wat vindt ([^?]*)\?\]",
    r"Bewerkt-V \1 stemt in.", s)
s = s.replace("[in te vullen: de onderbouwing van de conclusie]",
    "Bewerkt-C de zorgen zijn niet weg.<br>Daarom verlenging.")
open(sys.argv[2], "w", encoding="utf-8").write(s)
EOF
laptop a report final --case "$CS" --file "$T/v-edited.html" >"$T/out" \
    2>"$T/err" || fail "report final: $(cat "$T/err")"
grep -q "^report [0-9a-f]* finalised" "$T/out" || fail "final: $(cat "$T/out")"
R=$(laptop a --json report list --case "$C" | jq -r '.[0].record_id')
[ "$(laptop a --json report list --case "$C" | jq length)" = 1 ] ||
    fail "report list: $(laptop a report list --case "$C")"
ok "report final: the edited draft is a record of the dossier"
laptop a --json record get "$R" >"$T/rec" 2>"$T/err" ||
    fail "record get: $(cat "$T/err")"
expect_eq "the record: type, child, the edited text as plain text" \
    "$(jq -r '[.kind, .fields.type, .fields.child, .fields.child_name,
    .fields.zorgen] | join("|")' "$T/rec")" \
    "report|verlenging|$NOOR|Noor Bakker|Bewerkt-Z Noor verzuimt nog steeds \
school.
Tweede regel & meer"
jq -r .fields.conclusie "$T/rec" | grep -qx "Bewerkt-C de zorgen zijn niet \
weg." || fail "conclusie: $(jq -r .fields.conclusie "$T/rec")"
jq -r .fields.aanleiding "$T/rec" | grep -q "^Voor Noor Bakker loopt" ||
    fail "aanleiding: $(jq -r .fields.aanleiding "$T/rec")"
jq -r .fields.geprobeerd "$T/rec" | grep -qx -- "- Doel-B Noor gaat naar \
school: behaald" || fail "geprobeerd: $(jq -r .fields.geprobeerd "$T/rec")"
ok "lines and list items kept as plain text"

# ---- hostile files: refused, nothing written
C2=$(laptop a case new --frame DRANG --title "Familie Anders" | head -1) ||
    fail "case 2"
after=$(laptop a digest)
hostile() {	# hostile WHAT PATTERN PYTHON-EXPR(s): the edited draft changed
	python3 -c "import sys
s = open(sys.argv[1], encoding='utf-8').read()
$3
open(sys.argv[2], 'w', encoding='utf-8').write(s)" "$T/v-edited.html" \
	    "$T/h.html" || fail "python: $1"
	expect_refused "$1" 2 "$2" a report final --case "$C" --file "$T/h.html"
}
hostile "a script is refused" "holds a script" \
    "s = s.replace('Bewerkt-C', '<script>alert(1)</script>Bewerkt-C')"
hostile "a script in the head is refused too" "holds a script" \
    "s = s.replace('</head>', '<SCRIPT src=x></SCRIPT></head>')"
hostile "an event handler is refused" "event handler" \
    "s = s.replace('<b>', '<b onmouseover=\"x()\">')"
hostile "an element a draft does not have" "holds <iframe>" \
    "s = s.replace('Bewerkt-C', '<iframe src=\"http://x\"></iframe>')"
hostile "headings out of order" "twice or out of order" \
    "s = s.replace('<h2>Visie van ouders en kind</h2>', '<h2>Zorgen</h2>', 1)"
hostile "a heading missing" "is missing" \
    "s = s.replace('<h2>Wat is geprobeerd</h2>', '<h2>Wat anders</h2>')"
hostile "no Kenmerk: not a draft" "Kenmerk" \
    "s = s.replace('casesync verlenging', 'iets anders')"
hostile "an empty section" "is empty" \
    "import re; s = re.sub(r'(<h2>Zorgen</h2>).*?(</section>)', r'\1\2', s, flags=re.S)"
python3 -c "import sys
b = open(sys.argv[1], 'rb').read().replace(b'Bewerkt-C', b'Bewerkt-C\\xff')
open(sys.argv[2], 'wb').write(b)" "$T/v-edited.html" "$T/h.html"
expect_refused "a file that is not UTF-8" 2 "not UTF-8" \
    a report final --case "$C" --file "$T/h.html"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$T/big.html"
expect_refused "a file over 1 MiB is refused" 2 "larger than a draft" \
    a report final --case "$C" --file "$T/big.html"
printf '<html><body><h1>Hallo</h1><p>gewoon een pagina</p></body></html>' \
    >"$T/other.html"
expect_refused "a page that is not our draft" 2 "heading \"Aanleiding\" \
is missing" a report final --case "$C" --file "$T/other.html"
laptop a report show --case "$C" --id "$(short "$R")" --out "$T/final.html" \
    >/dev/null 2>"$T/err" || fail "report show: $(cat "$T/err")"
expect_refused "the final document is no draft to finalise" 2 "Kenmerk" \
    a report final --case "$C" --file "$T/final.html"
expect_refused "a device is no draft" 2 "not a regular file" \
    a report final --case "$C" --file /dev/null
expect_refused "another case's draft" 2 "this draft is of another case" \
    a report final --case "$C2" --file "$T/v-edited.html"
expect_eq "refused files wrote nothing" "$(laptop a digest)" "$after"
[ "$before" != "$after" ] || fail "the report was not written"

# ---- append-only: a report is never changed
laptop a record put --case "$C" --kind report --id "$R" type=raad \
    >"$T/out" 2>&1 && fail "a report was changed: $(cat "$T/out")"
grep -q "is append-only" "$T/out" || fail "record put said: $(cat "$T/out")"
ok "a finalised report is never changed (a correction is a new report)"

# ---- the second laptop: the record, who and when, the final document
laptop a sync -q || fail "sync a"
laptop a2 sync -q || fail "sync a2"
laptop a2 --json report list --case "$C" >"$T/l2" || fail "report list a2"
expect_eq "the second laptop lists it with author and date" \
    "$(jq -r '.[0] | [.short_id, .type, .child, .created_by,
    (.created_at | .[0:10]), .pending] | join(" ")' "$T/l2")" \
    "$(short "$R") verlenging Noor Bakker anna $TODAY false"
laptop a2 report list --case "$C" >"$T/l2t" || fail "report list a2"
grep -q "verlenging  Familie Bakker, Noor Bakker  (finalised: written by \
anna on $TODAY" "$T/l2t" || fail "report list: $(cat "$T/l2t")"
ok "report list for people: type, family, child, who and when"
laptop a2 report show --case "$C" --id "$(short "$R")" \
    --out "$T/final2.html" >/dev/null 2>"$T/err" ||
    fail "report show a2: $(cat "$T/err")"
expect_eq "the final document's headings" "$(headings "$T/final2.html")" \
    "$WANT"
sections "$T/final2.html" | grep -qx CONCEPT && fail "final marked Concept"
sections "$T/final2.html" | grep -x "EDITABLE 0" >/dev/null || fail "final editable"
grep -q "<dt>Vastgesteld door</dt><dd>anna</dd>" "$T/final2.html" &&
    grep -q "<dt>Vastgesteld op</dt><dd>$(nl "$TODAY") " "$T/final2.html" ||
    fail "who and when: $(grep -A1 Vastgesteld "$T/final2.html")"
section "$T/final2.html" "Zorgen" | grep -q "Bewerkt-Z Noor verzuimt nog \
steeds school. Tweede regel & meer" ||
    fail "final Zorgen: $(section "$T/final2.html" Zorgen)"
ok "rendered again on the second laptop: the edited text, who and when"
laptop a2 report show --case "$C" --id "$(short "$R")" \
    --out "$T/final2.pdf" >/dev/null 2>"$T/err" ||
    fail "report show .pdf: $(cat "$T/err")"
pdftotext "$T/final2.pdf" "$T/final2.txt" || fail "pdftotext final"
grep -qx Concept "$T/final2.txt" && fail "the final PDF is marked Concept"
grep -q "Bewerkt-C de zorgen zijn niet weg." "$T/final2.txt" &&
    grep -q "Vastgesteld door" "$T/final2.txt" ||
    fail "final PDF: $(cat "$T/final2.txt")"
ok "the final document as PDF"
laptop a2 reads | grep -q "report" || fail "no report read in the read log"
ok "making and showing reports is in the read log"

# ---- the institution names professionals by role only
stop_server
start_server "report_names = roles"
laptop a sync -q || fail "sync a (roles)"
laptop a report raad --case "$C" --select "$(short "$A1"),$(short "$N1")" \
    --out "$T/roles.html" >/dev/null 2>"$T/err" ||
    fail "report raad (roles): $(cat "$T/err")"
grep -q "<dt>Regisseur</dt><dd>jeugdbeschermer</dd>" "$T/roles.html" &&
    section "$T/roles.html" Zorgen | grep -q "(taxatie door medewerker)" &&
    section "$T/roles.html" Zorgen | grep -q "huisbezoek (medewerker)" ||
    fail "roles: $(section "$T/roles.html" Zorgen)"
grep -Eq "anna|Gerrit" "$T/roles.html" && fail "a name with report_names = roles"
laptop a report show --case "$C" --id "$(short "$R")" --out "$T/rf.html" \
    >/dev/null || fail "report show (roles)"
grep -q "<dt>Vastgesteld door</dt><dd>medewerker</dd>" "$T/rf.html" ||
    fail "roles: $(grep -A1 Vastgesteld "$T/rf.html")"
ok "report_names = roles: professionals by role only, the family by name"

# ---- a closed case takes no report
laptop a report raad --case "$C2" --out "$T/r2.html" >/dev/null ||
    fail "draft case 2"
python3 -c "import sys, re
s = open(sys.argv[1], encoding='utf-8').read()
s = re.sub(r'\[in te vullen[^]]*\]', 'ingevuld', s)
open(sys.argv[1], 'w', encoding='utf-8').write(s)" "$T/r2.html"
laptop a sync -q || fail "sync a"
laptop a --json case close --case "$C2" --reason doel_bereikt \
    --summary "Klaar" >"$T/req" 2>"$T/err" || fail "case close: $(cat "$T/err")"
laptop a sync -q || fail "sync a (close request)"
laptop f sync -q || fail "sync f"
laptop f approve "$(jq -r .approval_id "$T/req")" >/dev/null 2>"$T/err" ||
    fail "approve: $(cat "$T/err")"
laptop a nazorg add --case "$C2" --by wijkteam --name "Wijkteam Zuid" \
    --agreements "Contact" --end "$(day 60)" >/dev/null || fail "nazorg"
laptop a case state --case "$C2" --to NAZORG >/dev/null 2>"$T/err" ||
    fail "NAZORG: $(cat "$T/err")"
laptop a closing add --case "$C2" --reason doel_bereikt --summary "Klaar" \
    >/dev/null || fail "closing add"
laptop a case state --case "$C2" --to GESLOTEN >/dev/null 2>"$T/err" ||
    fail "GESLOTEN: $(cat "$T/err")"
expect_refused "a closed case takes no report" 5 "closed (GESLOTEN)" \
    a report final --case "$C2" --file "$T/r2.html"
