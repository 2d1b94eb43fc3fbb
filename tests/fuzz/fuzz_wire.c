/* SPDX-License-Identifier: ISC */
/*
 * fuzz_wire.c - libFuzzer target for wire_decode(), the validator every
 * peer message passes.  Whatever decodes must also survive the way back:
 * wire_encode() succeeds, the frame it writes decodes again to the same
 * id and message type, and encoding that gives the same bytes (the first
 * encoding is canonical).  A decoded Error's code goes through
 * wire_error_name(), which sees the peer's number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "wire.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_wire");
	return 0;
}

static void
fuzz_fail(const char *what, int r)
{
	fprintf(stderr, "fuzz_wire: %s: %s\n", what, cs_err(r));
	abort();
}

/* Encode "e" into a fresh buffer and return it with the header gone. */
static struct buf *
fuzz_encode(const wire_env *e, const uint8_t **p, size_t *len)
{
	struct buf	*b;
	int		 r;

	if ((b = buf_new(FRAME_HDR_LEN + FRAME_MAX_LIMIT)) == NULL)
		abort();
	if ((r = wire_encode(e, FRAME_MAX_LIMIT, b)) != 0)
		fuzz_fail("wire_encode of a decoded envelope", r);
	if ((r = frame_get(b, FRAME_MAX_LIMIT, p, len)) != 0)
		fuzz_fail("frame_get of wire_encode output", r);
	if (buf_len(b) != 0)
		fuzz_fail("wire_encode wrote more than one frame", 0);
	return b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_env	*e = NULL, *e2 = NULL;
	struct buf	*b1, *b2;
	const uint8_t	*p1, *p2;
	size_t		 len1, len2;
	int		 r;

	if ((r = wire_decode(data, size, &e)) != 0) {
		if (e != NULL || (r != CS_ERR_FORMAT && r != CS_ERR_ALLOC))
			abort();
		return 0;
	}
	if (e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR &&
	    wire_error_name(e->error->code) == NULL)
		abort();

	b1 = fuzz_encode(e, &p1, &len1);
	if ((r = wire_decode(p1, len1, &e2)) != 0)
		fuzz_fail("wire_decode of wire_encode output", r);
	if (e2->id != e->id || e2->msg_case != e->msg_case)
		fuzz_fail("round trip changed id or message type", 0);
	b2 = fuzz_encode(e2, &p2, &len2);
	if (len2 != len1 || memcmp(p1, p2, len1) != 0)
		fuzz_fail("second encoding differs from the first", 0);

	buf_free(b2);
	buf_free(b1);
	wire_free(e2);
	wire_free(e);
	return 0;
}
