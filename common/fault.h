/* SPDX-License-Identifier: ISC */
/*
 * fault.h - fault injection for the tests: the process dies at a named
 * point as if killed there (no cleanup, no reply), so a test can check
 * what a crash at exactly that point leaves behind.  Armed only by the
 * environment variable CASESYNC_FAULT=NAME at casesyncd's start; never
 * set in production.  Points: "transfer-accept-uncommitted" (every
 * change of an acceptance written, not committed), and
 * "transfer-accept-committed" (committed, no reply sent).
 * Renewal (t_renew): "renew-pending-committed", "renew-confirm-committed"
 * in casesyncd; casesync reads CASESYNC_FAULT too (main), with the
 * points "renew-before-store" and "renew-before-confirm".
 * casesyncctl migrate (t_migrate_pg): "migrate-copied-uncommitted"
 * (every row copied and compared, the transaction not committed).
 */
#ifndef FAULT_H
#define FAULT_H

/* Read CASESYNC_FAULT once (before the sandbox); logs when armed. */
void	fault_init(void);
/* Exit at once with status 3 if armed for "name". */
void	fault_point(const char *name);

#endif /* FAULT_H */
