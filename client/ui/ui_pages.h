/* SPDX-License-Identifier: ISC */
/*
 * ui_pages.h - what the case-file pages share (ui_page_caseload.c,
 * ui_page_dossier.c, ui_page_form.c, ui_page_team.c, ui_team_net.c).
 */
#ifndef UI_PAGES_H
#define UI_PAGES_H

#include <stddef.h>

struct caseload;
struct caseload_deadline;
struct caseload_row;
struct html;
struct ids;
struct ui_ctx;
struct ui_resp;

/*
 * How a measure is registered, for a page: with its court decision, on
 * the server, from the command line (the web application starts none).
 */
#define UI_MEASURE_HOW	"Een maatregel bestaat alleen met de beschikking " \
	"van de rechter en wordt eerst door de server gecontroleerd. " \
	"Registreer hem op de opdrachtregel: casesync measure start " \
	"(verlengen: measure extend, be\xc3\xabindigen: measure end)."

/*
 * A deadline: its marker ("te laat", "binnenkort"), date and name, and
 * the first name of the child it concerns.
 */
void	ui_due_cell(struct html *, const struct caseload_deadline *);
/* ' class="te-laat"' or ' class="binnenkort"' for "d" (NULL: none). */
const char *ui_due_class(const struct caseload_deadline *d);
/* A link to the dossier of a case, named by its title. */
void	ui_case_link(struct html *, const struct ids *,
	    const struct caseload_row *);
/*
 * Case "case_id" by its title, linked, if this laptop holds it, else
 * "een gezin dat niet op deze laptop staat"; never its id.
 */
void	ui_case_named(struct html *, const struct caseload *,
	    const char *case_id);
/* The row's frame (frame 1) or state (0) in Dutch, or "onbekend". */
void	ui_frame_state(struct html *, const struct caseload_row *, int frame);
/*
 * A table of cases ("pick": which rows, in order; NULL: all "n"),
 * with a regisseur column if asked.
 */
void	ui_caseload_table(struct html *, const struct caseload *,
	    const size_t *pick, size_t n, const char *caption,
	    int with_regisseur);
/* A whole page that says "msg" (escaped) with status "status". */
void	ui_page_message(struct ui_ctx *, struct ui_resp *, int status,
	    const char *title, const char *msg);
/*
 * The transfers waiting for a decision, from the server (ui_team_net.c),
 * as a section; without the server it says so.
 */
void	ui_team_transfers(struct ui_ctx *, struct html *,
	    const struct caseload *);

/*
 * The management figures of the office a team lead leads, from the
 * server (ui_team_figures.c), as a section; nothing at all for anyone
 * the server refuses them to, or without the server.
 */
void	ui_team_figures(struct ui_ctx *, struct html *);

/*
 * What waits for this user's approval, from the server, with a form to
 * approve and one to refuse each (ui_approvals.c), as a section;
 * without the server it says so.
 */
void	ui_team_approvals(struct ui_ctx *, struct html *,
	    const struct caseload *);

/*
 * The Sync page's conflicts (ui_page_conflict.c): every one as a
 * section with a form (the read is logged by the core), and settling
 * one from that form's fields: 0, or a CS_ERR_* with *why a Dutch
 * sentence for the page (NULL: an error of the program).
 */
int	ui_conflicts(struct ui_ctx *, struct html *);
struct ui_req;
int	ui_conflict_resolve(struct ui_ctx *, const struct ui_req *,
	    const char **why);

#endif /* UI_PAGES_H */
