/* SPDX-License-Identifier: ISC */
/*
 * store_keys_forget.c - the server forgets the case keys a user lost
 * (see store_keys.h, docs/E2E.md "Membership and the epochs a user
 * holds").
 *
 * A user who stops being a holder of a case (her membership ends: a
 * removal, the end of a handover window or of a glass access; a
 * teamleider whose office gives the case away, or whose office's
 * transfer is rejected or revoked; a change of role or office) has her
 * devices purge the case, keys included.  Her grants would otherwise
 * stay in key_grants and tell every key holder she still has those
 * epochs, so that she would never get them again once she is back.
 * Triggers move those grants, in the transaction that ends the
 * holding (or that records a purge receipt: a device deleted the case
 * and its keys), to key_forgotten: the grants are gone, the fact that she
 * held those epochs stays (a grant she signed is from a former holder,
 * not a forgery), and casesyncd writes a grant_dropped audit entry for
 * each (case, user) (store_keys_dropped).
 */
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_keys.h"

int
store_keys_drops_pending(struct store *st, int *any)
{
	int64_t	v = 0;
	int	r;

	r = store_do(st, "SELECT EXISTS (SELECT 1 FROM key_forgotten WHERE"
	    " audited = 0)", &v, "", NULL, NULL);
	*any = r == 0 && v != 0;
	return r;
}

int
store_keys_dropped(struct store *st, struct store_grant_drop **dp,
    size_t *np)
{
	struct sdb_stmt		*s = NULL;
	struct store_grant_drop	*d = NULL;
	int64_t			 top = 0;
	size_t			 n = 0;
	int			 any, rc, r;

	*dp = NULL;
	*np = 0;
	/* an index probe when there is nothing to record */
	if ((r = store_keys_drops_pending(st, &any)) != 0 || !any)
		return r;
	if ((d = calloc(STORE_GRANT_DROPS_MAX, sizeof(*d))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = store_begin(st)) != 0)
		goto fail;
	r = CS_ERR_DB;
	if (store_prepare(st, "SELECT f.case_id, f.user_id,"
	    " coalesce(u.name, ''), coalesce(u.role, ''),"
	    " coalesce(o.name, ''), count(*), min(f.epoch), max(f.epoch),"
	    " max(f.id), f.why = 'purge' FROM key_forgotten f LEFT JOIN"
	    " users u ON u.id = f.user_id LEFT JOIN offices o ON"
	    " o.id = u.office_id WHERE f.audited = 0 GROUP BY f.case_id,"
	    " f.user_id, f.why, u.name, u.role, o.name"
	    " ORDER BY max(f.id) LIMIT ?1", &s) != 0)
		goto fail;
	if (sdb_bind_int64(s, 1, STORE_GRANT_DROPS_MAX) != 0)
		goto fail;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (store_col_text(s, 0, d[n].case_id,
		    sizeof(d[n].case_id)) != 0 ||
		    store_col_text(s, 2, d[n].user, sizeof(d[n].user)) != 0 ||
		    store_col_text(s, 3, d[n].role, sizeof(d[n].role)) != 0 ||
		    store_col_text(s, 4, d[n].office, sizeof(d[n].office)) != 0)
			goto fail;
		d[n].user_id = sdb_column_int64(s, 1);
		d[n].epochs = sdb_column_int64(s, 5);
		d[n].first = sdb_column_int64(s, 6);
		d[n].last = sdb_column_int64(s, 7);
		d[n].purged = (int)sdb_column_int64(s, 9) != 0;
		if (sdb_column_int64(s, 8) > top)
			top = sdb_column_int64(s, 8);
		n++;
	}
	if (rc != SDB_DONE)
		goto fail;
	sdb_finalize(s);
	s = NULL;
	/*
	 * The groups taken are those whose newest row is at most "top"
	 * (by max(id), in order); the others wait for the next call.
	 */
	if ((r = store_do(st, "UPDATE key_forgotten SET audited = 1 WHERE"
	    " audited = 0 AND (case_id, user_id, why) IN (SELECT case_id,"
	    " user_id, why FROM key_forgotten WHERE audited = 0 GROUP BY"
	    " case_id, user_id, why HAVING max(id) <= ?1)", NULL, "i", &top,
	    NULL)) != 0 || (r = store_commit(st)) != 0)
		goto fail;
	if (n == 0) {
		free(d);
		d = NULL;
	}
	*dp = d;
	*np = n;
	return 0;
 fail:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(s);
	store_rollback(st);
	free(d);
	return r;
}
