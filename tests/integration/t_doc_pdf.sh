#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A report document (client/core/doc.h) rendered to PDF and HTML by
# $BUILD/tests/doc_render, then read back by independent programs:
#   - the PDF with poppler (pdfinfo, pdftotext): its page count, the
#     title as the only metadata, the words in their order, the Dutch
#     accents (é, ë, ï, ö), '?' for what Windows-1252 lacks, hostile
#     text as text, the rows of a table of several pages in order with
#     its header row on every page, "Pagina N van M" and the footer on
#     every page, "Concept" on every page of a draft and on none of a
#     final document; every word inside the page's text area (so the
#     lines were broken by the real widths);
#   - the HTML with Python's html.parser (html_check.py): well formed,
#     no script, nothing fetched, the same words, a draft editable;
#   - the HTML printed to PDF by headless Chromium: its print CSS puts
#     the footer and "Pagina i van M" on every page, "Concept" on every
#     page of a draft, the table's header row on each of its pages.
# Needs poppler-utils and chromium (scripts/deps.sh).
. "$(dirname "$0")/lib.sh"

R="$B/tests/doc_render"
command -v pdftotext >/dev/null || fail "pdftotext missing (sh scripts/deps.sh)"
[ -x "$R" ] || fail "$R missing (make testbins)"

ROWS=150
LONG="De gezinsvoogd heeft met beide ouders gesproken over de zorgen \
rond school en de thuissituatie; de afspraken uit het plan zijn \
besproken en deels nagekomen, het café-bezoek van vader is verminderd \
en de reünie met de grootouders is goed verlopen."

# one line of the script, as it is (dash's echo would read backslashes)
e() {
	printf '%s\n' "$*"
}

script() {
	e "title Verzoek verlenging OTS Familie Öztürk (é ë ï)"
	[ "$1" = draft ] && echo "draft"
	e "footer Vertrouwelijk: alleen voor de Raad en de rechtbank"
	e "fact Dossier|Familie Öztürk"
	e "fact Datum|6 december 2026"
	e "fact Gezinsvoogd|Anna de Vries\\nTeam Noord"
	e "h1 Aanleiding"
	e "p $LONG $LONG $LONG"
	e "p Naïef zijn we niet: één gesprek is geen oplossing. Teken 漢 buiten de codetabel."
	e "p Vijandige tekst: (a) \\\\ b) <script>alert(1)</script> &amp; \"quote\""
	e "h1 Zorgen"
	e "item Eerste zorg: schoolverzuim"
	e "item Tweede zorg: ruzies thuis"
	e "note Bron: journaal en taxaties"
	e "h2 Contacten"
	e "table Datum|Wie|Wat"
	i=1
	while [ $i -le $ROWS ]; do
		e "row $i-5-2026|Medewerker $i|Gesprek rij$i met ouders over de voortgang van het plan; afspraken gemaakt"
		i=$((i + 1))
	done
	e "h1 Wat is geprobeerd"
	w=1
	words=""
	while [ $w -le 400 ]; do
		words="$words woord$w"
		w=$((w + 1))
	done
	e "p$words"
	# short words: line ends close to the margin, for the check below
	short=""
	w=1
	while [ $w -le 60 ]; do
		short="$short ik je wij u ze het de en in op"
		w=$((w + 1))
	done
	e "p$short"
	e "h1 Conclusie en verzoek"
	e "p Wij verzoeken de rechtbank de OTS met één jaar te verlengen."
}

for kind in final draft; do
	script $kind >"$T/$kind.txt"
	"$R" "$T/$kind.html" "$T/$kind.pdf" <"$T/$kind.txt" 2>"$T/err" ||
	    fail "doc_render $kind: $(cat "$T/err")"
	pdfinfo "$T/$kind.pdf" >"$T/$kind.info" 2>"$T/err" ||
	    fail "pdfinfo $kind: $(cat "$T/err")"
	# poppler complains on stderr about a broken xref or stream
	[ -s "$T/err" ] && fail "pdfinfo $kind says: $(cat "$T/err")"
	pdftotext -enc UTF-8 "$T/$kind.pdf" "$T/$kind.pdf.txt" 2>"$T/err" ||
	    fail "pdftotext $kind"
	[ -s "$T/err" ] && fail "pdftotext $kind says: $(cat "$T/err")"
done
ok "rendered, and poppler reads both without a complaint"

# ---- metadata and pages
N=$(awk '/^Pages:/ { print $2 }' "$T/final.info")
[ "$N" -ge 4 ] || fail "only $N pages"
expect_eq "draft has as many pages" \
    "$(awk '/^Pages:/ { print $2 }' "$T/draft.info")" "$N"
expect_eq "title in /Info" "$(sed -n 's/^Title: *//p' "$T/final.info")" \
    "Verzoek verlenging OTS Familie Öztürk (é ë ï)"
grep -q "^Page size: *595.28 x 841.89 pts (A4)" "$T/final.info" ||
    fail "not A4: $(grep '^Page size' "$T/final.info")"
grep -qE '^(Author|Creator|Producer|Subject|Keywords|CreationDate|ModDate):' \
    "$T/final.info" && fail "metadata beyond the title: $(cat "$T/final.info")"
grep -q '^PDF version: *1.4' "$T/final.info" || fail "not PDF 1.4"
ok "$N pages, A4, PDF 1.4, the title the only metadata"

# ---- words, accents, order
t="$T/final.pdf.txt"
for w in "Familie Öztürk (é ë ï)" "café-bezoek" "reünie" "Naïef" "één gesprek" \
    "Anna de Vries" "Team Noord" "Teken ? buiten de codetabel" \
    "(a) \\ b) <script>alert(1)</script> &amp; \"quote\"" \
    "Eerste zorg: schoolverzuim" "Bron: journaal en taxaties" \
    "Vertrouwelijk: alleen voor de Raad en de rechtbank" \
    "met één jaar te verlengen"; do
	grep -qF -- "$w" "$t" || fail "PDF text lacks '$w'"
done
ok "PDF words and accents (é ë ï ö), '?' outside Windows-1252, hostile text as text"

line() {
	n=$(grep -nF -- "$1" "$t" | head -1 | cut -d: -f1)
	[ -n "$n" ] || fail "'$1' not in the PDF text"
	echo "$n"
}
prev=0
for h in "Aanleiding" "Zorgen" "Contacten" "Wat is geprobeerd" \
    "Conclusie en verzoek"; do
	n=$(line "$h")
	[ "$n" -gt "$prev" ] || fail "'$h' out of order"
	prev=$n
done
ok "headings in order"

# every row once, in order; the long paragraph's words in order
tr -s ' \n' '\n\n' <"$t" | grep -o '^rij[0-9]*$' >"$T/rows"
expect_eq "rows" "$(wc -l <"$T/rows" | tr -d ' ')" "$ROWS"
seq 1 $ROWS | sed 's/^/rij/' | cmp -s - "$T/rows" || fail "rows out of order"
tr -s ' \n' '\n\n' <"$t" | grep -o '^woord[0-9]*$' >"$T/words"
seq 1 400 | sed 's/^/woord/' | cmp -s - "$T/words" ||
    fail "the long paragraph's words lost or out of order"
ok "$ROWS rows and 400 words of a long paragraph, each once, in order"

# ---- every page: footer, page number, header row of the table
# pages_ok PDF KIND WHAT: every page of PDF has "Pagina i van M" (M its
# page count) and the footer, "Concept" if KIND is draft (else not),
# and where it holds rows of the table, its header row; sets M and
# TABLE_PAGES
pages_ok() {
	M=$(pdfinfo "$1" | awk '/^Pages:/ { print $2 }')
	[ "${M:-0}" -ge 2 ] || fail "$3 $2: ${M:-no} pages"
	TABLE_PAGES=0
	i=1
	while [ $i -le "$M" ]; do
		pdftotext -enc UTF-8 -f $i -l $i "$1" "$T/p.txt"
		grep -qx "Pagina $i van $M" "$T/p.txt" ||
		    fail "$3 $2 page $i lacks 'Pagina $i van $M'"
		grep -qF "Vertrouwelijk: alleen voor de Raad" "$T/p.txt" ||
		    fail "$3 $2 page $i lacks the footer"
		c=$(grep -cx "Concept" "$T/p.txt")
		if [ "$2" = draft ]; then
			[ "$c" -ge 1 ] || fail "$3 draft page $i: no Concept"
		else
			[ "$c" -eq 0 ] || fail "$3 final page $i: Concept"
		fi
		if grep -q "^Gesprek rij" "$T/p.txt"; then
			TABLE_PAGES=$((TABLE_PAGES + 1))
			grep -qx "Wat" "$T/p.txt" ||
			    fail "$3 $2 page $i: no header row"
		fi
		i=$((i + 1))
	done
}
first=$(grep -c '^Pagina ' "$T/final.pdf.txt")
expect_eq "page numbers" "$first" "$N"
expect_eq "Concept once a page" \
    "$(tr -d '\f' <"$T/draft.pdf.txt" | grep -cx Concept)" "$N"
pages_ok "$T/final.pdf" final PDF
pages_ok "$T/draft.pdf" draft PDF
[ "$TABLE_PAGES" -ge 2 ] || fail "the table fits on $TABLE_PAGES page"
grep -q "Pagina 2 van $N" "$T/final.pdf.txt" || fail "no 'Pagina 2 van $N'"
ok "every page: 'Pagina i van $N', the footer; the table on $TABLE_PAGES pages, its header on each; Concept on each draft page only"

# ---- lines broken by the widths: every word inside the text area, and
# each line of a paragraph as full as it can be (the first word of the
# next line would not have fitted after it), as poppler measures them
pdftotext -bbox "$T/final.pdf" "$T/bbox.html" || fail "pdftotext -bbox"
python3 - "$T/bbox.html" <<'EOF' || fail "lines not broken by the widths"
import re, sys
RIGHT = 538.59                  # A4 595.28 pt less 56.69 pt
SPACE = 2.78                    # Helvetica's space at 10 pt
lines = {}
page = 0
n = 0
for m in re.finditer(r'<page |<word xMin="([0-9.]+)" yMin="([0-9.]+)" '
                     r'xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)',
                     open(sys.argv[1], encoding="utf-8").read()):
    if m.group(0) == "<page ":
        page += 1
        continue
    x0, y0, x1, y1 = map(float, m.groups()[:4])
    n += 1
    if x0 < 56.6 or x1 > RIGHT + 0.01 or y0 < 0 or y1 > 841.89:
        print("outside the text area: %r %s" % (m.group(5), m.groups()[:4]))
        sys.exit(1)
    lines.setdefault((page, round(y0, 1)), []).append((x0, x1, m.group(5)))
if n < 1000:
    print("only %d words" % n)
    sys.exit(1)
keys = sorted(lines, key=lambda k: (k[0], k[1]))
checked = 0
for a, b in zip(keys, keys[1:]):
    la, lb = lines[a], lines[b]
    # two lines of one paragraph: 13.5 pt apart, both at the margin
    if a[0] != b[0] or abs(b[1] - a[1] - 13.5) > 0.2:
        continue
    if abs(la[0][0] - 56.69) > 0.1 or abs(lb[0][0] - 56.69) > 0.1:
        continue
    end = max(w[1] for w in la)
    nxt = lb[0][1] - lb[0][0]
    if end + SPACE + nxt <= RIGHT:
        print("'%s' would have fitted after '%s' (%.2f + %.2f + %.2f)" %
              (lb[0][2], la[-1][2], end, SPACE, nxt))
        sys.exit(1)
    checked += 1
if checked < 40:
    print("only %d line breaks checked" % checked)
    sys.exit(1)
print("checked %d line breaks" % checked)
EOF
ok "every word within the margins; every line break of a paragraph where the next word no longer fits"

# ---- the HTML
for kind in final draft; do
	python3 "$top/tests/integration/html_check.py" "$T/$kind.html" $kind \
	    >"$T/$kind.html.txt" 2>"$T/err" ||
	    fail "html_check $kind: $(cat "$T/err")"
done
h="$T/final.html.txt"
for w in "Verzoek verlenging OTS Familie Öztürk (é ë ï)" "café-bezoek" \
    "reünie" "Naïef" "Teken 漢 buiten de codetabel" \
    "(a) \\ b) <script>alert(1)</script> &amp; \"quote\"" \
    "Eerste zorg: schoolverzuim" "Gesprek rij$ROWS met ouders" \
    "Vertrouwelijk: alleen voor de Raad en de rechtbank"; do
	grep -qF -- "$w" "$h" || fail "HTML text lacks '$w'"
done
expect_eq "HTML rows" "$(grep -c '^Gesprek rij' "$h")" "$ROWS"
grep -o 'rij[0-9]*' "$h" | cmp -s - "$T/rows" || fail "HTML rows out of order"
ok "HTML well formed, no script, nothing fetched, words and accents, rows in order; draft editable with Concept"

# ---- the HTML printed by Chromium (its print CSS at work): every page
# has the footer and "Pagina i van M" in its margin, a draft "Concept";
# a table continued on a page repeats its header row
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run scripts/deps.sh"
sandbox=""
[ "$(id -u)" -eq 0 ] && sandbox="--no-sandbox"	# Chromium refuses root
for kind in final draft; do
	# shellcheck disable=SC2086
	timeout 120 /usr/bin/chromium --headless=new $sandbox --disable-gpu \
	    --disable-dev-shm-usage --user-data-dir="$T/profile-$kind" \
	    --no-first-run --disable-extensions --disable-sync \
	    --disable-background-networking --disable-component-update \
	    --no-pdf-header-footer --print-to-pdf="$T/$kind.print.pdf" \
	    "file://$T/$kind.html" >"$T/chromium.log" 2>&1 ||
	    fail "chromium --print-to-pdf $kind: $(tail -5 "$T/chromium.log")"
	pages_ok "$T/$kind.print.pdf" $kind printed
	[ "$TABLE_PAGES" -ge 2 ] || fail "printed: the table on $TABLE_PAGES page"
done
ok "HTML printed by Chromium: $M pages, each with the footer and 'Pagina i van $M', the table's header on each, Concept on the draft's only"
