/* SPDX-License-Identifier: ISC */
/*
 * ui.h - casesync ui, the web application face of the laptop (DESIGN
 * §10): what the HTTP server (ui_http.c, ui_main.c) and the pages
 * (ui_page_*.c) agree on.  A page is a function that reads its request
 * and writes a whole HTML page, or asks for a redirect; it never sees
 * HTTP, cookies or libmicrohttpd, and it reaches the dossier only
 * through the client core (client/core/), never SQL.
 *
 * The server has already checked, before a page runs: the session
 * cookie, the Host header, and for a POST the Origin header; the vault
 * is open.  Every view of case content is logged by the core's read
 * functions (readlog.h), as in the CLI.
 */
#ifndef UI_H
#define UI_H

#include <stddef.h>
#include <stdint.h>

#include "html.h"

struct vault;
struct sqlite3;

/* What every page may use: the open vault and its local tables. */
struct ui_ctx {
	struct vault	*vault;
	struct sqlite3	*db;
	const char	*dir;		/* the laptop's data directory */
	const char	*csrf;		/* per-session form token (hidden field
					   "csrf" in every form) */
};

struct ui_req {
	int		 post;		/* 1: POST (form fields), 0: GET */
	const char	*path;		/* "/dossier", no query string */
	/* A query (GET) or form (POST) value by name, or NULL. */
	const char	*(*arg)(const struct ui_req *, const char *name);
	void		*impl;		/* the server's */
};

struct ui_resp {
	int		 status;	/* 200, 400, 404, ... */
	char		 location[512];	/* set (relative path): 303 redirect */
	struct html	 page;		/* the body; html_init()ed by the
					   server before the page runs */
};

/*
 * The frame every page has: <!doctype>, <head> with the title and the
 * stylesheet, the navigation (Mijn caseload, Teamleider, Sync, Laptop)
 * with "active" marked, the offline banner when the last sync could
 * not reach the server, and the opening of <main>.  ui_page_end closes
 * it.  (ui_layout.c)
 */
void	ui_page_begin(struct ui_ctx *, struct html *, const char *title,
	    const char *active);
void	ui_page_end(struct ui_ctx *, struct html *);

/* The pages: each returns 0, or a CS_ERR_* (the server answers 500). */
typedef int (*ui_page_fn)(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);

int	ui_page_caseload(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* GET /  ?q= search */
int	ui_page_dossier(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* GET /dossier?case=ID */
int	ui_page_form(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* GET|POST /form?case=&kind=&id= */
int	ui_page_team(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* GET /team */
int	ui_page_sync(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* GET /sync, POST /sync */
int	ui_page_laptop(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* GET /laptop */

#endif /* UI_H */
