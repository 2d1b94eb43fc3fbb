/* SPDX-License-Identifier: ISC */
/*
 * test_merge.c - the merge of record bodies: merge3() with its
 * conflict markers, merge_conflicts() and merge_resolve().  The bodies
 * themselves are test_body.c's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "errors.h"
#include "marker.h"
#include "merge.h"
#include "test.h"
#include "test_body.h"

/* 1 if marker value "v" is "s" (NULL: a removal). */
static int
value_is(const struct marker_value *v, const char *s)
{
	if (s == NULL)
		return !v->present;
	return v->present && v->len == strlen(s) &&
	    (v->len == 0 || memcmp(v->value, s, v->len) == 0);
}

/*
 * The marker for "name" holds "mine" (NULL: removed) as one value and
 * the field's current value as another (and may keep older ones); a
 * legacy marker holds 0x01 + "mine", or 0x00 if mine is NULL.
 */
static void
assert_marker(const struct body *b, const char *name, const char *mine)
{
	struct marker_value	 v[MARKER_VALUES_MAX];
	const struct body_field	*f, *cur;
	char			 mname[BODY_NAME_MAX + 1], cbuf[64];
	size_t			 n, i, hit = 0, hitcur = 0;
	int			 legacy;

	snprintf(mname, sizeof(mname), "%s%s", BODY_CONFLICT_PREFIX, name);
	ASSERT_PTR_NE(f = body_get(b, mname), NULL);
	ASSERT_INT_EQ(marker_decode(f->value, f->len, v, MARKER_VALUES_MAX,
	    &n, &legacy), 0);
	if (legacy) {
		ASSERT_INT_EQ(n, 1);
		ASSERT_TRUE(value_is(&v[0], mine));
		return;
	}
	ASSERT_INT_GE(n, 2);
	cur = body_get(b, name);
	if (cur != NULL) {
		ASSERT_TRUE(cur->len < sizeof(cbuf));
		memcpy(cbuf, cur->value, cur->len);
		cbuf[cur->len] = '\0';
	}
	for (i = 0; i < n; i++) {
		hit += value_is(&v[i], mine);
		hitcur += value_is(&v[i], cur != NULL ? cbuf : NULL);
	}
	ASSERT_INT_EQ(hit, 1);
	ASSERT_INT_EQ(hitcur, 1);
}

/* Value number "i" of the marker for "name" is "s" (NULL: removed). */
static void
assert_marker_value(const struct body *b, const char *name, size_t i,
    const char *s)
{
	struct marker_value	 v[MARKER_VALUES_MAX];
	const struct body_field	*f;
	char			 mname[BODY_NAME_MAX + 1];
	size_t			 n;
	int			 legacy;

	snprintf(mname, sizeof(mname), "%s%s", BODY_CONFLICT_PREFIX, name);
	ASSERT_PTR_NE(f = body_get(b, mname), NULL);
	ASSERT_INT_EQ(marker_decode(f->value, f->len, v, MARKER_VALUES_MAX,
	    &n, &legacy), 0);
	ASSERT_TRUE(i < n);
	ASSERT_TRUE(value_is(&v[i], s));
}

/*
 * Build a body from "name=value" strings; NULL ends the list.  The
 * value "@0" stands for the single byte 0x00 (an "absent" marker).
 */
static void
mk(struct body *b, ...)
{
	va_list		 ap;
	const char	*s, *eq;
	char		 name[BODY_NAME_MAX + 1];

	body_init(b);
	va_start(ap, b);
	while ((s = va_arg(ap, const char *)) != NULL) {
		eq = strchr(s, '=');
		ASSERT_PTR_NE(eq, NULL);
		ASSERT_TRUE((size_t)(eq - s) < sizeof(name));
		memcpy(name, s, (size_t)(eq - s));
		name[eq - s] = '\0';
		if (strcmp(eq + 1, "@0") == 0)
			ASSERT_INT_EQ(body_set(b, name,
			    (const uint8_t *)"", 1), 0);
		else
			set_str(b, name, eq + 1);
	}
	va_end(ap);
}

static void
free3(struct body *a, struct body *b, struct body *c, struct body *d)
{
	body_free(a);
	body_free(b);
	body_free(c);
	body_free(d);
}

static void
test_merge_basic(void)
{
	struct body	base, mine, theirs, out;
	size_t		nc;

	TEST_START("merge3: disjoint edits are merged");
	mk(&base, "a=1", "b=2", "c=3", NULL);
	mk(&mine, "a=mine", "b=2", "c=3", "d=new", NULL);
	mk(&theirs, "a=1", "b=2", "c=theirs", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 4);
	assert_field(&out, "a", "mine");
	assert_field(&out, "b", "2");
	assert_field(&out, "c", "theirs");
	assert_field(&out, "d", "new");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: same field, same value on both sides");
	mk(&base, "a=1", NULL);
	mk(&mine, "a=2", NULL);
	mk(&theirs, "a=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", "2");
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: same field, different values -> conflict");
	mk(&base, "a=1", "name=base", "z=1", NULL);
	mk(&mine, "a=1", "name=mine", "z=1", NULL);
	mk(&theirs, "a=1", "name=theirs", "z=1", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 4);
	assert_field(&out, "name", "theirs");
	assert_marker(&out, "name", "mine");
	assert_field(&out, "a", "1");
	assert_field(&out, "z", "1");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: removed on one side, untouched on the other");
	mk(&base, "a=1", "b=2", NULL);
	mk(&mine, "b=2", NULL);
	mk(&theirs, "a=1", "b=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", NULL);
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", NULL);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: removed on one side, changed on the other");
	mk(&base, "a=1", NULL);
	mk(&mine, NULL);
	mk(&theirs, "a=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 2);
	assert_field(&out, "a", "2");
	assert_marker(&out, "a", NULL);		/* 0x00: mine removed it */
	/* the other way round: theirs' absence wins, mine's value kept */
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", NULL);
	assert_marker(&out, "a", "2");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: added on both sides with different values");
	mk(&base, NULL);
	mk(&mine, "a=m", "b=same", NULL);
	mk(&theirs, "a=t", "b=same", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 3);
	assert_field(&out, "a", "t");
	assert_marker(&out, "a", "m");
	assert_field(&out, "b", "same");
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: empty values count as values");
	mk(&base, "a=", NULL);
	mk(&mine, "a=x", NULL);
	mk(&theirs, NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	assert_field(&out, "a", NULL);
	assert_marker(&out, "a", "x");
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	assert_field(&out, "a", "x");
	assert_marker(&out, "a", NULL);
	free3(&base, &mine, &theirs, &out);
	mk(&base, NULL);
	mk(&mine, "a=", NULL);
	mk(&theirs, "a=y", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	assert_field(&out, "a", "y");
	assert_marker(&out, "a", "");		/* 0x01, empty value */
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();
}

static void
test_merge_identities(void)
{
	struct body	b, m, t, out, empty;
	size_t		nc;

	TEST_START("merge3: b,b,b = b; b,m,b = m; b,b,t = t; aliasing");
	mk(&b, "a=1", "b=2", "conflict.c=\x01old", "c=3", NULL);
	mk(&m, "a=1", "b=mine", "d=4", NULL);
	mk(&t, "b=2", "c=theirs", "conflict.c=\x01old", "e=5", NULL);
	body_init(&out);
	body_init(&empty);
	ASSERT_INT_EQ(merge3(&b, &b, &b, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&out, &b));
	ASSERT_INT_EQ(merge3(&b, &m, &b, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&out, &m));
	ASSERT_INT_EQ(merge3(&b, &b, &t, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&out, &t));
	ASSERT_INT_EQ(merge3(&empty, &empty, &empty, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(out.n, 0);
	ASSERT_INT_EQ(merge3(&b, &m, &m, NULL, NULL, &out, &nc), 0);
	ASSERT_TRUE(body_equal(&out, &m));
	/* out may be an input */
	ASSERT_INT_EQ(merge3(&b, &b, &t, NULL, NULL, &b, &nc), 0);
	ASSERT_TRUE(body_equal(&b, &t));
	ASSERT_INT_EQ(merge3(&empty, &m, &empty, NULL, NULL, &m, NULL), 0);
	ASSERT_INT_EQ(m.n, 3);
	free3(&b, &m, &t, &out);
	TEST_DONE();
}

static void
test_merge_markers(void)
{
	struct body	 base, mine, theirs, out, big1, big2;
	char		 name[BODY_NAME_MAX + 1], mname[2 * BODY_NAME_MAX + 16];
	size_t		 nc, i;

	TEST_START("merge3: a conflict resolved on one side stays resolved");
	mk(&base, "a=t", "conflict.a=\x01m", NULL);
	mk(&mine, "a=t", NULL);			/* resolved: kept theirs */
	mk(&theirs, "a=t", "conflict.a=\x01m", "b=new", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 2);
	ASSERT_PTR_EQ(body_get(&out, "conflict.a"), NULL);
	assert_field(&out, "b", "new");
	/* and from the other side */
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	ASSERT_PTR_EQ(body_get(&out, "conflict.a"), NULL);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: markers changed on both sides -> mine's marker");
	mk(&base, "a=t", "conflict.a=\x01m", NULL);
	mk(&mine, "a=t", "conflict.a=\x01m2", NULL);
	mk(&theirs, "a=t", "conflict.a=\x01m3", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	assert_marker(&out, "a", "m2");
	ASSERT_PTR_EQ(body_get(&out, "conflict.conflict.a"), NULL);
	ASSERT_INT_EQ(out.n, 2);
	body_free(&mine);
	/* mine resolved it, theirs holds a newer conflict */
	mk(&mine, "a=t", NULL);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	assert_marker(&out, "a", "m3");
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: a new conflict keeps the older marker's values");
	mk(&base, "a=1", "conflict.a=\x01old", NULL);
	mk(&mine, "a=2", "conflict.a=\x01old", NULL);
	mk(&theirs, "a=3", "conflict.a=\x01old", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 2);
	assert_field(&out, "a", "3");
	assert_marker(&out, "a", "2");
	/* no times: by value; the old marker's value is still there */
	assert_marker_value(&out, "a", 0, "2");
	assert_marker_value(&out, "a", 1, "3");
	assert_marker_value(&out, "a", 2, "old");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: several conflicts interleave with other names");
	mk(&base, "b=0", "con=0", "conflict.c=@0", "d=0", "zz=0", NULL);
	mk(&mine, "b=1", "con=1", "conflict.c=@0", "d=1", "zz=1", NULL);
	mk(&theirs, "b=2", "con=2", "conflict.c=@0", "d=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 4);
	ASSERT_INT_EQ(out.n, 8);
	ASSERT_TRUE(body_valid(&out));
	assert_marker(&out, "b", "1");
	assert_marker(&out, "con", "1");
	assert_marker(&out, "c", NULL);		/* untouched old marker */
	assert_marker(&out, "d", "1");
	assert_marker(&out, "zz", "1");
	assert_field(&out, "zz", NULL);
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: longest user name gets a BODY_NAME_MAX marker");
	memset(name, 'n', BODY_USER_NAME_MAX);
	name[BODY_USER_NAME_MAX] = '\0';
	body_init(&base);
	body_init(&mine);
	body_init(&theirs);
	body_init(&out);
	set_str(&mine, name, "m");
	set_str(&theirs, name, "t");
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	snprintf(mname, sizeof(mname), "conflict.%s", name);
	ASSERT_PTR_NE(body_get(&out, mname), NULL);
	ASSERT_INT_EQ(strlen(out.f[0].name), BODY_NAME_MAX);
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: result over BODY_FIELDS_MAX is refused");
	body_init(&base);
	body_init(&big1);
	body_init(&big2);
	mk(&out, "keep=1", NULL);
	for (i = 0; i < BODY_FIELDS_MAX; i++) {
		snprintf(name, sizeof(name), "m%04zu", i);
		set_str(&big1, name, "v");
		snprintf(name, sizeof(name), "t%04zu", i);
		set_str(&big2, name, "v");
	}
	ASSERT_INT_EQ(merge3(&base, &big1, &big2, NULL, NULL, &out, &nc),
	    CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(nc, 0);
	assert_field(&out, "keep", "1");	/* untouched */
	ASSERT_INT_EQ(merge3(&base, &big1, &base, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(out.n, BODY_FIELDS_MAX);
	/* 300 conflicts would need 600 fields */
	body_free(&big1);
	body_free(&big2);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "f%04zu", i);
		set_str(&big1, name, "m");
		set_str(&big2, name, "t");
	}
	ASSERT_INT_EQ(merge3(&base, &big1, &big2, NULL, NULL, &out, &nc),
	    CS_ERR_TOO_LARGE);
	free3(&base, &big1, &big2, &out);
	TEST_DONE();
}

struct listing {
	int	n;
	int	stop_at;
	char	names[8][BODY_NAME_MAX + 1];
	size_t	nvals[8];
	int	legacy[8];
	int	present[8][MARKER_VALUES_MAX];
	char	vals[8][MARKER_VALUES_MAX][16];
	char	who[8][MARKER_VALUES_MAX][MARKER_NAME_MAX + 1];
	uint64_t hlc[8][MARKER_VALUES_MAX];
	char	cur[8][16];
};

static int
list_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct listing	*l = arg;
	size_t		 i;

	ASSERT_TRUE(l->n < 8 && n >= 2 && n <= MARKER_VALUES_MAX);
	snprintf(l->names[l->n], sizeof(l->names[0]), "%s", name);
	l->nvals[l->n] = n;
	l->legacy[l->n] = legacy;
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(v[i].len < 16);
		l->present[l->n][i] = v[i].present;
		if (v[i].len > 0)
			memcpy(l->vals[l->n][i], v[i].value, v[i].len);
		l->vals[l->n][i][v[i].len] = '\0';
		snprintf(l->who[l->n][i], sizeof(l->who[0][0]), "%s",
		    v[i].user_name);
		l->hlc[l->n][i] = v[i].hlc;
	}
	if (cur == NULL)
		snprintf(l->cur[l->n], sizeof(l->cur[0]), "(none)");
	else {
		ASSERT_TRUE(cur->len < 16);
		memcpy(l->cur[l->n], cur->value, cur->len);
		l->cur[l->n][cur->len] = '\0';
	}
	if (++l->n == l->stop_at)
		return CS_ERR_EXISTS;
	return 0;
}

static void
test_merge_conflicts_resolve(void)
{
	struct body	base, mine, theirs, out, work;
	struct listing	l;
	size_t		nc;

	mk(&base, "a=0", "b=0", "c=0", "d=0", NULL);
	mk(&mine, "a=ma", "c=0", "d=md", NULL);
	mk(&theirs, "a=ta", "b=tb", "d=0", NULL);
	body_init(&out);
	body_init(&work);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc),
	    0);
	/* a: both changed; b: mine removed, theirs changed; c: removed */
	ASSERT_INT_EQ(nc, 2);

	TEST_START("merge_conflicts lists every marker");
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 2);
	/* no authors, no times: in the order of their values */
	ASSERT_STR_EQ(l.names[0], "a");
	ASSERT_INT_EQ(l.nvals[0], 2);
	ASSERT_INT_EQ(l.legacy[0], 0);
	ASSERT_STR_EQ(l.vals[0][0], "ma");
	ASSERT_STR_EQ(l.vals[0][1], "ta");
	ASSERT_STR_EQ(l.who[0][0], "");
	ASSERT_STR_EQ(l.cur[0], "ta");
	ASSERT_STR_EQ(l.names[1], "b");
	ASSERT_INT_EQ(l.present[1][0], 0);	/* removed sorts first */
	ASSERT_INT_EQ(l.present[1][1], 1);
	ASSERT_STR_EQ(l.vals[1][1], "tb");
	memset(&l, 0, sizeof(l));
	l.stop_at = 1;
	ASSERT_INT_EQ(merge_conflicts(&out, list_cb, &l), CS_ERR_EXISTS);
	ASSERT_INT_EQ(l.n, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&base, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 0);
	TEST_DONE();

	TEST_START("merge_resolve: MERGE_PICK the current value drops the "
	    "marker");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 1, NULL, 0), 0);
	assert_field(&work, "a", "ta");
	ASSERT_PTR_EQ(body_get(&work, "conflict.a"), NULL);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 1, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "b", MERGE_PICK, 1, NULL, 0), 0);
	assert_field(&work, "b", "tb");
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&work, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 0);
	TEST_DONE();

	TEST_START("merge_resolve: MERGE_PICK the other value or absence");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 0, NULL, 0), 0);
	assert_field(&work, "a", "ma");
	ASSERT_PTR_EQ(body_get(&work, "conflict.a"), NULL);
	ASSERT_INT_EQ(merge_resolve(&work, "b", MERGE_PICK, 0, NULL, 0), 0);
	assert_field(&work, "b", NULL);
	ASSERT_PTR_EQ(body_get(&work, "conflict.b"), NULL);
	/* resolving to mine everywhere gives mine's edits on top */
	assert_field(&work, "d", "md");
	assert_field(&work, "c", NULL);
	ASSERT_INT_EQ(work.n, 2);
	TEST_DONE();

	TEST_START("merge_resolve: MERGE_VALUE sets a new value");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_VALUE, 0,
	    (const uint8_t *)"both", 4), 0);
	assert_field(&work, "a", "both");
	ASSERT_PTR_EQ(body_get(&work, "conflict.a"), NULL);
	ASSERT_INT_EQ(merge_resolve(&work, "b", MERGE_VALUE, 0, NULL, 0), 0);
	assert_field(&work, "b", "");
	TEST_DONE();

	TEST_START("merge_resolve: errors leave the body unchanged");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "d", MERGE_PICK, 0, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 2, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "zz", MERGE_PICK, 0, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "conflict.a", MERGE_PICK, 0, NULL,
	    0), CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge_resolve(&work, "A", MERGE_PICK, 0, NULL, 0),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_VALUE, 0, NULL, 1),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge_resolve(&work, "a", (enum merge_choice)7, 0, NULL,
	    0), CS_ERR_INTERNAL);
	ASSERT_TRUE(body_equal(&work, &out));
	TEST_DONE();

	TEST_START("merge3: a resolution made after the merge propagates");
	/* mine resolved to its own value; theirs untouched since the merge */
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 0, NULL, 0), 0);
	ASSERT_INT_EQ(merge3(&out, &work, &out, NULL, NULL, &base, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&base, &work));
	free3(&base, &mine, &theirs, &out);
	body_free(&work);
	TEST_DONE();
}

/*
 * The marker names each value's author and time, the same whichever
 * side made the merge: the label is no longer "mine" or "theirs".
 */
static void
test_merge_authors(void)
{
	struct merge_author	 anna = { "3", "anna", 200 << 16 };
	struct merge_author	 bert = { "4", "bert", 100 << 16 };
	struct merge_author	 bad = { "x4", "bert\x01", 7 };
	struct body		 base, a, b, out1, out2;
	struct listing		 l;
	const struct body_field	*m1, *m2;
	size_t			 nc;

	TEST_START("merge3: each value carries its author and time");
	mk(&base, "phone=0", "name=x", NULL);
	mk(&a, "phone=111", "name=x", NULL);
	mk(&b, "phone=222", "name=x", NULL);
	body_init(&out1);
	body_init(&out2);
	/* on anna's laptop: mine = anna's, theirs = bert's from the server */
	ASSERT_INT_EQ(merge3(&base, &a, &b, &anna, &bert, &out1, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_INT_EQ(l.legacy[0], 0);
	/* in the order written: bert first (earlier), then anna */
	ASSERT_STR_EQ(l.who[0][0], "bert");
	ASSERT_STR_EQ(l.vals[0][0], "222");
	ASSERT_INT_EQ(l.hlc[0][0], (uint64_t)100 << 16);
	ASSERT_STR_EQ(l.who[0][1], "anna");
	ASSERT_STR_EQ(l.vals[0][1], "111");
	ASSERT_STR_EQ(l.cur[0], "222");
	TEST_DONE();

	TEST_START("merge3: the marker is the same from either side");
	/* on bert's laptop the roles swap; the marker must not change */
	ASSERT_INT_EQ(merge3(&base, &b, &a, &bert, &anna, &out2, &nc), 0);
	ASSERT_PTR_NE(m1 = body_get(&out1, "conflict.phone"), NULL);
	ASSERT_PTR_NE(m2 = body_get(&out2, "conflict.phone"), NULL);
	ASSERT_INT_EQ(m1->len, m2->len);
	ASSERT_MEM_EQ(m1->value, m2->value, m1->len);
	assert_field(&out2, "phone", "111");
	assert_roundtrip(&out1);
	TEST_DONE();

	TEST_START("merge3: a removal has an author too; bad names are "
	    "unknown");
	body_free(&b);
	mk(&b, "name=x", NULL);
	ASSERT_INT_EQ(merge3(&base, &a, &b, &anna, &bad, &out1, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.present[0][0], 0);	/* hlc 7: earliest */
	ASSERT_STR_EQ(l.who[0][0], "");		/* control byte: unknown */
	ASSERT_INT_EQ(l.hlc[0][0], 7);
	ASSERT_STR_EQ(l.who[0][1], "anna");
	ASSERT_STR_EQ(l.cur[0], "(none)");
	ASSERT_INT_EQ(merge_resolve(&out1, "phone", MERGE_PICK, 1, NULL, 0),
	    0);
	assert_field(&out1, "phone", "111");
	ASSERT_PTR_EQ(body_get(&out1, "conflict.phone"), NULL);
	free3(&base, &a, &b, &out1);
	body_free(&out2);
	TEST_DONE();

	TEST_START("merge3: a value a merge pushed keeps its first author; "
	    "a third side adds to the marker");
	{
		struct merge_author carla = { "5", "carla", 300 << 16 };
		/* bert's merging laptop pushed this; the server says bert */
		struct merge_author bert_push = { "4", "bert", 250 << 16 };
		struct body c3;

		mk(&base, "phone=0", NULL);
		mk(&a, "phone=111", NULL);
		mk(&b, "phone=222", NULL);
		mk(&c3, "phone=333", NULL);
		body_init(&out1);
		body_init(&out2);
		/* bert's push conflicts with anna's: his laptop merges */
		ASSERT_INT_EQ(merge3(&base, &b, &a, &bert, &anna, &out1, &nc),
		    0);
		assert_field(&out1, "phone", "111");
		/* carla's push conflicts with what bert's laptop pushed */
		ASSERT_INT_EQ(merge3(&base, &c3, &out1, &carla, &bert_push,
		    &out2, &nc), 0);
		ASSERT_INT_EQ(nc, 1);
		memset(&l, 0, sizeof(l));
		ASSERT_INT_EQ(merge_conflicts(&out2, list_cb, &l), 0);
		ASSERT_INT_EQ(l.nvals[0], 3);
		/* 111 is anna's (the marker says so), not bert's */
		ASSERT_STR_EQ(l.who[0][0], "bert");
		ASSERT_STR_EQ(l.vals[0][0], "222");
		ASSERT_STR_EQ(l.who[0][1], "anna");
		ASSERT_STR_EQ(l.vals[0][1], "111");
		ASSERT_INT_EQ(l.hlc[0][1], (uint64_t)200 << 16);
		ASSERT_STR_EQ(l.who[0][2], "carla");
		ASSERT_STR_EQ(l.vals[0][2], "333");
		ASSERT_STR_EQ(l.cur[0], "111");
		free3(&base, &a, &b, &c3);
		body_free(&out1);
		body_free(&out2);
	}
	TEST_DONE();

	TEST_START("merge3: at most MARKER_VALUES_MAX values: the sides and "
	    "the newest older ones");
	{
		struct marker_value	 ov[MARKER_VALUES_MAX];
		struct merge_author	 m5 = { "1", "m", 9000 };
		struct merge_author	 t5 = { "2", "t", 10 };
		uint8_t			*enc = NULL;
		size_t			 elen, i;
		char			 vals[MARKER_VALUES_MAX][8];

		for (i = 0; i < MARKER_VALUES_MAX; i++) {
			memset(&ov[i], 0, sizeof(ov[i]));
			snprintf(vals[i], sizeof(vals[i]), "o%zu", i);
			ov[i].present = 1;
			ov[i].value = (const uint8_t *)vals[i];
			ov[i].len = strlen(vals[i]);
			ov[i].hlc = 100 * (i + 1);
			snprintf(ov[i].user_name, sizeof(ov[i].user_name), "u%zu",
			    i);
		}
		ASSERT_INT_EQ(marker_encode(ov, MARKER_VALUES_MAX, &enc, &elen),
		    0);
		mk(&base, "x=0", NULL);
		ASSERT_INT_EQ(body_set(&base, "conflict.x", enc, elen), 0);
		free(enc);
		ASSERT_INT_EQ(body_copy(&base, &a), 0);
		ASSERT_INT_EQ(body_copy(&base, &b), 0);
		set_str(&a, "x", "mine");
		set_str(&b, "x", "theirs");
		body_init(&out1);
		ASSERT_INT_EQ(merge3(&base, &a, &b, &m5, &t5, &out1, &nc), 0);
		memset(&l, 0, sizeof(l));
		ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
		ASSERT_INT_EQ(l.nvals[0], MARKER_VALUES_MAX);
		/* t (10), then the two newest old ones, then m (9000) */
		ASSERT_STR_EQ(l.vals[0][0], "theirs");
		ASSERT_STR_EQ(l.vals[0][1], "o2");
		ASSERT_STR_EQ(l.vals[0][2], "o3");
		ASSERT_STR_EQ(l.vals[0][3], "mine");
		free3(&base, &a, &b, &out1);
	}
	TEST_DONE();

	TEST_START("merge_conflicts: a legacy marker lists the field too");
	mk(&out1, "phone=222", "conflict.phone=\x01" "111", NULL);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_INT_EQ(l.legacy[0], 1);
	ASSERT_INT_EQ(l.nvals[0], 2);
	ASSERT_STR_EQ(l.vals[0][0], "111");
	ASSERT_STR_EQ(l.vals[0][1], "222");
	ASSERT_STR_EQ(l.who[0][0], "");
	ASSERT_INT_EQ(merge_resolve(&out1, "phone", MERGE_PICK, 0, NULL, 0),
	    0);
	assert_field(&out1, "phone", "111");
	ASSERT_INT_EQ(out1.n, 1);
	body_free(&out1);
	mk(&out1, "conflict.phone=@0", NULL);	/* legacy, both removed */
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.present[0][0], 0);
	ASSERT_INT_EQ(l.present[0][1], 0);
	ASSERT_INT_EQ(merge_resolve(&out1, "phone", MERGE_PICK, 1, NULL, 0),
	    0);
	ASSERT_INT_EQ(out1.n, 0);
	body_free(&out1);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_merge_basic();
	test_merge_identities();
	test_merge_markers();
	test_merge_conflicts_resolve();
	test_merge_authors();
	return 0;
}
