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
struct ui_sync;

/* What every page may use: the open vault and its local tables. */
struct ui_ctx {
	struct vault	*vault;
	struct sqlite3	*db;
	const char	*dir;		/* the laptop's data directory */
	const char	*csrf;		/* per-session form token (hidden field
					   "csrf" in every form) */
	struct ui_sync	*sync;		/* the background sync (below) */
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
 * it.  (ui_layout.c)  "active" is the link's path ("/", "/team",
 * "/sync", "/laptop") or its key ("caseload", "team", "sync",
 * "laptop"); it gets aria-current="page".  The stylesheet has the
 * classes "overdue" (red) and "soon" (amber); the page writes the
 * marker in words too ("Te laat:", "Binnenkort:", class "marker"), so
 * colour is never the only sign.
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
int	ui_page_approval(struct ui_ctx *, const struct ui_req *,
	    struct ui_resp *);		/* POST /akkoord */

/*
 * The background sync (ui_sync.c), started from the Sync page: a
 * thread of its own with its own connection to the vault
 * (vault_open_again), so the pages' connection stays on the server's
 * thread.  Progress is polled by ui.js from GET /sync/status.
 */
enum {
	UI_SYNC_IDLE,		/* none since the start */
	UI_SYNC_RUNNING,
	UI_SYNC_DONE,
	UI_SYNC_FAILED,
	UI_SYNC_OFFLINE		/* the server could not be reached */
};
struct ui_sync_view {
	int		 state;		/* UI_SYNC_* */
	int		 err;		/* CS_ERR_* of a failed one */
	uint64_t	 records, records_total;	/* pushed and pulled */
	uint64_t	 bytes, bytes_total;
	uint64_t	 pushed, pulled, conflicts;	/* when done */
};
int	ui_sync_new(const char *dir, struct ui_sync **);
/* Waits for a running sync. */
void	ui_sync_free(struct ui_sync *);
/* 0, CS_ERR_EXISTS (one runs already) or CS_ERR_*. */
int	ui_sync_start(struct ui_sync *, struct vault *);
void	ui_sync_get(struct ui_sync *, struct ui_sync_view *);
/* The server's loop: join a thread that has finished. */
void	ui_sync_reap(struct ui_sync *);

/*
 * The last sync of this laptop (CLI or UI), from the core's record of
 * it (syncstatus.h), for the offline banner: 1 if it could not reach
 * the server.
 */
int	ui_offline(struct ui_ctx *);

#endif /* UI_H */
