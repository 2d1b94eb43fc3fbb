/* SPDX-License-Identifier: ISC */
/*
 * msg_report.h - the management figures over the protocol (Envelope
 * fields 130, 131; issue 20): a team lead's ReportRequest (from which
 * day, which office) and the server's ReportReply (per office and
 * frame the figures of `casesyncctl report`, and new and closed per
 * month).  See msg.h for the conventions.  Every string a getter
 * returns is non-NULL and has passed wire_report.c's checks.
 */
#ifndef MSG_REPORT_H
#define MSG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSG_REPORT_GROUPS_MAX	4096	/* ReportGroup per ReportReply */
#define MSG_REPORT_MONTHS_MAX	65536	/* ReportMonth per ReportReply */

struct msg_report_request {
	const char	*since;		/* YYYY-MM-DD, or "": all */
	const char	*office;	/* "": every office of the asker */
};

struct msg_report_group {
	const char	*office;	/* 1..WIRE_STR_MAX bytes, no controls */
	const char	*frame;		/* DRANG | VOTS | OTS | VOOGDIJ */
	int64_t		 active;	/* every count >= 0 */
	int64_t		 new_cases;
	int64_t		 closed;
	int64_t		 drang_ended;
	int64_t		 drang_to_raad;
	int64_t		 drang_median_x2;	/* -1: none */
	int64_t		 drang_extended;
	int64_t		 ots_extensions;
	int64_t		 toetsing_overdue;
	int64_t		 ots_request_overdue;
	int64_t		 transfers_in;
	int64_t		 transfers_out;
	int64_t		 glass;
};

struct msg_report_month {
	size_t		 group;		/* < n_groups */
	int		 year;		/* 1..9999 */
	int		 month;		/* 1..12 */
	int64_t		 new_cases;	/* >= 0 */
	int64_t		 closed;	/* >= 0 */
};

/*
 * Received: n_groups and n_months ("groups", "months" NULL); read each
 * with msg_report_group_item() and msg_report_month_item().  To send:
 * they point to n_groups (<= MSG_REPORT_GROUPS_MAX) and n_months
 * (<= MSG_REPORT_MONTHS_MAX) items.
 */
struct msg_report_reply {
	const char			*today;	/* YYYY-MM-DD */
	const char			*since;	/* YYYY-MM-DD or "" */
	const struct msg_report_group	*groups;
	size_t				 n_groups;
	const struct msg_report_month	*months;
	size_t				 n_months;
};

int		msg_get_report_request(const struct msg *,
		    struct msg_report_request *);
struct msg_out	msg_out_report_request(const struct msg_report_request *);
int		msg_get_report_reply(const struct msg *,
		    struct msg_report_reply *);
/* Item "i" of a received ReportReply; CS_ERR_PROTOCOL past the end. */
int		msg_report_group_item(const struct msg *, size_t i,
		    struct msg_report_group *);
int		msg_report_month_item(const struct msg *, size_t i,
		    struct msg_report_month *);
struct msg_out	msg_out_report_reply(const struct msg_report_reply *);

/*
 * The checks wire_report.c makes, for what a laptop is about to send:
 * 1 if "s" may be ReportRequest.office ("" or a name without control
 * characters, at most WIRE_STR_MAX bytes).
 */
int		msg_report_office_ok(const char *s);

#endif /* MSG_REPORT_H */
