/* SPDX-License-Identifier: ISC */
/*
 * audit_query.h - AuditQueryRequest (docs/PROTOCOL.md, "Audit
 * queries"): the audit log read from an enrolled laptop.  An auditor
 * may read every entry; anyone else only the entries of a case they
 * are a member of (a teamleider: also a case of their office), i.e.
 * "who looked at this case?".  Each query is an "audit_read" entry.
 */
#ifndef AUDIT_QUERY_H
#define AUDIT_QUERY_H

struct msg;
struct request;

int	audit_query(struct request *, const struct msg *);
/*
 * AuditQueryRequest as audit_export_request (docs/PROTOCOL.md, "Audit
 * export"): the auditor alone; whole entries in their canonical
 * encoding, for `casesync audit verify|export`.  An "audit_read" entry.
 */
int	audit_export(struct request *, const struct msg *);

#endif /* AUDIT_QUERY_H */
