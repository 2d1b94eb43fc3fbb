/* SPDX-License-Identifier: ISC */
/*
 * ui_team_figures.c - the Teamleider page's management figures (issue
 * 20): for a team lead, per office and frame the figures of `casesync
 * report figures`, asked of the server (figures_net.h), in Dutch: a
 * table per office and frame, and new and closed cases per month.
 *
 * The server decides who sees them.  The laptop does not know its
 * user's role, so the page asks; the server refuses anyone who does not
 * lead an office (FORBIDDEN), and then the page shows nothing at all:
 * no heading, no notice.  Without the server it shows nothing either
 * (the transfers section above already says the server is out of
 * reach); another refusal is said in one sentence.
 */
#include <stdint.h>
#include <string.h>

#include "conn.h"
#include "errors.h"
#include "figures.h"
#include "figures_net.h"
#include "html.h"
#include "identity.h"
#include "lifecycle.h"
#include "msg.h"
#include "session.h"
#include "ui.h"
#include "ui_pages.h"
#include "ui_words.h"

static const char *const month_words[12] = {
	"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"
};

static void
fig_day(struct html *h, int64_t day)
{
	char	d[LC_DATE_LEN + 1];

	lc_date_format(day, d, sizeof(d));
	html_ymd(h, d);
}

/* A row of the figures' table: what it counts, how many. */
static void
fig_row(struct html *h, const char *what, int64_t n)
{
	html_raw(h, "<tr><th scope=\"row\">");
	html_text(h, what);
	html_raw(h, "</th><td>");
	html_int(h, n);
	html_raw(h, "</td></tr>");
}

/* The median in days with a decimal comma, or "geen". */
static void
fig_median_row(struct html *h, int64_t x2)
{
	char	m[32];
	char	*dot;

	html_raw(h, "<tr><th scope=\"row\">Mediane duur van de drang (dagen)"
	    "</th><td>");
	if (x2 < 0)
		html_raw(h, "geen");
	else {
		(void)figures_median(m, x2);
		if ((dot = strchr(m, '.')) != NULL)
			*dot = ',';
		html_text(h, m);
	}
	html_raw(h, "</td></tr>");
}

static void
fig_group(struct html *h, const struct figures *f, size_t gi)
{
	const struct figures_group	*g = &f->groups[gi];
	const char			*frame;
	size_t				 i, n = 0;

	frame = ui_frame_word(lc_frame_name(g->frame));
	html_raw(h, "<table class=\"cijfers\"><caption>");
	html_text(h, g->office);
	html_raw(h, ", ");
	html_text(h, frame);
	html_raw(h, "</caption><thead><tr><th scope=\"col\">Cijfer</th>"
	    "<th scope=\"col\">Aantal</th></tr></thead><tbody>");
	fig_row(h, "Lopende gezinnen", g->active);
	fig_row(h, "Nieuwe gezinnen", g->new_cases);
	fig_row(h, "Gesloten gezinnen", g->closed);
	fig_row(h, "Drangtrajecten afgesloten", g->drang_ended);
	fig_row(h, "waarvan met een Raadsmelding", g->drang_to_raad);
	fig_median_row(h, g->drang_median_x2);
	fig_row(h, "Drang verlengd", g->drang_extended);
	fig_row(h, "Verlengingen van een OTS", g->ots_extensions);
	fig_row(h, "Toetsingen te laat", g->toetsing_overdue);
	fig_row(h, "Verzoeken verlenging OTS te laat",
	    g->ots_request_overdue);
	fig_row(h, "Overdrachten naar deze vestiging", g->transfers_in);
	fig_row(h, "Overdrachten naar een andere vestiging",
	    g->transfers_out);
	fig_row(h, "Keren dat het glas is gebroken", g->glass);
	html_raw(h, "</tbody></table>");
	for (i = 0; i < f->nmonths; i++) {
		const struct figures_month *m = &f->months[i];

		if (m->group != gi)
			continue;
		if (n++ == 0) {
			html_raw(h, "<table class=\"per-maand\"><caption>");
			html_text(h, g->office);
			html_raw(h, ", ");
			html_text(h, frame);
			html_raw(h, ": nieuw en gesloten per maand</caption>"
			    "<thead><tr><th scope=\"col\">Maand</th>"
			    "<th scope=\"col\">Nieuw</th><th scope=\"col\">"
			    "Gesloten</th></tr></thead><tbody>");
		}
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, m->month >= 1 && m->month <= 12 ?
		    month_words[m->month - 1] : "?");
		html_raw(h, " ");
		html_int(h, m->year);
		html_raw(h, "</th><td>");
		html_int(h, m->new_cases);
		html_raw(h, "</td><td>");
		html_int(h, m->closed);
		html_raw(h, "</td></tr>");
	}
	if (n > 0)
		html_raw(h, "</tbody></table>");
}

static void
fig_section(struct html *h, const struct figures *f)
{
	size_t	i;

	html_raw(h, "<section id=\"cijfers\"><h2>Cijfers van uw team</h2><p>"
	    "Stand op ");
	fig_day(h, f->today);
	if (f->since != LC_NODATE) {
		html_raw(h, "; nieuw, gesloten en de andere gebeurtenissen "
		    "sinds ");
		fig_day(h, f->since);
	}
	html_raw(h, ". Alleen wat de server van de gezinnen weet (kader, fase, "
	    "data), nooit de inhoud van een dossier.</p>");
	for (i = 0; i < f->ngroups; i++) {
		if (i == 0 || strcmp(f->groups[i].office,
		    f->groups[i - 1].office) != 0) {
			html_raw(h, "<h3>Vestiging ");
			html_text(h, f->groups[i].office);
			html_raw(h, "</h3>");
		}
		fig_group(h, f, i);
	}
	if (f->ngroups == 0)
		html_raw(h, "<p class=\"leeg\">Geen cijfers.</p>");
	html_raw(h, "</section>");
}

void
ui_team_figures(struct ui_ctx *ctx, struct html *h)
{
	struct figures_net	 fn;
	struct msg_error	 e;
	struct identity		 id;
	struct conn		*c = NULL;
	struct msg		*err = NULL;
	int			 r;

	memset(&fn, 0, sizeof(fn));
	memset(&id, 0, sizeof(id));
	if (!identity_exists(ctx->vault) ||
	    session_open(ctx->vault, ctx->dir, &id, &c) != 0)
		return;
	if ((r = figures_net_get(c, "", "", &fn, &err)) == 0)
		fig_section(h, &fn.fig);
	else if (err == NULL || msg_get_error(err, &e) != 0 ||
	    e.code != WERR_FORBIDDEN)
		html_raw(h, "<section id=\"cijfers\"><h2>Cijfers van uw team"
		    "</h2><p class=\"offline\" role=\"status\">De server gaf "
		    "de cijfers niet: probeer het later opnieuw.</p>"
		    "</section>");
	msg_free(err);
	figures_net_free(&fn);
	session_close(NULL, &id, c);
}
