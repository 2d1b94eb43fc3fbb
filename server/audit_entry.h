/* SPDX-License-Identifier: ISC */
/*
 * audit_entry.h - the audit entry of a casesync deployment (DESIGN §3,
 * docs/AUDIT.md): its fields, its canonical encoding and its leaf hash
 * in the audit log's Merkle tree, and a signed checkpoint of that tree.
 *
 * The entry itself and its encoding are in common/audit_enc.h (the
 * laptop decodes what an auditor exports).  Shared by the store
 * (store_audit.c writes and reads the rows) and the
 * audit hooks of casesyncd and casesyncctl (audit.c, which decide what
 * goes into an entry).  No types of the handlers here.
 */
#ifndef AUDIT_ENTRY_H
#define AUDIT_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "audit_enc.h"
#include "merkle.h"

#define AUDIT_PK_LEN		32
#define AUDIT_SIG_LEN		64

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
