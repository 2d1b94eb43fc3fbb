/* SPDX-License-Identifier: ISC */
/*
 * sdb_pg.c - the PostgreSQL backend of sdb.h (libpq).
 *
 * Statements: the store's SQL with ?N parameters is rewritten once to
 * $N and prepared once per connection under a name of its own
 * ("sdb1", "sdb2", ...), found again by its text.  Parameters go as
 * text (integers in decimal) or, for blobs, in binary; results come as
 * text and are converted here (bytea from its hex form), so a value of
 * any type the SQL yields (bigint, numeric of a SUM, boolean) reads as
 * sdb.h says.
 *
 * A lost connection: the statement that met it fails with CS_ERR_RETRY
 * and the connection is marked lost.  If it was inside a transaction,
 * every call after it fails the same way until the store's ROLLBACK,
 * so no later statement of that transaction can run on a new
 * connection outside it; then (or at once outside a transaction) the
 * next call re-establishes the connection (PQreset, which follows a
 * failover with target_session_attrs=read-write) and prepares its
 * statements again as they are used.
 *
 * Pipeline mode (sdb_send, sdb_put): statements are sent one after
 * another without waiting; the next call that needs an answer sends
 * itself too if it is a statement, then a Sync, and reads every result
 * in order, in one round trip.  A sent query's rows go to its
 * statement; the first failure among them is the waiting call's
 * (PostgreSQL skips the rest up to the Sync, and the transaction is
 * aborted).  Outside pipeline mode the connection is as before, so
 * PQexec and PQprepare run only once the pipeline is empty.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "errors.h"
#include "log.h"
#include "sdb_int.h"

#define PG_BUCKETS	256
#define PG_TEXTOID	25	/* pg_type.h, not installed by libpq-dev */
#define PG_ERR_MAX	256

/* A prepared statement of the connection, kept until it closes. */
struct pg_prep {
	struct pg_prep	*next;
	char		*sql;		/* as the store wrote it */
	char		*pgsql;		/* with $N */
	char		 name[16];
	int		 nparams;
	/* 0: PostgreSQL infers it; text for a number the SQL skips */
	Oid		*types;		/* nparams of them */
	uint64_t	 gen;		/* prepared on this connection */
	int		 binary;	/* rows asked for in binary */
};

struct sdb {
	struct sdb_head	 h;
	PGconn		*conn;
	struct pg_prep	*buckets[PG_BUCKETS];
	unsigned	 nprep;
	uint64_t	 gen;		/* connection: 1, 2, ... */
	int64_t		 changes;
	int		 lost;		/* the connection went away */
	int		 lost_in_tx;	/* ... inside a transaction */
	int		 last;		/* CS_ERR_* of the last failure */
	char		 err[PG_ERR_MAX];
	/* sent, in order: the statement that takes the rows, or NULL */
	struct sdb_stmt	*pipe[SDB_PIPE_MAX];
	int		 npipe;
	int		 pipe_tx;	/* in a transaction when it began */
};

/* Columns of a statement whose rows may come in binary, at most. */
#define PG_BIN_COLS	24

struct sdb_stmt {
	struct sdb_stmt_head	 h;
	struct sdb		*db;
	struct pg_prep		*prep;
	/* the parameters, prep->nparams of each (at least 1) */
	const char		**val;
	int			*len;
	int			*fmt;
	char			(*num)[24];
	char			**own;		/* copied texts */
	int			 nparams;
	PGresult		*res;
	int			 row, nrows;	/* row: current, -1 before */
	uint8_t			*dec;		/* a bytea column, decoded */
	size_t			 declen;
	int			 deccol, decrow;
	int			 sent;		/* 1 + its index in db->pipe */
	int			 failed;	/* CS_ERR_*: not run (pipeline) */
	/* binary numbers as text, one per column (pg_bin_text) */
	char			 bnum[PG_BIN_COLS][24];
};

static int	pg_sync(struct sdb *);
static int	pg_pipe_lost(struct sdb *, PGresult *, const char *);

static void
pg_seterr(struct sdb *db, const char *what, const char *msg)
{
	size_t	n;

	(void)snprintf(db->err, sizeof(db->err), "%s: %s", what,
	    msg != NULL && msg[0] != '\0' ? msg : "failed");
	/* libpq's messages end in a newline */
	n = strlen(db->err);
	while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The session every connection needs; 0 or CS_ERR_*. */
static int
pg_session(struct sdb *db)
{
	PGresult	*res;
	const char	*v;
	int		 apply;

	if (PQsetClientEncoding(db->conn, "UTF8") != 0) {
		pg_seterr(db, "client encoding", PQerrorMessage(db->conn));
		return CS_ERR_DB;
	}
	/* notices (DROP ... IF EXISTS) are not errors: not on stderr */
	(void)PQsetNoticeProcessor(db->conn, pg_notice, NULL);
	res = PQexec(db->conn, "SHOW synchronous_commit");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_seterr(db, "synchronous_commit", PQerrorMessage(db->conn));
		PQclear(res);
		return CS_ERR_RETRY;
	}
	v = PQgetvalue(res, 0, 0);
	apply = strcmp(v, "remote_apply") == 0;
	PQclear(res);
	/* a commit is acknowledged once durable: at least "on" */
	res = PQexec(db->conn, apply ? "SET synchronous_commit = remote_apply" :
	    "SET synchronous_commit = on");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_seterr(db, "synchronous_commit", PQerrorMessage(db->conn));
		PQclear(res);
		return CS_ERR_RETRY;
	}
	PQclear(res);
	return 0;
}

/* A lost connection back, if no transaction of it is still open. */
static int
pg_alive(struct sdb *db)
{
	if (!db->lost)
		return 0;
	if (db->lost_in_tx)	/* until the store's ROLLBACK */
		return db->last = CS_ERR_RETRY;
	PQreset(db->conn);
	if (PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF)
		(void)PQexitPipelineMode(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pg_seterr(db, "reconnect", PQerrorMessage(db->conn));
		return db->last = CS_ERR_RETRY;
	}
	db->gen++;		/* every statement is prepared again */
	db->lost = 0;
	/* not without its session (synchronous_commit): again next time */
	if ((db->last = pg_session(db)) != 0)
		db->lost = 1;
	return db->last;
}

/*
 * The outcome of a failed command as CS_ERR_* (sdb.h), from its
 * SQLSTATE; a connection that is gone is marked lost.
 */
static int	pg_fail_map(struct sdb *, PGresult *, int, const char *);

static int
pg_fail(struct sdb *db, PGresult *res, int was_in_tx, const char *what)
{
	return db->last = pg_fail_map(db, res, was_in_tx, what);
}

static int
pg_fail_map(struct sdb *db, PGresult *res, int was_in_tx, const char *what)
{
	const char	*st = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	pg_seterr(db, what, res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(db->conn));
	if (PQstatus(db->conn) != CONNECTION_OK || st == NULL ||
	    strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0) {
		db->lost = 1;
		db->lost_in_tx = was_in_tx;
		return CS_ERR_RETRY;
	}
	if (strcmp(st, "23505") == 0)
		return CS_ERR_EXISTS;		/* unique_violation */
	if (strcmp(st, "23503") == 0)
		return CS_ERR_NOT_FOUND;	/* foreign_key_violation */
	if (strcmp(st, "23514") == 0 || strcmp(st, "23502") == 0)
		return CS_ERR_FORMAT;		/* check, not null */
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 ||
	    strcmp(st, "55P03") == 0)
		return CS_ERR_RETRY;	/* serialisation, deadlock, lock */
	return CS_ERR_DB;
}

static int
pg_in_tx(const struct sdb *db)
{
	PGTransactionStatusType	t;

	if (db->npipe > 0)	/* the connection is busy: ACTIVE */
		return db->pipe_tx;
	t = PQtransactionStatus(db->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

static int
pg_open(const char *conninfo, struct sdb **out)
{
	struct sdb	*db;
	int		 r;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return CS_ERR_ALLOC;
	db->h.ops = &sdb_pg_ops;
	db->h.backend = SDB_POSTGRESQL;
	db->gen = 1;
	if ((db->conn = PQconnectdb(conninfo)) == NULL) {
		free(db);
		return CS_ERR_ALLOC;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pg_seterr(db, "connect", PQerrorMessage(db->conn));
		r = CS_ERR_RETRY;
		goto fail;
	}
	if ((r = pg_session(db)) != 0)
		goto fail;
	*out = db;
	return 0;
 fail:
	/* libpq's message names the host, never a password */
	log_warnx("store: postgresql: %s", db->err);
	PQfinish(db->conn);
	free(db);
	return r;
}

static void
pg_close(struct sdb *db)
{
	struct pg_prep	*p, *next;
	size_t		 i;

	for (i = 0; i < PG_BUCKETS; i++)
		for (p = db->buckets[i]; p != NULL; p = next) {
			next = p->next;
			free(p->sql);
			free(p->pgsql);
			free(p->types);
			free(p);
		}
	PQfinish(db->conn);
	free(db);
}

static const char *
pg_errmsg(const struct sdb *db)
{
	return db->err[0] != '\0' ? db->err : "no error";
}

/* "ROLLBACK" (any case, surrounding blanks) and nothing else. */
static int
pg_is_rollback(const char *sql)
{
	static const char	rb[] = "rollback";
	size_t			i;

	while (isspace((unsigned char)*sql))
		sql++;
	for (i = 0; i < sizeof(rb) - 1; i++)
		if (tolower((unsigned char)sql[i]) != rb[i])
			return 0;
	sql += i;
	while (isspace((unsigned char)*sql) || *sql == ';')
		sql++;
	return *sql == '\0';
}

/* "COMMIT" exactly, as the store writes it. */
static int
pg_is_commit(const char *sql)
{
	return strcmp(sql, "COMMIT") == 0;
}

/*
 * A COMMIT behind statements sent (sdb_put): into the pipeline too, so
 * the writes and the commit cost one round trip.  Its result, or the
 * failure of a statement before it (then the server skipped it and the
 * transaction is aborted: the caller rolls back), comes with the Sync.
 */
static int
pg_commit_piped(struct sdb *db)
{
	if (PQsendQueryParams(db->conn, "COMMIT", 0, NULL, NULL, NULL, NULL,
	    0) != 1)
		return pg_pipe_lost(db, NULL, "commit");
	db->pipe[db->npipe++] = NULL;
	return pg_sync(db);
}

/* sdb_exec_put: "sql" into the pipeline, its result met later. */
static int
pg_exec_put(struct sdb *db, const char *sql)
{
	int	r;

	db->last = 0;
	if ((r = pg_alive(db)) != 0)
		return r;
	if (db->npipe == SDB_PIPE_MAX && (r = pg_sync(db)) != 0)
		return r;
	if (db->npipe == 0) {
		db->pipe_tx = pg_in_tx(db);
		if (PQenterPipelineMode(db->conn) != 1) {
			pg_seterr(db, "pipeline", PQerrorMessage(db->conn));
			return db->last = CS_ERR_DB;
		}
	}
	if (PQsendQueryParams(db->conn, sql, 0, NULL, NULL, NULL, NULL,
	    0) != 1) {
		if (db->npipe == 0)
			(void)PQexitPipelineMode(db->conn);
		return pg_pipe_lost(db, NULL, "exec");
	}
	db->pipe[db->npipe++] = NULL;
	/* what fails from here on fails inside the transaction */
	if (strcmp(sql, "BEGIN") == 0)
		db->pipe_tx = 1;
	return 0;
}

static int
pg_exec(struct sdb *db, const char *sql)
{
	PGresult	*res;
	int		 r, tx;

	db->last = 0;
	if (db->npipe > 0 && db->npipe < SDB_PIPE_MAX && pg_is_commit(sql))
		return pg_commit_piped(db);
	/* what was sent first; a ROLLBACK ends it whatever it met */
	if ((r = pg_sync(db)) != 0 && !pg_is_rollback(sql))
		return r;
	if (db->lost && db->lost_in_tx && pg_is_rollback(sql)) {
		db->lost_in_tx = 0;	/* the server rolled it back */
		(void)pg_alive(db);	/* or the next call tries again */
		return 0;
	}
	if ((r = pg_alive(db)) != 0)
		return r;
	tx = pg_in_tx(db);
	/*
	 * A COMMIT succeeds only if it commits: not outside a transaction
	 * (PostgreSQL would only warn: a COMMIT tried again after its
	 * transaction ended), nor of a transaction a statement aborted
	 * (PostgreSQL rolls it back and says "ROLLBACK").
	 */
	if (pg_is_commit(sql) && !tx) {
		pg_seterr(db, "commit", "no transaction to commit");
		return db->last = CS_ERR_DB;
	}
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK) {
		r = pg_is_commit(sql) &&
		    strcmp(PQcmdStatus(res), "ROLLBACK") == 0;
		PQclear(res);
		if (r) {
			pg_seterr(db, "commit", "the transaction had failed"
			    " and was rolled back");
			return db->last = CS_ERR_DB;
		}
		return 0;
	}
	r = pg_fail(db, res, tx, "exec");
	PQclear(res);
	return r;
}

static int64_t
pg_changes(const struct sdb *db)
{
	return db->changes;
}

static uint64_t
pg_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/*
 * SQLite's "INDEXED BY name" (a hint the store gives SQLite's planner
 * where it would pick a worse index) at "p": its length with the
 * blanks before the name's end, 0 if it is not there.  PostgreSQL's
 * planner needs no hint.
 */
static size_t
pg_indexed_by(const char *p)
{
	static const char	kw[] = "INDEXED BY ";
	size_t			n = sizeof(kw) - 1;

	if (strncmp(p, kw, n) != 0)
		return 0;
	while (p[n] == ' ')
		n++;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n;
}

/*
 * ?N to $N and a bare ? to the next number, outside quoted strings and
 * identifiers, and without SQLite's INDEXED BY; *nparams gets the
 * highest number, types[] text for a number below it the SQL does not
 * use (PostgreSQL cannot infer a type there; SQLite leaves it NULL),
 * SDB_PARAMS_MAX of them (the caller's).  NULL: out of memory or a
 * parameter beyond SDB_PARAMS_MAX.  A ?N takes at most 5 bytes more
 * as $N than as ?N's shortest form "?" (a bare ? numbered up to 8192).
 */
static char *
pg_rewrite(const char *sql, int *nparams, Oid *types)
{
	size_t	 n = strlen(sql);
	char	*out, *o, quote = 0;
	long	 k, next = 1, max = 0;
	char	*end;

	if (n > SIZE_MAX / 6 - 1 || (out = malloc(6 * n + 1)) == NULL)
		return NULL;
	for (k = 0; k < SDB_PARAMS_MAX; k++)
		types[k] = PG_TEXTOID;	/* until used */
	for (o = out; *sql != '\0'; sql++) {
		if (quote != 0) {
			if (*sql == quote)
				quote = 0;	/* '' reopens at once */
			*o++ = *sql;
			continue;
		}
		if (*sql == '\'' || *sql == '"') {
			quote = *sql;
			*o++ = *sql;
			continue;
		}
		if (*sql == 'I' && (k = (long)pg_indexed_by(sql)) > 0) {
			sql += k - 1;
			continue;
		}
		if (*sql != '?') {
			*o++ = *sql;
			continue;
		}
		if (isdigit((unsigned char)sql[1])) {
			k = strtol(sql + 1, &end, 10);
			sql = end - 1;
		} else
			k = next;
		if (k < 1 || k > SDB_PARAMS_MAX) {
			free(out);
			return NULL;
		}
		next = k + 1;
		if (k > max)
			max = k;
		types[k - 1] = 0;
		o += sprintf(o, "$%ld", k);
	}
	*o = '\0';
	*nparams = (int)max;
	return out;
}

/* The connection's statement for "sql", made on first use. */
static int
pg_prep_get(struct sdb *db, const char *sql, struct pg_prep **out)
{
	struct pg_prep	*p;
	Oid		*t;
	size_t		 b = (size_t)(pg_hash(sql) % PG_BUCKETS);

	for (p = db->buckets[b]; p != NULL; p = p->next)
		if (strcmp(p->sql, sql) == 0) {
			*out = p;
			return 0;
		}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CS_ERR_ALLOC;
	/* every number's type until the highest is known, then those */
	if ((p->types = calloc(SDB_PARAMS_MAX, sizeof(*p->types))) == NULL ||
	    (p->sql = strdup(sql)) == NULL ||
	    (p->pgsql = pg_rewrite(sql, &p->nparams, p->types)) == NULL) {
		free(p->sql);
		free(p->types);
		free(p);
		pg_seterr(db, "prepare", "too many parameters");
		return CS_ERR_ALLOC;
	}
	if ((t = realloc(p->types, (p->nparams > 0 ? p->nparams : 1) *
	    sizeof(*p->types))) != NULL)
		p->types = t;
	(void)snprintf(p->name, sizeof(p->name), "sdb%u", ++db->nprep);
	p->next = db->buckets[b];
	db->buckets[b] = p;
	*out = p;
	return 0;
}

/* The column types pg_binary_rows() takes in binary. */
#define PG_BOOL		16
#define PG_BYTEA	17
#define PG_INT8		20
#define PG_INT2		21
#define PG_INT4		23
#define PG_TEXT		25
#define PG_VARCHAR	1043

/*
 * A statement whose rows hold a bytea column, and otherwise only
 * integers, booleans and texts, gets its rows in binary: a body is
 * sent as it is instead of as hex text of twice its size, encoded by
 * the server and decoded here (the pull of records).  Asked once per
 * connection, with the PREPARE.
 */
static int
pg_binary_rows(struct sdb *db, struct pg_prep *p)
{
	PGresult	*res;
	int		 i, n, r, tx, bytea = 0, other = 0;
	Oid		 t;

	tx = pg_in_tx(db);
	res = PQdescribePrepared(db->conn, p->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		r = pg_fail(db, res, tx, "describe");
		PQclear(res);
		return r;
	}
	n = PQnfields(res);
	for (i = 0; i < n; i++) {
		t = PQftype(res, i);
		if (t == PG_BYTEA)
			bytea = 1;
		else if (t != PG_BOOL && t != PG_INT8 && t != PG_INT2 &&
		    t != PG_INT4 && t != PG_TEXT && t != PG_VARCHAR)
			other = 1;
	}
	PQclear(res);
	p->binary = bytea && !other && n <= PG_BIN_COLS;
	return 0;
}

/* Prepared on this connection (again, after a reconnect). */
static int
pg_prep_ready(struct sdb *db, struct pg_prep *p)
{
	PGresult	*res;
	int		 r, tx;

	if (p->gen == db->gen)
		return 0;
	/* PQprepare waits: not while statements are in the pipeline */
	if ((r = pg_sync(db)) != 0)
		return r;
	tx = pg_in_tx(db);
	res = PQprepare(db->conn, p->name, p->pgsql, p->nparams, p->types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		r = pg_fail(db, res, tx, "prepare");
		PQclear(res);
		return r;
	}
	PQclear(res);
	if ((r = pg_binary_rows(db, p)) != 0)
		return r;
	p->gen = db->gen;
	return 0;
}

static void
pg_params_free(struct sdb_stmt *s)
{
	free(s->val);
	free(s->len);
	free(s->fmt);
	free(s->num);
	free(s->own);
}

static int
pg_prepare(struct sdb *db, const char *sql, struct sdb_stmt **out)
{
	struct sdb_stmt	*s;
	struct pg_prep	*p;
	size_t		 n;
	int		 r;

	db->last = 0;
	if ((r = pg_alive(db)) != 0 || (r = pg_prep_get(db, sql, &p)) != 0 ||
	    (r = pg_prep_ready(db, p)) != 0)
		return r;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CS_ERR_ALLOC;
	/* the parameter arrays by the statement's count, not the limit */
	n = p->nparams > 0 ? (size_t)p->nparams : 1;
	s->nparams = (int)n;
	if ((s->val = calloc(n, sizeof(*s->val))) == NULL ||
	    (s->len = calloc(n, sizeof(*s->len))) == NULL ||
	    (s->fmt = calloc(n, sizeof(*s->fmt))) == NULL ||
	    (s->num = calloc(n, sizeof(*s->num))) == NULL ||
	    (s->own = calloc(n, sizeof(*s->own))) == NULL) {
		pg_params_free(s);
		free(s);
		return CS_ERR_ALLOC;
	}
	s->h.ops = &sdb_pg_ops;
	s->db = db;
	s->prep = p;
	s->row = -1;
	s->deccol = -1;
	*out = s;
	return 0;
}

static void
pg_rows_free(struct sdb_stmt *s)
{
	/* sent and not read: its rows are dropped when they come */
	if (s->sent > 0)
		s->db->pipe[s->sent - 1] = NULL;
	s->sent = 0;
	s->failed = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
	free(s->dec);
	s->dec = NULL;
	s->deccol = -1;
}

static int
pg_reset(struct sdb_stmt *s)
{
	pg_rows_free(s);
	return 0;
}

static int
pg_clear_bindings(struct sdb_stmt *s)
{
	int	i;

	for (i = 0; i < s->nparams; i++) {
		free(s->own[i]);
		s->own[i] = NULL;
		s->val[i] = NULL;
		s->len[i] = 0;
		s->fmt[i] = 0;
	}
	return 0;
}

static void
pg_finalize(struct sdb_stmt *s)
{
	pg_rows_free(s);	/* the prepared statement stays */
	(void)pg_clear_bindings(s);
	pg_params_free(s);
	free(s);
}

static int
pg_bind_text_copy(struct sdb_stmt *s, int i, const char *v)
{
	char	*c;

	if (i > s->nparams)	/* as SQLite's SQLITE_RANGE */
		return CS_ERR_INTERNAL;
	if ((c = strdup(v)) == NULL)
		return CS_ERR_ALLOC;
	free(s->own[i - 1]);
	s->own[i - 1] = c;
	s->val[i - 1] = c;
	s->len[i - 1] = 0;
	s->fmt[i - 1] = 0;
	return 0;
}

static int
pg_last_error(const struct sdb *db)
{
	return db->last;
}

static int
pg_tx_open(const struct sdb *db)
{
	return db->lost ? db->lost_in_tx : pg_in_tx(db);
}

static int
pg_lost(const struct sdb *db)
{
	return db->lost;
}

static struct sqlite3 *
pg_handle(struct sdb *db)
{
	(void)db;
	return NULL;
}

static int
pg_bind_int64(struct sdb_stmt *s, int i, int64_t v)
{
	if (i > s->nparams)	/* as SQLite's SQLITE_RANGE */
		return CS_ERR_INTERNAL;
	(void)snprintf(s->num[i - 1], sizeof(s->num[i - 1]), "%" PRId64, v);
	s->val[i - 1] = s->num[i - 1];
	s->len[i - 1] = 0;
	s->fmt[i - 1] = 0;
	return 0;
}

static int
pg_bind_text(struct sdb_stmt *s, int i, const char *v, size_t len)
{
	if (i > s->nparams)	/* as SQLite's SQLITE_RANGE */
		return CS_ERR_INTERNAL;
	/* text parameters end at their NUL (sdb.h: len -1 or the length) */
	if (len > INT32_MAX || v[len] != '\0')
		return CS_ERR_INTERNAL;
	s->val[i - 1] = v;
	s->len[i - 1] = 0;
	s->fmt[i - 1] = 0;
	return 0;
}

static int
pg_bind_blob(struct sdb_stmt *s, int i, const void *p, size_t len)
{
	static const char	empty[1];

	if (i > s->nparams)
		return CS_ERR_INTERNAL;
	if (len > INT32_MAX)
		return CS_ERR_TOO_LARGE;
	s->val[i - 1] = p != NULL ? p : empty;
	s->len[i - 1] = (int)len;
	s->fmt[i - 1] = 1;		/* binary: the bytes as they are */
	return 0;
}

static int
pg_bind_null(struct sdb_stmt *s, int i)
{
	if (i > s->nparams)	/* as SQLite's SQLITE_RANGE */
		return CS_ERR_INTERNAL;
	s->val[i - 1] = NULL;
	s->len[i - 1] = 0;
	s->fmt[i - 1] = 0;
	return 0;
}

/* Take the rows (or the count) of a result; 0, or the failure's. */
static int
pg_result(struct sdb_stmt *s, PGresult *res, int tx)
{
	struct sdb	*db = s->db;
	int		 r;

	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
		s->res = res;
		s->nrows = PQntuples(res);
		return 0;
	case PGRES_COMMAND_OK:
		db->changes = strtoll(PQcmdTuples(res), NULL, 10);
		s->res = res;
		s->nrows = 0;
		return 0;
	default:
		r = pg_fail(db, res, tx, s->prep->name);
		PQclear(res);
		return r;
	}
}

/* The pipeline is gone with the connection: what was sent failed. */
static int
pg_pipe_lost(struct sdb *db, PGresult *res, const char *what)
{
	int	i, r;

	r = pg_fail(db, res, db->pipe_tx, what);
	if (r != CS_ERR_RETRY) {	/* libpq in a state it should not be */
		db->lost = 1;
		db->lost_in_tx = db->pipe_tx;
		r = db->last = CS_ERR_RETRY;
	}
	for (i = 0; i < db->npipe; i++)
		if (db->pipe[i] != NULL) {
			db->pipe[i]->sent = 0;
			db->pipe[i]->failed = r;
		}
	db->npipe = 0;
	return r;
}

/*
 * Wait for everything sent: a Sync, then each statement's result, in
 * order.  0, or the first failure (later statements were skipped by
 * the server: their sdb_step() says so too).
 */
static int
pg_sync(struct sdb *db)
{
	struct sdb_stmt	*s;
	PGresult	*res, *x;
	int		 i, r, first = 0;

	if (db->npipe == 0)
		return 0;
	if (PQpipelineSync(db->conn) != 1)
		return pg_pipe_lost(db, NULL, "pipeline sync");
	for (i = 0; i < db->npipe; i++) {
		if ((res = PQgetResult(db->conn)) == NULL ||
		    PQstatus(db->conn) != CONNECTION_OK) {
			db->npipe -= i;
			memmove(db->pipe, db->pipe + i,
			    (size_t)db->npipe * sizeof(db->pipe[0]));
			r = pg_pipe_lost(db, res, "pipeline");
			PQclear(res);
			return r;
		}
		/* each statement's results end with a NULL */
		while ((x = PQgetResult(db->conn)) != NULL)
			PQclear(x);
		s = db->pipe[i];
		if (s != NULL)
			s->sent = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
			PQclear(res);
			if (s != NULL)
				s->failed = first != 0 ? first : CS_ERR_DB;
			continue;
		}
		if (s != NULL) {
			if ((r = pg_result(s, res, db->pipe_tx)) != 0) {
				s->failed = r;
				if (first == 0)
					first = r;
			}
			continue;
		}
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    PQresultStatus(res) != PGRES_TUPLES_OK && first == 0)
			first = pg_fail(db, res, db->pipe_tx, "pipeline");
		/* a COMMIT sent (pg_commit_piped) that rolled back */
		else if (PQresultStatus(res) == PGRES_COMMAND_OK &&
		    strcmp(PQcmdStatus(res), "ROLLBACK") == 0 && first == 0) {
			pg_seterr(db, "commit", "the transaction had failed"
			    " and was rolled back");
			first = db->last = CS_ERR_DB;
		}
		PQclear(res);
	}
	db->npipe = 0;
	res = PQgetResult(db->conn);
	if (PQresultStatus(res) != PGRES_PIPELINE_SYNC) {
		r = pg_pipe_lost(db, res, "pipeline end");
		PQclear(res);
		return r;
	}
	PQclear(res);
	if (PQexitPipelineMode(db->conn) != 1)
		return pg_pipe_lost(db, NULL, "pipeline exit");
	return first;
}

/* Send statement "s" into the pipeline; "keep": its rows are read. */
static int
pg_send_q(struct sdb_stmt *s, int keep)
{
	struct sdb	*db = s->db;
	int		 r;

	db->last = 0;
	if ((r = pg_alive(db)) != 0 || (r = pg_prep_ready(db, s->prep)) != 0)
		return r;
	if (db->npipe == SDB_PIPE_MAX && (r = pg_sync(db)) != 0)
		return r;
	pg_rows_free(s);
	if (db->npipe == 0) {
		db->pipe_tx = pg_in_tx(db);
		if (PQenterPipelineMode(db->conn) != 1) {
			pg_seterr(db, "pipeline", PQerrorMessage(db->conn));
			return db->last = CS_ERR_DB;
		}
	}
	/* the parameters are copied into libpq's buffer here */
	if (PQsendQueryPrepared(db->conn, s->prep->name, s->prep->nparams,
	    s->val, s->len, s->fmt, s->prep->binary) != 1) {
		if (db->npipe == 0)
			(void)PQexitPipelineMode(db->conn);
		return pg_pipe_lost(db, NULL, s->prep->name);
	}
	db->pipe[db->npipe++] = keep ? s : NULL;
	if (keep)
		s->sent = db->npipe;
	return 0;
}

static int
pg_send(struct sdb_stmt *s)
{
	return pg_send_q(s, 1);
}

static int
pg_put(struct sdb_stmt *s)
{
	return pg_send_q(s, 0);
}

/* Run the statement; its rows are then read one by one. */
static int
pg_run(struct sdb_stmt *s)
{
	struct sdb	*db = s->db;
	PGresult	*res;
	int		 r, tx;

	/* behind what was sent: with it, in the same round trip */
	if (db->npipe > 0) {
		if ((r = pg_send_q(s, 1)) != 0)
			return r;
		if ((r = pg_sync(db)) != 0 || (r = s->failed) != 0) {
			s->failed = 0;
			return r;
		}
		return 0;
	}
	if ((r = pg_alive(db)) != 0 || (r = pg_prep_ready(db, s->prep)) != 0)
		return r;
	tx = pg_in_tx(db);
	res = PQexecPrepared(db->conn, s->prep->name, s->prep->nparams,
	    s->val, s->len, s->fmt, s->prep->binary);
	return pg_result(s, res, tx);
}

static int
pg_step(struct sdb_stmt *s)
{
	int	r;

	s->db->last = 0;
	if (s->sent > 0 && (r = pg_sync(s->db)) != 0 && s->failed == 0)
		s->failed = r;
	if (s->failed != 0) {
		r = s->failed;
		s->failed = 0;
		return r;
	}
	if (s->res == NULL && (r = pg_run(s)) != 0)
		return r;
	free(s->dec);
	s->dec = NULL;
	s->deccol = -1;
	if (s->row + 1 >= s->nrows) {
		s->row = s->nrows;
		return SDB_DONE;
	}
	s->row++;
	return SDB_ROW;
}

/* The current row has column "col". */
static int
pg_have(const struct sdb_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < s->nrows &&
	    col >= 0 && col < PQnfields(s->res);
}

static int
pg_is_null(struct sdb_stmt *s, int col)
{
	return !pg_have(s, col) || PQgetisnull(s->res, s->row, col);
}

/*
 * A binary integer or boolean column: 1 and *v its value, or 0 (a text
 * column, or one whose length is not its type's: libpq appends a NUL
 * to every value, so a text is a string in binary as in text).
 */
static int
pg_bin_int(struct sdb_stmt *s, int col, int64_t *v)
{
	const unsigned char	*b;
	Oid			 t;
	int			 n, i;
	uint64_t		 u = 0;

	if (PQfformat(s->res, col) != 1)
		return 0;
	t = PQftype(s->res, col);
	n = PQgetlength(s->res, s->row, col);
	b = (const unsigned char *)PQgetvalue(s->res, s->row, col);
	if (!((t == PG_INT8 && n == 8) || (t == PG_INT4 && n == 4) ||
	    (t == PG_INT2 && n == 2) || (t == PG_BOOL && n == 1)))
		return 0;
	for (i = 0; i < n; i++)
		u = u << 8 | b[i];
	if (n < 8 && t != PG_BOOL && (b[0] & 0x80) != 0)
		u |= ~(uint64_t)0 << (8 * n);	/* sign-extend */
	*v = (int64_t)u;
	return 1;
}

/* A binary number's text, as the text format would give it. */
static const char *
pg_bin_text(struct sdb_stmt *s, int col)
{
	int64_t	v;

	if (col >= PG_BIN_COLS || !pg_bin_int(s, col, &v))
		return NULL;
	if (PQftype(s->res, col) == PG_BOOL)
		return v != 0 ? "t" : "f";
	(void)snprintf(s->bnum[col], sizeof(s->bnum[col]), "%" PRId64, v);
	return s->bnum[col];
}

static int64_t
pg_col_int64(struct sdb_stmt *s, int col)
{
	const char	*v;
	int64_t		 n;

	if (pg_is_null(s, col))
		return 0;
	if (pg_bin_int(s, col, &n))
		return n;
	v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && v[1] == '\0')
		return 1;		/* boolean */
	if (v[0] == 'f' && v[1] == '\0')
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *
pg_text(struct sdb_stmt *s, int col)
{
	const char	*t;

	if (pg_is_null(s, col))
		return NULL;
	if ((t = pg_bin_text(s, col)) != NULL)
		return t;
	return PQgetvalue(s->res, s->row, col);
}

static int
pg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A bytea column's bytes, from its hex text ("\x0a1b..."): 0, 1 for a
 * column of another type (its text is its value), -1 out of memory or
 * a malformed value.
 */
static int
pg_decode(struct sdb_stmt *s, int col)
{
	const char	*v;
	size_t		 n, i;
	int		 hi, lo;

	if (s->deccol == col && s->decrow == s->row)
		return 0;
	free(s->dec);
	s->dec = NULL;
	s->deccol = -1;
	v = PQgetvalue(s->res, s->row, col);
	n = (size_t)PQgetlength(s->res, s->row, col);
	if (PQftype(s->res, col) != PG_BYTEA || PQfformat(s->res, col) == 1)
		return 1;		/* its bytes are its value */
	if (n < 2 || v[0] != '\\' || v[1] != 'x' || n % 2 != 0)
		return -1;
	if ((s->dec = malloc((n - 2) / 2 + 1)) == NULL)
		return -1;
	for (i = 0; i < (n - 2) / 2; i++) {
		if ((hi = pg_hexval(v[2 + 2 * i])) < 0 ||
		    (lo = pg_hexval(v[3 + 2 * i])) < 0) {
			free(s->dec);
			s->dec = NULL;
			return -1;
		}
		s->dec[i] = (uint8_t)(hi << 4 | lo);
	}
	s->dec[i] = 0;
	s->declen = i;
	s->deccol = col;
	s->decrow = s->row;
	return 0;
}

static const void *
pg_blob(struct sdb_stmt *s, int col)
{
	const char	*t;
	int		 r;

	if (pg_is_null(s, col) || (r = pg_decode(s, col)) < 0)
		return NULL;
	if (r == 0)
		return s->dec;
	if ((t = pg_bin_text(s, col)) != NULL)
		return t;
	return PQgetvalue(s->res, s->row, col);
}

static size_t
pg_bytes(struct sdb_stmt *s, int col)
{
	const char	*t;
	int		 r;

	if (pg_is_null(s, col) || (r = pg_decode(s, col)) < 0)
		return 0;
	if (r == 0)
		return s->declen;
	if ((t = pg_bin_text(s, col)) != NULL)
		return strlen(t);
	return (size_t)PQgetlength(s->res, s->row, col);
}

const struct sdb_ops sdb_pg_ops = {
	pg_open, pg_close, pg_errmsg, pg_exec, pg_changes, pg_prepare,
	pg_reset, pg_finalize, pg_bind_int64, pg_bind_text, pg_bind_blob,
	pg_bind_null, pg_bind_text_copy, pg_clear_bindings, pg_last_error,
	pg_tx_open, pg_lost, pg_handle, pg_step, pg_send, pg_put, pg_is_null,
	pg_col_int64, pg_text, pg_blob, pg_bytes, pg_exec_put,
};
