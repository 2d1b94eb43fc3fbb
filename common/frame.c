/* SPDX-License-Identifier: ISC */
/*
 * frame.c - see frame.h for the wire format.
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"

int
frame_peek_len(const struct buf *in, uint32_t *lenp)
{
	const uint8_t	*p;

	*lenp = 0;
	if (buf_len(in) < FRAME_HDR_LEN)
		return CS_ERR_INCOMPLETE;
	p = buf_ptr(in);
	*lenp = buf_load_u32(p);
	return 0;
}

int
frame_get(struct buf *in, size_t max, const uint8_t **payload, size_t *lenp)
{
	uint32_t	len;
	int		r;

	*payload = NULL;
	*lenp = 0;

	if ((r = frame_peek_len(in, &len)) != 0)
		return r;
	if (len == 0)
		return CS_ERR_FORMAT;
	if (len > max)		/* before we wait for, or buffer, the body */
		return CS_ERR_TOO_LARGE;
	if (buf_len(in) - FRAME_HDR_LEN < len)	/* cannot wrap: len >= 4 */
		return CS_ERR_INCOMPLETE;

	*payload = buf_ptr(in) + FRAME_HDR_LEN;
	*lenp = len;
	buf_consume(in, FRAME_HDR_LEN + (size_t)len);
	return 0;
}

void
frame_hdr(uint8_t hdr[FRAME_HDR_LEN], uint32_t len)
{
	buf_store_u32(hdr, len);
}

int
frame_put(struct buf *out, const uint8_t *payload, size_t len)
{
	uint8_t	hdr[FRAME_HDR_LEN];
	int	r;

	if (len == 0 || len > FRAME_MAX_LIMIT)
		return CS_ERR_INTERNAL;	/* our bug, not the peer's */
	frame_hdr(hdr, (uint32_t)len);
	if ((r = buf_put(out, hdr, sizeof(hdr))) != 0 ||
	    (r = buf_put(out, payload, len)) != 0)
		return r;
	return 0;
}
