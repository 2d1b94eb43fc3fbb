/* SPDX-License-Identifier: ISC */
/*
 * store_migrate.c - copy an SQLite server database into an empty
 * database of another backend (store_migrate.h; casesyncctl migrate).
 *
 * The copy knows no table by name but the two a new schema fills
 * (mig_seeds) and the columns that hold seq values (mig_seqcols): the
 * tables, their columns and their foreign keys are read from the
 * source's schema and checked against the target's, so a table added
 * by a later migration is copied without a change here.  The source is
 * read through SQLite itself, not sdb.h: it is opened read-only, and
 * each value's storage class decides how it is bound (SQLite keeps
 * what was written; the target's column types take it as it is).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "sdb.h"
#include "store.h"
#include "store_int.h"
#include "store_migrate.h"
#include "util.h"

#define MIG_TABLES_MAX	128
#define MIG_NAME_MAX	63		/* PostgreSQL's identifier length */
#define MIG_SQL_MAX	4096
#define MIG_BUSY_MS	5000
#define MIG_PAGE	2000		/* rows read back from the target at once */

struct mig_col {
	char	name[MIG_NAME_MAX + 1];
	int	text;		/* declared TEXT: ordered bytewise */
	int	pk;		/* place in the primary key, 0: none */
};

struct mig_table {
	char		name[MIG_NAME_MAX + 1];
	struct mig_col	cols[SDB_PARAMS_MAX];
	int		ncols;
	int		pk[SDB_PARAMS_MAX];	/* key columns, in key order */
	int		npk;
	int64_t		floor;		/* AUTOINCREMENT's high-water mark */
	int64_t		rows;		/* copied */
	const struct mig_seed	*seed;
	int		placed;
};

/* A key value of the last row of a page (mig_compare). */
struct mig_key {
	int	type;		/* SQLITE_INTEGER, _TEXT, _BLOB */
	int64_t	i;
	uint8_t	*p;
	size_t	n;
};

/*
 * The tables a new schema fills: "keep" names the target's own rows,
 * which stay and are not copied (the schema's version is the target's),
 * "more" the rows a new schema does not have, "clear" makes room.
 */
static const struct mig_seed {
	const char	*table;
	const char	*keep;
	const char	*more;
	const char	*clear;
} mig_seeds[] = {
	{ "meta", "key = 'schema_version'", "value <> 0",
	    "DELETE FROM meta WHERE NOT (key = 'schema_version')" },
	{ "audit_state", NULL, "size <> 0", "DELETE FROM audit_state" },
};

/* Every column that holds a seq value (meta 'seq' is past them all). */
static const struct {
	const char	*table;
	const char	*col;
} mig_seqcols[] = {
	{ "records", "version" },
	{ "cases", "created_seq" },
	{ "case_members", "granted_seq" },
	{ "purges", "created_seq" },
	{ "held_changes", "version" },
};

struct mig {
	sqlite3			*src;
	struct store		*dst;
	struct sdb		*db;		/* the target's connection */
	struct store_migrate	*m;
	struct mig_table	 t[MIG_TABLES_MAX];
	int			 nt;
	int			 order[MIG_TABLES_MAX];
	/* ref[a][b]: table a references table b */
	uint8_t			 ref[MIG_TABLES_MAX][MIG_TABLES_MAX];
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The first failure's text stays. */
static void __attribute__((__format__(printf, 2, 3)))
mig_why(struct store_migrate *m, const char *fmt, ...)
{
	va_list	ap;

	if (m->why[0] != '\0')
		return;
	va_start(ap, fmt);
	(void)vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
}

static int
mig_src_fail(struct mig *g, const char *what)
{
	mig_why(g->m, "source: %s: %s", what, sqlite3_errmsg(g->src));
	return CS_ERR_DB;
}

/* A failed call on the target: CS_ERR_RETRY stays, else CS_ERR_DB. */
static int
mig_dst_fail(struct mig *g, const char *what)
{
	int	r = sdb_last_error(g->db);

	mig_why(g->m, "target: %s: %s", what, sdb_errmsg(g->db));
	return r == CS_ERR_RETRY ? CS_ERR_RETRY : CS_ERR_DB;
}

/* Names from the source's schema go into SQL: lower-case words only. */
static int
mig_ident_ok(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		    (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i > 0 && i <= MIG_NAME_MAX;
}

/* Append to "sql" (MIG_SQL_MAX); CS_ERR_TOO_LARGE if it does not fit. */
static int __attribute__((__format__(printf, 2, 3)))
mig_cat(char *sql, const char *fmt, ...)
{
	va_list	ap;
	size_t	n = strlen(sql);
	int	w;

	va_start(ap, fmt);
	w = vsnprintf(sql + n, MIG_SQL_MAX - n, fmt, ap);
	va_end(ap);
	return w < 0 || (size_t)w >= MIG_SQL_MAX - n ? CS_ERR_TOO_LARGE : 0;
}

static struct mig_table *
mig_find(struct mig *g, const char *name)
{
	int	i;

	for (i = 0; i < g->nt; i++)
		if (strcmp(g->t[i].name, name) == 0)
			return &g->t[i];
	return NULL;
}

/* One integer from the target ("sql" with text parameters "a", "b"). */
static int
mig_dst_int(struct mig *g, const char *sql, const char *a, const char *b,
    int64_t *out)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = 0;

	*out = 0;
	if (sdb_prepare(g->db, sql, &s) != 0 ||
	    (a != NULL && sdb_bind_text(s, 1, a, -1) != 0) ||
	    (b != NULL && sdb_bind_text(s, 2, b, -1) != 0) ||
	    ((rc = sdb_step(s)) != SDB_ROW && rc != SDB_DONE))
		r = mig_dst_fail(g, sql);
	else if (rc == SDB_ROW)
		*out = sdb_column_int64(s, 0);
	sdb_finalize(s);
	return r;
}

/* One integer from the source. */
static int
mig_src_int(struct mig *g, const char *sql, const char *a, int64_t *out)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, r = 0;

	*out = 0;
	if (sqlite3_prepare_v2(g->src, sql, -1, &s, NULL) != SQLITE_OK ||
	    (a != NULL && sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC) !=
	    SQLITE_OK) ||
	    ((rc = sqlite3_step(s)) != SQLITE_ROW && rc != SQLITE_DONE))
		r = mig_src_fail(g, sql);
	else if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return r;
}

static int
mig_src_open(struct mig *g, const char *path)
{
	if (access(path, F_OK) == -1) {
		mig_why(g->m, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? CS_ERR_NOT_FOUND : CS_ERR_SYSTEM;
	}
	/* read-only: nothing of the source changes, not even its WAL */
	if (sqlite3_open_v2(path, &g->src, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
	    sqlite3_db_config(g->src, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(g->src, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(g->src, MIG_BUSY_MS) != SQLITE_OK)
		return mig_src_fail(g, path);
	/* one read transaction: every table of one state */
	if (sqlite3_exec(g->src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return mig_src_fail(g, "BEGIN");
	return 0;
}

/* The columns of table "t" in the source (PRAGMA table_info). */
static int
mig_src_cols(struct mig *g, struct mig_table *t)
{
	sqlite3_stmt		*s = NULL;
	const unsigned char	*name, *type;
	struct mig_col		*c;
	int			 i, k, rc, r = 0;

	if (sqlite3_prepare_v2(g->src, "SELECT name, type, pk FROM"
	    " pragma_table_info(?1) ORDER BY cid", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC) != SQLITE_OK) {
		r = mig_src_fail(g, "table_info");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = sqlite3_column_text(s, 0);
		type = sqlite3_column_text(s, 1);
		if (name == NULL || !mig_ident_ok((const char *)name) ||
		    t->ncols == SDB_PARAMS_MAX) {
			mig_why(g->m, "source: table %s: a column this copy "
			    "cannot take (name, or more than %d)", t->name,
			    SDB_PARAMS_MAX);
			r = CS_ERR_FORMAT;
			goto out;
		}
		c = &t->cols[t->ncols++];
		(void)str_fmt(c->name, sizeof(c->name), "%s", name);
		c->text = type != NULL &&
		    sqlite3_stricmp((const char *)type, "TEXT") == 0;
		c->pk = sqlite3_column_int(s, 2);
	}
	if (rc != SQLITE_DONE)
		r = mig_src_fail(g, "table_info");
	else if (t->ncols == 0) {
		mig_why(g->m, "source: table %s has no columns", t->name);
		r = CS_ERR_FORMAT;
	}
	for (k = 1; r == 0 && k <= t->ncols; k++)
		for (i = 0; i < t->ncols; i++)
			if (t->cols[i].pk == k)
				t->pk[t->npk++] = i;
 out:
	sqlite3_finalize(s);
	return r;
}

/* Tables, columns, foreign keys and high-water marks of the source. */
static int
mig_src_schema(struct mig *g)
{
	sqlite3_stmt		*s = NULL;
	const unsigned char	*name;
	struct mig_table	*t, *to;
	int64_t			 seqtab = 0;
	size_t			 k;
	int			 i, rc, r = 0;

	if (sqlite3_prepare_v2(g->src, "SELECT name FROM sqlite_schema WHERE"
	    " type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " ORDER BY name", -1, &s, NULL) != SQLITE_OK)
		return mig_src_fail(g, "tables");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = sqlite3_column_text(s, 0);
		if (name == NULL || !mig_ident_ok((const char *)name) ||
		    g->nt == MIG_TABLES_MAX) {
			mig_why(g->m, "source: a table this copy cannot take "
			    "(its name, or more than %d)", MIG_TABLES_MAX);
			r = CS_ERR_FORMAT;
			goto out;
		}
		t = &g->t[g->nt++];
		(void)str_fmt(t->name, sizeof(t->name), "%s", name);
		for (k = 0; k < N(mig_seeds); k++)
			if (strcmp(t->name, mig_seeds[k].table) == 0)
				t->seed = &mig_seeds[k];
	}
	if (rc != SQLITE_DONE) {
		r = mig_src_fail(g, "tables");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((r = mig_src_int(g, "SELECT count(*) FROM sqlite_schema WHERE"
	    " type = 'table' AND name = 'sqlite_sequence'", NULL, &seqtab)) != 0)
		goto out;
	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		if ((r = mig_src_cols(g, t)) != 0 || (seqtab && (r =
		    mig_src_int(g, "SELECT seq FROM sqlite_sequence WHERE"
		    " name = ?1", t->name, &t->floor)) != 0))
			goto out;
		if (sqlite3_prepare_v2(g->src, "SELECT \"table\" FROM"
		    " pragma_foreign_key_list(?1)", -1, &s, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC) !=
		    SQLITE_OK) {
			r = mig_src_fail(g, "foreign_key_list");
			goto out;
		}
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			if ((name = sqlite3_column_text(s, 0)) != NULL &&
			    (to = mig_find(g, (const char *)name)) != NULL)
				g->ref[i][to - g->t] = 1;
		if (rc != SQLITE_DONE) {
			r = mig_src_fail(g, "foreign_key_list");
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
 out:
	sqlite3_finalize(s);
	return r;
}

/*
 * The target has every table of the source with the same columns; its
 * foreign keys join the source's in the order (PostgreSQL's may be
 * stricter than what SQLite declared).
 */
static int
mig_dst_schema(struct mig *g)
{
	static const char	pg_cols[] = "SELECT CAST(column_name AS text)"
	    " FROM information_schema.columns WHERE table_schema ="
	    " current_schema() AND CAST(table_name AS text) = ?1";
	static const char	pg_refs[] = "SELECT cl.relname, cf.relname"
	    " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid"
	    " JOIN pg_class cf ON cf.oid = c.confrelid JOIN pg_namespace n"
	    " ON n.oid = cl.relnamespace WHERE c.contype = 'f' AND"
	    " n.nspname = current_schema()";
	static const char	sq_cols[] =
	    "SELECT name FROM pragma_table_info(?1)";
	const int		 pg = sdb_backend(g->db) == SDB_POSTGRESQL;
	struct sdb_stmt		*s = NULL;
	struct mig_table	*t, *a, *b;
	const char		*name;
	int			 i, j, n, rc, r = 0;

	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		if (sdb_prepare(g->db, pg ? pg_cols : sq_cols, &s) != 0 ||
		    sdb_bind_text(s, 1, t->name, -1) != 0)
			goto fail;
		n = 0;
		while ((rc = sdb_step(s)) == SDB_ROW) {
			name = (const char *)sdb_column_text(s, 0);
			for (j = 0; j < t->ncols; j++)
				if (name != NULL &&
				    strcmp(name, t->cols[j].name) == 0)
					break;
			if (j == t->ncols) {
				mig_why(g->m, "the schemas differ: table %s "
				    "has a column \"%s\" in the target, not in "
				    "the source", t->name,
				    name != NULL ? name : "");
				r = CS_ERR_FORMAT;
				goto out;
			}
			n++;
		}
		if (rc != SDB_DONE)
			goto fail;
		sdb_finalize(s);
		s = NULL;
		if (n != t->ncols) {
			mig_why(g->m, "the schemas differ: table %s has %d "
			    "columns in the source, %d in the target%s",
			    t->name, t->ncols, n, n == 0 ? " (no such table)" :
			    "");
			r = CS_ERR_FORMAT;
			goto out;
		}
	}
	if (!pg)
		return 0;
	if (sdb_prepare(g->db, pg_refs, &s) != 0)
		goto fail;
	while ((rc = sdb_step(s)) == SDB_ROW)
		if ((a = mig_find(g, (const char *)sdb_column_text(s, 0))) !=
		    NULL && (b = mig_find(g,
		    (const char *)sdb_column_text(s, 1))) != NULL)
			g->ref[a - g->t][b - g->t] = 1;
	if (rc != SDB_DONE)
		goto fail;
	goto out;
 fail:
	r = mig_dst_fail(g, "schema");
 out:
	sdb_finalize(s);
	return r;
}

/* Referenced tables first (a table's references to itself aside). */
static int
mig_order(struct mig *g)
{
	int	i, j, n = 0, progress = 1;

	while (n < g->nt && progress) {
		progress = 0;
		for (i = 0; i < g->nt; i++) {
			if (g->t[i].placed)
				continue;
			for (j = 0; j < g->nt; j++)
				if (j != i && g->ref[i][j] && !g->t[j].placed)
					break;
			if (j < g->nt)
				continue;
			g->t[i].placed = 1;
			g->order[n++] = i;
			progress = 1;
		}
	}
	if (n < g->nt) {
		mig_why(g->m, "the foreign keys of the schema form a cycle");
		return CS_ERR_FORMAT;
	}
	return 0;
}

/* Nothing in the target but what a new schema has. */
static int
mig_dst_empty(struct mig *g)
{
	const struct mig_seed	*sd;
	char			 sql[MIG_SQL_MAX];
	int64_t			 n;
	int			 i, r;

	for (i = 0; i < g->nt; i++) {
		sql[0] = '\0';
		sd = g->t[i].seed;
		if ((r = mig_cat(sql, "SELECT count(*) FROM \"%s\"",
		    g->t[i].name)) != 0 || (sd != NULL && (r = mig_cat(sql,
		    " WHERE %s%s%s%s", sd->keep != NULL ? "NOT (" : "",
		    sd->keep != NULL ? sd->keep : "", sd->keep != NULL ?
		    ") AND " : "", sd->more)) != 0))
			return r;
		if ((r = mig_dst_int(g, sql, NULL, NULL, &n)) != 0)
			return r;
		if (n != 0) {
			mig_why(g->m, "the target is not empty: table %s holds "
			    "%lld rows (migrate copies into a new, empty "
			    "database only)", g->t[i].name, (long long)n);
			return CS_ERR_EXISTS;
		}
	}
	return 0;
}

/* Column "i" in an ORDER BY or a key: text bytewise ("C") in PostgreSQL. */
static int
mig_col_sql(const struct mig_table *t, int pg, int i, char *sql)
{
	return mig_cat(sql, "\"%s\"%s", t->cols[i].name,
	    pg && t->cols[i].text ? " COLLATE \"C\"" : "");
}

/*
 * "SELECT cols FROM t [WHERE NOT keep] ORDER BY ..." for either side:
 * by the primary key, or every column, ordered as SQLite's BINARY.
 * "page": only the MIG_PAGE rows of a key above ?1, ?2 ... (the key of
 * the last row read), for a table that has a primary key.
 */
static int
mig_select(const struct mig_table *t, int pg, int page, char *sql)
{
	const char	*w = " WHERE ";
	int		 i, k, r;

	sql[0] = '\0';
	r = mig_cat(sql, "SELECT ");
	for (i = 0; r == 0 && i < t->ncols; i++)
		r = mig_cat(sql, "%s\"%s\"", i > 0 ? ", " : "",
		    t->cols[i].name);
	if (r == 0)
		r = mig_cat(sql, " FROM \"%s\"", t->name);
	if (r == 0 && t->seed != NULL && t->seed->keep != NULL) {
		r = mig_cat(sql, "%sNOT (%s)", w, t->seed->keep);
		w = " AND ";
	}
	if (r == 0 && page > 1 && t->npk > 0) {
		r = mig_cat(sql, "%s(", w);
		for (k = 0; r == 0 && k < t->npk; k++)
			if ((r = mig_cat(sql, "%s", k > 0 ? ", " : "")) == 0)
				r = mig_col_sql(t, pg, t->pk[k], sql);
		if (r == 0)
			r = mig_cat(sql, ") > (");
		for (k = 0; r == 0 && k < t->npk; k++)
			r = mig_cat(sql, "%s?%d", k > 0 ? ", " : "", k + 1);
		if (r == 0)
			r = mig_cat(sql, ")");
	}
	if (r == 0)
		r = mig_cat(sql, " ORDER BY ");
	for (k = 0; r == 0 && k < (t->npk > 0 ? t->npk : t->ncols); k++) {
		if ((r = mig_cat(sql, "%s", k > 0 ? ", " : "")) == 0)
			r = mig_col_sql(t, pg, t->npk > 0 ? t->pk[k] : k, sql);
		if (r == 0 && pg && t->npk == 0)
			r = mig_cat(sql, " NULLS FIRST");
	}
	if (r == 0 && page > 0 && t->npk > 0)
		r = mig_cat(sql, " LIMIT %d", MIG_PAGE);
	return r;
}

static int
mig_insert_sql(const struct mig_table *t, char *sql)
{
	int	i, r;

	sql[0] = '\0';
	r = mig_cat(sql, "INSERT INTO \"%s\" (", t->name);
	for (i = 0; r == 0 && i < t->ncols; i++)
		r = mig_cat(sql, "%s\"%s\"", i > 0 ? ", " : "",
		    t->cols[i].name);
	if (r == 0)
		r = mig_cat(sql, ") VALUES (");
	for (i = 0; r == 0 && i < t->ncols; i++)
		r = mig_cat(sql, "%s?%d", i > 0 ? ", " : "", i + 1);
	if (r == 0)
		r = mig_cat(sql, ")");
	return r;
}

/* Bind column "i" of the source's row to parameter i + 1, as it is. */
static int
mig_bind(struct mig *g, const struct mig_table *t, sqlite3_stmt *src,
    struct sdb_stmt *ins, int i)
{
	const void	*p;
	int		 n;

	switch (sqlite3_column_type(src, i)) {
	case SQLITE_INTEGER:
		return sdb_bind_int64(ins, i + 1,
		    sqlite3_column_int64(src, i));
	case SQLITE_TEXT:
		p = sqlite3_column_text(src, i);
		n = sqlite3_column_bytes(src, i);
		return p == NULL ? CS_ERR_ALLOC : sdb_bind_text(ins, i + 1, p,
		    n);
	case SQLITE_BLOB:
		p = sqlite3_column_blob(src, i);
		n = sqlite3_column_bytes(src, i);
		return sdb_bind_blob(ins, i + 1, p, (size_t)n);
	case SQLITE_NULL:
		return sdb_bind_null(ins, i + 1);
	default:
		mig_why(g->m, "source: table %s column %s: a floating-point "
		    "value, which no casesync column holds", t->name,
		    t->cols[i].name);
		return CS_ERR_FORMAT;
	}
}

/* Is column "i" of the target's row the source's value? */
static int
mig_same(sqlite3_stmt *src, struct sdb_stmt *dst, int i)
{
	const void	*a, *b;
	size_t		 n;

	switch (sqlite3_column_type(src, i)) {
	case SQLITE_NULL:
		return sdb_column_is_null(dst, i);
	case SQLITE_INTEGER:
		return !sdb_column_is_null(dst, i) &&
		    sdb_column_int64(dst, i) == sqlite3_column_int64(src, i);
	case SQLITE_TEXT:
		a = sqlite3_column_text(src, i);
		b = sdb_column_text(dst, i);
		break;
	default:
		a = sqlite3_column_blob(src, i);
		b = sdb_column_blob(dst, i);
		break;
	}
	n = (size_t)sqlite3_column_bytes(src, i);
	if (sdb_column_is_null(dst, i) || sdb_column_bytes(dst, i) != n)
		return 0;
	return n == 0 || (a != NULL && b != NULL && memcmp(a, b, n) == 0);
}

/* Copy table "t": every row of the source into the target. */
static int
mig_copy(struct mig *g, struct mig_table *t)
{
	sqlite3_stmt	*src = NULL;
	struct sdb_stmt	*ins = NULL;
	char		 sql[MIG_SQL_MAX];
	int		 i, rc, r;

	if (t->seed != NULL && sdb_exec(g->db, t->seed->clear) != 0)
		return mig_dst_fail(g, t->seed->clear);
	if ((r = mig_select(t, 0, 0, sql)) != 0)
		goto out;
	if (sqlite3_prepare_v2(g->src, sql, -1, &src, NULL) != SQLITE_OK) {
		r = mig_src_fail(g, t->name);
		goto out;
	}
	if ((r = mig_insert_sql(t, sql)) != 0)
		goto out;
	if (sdb_prepare(g->db, sql, &ins) != 0) {
		r = mig_dst_fail(g, t->name);
		goto out;
	}
	while ((rc = sqlite3_step(src)) == SQLITE_ROW) {
		if ((r = sdb_reset(ins)) != 0)
			goto out;
		for (i = 0; i < t->ncols; i++)
			if ((r = mig_bind(g, t, src, ins, i)) != 0)
				goto out;
		if (sdb_step(ins) != SDB_DONE) {
			r = mig_dst_fail(g, t->name);
			goto out;
		}
		t->rows++;
	}
	if (rc != SQLITE_DONE)
		r = mig_src_fail(g, t->name);
 out:
	sqlite3_finalize(src);
	sdb_finalize(ins);
	return r;
}

/* Keep the key of the source's current row in "k" (MIG_PAGE's last). */
static int
mig_key_save(const struct mig_table *t, sqlite3_stmt *src, struct mig_key *k)
{
	const void	*p;
	int		 j, c;

	for (j = 0; j < t->npk; j++) {
		c = t->pk[j];
		free(k[j].p);
		memset(&k[j], 0, sizeof(k[j]));
		k[j].type = sqlite3_column_type(src, c);
		if (k[j].type == SQLITE_INTEGER) {
			k[j].i = sqlite3_column_int64(src, c);
			continue;
		}
		if (k[j].type != SQLITE_TEXT && k[j].type != SQLITE_BLOB)
			return CS_ERR_FORMAT;	/* a NULL or REAL key */
		p = k[j].type == SQLITE_TEXT ? (const void *)
		    sqlite3_column_text(src, c) : sqlite3_column_blob(src, c);
		k[j].n = (size_t)sqlite3_column_bytes(src, c);
		if ((k[j].p = malloc(k[j].n + 1)) == NULL)
			return CS_ERR_ALLOC;
		if (k[j].n > 0)
			memcpy(k[j].p, p, k[j].n);
		k[j].p[k[j].n] = '\0';		/* text ends there (sdb.h) */
	}
	return 0;
}

static int
mig_key_bind(const struct mig_table *t, struct sdb_stmt *s,
    const struct mig_key *k)
{
	int	j, r = 0;

	for (j = 0; r == 0 && j < t->npk; j++)
		r = k[j].type == SQLITE_INTEGER ? sdb_bind_int64(s, j + 1,
		    k[j].i) : k[j].type == SQLITE_TEXT ? sdb_bind_text(s, j + 1,
		    (const char *)k[j].p, (int)k[j].n) : sdb_bind_blob(s, j + 1,
		    k[j].p, k[j].n);
	return r;
}

/*
 * The target's side of mig_compare: page "page" (1, 2, ...), after the
 * key "k" from the second on.  A table without a primary key is read
 * whole (small ones: the log of failed enrollments).
 */
static int
mig_page(struct mig *g, const struct mig_table *t, int page,
    const struct mig_key *k, struct sdb_stmt **dst)
{
	char	sql[MIG_SQL_MAX];
	int	r;

	sdb_finalize(*dst);
	*dst = NULL;
	if ((r = mig_select(t, sdb_backend(g->db) == SDB_POSTGRESQL, page,
	    sql)) != 0)
		return r;
	if (sdb_prepare(g->db, sql, dst) != 0)
		return mig_dst_fail(g, t->name);
	if (page > 1 && mig_key_bind(t, *dst, k) != 0) {
		mig_why(g->m, "table %s: cannot bind the key of a page",
		    t->name);
		return CS_ERR_INTERNAL;
	}
	return 0;
}

/*
 * Read "t" back from both sides in the same order; equal row by row.
 * The source streams; the target is read MIG_PAGE rows at a time, each
 * page after the key of the last row compared (keyset), so that a
 * table of millions of rows is never held in memory at once.
 */
static int
mig_compare(struct mig *g, struct mig_table *t)
{
	sqlite3_stmt	*src = NULL;
	struct sdb_stmt	*dst = NULL;
	struct mig_key	 keys[2][SDB_PARAMS_MAX];
	char		 sql[MIG_SQL_MAX];
	int64_t		 n = 0;
	int		 i, a, b, r, page = 1, got = 0;

	memset(keys, 0, sizeof(keys));
	if ((r = mig_select(t, 0, 0, sql)) != 0)
		goto out;
	if (sqlite3_prepare_v2(g->src, sql, -1, &src, NULL) != SQLITE_OK) {
		r = mig_src_fail(g, t->name);
		goto out;
	}
	if ((r = mig_page(g, t, page, NULL, &dst)) != 0)
		goto out;
	for (;;) {
		a = sqlite3_step(src);
		b = sdb_step(dst);
		if (b == SDB_DONE && t->npk > 0 && got == MIG_PAGE) {
			/* the bindings of the page before stay until now */
			page++;
			got = 0;
			if ((r = mig_page(g, t, page, keys[page & 1],
			    &dst)) != 0)
				goto out;
			b = sdb_step(dst);
		}
		if (a != SQLITE_ROW && a != SQLITE_DONE) {
			r = mig_src_fail(g, t->name);
			goto out;
		}
		if (b != SDB_ROW && b != SDB_DONE) {
			r = mig_dst_fail(g, t->name);
			goto out;
		}
		if (a == SQLITE_DONE || b == SDB_DONE)
			break;
		for (i = 0; i < t->ncols; i++)
			if (!mig_same(src, dst, i)) {
				mig_why(g->m, "table %s: row %lld, column %s "
				    "differs in the target after the copy",
				    t->name, (long long)n + 1, t->cols[i].name);
				r = CS_ERR_TAMPERED;
				goto out;
			}
		n++;
		if (++got == MIG_PAGE && t->npk > 0 &&
		    (r = mig_key_save(t, src, keys[(page + 1) & 1])) != 0) {
			mig_why(g->m, "table %s: a key this copy cannot page "
			    "by", t->name);
			goto out;
		}
	}
	if (a != SQLITE_DONE || b != SDB_DONE || n != t->rows) {
		mig_why(g->m, "table %s: %lld rows copied, the target reads "
		    "back %s", t->name, (long long)t->rows,
		    b == SDB_DONE ? "fewer" : "more");
		r = CS_ERR_TAMPERED;
	}
 out:
	sqlite3_finalize(src);
	sdb_finalize(dst);
	for (i = 0; i < SDB_PARAMS_MAX; i++) {
		free(keys[0][i].p);
		free(keys[1][i].p);
	}
	return r;
}

/*
 * The counters new ids come from, past every copied id and every
 * AUTOINCREMENT high-water mark of the source (an id once given is
 * never given again, as in SQLite).
 */
static int
mig_counters(struct mig *g)
{
	struct sdb_stmt		*s = NULL;
	struct mig_table	*t;
	char			 sql[MIG_SQL_MAX], seqname[256];
	const unsigned char	*p;
	int64_t			 max, has;
	int			 i, j, r = 0;

	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		if (sdb_backend(g->db) == SDB_SQLITE) {
			/* an INTEGER PRIMARY KEY follows max(id) itself */
			if (t->floor == 0)
				continue;
			if ((r = mig_dst_int(g, "SELECT count(*) FROM"
			    " sqlite_sequence WHERE name = ?1", t->name, NULL,
			    &has)) != 0)
				return r;
			if (sdb_prepare(g->db, has ? "UPDATE sqlite_sequence"
			    " SET seq = ?2 WHERE name = ?1 AND seq < ?2" :
			    "INSERT INTO sqlite_sequence(name, seq) VALUES"
			    " (?1, ?2)", &s) != 0 ||
			    sdb_bind_text(s, 1, t->name, -1) != 0 ||
			    sdb_bind_int64(s, 2, t->floor) != 0 ||
			    sdb_step(s) != SDB_DONE)
				goto fail;
			sdb_finalize(s);
			s = NULL;
			g->m->counters++;
			continue;
		}
		for (j = 0; j < t->ncols; j++) {
			if (sdb_prepare(g->db, "SELECT pg_get_serial_sequence("
			    "?1, ?2)", &s) != 0 ||
			    sdb_bind_text(s, 1, t->name, -1) != 0 ||
			    sdb_bind_text(s, 2, t->cols[j].name, -1) != 0 ||
			    sdb_step(s) != SDB_ROW)
				goto fail;
			p = sdb_column_text(s, 0);
			if (sdb_column_is_null(s, 0) || p == NULL ||
			    str_fmt(seqname, sizeof(seqname), "%s", p) != 0) {
				sdb_finalize(s);
				s = NULL;
				continue;
			}
			sdb_finalize(s);
			s = NULL;
			sql[0] = '\0';
			if ((r = mig_cat(sql, "SELECT COALESCE(max(\"%s\"), 0)"
			    " FROM \"%s\"", t->cols[j].name, t->name)) != 0 ||
			    (r = mig_dst_int(g, sql, NULL, NULL, &max)) != 0)
				return r;
			if (max < t->floor)
				max = t->floor;
			if (max < 1)
				continue;	/* untouched: starts at 1 */
			if (sdb_prepare(g->db, "SELECT setval(CAST(?1 AS"
			    " regclass), ?2)", &s) != 0 ||
			    sdb_bind_text(s, 1, seqname, -1) != 0 ||
			    sdb_bind_int64(s, 2, max) != 0 ||
			    sdb_step(s) != SDB_ROW)
				goto fail;
			sdb_finalize(s);
			s = NULL;
			g->m->counters++;
		}
	}
	return 0;
 fail:
	r = mig_dst_fail(g, "counters");
	sdb_finalize(s);
	return r;
}

/* meta 'seq' past every seq a copied row holds. */
static int
mig_seq(struct mig *g)
{
	struct sdb_stmt	*s = NULL;
	char		 sql[MIG_SQL_MAX];
	int64_t		 seq, v;
	size_t		 i;
	int		 r;

	if ((r = mig_dst_int(g, "SELECT value FROM meta WHERE key = 'seq'",
	    NULL, NULL, &seq)) != 0)
		return r;
	for (i = 0; i < N(mig_seqcols); i++) {
		if (mig_find(g, mig_seqcols[i].table) == NULL)
			continue;
		sql[0] = '\0';
		if ((r = mig_cat(sql, "SELECT COALESCE(max(\"%s\"), 0) FROM"
		    " \"%s\"", mig_seqcols[i].col, mig_seqcols[i].table)) != 0 ||
		    (r = mig_dst_int(g, sql, NULL, NULL, &v)) != 0)
			return r;
		if (v > seq)
			seq = v;
	}
	if (sdb_prepare(g->db, "UPDATE meta SET value = ?1 WHERE key = 'seq'"
	    " AND value < ?1", &s) != 0 || sdb_bind_int64(s, 1, seq) != 0 ||
	    sdb_step(s) != SDB_DONE)
		r = mig_dst_fail(g, "seq");
	sdb_finalize(s);
	g->m->seq = seq;
	return r;
}

/* After the commit: the target's rows counted again, table by table. */
static int
mig_recount(struct mig *g)
{
	const struct mig_table	*t;
	char			 sql[MIG_SQL_MAX];
	int64_t			 n;
	int			 i, r;

	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		sql[0] = '\0';
		if ((r = mig_cat(sql, "SELECT count(*) FROM \"%s\"",
		    t->name)) != 0 || (t->seed != NULL && t->seed->keep !=
		    NULL && (r = mig_cat(sql, " WHERE NOT (%s)",
		    t->seed->keep)) != 0))
			return r;
		if ((r = mig_dst_int(g, sql, NULL, NULL, &n)) != 0)
			return r;
		if (n != t->rows) {
			mig_why(g->m, "after the commit, table %s holds %lld "
			    "rows in the target, %lld were copied", t->name,
			    (long long)n, (long long)t->rows);
			return CS_ERR_TAMPERED;
		}
	}
	return 0;
}

int
store_migrate_probe(const char *spec, struct store_migrate *m)
{
	struct sdb	*db = NULL;
	struct mig	 g;
	int64_t		 tables = 0, meta = 0;
	int		 pg, r;

	memset(m, 0, sizeof(*m));
	if ((r = sdb_open(spec, &db)) != 0) {
		mig_why(m, "cannot open the target database (%s)",
		    r == CS_ERR_RETRY ? "it does not answer: see above" :
		    cs_why(r));
		return r;
	}
	memset(&g, 0, sizeof(g));
	g.db = db;
	g.m = m;
	pg = sdb_backend(db) == SDB_POSTGRESQL;
	if ((r = mig_dst_int(&g, pg ? "SELECT count(*) FROM"
	    " information_schema.tables WHERE table_schema = current_schema()"
	    : "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
	    NULL, NULL, &tables)) != 0 ||
	    (r = mig_dst_int(&g, pg ? "SELECT count(*) FROM"
	    " information_schema.tables WHERE table_schema = current_schema()"
	    " AND table_name = 'meta'" : "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table' AND name = 'meta'", NULL, NULL, &meta)) != 0)
		goto out;
	if (tables > 0 && meta == 0) {
		mig_why(m, "the target is not empty: it holds %lld tables, "
		    "none of them casesync's", (long long)tables);
		r = CS_ERR_EXISTS;
	}
 out:
	sdb_close(db);
	return r;
}

int
store_migrate_copy(const char *path, struct store *dst, store_migrate_fn *fn,
    void *arg, struct store_migrate *m)
{
	struct mig	*g;
	struct mig_table *t;
	int		 i, r, committed = 0;

	memset(m, 0, sizeof(*m));
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return CS_ERR_ALLOC;
	g->dst = dst;
	g->db = dst->db;
	g->m = m;
	if ((r = mig_src_open(g, path)) != 0 ||
	    (r = mig_src_int(g, "PRAGMA user_version", NULL,
	    &m->version)) != 0)
		goto out;
	if (m->version != store_schema_current()) {
		mig_why(m, "the schema versions differ: %s is at version "
		    "%lld, this program's is %d (%s)", path,
		    (long long)m->version, store_schema_current(),
		    m->version < store_schema_current() ? "open it once "
		    "with this casesyncctl, e.g. casesyncctl status, to bring "
		    "it up to date" : "use the casesync version that wrote "
		    "it, or a newer one");
		r = CS_ERR_STATE;
		goto out;
	}
	if ((r = mig_src_schema(g)) != 0 || (r = mig_dst_schema(g)) != 0 ||
	    (r = mig_order(g)) != 0)
		goto out;
	if ((r = store_begin(dst)) != 0) {
		r = mig_dst_fail(g, "BEGIN");
		goto out;
	}
	if ((r = mig_dst_empty(g)) != 0)
		goto out;
	for (i = 0; i < g->nt; i++) {
		t = &g->t[g->order[i]];
		if ((r = mig_copy(g, t)) != 0)
			goto out;
		m->tables++;
		m->rows += t->rows;
	}
	for (i = 0; i < g->nt; i++)
		if ((r = mig_compare(g, &g->t[g->order[i]])) != 0)
			goto out;
	if ((r = mig_counters(g)) != 0 || (r = mig_seq(g)) != 0)
		goto out;
	if ((r = store_commit(dst)) != 0) {
		r = mig_dst_fail(g, "COMMIT");
		goto out;
	}
	committed = m->committed = 1;
	if ((r = mig_recount(g)) != 0)
		goto out;
	for (i = 0; fn != NULL && i < g->nt; i++)
		fn(g->t[g->order[i]].name, g->t[g->order[i]].rows, arg);
 out:
	if (r == CS_ERR_TOO_LARGE)
		mig_why(m, "a table too wide for this copy");
	if (!committed)
		store_rollback(dst);
	if (g->src != NULL) {
		(void)sqlite3_exec(g->src, "COMMIT", NULL, NULL, NULL);
		(void)sqlite3_close(g->src);
	}
	free(g);
	return r;
}
