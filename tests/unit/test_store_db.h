/* SPDX-License-Identifier: ISC */
/*
 * test_store_db.h - the backend the store's unit tests run on (DESIGN
 * §11).  SQLite by default, a file in the test's directory; with
 * CASESYNC_TEST_DATABASE=postgresql:CONNINFO the PostgreSQL database it
 * names (tests/integration/t_store_pg.sh starts a throw-away cluster),
 * emptied by every test_store_new() so each test starts from nothing.
 *
 *   test_store_pg()           1 on PostgreSQL
 *   test_store_spec(path)     what store_open() takes for "path"
 *   test_store_new(path)      test_store_spec(), the database emptied
 *   test_sql_int(path, sql)   the first column of the first row (0 none)
 *   test_sql_exec(path, sql)  run sql (several statements ok), assert 0
 * The SQL of the last two must run on both backends.
 */
#ifndef TEST_STORE_DB_H
#define TEST_STORE_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdb.h"
#include "test.h"

static inline int
test_store_pg(void)
{
	const char	*e = getenv("CASESYNC_TEST_DATABASE");

	return e != NULL && strncmp(e, "postgresql:", 11) == 0;
}

static inline const char *
test_store_spec(const char *path)
{
	return test_store_pg() ? getenv("CASESYNC_TEST_DATABASE") : path;
}

static inline struct sdb *
test_sdb(const char *path)
{
	static char	 spec[4200];
	struct sdb	*db = NULL;

	if (test_store_pg())
		snprintf(spec, sizeof(spec), "%s", test_store_spec(path));
	else
		snprintf(spec, sizeof(spec), "sqlite:%s", path);
	ASSERT_INT_EQ(sdb_open(spec, &db), 0);
	return db;
}

static inline void
test_sql_exec(const char *path, const char *sql)
{
	struct sdb	*db = test_sdb(path);

	if (sdb_exec(db, sql) != 0)
		TEST_FAIL_("%s: %s", sql, sdb_errmsg(db));
	sdb_close(db);
}

static inline long long
test_sql_int(const char *path, const char *sql)
{
	struct sdb	*db = test_sdb(path);
	struct sdb_stmt	*s = NULL;
	long long	 v = 0;
	int		 rc;

	if (sdb_prepare(db, sql, &s) != 0)
		TEST_FAIL_("%s: %s", sql, sdb_errmsg(db));
	if ((rc = sdb_step(s)) == SDB_ROW)
		v = sdb_column_int64(s, 0);
	else if (rc != SDB_DONE)
		TEST_FAIL_("%s: %s", sql, sdb_errmsg(db));
	sdb_finalize(s);
	sdb_close(db);
	return v;
}

static inline const char *
test_store_new(const char *path)
{
	if (test_store_pg()) {
		test_sql_exec(path, "DROP SCHEMA public CASCADE;"
		    " CREATE SCHEMA public");
		printf("# on PostgreSQL\n");
	}
	return test_store_spec(path);
}

#endif /* TEST_STORE_DB_H */
