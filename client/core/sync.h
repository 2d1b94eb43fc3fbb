/* SPDX-License-Identifier: ISC */
/*
 * sync.h - the client side of sync: push the outbox, pull changes,
 * apply purges and send receipts (DESIGN §5).
 */
#ifndef CLIENT_SYNC_H
#define CLIENT_SYNC_H

#include <signal.h>
#include <stdint.h>

#include <openssl/x509.h>
#include <sqlite3.h>

#include "keys.h"

struct conn;

#define SYNC_PUSH_BATCH		1000	/* MSG_PUSH_MAX */
#define SYNC_PUSH_BYTES		(8 * 1024 * 1024)
#ifndef SYNC_PUSH_DEPTH
#define SYNC_PUSH_DEPTH		3	/* push batches on their way at once */
#endif
#define SYNC_PULL_BATCH		10000
#define SYNC_PULL_BYTES		(8 * 1024 * 1024)

struct sync_stats {
	uint64_t	pushed;		/* changes the server applied */
	uint64_t	pulled;		/* records received */
	uint64_t	bytes;		/* body bytes received */
	uint64_t	conflicts;	/* fields now in conflict */
	uint64_t	rejected;	/* changes the server refused */
	uint64_t	purged;		/* cases deleted on instruction */
	uint64_t	round_trips;
	uint64_t	tampered;	/* sealed bodies that failed to open */
	uint64_t	waiting;	/* records waiting for their key */
	uint64_t	keyless;	/* local changes waiting for a key */
	uint64_t	queued;		/* local changes left to send anyway */
	uint64_t	e2e_ns;		/* time spent sealing and opening */
	/* nothing written is lost (nolost.h) */
	uint64_t	late;		/* applied although written late */
	uint64_t	held;		/* refused, kept here for a decision */
	uint64_t	held_accepted;	/* held, then accepted into the case */
	uint64_t	held_discarded;	/* held, then discarded by someone */
	uint64_t	purges_held;	/* purges not done: changes hold them */
	/* the cases' lifecycle metadata (case_meta.h) */
	uint64_t	nometa;		/* cases of pulled records without it,
					 * and measure records (measures) */
	uint64_t	cases;		/* cases whose metadata was fetched */
	struct keys_stats keys;		/* the key round */
	/* for the progress (struct sync_progress) */
	uint64_t	sent_bytes;	/* sealed body bytes sent */
	uint64_t	push_total;	/* changes to send, as counted */
	uint64_t	pull_total;	/* records to receive, estimated */
};

/*
 * Where a sync is, for a progress display: records and bytes done and
 * the totals as far as known (0: not known yet).  The push's total is
 * the outbox; the pull's is estimated from the server's newest
 * sequence number (a record the user may not read is counted but never
 * comes), so "total" can shrink when a sync ends; bytes_total is
 * extrapolated from the bytes per record so far.
 */
struct sync_progress {
	const char		*phase;		/* pushing pulling watching done */
	uint64_t		 records_done;
	uint64_t		 records_total;
	uint64_t		 bytes_done;
	uint64_t		 bytes_total;
	const struct sync_stats	*st;
};

/* What a face wants to hear while a sync runs; any member may be NULL. */
struct sync_observer {
	void	(*progress)(const struct sync_progress *, void *arg);
	void	*arg;
};

/*
 * One full sync over an open, authenticated connection: the key round
 * (keys.h), then push until the outbox is empty (merging conflicts),
 * pull until up to date, purge, and refresh the metadata of the cases
 * when records of a case without it came or it is old (case_meta.h:
 * no request otherwise).  Bodies are sealed with the newest key
 * of their case before they leave and opened when they arrive; a body
 * that does not open is counted in "tampered" and not applied, one
 * whose key has not arrived waits in the vault.  "ca" is the pinned
 * deployment CA.  "obs" (or NULL) hears the progress, ending with the
 * phase "done".
 */
int	sync_run(struct conn *, sqlite3 *, X509 *ca,
	    const struct sync_observer *obs, struct sync_stats *);

/*
 * Keep the connection and sync again whenever the server says a case
 * changed or the local outbox has something, until *stop is set.  Each
 * sync holds the sync lock of the vault directory "dir" (synclock.h);
 * waiting does not.
 */
int	sync_watch(struct conn *, sqlite3 *, X509 *ca, const char *dir,
	    const struct sync_observer *obs, struct sync_stats *,
	    volatile sig_atomic_t *stop);

#endif /* CLIENT_SYNC_H */
