/* SPDX-License-Identifier: ISC */
/*
 * ui_http_int.h - inside casesync ui's HTTP server: ui_http.c (the
 * checks and the routing of each request), ui_unlock.c (the idle
 * lock's passphrase form, and a form kept while the vault is closed)
 * and ui_server.c (the listening socket, the secrets, the loop).  Not
 * for the pages: they have ui.h.
 */
#ifndef UI_HTTP_INT_H
#define UI_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <microhttpd.h>

#include "ui.h"
#include "ui_http.h"

#define UI_HOSTS		3	/* 127.0.0.1, localhost, [::1] */
#define UI_TOKEN_BYTES		32	/* session cookie, form token */
#define UI_TOKEN_LEN		(UI_TOKEN_BYTES * 2)	/* in hex */

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
	/*
	 * A form sent while the vault was closed (sodium_malloc'd, kept
	 * until the unlock, then handled): typed text is not lost.
	 */
	char			*pend;
	size_t			 pend_len;
	const struct ui_route	*pend_route;
	char			 hosts[UI_HOSTS][64];	/* Host values */
	char			 origins[UI_HOSTS][80];	/* Origin values */
};

struct ui_route;

struct ui_field {
	const char	*name;
	const char	*value;
};

/* One request, from its first call to its completion. */
struct ui_conn {
	struct MHD_Connection	*c;
	char			*body;		/* a POST's body, NUL-ended */
	size_t			 len;
	char			*raw;		/* its copy before parsing
					   (sodium_malloc), vault closed */
	int			 refused;	/* answered already */
	int			 toobig;
	struct ui_field		 f[UI_FIELDS_MAX];
	size_t			 nf;
};

struct ui_route {
	const char	*path;
	ui_page_fn	 fn;
	int		 post;		/* POST allowed */
};

/* ui_http.c */
int	ui_form_parse(struct ui_conn *);
const char *ui_form_get(const struct ui_conn *, const char *name);
const struct ui_route *ui_route(const char *path);
/* Run page "rt" on the open vault for request "uc": its result. */
int	ui_run(struct ui_server *, struct ui_conn *, const struct ui_route *,
	    int post, struct ui_resp *);
/* libmicrohttpd's access handler and completion callback. */
enum MHD_Result ui_handle(void *arg, struct MHD_Connection *,
	    const char *url, const char *method, const char *version,
	    const char *upload, size_t *upsize, void **cls);
void	ui_done(void *arg, struct MHD_Connection *, void **cls,
	    enum MHD_RequestTerminationCode);

/* ui_unlock.c */
/* The page frame with the unlock form; "msg" (or NULL) above it. */
int	ui_unlock_page(struct ui_server *, struct ui_resp *, const char *msg);
/* POST /unlock: the vault opened again, or the form with the reason. */
int	ui_unlock(struct ui_server *, struct ui_conn *, struct ui_resp *);
/* Forget the form kept while the vault was closed (wiped). */
void	ui_pend_drop(struct ui_server *);

/* ui_server.c */
/* "bytes" random bytes in hex, in sodium_malloc memory. */
int	ui_token(char **out, size_t bytes);
/* Release what ui_token (or sodium_malloc) gave; NULL is a no-op. */
void	ui_wipe_free(char *);

#endif /* UI_HTTP_INT_H */
