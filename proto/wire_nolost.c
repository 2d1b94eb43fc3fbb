/* SPDX-License-Identifier: ISC */
/*
 * wire_nolost.c - field checks for late and held changes, the access
 * mode of cases and held purges (see wire_nolost.h).  Each refusal
 * says why: a flag combination that cannot come from an honest peer
 * is refused rather than guessed at.
 */
#include <stdint.h>
#include <string.h>

#include "util.h"
#include "wire.h"
#include "wire_nolost.h"

int
wire_access_mode_ok(const char *mode)
{
	return mode != NULL && (strcmp(mode, "handover") == 0 ||
	    strcmp(mode, "glass") == 0 || strcmp(mode, "read_only") == 0);
}

int
wire_nolost_result_ok(const Casesync__V1__ChangeResult *r)
{
	size_t	len;

	if (r->decided_by == NULL ||
	    (len = strlen(r->decided_by)) > WIRE_STR_MAX ||
	    !utf8_valid(r->decided_by, len))
		return 0;
	/* late is an APPLIED result; held and discarded are refusals */
	if (r->late && r->status != CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED)
		return 0;
	if ((r->held || r->discarded) &&
	    r->status != CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN)
		return 0;
	/* a change is waiting for a decision or decided, not both */
	if (r->held && r->discarded)
		return 0;
	/* only a discard names who decided */
	if (!r->discarded && len > 0)
		return 0;
	return 1;
}

int
wire_nolost_pull_ok(const Casesync__V1__PullResponse *p)
{
	const Casesync__V1__CaseAccess	*a;
	size_t				 i;

	if (p->n_case_access > WIRE_ACCESS_MAX)
		return 0;
	for (i = 0; i < p->n_case_access; i++) {
		if ((a = p->case_access[i]) == NULL ||
		    !wire_uuid_ok(a->case_id) ||
		    !wire_access_mode_ok(a->mode) ||
		    a->since < 0 || a->until < 0)
			return 0;
	}
	return 1;
}

int
wire_nolost_receipt_ok(const Casesync__V1__PurgeReceipt *r)
{
	if (!wire_uuid_ok(r->case_id))
		return 0;
	if (!r->held)
		return r->held_changes == 0;
	/* a held purge deleted nothing and names what holds it */
	return r->records_deleted == 0 && r->held_changes >= 1 &&
	    r->held_changes <= WIRE_HELD_MAX;
}
