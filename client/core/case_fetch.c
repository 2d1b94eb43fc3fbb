/* SPDX-License-Identifier: ISC */
/*
 * case_fetch.c - the case metadata from the server into the laptop's
 * table (case_meta.h): the whole list for "casesync case list
 * --server", and the refresh at the end of every sync (sync.c), so a
 * member's laptop knows the frame, state and deadlines of the cases it
 * holds, not only the creator's.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "case_meta.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "log.h"
#include "msg.h"
#include "msg_case.h"
#include "notice.h"
#include "util.h"

/*
 * Ids must grow from page to page (a server that repeats itself cannot
 * keep us looping).  Each page is stored in one transaction.
 */
int
case_meta_fetch_all(struct conn *c, sqlite3 *db, size_t *count,
    uint64_t *round_trips)
{
	struct msg_case_list_request	 lr;
	struct msg_case_list		 cl;
	struct msg_case_info		 ci;
	struct msg_out			 req;
	struct case_meta		 m;
	struct msg			*rep = NULL;
	char				 after[DB_UUID_LEN + 1] = "";
	int64_t				 start = time_now();
	size_t				 i;
	int				 r, more = 1;

	*count = 0;
	lr.after = after;		/* the last case id so far */
	req = msg_out_case_list_request(&lr);
	while (more) {
		msg_free(rep);
		rep = NULL;
		if (round_trips != NULL)
			(*round_trips)++;
		if ((r = rpc_call_expect(c, &req, MSG_CASE_LIST,
		    &rep)) != 0) {
			notice_reply("case list", r, rep);
			goto out;
		}
		(void)msg_get_case_list(rep, &cl);
		if ((r = db_begin(db)) != 0)
			goto out;
		for (i = 0; i < cl.n_cases; i++) {
			r = CS_ERR_PROTOCOL;
			if (msg_case_list_item(rep, i, &ci) != 0 ||
			    case_meta_from_info(&ci, &m) != 0 ||
			    strcmp(m.case_id, after) <= 0) {
				notice(NOTICE_ERROR, "case list: unexpected "
				    "reply from the server");
				db_rollback(db);
				goto out;
			}
			if ((r = case_meta_put_info(db, &ci, &m)) != 0) {
				db_rollback(db);
				goto out;
			}
			memcpy(after, m.case_id, sizeof(after));
			(*count)++;
		}
		more = cl.more;		/* wire.c: never after no cases */
		if (!more && (r = db_case_meta_fetched_set(db, start)) != 0) {
			db_rollback(db);
			goto out;
		}
		if ((r = db_commit(db)) != 0)
			goto out;
	}
	r = 0;
 out:
	msg_free(rep);
	return r;
}

/*
 * CASE_META_STALE_SECS, or CASESYNC_CASE_META_MAX_AGE seconds (0 to a
 * day: for tests, and a deployment that wants it sooner).
 */
static int64_t
case_meta_max_age(void)
{
	const char	*s = getenv("CASESYNC_CASE_META_MAX_AGE");
	uint64_t	 v;

	if (s == NULL || parse_u64(s, 0, 86400, &v) != 0)
		return CASE_META_STALE_SECS;
	return (int64_t)v;
}

int
case_meta_refresh(struct conn *c, sqlite3 *db, int unknown, size_t *count,
    uint64_t *round_trips)
{
	int64_t	at, now = time_now();
	int	r, any;

	*count = 0;
	if (!unknown) {
		if ((r = db_case_meta_fetched(db, &at)) != 0)
			return r;
		/* a clock set back counts as stale too */
		if (at <= now && now - at < case_meta_max_age())
			return 0;
		if ((r = db_any_record(db, &any)) != 0)
			return r;
		if (!any)
			return 0;
	}
	r = case_meta_fetch_all(c, db, count, round_trips);
	if (r == CS_ERR_PEER || r == CS_ERR_RETRY) {
		/* said by notice_reply(); the records are in */
		notice(NOTICE_WARN, "the frame, state and deadlines of the "
		    "cases were not refreshed; the next sync tries again");
		r = 0;
	}
	if (r != 0)
		log_warnx("case metadata: %s", cs_err(r));
	return r;
}
