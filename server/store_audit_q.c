/* SPDX-License-Identifier: ISC */
/*
 * store_audit_q.c - audit log queries for "casesyncctl audit query"
 * (store_audit_q.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "errors.h"
#include "store.h"
#include "store_audit_q.h"
#include "store_int.h"

/* The text columns of an entry, in the order of the SELECT below. */
static const size_t store_audit_q_text[] = {
	offsetof(struct audit_entry, type),
	offsetof(struct audit_entry, outcome),
	offsetof(struct audit_entry, user),
	offsetof(struct audit_entry, role),
	offsetof(struct audit_entry, office),
	offsetof(struct audit_entry, on_behalf_of),
	offsetof(struct audit_entry, purpose),
	offsetof(struct audit_entry, basis),
	offsetof(struct audit_entry, legal_basis),
	offsetof(struct audit_entry, client_ref),
	offsetof(struct audit_entry, object_type),
	offsetof(struct audit_entry, object_id),
	offsetof(struct audit_entry, addr),
	offsetof(struct audit_entry, detail),
};
#define STORE_AUDIT_Q_NTEXT						\
	(sizeof(store_audit_q_text) / sizeof(store_audit_q_text[0]))
/* after the texts: */
#define STORE_AUDIT_Q_COL_INT	(STORE_AUDIT_Q_NTEXT + 1)

static int
store_audit_q_row(sqlite3_stmt *s, struct audit_entry *e,
    uint8_t leaf[MERKLE_HASH_LEN])
{
	char		 action[AUDIT_STR_MAX + 1];
	const void	*p;
	int		 i, c = STORE_AUDIT_Q_COL_INT;

	memset(e, 0, sizeof(*e));
	memset(leaf, 0, MERKLE_HASH_LEN);
	for (i = 0; i < (int)STORE_AUDIT_Q_NTEXT; i++)
		if (store_col_text(s, i, (char *)e + store_audit_q_text[i],
		    AUDIT_STR_MAX + 1) != 0)
			return CS_ERR_TAMPERED;
	if (store_col_text(s, (int)STORE_AUDIT_Q_NTEXT, action,
	    sizeof(action)) != 0)
		return CS_ERR_TAMPERED;
	e->action = action[0] != '\0' && action[1] == '\0' ? action[0] : '?';
	e->idx = sqlite3_column_int64(s, c);
	e->server_time = sqlite3_column_int64(s, c + 1);
	e->device_time = sqlite3_column_int64(s, c + 2);
	e->user_id = sqlite3_column_int64(s, c + 3);
	e->device_id = sqlite3_column_int64(s, c + 4);
	if ((p = sqlite3_column_blob(s, c + 5)) != NULL &&
	    sqlite3_column_bytes(s, c + 5) == MERKLE_HASH_LEN)
		memcpy(leaf, p, MERKLE_HASH_LEN);
	return 0;
}

int
store_audit_rows_after(struct store *st, const struct audit_filter *f,
    int64_t after, int (*cb)(const struct audit_entry *, const uint8_t *,
    void *), void *arg)
{
	static const char	 sql[] = "SELECT type, outcome, user, role,"
	    " office, on_behalf_of, purpose, basis, legal_basis, client_ref,"
	    " object_type, object_id, addr, detail, action,"
	    " idx, server_time, device_time, user_id, device_id, leaf"
	    " FROM audit_log WHERE idx > ?7"
	    " AND (?1 IS NULL OR client_ref = ?1)"
	    " AND (?2 IS NULL OR user = ?2) AND (?3 IS NULL OR type = ?3)"
	    " AND (?4 IS NULL OR device_id = ?4)"
	    " AND (?5 IS NULL OR server_time >= ?5)"
	    " AND (?6 IS NULL OR server_time <= ?6) ORDER BY idx";
	struct audit_entry	*e = NULL;
	sqlite3_stmt		*s = NULL;
	uint8_t			 leaf[MERKLE_HASH_LEN];
	int			 rc, r;

	if ((e = malloc(sizeof(*e))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = store_prepare(st, sql, &s)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_int64(s, 7, after) != SQLITE_OK)
		goto out;
	if (f != NULL && ((f->client_ref != NULL && sqlite3_bind_text(s, 1,
	    f->client_ref, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    (f->user != NULL && sqlite3_bind_text(s, 2, f->user, -1,
	    SQLITE_STATIC) != SQLITE_OK) ||
	    (f->type != NULL && sqlite3_bind_text(s, 3, f->type, -1,
	    SQLITE_STATIC) != SQLITE_OK) ||
	    (f->device_id != 0 && sqlite3_bind_int64(s, 4, f->device_id) !=
	    SQLITE_OK) ||
	    (f->has_since && sqlite3_bind_int64(s, 5, f->since) !=
	    SQLITE_OK) ||
	    (f->has_until && sqlite3_bind_int64(s, 6, f->until) !=
	    SQLITE_OK)))
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((r = store_audit_q_row(s, e, leaf)) != 0 ||
		    (r = cb(e, leaf, arg)) != 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(s);
	free(e);
	return r;
}

/* *yes: "sql" with text "v" bound to ?1 returns a row. */
static int
store_audit_q_exists(struct store *st, const char *sql, const char *v,
    int *yes)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, r;

	*yes = 0;
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, v, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*yes = 1;
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r != 0)
		store_log(st, __func__);
	sqlite3_finalize(s);
	return r;
}

int
store_audit_user_known(struct store *st, const char *name, int *known)
{
	return store_audit_q_exists(st, "SELECT 1 FROM users WHERE name = ?1"
	    " UNION ALL SELECT 1 FROM audit_log WHERE user = ?1 LIMIT 1",
	    name, known);
}

int
store_audit_type_used(struct store *st, const char *type, int *known)
{
	return store_audit_q_exists(st, "SELECT 1 FROM audit_log"
	    " WHERE type = ?1 LIMIT 1", type, known);
}

int
store_audit_user_names(struct store *st, int (*cb)(const char *, void *),
    void *arg)
{
	static const char	 sql[] = "SELECT name FROM users UNION"
	    " SELECT user FROM audit_log WHERE user != '' ORDER BY 1";
	sqlite3_stmt		*s = NULL;
	char			 name[AUDIT_STR_MAX + 1];
	int			 rc, r;

	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((r = store_col_text(s, 0, name, sizeof(name))) != 0 ||
		    (r = cb(name, arg)) != 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(s);
	return r;
}
