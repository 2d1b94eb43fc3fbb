/* SPDX-License-Identifier: ISC */
/*
 * checkpoint.h - the signed checkpoints of the audit log, as both the
 * server (which signs them) and the laptops (which verify them and keep
 * the last one) see them.  docs/AUDIT.md describes the format.
 */
#ifndef CHECKPOINT_H
#define CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define CHECKPOINT_PK_LEN	32
#define CHECKPOINT_SIG_LEN	64
/* 32-byte domain string, size, root, time */
#define CHECKPOINT_MSG_LEN	(32 + 8 + MERKLE_HASH_LEN + 8)

/* The bytes a checkpoint signature covers. */
void	checkpoint_message(uint64_t size, const uint8_t root[MERKLE_HASH_LEN],
	    int64_t time, uint8_t msg[CHECKPOINT_MSG_LEN]);

/* 0 if "sig" is "pk"'s Ed25519 signature of the checkpoint, else
 * CS_ERR_TAMPERED. */
int	checkpoint_verify(uint64_t size, const uint8_t root[MERKLE_HASH_LEN],
	    int64_t time, const uint8_t sig[CHECKPOINT_SIG_LEN],
	    const uint8_t pk[CHECKPOINT_PK_LEN]);

/*
 * The head of a laptop's read log, as its device key signs it when the
 * log is uploaded: a 32-byte domain string, the last counter and that
 * entry's chain hash (docs/AUDIT.md).
 */
#define CHECKPOINT_READ_HEAD_LEN	(32 + 8 + MERKLE_HASH_LEN)
void	checkpoint_read_head(uint64_t n, const uint8_t hash[MERKLE_HASH_LEN],
	    uint8_t msg[CHECKPOINT_READ_HEAD_LEN]);

/*
 * The chain hash of read-log entry "n", as the laptop (client/core/readlog.c)
 * writes it and the server (audit_sync.c) checks it:
 *
 *   SHA-256(prev || n || at || action || 0x00 || case_id)
 *   SHA-256(prev || n || at || action || 0x00 || case_id || 0x00 || child_id)
 *
 * the second when the read concerned one child ("child_id" not empty).
 * n and at as 8-byte big-endian numbers, "prev" the hash of entry
 * n - 1 (all zeros before the first).  The strings are NUL-terminated;
 * their terminators are not hashed.  An entry without a child hashes as
 * before children were logged, so old chains still verify.
 */
void	checkpoint_read_hash(const uint8_t prev[MERKLE_HASH_LEN], uint64_t n,
	    int64_t at, const char *action, const char *case_id,
	    const char *child_id, uint8_t out[MERKLE_HASH_LEN]);

/*
 * A server restore (docs/AUDIT.md, "Restore"), as the audit key signs
 * it: the restored run's generation, the backup (when taken, its log's
 * size and root), the log it replaced (size and root; 0 and zeros when
 * that log was lost too), when the restore was made and the backup's
 * change sequence.  The message is a 32-byte domain string, then each
 * field in this order, numbers as 8-byte big-endian.
 */
struct checkpoint_restore {
	uint64_t	generation;
	int64_t		backup_time;
	uint64_t	backup_size;
	uint8_t		backup_root[MERKLE_HASH_LEN];
	uint64_t	old_size;
	uint8_t		old_root[MERKLE_HASH_LEN];
	int64_t		restored_at;
	uint64_t	restore_seq;
};
#define CHECKPOINT_RESTORE_LEN	(32 + 8 * 6 + 2 * MERKLE_HASH_LEN)
void	checkpoint_restore_message(const struct checkpoint_restore *,
	    uint8_t msg[CHECKPOINT_RESTORE_LEN]);
/* 0 if "sig" is "pk"'s signature of the restore, else CS_ERR_TAMPERED. */
int	checkpoint_restore_verify(const struct checkpoint_restore *,
	    const uint8_t sig[CHECKPOINT_SIG_LEN],
	    const uint8_t pk[CHECKPOINT_PK_LEN]);

#endif /* CHECKPOINT_H */
