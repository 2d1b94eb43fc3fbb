/* SPDX-License-Identifier: ISC */
/*
 * db.h - the laptop's local tables, inside the encrypted vault:
 *
 *   records    the current local state of every record this laptop holds
 *   mirror     for records with unpushed edits only: the server's state
 *              those edits started from (the merge base)
 *   outbox     pending changes, in order, each with its idempotency key
 *   sync_state the pull cursor and the hybrid logical clock
 *
 * db.c, db_outbox.c, db_mirror.c and db_list.c (db_int.h) are the
 * only client files with SQL for these tables; db_schema.c creates every table of
 * the client's, in numbered versions.  Functions return 0 or a negative
 * CS_ERR_*.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "marker.h"

#define DB_UUID_LEN	36
#define DB_KIND_MAX	32
/* a body that, sealed (nonce and tag: 40 bytes), fits the wire's 1 MiB */
#define DB_BODY_MAX	(1024 * 1024 - 40)

struct db_record {
	char		 record_id[DB_UUID_LEN + 1];
	char		 case_id[DB_UUID_LEN + 1];
	char		 kind[DB_KIND_MAX + 1];
	int64_t		 version;	/* server version this state is based on */
	int		 deleted;
	uint32_t	 key_epoch;
	uint8_t		*body;		/* malloc'd by db_record_get */
	size_t		 body_len;
	uint64_t	 hlc;
	/*
	 * Records from the server only (never stored in "records"): the
	 * user whose device wrote this version, as the server verified
	 * it ("" if not said).  A merge records it as the author of the
	 * server's side of a conflict (merge.h).
	 */
	char		 author_id[MARKER_ID_MAX + 1];
	char		 author_name[MARKER_NAME_MAX + 1];
	/*
	 * From the server only, kept by db_author_server(): the user of
	 * the record's first version and the server times (s) of its
	 * first and last version; ""/0 when the server does not know.
	 */
	char		 created_by[MARKER_NAME_MAX + 1];
	int64_t		 created_at;
	int64_t		 changed_at;
};

/*
 * Bring the local tables (all of the client's: db_schema.c) to the
 * version this program knows, and set the connection's pragmas.  Safe
 * to call again (and inside a transaction).  A database of a newer
 * version is refused: CS_ERR_FORMAT.
 */
int	db_init(sqlite3 *);

/* Prepare "sql"; on failure the error is logged, *s is NULL, CS_ERR_DB. */
int	db_prep(sqlite3 *, const char *sql, sqlite3_stmt **s);

/*
 * A new id: a time-ordered (version 7) UUID in text form, increasing
 * within this process.  Not thread-safe (one thread makes ids).
 */
void	db_uuid(char out[DB_UUID_LEN + 1]);
/* 16 bytes as a lower-case UUID text (the bits as they are). */
void	db_uuid_text(const uint8_t u[16], char out[DB_UUID_LEN + 1]);

/* CS_ERR_NOT_FOUND if this laptop does not hold the record. */
int	db_record_get(sqlite3 *, const char *record_id, struct db_record *);
void	db_record_clear(struct db_record *);	/* frees body */

/* Call cb for every record (of "case_id" if not NULL), body borrowed. */
int	db_record_list(sqlite3 *, const char *case_id,
	    int (*cb)(const struct db_record *, void *), void *arg);

/*
 * Lists for the caseload and the short ids (db_list.c), read-only.
 * db_id_list: every record id this laptop holds (deleted ones too: an
 * id stays taken), sorted, from the index alone.  db_case_id_list:
 * every case id this laptop knows (its case metadata and its records),
 * each once, sorted.
 * db_record_list_kinds: the live records of "case_id" (NULL: all) of
 * 1..DB_LIST_KINDS_MAX "kinds", by case, kind and hlc, body borrowed.
 * A callback returning non-zero stops the list with that value.
 */
#define DB_LIST_KINDS_MAX	4
int	db_id_list(sqlite3 *, int (*cb)(const char *record_id, void *),
	    void *arg);
int	db_case_id_list(sqlite3 *, int (*cb)(const char *case_id, void *),
	    void *arg);
int	db_record_list_kinds(sqlite3 *, const char *case_id,
	    const char *const *kinds, size_t nkinds,
	    int (*cb)(const struct db_record *, void *), void *arg);

/*
 * A local edit: store "r" as the new local state (hlc assigned here)
 * and queue it for push, keeping the merge base.  Append-only kinds
 * ("journal", "audit") may be written once only (CS_ERR_EXISTS); a
 * body over DB_BODY_MAX is CS_ERR_TOO_LARGE; a case that is read-only
 * for this user (nolost.h: nolost_writable) is CS_ERR_AUTH.
 */
int	db_local_write(sqlite3 *, struct db_record *r);
/* The same inside a transaction the caller holds (db_begin). */
int	db_local_write_tx(sqlite3 *, struct db_record *r);

/* Pending changes. */
struct db_change {
	int64_t			 seq;		/* outbox order */
	char			 change_id[DB_UUID_LEN + 1];
	struct db_record	 rec;		/* rec.version = base_version */
	int64_t			 lost_version;	/* a re-offer: db_restore() */
};

/*
 * Up to "max" pending changes (at most one per record: a later edit of
 * the same record waits for the earlier one's result) of cases whose
 * key this laptop holds (keys.h; keys_init() must have run), marked as
 * sent in the same write transaction (no edit can slip in between; an
 * edit after it gets a row of its own).  Must be called outside a
 * transaction.  *n gets the count; free with db_changes_free().
 */
int	db_outbox_take(sqlite3 *, size_t max, size_t max_bytes,
	    struct db_change **out, size_t *n);
/*
 * db_outbox_take() of the rows after outbox seq "after" only: while a
 * batch taken before is still on its way (a pipelined push, sync_push.c),
 * the next one starts past its last seq, so no record is taken twice.
 */
int	db_outbox_take_after(sqlite3 *, int64_t after, size_t max,
	    size_t max_bytes, struct db_change **out, size_t *n);
/*
 * db_outbox_take_after() inside the caller's write transaction (else
 * CS_ERR_INTERNAL): the rows are marked sent when that transaction
 * commits, so they must not go before it has.  A pipelined push takes
 * its next batch in the transaction that applies an answer: one
 * durable commit for both.  On failure nothing of the take remains and
 * the caller's transaction is as it was (a savepoint).
 */
int	db_outbox_take_in(sqlite3 *, int64_t after, size_t max,
	    size_t max_bytes, struct db_change **out, size_t *n);
void	db_changes_free(struct db_change *, size_t);
int	db_outbox_count(sqlite3 *, int64_t *n);
/* *empty: no change in the outbox (whatever its size, one step). */
int	db_outbox_empty(sqlite3 *, int *empty);
/*
 * The pending changes per case: "cb" for each case with its count;
 * its nonzero return stops the walk and is returned.
 */
int	db_outbox_per_case(sqlite3 *, int (*cb)(const char *case_id,
	    int64_t n, void *), void *arg);
/* Pending changes of cases without a key here (they wait for it). */
int	db_outbox_keyless(sqlite3 *, int64_t *n);

/* Results of a push, applied in one transaction by the caller. */
int	db_begin(sqlite3 *);
int	db_commit(sqlite3 *);
void	db_rollback(sqlite3 *);
int	db_pushed(sqlite3 *, const struct db_change *, int64_t version);
/* The same with this laptop's user looked up (db_author_self) once. */
int	db_pushed_as(sqlite3 *, const struct db_change *, int64_t version,
	    const char *self);
/*
 * The server had a newer version "cur": merge our edits into it and
 * queue the result again.  *nconflicts: fields now in conflict.
 */
int	db_conflict(sqlite3 *, const struct db_change *,
	    const struct db_record *cur, int no_base, size_t *nconflicts);
/* The server refused the change for good (forbidden, invalid). */
int	db_rejected(sqlite3 *, const struct db_change *);

/*
 * A record from a pull: store it, or merge it with unpushed local
 * edits.  *nconflicts as above.
 */
int	db_pulled(sqlite3 *, const struct db_record *, size_t *nconflicts);
/*
 * db_pulled() when the outbox is empty (db_outbox_empty): no local
 * edit to merge with, the record is simply stored (or deleted).
 */
int	db_pulled_clean(sqlite3 *, const struct db_record *);

/*
 * The user of this laptop as the server last said in Welcome: the
 * author of local edits in the conflicts a merge records.  db_self_get
 * gives "" for both when it was never said.
 */
int	db_self_set(sqlite3 *, const char *user_id, const char *user_name);
int	db_self_get(sqlite3 *, char id[MARKER_ID_MAX + 1],
	    char name[MARKER_NAME_MAX + 1]);
/*
 * After the server was restored from a backup (docs/PROTOCOL.md,
 * "Restore"), in the caller's transaction: every record held at a
 * version above "restore_seq" is queued again as a re-offer
 * (db_change.lost_version: the version held), with its other pending
 * rows folded into it; the pull and grant cursors go back to 0 and
 * "generation" is remembered.  *reoffered: how many records.
 */
int	db_restore(sqlite3 *, int64_t generation, int64_t restore_seq,
	    size_t *reoffered);
/*
 * The server refused re-offer "c" (not a member of its case now: the
 * case or the membership came after the backup): it stays, is not
 * offered again in this sync and counts with the keyless ones, and
 * db_reoffer_retry() (at the next sync) offers it again.
 */
int	db_reoffer_hold(sqlite3 *, const struct db_change *c);
int	db_reoffer_retry(sqlite3 *);
/* How many re-offers are held now. */
int	db_reoffer_held(sqlite3 *, int64_t *n);
/* The server generation this laptop last synced with (0: none). */
int	db_generation_get(sqlite3 *, int64_t *gen);

/* Delete every trace of a case; *n gets the number of records. */
int	db_purge_case(sqlite3 *, const char *case_id, uint32_t *n);

/*
 * When the case metadata was last fetched whole from the server
 * (case_meta.h), seconds since the epoch; 0: never.
 */
int	db_case_meta_fetched(sqlite3 *, int64_t *at);
int	db_case_meta_fetched_set(sqlite3 *, int64_t at);
/* *any: 1 if this laptop holds a record of any case. */
int	db_any_record(sqlite3 *, int *any);

/*
 * Who wrote a record, and when (db_author.c, docs/CLIENT.md "Who wrote
 * it"): the server's word, kept from every pull and conflict, and this
 * laptop's own edits.  A record with a local edit not yet synced
 * ("pending") was last changed by this laptop's user at the time of
 * that edit (local clock); one never synced was made by them then too.
 * Names "" and times 0 are not known (records from before the server
 * kept them).
 */
struct db_author {
	char		 created_by[MARKER_NAME_MAX + 1];
	int64_t		 created_at;	/* s since the epoch; 0: not known */
	char		 changed_by[MARKER_NAME_MAX + 1];
	int64_t		 changed_at;
	int		 pending;	/* a local edit not yet synced */
};
/* Keep the server's authorship of "srv" (pulled or in conflict). */
int	db_author_server(sqlite3 *, const struct db_record *srv);
/* A local edit of "r" now (db_local_write). */
int	db_author_local(sqlite3 *, const struct db_record *r);
/*
 * Change "c" was applied: this user ("self", db_author_self) wrote it,
 * at its local time.
 */
int	db_author_pushed(sqlite3 *, const struct db_change *c,
	    const char *self);
/* This laptop's user by name (the id if the server gave no name). */
int	db_author_self(sqlite3 *, char name[MARKER_NAME_MAX + 1]);
/* The authorship of "record_id" as above (all unknown if none kept). */
int	db_author_get(sqlite3 *, const char *record_id, struct db_author *);
/*
 * The same for many records (a list): one statement and one look at
 * this laptop's user for all of them.  Init, read as often as needed,
 * done (always, also after an error).
 */
struct db_author_reader {
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 self[MARKER_NAME_MAX + 1];
	int		 have_self;
};
void	db_author_reader_init(struct db_author_reader *, sqlite3 *);
int	db_author_read(struct db_author_reader *, const char *record_id,
	    struct db_author *);
void	db_author_reader_done(struct db_author_reader *);

int	db_cursor_get(sqlite3 *, int64_t *since, int64_t *tie);
int	db_cursor_set(sqlite3 *, int64_t since, int64_t tie);

/* Count live records and a SHA-256 over (record_id, version): the
 * layout of the server's store_digest(). */
int	db_digest(sqlite3 *, int64_t *count, uint8_t hash[32]);

#endif /* DB_H */
