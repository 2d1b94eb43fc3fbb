/* SPDX-License-Identifier: ISC */
/*
 * wire.h - protobuf encoding and validation of protocol messages.
 *
 * wire.c is the only code that calls protobuf-c.  wire_decode() unpacks
 * one Envelope and validates every field (presence, lengths, enum
 * ranges, UTF-8) before any other code sees it, so the rest of the
 * program may trust the structure it gets.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "casesync.pb-c.h"
#include "msg.h"

struct buf;


/*
 * Memory bound of wire_decode(): unpacking "len" bytes may take at most
 * WIRE_DECODE_FACTOR * len + WIRE_DECODE_SLACK bytes of heap, counted
 * as malloc chunks (request + header, rounded to 16, at least 32).
 * The smallest valid messages cost about 3x their encoding (a change
 * of three UUIDs and a kind: 121 bytes on the wire, 360 unpacked); the
 * slack covers the fixed part and the short repeated items whose
 * number the validators limit (e.g. 500 user names).  Without it an
 * empty repeated message costs 2 bytes on the wire and 72 unpacked.
 */
#define WIRE_DECODE_FACTOR	4
#define WIRE_DECODE_SLACK	(1024 * 1024)

typedef Casesync__V1__Envelope		wire_env;	/* shorthand */

struct msg;
/*
 * The opaque message of msg.h is the validated Envelope: these convert
 * (inside proto/, and in code not yet moved to the msg_*.h families).
 */
static inline const wire_env *
msg_env(const struct msg *m)
{
	return (const wire_env *)(const void *)m;
}
static inline wire_env *
msg_env_mut(struct msg *m)
{
	return (wire_env *)(void *)m;
}
static inline struct msg *
env_msg(wire_env *env)
{
	return (struct msg *)(void *)env;
}
static inline const struct msg *
env_cmsg(const wire_env *env)
{
	return (const struct msg *)(const void *)env;
}

/*
 * Unpack and validate "len" bytes.  On success *out must be released
 * with wire_free().  An Envelope that parses but carries no message we
 * know has msg_case == CASESYNC__V1__ENVELOPE__MSG__NOT_SET.
 * Returns 0, CS_ERR_FORMAT (malformed: drop the connection),
 * CS_ERR_TOO_LARGE (unpacking would exceed the memory bound above:
 * drop the connection; nothing more than the bound was allocated) or
 * CS_ERR_ALLOC.
 */
int	wire_decode(const uint8_t *p, size_t len, wire_env **out);
void	wire_free(wire_env *);			/* NULL is a no-op */

/*
 * Append "env" to "out" as one frame.  CS_ERR_TOO_LARGE if the
 * encoding would exceed "max" payload bytes or the room in "out".
 */
int	wire_encode(const wire_env *env, size_t max, struct buf *out);

/* A CaseInfo's fields (in replies and in a TransferInfo's preview). */
int	wire_case_info_ok(const Casesync__V1__CaseInfo *m);

#endif /* WIRE_H */
