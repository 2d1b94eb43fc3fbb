/* SPDX-License-Identifier: ISC */
/*
 * store_audit_q.c - audit log queries for "casesyncctl audit query"
 * (store_audit_q.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "audit_entry.h"
#include "errors.h"
#include "store.h"
#include "store_audit_q.h"
#include "store_int.h"

/* *yes: "sql" with text "v" bound to ?1 returns a row. */
static int
store_audit_q_exists(struct store *st, const char *sql, const char *v,
    int *yes)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	*yes = 0;
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_bind_text(s, 1, v, -1) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_ROW)
		*yes = 1;
	r = rc == SDB_ROW || rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	if (r != 0)
		store_log(st, __func__);
	sdb_finalize(s);
	return r;
}

int
store_audit_user_known(struct store *st, const char *name, int *known)
{
	return store_audit_q_exists(st, "SELECT 1 FROM users WHERE name = ?1"
	    " UNION ALL SELECT 1 FROM audit_log WHERE \"user\" = ?1 LIMIT 1",
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
	    " SELECT \"user\" FROM audit_log WHERE \"user\" <> '' ORDER BY 1";
	struct sdb_stmt		*s = NULL;
	char			 name[AUDIT_STR_MAX + 1];
	int			 rc, r;

	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if ((r = store_col_text(s, 0, name, sizeof(name))) != 0 ||
		    (r = cb(name, arg)) != 0)
			goto out;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(s);
	return r;
}
