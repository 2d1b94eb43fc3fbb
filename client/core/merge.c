/* SPDX-License-Identifier: ISC */
/*
 * merge.c - three-way field merge of record bodies (see merge.h).
 * merge3() walks the three sorted field arrays once, deciding each name
 * in the union; the conflict markers it creates are collected in a
 * second sorted list ("conflict." + name keeps the order of the names)
 * and merged into the result in one more linear pass, so the whole
 * merge is O(n).  Works on struct body only, never on protobuf.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "errors.h"
#include "merge.h"

enum merge_kind {
	MERGE_COPY,		/* the field "src" as it is */
	MERGE_MARK		/* marker for "name": "src" against "theirs" */
};

/*
 * One output field: "name" is its name, or the user name of a marker;
 * a marker records "src" (mine, NULL if absent) and "theirs" (NULL if
 * absent), with the authors the markers "mk_mine" and "mk_theirs" of
 * the inputs name for those values, and keeps the values of "old", the
 * merged marker it replaces (NULL if none).
 */
struct merge_slot {
	const char		*name;
	const struct body_field	*src;
	const struct body_field	*theirs;
	const struct body_field	*mk_mine;
	const struct body_field	*mk_theirs;
	const struct body_field	*old;
	enum merge_kind		 kind;
};

/* 1 if "a" and "b" hold the same value (or are both a removal). */
static int
merge_same_value(const struct marker_value *a, const struct marker_value *b)
{
	return a->present == b->present && a->len == b->len &&
	    (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

/* One side of a conflict as a marker value; bad author strings: "". */
static void
merge_side(struct marker_value *v, const struct body_field *f,
    const struct merge_author *by)
{
	memset(v, 0, sizeof(*v));
	v->present = f != NULL;
	if (f != NULL && f->len > 0) {
		v->value = f->value;
		v->len = f->len;
	}
	if (by == NULL)
		return;
	v->hlc = by->hlc;
	if (by->user_id != NULL && marker_user_id_ok(by->user_id))
		memcpy(v->user_id, by->user_id, strlen(by->user_id) + 1);
	if (by->user_name != NULL && marker_user_name_ok(by->user_name))
		memcpy(v->user_name, by->user_name,
		    strlen(by->user_name) + 1);
}

/*
 * A side's value may be one an earlier conflict already recorded, with
 * its author: a laptop that merged pushed a record whose field holds a
 * colleague's value, and the server names the merging laptop's user as
 * the author of that version.  Take the author and time the marker
 * "mk" (NULL, or a legacy one: no authors) gives for the same value.
 * Returns 1 if it did.
 */
static int
merge_attrib(struct marker_value *v, const struct body_field *mk)
{
	struct marker_value	e[MARKER_VALUES_MAX];
	size_t			n, i;
	int			legacy;

	if (mk == NULL || marker_decode(mk->value, mk->len, e,
	    MARKER_VALUES_MAX, &n, &legacy) != 0 || legacy)
		return 0;
	for (i = 0; i < n; i++) {
		if (!merge_same_value(v, &e[i]) || e[i].user_name[0] == '\0')
			continue;
		v->hlc = e[i].hlc;
		memcpy(v->user_id, e[i].user_id, sizeof(v->user_id));
		memcpy(v->user_name, e[i].user_name, sizeof(v->user_name));
		return 1;
	}
	return 0;
}

/*
 * The values of the marker "s" makes into v[0..*n-1]: the two sides,
 * then the values of the marker it replaces that neither side holds,
 * the newest first while there is room (MARKER_VALUES_MAX).
 */
static void
merge_mark_values(const struct merge_slot *s,
    const struct merge_author *mine_by, const struct merge_author *theirs_by,
    struct marker_value *v, size_t *n)
{
	struct marker_value	e[MARKER_VALUES_MAX];
	size_t			ne, i, j, best;
	int			legacy, taken[MARKER_VALUES_MAX] = { 0 };

	merge_side(&v[0], s->src, mine_by);
	if (!merge_attrib(&v[0], s->mk_mine))
		(void)merge_attrib(&v[0], s->mk_theirs);
	merge_side(&v[1], s->theirs, theirs_by);
	if (!merge_attrib(&v[1], s->mk_theirs))
		(void)merge_attrib(&v[1], s->mk_mine);
	*n = 2;
	if (s->old == NULL || marker_decode(s->old->value, s->old->len, e,
	    MARKER_VALUES_MAX, &ne, &legacy) != 0)
		return;
	/* values already listed are not kept twice */
	for (i = 0; i < ne; i++)
		for (j = 0; j < i + 2 && !taken[i]; j++)
			taken[i] = j < 2 ? merge_same_value(&e[i], &v[j]) :
			    merge_same_value(&e[i], &e[j - 2]);
	while (*n < MARKER_VALUES_MAX) {
		best = ne;
		for (i = 0; i < ne; i++)
			if (!taken[i] && (best == ne || e[i].hlc >= e[best].hlc))
				best = i;
		if (best == ne)
			break;
		taken[best] = 1;
		v[(*n)++] = e[best];
	}
}

/* 1 if both absent, or both present with the same bytes. */
static int
merge_same(const struct body_field *a, const struct body_field *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

/* strcmp("name", BODY_CONFLICT_PREFIX + "user") without building it. */
static int
merge_cmp_marker(const char *name, const char *user)
{
	int	c;

	if ((c = strncmp(name, BODY_CONFLICT_PREFIX,
	    BODY_CONFLICT_PREFIX_LEN)) != 0)
		return c;
	return strcmp(name + BODY_CONFLICT_PREFIX_LEN, user);
}

/* The field of "b" at *i if it is called "name" (then advance *i). */
static const struct body_field *
merge_take(const struct body *b, size_t *i, const char *name)
{
	if (*i < b->n && strcmp(b->f[*i].name, name) == 0)
		return &b->f[(*i)++];
	return NULL;
}

/* The smallest name at the heads of the three walks. */
static const char *
merge_min(const char *a, const char *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return strcmp(a, b) <= 0 ? a : b;
}

/* The marker of user field "name" in "b", or NULL. */
static const struct body_field *
merge_marker_of(const struct body *b, const char *name)
{
	char	mname[BODY_NAME_MAX + 1];
	size_t	nlen = strlen(name);

	/* pass 1 only marks user fields: the marker name fits */
	memcpy(mname, BODY_CONFLICT_PREFIX, BODY_CONFLICT_PREFIX_LEN);
	memcpy(mname + BODY_CONFLICT_PREFIX_LEN, name, nlen + 1);
	return body_get(b, mname);
}

/* Materialise one output slot into "f" (zeroed). */
static int
merge_fill(struct body_field *f, const struct merge_slot *s,
    const struct merge_author *mine_by, const struct merge_author *theirs_by)
{
	struct marker_value	v[MARKER_VALUES_MAX];
	size_t			nlen, n;
	int			r;

	if (s->kind == MERGE_COPY) {
		nlen = strlen(s->src->name);
		if ((f->name = malloc(nlen + 1)) == NULL ||
		    (f->value = malloc(s->src->len > 0 ? s->src->len : 1)) ==
		    NULL)
			return CS_ERR_ALLOC;
		memcpy(f->name, s->src->name, nlen + 1);
		f->len = s->src->len;
		if (f->len > 0)
			memcpy(f->value, s->src->value, f->len);
		else
			f->value[0] = 0;
		return 0;
	}
	nlen = BODY_CONFLICT_PREFIX_LEN + strlen(s->name);
	if ((f->name = malloc(nlen + 1)) == NULL)
		return CS_ERR_ALLOC;
	memcpy(f->name, BODY_CONFLICT_PREFIX, BODY_CONFLICT_PREFIX_LEN);
	memcpy(f->name + BODY_CONFLICT_PREFIX_LEN, s->name,
	    nlen - BODY_CONFLICT_PREFIX_LEN + 1);
	merge_mark_values(s, mine_by, theirs_by, v, &n);
	/* the values differ pairwise: never two equal entries */
	if ((r = marker_encode(v, n, &f->value, &f->len)) != 0)
		return r;
	return 0;
}

int
merge3(const struct body *base, const struct body *mine,
    const struct body *theirs, const struct merge_author *mine_by,
    const struct merge_author *theirs_by, struct body *out,
    size_t *nconflicts)
{
	const struct body_field	*b, *m, *t, *keep;
	struct merge_slot	*a = NULL, *g = NULL, *s;
	struct body		 tmp;
	const char		*name;
	size_t			 i = 0, j = 0, k = 0, na = 0, ng = 0, max;
	size_t			 x, y, nout, nconf = 0;
	int			 r, c;

	body_init(&tmp);
	if (nconflicts != NULL)
		*nconflicts = 0;
	if (!body_valid(base) || !body_valid(mine) || !body_valid(theirs)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	/* each n is <= BODY_FIELDS_MAX: no overflow; +1: never calloc(0) */
	max = base->n + mine->n + theirs->n + 1;
	if ((a = calloc(max, sizeof(*a))) == NULL ||
	    (g = calloc(max, sizeof(*g))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}

	/* pass 1: decide every name in the union, in order */
	while (i < base->n || j < mine->n || k < theirs->n) {
		name = merge_min(i < base->n ? base->f[i].name : NULL,
		    merge_min(j < mine->n ? mine->f[j].name : NULL,
		    k < theirs->n ? theirs->f[k].name : NULL));
		b = merge_take(base, &i, name);
		m = merge_take(mine, &j, name);
		t = merge_take(theirs, &k, name);
		if (merge_same(m, t))
			keep = m;
		else if (merge_same(m, b))
			keep = t;		/* only theirs changed */
		else if (merge_same(t, b))
			keep = m;		/* only mine changed */
		else if (body_name_is_marker(name))
			keep = m != NULL ? m : t;	/* see merge.h */
		else {
			keep = t;
			g[ng].name = name;
			g[ng].src = m;
			g[ng].theirs = t;
			g[ng].mk_mine = merge_marker_of(mine, name);
			g[ng].mk_theirs = merge_marker_of(theirs, name);
			g[ng].old = NULL;
			g[ng].kind = MERGE_MARK;
			ng++;
			nconf++;
		}
		if (keep != NULL) {
			a[na].name = keep->name;
			a[na].src = keep;
			a[na].kind = MERGE_COPY;
			na++;
		}
	}

	/*
	 * pass 2: count the union of "a" and the new markers "g" (both
	 * sorted); a new marker replaces a merged one of the same name.
	 */
	nout = 0;
	for (x = y = 0; x < na || y < ng; nout++) {
		if (x == na)
			y++;
		else if (y == ng)
			x++;
		else if ((c = merge_cmp_marker(a[x].name, g[y].name)) < 0)
			x++;
		else {
			if (c == 0)
				x++;
			y++;
		}
	}
	if (nout > BODY_FIELDS_MAX) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if (nout > 0 && (tmp.f = calloc(nout, sizeof(*tmp.f))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (x = y = 0; x < na || y < ng; ) {
		if (x == na)
			s = &g[y++];
		else if (y == ng)
			s = &a[x++];
		else if ((c = merge_cmp_marker(a[x].name, g[y].name)) < 0)
			s = &a[x++];
		else {
			if (c == 0)
				g[y].old = a[x++].src;
			s = &g[y++];
		}
		tmp.n++;	/* body_free() sees the partial result */
		if ((r = merge_fill(&tmp.f[tmp.n - 1], s, mine_by,
		    theirs_by)) != 0)
			goto out;
	}
	body_free(out);
	*out = tmp;
	body_init(&tmp);		/* transferred */
	if (nconflicts != NULL)
		*nconflicts = nconf;
	r = 0;
 out:
	body_free(&tmp);
	free(a);			/* pointers into the inputs only */
	free(g);
	return r;
}

/*
 * The values in conflict on "name" as merge_conflicts() lists them,
 * from marker "mk"; pointers into "b".
 */
static int
merge_values(const struct body *b, const char *name,
    const struct body_field *mk, struct marker_value *v, size_t *n,
    int *legacy)
{
	const struct body_field	*cur;
	int			 r;

	if ((r = marker_decode(mk->value, mk->len, v, MARKER_VALUES_MAX, n,
	    legacy)) != 0)
		return r;
	if (*legacy) {
		/* the field holds the side the old marker did not */
		cur = body_get(b, name);
		memset(&v[1], 0, sizeof(v[1]));
		v[1].present = cur != NULL;
		if (cur != NULL && cur->len > 0) {
			v[1].value = cur->value;
			v[1].len = cur->len;
		}
		*n = 2;
	}
	return 0;
}

int
merge_conflicts(const struct body *b, merge_conflict_cb cb, void *arg)
{
	struct marker_value	 v[MARKER_VALUES_MAX];
	const struct body_field	*f;
	const char		*name;
	size_t			 i, n;
	int			 r = 0, legacy;

	for (i = 0; i < b->n && r == 0; i++) {
		f = &b->f[i];
		if (!body_name_is_marker(f->name))
			continue;
		name = f->name + BODY_CONFLICT_PREFIX_LEN;
		if ((r = merge_values(b, name, f, v, &n, &legacy)) != 0)
			break;
		r = cb(name, v, n, legacy, body_get(b, name), arg);
	}
	return r;
}

int
merge_resolve(struct body *b, const char *name, enum merge_choice choice,
    size_t pick, const uint8_t *value, size_t len)
{
	struct marker_value	 v[MARKER_VALUES_MAX];
	const struct body_field	*mk;
	char			 mname[BODY_NAME_MAX + 1];
	uint8_t			*copy = NULL;
	size_t			 nlen, n, clen = 0;
	int			 r, legacy;

	if (choice != MERGE_PICK && choice != MERGE_VALUE) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if (!body_name_valid(name) || body_name_is_marker(name) ||
	    (choice == MERGE_VALUE && (len > BODY_VALUE_MAX ||
	    (value == NULL && len > 0)))) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	/* a valid user name is <= BODY_USER_NAME_MAX: the marker fits */
	nlen = strlen(name);
	memcpy(mname, BODY_CONFLICT_PREFIX, BODY_CONFLICT_PREFIX_LEN);
	memcpy(mname + BODY_CONFLICT_PREFIX_LEN, name, nlen + 1);
	if ((mk = body_get(b, mname)) == NULL) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (choice == MERGE_PICK) {
		if ((r = merge_values(b, name, mk, v, &n, &legacy)) != 0)
			goto out;
		if (pick >= n) {
			r = CS_ERR_NOT_FOUND;
			goto out;
		}
		if (!v[pick].present) {
			/* the marker goes first: then nothing can fail */
			(void)body_unset(b, mname);
			(void)body_unset(b, name);
			r = 0;
			goto out;
		}
		/* the value points into "b": copy it before "b" changes */
		clen = v[pick].len;
		if ((copy = malloc(clen > 0 ? clen : 1)) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		if (clen > 0)
			memcpy(copy, v[pick].value, clen);
		value = copy;
		len = clen;
	}
	if ((r = body_set(b, name, value, len)) != 0)
		goto out;
	/* "mk" may be stale now: look the marker up again */
	r = body_unset(b, mname);
 out:
	body_buf_free(copy, clen);
	return r;
}
