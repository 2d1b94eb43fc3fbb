/* SPDX-License-Identifier: ISC */
/*
 * store_measures.h - court measures per child in the server database
 * (table child_measures, store_schema.c version 4): loading a case's
 * measures, and starting, extending or ending one in one transaction
 * under the rules of measure.h, with the case's state following its
 * children (ms_case_after) and the audit entry in the same
 * transaction.
 *
 * The child is the record_id of a person record of the case: the
 * server checks that such a record exists, is of kind "person", is not
 * deleted and belongs to the case.  Whether that person is a child of
 * the family (and not a parent) is in the sealed content, so that is
 * the laptop's check.  The measure's own record (court, zaaknummer) is
 * named by record_id and may reach the server later than the measure:
 * it is kept, not looked up.
 */
#ifndef STORE_MEASURES_H
#define STORE_MEASURES_H

#include <stdint.h>

#include "measure.h"
#include "store.h"

struct audit_entry;
struct store_case_meta;

/* Load the measures of m->case_id into m (newest first).  DB. */
int	store_measures_load(struct store *, struct store_case_meta *m);

/* What a change did, for the reply and the log. */
struct store_measure_result {
	struct ms_measure	measure;	/* after the change */
	int			backdated;	/* a start before registration */
	int			state_changed;	/* the case's state moved */
};

/*
 * Apply "req" (req->child_id set) to case "case_id" on day "today"
 * ("now": seconds, for created_at) for "dev"'s user.  Only the case's
 * regisseur or a teamleider of its office may (CS_ERR_AUTH); the child
 * must be a live person record of the case (CS_ERR_NOT_FOUND); then
 * ms_apply() and ms_case_after() decide.  "record_id" names the sealed
 * measure record ("" keeps the old one on extend and end).
 *
 * "e" (prepared by the caller: type, who, case) gets the detail
 * (store_measure_detail) and is appended inside the change's
 * transaction, so the change is not made without its entry.  On
 * success *out holds the case after the change and *res what changed;
 * on a refusal *why is a sentence for the user, *res what is known
 * (backdated) and nothing has changed.
 */
int	store_measure_change(struct store *, const struct store_device *dev,
	    const char *case_id, const struct ms_request *req,
	    const char *record_id, int64_t today, int64_t now,
	    struct audit_entry *e, struct store_case_meta *out,
	    struct store_measure_result *res, const char **why);

/*
 * The audit detail of a measure change (at most AUDIT_STR_MAX bytes,
 * never a name): action, type, measure id, decision, start and end
 * dates, "backdated", and on a refusal the error.  "m" is NULL when
 * nothing was decided beyond the request.
 */
void	store_measure_detail(char *dst, size_t dstlen,
	    const struct ms_request *req, const struct ms_measure *m,
	    int backdated, int r);

#endif /* STORE_MEASURES_H */
