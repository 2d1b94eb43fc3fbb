/* SPDX-License-Identifier: ISC */
/*
 * store_migrate_int.h - what store_migrate.c (the schemas and the copy)
 * and store_migrate_check.c (reading the copy back, the counters) share.
 * Not for other modules: store_migrate.h is the interface.
 */
#ifndef STORE_MIGRATE_INT_H
#define STORE_MIGRATE_INT_H

#include <stdint.h>

#include <sqlite3.h>

#include "sdb.h"

#define MIG_TABLES_MAX	128
#define MIG_NAME_MAX	63		/* PostgreSQL's identifier length */
#define MIG_SQL_MAX	4096
#define MIG_BUSY_MS	5000
#define MIG_PAGE	2000		/* rows read back at once */
#define MIG_COLS_MAX	32		/* columns of a table copied */

struct mig_col {
	char	name[MIG_NAME_MAX + 1];
	int	text;		/* declared TEXT: ordered bytewise */
	int	pk;		/* place in the primary key, 0: none */
};

struct mig_table {
	char		name[MIG_NAME_MAX + 1];
	struct mig_col	cols[MIG_COLS_MAX];
	int		ncols;
	int		pk[MIG_COLS_MAX];	/* key columns, in key order */
	int		npk;
	int64_t		floor;		/* AUTOINCREMENT's high-water mark */
	int64_t		rows;		/* copied */
	const struct mig_seed	*seed;
	int		placed;
};

/*
 * A table a new schema fills: "keep" names the target's own rows,
 * which stay and are not copied (the schema's version is the target's),
 * "more" the rows a new schema does not have, "clear" makes room.
 */
struct mig_seed {
	const char	*table;
	const char	*keep;
	const char	*more;
	const char	*clear;
};

struct mig {
	sqlite3			*src;
	struct store		*dst;
	struct sdb		*db;		/* the target's connection */
	struct store_migrate	*m;
	struct mig_table	 t[MIG_TABLES_MAX];
	int			 nt;
	int			 order[MIG_TABLES_MAX];
	/* ref[a][b]: table a references table b */
	uint8_t			 ref[MIG_TABLES_MAX][MIG_TABLES_MAX];
};

/* The first failure's text stays in m->why. */
void	store_mig_why(struct store_migrate *m, const char *fmt, ...)
	    __attribute__((__format__(printf, 2, 3)));
/* A failed call on the source: CS_ERR_DB, said in m->why. */
int	store_mig_src_fail(struct mig *, const char *what);
/* A failed call on the target: CS_ERR_RETRY stays, else CS_ERR_DB. */
int	store_mig_dst_fail(struct mig *, const char *what);
/* Append to "sql" (MIG_SQL_MAX); CS_ERR_TOO_LARGE if it does not fit. */
int	store_mig_cat(char *sql, const char *fmt, ...)
	    __attribute__((__format__(printf, 2, 3)));
struct mig_table	*store_mig_find(struct mig *, const char *name);
/* One integer from the target ("sql" with text parameters a, b). */
int	store_mig_dst_int(struct mig *, const char *sql, const char *a,
	    const char *b, int64_t *out);
/*
 * The rows of "t" in the target but the schema's own (mig_seed's
 * "keep"); with "more", only those a new schema does not have.
 */
int	store_mig_count(struct mig *, const struct mig_table *t, int more,
	    int64_t *n);
/*
 * "SELECT cols FROM t ... ORDER BY key" for either side ("pg": the
 * target on PostgreSQL); "page" > 0: MIG_PAGE rows, from the second on
 * after the key ?1, ?2 ...
 */
int	store_mig_select(const struct mig_table *, int pg, int page,
	    char *sql);

/* store_migrate_check.c, inside the target's transaction but recount */
int	store_mig_compare(struct mig *, struct mig_table *);
int	store_mig_counters(struct mig *);
int	store_mig_seq(struct mig *);
int	store_mig_recount(struct mig *);

#endif /* STORE_MIGRATE_INT_H */
