/* SPDX-License-Identifier: ISC */
/*
 * auditrows.h - the server's audit log as a laptop reads it
 * (AuditQueryRequest, docs/PROTOCOL.md "Audit queries"), page by page,
 * kept as the replies came: for `casesync audit query|who` and for the
 * inzage's access section (who accessed a case file and when, AVG art.
 * 15 lid 1 sub c: the client view of `audit who --case`).  The server
 * decides what the asker may read (an auditor all; anyone else the
 * entries of a case they hold) and records each query itself
 * ("audit_read", docs/AUDIT.md).  No printing here.
 */
#ifndef AUDITROWS_H
#define AUDITROWS_H

#include <stddef.h>

#include "msg_auditq.h"

struct conn;
struct msg;

struct auditrows;

/*
 * The entries "q" selects, from q->after on (q->after moves with them),
 * oldest first, at most "pages" replies (of up to MSG_AUDIT_ROWS_MAX
 * entries each), into *out (free with auditrows_free); *more is set
 * when the server had more after the last page asked.  0;
 * CS_ERR_PROTOCOL (*err NULL) when the server goes backwards; else
 * conn_rpc's CS_ERR_* with *err the server's Error reply (NULL if none;
 * the caller frees it with msg_free).
 */
int	auditrows_fetch(struct conn *, struct msg_audit_query_request *q,
	    size_t pages, struct auditrows **out, int *more,
	    struct msg **err);
void	auditrows_free(struct auditrows *);	/* NULL: no-op */

/* The number of entries, and entry i (0 .. n-1) into *row (borrowed). */
size_t	auditrows_n(const struct auditrows *);
void	auditrows_row(const struct auditrows *, size_t i,
	    struct msg_audit_row *row);

#endif /* AUDITROWS_H */
