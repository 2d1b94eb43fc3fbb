/* SPDX-License-Identifier: ISC */
/*
 * store_dir.c - the directory of the server database (see store.h):
 * offices and users, and the rules for their names.  Who may do what
 * by role is in acl.c.
 */
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "e2e.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

int
store_role_valid(const char *role)
{
	return role_parse(role) != ROLE_NONE;
}

/*
 * Strict UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF) without C0, DEL or C1 control characters.
 */
int
store_name_valid(const char *name)
{
	size_t	len;

	return name != NULL && (len = strlen(name)) > 0 &&
	    len <= STORE_NAME_MAX && utf8_text_ok(name, len);
}

int
store_office_add(struct store *st, const char *name, const char *region,
    int64_t *idp)
{
	const char	*t[2] = { name, region };
	int64_t		 id;
	int		 r;

	if (idp != NULL)
		*idp = 0;
	if (!store_name_valid(name) ||
	    (region != NULL && !store_name_valid(region)))
		return CS_ERR_FORMAT;
	if ((r = store_do(st, "INSERT INTO offices(name, region) VALUES"
	    " (?1, ?2) RETURNING id", &id, "tt", NULL, t)) != 0)
		return r;
	if (idp != NULL)
		*idp = id;
	return 0;
}

int
store_office_list(struct store *st,
    int (*cb)(int64_t, const char *, const char *, void *), void *arg)
{
	struct sdb_stmt		*stmt = NULL;
	const unsigned char	*name, *region;
	int			 rc, r;

	if ((r = store_prepare(st,
	    "SELECT id, name, region FROM offices ORDER BY id", &stmt)) != 0)
		goto out;
	while ((rc = sdb_step(stmt)) == SDB_ROW) {
		if ((name = sdb_column_text(stmt, 1)) == NULL) {
			r = CS_ERR_DB;
			goto out;
		}
		region = sdb_column_text(stmt, 2);
		if ((r = cb(sdb_column_int64(stmt, 0),
		    (const char *)name, (const char *)region, arg)) != 0)
			goto out;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, stmt, r, __func__);
}

/* The STORE_USER_* state of users row "u". */
#define STORE_USER_STATE_SQL						\
	"CASE WHEN u.removed_at IS NOT NULL THEN 2"			\
	" WHEN u.disabled_at IS NOT NULL THEN 1 ELSE 0 END"

int
store_user_add(struct store *st, const char *name, const char *role,
    const char *office, int64_t *idp)
{
	const char	*t[3] = { name, role, office };
	int64_t		 id;
	int		 r;

	if (idp != NULL)
		*idp = 0;
	/* "recovery" names the recovery key in grants (docs/E2E.md) */
	if (!store_name_valid(name) || !store_role_valid(role) ||
	    !store_name_valid(office) || strcmp(name, E2E_RECOVERY_USER) == 0)
		return CS_ERR_FORMAT;
	/* INSERT ... SELECT inserts nothing, no row: no such office */
	if ((r = store_do(st, "INSERT INTO users(name, role, office_id)"
	    " SELECT ?1, ?2, id FROM offices WHERE name = ?3 RETURNING id",
	    &id, "ttt", NULL, t)) != 0)
		return r;
	if (idp != NULL)
		*idp = id;
	return 0;
}

/* Columns: u.id, u.name, u.role, o.name starting at "col". */
int
store_user_row(struct sdb_stmt *stmt, int col, struct store_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sdb_column_int64(stmt, col);
	if (store_col_text(stmt, col + 1, u->name, sizeof(u->name)) != 0 ||
	    store_col_text(stmt, col + 2, u->role, sizeof(u->role)) != 0 ||
	    store_col_text(stmt, col + 3, u->office, sizeof(u->office)) != 0)
		return CS_ERR_DB;
	u->role_id = role_parse(u->role);
	return 0;
}

int
store_user_get(struct store *st, const char *name, struct store_user *u)
{
	const char	*t[1] = { name };
	struct sdb_stmt	*stmt = NULL;
	int		 r;

	memset(u, 0, sizeof(*u));
	if ((r = store_bind(st, "SELECT u.id, u.name, u.role, o.name,"
	    " " STORE_USER_STATE_SQL " FROM users u JOIN offices o ON"
	    " o.id = u.office_id WHERE u.name = ?1", &stmt, "t", NULL, t,
	    NULL)) != 0 || (r = store_row(stmt)) != 0)
		goto out;
	if ((r = store_user_row(stmt, 0, u)) == 0)
		u->state = (int)sdb_column_int64(stmt, 4);
 out:
	return store_done(st, stmt, r, __func__);
}

int
store_user_list(struct store *st,
    int (*cb)(const struct store_user *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT u.id, u.name, u.role, o.name, " STORE_USER_STATE_SQL
	    " FROM users u JOIN offices o ON o.id = u.office_id ORDER BY u.id";
	struct sdb_stmt		*stmt = NULL;
	struct store_user	 u;
	int			 rc, r;

	if ((r = store_prepare(st, sql, &stmt)) != 0)
		goto out;
	while ((rc = sdb_step(stmt)) == SDB_ROW) {
		if ((r = store_user_row(stmt, 0, &u)) != 0)
			goto out;
		u.state = (int)sdb_column_int64(stmt, 4);
		if ((r = cb(&u, arg)) != 0)
			goto out;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, stmt, r, __func__);
}

const char *
store_user_state_name(int state)
{
	switch (state) {
	case STORE_USER_ACTIVE:
		return "active";
	case STORE_USER_DISABLED:
		return "disabled";
	default:
		return "removed";
	}
}

int
store_user_set_state(struct store *st, int64_t id, int state, int64_t now)
{
	int64_t	iv[2] = { id, now }, removed;
	int	r;

	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_do(st, "SELECT removed_at IS NOT NULL FROM users"
	    " WHERE id = ?1", &removed, "i", iv, NULL)) != 0)
		goto fail;
	if (removed) {
		/* removed is final; removing again changes nothing */
		r = state == STORE_USER_REMOVED ? store_commit(st) :
		    CS_ERR_STATE;
		if (r != 0)
			goto fail;
		return 0;
	}
	if (state == STORE_USER_ACTIVE)
		r = store_do(st, "UPDATE users SET disabled_at = NULL WHERE"
		    " id = ?1", NULL, "i", iv, NULL);
	else
		r = store_do(st, state == STORE_USER_REMOVED ?
		    "UPDATE users SET removed_at = ?2, disabled_at ="
		    " coalesce(disabled_at, ?2) WHERE id = ?1" :
		    "UPDATE users SET disabled_at = coalesce(disabled_at, ?2)"
		    " WHERE id = ?1", NULL, "ii", iv, NULL);
	if (r != 0)
		goto fail;
	/* a token issued before cannot enroll a disabled user's laptop */
	if (state != STORE_USER_ACTIVE && (r = store_do(st, "UPDATE"
	    " enroll_tokens SET expires_at = CASE WHEN expires_at < ?2"
	    " THEN expires_at ELSE ?2 END WHERE"
	    " user_id = ?1 AND used_at IS NULL", NULL, "ii", iv,
	    NULL)) != 0)
		goto fail;
	if ((r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

int
store_user_rename(struct store *st, int64_t id, const char *to)
{
	const char	*t[1] = { to };
	int		 r;

	if (!store_name_valid(to) || strcmp(to, E2E_RECOVERY_USER) == 0)
		return CS_ERR_FORMAT;
	if ((r = store_do(st, "UPDATE users SET name = ?1 WHERE id = ?2",
	    NULL, "ti", &id, t)) != 0)
		return r;
	return store_changes(st) == 1 ? 0 : CS_ERR_NOT_FOUND;
}

int
store_user_set_role(struct store *st, int64_t id, const char *role,
    const char **why)
{
	const char	*t[1] = { role };
	int64_t		 n;
	int		 r;

	*why = NULL;
	if (!store_role_valid(role))
		return CS_ERR_FORMAT;
	if ((r = store_begin(st)) != 0)
		return r;
	if (role_parse(role) != ROLE_JEUGDBESCHERMER) {
		if ((r = store_do(st, "SELECT count(*) FROM cases WHERE"
		    " regisseur_id = ?1", &n, "i", &id, NULL)) != 0)
			goto fail;
		if (n > 0) {
			*why = "the user is a case's regisseur: name another "
			    "first (user move or disable --new-regisseur)";
			r = CS_ERR_STATE;
			goto fail;
		}
	}
	if ((r = store_do(st, "SELECT ?1 IN " ACL_SQL_NO_CASES, &n, "t",
	    NULL, t)) != 0)
		goto fail;
	if (n > 0 && (r = store_do(st, "SELECT count(*) FROM case_members"
	    " WHERE user_id = ?1", &n, "i", &id, NULL)) == 0 && n > 0) {
		*why = "this role holds no case content and the user is a "
		    "member of cases";
		r = CS_ERR_STATE;
	}
	if (r != 0)
		goto fail;
	if ((r = store_do(st, "UPDATE users SET role = ?1 WHERE id = ?2",
	    NULL, "ti", &id, t)) != 0 || (r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

int
store_user_set_office(struct store *st, int64_t id, const char *office)
{
	const char	*t[1] = { office };
	int		 r;

	if ((r = store_do(st, "UPDATE users SET office_id = (SELECT id FROM"
	    " offices WHERE name = ?1) WHERE id = ?2 AND EXISTS (SELECT 1"
	    " FROM offices WHERE name = ?1)", NULL, "ti", &id, t)) != 0)
		return r;
	return store_changes(st) == 1 ? 0 : CS_ERR_NOT_FOUND;
}

int
store_user_cases(struct store *st, int64_t id,
    int (*cb)(const char *, const char *, int, void *), void *arg)
{
	struct sdb_stmt	*stmt = NULL;
	char		 cid[STORE_NAME_MAX + 1], office[STORE_NAME_MAX + 1];
	int		 rc, r;

	if ((r = store_bind(st, "SELECT c.id, o.name, CASE WHEN"
	    " c.regisseur_id = ?1 THEN 1 ELSE 0 END"
	    " FROM case_members m JOIN cases c ON c.id = m.case_id JOIN"
	    " offices o ON o.id = c.office_id WHERE m.user_id = ?1 ORDER BY"
	    " c.id", &stmt, "i", &id, NULL, NULL)) != 0)
		goto out;
	while ((rc = sdb_step(stmt)) == SDB_ROW) {
		if ((r = store_col_text(stmt, 0, cid, sizeof(cid))) != 0 ||
		    (r = store_col_text(stmt, 1, office,
		    sizeof(office))) != 0 ||
		    (r = cb(cid, office, (int)sdb_column_int64(stmt, 2),
		    arg)) != 0)
			goto out;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, stmt, r, __func__);
}
