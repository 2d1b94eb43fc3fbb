/* SPDX-License-Identifier: ISC */
/*
 * store_members.c - cases and who is in them (see store.h): a new
 * case with its creator as regisseur and member, and membership
 * changes, each in one transaction with its seq (DESIGN §5), the
 * purges a removal queues and the regisseur a removal hands on.  Who
 * may do it by role is in acl.c.
 */
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_transfer_int.h"

int
store_case_create(struct store *st, const struct store_user *u,
    const char *case_id, const char *frame, int64_t now, int64_t *seqp)
{
	const char	*t[3];
	int64_t		 iv[3], seq;
	int		 r;

	*seqp = 0;
	if (!acl_may_create_case(u->role_id))
		return CS_ERR_AUTH;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_seq_lock(st, &seq)) != 0)
		goto fail;
	seq++;
	/* office by name of the user's office; regisseur is the creator */
	t[0] = case_id;
	t[1] = u->office;
	t[2] = frame;
	iv[0] = u->id;
	iv[1] = now;
	iv[2] = seq;
	if ((r = store_do(st, "INSERT INTO cases(id, office_id, frame,"
	    " regisseur_id, created_at, created_seq) SELECT ?1, o.id, ?3,"
	    " ?4, ?5, ?6 FROM offices o WHERE o.name = ?2", NULL,
	    "tttiii", iv, t)) != 0)
		goto fail;
	if (sdb_changes(st->db) != 1) {
		r = CS_ERR_NOT_FOUND;
		goto fail;
	}
	if ((r = store_do(st, "INSERT INTO case_members(user_id, case_id,"
	    " granted_seq) VALUES (?1, ?2, ?3)", NULL, "iti",
	    (const int64_t[]){ u->id, seq }, t)) != 0 ||
	    (r = store_seq_set(st, seq)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

/*
 * The regisseur "old" is removed from "case_id": "name" takes over, a
 * jeugdbeschermer of the case's office made a full member at "seq".
 * Without one the removal is refused (CS_ERR_STATE).
 */
static int
store_case_regisseur_new(struct store *st, const char *case_id,
    int64_t old, const char *name, int64_t seq, const char **why)
{
	const char	*t[2];
	int64_t		 id;
	int		 r;

	if (name == NULL || name[0] == '\0') {
		*why = "the regisseur is removed only when a new one is "
		    "named (--new-regisseur NAME) or assigned first";
		return CS_ERR_STATE;
	}
	t[0] = name;
	t[1] = case_id;
	if ((r = store_do(st, "SELECT u.id FROM users u JOIN cases c ON"
	    " c.office_id = u.office_id WHERE u.name = ?1 AND c.id = ?2 AND"
	    " u.role = " ACL_SQL_REGISSEUR, &id, "tt", NULL, t)) != 0) {
		if (r == CS_ERR_NOT_FOUND) {
			*why = "the new regisseur must be a jeugdbeschermer of "
			    "the case's office";
			r = CS_ERR_STATE;
		}
		return r;
	}
	if (id == old) {
		*why = "the new regisseur is the one removed";
		return CS_ERR_STATE;
	}
	t[0] = case_id;
	if ((r = store_do(st, "UPDATE cases SET regisseur_id = ?1 WHERE"
	    " id = ?2", NULL, "it", &id, t)) != 0)
		return r;
	return store_xfer_member_full(st, id, case_id, seq);
}

int
store_case_member(struct store *st, const struct store_user *actor,
    const char *case_id, const char *user_name, int remove, int read_only,
    int64_t *seqp)
{
	const char	*why;

	return store_case_member_reg(st, actor, case_id, user_name, remove,
	    read_only, NULL, seqp, &why);
}

int
store_case_member_reg(struct store *st, const struct store_user *actor,
    const char *case_id, const char *user_name, int remove, int read_only,
    const char *new_regisseur, int64_t *seqp, const char **why)
{
	const char	*t[2];
	int64_t		 seq, regisseur, office_ok = 0, target, cur;
	int		 r;

	*seqp = 0;
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	t[0] = case_id;
	t[1] = actor->office;
	/* powers follow the current regisseur, while she is a member */
	if ((r = store_do(st, "SELECT coalesce(regisseur_id, 0) FROM cases"
	    " WHERE id = ?1", &cur, "t", NULL, t)) != 0 ||
	    (r = store_do(st, "SELECT count(*) FROM case_members WHERE"
	    " case_id = ?2 AND user_id = ?1", &regisseur, "it", &cur,
	    t)) != 0)
		goto fail;
	regisseur = regisseur != 0 ? cur : 0;
	if (acl_may_lead(actor->role_id) &&
	    (r = store_do(st, "SELECT count(*) FROM cases c JOIN offices o"
	    " ON o.id = c.office_id WHERE c.id = ?1 AND o.name = ?2",
	    &office_ok, "tt", NULL, t)) != 0)
		goto fail;
	if (regisseur != actor->id && office_ok == 0) {
		r = CS_ERR_AUTH;
		goto fail;
	}
	t[0] = user_name;
	/* auditors and beheerders never hold case content */
	if ((r = store_do(st, "SELECT id FROM users WHERE name = ?1 AND"
	    " role NOT IN " ACL_SQL_NO_CASES, &target, "t", NULL,
	    t)) != 0)
		goto fail;
	if ((r = store_seq_lock(st, &seq)) != 0)
		goto fail;
	seq++;
	t[0] = case_id;
	if (remove && regisseur != 0 && target == regisseur &&
	    (r = store_case_regisseur_new(st,
	    case_id, target, new_regisseur, seq, why)) != 0)
		goto fail;
	if (remove) {
		if ((r = store_do(st, "DELETE FROM case_members WHERE"
		    " user_id = ?1 AND case_id = ?2", NULL, "it",
		    (const int64_t[]){ target }, t)) != 0)
			goto fail;
		if (sdb_changes(st->db) == 0) {
			r = CS_ERR_NOT_FOUND;
			goto fail;
		}
		/* every device of that user must delete the case */
		if ((r = store_do(st, "INSERT INTO purges(device_id, case_id,"
		    " created_seq) SELECT id, ?2, ?3 FROM devices WHERE"
		    " user_id = ?1 AND revoked_at IS NULL ON CONFLICT(device_id, case_id) DO"
		    " UPDATE SET created_seq = ?3, receipt_at = NULL,"
		    " records_deleted = NULL", NULL, "iti",
		    (const int64_t[]){ target, seq }, t)) != 0)
			goto fail;
	} else {
		if ((r = store_do(st, "INSERT INTO case_members(user_id,"
		    " case_id, granted_seq, read_only) VALUES (?1, ?2, ?3, ?4)"
		    " ON CONFLICT(user_id, case_id) DO UPDATE SET read_only = ?4", NULL,
		    "itii", (const int64_t[]){ target, seq, read_only != 0 },
		    t)) != 0)
			goto fail;
		/* a pending purge is moot once access is back */
		if ((r = store_do(st, "DELETE FROM purges WHERE case_id = ?2"
		    " AND receipt_at IS NULL AND device_id IN (SELECT id FROM"
		    " devices WHERE user_id = ?1)", NULL, "it",
		    (const int64_t[]){ target }, t)) != 0)
			goto fail;
	}
	if ((r = store_seq_set(st, seq)) != 0 || (r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	return 0;
 fail:
	store_rollback(st);
	return r;
}
