/* SPDX-License-Identifier: ISC */
/*
 * srvaddr.h - reaching the service by one of its addresses (DESIGN
 * §11): the laptop's list in the vault (identity.h), tried in order
 * with a short connect timeout each, the one that worked last first;
 * and a new list from the server's Welcome, taken over from an
 * authenticated session only.  The TLS name verified is the enrolled
 * server name, whichever address is used.  Functions return 0 or a
 * negative CS_ERR_*; what the user should know is told as a notice
 * (notice.h).
 */
#ifndef CLIENT_SRVADDR_H
#define CLIENT_SRVADDR_H

struct conn;
struct conn_opts;
struct identity;
struct msg;
struct vault;

/*
 * conn_open_any() to id's addresses with "o"'s certificate, key and
 * timeouts; its server_name and CA are set here from "id" (the enrolled
 * name and the pinned CA).  0: *cp the connection, id->server its
 * address, remembered in the vault as the one to try first (a failure
 * to write that only logs).  Else *cp NULL and a notice (NOTICE_ERROR)
 * names the addresses tried, and how many when more than one.
 */
int	srvaddr_connect(struct vault *, struct identity *,
	    const struct conn_opts *o, struct conn **cp);
/*
 * A Welcome over a connection srvaddr_connect() made with a client
 * certificate: if the server authenticated this device (the Welcome
 * names id's device) and lists addresses that differ from id's, they
 * replace id's list in the vault and a notice (NOTICE_WARN) says so,
 * once: the next Welcome then matches.  A Welcome without addresses
 * changes nothing.
 */
int	srvaddr_welcome(struct vault *, struct identity *,
	    const struct msg *welcome);

#endif /* CLIENT_SRVADDR_H */
