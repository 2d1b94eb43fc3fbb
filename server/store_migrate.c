/* SPDX-License-Identifier: ISC */
/*
 * store_migrate.c - copy an SQLite server database into an empty
 * database of another backend (store_migrate.h; casesyncctl migrate).
 *
 * The copy knows no table by name but the two a new schema fills
 * (mig_seeds) and the columns that hold seq values (mig_seqcols,
 * store_migrate_check.c): the tables, their columns and their foreign
 * keys are read from the source's schema and checked against the
 * target's, so a table added by a later migration is copied without a
 * change here.  The source is
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
#include "fault.h"
#include "sdb.h"
#include "store.h"
#include "store_int.h"
#include "store_migrate.h"
#include "store_migrate_int.h"
#include "util.h"

/* The tables a new schema fills (struct mig_seed). */
static const struct mig_seed mig_seeds[] = {
	{ "meta", "key = 'schema_version'", "value <> 0",
	    "DELETE FROM meta WHERE NOT (key = 'schema_version')" },
	{ "audit_state", NULL, "size <> 0", "DELETE FROM audit_state" },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The first failure's text stays. */
void
store_mig_why(struct store_migrate *m, const char *fmt, ...)
{
	va_list	ap;

	if (m->why[0] != '\0')
		return;
	va_start(ap, fmt);
	(void)vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
}

int
store_mig_src_fail(struct mig *g, const char *what)
{
	store_mig_why(g->m, "source: %s: %s", what, sqlite3_errmsg(g->src));
	return CS_ERR_DB;
}

/* A failed call on the target: CS_ERR_RETRY stays, else CS_ERR_DB. */
int
store_mig_dst_fail(struct mig *g, const char *what)
{
	int	r = sdb_last_error(g->db);

	store_mig_why(g->m, "target: %s: %s", what, sdb_errmsg(g->db));
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
int
store_mig_cat(char *sql, const char *fmt, ...)
{
	va_list	ap;
	size_t	n = strlen(sql);
	int	w;

	va_start(ap, fmt);
	w = vsnprintf(sql + n, MIG_SQL_MAX - n, fmt, ap);
	va_end(ap);
	return w < 0 || (size_t)w >= MIG_SQL_MAX - n ? CS_ERR_TOO_LARGE : 0;
}

struct mig_table *
store_mig_find(struct mig *g, const char *name)
{
	int	i;

	for (i = 0; i < g->nt; i++)
		if (strcmp(g->t[i].name, name) == 0)
			return &g->t[i];
	return NULL;
}

/* One integer from the target ("sql" with text parameters "a", "b"). */
int
store_mig_dst_int(struct mig *g, const char *sql, const char *a, const char *b,
    int64_t *out)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = 0;

	*out = 0;
	if (sdb_prepare(g->db, sql, &s) != 0 ||
	    (a != NULL && sdb_bind_text(s, 1, a, -1) != 0) ||
	    (b != NULL && sdb_bind_text(s, 2, b, -1) != 0) ||
	    ((rc = sdb_step(s)) != SDB_ROW && rc != SDB_DONE))
		r = store_mig_dst_fail(g, sql);
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
		r = store_mig_src_fail(g, sql);
	else if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return r;
}

static int
mig_src_open(struct mig *g, const char *path)
{
	if (access(path, F_OK) == -1) {
		store_mig_why(g->m, "%s: %s", path, strerror(errno));
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
		return store_mig_src_fail(g, path);
	/* one read transaction: every table of one state */
	if (sqlite3_exec(g->src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_mig_src_fail(g, "BEGIN");
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
		r = store_mig_src_fail(g, "table_info");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = sqlite3_column_text(s, 0);
		type = sqlite3_column_text(s, 1);
		if (name == NULL || !mig_ident_ok((const char *)name) ||
		    t->ncols == MIG_COLS_MAX) {
			store_mig_why(g->m, "source: table %s: a column this "
			    "copy cannot take (name, or more than %d)", t->name,
			    MIG_COLS_MAX);
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
		r = store_mig_src_fail(g, "table_info");
	else if (t->ncols == 0) {
		store_mig_why(g->m, "source: table %s has no columns", t->name);
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
		return store_mig_src_fail(g, "tables");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = sqlite3_column_text(s, 0);
		if (name == NULL || !mig_ident_ok((const char *)name) ||
		    g->nt == MIG_TABLES_MAX) {
			store_mig_why(g->m, "source: a table this copy cannot "
			    "take (its name, or more than %d)", MIG_TABLES_MAX);
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
		r = store_mig_src_fail(g, "tables");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((r = mig_src_int(g, "SELECT count(*) FROM sqlite_schema WHERE"
	    " type = 'table' AND name = 'sqlite_sequence'", NULL,
	    &seqtab)) != 0)
		goto out;
	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		if ((r = mig_src_cols(g, t)) != 0 || (seqtab && (r =
		    mig_src_int(g, "SELECT seq FROM sqlite_sequence WHERE"
		    " name = ?1", t->name, &t->floor)) != 0))
			goto out;
		if (sqlite3_prepare_v2(g->src, "SELECT \"table\" FROM"
		    " pragma_foreign_key_list(?1)", -1, &s, NULL) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC) !=
		    SQLITE_OK) {
			r = store_mig_src_fail(g, "foreign_key_list");
			goto out;
		}
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			if ((name = sqlite3_column_text(s, 0)) != NULL &&
			    (to = store_mig_find(g, (const char *)name)) !=
			    NULL)
				g->ref[i][to - g->t] = 1;
		if (rc != SQLITE_DONE) {
			r = store_mig_src_fail(g, "foreign_key_list");
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
				store_mig_why(g->m, "the schemas differ: table "
				    "%s has a column \"%s\" in the target, not "
				    "in the source", t->name,
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
			store_mig_why(g->m, "the schemas differ: table %s has "
			    "%d columns in the source, %d in the target%s",
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
		if ((a = store_mig_find(g,
		    (const char *)sdb_column_text(s, 0))) != NULL &&
		    (b = store_mig_find(g,
		    (const char *)sdb_column_text(s, 1))) != NULL)
			g->ref[a - g->t][b - g->t] = 1;
	if (rc != SDB_DONE)
		goto fail;
	goto out;
 fail:
	r = store_mig_dst_fail(g, "schema");
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
		store_mig_why(g->m, "the foreign keys of the schema form a "
		    "cycle");
		return CS_ERR_FORMAT;
	}
	return 0;
}

int
store_mig_count(struct mig *g, const struct mig_table *t, int more,
    int64_t *n)
{
	const struct mig_seed	*sd = t->seed;
	const char		*w = " WHERE ";
	char			 sql[MIG_SQL_MAX];
	int			 r;

	*n = 0;
	sql[0] = '\0';
	if ((r = store_mig_cat(sql, "SELECT count(*) FROM \"%s\"",
	    t->name)) != 0)
		return r;
	if (sd != NULL && sd->keep != NULL) {
		if ((r = store_mig_cat(sql, "%sNOT (%s)", w, sd->keep)) != 0)
			return r;
		w = " AND ";
	}
	if (sd != NULL && more && (r = store_mig_cat(sql, "%s%s", w,
	    sd->more)) != 0)
		return r;
	return store_mig_dst_int(g, sql, NULL, NULL, n);
}

/* Nothing in the target but what a new schema has. */
static int
mig_dst_empty(struct mig *g)
{
	int64_t	n;
	int	i, r;

	for (i = 0; i < g->nt; i++) {
		if ((r = store_mig_count(g, &g->t[i], 1, &n)) != 0)
			return r;
		if (n != 0) {
			store_mig_why(g->m, "the target is not empty: table %s "
			    "holds %lld rows (migrate copies into a new, empty "
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
	return store_mig_cat(sql, "\"%s\"%s", t->cols[i].name,
	    pg && t->cols[i].text ? " COLLATE \"C\"" : "");
}

/*
 * "SELECT cols FROM t [WHERE NOT keep] ORDER BY ..." for either side:
 * by the primary key, or every column, ordered as SQLite's BINARY.
 * "page": only the MIG_PAGE rows of a key above ?1, ?2 ... (the key of
 * the last row read), for a table that has a primary key.
 */
int
store_mig_select(const struct mig_table *t, int pg, int page, char *sql)
{
	const char	*w = " WHERE ";
	int		 i, k, r;

	sql[0] = '\0';
	r = store_mig_cat(sql, "SELECT ");
	for (i = 0; r == 0 && i < t->ncols; i++)
		r = store_mig_cat(sql, "%s\"%s\"", i > 0 ? ", " : "",
		    t->cols[i].name);
	if (r == 0)
		r = store_mig_cat(sql, " FROM \"%s\"", t->name);
	if (r == 0 && t->seed != NULL && t->seed->keep != NULL) {
		r = store_mig_cat(sql, "%sNOT (%s)", w, t->seed->keep);
		w = " AND ";
	}
	if (r == 0 && page > 1 && t->npk > 0) {
		r = store_mig_cat(sql, "%s(", w);
		for (k = 0; r == 0 && k < t->npk; k++)
			if ((r = store_mig_cat(sql, "%s", k > 0 ? ", " :
			    "")) == 0)
				r = mig_col_sql(t, pg, t->pk[k], sql);
		if (r == 0)
			r = store_mig_cat(sql, ") > (");
		for (k = 0; r == 0 && k < t->npk; k++)
			r = store_mig_cat(sql, "%s?%d", k > 0 ? ", " : "",
			    k + 1);
		if (r == 0)
			r = store_mig_cat(sql, ")");
	}
	if (r == 0)
		r = store_mig_cat(sql, " ORDER BY ");
	for (k = 0; r == 0 && k < (t->npk > 0 ? t->npk : t->ncols); k++) {
		if ((r = store_mig_cat(sql, "%s", k > 0 ? ", " : "")) == 0)
			r = mig_col_sql(t, pg, t->npk > 0 ? t->pk[k] : k, sql);
		if (r == 0 && pg && t->npk == 0)
			r = store_mig_cat(sql, " NULLS FIRST");
	}
	if (r == 0 && page > 0 && t->npk > 0)
		r = store_mig_cat(sql, " LIMIT %d", MIG_PAGE);
	return r;
}

static int
mig_insert_sql(const struct mig_table *t, char *sql)
{
	int	i, r;

	sql[0] = '\0';
	r = store_mig_cat(sql, "INSERT INTO \"%s\" (", t->name);
	for (i = 0; r == 0 && i < t->ncols; i++)
		r = store_mig_cat(sql, "%s\"%s\"", i > 0 ? ", " : "",
		    t->cols[i].name);
	if (r == 0)
		r = store_mig_cat(sql, ") VALUES (");
	for (i = 0; r == 0 && i < t->ncols; i++)
		r = store_mig_cat(sql, "%s?%d", i > 0 ? ", " : "", i + 1);
	if (r == 0)
		r = store_mig_cat(sql, ")");
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
		store_mig_why(g->m, "source: table %s column %s: a "
		    "floating-point value, which no casesync column holds",
		    t->name, t->cols[i].name);
		return CS_ERR_FORMAT;
	}
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
		return store_mig_dst_fail(g, t->seed->clear);
	if ((r = store_mig_select(t, 0, 0, sql)) != 0)
		goto out;
	if (sqlite3_prepare_v2(g->src, sql, -1, &src, NULL) != SQLITE_OK) {
		r = store_mig_src_fail(g, t->name);
		goto out;
	}
	if ((r = mig_insert_sql(t, sql)) != 0)
		goto out;
	if (sdb_prepare(g->db, sql, &ins) != 0) {
		r = store_mig_dst_fail(g, t->name);
		goto out;
	}
	while ((rc = sqlite3_step(src)) == SQLITE_ROW) {
		if ((r = sdb_reset(ins)) != 0)
			goto out;
		for (i = 0; i < t->ncols; i++)
			if ((r = mig_bind(g, t, src, ins, i)) != 0)
				goto out;
		if (sdb_step(ins) != SDB_DONE) {
			r = store_mig_dst_fail(g, t->name);
			goto out;
		}
		t->rows++;
	}
	if (rc != SQLITE_DONE)
		r = store_mig_src_fail(g, t->name);
 out:
	sqlite3_finalize(src);
	sdb_finalize(ins);
	return r;
}

int
store_migrate_probe(const char *spec, struct store_migrate *m)
{
	struct sdb	*db = NULL;
	struct mig	*g = NULL;
	int64_t		 tables = 0, meta = 0;
	int		 pg, r;

	memset(m, 0, sizeof(*m));
	if ((r = sdb_open(spec, &db)) != 0) {
		store_mig_why(m, "cannot open the target database (%s)",
		    r == CS_ERR_RETRY ? "it does not answer: see above" :
		    cs_why(r));
		return r;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	g->db = db;
	g->m = m;
	pg = sdb_backend(db) == SDB_POSTGRESQL;
	if ((r = store_mig_dst_int(g, pg ? "SELECT count(*) FROM"
	    " information_schema.tables WHERE table_schema = current_schema()"
	    : "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
	    NULL, NULL, &tables)) != 0 ||
	    (r = store_mig_dst_int(g, pg ? "SELECT count(*) FROM"
	    " information_schema.tables WHERE table_schema = current_schema()"
	    " AND table_name = 'meta'" : "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table' AND name = 'meta'", NULL, NULL, &meta)) != 0)
		goto out;
	if (tables > 0 && meta == 0) {
		store_mig_why(m, "the target is not empty: it holds %lld "
		    "tables, none of them casesync's", (long long)tables);
		r = CS_ERR_EXISTS;
	}
 out:
	free(g);
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
		store_mig_why(m, "the schema versions differ: %s is at version "
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
		r = store_mig_dst_fail(g, "BEGIN");
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
		if ((r = store_mig_compare(g, &g->t[g->order[i]])) != 0)
			goto out;
	if ((r = store_mig_counters(g)) != 0 || (r = store_mig_seq(g)) != 0)
		goto out;
	fault_point("migrate-copied-uncommitted");
	if ((r = store_commit(dst)) != 0) {
		r = store_mig_dst_fail(g, "COMMIT");
		goto out;
	}
	committed = m->committed = 1;
	if ((r = store_mig_recount(g)) != 0)
		goto out;
	for (i = 0; fn != NULL && i < g->nt; i++)
		fn(g->t[g->order[i]].name, g->t[g->order[i]].rows, arg);
 out:
	if (r == CS_ERR_TOO_LARGE)
		store_mig_why(m, "a table too wide for this copy");
	if (!committed)
		store_rollback(dst);
	if (g->src != NULL) {
		(void)sqlite3_exec(g->src, "COMMIT", NULL, NULL, NULL);
		(void)sqlite3_close(g->src);
	}
	free(g);
	return r;
}
