/* SPDX-License-Identifier: ISC */
/*
 * ui_team_net.c - the Teamleider page's part that needs the server:
 * the transfers waiting for a decision, each with what the server may
 * show of the case (its preview: frame, state, deadlines, regisseur,
 * how many records).  The server decides who sees which transfer; the
 * laptop only shows.  When the server cannot be reached the page says
 * so and shows the rest.
 */
#include <string.h>

#include "caseload.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "html.h"
#include "identity.h"
#include "session.h"
#include "msg.h"
#include "msg_transfer.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_words.h"

#define UI_TEAM_PAGES_MAX	50	/* pages of transfers asked for */

static const char *
reason_word(const char *r)
{
	if (strcmp(r, "moved") == 0)
		return "Verhuizing van het gezin";
	if (strcmp(r, "capacity") == 0)
		return "Capaciteit";
	if (strcmp(r, "expertise") == 0)
		return "Expertise";
	return "Anders";
}

/* The case by its title if this laptop holds it; never its id. */
static void
transfer_case(struct html *h, const struct caseload *cl, const char *case_id)
{
	size_t	i;

	for (i = 0; i < cl->n; i++)
		if (strcmp(cl->rows[i].case_id, case_id) == 0) {
			ui_case_link(h, cl->ids, &cl->rows[i]);
			return;
		}
	html_raw(h, "een gezin dat niet op deze laptop staat");
}

static void
transfer_item(struct html *h, const struct caseload *cl,
    const struct msg_transfer_info *t)
{
	const struct msg_case_info	*ci = &t->case_info;
	struct msg_case_deadline	 dl;
	size_t				 i;

	html_raw(h, "<li><h3>Overdracht van ");
	transfer_case(h, cl, t->case_id);
	html_raw(h, "</h3><dl><dt>Van</dt><dd>");
	html_text(h, t->from_office);
	html_raw(h, "</dd><dt>Naar</dt><dd>");
	html_text(h, t->to_office);
	html_raw(h, "</dd><dt>Gevraagd door</dt><dd>");
	html_text(h, t->requested_by);
	html_raw(h, " op ");
	html_time(h, t->requested_at);
	html_raw(h, "</dd><dt>Reden</dt><dd>");
	html_text(h, reason_word(t->reason));
	if (t->note[0] != '\0') {
		html_raw(h, ": ");
		html_text(h, t->note);
	}
	html_raw(h, "</dd>");
	if (t->has_case_info) {
		html_raw(h, "<dt>Kader en fase</dt><dd>");
		html_text(h, ui_frame_word(ci->frame));
		html_raw(h, ", ");
		html_text(h, ui_state_word(ci->state));
		if (ci->state_since[0] != '\0') {
			html_raw(h, " sinds ");
			html_ymd(h, ci->state_since);
		}
		html_raw(h, "</dd><dt>Regisseur nu</dt><dd>");
		html_text(h, t->regisseur[0] != '\0' ? t->regisseur :
		    "onbekend");
		html_raw(h, "</dd><dt>Termijnen</dt><dd>");
		if (ci->n_deadlines == 0)
			html_raw(h, "geen");
		for (i = 0; i < ci->n_deadlines; i++) {
			msg_case_deadline(ci, i, &dl);
			if (i > 0)
				html_raw(h, "; ");
			if (dl.days_left < 0)
				html_raw(h, "<strong class=\"marker "
				    "overdue\">Te laat:</strong> ");
			html_text(h, ui_deadline_word(dl.kind));
			html_raw(h, " ");
			html_ymd(h, dl.due);
		}
		html_raw(h, "</dd><dt>Gegevens</dt><dd>");
		html_int(h, t->records);
		html_raw(h, " stukken, waarvan ");
		html_int(h, t->person_records);
		html_raw(h, " personen en ");
		html_int(h, t->measure_records);
		html_raw(h, " maatregelen (de server ziet de inhoud niet)"
		    "</dd>");
	}
	html_raw(h, "</dl></li>");
}

void
ui_team_transfers(struct ui_ctx *ctx, struct html *h,
    const struct caseload *cl)
{
	struct msg_transfer_list_request lr;
	struct msg_transfer_list	 tl;
	struct msg_transfer_info	 t;
	struct msg_out			 req;
	struct identity			 id;
	struct conn			*c = NULL;
	struct msg			*rep = NULL;
	size_t				 i, n = 0, pages = 0;
	int				 r, more = 1;

	html_raw(h, "<section id=\"overdrachten\"><h2>Overdrachten die op een "
	    "besluit wachten</h2>");
	/* as every command that talks to the server (session.h) */
	memset(&id, 0, sizeof(id));
	if (!identity_exists(ctx->vault))
		r = CS_ERR_NOT_FOUND;
	else
		r = session_open(ctx->vault, ctx->dir, &id, &c);
	if (r != 0) {
		html_raw(h, "<p class=\"offline\" role=\"status\">");
		html_raw(h, r == CS_ERR_NOT_FOUND ? "Deze laptop is nog niet "
		    "aangemeld bij de server: overdrachten zijn er niet te "
		    "zien." : "Geen verbinding met de server: de overdrachten "
		    "kunnen nu niet worden getoond. Probeer het later opnieuw."
		    );
		html_raw(h, "</p></section>");
		return;
	}
	lr.after = 0;
	while (more && pages++ < UI_TEAM_PAGES_MAX) {
		req = msg_out_transfer_list_request(&lr);
		if ((r = rpc_call_expect(c, &req, MSG_TRANSFER_LIST,
		    &rep)) != 0)
			break;
		(void)msg_get_transfer_list(rep, &tl);
		for (i = 0; i < tl.n_transfers; i++) {
			if (msg_transfer_list_item(rep, i, &t) != 0)
				continue;
			lr.after = t.transfer_id;
			if (strcmp(t.state, "REQUESTED") != 0)
				continue;
			if (n++ == 0)
				html_raw(h, "<ol class=\"overdrachten\">");
			transfer_item(h, cl, &t);
		}
		more = tl.more && tl.n_transfers > 0;
		msg_free(rep);
		rep = NULL;
	}
	if (n > 0)
		html_raw(h, "</ol><p>Een overdracht accepteert of weigert u "
		    "met <kbd>casesync transfer accept</kbd> of <kbd>casesync "
		    "transfer reject</kbd>.</p>");
	if (r != 0)
		html_raw(h, "<p class=\"offline\" role=\"status\">De server "
		    "gaf de lijst van overdrachten niet (helemaal): probeer "
		    "het later opnieuw.</p>");
	else if (n == 0)
		html_raw(h, "<p class=\"leeg\">Er wachten geen overdrachten op "
		    "een besluit.</p>");
	html_raw(h, "</section>");
	msg_free(rep);
	session_close(NULL, &id, c);
}
