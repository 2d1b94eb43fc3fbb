/* SPDX-License-Identifier: ISC */
/*
 * figures_net.h - the management figures of a team lead's office,
 * asked of the server (ReportRequest, issue 20): the figures
 * `casesyncctl report --office` prints, as figures.h prints them, for
 * `casesync report figures` and the Teamleider page of casesync ui.
 * The server decides who may see them; the laptop only shows.
 */
#ifndef FIGURES_NET_H
#define FIGURES_NET_H

#include "figures.h"

struct conn;
struct msg;

struct figures_net {
	struct figures		 fig;		/* points into the rest */
	struct figures_group	*groups;
	struct figures_month	*months;
	struct msg		*reply;		/* the ReportReply */
};

/*
 * Ask over "c" for the figures of events since "since" (YYYY-MM-DD, or
 * "" for all) of "office" ("": the asker's own) into *fn (free with
 * figures_net_free, also after a failure).  0; CS_ERR_FORMAT for a
 * "since" or "office" the protocol cannot carry (nothing sent); as
 * conn_rpc() for an Error (*reply_err then holds it, the caller's to
 * msg_free); CS_ERR_PROTOCOL for a reply that is not a ReportReply.
 */
int	figures_net_get(struct conn *c, const char *since, const char *office,
	    struct figures_net *fn, struct msg **reply_err);
void	figures_net_free(struct figures_net *);

#endif /* FIGURES_NET_H */
