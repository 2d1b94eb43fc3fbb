/* SPDX-License-Identifier: ISC */
/*
 * ids.c - short ids and the resolution of what people type (see
 * ids.h).
 *
 * The short ids: every id this laptop holds is put in order of its
 * last group read backwards, so that ids sharing a tail are neighbours;
 * an id's tail must be one digit longer than the longest tail it shares
 * with a neighbour (and IDS_SHORT_MIN at least).  O(n log n) for n ids,
 * no SQL of its own: db_list.c gives the ids, case_meta.c nothing here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "db.h"
#include "errors.h"
#include "fold.h"
#include "ids.h"
#include "msg.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

#define IDS_MAX		(16 * 1024 * 1024)	/* ids held, at most */
#define IDS_TAIL_AT	(DB_UUID_LEN - IDS_SHORT_MAX)	/* last group */

struct ids_entry {
	char	id[DB_UUID_LEN + 1];
	uint8_t	len;		/* of the short id: 6..12, or DB_UUID_LEN */
	uint8_t	extra;		/* given to ids_load_with, not held here */
	uint8_t	logged;		/* its title read (read log) */
};

/*
 * The last group read backwards as a number: its last hex digit in the
 * top nibble of 48 bits.  Ids sharing a tail of n digits share the top
 * n nibbles, so sorting by it puts them side by side.
 */
struct ids_tail {
	uint64_t	key;
	size_t		i;	/* into ids.e */
};

struct ids {
	struct ids_entry	*e;	/* by id (strcmp), unique */
	size_t			 n, cap;
};

/* ---- the snapshot ---- */

static int
ids_add(struct ids *x, const char *id)
{
	struct ids_entry	*e;
	size_t			 cap;

	if (!wire_uuid_ok(id))	/* only our own table's ids, but check */
		return 0;
	if (x->n == x->cap) {
		if (x->cap >= IDS_MAX)
			return CS_ERR_TOO_LARGE;
		cap = x->cap == 0 ? 256 : x->cap * 2;
		if ((e = reallocarray(x->e, cap, sizeof(*e))) == NULL)
			return CS_ERR_ALLOC;
		x->e = e;
		x->cap = cap;
	}
	memset(&x->e[x->n], 0, sizeof(x->e[x->n]));
	memcpy(x->e[x->n].id, id, DB_UUID_LEN + 1);
	x->e[x->n].len = IDS_SHORT_MIN;
	x->n++;
	return 0;
}

static int
ids_add_case(const char *case_id, void *arg)
{
	return ids_add(arg, case_id);
}

static int
ids_add_record(const char *record_id, void *arg)
{
	return ids_add(arg, record_id);
}

static int
ids_cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct ids_entry *)a)->id,
	    ((const struct ids_entry *)b)->id);
}

static uint64_t
ids_tail_key(const char *id)
{
	uint64_t	k = 0;
	size_t		i;
	char		c;

	for (i = 0; i < IDS_SHORT_MAX; i++) {
		c = id[DB_UUID_LEN - 1 - i];	/* wire_uuid_ok: 0-9a-f */
		k = k << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return k;
}

static int
ids_cmp_tail(const void *a, const void *b)
{
	uint64_t	x = ((const struct ids_tail *)a)->key;
	uint64_t	y = ((const struct ids_tail *)b)->key;

	return x < y ? -1 : x > y;
}

/* How many digits at the end of the last group two keys share. */
static size_t
ids_common_tail(uint64_t a, uint64_t b)
{
	uint64_t	d = a ^ b;
	size_t		n = 0;

	while (n < IDS_SHORT_MAX && (d >> (4 * (IDS_SHORT_MAX - 1 - n)) &
	    0xf) == 0)
		n++;
	return n;
}

static void
ids_lengthen(struct ids_entry *e, size_t common)
{
	if (common >= IDS_SHORT_MAX)
		e->len = DB_UUID_LEN;
	else if (common + 1 > e->len && e->len != DB_UUID_LEN)
		e->len = (uint8_t)(common + 1);
}

/*
 * Merge the sorted runs e[0..mid) (case ids) and e[mid..n) (record ids)
 * into one sorted run without repeats: a case file record may carry
 * its case's id, which is one id.
 */
static int
ids_merge(struct ids *x, size_t mid)
{
	struct ids_entry	*m;
	size_t			 i = 0, j = mid, o = 0;
	int			 c;

	if (x->n == 0)
		return 0;
	if ((m = reallocarray(NULL, x->n, sizeof(*m))) == NULL)
		return CS_ERR_ALLOC;
	while (i < mid || j < x->n) {
		if (i == mid)
			c = 1;
		else if (j == x->n)
			c = -1;
		else
			c = strcmp(x->e[i].id, x->e[j].id);
		if (c <= 0)
			m[o] = x->e[i++];
		else
			m[o] = x->e[j++];
		if (c == 0)
			j++;
		/* each run is sorted and unique: a repeat is i's and j's */
		o++;
	}
	free(x->e);
	x->e = m;
	x->n = x->cap = o;
	return 0;
}

/*
 * Add the ids in extra[0..n) not held already (extra: anything, a
 * server's list), keeping e[] sorted and unique.
 */
static int
ids_add_extra(struct ids *x, const char *const *extra, size_t n)
{
	struct ids_entry	 key;
	size_t			 i, held = x->n, o;
	int			 r;

	for (i = 0; i < n; i++) {
		if (extra[i] == NULL || !wire_uuid_ok(extra[i]))
			continue;
		memcpy(key.id, extra[i], DB_UUID_LEN + 1);
		if (held > 0 && bsearch(&key, x->e, held, sizeof(*x->e),
		    ids_cmp_id) != NULL)
			continue;
		if ((r = ids_add(x, extra[i])) != 0)
			return r;
		x->e[x->n - 1].extra = 1;
	}
	if (x->n == held)
		return 0;
	qsort(x->e, x->n, sizeof(*x->e), ids_cmp_id);
	for (i = o = 1; i < x->n; i++)	/* an id given twice is one id */
		if (strcmp(x->e[i].id, x->e[o - 1].id) != 0)
			x->e[o++] = x->e[i];
	x->n = o;
	return 0;
}

int
ids_load(sqlite3 *db, struct ids **out)
{
	return ids_load_with(db, NULL, 0, out);
}

int
ids_load_with(sqlite3 *db, const char *const *extra, size_t nextra,
    struct ids **out)
{
	struct ids		*x;
	struct ids_tail		*t = NULL;
	size_t			 i, c, mid;
	int			 r;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return CS_ERR_ALLOC;
	/* both lists come sorted (db.h) */
	if ((r = db_case_id_list(db, ids_add_case, x)) != 0)
		goto out;
	mid = x->n;
	if ((r = db_id_list(db, ids_add_record, x)) != 0 ||
	    (r = ids_merge(x, mid)) != 0 ||
	    (r = ids_add_extra(x, extra, nextra)) != 0)
		goto out;
	if (x->n > 1) {
		if ((t = reallocarray(NULL, x->n, sizeof(*t))) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		for (i = 0; i < x->n; i++) {
			t[i].key = ids_tail_key(x->e[i].id);
			t[i].i = i;
		}
		qsort(t, x->n, sizeof(*t), ids_cmp_tail);
		for (i = 1; i < x->n; i++) {
			c = ids_common_tail(t[i - 1].key, t[i].key);
			ids_lengthen(&x->e[t[i - 1].i], c);
			ids_lengthen(&x->e[t[i].i], c);
		}
	}
	*out = x;
	x = NULL;			/* transferred */
	r = 0;
 out:
	free(t);
	ids_free(x);
	return r;
}

void
ids_free(struct ids *x)
{
	if (x == NULL)
		return;
	free(x->e);
	free(x);
}

void
ids_short(const struct ids *x, const char *uuid, char out[IDS_SHORT_SIZE])
{
	struct ids_entry	 key, *e = NULL;
	size_t			 len = IDS_SHORT_MAX;

	out[0] = '\0';
	if (!wire_uuid_ok(uuid))
		return;
	memcpy(key.id, uuid, DB_UUID_LEN + 1);
	if (x != NULL && x->n > 0)
		e = bsearch(&key, x->e, x->n, sizeof(*x->e), ids_cmp_id);
	if (e != NULL)
		len = e->len;
	memcpy(out, uuid + DB_UUID_LEN - len, len + 1);
}

void
ids_text(const uint8_t *p, size_t len, char *dst, size_t dstlen)
{
	size_t	n;

	if (dstlen == 0)
		return;
	n = utf8_cut((const char *)p, len, dstlen - 1);
	if (utf8_text_ok((const char *)p, n)) {
		memcpy(dst, p, n);
		dst[n] = '\0';
	} else
		(void)str_vis(dst, dstlen, (const char *)p, len);
}

/* ---- resolution ---- */

struct ids_find {
	sqlite3			*db;
	const char		*tail;		/* lower case */
	size_t			 tlen;
	const char		*title;		/* the input, for titles */
	int			 part;		/* titles: part, not whole */
	char			 first[DB_UUID_LEN + 1];
	size_t			 n;		/* matches */
	struct ids_ambiguous	*amb;
	char			 last[DB_UUID_LEN + 1];	/* titles: dedup */
};

/* Note a match (the first, and up to IDS_CANDIDATES_MAX candidates). */
static void
ids_found(struct ids_find *f, const char *id, const char *case_id,
    const char *kind)
{
	struct ids_candidate	*c;

	if (f->n++ == 0)
		memcpy(f->first, id, DB_UUID_LEN + 1);
	if (f->amb == NULL || f->amb->n >= IDS_CANDIDATES_MAX)
		return;
	c = &f->amb->c[f->amb->n++];
	memset(c, 0, sizeof(*c));
	memcpy(c->id, id, DB_UUID_LEN + 1);
	memcpy(c->case_id, case_id, DB_UUID_LEN + 1);
	(void)str_fmt(c->kind, sizeof(c->kind), "%s", kind);
}

static int
ids_tail_match(const struct ids_find *f, const char *id)
{
	/* a UUID: 36 characters, so the tail is inside it */
	return wire_uuid_ok(id) &&
	    strcmp(id + DB_UUID_LEN - f->tlen, f->tail) == 0;
}

static int
ids_find_case(const char *case_id, void *arg)
{
	struct ids_find	*f = arg;

	if (ids_tail_match(f, case_id))
		ids_found(f, case_id, case_id, "case");
	return 0;
}

/* A live record whose id ends so (its case and kind from the record). */
static int
ids_find_record(const char *record_id, void *arg)
{
	struct ids_find		*f = arg;
	struct db_record	 rec;
	int			 r;

	if (!ids_tail_match(f, record_id))
		return 0;
	if ((r = db_record_get(f->db, record_id, &rec)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : r;
	if (!rec.deleted)
		ids_found(f, record_id, rec.case_id, rec.kind);
	db_record_clear(&rec);
	return 0;
}

/* A case file whose title is (or holds) the input; one match per case. */
static int
ids_find_title(const struct db_record *r, void *arg)
{
	struct ids_find			*f = arg;
	const struct body_field		*t;
	struct body			 b;
	char				 title[VALIDATE_TEXT_MAX + 1];
	int				 hit;

	if (strcmp(f->last, r->case_id) == 0)
		return 0;
	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) != 0 ||
	    (t = body_get(&b, "title")) == NULL) {
		body_free(&b);
		return 0;
	}
	ids_text(t->value, t->len, title, sizeof(title));
	body_free(&b);
	hit = f->part ? fold_contains(title, f->title) :
	    fold_equal(title, f->title);
	if (hit) {
		memcpy(f->last, r->case_id, sizeof(f->last));
		ids_found(f, r->case_id, r->case_id, "case");
	}
	return 0;
}

/* The first summary field of record "r" there is, as text, into dst. */
static int
ids_summary(const struct db_record *r, char *dst, size_t dstlen)
{
	const struct schema_kind	*k;
	const struct body_field		*f = NULL;
	struct body			 b;
	size_t				 i;

	body_init(&b);
	if ((k = schema_kind(r->kind)) != NULL &&
	    body_decode(r->body, r->body_len, &b) == 0)
		for (i = 0; i < 3 && f == NULL && k->summary[i] != NULL; i++)
			f = body_get(&b, k->summary[i]);
	if (f != NULL)
		ids_text(f->value, f->len, dst, dstlen);
	body_free(&b);
	return f != NULL;	/* the first case file with a title ends it */
}

static int
ids_case_title_cb(const struct db_record *r, void *arg)
{
	struct ids_candidate	*c = arg;

	return ids_summary(r, c->label, sizeof(c->label));
}

/* The label of candidate "c": a case's title, a record's summary. */
static int
ids_label(sqlite3 *db, struct ids_candidate *c)
{
	static const char *const	 casefile[] = { "casefile" };
	struct db_record		 rec;
	int				 r;

	c->label[0] = '\0';
	if (strcmp(c->kind, "case") == 0) {
		r = db_record_list_kinds(db, c->case_id, casefile, 1,
		    ids_case_title_cb, c);
		return r < 0 ? r : 0;
	}
	if ((r = db_record_get(db, c->id, &rec)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : r;
	(void)ids_summary(&rec, c->label, sizeof(c->label));
	db_record_clear(&rec);
	return 0;
}

struct ids_title {
	char	*dst;
	size_t	 len;
};

static int
ids_title_cb(const struct db_record *r, void *arg)
{
	struct ids_title	*t = arg;

	return ids_summary(r, t->dst, t->len);
}

int
ids_case_title(sqlite3 *db, struct ids *x, const char *case_id, char *dst,
    size_t dstlen)
{
	static const char *const	 casefile[] = { "casefile" };
	struct ids_entry		 key, *e = NULL;
	struct ids_title		 t;
	int				 r;

	if (dstlen == 0)
		return 0;
	dst[0] = '\0';
	if (x == NULL || x->n == 0 || !wire_uuid_ok(case_id))
		return 0;
	memcpy(key.id, case_id, DB_UUID_LEN + 1);
	e = bsearch(&key, x->e, x->n, sizeof(*x->e), ids_cmp_id);
	if (e == NULL || e->extra)
		return 0;
	/* a title is case content: logged before it is read */
	if (!e->logged) {
		if ((r = readlog_add(db, "list", case_id)) != 0)
			return r;
		e->logged = 1;
	}
	t.dst = dst;
	t.len = dstlen;
	r = db_record_list_kinds(db, case_id, casefile, 1, ids_title_cb, &t);
	return r < 0 ? r : 0;
}

/*
 * The input as a tail: IDS_INPUT_MIN or more hex digits, '-' allowed
 * where a UUID has one, lower-cased into "dst".  0 if it is not one.
 */
static int
ids_as_tail(const char *in, char dst[DB_UUID_LEN + 1])
{
	size_t	len = strlen(in), i, hex = 0;
	char	c;

	if (len > DB_UUID_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		/* the position this character has at the end of a UUID */
		if (DB_UUID_LEN - len + i == 8 || DB_UUID_LEN - len + i == 13 ||
		    DB_UUID_LEN - len + i == 18 ||
		    DB_UUID_LEN - len + i == 23) {
			if (c != '-')
				return 0;
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			hex++;
		else
			return 0;
		dst[i] = c;
	}
	dst[len] = '\0';
	return hex >= IDS_INPUT_MIN;
}

int
ids_resolve(sqlite3 *db, enum ids_kind what, const char *input,
    char out[DB_UUID_LEN + 1], struct ids_ambiguous *amb)
{
	static const char *const	 casefile[] = { "casefile" };
	struct ids_find			 f;
	struct ids			*x = NULL;
	char				 tail[DB_UUID_LEN + 1];
	size_t				 i, len;
	int				 r, logged = 0;

	out[0] = '\0';
	if (amb != NULL)
		memset(amb, 0, sizeof(*amb));
	if (input == NULL || (len = strlen(input)) == 0 ||
	    len > IDS_INPUT_MAX || !utf8_valid(input, len))
		return CS_ERR_FORMAT;
	memset(&f, 0, sizeof(f));
	f.db = db;
	f.amb = amb;
	if (ids_as_tail(input, tail)) {
		/* a full UUID is taken as it is: the server may know it */
		if (strlen(tail) == DB_UUID_LEN && wire_uuid_ok(tail)) {
			memcpy(out, tail, DB_UUID_LEN + 1);
			return 0;
		}
		f.tail = tail;
		f.tlen = strlen(tail);
		r = what == IDS_CASE ? db_case_id_list(db, ids_find_case, &f) :
		    db_id_list(db, ids_find_record, &f);
		if (r != 0)
			return r;
	}
	if (f.n == 0 && what == IDS_CASE) {
		/* titles are case content: logged before they are read */
		if ((r = readlog_add(db, "search", "")) != 0)
			return r;
		logged = 1;
		f.title = input;
		for (f.part = 0; f.part < 2 && f.n == 0; f.part++) {
			f.last[0] = '\0';
			if ((r = db_record_list_kinds(db, NULL, casefile, 1,
			    ids_find_title, &f)) != 0)
				return r;
		}
	}
	if (f.n == 0)
		return CS_ERR_NOT_FOUND;
	if (f.n == 1) {
		memcpy(out, f.first, DB_UUID_LEN + 1);
		return 0;
	}
	if (amb == NULL)
		return CS_ERR_AMBIGUOUS;
	amb->total = f.n;
	if (!logged && (r = readlog_add(db, "search", "")) != 0)
		return r;
	if ((r = ids_load(db, &x)) != 0)
		return r;
	for (i = 0; i < amb->n; i++) {
		ids_short(x, amb->c[i].id, amb->c[i].short_id);
		if ((r = ids_label(db, &amb->c[i])) != 0)
			break;
	}
	ids_free(x);
	return r != 0 ? r : CS_ERR_AMBIGUOUS;
}
