/* SPDX-License-Identifier: ISC */
/*
 * ui_unlock.c - casesync ui with its vault closed after the idle time
 * (ui_http_int.h): every page is the passphrase form; a right
 * passphrase opens the vault again in the same session, a wrong one
 * costs a growing delay.  A form sent while the vault was closed (its
 * Origin and form token already checked) is kept in locked memory and
 * handled after the unlock, so typed text is not lost.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "readlog.h"
#include "ui_http_int.h"
#include "util.h"
#include "vault.h"

#define UI_UNLOCK_DELAY_MAX	8	/* seconds after a wrong passphrase */

void
ui_pend_drop(struct ui_server *s)
{
	if (s->pend != NULL)
		sodium_free(s->pend);	/* zeroes, then unmaps */
	s->pend = NULL;
	s->pend_len = 0;
	s->pend_route = NULL;
}

/*
 * After the unlock: the form sent while the vault was closed, as if
 * it came now (its Origin and form token were checked then).
 */
static int
ui_pend_run(struct ui_server *s, struct ui_resp *rp)
{
	struct ui_conn	*pc;
	int		 r;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return CS_ERR_ALLOC;
	if ((pc->body = malloc(s->pend_len + 1)) == NULL) {
		free(pc);
		return CS_ERR_ALLOC;
	}
	memcpy(pc->body, s->pend, s->pend_len + 1);
	pc->len = s->pend_len;
	if (ui_form_parse(pc) != 0)
		r = CS_ERR_FORMAT;
	else
		r = ui_run(s, pc, s->pend_route, 1, rp);
	ui_pend_drop(s);
	sodium_memzero(pc->body, pc->len);
	free(pc->body);
	free(pc);
	return r;
}

/* The page frame with the unlock form (the vault is closed). */
int
ui_unlock_page(struct ui_server *s, struct ui_resp *rp, const char *msg)
{
	struct ui_ctx	ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.dir = s->dir;
	ctx.csrf = s->csrf;
	ui_page_begin(&ctx, &rp->page, "Vergrendeld", "");
	html_raw(&rp->page, "<h1>Vergrendeld</h1>\n<p>De kluis op deze "
	    "laptop is gesloten omdat u een tijd niets deed. Vul uw "
	    "wachtwoordzin in om verder te werken.</p>\n");
	if (msg != NULL) {
		html_raw(&rp->page, "<p class=\"error\" role=\"alert\">");
		html_text(&rp->page, msg);
		html_raw(&rp->page, "</p>\n");
	}
	html_raw(&rp->page, "<form method=\"post\" action=\"/unlock\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_text(&rp->page, s->csrf);
	html_raw(&rp->page, "\">\n<p><label for=\"passphrase\">Wachtwoordzin"
	    "</label>\n<input type=\"password\" id=\"passphrase\" "
	    "name=\"passphrase\" autocomplete=\"current-password\" required "
	    "autofocus></p>\n<p><button type=\"submit\">Ontgrendelen</button>"
	    "</p>\n</form>\n");
	ui_page_end(&ctx, &rp->page);
	rp->status = 200;
	return 0;
}

/* A wrong passphrase costs a growing delay (and Argon2id's time). */
int
ui_unlock(struct ui_server *s, struct ui_conn *uc, struct ui_resp *rp)
{
	const char	*pass = ui_form_get(uc, "passphrase");
	struct vault	*v = NULL;
	int		 r;

	if (pass == NULL || *pass == '\0')
		return ui_unlock_page(s, rp, "Vul uw wachtwoordzin in.");
	r = vault_open(s->dir, pass, strlen(pass), &v);
	if (r == 0 && (r = vault_err(v, readlog_verify(vault_db(v)))) != 0) {
		vault_close(v);
		v = NULL;
	}
	if (r == CS_ERR_PASSPHRASE) {
		if (s->fails < UI_UNLOCK_DELAY_MAX)
			s->fails++;
		log_warnx("ui: wrong passphrase at unlock");
		sleep(s->fails);
		return ui_unlock_page(s, rp, "Onjuiste wachtwoordzin. "
		    "Probeer het opnieuw.");
	}
	if (r != 0) {
		log_warnx("ui: cannot open the vault: %s", cs_err(r));
		return ui_unlock_page(s, rp, r == CS_ERR_TAMPERED ?
		    "De kluis op deze laptop is beschadigd of gewijzigd. "
		    "Neem contact op met uw beheerder." :
		    "De kluis kon niet worden geopend.");
	}
	s->fails = 0;
	s->vault = v;
	log_info("ui: vault opened again");
	if (s->pend != NULL)
		return ui_pend_run(s, rp);
	(void)str_fmt(rp->location, sizeof(rp->location), "/");
	return 0;
}
