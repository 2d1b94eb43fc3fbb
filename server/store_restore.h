/* SPDX-License-Identifier: ISC */
/*
 * store_restore.h - backups and restores of the server database
 * (docs/ADMIN.md, "Backup and restore"; docs/PROTOCOL.md, "Restore").
 *
 * A backup is an online copy made with SQLite's backup API: one read
 * transaction, so it is the database as of one instant while casesyncd
 * goes on writing.  A restore starts a new "generation": a random id
 * kept in meta('generation') together with the backup's change sequence
 * (meta('restore_seq')), which every laptop learns from Welcome.  Seq
 * values above restore_seq were handed out before the restore and are
 * handed out again after it; laptops re-offer what they hold from above
 * it (Change.lost_version), and restore_records remembers which lost
 * version a re-offer brought back, so that re-offers of the same record
 * from several laptops settle on the newest.
 *
 * audit_restores holds each restore as the audit key signed it, and
 * audit_lost the leaf hashes of the entries of the replaced log that
 * the backup does not have, so that a laptop holding a checkpoint of
 * that log can be shown it was a prefix of the old head the restore
 * names.  Functions return 0 or a negative CS_ERR_*.
 */
#ifndef STORE_RESTORE_H
#define STORE_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"

struct store;
struct store_change;
struct audit_entry;

/* The run of the server: all 0 before its first restore. */
struct store_gen {
	int64_t	generation;
	int64_t	restore_seq;
	int64_t	backup_time;
};

/* One restore as signed (checkpoint.h) and stored. */
struct store_restore {
	struct checkpoint_restore	r;
	uint8_t				sig[CHECKPOINT_SIG_LEN];
};

int	store_generation(struct store *, struct store_gen *g);
/* The same and the seq counter (store_seq), read at once. */
int	store_generation_seq(struct store *, struct store_gen *g,
	    int64_t *seq);
/*
 * Send store_generation_seq's read ahead (sdb_send: on PostgreSQL it
 * goes with the next statement that waits, in its round trip; SQLite
 * runs it when it is read); the next store_generation_seq() reads its
 * answer.  store_generation_drop() forgets one sent and not read.
 */
int	store_generation_send(struct store *);
void	store_generation_drop(struct store *);

/*
 * Copy the database into a new file "path" (mode 0600, refused if it
 * exists) in one read transaction, journal mode DELETE.  The copy is
 * removed on failure.
 */
int	store_backup_copy(struct store *, const char *path);
/* Record "now" as meta('backup_at') (in a copy just made). */
int	store_backup_stamp(struct store *, int64_t now);
/* Back to journal mode DELETE before the copy is closed. */
int	store_backup_seal(struct store *);
/* meta('backup_at'): 0 if the database is not a backup. */
int	store_backup_time(struct store *, int64_t *at);
/* PRAGMA integrity_check: 0 if "ok", else CS_ERR_DB with its first row
 * in msg. */
int	store_integrity(struct store *, char *msg, size_t msglen);

/*
 * In one transaction: make "rs" the current generation, keep it in
 * audit_restores, keep the lost leaf hashes lost[0..nlost) as entries
 * rs->r.backup_size.. of the replaced log, and append "e".
 */
int	store_restore_apply(struct store *, const struct store_restore *rs,
	    const uint8_t (*lost)[MERKLE_HASH_LEN], uint64_t nlost,
	    struct audit_entry *e);
/* The newest restore: CS_ERR_NOT_FOUND if there was none. */
int	store_restore_latest(struct store *, struct store_restore *rs);
/*
 * Consistency proof from the tree of "m" entries of the log restore
 * "rs" replaced to its head (rs->r.old_size), as
 * merkle_consistency_proof(): its leaves are this log's below the
 * backup's size and audit_lost's after it.  CS_ERR_TAMPERED if one of
 * them is not kept.
 */
int	store_restore_old_proof(struct store *, const struct store_restore *rs,
	    uint64_t m, uint8_t proof[][MERKLE_HASH_LEN], size_t *len);

/* Every case membership, by user name then case id. */
int	store_restore_members(struct store *,
	    int (*cb)(const char *user, const char *case_id, void *),
	    void *arg);

/*
 * The push rule of a re-offer (store_sync.c): "c" carries lost_version
 * above restore_seq.  *apply = 1: write it like a change on the current
 * version; else a conflict, *no_base = 1 when the server's record does
 * not descend from what was re-offered.
 */
int	store_reoffer_rule(struct store *, const struct store_change *c,
	    int exists, int64_t cur_version, int append_only,
	    int64_t restore_seq, int *apply, int *no_base);
/*
 * After re-offer "c" by device "device_id" was applied at "version";
 * a key epoch beyond the case's (opened after the backup) is noted
 * for the author's user (restore_epochs).
 */
int	store_reoffer_note(struct store *, const struct store_change *c,
	    int64_t version, int64_t device_id);
/*
 * *yes = 1 if "user_id" re-offered records of "case_id" sealed with
 * "epoch" or a later one: it may open that epoch again by a grant to
 * itself (store_keys.c), and is asked to (store_key_needs).
 */
int	store_restore_epoch_lost(struct store *, const char *case_id,
	    int64_t user_id, uint32_t epoch, int64_t *yes);

#endif /* STORE_RESTORE_H */
