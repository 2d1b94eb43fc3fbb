/* SPDX-License-Identifier: ISC */
/*
 * fault.h - fault injection for the tests: the process dies at a named
 * point as if killed there (no cleanup, no reply), so a test can check
 * what a crash at exactly that point leaves behind.  Armed only by the
 * environment variable CASESYNC_FAULT=NAME at the start of casesyncd or
 * casesync; never set in production.  Points of casesyncd:
 * "transfer-accept-uncommitted" (every change of an acceptance written,
 * not committed), "transfer-accept-committed" (committed, no reply
 * sent), "renew-pending-committed" (a renewal's pending key committed,
 * no certificate sent), "renew-confirm-committed" (the new key made
 * the device's, no reply sent).  Points of casesync:
 * "renew-before-store" (the new certificate received, not stored),
 * "renew-before-confirm" (stored in the vault, not confirmed).
 */
#ifndef FAULT_H
#define FAULT_H

/* Read CASESYNC_FAULT once (before the sandbox); logs when armed. */
void	fault_init(void);
/* Exit at once with status 3 if armed for "name". */
void	fault_point(const char *name);

#endif /* FAULT_H */
