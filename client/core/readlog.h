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

#include <stdint.h>

#include <sqlite3.h>

/*
 * The head of the log (the last entry's n and hash, 40 bytes: n as 8
 * bytes big-endian, then the hash) is also kept as this vault secret,
 * written in the same transaction as the entry.  An entry removed
 * from the end of the table (before it was uploaded: the server could
 * not notice), or the table put back from an older copy while the
 * secret was not, leaves the two apart.
 */
#define READLOG_HEAD_SECRET	"readlog_head"

/* Create the table if it is missing. */
int	readlog_init(sqlite3 *);
/*
 * Compare the last entry with the head kept outside the table: 0, or
 * CS_ERR_TAMPERED (logged: which entries are missing) if they differ,
 * or CS_ERR_DB.  A vault from before the head was kept (entries but no
 * head) gets one from its last entry.  Run at every vault open
 * (cli_vault_open), so the next command after such a change is refused.
 */
int	readlog_verify(sqlite3 *);
/*
 * Append "action" (show, list, plan, search) on "case_id" ("" for all)
 * and move the head; CS_ERR_TAMPERED (nothing appended) if the head
 * does not match the last entry.
 */
int	readlog_add(sqlite3 *, const char *action, const char *case_id);
/*
 * The same for a read that concerned one child of "case_id": "child_id"
 * is the child's person record_id (a UUID), or "" for the whole file.
 */
int	readlog_add_child(sqlite3 *, const char *action, const char *case_id,
	    const char *child_id);
/* An entry of the log, borrowed for the callback. */
struct readlog_entry {
	int64_t		 n;
	int64_t		 at;		/* seconds since the epoch */
	const char	*action;
	const char	*case_id;	/* "": all cases */
	const char	*child_id;	/* "": the whole case file */
};

typedef int	(*readlog_cb)(const struct readlog_entry *, void *arg);

/*
 * Check the chain entry by entry and hand each checked one to cb
 * (non-zero stops and is returned): CS_ERR_TAMPERED if an entry was
 * changed, removed or reordered.  *count: the number of the last entry
 * checked.
 */
int	readlog_each(sqlite3 *, readlog_cb cb, void *arg, int64_t *count);

#endif /* READLOG_H */
