/* SPDX-License-Identifier: ISC */
/*
 * record.c - the append-only kinds and the record digest (see
 * record.h), shared by client/core/db.c and server/store_sync.c.
 */
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "record.h"

/* The one list; docs/PROTOCOL.md and docs/CLIENT.md name the same. */
static const char *const record_append_only_kinds[] = {
	"journal",
	"audit",
	"plan_version",
	"approval_request",
	"approval_decision",
	"report",
};

int
record_approval(const char *kind)
{
	return strcmp(kind, "approval_request") == 0 ||
	    strcmp(kind, "approval_decision") == 0;
}

int
record_append_only(const char *kind)
{
	size_t	i;

	for (i = 0; i < sizeof(record_append_only_kinds) /
	    sizeof(record_append_only_kinds[0]); i++)
		if (strcmp(kind, record_append_only_kinds[i]) == 0)
			return 1;
	return 0;
}

void
record_digest_init(struct record_digest *d)
{
	crypto_hash_sha256_init(&d->h);
	d->count = 0;
}

void
record_digest_add(struct record_digest *d, const void *id, size_t idlen,
    int64_t version)
{
	uint8_t	v[8];

	buf_store_u64(v, (uint64_t)version);
	crypto_hash_sha256_update(&d->h, id, idlen);
	crypto_hash_sha256_update(&d->h, v, sizeof(v));
	d->count++;
}

void
record_digest_final(struct record_digest *d, int64_t *count,
    uint8_t hash[RECORD_DIGEST_LEN])
{
	crypto_hash_sha256_final(&d->h, hash);
	*count = d->count;
}
