/* SPDX-License-Identifier: ISC */
/*
 * auditx.h - the server's audit log exported to an auditor's laptop
 * (AuditExportResponse, docs/PROTOCOL.md "Audit export"), and checked
 * there: `casesync audit export` and `casesync audit verify`
 * (docs/CLIENT.md).  No printing here: a refusal's Error reply goes
 * back to the caller.
 */
#ifndef AUDITX_H
#define AUDITX_H

#include <stdint.h>

#include <sqlite3.h>

#include "audit_enc.h"
#include "merkle.h"
#include "msg_auditq.h"

struct conn;
struct msg;

/*
 * Called for each exported entry with its leaf hash (of the bytes the
 * server sent); a non-zero return stops the export and is returned.
 */
typedef int (*auditx_fn)(const struct audit_entry *e,
    const uint8_t leaf[MERKLE_HASH_LEN], void *arg);

/*
 * Every entry "q" selects, page by page from q->after on (q->after
 * moves with them).  0, cb's return, CS_ERR_PROTOCOL if the server goes
 * backwards, or conn_rpc's CS_ERR_* with *err the Error reply (NULL if
 * none; the caller frees it with msg_free).
 */
int	auditx_export(struct conn *c, struct msg_audit_query_request *q,
	    auditx_fn cb, void *arg, struct msg **err);

/* What auditx_verify() checked. */
struct auditx_verified {
	uint64_t	size;		/* entries under the checkpoint */
	int64_t		time;		/* when it was signed */
	uint8_t		root[MERKLE_HASH_LEN];
};

/*
 * The whole log against the server's signed checkpoint: first
 * auditcp_verify() (the newest checkpoint, signed with the key this
 * laptop pinned, consistent with the one it verified before; kept),
 * then entries 0 .. size-1 exported, each at its own index, hashed
 * into the tree, whose root must be the checkpoint's.  0 with *out;
 * CS_ERR_TAMPERED with *why (static English) when an entry is missing,
 * out of place or the root differs; else as auditx_export().
 */
int	auditx_verify(struct conn *c, sqlite3 *db,
	    struct auditx_verified *out, const char **why, struct msg **err);

#endif /* AUDITX_H */
