/* SPDX-License-Identifier: ISC */
/*
 * checkpoint.c - the message an audit checkpoint signature covers, and
 * its verification; and the read-log head a device signs (see
 * checkpoint.h, docs/AUDIT.md).
 */
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"
#include "errors.h"

#define CHECKPOINT_DOMAIN	"casesync audit checkpoint v1"
#define CHECKPOINT_READ_DOMAIN	"casesync read log head v1"

static void
checkpoint_put_u64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

void
checkpoint_message(uint64_t size, const uint8_t root[MERKLE_HASH_LEN],
    int64_t time, uint8_t msg[CHECKPOINT_MSG_LEN])
{
	memset(msg, 0, 32);
	memcpy(msg, CHECKPOINT_DOMAIN, sizeof(CHECKPOINT_DOMAIN) - 1);
	checkpoint_put_u64(msg + 32, size);
	memcpy(msg + 40, root, MERKLE_HASH_LEN);
	checkpoint_put_u64(msg + 40 + MERKLE_HASH_LEN, (uint64_t)time);
}

void
checkpoint_read_head(uint64_t n, const uint8_t hash[MERKLE_HASH_LEN],
    uint8_t msg[CHECKPOINT_READ_HEAD_LEN])
{
	memset(msg, 0, 32);
	memcpy(msg, CHECKPOINT_READ_DOMAIN, sizeof(CHECKPOINT_READ_DOMAIN) - 1);
	checkpoint_put_u64(msg + 32, n);
	memcpy(msg + 40, hash, MERKLE_HASH_LEN);
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
