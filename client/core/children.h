/* SPDX-License-Identifier: ISC */
/*
 * children.h - which child of a case a record concerns, and the child's
 * name on this laptop (DESIGN §2: the child is at the centre).
 *
 * A child is a person record of the case with role "child"; the server
 * and the audit log know the child only by that record's id (a UUID, a
 * pseudonym).  A read of a record that concerns one child is logged with
 * the child (readlog_add_child), so "who looked at this child's file?"
 * can be answered per child (`casesync audit who --child`).
 */
#ifndef CHILDREN_H
#define CHILDREN_H

#include <stddef.h>
#include <sqlite3.h>

#include "body.h"

#define CHILD_ID_LEN	36

/*
 * The child record "kind"/"record_id" with body "b" concerns, into
 * "out" (CHILD_ID_LEN + 1 bytes): the record itself for a person whose
 * role is child, the person named by its "child" field for any other
 * record (a measure, an assessment of one child); "" when it concerns
 * the family as a whole.
 */
void	children_of_record(const char *kind, const char *record_id,
	    const struct body *b, char *out);

/*
 * The name of child "child_id" of "case_id" from this laptop's person
 * records, into "out" (at most "outlen" bytes): 0, or CS_ERR_NOT_FOUND
 * when the laptop holds no such child (the record may not be synced, or
 * the case left the laptop).  The caller logs the read of the names.
 */
int	children_name(sqlite3 *, const char *case_id, const char *child_id,
	    char *out, size_t outlen);

/*
 * Resolve "what" (a child's name, case-insensitive and without accents,
 * or the start of its record id) among the children of "case_id" into
 * "out" (CHILD_ID_LEN + 1 bytes): 0, CS_ERR_NOT_FOUND, or
 * CS_ERR_AMBIGUOUS when it matches more than one child.
 */
int	children_resolve(sqlite3 *, const char *case_id, const char *what,
	    char *out);

#endif /* CHILDREN_H */
