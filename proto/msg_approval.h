/* SPDX-License-Identifier: ISC */
/*
 * msg_approval.h - approvals (Envelope fields 121..125): one user asks
 * (ApprovalRequest), a user of the required role decides on her own
 * device (ApprovalDecision); ApprovalInfo is one approval as the server
 * keeps it, ApprovalListRequest and ApprovalList list them.  See msg.h
 * for the conventions.  Every string a getter returns is non-NULL and
 * has passed wire_approval.c's checks.
 */
#ifndef MSG_APPROVAL_H
#define MSG_APPROVAL_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSG_APPROVALS_MAX	500	/* ApprovalInfo per ApprovalList */

struct msg_approval_request {
	const char	*case_id;
	const char	*kind;		/* drang_extension ... case_close */
	const char	*record_id;	/* the request's record */
	const char	*end_date;	/* drang_extension: YYYY-MM-DD; "" */
	const char	*close_reason;	/* case_close: a reason; else "" */
};

struct msg_approval_decision {
	int64_t		 approval_id;	/* 1..INT64_MAX */
	int		 approve;	/* 0: refused */
	const char	*record_id;	/* the decision's record */
};

struct msg_approval_list_request {
	const char	*case_id;	/* "": every case */
	int		 waiting_for_me;
};

struct msg_approval_info {
	int64_t		 approval_id;	/* 1..INT64_MAX */
	const char	*case_id;
	const char	*kind;
	const char	*state;		/* waiting | approved | refused */
	const char	*requested_by;
	const char	*requested_device;
	int64_t		 requested_at;	/* >= 0 */
	const char	*decided_by;	/* "" while waiting */
	const char	*decided_device;
	int64_t		 decided_at;	/* 0 while waiting */
	const char	*record_id;
	const char	*decision_record_id;	/* "" while waiting */
	const char	*end_date;	/* drang_extension only */
	const char	*close_reason;	/* case_close only */
	const char	*required_role;	/* teamleider | gedragswetenschapper */
};

/*
 * A list of approvals.  Received: n_approvals and more ("approvals"
 * NULL); read each with msg_approval_list_item().  To send: "approvals"
 * points to n_approvals (<= MSG_APPROVALS_MAX) items.
 */
struct msg_approval_list {
	const struct msg_approval_info *approvals;
	size_t		 n_approvals;
	int		 more;
};

int		msg_get_approval_request(const struct msg *,
		    struct msg_approval_request *);
struct msg_out	msg_out_approval_request(const struct msg_approval_request *);
int		msg_get_approval_decision(const struct msg *,
		    struct msg_approval_decision *);
struct msg_out	msg_out_approval_decision(
		    const struct msg_approval_decision *);
int		msg_get_approval_info(const struct msg *,
		    struct msg_approval_info *);
struct msg_out	msg_out_approval_info(const struct msg_approval_info *);
int		msg_get_approval_list_request(const struct msg *,
		    struct msg_approval_list_request *);
struct msg_out	msg_out_approval_list_request(
		    const struct msg_approval_list_request *);
int		msg_get_approval_list(const struct msg *,
		    struct msg_approval_list *);
/* Item "i" of a received ApprovalList; CS_ERR_PROTOCOL past the end. */
int		msg_approval_list_item(const struct msg *, size_t i,
		    struct msg_approval_info *);
struct msg_out	msg_out_approval_list(const struct msg_approval_list *);

/*
 * The checks wire_approval.c makes, for what a laptop is about to send:
 * 1 if "s" is an approval kind; 1 if "s" is a closing reason
 * (doel_bereikt, maatregel, verhuisd, overleden, other).
 */
int		msg_approval_kind_ok(const char *s);
int		msg_close_reason_ok(const char *s);

#endif /* MSG_APPROVAL_H */
