/* SPDX-License-Identifier: ISC */
/*
 * sdb_int.h - what the two backends of sdb.h implement (sdb_sqlite.c,
 * sdb_pg.c); sdb.c dispatches.  Not for the store.
 */
#ifndef SDB_INT_H
#define SDB_INT_H

#include "sdb.h"

struct sdb_ops {
	int		(*open)(const char *arg, struct sdb **out);
	void		(*close)(struct sdb *);
	const char	*(*errmsg)(const struct sdb *);
	int		(*exec)(struct sdb *, const char *sql);
	int64_t		(*changes)(const struct sdb *);
	int		(*prepare)(struct sdb *, const char *sql,
			    struct sdb_stmt **);
	int		(*reset)(struct sdb_stmt *);
	void		(*finalize)(struct sdb_stmt *);
	int		(*bind_int64)(struct sdb_stmt *, int, int64_t);
	int		(*bind_text)(struct sdb_stmt *, int, const char *,
			    size_t);
	int		(*bind_blob)(struct sdb_stmt *, int, const void *,
			    size_t);
	int		(*bind_null)(struct sdb_stmt *, int);
	int		(*bind_text_copy)(struct sdb_stmt *, int, const char *);
	int		(*clear_bindings)(struct sdb_stmt *);
	int		(*last_error)(const struct sdb *);
	int		(*in_tx)(const struct sdb *);
	int		(*lost)(const struct sdb *);	/* NULL: never */
	struct sqlite3	*(*handle)(struct sdb *);
	int		(*step)(struct sdb_stmt *);
	/* NULL: the statement runs at sdb_step() (sdb_send), now (put) */
	int		(*send)(struct sdb_stmt *);
	int		(*put)(struct sdb_stmt *);
	int		(*is_null)(struct sdb_stmt *, int);
	int64_t		(*int64)(struct sdb_stmt *, int);
	const char	*(*text)(struct sdb_stmt *, int);
	const void	*(*blob)(struct sdb_stmt *, int);
	size_t		(*bytes)(struct sdb_stmt *, int);
	/* NULL: sdb_exec_put() runs it now (exec) */
	int		(*exec_put)(struct sdb *, const char *sql);
};

/* Every connection and statement starts with these. */
struct sdb_head {
	const struct sdb_ops	*ops;
	enum sdb_backend	 backend;
};

struct sdb_stmt_head {
	const struct sdb_ops	*ops;
};

extern const struct sdb_ops	sdb_sqlite_ops;
extern const struct sdb_ops	sdb_pg_ops;

#endif /* SDB_INT_H */
