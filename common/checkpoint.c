/* SPDX-License-Identifier: ISC */
/*
 * checkpoint.c - the message an audit checkpoint signature covers, and
 * its verification; the read-log head a device signs and the chain hash
 * of its entries (see checkpoint.h, docs/AUDIT.md).
 */
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "checkpoint.h"
#include "errors.h"

#define CHECKPOINT_DOMAIN	"casesync audit checkpoint v1"
#define CHECKPOINT_READ_DOMAIN	"casesync read log head v1"
#define CHECKPOINT_RESTORE_DOMAIN	"casesync audit restore v1"

_Static_assert(sizeof(CHECKPOINT_RESTORE_DOMAIN) - 1 <= 32,
    "the restore domain fits its 32 bytes");

void
checkpoint_message(uint64_t size, const uint8_t root[MERKLE_HASH_LEN],
    int64_t time, uint8_t msg[CHECKPOINT_MSG_LEN])
{
	memset(msg, 0, 32);
	memcpy(msg, CHECKPOINT_DOMAIN, sizeof(CHECKPOINT_DOMAIN) - 1);
	buf_store_u64(msg + 32, size);
	memcpy(msg + 40, root, MERKLE_HASH_LEN);
	buf_store_u64(msg + 40 + MERKLE_HASH_LEN, (uint64_t)time);
}

void
checkpoint_read_head(uint64_t n, const uint8_t hash[MERKLE_HASH_LEN],
    uint8_t msg[CHECKPOINT_READ_HEAD_LEN])
{
	memset(msg, 0, 32);
	memcpy(msg, CHECKPOINT_READ_DOMAIN, sizeof(CHECKPOINT_READ_DOMAIN) - 1);
	buf_store_u64(msg + 32, n);
	memcpy(msg + 40, hash, MERKLE_HASH_LEN);
}

void
checkpoint_read_hash(const uint8_t prev[MERKLE_HASH_LEN], uint64_t n,
    int64_t at, const char *action, const char *case_id,
    const char *child_id, uint8_t out[MERKLE_HASH_LEN])
{
	crypto_hash_sha256_state	h;
	uint8_t				num[16], zero = 0;

	buf_store_u64(num, n);
	buf_store_u64(num + 8, (uint64_t)at);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, prev, MERKLE_HASH_LEN);
	crypto_hash_sha256_update(&h, num, sizeof(num));
	crypto_hash_sha256_update(&h, (const uint8_t *)action,
	    strlen(action));
	crypto_hash_sha256_update(&h, &zero, 1);
	crypto_hash_sha256_update(&h, (const uint8_t *)case_id,
	    strlen(case_id));
	if (child_id != NULL && child_id[0] != '\0') {
		crypto_hash_sha256_update(&h, &zero, 1);
		crypto_hash_sha256_update(&h, (const uint8_t *)child_id,
		    strlen(child_id));
	}
	crypto_hash_sha256_final(&h, out);
}

int
checkpoint_verify(uint64_t size, const uint8_t root[MERKLE_HASH_LEN],
    int64_t time, const uint8_t sig[CHECKPOINT_SIG_LEN],
    const uint8_t pk[CHECKPOINT_PK_LEN])
{
	uint8_t	msg[CHECKPOINT_MSG_LEN];

	checkpoint_message(size, root, time, msg);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) != 0)
		return CS_ERR_TAMPERED;
	return 0;
}

void
checkpoint_restore_message(const struct checkpoint_restore *r,
    uint8_t msg[CHECKPOINT_RESTORE_LEN])
{
	uint8_t	*p = msg;

	memset(p, 0, 32);
	memcpy(p, CHECKPOINT_RESTORE_DOMAIN,
	    sizeof(CHECKPOINT_RESTORE_DOMAIN) - 1);
	p += 32;
	buf_store_u64(p, r->generation);
	buf_store_u64(p + 8, (uint64_t)r->backup_time);
	buf_store_u64(p + 16, r->backup_size);
	p += 24;
	memcpy(p, r->backup_root, MERKLE_HASH_LEN);
	p += MERKLE_HASH_LEN;
	buf_store_u64(p, r->old_size);
	p += 8;
	memcpy(p, r->old_root, MERKLE_HASH_LEN);
	p += MERKLE_HASH_LEN;
	buf_store_u64(p, (uint64_t)r->restored_at);
	buf_store_u64(p + 8, r->restore_seq);
}

int
checkpoint_restore_verify(const struct checkpoint_restore *r,
    const uint8_t sig[CHECKPOINT_SIG_LEN], const uint8_t pk[CHECKPOINT_PK_LEN])
{
	uint8_t	msg[CHECKPOINT_RESTORE_LEN];

	checkpoint_restore_message(r, msg);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) != 0)
		return CS_ERR_TAMPERED;
	return 0;
}
