/* SPDX-License-Identifier: ISC */
/*
 * audit_entry.h - the audit entry of a casesync deployment (DESIGN §3,
 * docs/AUDIT.md): its fields, its canonical encoding and its leaf hash
 * in the audit log's Merkle tree, and a signed checkpoint of that tree.
 *
 * Shared by the store (store_audit.c writes and reads the rows) and the
 * audit hooks of casesyncd and casesyncctl (audit.c, which decide what
 * goes into an entry).  No types of the handlers here.
 */
#ifndef AUDIT_ENTRY_H
#define AUDIT_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define AUDIT_STR_MAX		128	/* bytes of each text field */
#define AUDIT_ENC_MAX		2400	/* an encoded entry fits */
#define AUDIT_ENC_VERSION	1
#define AUDIT_PK_LEN		32
#define AUDIT_SIG_LEN		64

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

struct audit_checkpoint {
	int64_t	id;
	int64_t	size;
	uint8_t	root[MERKLE_HASH_LEN];
	int64_t	time;
	uint8_t	pk[AUDIT_PK_LEN];
	uint8_t	sig[AUDIT_SIG_LEN];
};

/* What "casesyncctl audit query" selects; NULL / has_* 0: any. */
struct audit_filter {
	const char	*client_ref;
	const char	*user;
	const char	*type;
	int64_t		 device_id;	/* 0: any */
	int		 has_since, has_until;
	int64_t		 since, until;	/* server time, inclusive */
};

struct store_device;

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
/* Zero "e" and set the fields every entry has. */
void	audit_entry_init(struct audit_entry *e, const char *type,
	    char action, int ok);
/* Fill user, role and office from a device. */
void	audit_entry_device(struct audit_entry *e,
	    const struct store_device *dev, const char *addr);
/*
 * Fill user, basis and addr for an action taken on the server host:
 * user "host:NAME" with the name of the real uid, and " sudo:NAME"
 * after it when SUDO_USER names the account that ran sudo.
 */
void	audit_entry_host(struct audit_entry *e, const char *basis);
/* Copy "s" into field "dst" (truncated to AUDIT_STR_MAX, UTF-8 safe). */
void	audit_set(char dst[AUDIT_STR_MAX + 1], const char *s);

#endif /* AUDIT_ENTRY_H */
