/* SPDX-License-Identifier: ISC */
/*
 * store_push_batch.c - a push batch's reads and writes, K changes per
 * statement (store_push_batch.h says when and why).
 *
 * Each statement comes in STORE_PUSHB_SIZES row counts: K, 8 and 1.
 * A read of fewer changes than a size repeats its last id (IN does not
 * mind), so a batch's reads are ceil(n / K) statements of each kind;
 * the writes take the largest size that fits what is left (a row may
 * not come twice in one INSERT ... ON CONFLICT DO UPDATE).  Each is
 * prepared once per connection and kept in the store (st->pushb).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "store_late.h"
#include "store_push_batch.h"

#define PUSHB_SMALL	8	/* the middle size */

enum { B_SEEN, B_RECORD, B_RECORD_PUT, B_CHANGE_PUT };
_Static_assert(B_CHANGE_PUT + 1 == STORE_PUSHB_Q, "the batch's statements");

/* A statement's SQL, built for its row count. */
struct pushb_sql {
	char	*p;
	size_t	 len, cap;
	int	 err;
};

static void
pushb_add(struct pushb_sql *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 need;
	char	*p;
	int	 n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = 1;
		return;
	}
	need = b->len + (size_t)n + 1;
	if (need > b->cap) {
		if ((p = realloc(b->p, need * 2)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = p;
		b->cap = need * 2;
	}
	va_start(ap, fmt);
	(void)vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* " (?from, ?from+1, ... ?from+rows-1)" */
static void
pushb_in(struct pushb_sql *b, int from, int rows)
{
	int	i;

	for (i = 0; i < rows; i++)
		pushb_add(b, "%s?%d", i == 0 ? " (" : ", ", from + i);
	pushb_add(b, ")");
}

/*
 * The SQL of statement "q" for "rows" rows; NULL out of memory.  Its
 * rules are store_push.c's single-row statements' (push_sql[]).
 */
static char *
pushb_build(int q, int rows)
{
	struct pushb_sql	b = { NULL, 0, 0, 0 };
	int			i, p;

	switch (q) {
	case B_SEEN:
		/* ?1 the device; ?2 .. the change ids */
		pushb_add(&b, "SELECT change_id, version, device_id FROM"
		    " changes WHERE change_id IN");
		pushb_in(&b, 2, rows);
		pushb_add(&b, " UNION ALL SELECT change_id, 0, device_id"
		    " FROM held_changes WHERE change_id IN");
		pushb_in(&b, 2, rows);
		pushb_add(&b, " AND device_id != ?1");
		break;
	case B_RECORD:
		pushb_add(&b, "SELECT record_id, case_id, kind, version,"
		    " deleted, key_epoch, body, author_device, hlc,"
		    " created_device, created_at, changed_at FROM records"
		    " WHERE record_id IN");
		pushb_in(&b, 1, rows);
		break;
	case B_RECORD_PUT:
		/* ?1 the device, ?2 the time; 8 a row from ?3 */
		pushb_add(&b, "INSERT INTO records(record_id, case_id, kind,"
		    " version, deleted, key_epoch, body, author_device, hlc,"
		    " created_device, created_at, changed_at) VALUES");
		for (i = 0; i < rows; i++) {
			p = 3 + 8 * i;
			pushb_add(&b, "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d,"
			    " ?1, ?%d, ?1, ?2, ?2)", i == 0 ? " " : ", ", p,
			    p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7);
		}
		pushb_add(&b, " ON CONFLICT(record_id) DO UPDATE SET"
		    " version = excluded.version, deleted = excluded.deleted,"
		    " key_epoch = excluded.key_epoch, body = excluded.body,"
		    " author_device = excluded.author_device,"
		    " hlc = excluded.hlc, changed_at = excluded.changed_at");
		break;
	default:
		/* ?1 the device, ?2 the time; 3 a row from ?3 */
		pushb_add(&b, "INSERT INTO changes(change_id, device_id,"
		    " record_id, version, at) VALUES");
		for (i = 0; i < rows; i++) {
			p = 3 + 3 * i;
			pushb_add(&b, "%s(?%d, ?1, ?%d, ?%d, ?2)",
			    i == 0 ? " " : ", ", p, p + 1, p + 2);
		}
		break;
	}
	if (b.err) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* The row counts of the store's statements, largest first; how many. */
static int
pushb_sizes(const struct store *st, int sz[STORE_PUSHB_SIZES])
{
	int	k = st->push_chunk > 0 ? st->push_chunk :
	    STORE_PUSH_CHUNK, n = 0;

	sz[n++] = k;
	if (k > PUSHB_SMALL)
		sz[n++] = PUSHB_SMALL;
	if (k > 1)
		sz[n++] = 1;
	return n;
}

void
store_push_batch_close(struct store *st)
{
	int	q, j;

	for (q = 0; q < STORE_PUSHB_Q; q++)
		for (j = 0; j < STORE_PUSHB_SIZES; j++) {
			sdb_finalize(st->pushb[q][j]);
			st->pushb[q][j] = NULL;
		}
}

void
store_push_chunk(struct store *st, int k)
{
	store_push_batch_close(st);	/* made for the old sizes */
	st->push_chunk = k;
}

/* Statement "q" in size "j" (sz[j] rows), reset and unbound. */
static struct sdb_stmt *
pushb_stmt(struct store *st, int q, int j, int rows)
{
	struct sdb_stmt	**s = &st->pushb[q][j];
	char		 *sql;
	int		  r;

	if (*s == NULL) {
		if ((sql = pushb_build(q, rows)) == NULL)
			return NULL;
		r = store_prepare(st, sql, s);
		free(sql);
		return r == 0 ? *s : NULL;
	}
	sdb_reset(*s);
	(void)sdb_clear_bindings(*s);
	return *s;
}

/* A change of the batch by one of its ids. */
struct pushb_key {
	const char	*id;
	size_t		 i;
};

static int
pushb_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pushb_key *)a)->id,
	    ((const struct pushb_key *)b)->id);
}

/* The change whose id is "id" (keys: n, sorted); n if none. */
static size_t
pushb_find(const struct pushb_key *keys, size_t n, const char *id)
{
	const struct pushb_key	k = { id, 0 }, *p;

	if (id == NULL ||
	    (p = bsearch(&k, keys, n, sizeof(*keys), pushb_key_cmp)) == NULL)
		return n;
	return p->i;
}

/* A failed step as CS_ERR_*: a retryable one stays retryable. */
static int
pushb_step_err(int rc)
{
	return rc == CS_ERR_RETRY ? rc : CS_ERR_DB;
}

/*
 * The rows of B_SEEN into b->seen, as store_change_seen() reads them:
 * this device's applied change is a replay, any other device's use a
 * foreign id.
 */
static int
pushb_seen_rows(struct push_batch *b, struct sdb_stmt *s,
    const struct pushb_key *keys)
{
	size_t	i;
	int	rc;

	while ((rc = sdb_step(s)) == SDB_ROW) {
		i = pushb_find(keys, b->n,
		    (const char *)sdb_column_text(s, 0));
		if (i == b->n)
			continue;
		if (sdb_column_int64(s, 2) != b->device_id)
			b->seen[i].foreign = 1;
		else {
			b->seen[i].replayed = 1;
			b->seen[i].version = sdb_column_int64(s, 1);
		}
	}
	sdb_reset(s);
	return rc == SDB_DONE ? 0 : pushb_step_err(rc);
}

/* The rows of B_RECORD into b->cur, bodies copied. */
static int
pushb_record_rows(struct push_batch *b, struct sdb_stmt *s,
    const struct pushb_key *keys)
{
	struct store_record	 r;
	struct push_cur		*c;
	uint8_t			*body;
	size_t			 i;
	int			 rc;

	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (store_record_row(s, 9, &r) != 0) {
			sdb_reset(s);
			return CS_ERR_DB;
		}
		if ((i = pushb_find(keys, b->n, r.record_id)) == b->n)
			continue;
		c = &b->cur[i];
		if (c->exists)		/* a row twice: not from this SQL */
			continue;
		body = NULL;
		if (r.body_len > 0) {
			if ((body = malloc(r.body_len)) == NULL) {
				sdb_reset(s);
				return CS_ERR_ALLOC;
			}
			memcpy(body, r.body, r.body_len);
		}
		c->rec = r;
		c->rec.body = body;
		c->exists = 1;
	}
	sdb_reset(s);
	return rc == SDB_DONE ? 0 : pushb_step_err(rc);
}

/*
 * The keys of the n changes by change id (which 0) or by record id
 * (which 1), sorted.
 */
static struct pushb_key *
pushb_keys(const struct store_change *chs, size_t n, int which)
{
	struct pushb_key	*k;
	size_t			 i;

	if ((k = calloc(n, sizeof(*k))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		k[i].id = which ? chs[i].rec.record_id : chs[i].change_id;
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), pushb_key_cmp);
	return k;
}

int
push_batch_fits(struct store *st, const struct store_change *chs, size_t n)
{
	struct pushb_key	*k;
	size_t			 i, w;
	int			 fits = 1;

	/*
	 * SQLite keeps a statement per change unless told (the tests):
	 * its statements cost little each, and one that writes many rows
	 * keeps a statement journal, which spills to a temporary file the
	 * sandbox does not allow (docs/PERFORMANCE.md).
	 */
	if (st->push_chunk < 0 || n == 0 || (st->push_chunk == 0 &&
	    sdb_backend(st->db) != SDB_POSTGRESQL))
		return 0;
	for (w = 0; w < 2 && fits; w++) {
		if ((k = pushb_keys(chs, n, (int)w)) == NULL)
			return 0;	/* the per-change path needs no memory */
		for (i = 1; i < n && fits; i++)
			if (strcmp(k[i - 1].id, k[i].id) == 0)
				fits = 0;
		free(k);
	}
	return fits;
}

void
push_batch_free(struct push_batch *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; b->cur != NULL && i < b->n; i++)
		free((void *)(uintptr_t)b->cur[i].rec.body);
	free(b->seen);
	free(b->cur);
	free(b->wi);
	free(b->wseq);
	free(b);
}

/*
 * The reads of changes off .. off + cnt - 1: B_SEEN and B_RECORD of
 * the smallest size that holds them, the last id repeated to fill it;
 * both sent, then read (PostgreSQL: one round trip).
 */
static int
pushb_read_chunk(struct store *st, struct push_batch *b,
    const struct store_change *chs, size_t off, size_t cnt,
    const struct pushb_key *ck, const struct pushb_key *rk)
{
	struct sdb_stmt	*s, *rs;
	int		 sz[STORE_PUSHB_SIZES], nsz, j, i, rows, r;
	size_t		 c;

	nsz = pushb_sizes(st, sz);
	for (j = nsz - 1; j > 0 && (size_t)sz[j] < cnt; j--)
		;
	rows = sz[j];
	if ((s = pushb_stmt(st, B_SEEN, j, rows)) == NULL)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, b->device_id) != 0)
		return CS_ERR_DB;
	for (i = 0; i < rows; i++) {
		c = off + ((size_t)i < cnt ? (size_t)i : cnt - 1);
		if (sdb_bind_text(s, 2 + i, chs[c].change_id, -1) != 0)
			return CS_ERR_DB;
	}
	if ((r = sdb_send(s)) != 0)
		return r;
	if ((rs = pushb_stmt(st, B_RECORD, j, rows)) == NULL)
		return CS_ERR_DB;
	for (i = 0; i < rows; i++) {
		c = off + ((size_t)i < cnt ? (size_t)i : cnt - 1);
		if (sdb_bind_text(rs, 1 + i, chs[c].rec.record_id, -1) != 0)
			return CS_ERR_DB;
	}
	if ((r = sdb_send(rs)) != 0 ||
	    (r = pushb_seen_rows(b, s, ck)) != 0)
		return r;
	return pushb_record_rows(b, rs, rk);
}

int
push_batch_read(struct store *st, int64_t device_id,
    const struct store_change *chs, size_t n, struct push_batch **out)
{
	struct push_batch	*b;
	struct pushb_key	*ck = NULL, *rk = NULL;
	int			 sz[STORE_PUSHB_SIZES], r = 0;
	size_t			 off, cnt, k;

	*out = NULL;
	(void)pushb_sizes(st, sz);
	k = (size_t)sz[0];
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return CS_ERR_ALLOC;
	b->n = n;
	b->device_id = device_id;
	if ((b->seen = calloc(n, sizeof(*b->seen))) == NULL ||
	    (b->cur = calloc(n, sizeof(*b->cur))) == NULL ||
	    (b->wi = calloc(n, sizeof(*b->wi))) == NULL ||
	    (b->wseq = calloc(n, sizeof(*b->wseq))) == NULL ||
	    (ck = pushb_keys(chs, n, 0)) == NULL ||
	    (rk = pushb_keys(chs, n, 1)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (off = 0; off < n && r == 0; off += cnt) {
		cnt = n - off < k ? n - off : k;
		r = pushb_read_chunk(st, b, chs, off, cnt, ck, rk);
	}
 out:
	free(ck);
	free(rk);
	if (r != 0) {
		push_batch_free(b);
		return r;
	}
	*out = b;
	return 0;
}

void
push_batch_add(struct push_batch *b, size_t i, int64_t seq)
{
	b->wi[b->nw] = i;
	b->wseq[b->nw] = seq;
	b->nw++;
}

/* Rows w .. w + rows - 1 of the added into records, then changes. */
static int
pushb_write(struct store *st, struct push_batch *b,
    const struct store_change *chs, size_t w, int j, int rows, int64_t now)
{
	const struct store_change	*c;
	struct sdb_stmt			*s;
	int				 i, p, r;

	if ((s = pushb_stmt(st, B_RECORD_PUT, j, rows)) == NULL ||
	    sdb_bind_int64(s, 1, b->device_id) != 0 ||
	    sdb_bind_int64(s, 2, now) != 0)
		return CS_ERR_DB;
	for (i = 0; i < rows; i++) {
		c = &chs[b->wi[w + (size_t)i]];
		p = 3 + 8 * i;
		if (sdb_bind_text(s, p, c->rec.record_id, -1) != 0 ||
		    sdb_bind_text(s, p + 1, c->rec.case_id, -1) != 0 ||
		    sdb_bind_text(s, p + 2, c->rec.kind, -1) != 0 ||
		    sdb_bind_int64(s, p + 3, b->wseq[w + (size_t)i]) != 0 ||
		    sdb_bind_int64(s, p + 4, c->rec.deleted != 0) != 0 ||
		    sdb_bind_int64(s, p + 5, c->rec.key_epoch) != 0 ||
		    sdb_bind_blob(s, p + 6, c->rec.body_len > 0 ?
		    c->rec.body : (const void *)"", c->rec.body_len) != 0 ||
		    sdb_bind_int64(s, p + 7, (int64_t)c->rec.hlc) != 0)
			return CS_ERR_DB;
	}
	/* sent, its failure met by the next read or the commit */
	if ((r = sdb_put(s)) != 0)
		return r;
	if ((s = pushb_stmt(st, B_CHANGE_PUT, j, rows)) == NULL ||
	    sdb_bind_int64(s, 1, b->device_id) != 0 ||
	    sdb_bind_int64(s, 2, now) != 0)
		return CS_ERR_DB;
	for (i = 0; i < rows; i++) {
		c = &chs[b->wi[w + (size_t)i]];
		p = 3 + 3 * i;
		if (sdb_bind_text(s, p, c->change_id, -1) != 0 ||
		    sdb_bind_text(s, p + 1, c->rec.record_id, -1) != 0 ||
		    sdb_bind_int64(s, p + 2, b->wseq[w + (size_t)i]) != 0)
			return CS_ERR_DB;
	}
	return sdb_put(s);
}

int
push_batch_flush(struct store *st, struct push_batch *b,
    const struct store_change *chs)
{
	int	sz[STORE_PUSHB_SIZES], nsz, j, r;
	size_t	w = 0;
	int64_t	now = store_now_ms() / 1000;

	nsz = pushb_sizes(st, sz);
	while (w < b->nw) {
		for (j = 0; j < nsz - 1 && (size_t)sz[j] > b->nw - w; j++)
			;
		if ((r = pushb_write(st, b, chs, w, j, sz[j], now)) != 0)
			return r;
		w += (size_t)sz[j];
	}
	b->nw = 0;
	return 0;
}
