/* SPDX-License-Identifier: ISC */
/*
 * store_migrate.h - copy an SQLite server database into an empty
 * database of another backend (casesyncctl migrate, docs/ADMIN.md
 * "Migrating from SQLite").
 *
 * The source is opened read-only and read in one transaction, so the
 * copy is one consistent state and the file is left as it was.  The
 * target is an open store whose schema this program made: every table
 * the source has must be there with the same columns, and hold nothing
 * beyond the rows a new schema starts with.  All of it is copied in
 * one transaction of the target, table by table in foreign-key order,
 * every value as the source holds it (integers, text and blobs byte
 * for byte); then each table is read back from both sides in the same
 * order and compared value by value, the counters a new row takes its
 * id from are set past the copied ids (and past SQLite's AUTOINCREMENT
 * high-water marks), and meta 'seq' past every seq the copied rows
 * hold.  Only then is it committed: a failure leaves the target as it
 * was.
 */
#ifndef STORE_MIGRATE_H
#define STORE_MIGRATE_H

#include <stdint.h>

struct store;

#define STORE_MIGRATE_WHY	512

struct store_migrate {
	int64_t	version;	/* the source's schema version */
	int64_t	tables;		/* tables copied */
	int64_t	rows;		/* rows copied, all tables */
	int64_t	counters;	/* id counters set in the target */
	int64_t	seq;		/* the target's meta 'seq' afterwards */
	int	committed;	/* failed after the commit (recount) */
	/* why it failed, for the administrator (no row values in it) */
	char	why[STORE_MIGRATE_WHY];
};

/* After each table: its name and rows, equal on both sides. */
typedef void	store_migrate_fn(const char *table, int64_t rows, void *arg);

/*
 * Before anything is made in the database "spec" (sdb.h): 0 if it
 * holds no table, or a casesync schema (whether that is empty
 * store_migrate_copy() checks); CS_ERR_EXISTS if it holds tables of
 * something else; CS_ERR_RETRY if it cannot be reached; else CS_ERR_*.
 * m->why says why not.
 */
int	store_migrate_probe(const char *spec, struct store_migrate *m);

/*
 * Copy the SQLite database at "path" into "dst" as above; "fn" (may be
 * NULL) hears of each table.  0 and *m filled, or:
 *   CS_ERR_NOT_FOUND  no database at "path"
 *   CS_ERR_STATE      the source's schema version is not this
 *                     program's (store_schema_current())
 *   CS_ERR_FORMAT     the schemas differ (a table or column missing)
 *   CS_ERR_EXISTS     the target is not empty
 *   CS_ERR_TAMPERED   a value read back differs from the source's
 *   CS_ERR_RETRY      the target's connection was lost
 *   CS_ERR_DB         anything else
 * with m->why saying what.  Nothing is committed on failure.
 */
int	store_migrate_copy(const char *path, struct store *dst,
	    store_migrate_fn *fn, void *arg, struct store_migrate *m);

#endif /* STORE_MIGRATE_H */
