/* SPDX-License-Identifier: ISC */
/*
 * ui_page_team.c - "Teamleider" (GET /team): the team's caseload per
 * regisseur and the team's deadlines (the cases on this laptop), the
 * transfers waiting for a decision with what the server may show of
 * each case (ui_team_net.c: this needs the server), and what waits for
 * this user's approval, with the forms to decide it (ui_approvals.c),
 * and for a team lead the management figures of her office
 * (ui_team_figures.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseload.h"
#include "errors.h"
#include "html.h"
#include "lifecycle.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_words.h"

struct team_due {
	size_t	row, i;
};

/* Rows by regisseur (unknown last), then as the caseload sorts them. */
static int
by_regisseur(const void *a, const void *b, void *arg)
{
	const struct caseload_row	*rows = arg;
	const struct caseload_row	*x = &rows[*(const size_t *)a];
	const struct caseload_row	*y = &rows[*(const size_t *)b];
	int			 c;

	if ((x->regisseur[0] == '\0') != (y->regisseur[0] == '\0'))
		return x->regisseur[0] == '\0' ? 1 : -1;
	if ((c = strcmp(x->regisseur, y->regisseur)) != 0)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int
by_due(const void *a, const void *b, void *arg)
{
	const struct caseload_row	*rows = arg;
	const struct team_due	*x = a, *y = b;
	int64_t			 dx = rows[x->row].deadlines[x->i].due;
	int64_t			 dy = rows[y->row].deadlines[y->i].due;

	if (dx != dy)
		return dx < dy ? -1 : 1;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->i < y->i ? -1 : 1;
}

static void
per_regisseur(struct html *h, const struct caseload *cl, size_t *pick)
{
	const struct caseload_row	*rows = cl->rows;
	size_t				 n = cl->n;
	char				 cap[CASE_META_NAME_MAX + 32];
	size_t				 i, j;

	html_raw(h, "<section id=\"per-regisseur\"><h2>Caseload per "
	    "regisseur</h2>");
	if (n == 0) {
		html_raw(h, "<p class=\"leeg\">Er staan geen gezinnen op deze "
		    "laptop.</p></section>");
		return;
	}
	for (i = 0; i < n; i++)
		pick[i] = i;
	qsort_r(pick, n, sizeof(*pick), by_regisseur, (void *)(uintptr_t)rows);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(rows[pick[j]].regisseur,
		    rows[pick[i]].regisseur) == 0; j++)
			;
		html_raw(h, "<h3>");
		if (rows[pick[i]].regisseur[0] != '\0')
			html_text(h, rows[pick[i]].regisseur);
		else
			html_raw(h, "Regisseur onbekend");
		html_raw(h, " <span class=\"aantal\">(");
		html_int(h, (int64_t)(j - i));
		html_raw(h, j - i == 1 ? " gezin)" : " gezinnen)");
		html_raw(h, "</span></h3>");
		(void)snprintf(cap, sizeof(cap), "Gezinnen van %s",
		    rows[pick[i]].regisseur[0] != '\0' ?
		    rows[pick[i]].regisseur : "een onbekende regisseur");
		ui_caseload_table(h, cl, pick + i, j - i, cap, 0);
	}
	html_raw(h, "</section>");
}

static int
team_deadlines(struct html *h, const struct caseload *cl)
{
	const struct caseload_row	*rows = cl->rows;
	size_t				 n = cl->n;
	struct team_due	*d;
	size_t		 i, j, nd = 0;

	for (i = 0; i < n; i++)
		nd += rows[i].ndeadlines;
	html_raw(h, "<section id=\"team-termijnen\"><h2>Termijnen van het "
	    "team</h2>");
	if (nd == 0) {
		html_raw(h, "<p class=\"leeg\">Geen termijnen.</p></section>");
		return 0;
	}
	if ((d = calloc(nd, sizeof(*d))) == NULL)
		return CS_ERR_ALLOC;
	for (i = nd = 0; i < n; i++)
		for (j = 0; j < rows[i].ndeadlines; j++) {
			d[nd].row = i;
			d[nd++].i = j;
		}
	qsort_r(d, nd, sizeof(*d), by_due, (void *)(uintptr_t)rows);
	html_raw(h, "<table class=\"termijnen\"><caption>Alle termijnen, de "
	    "eerstvolgende bovenaan</caption><thead><tr><th scope=\"col\">"
	    "Termijn</th><th scope=\"col\">Gezin</th><th scope=\"col\">"
	    "Regisseur</th></tr></thead><tbody>");
	for (i = 0; i < nd; i++) {
		const struct caseload_row	*row = &rows[d[i].row];
		const struct caseload_deadline *due = &row->deadlines[d[i].i];

		html_raw(h, "<tr");
		html_raw(h, ui_due_class(due));
		html_raw(h, "><td>");
		ui_due_cell(h, due);
		html_raw(h, "</td><td>");
		ui_case_link(h, cl->ids, row);
		html_raw(h, "</td><td>");
		html_text(h, row->regisseur[0] != '\0' ? row->regisseur :
		    "onbekend");
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></section>");
	free(d);
	return 0;
}

int
ui_page_team(struct ui_ctx *ctx, const struct ui_req *req,
    struct ui_resp *resp)
{
	struct caseload	*cl = NULL;
	struct html	*h = &resp->page;
	size_t		*pick = NULL;
	int		 r;

	(void)req;
	if ((r = ui_caseload(ctx, &cl)) != 0)
		return r;
	if (cl->n > 0 && (pick = calloc(cl->n, sizeof(*pick))) == NULL) {
		caseload_free(cl);
		return CS_ERR_ALLOC;
	}
	resp->status = 200;
	ui_page_begin(ctx, h, "Teamleider", "team");
	html_raw(h, "<h1>Teamleider</h1><p>De gezinnen van het team die op "
	    "deze laptop staan.</p>");
	per_regisseur(h, cl, pick);
	if ((r = team_deadlines(h, cl)) != 0)
		goto out;
	ui_team_transfers(ctx, h, cl);
	ui_team_approvals(ctx, h, cl);
	ui_team_figures(ctx, h);
	ui_page_end(ctx, h);
 out:
	free(pick);
	caseload_free(cl);
	return r;
}
