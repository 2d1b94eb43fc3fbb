/* SPDX-License-Identifier: ISC */
/*
 * marker.c - the codec of conflict marker values (see marker.h).  The
 * bytes come from other laptops: every length is checked against what
 * is left before it is used, and only the canonical form is accepted.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "buf.h"
#include "errors.h"
#include "marker.h"
#include "util.h"

int
marker_user_id_ok(const char *s)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= MARKER_ID_MAX || s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
marker_user_name_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, len;

	if (s == NULL || (len = strlen(s)) > MARKER_NAME_MAX ||
	    !utf8_valid(s, len))
		return 0;
	/* C0, DEL and C1 (U+0080..U+009F, 0xc2 0x80..0x9f) */
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] == 0xc2 && i + 1 < len && p[i + 1] < 0xa0))
			return 0;
	return 1;
}

int
marker_cmp(const struct marker_value *a, const struct marker_value *b)
{
	size_t	n;
	int	c;

	if (a->hlc != b->hlc)
		return a->hlc < b->hlc ? -1 : 1;
	if ((c = strcmp(a->user_name, b->user_name)) != 0 ||
	    (c = strcmp(a->user_id, b->user_id)) != 0)
		return c;
	if (a->present != b->present)
		return a->present < b->present ? -1 : 1;
	n = a->len < b->len ? a->len : b->len;
	if (n > 0 && (c = memcmp(a->value, b->value, n)) != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

/* A length-prefixed (1 byte) string of at most "max" bytes into "dst". */
static int
marker_get_str(const uint8_t *p, size_t len, size_t *off, char *dst,
    size_t max)
{
	size_t	n;

	if (*off >= len)
		return CS_ERR_FORMAT;
	n = p[(*off)++];
	if (n > max || n > len - *off || memchr(p + *off, '\0', n) != NULL)
		return CS_ERR_FORMAT;
	memcpy(dst, p + *off, n);
	dst[n] = '\0';
	*off += n;
	return 0;
}

int
marker_decode(const uint8_t *p, size_t len, struct marker_value *out,
    size_t max, size_t *np, int *legacy)
{
	struct marker_value	*v;
	size_t			 off, i, n;

	*np = 0;
	*legacy = 0;
	if (len == 0 || max == 0)
		return CS_ERR_FORMAT;
	if (p[0] == MARKER_LEGACY_ABSENT || p[0] == MARKER_LEGACY_VALUE) {
		if ((p[0] == MARKER_LEGACY_ABSENT && len != 1) ||
		    len - 1 > BODY_VALUE_MAX)
			return CS_ERR_FORMAT;
		memset(out, 0, sizeof(*out));
		out->present = p[0] == MARKER_LEGACY_VALUE;
		out->value = len > 1 ? p + 1 : NULL;
		out->len = len - 1;
		*np = 1;
		*legacy = 1;
		return 0;
	}
	if (p[0] != MARKER_AUTHORED || len < 2)
		return CS_ERR_FORMAT;
	n = p[1];
	if (n < 2 || n > MARKER_VALUES_MAX || n > max)
		return CS_ERR_FORMAT;
	off = 2;
	for (i = 0; i < n; i++) {
		v = &out[i];
		memset(v, 0, sizeof(*v));
		if (len - off < 1 + 8)
			return CS_ERR_FORMAT;
		if (p[off] > 1)
			return CS_ERR_FORMAT;
		v->present = p[off++];
		v->hlc = buf_load_u64(p + off);
		off += 8;
		if (marker_get_str(p, len, &off, v->user_id,
		    MARKER_ID_MAX) != 0 ||
		    marker_get_str(p, len, &off, v->user_name,
		    MARKER_NAME_MAX) != 0 ||
		    !marker_user_id_ok(v->user_id) ||
		    !marker_user_name_ok(v->user_name) || len - off < 4)
			return CS_ERR_FORMAT;
		v->len = (size_t)buf_load_u32(p + off);
		off += 4;
		if (v->len > BODY_VALUE_MAX || v->len > len - off ||
		    (!v->present && v->len != 0))
			return CS_ERR_FORMAT;
		v->value = v->len > 0 ? p + off : NULL;
		off += v->len;
		if (i > 0 && marker_cmp(&out[i - 1], v) >= 0)
			return CS_ERR_FORMAT;
	}
	if (off != len)
		return CS_ERR_FORMAT;
	*np = n;
	return 0;
}

int
marker_encode(const struct marker_value *in, size_t n, uint8_t **out,
    size_t *lenp)
{
	const struct marker_value	*v[MARKER_VALUES_MAX], *t;
	uint8_t				*buf = NULL;
	size_t				 i, j, len, off, idl, nml;
	int				 r;

	*out = NULL;
	*lenp = 0;
	if (n < 2 || n > MARKER_VALUES_MAX) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	len = 2;
	for (i = 0; i < n; i++) {
		if (!marker_user_id_ok(in[i].user_id) ||
		    !marker_user_name_ok(in[i].user_name) ||
		    in[i].len > BODY_VALUE_MAX ||
		    (in[i].len > 0 && in[i].value == NULL) ||
		    (!in[i].present && in[i].len != 0)) {
			r = CS_ERR_FORMAT;
			goto out;
		}
		len += MARKER_ENTRY_FIXED + strlen(in[i].user_id) +
		    strlen(in[i].user_name) + in[i].len;
		/* insertion sort: at most MARKER_VALUES_MAX */
		for (j = i; j > 0 && marker_cmp(v[j - 1], &in[i]) > 0; j--)
			v[j] = v[j - 1];
		v[j] = &in[i];
	}
	for (i = 1; i < n; i++) {
		if (marker_cmp(v[i - 1], v[i]) == 0) {
			r = CS_ERR_FORMAT;
			goto out;
		}
	}
	if ((buf = malloc(len)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	buf[0] = MARKER_AUTHORED;
	buf[1] = (uint8_t)n;
	off = 2;
	for (i = 0; i < n; i++) {
		t = v[i];
		idl = strlen(t->user_id);
		nml = strlen(t->user_name);
		buf[off++] = t->present ? 1 : 0;
		buf_store_u64(buf + off, t->hlc);
		off += 8;
		buf[off++] = (uint8_t)idl;
		memcpy(buf + off, t->user_id, idl);
		off += idl;
		buf[off++] = (uint8_t)nml;
		memcpy(buf + off, t->user_name, nml);
		off += nml;
		buf_store_u32(buf + off, (uint32_t)t->len);
		off += 4;
		if (t->len > 0)
			memcpy(buf + off, t->value, t->len);
		off += t->len;
	}
	*out = buf;
	*lenp = len;
	buf = NULL;			/* transferred */
	r = 0;
 out:
	free(buf);
	return r;
}
