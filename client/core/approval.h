/* SPDX-License-Identifier: ISC */
/*
 * approval.h - the dossier side of approvals (DESIGN §2), for both
 * faces: the records of a request (its reason, or a closing summary)
 * and of a decision (approve or refuse, and why), written sealed like
 * every record, and read back to show who asked what.
 *
 * The server keeps the approval itself (ApprovalRequest, -Decision,
 * -Info: proto/msg_approval.h) and names these records by id; a face
 * chooses the record's id first (db_uuid), sends the message, and
 * writes the record with that id once the server has taken it, so that
 * a refused request leaves no record behind.  A co-signature's request
 * is the assessment itself: it has no record of its own.
 *
 * Nothing here prints or talks to the server.  Functions return 0 or
 * a negative CS_ERR_*; a refused write says why in *err (dossier.h).
 */
#ifndef CLIENT_APPROVAL_H
#define CLIENT_APPROVAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "dossier.h"

#define APPROVAL_BY_MAX		128	/* a user's name */

/* A request: a drang extension or a closing. */
struct approval_ask {
	const char	*case_id;
	const char	*kind;		/* drang_extension | case_close */
	const char	*text;		/* the reason; a closing's summary */
	const char	*end;		/* drang_extension: YYYY-MM-DD */
	const char	*close_reason;	/* case_close: doel_bereikt ... */
};

/* A decision of approval "approval_id" (the server's number). */
struct approval_answer {
	const char	*case_id;
	int64_t		 approval_id;
	const char	*request;	/* the request's record id */
	int		 approve;
	const char	*reason;	/* NULL or text; required to refuse */
};

/*
 * Check "a" as a record of this laptop (the case is here, the values
 * are valid); with "new_id", write it as record "new_id".
 */
int	approval_ask_record(sqlite3 *, const struct approval_ask *a,
	    const char *new_id, struct dossier_error *err);
int	approval_answer_record(sqlite3 *, const struct approval_answer *a,
	    const char *new_id, struct dossier_error *err);

struct conn;
struct msg;

/*
 * Decide approval "id" on this laptop, over the authenticated "c": find
 * it among the approvals the server shows this user, check the decision
 * record here, send the ApprovalDecision, and once the server took it
 * write the record (approval_answer_record).  "reason" may be NULL to
 * approve, not to refuse.  Returns 0 with *reply the server's
 * ApprovalInfo; CS_ERR_NOT_FOUND if the server shows no such approval
 * to this user; a refusal of the record here (CS_ERR_USAGE,
 * CS_ERR_NOT_FOUND ...) with *err saying why (err->fault DOSSIER_NO_CASE:
 * the case is not on this laptop yet); or the server's refusal
 * (CS_ERR_PEER ...) with *reply its Error (or NULL).  *reply, when set,
 * is the caller's to msg_free().
 */
int	approval_decide(struct conn *c, sqlite3 *, int64_t id, int approve,
	    const char *reason, struct msg **reply, struct dossier_error *err);

/* For people: "drang extension", "co-signature", "closing". */
const char	*approval_kind_words(const char *kind);

/*
 * The text of request or decision record "record_id" of case "case_id"
 * (its reason or summary; an assessment's instrument and outcome) into
 * "dst", cut at a character boundary; "" when this laptop does not
 * hold it (yet: it arrives with a sync).  The read is logged
 * ("approvals").  0, CS_ERR_DB, CS_ERR_TAMPERED.
 */
int	approval_record_text(sqlite3 *, const char *case_id,
	    const char *record_id, char *dst, size_t dstlen);

/*
 * The co-signatures of the assessments of case "case_id", from the
 * approving decisions in the dossier: cb gets each assessment's id,
 * who co-signed (the "by" of the decision: the user of the laptop that
 * wrote it, never typed) and when it was written (seconds since 1970).
 * The read is logged ("approvals").  0, a non-zero return of cb,
 * CS_ERR_DB, CS_ERR_TAMPERED.
 */
typedef int	(*approval_cosign_cb)(const char *assessment_id,
		    const char *by, int64_t when, void *arg);
int	approval_cosigns(sqlite3 *, const char *case_id,
	    approval_cosign_cb cb, void *arg);

#endif /* CLIENT_APPROVAL_H */
