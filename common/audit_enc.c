/* SPDX-License-Identifier: ISC */
/*
 * audit_enc.c - an audit entry's canonical encoding, its inverse and
 * its JSON line (audit_enc.h).
 */
#include <stdio.h>
#include <string.h>

#include "audit_enc.h"
#include "buf.h"
#include "errors.h"
#include "json.h"
#include "merkle.h"
#include "util.h"

/* Append one text field; CS_ERR_FORMAT if unterminated or too long. */
static int
audit_put_str(uint8_t *dst, size_t dstlen, size_t *off, const char *s)
{
	size_t	len = strnlen(s, AUDIT_STR_MAX + 1);

	if (len > AUDIT_STR_MAX)
		return CS_ERR_FORMAT;
	if (dstlen - *off < 2 + len)
		return CS_ERR_TOO_LARGE;
	buf_store_u16(dst + *off, (uint16_t)len);
	*off += 2;
	memcpy(dst + *off, s, len);
	*off += len;
	return 0;
}

static int
audit_put_int(uint8_t *dst, size_t dstlen, size_t *off, int64_t v)
{
	if (dstlen - *off < 8)
		return CS_ERR_TOO_LARGE;
	buf_store_u64(dst + *off, (uint64_t)v);
	*off += 8;
	return 0;
}

int
audit_entry_encode(const struct audit_entry *e, uint8_t *dst, size_t dstlen,
    size_t *len)
{
	size_t	off = 0;
	int	r;

	*len = 0;
	if (dstlen < 2)
		return CS_ERR_TOO_LARGE;
	dst[off++] = AUDIT_ENC_VERSION;
	if ((r = audit_put_int(dst, dstlen, &off, e->idx)) != 0 ||
	    (r = audit_put_int(dst, dstlen, &off, e->server_time)) != 0 ||
	    (r = audit_put_int(dst, dstlen, &off, e->device_time)) != 0)
		return r;
	if (dstlen - off < 1)
		return CS_ERR_TOO_LARGE;
	dst[off++] = (uint8_t)e->action;
	if ((r = audit_put_str(dst, dstlen, &off, e->type)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->outcome)) != 0 ||
	    (r = audit_put_int(dst, dstlen, &off, e->user_id)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->user)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->role)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->office)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->on_behalf_of)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->purpose)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->basis)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->legal_basis)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->client_ref)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->object_type)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->object_id)) != 0 ||
	    (r = audit_put_int(dst, dstlen, &off, e->device_id)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->addr)) != 0 ||
	    (r = audit_put_str(dst, dstlen, &off, e->detail)) != 0)
		return r;
	*len = off;
	return 0;
}

int
audit_entry_leaf(const struct audit_entry *e, uint8_t leaf[MERKLE_HASH_LEN])
{
	uint8_t	enc[AUDIT_ENC_MAX];
	size_t	len;
	int	r;

	if ((r = audit_entry_encode(e, enc, sizeof(enc), &len)) != 0)
		return r;
	merkle_leaf_hash(enc, len, leaf);
	return 0;
}

/* Take one text field into dst; CS_ERR_FORMAT if it does not fit. */
static int
audit_get_str(const uint8_t *src, size_t len, size_t *off,
    char dst[AUDIT_STR_MAX + 1])
{
	size_t	n;

	if (len - *off < 2)
		return CS_ERR_FORMAT;
	n = buf_load_u16(src + *off);
	*off += 2;
	/* a NUL would end the text early: encoding it again differs */
	if (n > AUDIT_STR_MAX || len - *off < n ||
	    memchr(src + *off, '\0', n) != NULL)
		return CS_ERR_FORMAT;
	memcpy(dst, src + *off, n);
	dst[n] = '\0';
	*off += n;
	return 0;
}

static int
audit_get_int(const uint8_t *src, size_t len, size_t *off, int64_t *v)
{
	if (len - *off < 8)
		return CS_ERR_FORMAT;
	*v = (int64_t)buf_load_u64(src + *off);
	*off += 8;
	return 0;
}

int
audit_entry_decode(const uint8_t *src, size_t len, struct audit_entry *e)
{
	size_t	off = 0;
	int	r;

	memset(e, 0, sizeof(*e));
	if (len < 1 || len > AUDIT_ENC_MAX || src[off++] != AUDIT_ENC_VERSION)
		return CS_ERR_FORMAT;
	if ((r = audit_get_int(src, len, &off, &e->idx)) != 0 ||
	    (r = audit_get_int(src, len, &off, &e->server_time)) != 0 ||
	    (r = audit_get_int(src, len, &off, &e->device_time)) != 0 ||
	    len - off < 1)
		goto bad;
	e->action = (char)src[off++];
	if ((r = audit_get_str(src, len, &off, e->type)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->outcome)) != 0 ||
	    (r = audit_get_int(src, len, &off, &e->user_id)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->user)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->role)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->office)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->on_behalf_of)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->purpose)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->basis)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->legal_basis)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->client_ref)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->object_type)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->object_id)) != 0 ||
	    (r = audit_get_int(src, len, &off, &e->device_id)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->addr)) != 0 ||
	    (r = audit_get_str(src, len, &off, e->detail)) != 0)
		goto bad;
	if (off == len)		/* trailing bytes: not canonical */
		return 0;
 bad:
	memset(e, 0, sizeof(*e));
	return CS_ERR_FORMAT;
}

/* A local time, or the number when it has none (audit_time_local). */
static const char *
audit_enc_when(char dst[JSON_TIME_LEN], int64_t t)
{
	if (json_time_fmt(dst, t) != 0)
		(void)str_fmt(dst, JSON_TIME_LEN, "%lld", (long long)t);
	return dst;
}

int
audit_entry_json(FILE *f, const struct audit_entry *e, const uint8_t *leaf)
{
	const struct {
		const char	*k;
		const char	*v;
	} t[] = {
		{ "type", e->type }, { "outcome", e->outcome },
		{ "user", e->user }, { "role", e->role },
		{ "office", e->office }, { "on_behalf_of", e->on_behalf_of },
		{ "purpose", e->purpose }, { "basis", e->basis },
		{ "legal_basis", e->legal_basis },
		{ "client_ref", e->client_ref },
		{ "object_type", e->object_type },
		{ "object_id", e->object_id }, { "addr", e->addr },
		{ "detail", e->detail },
	};
	struct json	j;
	char		action[2] = { e->action, '\0' };
	char		hex[2 * MERKLE_HASH_LEN + 1];
	char		st[JSON_TIME_LEN], dt[JSON_TIME_LEN];
	size_t		i;

	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_int(&j, "idx", e->idx);
	json_kv_int(&j, "server_time", e->server_time);
	json_kv_int(&j, "device_time", e->device_time);
	json_kv_str(&j, "server_time_local", audit_enc_when(st,
	    e->server_time));
	json_kv_str(&j, "device_time_local", e->device_time == 0 ? NULL :
	    audit_enc_when(dt, e->device_time));
	json_kv_str(&j, "action", action);
	json_kv_int(&j, "user_id", e->user_id);
	json_kv_int(&j, "device_id", e->device_id);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		json_kv_str(&j, t[i].k, t[i].v);
	if (leaf != NULL) {
		hex_encode(hex, leaf, MERKLE_HASH_LEN);
		json_kv_str(&j, "leaf", hex);
	}
	json_obj_end(&j);
	return json_end(&j);
}
