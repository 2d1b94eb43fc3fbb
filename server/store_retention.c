/* SPDX-License-Identifier: ISC */
/*
 * store_retention.c - closing and retention of cases in the server
 * database (see store_retention.h).
 *
 * Destroying a case deletes every row that names it, children before
 * parents (foreign keys are on), in the caller's transaction with its
 * audit entry.  Purge instructions a device has not answered yet stay:
 * they are what makes a laptop that was away delete its copy; they
 * hold no content.  The audit log keeps its entries (append-only; the
 * case appears there only as its pseudonymous id).
 */
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_retention.h"

int
store_retention_close(struct store *st, const char *case_id, int64_t today,
    unsigned years)
{
	int64_t	until = lc_add_years(today, (int)years);

	return store_do(st, "UPDATE cases SET closed_on = ?1,"
	    " retention_until = ?2 WHERE id = ?3 AND state = 'GESLOTEN'"
	    " AND closed_on IS NULL", NULL, "iit",
	    (const int64_t[]){ today, until }, (const char *[]){ case_id });
}

int
store_case_has_kind(struct store *st, const char *case_id, const char *kind,
    int *yes)
{
	int64_t	v = 0;
	int	r;

	*yes = 0;
	if ((r = store_do(st, "SELECT EXISTS (SELECT 1 FROM records WHERE"
	    " case_id = ?1 AND kind = ?2 AND deleted = 0)", &v, "tt", NULL,
	    (const char *[]){ case_id, kind })) != 0)
		return r;
	*yes = v != 0;
	return 0;
}

/* The columns of a case past retention, in order (d->records too). */
#define RETENTION_SELECT						\
	"SELECT c.id, o.name, c.frame, c.closed_on, c.retention_until,"	\
	" (SELECT count(*) FROM records r WHERE r.case_id = c.id),"	\
	" c.state FROM cases c JOIN offices o ON o.id = c.office_id"

static int
retention_row(struct sdb_stmt *s, struct store_destruction *d)
{
	memset(d, 0, sizeof(*d));
	if (store_col_text(s, 0, d->case_id, sizeof(d->case_id)) != 0 ||
	    store_col_text(s, 1, d->office, sizeof(d->office)) != 0 ||
	    store_col_text(s, 2, d->frame, sizeof(d->frame)) != 0)
		return CS_ERR_DB;
	d->closed_on = sdb_column_is_null(s, 3) ? LC_NODATE :
	    sdb_column_int64(s, 3);
	d->retention_until = sdb_column_is_null(s, 4) ?
	    LC_NODATE : sdb_column_int64(s, 4);
	d->records = sdb_column_int64(s, 5);
	return 0;
}

int
store_retention_list(struct store *st, int64_t today, int all,
    int (*cb)(const struct store_destruction *, void *), void *arg)
{
	struct store_destruction	 d;
	struct sdb_stmt			*s = NULL;
	int				 rc, r;

	if ((r = store_bind(st, RETENTION_SELECT " WHERE"
	    " c.retention_until IS NOT NULL AND (?1 OR c.retention_until < ?2)"
	    " ORDER BY c.retention_until, c.id", &s, "ii",
	    (const int64_t[]){ all != 0, today }, NULL, NULL)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if ((r = retention_row(s, &d)) != 0 || (r = cb(&d, arg)) != 0)
			goto out;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, s, r, __func__);
}

int
store_retention_prepare(struct store *st, const char *case_id,
    int64_t today, int64_t now, const char *by,
    struct store_destruction *d, const char **why)
{
	struct sdb_stmt	*s = NULL;
	char		 state[32];
	int		 r;

	*why = NULL;
	memset(d, 0, sizeof(*d));
	if ((r = store_bind(st, RETENTION_SELECT " WHERE"
	    " c.id = ?1", &s, "t", NULL, (const char *[]){ case_id },
	    NULL)) != 0)
		return r;
	if ((r = store_row(s)) == CS_ERR_NOT_FOUND) {
		*why = store_destruction_get(st, case_id, d) == 0 ?
		    "the case was destroyed before (retention show)" :
		    "no such case";
		memset(d, 0, sizeof(*d));
		goto out;
	}
	if (r != 0 || (r = retention_row(s, d)) != 0 ||
	    (r = store_col_text(s, 6, state, sizeof(state)) != 0 ?
	    CS_ERR_DB : 0) != 0)
		goto out;
	if (strcmp(state, "GESLOTEN") != 0 || d->closed_on == LC_NODATE ||
	    d->retention_until == LC_NODATE) {
		*why = "the case is not closed (GESLOTEN): it has no "
		    "retention date";
		r = CS_ERR_STATE;
		goto out;
	}
	if (d->retention_until >= today) {
		*why = "the case is not past its retention date";
		r = CS_ERR_LIMIT;
		goto out;
	}
	d->destroyed_at = now;
	if (strlen(by) >= sizeof(d->by)) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	memcpy(d->by, by, strlen(by) + 1);
 out:
	return store_done(st, s, r, __func__);
}

/* Every row about the case, children first; "?1" is the case id. */
static const char *const retention_deletes[] = {
	"DELETE FROM transfer_purges WHERE transfer_id IN"
	" (SELECT id FROM transfers WHERE case_id = ?1)",
	"DELETE FROM access_expiry WHERE case_id = ?1",
	"DELETE FROM transfers WHERE case_id = ?1",
	"DELETE FROM glass WHERE case_id = ?1",
	"DELETE FROM child_measures WHERE case_id = ?1",
	"DELETE FROM approval_holds WHERE approval_id IN"
	" (SELECT id FROM approvals WHERE case_id = ?1)",
	"DELETE FROM approvals WHERE case_id = ?1",
	"DELETE FROM late_window WHERE case_id = ?1",
	"DELETE FROM held_changes WHERE case_id = ?1",
	"DELETE FROM purge_holds WHERE case_id = ?1",
	/* answered ones only: a pending one still tells a laptop */
	"DELETE FROM purges WHERE case_id = ?1 AND (receipt_at IS NOT NULL"
	" OR device_id IN (SELECT id FROM devices WHERE"
	" revoked_at IS NOT NULL))",
	"DELETE FROM case_members WHERE case_id = ?1",
	"DELETE FROM key_grants WHERE case_id = ?1",
	"DELETE FROM key_forgotten WHERE case_id = ?1",
	"DELETE FROM key_state WHERE case_id = ?1",
	"DELETE FROM restore_epochs WHERE case_id = ?1",
	"DELETE FROM restore_records WHERE record_id IN"
	" (SELECT record_id FROM records WHERE case_id = ?1)",
	"DELETE FROM changes WHERE record_id IN"
	" (SELECT record_id FROM records WHERE case_id = ?1)",
	"DELETE FROM records WHERE case_id = ?1",
	"DELETE FROM cases WHERE id = ?1",
};

int
store_retention_destroy(struct store *st, const struct store_destruction *d)
{
	const char	*t[] = { d->case_id, d->office, d->frame, d->by };
	size_t		 i;
	int		 r;

	if ((r = store_begin(st)) != 0)
		return r;
	for (i = 0; i < sizeof(retention_deletes) /
	    sizeof(retention_deletes[0]); i++)
		if ((r = store_do(st, retention_deletes[i], NULL, "t", NULL,
		    t)) != 0)
			goto fail;
	if ((r = store_do_b(st, "INSERT INTO destructions(case_id, office,"
	    " frame, closed_on, retention_until, destroyed_at, records,"
	    " by_whom, pk, sig) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " ?10)", NULL, "tttiiiitbb", (const int64_t[]){ d->closed_on,
	    d->retention_until, d->destroyed_at, d->records }, t,
	    (const struct store_blob[]){ { d->pk, sizeof(d->pk) },
	    { d->sig, sizeof(d->sig) } })) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

int
store_destruction_get(struct store *st, const char *case_id,
    struct store_destruction *d)
{
	struct sdb_stmt	*s = NULL;
	int		 r;

	memset(d, 0, sizeof(*d));
	if ((r = store_bind(st, "SELECT case_id, office, frame, closed_on,"
	    " retention_until, destroyed_at, records, by_whom, pk, sig FROM"
	    " destructions WHERE case_id = ?1", &s, "t", NULL,
	    (const char *[]){ case_id }, NULL)) != 0)
		return r;
	if ((r = store_row(s)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (store_col_text(s, 0, d->case_id, sizeof(d->case_id)) != 0 ||
	    store_col_text(s, 1, d->office, sizeof(d->office)) != 0 ||
	    store_col_text(s, 2, d->frame, sizeof(d->frame)) != 0 ||
	    store_col_text(s, 7, d->by, sizeof(d->by)) != 0 ||
	    (int)sdb_column_bytes(s, 8) != (int)sizeof(d->pk) ||
	    (int)sdb_column_bytes(s, 9) != (int)sizeof(d->sig))
		goto out;
	d->closed_on = sdb_column_int64(s, 3);
	d->retention_until = sdb_column_int64(s, 4);
	d->destroyed_at = sdb_column_int64(s, 5);
	d->records = sdb_column_int64(s, 6);
	memcpy(d->pk, sdb_column_blob(s, 8), sizeof(d->pk));
	memcpy(d->sig, sdb_column_blob(s, 9), sizeof(d->sig));
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* GESLOTEN since at least ?2 days before ?1, not yet purged. */
#define CLOSED_DUE							\
	" FROM cases WHERE state = 'GESLOTEN' AND closed_purged_at IS NULL" \
	" AND closed_on IS NOT NULL AND closed_on + ?2 <= ?1"

int
store_closed_purge_due(struct store *st, int64_t today, unsigned days,
    int *due)
{
	int64_t	v = 0;
	int	r;

	*due = 0;
	if ((r = store_do(st, "SELECT EXISTS (SELECT 1" CLOSED_DUE ")", &v,
	    "ii", (const int64_t[]){ today, days }, NULL)) != 0)
		return r;
	*due = v != 0;
	return 0;
}

/* The ids of up to "max" due cases into *out (malloc'd). */
static int
closed_due_list(struct store *st, int64_t today, unsigned days, size_t max,
    struct store_closed_purge **out, size_t *n)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	if ((*out = calloc(max, sizeof(**out))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = store_bind(st, "SELECT id, office_id, closed_on" CLOSED_DUE
	    " ORDER BY closed_on, id LIMIT ?3", &s, "iii",
	    (const int64_t[]){ today, days, (int64_t)max }, NULL, NULL)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW && *n < max) {
		if (store_col_text(s, 0, (*out)[*n].case_id,
		    sizeof((*out)[*n].case_id)) != 0) {
			r = CS_ERR_DB;
			goto out;
		}
		(*out)[*n].office_id = sdb_column_int64(s, 1);
		(*out)[*n].closed_on = sdb_column_int64(s, 2);
		(*n)++;
	}
	r = rc == SDB_DONE || rc == SDB_ROW ? 0 : CS_ERR_DB;
 out:
	return store_done(st, s, r, __func__);
}

int
store_closed_purge(struct store *st, int64_t now, int64_t today,
    unsigned days, size_t max, struct store_closed_purge **outp, size_t *np,
    int64_t *seqp)
{
	struct store_closed_purge	*out = NULL, *p;
	size_t				 n = 0, i;
	int64_t				 seq = 0;
	int				 r;

	*outp = NULL;
	*np = 0;
	*seqp = 0;
	if (max == 0)
		return 0;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = closed_due_list(st, today, days, max, &out, &n)) != 0 ||
	    n == 0)
		goto done;
	if ((r = store_seq_next(st, &seq)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		p = &out[i];
		/*
		 * Every device of every member deletes the case, as at the
		 * end of a handover window; one that holds unsent changes
		 * keeps it and says so (purge_held).
		 */
		if ((r = store_do(st, "INSERT INTO purges(device_id, case_id,"
		    " created_seq) SELECT d.id, m.case_id, ?1 FROM case_members"
		    " m JOIN devices d ON d.user_id = m.user_id WHERE"
		    " m.case_id = ?2 AND d.revoked_at IS NULL ON CONFLICT(device_id, case_id) DO"
		    " UPDATE SET created_seq = ?1, receipt_at = NULL,"
		    " records_deleted = NULL", NULL, "it", &seq,
		    (const char *[]){ p->case_id })) != 0)
			goto fail;
		p->devices = store_changes(st);
		if ((r = store_do(st, "DELETE FROM access_expiry WHERE"
		    " case_id = ?1", NULL, "t", NULL,
		    (const char *[]){ p->case_id })) != 0 ||
		    (r = store_do(st, "DELETE FROM case_members WHERE"
		    " case_id = ?1", NULL, "t", NULL,
		    (const char *[]){ p->case_id })) != 0)
			goto fail;
		p->members = store_changes(st);
		if ((r = store_do(st, "UPDATE cases SET closed_purged_at = ?1"
		    " WHERE id = ?2", NULL, "it", &now,
		    (const char *[]){ p->case_id })) != 0)
			goto fail;
	}
 done:
	if (r != 0 || (r = store_commit(st)) != 0)
		goto fail;
	*outp = out;
	*np = n;
	*seqp = seq;
	return 0;
 fail:
	store_rollback(st);
	free(out);
	return r;
}
