/* SPDX-License-Identifier: ISC */
/*
 * server.h - state shared by the casesyncd modules: the server (read
 * only once the workers run) and the per-thread worker.
 */
#ifndef SERVER_H
#define SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "config.h"
#include "peerlimit.h"
#include "timerheap.h"

#define CASESYNC_VERSION	"0.1.0"

struct audit_entry;
struct audit_key;
struct audit_syslog;
struct buf;
struct session;
struct signer;
struct store;

struct server {
	struct config	 cfg;
	SSL_CTX		*ssl_ctx;	/* under ctx_lock: SIGHUP swaps it */
	pthread_mutex_t	 ctx_lock;
	X509		*ca;
	struct signer	*signer;	/* holds ca.key, audit.key (signer.c) */
	struct audit_key *audit_key;	/* signs through the signer */
	struct audit_syslog *audit_syslog;	/* NULL: off */
	int64_t		 cert_not_after;	/* of server.crt (renew.c) */
	char		 db_path[CONFIG_DATABASE_MAX + 32];	/* store spec */
	atomic_uint	 nconns;	/* open connections, all workers */
	struct peerlimit pending;	/* per address, before Hello */
	atomic_int	 stopping;
	_Atomic int64_t	 latest_seq;	/* newest committed change (watch) */
	/*
	 * Fault injection for the tests (docs/TESTING.md): exit without a
	 * reply right after the Nth durable push, as a crash would.
	 */
	atomic_int	 fault_push_exit;
	/*
	 * When the next access with an end time (handover window, glass)
	 * ends, in seconds: a request at or after it first ends what is
	 * due (access.c), so none is served on access that has ended.
	 */
	_Atomic int64_t	 access_due;
	/*
	 * What the other instances on the database said (notify.c): a
	 * change was committed, a device revoked.  Bumped per notice;
	 * each worker acts at its next sweep when it sees a new value.
	 */
	atomic_uint	 remote_change;
	atomic_uint	 remote_revoke;
};

/* Note that "seq" was committed, for the watchers of every worker. */
static inline void
server_note_seq(struct server *srv, int64_t seq)
{
	int64_t	cur = atomic_load(&srv->latest_seq);

	while (cur < seq &&
	    !atomic_compare_exchange_weak(&srv->latest_seq, &cur, seq))
		;
}

struct worker {
	struct server	*srv;
	unsigned	 idx;
	pthread_t	 thread;
	int		 epfd;
	int		 lfd;		/* this worker's SO_REUSEPORT socket */
	int		 evfd;		/* eventfd: wake up to stop */
	struct store	*st;
	struct session	*sessions;	/* doubly linked */
	/*
	 * Every session's deadline (handshake, Hello, idle, linger): a
	 * pass looks at the earliest only, never at every connection.
	 */
	struct timerheap timers;
	struct session	*watchers;	/* those that sent Watch */
	int64_t		 watch_seen;	/* latest_seq at the last look */
	int		 watch_retry;	/* ... and one must look again */
	int64_t		 rev_gen;	/* last revocation generation seen */
	unsigned	 remote_change_seen;	/* srv->remote_change */
	unsigned	 remote_revoke_seen;	/* srv->remote_revoke */
	int64_t		 remote_retry_ms;	/* loop.c: after a failed read */
	int64_t		 next_tick_ms;
	int64_t		 next_sweep_ms;	/* session deadlines, watchers */
	unsigned	 nsessions;
	unsigned	 peak_sessions;	/* since the last malloc_trim */
	unsigned	 trim_base;	/* sessions at the last malloc_trim */
	int64_t		 trim_settle_ms; /* malloc_trim then (loop.c) */
	int		 trim_due;	/* a large frame was handled */
	int64_t		 refused_log_ms; /* loop.c: next refusal logged */
	unsigned	 refused_quiet;	/* ... refusals since the last one */
	/*
	 * Group commit of audit entries (audit_defer, audit_flush): the
	 * login and read entries queued during this loop pass, and the
	 * sessions whose replies wait until those are durable.
	 */
	struct audit_entry *aq;
	size_t		 naq, maxaq;
	struct session	*held;		/* session.c: waiting for the flush */
	/*
	 * Entries no reply waits for (audit_later): the batch is
	 * committed at the latest AUDIT_LATER_MS after "aq_since_ms", or
	 * at the end of the pass in which a connection whose entry is in
	 * it closed ("aq_close_due").  "aq_gen" counts the batches
	 * emptied (committed, carried by a push, or given up).
	 */
	int64_t		 aq_since_ms;
	uint64_t	 aq_gen;
	int		 aq_close_due;
	int64_t		 aq_busy_ms;	/* the write lock busy since (or 0) */
	struct buf	*spare;		/* session.c: a large reply buffer */
};

/* Epoll tags for the two non-session descriptors of a worker. */
extern char	worker_tag_listen;
extern char	worker_tag_event;

/*
 * Bind listeners (one per worker, SO_REUSEPORT; the first decides the
 * port when the configured one is 0) and open each worker's store.
 * *port gets the bound port.  0 or CS_ERR_*.
 */
int	workers_init(struct server *, struct worker **ws, unsigned n,
	    unsigned *port);
int	workers_start(struct worker *ws, unsigned n);
/* Wake every worker, wait for it to finish its connections, free. */
void	workers_stop(struct worker *ws, unsigned n);

#endif /* SERVER_H */
