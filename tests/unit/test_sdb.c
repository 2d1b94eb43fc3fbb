/* SPDX-License-Identifier: ISC */
/*
 * test_sdb.c - the two backends of server/store/sdb.h behave alike: the
 * same statements, with ?N parameters, give the same rows, the same
 * errors and the same changes count.  Always on SQLite (a temporary
 * file); on PostgreSQL too when CASESYNC_TEST_PG holds a connection
 * string (tests/integration/t_sdb_pg.sh starts a throw-away cluster and
 * sets it).  The PostgreSQL run also kills its own connection: the
 * statement fails with CS_ERR_RETRY, a transaction open on it stays
 * failed until ROLLBACK, and the next call reconnects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "sdb.h"
#include "test.h"

static struct sdb *
open_or_die(const char *spec)
{
	struct sdb	*db = NULL;

	ASSERT_INT_EQ(sdb_open(spec, &db), 0);
	ASSERT_TRUE(db != NULL);
	return db;
}

/* One statement with "n" int parameters, stepped to its end. */
static int
run(struct sdb *db, const char *sql)
{
	struct sdb_stmt	*s = NULL;
	int		 r;

	if ((r = sdb_prepare(db, sql, &s)) != 0)
		return r;
	while ((r = sdb_step(s)) == SDB_ROW)
		;
	sdb_finalize(s);
	return r == SDB_DONE ? 0 : r;
}

static void
make_table(struct sdb *db)
{
	int	pg = sdb_backend(db) == SDB_POSTGRESQL;

	ASSERT_INT_EQ(sdb_exec(db, "DROP TABLE IF EXISTS t"), 0);
	ASSERT_INT_EQ(sdb_exec(db, pg ?
	    "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL"
	    " UNIQUE, data BYTEA, n BIGINT CHECK (n >= 0))" :
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL"
	    " UNIQUE, data BLOB, n INTEGER CHECK (n >= 0))"), 0);
}

static void
test_rows(struct sdb *db, const char *label)
{
	struct sdb_stmt	*s = NULL;
	uint8_t		 all[256];
	char		 name[64];
	int		 i;

	(void)snprintf(name, sizeof(name), "%s: rows, parameters, types",
	    label);
	TEST_START(name);
	make_table(db);
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	ASSERT_INT_EQ(sdb_prepare(db, "INSERT INTO t (id, name, data, n)"
	    " VALUES (?1, ?2, ?3, ?4)", &s), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s, 1, INT64_MAX), 0);
	ASSERT_INT_EQ(sdb_bind_text(s, 2, "Zoë 'quoted' ?1", -1), 0);
	ASSERT_INT_EQ(sdb_bind_blob(s, 3, all, sizeof(all)), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s, 4, 7), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_DONE);
	ASSERT_INT_EQ(sdb_changes(db), 1);
	/* the same statement again: reset, rebind */
	ASSERT_INT_EQ(sdb_reset(s), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s, 1, INT64_MIN), 0);
	ASSERT_INT_EQ(sdb_bind_text(s, 2, "leeg", -1), 0);
	ASSERT_INT_EQ(sdb_bind_blob(s, 3, NULL, 0), 0);
	ASSERT_INT_EQ(sdb_bind_null(s, 4), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_DONE);
	sdb_finalize(s);

	/* a literal with a question mark is not a parameter */
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT id, name, data, n, 'a?b'"
	    " FROM t WHERE id > ?1 OR name = ? ORDER BY id", &s), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s, 1, 0), 0);
	ASSERT_INT_EQ(sdb_bind_text(s, 2, "leeg", -1), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), INT64_MIN);
	ASSERT_STR_EQ((const char *)sdb_column_text(s, 1), "leeg");
	ASSERT_INT_EQ(sdb_column_is_null(s, 2), 0);	/* empty, not NULL */
	ASSERT_INT_EQ(sdb_column_bytes(s, 2), 0);
	ASSERT_INT_EQ(sdb_column_is_null(s, 3), 1);
	ASSERT_INT_EQ(sdb_column_int64(s, 3), 0);
	ASSERT_STR_EQ((const char *)sdb_column_text(s, 4), "a?b");
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), INT64_MAX);
	ASSERT_STR_EQ((const char *)sdb_column_text(s, 1), "Zoë 'quoted' ?1");
	ASSERT_INT_EQ(sdb_column_bytes(s, 2), sizeof(all));
	ASSERT_MEM_EQ(sdb_column_blob(s, 2), all, sizeof(all));
	ASSERT_INT_EQ(sdb_column_int64(s, 3), 7);
	ASSERT_INT_EQ(sdb_step(s), SDB_DONE);
	sdb_finalize(s);

	/* aggregates read as numbers whatever type they have */
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT COUNT(*), SUM(n),"
	    " COALESCE(MAX(n), -1) > 5 FROM t", &s), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), 2);
	ASSERT_INT_EQ(sdb_column_int64(s, 1), 7);
	ASSERT_INT_EQ(sdb_column_int64(s, 2), 1);
	sdb_finalize(s);
	TEST_DONE();
}

static void
test_errors(struct sdb *db, const char *label)
{
	struct sdb_stmt	*s = NULL;
	char		 name[64];

	(void)snprintf(name, sizeof(name), "%s: constraints, transactions",
	    label);
	TEST_START(name);
	make_table(db);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (1, 'a',"
	    " 1)"), 0);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (2, 'a',"
	    " 1)"), CS_ERR_EXISTS);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (1, 'b',"
	    " 1)"), CS_ERR_EXISTS);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (3, 'c',"
	    " -1)"), CS_ERR_FORMAT);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name) VALUES (4, NULL)"),
	    CS_ERR_FORMAT);
	/* standard SQL both take: ON CONFLICT DO NOTHING, RETURNING */
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (1, 'a',"
	    " 1) ON CONFLICT DO NOTHING"), 0);
	ASSERT_INT_EQ(sdb_changes(db), 0);
	ASSERT_INT_EQ(sdb_prepare(db, "INSERT INTO t (id, name, n) VALUES"
	    " (?1, ?2, 0) RETURNING id", &s), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s, 1, 9), 0);
	ASSERT_INT_EQ(sdb_bind_text(s, 2, "nine", -1), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), 9);
	sdb_finalize(s);

	/* a rolled-back transaction leaves nothing */
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	ASSERT_INT_EQ(run(db, "UPDATE t SET n = 5"), 0);
	ASSERT_INT_EQ(sdb_changes(db), 2);
	ASSERT_INT_EQ(sdb_exec(db, "ROLLBACK"), 0);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT SUM(n) FROM t", &s), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), 1);
	sdb_finalize(s);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT nonsense FROM t", &s),
	    CS_ERR_DB);
	ASSERT_TRUE(strlen(sdb_errmsg(db)) > 0);
	TEST_DONE();
}

/* PostgreSQL: kill our own backend and come back. */
/*
 * Statements are kept per connection (sdb_sqlite.c, and sdb_pg.c's
 * prepared statements): a text prepared again while its statement is
 * in use gets one of its own; one given back comes back reset, with no
 * parameters bound, and has ended its read; BEGIN/COMMIT through
 * sdb_exec repeat; a text of several statements still runs them all;
 * a kept statement survives a change of the schema.  "spec" opens a
 * second connection to the same database (SQLite only: NULL skips it).
 */
static void
test_kept(struct sdb *db, const char *label, const char *spec)
{
	static const char	*q = "SELECT n FROM t WHERE id = ?1";
	struct sdb_stmt		*s1 = NULL, *s2 = NULL, *s3 = NULL;
	struct sdb		*other;
	char			 name[64];
	int			 i;

	(void)snprintf(name, sizeof(name), "%s: kept statements", label);
	TEST_START(name);
	make_table(db);
	for (i = 1; i <= 3; i++) {
		ASSERT_INT_EQ(sdb_prepare(db, "INSERT INTO t (id, name, n)"
		    " VALUES (?1, ?2, ?3)", &s1), 0);
		ASSERT_INT_EQ(sdb_bind_int64(s1, 1, i), 0);
		ASSERT_INT_EQ(sdb_bind_text_copy(s1, 2, i == 1 ? "a" :
		    i == 2 ? "b" : "c"), 0);
		ASSERT_INT_EQ(sdb_bind_int64(s1, 3, 10 * i), 0);
		ASSERT_INT_EQ(sdb_step(s1), SDB_DONE);
		sdb_finalize(s1);
	}
	/* the same text twice at once: two statements */
	ASSERT_INT_EQ(sdb_prepare(db, q, &s1), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s1, 1, 1), 0);
	ASSERT_INT_EQ(sdb_step(s1), SDB_ROW);
	ASSERT_INT_EQ(sdb_prepare(db, q, &s2), 0);
	ASSERT_TRUE(s2 != s1);
	ASSERT_INT_EQ(sdb_bind_int64(s2, 1, 2), 0);
	ASSERT_INT_EQ(sdb_step(s2), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s2, 0), 20);
	ASSERT_INT_EQ(sdb_column_int64(s1, 0), 10);
	sdb_finalize(s2);
	sdb_finalize(s1);
	/* given back: no parameter left bound (id = NULL finds nothing) */
	ASSERT_INT_EQ(sdb_prepare(db, q, &s3), 0);
	if (sdb_backend(db) == SDB_SQLITE)
		ASSERT_PTR_EQ(s3, s1);	/* the kept one again */
	ASSERT_INT_EQ(sdb_step(s3), SDB_DONE);
	sdb_finalize(s3);
	/* given back in the middle of its rows: it starts again */
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT id FROM t ORDER BY id", &s1), 0);
	ASSERT_INT_EQ(sdb_step(s1), SDB_ROW);
	ASSERT_INT_EQ(sdb_step(s1), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s1, 0), 2);
	sdb_finalize(s1);
	if (spec != NULL) {
		/* ... and its read is over: another connection may write */
		other = open_or_die(spec);
		ASSERT_INT_EQ(sdb_exec(other, "UPDATE t SET n = 5 WHERE"
		    " id = 3"), 0);
		sdb_close(other);
	}
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT id FROM t ORDER BY id", &s1), 0);
	ASSERT_INT_EQ(sdb_step(s1), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s1, 0), 1);
	sdb_finalize(s1);
	/* transactions through sdb_exec, again and again */
	for (i = 0; i < 3; i++) {
		ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
		ASSERT_TRUE(sdb_in_tx(db));
		ASSERT_INT_EQ(sdb_exec(db, "UPDATE t SET n = n + 1"
		    " WHERE id = 1"), 0);
		ASSERT_INT_EQ(sdb_exec(db, i == 1 ? "ROLLBACK" : "COMMIT"), 0);
		ASSERT_TRUE(!sdb_in_tx(db));
	}
	/* several statements in one text: every one runs */
	ASSERT_INT_EQ(sdb_exec(db, "UPDATE t SET n = 100 WHERE id = 2;"
	    " UPDATE t SET n = 200 WHERE id = 3"), 0);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT SUM(n) FROM t", &s1), 0);
	ASSERT_INT_EQ(sdb_step(s1), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s1, 0), 12 + 100 + 200);
	sdb_finalize(s1);
	/* the schema changes under a kept statement */
	ASSERT_INT_EQ(sdb_exec(db, "ALTER TABLE t ADD COLUMN extra TEXT"), 0);
	ASSERT_INT_EQ(sdb_prepare(db, q, &s1), 0);
	ASSERT_INT_EQ(sdb_bind_int64(s1, 1, 2), 0);
	ASSERT_INT_EQ(sdb_step(s1), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s1, 0), 100);
	sdb_finalize(s1);
	TEST_DONE();
}

static void
test_pg_lost(struct sdb *db)
{
	struct sdb_stmt	*s = NULL;

	TEST_START("postgresql: a lost connection fails, then reconnects");
	make_table(db);
	/* a statement prepared before the loss is prepared again after */
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT COUNT(*) FROM t", &s), 0);
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (1, 'x',"
	    " 1)"), 0);
	ASSERT_INT_EQ(run(db, "SELECT pg_terminate_backend(pg_backend_pid())"),
	    CS_ERR_RETRY);
	/* inside the lost transaction nothing runs, not even elsewhere */
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (2, 'y',"
	    " 1)"), CS_ERR_RETRY);
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), CS_ERR_RETRY);
	ASSERT_INT_EQ(sdb_exec(db, "ROLLBACK"), 0);
	/* the insert before the loss was never committed */
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), 0);
	sdb_finalize(s);
	/* and outside a transaction the next call reconnects at once */
	ASSERT_INT_EQ(run(db, "SELECT pg_terminate_backend(pg_backend_pid())"),
	    CS_ERR_RETRY);
	ASSERT_INT_EQ(run(db, "INSERT INTO t (id, name, n) VALUES (3, 'z',"
	    " 1)"), 0);
	ASSERT_INT_EQ(sdb_exec(db, "SHOW synchronous_commit"), 0);
	TEST_DONE();
}

static void
test_pg_session(struct sdb *db)
{
	struct sdb_stmt	*s = NULL;
	int		 i;

	TEST_START("postgresql: durable commits, one prepare per statement");
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT current_setting("
	    "'synchronous_commit')", &s), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_STR_EQ((const char *)sdb_column_text(s, 0), "on");
	sdb_finalize(s);
	/* the same text prepared many times: one server-side statement */
	for (i = 0; i < 50; i++) {
		ASSERT_INT_EQ(sdb_prepare(db, "SELECT ?1 + 1", &s), 0);
		ASSERT_INT_EQ(sdb_bind_int64(s, 1, i), 0);
		ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
		ASSERT_INT_EQ(sdb_column_int64(s, 0), i + 1);
		sdb_finalize(s);
	}
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT COUNT(*) FROM"
	    " pg_prepared_statements WHERE statement = 'SELECT $1 + 1'", &s), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_int64(s, 0), 1);
	sdb_finalize(s);
	TEST_DONE();
}

/* The count of rows in t. */
static int64_t
count_t(struct sdb *db)
{
	struct sdb_stmt	*s = NULL;
	int64_t		 n;

	ASSERT_INT_EQ(sdb_prepare(db, "SELECT COUNT(*) FROM t", &s), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	n = sdb_column_int64(s, 0);
	sdb_finalize(s);
	return n;
}

/* Insert row (id, name) with "ins" by sdb_put: its result. */
static int
put_row(struct sdb_stmt *ins, int64_t id, const char *name)
{
	sdb_reset(ins);
	ASSERT_INT_EQ(sdb_bind_int64(ins, 1, id), 0);
	ASSERT_INT_EQ(sdb_bind_text(ins, 2, name, -1), 0);
	return sdb_put(ins);
}

/*
 * sdb_send / sdb_put (PostgreSQL's pipeline mode): in order, the rows of
 * a sent query read later, a failure of a statement sent reported by
 * the next call that waits (or COMMIT), nothing of it committed; more
 * statements than SDB_PIPE_MAX.
 */
static void
test_pipeline(struct sdb *db, const char *name)
{
	struct sdb_stmt	*ins = NULL, *q1 = NULL, *q2 = NULL;
	char		 buf[16], title[96];
	int		 i, r;

	(void)snprintf(title, sizeof(title), "%s: statements sent without"
	    " waiting, failures met later", name);
	TEST_START(title);
	make_table(db);
	ASSERT_INT_EQ(sdb_prepare(db, "INSERT INTO t (id, name, n)"
	    " VALUES (?1, ?2, 1)", &ins), 0);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT name FROM t WHERE id = ?1", &q1),
	    0);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT name FROM t WHERE id = ?1", &q2),
	    0);
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	for (i = 1; i <= 2; i++) {
		(void)snprintf(buf, sizeof(buf), "n%d", i);
		ASSERT_INT_EQ(put_row(ins, i, buf), 0);
		memset(buf, 'X', sizeof(buf) - 1);	/* copied when sent */
	}
	/* reads sent after the writes see them; read in any order */
	ASSERT_INT_EQ(sdb_bind_int64(q1, 1, 1), 0);
	ASSERT_INT_EQ(sdb_bind_int64(q2, 1, 2), 0);
	ASSERT_INT_EQ(sdb_send(q1), 0);
	ASSERT_INT_EQ(sdb_send(q2), 0);
	ASSERT_INT_EQ(sdb_step(q2), SDB_ROW);
	ASSERT_STR_EQ((const char *)sdb_column_text(q2, 0), "n2");
	ASSERT_INT_EQ(sdb_step(q1), SDB_ROW);
	ASSERT_STR_EQ((const char *)sdb_column_text(q1, 0), "n1");
	ASSERT_INT_EQ(sdb_step(q1), SDB_DONE);
	/* a sent query reset before it is read: dropped, nothing breaks */
	sdb_reset(q2);
	ASSERT_INT_EQ(sdb_bind_int64(q2, 1, 1), 0);
	ASSERT_INT_EQ(sdb_send(q2), 0);
	sdb_reset(q2);
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), 0);
	ASSERT_INT_EQ(count_t(db), 2);

	/* a write that fails: the next waiting call says so */
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	ASSERT_INT_EQ(put_row(ins, 3, "n3"), 0);
	r = put_row(ins, 4, "n1");	/* UNIQUE */
	if (sdb_backend(db) == SDB_POSTGRESQL) {
		ASSERT_INT_EQ(r, 0);
		sdb_reset(q1);
		ASSERT_INT_EQ(sdb_bind_int64(q1, 1, 3), 0);
		ASSERT_INT_EQ(sdb_step(q1), CS_ERR_EXISTS);
	} else
		ASSERT_INT_EQ(r, CS_ERR_EXISTS);
	ASSERT_INT_EQ(sdb_last_error(db), CS_ERR_EXISTS);
	ASSERT_INT_EQ(sdb_exec(db, "ROLLBACK"), 0);
	ASSERT_INT_EQ(count_t(db), 2);

	/* ... or the COMMIT, which then commits nothing */
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	ASSERT_INT_EQ(put_row(ins, 5, "n5"), 0);
	r = put_row(ins, 1, "n6");	/* the key */
	if (sdb_backend(db) == SDB_POSTGRESQL) {
		ASSERT_INT_EQ(r, 0);
		ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), CS_ERR_EXISTS);
	} else
		ASSERT_INT_EQ(r, CS_ERR_EXISTS);
	ASSERT_INT_EQ(sdb_exec(db, "ROLLBACK"), 0);
	ASSERT_INT_EQ(count_t(db), 2);

	/* more than the pipeline holds at once */
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	for (i = 10; i < 10 + 3 * SDB_PIPE_MAX; i++) {
		(void)snprintf(buf, sizeof(buf), "m%d", i);
		ASSERT_INT_EQ(put_row(ins, i, buf), 0);
	}
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), 0);
	ASSERT_INT_EQ(count_t(db), 2 + 3 * SDB_PIPE_MAX);
	sdb_finalize(ins);
	sdb_finalize(q1);
	sdb_finalize(q2);
	TEST_DONE();
}

/* PostgreSQL: the connection lost with statements in the pipeline. */
static void
test_pg_pipe_lost(struct sdb *db)
{
	struct sdb_stmt	*k = NULL, *ins = NULL;

	TEST_START("postgresql: a connection lost in the pipeline: RETRY,"
	    " nothing committed, reconnected");
	make_table(db);
	ASSERT_INT_EQ(sdb_prepare(db, "INSERT INTO t (id, name, n)"
	    " VALUES (?1, 'p', 1)", &ins), 0);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT pg_terminate_backend("
	    "pg_backend_pid())", &k), 0);
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	sdb_reset(ins);
	ASSERT_INT_EQ(sdb_bind_int64(ins, 1, 1), 0);
	ASSERT_INT_EQ(sdb_put(ins), 0);
	ASSERT_INT_EQ(sdb_send(k), 0);
	ASSERT_INT_EQ(sdb_step(k), CS_ERR_RETRY);
	ASSERT_INT_EQ(sdb_lost(db), 1);
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), CS_ERR_RETRY);
	ASSERT_INT_EQ(sdb_exec(db, "ROLLBACK"), 0);
	ASSERT_INT_EQ(count_t(db), 0);
	ASSERT_INT_EQ(sdb_lost(db), 0);
	sdb_finalize(k);
	sdb_finalize(ins);
	TEST_DONE();
}

/*
 * PostgreSQL: BEGIN sent into the pipeline (sdb_exec_put) counts as a
 * transaction; a COMMIT joins the pipeline; a COMMIT succeeds only if
 * it commits (not of a transaction a statement aborted, not outside
 * one: PostgreSQL itself would answer "ROLLBACK" or only warn).
 */
static void
test_pg_commit(struct sdb *db)
{
	struct sdb_stmt	*ins = NULL, *q = NULL;

	TEST_START("postgresql: BEGIN sent ahead; a COMMIT only if it"
	    " commits");
	make_table(db);
	ASSERT_INT_EQ(sdb_prepare(db, "INSERT INTO t (id, name, n)"
	    " VALUES (?1, ?2, 1)", &ins), 0);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT name FROM t WHERE id = ?1", &q),
	    0);
	/* sent, not waited for: already a transaction */
	ASSERT_INT_EQ(sdb_exec_put(db, "BEGIN"), 0);
	ASSERT_INT_EQ(sdb_in_tx(db), 1);
	ASSERT_INT_EQ(sdb_exec_put(db, "SELECT 1"), 0);
	ASSERT_INT_EQ(put_row(ins, 1, "a"), 0);
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), 0);
	ASSERT_INT_EQ(sdb_in_tx(db), 0);
	ASSERT_INT_EQ(count_t(db), 1);
	/* BEGIN sent, then nothing but the COMMIT */
	ASSERT_INT_EQ(sdb_exec_put(db, "BEGIN"), 0);
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), 0);
	/* outside a transaction: refused, not a warning */
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), CS_ERR_DB);
	/* a transaction a statement aborted: the COMMIT fails */
	ASSERT_INT_EQ(sdb_exec(db, "BEGIN"), 0);
	ASSERT_INT_EQ(put_row(ins, 2, "b"), 0);
	ASSERT_INT_EQ(put_row(ins, 3, "a"), 0);		/* UNIQUE */
	ASSERT_INT_EQ(sdb_bind_int64(q, 1, 2), 0);
	ASSERT_INT_EQ(sdb_step(q), CS_ERR_EXISTS);
	ASSERT_INT_EQ(sdb_exec(db, "COMMIT"), CS_ERR_DB);
	ASSERT_INT_EQ(sdb_exec(db, "ROLLBACK"), 0);
	ASSERT_INT_EQ(count_t(db), 1);
	sdb_finalize(q);
	sdb_finalize(ins);
	TEST_DONE();
}

int
main(void)
{
	struct sdb	*db;
	char		 path[] = "/tmp/test_sdb.XXXXXX", spec[64];
	const char	*pg = getenv("CASESYNC_TEST_PG");
	char		 pgspec[1024];
	int		 fd;

	TEST_START("spec: unknown backends and empty paths are refused");
	db = NULL;
	ASSERT_INT_EQ(sdb_open("mysql:x", &db), CS_ERR_FORMAT);
	ASSERT_INT_EQ(sdb_open("sqlite:", &db), CS_ERR_FORMAT);
	ASSERT_INT_EQ(sdb_open(NULL, &db), CS_ERR_FORMAT);
	ASSERT_TRUE(db == NULL);
	TEST_DONE();

	ASSERT_TRUE((fd = mkstemp(path)) != -1);
	close(fd);
	(void)snprintf(spec, sizeof(spec), "sqlite:%s", path);
	db = open_or_die(spec);
	ASSERT_INT_EQ(sdb_backend(db), SDB_SQLITE);
	test_rows(db, "sqlite");
	test_errors(db, "sqlite");
	test_kept(db, "sqlite", spec);
	test_pipeline(db, "sqlite");
	sdb_close(db);
	(void)unlink(path);

	if (pg == NULL || pg[0] == '\0') {
		printf("ok - postgresql: skipped here (CASESYNC_TEST_PG unset;"
		    " t_sdb_pg runs it)\n");
		return 0;
	}
	(void)snprintf(pgspec, sizeof(pgspec), "postgresql:%s", pg);
	db = open_or_die(pgspec);
	ASSERT_INT_EQ(sdb_backend(db), SDB_POSTGRESQL);
	test_rows(db, "postgresql");
	test_errors(db, "postgresql");
	test_kept(db, "postgresql", NULL);
	test_pg_session(db);
	test_pg_lost(db);
	test_pipeline(db, "postgresql");
	test_pg_commit(db);
	test_pg_pipe_lost(db);
	sdb_close(db);
	return 0;
}
