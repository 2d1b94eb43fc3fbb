/* SPDX-License-Identifier: ISC */
/*
 * body.c - record body plaintext (see body.h): the canonical protobuf
 * codec for casesync.v1.RecordBody and the sorted field set operations.
 * Besides proto/wire.c this is the only file that calls protobuf-c; it
 * does so through an allocator that wipes what it frees, because the
 * unpacked message holds case content.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "casesync.pb-c.h"
#include "errors.h"
#include "marker.h"

/* Allocation header for the wiping allocator: keeps the size. */
union body_hdr {
	size_t		n;
	max_align_t	align;
};

static void *
body_pb_alloc(void *arg, size_t size)
{
	union body_hdr	*h;

	(void)arg;
	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	if ((h = malloc(sizeof(*h) + size)) == NULL)
		return NULL;
	h->n = size;
	return h + 1;
}

static void
body_pb_free(void *arg, void *p)
{
	union body_hdr	*h;

	(void)arg;
	if (p == NULL)
		return;
	h = (union body_hdr *)p - 1;
	sodium_memzero(h, sizeof(*h) + h->n);
	free(h);
}

static ProtobufCAllocator body_pb_allocator = {
	.alloc = body_pb_alloc,
	.free = body_pb_free,
	.allocator_data = NULL,
};

static void
body_field_clear(struct body_field *f)
{
	if (f->name != NULL) {
		sodium_memzero(f->name, strlen(f->name));
		free(f->name);
	}
	if (f->value != NULL) {
		sodium_memzero(f->value, f->len);
		free(f->value);
	}
	f->name = NULL;
	f->value = NULL;
	f->len = 0;
}

void
body_init(struct body *b)
{
	b->f = NULL;
	b->n = 0;
}

void
body_free(struct body *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		body_field_clear(&b->f[i]);
	free(b->f);
	body_init(b);
}

void
body_buf_free(uint8_t *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

int
body_name_is_marker(const char *name)
{
	return strncmp(name, BODY_CONFLICT_PREFIX,
	    BODY_CONFLICT_PREFIX_LEN) == 0;
}

/* A user field name: see body.h. */
static int
body_user_name_valid(const char *name)
{
	size_t	i;
	char	c;

	for (i = 0; (c = name[i]) != '\0'; i++) {
		if (i >= BODY_USER_NAME_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.'))
			return 0;
	}
	if (i == 0 || name[0] == '.' || name[i - 1] == '.')
		return 0;
	return !body_name_is_marker(name);
}

int
body_name_valid(const char *name)
{
	if (name == NULL)
		return 0;
	if (body_name_is_marker(name))
		return body_user_name_valid(name + BODY_CONFLICT_PREFIX_LEN);
	return body_user_name_valid(name);
}

/* 1 if "len" bytes at "v" may be the value of field "name" (valid). */
static int
body_value_valid(const char *name, const uint8_t *v, size_t len)
{
	struct marker_value	mv[MARKER_VALUES_MAX];
	size_t			n;
	int			legacy;

	if (!body_name_is_marker(name))
		return len <= BODY_VALUE_MAX;
	return marker_decode(v, len, mv, MARKER_VALUES_MAX, &n,
	    &legacy) == 0;
}

int
body_valid(const struct body *b)
{
	size_t	i;

	if (b->n > BODY_FIELDS_MAX || (b->n > 0 && b->f == NULL))
		return 0;
	for (i = 0; i < b->n; i++) {
		if (!body_name_valid(b->f[i].name) || b->f[i].value == NULL ||
		    !body_value_valid(b->f[i].name, b->f[i].value,
		    b->f[i].len))
			return 0;
		if (i > 0 && strcmp(b->f[i - 1].name, b->f[i].name) >= 0)
			return 0;
	}
	return 1;
}

/*
 * Binary search for "name": 1 and *idx = its index if present, else 0
 * and *idx = where it would be inserted.
 */
static int
body_find(const struct body *b, const char *name, size_t *idx)
{
	size_t	lo = 0, hi = b->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(b->f[mid].name, name)) == 0) {
			*idx = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*idx = lo;
	return 0;
}

/* A private copy of "len" bytes; never NULL on success (len may be 0). */
static uint8_t *
body_dup_value(const uint8_t *v, size_t len)
{
	uint8_t	*p;

	if ((p = malloc(len > 0 ? len : 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, v, len);
	return p;
}

static char *
body_dup_name(const char *name)
{
	size_t	 len = strlen(name);
	char	*p;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, name, len + 1);
	return p;
}

const struct body_field *
body_get(const struct body *b, const char *name)
{
	size_t	i;

	if (name == NULL || !body_find(b, name, &i))
		return NULL;
	return &b->f[i];
}

int
body_set(struct body *b, const char *name, const uint8_t *v, size_t len)
{
	struct body_field	*nf;
	uint8_t			*val = NULL;
	char			*nm = NULL;
	size_t			 i;
	int			 r;

	if (!body_name_valid(name) || (v == NULL && len > 0) ||
	    !body_value_valid(name, v, len)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	/* copy first: "v" may point into "b" */
	if ((val = body_dup_value(v, len)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (body_find(b, name, &i)) {
		sodium_memzero(b->f[i].value, b->f[i].len);
		free(b->f[i].value);
		b->f[i].value = val;
		b->f[i].len = len;
		val = NULL;		/* transferred */
		r = 0;
		goto out;
	}
	if (b->n >= BODY_FIELDS_MAX) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((nm = body_dup_name(name)) == NULL ||
	    (nf = reallocarray(b->f, b->n + 1, sizeof(*nf))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	b->f = nf;
	memmove(&b->f[i + 1], &b->f[i], (b->n - i) * sizeof(*nf));
	b->f[i].name = nm;
	b->f[i].value = val;
	b->f[i].len = len;
	b->n++;
	nm = NULL;			/* transferred */
	val = NULL;
	r = 0;
 out:
	free(nm);
	body_buf_free(val, len);
	return r;
}

int
body_unset(struct body *b, const char *name)
{
	size_t	i;

	if (name == NULL || !body_find(b, name, &i))
		return CS_ERR_NOT_FOUND;
	body_field_clear(&b->f[i]);
	memmove(&b->f[i], &b->f[i + 1], (b->n - i - 1) * sizeof(b->f[0]));
	b->n--;
	/* never shrink with realloc: unset must not fail */
	if (b->n == 0) {
		free(b->f);
		b->f = NULL;
	}
	return 0;
}

int
body_equal(const struct body *a, const struct body *b)
{
	size_t	i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->f[i].name, b->f[i].name) != 0 ||
		    a->f[i].len != b->f[i].len ||
		    (a->f[i].len > 0 && memcmp(a->f[i].value, b->f[i].value,
		    a->f[i].len) != 0))
			return 0;
	}
	return 1;
}

int
body_copy(const struct body *src, struct body *dst)
{
	struct body	tmp;
	size_t		i;
	int		r;

	body_init(&tmp);
	if (!body_valid(src)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if (src->n > 0 && (tmp.f = calloc(src->n, sizeof(*tmp.f))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < src->n; i++) {
		tmp.n = i + 1;	/* body_free() sees the partial copy */
		if ((tmp.f[i].name = body_dup_name(src->f[i].name)) == NULL ||
		    (tmp.f[i].value = body_dup_value(src->f[i].value,
		    src->f[i].len)) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		tmp.f[i].len = src->f[i].len;
	}
	body_free(dst);
	*dst = tmp;
	body_init(&tmp);		/* transferred */
	r = 0;
 out:
	body_free(&tmp);
	return r;
}

/*
 * Read one varint of at most 3 bytes (enough for BODY_FIELD_ENC_MAX)
 * at p[*off..len).  Returns 0 or CS_ERR_FORMAT.  Overlong forms are
 * left to the canonical comparison in body_decode().
 */
static int
body_varint3(const uint8_t *p, size_t len, size_t *off, size_t *v)
{
	size_t	i, x = 0;

	for (i = 0; i < 3; i++) {
		if (*off >= len)
			return CS_ERR_FORMAT;
		x |= (size_t)(p[*off] & 0x7f) << (7 * i);
		if ((p[(*off)++] & 0x80) == 0) {
			*v = x;
			return 0;
		}
	}
	return CS_ERR_FORMAT;
}

/*
 * Walk the top level of the encoding before protobuf-c allocates
 * anything for it: only field 1 (length-delimited, tag byte 0x0a), each
 * at most BODY_FIELD_ENC_MAX bytes, at most BODY_FIELDS_MAX of them.
 * This bounds what unpack allocates by the input length.
 */
static int
body_prescan(const uint8_t *p, size_t len)
{
	size_t	off = 0, flen, n = 0;

	while (off < len) {
		if (p[off++] != 0x0a)
			return CS_ERR_FORMAT;
		if (body_varint3(p, len, &off, &flen) != 0 ||
		    flen > BODY_FIELD_ENC_MAX || flen > len - off)
			return CS_ERR_FORMAT;
		off += flen;
		if (++n > BODY_FIELDS_MAX)
			return CS_ERR_FORMAT;
	}
	return 0;
}

/*
 * Decode the non-empty "len" bytes at "p" into the empty body "tmp".
 * On error "tmp" may hold a partial result for the caller to free.
 */
static int
body_decode_pb(const uint8_t *p, size_t len, struct body *tmp)
{
	Casesync__V1__RecordBody	*m = NULL;
	const Casesync__V1__Field	*pf;
	uint8_t				*enc = NULL;
	size_t				 i, enclen = 0;
	int				 r;

	if (len > BODY_ENCODED_MAX || body_prescan(p, len) != 0) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	/* NULL here is malformed input or, rarely, out of memory */
	if ((m = casesync__v1__record_body__unpack(&body_pb_allocator, len,
	    p)) == NULL) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if (m->base.n_unknown_fields != 0 || m->n_fields > BODY_FIELDS_MAX) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if (m->n_fields > 0 &&
	    (tmp->f = calloc(m->n_fields, sizeof(*tmp->f))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < m->n_fields; i++) {
		pf = m->fields[i];
		if (pf == NULL || pf->base.n_unknown_fields != 0 ||
		    pf->name == NULL || !body_name_valid(pf->name) ||
		    (pf->value.len > 0 && pf->value.data == NULL) ||
		    !body_value_valid(pf->name, pf->value.data,
		    pf->value.len) ||
		    (i > 0 && strcmp(m->fields[i - 1]->name, pf->name) >= 0)) {
			r = CS_ERR_FORMAT;
			goto out;
		}
		tmp->n = i + 1;	/* body_free() sees the partial copy */
		if ((tmp->f[i].name = body_dup_name(pf->name)) == NULL ||
		    (tmp->f[i].value = body_dup_value(pf->value.data,
		    pf->value.len)) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		tmp->f[i].len = pf->value.len;
	}
	/*
	 * Canonical encodings only: the result must encode to exactly the
	 * input.  This refuses inner fields out of order or repeated,
	 * names cut short by a NUL, explicit empty values, overlong varints
	 * and a field number 0 spelled in two bytes, so that a decoded body
	 * always has one encoding (content hashes, determinism).
	 */
	if ((r = body_encode(tmp, &enc, &enclen)) != 0)
		goto out;
	if (enclen != len || memcmp(enc, p, len) != 0) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	r = 0;
 out:
	body_buf_free(enc, enclen);
	if (m != NULL)
		casesync__v1__record_body__free_unpacked(m,
		    &body_pb_allocator);
	return r;
}

int
body_decode(const uint8_t *p, size_t len, struct body *out)
{
	struct body	tmp;
	int		r;

	body_init(&tmp);
	if (len > 0) {
		if (p == NULL) {
			r = CS_ERR_FORMAT;
			goto out;
		}
		if ((r = body_decode_pb(p, len, &tmp)) != 0)
			goto out;
	}
	body_free(out);
	*out = tmp;
	body_init(&tmp);		/* transferred */
	r = 0;
 out:
	body_free(&tmp);
	return r;
}

int
body_encode(const struct body *b, uint8_t **out, size_t *lenp)
{
	Casesync__V1__RecordBody	  m;
	Casesync__V1__Field		 *pf = NULL, **pp = NULL;
	uint8_t				 *buf = NULL;
	size_t				  i, len = 0;
	int				  r;

	*out = NULL;
	*lenp = 0;
	if (!body_valid(b)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	casesync__v1__record_body__init(&m);
	if (b->n > 0) {
		if ((pf = calloc(b->n, sizeof(*pf))) == NULL ||
		    (pp = calloc(b->n, sizeof(*pp))) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		for (i = 0; i < b->n; i++) {
			casesync__v1__field__init(&pf[i]);
			pf[i].name = b->f[i].name;
			pf[i].value.data = b->f[i].value;
			pf[i].value.len = b->f[i].len;
			pp[i] = &pf[i];
		}
		m.n_fields = b->n;
		m.fields = pp;
	}
	/* a valid body is at most BODY_ENCODED_MAX bytes */
	len = casesync__v1__record_body__get_packed_size(&m);
	if (len > BODY_ENCODED_MAX) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if ((buf = malloc(len > 0 ? len : 1)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (casesync__v1__record_body__pack(&m, buf) != len) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	*out = buf;
	*lenp = len;
	buf = NULL;			/* transferred */
	r = 0;
 out:
	body_buf_free(buf, len);
	free(pf);			/* pointers only, no content */
	free(pp);
	return r;
}
