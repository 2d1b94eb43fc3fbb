/* SPDX-License-Identifier: ISC */
/*
 * store_int.h - internals shared by the store_*.c files, the only
 * server files that include sqlite3.h.  Not for other modules.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>

#define STORE_BUSY_MS		5000
#define STORE_BUSY_RETRIES	5	/* after the busy timeout ran out */
#define STORE_STMT_MAX		24	/* cached statements (store_sync.c) */

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmts[STORE_STMT_MAX];
	sqlite3_stmt	*devq[2];	/* device by id, by key (store.c) */
	sqlite3_stmt	*tickq;		/* anything due? (store_transfer.c) */
	sqlite3_stmt	*accessq;	/* read-only cases (store_late.c) */
	/* run by the next store_commit() before COMMIT (store.h) */
	int		(*commit_fn)(struct store *, void *);
	void		*commit_arg;
};

/*
 * Lifecycle columns of cases (store_cases.c): dates in days since
 * 1970-01-01 (lifecycle.h), NULL for none; state_since NULL means the
 * day of created_at.
 */
#define STORE_CASES_COLUMNS						\
    " state_since INTEGER, drang_start INTEGER, measure_start INTEGER,"	\
    " end_date INTEGER, extended INTEGER NOT NULL DEFAULT 0,"		\
    " approved_by INTEGER REFERENCES users(id)"

/* Sync tables (store_sync.c), created with the rest of the schema. */
#define STORE_SYNC_SCHEMA						\
    "CREATE TABLE cases ("						\
    " id TEXT PRIMARY KEY NOT NULL,"					\
    " office_id INTEGER NOT NULL REFERENCES offices(id),"		\
    " frame TEXT NOT NULL,"						\
    " state TEXT NOT NULL DEFAULT 'AANMELDING',"			\
    " regisseur_id INTEGER REFERENCES users(id),"			\
    " created_at INTEGER NOT NULL,"					\
    " created_seq INTEGER NOT NULL,"					\
    STORE_CASES_COLUMNS ") WITHOUT ROWID;"				\
    "CREATE TABLE case_members ("					\
    " user_id INTEGER NOT NULL REFERENCES users(id),"			\
    " case_id TEXT NOT NULL REFERENCES cases(id),"			\
    " granted_seq INTEGER NOT NULL,"					\
    " read_only INTEGER NOT NULL DEFAULT 0,"				\
    " PRIMARY KEY (user_id, case_id)) WITHOUT ROWID;"			\
    "CREATE UNIQUE INDEX case_members_granted ON case_members(user_id," \
    " granted_seq);"							\
    "CREATE INDEX case_members_case ON case_members(case_id);"		\
    "CREATE TABLE records ("						\
    " rid INTEGER PRIMARY KEY,"						\
    " record_id TEXT NOT NULL UNIQUE,"					\
    " case_id TEXT NOT NULL REFERENCES cases(id),"			\
    " kind TEXT NOT NULL,"						\
    " version INTEGER NOT NULL UNIQUE,"					\
    " deleted INTEGER NOT NULL,"					\
    " key_epoch INTEGER NOT NULL,"					\
    " body BLOB NOT NULL,"						\
    " author_device INTEGER NOT NULL,"					\
    " hlc INTEGER NOT NULL);"						\
    "CREATE INDEX records_case ON records(case_id);"			\
    "CREATE TABLE changes ("						\
    " change_id TEXT PRIMARY KEY NOT NULL,"				\
    " device_id INTEGER NOT NULL,"					\
    " record_id TEXT NOT NULL,"						\
    " version INTEGER NOT NULL,"					\
    " at INTEGER NOT NULL) WITHOUT ROWID;"				\
    "CREATE TABLE purges ("						\
    " device_id INTEGER NOT NULL,"					\
    " case_id TEXT NOT NULL,"						\
    " created_seq INTEGER NOT NULL,"					\
    " receipt_at INTEGER,"						\
    " records_deleted INTEGER,"						\
    " PRIMARY KEY (device_id, case_id)) WITHOUT ROWID;"

void	store_log(struct store *, const char *what);
int	store_errcode(struct store *);
/*
 * Prepare "sql", bind by "fmt" ('i': the next of "ints", 't': the next
 * of "texts"), step once.  With "out", a row is required (NOT_FOUND
 * without) and *out gets column 0.  A constraint failure maps through
 * store_errcode() (EXISTS for a unique index).
 */
int	store_do(struct store *, const char *sql, int64_t *out,
	    const char *fmt, const int64_t *ints, const char *const *texts);
/* Take the next seq (meta 'seq') inside a transaction; *seq gets it. */
int	store_seq_next(struct store *, int64_t *seq);
int	store_prepare(struct store *, const char *sql, sqlite3_stmt **);
int	store_exec(struct store *, const char *sql);
/* store_exec() of "sql" in a transaction of its own (schemas). */
int	store_exec_tx(struct store *, const char *sql);
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);
int	store_col_text(sqlite3_stmt *, int col, char *dst, size_t dstlen);
int	store_meta_get(struct store *, const char *key, int64_t *value);
/* Create the audit tables if missing (store_audit.c). */
int	store_audit_schema(struct store *);
/* Create the transfer and glass tables if missing (store_transfer.c). */
int	store_transfer_schema(struct store *);

#endif /* STORE_INT_H */
