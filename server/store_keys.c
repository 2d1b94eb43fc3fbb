/* SPDX-License-Identifier: ISC */
/*
 * store_keys.c - users' public keys, the recovery key, case key epochs
 * and grants (see store_keys.h, docs/E2E.md).
 *
 * Who may hold a case's key ("holders"): its members, the teamleiders
 * of its office, and the teamleiders of the office an open (REQUESTED
 * or ACCEPTED, in its handover window) transfer goes to.  A case's key epoch starts when its first grant is stored
 * (by a member, to itself); a trigger marks the case for rotation when
 * a member leaves (removal, end of glass access, transfer completed) or
 * a transfer ends, and the next holder to sync makes the new epoch.
 */
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "e2e.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_keys.h"
#include "store_keys_int.h"
#include "store_restore.h"

/*
 * Holders of the cases in "mc" (a CTE of case ids), as (case_id,
 * user_id); 0 stands for the recovery key when there is one.
 */
#define STORE_KEYS_HOLD							\
    " hold(case_id, user_id) AS ("					\
    "  SELECT m.case_id, m.user_id FROM case_members m"			\
    "   WHERE m.case_id IN (SELECT case_id FROM mc)"			\
    "  UNION SELECT c.id, u.id FROM cases c JOIN users u ON"		\
    "   u.office_id = c.office_id AND u.role = " ACL_SQL_LEAD	\
    "   WHERE c.id IN (SELECT case_id FROM mc)"				\
    "  UNION SELECT t.case_id, u.id FROM transfers t JOIN users u ON"	\
    "   u.office_id = t.to_office_id AND u.role = " ACL_SQL_LEAD \
    "   WHERE t.state IN ('REQUESTED', 'ACCEPTED') AND"		\
    "   t.case_id IN (SELECT case_id FROM mc)"				\
    "  UNION SELECT case_id, 0 FROM mc WHERE EXISTS"			\
    "   (SELECT 1 FROM recovery_key)) "

static int
store_keys_blob(struct sdb_stmt *s, int col, uint8_t *dst, size_t len)
{
	if (sdb_column_is_null(s, col) || sdb_column_bytes(s, col) != len)
		return CS_ERR_DB;
	memcpy(dst, sdb_column_blob(s, col), len);
	return 0;
}

/* Columns 0..4: box_pk sign_pk issued ca_sig name. */
static int
store_keys_cert(struct sdb_stmt *s, struct e2e_usercert *c)
{
	int	n;

	memset(c, 0, sizeof(*c));
	n = (int)sdb_column_bytes(s, 3);
	if (store_keys_blob(s, 0, c->box_pk, E2E_PK_LEN) != 0 ||
	    store_keys_blob(s, 1, c->sign_pk, E2E_PK_LEN) != 0 ||
	    n < 1 || n > E2E_CERT_SIG_MAX ||
	    store_col_text(s, 4, c->user, sizeof(c->user)) != 0)
		return CS_ERR_DB;
	c->issued = sdb_column_int64(s, 2);
	memcpy(c->sig, sdb_column_blob(s, 3), (size_t)n);
	c->siglen = (size_t)n;
	return 0;
}

int
store_key_get(struct store *st, int64_t user_id, struct e2e_usercert *c,
    uint8_t backup[E2E_BACKUP_LEN])
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	if (store_prepare(st, user_id == STORE_RECOVERY_ID ?
	    "SELECT box_pk, sign_pk, issued, ca_sig, '" E2E_RECOVERY_USER "',"
	    " NULL FROM recovery_key WHERE id = ?1" :
	    "SELECT k.box_pk, k.sign_pk, k.issued, k.ca_sig, u.name, k.backup"
	    " FROM user_keys k JOIN users u ON u.id = k.user_id"
	    " WHERE k.user_id = ?1", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, user_id) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SDB_ROW || store_keys_cert(s, c) != 0)
		goto out;
	if (backup != NULL && store_keys_blob(s, 5, backup,
	    E2E_BACKUP_LEN) != 0)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_key_get_name(struct store *st, const char *name, int64_t *user_id,
    struct e2e_usercert *c)
{
	int64_t	id = STORE_RECOVERY_ID;
	int	r;

	*user_id = -1;
	if (strcmp(name, E2E_RECOVERY_USER) != 0 &&
	    (r = store_do(st, "SELECT id FROM users WHERE name = ?1", &id,
	    "t", NULL, &name)) != 0)
		return r;
	if ((r = store_key_get(st, id, c, NULL)) != 0)
		return r;
	*user_id = id;
	return 0;
}

int
store_key_publish(struct store *st, int64_t user_id,
    const struct e2e_usercert *c, const uint8_t backup[E2E_BACKUP_LEN])
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (store_prepare(st, "INSERT INTO user_keys(user_id, box_pk,"
	    " sign_pk, issued, ca_sig, backup) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6)", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_blob(s, 2, c->box_pk, E2E_PK_LEN) != 0 ||
	    sdb_bind_blob(s, 3, c->sign_pk, E2E_PK_LEN) != 0 ||
	    sdb_bind_int64(s, 4, c->issued) != 0 ||
	    sdb_bind_blob(s, 5, c->sig, (int)c->siglen) != 0 ||
	    sdb_bind_blob(s, 6, backup, E2E_BACKUP_LEN) != 0)
		goto out;
	r = sdb_step(s) == SDB_DONE ? 0 : store_errcode(st);
 out:
	return store_done(st, s, r, __func__);
}

int
store_key_backup_set(struct store *st, int64_t user_id,
    const uint8_t backup[E2E_BACKUP_LEN])
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (store_prepare(st, "UPDATE user_keys SET backup = ?2 WHERE"
	    " user_id = ?1", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_blob(s, 2, backup, E2E_BACKUP_LEN) != 0)
		goto out;
	if (sdb_step(s) != SDB_DONE) {
		r = store_errcode(st);
		goto out;
	}
	r = sdb_changes(st->db) == 1 ? 0 : CS_ERR_NOT_FOUND;
 out:
	return store_done(st, s, r, __func__);
}

int
store_recovery_set(struct store *st, const struct e2e_usercert *c,
    unsigned k, unsigned n)
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (store_prepare(st, "INSERT INTO recovery_key(id, box_pk, sign_pk,"
	    " issued, ca_sig, k, n) VALUES (0, ?1, ?2, ?3, ?4, ?5, ?6)",
	    &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_blob(s, 1, c->box_pk, E2E_PK_LEN) != 0 ||
	    sdb_bind_blob(s, 2, c->sign_pk, E2E_PK_LEN) != 0 ||
	    sdb_bind_int64(s, 3, c->issued) != 0 ||
	    sdb_bind_blob(s, 4, c->sig, (int)c->siglen) != 0 ||
	    sdb_bind_int64(s, 5, (int)k) != 0 ||
	    sdb_bind_int64(s, 6, (int)n) != 0)
		goto out;
	r = sdb_step(s) == SDB_DONE ? 0 : store_errcode(st);
 out:
	return store_done(st, s, r, __func__);
}

/* Columns 0..5: case_id epoch to_name from_user sealed sig. */
static int
store_keys_grant(struct sdb_stmt *s, struct e2e_grant *g)
{
	memset(g, 0, sizeof(*g));
	if (store_col_text(s, 0, g->case_id, sizeof(g->case_id)) != 0 ||
	    store_col_text(s, 2, g->to_user, sizeof(g->to_user)) != 0 ||
	    store_col_text(s, 3, g->from_user, sizeof(g->from_user)) != 0 ||
	    store_keys_blob(s, 4, g->sealed, E2E_SEALED_KEY_LEN) != 0 ||
	    store_keys_blob(s, 5, g->sig, E2E_SIG_LEN) != 0 ||
	    sdb_column_int64(s, 1) < 1 ||
	    sdb_column_int64(s, 1) > INT32_MAX)
		return CS_ERR_DB;
	g->epoch = (uint32_t)sdb_column_int64(s, 1);
	return 0;
}

#define STORE_KEYS_GRANT_COLS						\
    "g.case_id, g.epoch, CASE g.to_user WHEN 0 THEN '"			\
    E2E_RECOVERY_USER "' ELSE (SELECT name FROM users WHERE"		\
    " id = g.to_user) END, g.from_user, g.sealed, g.sig"

int
store_grants_to(struct store *st, int64_t user_id, int64_t since,
    size_t max, int (*cb)(const struct e2e_grant *, int64_t, void *),
    void *arg, int *more)
{
	struct sdb_stmt		*s = NULL;
	struct e2e_grant	 g;
	size_t			 n = 0;
	int			 rc, r = CS_ERR_DB;

	*more = 0;
	/*
	 * Not a grant from a former holder of that epoch who holds the case
	 * no more: the laptop could not verify it, a holder replaces it
	 * (store_key_needs), and the new one comes with a new id.  A grant
	 * from someone who never held the epoch is sent: the laptop
	 * refuses it and says so.  Only of cases the user holds now.
	 */
	if (store_prepare(st, "SELECT " STORE_KEYS_GRANT_COLS ", g.id FROM"
	    " key_grants g WHERE g.to_user = ?1 AND g.id > ?2 AND "
	    STORE_KEYS_IS_HOLDER("g.case_id", "?1") " AND NOT"
	    " (g.from_user <> '" E2E_RECOVERY_USER "' AND"
	    " (EXISTS (SELECT 1 FROM key_grants h JOIN users su ON"
	    " su.id = h.to_user WHERE h.case_id = g.case_id AND"
	    " h.epoch = g.epoch AND su.name = g.from_user) OR EXISTS (SELECT 1"
	    " FROM key_forgotten f JOIN users su ON su.id = f.user_id WHERE"
	    " f.case_id = g.case_id AND f.user_id = su.id AND"
	    " f.epoch = g.epoch AND su.name = g.from_user)) AND NOT"
	    " coalesce((SELECT " STORE_KEYS_IS_HOLDER("g.case_id", "su.id")
	    " FROM users su WHERE su.name = g.from_user), 1 = 0))"
	    " ORDER BY g.id LIMIT ?3", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_int64(s, 2, since) != 0 ||
	    sdb_bind_int64(s, 3, (int64_t)max + 1) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n == max) {
			*more = 1;
			break;
		}
		if (store_keys_grant(s, &g) != 0)
			goto out;
		if ((r = cb(&g, sdb_column_int64(s, 6), arg)) != 0)
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
store_case_holders(struct store *st, const char *case_id,
    int (*cb)(const char *, void *), void *arg)
{
	struct sdb_stmt	*s = NULL;
	const char	*name;
	int		 rc, r = CS_ERR_DB;

	/* the holders first, then their names: never a walk of all users */
	if (store_prepare(st, "WITH mc(case_id) AS (SELECT ?1),"
	    STORE_KEYS_HOLD "SELECT u.name FROM hold h CROSS JOIN users u"
	    " WHERE u.id = h.user_id ORDER BY u.name", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, case_id, -1) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if ((name = (const char *)sdb_column_text(s, 0)) == NULL)
			goto out;
		if ((r = cb(name, arg)) != 0)
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
store_key_needs(struct store *st, int64_t user_id, size_t max,
    int (*cb)(const char *, uint32_t, int, int64_t, void *), void *arg)
{
	struct sdb_stmt	*s = NULL;
	const char	*cid;
	int64_t		 epoch;
	int		 rc, r = CS_ERR_DB;

	/*
	 * Gaps: an epoch this user holds that a holder with keys lacks, or
	 * holds only from someone who is no holder any more (a laptop
	 * that syncs after the granter left refuses such a grant).
	 * New epochs: a case without a key yet (members only), or one
	 * marked for rotation (any holder: the holders of the current key
	 * may all have left).
	 */
	if (store_prepare(st, "WITH me AS (SELECT id, role, office_id FROM"
	    " users WHERE id = ?1),"
	    " mc(case_id) AS (SELECT case_id FROM case_members WHERE"
	    "  user_id = ?1"
	    "  UNION SELECT c.id FROM cases c, me WHERE me.role = " ACL_SQL_LEAD
	    "   AND c.office_id = me.office_id"
	    "  UNION SELECT t.case_id FROM transfers t, me WHERE"
	    "   me.role = " ACL_SQL_LEAD " AND"
	    "   t.state IN ('REQUESTED', 'ACCEPTED') AND"
	    "   t.to_office_id = me.office_id),"
	    STORE_KEYS_HOLD ","
	    " keyed AS (SELECT case_id, user_id FROM hold WHERE user_id = 0"
	    "  OR user_id IN (SELECT user_id FROM user_keys))"
	    /* by the user's grants, never a scan of all of them */
	    " SELECT g.case_id, g.epoch, 0, k.user_id FROM key_grants g"
	    "  INDEXED BY key_grants_to"
	    "  JOIN keyed k ON k.case_id = g.case_id WHERE g.to_user = ?1"
	    "  AND NOT EXISTS (SELECT 1 FROM key_grants x WHERE"
	    "  x.case_id = g.case_id AND x.epoch = g.epoch AND"
	    "  x.to_user = k.user_id AND (k.user_id = 0 OR"
	    "  x.from_user = '" E2E_RECOVERY_USER "' OR x.from_user IN"
	    "  (SELECT u.name FROM hold h JOIN users u ON u.id = h.user_id"
	    "  WHERE h.case_id = x.case_id)))"
	    " UNION ALL"
	    " SELECT k.case_id, coalesce(s.epoch, 0) + 1, 1, k.user_id"
	    "  FROM keyed k LEFT JOIN key_state s ON s.case_id = k.case_id"
	    "  WHERE (s.case_id IS NULL AND EXISTS (SELECT 1 FROM"
	    "  case_members m WHERE m.case_id = k.case_id AND"
	    "  m.user_id = ?1)) OR s.rotate = 1"
	    /* epochs a restore lost, that this user's re-offers use: 2 */
	    " UNION ALL"
	    " SELECT k.case_id, s.epoch + 1, 2, k.user_id FROM keyed k"
	    "  JOIN key_state s ON s.case_id = k.case_id WHERE s.rotate = 0"
	    "  AND EXISTS (SELECT 1 FROM restore_epochs e WHERE"
	    "  e.case_id = k.case_id AND e.user_id = ?1 AND"
	    "  e.epoch > s.epoch)"
	    " ORDER BY 1, 2, 3, 4 LIMIT ?2", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_int64(s, 2, (int64_t)max) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		cid = (const char *)sdb_column_text(s, 0);
		epoch = sdb_column_int64(s, 1);
		if (cid == NULL || epoch < 1 || epoch > INT32_MAX)
			goto out;
		if ((r = cb(cid, (uint32_t)epoch, (int)sdb_column_int64(s, 2),
		    sdb_column_int64(s, 3), arg)) != 0)
			goto out;
		r = CS_ERR_DB;
	}
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* 1 if user "id" (0: the recovery key) may hold the case's key. */
static int
store_keys_is_holder(struct store *st, const char *case_id, int64_t id,
    int *yes)
{
	int64_t	n;
	int	r;

	*yes = 0;
	if ((r = store_do(st, "WITH mc(case_id) AS (SELECT ?1),"
	    STORE_KEYS_HOLD "SELECT count(*) FROM hold WHERE user_id = ?2",
	    &n, "ti", &id, &case_id)) != 0)
		return r;
	*yes = n > 0;
	return 0;
}

/*
 * 1 in *yes if user "id" holds epoch "epoch" of the case only through a
 * grant from someone who is no holder any more (nor the recovery key).
 */
static int
store_keys_orphaned(struct store *st, const char *case_id, int64_t epoch,
    int64_t id, int *yes)
{
	int64_t	n;
	int	r;

	*yes = 0;
	if ((r = store_do(st, "SELECT count(*) FROM key_grants WHERE"
	    " case_id = ?1 AND epoch = ?2 AND to_user = ?3 AND from_user <> '"
	    E2E_RECOVERY_USER "' AND from_user NOT IN (WITH mc(case_id) AS"
	    " (SELECT ?1)," STORE_KEYS_HOLD "SELECT u.name FROM hold h JOIN"
	    " users u ON u.id = h.user_id)", &n, "tii",
	    (const int64_t[]){ epoch, id }, &case_id)) != 0)
		return r;
	*yes = n > 0;
	return 0;
}

static int
store_keys_insert(struct store *st, const struct e2e_grant *g,
    int64_t to_user, int64_t now)
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	/*
	 * A grant already there is CS_ERR_EXISTS without a failed
	 * statement: on PostgreSQL that would abort the transaction, and
	 * the batch's other grants with it (sdb.h).
	 */
	if (store_prepare(st, "INSERT INTO key_grants(case_id, epoch,"
	    " to_user, from_user, sealed, sig, at) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7) ON CONFLICT(case_id, epoch, to_user) DO NOTHING",
	    &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, g->case_id, -1) !=
	    0 ||
	    sdb_bind_int64(s, 2, g->epoch) != 0 ||
	    sdb_bind_int64(s, 3, to_user) != 0 ||
	    sdb_bind_text(s, 4, g->from_user, -1) !=
	    0 ||
	    sdb_bind_blob(s, 5, g->sealed, E2E_SEALED_KEY_LEN) != 0 ||
	    sdb_bind_blob(s, 6, g->sig, E2E_SIG_LEN) !=
	    0 ||
	    sdb_bind_int64(s, 7, now) != 0)
		goto out;
	if (sdb_step(s) != SDB_DONE)
		r = store_errcode(st);
	else
		r = sdb_changes(st->db) == 1 ? 0 : CS_ERR_EXISTS;
 out:
	return store_done(st, s, r, __func__);
}

/*
 * Check and store one grant of "u" (whose keys are "mine").  A grant of
 * epoch current + 1 opens that epoch when the case has no key yet or
 * must rotate, and only as the uploader's grant to itself.
 */
static int
store_keys_one(struct store *st, const struct store_user *u,
    const struct e2e_usercert *mine, const struct e2e_grant *g, int64_t now)
{
	struct e2e_usercert	 to;
	const char		*t[1] = { g->case_id };
	int64_t			 to_id, cur = 0, rotate = 0, one;
	int			 yes, r;

	if (strcmp(g->from_user, u->name) != 0)
		return CS_ERR_AUTH;
	if ((r = store_do(st, "SELECT count(*) FROM cases WHERE id = ?1",
	    &one, "t", NULL, t)) != 0)
		return r;
	if (one == 0)
		return CS_ERR_NOT_FOUND;
	if ((r = store_keys_is_holder(st, g->case_id, u->id, &yes)) != 0)
		return r;
	if (!yes)
		return CS_ERR_AUTH;
	if ((r = store_key_get_name(st, g->to_user, &to_id, &to)) != 0)
		return r;
	if ((r = store_keys_is_holder(st, g->case_id, to_id, &yes)) != 0)
		return r;
	if (!yes)
		return CS_ERR_AUTH;
	if (e2e_grant_verify(g, to.box_pk, mine->sign_pk) != 0)
		return CS_ERR_TAMPERED;
	/* epoch and the rotate flag in one probe: 2 * epoch + rotate */
	r = store_do(st, "SELECT 2 * epoch + CASE WHEN rotate <> 0 THEN 1"
	    " ELSE 0 END FROM key_state WHERE case_id = ?1", &cur, "t", NULL, t);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	rotate = cur & 1;
	cur >>= 1;
	if (to_id == u->id && g->epoch <= cur) {
		/*
		 * Of an epoch that is open: only to hold one's own key of it
		 * from oneself when it came from someone who holds the case
		 * no more (the needs ask for it: a laptop refuses a grant
		 * from a former holder, and so does the server for the
		 * grants that go on from it).
		 */
		if ((r = store_keys_orphaned(st, g->case_id, g->epoch, u->id,
		    &yes)) != 0)
			return r;
		if (!yes)
			return CS_ERR_STATE;
	} else if (to_id == u->id) {
		/* a grant to oneself only opens an epoch: the first (a
		 * member), or the next one of a case that must rotate, or
		 * one a restore lost (store_restore.h) */
		if (cur > 0 && !rotate && g->epoch == cur + 1 &&
		    (r = store_restore_epoch_lost(st, g->case_id, u->id,
		    g->epoch, &rotate)) != 0)
			return r;
		if (g->epoch != cur + 1 || (cur > 0 && !rotate))
			return CS_ERR_STATE;
		if (cur == 0) {
			if ((r = store_do(st, "SELECT count(*) FROM"
			    " case_members WHERE case_id = ?1 AND"
			    " user_id = ?2", &one, "ti", &u->id, t)) != 0)
				return r;
			if (one == 0)
				return CS_ERR_AUTH;
		}
		if ((r = store_do(st, "INSERT INTO key_state(case_id, epoch,"
		    " rotate) VALUES (?1, ?2, 0) ON CONFLICT(case_id) DO UPDATE SET"
		    " epoch = ?2, rotate = 0", NULL, "ti",
		    (const int64_t[]){ g->epoch }, t)) != 0)
			return r;
	} else if (g->epoch > cur)
		return CS_ERR_STATE;
	/* a grant from someone who is no holder any more gives way */
	if (to_id != STORE_RECOVERY_ID &&
	    (r = store_do(st, "DELETE FROM key_grants WHERE case_id = ?1"
	    " AND epoch = ?2 AND to_user = ?3 AND from_user <> '"
	    E2E_RECOVERY_USER "' AND from_user NOT IN (WITH mc(case_id)"
	    " AS (SELECT ?1)," STORE_KEYS_HOLD "SELECT u.name FROM hold h"
	    " JOIN users u ON u.id = h.user_id)", NULL, "tii",
	    (const int64_t[]){ g->epoch, to_id }, t)) != 0)
		return r;
	return store_keys_insert(st, g, to_id, now);
}

int
store_grants_put(struct store *st, const struct store_user *u,
    const struct e2e_grant *g, size_t n, int64_t now, int *results)
{
	struct e2e_usercert	 mine;
	size_t			 i, j;
	int			 r, pass;

	for (i = 0; i < n; i++)
		results[i] = CS_ERR_AUTH;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_key_get(st, u->id, &mine, NULL)) != 0)
		goto fail;
	/* grants to the uploader first: they may open an epoch */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if ((strcmp(g[i].to_user, u->name) == 0) != (pass == 0))
				continue;
			for (j = 0; pass == 1 && j < n; j++)
				if (results[j] != 0 &&
				    strcmp(g[j].to_user, u->name) == 0 &&
				    strcmp(g[j].case_id, g[i].case_id) == 0 &&
				    g[j].epoch == g[i].epoch)
					break;
			if (pass == 1 && j < n) {
				results[i] = CS_ERR_STATE;
				continue;
			}
			r = store_keys_one(st, u, &mine, &g[i], now);
			if (r == CS_ERR_DB || r == CS_ERR_ALLOC)
				goto fail;
			results[i] = r;
		}
	}
	if ((r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

int
store_grants_recovery(struct store *st, const char *case_id,
    int64_t to_user, const struct e2e_grant *g, size_t n, int read_only,
    int64_t now)
{
	const char	*t[1] = { case_id };
	int64_t		 seq;
	size_t		 i;
	int		 r;

	if ((r = store_begin(st)) != 0)
		return r;
	/* auditors and beheerders never hold case content */
	if ((r = store_do(st, "SELECT count(*) FROM users WHERE id = ?1 AND"
	    " role NOT IN " ACL_SQL_NO_CASES, &seq, "i", &to_user,
	    NULL)) != 0)
		goto fail;
	if (seq == 0) {
		r = CS_ERR_AUTH;
		goto fail;
	}
	if ((r = store_seq_next(st, &seq)) != 0 ||
	    (r = store_do(st, "INSERT INTO case_members(user_id, case_id,"
	    " granted_seq, read_only) VALUES (?1, ?2, ?3, ?4) ON CONFLICT"
	    " DO NOTHING", NULL, "itii",
	    (const int64_t[]){ to_user, seq, read_only != 0 }, t)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (strcmp(g[i].case_id, case_id) != 0) {
			r = CS_ERR_INTERNAL;
			goto fail;
		}
		if ((r = store_do(st, "DELETE FROM key_grants WHERE"
		    " case_id = ?1 AND epoch = ?2 AND to_user = ?3", NULL,
		    "tii", (const int64_t[]){ g[i].epoch, to_user }, t)) != 0 ||
		    (r = store_keys_insert(st, &g[i], to_user, now)) != 0)
			goto fail;
	}
	if ((r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

int
store_grants_of_recovery(struct store *st, const char *case_id,
    struct e2e_grant *g, size_t max, size_t *np)
{
	struct sdb_stmt	*s = NULL;
	size_t		 n = 0;
	int		 rc, r = CS_ERR_DB;

	*np = 0;
	if (store_prepare(st, "SELECT " STORE_KEYS_GRANT_COLS " FROM"
	    " key_grants g WHERE g.case_id = ?1 AND g.to_user = 0"
	    " ORDER BY g.epoch", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, case_id, -1) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n == max) {
			r = CS_ERR_TOO_LARGE;
			goto out;
		}
		if (store_keys_grant(s, &g[n]) != 0)
			goto out;
		n++;
	}
	if (rc != SDB_DONE)
		goto out;
	if (n == 0) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	*np = n;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}
