/* SPDX-License-Identifier: ISC */
/*
 * audit_enc.h - an audit entry (DESIGN §3, docs/AUDIT.md) and its
 * canonical encoding, the preimage of its leaf in the audit log's
 * Merkle tree: written by casesyncd and casesyncctl (server/), decoded
 * by a laptop that exports or verifies the log over the protocol
 * (client/core/auditx.c), one implementation for both.
 */
#ifndef AUDIT_ENC_H
#define AUDIT_ENC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "merkle.h"

#define AUDIT_STR_MAX		128	/* bytes of each text field */
#define AUDIT_ENC_MAX		2400	/* an encoded entry fits */
#define AUDIT_ENC_VERSION	1

/* NEN 7513 action codes. */
#define AUDIT_CREATE	'C'
#define AUDIT_READ	'R'
#define AUDIT_UPDATE	'U'
#define AUDIT_DELETE	'D'
#define AUDIT_EXECUTE	'E'

struct audit_entry {
	int64_t	idx;		/* event id = leaf index; set on append */
	int64_t	server_time;
	int64_t	device_time;	/* 0: not known */
	char	action;		/* AUDIT_CREATE ... */
	char	type[AUDIT_STR_MAX + 1];	/* "enroll", "read", ... */
	char	outcome[AUDIT_STR_MAX + 1];	/* "success", "failure" */
	int64_t	user_id;	/* 0: not known */
	char	user[AUDIT_STR_MAX + 1];
	char	role[AUDIT_STR_MAX + 1];
	char	office[AUDIT_STR_MAX + 1];
	char	on_behalf_of[AUDIT_STR_MAX + 1];
	char	purpose[AUDIT_STR_MAX + 1];
	char	basis[AUDIT_STR_MAX + 1];	/* regisseur, member, ... */
	char	legal_basis[AUDIT_STR_MAX + 1];
	char	client_ref[AUDIT_STR_MAX + 1];	/* pseudonymous: case id */
	char	object_type[AUDIT_STR_MAX + 1];
	char	object_id[AUDIT_STR_MAX + 1];
	int64_t	device_id;	/* 0: none */
	char	addr[AUDIT_STR_MAX + 1];
	char	detail[AUDIT_STR_MAX + 1];	/* counts, reasons; no data */
};

/*
 * Canonical encoding: version byte, then the fields in the order of
 * struct audit_entry, integers as 8 bytes big-endian, the action as
 * one byte, texts as a 2-byte big-endian length and the bytes.  *len
 * gets the length.  CS_ERR_FORMAT if a text is too long or not
 * terminated within its field.
 */
int	audit_entry_encode(const struct audit_entry *, uint8_t *dst,
	    size_t dstlen, size_t *len);
/* Leaf hash of the encoding; CS_ERR_FORMAT as above. */
int	audit_entry_leaf(const struct audit_entry *,
	    uint8_t leaf[MERKLE_HASH_LEN]);
/*
 * The inverse of audit_entry_encode(), strictly: the version byte, every
 * field, texts of at most AUDIT_STR_MAX bytes without a NUL, and nothing
 * after the last field.  So an entry that decodes encodes to the same
 * bytes.  0, or CS_ERR_FORMAT ("e" then zeroed).
 */
int	audit_entry_decode(const uint8_t *src, size_t len,
	    struct audit_entry *e);

/*
 * One entry as a line of JSON on "f" (common/json.c), with the keys of
 * "casesyncctl audit query --format ndjson" (docs/AUDIT.md) and "leaf"
 * in hex when not NULL.  0, or the writer's error.
 */
int	audit_entry_json(FILE *f, const struct audit_entry *e,
	    const uint8_t *leaf);

#endif /* AUDIT_ENC_H */
