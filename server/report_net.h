/* SPDX-License-Identifier: ISC */
/*
 * report_net.h - the handler of ReportRequest (report_net.c): the
 * management figures of `casesyncctl report` for a team lead, over the
 * protocol (issue 20; docs/PROTOCOL.md "Management figures").
 */
#ifndef REPORT_NET_H
#define REPORT_NET_H

struct msg;
struct request;

/*
 * The handler of the dispatch table (dispatch.c): a ReportReply with
 * the figures of the office the asker leads, or FORBIDDEN (not a team
 * lead; an office she does not lead).  Every request, answered or
 * refused, is a "report_read" audit entry.  0, or a CS_ERR_* after
 * which the connection must be closed.
 */
int	report_request(struct request *, const struct msg *);

#endif /* REPORT_NET_H */
