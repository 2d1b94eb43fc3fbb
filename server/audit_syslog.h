/* SPDX-License-Identifier: ISC */
/*
 * audit_syslog.h - every audit entry to syslog as an RFC 5424 message
 * with structured data (docs/AUDIT.md, "To syslog"; casesyncd.conf
 * audit_syslog, audit_syslog_socket).
 *
 * A thread of casesyncd follows the audit log as committed in the
 * database (so an entry is sent only after its commit, whichever
 * process wrote it: casesyncd or casesyncctl) and sends each entry as
 * one datagram to the syslog socket, without waiting: a syslog that is
 * slow, dead or absent costs the entries it does not take (counted in
 * the metrics), never a request.  The entries' idx numbers have no
 * gaps, so a receiver sees what it missed and can fetch it with
 * "casesyncctl audit query --after IDX".
 */
#ifndef AUDIT_SYSLOG_H
#define AUDIT_SYSLOG_H

#include <stddef.h>

#include "audit_entry.h"

/* An RFC 5424 datagram fits (every field at AUDIT_STR_MAX, escaped). */
#define AUDIT_SYSLOG_MSG_MAX	8192
/* The SD-ID: private, with the documentation enterprise number 32473. */
#define AUDIT_SYSLOG_SDID	"casesync-audit@32473"
/* Facility authpriv: the audit log is for those who may read it. */
#define AUDIT_SYSLOG_FACILITY	10

/*
 * The message for entry "e": "<PRI>1 TIME HOST APP PROCID audit
 * [casesync-audit@32473 idx=... ...] TEXT", the fields named as in
 * "casesyncctl audit query --json", empty texts and zero ids left out,
 * values escaped per RFC 5424 §6.3.3.  "host" and "app" are printable
 * ASCII without spaces (else "-").  Returns 0 and sets *len, or
 * CS_ERR_TOO_LARGE if "dst" is too small.
 */
int	audit_syslog_format(const struct audit_entry *e, const char *host,
	    const char *app, long pid, char *dst, size_t dstlen, size_t *len);

struct config;
struct audit_syslog;

/*
 * Before the sandbox: with audit_syslog = yes, open a store on "db"
 * and a datagram socket for audit_syslog_socket, and note the log's
 * head: entries from there on are sent (the server_start entry that
 * follows included).  *out NULL when audit_syslog is off.  0 or
 * CS_ERR_*.
 */
int	audit_syslog_init(const struct config *, const char *db,
	    struct audit_syslog **out);
/* Start the thread (after the sandbox); NULL is a no-op. */
int	audit_syslog_start(struct audit_syslog *);
/* Send what is committed, stop, join, free; NULL is a no-op. */
void	audit_syslog_stop(struct audit_syslog *);

#endif /* AUDIT_SYSLOG_H */
