/* SPDX-License-Identifier: ISC */
/*
 * store_glass.c - break-the-glass access in the server database (see
 * store_transfer.h): read-only membership of a case of another office,
 * granted at once for a fixed time, with a row in "glass" for the
 * review and one in "access_expiry" that store_transfer_tick() turns
 * into the end of the access and a purge, as for a handover window.
 */
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_notify.h"
#include "store_transfer.h"
#include "store_transfer_int.h"

static int
glass_row(struct sdb_stmt *s, struct store_glass *g)
{
	memset(g, 0, sizeof(*g));
	g->id = sdb_column_int64(s, 0);
	if (store_col_text(s, 1, g->case_id, sizeof(g->case_id)) != 0 ||
	    store_col_text(s, 2, g->user, sizeof(g->user)) != 0 ||
	    store_col_text(s, 3, g->user_office, sizeof(g->user_office)) != 0 ||
	    store_col_text(s, 4, g->case_office, sizeof(g->case_office)) != 0 ||
	    store_col_text(s, 5, g->reason, sizeof(g->reason)) != 0)
		return CS_ERR_DB;
	g->granted_at = sdb_column_int64(s, 6);
	g->expires_at = sdb_column_int64(s, 7);
	g->ended_at = sdb_column_int64(s, 8);
	return 0;
}

#define GLASS_SELECT							\
	"SELECT g.id, g.case_id, u.name, uo.name, co.name, g.reason,"	\
	" g.granted_at, g.expires_at, coalesce(g.ended_at, 0) FROM glass g" \
	" JOIN users u ON u.id = g.user_id JOIN offices uo ON"		\
	" uo.id = u.office_id JOIN offices co ON co.id = g.case_office_id"

int
store_glass_list(struct store *st,
    int (*cb)(const struct store_glass *, void *), void *arg)
{
	struct sdb_stmt		*s = NULL;
	struct store_glass	 g;
	int			 rc, r = CS_ERR_DB;

	if (store_prepare(st, GLASS_SELECT " ORDER BY g.id DESC", &s) != 0)
		return CS_ERR_DB;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (glass_row(s, &g) != 0)
			goto out;
		if ((r = cb(&g, arg)) != 0)
			goto out;
		r = CS_ERR_DB;
	}
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/*
 * The actor's active glass access to "tx[0]" into *renews (0: none),
 * and a refusal when she used the glass "limit" times in the last day.
 */
static int
glass_limits(struct store *st, const struct store_user *actor,
    const char *const *tx, int64_t now, unsigned limit, int64_t *renews,
    const char **why)
{
	int64_t	n;
	int	r;

	*renews = 0;
	if ((r = store_do(st, "SELECT count(*) FROM glass WHERE"
	    " user_id = ?1 AND granted_at > ?2", &n, "ii",
	    (const int64_t[]){ actor->id, now - 86400 }, NULL)) != 0)
		return r;
	if (n >= (int64_t)limit) {
		*why = "the limit of break-the-glass uses in 24 hours is "
		    "reached (glass_limit_per_day); ask the case's office";
		return CS_ERR_RATE;
	}
	r = store_do(st, "SELECT g.id FROM glass g JOIN access_expiry a ON"
	    " a.glass_id = g.id WHERE a.user_id = ?1 AND a.case_id = ?2 AND"
	    " g.ended_at IS NULL", renews, "it", &actor->id, tx);
	return r == CS_ERR_NOT_FOUND ? 0 : r;
}

int
store_glass_seen(struct store *st, const struct store_user *actor,
    int64_t after, size_t max, int (*cb)(const struct store_glass *, void *),
    void *arg, int *more)
{
	struct sdb_stmt		*s = NULL;
	struct store_glass	 g;
	size_t			 n = 0;
	int			 rc, r = CS_ERR_DB;

	*more = 0;
	if (store_prepare(st, GLASS_SELECT " WHERE g.id > ?1 AND (EXISTS"
	    " (SELECT 1 FROM cases c JOIN case_members m ON m.case_id = c.id"
	    " AND m.user_id = c.regisseur_id WHERE c.id = g.case_id AND"
	    " c.regisseur_id = ?2) OR EXISTS (SELECT 1 FROM users l WHERE"
	    " l.id = ?2 AND l.role = " ACL_SQL_LEAD " AND"
	    " l.office_id = g.case_office_id)) ORDER BY g.id LIMIT ?3",
	    &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, after) != 0 ||
	    sdb_bind_int64(s, 2, actor->id) != 0 ||
	    sdb_bind_int64(s, 3, (int64_t)max + 1) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n == max) {
			*more = 1;
			break;
		}
		if (glass_row(s, &g) != 0)
			goto out;
		if ((r = cb(&g, arg)) != 0)
			goto out;
		r = CS_ERR_DB;
		n++;
	}
	if (rc != SDB_ROW && rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_glass(struct store *st, const struct store_user *actor,
    const char *case_id, const char *reason, int64_t now, int64_t duration,
    unsigned limit, struct store_glass *out, int64_t *seqp, const char **why)
{
	struct sdb_stmt	*s = NULL;
	const char	*tx[2];
	int64_t		 office, cur, mine, seq, member, gid, renews;
	int		 rc, r;

	memset(out, 0, sizeof(*out));
	*seqp = 0;
	*why = NULL;
	if (!acl_may_glass(actor->role_id)) {
		*why = "this role never reads case files";
		return CS_ERR_AUTH;
	}
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_xfer_case(st, case_id, &office, &cur)) != 0) {
		*why = "no such case";
		goto fail;
	}
	if ((r = store_xfer_office(st, actor->office, &mine)) != 0)
		goto fail;
	if (mine == office) {
		*why = "a case of your own office: ask its teamleider for "
		    "access";
		r = CS_ERR_AUTH;
		goto fail;
	}
	tx[0] = case_id;
	tx[1] = reason;
	if ((r = glass_limits(st, actor, tx, now, limit, &renews, why)) != 0)
		goto fail;
	if ((r = store_do(st, "SELECT count(*) FROM case_members WHERE"
	    " user_id = ?1 AND case_id = ?2", &member, "it", &actor->id,
	    tx)) != 0)
		goto fail;
	if (member != 0 && renews != 0) {
		/* a renewal: the access runs on under a new reason */
		if ((r = store_seq_next(st, &seq)) != 0 ||
		    (r = store_do(st, "UPDATE glass SET ended_at = ?1 WHERE"
		    " id = ?2", NULL, "ii", (const int64_t[]){ now, renews },
		    NULL)) != 0 ||
		    (r = store_do(st, "INSERT INTO glass(case_id, user_id,"
		    " case_office_id, reason, granted_at, expires_at) VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", &gid, "tiitii",
		    (const int64_t[]){ actor->id, office, now,
		    now + duration }, tx)) != 0)
			goto fail;
		if ((r = store_do(st, "UPDATE access_expiry SET"
		    " expires_at = ?1, glass_id = ?2 WHERE user_id = ?3 AND"
		    " case_id = ?4", NULL, "iiit", (const int64_t[]){
		    now + duration, gid, actor->id }, tx)) != 0 ||
		    (r = store_notify(st, STORE_NOTIFY_ACCESS)) != 0)
			goto fail;
		goto done;
	}
	if (member != 0) {
		*why = "you have access to this case already";
		r = CS_ERR_EXISTS;
		goto fail;
	}
	if ((r = store_seq_next(st, &seq)) != 0 ||
	    (r = store_do(st, "INSERT INTO case_members(user_id, case_id,"
	    " granted_seq, read_only) VALUES (?1, ?2, ?3, 1)", NULL, "iti",
	    (const int64_t[]){ actor->id, seq }, tx)) != 0 ||
	    (r = store_do(st, "DELETE FROM purges WHERE case_id = ?2 AND"
	    " receipt_at IS NULL AND device_id IN (SELECT id FROM devices"
	    " WHERE user_id = ?1)", NULL, "it", &actor->id, tx)) != 0 ||
	    (r = store_do(st, "INSERT INTO glass(case_id, user_id,"
	    " case_office_id, reason, granted_at, expires_at) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6) RETURNING id", &gid, "tiitii",
	    (const int64_t[]){ actor->id, office, now, now + duration }, tx))
	    != 0)
		goto fail;
	if ((r = store_do(st, "INSERT INTO access_expiry(user_id, case_id,"
	    " expires_at, glass_id) VALUES (?1, ?2, ?3, ?4)", NULL, "itii",
	    (const int64_t[]){ actor->id, now + duration, gid }, tx)) != 0 ||
	    (r = store_notify(st, STORE_NOTIFY_ACCESS)) != 0)
		goto fail;
 done:
	r = CS_ERR_DB;
	if (store_prepare(st, GLASS_SELECT " WHERE g.id = ?1", &s) != 0 ||
	    sdb_bind_int64(s, 1, gid) != 0 ||
	    (rc = sdb_step(s)) != SDB_ROW || glass_row(s, out) != 0)
		goto fail;
	sdb_finalize(s);
	s = NULL;
	out->renews = renews;
	if ((r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	return 0;
 fail:
	if (s != NULL) {
		store_log(st, __func__);
		sdb_finalize(s);
	}
	store_rollback(st);
	return r;
}
