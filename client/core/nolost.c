/* SPDX-License-Identifier: ISC */
/*
 * nolost.c - read-only cases, held changes and held purges on the
 * laptop (see nolost.h).
 *
 * The invariant: a change written on this laptop leaves it only in one
 * of three ways: the server accepted it (db_pushed), the server said
 * someone decided to discard it (nolost_held_done after a discarded
 * result), or it is merged into a newer version (db_conflict).  A
 * refused change moves from the outbox to "held" in the transaction
 * that records the refusal; a purge is carried out only when neither
 * the outbox nor "held" has a change of the case, else it is held and
 * the server is told (PurgeReceipt.held).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"
#include "db_int.h"	/* DB_OUTBOX_BODY */
#include "errors.h"
#include "log.h"
#include "nolost.h"
#include "util.h"

int
nolost_init(sqlite3 *db)
{
	return db_init(db);	/* the tables are db_schema.c's */
}

/* Run "sql" with text ?1 and int64 ?2 (if the statement has it). */
static int
nolost_run(sqlite3 *db, const char *sql, const char *t1, int64_t i2)
{
	sqlite3_stmt	*s = NULL;
	int		 r;

	if ((r = db_prep(db, sql, &s)) != 0)
		return r;
	if ((t1 != NULL &&
	    sqlite3_bind_text(s, 1, t1, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    (sqlite3_bind_parameter_count(s) >= 2 &&
	    sqlite3_bind_int64(s, 2, i2) != SQLITE_OK) ||
	    sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		r = CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return r;
}

/* One integer from "sql" with text ?1. */
static int
nolost_int(sqlite3 *db, const char *sql, const char *t1, int64_t *v)
{
	sqlite3_stmt	*s = NULL;
	int		 r;

	*v = 0;
	if ((r = db_prep(db, sql, &s)) != 0)
		return r;
	if ((t1 != NULL &&
	    sqlite3_bind_text(s, 1, t1, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    sqlite3_step(s) != SQLITE_ROW)
		r = CS_ERR_DB;
	else
		*v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return r;
}

int
nolost_access_set(sqlite3 *db, const struct msg_case_access *list,
    size_t n)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 had;
	size_t		 i;
	int		 r;

	/*
	 * Almost always empty and staying so: then write nothing (a bare
	 * DELETE rewrites the table's root page, an encrypted page write
	 * on every pull); the WHERE keeps SQLite from that shortcut.
	 */
	if ((r = nolost_int(db, "SELECT count(*) FROM case_access", NULL,
	    &had)) != 0)
		return r;
	if (had > 0 && (r = nolost_run(db, "DELETE FROM case_access WHERE"
	    " case_id IS NOT NULL", NULL, 0)) != 0)
		return r;
	if (n == 0)
		return 0;
	if ((r = db_prep(db, "INSERT OR REPLACE INTO case_access(case_id,"
	    " mode, since, until) VALUES (?1, ?2, ?3, ?4)", &s)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++) {
		/* wire_nolost.c checked id, mode and times */
		if (sqlite3_bind_text(s, 1, list[i].case_id, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_text(s, 2, list[i].mode, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 3, list[i].since) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 4, list[i].until) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_DONE)
			r = CS_ERR_DB;
		sqlite3_reset(s);
	}
	if (r != 0)
		log_warnx("db: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

int
nolost_writable(sqlite3 *db, const char *case_id, struct nolost_access *a)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, r;

	memset(a, 0, sizeof(*a));
	/* a held purge first: the access is gone, whatever else is said */
	if ((r = db_prep(db, "SELECT 'removed', since, 0, changes FROM"
	    " purge_held WHERE case_id = ?1 UNION ALL SELECT mode, since,"
	    " until, 0 FROM case_access WHERE case_id = ?1 LIMIT 1",
	    &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		r = 0;
		goto out;
	}
	if (rc != SQLITE_ROW ||
	    str_fmt(a->mode, sizeof(a->mode), "%s",
	    (const char *)sqlite3_column_text(s, 0)) != 0 ||
	    str_fmt(a->case_id, sizeof(a->case_id), "%s", case_id) != 0)
		goto out;
	a->since = sqlite3_column_int64(s, 1);
	a->until = sqlite3_column_int64(s, 2);
	a->changes = sqlite3_column_int64(s, 3);
	r = CS_ERR_AUTH;
 out:
	if (r == CS_ERR_DB)
		log_warnx("db: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

void
nolost_time(char *dst, size_t len, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(dst, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)str_fmt(dst, len, "an unknown time");
}

void
nolost_explain(const struct nolost_access *a, char *buf, size_t len)
{
	char	since[32], until[32];

	nolost_time(since, sizeof(since), a->since);
	nolost_time(until, sizeof(until), a->until);
	if (strcmp(a->mode, "removed") == 0)
		(void)str_fmt(buf, len, "case %s is no longer yours (noticed "
		    "%s): this laptop keeps it only because %lld change%s "
		    "written here wait%s for a decision (casesync status)",
		    a->case_id, since, (long long)a->changes,
		    a->changes == 1 ? "" : "s", a->changes == 1 ? "s" : "");
	else if (strcmp(a->mode, "handover") == 0)
		(void)str_fmt(buf, len, "case %s is read-only for you since "
		    "%s: it was handed over to another office, you may read "
		    "it until %s", a->case_id, since, until);
	else if (strcmp(a->mode, "glass") == 0)
		(void)str_fmt(buf, len, "case %s is read-only for you: "
		    "break-the-glass access (since %s, until %s) never "
		    "writes", a->case_id, since, until);
	else
		(void)str_fmt(buf, len, "case %s is read-only for you: you "
		    "are a read-only member", a->case_id);
}

int
nolost_hold(sqlite3 *db, const struct db_change *c, int server_held)
{
	const struct db_record	*r = &c->rec;
	sqlite3_stmt		*s = NULL;
	int			 ret;

	if ((ret = db_prep(db, "INSERT OR REPLACE INTO held(change_id,"
	    " record_id, case_id, kind, base_version, deleted, key_epoch,"
	    " body, hlc, refused_at, server_held) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11)", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, c->change_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, r->record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 3, r->case_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 4, r->kind, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, r->version) != SQLITE_OK ||
	    sqlite3_bind_int(s, 6, r->deleted != 0) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 7, r->key_epoch) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 8, r->body_len > 0 ? (const void *)r->body :
	    (const void *)"", (int)r->body_len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 9, (int64_t)r->hlc) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 10, time_now()) != SQLITE_OK ||
	    sqlite3_bind_int(s, 11, server_held != 0) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		ret = CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return ret;
}

int
nolost_hold_rest(sqlite3 *db, const char *record_id)
{
	return nolost_run(db, "INSERT OR IGNORE INTO held(change_id,"
	    " record_id, case_id, kind, base_version, deleted, key_epoch,"
	    " body, hlc, refused_at, server_held) SELECT change_id,"
	    " record_id, case_id, kind, base_version, deleted, key_epoch,"
	    " " DB_OUTBOX_BODY("outbox") ", hlc, ?2, 0"
	    " FROM outbox WHERE record_id = ?1 ORDER BY seq",
	    record_id, time_now());
}

int
nolost_unsent(sqlite3 *db, const char *case_id, int64_t *n)
{
	return nolost_int(db, "SELECT (SELECT count(*) FROM outbox WHERE"
	    " case_id = ?1) + (SELECT count(*) FROM held WHERE"
	    " case_id = ?1)", case_id, n);
}

int
nolost_purge_hold(sqlite3 *db, const char *case_id, int64_t n)
{
	sqlite3_stmt	*s = NULL;
	int		 r;

	if ((r = db_prep(db, "INSERT INTO purge_held(case_id, since,"
	    " changes) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET"
	    " changes = ?3", &s)) != 0)
		return r;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 2, time_now()) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, n) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		r = CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return r;
}

int
nolost_purge_moot(sqlite3 *db, const char *const *ids, size_t n)
{
	sqlite3_stmt	*s = NULL;
	char		 id[DB_UUID_LEN + 1];
	size_t		 i;
	int		 rc, r;

	if ((r = db_prep(db, "SELECT case_id FROM purge_held", &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (str_fmt(id, sizeof(id), "%s",
		    (const char *)sqlite3_column_text(s, 0)) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(ids[i], id) == 0)
				break;
		if (i == n) {
			/* a statement may run while another is stepped */
			if ((r = nolost_run(db, "DELETE FROM purge_held WHERE"
			    " case_id = ?1", id, 0)) != 0)
				break;
			log_info("case %s: no longer to be purged here",
			    id);
		}
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = CS_ERR_DB;
	sqlite3_finalize(s);
	return r;
}

int
nolost_purged(sqlite3 *db, const char *case_id)
{
	int	r;

	if ((r = nolost_run(db, "DELETE FROM case_access WHERE case_id = ?1",
	    case_id, 0)) != 0 ||
	    (r = nolost_run(db, "DELETE FROM held WHERE case_id = ?1",
	    case_id, 0)) != 0)
		return r;
	return nolost_run(db, "DELETE FROM purge_held WHERE case_id = ?1",
	    case_id, 0);
}

int
nolost_held_take(sqlite3 *db, size_t max, struct db_change **out,
    size_t *np)
{
	sqlite3_stmt		*s = NULL;
	struct db_change	*c = NULL;
	const void		*b;
	size_t			 n = 0;
	int			 rc, r, len;

	*out = NULL;
	*np = 0;
	if ((c = calloc(max, sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = db_prep(db, "SELECT change_id, record_id, case_id, kind,"
	    " base_version, deleted, key_epoch, body, hlc, seq FROM held"
	    " ORDER BY seq LIMIT ?1", &s)) != 0)
		goto fail;
	r = CS_ERR_DB;
	if (sqlite3_bind_int64(s, 1, (int64_t)max) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct db_record	*d = &c[n].rec;

		if (str_fmt(c[n].change_id, sizeof(c[n].change_id), "%s",
		    (const char *)sqlite3_column_text(s, 0)) != 0 ||
		    str_fmt(d->record_id, sizeof(d->record_id), "%s",
		    (const char *)sqlite3_column_text(s, 1)) != 0 ||
		    str_fmt(d->case_id, sizeof(d->case_id), "%s",
		    (const char *)sqlite3_column_text(s, 2)) != 0 ||
		    str_fmt(d->kind, sizeof(d->kind), "%s",
		    (const char *)sqlite3_column_text(s, 3)) != 0)
			goto fail;
		d->version = sqlite3_column_int64(s, 4);
		d->deleted = sqlite3_column_int(s, 5) != 0;
		d->key_epoch = (uint32_t)sqlite3_column_int64(s, 6);
		d->hlc = (uint64_t)sqlite3_column_int64(s, 8);
		c[n].seq = sqlite3_column_int64(s, 9);
		b = sqlite3_column_blob(s, 7);
		if ((len = sqlite3_column_bytes(s, 7)) < 0 ||
		    (size_t)len > DB_BODY_MAX)
			goto fail;
		n++;		/* from here db_changes_free() frees the body */
		if (len > 0) {
			if ((d->body = malloc((size_t)len)) == NULL) {
				r = CS_ERR_ALLOC;
				goto fail;
			}
			memcpy(d->body, b, (size_t)len);
			d->body_len = (size_t)len;
		}
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	*out = c;
	*np = n;
	return 0;
 fail:
	if (r == CS_ERR_DB)
		log_warnx("db: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	db_changes_free(c, n);
	return r;
}

int
nolost_held_done(sqlite3 *db, const char *change_id)
{
	return nolost_run(db, "DELETE FROM held WHERE change_id = ?1",
	    change_id, 0);
}

int
nolost_held_mark(sqlite3 *db, const char *change_id)
{
	return nolost_run(db, "UPDATE held SET server_held = 1 WHERE"
	    " change_id = ?1", change_id, 0);
}

int
nolost_counts(sqlite3 *db, int64_t *held, int64_t *purges, int64_t *ro)
{
	int	r;

	if ((r = nolost_int(db, "SELECT count(*) FROM held", NULL,
	    held)) != 0 ||
	    (r = nolost_int(db, "SELECT count(*) FROM purge_held", NULL,
	    purges)) != 0)
		return r;
	return nolost_int(db, "SELECT count(*) FROM case_access", NULL, ro);
}

int
nolost_each(sqlite3 *db, nolost_cb cb, void *arg)
{
	static const char *const q[3] = {
		"SELECT case_id, since, changes, '' FROM purge_held"
		" ORDER BY case_id",
		"SELECT case_id, refused_at, server_held, kind || ' ' ||"
		" record_id FROM held ORDER BY seq",
		"SELECT case_id, since, until, mode FROM case_access"
		" ORDER BY case_id",
	};
	struct nolost_item	 it;
	sqlite3_stmt		*s = NULL;
	size_t			 i;
	int			 rc = SQLITE_DONE, r = 0;

	for (i = 0; r == 0 && i < 3; i++) {
		if ((r = db_prep(db, q[i], &s)) != 0)
			break;
		while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			memset(&it, 0, sizeof(it));
			it.list = (enum nolost_list)i;
			it.case_id = (const char *)sqlite3_column_text(s, 0);
			it.what = (const char *)sqlite3_column_text(s, 3);
			if (it.case_id == NULL || it.what == NULL)
				continue;
			it.at = sqlite3_column_int64(s, 1);
			it.v = sqlite3_column_int64(s, 2);
			r = cb(&it, arg);
		}
		if (r == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
			r = CS_ERR_DB;
		sqlite3_finalize(s);
		s = NULL;
	}
	return r;
}
