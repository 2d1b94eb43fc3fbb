/* SPDX-License-Identifier: ISC */
/*
 * store_migrate_check.c - the second half of casesyncctl migrate's copy
 * (store_migrate.h): every table read back from both sides and compared
 * value by value, the target a page at a time; the counters new ids
 * and seq values come from, set past the copy; the rows counted again
 * after the commit.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "errors.h"
#include "sdb.h"
#include "store.h"
#include "store_int.h"
#include "store_migrate.h"
#include "store_migrate_int.h"
#include "util.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* A key value of the last row of a page (mig_compare). */
struct mig_key {
	int	type;		/* SQLITE_INTEGER, _TEXT, _BLOB */
	int64_t	i;
	uint8_t	*p;
	size_t	n;
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
	if ((r = store_mig_select(t, sdb_backend(g->db) == SDB_POSTGRESQL, page,
	    sql)) != 0)
		return r;
	if (sdb_prepare(g->db, sql, dst) != 0)
		return store_mig_dst_fail(g, t->name);
	if (page > 1 && mig_key_bind(t, *dst, k) != 0) {
		store_mig_why(g->m, "table %s: cannot bind the key of a page",
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
int
store_mig_compare(struct mig *g, struct mig_table *t)
{
	sqlite3_stmt	*src = NULL;
	struct sdb_stmt	*dst = NULL;
	struct mig_key	 keys[2][MIG_COLS_MAX];
	char		 sql[MIG_SQL_MAX];
	int64_t		 n = 0;
	int		 i, a, b, r, page = 1, got = 0;

	memset(keys, 0, sizeof(keys));
	if ((r = store_mig_select(t, 0, 0, sql)) != 0)
		goto out;
	if (sqlite3_prepare_v2(g->src, sql, -1, &src, NULL) != SQLITE_OK) {
		r = store_mig_src_fail(g, t->name);
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
			r = store_mig_src_fail(g, t->name);
			goto out;
		}
		if (b != SDB_ROW && b != SDB_DONE) {
			r = store_mig_dst_fail(g, t->name);
			goto out;
		}
		if (a == SQLITE_DONE || b == SDB_DONE)
			break;
		for (i = 0; i < t->ncols; i++)
			if (!mig_same(src, dst, i)) {
				store_mig_why(g->m, "table %s: row %lld, "
				    "column %s differs in the target after the "
				    "copy", t->name, (long long)n + 1,
				    t->cols[i].name);
				r = CS_ERR_TAMPERED;
				goto out;
			}
		n++;
		if (++got == MIG_PAGE && t->npk > 0 &&
		    (r = mig_key_save(t, src, keys[(page + 1) & 1])) != 0) {
			store_mig_why(g->m, "table %s: a key this copy cannot "
			    "page by", t->name);
			goto out;
		}
	}
	if (a != SQLITE_DONE || b != SDB_DONE || n != t->rows) {
		store_mig_why(g->m, "table %s: %lld rows copied, the target "
		    "reads back %s", t->name, (long long)t->rows,
		    b == SDB_DONE ? "fewer" : "more");
		r = CS_ERR_TAMPERED;
	}
 out:
	sqlite3_finalize(src);
	sdb_finalize(dst);
	for (i = 0; i < MIG_COLS_MAX; i++) {
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
int
store_mig_counters(struct mig *g)
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
			if ((r = store_mig_dst_int(g, "SELECT count(*) FROM"
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
			if ((r = store_mig_cat(sql, "SELECT"
			    " COALESCE(max(\"%s\"), 0) FROM \"%s\"",
			    t->cols[j].name, t->name)) != 0 ||
			    (r = store_mig_dst_int(g, sql, NULL, NULL,
			    &max)) != 0)
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
	r = store_mig_dst_fail(g, "counters");
	sdb_finalize(s);
	return r;
}

/* meta 'seq' past every seq a copied row holds. */
int
store_mig_seq(struct mig *g)
{
	struct sdb_stmt	*s = NULL;
	char		 sql[MIG_SQL_MAX];
	int64_t		 seq, v;
	size_t		 i;
	int		 r;

	if ((r = store_mig_dst_int(g, "SELECT value FROM meta WHERE"
	    " key = 'seq'", NULL, NULL, &seq)) != 0)
		return r;
	for (i = 0; i < N(mig_seqcols); i++) {
		if (store_mig_find(g, mig_seqcols[i].table) == NULL)
			continue;
		sql[0] = '\0';
		if ((r = store_mig_cat(sql, "SELECT COALESCE(max(\"%s\"), 0)"
		    " FROM \"%s\"", mig_seqcols[i].col,
		    mig_seqcols[i].table)) != 0 ||
		    (r = store_mig_dst_int(g, sql, NULL, NULL, &v)) != 0)
			return r;
		if (v > seq)
			seq = v;
	}
	if (sdb_prepare(g->db, "UPDATE meta SET value = ?1 WHERE key = 'seq'"
	    " AND value < ?1", &s) != 0 || sdb_bind_int64(s, 1, seq) != 0 ||
	    sdb_step(s) != SDB_DONE)
		r = store_mig_dst_fail(g, "seq");
	sdb_finalize(s);
	g->m->seq = seq;
	return r;
}

/* After the commit: the target's rows counted again, table by table. */
int
store_mig_recount(struct mig *g)
{
	const struct mig_table	*t;
	int64_t			 n;
	int			 i, r;

	for (i = 0; i < g->nt; i++) {
		t = &g->t[i];
		if ((r = store_mig_count(g, t, 0, &n)) != 0)
			return r;
		if (n != t->rows) {
			store_mig_why(g->m, "after the commit, table %s holds "
			    "%lld rows in the target, %lld were copied",
			    t->name, (long long)n, (long long)t->rows);
			return CS_ERR_TAMPERED;
		}
	}
	return 0;
}

