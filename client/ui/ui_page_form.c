/* SPDX-License-Identifier: ISC */
/*
 * ui_page_form.c - the forms that add and change the records of a
 * case file (GET|POST /form?case=&kind=&id=), made from schema.c's
 * kinds: every field labelled, choices as <select>, dates as
 * type=date, long texts as <textarea>.  A POST (its Origin and form
 * token checked by the server, ui_http.c) goes through the core
 * (ui_case_write), which checks every field; a wrong field comes back
 * with the core's message next to it and everything typed kept, and a
 * saved record redirects (303) to the dossier.  Every form carries the
 * session's token in the hidden field "csrf".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "html.h"
#include "schema.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_util.h"
#include "ui_words.h"
#include "util.h"


struct fview {
	struct ui_ctx			*ctx;
	struct html			*h;
	const struct ui_case		*c;
	const struct schema_kind	*k;
	const struct ui_rec		*cur;	/* the record changed; NULL */
};

/* What a new record and a changed one are called, and the sections. */
static const struct {
	const char	*kind, *add, *edit, *anchor;
} titles[] = {
	{ "casefile", "Gegevens invullen", "Gegevens wijzigen", "" },
	{ "person", "Persoon toevoegen", "Persoon wijzigen", "#personen" },
	{ "plan", "Plan opstellen", "Plan wijzigen", "#plan" },
	{ "goal", "Doel toevoegen", "Doel wijzigen", "#plan" },
	{ "assessment", "Taxatie toevoegen", "Taxatie wijzigen", "#taxaties" },
	{ "journal", "Journaal toevoegen", NULL, "#journaal" },
	{ "partner", "Partner toevoegen", "Partner wijzigen", "#partners" },
	{ "escalation", "Escalatie toevoegen", NULL, "#escalaties" },
};

static int
title_of(const char *kind)
{
	size_t	i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

/* A value is shown in an <input type=date> only if it is YYYY-MM-DD. */
static int
iso_date(const char *v)
{
	size_t	i;

	for (i = 0; i < 10; i++)
		if (v[i] == '\0' || ((i == 4 || i == 7) ? v[i] != '-' :
		    (v[i] < '0' || v[i] > '9')))
			return 0;
	return v[10] == '\0';
}

/* A value is shown in an <input type=time> only if it is HH:MM. */
static int
hh_mm(const char *v)
{
	return strlen(v) == 5 && v[2] == ':' && v[0] >= '0' && v[0] <= '9' &&
	    v[1] >= '0' && v[1] <= '9' && v[3] >= '0' && v[3] <= '9' &&
	    v[4] >= '0' && v[4] <= '9';
}

/*
 * Fields the core fills and a person does not type: a note's author is
 * the user of this laptop (dossier.h).
 */
static int
not_typed(const struct schema_kind *k, const struct schema_field *sf)
{
	return strcmp(k->kind, "journal") == 0 &&
	    strcmp(sf->name, "author") == 0;
}

static void
field_attrs(const struct fview *f, const struct schema_field *sf,
    const char *why)
{
	html_raw(f->h, " id=\"f-");
	html_raw(f->h, sf->name);
	html_raw(f->h, "\" name=\"");
	html_raw(f->h, sf->name);
	html_raw(f->h, "\"");
	if (sf->required)
		html_raw(f->h, " required");
	if (why != NULL) {
		html_raw(f->h, " class=\"field-error\" aria-invalid=\"true\" "
		    "aria-describedby=\"f-");
		html_raw(f->h, sf->name);
		html_raw(f->h, "-fout\"");
	}
}

static void
option(struct html *h, const char *value, const char *cur, const char *text,
    const struct ids *ids)
{
	html_raw(h, "<option value=\"");
	if (ids != NULL)
		ui_idarg(h, ids, value);
	else
		html_text(h, value);
	html_raw(h, "\"");
	if (cur != NULL && strcmp(cur, value) == 0)
		html_raw(h, " selected");
	html_raw(h, ">");
	html_text(h, text);
	html_raw(h, "</option>");
}

/* The choices of "sf", with "v" selected (kept even if not a choice). */
static void
field_choice(const struct fview *f, const struct schema_field *sf,
    const char *v, const char *why)
{
	const char	*p = sf->choices, *e;
	char		 one[64];
	size_t		 n;
	int		 found = 0;

	html_raw(f->h, "<select");
	field_attrs(f, sf, why);
	html_raw(f->h, "><option value=\"\">\xe2\x80\x94 kies \xe2\x80\x94"
	    "</option>");
	for (;;) {
		e = strchr(p, '|');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			found |= strcmp(one, v) == 0;
			option(f->h, one, v, ui_choice_word(one), NULL);
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (!found && v[0] != '\0')	/* what was sent stays visible */
		option(f->h, v, v, v, NULL);
	html_raw(f->h, "</select>");
}

/* A reference to a child of the case: the children by name. */
static void
field_child(const struct fview *f, const struct schema_field *sf,
    const char *v, const char *why)
{
	const struct caseload_child	*ch;
	size_t				 i;

	html_raw(f->h, "<select");
	field_attrs(f, sf, why);
	html_raw(f->h, "><option value=\"\">\xe2\x80\x94 kies een kind "
	    "\xe2\x80\x94</option>");
	/* the children of the case as the core's caseload has them */
	for (i = 0; i < f->c->row->nchildren; i++) {
		ch = &f->c->row->children[i];
		option(f->h, ch->record_id, v, ch->name[0] != '\0' ?
		    ch->name : "(kind zonder naam)", f->c->cl->ids);
	}
	html_raw(f->h, "</select>");
}

static void
field(const struct fview *f, const struct schema_field *sf, const char *v,
    const char *why)
{
	html_raw(f->h, "<div class=\"veld");
	if (why != NULL)
		html_raw(f->h, " fout");
	html_raw(f->h, "\"><label for=\"f-");
	html_raw(f->h, sf->name);
	html_raw(f->h, "\">");
	html_text(f->h, ui_field_word(f->k->kind, sf->name));
	if (sf->type == SCHEMA_GEMEENTE)
		html_raw(f->h, " <span class=\"verplicht\">(CBS-code, bv. "
		    "GM0363)</span>");
	if (sf->required)
		html_raw(f->h, " <span class=\"verplicht\">(verplicht)</span>");
	html_raw(f->h, "</label>");
	switch (sf->type) {
	case SCHEMA_CHOICE:
		field_choice(f, sf, v, why);
		break;
	case SCHEMA_REF:
		field_child(f, sf, v, why);
		break;
	case SCHEMA_LONG:
		html_raw(f->h, "<textarea rows=\"8\"");
		field_attrs(f, sf, why);
		html_raw(f->h, ">");
		html_text(f->h, v);
		html_raw(f->h, "</textarea>");
		break;
	default:
		html_raw(f->h, "<input");
		if (sf->type == SCHEMA_DATE && (v[0] == '\0' || iso_date(v)))
			html_raw(f->h, " type=\"date\"");
		else if (sf->type == SCHEMA_TIME && (v[0] == '\0' ||
		    hh_mm(v)))
			html_raw(f->h, " type=\"time\"");
		else
			html_raw(f->h, " type=\"text\"");
		if (sf->type == SCHEMA_DATE && !(v[0] == '\0' || iso_date(v)))
			html_raw(f->h, " placeholder=\"dd-mm-jjjj\"");
		if (sf->type == SCHEMA_BSN)
			html_raw(f->h, " inputmode=\"numeric\" "
			    "autocomplete=\"off\"");
		field_attrs(f, sf, why);
		html_raw(f->h, " value=\"");
		html_text(f->h, v);
		html_raw(f->h, "\">");
		break;
	}
	if (why != NULL) {
		html_raw(f->h, "<p class=\"error\" id=\"f-");
		html_raw(f->h, sf->name);
		html_raw(f->h, "-fout\">");
		html_text(f->h, ui_why_word(why));
		html_raw(f->h, "</p>");
	}
	html_raw(f->h, "</div>");
}

static void
hidden(struct fview *f, const char *name, const char *value, int is_id)
{
	html_raw(f->h, "<input type=\"hidden\" name=\"");
	html_raw(f->h, name);
	html_raw(f->h, "\" value=\"");
	if (is_id)
		ui_idarg(f->h, f->c->cl->ids, value);
	else
		html_text(f->h, value);
	html_raw(f->h, "\">");
}

/*
 * The whole form: "vals" what to show per field (the record's or what
 * was sent), "why" the core's message per field, "why_all" a sentence
 * for the form.
 */
static void
form_page(struct fview *f, const char *const *vals,
    const char *const *why, const char *why_all)
{
	const char	*title;
	size_t		 i, nbad = 0;
	int		 t = title_of(f->k->kind);

	title = f->cur != NULL ? titles[t].edit : titles[t].add;
	ui_page_begin(f->ctx, f->h, title, "caseload");
	html_raw(f->h, "<p class=\"kruimel\"><a href=\"/\">Mijn caseload</a> "
	    "\xe2\x80\xba <a href=\"/dossier?case=");
	ui_idarg(f->h, f->c->cl->ids, f->c->row->case_id);
	html_raw(f->h, "\">");
	html_text(f->h, f->c->row->title[0] != '\0' ? f->c->row->title :
	    "Gezinsdossier");
	html_raw(f->h, "</a></p><h1>");
	html_text(f->h, title);
	html_raw(f->h, "</h1>");
	for (i = 0; i < f->k->nfields; i++)
		nbad += why[i] != NULL;
	if (nbad > 0 || why_all != NULL) {
		html_raw(f->h, "<div class=\"fouten\" role=\"alert\"><p>Niet "
		    "opgeslagen.");
		if (why_all != NULL) {
			html_raw(f->h, " ");
			html_text(f->h, why_all);
		}
		if (nbad > 0)
			html_raw(f->h, " Verbeter de gemarkeerde velden; wat u "
			    "typte staat er nog.");
		html_raw(f->h, "</p>");
		if (nbad > 0) {
			html_raw(f->h, "<ul>");
			for (i = 0; i < f->k->nfields; i++) {
				if (why[i] == NULL)
					continue;
				html_raw(f->h, "<li><a href=\"#f-");
				html_raw(f->h, f->k->fields[i].name);
				html_raw(f->h, "\">");
				html_text(f->h, ui_field_word(f->k->kind,
				    f->k->fields[i].name));
				html_raw(f->h, "</a>: ");
				html_text(f->h, ui_why_word(why[i]));
				html_raw(f->h, "</li>");
			}
			html_raw(f->h, "</ul>");
		}
		html_raw(f->h, "</div>");
	}
	if (f->k->append_only)
		html_raw(f->h, "<p>Een ");
	if (f->k->append_only) {
		html_text(f->h, ui_kind_lower(f->k->kind));
		html_raw(f->h, " wordt na het opslaan niet meer gewijzigd; "
		    "u kunt wel een nieuwe toevoegen.</p>");
	}
	html_raw(f->h, "<form method=\"post\" action=\"/form\" "
	    "class=\"dossierform\">");
	hidden(f, "csrf", f->ctx->csrf, 0);
	hidden(f, "case", f->c->row->case_id, 1);
	hidden(f, "kind", f->k->kind, 0);
	if (f->cur != NULL)
		hidden(f, "id", f->cur->id, 1);
	for (i = 0; i < f->k->nfields; i++)
		if (!not_typed(f->k, &f->k->fields[i]) || why[i] != NULL)
			field(f, &f->k->fields[i], vals[i] != NULL ? vals[i] :
			    "", why[i]);
	if (strcmp(f->k->kind, "journal") == 0)
		html_raw(f->h, "<p>U staat als auteur bij deze regel; datum "
		    "en tijd zijn die van nu als u ze leeg laat.</p>");
	html_raw(f->h, "<p class=\"knoppen\"><button type=\"submit\">Opslaan"
	    "</button> <a href=\"/dossier?case=");
	ui_idarg(f->h, f->c->cl->ids, f->c->row->case_id);
	html_raw(f->h, titles[t].anchor);
	html_raw(f->h, "\">Annuleren</a></p></form>");
	ui_page_end(f->ctx, f->h);
}

/* Save what was sent; 1 if saved (resp is the redirect). */
static int
form_post(struct fview *f, const struct ui_req *req, struct ui_resp *resp,
    const char **vals, const char **why, char *why_all, size_t why_len,
    char dates[][16], int *err)
{
	struct ui_write	 w;
	struct html	 loc;
	char		 refs[DOSSIER_FIELDS_MAX][DB_UUID_LEN + 1];
	const char	*v, *p;
	size_t		 i, len;
	int		 r, t = title_of(f->k->kind);

	memset(&w, 0, sizeof(w));
	*err = 0;
	for (i = 0; i < f->k->nfields; i++) {
		v = req->arg(req, f->k->fields[i].name);
		vals[i] = v;
		if (v == NULL)
			continue;
		if (f->k->fields[i].type == SCHEMA_DATE && strlen(v) < 16) {
			ui_date_in(v, dates[i], 16);
			v = dates[i];
		}
		if (f->k->fields[i].type == SCHEMA_REF && v[0] != '\0' &&
		    ui_rec_id(f->ctx, v, refs[i]) == 0 &&
		    ui_case_rec(f->c, refs[i]) != NULL)
			v = vals[i] = refs[i];
		if (not_typed(f->k, &f->k->fields[i]))
			v = NULL;
		w.val[i] = v;
	}
	r = ui_case_write(f->ctx, f->c->row->case_id, f->k,
	    f->cur != NULL ? f->cur->id : NULL, &w);
	if (r == CS_ERR_USAGE || r == CS_ERR_AUTH) {
		for (i = 0; i < f->k->nfields; i++)
			why[i] = w.why[i];
		/* read-only since the form was opened (the core's
		 * sentence is the CLI's, in English) */
		if (w.read_only)
			(void)snprintf(why_all, why_len, "%s", "Dit dossier "
			    "is nu alleen-lezen voor u.");
		resp->status = r == CS_ERR_AUTH ? 403 : 400;
		return 0;
	}
	if (r != 0) {
		*err = r;
		return 0;
	}
	if (html_init(&loc, sizeof(resp->location)) != 0) {
		*err = CS_ERR_ALLOC;
		return 0;
	}
	html_raw(&loc, "/dossier?case=");
	ui_idarg(&loc, f->c->cl->ids, f->c->row->case_id);
	html_raw(&loc, titles[t].anchor);
	p = html_ptr(&loc, &len);
	if (html_failed(&loc) || len >= sizeof(resp->location)) {
		html_free(&loc);
		*err = CS_ERR_LIMIT;
		return 0;
	}
	memcpy(resp->location, p, len);
	resp->location[len] = '\0';
	html_free(&loc);
	resp->status = 303;
	return 1;
}

int
ui_page_form(struct ui_ctx *ctx, const struct ui_req *req,
    struct ui_resp *resp)
{
	struct ui_case		 c;
	struct fview		 f;
	const char		*kind, *idarg;
	const char		*vals[DOSSIER_FIELDS_MAX] = { NULL };
	const char		*why[DOSSIER_FIELDS_MAX] = { NULL };
	char			 cid[DB_UUID_LEN + 1], rid[DB_UUID_LEN + 1];
	char			*owned[DOSSIER_FIELDS_MAX] = { NULL };
	char			 dates[DOSSIER_FIELDS_MAX][16];
	char			 why_all[512] = "";
	const struct body_field	*bf;
	struct nolost_access	 ro;
	size_t			 i;
	int			 r, t, err;

	kind = req->arg(req, "kind");
	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.h = &resp->page;
	/* a measure exists only with its court decision, on the server */
	if (kind != NULL && strcmp(kind, "measure") == 0) {
		ui_page_message(ctx, resp, 404, "Maatregel via de server",
		    UI_MEASURE_HOW);
		return 0;
	}
	if (kind == NULL || (f.k = schema_kind(kind)) == NULL ||
	    (t = title_of(kind)) < 0 || f.k->nfields > DOSSIER_FIELDS_MAX) {
		ui_page_message(ctx, resp, 404, "Formulier niet gevonden",
		    "Dit soort gegevens kent casesync niet.");
		return 0;
	}
	if (ui_case_id(ctx, req->arg(req, "case"), cid) != 0 ||
	    (r = ui_case_read(ctx, cid, "show", &c)) == CS_ERR_NOT_FOUND) {
		ui_page_message(ctx, resp, 404, "Dossier niet gevonden",
		    "Dit dossier staat niet op deze laptop.");
		return 0;
	}
	if (r != 0)
		return r;
	f.c = &c;
	idarg = req->arg(req, "id");
	if (idarg != NULL && idarg[0] != '\0') {
		if (ui_rec_id(ctx, idarg, rid) != 0 ||
		    (f.cur = ui_case_rec(&c, rid)) == NULL ||
		    strcmp(f.cur->kind, kind) != 0 || f.k->append_only) {
			ui_case_free(&c);
			ui_page_message(ctx, resp, 404, "Niet gevonden",
			    "Deze gegevens staan niet in dit dossier, of "
			    "worden na het opslaan niet meer gewijzigd.");
			return 0;
		}
	} else if ((strcmp(kind, "plan") == 0 ||
	    strcmp(kind, "casefile") == 0) &&
	    dossier_find(ctx->db, cid, kind, rid) == 0)
		f.cur = ui_case_rec(&c, rid);	/* one per case: change it */
	/* a read-only case says so before anything is typed (nolost.h) */
	if (ui_case_readonly(ctx, c.row->case_id, &ro)) {
		resp->status = 403;
		ui_page_begin(ctx, f.h, "Alleen lezen", "caseload");
		html_raw(f.h, "<h1>");
		html_text(f.h, f.cur != NULL ? titles[t].edit : titles[t].add);
		html_raw(f.h, "</h1>");
		ui_readonly_note(f.h, &ro);
		html_raw(f.h, "<p>Er is niets opgeslagen. <a href=\"/dossier?"
		    "case=");
		ui_idarg(f.h, c.cl->ids, c.row->case_id);
		html_raw(f.h, "\">Terug naar het dossier</a></p>");
		ui_page_end(ctx, f.h);
		ui_case_free(&c);
		return 0;
	}
	resp->status = 200;
	if (req->post) {
		if (form_post(&f, req, resp, vals, why, why_all,
		    sizeof(why_all), dates, &err) || err != 0) {
			ui_case_free(&c);
			return err;
		}
	} else if (f.cur != NULL) {
		for (i = 0; i < f.k->nfields; i++) {
			bf = body_get(&f.cur->b, f.k->fields[i].name);
			if (bf == NULL || bf->len > SCHEMA_LONG_MAX ||
			    memchr(bf->value, '\0', bf->len) != NULL ||
			    !utf8_valid((const char *)bf->value, bf->len))
				continue;
			if ((owned[i] = malloc(bf->len + 1)) == NULL) {
				err = CS_ERR_ALLOC;
				goto out;
			}
			memcpy(owned[i], bf->value, bf->len);
			owned[i][bf->len] = '\0';
			vals[i] = owned[i];
		}
	}
	form_page(&f, vals, why, why_all[0] != '\0' ? why_all : NULL);
	err = 0;
 out:
	for (i = 0; i < DOSSIER_FIELDS_MAX; i++)
		free(owned[i]);
	ui_case_free(&c);
	return err;
}
