/* SPDX-License-Identifier: ISC */
/*
 * ui_page_sync.c - the Sync page (GET and POST /sync): "Nu
 * synchroniseren" starts the background sync (ui_sync.c), whose
 * progress ui.js polls; the last sync, what waits in the outbox per
 * case, and the conflicts.  Cases are named by title, never by id.
 */
#include <stdint.h>
#include <string.h>

#include "case_title.h"
#include "db.h"
#include "errors.h"
#include "syncstatus.h"
#include "ui.h"
#include "ui_pages.h"
#include "vault.h"

#define SYNC_TITLE_MAX	200

struct outbox_ctx {
	struct ui_ctx	*ctx;
	struct html	*h;
	int64_t		 total;
	int		 rows;
};

static int
outbox_row(const char *case_id, int64_t n, void *arg)
{
	struct outbox_ctx	*ox = arg;
	char			 title[SYNC_TITLE_MAX];
	int			 r;

	if (ox->rows++ == 0)
		html_raw(ox->h, "<table>\n<caption>Wachtend per gezin"
		    "</caption>\n<thead><tr><th scope=\"col\">Gezin</th>"
		    "<th scope=\"col\">Wijzigingen</th></tr></thead>\n"
		    "<tbody>\n");
	r = case_title_get(ox->ctx->db, case_id, title, sizeof(title));
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	html_raw(ox->h, "<tr><td>");
	if (r == 0)
		html_text(ox->h, title);
	else
		html_raw(ox->h, "<span class=\"muted\">(gezin zonder "
		    "titel)</span>");
	html_raw(ox->h, "</td><td>");
	html_int(ox->h, n);
	html_raw(ox->h, "</td></tr>\n");
	ox->total += n;
	return 0;
}

static int
sync_outbox(struct ui_ctx *ctx, struct html *h)
{
	struct outbox_ctx	ox;
	int			r;

	memset(&ox, 0, sizeof(ox));
	ox.ctx = ctx;
	ox.h = h;
	html_raw(h, "<h2>Nog te versturen</h2>\n");
	if ((r = db_outbox_per_case(ctx->db, outbox_row, &ox)) != 0)
		return r;
	if (ox.rows == 0) {
		html_raw(h, "<p>Alle wijzigingen zijn verstuurd.</p>\n");
		return 0;
	}
	html_raw(h, "</tbody>\n</table>\n<p>In totaal ");
	html_int(h, ox.total);
	html_raw(h, ox.total == 1 ? " wijziging" : " wijzigingen");
	html_raw(h, " wacht op de volgende synchronisatie.</p>\n");
	return 0;
}

static void
sync_last(struct ui_ctx *ctx, struct html *h)
{
	struct syncstatus	st;

	html_raw(h, "<h2>Laatste synchronisatie</h2>\n<p>");
	if (syncstatus_get(ctx->vault, &st) != 0 || st.ok == 0)
		html_raw(h, "Nog niet gesynchroniseerd.");
	else {
		html_raw(h, "Gelukt op ");
		html_time(h, st.ok);
		html_raw(h, ".");
	}
	html_raw(h, "</p>\n");
	if (st.outcome == SYNCSTATUS_OFFLINE) {
		html_raw(h, "<p>Laatste poging (");
		html_time(h, st.tried);
		html_raw(h, "): de server was niet bereikbaar.</p>\n");
	} else if (st.outcome == SYNCSTATUS_FAILED) {
		html_raw(h, "<p class=\"error\">Laatste poging (");
		html_time(h, st.tried);
		html_raw(h, ") is mislukt. Probeer het opnieuw; lukt het "
		    "niet, neem dan contact op met uw beheerder.</p>\n");
	}
}

static void
sync_now(struct ui_ctx *ctx, struct html *h)
{
	struct ui_sync_view	sv;

	ui_sync_get(ctx->sync, &sv);
	html_raw(h, "<div id=\"sync-progress\" data-state=\"");
	html_raw(h, sv.state == UI_SYNC_RUNNING ? "running" : "idle");
	html_raw(h, "\">\n");
	switch (sv.state) {
	case UI_SYNC_RUNNING:
		html_raw(h, "<p><label for=\"sync-bar\">Bezig met "
		    "synchroniseren</label>\n<progress id=\"sync-bar\">"
		    "</progress></p>\n<p id=\"sync-text\" role=\"status\" "
		    "aria-live=\"polite\">Records: ");
		html_int(h, (int64_t)sv.records);
		html_raw(h, " van ");
		html_int(h, (int64_t)sv.records_total);
		html_raw(h, ", bytes: ");
		html_int(h, (int64_t)sv.bytes);
		html_raw(h, " van ");
		html_int(h, (int64_t)sv.bytes_total);
		html_raw(h, "</p>\n");
		break;
	case UI_SYNC_DONE:
		html_raw(h, "<p role=\"status\">Klaar: ");
		html_int(h, (int64_t)sv.pushed);
		html_raw(h, " verstuurd, ");
		html_int(h, (int64_t)sv.pulled);
		html_raw(h, " ontvangen (");
		html_int(h, (int64_t)sv.bytes);
		html_raw(h, " bytes), ");
		html_int(h, (int64_t)sv.conflicts);
		html_raw(h, sv.conflicts == 1 ? " nieuw conflict.</p>\n" :
		    " nieuwe conflicten.</p>\n");
		break;
	case UI_SYNC_OFFLINE:
		html_raw(h, "<p role=\"status\">De server is niet "
		    "bereikbaar. Uw wijzigingen blijven op deze laptop en "
		    "gaan mee met de volgende synchronisatie.</p>\n");
		break;
	case UI_SYNC_FAILED:
		html_raw(h, "<p class=\"error\" role=\"alert\">De "
		    "synchronisatie is mislukt. Wat al gedaan was, blijft "
		    "bewaard; probeer het opnieuw.</p>\n");
		break;
	default:
		break;
	}
	html_raw(h, "</div>\n<form method=\"post\" action=\"/sync\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_text(h, ctx->csrf);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"action\" "
	    "value=\"sync\">\n<p><button type=\"submit\"");
	if (sv.state == UI_SYNC_RUNNING)
		html_raw(h, " disabled");
	html_raw(h, ">Nu synchroniseren</button></p>\n</form>\n");
}

/* The page after its top: last sync, outbox, conflicts; the end. */
static int
sync_rest(struct ui_ctx *ctx, struct ui_resp *rp)
{
	int	r;

	sync_last(ctx, &rp->page);
	if ((r = sync_outbox(ctx, &rp->page)) != 0 ||
	    (r = ui_conflicts(ctx, &rp->page)) != 0)
		return vault_err(ctx->vault, r);
	ui_page_end(ctx, &rp->page);
	return 0;
}

/* A conflict settled: back to the page, or the page with the reason. */
static int
sync_resolve(struct ui_ctx *ctx, const struct ui_req *rq,
    struct ui_resp *rp)
{
	const char	*why;
	int		 r;

	if ((r = ui_conflict_resolve(ctx, rq, &why)) == 0) {
		memcpy(rp->location, "/sync", sizeof("/sync"));
		return 0;
	}
	if (why == NULL)
		return vault_err(ctx->vault, r);
	rp->status = 400;
	ui_page_begin(ctx, &rp->page, "Sync", "sync");
	html_raw(&rp->page, "<h1>Sync</h1>\n<p class=\"error\" "
	    "role=\"alert\">");
	html_text(&rp->page, why);
	html_raw(&rp->page, "</p>\n");
	return sync_rest(ctx, rp);
}

int
ui_page_sync(struct ui_ctx *ctx, const struct ui_req *rq,
    struct ui_resp *rp)
{
	const char	*action;
	int		 r;

	if (rq->post) {
		action = rq->arg(rq, "action");
		if (action != NULL && strcmp(action, "resolve") == 0)
			return sync_resolve(ctx, rq, rp);
		if (action == NULL || strcmp(action, "sync") != 0) {
			rp->status = 400;
			ui_page_begin(ctx, &rp->page, "Sync", "sync");
			html_raw(&rp->page, "<h1>Sync</h1>\n<p class=\"error\">"
			    "Onbekende opdracht.</p>\n");
			ui_page_end(ctx, &rp->page);
			return 0;
		}
		r = ui_sync_start(ctx->sync, ctx->vault);
		if (r != 0 && r != CS_ERR_EXISTS)
			return r;
		memcpy(rp->location, "/sync", sizeof("/sync"));
		return 0;
	}
	ui_page_begin(ctx, &rp->page, "Sync", "sync");
	html_raw(&rp->page, "<h1>Sync</h1>\n");
	sync_now(ctx, &rp->page);
	return sync_rest(ctx, rp);
}
