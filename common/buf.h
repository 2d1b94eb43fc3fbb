/* SPDX-License-Identifier: ISC */
/*
 * buf.h - a byte buffer with a hard size limit.
 *
 * Memory grows on demand (doubling) and never beyond the "max" given
 * at creation, so a connection that is idle costs little and one that
 * lies about lengths cannot make us allocate more than its limit.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* A buffer that will never hold more than "max" bytes, or NULL. */
struct buf	*buf_new(size_t max);
void		 buf_free(struct buf *);		/* NULL is a no-op */
/* Zero the contents (for buffers that carried secrets), then free. */
void		 buf_free_wipe(struct buf *);
size_t		 buf_len(const struct buf *);	/* unread bytes */
size_t		 buf_max(const struct buf *);
const uint8_t	*buf_ptr(const struct buf *);	/* borrowed */
/* Append n bytes; CS_ERR_TOO_LARGE if that would pass max. */
int		 buf_put(struct buf *, const void *, size_t);
/*
 * Make room for at least "want" more bytes (fewer if the limit is
 * nearer) and point *p at it; returns the room, 0 if the buffer is
 * full.  Follow with buf_commit() of the bytes actually written.
 */
size_t		 buf_space(struct buf *, size_t want, uint8_t **p);
void		 buf_commit(struct buf *, size_t);
/* Drop n unread bytes from the front; n > buf_len() aborts. */
void		 buf_consume(struct buf *, size_t);
/* Keep the first n unread bytes, drop the rest; n > buf_len() aborts. */
void		 buf_truncate(struct buf *, size_t);
void		 buf_reset(struct buf *);
/* Give the memory of an empty buffer back; a no-op if it holds bytes. */
void		 buf_shrink(struct buf *);
size_t		 buf_cap(const struct buf *);	/* bytes allocated */
/*
 * Exchange the memory of two empty buffers; each keeps its own limit.
 * A no-op unless both are empty and each memory fits the other's limit.
 */
void		 buf_swap_mem(struct buf *, struct buf *);
/*
 * Append what "fd" gives until end of file, at most "chunk" bytes a
 * read (EINTR retried): 0, CS_ERR_TOO_LARGE once the buffer is full
 * (even at end of file: the caller cannot tell it was the end), or
 * CS_ERR_SYSTEM with errno set.
 */
int		 buf_read_fd(struct buf *, int fd, size_t chunk);

/*
 * Big-endian integers (OpenSSH sshbuf style).  buf_put_u*() append one
 * like buf_put(): CS_ERR_TOO_LARGE, nothing appended, if it would pass
 * max.  buf_get_u*() take one off the front: CS_ERR_INCOMPLETE, nothing
 * consumed and *v = 0, if fewer bytes are unread.
 */
int		 buf_put_u16(struct buf *, uint16_t);
int		 buf_put_u32(struct buf *, uint32_t);
int		 buf_put_u64(struct buf *, uint64_t);
int		 buf_get_u16(struct buf *, uint16_t *v);
int		 buf_get_u32(struct buf *, uint32_t *v);
int		 buf_get_u64(struct buf *, uint64_t *v);

/*
 * The same on plain byte arrays, for fixed layouts (headers, signed
 * messages, hash inputs) where no buf is involved: the caller has
 * checked that 2, 4 or 8 bytes are there.
 */
static inline uint16_t
buf_load_u16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
buf_load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t
buf_load_u64(const uint8_t *p)
{
	return (uint64_t)buf_load_u32(p) << 32 | buf_load_u32(p + 4);
}

static inline void
buf_store_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
buf_store_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
buf_store_u64(uint8_t *p, uint64_t v)
{
	buf_store_u32(p, (uint32_t)(v >> 32));
	buf_store_u32(p + 4, (uint32_t)v);
}

#endif /* BUF_H */
