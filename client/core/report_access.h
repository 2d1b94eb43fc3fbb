/* SPDX-License-Identifier: ISC */
/*
 * report_access.h - who accessed a case file and when, for a report
 * (the inzage's access section, AVG art. 15 lid 1 sub c): the audit
 * log's entries of the case as the server shows them to a member (the
 * client view of `casesync audit who --case`), fetched over the
 * protocol, page by page (AuditQueryRequest with the case id).  The
 * server decides what a member may read and records the query itself
 * ("audit_read", docs/AUDIT.md).  No printing here.
 */
#ifndef REPORT_ACCESS_H
#define REPORT_ACCESS_H

#include <stddef.h>

#include "msg_auditq.h"

struct conn;
struct msg;

#define REPORT_ACCESS_PAGES_MAX	200	/* requests: 100,000 entries */

struct report_access;

/*
 * Every entry of case "case_id" into *out, oldest first (free with
 * report_access_free).  0; CS_ERR_TOO_LARGE when the log of the case
 * holds more than REPORT_ACCESS_PAGES_MAX pages; CS_ERR_PROTOCOL when
 * the server goes backwards; else conn_rpc's CS_ERR_* with *err the
 * server's Error reply (NULL if none; the caller frees it).
 */
int	report_access_fetch(struct conn *, const char *case_id,
	    struct report_access **out, struct msg **err);
void	report_access_free(struct report_access *);	/* NULL: no-op */

/* The number of entries, and entry i (0 .. n-1) into *row (borrowed). */
size_t	report_access_n(const struct report_access *);
void	report_access_row(const struct report_access *, size_t i,
	    struct msg_audit_row *row);

#endif /* REPORT_ACCESS_H */
