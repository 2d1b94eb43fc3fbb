/* SPDX-License-Identifier: ISC */
/*
 * wire_audit_q.h - validation of the audit query and export messages
 * (Envelope fields 110 to 113), called by wire_decode() before any other code
 * sees them.
 */
#ifndef WIRE_AUDIT_Q_H
#define WIRE_AUDIT_Q_H

#include "wire.h"

#define WIRE_AUDIT_ROWS_MAX	500	/* AuditRow per AuditQueryResponse */
#define WIRE_AUDIT_DETAIL_MAX	1024	/* AuditRow.detail */

/* 1 if "e" carries one of the audit query or export messages. */
int	wire_audit_q_msg(const wire_env *e);
/* 1 if every field of that message is within its limits. */
int	wire_audit_q_ok(const wire_env *e);

#endif /* WIRE_AUDIT_Q_H */
