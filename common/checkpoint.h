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

#endif /* CHECKPOINT_H */
