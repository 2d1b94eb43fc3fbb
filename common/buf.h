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

#endif /* BUF_H */
