/* SPDX-License-Identifier: ISC */
/*
 * ui_page_conflict.c - the conflicts on the Sync page (ui_pages.h):
 * each field changed differently on two laptops, with every value,
 * who wrote it and when, and a choice (one of the values, or a new
 * one) settled through the core (conflict.h), which logs the read and
 * writes the result like any edit.  Records are named by their short
 * ids in the forms, by title and Dutch words on the page.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conflict.h"
#include "errors.h"
#include "ids.h"
#include "schema.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_words.h"

#define CONFLICT_VALUE_BUF	(4 * CONFLICT_SHOW_MAX + 8)

struct cf_ctx {
	struct ui_ctx	*ctx;
	struct html	*h;
	struct ids	*ids;
	size_t		 n;
};

static void
cf_heading(struct html *h, const struct conflict *c)
{
	const struct schema_kind	*k;
	const struct schema_field	*f;
	size_t				 i;

	html_raw(h, "<h3>");
	html_text(h, c->case_title != NULL ? c->case_title :
	    "(gezin zonder titel)");
	html_raw(h, ": ");
	html_text(h, ui_kind_word(c->rec->kind));
	/* the record's title in Dutch: a choice by its word ("Ouder") */
	k = schema_kind(c->rec->kind);
	for (i = 0; i < c->n_title; i++) {
		html_raw(h, i == 0 ? " " : ", ");
		f = k != NULL ? schema_field(k, c->title_field[i]) : NULL;
		html_text(h, f != NULL && f->type == SCHEMA_CHOICE ?
		    ui_choice_word(c->title_value[i]) : c->title_value[i]);
	}
	html_raw(h, ", veld ");
	html_text(h, ui_field_word(c->rec->kind, c->field));
	html_raw(h, "</h3>\n");
}

/* One value as a choice: the value, its author, when; "huidig". */
static void
cf_value(struct cf_ctx *cx, const struct conflict *c, size_t i)
{
	const struct marker_value	*v = &c->vals[i];
	char				 buf[CONFLICT_VALUE_BUF];
	struct html			*h = cx->h;

	html_raw(h, "<p><input type=\"radio\" name=\"choice\" id=\"cf");
	html_int(h, (int64_t)cx->n);
	html_raw(h, "-");
	html_int(h, (int64_t)i + 1);
	html_raw(h, "\" value=\"");
	html_int(h, (int64_t)i + 1);
	html_raw(h, "\"");
	if (conflict_is_current(v, c->cur))
		html_raw(h, " checked");
	html_raw(h, ">\n<label for=\"cf");
	html_int(h, (int64_t)cx->n);
	html_raw(h, "-");
	html_int(h, (int64_t)i + 1);
	html_raw(h, "\">");
	if (!v->present)
		html_raw(h, "<em>(verwijderd)</em>");
	else {
		buf[0] = '\0';
		conflict_cat(buf, sizeof(buf), v->value, v->len,
		    CONFLICT_SHOW_MAX);
		html_raw(h, "\xe2\x80\x9c");
		html_text(h, buf);
		html_raw(h, "\xe2\x80\x9d");
	}
	html_raw(h, " &mdash; door ");
	if (v->user_name[0] != '\0')
		html_text(h, v->user_name);
	else
		html_raw(h, "onbekend");
	if (conflict_by_self(v, c->self))
		html_raw(h, " (u)");
	if (v->hlc != 0) {
		html_raw(h, ", ");
		/* the hybrid logical clock: milliseconds << 16 */
		html_time(h, (int64_t)((v->hlc >> 16) / 1000));
	}
	if (conflict_is_current(v, c->cur))
		html_raw(h, " <strong>(staat er nu)</strong>");
	html_raw(h, "</label></p>\n");
}

static int
cf_one(const struct conflict *c, void *arg)
{
	struct cf_ctx	*cx = arg;
	struct html	*h = cx->h;
	size_t		 i;

	cx->n++;
	html_raw(h, "<section class=\"conflict\">\n");
	cf_heading(h, c);
	html_raw(h, "<form method=\"post\" action=\"/sync\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_text(h, cx->ctx->csrf);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"action\" "
	    "value=\"resolve\">\n<input type=\"hidden\" name=\"record\" "
	    "value=\"");
	ui_idarg(h, cx->ids, c->rec->record_id);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"field\" value=\"");
	html_text(h, c->field);
	html_raw(h, "\">\n<fieldset>\n<legend>Welke waarde blijft?</legend>\n");
	for (i = 0; i < c->n; i++)
		cf_value(cx, c, i);
	html_raw(h, "<p><input type=\"radio\" name=\"choice\" id=\"cf");
	html_int(h, (int64_t)cx->n);
	html_raw(h, "-new\" value=\"new\">\n<label for=\"cf");
	html_int(h, (int64_t)cx->n);
	html_raw(h, "-new\">Een andere waarde:</label>\n<label for=\"cf");
	html_int(h, (int64_t)cx->n);
	html_raw(h, "-text\">Nieuwe waarde</label>\n"
	    "<input type=\"text\" name=\"new\" id=\"cf");
	html_int(h, (int64_t)cx->n);
	html_raw(h, "-text\"></p>\n</fieldset>\n<p><button type=\"submit\">"
	    "Deze waarde houden</button></p>\n</form>\n</section>\n");
	return 0;
}

int
ui_conflicts(struct ui_ctx *ctx, struct html *h)
{
	struct cf_ctx	cx;
	int		r;

	memset(&cx, 0, sizeof(cx));
	cx.ctx = ctx;
	cx.h = h;
	if ((r = ids_load(ctx->db, &cx.ids)) != 0)
		return r;
	html_raw(h, "<h2>Conflicten</h2>\n");
	r = conflict_list(ctx->db, NULL, cf_one, &cx);
	if (r == 0 && cx.n == 0)
		html_raw(h, "<p>Geen conflicten: niets is op twee laptops "
		    "verschillend gewijzigd.</p>\n");
	ids_free(cx.ids);
	return r;
}

int
ui_conflict_resolve(struct ui_ctx *ctx, const struct ui_req *rq,
    const char **why)
{
	struct conflict_result	 res;
	char			 id[DB_UUID_LEN + 1];
	const char		*choice = rq->arg(rq, "choice");
	const char		*field = rq->arg(rq, "field");
	const char		*nv = rq->arg(rq, "new");
	int			 r;

	*why = NULL;
	if (choice == NULL) {
		*why = "Kies een van de waarden.";
		return CS_ERR_FORMAT;
	}
	if (field == NULL || ui_rec_id(ctx, rq->arg(rq, "record"), id) != 0) {
		*why = "Dit conflict bestaat niet (meer) op deze laptop.";
		return CS_ERR_NOT_FOUND;
	}
	memset(&res, 0, sizeof(res));
	if (strcmp(choice, "new") == 0)
		r = conflict_resolve(ctx->db, id, field, CONFLICT_BY_NEW,
		    nv != NULL ? nv : "", NULL, NULL, &res);
	else
		r = conflict_resolve(ctx->db, id, field, CONFLICT_BY_VALUE,
		    choice, NULL, NULL, &res);
	switch (res.fault) {
	case CONFLICT_OK:
		return r;
	case CONFLICT_NO_RECORD:
	case CONFLICT_NONE:
		*why = "Dit conflict bestaat niet (meer) op deze laptop.";
		break;
	case CONFLICT_NO_CHOICE:
		*why = "Kies een van de waarden.";
		break;
	case CONFLICT_BAD_VALUE:
		*why = res.why != NULL ? ui_why_word(res.why) :
		    "Deze waarde is niet geldig.";
		break;
	case CONFLICT_NOT_WRITTEN:
		*why = r == CS_ERR_AUTH ? "U kunt dit gezin op deze laptop "
		    "niet meer wijzigen." : "De keuze kon niet worden "
		    "opgeslagen.";
		break;
	default:
		*why = "De keuze kon niet worden opgeslagen.";
		break;
	}
	return r != 0 ? r : CS_ERR_FORMAT;
}
