/* SPDX-License-Identifier: ISC */
/*
 * record.h - what a laptop and the server must agree on about records,
 * byte for byte, kept here once for both: which kinds of record are
 * append-only, and the digest of a set of records.
 *
 * Append-only kinds (docs/PROTOCOL.md, CHANGE_INVALID): a record of one
 * of these kinds is written once; a change to one that exists is
 * refused by the server and never merged by a laptop.
 *
 * The record digest: SHA-256 over the live records in record_id order,
 * each as its record_id's bytes followed by its version as an 8-byte
 * big-endian number.  "casesync status" and "casesyncctl records"
 * print it; a backup (casesyncctl backup) keeps it.  The caller runs
 * its own query and feeds each row; nothing here allocates.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define RECORD_DIGEST_LEN	32

/* 1 if records of "kind" are written once ("journal", "audit",
 * "plan_version", the approvals' records, "report"). */
int	record_append_only(const char *kind);
/*
 * 1 if "kind" is the record of an approval's request or decision
 * (DESIGN §2): a read-only holder may write one, as the server lets
 * her push exactly the record her request or decision names.
 */
int	record_approval(const char *kind);

struct record_digest {
	crypto_hash_sha256_state	h;
	int64_t				count;
};

void	record_digest_init(struct record_digest *);
/* One live record, in record_id order: "idlen" bytes of "id". */
void	record_digest_add(struct record_digest *, const void *id,
	    size_t idlen, int64_t version);
/* The number of records added and the digest. */
void	record_digest_final(struct record_digest *, int64_t *count,
	    uint8_t hash[RECORD_DIGEST_LEN]);

#endif /* RECORD_H */
