/* SPDX-License-Identifier: ISC */
/*
 * srvaddr.c - connecting by the laptop's list of server addresses and
 * taking over the list the server sends (see srvaddr.h).
 */
#include <string.h>

#include "conn.h"
#include "errors.h"
#include "identity.h"
#include "log.h"
#include "msg.h"
#include "msg_session.h"
#include "notice.h"
#include "srvaddr.h"
#include "util.h"
#include "vault.h"

/* "a, b and c" into buf (cut short if it must). */
static void
srvaddr_join(char *buf, size_t len, const char *const *addrs, size_t n)
{
	size_t	i, off = 0;
	int	w;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " and " : ", ", addrs[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

int
srvaddr_connect(struct vault *v, struct identity *id,
    const struct conn_opts *o, struct conn **cp)
{
	struct conn_opts	 one = *o;
	const char		*order[IDENTITY_ADDRS_MAX];
	char			 list[NOTICE_MAX / 2];
	size_t			 n, used, tried;
	int			 r, w;

	*cp = NULL;
	one.server_name = id->server_name;
	one.ca = id->ca;
	one.pin = NULL;
	n = identity_addrs_order(id, order);
	if ((r = conn_open_any(&one, order, n, &used, &tried, cp)) != 0) {
		srvaddr_join(list, sizeof(list), order, tried);
		if (tried <= 1)
			notice(NOTICE_ERROR, "cannot connect securely to %s: "
			    "%s", list, cs_why(r));
		else
			notice(NOTICE_ERROR, "cannot connect securely to the "
			    "server: %zu addresses tried (%s): %s", tried,
			    list, cs_why(r));
		return r;
	}
	if ((w = identity_set_last(v, id, order[used])) != 0)
		log_warnx("cannot remember the server address that worked: "
		    "%s", cs_err(vault_err(v, w)));
	/* the notices of this connection name the address it uses */
	(void)str_fmt(id->server, sizeof(id->server), "%s", order[used]);
	return 0;
}

int
srvaddr_welcome(struct vault *v, struct identity *id,
    const struct msg *welcome)
{
	struct msg_welcome	w;
	char			list[NOTICE_MAX / 2];
	int			r;

	if (msg_get_welcome(welcome, &w) != 0 || w.n_addresses == 0)
		return 0;
	/* only from a server that has just authenticated this device */
	if (!w.has_identity || strcmp(w.identity.device_id,
	    id->device_id) != 0)
		return 0;
	if (identity_addrs_same(id, w.addresses, w.n_addresses))
		return 0;
	/* netaddr_list_ok() checked the list; identity.c checks again */
	if ((r = identity_set_addrs(v, id, w.addresses,
	    w.n_addresses)) != 0) {
		r = vault_err(v, r);
		notice(NOTICE_WARN, "warning: cannot keep the server's new "
		    "addresses: %s", cs_err(r));
		return r;
	}
	srvaddr_join(list, sizeof(list), w.addresses, w.n_addresses);
	notice(NOTICE_WARN, "the server's addresses changed: from now on "
	    "this laptop tries %s (casesync server show)", list);
	return 0;
}
