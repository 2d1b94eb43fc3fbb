/* SPDX-License-Identifier: ISC */
/*
 * readlog.h - the laptop's own log of reads of case files (DESIGN §3,
 * NEN 7513: offline access is audited too).  Each entry has a counter
 * and the SHA-256 of the previous entry, so a changed, removed or
 * reordered entry breaks the chain.  The log lives in the vault; it
 * names the case (a pseudonymous id) and the action, never content or
 * search words.  Functions return 0 or a negative CS_ERR_*.
 */
#ifndef READLOG_H
#define READLOG_H

#include <sqlite3.h>

/* Create the table if it is missing. */
int	readlog_init(sqlite3 *);
/* Append "action" (show, list, plan, search) on "case_id" ("" for all). */
int	readlog_add(sqlite3 *, const char *action, const char *case_id);
/*
 * Print every entry (a table, or JSON lines with --json) and check the
 * chain: CS_ERR_TAMPERED if an entry was changed, removed or reordered.
 */
int	readlog_print(sqlite3 *, int json);

#endif /* READLOG_H */
