/* SPDX-License-Identifier: ISC */
/*
 * store_transfer.h - transfers of cases between regional offices
 * (overdracht), team assignment and break-the-glass access in the
 * server database (store_transfer.c).  Server-visible metadata only:
 * offices, users, states, times, and the short texts colleagues give
 * as note, rejection or glass reason.
 *
 * Every function that changes something runs in one BEGIN IMMEDIATE
 * transaction, so two devices deciding the same transfer at once are
 * serialised and the second sees the first one's decision.  Refusals
 * leave the database unchanged and set *why to a sentence for the
 * user.  Errors: CS_ERR_AUTH (role or office not allowed), CS_ERR_SELF
 * (the sending side deciding its own transfer), CS_ERR_EXISTS (an open
 * transfer, or access already held), CS_ERR_STATE (the transfer is no
 * longer REQUESTED; the case is no longer where it was), CS_ERR_FORMAT
 * (e.g. a new regisseur who is not a jeugdbeschermer of the target
 * office), CS_ERR_NOT_FOUND (no such case, office, user or transfer),
 * CS_ERR_DB.
 */
#ifndef STORE_TRANSFER_H
#define STORE_TRANSFER_H

#include <stdint.h>

#include "store.h"

#define STORE_TEXT_MAX		512	/* note, rejection, glass reason */

struct store_transfer {
	int64_t	id;
	char	case_id[STORE_UUID_LEN + 1];
	char	state[16];	/* REQUESTED ACCEPTED REJECTED REVOKED */
				/* COMPLETED */
	char	reason[16];	/* moved capacity expertise other */
	char	note[STORE_TEXT_MAX + 1];
	char	from_office[STORE_NAME_MAX + 1];
	char	to_office[STORE_NAME_MAX + 1];
	char	requested_by[STORE_NAME_MAX + 1];
	int64_t	requested_at;
	char	decided_by[STORE_NAME_MAX + 1];		/* "" if none */
	int64_t	decided_at;				/* 0 if none */
	char	rejection[STORE_TEXT_MAX + 1];
	char	new_regisseur[STORE_NAME_MAX + 1];
	int64_t	window_end;		/* handover window end; 0 if none */
	int64_t	completed_at;
	int64_t	purges_pending;		/* old devices still holding it */
};

struct store_glass {
	int64_t	id;
	char	case_id[STORE_UUID_LEN + 1];
	char	user[STORE_NAME_MAX + 1];
	char	user_office[STORE_NAME_MAX + 1];
	char	case_office[STORE_NAME_MAX + 1];
	char	reason[STORE_TEXT_MAX + 1];
	int64_t	granted_at;
	int64_t	expires_at;
	int64_t	ended_at;		/* 0 while active */
	int64_t	renews;			/* store_glass(): the access renewed */
};

/* A device that must still purge a transferred case. */
struct store_transfer_device {
	int64_t	transfer_id;
	char	case_id[STORE_UUID_LEN + 1];
	int64_t	device_id;
	char	device[STORE_NAME_MAX + 1];
	char	user[STORE_NAME_MAX + 1];
	int	queued;		/* 0: window still open; 1: purge sent */
	int64_t	window_end;
};

/*
 * "actor" asks to move "case_id" to office "to_office" for "reason"
 * (moved, capacity, expertise, other) with an optional "note" (""):
 * the case's regisseur or a teamleider of the owning office, one open
 * (REQUESTED) transfer per case, another office.  *out: the transfer.
 */
int	store_transfer_request(struct store *, const struct store_user *actor,
	    const char *case_id, const char *to_office, const char *reason,
	    const char *note, int64_t now, struct store_transfer *out,
	    const char **why);

/*
 * Accept REQUESTED transfer "id": "actor" must be a teamleider of the
 * target office and neither the requester nor of the sending office;
 * "regisseur" a jeugdbeschermer of the target office.  Atomically: the
 * case's office and regisseur change; the regisseur and the accepting
 * lead become members with a new grant seq (backfill delivers the whole
 * case); the members of the old office become read-only until now +
 * "window", when their access ends and purges are queued
 * (store_transfer_tick).  *seq: the grant's seq.
 */
int	store_transfer_accept(struct store *, const struct store_user *actor,
	    int64_t id, const char *regisseur, int64_t now, int64_t window,
	    struct store_transfer *out, int64_t *seq, const char **why);

/* Reject (a teamleider of the target office, with "reason"). */
int	store_transfer_reject(struct store *, const struct store_user *actor,
	    int64_t id, const char *reason, int64_t now,
	    struct store_transfer *out, const char **why);

/* Revoke (the requester, or a teamleider of the owning office). */
int	store_transfer_revoke(struct store *, const struct store_user *actor,
	    int64_t id, int64_t now, struct store_transfer *out,
	    const char **why);

/* One transfer by id (no access check: casesyncctl). */
int	store_transfer_get(struct store *, int64_t id,
	    struct store_transfer *out);

/*
 * Transfers with id > "after", by id, at most "max": with "actor" NULL
 * all of them (casesyncctl); for a teamleider those from or to the
 * office; for anyone the ones requested or of cases they are a member
 * of.  cb returns 0 to go on, else that value is returned.  *more is
 * set when transfers remain.
 */
int	store_transfer_list(struct store *, const struct store_user *actor,
	    int64_t after, size_t max,
	    int (*cb)(const struct store_transfer *, void *), void *arg,
	    int *more);

/*
 * Accepted transfers waiting for purges: each device of the old
 * office's members that has not returned a receipt, with the window
 * still open (queued 0) or the purge sent (queued 1).
 */
int	store_transfer_pending(struct store *,
	    int (*cb)(const struct store_transfer_device *, void *),
	    void *arg);

/*
 * A teamleider of the owning office makes "regisseur" (a jeugdbeschermer
 * of that office) the case's regisseur, with write access (a new grant
 * if not yet a member).  *seq: the newest seq.
 */
int	store_team_assign(struct store *, const struct store_user *actor,
	    const char *case_id, const char *regisseur, int64_t *seq,
	    const char **why);

/*
 * Break the glass: read-only access for "actor" (jeugdbeschermer,
 * gedragswetenschapper or teamleider) to a case of another office
 * until now + "duration", granted at once.  Asked again while active,
 * it is renewed: a new row (with out->renews, the row it replaces,
 * which ends now) and the access runs until now + "duration".  EXISTS
 * if the actor has access otherwise.  RATE if the actor has used the
 * glass "limit" times in the 24 hours before "now" (renewals count).
 * *out: the record for review; *seq: the grant.
 */
int	store_glass(struct store *, const struct store_user *actor,
	    const char *case_id, const char *reason, int64_t now,
	    int64_t duration, unsigned limit, struct store_glass *out,
	    int64_t *seq, const char **why);

/* Every break-the-glass access, newest first. */
int	store_glass_list(struct store *,
	    int (*cb)(const struct store_glass *, void *), void *arg);

/*
 * The break-the-glass uses with id > "after", oldest first, at most
 * "max", of the cases "actor" answers for: whose current regisseur she
 * is (and a member), or, for a teamleider, whose office at the time of
 * the use was hers.  *more = 1 if there are more.
 */
int	store_glass_seen(struct store *, const struct store_user *actor,
	    int64_t after, size_t max,
	    int (*cb)(const struct store_glass *, void *), void *arg,
	    int *more);

/* The id of the case's REQUESTED transfer (at most one).  NOT_FOUND. */
int	store_transfer_open_id(struct store *, const char *case_id,
	    int64_t *id);

/* An access that store_transfer_tick() ended. */
struct store_access_end {
	int64_t	user_id;
	char	user[STORE_NAME_MAX + 1];
	char	role[STORE_ROLE_MAX + 1];
	char	office[STORE_NAME_MAX + 1];
	char	case_id[STORE_UUID_LEN + 1];
	int64_t	transfer_id;	/* the handover window of this transfer, */
	int64_t	glass_id;	/* or this glass access (the other is 0) */
	int64_t	devices;	/* purges queued */
};

/*
 * Apply what time has decided at "now": end the accesses whose window
 * or glass has run out (membership removed, a purge queued for each of
 * the user's devices), and mark COMPLETED every accepted transfer whose
 * window has ended and whose old devices have all returned a receipt
 * (or were revoked).  Cheap when nothing is due (two index probes).
 * Inside the transaction, before its commit, "cb" (may be NULL) gets
 * each access that ended, for the audit log; a failure of "cb" undoes
 * the tick (the entry and the end are committed together).  *seq is the
 * newest seq when something changed, else 0.
 */
int	store_transfer_tick(struct store *, int64_t now,
	    int (*cb)(const struct store_access_end *, void *), void *arg,
	    int64_t *seq);

/*
 * When the next access with an end time (access_expiry: handover
 * windows, break the glass) ends, in seconds; INT64_MAX if none.
 */
int	store_access_next_end(struct store *, int64_t *at);

#endif /* STORE_TRANSFER_H */
