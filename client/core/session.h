/* SPDX-License-Identifier: ISC */
/*
 * session.h - a connection to the server as this laptop (its identity
 * in the vault), and the steps around a sync, for both faces: the CLI
 * and casesync ui connect, check and sync the same way.  What goes
 * wrong is told as notices (notice.h).  Functions return 0 or a
 * negative CS_ERR_*.
 */
#ifndef CLIENT_SESSION_H
#define CLIENT_SESSION_H

#include <stdint.h>

struct conn;
struct identity;
struct sync_stats;
struct vault;
struct vault_scan;

/*
 * Load the identity from "v" (the vault in directory "dir"), refuse an
 * expired certificate, raise the sync counter, connect and say Hello;
 * the Welcome's user is kept (db_self_set).  On failure *cp is NULL and
 * *id cleared.  Release with session_close(NULL, id, c).
 */
int	session_open(struct vault *v, const char *dir, struct identity *id,
	    struct conn **cp);
/* Close "c", clear "id", close "v" (each may be NULL). */
void	session_close(struct vault *v, struct identity *id, struct conn *c);

/*
 * Authenticate every page of the vault now, and remember when:
 * CS_ERR_TAMPERED (the vault marked) or CS_ERR_RETRY (it kept changing).
 */
int	session_check(struct vault *v, struct vault_scan *sc);
/*
 * session_check() if the last one is older than a day
 * (CASESYNC_CHECK_INTERVAL seconds, 0: every time); *ran then 1.
 */
int	session_check_due(struct vault *v, int *ran);

/*
 * Before a sync over "c": the local tables, a restored server
 * (restore.h), the daily vault check, a key backup waiting since a
 * passphrase change (keybackup.h).
 */
int	session_sync_before(struct vault *v, struct conn *c);
/*
 * After a sync that worked: the re-offers the server holds (db.h) into
 * *held, counted with the keyless ones in "st".
 */
int	session_sync_after(struct vault *v, struct sync_stats *st,
	    int64_t *held);

#endif /* CLIENT_SESSION_H */
