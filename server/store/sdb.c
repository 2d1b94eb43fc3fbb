/* SPDX-License-Identifier: ISC */
/*
 * sdb.c - the backend-neutral entry points of sdb.h: "spec" picks the
 * backend, the rest dispatches through the connection's or statement's
 * operations (sdb_int.h).
 */
#include <string.h>

#include "errors.h"
#include "sdb_int.h"

#define SDB_HEAD(db)	((const struct sdb_head *)(const void *)(db))
#define SDB_SHEAD(s)	((const struct sdb_stmt_head *)(const void *)(s))

int
sdb_open(const char *spec, struct sdb **out)
{
	static const char	sqlite[] = "sqlite:", pg[] = "postgresql:";

	*out = NULL;
	if (spec == NULL)
		return CS_ERR_FORMAT;
	if (strncmp(spec, sqlite, sizeof(sqlite) - 1) == 0 &&
	    spec[sizeof(sqlite) - 1] != '\0')
		return sdb_sqlite_ops.open(spec + sizeof(sqlite) - 1, out);
	if (strncmp(spec, pg, sizeof(pg) - 1) == 0)
		return sdb_pg_ops.open(spec + sizeof(pg) - 1, out);
	return CS_ERR_FORMAT;
}

void
sdb_close(struct sdb *db)
{
	if (db != NULL)
		SDB_HEAD(db)->ops->close(db);
}

enum sdb_backend
sdb_backend(const struct sdb *db)
{
	return SDB_HEAD(db)->backend;
}

const char *
sdb_errmsg(const struct sdb *db)
{
	return SDB_HEAD(db)->ops->errmsg(db);
}

int
sdb_exec(struct sdb *db, const char *sql)
{
	return SDB_HEAD(db)->ops->exec(db, sql);
}

int
sdb_exec_put(struct sdb *db, const char *sql)
{
	if (SDB_HEAD(db)->ops->exec_put == NULL)
		return SDB_HEAD(db)->ops->exec(db, sql);
	return SDB_HEAD(db)->ops->exec_put(db, sql);
}

int64_t
sdb_changes(const struct sdb *db)
{
	return SDB_HEAD(db)->ops->changes(db);
}

int
sdb_prepare(struct sdb *db, const char *sql, struct sdb_stmt **out)
{
	*out = NULL;
	return SDB_HEAD(db)->ops->prepare(db, sql, out);
}

int
sdb_reset(struct sdb_stmt *s)
{
	return SDB_SHEAD(s)->ops->reset(s);
}

void
sdb_finalize(struct sdb_stmt *s)
{
	if (s != NULL)
		SDB_SHEAD(s)->ops->finalize(s);
}

int
sdb_bind_int64(struct sdb_stmt *s, int i, int64_t v)
{
	if (i < 1 || i > SDB_PARAMS_MAX)
		return CS_ERR_INTERNAL;
	return SDB_SHEAD(s)->ops->bind_int64(s, i, v);
}

int
sdb_bind_text(struct sdb_stmt *s, int i, const char *v, int len)
{
	if (i < 1 || i > SDB_PARAMS_MAX || v == NULL)
		return CS_ERR_INTERNAL;
	return SDB_SHEAD(s)->ops->bind_text(s, i, v,
	    len < 0 ? strlen(v) : (size_t)len);
}

int
sdb_bind_blob(struct sdb_stmt *s, int i, const void *p, size_t len)
{
	if (i < 1 || i > SDB_PARAMS_MAX || (p == NULL && len > 0))
		return CS_ERR_INTERNAL;
	return SDB_SHEAD(s)->ops->bind_blob(s, i, p, len);
}

int
sdb_bind_null(struct sdb_stmt *s, int i)
{
	if (i < 1 || i > SDB_PARAMS_MAX)
		return CS_ERR_INTERNAL;
	return SDB_SHEAD(s)->ops->bind_null(s, i);
}

int
sdb_bind_text_copy(struct sdb_stmt *s, int i, const char *v)
{
	if (i < 1 || i > SDB_PARAMS_MAX || v == NULL)
		return CS_ERR_INTERNAL;
	return SDB_SHEAD(s)->ops->bind_text_copy(s, i, v);
}

int
sdb_clear_bindings(struct sdb_stmt *s)
{
	return SDB_SHEAD(s)->ops->clear_bindings(s);
}

int
sdb_last_error(const struct sdb *db)
{
	return SDB_HEAD(db)->ops->last_error(db);
}

int
sdb_lost(const struct sdb *db)
{
	if (SDB_HEAD(db)->ops->lost == NULL)
		return 0;
	return SDB_HEAD(db)->ops->lost(db);
}

int
sdb_in_tx(const struct sdb *db)
{
	return SDB_HEAD(db)->ops->in_tx(db);
}

struct sqlite3 *
sdb_sqlite(struct sdb *db)
{
	return SDB_HEAD(db)->ops->handle(db);
}

int
sdb_step(struct sdb_stmt *s)
{
	return SDB_SHEAD(s)->ops->step(s);
}

int
sdb_send(struct sdb_stmt *s)
{
	if (SDB_SHEAD(s)->ops->send == NULL)
		return 0;
	return SDB_SHEAD(s)->ops->send(s);
}

int
sdb_put(struct sdb_stmt *s)
{
	int	r;

	if (SDB_SHEAD(s)->ops->put != NULL)
		return SDB_SHEAD(s)->ops->put(s);
	if ((r = SDB_SHEAD(s)->ops->step(s)) == SDB_DONE)
		return 0;
	return r < 0 ? r : CS_ERR_DB;	/* rows: not a statement to put */
}

int
sdb_column_is_null(struct sdb_stmt *s, int col)
{
	return SDB_SHEAD(s)->ops->is_null(s, col);
}

int64_t
sdb_column_int64(struct sdb_stmt *s, int col)
{
	return SDB_SHEAD(s)->ops->int64(s, col);
}

const unsigned char *
sdb_column_text(struct sdb_stmt *s, int col)
{
	return (const unsigned char *)SDB_SHEAD(s)->ops->text(s, col);
}

const void *
sdb_column_blob(struct sdb_stmt *s, int col)
{
	return SDB_SHEAD(s)->ops->blob(s, col);
}

size_t
sdb_column_bytes(struct sdb_stmt *s, int col)
{
	return SDB_SHEAD(s)->ops->bytes(s, col);
}
