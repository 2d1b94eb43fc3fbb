/* SPDX-License-Identifier: ISC */
/*
 * ui_plan.c - the plan on the dossier page (ui_plan.h).
 */
#include <string.h>

#include "body.h"
#include "html.h"
#include "plan.h"
#include "ui_data.h"
#include "ui_plan.h"
#include "ui_written.h"

const struct ui_rec *
ui_plan_pick(const struct ui_case *c, size_t *others)
{
	const struct ui_rec	*newest = NULL;
	char			 pid[DB_UUID_LEN + 1];
	size_t			 i, n = 0;

	*others = 0;
	plan_record_id(c->row->case_id, pid);
	/* the records come by kind and hybrid clock: the last is newest */
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->r[i].kind, "plan") != 0)
			continue;
		n++;
		if (strcmp(c->r[i].id, pid) == 0)
			newest = &c->r[i];
		else if (newest == NULL || strcmp(newest->id, pid) != 0)
			newest = &c->r[i];
	}
	*others = n > 0 ? n - 1 : 0;
	return newest;
}

/* Who agreed, in Dutch: the words of PLAN_AGREED_CHOICES. */
static const struct {
	const char	*word;
	const char	*nl;
} ui_plan_who[] = {
	{ "parents", "ouders" },
	{ "wijkteam", "wijkteam" },
	{ "jeugdbeschermer", "jeugdbeschermer" },
	{ "kind", "kind" },
	{ "gedragswetenschapper", "gedragswetenschapper" },
	{ "jeugdhulp", "jeugdhulp" },
	{ "school", "school" },
	{ "network", "netwerk" },
};

static void
ui_plan_agreed(struct html *h, const struct body_field *f)
{
	const char	*p, *e, *end;
	size_t		 i, len;

	if (f == NULL) {
		html_raw(h, "onbekend");
		return;
	}
	p = (const char *)f->value;
	end = p + f->len;
	for (; p < end; p = e + 1) {
		if ((e = memchr(p, ',', (size_t)(end - p))) == NULL)
			e = end;
		len = (size_t)(e - p);
		if (p != (const char *)f->value)
			html_raw(h, ", ");
		for (i = 0; i < sizeof(ui_plan_who) / sizeof(ui_plan_who[0]);
		    i++)
			if (strlen(ui_plan_who[i].word) == len &&
			    memcmp(ui_plan_who[i].word, p, len) == 0)
				break;
		if (i < sizeof(ui_plan_who) / sizeof(ui_plan_who[0]))
			html_raw(h, ui_plan_who[i].nl);
		else
			html_textn(h, p, len);
		if (e == end)
			break;
	}
}

static void
ui_plan_field(struct html *h, const struct ui_rec *r, const char *name)
{
	const struct body_field	*f = body_get(&r->b, name);

	if (f != NULL)
		html_textn(h, (const char *)f->value, f->len);
}

/* A date as the page shows dates (dd-mm-jjjj, html_ymd). */
static void
ui_plan_date(struct html *h, const struct body_field *f)
{
	char	ymd[16];

	if (f == NULL || f->len >= sizeof(ymd))
		return;
	memcpy(ymd, f->value, f->len);
	ymd[f->len] = '\0';
	html_ymd(h, ymd);
}

void
ui_plan_versions(struct html *h, const struct ui_case *c)
{
	const struct ui_rec	*r;
	size_t			 i, n = 0;

	html_raw(h, "<h3>Versies van het plan</h3>");
	for (i = 0; i < c->n; i++) {
		r = &c->r[i];
		if (strcmp(r->kind, "plan_version") != 0)
			continue;
		if (n++ == 0)
			html_raw(h, "<table class=\"records\"><caption>Versies "
			    "van het plan</caption><thead><tr>"
			    "<th scope=\"col\">Versie</th>"
			    "<th scope=\"col\">Datum</th>"
			    "<th scope=\"col\">Afgestemd met</th>"
			    "<th scope=\"col\">Geschreven</th>"
			    "</tr></thead><tbody>");
		html_raw(h, "<tr><td>");
		ui_plan_field(h, r, "number");
		html_raw(h, "</td><td>");
		ui_plan_date(h, body_get(&r->b, "date"));
		html_raw(h, "</td><td>");
		ui_plan_agreed(h, body_get(&r->b, "agreed_with"));
		html_raw(h, "</td><td class=\"wie\">");
		ui_written_by(h, r);
		html_raw(h, "</td></tr>");
	}
	if (n > 0)
		html_raw(h, "</tbody></table>");
	else
		html_raw(h, "<p class=\"leeg\">Er is nog geen versie van het "
		    "plan afgestemd.</p>");
}
