/* SPDX-License-Identifier: ISC */
/*
 * ui_page_caseload.c - "Mijn caseload" (GET /, ?q= to search): every
 * family on this laptop with its regisseur, frame, state, children and
 * next deadline, soonest first; overdue in red ("te laat"), due within
 * UI_SOON_DAYS in amber ("binnenkort").  The search box folds case and
 * accents (ui_fold), so "öztürk" finds "Öztürk".
 */
#include <stdlib.h>
#include <string.h>

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
ui_due_cell(struct html *h, const struct ui_due *d)
{
	char	ymd[LC_DATE_LEN + 1];

	if (d->days_left < 0)
		html_raw(h, "<span class=\"termijn te-laat\">te laat</span> ");
	else if (d->days_left <= UI_SOON_DAYS)
		html_raw(h, "<span class=\"termijn binnenkort\">binnenkort"
		    "</span> ");
	lc_date_format(d->due, ymd, sizeof(ymd));
	html_ymd(h, ymd);
	html_raw(h, " <span class=\"termijn-wat\">");
	html_text(h, ui_deadline_word(d->what));
	html_raw(h, "</span>");
}

const char *
ui_due_class(const struct ui_caserow *row)
{
	if (row->ndue == 0)
		return "";
	if (row->due[0].days_left < 0)
		return " class=\"te-laat\"";
	if (row->due[0].days_left <= UI_SOON_DAYS)
		return " class=\"binnenkort\"";
	return "";
}

void
ui_case_link(struct ui_ctx *ctx, struct html *h, const struct ui_caserow *row)
{
	html_raw(h, "<a href=\"/dossier?case=");
	ui_idarg(ctx, h, row->case_id);
	html_raw(h, "\">");
	if (row->title[0] != '\0')
		html_text(h, row->title);
	else
		html_raw(h, "(dossier zonder titel)");
	html_raw(h, "</a>");
}

void
ui_caseload_table(struct ui_ctx *ctx, struct html *h,
    const struct ui_caserow *rows, const size_t *pick, size_t n,
    const char *caption, int with_regisseur)
{
	const struct ui_caserow	*row;
	size_t			 i;

	html_raw(h, "<table class=\"caseload\"><caption>");
	html_text(h, caption);
	html_raw(h, "</caption><thead><tr><th scope=\"col\">Gezin</th>");
	if (with_regisseur)
		html_raw(h, "<th scope=\"col\">Regisseur</th>");
	html_raw(h, "<th scope=\"col\">Kader</th><th scope=\"col\">Fase</th>"
	    "<th scope=\"col\">Kinderen</th><th scope=\"col\">Eerstvolgende "
	    "termijn</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		row = &rows[pick != NULL ? pick[i] : i];
		html_raw(h, "<tr");
		html_raw(h, ui_due_class(row));
		html_raw(h, "><th scope=\"row\">");
		ui_case_link(ctx, h, row);
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
		html_text(h, ui_frame_word(row->frame));
		html_raw(h, "</td><td>");
		html_text(h, ui_state_word(row->state));
		html_raw(h, "</td><td>");
		html_text(h, row->children);
		html_raw(h, "</td><td>");
		if (row->ndue > 0)
			ui_due_cell(h, &row->due[0]);
		else
			html_raw(h, "geen");
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table>");
}

int
ui_page_caseload(struct ui_ctx *ctx, const struct ui_req *req,
    struct ui_resp *resp)
{
	struct ui_caserow	*rows = NULL;
	struct html		*h = &resp->page;
	const char		*q;
	char			 fq[2 * UI_QUERY_MAX];
	size_t			 n, i, nm = 0, *pick = NULL;
	int			 r;

	q = req->arg(req, "q");
	if (q != NULL && (*q == '\0' || strlen(q) > UI_QUERY_MAX))
		q = NULL;
	if ((r = ui_caseload_read(ctx, &rows, &n)) != 0)
		return r;
	if (n > 0 && (pick = calloc(n, sizeof(*pick))) == NULL) {
		free(rows);
		return CS_ERR_ALLOC;
	}
	if (q != NULL)
		ui_fold(q, strlen(q), fq, sizeof(fq));
	for (i = 0; i < n; i++)
		if (q == NULL || strstr(rows[i].fold, fq) != NULL)
			pick[nm++] = i;
	resp->status = 200;
	ui_page_begin(ctx, h, "Mijn caseload", "/");
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
		ui_caseload_table(ctx, h, rows, pick, nm, q != NULL ?
		    "Gevonden gezinnen" : "Gezinnen in mijn caseload", 1);
	}
	ui_page_end(ctx, h);
	free(pick);
	free(rows);
	return 0;
}
