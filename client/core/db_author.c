/* SPDX-License-Identifier: ISC */
/*
 * db_author.c - who wrote a record and when (db.h): the table
 * record_author, one row per record this laptop has heard of.
 *
 * The server's word comes with every record it sends (Record
 * created_by, created_at, changed_at, author_user_name): it replaces
 * what is kept, except where the server does not know (a record from
 * before it kept authorship: ""/0), which keeps what was here.  A
 * pull never brings back this device's own changes, so a change the
 * server applied is recorded here as this laptop's user's at the time
 * of the local edit (local_at); a record made here and never synced
 * has only local_at.
 */
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "errors.h"
#include "log.h"
#include "util.h"

/*
 * Bind text ?1, ?2 ... as "fmt" says ('t' text, 'i' int64) and run;
 * "sql" a string literal (db_get: a pull batch prepares it once).
 */
static int
db_author_run(sqlite3 *db, const char *sql, const char *fmt,
    const char *const *t, const int64_t *v)
{
	sqlite3_stmt	*s = NULL;
	size_t		 i, ti = 0, vi = 0;
	int		 ret, rc = SQLITE_OK;

	if ((ret = db_get(db, sql, &s)) != 0)
		return ret;
	for (i = 0; fmt[i] != '\0' && rc == SQLITE_OK; i++)
		rc = fmt[i] == 't' ? sqlite3_bind_text(s, (int)i + 1,
		    t[ti++], -1, SQLITE_STATIC) : sqlite3_bind_int64(s,
		    (int)i + 1, v[vi++]);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		ret = CS_ERR_DB;
	}
	db_put(s);
	return ret;
}

int
db_author_server(sqlite3 *db, const struct db_record *srv)
{
	const char	*t[4];
	int64_t		 v[2];

	if (srv->deleted)
		return db_run(db, "DELETE FROM record_author WHERE"
		    " record_id = ?1", srv->record_id, 0);
	t[0] = srv->record_id;
	t[1] = srv->case_id;
	t[2] = srv->created_by;
	t[3] = srv->author_name;
	v[0] = srv->created_at > 0 ? srv->created_at : 0;
	v[1] = srv->changed_at > 0 ? srv->changed_at : 0;
	return db_author_run(db, "INSERT INTO record_author(record_id,"
	    " case_id, created_by, created_at, changed_by, changed_at)"
	    " VALUES (?1, ?2, ?3, ?5, ?4, ?6) ON CONFLICT(record_id) DO"
	    " UPDATE SET"
	    " created_by = CASE WHEN ?3 != '' THEN ?3 ELSE created_by END,"
	    " created_at = CASE WHEN ?5 > 0 THEN ?5 ELSE created_at END,"
	    " changed_by = CASE WHEN ?4 != '' THEN ?4 ELSE changed_by END,"
	    " changed_at = CASE WHEN ?6 > 0 THEN ?6 ELSE changed_at END",
	    "ttttii", t, v);
}

int
db_author_local(sqlite3 *db, const struct db_record *r)
{
	const char	*t[2] = { r->record_id, r->case_id };
	int64_t		 now = time_now();

	return db_author_run(db, "INSERT INTO record_author(record_id,"
	    " case_id, local_at) VALUES (?1, ?2, ?3) ON CONFLICT(record_id)"
	    " DO UPDATE SET local_at = ?3", "tti", t, &now);
}

int
db_author_self(sqlite3 *db, char name[MARKER_NAME_MAX + 1])
{
	char	id[MARKER_ID_MAX + 1];
	int	ret;

	if ((ret = db_self_get(db, id, name)) != 0)
		return ret;
	if (name[0] == '\0')
		memcpy(name, id, strlen(id) + 1);
	return 0;
}

int
db_author_pushed(sqlite3 *db, const struct db_change *c, const char *self)
{
	const char	*t[2];
	int64_t		 base = c->rec.version;

	if (c->rec.deleted)
		return db_run(db, "DELETE FROM record_author WHERE"
		    " record_id = ?1", c->rec.record_id, 0);
	t[0] = c->rec.record_id;
	t[1] = self;
	/* a new record's first version is this user's, at its local time */
	return db_author_run(db, "UPDATE record_author SET"
	    " created_by = CASE WHEN ?3 = 0 AND created_by = '' THEN ?2"
	    " ELSE created_by END,"
	    " created_at = CASE WHEN ?3 = 0 AND created_at = 0 THEN local_at"
	    " ELSE created_at END,"
	    " changed_by = ?2, changed_at = local_at WHERE record_id = ?1",
	    "tti", t, &base);
}

void
db_author_reader_init(struct db_author_reader *x, sqlite3 *db)
{
	memset(x, 0, sizeof(*x));
	x->db = db;
}

void
db_author_reader_done(struct db_author_reader *x)
{
	sqlite3_finalize(x->s);
	x->s = NULL;
}

int
db_author_read(struct db_author_reader *x, const char *record_id,
    struct db_author *a)
{
	sqlite3_stmt	*s;
	int64_t		 local_at = 0, version;
	int		 rc, ret = 0;

	memset(a, 0, sizeof(*a));
	if (x->s == NULL && (ret = db_prep(x->db, "SELECT created_by,"
	    " created_at, changed_by, changed_at, local_at, EXISTS (SELECT 1"
	    " FROM outbox o WHERE o.record_id = a.record_id),"
	    " coalesce((SELECT version FROM records r WHERE"
	    " r.record_id = a.record_id), 0) FROM record_author a WHERE"
	    " record_id = ?1", &x->s)) != 0)
		return ret;
	s = x->s;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE)) {
		ret = CS_ERR_DB;
		goto out;
	}
	if (rc == SQLITE_DONE)
		goto out;
	if ((ret = db_text(s, 0, a->created_by, sizeof(a->created_by))) != 0 ||
	    (ret = db_text(s, 2, a->changed_by, sizeof(a->changed_by))) != 0)
		goto out;
	a->created_at = sqlite3_column_int64(s, 1);
	a->changed_at = sqlite3_column_int64(s, 3);
	local_at = sqlite3_column_int64(s, 4);
	a->pending = sqlite3_column_int(s, 5) != 0;
	version = sqlite3_column_int64(s, 6);
	if (!a->pending)
		goto out;
	/* a local edit not yet synced: this user's, at its local time */
	if (!x->have_self) {
		if ((ret = db_author_self(x->db, x->self)) != 0)
			goto out;
		x->have_self = 1;
	}
	memcpy(a->changed_by, x->self, sizeof(x->self));
	a->changed_at = local_at;
	if (version == 0 && a->created_by[0] == '\0' &&
	    a->created_at == 0) {
		memcpy(a->created_by, x->self, sizeof(x->self));
		a->created_at = local_at;
	}
 out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ret;
}

int
db_author_get(sqlite3 *db, const char *record_id, struct db_author *a)
{
	struct db_author_reader	x;
	int			r;

	db_author_reader_init(&x, db);
	r = db_author_read(&x, record_id, a);
	db_author_reader_done(&x);
	return r;
}
