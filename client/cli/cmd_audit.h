/* SPDX-License-Identifier: ISC */
/*
 * cmd_audit.h - `casesync audit query|who|export|verify` (cmd_audit.c):
 * the server's audit log read from this laptop over the protocol
 * (AuditQueryRequest, docs/PROTOCOL.md "Audit queries" and "Audit
 * export"; docs/CLIENT.md).
 */
#ifndef CMD_AUDIT_H
#define CMD_AUDIT_H

struct cli;

int	cmd_audit(struct cli *, int argc, char *argv[]);

#endif /* CMD_AUDIT_H */
