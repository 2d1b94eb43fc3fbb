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

/*
 * Per CaseInfo: the family's (LC_DEADLINES_MAX) and those of its
 * children's measures (MS_DEADLINES_MAX), and the measures themselves
 * (MS_MEASURES_MAX); msg_case.c checks them against measure.h.
 */
#define MSG_DEADLINES_MAX	(4 + 128)
#define MSG_MEASURES_MAX	64
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
	const char	*child_id;		/* "": the family's */
};

/* A measure of one child (ChildMeasureInfo; measure.h names). */
struct msg_measure_info {
	uint64_t	 measure_id;		/* 1..INT64_MAX */
	const char	*child_id;		/* a UUID */
	const char	*type;			/* VOTS|OTS|UHP|VOOGDIJ_... */
	const char	*decision_date;		/* YYYY-MM-DD */
	const char	*start_date;
	const char	*end_date;
	const char	*status;		/* running|lapsed|ended|future */
	uint32_t	 extensions;
	const char	*record_id;		/* "" or a UUID */
	const char	*ended_on;		/* "" unless ended */
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
	const char	*close_reason;		/* "" until closing */
	const char	*closed_on;		/* "" unless GESLOTEN */
	const char	*retention_until;	/* "" unless GESLOTEN */
	/*
	 * To send: "deadlines" and "measures" point to n_deadlines (<=
	 * MSG_DEADLINES_MAX) and n_measures (<= MSG_MEASURES_MAX) items.
	 * Received: both NULL ("raw" is the message they are in); read
	 * them, in either case, with msg_case_deadline() and
	 * msg_case_measure().
	 */
	size_t		 n_deadlines;
	const struct msg_case_deadline *deadlines;
	size_t		 n_measures;		/* newest first */
	const struct msg_measure_info *measures;
	const void	*raw;
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

/* Deadline or measure "i" (< n_deadlines, < n_measures) of a CaseInfo. */
void		msg_case_deadline(const struct msg_case_info *, size_t i,
		    struct msg_case_deadline *);
void		msg_case_measure(const struct msg_case_info *, size_t i,
		    struct msg_measure_info *);

#endif /* MSG_CASE_H */
