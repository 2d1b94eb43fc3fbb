/* SPDX-License-Identifier: ISC */
/*
 * test_db.h - the local database as the client opens it, for the tests
 * of db*.c (test_db.c, test_db_schema.c): a vault (client/vault*.c,
 * with the fast KDF) in a mkdtemp directory, its connection and
 * db_init().
 */
#ifndef TEST_DB_H
#define TEST_DB_H

#include <sys/stat.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "test.h"
#include "util.h"
#include "vault.h"

#define TDB_PASS	"correct horse battery staple"

/* Before the first test: logs, libsodium, the fast KDF; *top made. */
static inline void
tdb_start(const char *name, char top[PATH_MAX])
{
	log_init(1, name);
	ASSERT_INT_GE(sodium_init(), 0);
	ASSERT_INT_EQ(setenv("CASESYNC_KDF", "fast", 1), 0);
	ASSERT_INT_EQ(str_fmt(top, PATH_MAX, "/tmp/%s.XXXXXX", name), 0);
	ASSERT_PTR_NE(mkdtemp(top), NULL);
}

/* Create (create != 0) or open the vault in top/name; no db_init. */
static inline struct vault *
tdb_vault(const char *top, const char *name, int create)
{
	struct vault	*v = NULL;
	char		 d[PATH_MAX];

	ASSERT_INT_EQ(str_fmt(d, sizeof(d), "%s/%s", top, name), 0);
	if (create) {
		ASSERT_INT_EQ(mkdir(d, 0700), 0);
		ASSERT_INT_EQ(vault_create(d, TDB_PASS, strlen(TDB_PASS), &v),
		    0);
	} else
		ASSERT_INT_EQ(vault_open(d, TDB_PASS, strlen(TDB_PASS), &v),
		    0);
	return v;
}

/* Remove the vault in top/name (closed) and its directory. */
static inline void
tdb_remove(const char *top, const char *name)
{
	const char *const	files[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    VAULT_DB_FILE "-head", VAULT_DB_FILE "-wal", VAULT_DB_FILE "-shm",
	    VAULT_DB_FILE "-journal", NULL };
	char			 p[PATH_MAX];
	size_t			 i;

	for (i = 0; files[i] != NULL; i++) {
		ASSERT_INT_EQ(str_fmt(p, sizeof(p), "%s/%s/%s", top, name,
		    files[i]), 0);
		(void)unlink(p);
	}
	ASSERT_INT_EQ(str_fmt(p, sizeof(p), "%s/%s", top, name), 0);
	ASSERT_INT_EQ(rmdir(p), 0);
}

/* The one integer a query gives, with text ?1 = "id" if not NULL. */
static inline int64_t
tdb_count(sqlite3 *db, const char *sql, const char *id)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 n;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		TEST_FAIL_("%s: %s", sql, sqlite3_errmsg(db));
	if (id != NULL)
		ASSERT_INT_EQ(sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC),
		    SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static inline int64_t
tdb_int(sqlite3 *db, const char *sql)
{
	return tdb_count(db, sql, NULL);
}

/* Record id number "n". */
static inline void
tdb_rid(char out[37], unsigned n)
{
	snprintf(out, 37, "%08x-0000-4000-8000-000000000000", n);
}

/* A random confirmed key of epoch 1 for "case_id" (keys.c's table). */
static inline void
tdb_case_key(sqlite3 *db, const char *case_id)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 key[32];

	randombytes_buf(key, sizeof(key));
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "INSERT INTO case_keys(case_id,"
	    " epoch, key, confirmed) VALUES (?1, 1, ?2, 1)", -1, &s, NULL),
	    SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC),
	    SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_bind_blob(s, 2, key, 32, SQLITE_STATIC),
	    SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static inline void
tdb_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		TEST_FAIL_("%s: %s", sql, sqlite3_errmsg(db));
}

#endif /* TEST_DB_H */
