/* SPDX-License-Identifier: ISC */
/*
 * fuzz_body.c - libFuzzer target for body_decode() (proto/body.c) and
 * merge3() (client/core/merge.c).  Arbitrary bytes go to body_decode(); a
 * rejected input must leave the output body untouched.  An accepted one
 * must be canonical (body_encode() gives the input back) and decode
 * again to an equal body.  The decoded body b is then merged with
 * itself and with an empty body e, where every identity of a three-way
 * merge must hold, and with two edits of itself in which every user
 * field changed differently on each side: each must become a conflict
 * (theirs' value in the field, both values with their authors in the
 * marker), merge_conflicts() must list them all, and resolving each to
 * mine's value must give mine's values back.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined with proto/body.c,
 * proto/marker.c, client/core/merge.c, common/errors.c, common/log.c and the generated
 * casesync.pb-c.c (see tests/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "errors.h"
#include "marker.h"
#include "merge.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* merge3() must succeed, create no conflict and give "want". */
static void
check_merge(const struct body *base, const struct body *mine,
    const struct body *theirs, const struct body *want)
{
	struct body	out;
	size_t		nc = 1;

	body_init(&out);
	CHECK(merge3(base, mine, theirs, NULL, NULL, &out, &nc) == 0);
	CHECK(nc == 0);
	CHECK(body_equal(&out, want));
	body_free(&out);
}

/*
 * Copy "b" with every user field's value changed: the first byte
 * xor'ed with "x", or the single byte "x" if the value was empty.
 */
static int
edit_all(const struct body *b, uint8_t x, struct body *out)
{
	uint8_t	*v;
	size_t	 i;
	int	 r;

	if ((r = body_copy(b, out)) != 0)
		return r;
	for (i = 0; i < out->n; i++) {
		if (body_name_is_marker(out->f[i].name))
			continue;
		v = out->f[i].value;	/* never NULL, even when len is 0 */
		if (out->f[i].len == 0) {
			v[0] = x;
			out->f[i].len = 1;
		} else
			v[0] ^= x;
	}
	return 0;
}

struct seen {
	const struct body	*b;
	size_t			 n;
};

static int
conflict_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct seen	*s = arg;
	size_t		 i;

	CHECK(body_name_valid(name) && !body_name_is_marker(name));
	CHECK(cur == body_get(s->b, name));
	CHECK(n >= 2 && n <= MERGE_VALUES_MAX);
	CHECK(!legacy || n == 2);
	for (i = 0; i < n; i++) {
		CHECK(v[i].present || (v[i].value == NULL && v[i].len == 0));
		CHECK(v[i].len == 0 || v[i].value != NULL);
	}
	s->n++;
	return 0;
}

static void
check_conflicts(const struct body *b)
{
	struct body	 m, t, out;
	struct seen	 s;
	const struct body_field	*f;
	size_t		 i, nuser = 0, norphan = 0, nc = 0;
	char		 mname[BODY_NAME_MAX + 1];
	struct marker_value mv[MARKER_VALUES_MAX];
	struct merge_author mby = { "1", "m", 2 }, tby = { "2", "t", 1 };
	size_t		 nv, j, hit;
	int		 r, legacy;

	body_init(&m);
	body_init(&t);
	body_init(&out);
	if (edit_all(b, 0x01, &t) != 0 || edit_all(b, 0x02, &m) != 0)
		goto out;		/* out of memory only */
	for (i = 0; i < b->n; i++) {
		if (!body_name_is_marker(b->f[i].name))
			nuser++;
		else if (body_get(b, b->f[i].name +
		    BODY_CONFLICT_PREFIX_LEN) == NULL)
			norphan++;
	}
	/* every user field conflicts; its new marker replaces an old one */
	r = merge3(b, &m, &t, &mby, &tby, &out, &nc);
	if (2 * nuser + norphan > BODY_FIELDS_MAX) {
		CHECK(r == CS_ERR_TOO_LARGE && nc == 0);
		goto out;
	}
	if (r == CS_ERR_ALLOC)
		goto out;
	CHECK(r == 0);
	CHECK(nc == nuser);
	CHECK(out.n == 2 * nuser + norphan);
	CHECK(body_valid(&out));
	for (i = 0; i < m.n; i++) {
		if (body_name_is_marker(m.f[i].name))
			continue;
		f = body_get(&out, m.f[i].name);
		CHECK(f != NULL && f->len == t.f[i].len &&
		    memcmp(f->value, t.f[i].value, f->len) == 0);
		memcpy(mname, BODY_CONFLICT_PREFIX, BODY_CONFLICT_PREFIX_LEN);
		memcpy(mname + BODY_CONFLICT_PREFIX_LEN, m.f[i].name,
		    strlen(m.f[i].name) + 1);
		f = body_get(&out, mname);
		/* mine's value is one of the marker's, exactly once */
		CHECK(f != NULL && marker_decode(f->value, f->len, mv,
		    MARKER_VALUES_MAX, &nv, &legacy) == 0 && !legacy &&
		    nv >= 2);
		for (j = 0, hit = 0; j < nv; j++)
			hit += mv[j].present && mv[j].len == m.f[i].len &&
			    (mv[j].len == 0 || memcmp(mv[j].value,
			    m.f[i].value, mv[j].len) == 0);
		CHECK(hit == 1);
	}
	s.b = &out;
	s.n = 0;
	CHECK(merge_conflicts(&out, conflict_cb, &s) == 0);
	CHECK(s.n == nuser + norphan);
	/* resolving every new conflict to mine gives mine's fields back */
	for (i = 0; i < m.n; i++) {
		if (body_name_is_marker(m.f[i].name))
			continue;
		r = merge_resolve(&out, m.f[i].name, MERGE_VALUE, 0,
		    m.f[i].value, m.f[i].len);
		if (r == CS_ERR_ALLOC)
			goto out;
		CHECK(r == 0);
	}
	CHECK(out.n == nuser + norphan);
	for (i = 0; i < m.n; i++) {
		f = body_get(&out, m.f[i].name);
		if (body_name_is_marker(m.f[i].name)) {
			/* only markers without a user field survive */
			CHECK((f != NULL) == (body_get(b, m.f[i].name +
			    BODY_CONFLICT_PREFIX_LEN) == NULL));
			continue;
		}
		CHECK(f != NULL && f->len == m.f[i].len &&
		    memcmp(f->value, m.f[i].value, f->len) == 0);
	}
 out:
	body_free(&m);
	body_free(&t);
	body_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct body	 b, c, e;
	uint8_t		*enc = NULL;
	size_t		 len = 0;
	int		 r;

	body_init(&b);
	body_init(&c);
	body_init(&e);
	if ((r = body_decode(data, size, &b)) != 0) {
		CHECK(r == CS_ERR_FORMAT || r == CS_ERR_ALLOC);
		CHECK(b.n == 0 && b.f == NULL);
		return 0;
	}
	CHECK(body_valid(&b));

	/* canonical: the input is the one encoding of what it decodes to */
	if (body_encode(&b, &enc, &len) == 0) {
		CHECK(enc != NULL && len == size);
		CHECK(size == 0 || memcmp(enc, data, size) == 0);
		if (body_decode(enc, len, &c) == 0)
			CHECK(body_equal(&b, &c));
	}

	/* the identities of a three-way merge */
	check_merge(&b, &b, &b, &b);
	check_merge(&e, &b, &e, &b);		/* mine added everything */
	check_merge(&e, &e, &b, &b);		/* theirs added everything */
	check_merge(&e, &b, &b, &b);		/* both added the same */
	check_merge(&b, &e, &b, &e);		/* mine removed everything */
	check_merge(&b, &b, &e, &e);		/* theirs removed everything */
	check_merge(&b, &e, &e, &e);		/* both removed everything */

	check_conflicts(&b);

	body_buf_free(enc, len);
	body_free(&b);
	body_free(&c);
	return 0;
}
