/* SPDX-License-Identifier: ISC */
/*
 * store_push_batch.h - a push batch's reads and writes in statements
 * of many rows (store_push_batch.c), for store_push.c only.
 *
 * When no two changes of a batch share a change id or a record, what
 * each change finds (its change id seen before, its record's current
 * version) does not depend on the batch's other changes: it is read
 * for K changes at once (WHERE ... IN), and the changes the rules
 * apply are written K rows per INSERT.  On PostgreSQL a statement
 * costs its executor's work whatever its rows, so a batch of 1,000 is
 * a few dozen statements instead of four thousand.  The rules
 * (store_push.c) and the seq order are those of the per-change path.
 */
#ifndef STORE_PUSH_BATCH_H
#define STORE_PUSH_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct store;

/* The change id of change i as the database knows it. */
struct push_seen {
	int		 replayed;	/* applied by this device: version */
	int		 foreign;	/* used by another device */
	int64_t		 version;
};

/* The record of change i now: rec with its body malloc'd (or NULL). */
struct push_cur {
	int			 exists;
	struct store_record	 rec;
};

struct push_batch {
	size_t			 n;
	int64_t			 device_id;
	struct push_seen	*seen;		/* n */
	struct push_cur		*cur;		/* n */
	/* applied and not yet written, in seq order */
	size_t			*wi;		/* the change */
	int64_t			*wseq;		/* its version */
	size_t			 nw;
};

/*
 * The batch path for store "st" and a batch of n changes: 1 if it is
 * on (PostgreSQL; SQLite only by store_push_chunk) and no two changes
 * share a change id or a record, else 0.
 */
int	push_batch_fits(struct store *, const struct store_change *, size_t n);
/*
 * Read what the n changes find, into a new *out; 0 or CS_ERR_* (a
 * failed statement: the push fails).
 */
int	push_batch_read(struct store *, int64_t device_id,
	    const struct store_change *, size_t n, struct push_batch **out);
/* Change i applied as version "seq": written by the next flush. */
void	push_batch_add(struct push_batch *, size_t i, int64_t seq);
/* Write what was added (records, then their change ids); 0 or CS_ERR_*. */
int	push_batch_flush(struct store *, struct push_batch *,
	    const struct store_change *);
void	push_batch_free(struct push_batch *);	/* NULL is a no-op */

#endif /* STORE_PUSH_BATCH_H */
