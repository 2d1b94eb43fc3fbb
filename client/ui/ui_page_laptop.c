/* SPDX-License-Identifier: ISC */
/*
 * ui_page_laptop.c - the Laptop page (GET /laptop): the certificate's
 * end, the vault's state and this laptop's read log, newest first,
 * with case titles (never ids).  The read log's chain is checked as
 * it is read (readlog_each).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "case_title.h"
#include "errors.h"
#include "identity.h"
#include "readlog.h"
#include "renewal.h"
#include "ui.h"
#include "vault.h"

#define LAPTOP_READS_SHOWN	200	/* newest entries on the page */
#define LAPTOP_TITLE_MAX	200
#define LAPTOP_ID_MAX		64
#define LAPTOP_ACTION_MAX	16

struct laptop_read {
	int64_t	at;
	char	action[LAPTOP_ACTION_MAX];
	char	case_id[LAPTOP_ID_MAX];
};

struct laptop_reads {
	struct laptop_read	*ring;		/* LAPTOP_READS_SHOWN */
	int64_t			 count;
};

static int
laptop_read_cb(const struct readlog_entry *e, void *arg)
{
	struct laptop_reads	*lr = arg;
	struct laptop_read	*slot;

	slot = &lr->ring[lr->count % LAPTOP_READS_SHOWN];
	slot->at = e->at;
	if (strlen(e->action) >= sizeof(slot->action) ||
	    strlen(e->case_id) >= sizeof(slot->case_id))
		return CS_ERR_TAMPERED;	/* readlog_add never wrote it */
	memcpy(slot->action, e->action, strlen(e->action) + 1);
	memcpy(slot->case_id, e->case_id, strlen(e->case_id) + 1);
	lr->count++;
	return 0;
}

/* The read log's actions in Dutch. */
static const char *
laptop_action(const char *a)
{
	static const struct {
		const char	*action;
		const char	*nl;
	} names[] = {
		{ "show", "dossier bekeken" },
		{ "list", "lijst bekeken" },
		{ "plan", "plan bekeken" },
		{ "search", "gezocht" },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(a, names[i].action) == 0)
			return names[i].nl;
	return a;
}

static int
laptop_reads(struct ui_ctx *ctx, struct html *h)
{
	struct laptop_reads	 lr;
	struct laptop_read	*e;
	char			 title[LAPTOP_TITLE_MAX];
	int64_t			 i, shown, last;
	int			 r, rt;

	memset(&lr, 0, sizeof(lr));
	if ((lr.ring = calloc(LAPTOP_READS_SHOWN, sizeof(*lr.ring))) == NULL)
		return CS_ERR_ALLOC;
	r = readlog_each(ctx->db, laptop_read_cb, &lr, &last);
	html_raw(h, "<h2>Leeslog van deze laptop</h2>\n");
	if (r == CS_ERR_TAMPERED) {
		html_raw(h, "<p class=\"error\" role=\"alert\">De leeslog "
		    "van deze laptop is gewijzigd. Neem contact op met uw "
		    "beheerder.</p>\n");
		r = 0;
		goto out;
	}
	if (r != 0)
		goto out;
	html_raw(h, "<p>Elke keer dat op deze laptop een dossier wordt "
	    "bekeken, komt dat in deze log (NEN 7513). ");
	html_int(h, lr.count);
	html_raw(h, lr.count == 1 ? " regel" : " regels");
	html_raw(h, ", keten in orde.");
	if (lr.count > LAPTOP_READS_SHOWN) {
		html_raw(h, " Hieronder de nieuwste ");
		html_int(h, LAPTOP_READS_SHOWN);
		html_raw(h, ".");
	}
	html_raw(h, "</p>\n");
	if (lr.count == 0)
		goto out;
	html_raw(h, "<table>\n<caption>Nieuwste eerst</caption>\n<thead><tr>"
	    "<th scope=\"col\">Tijd</th><th scope=\"col\">Handeling</th>"
	    "<th scope=\"col\">Gezin</th></tr></thead>\n<tbody>\n");
	shown = lr.count < LAPTOP_READS_SHOWN ? lr.count : LAPTOP_READS_SHOWN;
	for (i = 0; i < shown; i++) {
		e = &lr.ring[(lr.count - 1 - i) % LAPTOP_READS_SHOWN];
		html_raw(h, "<tr><td>");
		html_time(h, e->at);
		html_raw(h, "</td><td>");
		html_text(h, laptop_action(e->action));
		html_raw(h, "</td><td>");
		if (e->case_id[0] == '\0')
			html_raw(h, "alle gezinnen");
		else if ((rt = case_title_get(ctx->db, e->case_id, title,
		    sizeof(title))) == 0)
			html_text(h, title);
		else if (rt == CS_ERR_NOT_FOUND)
			html_raw(h, "<span class=\"muted\">(niet meer op deze "
			    "laptop)</span>");
		else {
			r = rt;
			goto out;
		}
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table>\n");
 out:
	free(lr.ring);
	return r;
}

static void
laptop_cert(struct ui_ctx *ctx, struct html *h)
{
	struct identity	 id;
	struct tm	 tm;
	const ASN1_TIME	*na;
	int64_t		 end;

	html_raw(h, "<h2>Certificaat</h2>\n");
	memset(&id, 0, sizeof(id));
	if (identity_load(ctx->vault, &id) != 0) {
		html_raw(h, "<p>Deze laptop is niet aangemeld bij de "
		    "server.</p>\n");
		return;
	}
	memset(&tm, 0, sizeof(tm));
	if ((na = X509_get0_notAfter(id.cert)) == NULL ||
	    ASN1_TIME_to_tm(na, &tm) != 1) {
		html_raw(h, "<p class=\"error\">De einddatum van het "
		    "certificaat is onleesbaar.</p>\n");
		identity_clear(&id);
		return;
	}
	end = (int64_t)timegm(&tm);
	html_raw(h, "<p>Het certificaat van deze laptop is geldig tot ");
	if (renewal_warn_due(&id, (int64_t)time(NULL))) {
		html_raw(h, "<span class=\"soon\">");
		html_time(h, end);
		html_raw(h, "</span>. Synchroniseer om het te vernieuwen.");
	} else {
		html_time(h, end);
		html_raw(h, ". Het wordt bij een synchronisatie vanzelf "
		    "vernieuwd.");
	}
	html_raw(h, "</p>\n<p>Server: ");
	html_text(h, id.server);
	html_raw(h, "</p>\n");
	identity_clear(&id);
}

int
ui_page_laptop(struct ui_ctx *ctx, const struct ui_req *rq,
    struct ui_resp *rp)
{
	struct html	*h = &rp->page;
	int		 r;

	(void)rq;
	ui_page_begin(ctx, h, "Laptop", "laptop");
	html_raw(h, "<h1>Laptop</h1>\n");
	laptop_cert(ctx, h);
	html_raw(h, "<h2>Kluis</h2>\n<p>De kluis met de dossiers op deze "
	    "laptop is ");
	if (vault_tampered(ctx->vault))
		html_raw(h, "<strong class=\"error\">beschadigd of gewijzigd"
		    "</strong>: neem contact op met uw beheerder.");
	else
		html_raw(h, "open en versleuteld. Hij sluit vanzelf als u "
		    "een tijd niets doet; daarna vraagt deze pagina uw "
		    "wachtwoordzin.");
	html_raw(h, "</p>\n<p>Map: ");
	html_text(h, ctx->dir);
	html_raw(h, "</p>\n");
	if ((r = laptop_reads(ctx, h)) != 0)
		return vault_err(ctx->vault, r);
	ui_page_end(ctx, h);
	return 0;
}
