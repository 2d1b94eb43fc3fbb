/* SPDX-License-Identifier: ISC */
/*
 * store_audit.h - the audit tables of the server database (SQL in
 * store_audit.c; the entry format in audit_entry.c, what goes into
 * an entry in audit.c).
 *
 * audit_log holds one row per entry with its leaf hash; audit_state
 * the tree's size and frontier, so that appending and signing take
 * O(log n); audit_checkpoints the signed checkpoints; audit_readlog how
 * far each device's read log has been received.  Triggers refuse
 * UPDATE and DELETE on audit_log.  Functions return 0 or CS_ERR_*.
 */
#ifndef STORE_AUDIT_H
#define STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "audit_entry.h"
#include "sdb.h"

struct store;

/*
 * An append's rows go into a PostgreSQL database in multi-row INSERTs
 * of at most this many audit_log rows and audit_nodes rows (each
 * within SDB_PARAMS_MAX over its columns); into SQLite one a statement.
 */
#define STORE_AUDIT_LOG_ROWS	32	/* 672 parameters */
#define STORE_AUDIT_NODE_ROWS	64	/* 192 parameters */

/*
 * The smallest perfect subtree an append stores in audit_nodes.  The
 * smaller ones (sizes 2 and 4: three rows in four) are computed from
 * their leaves when a proof reaches them (merkle.c falls back to the
 * leaves for a subtree not found), at most a few per proof.
 */
#define STORE_AUDIT_NODE_MIN	8

/*
 * Inside a transaction whose first statements are not the audit's
 * (a push): send the audit tree's row lock and read ahead, so that on
 * PostgreSQL it goes with them, in their round trip; the transaction's
 * first append (or checkpoint) then reads its answer.  The lock is
 * taken where it is sent, the tree read there: as the append would,
 * under the transaction's own lock.  store_audit_lock_drop() forgets
 * it (store_commit and store_rollback call it).
 */
int	store_audit_lock_ahead(struct store *);
void	store_audit_lock_drop(struct store *);
/*
 * The end of a transaction (store_commit, store_rollback): the tree
 * its appends left is kept by the process if it committed, the kept
 * one forgotten if not (store_audit.c).
 */
void	store_audit_tx_end(struct store *, int committed);
/* After the kept tree was found stale, appends that do not try it. */
#define STORE_AUDIT_KEPT_SKIP	16
/* Appends made on the kept tree, and attempts it was stale (tests). */
void	store_audit_kept_counts(uint64_t *hits, uint64_t *misses);

/* In one transaction: append entries e[0..n) (each gets its idx). */
int	store_audit_append(struct store *, struct audit_entry *e, size_t n);
/* The same inside the caller's open transaction. */
int	store_audit_append_in(struct store *, struct audit_entry *e,
	    size_t n);
/*
 * The same for up to n entries made one at a time: fill(e, i, arg)
 * fills "e" for the caller's item i (0 .. n-1) and returns nonzero, or
 * returns 0 for an item that has no entry.  No entry made: nothing is
 * written.
 */
int	store_audit_append_fill(struct store *, size_t n,
	    int (*fill)(struct audit_entry *, size_t, const void *),
	    const void *arg);

/*
 * A signed checkpoint is made in a transaction the caller owns
 * (store_tx_begin), so that no entry comes between the tree it signs
 * and its row: store_audit_cp_head() gives the tree's size and root at
 * "now" in *cp (*due 0 instead when the newest checkpoint is younger
 * than "max_age" seconds; max_age 0: always due), the caller signs it
 * (audit.c) and store_audit_cp_add() stores it.
 */
int	store_audit_cp_head(struct store *, int64_t now, int64_t max_age,
	    struct audit_checkpoint *cp, int *due);
int	store_audit_cp_add(struct store *, const struct audit_checkpoint *cp);

/*
 * A walk of the log (the entries, the checkpoints) reads it in pages of
 * this many rows, each page a short read of its own, so that memory
 * does not grow with the log.  The environment variable
 * CASESYNC_TEST_AUDIT_PAGE (1 .. STORE_AUDIT_PAGE) makes pages smaller
 * for tests.
 */
#define STORE_AUDIT_PAGE	2000
size_t	store_audit_page(void);

/*
 * Entries matching "f" (NULL: all) in idx order, each with the leaf
 * hash stored beside it.  cb returns 0 to go on; else that is returned.
 * Entries appended during the walk may be met (it reads page by page).
 */
int	store_audit_rows(struct store *, const struct audit_filter *f,
	    int (*cb)(const struct audit_entry *,
	    const uint8_t leaf[MERKLE_HASH_LEN], void *), void *arg);

/* Every checkpoint in order of size, then id. */
int	store_audit_checkpoints(struct store *,
	    int (*cb)(const struct audit_checkpoint *, void *), void *arg);
/*
 * One page of them: at most "max" checkpoints after (after_size,
 * after_id) in that order, of a size up to max_size, into cps[0..*n).
 */
int	store_audit_cp_page(struct store *, int64_t after_size,
	    int64_t after_id, int64_t max_size, struct audit_checkpoint *cps,
	    size_t max, size_t *n);
/* *known: a checkpoint of cp's size, root, time and signature is stored. */
int	store_audit_cp_known(struct store *, const struct audit_checkpoint *cp,
	    int *known);
/*
 * What lies beyond the stored tree state at this moment: *rows entries
 * with an idx at or above its size, and in *cp the first checkpoint
 * (by size, then id) of a size above it (cp->id 0: none).
 */
int	store_audit_beyond(struct store *, int64_t *rows,
	    struct audit_checkpoint *cp);

/*
 * How far the read log of device "device_id" has been received: the
 * last counter and its chain hash (0 and zeros if nothing yet).
 */
int	store_audit_readlog_get(struct store *, int64_t device_id,
	    int64_t *last_n, uint8_t last_hash[MERKLE_HASH_LEN]);
/*
 * In one transaction: if the device's last counter is still "old_n"
 * (else CS_ERR_EXISTS), append e[0..n) and record new_n / new_hash
 * with the device's signature of that head.
 */
int	store_audit_readlog_put(struct store *, int64_t device_id,
	    int64_t old_n, int64_t new_n,
	    const uint8_t new_hash[MERKLE_HASH_LEN], const uint8_t *sig,
	    size_t siglen, struct audit_entry *e, size_t n);

/*
 * The position of the syslog feed that the instances on one PostgreSQL
 * database share (audit_syslog.c): the last idx claimed, in *pos; with
 * "create", set to "init" first if there is none yet.
 */
int	store_audit_feed_get(struct store *, int create, int64_t init,
	    int64_t *pos);
/*
 * Claim the entries after "from" up to "to" for this instance: *won 1
 * if the position was still "from" (it is "to" now), else 0 (another
 * instance claimed them first).
 */
int	store_audit_feed_claim(struct store *, int64_t from, int64_t to,
	    int *won);

/* The newest checkpoint (largest size, then id): CS_ERR_NOT_FOUND if none. */
int	store_audit_latest(struct store *, struct audit_checkpoint *cp);

/*
 * The stored leaf hashes of entries 0..n-1 into leaves[0..n-1];
 * CS_ERR_TAMPERED if one is missing or malformed.
 */
int	store_audit_leaves(struct store *, uint64_t n,
	    uint8_t (*leaves)[MERKLE_HASH_LEN]);

/* The stored size and frontier of the tree. */
int	store_audit_state(struct store *, struct merkle_frontier *f);
/*
 * Consistency proof from the tree of "m" entries to that of "n" (as
 * merkle_consistency_proof), from the stored subtrees: O(log^2 n) reads
 * (a log written before audit_nodes existed falls back to its leaves).
 */
int	store_audit_proof(struct store *, uint64_t m, uint64_t n,
	    uint8_t proof[][MERKLE_HASH_LEN], size_t *len);

#endif /* STORE_AUDIT_H */
