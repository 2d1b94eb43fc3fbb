/* SPDX-License-Identifier: ISC */
/*
 * msg_case.h - the case lifecycle's messages (Envelope fields 60..64):
 * CaseState, CaseInfoRequest, CaseInfo, CaseListRequest and CaseList.
 * See msg.h for the conventions (plain structs, borrowed strings,
 * getters and encoders).  Every string a getter returns is non-NULL
 * and has passed wire.c's checks: case ids are UUIDs, states and
 * frames are lifecycle.h's names, dates "" or YYYY-MM-DD.
 */
#ifndef MSG_CASE_H
#define MSG_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSG_DEADLINES_MAX	4	/* per CaseInfo (LC_DEADLINES_MAX) */
#define MSG_CASES_MAX		500	/* CaseInfo per CaseList */

struct msg_case_state {
	const char	*case_id;
	const char	*to_state;
	const char	*effective_date;	/* "": the server's today */
	const char	*end_date;		/* "": the default */
	const char	*reason;		/* "" or <= LC_REASON_MAX */
	const char	*approved_by;		/* "" or a user name */
};

struct msg_case_deadline {
	const char	*kind;
	const char	*due;			/* YYYY-MM-DD */
	int32_t		 days_left;		/* negative: overdue */
};

struct msg_case_info {
	const char	*case_id;
	const char	*frame;
	const char	*state;
	const char	*state_since;
	const char	*drang_start;
	const char	*measure_start;
	const char	*end_date;
	int		 extended;
	const char	*approved_by;		/* "" if none */
	const char	*regisseur;		/* her name; "" if none */
	const char	*closed_on;		/* "" unless GESLOTEN */
	const char	*retention_until;	/* "" unless GESLOTEN */
	size_t		 n_deadlines;		/* <= MSG_DEADLINES_MAX */
	struct msg_case_deadline deadlines[MSG_DEADLINES_MAX];
};

struct msg_case_info_request {
	const char	*case_id;
};

struct msg_case_list_request {
	const char	*after;			/* "" or the last case id */
};

/*
 * A page of cases.  Received: msg_get_case_list() sets n_cases and
 * more ("cases" NULL); read each with msg_case_list_item().  To send:
 * "cases" points to n_cases (<= MSG_CASES_MAX) items.
 */
struct msg_case_list {
	const struct msg_case_info *cases;
	size_t		 n_cases;
	int		 more;			/* wire.c: never with 0 cases */
};

int		msg_get_case_state(const struct msg *, struct msg_case_state *);
struct msg_out	msg_out_case_state(const struct msg_case_state *);
int		msg_get_case_info_request(const struct msg *,
		    struct msg_case_info_request *);
struct msg_out	msg_out_case_info_request(const struct msg_case_info_request *);
int		msg_get_case_info(const struct msg *, struct msg_case_info *);
struct msg_out	msg_out_case_info(const struct msg_case_info *);
int		msg_get_case_list_request(const struct msg *,
		    struct msg_case_list_request *);
struct msg_out	msg_out_case_list_request(const struct msg_case_list_request *);
int		msg_get_case_list(const struct msg *, struct msg_case_list *);
/* Item "i" of a received CaseList; CS_ERR_PROTOCOL past the end. */
int		msg_case_list_item(const struct msg *, size_t i,
		    struct msg_case_info *);
struct msg_out	msg_out_case_list(const struct msg_case_list *);

#endif /* MSG_CASE_H */
