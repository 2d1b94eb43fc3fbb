/* SPDX-License-Identifier: ISC */
/*
 * store_audit.c - the audit tables (see store_audit.h; the schema is
 * in store_schema.c).  Appends and checkpoints run in
 * BEGIN IMMEDIATE transactions: the next leaf index and the frontier
 * are read and written under the write lock, so concurrent workers
 * and casesyncctl never give two entries the same index.  With several
 * instances on one PostgreSQL database (DESIGN §11) the tree's one row,
 * audit_state, is that lock: an append or a checkpoint reads it with a
 * write (its row lock until the commit, the newest committed values),
 * or, for an append outside a push, checks under the transaction's lock
 * that it still holds the copy this process kept (audit_kept below), so
 * two instances cannot append to the same size and fork the tree.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "audit_entry.h"
#include "audit_text.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "store.h"
#include "store_audit.h"
#include "store_audit_q.h"
#include "store_int.h"
#include "util.h"

/* The columns store_audit_row() reads, in order. */
#define STORE_AUDIT_COLS						\
	"idx, server_time, device_time, action, type, outcome, user_id,"  \
	" \"user\", role, office, on_behalf_of, purpose, basis, legal_basis," \
	" client_ref, object_type, object_id, device_id, addr, detail, leaf"

/*
 * The tree's size and frontier; with "lock" (within a transaction that
 * will append or sign), its row locked until the commit.
 */
#define STORE_AUDIT_LOCK	"UPDATE audit_state SET size = size"	\
	" WHERE id = 1 RETURNING size, frontier"
/*
 * On SQLite the tree is read as it is: BEGIN IMMEDIATE holds the write
 * lock of the whole file from the transaction's start, and there an
 * UPDATE ... RETURNING writes the row and collects what it returns in
 * a temporary table, each time.
 */
#define STORE_AUDIT_READ	"SELECT size, frontier FROM audit_state"	\
	" WHERE id = 1"
#define STORE_AUDIT_LOCK_SQL(st)					\
	(store_is_pg(st) ? STORE_AUDIT_LOCK : STORE_AUDIT_READ)

/*
 * The tree as this process last committed it to the database (size
 * and frontier), so that an append outside a push need not read the
 * tree before it writes: on PostgreSQL it sends the condition that the
 * tree is still the one kept (STORE_AUDIT_GUARD), its rows and the
 * tree's new state behind BEGIN and before COMMIT, in one round trip.
 * Every store transaction on PostgreSQL holds the one advisory lock
 * (store.c) to the end of its durable commit; a login or read entry's
 * transaction held it over two round trips (read the tree; write and
 * commit), and at 500 sessions a second those holds queued up
 * (docs/PERFORMANCE.md).
 *
 * The copy is a guess and never trusted: under the transaction's lock
 * the guard fails, and the transaction with it, unless audit_state
 * holds exactly the kept size and frontier (which fix every node the
 * append computes), and the append is then made again the usual way,
 * the tree read under its row lock.  The process's own transactions
 * run one at a time (store.c, store_wlock) and each commit that
 * appended keeps its tree, so the copy goes stale only by another
 * instance or casesyncctl; after such a miss the next
 * STORE_AUDIT_KEPT_SKIP appends go the usual way.
 */
static struct {
	pthread_mutex_t		mtx;
	int			valid;
	int			skip;
	uint64_t		hits, misses;
	struct merkle_frontier	f;
} audit_kept = { .mtx = PTHREAD_MUTEX_INITIALIZER };

#define STORE_AUDIT_GUARD "UPDATE audit_state SET size = CASE WHEN"	\
	" size = ?1 AND frontier = ?2 THEN size ELSE"			\
	" ('audit tree is not the one kept, size ' || size)::bigint END"  \
	" WHERE id = 1"

/* 1 with the kept tree in *f if this transaction may append to it. */
static int
store_audit_kept_get(struct store *st, struct merkle_frontier *f)
{
	int	ok = 0;

	if (!store_is_pg(st) || st->owned || st->audit_set || st->audit_sent)
		return 0;
	(void)pthread_mutex_lock(&audit_kept.mtx);
	if (audit_kept.valid && audit_kept.skip == 0) {
		*f = audit_kept.f;
		ok = 1;
	} else if (audit_kept.skip > 0)
		audit_kept.skip--;
	(void)pthread_mutex_unlock(&audit_kept.mtx);
	return ok;
}

void
store_audit_tx_end(struct store *st, int committed)
{
	if (!st->audit_set && !st->audit_fast)
		return;
	(void)pthread_mutex_lock(&audit_kept.mtx);
	if (committed && st->audit_set) {
		audit_kept.f = st->audit_next;
		audit_kept.valid = 1;
		if (st->audit_fast)
			audit_kept.hits++;
	} else {
		/* rolled back, or a commit whose outcome is not known */
		audit_kept.valid = 0;
		if (st->audit_fast) {
			audit_kept.skip = STORE_AUDIT_KEPT_SKIP;
			audit_kept.misses++;
		}
	}
	(void)pthread_mutex_unlock(&audit_kept.mtx);
	st->audit_set = 0;
	st->audit_fast = 0;
}

void
store_audit_kept_counts(uint64_t *hits, uint64_t *misses)
{
	(void)pthread_mutex_lock(&audit_kept.mtx);
	*hits = audit_kept.hits;
	*misses = audit_kept.misses;
	(void)pthread_mutex_unlock(&audit_kept.mtx);
}

int
store_audit_lock_ahead(struct store *st)
{
	int	r;

	store_audit_lock_drop(st);
	if (st->auditq == NULL &&
	    (r = store_prepare(st, STORE_AUDIT_LOCK_SQL(st),
	    &st->auditq)) != 0)
		return r;
	if ((r = sdb_send(st->auditq)) != 0) {
		sdb_reset(st->auditq);
		return r;
	}
	st->audit_sent = 1;
	return 0;
}

void
store_audit_lock_drop(struct store *st)
{
	if (st->audit_sent && st->auditq != NULL)
		sdb_reset(st->auditq);
	st->audit_sent = 0;
}

static int
store_audit_state_get(struct store *st, struct merkle_frontier *f, int lock)
{
	struct sdb_stmt	*s = NULL;
	const void	*p;
	int64_t		 size;
	int		 n, r, kept = 0;

	merkle_frontier_init(f);
	if (lock && st->audit_sent) {
		/* sent ahead in this transaction: its answer */
		st->audit_sent = 0;
		s = st->auditq;
		kept = 1;
	} else if (lock) {
		/*
		 * Not sent: run the statement kept for that (as busy while
		 * kept, the backend would compile a copy of its text).
		 */
		if (st->auditq == NULL && (r = store_prepare(st,
		    STORE_AUDIT_LOCK_SQL(st), &st->auditq)) != 0)
			return r;
		s = st->auditq;
		kept = 1;
	} else if ((r = store_prepare(st, STORE_AUDIT_READ, &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_step(s) != SDB_ROW)
		goto out;
	size = sdb_column_int64(s, 0);
	p = sdb_column_blob(s, 1);
	n = (int)sdb_column_bytes(s, 1);
	if (size < 0 || n < 0 || merkle_frontier_decode(f, (uint64_t)size,
	    p, (size_t)n) != 0) {
		log_warnx("store: audit_state is damaged");
		r = CS_ERR_TAMPERED;
		goto out;
	}
	r = 0;
 out:
	if (kept) {
		sdb_reset(s);
		return store_done(st, NULL, r, __func__);
	}
	return store_done(st, s, r, __func__);
}

/*
 * Send "sql" with the size and frontier of "f" as ?1 and ?2, its
 * success met by the commit (one round trip for the lot on
 * PostgreSQL).  The frontier is copied by the backend before sdb_put()
 * returns.
 */
static int
store_audit_state_send(struct store *st, const char *sql,
    const struct merkle_frontier *f)
{
	struct sdb_stmt	*s = NULL;
	uint8_t		 enc[MERKLE_FRONTIER_MAX * MERKLE_HASH_LEN];
	int		 r;

	if (f->size > INT64_MAX)
		return CS_ERR_TOO_LARGE;
	merkle_frontier_encode(f, enc);
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_bind_int64(s, 1, (int64_t)f->size) != 0 ||
	    sdb_bind_blob(s, 2, enc, (int)merkle_frontier_len(f)) != 0 ||
	    sdb_put(s) != 0)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/*
 * The tree's new state, sent behind the append's inserts.  No count of
 * rows changed to check: the row is there, it was locked and read by
 * store_audit_state_get() (or checked by the guard) in this same
 * transaction.
 */
static int
store_audit_state_put(struct store *st, const struct merkle_frontier *f)
{
	return store_audit_state_send(st, "UPDATE audit_state SET size = ?1,"
	    " frontier = ?2 WHERE id = 1", f);
}

/*
 * The first statement of an append on the kept tree "f": it fails (an
 * error of the cast), and the transaction with it, unless audit_state
 * holds exactly that size and frontier.  The error's text says why.
 */
static int
store_audit_state_guard(struct store *st, const struct merkle_frontier *f)
{
	return store_audit_state_send(st, STORE_AUDIT_GUARD, f);
}

int
store_audit_cp_add(struct store *st, const struct audit_checkpoint *cp)
{
	const struct store_blob	 b[3] = { { cp->root, MERKLE_HASH_LEN },
				    { cp->pk, AUDIT_PK_LEN },
				    { cp->sig, AUDIT_SIG_LEN } };
	const int64_t		 iv[2] = { cp->size, cp->time };

	return store_do_b(st, "INSERT INTO audit_checkpoints(size, root, at,"
	    " pk, sig) VALUES (?1, ?2, ?3, ?4, ?5)", NULL, "ibibb", iv, NULL,
	    b);
}

/*
 * An append's rows go in multi-row INSERTs on PostgreSQL, a fixed
 * number of rows a statement (store_audit.h): fewer
 * statements for it to run, all of them sent without waiting (sdb_put)
 * and answered with the commit's round trip.  The rows, the order of the
 * entries and the tree are those of one INSERT per row.
 */
#define AUDIT_LOG_COLS	21			/* STORE_AUDIT_COLS */
#define AUDIT_NODE_COLS	3			/* a, n, hash */
#define AUDIT_LOG_ROWS	STORE_AUDIT_LOG_ROWS
#define AUDIT_NODE_ROWS	STORE_AUDIT_NODE_ROWS
/*
 * 3 and 21 rows when a statement had at most 64 parameters; with 32
 * and 64 a push of 20,000 changes runs some 650 INSERTs of audit_log
 * instead of 6,700 (PERFORMANCE.md, "sessions/s at p99").
 */
_Static_assert(AUDIT_LOG_ROWS * AUDIT_LOG_COLS <= SDB_PARAMS_MAX &&
    AUDIT_NODE_ROWS * AUDIT_NODE_COLS <= SDB_PARAMS_MAX, "store_audit.h");
/* the text of an INSERT of the most rows: "?672, " and a row's brackets */
#define AUDIT_SQL_MAX	8192
_Static_assert(AUDIT_LOG_ROWS * AUDIT_LOG_COLS * 7 + 512 <= AUDIT_SQL_MAX &&
    AUDIT_NODE_ROWS * AUDIT_NODE_COLS * 7 + 512 <= AUDIT_SQL_MAX,
    "AUDIT_SQL_MAX");
_Static_assert(AUDIT_LOG_ROWS >= 1, "an audit_log row's parameters");

/*
 * The rows of an append not sent yet, and the text of the last INSERT
 * of each table with its row count: on SQLite every row is an INSERT
 * of one row, whose text was otherwise formatted again for each of
 * them (7 % of casesyncd's CPU in a push of 100,000 changes).
 */
struct audit_rows {
	struct store			*st;
	size_t				 klog, knode;	/* rows a statement */
	char				 log_sql[AUDIT_SQL_MAX];
	char				 node_sql[AUDIT_SQL_MAX];
	size_t				 log_sql_rows, node_sql_rows;
	const struct audit_entry	*e[AUDIT_LOG_ROWS];
	uint8_t				 leaf[AUDIT_LOG_ROWS][MERKLE_HASH_LEN];
	size_t				 ne;
	int64_t				 na[AUDIT_NODE_ROWS], nn[AUDIT_NODE_ROWS];
	uint8_t				 nh[AUDIT_NODE_ROWS][MERKLE_HASH_LEN];
	size_t				 nnodes;
};

/* "head" VALUES (?1, ..), .. of "rows" rows of "ncols" and "tail". */
static int
store_audit_sql(char *sql, size_t len, const char *head, int ncols,
    size_t rows, const char *tail)
{
	size_t	used, i;
	int	c, k = 1, n;

	if ((n = snprintf(sql, len, "%s VALUES ", head)) < 0 ||
	    (size_t)n >= len)
		return CS_ERR_INTERNAL;
	used = (size_t)n;
	for (i = 0; i < rows; i++)
		for (c = 0; c < ncols; c++, k++) {
			n = snprintf(sql + used, len - used, "%s?%d%s",
			    c == 0 ? (i == 0 ? "(" : ", (") : ", ", k,
			    c == ncols - 1 ? ")" : "");
			if (n < 0 || (size_t)n >= len - used)
				return CS_ERR_INTERNAL;
			used += (size_t)n;
		}
	n = snprintf(sql + used, len - used, "%s", tail);
	return n < 0 || (size_t)n >= len - used ? CS_ERR_INTERNAL : 0;
}

/* Bind entry "e" as the row whose first parameter is o + 1. */
static int
store_audit_bind(struct sdb_stmt *s, int o, const struct audit_entry *e,
    const uint8_t leaf[MERKLE_HASH_LEN])
{
	const char *const	 texts[] = {
		e->type, e->outcome, e->user, e->role, e->office,
		e->on_behalf_of, e->purpose, e->basis, e->legal_basis,
		e->client_ref, e->object_type, e->object_id,
	};
	char			 action[2] = { e->action, '\0' };
	size_t			 i;

	if (sdb_bind_int64(s, o + 1, e->idx) != 0 ||
	    sdb_bind_int64(s, o + 2, e->server_time) != 0 ||
	    sdb_bind_int64(s, o + 3, e->device_time) != 0 ||
	    sdb_bind_text_copy(s, o + 4, action) != 0 ||
	    sdb_bind_int64(s, o + 7, e->user_id) != 0 ||
	    sdb_bind_int64(s, o + 18, e->device_id) != 0 ||
	    sdb_bind_text(s, o + 19, e->addr, -1) != 0 ||
	    sdb_bind_text(s, o + 20, e->detail, -1) != 0 ||
	    sdb_bind_blob(s, o + 21, leaf, MERKLE_HASH_LEN) != 0)
		return CS_ERR_DB;
	/* columns 5, 6 and 8..17 are the texts, in order */
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (sdb_bind_text(s, o + (int)(i < 2 ? 5 + i : 6 + i),
		    texts[i], -1) != 0)
			return CS_ERR_DB;
	return 0;
}

/* Send the audit_log rows held: one INSERT. */
static int
store_audit_log_put(struct audit_rows *ar)
{
	struct sdb_stmt	*s = NULL;
	size_t		 i;
	int		 r;

	if (ar->ne == 0)
		return 0;
	if (ar->log_sql_rows != ar->ne) {
		ar->log_sql_rows = 0;
		if ((r = store_audit_sql(ar->log_sql, sizeof(ar->log_sql),
		    "INSERT INTO audit_log(" STORE_AUDIT_COLS ")",
		    AUDIT_LOG_COLS, ar->ne, "")) != 0)
			return r;
		ar->log_sql_rows = ar->ne;
	}
	if ((r = store_prepare(ar->st, ar->log_sql, &s)) != 0)
		return r;
	for (i = 0; i < ar->ne; i++)
		if ((r = store_audit_bind(s, (int)i * AUDIT_LOG_COLS,
		    ar->e[i], ar->leaf[i])) != 0)
			goto out;
	/* sent (the values copied), its failure met by the commit */
	if ((r = sdb_put(s)) == 0)
		ar->ne = 0;
 out:
	sdb_finalize(s);
	return r;
}

/* Send the audit_nodes rows held: one INSERT. */
static int
store_audit_nodes_put(struct audit_rows *ar)
{
	struct sdb_stmt	*s = NULL;
	size_t		 i;
	int		 o, r;

	if (ar->nnodes == 0)
		return 0;
	if (ar->node_sql_rows != ar->nnodes) {
		ar->node_sql_rows = 0;
		if ((r = store_audit_sql(ar->node_sql, sizeof(ar->node_sql),
		    "INSERT INTO audit_nodes(a, n, hash)", AUDIT_NODE_COLS,
		    ar->nnodes, " ON CONFLICT(n, a) DO UPDATE SET"
		    " hash = excluded.hash")) != 0)
			return r;
		ar->node_sql_rows = ar->nnodes;
	}
	if ((r = store_prepare(ar->st, ar->node_sql, &s)) != 0)
		return r;
	r = CS_ERR_DB;
	for (i = 0; i < ar->nnodes; i++) {
		o = (int)i * AUDIT_NODE_COLS;
		if (sdb_bind_int64(s, o + 1, ar->na[i]) != 0 ||
		    sdb_bind_int64(s, o + 2, ar->nn[i]) != 0 ||
		    sdb_bind_blob(s, o + 3, ar->nh[i], MERKLE_HASH_LEN) != 0)
			goto out;
	}
	if ((r = sdb_put(s)) == 0)
		ar->nnodes = 0;
 out:
	sdb_finalize(s);
	return r;
}

/*
 * Store the perfect subtree D[a : a + n] an append completed, if it is
 * not one of the small ones (STORE_AUDIT_NODE_MIN): a row of
 * audit_nodes per entry was 5 % of casesyncd's CPU in a push, and a
 * proof that needs a subtree of 2 or 4 leaves reads those leaves
 * instead (store_audit_proof; a log from before audit_nodes is read
 * the same way).
 */
static int
store_audit_node_put(uint64_t a, uint64_t n,
    const uint8_t hash[MERKLE_HASH_LEN], void *arg)
{
	struct audit_rows	*ar = arg;

	if (a > INT64_MAX || n > INT64_MAX)
		return CS_ERR_DB;
	if (n < STORE_AUDIT_NODE_MIN)
		return 0;
	ar->na[ar->nnodes] = (int64_t)a;
	ar->nn[ar->nnodes] = (int64_t)n;
	memcpy(ar->nh[ar->nnodes], hash, MERKLE_HASH_LEN);
	if (++ar->nnodes == ar->knode)
		return store_audit_nodes_put(ar);
	return 0;
}

/*
 * The start of an append within a transaction: the tree in *f, read
 * here, or "fast": the kept tree (store_audit_kept_get), checked by the
 * guard.
 */
static int
store_audit_add_begin(struct store *st, struct audit_rows *ar,
    struct merkle_frontier *f, int fast)
{
	memset(ar, 0, sizeof(*ar));
	ar->st = st;
	/*
	 * SQLite, in the server's own process, gains little from rows
	 * sent together, and a statement that writes several rows wants
	 * a statement journal (a temporary file, which the sandbox does
	 * not let it open): one row a statement there.
	 */
	ar->klog = store_is_pg(st) ? AUDIT_LOG_ROWS : 1;
	ar->knode = store_is_pg(st) ? AUDIT_NODE_ROWS : 1;
	/*
	 * A second append in this transaction goes on from the tree the
	 * first one left, which this transaction wrote under the row's
	 * lock: read again, on PostgreSQL a round trip while the lock is
	 * held.
	 */
	if (st->audit_set && !st->audit_sent && !fast && sdb_in_tx(st->db)) {
		*f = st->audit_next;
		return 0;
	}
	return fast ? store_audit_state_guard(st, f) :
	    store_audit_state_get(st, f, 1);
}

/*
 * Append "e" (it gets its idx) to the tree in *f.  "e" must live until
 * its row is sent: the next ar->klog - 1 entries, or
 * store_audit_log_put().
 */
static int
store_audit_add(struct audit_rows *ar, struct merkle_frontier *f,
    struct audit_entry *e)
{
	int	r;

	e->idx = (int64_t)f->size;
	audit_entry_clean(e);	/* no control characters */
	if ((r = audit_entry_leaf(e, ar->leaf[ar->ne])) != 0 ||
	    (r = merkle_frontier_push(f, ar->leaf[ar->ne],
	    store_audit_node_put, ar)) != 0) {
		if (r == CS_ERR_DB)
			store_log(ar->st, "audit node");
		return r;
	}
	ar->e[ar->ne++] = e;
	if (ar->ne == ar->klog && (r = store_audit_log_put(ar)) != 0) {
		store_log(ar->st, "audit insert");
		return r;
	}
	return 0;
}

/* The end of an append: the rows held and the tree's new state. */
static int
store_audit_add_end(struct audit_rows *ar, const struct merkle_frontier *f)
{
	int	r;

	if ((r = store_audit_log_put(ar)) != 0 ||
	    (r = store_audit_nodes_put(ar)) != 0) {
		store_log(ar->st, "audit insert");
		return r;
	}
	if ((r = store_audit_state_put(ar->st, f)) != 0)
		return r;
	ar->st->audit_next = *f;	/* kept at the commit */
	ar->st->audit_set = 1;
	return 0;
}

/*
 * Within a transaction: append e[0..n) and update the frontier; "fast":
 * to the kept tree in *f (store_audit_kept_get), not read here.
 */
static int
store_audit_append_tx(struct store *st, struct audit_entry *e, size_t n,
    struct merkle_frontier *f, int fast)
{
	struct audit_rows	 rows;
	size_t			 i;
	int			 r;

	if ((r = store_audit_add_begin(st, &rows, f, fast)) != 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = store_audit_add(&rows, f, &e[i])) != 0)
			return r;
	return store_audit_add_end(&rows, f);
}

/*
 * Entries filled a few at a time into one small array, reused: a push
 * of 1,000 changes otherwise allocated 2 MB of entries (each text field
 * has its room), fresh pages the kernel zeroed, for each batch.  A
 * multiple of the rows a statement, so that PostgreSQL's INSERTs stay
 * full; 64 entries are some 120 KB of the worker's stack.
 */
#define AUDIT_FILL_CHUNK	(2 * AUDIT_LOG_ROWS)

int
store_audit_append_fill(struct store *st, size_t n,
    int (*fill)(struct audit_entry *, size_t, const void *),
    const void *arg)
{
	struct audit_entry	 e[AUDIT_FILL_CHUNK];
	struct audit_rows	 rows;
	struct merkle_frontier	 f;
	size_t			 i, k = 0, added = 0;
	int			 r;

	for (i = 0; i < n; i++) {
		if (!fill(&e[k], i, arg))
			continue;
		/* the tree is read at the first entry, as by append_in */
		if (added++ == 0 &&
		    (r = store_audit_add_begin(st, &rows, &f, 0)) != 0)
			return r;
		if ((r = store_audit_add(&rows, &f, &e[k])) != 0)
			return r;
		/* the array is reused: its rows sent first */
		if (++k == AUDIT_FILL_CHUNK) {
			if ((r = store_audit_log_put(&rows)) != 0) {
				store_log(st, "audit insert");
				return r;
			}
			k = 0;
		}
	}
	/* nothing appended: the tree and its state stay as they were */
	if (added == 0)
		return 0;
	return store_audit_add_end(&rows, &f);
}

int
store_audit_append_in(struct store *st, struct audit_entry *e, size_t n)
{
	struct merkle_frontier	f;

	return n == 0 ? 0 : store_audit_append_tx(st, e, n, &f, 0);
}

int
store_audit_append(struct store *st, struct audit_entry *e, size_t n)
{
	struct merkle_frontier	f;
	int			r, fast;

	if ((r = store_begin(st)) != 0)
		return r;
	fast = st->audit_fast = store_audit_kept_get(st, &f);
	if ((r = store_audit_append_tx(st, e, n, &f, fast)) == 0 &&
	    (r = store_commit(st)) == 0)
		return 0;
	store_rollback(st);
	/*
	 * The kept tree was not the database's (the database answered:
	 * nothing of the attempt was committed): append the usual way.
	 * A lost connection is the caller's, as on the usual way.
	 */
	if (!fast || r == CS_ERR_RETRY)
		return r;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_audit_append_tx(st, e, n, &f, 0)) != 0 ||
	    (r = store_commit(st)) != 0)
		store_rollback(st);
	return r;
}

int
store_audit_readlog_get(struct store *st, int64_t device_id, int64_t *last_n,
    uint8_t last_hash[MERKLE_HASH_LEN])
{
	struct sdb_stmt	*s = NULL;
	const void	*p;
	int		 rc, r;

	*last_n = 0;
	memset(last_hash, 0, MERKLE_HASH_LEN);
	if ((r = store_prepare(st, "SELECT last_n, last_hash FROM"
	    " audit_readlog WHERE device_id = ?1", &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_bind_int64(s, 1, device_id) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = 0;
		goto out;
	}
	if (rc != SDB_ROW)
		goto out;
	if ((p = sdb_column_blob(s, 1)) == NULL ||
	    (int)sdb_column_bytes(s, 1) != MERKLE_HASH_LEN) {
		r = CS_ERR_TAMPERED;
		goto out;
	}
	*last_n = sdb_column_int64(s, 0);
	memcpy(last_hash, p, MERKLE_HASH_LEN);
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_audit_readlog_put(struct store *st, int64_t device_id, int64_t old_n,
    int64_t new_n, const uint8_t new_hash[MERKLE_HASH_LEN],
    const uint8_t *sig, size_t siglen, struct audit_entry *e, size_t n)
{
	struct merkle_frontier	 f;
	struct sdb_stmt		*s = NULL;
	uint8_t			 h[MERKLE_HASH_LEN];
	int64_t			 cur;
	int			 r;

	if ((r = store_begin(st)) != 0)
		return r;
	/*
	 * The tree's lock first: then the read below sees what another
	 * connection of the same device (on any instance) committed.
	 */
	if ((r = store_audit_state_get(st, &f, 1)) != 0)
		goto out;
	/* another connection of the same device got there first */
	if ((r = store_audit_readlog_get(st, device_id, &cur, h)) != 0)
		goto out;
	if (cur != old_n) {
		r = CS_ERR_EXISTS;
		goto out;
	}
	if ((r = store_audit_append_tx(st, e, n, &f, 0)) != 0 ||
	    (r = store_prepare(st, "INSERT INTO audit_readlog(device_id,"
	    " last_n, last_hash, last_sig) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT(device_id) DO UPDATE SET last_n = ?2,"
	    " last_hash = ?3, last_sig = ?4", &s)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sdb_bind_int64(s, 1, device_id) != 0 ||
	    sdb_bind_int64(s, 2, new_n) != 0 ||
	    sdb_bind_blob(s, 3, new_hash, MERKLE_HASH_LEN) != 0 ||
	    siglen > INT32_MAX ||
	    sdb_bind_blob(s, 4, sig, (int)siglen) !=
	    0 ||
	    sdb_step(s) != SDB_DONE) {
		store_log(st, __func__);
		goto out;
	}
	if ((r = store_commit(st)) != 0)
		goto out;
	r = 0;
 out:
	sdb_finalize(s);
	store_rollback(st);
	return r;
}

int
store_audit_cp_head(struct store *st, int64_t now, int64_t max_age,
    struct audit_checkpoint *cp, int *due)
{
	struct merkle_frontier	f;
	int64_t			last = 0;
	int			r;

	memset(cp, 0, sizeof(*cp));
	*due = 0;
	/*
	 * The tree's lock before the age: an instance that signed a
	 * moment ago has committed its checkpoint by the time we have it.
	 */
	if ((r = store_audit_state_get(st, &f, 1)) != 0)
		return r;
	if (max_age > 0) {
		/* -1: there is none yet */
		if ((r = store_do(st, "SELECT coalesce(max(at), -1) FROM"
		    " audit_checkpoints", &last, "", NULL, NULL)) != 0)
			return r;
		if (last != -1 && now - last < max_age)
			return 0;
	}
	cp->size = (int64_t)f.size;
	cp->time = now;
	merkle_frontier_root(&f, cp->root);
	*due = 1;
	return 0;
}

static int
store_audit_text(struct sdb_stmt *s, int col, char dst[AUDIT_STR_MAX + 1])
{
	return store_col_text(s, col, dst, AUDIT_STR_MAX + 1);
}

/* Read a row of STORE_AUDIT_COLS. */
static int
store_audit_row(struct sdb_stmt *s, struct audit_entry *e,
    uint8_t leaf[MERKLE_HASH_LEN])
{
	char		action[AUDIT_STR_MAX + 1];
	const void	*p;

	memset(e, 0, sizeof(*e));
	memset(leaf, 0, MERKLE_HASH_LEN);
	e->idx = sdb_column_int64(s, 0);
	e->server_time = sdb_column_int64(s, 1);
	e->device_time = sdb_column_int64(s, 2);
	e->user_id = sdb_column_int64(s, 6);
	e->device_id = sdb_column_int64(s, 17);
	/* a changed column is for verify to report: read what is there */
	if (store_audit_text(s, 3, action) != 0 ||
	    store_audit_text(s, 4, e->type) != 0 ||
	    store_audit_text(s, 5, e->outcome) != 0 ||
	    store_audit_text(s, 7, e->user) != 0 ||
	    store_audit_text(s, 8, e->role) != 0 ||
	    store_audit_text(s, 9, e->office) != 0 ||
	    store_audit_text(s, 10, e->on_behalf_of) != 0 ||
	    store_audit_text(s, 11, e->purpose) != 0 ||
	    store_audit_text(s, 12, e->basis) != 0 ||
	    store_audit_text(s, 13, e->legal_basis) != 0 ||
	    store_audit_text(s, 14, e->client_ref) != 0 ||
	    store_audit_text(s, 15, e->object_type) != 0 ||
	    store_audit_text(s, 16, e->object_id) != 0 ||
	    store_audit_text(s, 18, e->addr) != 0 ||
	    store_audit_text(s, 19, e->detail) != 0)
		return CS_ERR_TAMPERED;
	e->action = action[0];
	if (action[0] == '\0' || action[1] != '\0')
		e->action = '?';
	if ((p = sdb_column_blob(s, 20)) != NULL &&
	    (int)sdb_column_bytes(s, 20) == MERKLE_HASH_LEN)
		memcpy(leaf, p, MERKLE_HASH_LEN);
	return 0;
}

size_t
store_audit_page(void)
{
	const char	*v;
	uint64_t	 n;

	/* tests walk a short log in many pages (docs/TESTING.md) */
	if ((v = getenv("CASESYNC_TEST_AUDIT_PAGE")) != NULL &&
	    parse_u64(v, 1, STORE_AUDIT_PAGE, &n) == 0)
		return (size_t)n;
	return STORE_AUDIT_PAGE;
}

/*
 * A walk of the log reads it in pages of store_audit_page() rows by
 * the index (idx > the last one seen, LIMIT the page), each page one
 * statement of its own: PostgreSQL hands a statement's rows over all
 * at once, so one statement over the whole log would hold the whole
 * log in memory, and a long read would hold its snapshot as long.
 * "before" is applied here, not in the SQL: with a range of idx
 * PostgreSQL's generic plan of the statement sorts all the rows after
 * the page instead of reading the index in order.
 */
int
store_audit_rows_range(struct store *st, const struct audit_filter *f,
    int64_t after, int64_t before, int (*cb)(const struct audit_entry *,
    const uint8_t *, void *), void *arg)
{
	static const char	 all[] = "SELECT " STORE_AUDIT_COLS
	    " FROM audit_log WHERE idx > ?1 ORDER BY idx LIMIT ?2";
	static const char	 sql[] = "SELECT " STORE_AUDIT_COLS
	    " FROM audit_log WHERE idx > ?7"
	    " AND (CAST(?1 AS TEXT) IS NULL OR client_ref = ?1)"
	    " AND (CAST(?2 AS TEXT) IS NULL OR \"user\" = ?2)"
	    " AND (CAST(?3 AS TEXT) IS NULL OR type = ?3)"
	    " AND (CAST(?4 AS BIGINT) IS NULL OR device_id = ?4)"
	    " AND (CAST(?5 AS BIGINT) IS NULL OR server_time >= ?5)"
	    " AND (CAST(?6 AS BIGINT) IS NULL OR server_time <= ?6)"
	    " ORDER BY idx LIMIT ?8";
	struct audit_entry	*e = NULL;
	struct sdb_stmt		*s = NULL;
	uint8_t			 leaf[MERKLE_HASH_LEN];
	size_t			 page = store_audit_page(), got;
	int			 rc, r;

	if ((e = malloc(sizeof(*e))) == NULL)
		return CS_ERR_ALLOC;
	/* without filters: ?1 the last idx, ?2 the page */
	if ((r = store_prepare(st, f == NULL ? all : sql, &s)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sdb_bind_int64(s, f == NULL ? 2 : 8, (int64_t)page) != 0)
		goto out;
	if (f != NULL && ((f->client_ref != NULL && sdb_bind_text(s, 1, f->client_ref, -1) != 0) ||
	    (f->user != NULL && sdb_bind_text(s, 2, f->user, -1) != 0) ||
	    (f->type != NULL && sdb_bind_text(s, 3, f->type, -1) != 0) ||
	    (f->device_id != 0 && sdb_bind_int64(s, 4, f->device_id) !=
	    0) ||
	    (f->has_since && sdb_bind_int64(s, 5, f->since) !=
	    0) ||
	    (f->has_until && sdb_bind_int64(s, 6, f->until) !=
	    0)))
		goto out;
	do {
		r = CS_ERR_DB;
		if (sdb_reset(s) != 0 ||
		    sdb_bind_int64(s, f == NULL ? 1 : 7, after) != 0)
			goto out;
		got = 0;
		while ((rc = sdb_step(s)) == SDB_ROW) {
			got++;
			if ((r = store_audit_row(s, e, leaf)) != 0)
				goto out;
			if (e->idx >= before) {
				got = 0;	/* the end of the range */
				break;
			}
			if ((r = cb(e, leaf, arg)) != 0)
				goto out;
			after = e->idx;
		}
		if (rc != SDB_ROW && rc != SDB_DONE) {
			r = CS_ERR_DB;
			goto out;
		}
		r = 0;
	} while (got == page);
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(s);
	free(e);
	return r;
}

int
store_audit_rows_after(struct store *st, const struct audit_filter *f,
    int64_t after, int (*cb)(const struct audit_entry *, const uint8_t *,
    void *), void *arg)
{
	return store_audit_rows_range(st, f, after, INT64_MAX, cb, arg);
}

int
store_audit_rows(struct store *st, const struct audit_filter *f,
    int (*cb)(const struct audit_entry *, const uint8_t *, void *),
    void *arg)
{
	return store_audit_rows_after(st, f, -1, cb, arg);
}

/* Copy a blob column of exactly "len" bytes; zeroes if it is not. */
static void
store_audit_blob(struct sdb_stmt *s, int col, uint8_t *dst, size_t len)
{
	const void	*p = sdb_column_blob(s, col);

	memset(dst, 0, len);
	if (p != NULL && (int)sdb_column_bytes(s, col) == (int)len)
		memcpy(dst, p, len);
}

/* A row of "SELECT id, size, root, at, pk, sig". */
static void
store_audit_cp_row(struct sdb_stmt *s, struct audit_checkpoint *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->id = sdb_column_int64(s, 0);
	cp->size = sdb_column_int64(s, 1);
	store_audit_blob(s, 2, cp->root, MERKLE_HASH_LEN);
	cp->time = sdb_column_int64(s, 3);
	store_audit_blob(s, 4, cp->pk, AUDIT_PK_LEN);
	store_audit_blob(s, 5, cp->sig, AUDIT_SIG_LEN);
}

int
store_audit_cp_page(struct store *st, int64_t after_size, int64_t after_id,
    int64_t max_size, struct audit_checkpoint *cps, size_t max, size_t *n)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	*n = 0;
	if (max > INT64_MAX)
		return CS_ERR_FORMAT;
	if ((r = store_prepare(st, "SELECT id, size, root, at, pk, sig FROM"
	    " audit_checkpoints WHERE (size, id) > (?1, ?2) AND size <= ?3"
	    " ORDER BY size, id LIMIT ?4", &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_bind_int64(s, 1, after_size) != 0 ||
	    sdb_bind_int64(s, 2, after_id) != 0 ||
	    sdb_bind_int64(s, 3, max_size) != 0 ||
	    sdb_bind_int64(s, 4, (int64_t)max) != 0)
		goto out;
	/* LIMIT max: the step after the last row is SDB_DONE */
	while ((rc = sdb_step(s)) == SDB_ROW && *n < max)
		store_audit_cp_row(s, &cps[(*n)++]);
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_audit_checkpoints(struct store *st,
    int (*cb)(const struct audit_checkpoint *, void *), void *arg)
{
	struct audit_checkpoint	*cps;
	int64_t			 size = -1, id = -1;
	size_t			 page = store_audit_page(), n, i;
	int			 r;

	if ((cps = calloc(page, sizeof(*cps))) == NULL)
		return CS_ERR_ALLOC;
	do {
		if ((r = store_audit_cp_page(st, size, id, INT64_MAX, cps,
		    page, &n)) != 0)
			goto out;
		for (i = 0; i < n; i++)
			if ((r = cb(&cps[i], arg)) != 0)
				goto out;
		if (n > 0) {
			size = cps[n - 1].size;
			id = cps[n - 1].id;
		}
	} while (n == page);
 out:
	free(cps);
	return r;
}

int
store_audit_cp_known(struct store *st, const struct audit_checkpoint *cp,
    int *known)
{
	const struct store_blob	 b[2] = { { cp->root, MERKLE_HASH_LEN },
				    { cp->sig, AUDIT_SIG_LEN } };
	const int64_t		 iv[2] = { cp->size, cp->time };
	int64_t			 one;
	int			 r;

	*known = 0;
	r = store_do_b(st, "SELECT 1 FROM audit_checkpoints WHERE size = ?1"
	    " AND root = ?2 AND at = ?3 AND sig = ?4 LIMIT 1", &one, "ibib",
	    iv, NULL, b);
	if (r == 0)
		*known = 1;
	return r == CS_ERR_NOT_FOUND ? 0 : r;
}

int
store_audit_beyond(struct store *st, int64_t *rows,
    struct audit_checkpoint *cp)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	memset(cp, 0, sizeof(*cp));
	/* each in one statement: the state and the rows of one moment */
	if ((r = store_do(st, "SELECT count(*) FROM audit_log WHERE idx >="
	    " (SELECT size FROM audit_state WHERE id = 1)", rows, "", NULL,
	    NULL)) != 0)
		return r;
	if ((r = store_prepare(st, "SELECT id, size, root, at, pk, sig FROM"
	    " audit_checkpoints WHERE size > (SELECT size FROM audit_state"
	    " WHERE id = 1) ORDER BY size, id LIMIT 1", &s)) != 0)
		return r;
	if ((rc = sdb_step(s)) == SDB_ROW)
		store_audit_cp_row(s, cp);
	r = rc == SDB_ROW || rc == SDB_DONE ? 0 : CS_ERR_DB;
	return store_done(st, s, r, __func__);
}

int
store_audit_latest(struct store *st, struct audit_checkpoint *cp)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	memset(cp, 0, sizeof(*cp));
	if ((r = store_prepare(st, "SELECT id, size, root, at, pk, sig FROM"
	    " audit_checkpoints ORDER BY size DESC, id DESC LIMIT 1",
	    &s)) != 0)
		return r;
	if ((rc = sdb_step(s)) == SDB_ROW) {
		store_audit_cp_row(s, cp);
		r = 0;
	} else if (rc == SDB_DONE)
		r = CS_ERR_NOT_FOUND;
	else {
		store_log(st, __func__);
		r = CS_ERR_DB;
	}
	sdb_finalize(s);
	return r;
}

int
store_audit_leaves(struct store *st, uint64_t n,
    uint8_t (*leaves)[MERKLE_HASH_LEN])
{
	struct sdb_stmt	*s = NULL;
	const void	*p;
	uint64_t	 i = 0;
	int		 rc, r;

	if (n > INT64_MAX)
		return CS_ERR_FORMAT;
	if ((r = store_prepare(st, "SELECT idx, leaf FROM audit_log"
	    " WHERE idx < ?1 ORDER BY idx", &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_bind_int64(s, 1, (int64_t)n) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (sdb_column_int64(s, 0) != (int64_t)i ||
		    (p = sdb_column_blob(s, 1)) == NULL ||
		    (int)sdb_column_bytes(s, 1) != MERKLE_HASH_LEN) {
			r = CS_ERR_TAMPERED;
			goto out;
		}
		memcpy(leaves[i++], p, MERKLE_HASH_LEN);
	}
	if (rc != SDB_DONE)
		goto out;
	r = i == n ? 0 : CS_ERR_TAMPERED;
 out:
	return store_done(st, s, r, __func__);
}

/* The two statements proofs read through (store_audit_proof). */
struct store_audit_src {
	struct store	*st;
	struct sdb_stmt	*leaf, *node;
};

static int
store_audit_get(struct sdb_stmt *s, int64_t a, int64_t n,
    uint8_t out[MERKLE_HASH_LEN])
{
	const void	*p;
	int		 rc;

	if (sdb_reset(s) != 0 ||
	    sdb_bind_int64(s, 1, a) != 0 ||
	    (n > 0 && sdb_bind_int64(s, 2, n) != 0))
		return CS_ERR_DB;
	if ((rc = sdb_step(s)) == SDB_DONE)
		return CS_ERR_NOT_FOUND;
	if (rc != SDB_ROW)
		return CS_ERR_DB;
	if ((p = sdb_column_blob(s, 0)) == NULL ||
	    (int)sdb_column_bytes(s, 0) != MERKLE_HASH_LEN)
		return CS_ERR_TAMPERED;
	memcpy(out, p, MERKLE_HASH_LEN);
	return 0;
}

static int
store_audit_leaf_cb(uint64_t index, uint8_t out[MERKLE_HASH_LEN], void *arg)
{
	const struct store_audit_src	*src = arg;
	int				 r;

	if (index > INT64_MAX)
		return CS_ERR_FORMAT;
	r = store_audit_get(src->leaf, (int64_t)index, 0, out);
	return r == CS_ERR_NOT_FOUND ? CS_ERR_TAMPERED : r;
}

static int
store_audit_node_cb(uint64_t a, uint64_t n, uint8_t out[MERKLE_HASH_LEN],
    void *arg)
{
	const struct store_audit_src	*src = arg;

	if (a > INT64_MAX || n > INT64_MAX)
		return CS_ERR_FORMAT;
	return store_audit_get(src->node, (int64_t)a, (int64_t)n, out);
}

int
store_audit_proof(struct store *st, uint64_t m, uint64_t n,
    uint8_t proof[][MERKLE_HASH_LEN], size_t *len)
{
	struct store_audit_src	src;
	int			r;

	*len = 0;
	memset(&src, 0, sizeof(src));
	src.st = st;
	if ((r = store_prepare(st, "SELECT leaf FROM audit_log WHERE idx = ?1",
	    &src.leaf)) != 0 ||
	    (r = store_prepare(st, "SELECT hash FROM audit_nodes WHERE"
	    " a = ?1 AND n = ?2", &src.node)) != 0)
		goto out;
	r = merkle_consistency_proof_nodes(m, n, store_audit_leaf_cb,
	    store_audit_node_cb, &src, proof, len);
	if (r == CS_ERR_DB)
		store_log(st, __func__);
 out:
	sdb_finalize(src.leaf);
	sdb_finalize(src.node);
	return r;
}

int
store_audit_state(struct store *st, struct merkle_frontier *f)
{
	return store_audit_state_get(st, f, 0);
}

int
store_audit_feed_get(struct store *st, int create, int64_t init,
    int64_t *pos)
{
	int	r;

	if (create && (r = store_do(st, "INSERT INTO meta(key, value) VALUES"
	    " ('audit_syslog_sent', ?1) ON CONFLICT(key) DO NOTHING", NULL,
	    "i", &init, NULL)) != 0)
		return r;
	return store_do(st, "SELECT value FROM meta WHERE"
	    " key = 'audit_syslog_sent'", pos, "", NULL, NULL);
}

int
store_audit_feed_claim(struct store *st, int64_t from, int64_t to, int *won)
{
	const int64_t	iv[2] = { from, to };
	int		r;

	*won = 0;
	/* a compare-and-set: the row's lock orders two instances' claims */
	if ((r = store_do(st, "UPDATE meta SET value = ?2 WHERE"
	    " key = 'audit_syslog_sent' AND value = ?1", NULL, "ii", iv,
	    NULL)) != 0)
		return r;
	*won = store_changes(st) == 1;
	return 0;
}
