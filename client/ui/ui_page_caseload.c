/* SPDX-License-Identifier: ISC */
/*
 * ui_page_caseload.c - "Mijn caseload" (GET /, ?q= to search): every
 * family on this laptop (caseload.h) with its regisseur, frame, state,
 * children and next deadline, soonest first; overdue in red (class
 * "overdue", the words "Te laat:"), due within CASELOAD_SOON_DAYS in
 * amber ("soon", "Binnenkort:").  The
 * search box is the core's folded search (caseload_match): "öztürk"
 * finds "Öztürk".
 */
#include <stdlib.h>
#include <string.h>

#include "caseload.h"
#include "errors.h"
#include "html.h"
#include "lifecycle.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_util.h"
#include "ui_words.h"

#define UI_QUERY_MAX	200	/* bytes of a search */

void
ui_due_cell(struct html *h, const struct caseload_deadline *d)
{
	char	ymd[LC_DATE_LEN + 1];
	size_t	n;

	if (d->days_left < 0)
		html_raw(h, "<strong class=\"marker\">Te laat:</strong> ");
	else if (d->days_left <= CASELOAD_SOON_DAYS)
		html_raw(h, "<strong class=\"marker\">Binnenkort:</strong> ");
	lc_date_format(d->due, ymd, sizeof(ymd));
	html_ymd(h, ymd);
	html_raw(h, " <span class=\"termijn-wat\">");
	html_text(h, ui_deadline_word(caseload_deadline_name(d)));
	if (d->label[0] != '\0') {
		html_raw(h, ": ");
		html_text(h, d->label);
	}
	html_raw(h, "</span>");
	if (d->child_id[0] != '\0') {
		/* the child it concerns, by first name */
		html_raw(h, " <span class=\"kind\">(");
		if (d->child_known && d->child_name[0] != '\0') {
			n = strcspn(d->child_name, " ");
			html_textn(h, d->child_name, n);
		} else
			html_raw(h, "kind");
		html_raw(h, ")</span>");
	}
	if (d->lapsed)
		html_raw(h, " <strong class=\"marker\">VOTS vervallen"
		    "</strong>");
}

/*
 * Below a row's next deadline: the next of each other child that has
 * one (deadlines are soonest first), with the child's first name.
 */
static void
ui_child_dues(struct html *h, const struct caseload_row *row)
{
	const struct caseload_deadline	*d;
	size_t				 i, j;
	int				 seen;

	for (i = 0; i < row->ndeadlines; i++) {
		d = &row->deadlines[i];
		if (d == row->next || d->child_id[0] == '\0' ||
		    strcmp(d->child_id, row->next->child_id) == 0)
			continue;
		for (j = 0, seen = 0; j < i && !seen; j++)
			seen = strcmp(row->deadlines[j].child_id,
			    d->child_id) == 0;
		if (seen)
			continue;
		html_raw(h, "<br><span");
		html_raw(h, ui_due_class(d));
		html_raw(h, ">");
		ui_due_cell(h, d);
		html_raw(h, "</span>");
	}
}

const char *
ui_due_class(const struct caseload_deadline *d)
{
	if (d == NULL)
		return "";
	if (d->days_left < 0)
		return " class=\"overdue\"";
	if (d->days_left <= CASELOAD_SOON_DAYS)
		return " class=\"soon\"";
	return "";
}

void
ui_case_link(struct html *h, const struct ids *ids,
    const struct caseload_row *row)
{
	html_raw(h, "<a href=\"/dossier?case=");
	ui_idarg(h, ids, row->case_id);
	html_raw(h, "\">");
	if (row->title[0] != '\0')
		html_text(h, row->title);
	else
		html_raw(h, "(dossier zonder titel)");
	html_raw(h, "</a>");
}

void
ui_frame_state(struct html *h, const struct caseload_row *row, int frame)
{
	const char	*s;

	s = !row->has_meta ? NULL : frame ? lc_frame_name(row->frame) :
	    lc_state_name(row->state);
	if (s == NULL)
		html_raw(h, "onbekend");
	else
		html_text(h, frame ? ui_frame_word(s) : ui_state_word(s));
}

void
ui_caseload_table(struct html *h, const struct caseload *cl,
    const size_t *pick, size_t n, const char *caption, int with_regisseur)
{
	const struct caseload_row	*row;
	size_t				 i, j;

	html_raw(h, "<table class=\"caseload\"><caption>");
	html_text(h, caption);
	html_raw(h, "</caption><thead><tr><th scope=\"col\">Gezin</th>");
	if (with_regisseur)
		html_raw(h, "<th scope=\"col\">Regisseur</th>");
	html_raw(h, "<th scope=\"col\">Kader</th><th scope=\"col\">Fase</th>"
	    "<th scope=\"col\">Kinderen</th><th scope=\"col\">Eerstvolgende "
	    "termijn</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		row = &cl->rows[pick != NULL ? pick[i] : i];
		html_raw(h, "<tr");
		html_raw(h, ui_due_class(row->next));
		html_raw(h, "><th scope=\"row\">");
		ui_case_link(h, cl->ids, row);
		html_raw(h, "</th>");
		if (with_regisseur) {
			html_raw(h, "<td>");
			if (row->regisseur[0] != '\0')
				html_text(h, row->regisseur);
			else
				html_raw(h, "onbekend");
			html_raw(h, "</td>");
		}
		html_raw(h, "<td>");
		ui_frame_state(h, row, 1);
		html_raw(h, "</td><td>");
		ui_frame_state(h, row, 0);
		html_raw(h, "</td><td>");
		for (j = 0; j < row->nchildren; j++) {
			if (j > 0)
				html_raw(h, ", ");
			html_text(h, row->children[j].name);
		}
		html_raw(h, "</td><td>");
		if (row->next != NULL)
			ui_due_cell(h, row->next);
		else
			html_raw(h, "geen");
		ui_child_dues(h, row);
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table>");
}

int
ui_page_caseload(struct ui_ctx *ctx, const struct ui_req *req,
    struct ui_resp *resp)
{
	struct caseload	*cl = NULL;
	struct html	*h = &resp->page;
	const char	*q;
	size_t		 i, nm = 0, *pick = NULL;
	int		 r;

	q = req->arg(req, "q");
	if (q != NULL && (*q == '\0' || strlen(q) > UI_QUERY_MAX))
		q = NULL;
	if ((r = ui_caseload(ctx, &cl)) != 0)
		return r;
	if (cl->n > 0 && (pick = calloc(cl->n, sizeof(*pick))) == NULL) {
		caseload_free(cl);
		return CS_ERR_ALLOC;
	}
	for (i = 0; i < cl->n; i++)
		if (q == NULL || caseload_match(&cl->rows[i], q))
			pick[nm++] = i;
	resp->status = 200;
	ui_page_begin(ctx, h, "Mijn caseload", "caseload");
	html_raw(h, "<h1>Mijn caseload</h1><form class=\"zoeken\" "
	    "method=\"get\" action=\"/\" role=\"search\"><label for=\"q\">"
	    "Zoek op gezin, kind of regisseur</label> <input type=\"search\" "
	    "id=\"q\" name=\"q\" maxlength=\"200\" value=\"");
	html_text(h, q);
	html_raw(h, "\"> <button type=\"submit\">Zoeken</button>");
	if (q != NULL)
		html_raw(h, " <a href=\"/\">Alle gezinnen</a>");
	html_raw(h, "</form>");
	if (nm == 0) {
		html_raw(h, "<p class=\"leeg\">");
		if (q != NULL) {
			html_raw(h, "Geen gezinnen gevonden voor \u201c");
			html_text(h, q);
			html_raw(h, "\u201d.");
		} else
			html_raw(h, "Er staan nog geen gezinnen op deze "
			    "laptop. Synchroniseer om uw caseload op te "
			    "halen.");
		html_raw(h, "</p>");
	} else {
		html_raw(h, "<p>");
		html_int(h, (int64_t)nm);
		html_raw(h, nm == 1 ? " gezin" : " gezinnen");
		html_raw(h, ", gesorteerd op de eerstvolgende termijn.</p>");
		ui_caseload_table(h, cl, pick, nm, q != NULL ?
		    "Gevonden gezinnen" : "Gezinnen in mijn caseload", 1);
	}
	ui_page_end(ctx, h);
	free(pick);
	caseload_free(cl);
	return 0;
}
