/* SPDX-License-Identifier: ISC */
/*
 * glass.c - break-the-glass uses seen by the regisseur and the team
 * leads (see glass.h).  The server decides who sees which use
 * (store_glass_seen); the vault keeps the id of the newest use shown
 * so that a sync shows each one once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "conn.h"
#include "db.h"
#include "errors.h"
#include "glass.h"
#include "notice.h"
#include "identity.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "msg.h"
#include "msg_transfer.h"

#define GLASS_PAGES_MAX	50	/* requests per listing: 10,000 uses */

int
glass_uses(struct conn *c, int64_t after, glass_cb cb, void *arg,
    int64_t *last, unsigned *n)
{
	struct msg_glass_list_request	 q;
	struct msg_glass_list		 gl;
	struct msg_glass_use		 u;
	struct msg_out			 req;
	struct msg			*rep = NULL;
	size_t				 i, page;
	int				 r = 0;

	*last = after;
	*n = 0;
	q.after = after;
	req = msg_out_glass_list_request(&q);
	for (page = 0; page < GLASS_PAGES_MAX; page++) {
		q.after = *last;
		if ((r = rpc_call_expect(c, &req, MSG_GLASS_LIST,
		    &rep)) != 0) {
			notice_reply("glass list", r, rep);
			break;
		}
		(void)msg_get_glass_list(rep, &gl);
		for (i = 0; i < gl.n_uses; i++) {
			(void)msg_glass_list_item(rep, i, &u);
			/* ascending ids (wire_transfer.c), after ours */
			if (u.id <= *last) {
				r = CS_ERR_PROTOCOL;
				break;
			}
			if ((r = cb(&u, arg)) != 0)
				break;
			*last = u.id;
			(*n)++;
		}
		if (r != 0 || !gl.more || gl.n_uses == 0)
			break;
		msg_free(rep);
		rep = NULL;
	}
	msg_free(rep);
	return r;
}

int
glass_new_uses(sqlite3 *db, struct conn *c, glass_cb cb, void *arg,
    unsigned *n)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 after = 0, last;
	int		 r;

	*n = 0;
	if (db_init(db) != 0 || sqlite3_prepare_v2(db, "SELECT after FROM"
	    " glass_seen WHERE id = 1", -1, &s, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		after = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	r = glass_uses(c, after, cb, arg, &last, n);
	/* what was shown is not shown again, even after an error */
	if (last > after && (sqlite3_prepare_v2(db, "INSERT INTO"
	    " glass_seen(id, after) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE"
	    " SET after = ?1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, last) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		r = r != 0 ? r : CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return r;
}
