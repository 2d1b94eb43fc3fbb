/* SPDX-License-Identifier: ISC */
/*
 * fuzz_frame.c - libFuzzer target for frame_get() and, on every frame
 * it yields, wire_decode(): the path every byte from a peer takes.  The
 * first input byte picks a chunk size; the rest is the byte stream.  It
 * is parsed twice, once all at once and once arriving in chunks through
 * a buffer with the pre-authentication limit (as a session reads it),
 * and both must yield the same frames and end in the same state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "wire.h"

#define FUZZ_FRAMES_MAX	1024	/* a 4 KiB input holds at most 819 */

struct fuzz_frame {
	size_t	off;		/* payload offset in the stream */
	size_t	len;
};

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_frame");
	return 0;
}

/* What a session does with a payload: decode, look, free. */
static void
fuzz_payload(const uint8_t *p, size_t len)
{
	wire_env	*e;

	if (wire_decode(p, len, &e) == 0) {
		if (e == NULL)
			abort();
		wire_free(e);
	} else if (e != NULL)
		abort();
}

/* Both out-params are cleared whenever frame_get() fails. */
static int
fuzz_get(struct buf *b, const uint8_t **p, size_t *len)
{
	int	r;

	r = frame_get(b, FRAME_MAX_PREAUTH, p, len);
	if (r != 0 && (*p != NULL || *len != 0))
		abort();
	if (r == 0 && (*p == NULL || *len == 0 || *len > FRAME_MAX_PREAUTH))
		abort();
	if (r != 0 && r != CS_ERR_INCOMPLETE && r != CS_ERR_FORMAT &&
	    r != CS_ERR_TOO_LARGE)
		abort();
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_frame	 fr[FUZZ_FRAMES_MAX];
	const uint8_t			*s, *p;
	uint8_t				*room;
	struct buf			*b;
	size_t				 n, slen, len, chunk, off, i, got, want;
	size_t				 pos;
	int				 r1, r2;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	s = data + 1;
	slen = size - 1;

	/* All at once. */
	if ((b = buf_new(slen)) == NULL)
		return 0;
	if (buf_put(b, s, slen) != 0)
		abort();
	n = pos = 0;
	while ((r1 = fuzz_get(b, &p, &len)) == 0) {
		/* the payload follows its header, inside what was put */
		if (n == FUZZ_FRAMES_MAX || slen - pos < FRAME_HDR_LEN ||
		    slen - pos - FRAME_HDR_LEN < len ||
		    memcmp(p, s + pos + FRAME_HDR_LEN, len) != 0)
			abort();
		fr[n].off = pos + FRAME_HDR_LEN;
		fr[n].len = len;
		pos += FRAME_HDR_LEN + len;
		n++;
		fuzz_payload(p, len);
	}
	if (buf_len(b) != slen - pos)
		abort();
	buf_free(b);

	/* In chunks, through a buffer no larger than one frame. */
	if ((b = buf_new(FRAME_HDR_LEN + FRAME_MAX_PREAUTH)) == NULL)
		return 0;
	off = i = 0;
	r2 = CS_ERR_INCOMPLETE;
	while (r2 == CS_ERR_INCOMPLETE) {
		while ((r2 = fuzz_get(b, &p, &len)) == 0) {
			if (i == n || len != fr[i].len ||
			    memcmp(p, s + fr[i].off, len) != 0)
				abort();
			i++;
		}
		if (r2 != CS_ERR_INCOMPLETE || off == slen)
			break;
		want = slen - off < chunk ? slen - off : chunk;
		/* a full buffer that still lacks a frame would hang a peer */
		if ((got = buf_space(b, want, &room)) == 0)
			abort();
		memcpy(room, s + off, got);
		buf_commit(b, got);
		off += got;
	}
	buf_free(b);
	if (r1 != r2 || i != n)
		abort();
	return 0;
}
