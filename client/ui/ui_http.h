/* SPDX-License-Identifier: ISC */
/*
 * ui_http.h - the HTTP server of casesync ui (ui_http.c), for the
 * command (ui_main.c).  One thread: libmicrohttpd in external-select
 * mode, driven by ui_server_run(), so every page handler, the idle
 * lock and the vault's page connection run on the caller's thread.
 *
 * Security (SECURITY.md, "The local web UI"): loopback only; a
 * one-time secret in the URL fragment is exchanged once for a session
 * cookie; Host checked on every request, Origin and the form token on
 * every POST; the same security headers on every response; the vault
 * is closed after the idle time.
 */
#ifndef UI_HTTP_H
#define UI_HTTP_H

#include <signal.h>
#include <stdint.h>

struct vault;
struct ui_server;

#define UI_SECRET_BYTES		32	/* the one-time secret, random */
#define UI_SECRET_LEN		43	/* as base64url without padding */
#define UI_IDLE_DEFAULT		(15 * 60)	/* seconds */
#define UI_BODY_MAX		(1024 * 1024)	/* a POST body */
#define UI_PAGE_MAX		(32 * 1024 * 1024)	/* a page */
#define UI_FIELDS_MAX		256	/* fields of one form */

struct ui_opts {
	int		 v6;		/* listen on ::1, else 127.0.0.1 */
	uint16_t	 port;		/* 0: any free port */
	int		 idle;		/* seconds without a request */
	const char	*dir;		/* the data directory (kept) */
};

/*
 * Bind, make the secrets and take the open vault "*v" (transferred:
 * *v is NULL afterwards, whatever the result).  0 or CS_ERR_*.
 */
int	ui_server_new(const struct ui_opts *, struct vault **v,
	    struct ui_server **out);
/* The port bound (the one chosen when 0 was asked). */
uint16_t ui_server_port(const struct ui_server *);
/* The one-time secret (UI_SECRET_LEN characters, NUL-terminated). */
const char *ui_server_secret(const struct ui_server *);
/*
 * Serve until *stop is set (a signal).  0 or CS_ERR_*.
 */
int	ui_server_run(struct ui_server *, volatile sig_atomic_t *stop);
/* Stop, wait for a running sync, close the vault, wipe the secrets. */
void	ui_server_free(struct ui_server *);

#endif /* UI_HTTP_H */
