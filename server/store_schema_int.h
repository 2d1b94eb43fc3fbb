/* SPDX-License-Identifier: ISC */
/*
 * store_schema_int.h - the migration lists of the two backends
 * (store_schema.c: SQLite; store_schema_pg.c: PostgreSQL).  Not for
 * other modules.
 */
#ifndef STORE_SCHEMA_INT_H
#define STORE_SCHEMA_INT_H

#include <stddef.h>

/*
 * "sql" takes a database from the version of the entry before (0 for
 * the first) to "version"; "triggers", when not NULL, then makes every
 * trigger of the schema at that version (again: IF NOT EXISTS, OR
 * REPLACE), and is what store_schema_guard() runs until a later entry
 * has triggers of its own.
 */
struct store_migration {
	int		 version;
	const char	*sql;
	const char	*triggers;
};

/* PostgreSQL's list (store_schema_pg.c); *n gets its length. */
const struct store_migration	*store_schema_pg_list(size_t *n);

#endif /* STORE_SCHEMA_INT_H */
