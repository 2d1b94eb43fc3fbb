/* SPDX-License-Identifier: ISC */
/*
 * db_list.c - the lists the caseload and the short ids are made of
 * (caseload.c, ids.c): every id without bodies, every case id, and the
 * live records of a few kinds (see db.h).  Read-only queries; a list
 * of everything a laptop holds must not read every journal body.
 */
#include <stddef.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "errors.h"

/* Call cb for the text column 0 of each row of "sql" (an id). */
static int
db_list_ids(sqlite3 *db, const char *sql, int (*cb)(const char *, void *),
    void *arg)
{
	sqlite3_stmt	*s = NULL;
	char		 id[DB_UUID_LEN + 1];
	int		 rc, ret;

	if ((ret = db_prep(db, sql, &s)) != 0)
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((ret = db_text(s, 0, id, sizeof(id))) != 0 ||
		    (ret = cb(id, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

int
db_id_list(sqlite3 *db, int (*cb)(const char *record_id, void *), void *arg)
{
	/* the UNIQUE index on record_id holds it all: no row is read */
	return db_list_ids(db, "SELECT record_id FROM records"
	    " ORDER BY record_id", cb, arg);
}

int
db_case_id_list(sqlite3 *db, int (*cb)(const char *case_id, void *),
    void *arg)
{
	/* UNION: each once, sorted; records_case holds the records' */
	return db_list_ids(db, "SELECT case_id FROM case_meta UNION"
	    " SELECT case_id FROM records ORDER BY 1", cb, arg);
}

int
db_record_list_kinds(sqlite3 *db, const char *case_id,
    const char *const *kinds, size_t nkinds,
    int (*cb)(const struct db_record *, void *), void *arg)
{
	sqlite3_stmt		*s = NULL;
	size_t			 i;
	int			 ret;

	if (nkinds == 0 || nkinds > DB_LIST_KINDS_MAX)
		return CS_ERR_INTERNAL;
	/* ?1 the case or NULL for all; ?2..?5 the kinds (unused: NULL) */
	if ((ret = db_prep(db, "SELECT " DB_RECORD_COLS " FROM records"
	    " WHERE deleted = 0 AND (?1 IS NULL OR case_id = ?1) AND"
	    " kind IN (?2, ?3, ?4, ?5) ORDER BY case_id, kind, hlc",
	    &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if ((case_id != NULL ? sqlite3_bind_text(s, 1, case_id, -1,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 1)) != SQLITE_OK)
		goto out;
	for (i = 0; i < nkinds; i++)
		if (sqlite3_bind_text(s, 2 + (int)i, kinds[i], -1,
		    SQLITE_STATIC) != SQLITE_OK)
			goto out;
	ret = db_record_rows(s, cb, arg);
 out:
	sqlite3_finalize(s);
	return ret;
}
