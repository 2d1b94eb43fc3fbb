/* SPDX-License-Identifier: ISC */
/*
 * merge.h - three-way merge of record bodies (DESIGN §5, "Merge
 * (client)"), and listing and resolving the conflicts it records.
 *
 * Three-way merge of record bodies, field by field: base (the last
 * version both sides agreed on), mine (local edit), theirs (server).
 * For each field name in the union: equal on both sides -> that value;
 * changed on one side only (other equals base) -> the changed side
 * (absence counts as a value: a field removed on one side and untouched
 * on the other is removed); changed differently on both -> a conflict:
 * the result takes theirs' value (or absence) for the field and records
 * both values in an extra field "conflict.<name>" (a marker,
 * proto/marker.h), each with its author and time.  The marker does not
 * say "mine" or "theirs": it syncs to every laptop, and each lists the
 * same values with the same authors.
 *
 * Markers merge by the same rules, so resolving a conflict on one side
 * (removing the marker) propagates.  When both sides changed a marker
 * differently the result keeps mine's marker; if mine had removed it
 * (resolved) while theirs holds a different one (a newer conflict made
 * elsewhere), the result keeps theirs, so a resolution never hides a
 * conflict it did not see.  A marker is never itself marked: there is
 * no "conflict.conflict.*" (body_name_valid() refuses such names).
 *
 * A field has at most one marker.  If this merge makes a new conflict
 * on "x" while the merged "conflict.x" still holds an older unresolved
 * one, the new marker holds the two current values and keeps the older
 * marker's values that neither side holds, the newest first, up to
 * MARKER_VALUES_MAX in all; only beyond that are the oldest forgotten
 * (it needs that many unresolved conflicts on one field in a row).
 *
 * Authors.  A side's value that one of the input markers for the field
 * already records, with an author, keeps that author and time: a laptop
 * that merged pushes a record whose field may hold a colleague's value,
 * and the server names the merging laptop's user as the author of that
 * version.  Otherwise the side's author is the one the caller gives
 * (for the server's side: the user who last changed the record, so a
 * value is attributed to a later editor of another field of the record).
 *
 * User field names are at most BODY_USER_NAME_MAX (55) bytes, so
 * "conflict." + name always fits in BODY_NAME_MAX (see body.h).
 */
#ifndef CLIENT_MERGE_H
#define CLIENT_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "marker.h"

/*
 * Who wrote one side of a merge: the user (id and name as the server
 * verified them; "" or NULL when unknown) and the laptop time (hybrid
 * logical clock) of the change.  Strings that are not valid in a
 * marker (marker.h) are recorded as unknown.
 */
struct merge_author {
	const char	*user_id;
	const char	*user_name;
	uint64_t	 hlc;
};

/*
 * Merge "mine" and "theirs", both derived from "base", into "out"
 * (initialised; it may be any of the inputs).  "mine_by" and
 * "theirs_by" (NULL: unknown) name the authors recorded in the markers
 * this merge makes.  On success the old contents of "out" are freed and
 * replaced, and *nconflicts (if not NULL) is the number of markers this
 * merge created; on error "out" is unchanged and *nconflicts is 0.
 * O(total number of fields).
 * Returns 0; CS_ERR_FORMAT if an input breaks the body.h invariants;
 * CS_ERR_TOO_LARGE if the result would have more than BODY_FIELDS_MAX
 * fields (nothing is dropped to make it fit); CS_ERR_ALLOC.
 */
int	merge3(const struct body *base, const struct body *mine,
	    const struct body *theirs, const struct merge_author *mine_by,
	    const struct merge_author *theirs_by, struct body *out,
	    size_t *nconflicts);

/* At most this many values in conflict on one field (as listed). */
#define MERGE_VALUES_MAX	MARKER_VALUES_MAX

/*
 * The callback for merge_conflicts(): "name" is the conflicting field,
 * vals[0..n-1] the values in conflict in the order they were written
 * (n >= 2), each with its author and time; "current" is the field as
 * it is in the body now (NULL if absent): one of the values, or a later
 * edit.  With "legacy" the marker was written by an earlier version:
 * vals[0] is the value it kept and vals[1] the field's current value,
 * both with unknown authors.  All pointers are valid only during the
 * call, and the callback must not modify the body.  A non-zero return
 * stops the listing.
 */
typedef int	(*merge_conflict_cb)(const char *name,
		    const struct marker_value *vals, size_t n, int legacy,
		    const struct body_field *current, void *arg);

/*
 * Call "cb" for each marker in "b", in name order.  Returns 0, the
 * first non-zero return of "cb", or CS_ERR_FORMAT if a marker is not
 * well formed (a body not built with body.h).
 */
int	merge_conflicts(const struct body *b, merge_conflict_cb cb,
	    void *arg);

enum merge_choice {
	MERGE_PICK,	/* value number "pick" as merge_conflicts lists it */
	MERGE_VALUE	/* set the field to "value", drop the marker */
};

/*
 * Resolve the conflict on user field "name" in "b": set the field to
 * the chosen value (or remove it if that value is a removal) and drop
 * the marker.  "pick" (0-based, in the order merge_conflicts() lists
 * the values) is used only with MERGE_PICK, "value"/"len" only with
 * MERGE_VALUE ("value" may be NULL when len is 0).  On error "b" is
 * unchanged.
 * Returns 0; CS_ERR_NOT_FOUND if "b" has no marker for "name" or no
 * value number "pick"; CS_ERR_FORMAT if "name" is not a valid user
 * field name, "value" is too long, or the marker is not well formed;
 * CS_ERR_INTERNAL for an unknown choice; CS_ERR_ALLOC.
 */
int	merge_resolve(struct body *b, const char *name,
	    enum merge_choice choice, size_t pick, const uint8_t *value,
	    size_t len);

#endif /* CLIENT_MERGE_H */
