/* SPDX-License-Identifier: ISC */
/*
 * store_int.h - internals shared by the store_*.c files, the only
 * server files that include sqlite3.h.  Not for other modules.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include "merkle.h"
#include "pki.h"
#include "sdb.h"

struct store_record;

#define STORE_BUSY_MS		5000
#define STORE_BUSY_RETRIES	5	/* after the busy timeout ran out */
#define STORE_STMT_MAX		24	/* cached statements (store_sync.c) */
#define STORE_STMT_COUNTER	9	/* store_rollback.c's two by key */
#define STORE_STMT_GEN		11	/* store_restore.c's Hello read */
#define STORE_STMT_PUSH		12	/* store_push.c's from here on */
#define STORE_PUSHB_Q		4	/* store_push_batch.c's statements */
#define STORE_PUSHB_SIZES	3	/* ... each in so many row counts */
#ifndef STORE_PUSH_CHUNK
#define STORE_PUSH_CHUNK	100	/* ... the most (docs/PERFORMANCE.md) */
#endif

struct store {
	struct sdb	*db;
	struct sdb_stmt	*stmts[STORE_STMT_MAX];
	struct sdb_stmt	*devq[2];	/* device by id, by key (store.c) */
	struct sdb_stmt	*tickq;		/* anything due? (store_transfer.c) */
	struct sdb_stmt	*accessq;	/* read-only cases (store_late.c) */
	/* sent ahead, bound, its rows to be read (store_pull_ahead) */
	int		 purges_sent, access_sent;
	int		 gen_sent;	/* store_generation_send */
	int		 devkey_sent;	/* store_device_by_key_send ... */
	uint8_t		 devkey[PKI_HASH_LEN];	/* ... of this key */
	/* store_counter_send: 1 a raise, 2 a read, of counter_sent_v */
	int		 counter_sent;
	int64_t		 counter_sent_v;
	uint8_t		 counter_key[PKI_HASH_LEN];	/* ... by this key */
	/*
	 * The audit tree's row locked and read (store_audit_state_get),
	 * sent ahead inside a transaction (store_audit_lock_ahead) and not
	 * read yet: "audit_sent".  Forgotten at the end of every
	 * transaction (store_audit_lock_drop): never read in another.
	 */
	struct sdb_stmt	*auditq;
	int		 audit_sent;
	/*
	 * The tree as this transaction's appends leave it ("audit_set"),
	 * kept by the process if it commits (store_audit_tx_end); and
	 * whether the transaction appended to the process's kept copy
	 * instead of reading the tree first ("audit_fast", PostgreSQL).
	 */
	struct merkle_frontier audit_next;
	int		 audit_set, audit_fast;
	/*
	 * A transaction the caller owns (store_tx_begin, store.h): the
	 * store's own begin and commit are then no-ops that return
	 * "owned_r", the result of its BEGIN, and its rollback waits for
	 * store_tx_end().
	 */
	int		 owned;
	int		 owned_r;
	int		 wlocked;	/* holds store_wlock (store.c) */
	int		 rtx;		/* store_read_begin opened one */
	/* a push's statements of many rows (store_push_batch.c) */
	struct sdb_stmt	*pushb[STORE_PUSHB_Q][STORE_PUSHB_SIZES];
	int		 push_chunk;	/* rows each: 0 the default, <0 off */
};

/*
 * A push's reads and writes in statements of "k" rows (k > 0, on
 * either backend), the default (0: STORE_PUSH_CHUNK on PostgreSQL, a
 * statement per change on SQLite), or a statement per change (k < 0).
 * The tests compare the paths.  store_push_batch.c.
 */
void	store_push_chunk(struct store *, int k);
/* Finalize the push's statements of many rows (store_close). */
void	store_push_batch_close(struct store *);

/*
 * The rows where "cond" holds (SQL): a comparison is an integer in
 * SQLite, a boolean PostgreSQL does not add up.
 */
#define STORE_SQL_COUNT(cond)	" SUM(CASE WHEN " cond " THEN 1 ELSE 0 END)"

void	store_log(struct store *, const char *what);
int	store_errcode(struct store *);
/* A blob parameter (store_bind's 'b'). */
struct store_blob {
	const void	*p;
	size_t		 len;
};

/*
 * Prepare "sql" and bind its parameters ?1, ?2 ... by "fmt": 'i' the
 * next of "ints", 't' the next of "texts" (NULL binds NULL), 'b' the
 * next of "blobs".  The values are not copied: they must outlive the
 * statement.  On failure *stmt is NULL (and the failure logged).
 */
int	store_bind(struct store *, const char *sql, struct sdb_stmt **stmt,
	    const char *fmt, const int64_t *ints, const char *const *texts,
	    const struct store_blob *blobs);
/*
 * store_bind, step once, finalize.  With "out", a row is required
 * (NOT_FOUND without) and *out gets column 0.  A constraint failure
 * maps through store_errcode() (EXISTS for a unique index).
 */
int	store_do(struct store *, const char *sql, int64_t *out,
	    const char *fmt, const int64_t *ints, const char *const *texts);
/* store_do with blobs. */
int	store_do_b(struct store *, const char *sql, int64_t *out,
	    const char *fmt, const int64_t *ints, const char *const *texts,
	    const struct store_blob *blobs);
/* Step "stmt" to its one row: 0, CS_ERR_NOT_FOUND (none) or CS_ERR_DB. */
int	store_row(struct sdb_stmt *stmt);
/* Rows changed by the last write of this connection. */
int	store_changes(struct store *);
/*
 * The tail of a statement's function: log "what" if r is CS_ERR_DB,
 * finalize "stmt" (NULL is a no-op) and return r.
 */
int	store_done(struct store *, struct sdb_stmt *stmt, int r,
	    const char *what);
/* Statement "slot" of st->stmts, prepared from "sql" once; reset. */
struct sdb_stmt	*store_cached(struct store *, int slot, const char *sql);
/*
 * A record row from column 0 into *r, its authorship from columns
 * "auth" .. auth + 2; body borrowed (store_sync.c).
 */
int	store_record_row(struct sdb_stmt *, int auth, struct store_record *);
/*
 * Inside a transaction: the seq now, its row locked until the commit
 * (store_sync.c); store_seq_set() then writes the last one taken.
 * store_seq_lock_send() sends that read and its lock without waiting
 * (sdb_send: on PostgreSQL they go with the statements sent after it,
 * in their round trip), store_seq_lock_sent() reads its answer, and
 * store_seq_lock_drop() forgets a read sent and not read (a failure
 * in between).
 */
int	store_seq_lock(struct store *, int64_t *seq);
int	store_seq_lock_send(struct store *);
int	store_seq_lock_sent(struct store *, int64_t *seq);
void	store_seq_lock_drop(struct store *);
/* Take the next seq (meta 'seq') inside a transaction; *seq gets it. */
int	store_seq_next(struct store *, int64_t *seq);
/* Set meta 'seq' inside a transaction (store_sync.c). */
int	store_seq_set(struct store *, int64_t seq);
int	store_prepare(struct store *, const char *sql, struct sdb_stmt **);
int	store_exec(struct store *, const char *sql);
/* store_exec() of "sql" in a transaction of its own (schemas). */
int	store_exec_tx(struct store *, const char *sql);
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);
int	store_col_text(struct sdb_stmt *, int col, char *dst, size_t dstlen);
/* A lifecycle.h date column: NULL is LC_NODATE, both ways (store_cases.c). */
int64_t	store_col_date(struct sdb_stmt *, int col);
int	store_bind_date(struct sdb_stmt *, int i, int64_t d);
/* A user from columns u.id, u.name, u.role, o.name at "col" (store_dir.c). */
struct store_user;
int	store_user_row(struct sdb_stmt *, int col, struct store_user *);
int	store_meta_get(struct store *, const char *key, int64_t *value);
/*
 * Bring the database to the current schema (store_schema.c): apply the
 * migrations above its version, each in its own transaction.  "created":
 * the file is new (version 0 and empty); a database of version 0
 * otherwise must be one made before versions.  A newer version than
 * this program knows is refused (CS_ERR_DB, said in the log).
 */
int	store_schema_migrate(struct store *, const char *path, int created);

#endif /* STORE_INT_H */
