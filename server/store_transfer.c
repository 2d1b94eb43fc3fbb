/* SPDX-License-Identifier: ISC */
/*
 * store_transfer.c - transfers, team assignment and break-the-glass in
 * the server database (see store_transfer.h).
 *
 * Access that ends at a time (the old office's read-only handover
 * window, a glass access) is a row of access_expiry next to the
 * case_members row it limits.  store_transfer_tick() turns the rows
 * that are due into removed memberships and purge instructions (the
 * purges table of store_sync.c, the same mechanism as `case member
 * --remove`), and remembers which devices a transfer is waiting for in
 * transfer_purges; a transfer is COMPLETED once each of those devices
 * has returned a receipt or been revoked.
 */
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_late.h"
#include "store_transfer.h"
#include "store_transfer_int.h"

/* The columns store_transfer_row() reads, in order. */
#define XFER_SELECT							\
	"SELECT t.id, t.case_id, t.state, t.reason, t.note, fo.name,"	\
	" tof.name, ru.name, t.requested_at, coalesce(du.name, ''),"	\
	" coalesce(t.decided_at, 0), coalesce(t.rejection, ''),"	\
	" coalesce(nu.name, ''), coalesce(t.window_end, 0),"		\
	" coalesce(t.completed_at, 0),"					\
	" (SELECT count(*) FROM transfer_purges tp JOIN purges p ON"	\
	"  p.device_id = tp.device_id AND p.case_id = t.case_id"	\
	"  JOIN devices d ON d.id = tp.device_id WHERE"			\
	"  tp.transfer_id = t.id AND p.receipt_at IS NULL AND"		\
	"  d.revoked_at IS NULL) + (SELECT count(*) FROM access_expiry a" \
	"  JOIN devices d ON d.user_id = a.user_id WHERE"		\
	"  a.transfer_id = t.id AND d.revoked_at IS NULL)"		\
	" FROM transfers t JOIN offices fo ON fo.id = t.from_office_id"	\
	" JOIN offices tof ON tof.id = t.to_office_id"			\
	" JOIN users ru ON ru.id = t.requested_by"			\
	" LEFT JOIN users du ON du.id = t.decided_by"			\
	" LEFT JOIN users nu ON nu.id = t.new_regisseur_id"

/* The devices of the users whose read-only access ended (?1: now). */
#define XFER_DUE							\
	" FROM access_expiry a JOIN case_members m ON"			\
	" m.user_id = a.user_id AND m.case_id = a.case_id"		\
	" JOIN devices d ON d.user_id = a.user_id"			\
	" WHERE a.expires_at <= ?1 AND m.read_only = 1"		\
	" AND d.revoked_at IS NULL"

static int
xfer_row(struct sdb_stmt *s, struct store_transfer *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sdb_column_int64(s, 0);
	if (store_col_text(s, 1, t->case_id, sizeof(t->case_id)) != 0 ||
	    store_col_text(s, 2, t->state, sizeof(t->state)) != 0 ||
	    store_col_text(s, 3, t->reason, sizeof(t->reason)) != 0 ||
	    store_col_text(s, 4, t->note, sizeof(t->note)) != 0 ||
	    store_col_text(s, 5, t->from_office, sizeof(t->from_office)) != 0 ||
	    store_col_text(s, 6, t->to_office, sizeof(t->to_office)) != 0 ||
	    store_col_text(s, 7, t->requested_by,
	    sizeof(t->requested_by)) != 0 ||
	    store_col_text(s, 9, t->decided_by, sizeof(t->decided_by)) != 0 ||
	    store_col_text(s, 11, t->rejection, sizeof(t->rejection)) != 0 ||
	    store_col_text(s, 12, t->new_regisseur,
	    sizeof(t->new_regisseur)) != 0)
		return CS_ERR_DB;
	t->requested_at = sdb_column_int64(s, 8);
	t->decided_at = sdb_column_int64(s, 10);
	t->window_end = sdb_column_int64(s, 13);
	t->completed_at = sdb_column_int64(s, 14);
	t->purges_pending = sdb_column_int64(s, 15);
	return 0;
}

int
store_transfer_get(struct store *st, int64_t id, struct store_transfer *out)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	memset(out, 0, sizeof(*out));
	if (store_prepare(st, XFER_SELECT " WHERE t.id = ?1", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, id) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SDB_ROW || xfer_row(s, out) != 0)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* The case's office and regisseur (0 unless a member).  NOT_FOUND or DB. */
int
store_xfer_case(struct store *st, const char *case_id, int64_t *office,
    int64_t *regisseur)
{
	const char	*t[1] = { case_id };
	int		 r;

	*regisseur = 0;
	if ((r = store_do(st, "SELECT office_id FROM cases WHERE id = ?1",
	    office, "t", NULL, t)) != 0)
		return r;
	/* powers follow the current regisseur, while she is a member */
	return store_do(st, "SELECT coalesce((SELECT m.user_id FROM"
	    " case_members m WHERE m.case_id = c.id AND"
	    " m.user_id = c.regisseur_id), 0) FROM cases c WHERE c.id = ?1",
	    regisseur, "t", NULL, t);
}

/* The id of the office called "name" (NOT_FOUND). */
int
store_xfer_office(struct store *st, const char *name, int64_t *id)
{
	const char	*t[1] = { name };

	return store_do(st, "SELECT id FROM offices WHERE name = ?1", id,
	    "t", NULL, t);
}

int
store_xfer_is_lead_of(struct store *st, const struct store_user *u,
    int64_t office, int *yes)
{
	int64_t	mine;
	int	r;

	*yes = 0;
	if (!acl_may_lead(u->role_id))
		return 0;
	if ((r = store_xfer_office(st, u->office, &mine)) != 0)
		return r;
	*yes = mine == office;
	return 0;
}

/*
 * Give "user" write access to the case from grant "seq" on (keeping an
 * earlier grant), and forget any end of access or pending purge.
 */
int
store_xfer_member_full(struct store *st, int64_t user, const char *case_id,
    int64_t seq)
{
	const char	*t[1] = { case_id };
	int		 r;

	if ((r = store_do(st, "INSERT INTO case_members(user_id, case_id,"
	    " granted_seq, read_only) VALUES (?1, ?2, ?3, 0) ON CONFLICT(user_id, case_id) DO"
	    " UPDATE SET read_only = 0", NULL, "iti",
	    (const int64_t[]){ user, seq }, t)) != 0 ||
	    (r = store_do(st, "DELETE FROM access_expiry WHERE"
	    " user_id = ?1 AND case_id = ?2", NULL, "it", &user, t)) != 0)
		return r;
	/* a purge not yet done is moot once access is back */
	return store_do(st, "DELETE FROM purges WHERE case_id = ?2 AND"
	    " receipt_at IS NULL AND device_id IN (SELECT id FROM devices"
	    " WHERE user_id = ?1)", NULL, "it", &user, t);
}

int
store_transfer_request(struct store *st, const struct store_user *actor,
    const char *case_id, const char *to_office, const char *reason,
    const char *note, int64_t now, struct store_transfer *out,
    const char **why)
{
	const char	*t[4];
	int64_t		 office, regisseur, to, id;
	int		 r, lead;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_xfer_case(st, case_id, &office, &regisseur)) != 0) {
		*why = "no such case";
		goto fail;
	}
	if ((r = store_xfer_is_lead_of(st, actor, office, &lead)) != 0)
		goto fail;
	if (regisseur != actor->id && !lead) {
		*why = "only the case's regisseur or a teamleider of the "
		    "owning office may ask";
		r = CS_ERR_AUTH;
		goto fail;
	}
	if ((r = store_xfer_office(st, to_office, &to)) != 0) {
		*why = "no such office";
		goto fail;
	}
	if (to == office) {
		*why = "the case is already with that office";
		r = CS_ERR_FORMAT;
		goto fail;
	}
	t[0] = case_id;
	t[1] = reason;
	t[2] = note;
	r = store_do(st, "INSERT INTO transfers(case_id, state, reason,"
	    " note, from_office_id, to_office_id, requested_by, requested_at)"
	    " VALUES (?1, 'REQUESTED', ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	    &id, "tttiiii", (const int64_t[]){ office, to, actor->id, now },
	    t);
	if (r == CS_ERR_EXISTS)
		*why = "the case already has an open transfer";
	if (r != 0)
		goto fail;
	if ((r = store_commit(st)) != 0)
		goto fail;
	return store_transfer_get(st, id, out);
 fail:
	store_rollback(st);
	return r;
}

/*
 * Load transfer "id" for a decision inside the open transaction;
 * CS_ERR_STATE if it is no longer REQUESTED.  *from, *to: offices.
 */
static int
xfer_open(struct store *st, int64_t id, struct store_transfer *t,
    int64_t *from, int64_t *to, int64_t *requester, const char **why)
{
	int	r;

	if ((r = store_transfer_get(st, id, t)) != 0) {
		*why = "no such transfer";
		return r;
	}
	if ((r = store_xfer_office(st, t->from_office, from)) != 0 ||
	    (r = store_xfer_office(st, t->to_office, to)) != 0 ||
	    (r = store_do(st, "SELECT requested_by FROM transfers WHERE"
	    " id = ?1", requester, "i", &id, NULL)) != 0)
		return r;
	return 0;
}

static int
xfer_decided(const struct store_transfer *t, const char **why)
{
	if (strcmp(t->state, "REQUESTED") == 0)
		return 0;
	*why = strcmp(t->state, "ACCEPTED") == 0 ||
	    strcmp(t->state, "COMPLETED") == 0 ? "already accepted" :
	    strcmp(t->state, "REJECTED") == 0 ? "already rejected" :
	    "already revoked";
	return CS_ERR_STATE;
}

/* The receiving side decides: a teamleider of the target office. */
static int
xfer_receiver(struct store *st, const struct store_user *actor,
    int64_t from, int64_t to, int64_t requester, const char **why)
{
	int	r, lead;

	if (actor->id == requester) {
		*why = "the sender cannot accept or reject its own transfer";
		return CS_ERR_SELF;
	}
	if ((r = store_xfer_is_lead_of(st, actor, from, &lead)) != 0)
		return r;
	if (lead) {
		*why = "the sending office cannot accept or reject its own "
		    "transfer";
		return CS_ERR_SELF;
	}
	if ((r = store_xfer_is_lead_of(st, actor, to, &lead)) != 0)
		return r;
	if (!lead) {
		*why = "only a teamleider of the target office decides";
		return CS_ERR_AUTH;
	}
	return 0;
}

int
store_transfer_accept(struct store *st, const struct store_user *actor,
    int64_t id, const char *regisseur, int64_t now, int64_t window,
    struct store_transfer *out, int64_t *seqp, const char **why)
{
	struct store_transfer	 t;
	const char		*tx[2];
	int64_t			 from, to, requester, newreg, office, cur, seq;
	int64_t			 end = now + window;
	int			 r;

	memset(out, 0, sizeof(*out));
	*seqp = 0;
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = xfer_open(st, id, &t, &from, &to, &requester, why)) != 0 ||
	    (r = xfer_receiver(st, actor, from, to, requester, why)) != 0 ||
	    (r = xfer_decided(&t, why)) != 0)
		goto fail;
	if ((r = store_xfer_case(st, t.case_id, &office, &cur)) != 0)
		goto fail;
	if (office != from) {
		*why = "the case is no longer with the sending office";
		r = CS_ERR_STATE;
		goto fail;
	}
	tx[0] = regisseur;
	if ((r = store_do(st, "SELECT id FROM users WHERE name = ?1 AND"
	    " role = " ACL_SQL_REGISSEUR " AND office_id = ?2", &newreg, "ti",
	    &to, tx)) != 0) {
		if (r == CS_ERR_NOT_FOUND) {
			*why = "the new regisseur must be a jeugdbeschermer "
			    "of the target office";
			r = CS_ERR_FORMAT;
		}
		goto fail;
	}
	if ((r = store_seq_next(st, &seq)) != 0)
		goto fail;
	tx[0] = t.case_id;
	/* the old office reads until the window ends, then loses the case;
	 * what it wrote before this moment may still come (store_late.h) */
	if ((r = store_late_open(st, t.case_id, from, id, store_late_ms(now),
	    end)) != 0 ||
	    (r = store_do(st, "UPDATE case_members SET read_only = 1 WHERE"
	    " case_id = ?2 AND user_id IN (SELECT id FROM users WHERE"
	    " office_id = ?1)", NULL, "it", &from, tx)) != 0 ||
	    (r = store_do(st, "INSERT INTO access_expiry(user_id, case_id,"
	    " expires_at, transfer_id) SELECT m.user_id, m.case_id, ?1, ?2"
	    " FROM case_members m JOIN users u ON u.id = m.user_id WHERE"
	    " m.case_id = ?4 AND u.office_id = ?3 ON CONFLICT(user_id, case_id) DO UPDATE SET"
	    " expires_at = ?1, transfer_id = ?2, glass_id = NULL", NULL,
	    "iiit", (const int64_t[]){ end, id, from }, tx)) != 0 ||
	    (r = store_do(st, "UPDATE cases SET office_id = ?1,"
	    " regisseur_id = ?2 WHERE id = ?3", NULL, "iit",
	    (const int64_t[]){ to, newreg }, tx)) != 0 ||
	    (r = store_xfer_member_full(st, newreg, t.case_id, seq)) != 0 ||
	    (r = store_xfer_member_full(st, actor->id, t.case_id, seq)) != 0 ||
	    (r = store_do(st, "UPDATE transfers SET state = 'ACCEPTED',"
	    " decided_by = ?1, decided_at = ?2, new_regisseur_id = ?3,"
	    " window_end = ?4 WHERE id = ?5", NULL, "iiiii",
	    (const int64_t[]){ actor->id, now, newreg, end, id }, NULL)) != 0)
		goto fail;
	/* casesyncd commits after this, with the entry (transfer.c) */
	fault_point("transfer-accept-uncommitted");
	if ((r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	return store_transfer_get(st, id, out);
 fail:
	store_rollback(st);
	return r;
}

int
store_transfer_reject(struct store *st, const struct store_user *actor,
    int64_t id, const char *reason, int64_t now, struct store_transfer *out,
    const char **why)
{
	struct store_transfer	 t;
	const char		*tx[1] = { reason };
	int64_t			 from, to, requester;
	int			 r;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = xfer_open(st, id, &t, &from, &to, &requester, why)) != 0 ||
	    (r = xfer_receiver(st, actor, from, to, requester, why)) != 0 ||
	    (r = xfer_decided(&t, why)) != 0 ||
	    (r = store_do(st, "UPDATE transfers SET state = 'REJECTED',"
	    " decided_by = ?1, decided_at = ?2, rejection = ?3 WHERE"
	    " id = ?4", NULL, "iiti", (const int64_t[]){ actor->id, now,
	    id }, tx)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	return store_transfer_get(st, id, out);
 fail:
	store_rollback(st);
	return r;
}

int
store_transfer_revoke(struct store *st, const struct store_user *actor,
    int64_t id, int64_t now, struct store_transfer *out, const char **why)
{
	struct store_transfer	 t;
	int64_t			 from, to, requester;
	int			 r, lead;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = xfer_open(st, id, &t, &from, &to, &requester, why)) != 0 ||
	    (r = store_xfer_is_lead_of(st, actor, from, &lead)) != 0)
		goto fail;
	if (actor->id != requester && !lead) {
		*why = "only the requester or a teamleider of the sending "
		    "office may revoke";
		r = CS_ERR_AUTH;
		goto fail;
	}
	if ((r = xfer_decided(&t, why)) != 0 ||
	    (r = store_do(st, "UPDATE transfers SET state = 'REVOKED',"
	    " decided_by = ?1, decided_at = ?2 WHERE id = ?3", NULL, "iii",
	    (const int64_t[]){ actor->id, now, id }, NULL)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	return store_transfer_get(st, id, out);
 fail:
	store_rollback(st);
	return r;
}

int
store_transfer_list(struct store *st, const struct store_user *actor,
    int64_t after, size_t max,
    int (*cb)(const struct store_transfer *, void *), void *arg, int *more)
{
	struct sdb_stmt		*s = NULL;
	struct store_transfer	 t;
	size_t			 n = 0;
	int			 rc, r = CS_ERR_DB;

	*more = 0;
	if (store_prepare(st, XFER_SELECT " WHERE t.id > ?1 AND (?2 OR"
	    " (?3 AND (fo.name = ?5 OR tof.name = ?5)) OR"
	    " t.requested_by = ?4 OR EXISTS (SELECT 1 FROM case_members m"
	    " WHERE m.case_id = t.case_id AND m.user_id = ?4))"
	    " ORDER BY t.id LIMIT ?6", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, after) != 0 ||
	    sdb_bind_int64(s, 2, actor == NULL) != 0 ||
	    sdb_bind_int64(s, 3, actor != NULL &&
	    acl_may_lead(actor->role_id)) != 0 ||
	    sdb_bind_int64(s, 4, actor != NULL ? actor->id : 0) !=
	    0 ||
	    sdb_bind_text(s, 5, actor != NULL ? actor->office : "", -1) != 0 ||
	    sdb_bind_int64(s, 6, (int64_t)max + 1) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n == max) {
			*more = 1;
			break;
		}
		if (xfer_row(s, &t) != 0)
			goto out;
		if ((r = cb(&t, arg)) != 0)
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
store_transfer_pending(struct store *st,
    int (*cb)(const struct store_transfer_device *, void *), void *arg)
{
	struct sdb_stmt			*s = NULL;
	struct store_transfer_device	 d;
	int				 rc, r = CS_ERR_DB;

	/* window open: the devices of the members it will end for */
	if (store_prepare(st, "SELECT t.id, t.case_id, d.id, d.name, u.name,"
	    " 0, t.window_end FROM transfers t JOIN access_expiry a ON"
	    " a.transfer_id = t.id JOIN users u ON u.id = a.user_id"
	    " JOIN devices d ON d.user_id = a.user_id WHERE"
	    " t.state = 'ACCEPTED' AND d.revoked_at IS NULL"
	    " UNION ALL SELECT t.id, t.case_id, d.id, d.name, u.name, 1,"
	    " t.window_end FROM transfers t JOIN transfer_purges tp ON"
	    " tp.transfer_id = t.id JOIN purges p ON p.device_id ="
	    " tp.device_id AND p.case_id = t.case_id JOIN devices d ON"
	    " d.id = tp.device_id JOIN users u ON u.id = d.user_id WHERE"
	    " t.state = 'ACCEPTED' AND p.receipt_at IS NULL AND"
	    " d.revoked_at IS NULL ORDER BY 1, 3", &s) != 0)
		return CS_ERR_DB;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		memset(&d, 0, sizeof(d));
		d.transfer_id = sdb_column_int64(s, 0);
		d.device_id = sdb_column_int64(s, 2);
		d.queued = (int)sdb_column_int64(s, 5);
		d.window_end = sdb_column_int64(s, 6);
		if (store_col_text(s, 1, d.case_id, sizeof(d.case_id)) != 0 ||
		    store_col_text(s, 3, d.device, sizeof(d.device)) != 0 ||
		    store_col_text(s, 4, d.user, sizeof(d.user)) != 0)
			goto out;
		if ((r = cb(&d, arg)) != 0)
			goto out;
		r = CS_ERR_DB;
	}
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_team_assign(struct store *st, const struct store_user *actor,
    const char *case_id, const char *regisseur, int64_t *seqp,
    const char **why)
{
	const char	*tx[1];
	int64_t		 office, cur, newreg, seq;
	int		 r, lead;

	*seqp = 0;
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_xfer_case(st, case_id, &office, &cur)) != 0) {
		*why = "no such case";
		goto fail;
	}
	if ((r = store_xfer_is_lead_of(st, actor, office, &lead)) != 0)
		goto fail;
	if (!lead) {
		*why = "only a teamleider of the owning office assigns";
		r = CS_ERR_AUTH;
		goto fail;
	}
	tx[0] = regisseur;
	if ((r = store_do(st, "SELECT id FROM users WHERE name = ?1 AND"
	    " role = " ACL_SQL_REGISSEUR " AND office_id = ?2", &newreg, "ti",
	    &office, tx)) != 0) {
		if (r == CS_ERR_NOT_FOUND) {
			*why = "the regisseur must be a jeugdbeschermer of "
			    "the owning office";
			r = CS_ERR_FORMAT;
		}
		goto fail;
	}
	tx[0] = case_id;
	if ((r = store_seq_next(st, &seq)) != 0 ||
	    (r = store_do(st, "UPDATE cases SET regisseur_id = ?1 WHERE"
	    " id = ?2", NULL, "it", &newreg, tx)) != 0 ||
	    (r = store_xfer_member_full(st, newreg, case_id, seq)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

/* The accesses due to end at "now", into a malloc'd *ends. */
static int
store_xfer_ends(struct store *st, int64_t now, struct store_access_end **ends,
    size_t *nends)
{
	struct sdb_stmt		*s = NULL;
	struct store_access_end	*e, *p;
	size_t			 max = 0;
	int			 rc, r = CS_ERR_DB;

	*ends = NULL;
	*nends = 0;
	if (store_prepare(st, "SELECT a.user_id, u.name, u.role, o.name,"
	    " a.case_id, coalesce(a.transfer_id, 0), coalesce(a.glass_id, 0),"
	    " (SELECT count(*) FROM devices d WHERE d.user_id = a.user_id AND"
	    " d.revoked_at IS NULL) FROM access_expiry a JOIN case_members m"
	    " ON m.user_id = a.user_id AND m.case_id = a.case_id JOIN users u"
	    " ON u.id = a.user_id JOIN offices o ON o.id = u.office_id WHERE"
	    " a.expires_at <= ?1 AND m.read_only = 1", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, now) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (*nends == max) {
			if ((p = reallocarray(*ends, max * 2 + 4,
			    sizeof(*p))) == NULL) {
				r = CS_ERR_ALLOC;
				goto out;
			}
			*ends = p;
			max = max * 2 + 4;
		}
		e = &(*ends)[*nends];
		memset(e, 0, sizeof(*e));
		e->user_id = sdb_column_int64(s, 0);
		if (store_col_text(s, 1, e->user, sizeof(e->user)) != 0 ||
		    store_col_text(s, 2, e->role, sizeof(e->role)) != 0 ||
		    store_col_text(s, 3, e->office, sizeof(e->office)) != 0 ||
		    store_col_text(s, 4, e->case_id, sizeof(e->case_id)) != 0)
			goto out;
		e->transfer_id = sdb_column_int64(s, 5);
		e->glass_id = sdb_column_int64(s, 6);
		e->devices = sdb_column_int64(s, 7);
		(*nends)++;
	}
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	if (r != 0) {
		free(*ends);
		*ends = NULL;
		*nends = 0;
	}
	sdb_finalize(s);
	return r;
}

int
store_transfer_due(struct store *st, int64_t now, int *due)
{
	*due = 0;
	/*
	 * Asked before every request: both parts are index probes when
	 * nothing is due, and the statement stays prepared.
	 */
	if (st->tickq == NULL && store_prepare(st, "SELECT EXISTS (SELECT 1"
	    " FROM access_expiry WHERE expires_at <= ?1) OR EXISTS (SELECT 1"
	    " FROM transfers t WHERE t.state = 'ACCEPTED' AND"
	    " t.window_end <= ?1 AND NOT EXISTS (SELECT 1 FROM"
	    " transfer_purges tp JOIN purges p ON p.device_id = tp.device_id"
	    " AND p.case_id = t.case_id JOIN devices d ON"
	    " d.id = tp.device_id WHERE tp.transfer_id = t.id AND"
	    " p.receipt_at IS NULL AND d.revoked_at IS NULL))",
	    &st->tickq) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(st->tickq, 1, now) != 0 ||
	    sdb_step(st->tickq) != SDB_ROW) {
		store_log(st, __func__);
		sdb_reset(st->tickq);
		return CS_ERR_DB;
	}
	*due = sdb_column_int64(st->tickq, 0) != 0;
	sdb_reset(st->tickq);
	return 0;
}

int
store_transfer_tick(struct store *st, int64_t now,
    struct store_access_end **endsp, size_t *nendsp, int64_t *seqp)
{
	struct store_access_end	*ends = NULL;
	size_t			 nends = 0;
	int64_t			 seq;
	int			 due, r;

	*seqp = 0;
	if (endsp != NULL) {
		*endsp = NULL;
		*nendsp = 0;
	}
	if ((r = store_transfer_due(st, now, &due)) != 0 || !due)
		return r;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_seq_next(st, &seq)) != 0 ||
	    (r = store_xfer_ends(st, now, &ends, &nends)) != 0)
		goto fail;
	/*
	 * Every device of a user whose read-only access ended deletes the
	 * case (a membership made writable again is not ended: someone
	 * gave it back on purpose).  A transfer remembers its devices.
	 */
	if ((r = store_do(st, "INSERT INTO purges(device_id, case_id,"
	    " created_seq) SELECT d.id, a.case_id, ?2" XFER_DUE
	    " ON CONFLICT(device_id, case_id) DO UPDATE SET created_seq = ?2, receipt_at = NULL,"
	    " records_deleted = NULL", NULL, "ii",
	    (const int64_t[]){ now, seq }, NULL)) != 0 ||
	    (r = store_do(st, "INSERT INTO transfer_purges("
	    "transfer_id, device_id) SELECT a.transfer_id, d.id" XFER_DUE
	    " AND a.transfer_id IS NOT NULL ON CONFLICT DO NOTHING", NULL, "i", &now, NULL)) != 0 ||
	    (r = store_do(st, "UPDATE glass SET ended_at = ?1 WHERE"
	    " ended_at IS NULL AND id IN (SELECT glass_id FROM access_expiry"
	    " WHERE expires_at <= ?1 AND glass_id IS NOT NULL)", NULL, "i",
	    &now, NULL)) != 0 ||
	    (r = store_do(st, "DELETE FROM case_members WHERE"
	    " read_only = 1 AND EXISTS (SELECT 1 FROM access_expiry a WHERE"
	    " a.user_id = case_members.user_id AND"
	    " a.case_id = case_members.case_id AND a.expires_at <= ?1)", NULL,
	    "i", &now, NULL)) != 0 ||
	    (r = store_do(st, "DELETE FROM access_expiry WHERE"
	    " expires_at <= ?1", NULL, "i", &now, NULL)) != 0 ||
	    (r = store_late_expire(st, now)) != 0 ||
	    (r = store_do(st, "UPDATE transfers SET state = 'COMPLETED',"
	    " completed_at = ?1 WHERE state = 'ACCEPTED' AND window_end <= ?1"
	    " AND NOT EXISTS (SELECT 1 FROM access_expiry a WHERE"
	    " a.transfer_id = transfers.id) AND NOT EXISTS (SELECT 1 FROM"
	    " transfer_purges tp JOIN purges p ON p.device_id = tp.device_id"
	    " AND p.case_id = transfers.case_id JOIN devices d ON d.id ="
	    " tp.device_id WHERE tp.transfer_id = transfers.id AND"
	    " p.receipt_at IS NULL AND d.revoked_at IS NULL)", NULL, "i",
	    &now, NULL)) != 0)
		goto fail;
	if ((r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	if (endsp != NULL) {
		*endsp = ends;
		*nendsp = nends;
	} else
		free(ends);
	return 0;
 fail:
	store_rollback(st);
	free(ends);
	return r;
}
