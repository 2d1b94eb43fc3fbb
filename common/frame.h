/* SPDX-License-Identifier: ISC */
/*
 * frame.h - length-prefixed framing for the sync protocol.
 *
 * Wire format: a 4-byte big-endian payload length, then the payload
 * (one serialized casesync.v1.Envelope).  A length of 0 is invalid.
 * Limits are checked before any payload byte is waited for.
 */
#ifndef FRAME_H
#define FRAME_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define FRAME_HDR_LEN		4
#define FRAME_MAX_PREAUTH	(8 * 1024)		/* peer not authenticated */
#define FRAME_MAX_DEFAULT	(16 * 1024 * 1024)	/* after authentication */
#define FRAME_MAX_LIMIT		(64 * 1024 * 1024)	/* highest configurable */

/*
 * Take one frame of at most "max" payload bytes off "in".
 * Returns 0 and points *payload into "in" (valid until the next
 * change to "in"), CS_ERR_INCOMPLETE if more input is needed,
 * or CS_ERR_FORMAT / CS_ERR_TOO_LARGE: drop the connection.
 */
int	frame_get(struct buf *in, size_t max, const uint8_t **payload,
	    size_t *lenp);

/*
 * Peek at the announced length of the next frame without consuming:
 * 0 and *lenp set, or CS_ERR_INCOMPLETE when fewer than 4 bytes wait.
 */
int	frame_peek_len(const struct buf *in, uint32_t *lenp);

/* Append the 4-byte header for a payload of "len" bytes. */
void	frame_hdr(uint8_t hdr[FRAME_HDR_LEN], uint32_t len);

/* Append a frame carrying "len" (1..FRAME_MAX_LIMIT) payload bytes. */
int	frame_put(struct buf *out, const uint8_t *payload, size_t len);

#endif /* FRAME_H */
