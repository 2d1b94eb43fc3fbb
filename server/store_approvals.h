/* SPDX-License-Identifier: ISC */
/*
 * store_approvals.h - approvals in the server database
 * (store_approvals.c, DESIGN §2): a drang extension, the co-signature
 * of a safety assessment and the closing of a case are asked by one
 * user and decided by another of the required role on her own device.
 *
 * Roles: the requester is a member of the case (its regisseur or any
 * member) or a teamleider of its office.  A drang extension and a
 * closing are decided by a teamleider of the case's office, a
 * co-signature by a gedragswetenschapper of the case's office who is a
 * member of the case.  Nobody decides her own request.
 *
 * The reasons are records of the dossier, sealed on the laptops: the
 * server keeps their ids only (record_id, decision_record_id).  While a
 * request for a teamleider waits, the teamleiders of the office who are
 * not members are read-only members of the case (they hold its key
 * already, docs/E2E.md), so that her laptop receives the request's
 * record; that membership ends with the decision.
 *
 * Functions return 0 or a negative CS_ERR_*; on a refusal *why (if
 * not NULL) is a sentence for the user.  Inside the caller's
 * transaction (store_tx_begin) if one is open.
 */
#ifndef STORE_APPROVALS_H
#define STORE_APPROVALS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_cases.h"

#define STORE_APPROVAL_KIND_MAX		24
#define STORE_APPROVAL_REASON_MAX	16

struct store_approval {
	int64_t	id;
	char	case_id[STORE_UUID_LEN + 1];
	char	kind[STORE_APPROVAL_KIND_MAX];	/* drang_extension ... */
	char	state[12];			/* waiting approved refused */
	int64_t	requested_by_id;
	char	requested_by[STORE_NAME_MAX + 1];
	char	requested_device[STORE_NAME_MAX + 1];
	int64_t	requested_at;			/* s since 1970 */
	char	record_id[STORE_UUID_LEN + 1];
	int64_t	end_date;			/* days; LC_NODATE: none */
	char	close_reason[STORE_APPROVAL_REASON_MAX];	/* "" */
	int64_t	decided_by_id;			/* 0 while waiting */
	char	decided_by[STORE_NAME_MAX + 1];
	char	decided_device[STORE_NAME_MAX + 1];
	int64_t	decided_at;
	char	decision_record_id[STORE_UUID_LEN + 1];
	int64_t	office_id;			/* the case's office now */
};

/* What is asked (fields checked by wire_approval.c). */
struct store_approval_ask {
	const char	*case_id;
	const char	*kind;
	const char	*record_id;
	int64_t		 end_date;		/* drang_extension; LC_NODATE */
	const char	*close_reason;		/* case_close; else "" */
};

/* "teamleider" or "gedragswetenschapper": who decides "kind". */
const char	*store_approval_role(const char *kind);

/*
 * Record the request "in" of the user of device "dev" at "now" (s) on
 * day "today".  CS_ERR_NOT_FOUND (no such case, or for a co-signature
 * no such assessment in it), CS_ERR_AUTH (not a member nor a teamleider
 * of the office), CS_ERR_EXISTS (one of that kind waits already, or the
 * assessment is co-signed), CS_ERR_STATE / CS_ERR_LIMIT (the case could
 * not take the change: an extension or a closing is checked now as it
 * would be applied), CS_ERR_DB.  *out is the new approval.
 */
int	store_approval_request(struct store *, const struct store_device *dev,
	    const struct store_approval_ask *in, int64_t now, int64_t today,
	    struct store_approval *out, const char **why);

/*
 * Decide approval "id" as the user of device "dev": approve (1) or
 * refuse (0), the decision's record "record_id".  Approving a drang
 * extension applies it (DRANG_VERVOLG with the requested end, lifecycle
 * rules, approved by this user) and approving a closing moves the case
 * to AFSLUITING with its closing reason, in the same transaction.
 * CS_ERR_NOT_FOUND, CS_ERR_STATE (decided already), CS_ERR_SELF (her
 * own request), CS_ERR_AUTH (not of the required role), CS_ERR_EXISTS
 * (the record names another decision), or the refusal of the case's
 * change (then *case_refused is 1: CS_ERR_STATE, CS_ERR_LIMIT,
 * CS_ERR_RUNNING ...), CS_ERR_DB.  *out is the approval after it.
 */
int	store_approval_decide(struct store *, const struct store_device *dev,
	    int64_t id, int approve, const char *record_id, int64_t now,
	    int64_t today, struct store_approval *out, int *case_refused,
	    const char **why);

/* Approval "id" for no one in particular: 0, NOT_FOUND or DB. */
int	store_approval_get(struct store *, int64_t id,
	    struct store_approval *out);

/*
 * The approvals "u" may see, by id, at most "max": with "for_me" those
 * waiting that she may decide, else those of the cases she is a member
 * of or leads; of case "case_id" only unless it is "".  cb as
 * store_case_list(); *more when more remain.
 */
int	store_approval_list(struct store *, const struct store_user *u,
	    const char *case_id, int for_me, size_t max,
	    int (*cb)(const struct store_approval *, void *), void *arg,
	    int *more);

/*
 * *yes = 1 if user "user_id" may push the new record "record_id" of
 * case "case_id" without write access: it is the record of a request
 * she made or of a decision she took (store_sync.c).
 */
int	store_approval_may_push(struct store *, int64_t user_id,
	    const char *case_id, const char *record_id, int *yes);

#endif /* STORE_APPROVALS_H */
