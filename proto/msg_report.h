/* SPDX-License-Identifier: ISC */
/*
 * msg_report.h - the management figures over the protocol (Envelope
 * fields 130, 131; issue 20): a team lead's ReportRequest (from which
 * day, which office) and the server's ReportReply (per office and
 * frame the figures of `casesyncctl report`, and new and closed per
 * month), carried as figures.h's struct figures, the one form of the
 * figures that casesyncctl, the server and the laptop share.  See msg.h
 * for the conventions.  Every string a getter returns is non-NULL and
 * has passed wire_report.c's checks.
 */
#ifndef MSG_REPORT_H
#define MSG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "figures.h"
#include "msg.h"

#define MSG_REPORT_GROUPS_MAX	4096	/* ReportGroup per ReportReply */
#define MSG_REPORT_MONTHS_MAX	65536	/* ReportMonth per ReportReply */

struct msg_report_request {
	const char	*since;		/* YYYY-MM-DD, or "": all */
	const char	*office;	/* "": every office of the asker */
};

int		msg_get_report_request(const struct msg *,
		    struct msg_report_request *);
struct msg_out	msg_out_report_request(const struct msg_report_request *);
/*
 * A received ReportReply as the figures it carries (figures.h, what
 * `casesyncctl report` prints), into *fig: its groups and months in
 * *groups and *months (allocated; free() them, also after a failure),
 * the office names pointing into the message.  0, CS_ERR_PROTOCOL (not
 * a ReportReply) or CS_ERR_ALLOC.
 */
int		msg_get_report_reply(const struct msg *, struct figures *fig,
		    struct figures_group **groups,
		    struct figures_month **months);
/*
 * To send: the figures "fig" (at most MSG_REPORT_GROUPS_MAX groups and
 * MSG_REPORT_MONTHS_MAX months, else CS_ERR_TOO_LARGE; a month of no
 * group is CS_ERR_INTERNAL).
 */
struct msg_out	msg_out_report_reply(const struct figures *fig);

/*
 * The checks wire_report.c makes, for what a laptop is about to send:
 * 1 if "s" may be ReportRequest.office ("" or a name without control
 * characters, at most WIRE_STR_MAX bytes).
 */
int		msg_report_office_ok(const char *s);

#endif /* MSG_REPORT_H */
