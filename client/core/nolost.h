/* SPDX-License-Identifier: ISC */
/*
 * nolost.h - nothing written on this laptop is lost silently (DESIGN
 * §9): which cases are read-only for this user, the changes the server
 * refused (kept, "held", until someone decides), and the purges they
 * hold.  Part of the client core: no printing.
 *
 * Tables (db_schema.c; nolost_init() is db_init()):
 *  - case_access: the cases the server says are read-only for this user
 *    (PullResponse.case_access), replaced at every pull;
 *  - held: changes the server refused, with their change_id and the
 *    body as written, until the server says they were accepted into the
 *    case or discarded;
 *  - purge_held: cases the server told this laptop to purge that it
 *    kept, because unsent or held changes of them are here.
 * A case with a row in case_access or purge_held takes no new write
 * (nolost_writable(), checked by db_local_write_tx()).
 *
 * Functions return 0 or a negative CS_ERR_*.
 */
#ifndef CLIENT_NOLOST_H
#define CLIENT_NOLOST_H

#include <stdint.h>
#include <stddef.h>

#include <sqlite3.h>

#include "db.h"
#include "msg_sync.h"

/* Why a case is read-only for this user. */
struct nolost_access {
	char	case_id[DB_UUID_LEN + 1];
	char	mode[16];	/* handover glass read_only removed */
	int64_t	since;		/* seconds since the epoch; 0: unknown */
	int64_t	until;		/* read access ends; 0: none set */
	int64_t	changes;	/* removed: changes holding the purge */
};

/* Create the tables if they are missing. */
int	nolost_init(sqlite3 *);

/* In a transaction: the server's list of read-only cases, complete. */
int	nolost_access_set(sqlite3 *, const struct msg_case_access *list,
	    size_t n);

/*
 * 0 if this user may write "case_id" as far as this laptop knows, else
 * CS_ERR_AUTH with *a saying why and since when.
 */
int	nolost_writable(sqlite3 *, const char *case_id,
	    struct nolost_access *a);

/* "YYYY-MM-DD HH:MM UTC" of "t" (or "an unknown time") into dst. */
void	nolost_time(char *dst, size_t len, int64_t t);

/* A sentence for people saying why *a forbids a write, into buf. */
void	nolost_explain(const struct nolost_access *a, char *buf, size_t len);

/*
 * In the push's transaction, before db_rejected(): keep refused change
 * "c" (the server kept it too if "server_held").
 */
int	nolost_hold(sqlite3 *, const struct db_change *c, int server_held);

/*
 * In the same transaction, after nolost_hold(): the later edits of the
 * same record still in the outbox are kept as held changes too (the
 * refusal takes them out of the outbox; they go to the server as held
 * changes at the next sync).
 */
int	nolost_hold_rest(sqlite3 *, const char *record_id);

/* Unsent changes of "case_id": outbox rows and held changes. */
int	nolost_unsent(sqlite3 *, const char *case_id, int64_t *n);

/* In a transaction: the purge of "case_id" waits for "n" changes. */
int	nolost_purge_hold(sqlite3 *, const char *case_id, int64_t n);

/*
 * In a pull's transaction: "ids" is every purge the server still asks
 * of this laptop; a held purge not among them is moot (access given
 * back) and forgotten.
 */
int	nolost_purge_moot(sqlite3 *, const char *const *ids, size_t n);

/* In the purge's transaction: forget everything about "case_id". */
int	nolost_purged(sqlite3 *, const char *case_id);

/* Up to "max" held changes, oldest first (db_changes_free()). */
int	nolost_held_take(sqlite3 *, size_t max, struct db_change **out,
	    size_t *n);

/* The server decided held change "change_id": forget it. */
int	nolost_held_done(sqlite3 *, const char *change_id);

/* The server says it keeps held change "change_id" for a decision. */
int	nolost_held_mark(sqlite3 *, const char *change_id);

/* Counts for `casesync sync` and `status`. */
int	nolost_counts(sqlite3 *, int64_t *held, int64_t *purges,
	    int64_t *readonly);

/* What nolost_each() hands out, list by list in this order. */
enum nolost_list {
	NOLOST_PURGE_HELD,	/* a purge held: v changes hold it */
	NOLOST_HELD,		/* a refused change: v 1 if the server keeps it */
	NOLOST_READ_ONLY	/* a read-only case: v its end (until) or 0 */
};

struct nolost_item {
	enum nolost_list	 list;
	const char		*case_id;	/* checked on its way in */
	int64_t			 at;		/* since / refused at */
	int64_t			 v;
	const char		*what;		/* "kind record_id" / mode */
};

typedef int	(*nolost_cb)(const struct nolost_item *, void *arg);

/*
 * Each held purge, held change and read-only case, in that order, to
 * cb (non-zero stops and is returned); for `casesync status` and sync
 * and the web UI.
 */
int	nolost_each(sqlite3 *, nolost_cb cb, void *arg);

#endif /* CLIENT_NOLOST_H */
