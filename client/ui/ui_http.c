/* SPDX-License-Identifier: ISC */
/*
 * ui_http.c - the HTTP server of casesync ui (ui_http.h): the checks
 * every request passes before a page sees it, the log-in exchange,
 * the idle lock and the unlock form, static assets and the sync
 * progress endpoint.  The pages (ui.h) never see HTTP.
 *
 * Order of the checks, each one a 403 when it fails: Host (DNS
 * rebinding), then for a POST its Origin (CSRF, before any of the body
 * is read), then the session cookie (except for what the log-in itself
 * needs), then for a POST the form token.
 */
#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "readlog.h"
#include "ui.h"
#include "ui_assets.h"
#include "ui_http.h"
#include "util.h"
#include "vault.h"

#define UI_COOKIE		"cs_session"
#define UI_TOKEN_BYTES		32	/* session cookie, form token */
#define UI_TOKEN_LEN		(UI_TOKEN_BYTES * 2)	/* in hex */
#define UI_CONN_MAX		32	/* connections at once */
#define UI_CONN_TIMEOUT		60	/* seconds a connection may idle */
#define UI_HOSTS		3
#define UI_UNLOCK_DELAY_MAX	8	/* seconds after a wrong passphrase */

struct ui_server {
	struct MHD_Daemon	*mhd;
	int			 fd;
	uint16_t		 port;
	int			 idle;
	char			 dir[4096];
	struct vault		*vault;		/* NULL: locked (idle) */
	struct ui_sync		*sync;
	time_t			 last;		/* last authenticated request */
	unsigned		 fails;		/* wrong passphrases in a row */
	/* sodium_malloc'd: secret (one use), session cookie, form token */
	char			*secret;
	int			 secret_used;
	char			*session;	/* "" until the log-in */
	char			*csrf;
	char			 hosts[UI_HOSTS][64];	/* Host values */
	char			 origins[UI_HOSTS][80];	/* Origin values */
};

struct ui_field {
	const char	*name;
	const char	*value;
};

/* One request, from its first call to its completion. */
struct ui_conn {
	struct MHD_Connection	*c;
	char			*body;		/* a POST's body, NUL-ended */
	size_t			 len;
	int			 refused;	/* answered already */
	int			 toobig;
	struct ui_field		 f[UI_FIELDS_MAX];
	size_t			 nf;
};

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
static int
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

static const char *
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

static int
ui_token(char **out, size_t bytes)
{
	uint8_t	raw[UI_TOKEN_BYTES];
	char	*t;

	*out = NULL;
	if (bytes > sizeof(raw) || (t = sodium_malloc(bytes * 2 + 1)) == NULL)
		return CS_ERR_ALLOC;
	randombytes_buf(raw, bytes);
	sodium_bin2hex(t, bytes * 2 + 1, raw, bytes);
	sodium_memzero(raw, sizeof(raw));
	*out = t;
	return 0;
}

static void
ui_wipe_free(char *p)
{
	if (p != NULL)
		sodium_free(p);		/* zeroes, then unmaps */
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

/* The page frame with the unlock form (the vault is closed). */
static int
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
static int
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
	(void)str_fmt(rp->location, sizeof(rp->location), "/");
	return 0;
}

struct ui_route {
	const char	*path;
	ui_page_fn	 fn;
	int		 post;		/* POST allowed */
};

static const struct ui_route	ui_routes[] = {
	{ "/", ui_page_caseload, 0 },
	{ "/dossier", ui_page_dossier, 0 },
	{ "/form", ui_page_form, 1 },
	{ "/team", ui_page_team, 0 },
	{ "/sync", ui_page_sync, 1 },
	{ "/laptop", ui_page_laptop, 0 },
};

static const struct ui_route *
ui_route(const char *path)
{
	size_t	i;

	for (i = 0; i < sizeof(ui_routes) / sizeof(ui_routes[0]); i++)
		if (strcmp(path, ui_routes[i].path) == 0)
			return &ui_routes[i];
	return NULL;
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
	struct ui_ctx		 ctx;
	struct ui_req		 rq;
	struct ui_resp		 rp;
	enum MHD_Result		 ret;
	int			 r;

	memset(&rp, 0, sizeof(rp));
	if (html_init(&rp.page, UI_PAGE_MAX) != 0)
		return ui_text(uc, 500, "500\n");
	if (s->vault == NULL) {
		if (post && strcmp(path, "/unlock") == 0)
			r = ui_unlock(s, uc, &rp);
		else
			r = ui_unlock_page(s, &rp, NULL);
		ret = r == 0 ? ui_send_page(uc, &rp) :
		    ui_text(uc, 500, "500\n");
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
	memset(&ctx, 0, sizeof(ctx));
	ctx.vault = s->vault;
	ctx.db = vault_db(s->vault);
	ctx.dir = s->dir;
	ctx.csrf = s->csrf;
	ctx.sync = s->sync;
	memset(&rq, 0, sizeof(rq));
	rq.post = post;
	rq.path = path;
	rq.arg = ui_req_arg;
	rq.impl = uc;
	rp.status = 200;
	if ((r = rt->fn(&ctx, &rq, &rp)) != 0) {
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

static enum MHD_Result
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

static void
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
	sodium_memzero(uc, sizeof(*uc));
	free(uc);
	*cls = NULL;
}

/* A listening socket on the loopback address, port "port" (0: any). */
static int
ui_listen(const struct ui_opts *o, int *fdp, uint16_t *portp)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;
	int			 fd, one = 1;

	*fdp = -1;
	memset(&ss, 0, sizeof(ss));
	if (o->v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(o->port);
		sl = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(o->port);
		sl = sizeof(*sin);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return CS_ERR_SYSTEM;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || (o->v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof(one)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		log_warn("ui: cannot listen on port %u", (unsigned)o->port);
		close(fd);
		return CS_ERR_SYSTEM;
	}
	*portp = ntohs(o->v6 ? sin6->sin6_port : sin->sin_port);
	*fdp = fd;
	return 0;
}

static int
ui_names(struct ui_server *s)
{
	static const char	*hosts[UI_HOSTS] = { "127.0.0.1", "localhost",
	    "[::1]" };
	size_t			 i;
	int			 r;

	for (i = 0; i < UI_HOSTS; i++)
		if ((r = str_fmt(s->hosts[i], sizeof(s->hosts[i]), "%s:%u",
		    hosts[i], (unsigned)s->port)) != 0 ||
		    (r = str_fmt(s->origins[i], sizeof(s->origins[i]),
		    "http://%s:%u", hosts[i], (unsigned)s->port)) != 0)
			return r;
	return 0;
}

static int
ui_secret_new(struct ui_server *s)
{
	uint8_t	raw[UI_SECRET_BYTES];

	if ((s->secret = sodium_malloc(UI_SECRET_LEN + 1)) == NULL)
		return CS_ERR_ALLOC;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(s->secret, UI_SECRET_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int
ui_server_new(const struct ui_opts *o, struct vault **vp,
    struct ui_server **out)
{
	struct ui_server	*s;
	int			 r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		vault_close(*vp);
		*vp = NULL;
		return CS_ERR_ALLOC;
	}
	s->fd = -1;
	s->vault = *vp;
	*vp = NULL;			/* transferred */
	s->idle = o->idle;
	s->last = time(NULL);
	if ((r = str_fmt(s->dir, sizeof(s->dir), "%s", o->dir)) != 0 ||
	    (r = ui_listen(o, &s->fd, &s->port)) != 0 ||
	    (r = ui_names(s)) != 0 ||
	    (r = ui_secret_new(s)) != 0 ||
	    (r = ui_token(&s->csrf, UI_TOKEN_BYTES)) != 0 ||
	    (r = ui_sync_new(s->dir, &s->sync)) != 0)
		goto out;
	s->mhd = MHD_start_daemon(MHD_USE_ERROR_LOG |
	    (o->v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL, ui_handle, s,
	    MHD_OPTION_LISTEN_SOCKET, s->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)UI_CONN_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)UI_CONN_TIMEOUT,
	    MHD_OPTION_NOTIFY_COMPLETED, ui_done, s,
	    MHD_OPTION_END);
	if (s->mhd == NULL) {
		log_warnx("ui: cannot start the HTTP server");
		r = CS_ERR_SYSTEM;
		goto out;
	}
	s->fd = -1;		/* MHD_stop_daemon closes it */
	*out = s;
	s = NULL;			/* transferred */
	r = 0;
 out:
	ui_server_free(s);
	return r;
}

uint16_t
ui_server_port(const struct ui_server *s)
{
	return s->port;
}

const char *
ui_server_secret(const struct ui_server *s)
{
	return s->secret;
}

/* After the idle time the vault closes: its key is wiped. */
static void
ui_idle_check(struct ui_server *s)
{
	if (s->vault == NULL || s->idle <= 0 ||
	    time(NULL) - s->last < s->idle)
		return;
	vault_close(s->vault);
	s->vault = NULL;
	log_info("ui: no request for %d s: the vault is closed", s->idle);
}

int
ui_server_run(struct ui_server *s, volatile sig_atomic_t *stop)
{
	fd_set			 rs, ws, es;
	struct timeval		 tv;
	MHD_UNSIGNED_LONG_LONG	 ms;
	MHD_socket		 max;

	while (!*stop) {
		FD_ZERO(&rs);
		FD_ZERO(&ws);
		FD_ZERO(&es);
		max = 0;
		if (MHD_get_fdset2(s->mhd, &rs, &ws, &es, &max,
		    FD_SETSIZE) != MHD_YES)
			return CS_ERR_SYSTEM;
		/* at least once a second: the idle lock, a finished sync */
		tv.tv_sec = 1;
		tv.tv_usec = 0;
		if (MHD_get_timeout(s->mhd, &ms) == MHD_YES && ms < 1000) {
			tv.tv_sec = 0;
			tv.tv_usec = (suseconds_t)ms * 1000;
		}
		if (select(max + 1, &rs, &ws, &es, &tv) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("ui: select");
			return CS_ERR_SYSTEM;
		}
		if (MHD_run_from_select(s->mhd, &rs, &ws, &es) != MHD_YES)
			return CS_ERR_SYSTEM;
		ui_sync_reap(s->sync);
		ui_idle_check(s);
	}
	return 0;
}

void
ui_server_free(struct ui_server *s)
{
	if (s == NULL)
		return;
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	if (s->fd != -1)
		close(s->fd);
	ui_sync_free(s->sync);		/* waits for a running sync */
	vault_close(s->vault);
	ui_wipe_free(s->secret);
	ui_wipe_free(s->session);
	ui_wipe_free(s->csrf);
	free(s);
}
