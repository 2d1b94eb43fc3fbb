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
 * The vault (t_vault_epoch, vault_tool): "vault-epoch-after-list" (the
 * page list with a new WAL epoch durable, the WAL header not written),
 * "vault-copy" (a checkpoint has copied one frame as it is).
 * CASESYNC_FAULT=pause:NAME instead pauses 2 s at fault_pause(NAME):
 * "vault-head-end" (test_vault_epoch: a checkpointer holding the
 * checkpoint lock after its pass, before it lets it go).
 * CASESYNC_FAULT=fail:NAME makes fault_fail(NAME) true, every time:
 * "push-commit" (casesyncd rolls a push's transaction back instead of
 * committing it, as if the commit failed: t_push_pipelined).
 */
#ifndef FAULT_H
#define FAULT_H

/* Read CASESYNC_FAULT once (before the sandbox); logs when armed. */
void	fault_init(void);
/* Exit at once with status 3 if armed for "name". */
void	fault_point(const char *name);
/* Sleep 2 s if armed for "pause:" "name". */
void	fault_pause(const char *name);
/* 1 if armed for "fail:" "name" (the caller fails there), else 0. */
int	fault_fail(const char *name);

#endif /* FAULT_H */
