/* SPDX-License-Identifier: ISC */
/*
 * test_ui_pages.c - the case-file pages of casesync ui rendered on a
 * real vault with test records: no UUID anywhere a person reads it,
 * dates as dd-mm-jjjj, hostile names escaped, the accent-insensitive
 * search, overdue and amber rows, sorting by deadline, every read in
 * the read log, a wrong form value that comes back with everything
 * typed and the message next to the field, a saved form that
 * redirects, a read-only case, and the Teamleider page.
 */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_db.h"
#include "test_ui_pages.h"

#include "case_meta.h"
#include "measure.h"
#include "msg_sync.h"
#include "nolost.h"
#include "readlog.h"
#include "schema.h"
#include "ui_words.h"
#include "ui_data.h"
#include "ui_written.h"

static struct ui_ctx	ctx;
static char		c_oz[DB_UUID_LEN + 1], c_ja[DB_UUID_LEN + 1];
static char		c_xss[DB_UUID_LEN + 1], c_none[DB_UUID_LEN + 1];
static char		c_verv[DB_UUID_LEN + 1];
static char		kid[DB_UUID_LEN + 1];

#define UUID_RE	"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#define ISO_RE	"[0-9]{4}-[0-9]{2}-[0-9]{2}"

static int
matches(const char *re, const char *s)
{
	regex_t	r;
	int	m;

	ASSERT_INT_EQ(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* The page as a person reads it: the text between the tags. */
static char *
visible(const char *html)
{
	char	*out, *o;
	int	 tag = 0;

	ASSERT_PTR_NE(out = malloc(strlen(html) + 1), NULL);
	for (o = out; *html != '\0'; html++) {
		if (*html == '<')
			tag = 1;
		else if (*html == '>') {
			tag = 0;
			*o++ = ' ';
		} else if (!tag)
			*o++ = *html;
	}
	*o = '\0';
	return out;
}

static int64_t
reads(const char *action, const char *case_id)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 n;

	ASSERT_INT_EQ(sqlite3_prepare_v2(ctx.db, "SELECT count(*) FROM "
	    "read_log WHERE action = ?1 AND case_id = ?2", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_STATIC);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The checks every page passes. */
static void
common_checks(const char *html)
{
	char	*v = visible(html);

	if (matches(UUID_RE, html))
		TEST_FAIL_("%s", "a UUID on the page (text, link or form)");
	if (matches(ISO_RE, v))
		TEST_FAIL_("%s", "a date is shown as jjjj-mm-dd");
	if (strstr(html, "<script") != NULL)
		TEST_FAIL_("%s", "a <script> on the page");
	if (strstr(html, "style=") != NULL || strstr(html, "<style") != NULL)
		TEST_FAIL_("%s", "inline style on the page");
	free(v);
}

static void
fill(void)
{
	static struct case_measures	ms;
	char				d[16], mrec[DB_UUID_LEN + 1];
	int64_t				today = localday_today();

	/* drang since 60 days: the toetsing (6 weeks) is overdue */
	ASSERT_INT_EQ(tui_case(ctx.db, c_oz, LC_FRAME_DRANG,
	    LC_DRANG_INTENSIEF, 60, "Sanne de Vries"), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "casefile", NULL, "title",
	    "Familie \xc3\x96zt\xc3\xbcrk", NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "person", kid, "name",
	    "Elif \xc3\x96zt\xc3\xbcrk", "role", "child", "birth_date",
	    "2015-03-09", NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "person", NULL, "name",
	    "Ay\xc5\x9f" "e \xc3\x96zt\xc3\xbcrk", "role", "parent",
	    "has_gezag", "yes", "child", kid, "address",
	    "Dorpsstraat 1, Zwolle", "municipality", "GM0193", "bsn",
	    "111222333", "birth_date", "1988-07-14", NULL), 0);
	/* Elif's OTS: the server's (case_measures) and its sealed record */
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "measure", mrec, "type", "OTS",
	    "child", kid, "court", "Rechtbank Amsterdam", "zaaknummer",
	    "C/13/4711", "decision_date", "2025-01-02", "start", "2025-01-03",
	    "end", "2026-01-02", "measure_id", "1", NULL), 0);
	memset(&ms, 0, sizeof(ms));
	ms.n = 2;
	ms.m[0].id = 1;
	memcpy(ms.m[0].child_id, kid, sizeof(ms.m[0].child_id));
	ms.m[0].type = MS_OTS;
	ASSERT_INT_EQ(lc_date_parse("2025-01-02", &ms.m[0].decision), 0);
	ASSERT_INT_EQ(lc_date_parse("2025-01-03", &ms.m[0].start), 0);
	ms.m[0].end = today + 70;	/* its extension request: in 14 days */
	ms.m[0].ended_on = LC_NODATE;
	ms.m[0].extensions = 1;
	memcpy(ms.record_id[0], mrec, sizeof(ms.record_id[0]));
	/* a VOTS of a child this laptop holds no person record of */
	ms.m[1].id = 2;
	(void)snprintf(ms.m[1].child_id, sizeof(ms.m[1].child_id), "%s",
	    "0193a0b0-0000-7000-8000-00000000abcd");
	ms.m[1].type = MS_VOTS;
	ms.m[1].decision = ms.m[1].start = today - 80;
	ms.m[1].end = today - 10;	/* after Öztürk's toetsing */
	ms.m[1].ended_on = LC_NODATE;
	db_uuid(ms.record_id[1]);
	ASSERT_INT_EQ(case_measures_put(ctx.db, c_oz, &ms), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "plan", NULL, "summary",
	    "Veilig thuis wonen\nmet steun", NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "goal", NULL, "text",
	    "Elif gaat naar school", "status", "open", NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "assessment", NULL, "instrument",
	    "LIRIK", "outcome", "zorgelijk", "date", "2025-02-01", NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "partner", NULL, "name",
	    "Wijkteam Noord", "type", "wijkteam", "basis", "consent",
	    "consent_date", "2025-01-20", "consent_scope", "schoolzaken",
	    NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "escalation", NULL, "to",
	    "veilig_thuis", "reason", "melding", "date", "2025-02-03", NULL),
	    0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "journal", NULL, "text",
	    "eerste huisbezoek", "type", "home_visit", "date", "2025-02-04",
	    NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "journal", NULL, "text",
	    "tweede gesprek", "type", "call", "date", "2025-02-10", "time",
	    "09:30", "author", "Sanne de Vries", NULL), 0);
	/* drang since 35 days: the toetsing is due in 7 days (amber) */
	ASSERT_INT_EQ(tui_case(ctx.db, c_ja, LC_FRAME_DRANG,
	    LC_DRANG_INTENSIEF, 35, "Bram <i>Bakker</i>"), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_ja, "casefile", NULL, "title",
	    "Familie Jansen", NULL), 0);
	/* a goal due in 40 days */
	lc_date_format(today + 40, d, sizeof(d));
	ASSERT_INT_EQ(tui_case(ctx.db, c_xss, LC_FRAME_OTS, LC_AANMELDING, 3,
	    "Sanne de Vries"), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_xss, "casefile", NULL, "title",
	    "<script>alert(1)</script> & 'zo'", NULL), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_xss, "goal", NULL, "text",
	    "<img src=x onerror=alert(2)>", "due", d, NULL), 0);
	ASSERT_INT_EQ(tui_case(ctx.db, c_none, LC_FRAME_VOOGDIJ,
	    LC_AANMELDING, 1, ""), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_none, "casefile", NULL, "title",
	    "Familie De Vries", NULL), 0);
	/* drang in its follow-up, not extended: a teamleider's approval */
	ASSERT_INT_EQ(tui_case(ctx.db, c_verv, LC_FRAME_DRANG,
	    LC_DRANG_VERVOLG, 50, "Bram <i>Bakker</i>"), 0);
	ASSERT_INT_EQ(tui_put(ctx.db, c_verv, "casefile", NULL, "title",
	    "Familie Visser", NULL), 0);
}

static void
test_caseload(void)
{
	struct tui_req	 t;
	char		*p, *a, *b, *c, *d, want[16], ymd[16];
	int64_t		 before = reads("list", "");

	TEST_START("caseload: rows, order, colours, escaping, read log");
	tui_req(&t, "/", 0, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_caseload, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_PTR_NE(strstr(p, "<h1>Mijn caseload</h1>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<label for=\"q\">"), NULL);
	ASSERT_PTR_NE(a = strstr(p, "Familie \xc3\x96zt\xc3\xbcrk"), NULL);
	ASSERT_PTR_NE(b = strstr(p, "Familie Jansen"), NULL);
	ASSERT_PTR_NE(c = strstr(p, "&lt;script&gt;alert(1)&lt;/script&gt; "
	    "&amp; &#39;zo&#39;"), NULL);
	ASSERT_PTR_NE(d = strstr(p, "Familie De Vries"), NULL);
	/* soonest first; no deadline last */
	ASSERT_INT_EQ(a < b && b < c && c < d, 1);
	/* overdue: red class and the words; within 14 days: amber */
	ASSERT_PTR_NE(strstr(p, "<tr class=\"overdue\"><th scope=\"row\">"
	    "<a href=\"/dossier?case="), NULL);
	ASSERT_PTR_NE(strstr(a, "<strong class=\"marker\">Te laat:</strong>"),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<tr class=\"soon\">"), NULL);
	ASSERT_PTR_NE(strstr(b, "<strong class=\"marker\">Binnenkort:"
	    "</strong>"), NULL);
	/* regisseurs, escaped */
	ASSERT_PTR_NE(strstr(a, "<td>Sanne de Vries</td>"), NULL);
	ASSERT_PTR_NE(strstr(b, "<td>Bram &lt;i&gt;Bakker&lt;/i&gt;</td>"),
	    NULL);
	/* Öztürk's toetsing: drang start + 42 days, as dd-mm-jjjj */
	lc_date_format(localday_today() - 60 + LC_TOETSING_DAYS, ymd,
	    sizeof(ymd));
	snprintf(want, sizeof(want), "%.2s-%.2s-%.4s", ymd + 8, ymd + 5, ymd);
	ASSERT_PTR_NE(strstr(a, want), NULL);
	ASSERT_PTR_NE(strstr(a, "Elif \xc3\x96zt\xc3\xbcrk"), NULL);
	ASSERT_PTR_NE(strstr(a, "Drang"), NULL);
	/* each child's next deadline too, with its first name; a lapsed
	 * VOTS said so; "kind" for a child not on this laptop */
	ASSERT_PTR_NE(strstr(a, "Verzoek verlenging OTS</span> <span "
	    "class=\"kind\">(Elif)</span>"), NULL);
	ASSERT_PTR_NE(strstr(a, "Einde VOTS</span> <span class=\"kind\">"
	    "(kind)</span> <strong class=\"marker\">VOTS vervallen"
	    "</strong>"), NULL);
	ASSERT_INT_EQ(strstr(a, "(kind)") < b, 1);
	ASSERT_INT_EQ(reads("list", ""), before + 1);
	free(p);
	TEST_DONE();
}

static void
test_search(void)
{
	struct tui_req	 t;
	char		*p;
	const char	*qs[] = { "\xc3\xb6zt\xc3\xbcrk", "OZTURK",
	    "\xc3\x96ZT\xc3\x9cRK", "elif", NULL };
	size_t		 i;

	TEST_START("caseload search: case and accents folded");
	for (i = 0; qs[i] != NULL; i++) {
		tui_req(&t, "/", 0, "q", qs[i], NULL);
		ASSERT_INT_EQ(tui_run(ui_page_caseload, &ctx, &t, &p, NULL),
		    200);
		common_checks(p);
		ASSERT_PTR_NE(strstr(p, "<td>Elif \xc3\x96zt\xc3\xbcrk</td>"),
		    NULL);
		ASSERT_PTR_EQ(strstr(p, "Familie Jansen"), NULL);
		ASSERT_PTR_NE(strstr(p, "1 gezin,"), NULL);
		free(p);
	}
	tui_req(&t, "/", 0, "q", "<b>niemand</b>", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_caseload, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_PTR_NE(strstr(p, "Geen gezinnen gevonden voor \xe2\x80\x9c"
	    "&lt;b&gt;niemand&lt;/b&gt;"), NULL);
	ASSERT_PTR_NE(strstr(p, "value=\"&lt;b&gt;niemand&lt;/b&gt;\""),
	    NULL);
	free(p);
	TEST_DONE();
}

static void
test_dossier(void)
{
	struct tui_req	 t;
	char		*p, *first, *second;
	int64_t		 before = reads("show", c_oz);
	int64_t		 all = reads("list", ""), row = reads("list", c_oz);

	TEST_START("dossier: every section, journal newest first, read log");
	tui_req(&t, "/dossier", 0, "case", c_oz, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_INT_EQ(reads("show", c_oz), before + 1);
	/* the head reads this case's row only, not every family's */
	ASSERT_INT_EQ(reads("list", c_oz), row + 1);
	ASSERT_INT_EQ(reads("list", ""), all);
	ASSERT_PTR_NE(strstr(p, "<h1>Familie \xc3\x96zt\xc3\xbcrk</h1>"),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<td>Ay\xc5\x9f" "e \xc3\x96zt\xc3\xbcrk"),
	    NULL);
	/* what a worker needs of a person: address, birth date, gemeente */
	ASSERT_PTR_NE(strstr(p, "<th scope=\"col\">Adres</th>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<th scope=\"col\">Geboortedatum</th>"),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<th scope=\"col\">Gemeente</th>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<td>14-07-1988</td><td>Dorpsstraat 1, "
	    "Zwolle</td><td>GM0193</td>"), NULL);
	/* never a BSN in a list */
	ASSERT_PTR_EQ(strstr(p, "111222333"), NULL);
		/* who holds gezag, and over whom */
	ASSERT_PTR_NE(strstr(p, "<td>Ja</td><td>Elif \xc3\x96zt\xc3\xbcrk"),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<h3>Elif \xc3\x96zt\xc3\xbcrk</h3>"), NULL);
	/* the measures per child: type in words, decision, status */
	ASSERT_PTR_NE(strstr(p, "<td>ondertoezichtstelling</td><td>Rechtbank "
	    "Amsterdam, 02-01-2025, zaaknummer C/13/4711</td><td>03-01-2025"
	    "</td>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<td>loopt</td><td>1</td>"), NULL);
	ASSERT_PTR_NE(strstr(p, "Verzoek verlenging OTS"), NULL);
	/* a lapsed VOTS of a child not on this laptop, said so */
	ASSERT_PTR_NE(strstr(p, "<caption>Maatregelen van een kind dat niet "
	    "op deze laptop staat</caption>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<td>voorlopige OTS</td>"), NULL);
	ASSERT_PTR_NE(strstr(p, "VOTS vervallen"), NULL);
	/* measures are started with the server, not by a form here */
	ASSERT_PTR_EQ(strstr(p, "kind=measure"), NULL);
	ASSERT_PTR_NE(strstr(p, "casesync measure start"), NULL);
	ASSERT_PTR_NE(strstr(p, "Veilig thuis wonen<br>met steun"), NULL);
	ASSERT_PTR_NE(strstr(p, "Elif gaat naar school"), NULL);
	ASSERT_PTR_NE(strstr(p, "LIRIK"), NULL);
	ASSERT_PTR_NE(strstr(p, "Wijkteam Noord"), NULL);
	ASSERT_PTR_NE(strstr(p, "Veilig Thuis"), NULL);
	ASSERT_PTR_NE(first = strstr(p, "tweede gesprek"), NULL);
	ASSERT_PTR_NE(second = strstr(p, "eerste huisbezoek"), NULL);
	ASSERT_INT_EQ(first < second, 1);
	/* author and time on every entry: this laptop's user, unsynced */
	ASSERT_PTR_NE(strstr(p, "<h3>10-02-2025 09:30 \xc2\xb7 "
	    "Telefoongesprek</h3><p class=\"wie\">Geschreven door Anna "
	    "Jansen op "), NULL);
	ASSERT_PTR_NE(strstr(p, " (nog niet gesynchroniseerd)</p><div "
	    "class=\"tekst\">"), NULL);
	/* an author typed into an older note is not its author */
	ASSERT_PTR_EQ(strstr(p, "Geschreven door Sanne"), NULL);
	/* every record of a table too, and the plan's versions */
	ASSERT_INT_GE(count(p, "<td class=\"wie\">Geschreven door Anna "
	    "Jansen op "), 5);
	ASSERT_PTR_NE(strstr(p, "<h3>Versies van het plan</h3><p class=\"leeg\">"
	    "Er is nog geen versie van het plan afgestemd.</p>"), NULL);
	/* a note without a time: only its date, no time of writing */
	ASSERT_PTR_NE(strstr(p, "<h3>04-02-2025 \xc2\xb7 Huisbezoek</h3>"),
	    NULL);
	ASSERT_INT_EQ(count(p, "</h3><p class=\"wie\">Geschreven door "), 2);
	ASSERT_PTR_NE(strstr(p, ">Journaal toevoegen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Persoon toevoegen</a>"), NULL);
	ASSERT_PTR_EQ(strstr(p, ">Maatregel toevoegen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Plan wijzigen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Doel toevoegen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Taxatie toevoegen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Partner toevoegen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Escalatie toevoegen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Wijzigen</a>"), NULL);
	ASSERT_PTR_NE(strstr(p, "Te laat:</strong>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<dd>Sanne de Vries</dd>"), NULL);
	free(p);
	/* hostile text in a dossier stays text */
	tui_req(&t, "/dossier", 0, "case", c_xss, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_PTR_EQ(strstr(p, "<img"), NULL);
	ASSERT_PTR_NE(strstr(p, "&lt;img src=x onerror=alert(2)&gt;"), NULL);
	free(p);
	/* a case this laptop does not hold */
	tui_req(&t, "/dossier", 0, "case",
	    "01234567-89ab-7def-8123-456789abcdef", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 404);
	common_checks(p);
	free(p);
	tui_req(&t, "/dossier", 0, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 404);
	free(p);
	TEST_DONE();
}

static void
test_forms(void)
{
	const struct schema_kind	*k;
	struct tui_req			 t;
	const char			*kinds[] = { "casefile", "person",
	    "plan", "goal", "assessment", "journal", "partner",
	    "escalation", NULL };
	char				*p, loc[512], label[64];
	int64_t				 n0;
	size_t				 i, j;

	TEST_START("forms: labelled fields, csrf, Opslaan, per kind");
	for (i = 0; kinds[i] != NULL; i++) {
		ASSERT_PTR_NE(k = schema_kind(kinds[i]), NULL);
		tui_req(&t, "/form", 0, "case", c_oz, "kind", kinds[i], NULL);
		ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 200);
		common_checks(p);
		for (j = 0; j < k->nfields; j++) {
			snprintf(label, sizeof(label), "<label for=\"f-%s\">",
			    k->fields[j].name);
			/* a note's author is the user, never typed */
			if (strcmp(k->kind, "journal") == 0 &&
			    strcmp(k->fields[j].name, "author") == 0) {
				ASSERT_PTR_EQ(strstr(p, label), NULL);
				continue;
			}
			ASSERT_PTR_NE(strstr(p, label), NULL);
			snprintf(label, sizeof(label), " id=\"f-%s\"",
			    k->fields[j].name);
			ASSERT_INT_EQ(count(p, label), 1);
		}
		ASSERT_PTR_NE(strstr(p, "<input type=\"hidden\" name=\"csrf\" "
		    "value=\"t0ken\">"), NULL);
		ASSERT_PTR_NE(strstr(p, "<button type=\"submit\">Opslaan"
		    "</button>"), NULL);
		free(p);
	}
	tui_req(&t, "/form", 0, "case", c_oz, "kind", "journal", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 200);
	ASSERT_PTR_NE(strstr(p, "<h1>Journaal toevoegen</h1>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<textarea rows=\"8\" id=\"f-text\""), NULL);
	ASSERT_PTR_NE(strstr(p, "<option value=\"home_visit\">Huisbezoek"),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "type=\"date\" id=\"f-date\""), NULL);
	free(p);
	/* the plan exists: its form changes it, filled in */
	tui_req(&t, "/form", 0, "case", c_oz, "kind", "plan", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 200);
	ASSERT_PTR_NE(strstr(p, "<h1>Plan wijzigen</h1>"), NULL);
	ASSERT_PTR_NE(strstr(p, ">Veilig thuis wonen\nmet steun</textarea>"),
	    NULL);
	free(p);
	/* a measure has no form: it needs its decision and the server */
	tui_req(&t, "/form", 0, "case", c_oz, "kind", "measure", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 404);
	ASSERT_PTR_NE(strstr(p, "casesync measure start"), NULL);
	free(p);
	n0 = tdb_int(ctx.db, "SELECT count(*) FROM records");
	tui_req(&t, "/form", 1, "csrf", "t0ken", "case", c_oz, "kind",
	    "measure", "type", "OTS", "child", kid, "court", "x", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 404);
	ASSERT_INT_EQ(tdb_int(ctx.db, "SELECT count(*) FROM records"), n0);
	free(p);
	/* a goal's child is chosen by name */
	tui_req(&t, "/form", 0, "case", c_oz, "kind", "person", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 200);
	ASSERT_PTR_NE(strstr(p, "\">Elif \xc3\x96zt\xc3\xbcrk</option>"),
	    NULL);
	free(p);
	TEST_DONE();

	TEST_START("forms: a wrong value comes back with what was typed");
	n0 = tdb_int(ctx.db, "SELECT count(*) FROM records");
	tui_req(&t, "/form", 1, "csrf", "t0ken", "case", c_oz, "kind",
	    "person", "name", "Mehmet <b>\xc3\x96zt\xc3\xbcrk</b>", "role",
	    "parent", "birth_date", "31-02-2020", "bsn", "123456789",
	    "address", "Dorpsstraat 1", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 400);
	common_checks(p);
	ASSERT_INT_EQ(tdb_int(ctx.db, "SELECT count(*) FROM records"), n0);
	ASSERT_PTR_NE(strstr(p, "value=\"Mehmet &lt;b&gt;\xc3\x96zt\xc3\xbcrk"
	    "&lt;/b&gt;\""), NULL);
	ASSERT_PTR_NE(strstr(p, "value=\"Dorpsstraat 1\""), NULL);
	ASSERT_PTR_NE(strstr(p, "<option value=\"parent\" selected>"), NULL);
	/* the wrong date is kept as typed, in a text field */
	ASSERT_PTR_NE(strstr(p, "type=\"text\" placeholder=\"dd-mm-jjjj\" "
	    "id=\"f-birth_date\" name=\"birth_date\" class=\"field-error\" "
	    "aria-invalid=\"true\" aria-describedby=\"f-birth_date-fout\" "
	    "value=\"31-02-2020\""),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<p class=\"error\" id=\"f-birth_date-"
	    "fout\">Die maand heeft zo&#39;n dag niet.</p>"), NULL);
	ASSERT_PTR_NE(strstr(p, "<p class=\"error\" id=\"f-bsn-fout\">"
	    "Dit BSN klopt niet volgens de elfproef"), NULL);
	ASSERT_PTR_NE(strstr(p, "role=\"alert\""), NULL);
	free(p);
	/* a required field left empty */
	tui_req(&t, "/form", 1, "csrf", "t0ken", "case", c_oz, "kind",
	    "journal", "text", "", "type", "call", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 400);
	ASSERT_PTR_NE(strstr(p, "id=\"f-text-fout\">Dit veld is verplicht."),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<option value=\"call\" selected>"), NULL);
	free(p);
	TEST_DONE();

	TEST_START("forms: saved, 303 to the dossier");
	tui_req(&t, "/form", 1, "csrf", "t0ken", "case", c_oz, "kind",
	    "journal", "text", "derde: <b>gesprek</b> op school", "type",
	    "meeting", "date", "05-02-2025", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, loc), 303);
	ASSERT_INT_EQ(strncmp(loc, "/dossier?case=", 14), 0);
	ASSERT_PTR_NE(strstr(loc, "#journaal"), NULL);
	ASSERT_INT_EQ(tdb_int(ctx.db, "SELECT count(*) FROM records"), n0 + 1);
	ASSERT_INT_EQ(tdb_int(ctx.db, "SELECT count(*) FROM records WHERE "
	    "kind = 'journal'"), 3);
	free(p);
	tui_req(&t, "/dossier", 0, "case", c_oz, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 200);
	ASSERT_PTR_NE(strstr(p, "derde: &lt;b&gt;gesprek&lt;/b&gt; op school"),
	    NULL);
	/* newest first: 10-02, 05-02 (typed dd-mm-jjjj), 04-02 */
	ASSERT_PTR_NE(strstr(p, "<h3>05-02-2025 "), NULL);
	ASSERT_INT_EQ(strstr(p, "tweede gesprek") < strstr(p, "derde:"), 1);
	ASSERT_INT_EQ(strstr(p, "derde:") < strstr(p, "eerste huisbezoek"),
	    1);
	/* the note's author is this laptop's user, as the core sets it */
	ASSERT_INT_EQ(count(p, "</h3><p class=\"wie\">Geschreven door Anna "
	    "Jansen"), 3);
	free(p);
	ASSERT_INT_EQ(tdb_int(ctx.db, "SELECT count(*) FROM records WHERE "
	    "kind = 'journal'"), 3);
	/* an edit keeps the record and changes the field */
	tui_req(&t, "/form", 1, "csrf", "t0ken", "case", c_ja, "kind",
	    "casefile", "title", "Familie Jansen-Bakker", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, loc), 303);
	free(p);
	ASSERT_INT_EQ(tdb_count(ctx.db, "SELECT count(*) FROM records WHERE "
	    "case_id = ?1 AND kind = 'casefile'", c_ja), 1);
	tui_req(&t, "/", 0, "q", "bakker", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_caseload, &ctx, &t, &p, NULL), 200);
	ASSERT_PTR_NE(strstr(p, "Familie Jansen-Bakker"), NULL);
	free(p);
	/* a journal entry is never changed */
	tui_req(&t, "/form", 0, "case", c_oz, "kind", "nonsense", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 404);
	free(p);
	TEST_DONE();
}

static void
test_team(void)
{
	struct tui_req	 t;
	char		*p;

	TEST_START("teamleider: per regisseur, deadlines, offline, approvals");
	tui_req(&t, "/team", 0, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_team, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_PTR_NE(strstr(p, "<h1>Teamleider</h1>"), NULL);
	ASSERT_PTR_NE(strstr(p, "Caseload per regisseur"), NULL);
	ASSERT_PTR_NE(strstr(p, "Termijnen van het team"), NULL);
	ASSERT_PTR_NE(strstr(p, "<tr class=\"overdue\"><td><strong class=\""
	    "marker\">Te laat:</strong>"), NULL);
	/* per regisseur, the unknown last */
	ASSERT_PTR_NE(strstr(p, "<h3>Bram &lt;i&gt;Bakker&lt;/i&gt; <span "
	    "class=\"aantal\">(2 gezinnen)"), NULL);
	ASSERT_PTR_NE(strstr(p, "<h3>Sanne de Vries <span class=\"aantal\">"
	    "(2 gezinnen)"), NULL);
	ASSERT_INT_EQ(strstr(p, "<h3>Sanne de Vries") <
	    strstr(p, "<h3>Regisseur onbekend"), 1);
	/* not enrolled: the transfers cannot be asked, and it says so */
	ASSERT_PTR_NE(strstr(p, "nog niet aangemeld bij de server"), NULL);
	/* what waits for her approval comes from the server: it says so */
	ASSERT_PTR_NE(strstr(p, "<section id=\"goedkeuringen\">"), NULL);
	ASSERT_PTR_NE(strstr(strstr(p, "<section id=\"goedkeuringen\">"),
	    "Wacht op uw akkoord"), NULL);
	ASSERT_PTR_NE(strstr(strstr(p, "<section id=\"goedkeuringen\">"),
	    "verzoeken om akkoord zijn er niet te zien"), NULL);
	free(p);
	TEST_DONE();
}

/* Every refusal schema_check can give has its Dutch sentence. */
static void
test_words(void)
{
	const char *const		 bad[] = { "", " ", "x\x01y", "\xff",
	    "\xc3", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	    "2025-02-30", "2025-13-01", "1800-01-01", "31-12-2025", "12345678",
	    "12345678a", "000000000", "123456789", "GM12", "25:00", "nee",
	    "not-a-uuid", NULL };
	const char *const		 kinds[] = { "casefile", "person",
	    "measure", "plan", "goal", "assessment", "journal", "partner",
	    "escalation", NULL };
	const struct schema_kind	*k;
	const char			*why;
	char				 big[SCHEMA_LONG_MAX + 2];
	size_t				 i, j, b;

	TEST_START("every refusal of a field has its Dutch sentence");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; kinds[i] != NULL; i++) {
		ASSERT_PTR_NE(k = schema_kind(kinds[i]), NULL);
		for (j = 0; j < k->nfields; j++) {
			for (b = 0; bad[b] != NULL; b++) {
				if (schema_check(&k->fields[j], bad[b], &why) ==
				    0)
					continue;
				if (strcmp(ui_why_word(why), why) == 0)
					TEST_FAIL_("no Dutch for \"%s\"", why);
			}
			if (schema_check(&k->fields[j], big, &why) != 0 &&
			    strcmp(ui_why_word(why), why) == 0)
				TEST_FAIL_("no Dutch for \"%s\"", why);
		}
	}
	ASSERT_INT_NE(strcmp(ui_why_word("is required"), "is required"), 0);
	ASSERT_INT_NE(strcmp(ui_why_word("is required; it cannot be unset"),
	    "is required; it cannot be unset"), 0);
	TEST_DONE();
}

static void
test_readonly(void)
{
	struct msg_case_access	 a;
	struct tui_req		 t;
	char			*p;
	int64_t			 n0;

	TEST_START("a read-only case: said in Dutch, no form, nothing written");
	memset(&a, 0, sizeof(a));
	a.case_id = c_ja;
	a.mode = "handover";
	a.since = 1700000000;
	a.until = 1900000000;
	ASSERT_INT_EQ(db_begin(ctx.db), 0);
	ASSERT_INT_EQ(nolost_access_set(ctx.db, &a, 1), 0);
	ASSERT_INT_EQ(db_commit(ctx.db), 0);
	n0 = tdb_int(ctx.db, "SELECT count(*) FROM records");
	tui_req(&t, "/dossier", 0, "case", c_ja, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_PTR_NE(strstr(p, "<strong>Alleen lezen.</strong> Dit dossier "
	    "is overgedragen aan een ander kantoor. U kunt het lezen tot "),
	    NULL);
	free(p);
	tui_req(&t, "/form", 0, "case", c_ja, "kind", "journal", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 403);
	common_checks(p);
	ASSERT_PTR_NE(strstr(p, "Alleen lezen."), NULL);
	ASSERT_PTR_EQ(strstr(p, "<form"), NULL);
	free(p);
	tui_req(&t, "/form", 1, "csrf", "t0ken", "case", c_ja, "kind",
	    "journal", "text", "mag niet", NULL);
	ASSERT_INT_EQ(tui_run(ui_page_form, &ctx, &t, &p, NULL), 403);
	common_checks(p);
	free(p);
	ASSERT_INT_EQ(tdb_int(ctx.db, "SELECT count(*) FROM records"), n0);
	ASSERT_INT_EQ(db_begin(ctx.db), 0);
	ASSERT_INT_EQ(nolost_access_set(ctx.db, NULL, 0), 0);
	ASSERT_INT_EQ(db_commit(ctx.db), 0);
	TEST_DONE();
}

/* The plan's agreed versions on the dossier page. */
static void
test_plan_versions(void)
{
	struct tui_req	 t;
	char		*p;

	TEST_START("dossier: Versies van het plan, who agreed in Dutch");
	ASSERT_INT_EQ(tui_put(ctx.db, c_oz, "plan_version", NULL, "number",
	    "1", "summary", "Veilig thuis wonen", "agreed_with",
	    "parents,wijkteam,kind", "date", "2026-12-01", NULL), 0);
	tui_req(&t, "/dossier", 0, "case", c_oz, NULL);
	ASSERT_INT_EQ(tui_run(ui_page_dossier, &ctx, &t, &p, NULL), 200);
	common_checks(p);
	ASSERT_PTR_NE(strstr(p, "<caption>Versies van het plan</caption>"),
	    NULL);
	ASSERT_PTR_NE(strstr(p, "<tr><td>1</td><td>01-12-2026</td><td>ouders, "
	    "wijkteam, kind</td><td class=\"wie\">Geschreven door Anna "
	    "Jansen op "), NULL);
	ASSERT_PTR_EQ(strstr(p, "Er is nog geen versie van het plan"), NULL);
	free(p);
	TEST_DONE();
}

/* "Geschreven door ..." as the dossier page says it (ui_written.c). */
static const char *
written(const struct ui_rec *r)
{
	static char	out[512];
	struct html	h;
	const char	*p;
	size_t		 len;

	ASSERT_INT_EQ(html_init(&h, 4096), 0);
	ui_written_by(&h, r);
	ASSERT_INT_EQ(html_failed(&h), 0);
	p = html_ptr(&h, &len);
	ASSERT_TRUE(len < sizeof(out));
	memcpy(out, p, len);
	out[len] = '\0';
	html_free(&h);
	return out;
}

static void
test_written(void)
{
	struct ui_rec	r;

	TEST_START("who wrote it, in Dutch, the names escaped");
	memset(&r, 0, sizeof(r));
	ASSERT_STR_EQ(written(&r), "Geschreven door onbekend");
	(void)snprintf(r.by.created_by, sizeof(r.by.created_by), "Anna");
	r.by.created_at = 1796288700;	/* 3 december 2026 10:05 local */
	r.by.changed_at = r.by.created_at;
	(void)snprintf(r.by.changed_by, sizeof(r.by.changed_by), "Anna");
	ASSERT_STR_EQ(written(&r),
	    "Geschreven door Anna op 3 december 2026 om 10:05");
	r.by.changed_at = 1796374800;	/* 4 december 2026 10:00 */
	ASSERT_STR_EQ(written(&r), "Geschreven door Anna op 3 december 2026 "
	    "om 10:05, gewijzigd op 4 december 2026 om 10:00");
	(void)snprintf(r.by.changed_by, sizeof(r.by.changed_by),
	    "<b>Bert</b>");
	r.by.pending = 1;
	ASSERT_STR_EQ(written(&r), "Geschreven door Anna op 3 december 2026 "
	    "om 10:05, gewijzigd door &lt;b&gt;Bert&lt;/b&gt; op 4 december "
	    "2026 om 10:00 (nog niet gesynchroniseerd)");
	TEST_DONE();
}

int
main(void)
{
	struct vault	*v;
	char		 top[PATH_MAX];

	ASSERT_INT_EQ(setenv("TZ", "Europe/Amsterdam", 1), 0);
	tdb_start("test_ui_pages", top);
	v = tdb_vault(top, "v", 1);
	memset(&ctx, 0, sizeof(ctx));
	ctx.vault = v;
	ctx.db = vault_db(v);
	ctx.dir = top;
	ctx.csrf = "t0ken";
	ASSERT_INT_EQ(db_init(ctx.db), 0);
	ASSERT_INT_EQ(readlog_init(ctx.db), 0);
	ASSERT_INT_EQ(db_self_set(ctx.db, "7", "Anna Jansen"), 0);
	test_written();
	fill();
	test_caseload();
	test_search();
	test_dossier();
	test_forms();
	test_team();
	test_readonly();
	test_words();
	test_plan_versions();
	vault_close(v);
	tdb_remove(top, "v");
	(void)rmdir(top);
	return 0;
}
