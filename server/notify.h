/* SPDX-License-Identifier: ISC */
/*
 * notify.h - listening to the other casesyncd instances on the same
 * PostgreSQL database (DESIGN §11, docs/ADMIN.md "Several instances").
 *
 * A thread of its own holds a listening connection (sdb.h sdb_listen_*)
 * and turns what it hears (store_notify.h) into the server's counters
 * srv->remote_change and srv->remote_revoke, and access_changed(); each
 * worker acts on them at its next sweep (loop.c, every LOOP_TICK_MS):
 * it reads the newest seq for its watchers, or looks for revoked
 * devices among its connections.  So a push through one instance wakes
 * a watch on another, and a revocation closes the device's connections
 * everywhere, well within a second.
 *
 * Whenever the thread (re)connects, and every NOTIFY_BLIND_MS while it
 * cannot, it bumps all of them: notifications sent meanwhile were lost,
 * so anything may have changed.  With SQLite there is one instance and
 * no thread: the workers tell each other in memory.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#define NOTIFY_BLIND_MS		1000	/* retry, and look, while deaf */

struct notify;
struct server;

/*
 * For srv->db_path on PostgreSQL: the listener, not yet connected (the
 * thread connects); *out NULL on SQLite.  Before the sandbox (a pipe).
 * 0 or CS_ERR_*.
 */
int	notify_init(struct server *, struct notify **out);
int	notify_start(struct notify *);	/* NULL: nothing to start */
void	notify_stop(struct notify *);	/* and free; NULL is a no-op */

#endif /* NOTIFY_H */
