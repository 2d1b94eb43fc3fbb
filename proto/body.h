/* SPDX-License-Identifier: ISC */
/*
 * body.h - the plaintext of a record body (casesync.v1.RecordBody):
 * a set of named byte-string fields kept sorted by name, its canonical
 * protobuf encoding, and the field operations the client and the merge
 * (client/core/merge.h) build on.
 *
 * Names.  A user field name is 1..BODY_USER_NAME_MAX bytes of
 * [a-z0-9_.], does not start or end with '.', and does not start with
 * BODY_CONFLICT_PREFIX.  The only other valid names are conflict
 * markers: BODY_CONFLICT_PREFIX followed by a valid user field name, at
 * most BODY_NAME_MAX bytes in all.  So every user field can get a
 * marker, and there is never a "conflict.conflict.*".
 *
 * Values.  A user field value is 0..BODY_VALUE_MAX bytes.  A marker
 * value is a well-formed marker (proto/marker.h: the values in conflict,
 * each with its author and time, or the one value of a marker written
 * by an earlier version), so at most MARKER_ENCODED_MAX bytes.
 *
 * Invariants of every struct body that these functions produce or
 * accept: at most BODY_FIELDS_MAX fields, names valid and strictly
 * increasing by strcmp() (so unique), values within the limits above.
 * Field names and values are owned by the body; a value is never NULL
 * (a zero-length value points to a private 1-byte allocation).
 * Bodies hold case content: body_free() wipes every value.
 */
#ifndef BODY_H
#define BODY_H

#include <stddef.h>
#include <stdint.h>

#include "marker.h"

#define BODY_NAME_MAX		64	/* bytes, [a-z0-9_.], see above */
#define BODY_VALUE_MAX		(64 * 1024)
#define BODY_FIELDS_MAX		512
#define BODY_CONFLICT_PREFIX	"conflict."	/* "conflict.<name>" */
#define BODY_CONFLICT_PREFIX_LEN	(sizeof(BODY_CONFLICT_PREFIX) - 1)
#define BODY_USER_NAME_MAX	(BODY_NAME_MAX - BODY_CONFLICT_PREFIX_LEN)

/*
 * Upper bound on the encoding of a valid body (about 130 MiB): per
 * field a 1-byte tag, a 3-byte length, the name (2 + 64) and the value
 * (1 + 3 + MARKER_ENCODED_MAX, the longer of a value and a marker).
 * body_decode() refuses longer input before it allocates anything.  Note that a record body on the wire is
 * limited to WIRE_BODY_MAX after sealing; that check is the caller's.
 */
#define BODY_FIELD_ENC_MAX	(2 + BODY_NAME_MAX + 4 + MARKER_ENCODED_MAX)
#define BODY_ENCODED_MAX	\
	((size_t)BODY_FIELDS_MAX * (4 + BODY_FIELD_ENC_MAX))

struct body_field {
	char		*name;		/* NUL-terminated, valid */
	uint8_t		*value;		/* never NULL */
	size_t		 len;
};

struct body {
	struct body_field	*f;	/* sorted by name (strcmp), unique */
	size_t			 n;
};

/* Make "b" an empty body.  Never fails. */
void	body_init(struct body *b);

/*
 * Wipe (sodium_memzero) and free every name and value of "b" and make
 * it empty again; "b" itself may be reused.  NULL is a no-op.
 */
void	body_free(struct body *b);

/*
 * Decode "len" untrusted bytes at "p" into "out", which must be an
 * initialised body (body_init() or a previous result).  On success the
 * old contents of "out" are freed and replaced; on error "out" is
 * unchanged.  An empty input (len 0, "p" may then be NULL) is a valid
 * empty body.
 *
 * Only the canonical encoding is accepted, i.e. exactly the bytes
 * body_encode() would produce for the result: fields in order, no
 * unknown fields, no explicitly encoded defaults, no overlong varints.
 * Every name must be valid, every value within its limit, every marker
 * value well formed, at most BODY_FIELDS_MAX fields, names strictly
 * increasing (so unique).
 *
 * Returns 0, CS_ERR_FORMAT for anything else (including input longer
 * than BODY_ENCODED_MAX), or CS_ERR_ALLOC.
 */
int	body_decode(const uint8_t *p, size_t len, struct body *out);

/*
 * Encode "b" (deterministic: equal bodies give equal bytes).  On
 * success *out is a malloc'd buffer that the caller owns and *lenp its
 * length; *out is never NULL, even for an empty body, whose encoding
 * has length 0 (so it can be stored as a zero-length blob).  The bytes
 * are case content: release them with body_buf_free().  On error *out
 * is NULL and *lenp 0.
 * Returns 0, CS_ERR_FORMAT if "b" breaks the invariants above (it was
 * not built with these functions), or CS_ERR_ALLOC.
 */
int	body_encode(const struct body *b, uint8_t **out, size_t *lenp);

/* Wipe and free "len" bytes from body_encode().  NULL is a no-op. */
void	body_buf_free(uint8_t *p, size_t len);

/*
 * Insert field "name" with a copy of the "len" bytes at "v" ("v" may be
 * NULL when len is 0), or replace its value, keeping the order.  "v" may
 * point into "b".  On error "b" is unchanged.
 * Returns 0; CS_ERR_FORMAT if "name" is not valid (body_name_valid()),
 * the value is longer than allowed for that name or a marker value is
 * not well formed; CS_ERR_TOO_LARGE if "b" already has BODY_FIELDS_MAX
 * fields and "name" is new; CS_ERR_ALLOC.
 */
int	body_set(struct body *b, const char *name, const uint8_t *v,
	    size_t len);

/*
 * Remove field "name", wiping its value.  Never fails otherwise.
 * Returns 0 or CS_ERR_NOT_FOUND if there is no such field.
 */
int	body_unset(struct body *b, const char *name);

/*
 * The field called "name", or NULL if absent (or "name" is NULL).
 * The pointer is valid
 * until "b" is next modified.
 */
const struct body_field	*body_get(const struct body *b, const char *name);

/*
 * Make "dst" (initialised) a deep copy of "src"; "src" may be "dst".
 * On success the old contents of "dst" are freed; on error "dst" is
 * unchanged.  Returns 0, CS_ERR_FORMAT ("src" breaks the invariants)
 * or CS_ERR_ALLOC.
 */
int	body_copy(const struct body *src, struct body *dst);

/* 1 if "a" and "b" have the same names with the same values, else 0. */
int	body_equal(const struct body *a, const struct body *b);

/* 1 if "name" is a valid user field name or marker name, else 0. */
int	body_name_valid(const char *name);

/* 1 if "name" (not NULL) starts with BODY_CONFLICT_PREFIX, else 0. */
int	body_name_is_marker(const char *name);

/*
 * 1 if "b" keeps every invariant above (valid, sorted, unique names,
 * values within limits, well-formed markers, at most BODY_FIELDS_MAX
 * fields), else 0.  O(total name length).
 */
int	body_valid(const struct body *b);

#endif /* BODY_H */
