/* SPDX-License-Identifier: ISC */
/*
 * buf.c - bounded, lazily grown byte buffers (see buf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "errors.h"

#define BUF_MIN_ALLOC	256

struct buf {
	uint8_t	*data;
	size_t	 cap;	/* allocated */
	size_t	 off;	/* read position */
	size_t	 len;	/* write position */
	size_t	 max;	/* hard limit on len */
};

struct buf *
buf_new(size_t max)
{
	struct buf	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->max = max;
	return b;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	free(b);
}

void
buf_free_wipe(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

size_t
buf_len(const struct buf *b)
{
	return b->len - b->off;
}

size_t
buf_max(const struct buf *b)
{
	return b->max;
}

const uint8_t *
buf_ptr(const struct buf *b)
{
	return b->data + b->off;
}

/* Ensure room for n more bytes after compaction; 0 or CS_ERR_*. */
static int
buf_grow(struct buf *b, size_t n)
{
	uint8_t	*p;
	size_t	 cap;

	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	if (n > b->max - b->len)
		return CS_ERR_TOO_LARGE;
	if (n <= b->cap - b->len)
		return 0;
	cap = b->cap < BUF_MIN_ALLOC ? BUF_MIN_ALLOC : b->cap;
	while (cap - b->len < n)
		cap = cap > b->max / 2 ? b->max : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return CS_ERR_ALLOC;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_put(struct buf *b, const void *p, size_t n)
{
	int	r;

	if (n == 0)
		return 0;
	if ((r = buf_grow(b, n)) != 0)
		return r;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

size_t
buf_space(struct buf *b, size_t want, uint8_t **p)
{
	*p = NULL;
	if (want > b->max - (b->len - b->off))
		want = b->max - (b->len - b->off);
	if (want == 0 || buf_grow(b, want) != 0)
		return 0;
	*p = b->data + b->len;
	return want;
}

void
buf_commit(struct buf *b, size_t n)
{
	if (n > b->cap - b->len)
		abort();
	b->len += n;
}

void
buf_truncate(struct buf *b, size_t n)
{
	if (n > b->len - b->off)
		abort();
	b->len = b->off + n;
	if (b->off == b->len)
		b->off = b->len = 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n > b->len - b->off)
		abort();
	b->off += n;
	if (b->off == b->len)
		b->off = b->len = 0;
}

void
buf_reset(struct buf *b)
{
	b->off = b->len = 0;
}

void
buf_shrink(struct buf *b)
{
	if (b->off != b->len || b->data == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->cap = b->off = b->len = 0;
}

size_t
buf_cap(const struct buf *b)
{
	return b->cap;
}

void
buf_swap_mem(struct buf *a, struct buf *b)
{
	uint8_t	*p;
	size_t	 cap;

	if (a->off != a->len || b->off != b->len || a->cap > b->max ||
	    b->cap > a->max)
		return;
	p = a->data;
	cap = a->cap;
	a->data = b->data;
	a->cap = b->cap;
	b->data = p;
	b->cap = cap;
	a->off = a->len = b->off = b->len = 0;
}

int
buf_read_fd(struct buf *b, int fd, size_t chunk)
{
	uint8_t	*p;
	size_t	 room;
	ssize_t	 n;

	for (;;) {
		if ((room = buf_space(b, chunk, &p)) == 0)
			return CS_ERR_TOO_LARGE;
		if ((n = read(fd, p, room)) == -1) {
			if (errno == EINTR)
				continue;
			return cs_sys();
		}
		if (n == 0)
			return 0;
		buf_commit(b, (size_t)n);
	}
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t	p[2];

	buf_store_u16(p, v);
	return buf_put(b, p, sizeof(p));
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t	p[4];

	buf_store_u32(p, v);
	return buf_put(b, p, sizeof(p));
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	uint8_t	p[8];

	buf_store_u64(p, v);
	return buf_put(b, p, sizeof(p));
}

/*
 * Consume n bytes and point at them (still in place: a consume never
 * moves memory), or NULL with nothing consumed if fewer are unread.
 */
static const uint8_t *
buf_take(struct buf *b, size_t n)
{
	const uint8_t	*p;

	if (buf_len(b) < n)
		return NULL;
	p = buf_ptr(b);
	buf_consume(b, n);
	return p;
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	const uint8_t	*p = buf_take(b, 2);

	*v = p != NULL ? buf_load_u16(p) : 0;
	return p != NULL ? 0 : CS_ERR_INCOMPLETE;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	const uint8_t	*p = buf_take(b, 4);

	*v = p != NULL ? buf_load_u32(p) : 0;
	return p != NULL ? 0 : CS_ERR_INCOMPLETE;
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	const uint8_t	*p = buf_take(b, 8);

	*v = p != NULL ? buf_load_u64(p) : 0;
	return p != NULL ? 0 : CS_ERR_INCOMPLETE;
}
