/* SPDX-License-Identifier: ISC */
/*
 * ui_http.c - each request to casesync ui (ui_http_int.h): the checks
 * every request passes before a page sees it, the log-in exchange,
 * the routing to the pages, static assets and the sync progress
 * endpoint.  The pages (ui.h) never see HTTP; the idle lock is
 * ui_unlock.c's, the socket and the loop ui_server.c's.
 *
 * Order of the checks, each one a 403 when it fails: Host (DNS
 * rebinding), then for a POST its Origin (CSRF, before any of the body
 * is read), then the session cookie (except for what the log-in itself
 * needs), then for a POST the form token.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "ui.h"
#include "ui_assets.h"
#include "ui_http.h"
#include "ui_http_int.h"
#include "util.h"
#include "vault.h"

#define UI_COOKIE		"cs_session"

static const char	ui_hdr_csp[] = "default-src 'self'; "
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/* The security headers, on every response. */
static int
ui_headers(struct MHD_Response *rs)
{
	if (MHD_add_response_header(rs, "Content-Security-Policy",
	    ui_hdr_csp) != MHD_YES ||
	    MHD_add_response_header(rs, "X-Content-Type-Options",
	    "nosniff") != MHD_YES ||
	    MHD_add_response_header(rs, "Referrer-Policy", "no-referrer") !=
	    MHD_YES ||
	    MHD_add_response_header(rs, "Cache-Control", "no-store") !=
	    MHD_YES ||
	    MHD_add_response_header(rs, "X-Frame-Options", "DENY") !=
	    MHD_YES ||
	    MHD_add_response_header(rs, "Cross-Origin-Opener-Policy",
	    "same-origin") != MHD_YES ||
	    MHD_add_response_header(rs, "Cross-Origin-Resource-Policy",
	    "same-origin") != MHD_YES)
		return -1;
	return 0;
}

/*
 * Answer "status" with "len" bytes of "ctype" (copied), a Location
 * ("location" not NULL) and a Set-Cookie ("cookie" not NULL).
 */
static enum MHD_Result
ui_send(struct ui_conn *uc, unsigned status, const char *ctype,
    const void *p, size_t len, const char *location, const char *cookie)
{
	struct MHD_Response	*rs;
	enum MHD_Result		 ret = MHD_NO;

	uc->refused = 1;
	/* MUST_COPY: libmicrohttpd copies "p" and never writes to it */
	if ((rs = MHD_create_response_from_buffer(len, (void *)(uintptr_t)p,
	    MHD_RESPMEM_MUST_COPY)) == NULL)
		return MHD_NO;
	if (ui_headers(rs) != 0 ||
	    (ctype != NULL && MHD_add_response_header(rs, "Content-Type",
	    ctype) != MHD_YES) ||
	    (location != NULL && MHD_add_response_header(rs, "Location",
	    location) != MHD_YES) ||
	    (cookie != NULL && MHD_add_response_header(rs, "Set-Cookie",
	    cookie) != MHD_YES))
		goto out;
	ret = MHD_queue_response(uc->c, status, rs);
 out:
	MHD_destroy_response(rs);
	return ret;
}

static enum MHD_Result
ui_text(struct ui_conn *uc, unsigned status, const char *text)
{
	return ui_send(uc, status, "text/plain; charset=utf-8", text,
	    strlen(text), NULL, NULL);
}

/*
 * What a browser without the session cookie gets: 403, and a page
 * whose script (the only asset served without the cookie) exchanges
 * the secret in the URL's fragment for the cookie.
 */
static const char	ui_login_page[] =
	"<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
	"<title>casesync: aanmelden</title>"
	"<script src=\"/static/login.js\" defer></script></head>"
	"<body><main><h1>casesync</h1>"
	"<p id=\"login-msg\" role=\"status\">Geen toegang. Open de link die "
	"<code>casesync ui</code> in de terminal toonde.</p>"
	"</main></body></html>\n";

static enum MHD_Result
ui_forbidden(struct ui_conn *uc, int login)
{
	if (login)
		return ui_send(uc, MHD_HTTP_FORBIDDEN,
		    "text/html; charset=utf-8", ui_login_page,
		    sizeof(ui_login_page) - 1, NULL, NULL);
	return ui_text(uc, MHD_HTTP_FORBIDDEN, "403 verboden\n");
}

/* Constant time; a different length is no secret. */
static int
ui_secret_eq(const char *want, const char *got)
{
	size_t	n = strlen(want);

	if (got == NULL || n == 0 || strlen(got) != n)
		return 0;
	return sodium_memcmp(want, got, n) == 0;
}

/*
 * A page served with "Referrer-Policy: no-referrer" makes the browser
 * send "Origin: null" with its own form posts (Fetch, "serialize a
 * request origin"); such a post is ours when the browser also says
 * "Sec-Fetch-Site: same-origin", a header no page can set.
 */
static int
ui_origin_ok(const struct ui_server *s, const char *origin,
    const char *fetch_site)
{
	size_t	i;

	if (origin != NULL && strcmp(origin, "null") == 0)
		return fetch_site != NULL &&
		    strcmp(fetch_site, "same-origin") == 0;
	for (i = 0; origin != NULL && i < UI_HOSTS; i++)
		if (strcmp(origin, s->origins[i]) == 0)
			return 1;
	return 0;
}

static int
ui_host_ok(const struct ui_server *s, const char *host)
{
	size_t	i;

	for (i = 0; host != NULL && i < UI_HOSTS; i++)
		if (strcmp(host, s->hosts[i]) == 0)
			return 1;
	return 0;
}

/* %XX and '+' decoded in place; -1 on a bad escape or a NUL. */
static int
ui_unescape(char *s)
{
	char	*w = s, hex[3];
	unsigned long v;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*w++ = ' ';
		else if (*s == '%') {
			if (!isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]))
				return -1;
			hex[0] = s[1];
			hex[1] = s[2];
			hex[2] = '\0';
			v = strtoul(hex, NULL, 16);
			if (v == 0)
				return -1;
			*w++ = (char)v;
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
	return 0;
}

/* The body of a form POST into uc->f: 0, or -1 (malformed: 400). */
int
ui_form_parse(struct ui_conn *uc)
{
	char	*p, *next, *eq;

	uc->nf = 0;
	if (uc->body == NULL)
		return 0;
	for (p = uc->body; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, '&')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		if (uc->nf == UI_FIELDS_MAX)
			return -1;
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		else
			eq = p + strlen(p);
		if (ui_unescape(p) != 0 || ui_unescape(eq) != 0 ||
		    !utf8_valid(p, strlen(p)) || !utf8_valid(eq, strlen(eq)))
			return -1;
		uc->f[uc->nf].name = p;
		uc->f[uc->nf].value = eq;
		uc->nf++;
	}
	return 0;
}

const char *
ui_form_get(const struct ui_conn *uc, const char *name)
{
	size_t	i;

	for (i = 0; i < uc->nf; i++)
		if (strcmp(uc->f[i].name, name) == 0)
			return uc->f[i].value;
	return NULL;
}

/* ui_req.arg: the form for a POST, the query for a GET. */
static const char *
ui_req_arg(const struct ui_req *rq, const char *name)
{
	struct ui_conn	*uc = rq->impl;
	const char	*v;

	if (rq->post)
		return ui_form_get(uc, name);
	v = MHD_lookup_connection_value(uc->c, MHD_GET_ARGUMENT_KIND, name);
	if (v != NULL && !utf8_valid(v, strlen(v)))
		return NULL;
	return v;
}

/* The session cookie, once per start: the secret cannot be replayed. */
static enum MHD_Result
ui_login(struct ui_server *s, struct ui_conn *uc)
{
	char	cookie[UI_TOKEN_LEN + 96];
	enum MHD_Result ret;

	if (s->secret_used || !ui_secret_eq(s->secret,
	    ui_form_get(uc, "secret"))) {
		log_warnx("ui: refused a log-in (wrong or used secret)");
		return ui_text(uc, MHD_HTTP_FORBIDDEN, "403 verboden\n");
	}
	s->secret_used = 1;
	sodium_memzero(s->secret, UI_SECRET_LEN);
	if (ui_token(&s->session, UI_TOKEN_BYTES) != 0)
		return ui_text(uc, 500, "500\n");
	if (str_fmt(cookie, sizeof(cookie), "%s=%s; HttpOnly; "
	    "SameSite=Strict; Path=/", UI_COOKIE, s->session) != 0)
		return ui_text(uc, 500, "500\n");
	s->last = time(NULL);
	ret = ui_send(uc, 204, NULL, "", 0, NULL, cookie);
	sodium_memzero(cookie, sizeof(cookie));
	return ret;
}

static int
ui_session_ok(const struct ui_server *s, struct ui_conn *uc)
{
	if (s->session == NULL)
		return 0;
	return ui_secret_eq(s->session, MHD_lookup_connection_value(uc->c,
	    MHD_COOKIE_KIND, UI_COOKIE));
}

static const struct ui_route	ui_routes[] = {
	{ "/", ui_page_caseload, 0 },
	{ "/dossier", ui_page_dossier, 0 },
	{ "/form", ui_page_form, 1 },
	{ "/team", ui_page_team, 0 },
	{ "/sync", ui_page_sync, 1 },
	{ "/laptop", ui_page_laptop, 0 },
	{ "/akkoord", ui_page_approval, 1 },
};

const struct ui_route *
ui_route(const char *path)
{
	size_t	i;

	for (i = 0; i < sizeof(ui_routes) / sizeof(ui_routes[0]); i++)
		if (strcmp(path, ui_routes[i].path) == 0)
			return &ui_routes[i];
	return NULL;
}

/* Run page "rt" on the open vault for request "uc": its result. */
int
ui_run(struct ui_server *s, struct ui_conn *uc, const struct ui_route *rt,
    int post, struct ui_resp *rp)
{
	struct ui_ctx	ctx;
	struct ui_req	rq;

	memset(&ctx, 0, sizeof(ctx));
	ctx.vault = s->vault;
	ctx.db = vault_db(s->vault);
	ctx.dir = s->dir;
	ctx.csrf = s->csrf;
	ctx.sync = s->sync;
	memset(&rq, 0, sizeof(rq));
	rq.post = post;
	rq.path = rt->path;
	rq.arg = ui_req_arg;
	rq.impl = uc;
	rp->status = 200;
	return rt->fn(&ctx, &rq, rp);
}

/* Send what a page (or the unlock form) made of "rp". */
static enum MHD_Result
ui_send_page(struct ui_conn *uc, struct ui_resp *rp)
{
	const char	*p;
	size_t		 len;

	if (rp->location[0] != '\0')
		return ui_send(uc, 303, "text/plain; charset=utf-8", "", 0,
		    rp->location, NULL);
	if (html_failed(&rp->page))
		return ui_text(uc, 500, "500: pagina te groot\n");
	p = html_ptr(&rp->page, &len);
	return ui_send(uc, rp->status != 0 ? (unsigned)rp->status : 200,
	    "text/html; charset=utf-8", p, len, NULL, NULL);
}

/* An authenticated request for a page, the vault open or not. */
static enum MHD_Result
ui_page(struct ui_server *s, struct ui_conn *uc, const char *path, int post)
{
	const struct ui_route	*rt;
	struct ui_resp		 rp;
	enum MHD_Result		 ret;
	int			 r;

	memset(&rp, 0, sizeof(rp));
	if (html_init(&rp.page, UI_PAGE_MAX) != 0)
		return ui_text(uc, 500, "500\n");
	if (s->vault == NULL) {
		rt = ui_route(path);
		if (post && strcmp(path, "/unlock") == 0)
			r = ui_unlock(s, uc, &rp);
		else if (post && rt != NULL && rt->post && uc->raw != NULL) {
			ui_pend_drop(s);
			s->pend = uc->raw;
			s->pend_len = uc->len;
			s->pend_route = rt;
			uc->raw = NULL;		/* transferred */
			r = ui_unlock_page(s, &rp, "Wat u invulde is bewaard: "
			    "het wordt verwerkt zodra de kluis weer open is.");
		} else
			r = ui_unlock_page(s, &rp, NULL);
		if (r != 0)
			log_warnx("ui: %s: %s", path, cs_err(r));
		ret = r == 0 ? ui_send_page(uc, &rp) :
		    ui_text(uc, 500, "500: interne fout\n");
		goto out;
	}
	if ((rt = ui_route(path)) == NULL) {
		ret = strcmp(path, "/unlock") == 0 && post ?
		    ui_send(uc, 303, NULL, "", 0, "/", NULL) :
		    ui_text(uc, 404, "404 niet gevonden\n");
		goto out;
	}
	if (post && !rt->post) {
		ret = ui_text(uc, 405, "405\n");
		goto out;
	}
	if ((r = ui_run(s, uc, rt, post, &rp)) != 0) {
		log_warnx("ui: %s: %s", path, cs_err(r));
		ret = ui_text(uc, 500, r == CS_ERR_TAMPERED ?
		    "500: de kluis op deze laptop is beschadigd of "
		    "gewijzigd\n" : "500: interne fout\n");
		goto out;
	}
	ret = ui_send_page(uc, &rp);
 out:
	html_free(&rp.page);
	return ret;
}

/* The background sync's progress, for ui.js on the Sync page. */
static enum MHD_Result
ui_sync_status(struct ui_server *s, struct ui_conn *uc)
{
	static const char	*names[] = { "idle", "running", "done",
	    "failed", "offline" };
	struct ui_sync_view	 sv;
	char			 j[512];

	ui_sync_get(s->sync, &sv);
	if (sv.state < 0 || sv.state > UI_SYNC_OFFLINE ||
	    str_fmt(j, sizeof(j), "{\"state\":\"%s\",\"records\":%llu,"
	    "\"records_total\":%llu,\"bytes\":%llu,\"bytes_total\":%llu}\n",
	    names[sv.state], (unsigned long long)sv.records,
	    (unsigned long long)sv.records_total,
	    (unsigned long long)sv.bytes,
	    (unsigned long long)sv.bytes_total) != 0)
		return ui_text(uc, 500, "500\n");
	return ui_send(uc, 200, "application/json", j, strlen(j), NULL,
	    NULL);
}

static enum MHD_Result
ui_asset(struct ui_conn *uc, const struct ui_asset *a)
{
	return ui_send(uc, 200, a->ctype, a->data, a->len, NULL, NULL);
}

/* Keep the body of a POST, up to UI_BODY_MAX. */
static void
ui_body_add(struct ui_conn *uc, const char *p, size_t n)
{
	char	*nb;

	if (uc->toobig)
		return;
	if (UI_BODY_MAX - uc->len < n) {
		uc->toobig = 1;
		return;
	}
	/* the body may hold a passphrase: no realloc leaving copies */
	if ((nb = malloc(uc->len + n + 1)) == NULL) {
		uc->toobig = 1;
		return;
	}
	if (uc->body != NULL) {
		memcpy(nb, uc->body, uc->len);
		sodium_memzero(uc->body, uc->len);
		free(uc->body);
	}
	memcpy(nb + uc->len, p, n);
	uc->len += n;
	nb[uc->len] = '\0';
	uc->body = nb;
}

static int
ui_form_type(struct ui_conn *uc)
{
	const char	*ct;

	ct = MHD_lookup_connection_value(uc->c, MHD_HEADER_KIND,
	    "Content-Type");
	return ct != NULL && strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) == 0;
}

enum MHD_Result
ui_handle(void *arg, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upsize, void **cls)
{
	struct ui_server	*s = arg;
	struct ui_conn		*uc = *cls;
	const struct ui_asset	*a;
	const char		*origin, *cl;
	uint64_t		 n;
	int			 post;

	(void)version;
	post = strcmp(method, "POST") == 0;
	if (uc == NULL) {
		if ((uc = calloc(1, sizeof(*uc))) == NULL)
			return MHD_NO;
		uc->c = c;
		*cls = uc;
		/* before any byte of a body */
		if (!ui_host_ok(s, MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, "Host"))) {
			log_warnx("ui: refused a request with a foreign Host");
			return ui_forbidden(uc, 0);
		}
		if (!post && strcmp(method, "GET") != 0 &&
		    strcmp(method, "HEAD") != 0)
			return ui_text(uc, 405, "405\n");
		if (post) {
			origin = MHD_lookup_connection_value(c,
			    MHD_HEADER_KIND, "Origin");
			if (!ui_origin_ok(s, origin,
			    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			    "Sec-Fetch-Site"))) {
				log_warnx("ui: refused a POST with a foreign "
				    "or no Origin");
				return ui_forbidden(uc, 0);
			}
			if (!ui_form_type(uc))
				return ui_text(uc, 415, "415\n");
			/* a body over the limit is refused before it comes */
			if ((cl = MHD_lookup_connection_value(c,
			    MHD_HEADER_KIND, "Content-Length")) != NULL &&
			    (parse_u64(cl, 0, UI_BODY_MAX, &n) != 0))
				return ui_text(uc, 413, "413\n");
		}
		return MHD_YES;
	}
	if (uc->refused) {
		*upsize = 0;	/* answered: the rest of the body is dropped */
		return MHD_YES;
	}
	if (post && *upsize > 0) {
		ui_body_add(uc, upload, *upsize);
		*upsize = 0;
		return MHD_YES;
	}
	if (uc->toobig)
		return ui_text(uc, 413, "413\n");
	/* a form to keep until the unlock, as it came (ui_page) */
	if (post && s->vault == NULL && uc->body != NULL &&
	    strcmp(url, "/unlock") != 0 && strcmp(url, "/login") != 0) {
		if ((uc->raw = sodium_malloc(uc->len + 1)) == NULL)
			return ui_text(uc, 500, "500\n");
		memcpy(uc->raw, uc->body, uc->len + 1);
	}
	if (post && ui_form_parse(uc) != 0)
		return ui_text(uc, 400, "400\n");
	if (post && strcmp(url, "/login") == 0)
		return ui_login(s, uc);
	if (!post && strcmp(url, "/static/login.js") == 0 &&
	    (a = ui_asset_find(url)) != NULL)
		return ui_asset(uc, a);
	if (!ui_session_ok(s, uc))
		return ui_forbidden(uc, !post);
	s->last = time(NULL);
	if (post && !ui_secret_eq(s->csrf, ui_form_get(uc, "csrf"))) {
		log_warnx("ui: refused a POST without the form token");
		return ui_forbidden(uc, 0);
	}
	if (!post && (a = ui_asset_find(url)) != NULL)
		return ui_asset(uc, a);
	if (!post && strcmp(url, "/sync/status") == 0)
		return ui_sync_status(s, uc);
	return ui_page(s, uc, url, post);
}

void
ui_done(void *arg, struct MHD_Connection *c, void **cls,
    enum MHD_RequestTerminationCode code)
{
	struct ui_conn	*uc = *cls;

	(void)arg;
	(void)c;
	(void)code;
	if (uc == NULL)
		return;
	if (uc->body != NULL) {
		sodium_memzero(uc->body, uc->len);
		free(uc->body);
	}
	if (uc->raw != NULL)
		sodium_free(uc->raw);
	sodium_memzero(uc, sizeof(*uc));
	free(uc);
	*cls = NULL;
}
