/* SPDX-License-Identifier: ISC */
/*
 * ui_pages.h - what the case-file pages share (ui_page_caseload.c,
 * ui_page_dossier.c, ui_page_form.c, ui_page_team.c).
 */
#ifndef UI_PAGES_H
#define UI_PAGES_H

#include <stddef.h>

struct html;
struct ui_ctx;
struct ui_caserow;
struct ui_due;
struct ui_resp;

#define UI_SOON_DAYS	14	/* a deadline this close is shown in amber */

/* A deadline: its marker ("te laat", "binnenkort"), date and name. */
void	ui_due_cell(struct html *, const struct ui_due *);
/* ' class="te-laat"' or ' class="binnenkort"' for a row, or "". */
const char *ui_due_class(const struct ui_caserow *);
/* A link to the dossier of a case, named by its title. */
void	ui_case_link(struct ui_ctx *, struct html *,
	    const struct ui_caserow *);
/*
 * A table of cases ("pick": which rows, in order; NULL: all "n"),
 * with a regisseur column if asked.
 */
void	ui_caseload_table(struct ui_ctx *, struct html *,
	    const struct ui_caserow *rows, const size_t *pick, size_t n,
	    const char *caption, int with_regisseur);
/* A whole page that says "msg" (escaped) with status "status". */
void	ui_page_message(struct ui_ctx *, struct ui_resp *, int status,
	    const char *title, const char *msg);

/*
 * The transfers waiting for a decision, from the server (ui_team_net.c),
 * as a section; without the server it says so.
 */
void	ui_team_transfers(struct ui_ctx *, struct html *);

#endif /* UI_PAGES_H */
