/* SPDX-License-Identifier: ISC */
/*
 * ui_page_dossier.c - "Gezinsdossier" (GET /dossier?case=ID): one
 * family's case file as the core reads it (the view is in the read
 * log): the case's frame, state, regisseur and deadlines; the persons
 * and who holds gezag; the measures per child; the plan with its
 * goals; safety assessments; partners; escalations; and the journal,
 * newest first, with author and time on every entry.  Each section
 * links to the form that adds to it, each changeable record to the
 * form that edits it (ui_page_form.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseload.h"
#include "errors.h"
#include "html.h"
#include "lifecycle.h"
#include "measure.h"
#include "measure_view.h"
#include "schema.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_util.h"
#include "ui_words.h"

void
ui_page_message(struct ui_ctx *ctx, struct ui_resp *resp, int status,
    const char *title, const char *msg)
{
	resp->status = status;
	ui_page_begin(ctx, &resp->page, title, NULL);
	html_raw(&resp->page, "<h1>");
	html_text(&resp->page, title);
	html_raw(&resp->page, "</h1><p>");
	html_text(&resp->page, msg);
	html_raw(&resp->page, "</p><p><a href=\"/\">Terug naar mijn caseload"
	    "</a></p>");
	ui_page_end(ctx, &resp->page);
}

struct dview {
	struct ui_ctx		*ctx;
	struct html		*h;
	const struct ui_case	*c;
};

/* The name of the person record "id" points to, or "onbekend". */
static void
person_name(const struct dview *d, const uint8_t *id, size_t len)
{
	const struct ui_rec	*p;
	char			 rid[DB_UUID_LEN + 1], name[UI_TEXT_MAX];

	if (len == DB_UUID_LEN) {
		memcpy(rid, id, len);
		rid[len] = '\0';
		if ((p = ui_case_rec(d->c, rid)) != NULL &&
		    *ui_rec_str(p, "name", name, sizeof(name)) != '\0') {
			html_text(d->h, name);
			return;
		}
	}
	html_raw(d->h, "onbekend");
}

/* Field "name" of a record as people read it. */
static void
field_value(const struct dview *d, const struct ui_rec *r, const char *name,
    size_t max)
{
	const struct schema_kind	*k = schema_kind(r->kind);
	const struct schema_field	*sf;
	const struct body_field		*f = body_get(&r->b, name);
	char				 v[64];

	if (f == NULL || f->len == 0)
		return;
	sf = k != NULL ? schema_field(k, name) : NULL;
	switch (sf != NULL ? sf->type : SCHEMA_TEXT) {
	case SCHEMA_DATE:
		html_ymd(d->h, ui_rec_str(r, name, v, sizeof(v)));
		return;
	case SCHEMA_CHOICE:
		html_text(d->h, ui_choice_word(ui_rec_str(r, name, v,
		    sizeof(v))));
		return;
	case SCHEMA_REF:
		person_name(d, f->value, f->len);
		return;
	default:
		ui_value(d->h, f->value, f->len, max);
		return;
	}
}

static void
link_form(const struct dview *d, const char *kind, const char *id,
    const char *text)
{
	html_raw(d->h, "<a href=\"/form?case=");
	ui_idarg(d->h, d->c->cl->ids, d->c->row->case_id);
	html_raw(d->h, "&amp;kind=");
	html_raw(d->h, kind);
	if (id != NULL) {
		html_raw(d->h, "&amp;id=");
		ui_idarg(d->h, d->c->cl->ids, id);
	}
	html_raw(d->h, "\">");
	html_raw(d->h, text);
	html_raw(d->h, "</a>");
}

static void
conflict_note(const struct dview *d, const struct ui_rec *r)
{
	if (r->conflicts == 0)
		return;
	html_raw(d->h, "<p class=\"conflict\">Twee versies van deze gegevens "
	    "spreken elkaar tegen: <a href=\"/sync\">kies bij Sync</a>.</p>");
}

/*
 * A table of the records of "kind" (and, if "child" is not NULL, only
 * those whose "child" field is that id), with "cols" as columns.
 */
static size_t
kind_table(const struct dview *d, const char *kind, const char *const *cols,
    const char *child, const char *caption)
{
	const struct ui_rec	*r;
	size_t			 i, j, n = 0;
	int			 edit = 1;
	const struct schema_kind *k = schema_kind(kind);

	if (k != NULL && k->append_only)
		edit = 0;
	for (i = 0; i < d->c->n; i++) {
		r = &d->c->r[i];
		if (strcmp(r->kind, kind) != 0 ||
		    (child != NULL && !ui_rec_is(r, "child", child)))
			continue;
		if (n++ == 0) {
			html_raw(d->h, "<table class=\"records\"><caption>");
			html_text(d->h, caption);
			html_raw(d->h, "</caption><thead><tr>");
			for (j = 0; cols[j] != NULL; j++) {
				html_raw(d->h, "<th scope=\"col\">");
				html_text(d->h, ui_field_word(kind, cols[j]));
				html_raw(d->h, "</th>");
			}
			if (edit)
				html_raw(d->h, "<th scope=\"col\">Actie</th>");
			html_raw(d->h, "</tr></thead><tbody>");
		}
		html_raw(d->h, "<tr>");
		for (j = 0; cols[j] != NULL; j++) {
			html_raw(d->h, "<td>");
			field_value(d, r, cols[j], 0);
			if (j == 0)
				conflict_note(d, r);
			html_raw(d->h, "</td>");
		}
		if (edit) {
			html_raw(d->h, "<td>");
			link_form(d, kind, r->id, "Wijzigen");
			html_raw(d->h, "</td>");
		}
		html_raw(d->h, "</tr>");
	}
	if (n > 0)
		html_raw(d->h, "</tbody></table>");
	return n;
}

static void
section_persons(const struct dview *d)
{
	/* what a worker needs; the BSN only on the person's own form */
	static const char *const cols[] = { "name", "role", "birth_date",
	    "address", "municipality", "has_gezag", "child", NULL };

	html_raw(d->h, "<section id=\"personen\"><h2>Personen</h2>");
	if (kind_table(d, "person", cols, NULL, "Personen in dit gezin en "
	    "wie gezag heeft") == 0)
		html_raw(d->h, "<p class=\"leeg\">Nog geen personen.</p>");
	html_raw(d->h, "<p>");
	link_form(d, "person", NULL, "Persoon toevoegen");
	html_raw(d->h, "</p></section>");
}

/* A date of a measure, dd-mm-jjjj, or "-". */
static void
measure_date(const struct dview *d, int64_t day)
{
	char	ymd[LC_DATE_LEN + 1];

	if (day == LC_NODATE) {
		html_raw(d->h, "-");
		return;
	}
	lc_date_format(day, ymd, sizeof(ymd));
	html_ymd(d->h, ymd);
}

/* The row of measure "i": type, decision, dates, status, deadline. */
static void
measure_row(const struct dview *d, size_t i)
{
	const struct measure_view	*v = d->c->mv;
	const struct ms_measure		*m = &v->m[i];
	const struct measure_rec	*rec = v->rec[i];
	const struct ms_deadline	*dl;
	size_t				 k;

	html_raw(d->h, "<tr");
	if (v->status[i] == MS_LAPSED)
		html_raw(d->h, " class=\"overdue\"");
	html_raw(d->h, "><td>");
	html_text(d->h, ui_measure_word(ms_type_name(m->type)));
	html_raw(d->h, "</td><td>");
	if (rec != NULL) {
		html_text(d->h, rec->court);
		html_raw(d->h, ", ");
		measure_date(d, rec->decision_date);
		html_raw(d->h, ", zaaknummer ");
		html_text(d->h, rec->zaaknummer);
		for (k = 0; k < rec->next; k++) {
			html_raw(d->h, "<br>Verlengd tot ");
			measure_date(d, rec->ext[k].end);
			html_raw(d->h, ": ");
			html_text(d->h, rec->ext[k].court);
			html_raw(d->h, ", ");
			measure_date(d, rec->ext[k].decision_date);
			html_raw(d->h, ", zaaknummer ");
			html_text(d->h, rec->ext[k].zaaknummer);
		}
	} else {
		measure_date(d, m->decision);
		html_raw(d->h, " (de beschikking staat nog niet op deze "
		    "laptop: synchroniseer)");
	}
	html_raw(d->h, "</td><td>");
	measure_date(d, m->start);
	html_raw(d->h, "</td><td>");
	measure_date(d, m->end);
	if (m->ended_on != LC_NODATE) {
		html_raw(d->h, " (be\xc3\xabindigd op ");
		measure_date(d, m->ended_on);
		html_raw(d->h, ")");
	}
	html_raw(d->h, "</td><td>");
	if (v->status[i] == MS_LAPSED && m->type == MS_VOTS)
		html_raw(d->h, "<strong class=\"marker\">VOTS vervallen"
		    "</strong>");
	else
		html_text(d->h, ui_measure_status_word(ms_status_name(
		    v->status[i])));
	html_raw(d->h, "</td><td>");
	html_int(d->h, m->extensions);
	html_raw(d->h, "</td><td>");
	if (v->next[i] < 0)
		html_raw(d->h, "geen");
	else {
		dl = &v->dl[v->next[i]];
		if (dl->days_left < 0)
			html_raw(d->h, "<strong class=\"marker\">Te laat:"
			    "</strong> ");
		measure_date(d, dl->due);
		html_raw(d->h, " ");
		html_text(d->h, ui_deadline_word(ms_deadline_name(
		    dl->kind)));
	}
	html_raw(d->h, "</td></tr>");
}

/*
 * The measures of one child (child_id; NULL: those of children this
 * laptop holds no person record of) as a table: 0 if none.
 */
static size_t
measure_table(const struct dview *d, const char *child_id,
    const char *caption)
{
	static const char *const	 cols[] = { "Soort maatregel",
	    "Beschikking", "Ingangsdatum", "Einddatum", "Status",
	    "Verlengingen", "Volgende termijn" };
	const struct measure_view	*v = d->c->mv;
	const struct caseload_row	*row = d->c->row;
	size_t				 i, j, n = 0;
	int				 here;

	for (i = 0; v != NULL && i < v->n; i++) {
		if (child_id != NULL) {
			if (strcmp(v->m[i].child_id, child_id) != 0)
				continue;
		} else {
			for (j = 0, here = 0; j < row->nchildren; j++)
				here |= strcmp(row->children[j].record_id,
				    v->m[i].child_id) == 0;
			if (here)
				continue;
		}
		if (n++ == 0) {
			html_raw(d->h, "<table class=\"records\"><caption>");
			html_text(d->h, caption);
			html_raw(d->h, "</caption><thead><tr>");
			for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
				html_raw(d->h, "<th scope=\"col\">");
				html_raw(d->h, cols[j]);
				html_raw(d->h, "</th>");
			}
			html_raw(d->h, "</tr></thead><tbody>");
		}
		measure_row(d, i);
	}
	if (n > 0)
		html_raw(d->h, "</tbody></table>");
	return n;
}

static void
section_measures(const struct dview *d)
{
	const struct caseload_child	*ch;
	char				 cap[CASELOAD_TEXT_MAX + 32];
	size_t				 i;

	html_raw(d->h, "<section id=\"maatregelen\"><h2>Maatregelen per kind"
	    "</h2>");
	/* the children of the case as the core's caseload has them */
	for (i = 0; i < d->c->row->nchildren; i++) {
		ch = &d->c->row->children[i];
		(void)snprintf(cap, sizeof(cap), "Maatregelen voor %s",
		    ch->name[0] != '\0' ? ch->name : "een kind zonder naam");
		html_raw(d->h, "<h3>");
		html_text(d->h, ch->name[0] != '\0' ? ch->name :
		    "Kind zonder naam");
		html_raw(d->h, "</h3>");
		if (measure_table(d, ch->record_id, cap) == 0)
			html_raw(d->h, "<p class=\"leeg\">Geen maatregel.</p>");
	}
	if (d->c->row->nchildren == 0)
		html_raw(d->h, "<p class=\"leeg\">Er staan nog geen kinderen "
		    "in dit dossier.</p>");
	if (measure_table(d, NULL, "Maatregelen van een kind dat niet op "
	    "deze laptop staat") > 0)
		html_raw(d->h, "<p>Het kind van deze maatregelen staat niet "
		    "op deze laptop.</p>");
	html_raw(d->h, "<p>");
	html_text(d->h, UI_MEASURE_HOW);
	html_raw(d->h, "</p></section>");
}

static void
section_plan(const struct dview *d)
{
	static const char *const gcols[] = { "text", "owner", "due", "status",
	    NULL };
	const struct ui_rec	*r, *plan = NULL;
	size_t			 i;

	for (i = 0; i < d->c->n; i++)
		if (strcmp(d->c->r[i].kind, "plan") == 0)
			plan = &d->c->r[i];
	html_raw(d->h, "<section id=\"plan\"><h2>Plan van aanpak</h2>");
	if (plan == NULL)
		html_raw(d->h, "<p class=\"leeg\">Er is nog geen plan.</p>");
	else {
		r = plan;
		html_raw(d->h, "<div class=\"plan\">");
		field_value(d, r, "summary", 0);
		html_raw(d->h, "</div>");
		conflict_note(d, r);
		if (body_get(&r->b, "agreed_with") != NULL ||
		    body_get(&r->b, "agreed_on") != NULL) {
			html_raw(d->h, "<p>Afgestemd");
			if (body_get(&r->b, "agreed_with") != NULL) {
				html_raw(d->h, " met ");
				field_value(d, r, "agreed_with", 0);
			}
			if (body_get(&r->b, "agreed_on") != NULL) {
				html_raw(d->h, " op ");
				field_value(d, r, "agreed_on", 0);
			}
			html_raw(d->h, ".</p>");
		}
	}
	html_raw(d->h, "<p>");
	link_form(d, "plan", plan != NULL ? plan->id : NULL, plan != NULL ?
	    "Plan wijzigen" : "Plan opstellen");
	html_raw(d->h, "</p><h3>Doelen</h3>");
	if (kind_table(d, "goal", gcols, NULL, "Doelen van het plan") == 0)
		html_raw(d->h, "<p class=\"leeg\">Nog geen doelen.</p>");
	html_raw(d->h, "<p>");
	link_form(d, "goal", NULL, "Doel toevoegen");
	html_raw(d->h, "</p></section>");
}

static void
section_simple(const struct dview *d, const char *id, const char *title,
    const char *kind, const char *const *cols, const char *none,
    const char *add)
{
	html_raw(d->h, "<section id=\"");
	html_raw(d->h, id);
	html_raw(d->h, "\"><h2>");
	html_raw(d->h, title);
	html_raw(d->h, "</h2>");
	if (kind_table(d, kind, cols, NULL, title) == 0) {
		html_raw(d->h, "<p class=\"leeg\">");
		html_raw(d->h, none);
		html_raw(d->h, "</p>");
	}
	html_raw(d->h, "<p>");
	link_form(d, kind, NULL, add);
	html_raw(d->h, "</p></section>");
}

/* A note with the date and time it is about ("YYYY-MM-DD HH:MM"). */
struct note {
	const struct ui_rec	*r;
	char			 when[LC_DATE_LEN + 1 + 5 + 1];
};

/* Newest first: the contact's date and time, then the writing. */
static int
note_cmp(const void *a, const void *b)
{
	const struct note	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(y->when, x->when)) != 0)
		return c;
	if (x->r->at != y->r->at)
		return x->r->at > y->r->at ? -1 : 1;
	return strcmp(y->r->id, x->r->id);	/* ids grow with time */
}

static int
section_journal(const struct dview *d)
{
	struct note	*j;
	char		 date[LC_DATE_LEN + 1], hm[6];
	size_t		 i, n = 0;

	for (i = 0; i < d->c->n; i++)
		n += strcmp(d->c->r[i].kind, "journal") == 0;
	html_raw(d->h, "<section id=\"journaal\"><h2>Journaal</h2><p>");
	link_form(d, "journal", NULL, "Journaal toevoegen");
	html_raw(d->h, "</p>");
	if (n == 0) {
		html_raw(d->h, "<p class=\"leeg\">Nog geen journaalregels."
		    "</p></section>");
		return 0;
	}
	if ((j = calloc(n, sizeof(*j))) == NULL)
		return CS_ERR_ALLOC;
	for (i = n = 0; i < d->c->n; i++) {
		if (strcmp(d->c->r[i].kind, "journal") != 0)
			continue;
		j[n].r = &d->c->r[i];
		ui_rec_str(j[n].r, "date", date, sizeof(date));
		ui_rec_str(j[n].r, "time", hm, sizeof(hm));
		(void)snprintf(j[n].when, sizeof(j[n].when), "%s %s", date,
		    hm);
		n++;
	}
	qsort(j, n, sizeof(*j), note_cmp);
	html_raw(d->h, "<ol class=\"journaal\" reversed>");
	for (i = 0; i < n; i++) {
		const struct ui_rec	*r = j[i].r;

		html_raw(d->h, "<li><h3>");
		if (body_get(&r->b, "date") != NULL) {
			field_value(d, r, "date", 0);
			if (body_get(&r->b, "time") != NULL) {
				html_raw(d->h, " ");
				field_value(d, r, "time", 0);
			}
		} else if (r->at > 0)
			html_time(d->h, r->at);
		if (body_get(&r->b, "type") != NULL) {
			html_raw(d->h, " \xc2\xb7 ");
			field_value(d, r, "type", 0);
		}
		html_raw(d->h, "</h3><p class=\"wie\">Geschreven door ");
		if (r->author[0] != '\0')
			html_text(d->h, r->author);
		else
			html_raw(d->h, "onbekend");
		if (r->at > 0) {
			html_raw(d->h, ", opgeslagen ");
			html_time(d->h, r->at);
		}
		html_raw(d->h, "</p><div class=\"tekst\">");
		field_value(d, r, "text", 0);
		html_raw(d->h, "</div>");
		conflict_note(d, r);
		html_raw(d->h, "</li>");
	}
	html_raw(d->h, "</ol></section>");
	free(j);
	return 0;
}

static void
case_head(const struct dview *d)
{
	const struct caseload_row	*row = d->c->row;
	const struct ui_rec		*cf = NULL;
	struct nolost_access		 ro;
	static const char *const	 fn[] = { "municipality", "jeugdregio",
	    "legal_basis", "consent_date" };
	char				 ymd[LC_DATE_LEN + 1];
	size_t				 i;

	for (i = 0; i < d->c->n; i++)
		if (strcmp(d->c->r[i].kind, "casefile") == 0)
			cf = &d->c->r[i];
	html_raw(d->h, "<h1>");
	if (row->title[0] != '\0')
		html_text(d->h, row->title);
	else
		html_raw(d->h, "Dossier zonder titel");
	html_raw(d->h, "</h1><dl class=\"kop\"><dt>Kader</dt><dd>");
	ui_frame_state(d->h, row, 1);
	html_raw(d->h, "</dd><dt>Fase</dt><dd>");
	ui_frame_state(d->h, row, 0);
	if (row->has_meta && row->state_since != LC_NODATE) {
		lc_date_format(row->state_since, ymd, sizeof(ymd));
		html_raw(d->h, " sinds ");
		html_ymd(d->h, ymd);
	}
	html_raw(d->h, "</dd><dt>Regisseur</dt><dd>");
	html_text(d->h, row->regisseur[0] != '\0' ? row->regisseur :
	    "onbekend");
	html_raw(d->h, "</dd>");
	for (i = 0; cf != NULL && i < sizeof(fn) / sizeof(fn[0]); i++) {
		if (body_get(&cf->b, fn[i]) == NULL)
			continue;
		html_raw(d->h, "<dt>");
		html_text(d->h, ui_field_word("casefile", fn[i]));
		html_raw(d->h, "</dt><dd>");
		field_value(d, cf, fn[i], 0);
		html_raw(d->h, "</dd>");
	}
	html_raw(d->h, "</dl>");
	if (ui_case_readonly(d->ctx, row->case_id, &ro))
		ui_readonly_note(d->h, &ro);
	if (cf != NULL)
		conflict_note(d, cf);
	html_raw(d->h, "<p>");
	link_form(d, "casefile", cf != NULL ? cf->id : NULL,
	    "Gegevens wijzigen");
	html_raw(d->h, "</p><section id=\"termijnen\"><h2>Termijnen</h2>");
	if (row->ndeadlines == 0)
		html_raw(d->h, "<p class=\"leeg\">Geen termijnen.</p>");
	else {
		html_raw(d->h, "<ul class=\"termijnen\">");
		for (i = 0; i < row->ndeadlines; i++) {
			html_raw(d->h, "<li");
			html_raw(d->h, ui_due_class(&row->deadlines[i]));
			html_raw(d->h, ">");
			ui_due_cell(d->h, &row->deadlines[i]);
			html_raw(d->h, "</li>");
		}
		html_raw(d->h, "</ul>");
	}
	html_raw(d->h, "</section>");
}

int
ui_page_dossier(struct ui_ctx *ctx, const struct ui_req *req,
    struct ui_resp *resp)
{
	static const char *const acols[] = { "date", "instrument",
	    "instrument_version", "outcome", "assessor", "next_due",
	    "cosigned_by", NULL };
	static const char *const pcols[] = { "name", "type", "contact",
	    "basis", NULL };
	static const char *const ecols[] = { "date", "to", "reason", NULL };
	struct ui_case	 c;
	struct dview	 d;
	char		 cid[DB_UUID_LEN + 1];
	int		 r;

	if (ui_case_id(ctx, req->arg(req, "case"), cid) != 0) {
		ui_page_message(ctx, resp, 404, "Dossier niet gevonden",
		    "Dit dossier staat niet op deze laptop.");
		return 0;
	}
	if ((r = ui_case_read(ctx, cid, "show", &c)) != 0) {
		if (r != CS_ERR_NOT_FOUND)
			return r;
		ui_page_message(ctx, resp, 404, "Dossier niet gevonden",
		    "Dit dossier staat niet op deze laptop.");
		return 0;
	}
	d.ctx = ctx;
	d.h = &resp->page;
	d.c = &c;
	resp->status = 200;
	ui_page_begin(ctx, d.h, c.row->title[0] != '\0' ? c.row->title :
	    "Gezinsdossier", "caseload");
	html_raw(d.h, "<p class=\"kruimel\"><a href=\"/\">Mijn caseload</a> "
	    "\xe2\x80\xba Gezinsdossier</p>");
	case_head(&d);
	section_persons(&d);
	section_measures(&d);
	section_plan(&d);
	section_simple(&d, "taxaties", "Veiligheidstaxaties", "assessment",
	    acols, "Nog geen veiligheidstaxaties.", "Taxatie toevoegen");
	section_simple(&d, "partners", "Samenwerkingspartners", "partner",
	    pcols, "Nog geen samenwerkingspartners.", "Partner toevoegen");
	section_simple(&d, "escalaties", "Escalaties", "escalation", ecols,
	    "Geen escalaties.", "Escalatie toevoegen");
	r = section_journal(&d);
	ui_page_end(ctx, d.h);
	ui_case_free(&c);
	return r;
}
