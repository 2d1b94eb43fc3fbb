/* SPDX-License-Identifier: ISC */
/*
 * author.c - the authors of records that wait for their key (see
 * author.h).
 */
#include <string.h>

#include <sqlite3.h>

#include "author.h"
#include "db.h"
#include "errors.h"
#include "log.h"
#include "marker.h"

int
author_pending_put(sqlite3 *db, const struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	/* the same rule as sealed_pending: a newer version replaces */
	if ((ret = db_prep(db, "INSERT INTO pending_author(record_id,"
	    " version, user_id, user_name) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT DO UPDATE SET version = ?2, user_id = ?3,"
	    " user_name = ?4 WHERE version < ?2", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, r->record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, r->version) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, r->author_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 4, r->author_name, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		ret = CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return ret;
}

int
author_pending_take(sqlite3 *db, struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	const char	*id, *name;
	int		 rc, ret;

	r->author_id[0] = '\0';
	r->author_name[0] = '\0';
	if ((ret = db_prep(db, "SELECT user_id, user_name FROM pending_author"
	    " WHERE record_id = ?1 AND version = ?2", &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, r->record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 2, r->version) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		name = (const char *)sqlite3_column_text(s, 1);
		/* checked when kept; a vault is trusted, but stay in bounds */
		if (id != NULL && name != NULL && marker_user_id_ok(id) &&
		    marker_user_name_ok(name)) {
			memcpy(r->author_id, id, strlen(id) + 1);
			memcpy(r->author_name, name, strlen(name) + 1);
		}
	} else if (rc != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if ((ret = db_prep(db, "DELETE FROM pending_author WHERE"
	    " record_id = ?1 OR record_id NOT IN (SELECT record_id FROM"
	    " sealed_pending)", &s)) != 0)
		goto out;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, r->record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_DONE)
		goto out;
	ret = 0;
 out:
	if (ret == CS_ERR_DB)
		log_warnx("db: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return ret;
}
