/* SPDX-License-Identifier: ISC */
/*
 * ui_approvals.c - "Wacht op uw akkoord" on the Teamleider page, and
 * POST /akkoord: the approvals waiting for this user (a teamleider's
 * drang extensions and closings, a gedragswetenschapper's
 * co-signatures), each with what is asked, who asked and when, the
 * reason from this laptop's dossier, and a form to approve and one to
 * refuse (with a reason).  The decision is the core's
 * (approval_decide: the same path as `casesync approve`); the server
 * decides who may.  Without the server the section says so.
 */
#include <stdint.h>
#include <string.h>

#include "approval.h"
#include "caseload.h"
#include "conn.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "html.h"
#include "identity.h"
#include "msg.h"
#include "msg_approval.h"
#include "session.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_pages.h"
#include "ui_words.h"
#include "util.h"

#define UI_REASON_SHOW	1000	/* bytes of a reason shown */

static void
approval_what(struct html *h, const struct msg_approval_info *a)
{
	if (strcmp(a->kind, "drang_extension") == 0) {
		html_raw(h, "Verlenging van drang tot ");
		html_ymd(h, a->end_date);
	} else if (strcmp(a->kind, "case_close") == 0) {
		html_raw(h, "Afsluiten van het dossier (");
		html_text(h, ui_choice_word(a->close_reason));
		html_raw(h, ")");
	} else
		html_raw(h, "Medeondertekening van een veiligheidstaxatie");
}

/* One decision form: approve (reason optional) or refuse (required). */
static void
approval_form(struct ui_ctx *ctx, struct html *h, int64_t id, int approve)
{
	const char	*which = approve ? "ja" : "nee";

	html_raw(h, "<form method=\"post\" action=\"/akkoord\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_text(h, ctx->csrf);
	html_raw(h, "\"><input type=\"hidden\" name=\"id\" value=\"");
	html_int(h, id);
	html_raw(h, "\"><input type=\"hidden\" name=\"besluit\" value=\"");
	html_raw(h, approve ? "approve" : "refuse");
	html_raw(h, "\"><p><label for=\"reden-");
	html_raw(h, which);
	html_raw(h, "-");
	html_int(h, id);
	html_raw(h, approve ? "\">Toelichting (niet verplicht)" :
	    "\">Reden van de weigering");
	html_raw(h, "</label><textarea name=\"reden\" id=\"reden-");
	html_raw(h, which);
	html_raw(h, "-");
	html_int(h, id);
	html_raw(h, approve ? "\" rows=\"2\"></textarea>" :
	    "\" rows=\"2\" required></textarea>");
	html_raw(h, "</p><p><button type=\"submit\">");
	html_raw(h, approve ? "Akkoord geven" : "Weigeren");
	html_raw(h, "</button></p></form>");
}

static void
approval_item(struct ui_ctx *ctx, struct html *h, const struct caseload *cl,
    const struct msg_approval_info *a)
{
	char	reason[UI_REASON_SHOW];

	reason[0] = '\0';
	(void)approval_record_text(ctx->db, a->case_id, a->record_id, reason,
	    sizeof(reason));
	html_raw(h, "<li><h3>");
	approval_what(h, a);
	html_raw(h, " voor ");
	ui_case_named(h, cl, a->case_id);
	html_raw(h, "</h3><dl><dt>Gevraagd door</dt><dd>");
	html_text(h, a->requested_by);
	html_raw(h, " op ");
	html_time(h, a->requested_at);
	html_raw(h, strcmp(a->kind, "assessment_cosign") == 0 ?
	    "</dd><dt>Veiligheidstaxatie</dt><dd>" :
	    "</dd><dt>Toelichting</dt><dd>");
	if (reason[0] != '\0')
		html_text(h, reason);
	else
		html_raw(h, "<em>Staat nog niet op deze laptop: synchroniseer "
		    "eerst (pagina Sync).</em>");
	html_raw(h, "</dd></dl>");
	approval_form(ctx, h, a->approval_id, 1);
	approval_form(ctx, h, a->approval_id, 0);
	html_raw(h, "</li>");
}

void
ui_team_approvals(struct ui_ctx *ctx, struct html *h,
    const struct caseload *cl)
{
	struct msg_approval_list_request lr;
	struct msg_approval_list	 al;
	struct msg_approval_info	 a;
	struct msg_out			 req;
	struct identity			 id;
	struct conn			*c = NULL;
	struct msg			*rep = NULL;
	size_t				 i;
	int				 r;

	html_raw(h, "<section id=\"goedkeuringen\"><h2>Goedkeuringen</h2>"
	    "<h3>Wacht op uw akkoord</h3>");
	memset(&id, 0, sizeof(id));
	if (!identity_exists(ctx->vault))
		r = CS_ERR_NOT_FOUND;
	else
		r = session_open(ctx->vault, ctx->dir, &id, &c);
	if (r != 0) {
		html_raw(h, "<p class=\"offline\" role=\"status\">");
		html_raw(h, r == CS_ERR_NOT_FOUND ? "Deze laptop is nog "
		    "niet aangemeld bij de server: verzoeken om akkoord zijn "
		    "er niet te zien." : "Geen verbinding met de server: de "
		    "verzoeken om akkoord kunnen nu niet worden getoond. "
		    "Probeer het later opnieuw.");
		html_raw(h, "</p></section>");
		return;
	}
	lr.case_id = "";
	lr.waiting_for_me = 1;
	req = msg_out_approval_list_request(&lr);
	if ((r = rpc_call_expect(c, &req, MSG_APPROVAL_LIST, &rep)) != 0) {
		html_raw(h, "<p class=\"offline\" role=\"status\">De server "
		    "gaf de verzoeken om akkoord niet: probeer het later "
		    "opnieuw.</p>");
		goto out;
	}
	(void)msg_get_approval_list(rep, &al);
	if (al.n_approvals == 0)
		html_raw(h, "<p class=\"leeg\">Er wacht niets op uw akkoord."
		    "</p>");
	else
		html_raw(h, "<ol class=\"akkoord\">");
	for (i = 0; i < al.n_approvals; i++)
		if (msg_approval_list_item(rep, i, &a) == 0)
			approval_item(ctx, h, cl, &a);
	if (al.n_approvals > 0)
		html_raw(h, "</ol><p>Uw besluit en de toelichting komen in het "
		    "dossier bij de volgende synchronisatie.</p>");
 out:
	html_raw(h, "</section>");
	msg_free(rep);
	session_close(NULL, &id, c);
}

/* A page that says what went wrong, in Dutch. */
static int
approval_refused(struct ui_ctx *ctx, struct ui_resp *rp, int status,
    const char *msg)
{
	ui_page_message(ctx, rp, status, "Besluit niet vastgelegd", msg);
	return 0;
}

int
ui_page_approval(struct ui_ctx *ctx, const struct ui_req *rq,
    struct ui_resp *rp)
{
	struct dossier_error	 e;
	struct identity		 id;
	struct conn		*c = NULL;
	struct msg		*rep = NULL;
	const char		*sid, *besluit, *reden;
	uint64_t		 num;
	int			 r, approve;

	if (!rq->post)
		return approval_refused(ctx, rp, 405, "Een besluit wordt met "
		    "het formulier op de pagina Teamleider genomen.");
	sid = rq->arg(rq, "id");
	besluit = rq->arg(rq, "besluit");
	reden = rq->arg(rq, "reden");
	if (reden != NULL && reden[0] == '\0')
		reden = NULL;
	if (sid == NULL || parse_u64(sid, 1, INT64_MAX, &num) != 0 ||
	    besluit == NULL || (strcmp(besluit, "approve") != 0 &&
	    strcmp(besluit, "refuse") != 0))
		return approval_refused(ctx, rp, 400, "Dit formulier is niet "
		    "volledig. Open de pagina Teamleider opnieuw.");
	approve = strcmp(besluit, "approve") == 0;
	if (!approve && reden == NULL)
		return approval_refused(ctx, rp, 400, "Een weigering heeft een "
		    "reden nodig. Ga terug en vul de reden in.");
	memset(&id, 0, sizeof(id));
	if ((r = session_open(ctx->vault, ctx->dir, &id, &c)) != 0)
		return approval_refused(ctx, rp, 503, "Geen verbinding met de "
		    "server: er is niets vastgelegd. Probeer het later "
		    "opnieuw.");
	r = approval_decide(c, ctx->db, (int64_t)num, approve, reden, &rep,
	    &e);
	msg_free(rep);
	session_close(NULL, &id, c);
	if (r == 0) {
		memcpy(rp->location, "/team", sizeof("/team"));
		return 0;
	}
	if (e.fault == DOSSIER_WRITE_FAILED)
		return approval_refused(ctx, rp, 500, "Het besluit is op de "
		    "server vastgelegd, maar de toelichting kon niet in het "
		    "dossier op deze laptop worden geschreven.");
	if (e.fault == DOSSIER_NO_CASE)
		return approval_refused(ctx, rp, 409, "Dit gezin staat nog "
		    "niet op deze laptop: synchroniseer eerst (pagina Sync). "
		    "Er is niets vastgelegd.");
	if (e.fault != DOSSIER_OK)
		return approval_refused(ctx, rp, 400, "De toelichting is niet "
		    "geldig (te lang of met ongeldige tekens). Er is niets "
		    "vastgelegd.");
	if (r == CS_ERR_NOT_FOUND)
		return approval_refused(ctx, rp, 404, "Dit verzoek bestaat "
		    "niet (meer) voor u.");
	return approval_refused(ctx, rp, 409, "De server heeft het besluit "
	    "niet aangenomen: het verzoek is al beslist, het is uw eigen "
	    "verzoek, of u heeft niet de rol die erover beslist. Er is niets "
	    "vastgelegd.");
}
