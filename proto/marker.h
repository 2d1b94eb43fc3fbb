/* SPDX-License-Identifier: ISC */
/*
 * marker.h - the value of a conflict marker field "conflict.<name>" in
 * a record body (body.h, client/core/merge.h): the values written on two
 * sides of a conflict, each with who wrote it and when.
 *
 * A marker says nothing about "mine" or "theirs": it syncs to every
 * laptop, and each must read the same thing from it.  So every value
 * carries its author (the user, as the server verified the device that
 * sent the change) and the laptop time (hybrid logical clock) of the
 * change that wrote it.
 *
 * Encoding (MARKER_AUTHORED), all integers big-endian:
 *
 *   0x02  n (1 byte, 2..MARKER_VALUES_MAX)
 *   n times:
 *     present   1 byte, 0 (the field was removed) or 1
 *     hlc       8 bytes, the change's hybrid logical clock (0: unknown)
 *     idlen     1 byte, 0..MARKER_ID_MAX, then the user id: [0-9]
 *     namelen   1 byte, 0..MARKER_NAME_MAX, then the user name: UTF-8
 *               without control characters (0 bytes: author unknown)
 *     vlen      4 bytes, 0..BODY_VALUE_MAX (0 when not present),
 *               then the value
 *
 * Canonical: the values are strictly increasing by marker_cmp() (time
 * first, so a listing is in the order they were written) and there are
 * no trailing bytes, so equal markers have equal bytes.
 *
 * Markers written by earlier versions hold one value and no author:
 * 0x00 (the other side had removed the field) or 0x01 followed by the
 * value.  They are still accepted and listed (the field's current value
 * is then the other one); they are never written any more.
 */
#ifndef MARKER_H
#define MARKER_H

#include <stddef.h>
#include <stdint.h>

#define MARKER_LEGACY_ABSENT	0x00	/* old: other side removed it */
#define MARKER_LEGACY_VALUE	0x01	/* old: 0x01 + the other value */
#define MARKER_AUTHORED		0x02	/* see above */

#define MARKER_VALUES_MAX	4
#define MARKER_ID_MAX		20	/* decimal digits of a user id */
#define MARKER_NAME_MAX		128	/* bytes of a user name */
/* one value's fixed part: present, hlc, idlen, namelen, vlen */
#define MARKER_ENTRY_FIXED	(1 + 8 + 1 + 1 + 4)

struct marker_value {
	int		 present;	/* 0: the field was removed */
	const uint8_t	*value;		/* borrowed; NULL when len is 0 */
	size_t		 len;
	uint64_t	 hlc;		/* 0: unknown (legacy marker) */
	char		 user_id[MARKER_ID_MAX + 1];	/* "": unknown */
	char		 user_name[MARKER_NAME_MAX + 1]; /* "": unknown */
};

/*
 * 1 if "s" may be a user id (0..MARKER_ID_MAX decimal digits) or a
 * user name (0..MARKER_NAME_MAX bytes of UTF-8 without control
 * characters) in a marker.  NULL is not.
 */
int	marker_user_id_ok(const char *s);
int	marker_user_name_ok(const char *s);

/*
 * Order of values in a marker: hlc, then user name, user id, present,
 * then the value bytes (shorter first when one is a prefix).
 */
int	marker_cmp(const struct marker_value *a, const struct marker_value *b);

/*
 * Decode the untrusted marker value "p"/"len" (any of the forms above)
 * into at most "max" values "out" (pointers into "p").  A legacy marker
 * gives one value with an unknown author and *legacy 1; an authored
 * one its values in order and *legacy 0.
 * Returns 0, or CS_ERR_FORMAT for anything not exactly in the forms
 * above (including more than "max" values).
 */
int	marker_decode(const uint8_t *p, size_t len, struct marker_value *out,
	    size_t max, size_t *n, int *legacy);

/*
 * Encode "n" values (2..MARKER_VALUES_MAX, valid user ids and names,
 * values of at most BODY_VALUE_MAX bytes, pairwise different) as an
 * authored marker, sorted into canonical order.  *out is malloc'd (the
 * caller frees it with body_buf_free(): it holds case content).
 * Returns 0, CS_ERR_FORMAT for values that break the rules above
 * (including two equal ones), or CS_ERR_ALLOC.
 */
int	marker_encode(const struct marker_value *v, size_t n, uint8_t **out,
	    size_t *lenp);

/* Upper bound on an encoded marker value. */
#define MARKER_ENCODED_MAX						\
	(2 + (size_t)MARKER_VALUES_MAX * (MARKER_ENTRY_FIXED +		\
	MARKER_ID_MAX + MARKER_NAME_MAX + (64 * 1024)))

#endif /* MARKER_H */
