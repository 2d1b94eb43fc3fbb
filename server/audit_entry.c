/* SPDX-License-Identifier: ISC */
/*
 * audit_entry.c - the audit entry (see audit_entry.h): its fields,
 * filled from a device or the host account, and its canonical
 * encoding and leaf hash.
 */
#include <sys/types.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_entry.h"
#include "audit_text.h"
#include "buf.h"
#include "errors.h"
#include "store.h"
#include "util.h"

void
audit_set(char dst[AUDIT_STR_MAX + 1], const char *s)
{
	size_t	len;

	dst[0] = '\0';
	if (s == NULL)
		return;
	/* do not cut a UTF-8 sequence in two */
	len = utf8_cut(s, strnlen(s, AUDIT_STR_MAX + 1), AUDIT_STR_MAX);
	memcpy(dst, s, len);
	dst[len] = '\0';
}

void
audit_entry_init(struct audit_entry *e, const char *type, char action,
    int ok)
{
	memset(e, 0, sizeof(*e));
	e->server_time = time_now();
	e->action = action;
	audit_set(e->type, type);
	audit_set(e->outcome, ok ? "success" : "failure");
}

void
audit_entry_device(struct audit_entry *e, const struct store_device *dev,
    const char *addr)
{
	if (dev != NULL && dev->id != 0) {
		e->user_id = dev->user.id;
		audit_set(e->user, dev->user.name);
		audit_set(e->role, dev->user.role);
		audit_set(e->office, dev->user.office);
		e->device_id = dev->id;
	}
	audit_set(e->addr, addr);
}

void
audit_entry_host(struct audit_entry *e, const char *basis)
{
	struct passwd	*pw;
	const char	*sudo = getenv("SUDO_USER");
	char		 name[AUDIT_STR_MAX + 1];
	int		 r;

	/* the real uid: who ran the program, whatever it runs as */
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		r = str_fmt(name, sizeof(name), "host:%s", pw->pw_name);
	else
		r = str_fmt(name, sizeof(name), "host:uid %lu",
		    (unsigned long)getuid());
	/* sudo says who asked; names only (audit_text_ok), never text */
	if (r == 0 && sudo != NULL && sudo[0] != '\0' &&
	    strlen(sudo) <= 64 && audit_text_ok(sudo) &&
	    strchr(sudo, ' ') == NULL)
		(void)str_fmt(name + strlen(name), sizeof(name) - strlen(name),
		    " sudo:%s", sudo);
	audit_set(e->user, name);
	audit_set(e->basis, basis);
	audit_set(e->addr, "local");
}

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
