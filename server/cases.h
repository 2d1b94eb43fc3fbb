/* SPDX-License-Identifier: ISC */
/*
 * cases.h - the server side of the case lifecycle (DESIGN §2): state
 * changes (CaseState) and metadata queries (CaseInfoRequest,
 * CaseListRequest).  Requests arrive validated by wire.c from an
 * authenticated, non-revoked device.
 */
#ifndef CASES_H
#define CASES_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"
#include "msg_case.h"
#include "store.h"

struct msg;
struct request;
struct store_case_meta;

/* The strings of one measure in a CaseInfo. */
struct cases_reply_measure {
	char			child_id[STORE_UUID_LEN + 1];
	char			record_id[STORE_UUID_LEN + 1];
	char			decision[LC_DATE_LEN + 1];
	char			start[LC_DATE_LEN + 1];
	char			end[LC_DATE_LEN + 1];
	char			ended_on[LC_DATE_LEN + 1];
};

/* One CaseInfo to send: "info" points into the arrays here. */
struct cases_reply {
	struct msg_case_info	info;
	struct msg_case_deadline dl[MSG_DEADLINES_MAX];
	char			due[MSG_DEADLINES_MAX][LC_DATE_LEN + 1];
	struct msg_measure_info	ms[MSG_MEASURES_MAX];
	struct cases_reply_measure mstr[MSG_MEASURES_MAX];
	char			since[LC_DATE_LEN + 1];
	char			drang[LC_DATE_LEN + 1];
	char			measure[LC_DATE_LEN + 1];
	char			end[LC_DATE_LEN + 1];
	char			closed[LC_DATE_LEN + 1];
	char			retain[LC_DATE_LEN + 1];
	char			case_id[STORE_UUID_LEN + 1];
	char			approved_by[STORE_NAME_MAX + 1];
	char			regisseur[STORE_NAME_MAX + 1];
	char			close_reason[16];
};

/*
 * Fill "c" (c->info points into it: it must stay put while used) with
 * "m" as seen on "today" (days since 1970-01-01).
 */
void	cases_info_fill(struct cases_reply *c,
	    const struct store_case_meta *m, int64_t today);

/*
 * Encode the CaseInfo of "m" on "today" as the reply to "rq".  0, or a
 * CS_ERR_* after which the connection must be closed.
 */
int	cases_send_info(struct request *, const struct store_case_meta *m,
	    int64_t today);

/*
 * The handlers of the dispatch table (dispatch.c): CaseState,
 * CaseInfoRequest and CaseListRequest, each answered with a CaseInfo,
 * a CaseList or a typed Error.  0, or a CS_ERR_* after which the
 * connection must be closed (allocation failure, reply too large).
 */
int	cases_state(struct request *, const struct msg *);
int	cases_info(struct request *, const struct msg *);
int	cases_list(struct request *, const struct msg *);

#endif /* CASES_H */
