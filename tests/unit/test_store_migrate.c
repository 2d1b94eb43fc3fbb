/* SPDX-License-Identifier: ISC */
/*
 * test_store_migrate.c - the copy of an SQLite server database into an
 * empty one (server/store_migrate.c, casesyncctl migrate): every table
 * and value arrives (text and blobs byte for byte, empty blobs and
 * NULLs too), the id counters and meta 'seq' are set past the copy
 * (an AUTOINCREMENT high-water mark above the largest id included),
 * the source file is left as it was, and the refusals: a target that
 * is not empty (left unchanged), a source of another schema version,
 * a target whose columns differ, a database of something else.
 *
 * The target is a new SQLite database, and on PostgreSQL too when
 * CASESYNC_TEST_PG holds a connection string (t_migrate_pg runs it
 * with a throw-away cluster): each case there starts from an empty
 * schema "public".
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "sdb.h"
#include "store.h"
#include "store_int.h"
#include "store_migrate.h"
#include "test.h"
#include "util.h"

/* rows in three tables: more than two pages of store_migrate.c's */
#define PAGED		"4501"
#define PAGED_N		4501

static char	tmpdir[64], srcpath[PATH_MAX];
static char	pgspec[2048];
static int	ntarget;

/* A body with every byte value, NULs included. */
static uint8_t	body[512];

static void
fill_source(void)
{
	struct store	*st;
	struct sdb_stmt	*s;
	size_t		 i;

	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)i;
	ASSERT_INT_EQ(store_open(srcpath, 1, &st), 0);
	ASSERT_INT_EQ(store_exec(st,
	    "INSERT INTO offices(id, name, region) VALUES (1, 'Zwolle', NULL),"
	    " (7, 'Zeeuws-Vlaanderen \xc3\xab', 'IJsselland');"
	    "INSERT INTO users(id, name, role, office_id) VALUES"
	    " (3, 'anna', 'jeugdbeschermer', 1), (9, 'bram', 'teamleider', 7);"
	    "INSERT INTO devices(id, user_id, name, keyhash, enrolled_at,"
	    " cert_not_after) VALUES (5, 3, 'laptop',"
	    " x'01020304050607080910111213141516"
	    "17181920212223242526272829303132',"
	    " 1700000000, 1800000000);"
	    "INSERT INTO cases(id, office_id, frame, created_at, created_seq)"
	    " VALUES ('11111111-1111-4111-8111-111111111111', 1, 'DRANG',"
	    " 1700000000, 1);"
	    "INSERT INTO case_members(user_id, case_id, granted_seq) VALUES"
	    " (3, '11111111-1111-4111-8111-111111111111', 2);"
	    "INSERT INTO key_grants(case_id, epoch, to_user, from_user, sealed,"
	    " sig, at) VALUES ('11111111-1111-4111-8111-111111111111', 1, 3,"
	    " 'anna', zeroblob(80), zeroblob(64), 1700000000),"
	    " ('11111111-1111-4111-8111-111111111111', 2, 3, 'anna',"
	    " zeroblob(80), zeroblob(64), 1700000001);"
	    /* the high-water mark (2) stays above the largest id (1) */
	    "DELETE FROM key_grants WHERE epoch = 2;"
	    "INSERT INTO enroll_failures(addr, at) VALUES ('127.0.0.1', 1),"
	    " ('127.0.0.1', 1);"
	    "UPDATE meta SET value = 40 WHERE key = 'seq';"
	    /* more rows than a page read back (MIG_PAGE): keys of text
	     * where bytes order otherwise than a language would, of two
	     * integers, of blobs */
	    "INSERT INTO changes(change_id, device_id, record_id, version, at)"
	    " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
	    " WHERE i < " PAGED ") SELECT printf('%s%05d', CASE i % 4 WHEN 0"
	    " THEN 'A' WHEN 1 THEN 'a' WHEN 2 THEN '_' ELSE '\xc3\xa9' END, i),"
	    " 5, 'r', i, 1 FROM c;"
	    "INSERT INTO audit_nodes(a, n, hash) WITH RECURSIVE c(i) AS"
	    " (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " PAGED ")"
	    " SELECT i, i % 7, randomblob(32) FROM c;"
	    "INSERT INTO enroll_tokens(id, hash, user_id, device_name,"
	    " created_at, expires_at) WITH RECURSIVE c(i) AS (SELECT 1 UNION"
	    " ALL SELECT i + 1 FROM c WHERE i < " PAGED ") SELECT"
	    " randomblob(8), zeroblob(32), 3, 'd', 1, 2 FROM c;"
	    "UPDATE audit_state SET size = 1, frontier = x'00ff';"), 0);
	ASSERT_INT_EQ(sdb_prepare(st->db, "INSERT INTO records(rid, record_id,"
	    " case_id, kind, version, deleted, key_epoch, body, author_device,"
	    " hlc) VALUES (?1, ?2, '11111111-1111-4111-8111-111111111111',"
	    " 'note', ?3, 0, 1, ?4, 5, 1)", &s), 0);
	for (i = 0; i < 3; i++) {
		char	rid[40];

		(void)snprintf(rid, sizeof(rid), "%08zx-0000-4000-8000-"
		    "000000000000", i);
		ASSERT_INT_EQ(sdb_reset(s), 0);
		ASSERT_INT_EQ(sdb_bind_int64(s, 1, 100 + (int64_t)i), 0);
		ASSERT_INT_EQ(sdb_bind_text(s, 2, rid, -1), 0);
		/* the newest record's version is past meta 'seq' */
		ASSERT_INT_EQ(sdb_bind_int64(s, 3, i == 2 ? 57 : 10 +
		    (int64_t)i), 0);
		/* an empty body, and two with every byte value */
		ASSERT_INT_EQ(sdb_bind_blob(s, 4, body, i == 0 ? 0 :
		    sizeof(body)), 0);
		ASSERT_INT_EQ(sdb_step(s), SDB_DONE);
	}
	sdb_finalize(s);
	store_close(st);
}

/* A new, empty target with casesync's schema; its spec into "spec". */
static struct store *
target(int pg, char *spec, size_t speclen)
{
	struct store	*st;
	struct sdb	*db;

	if (pg) {
		ASSERT_INT_EQ(sdb_open(pgspec, &db), 0);
		ASSERT_INT_EQ(sdb_exec(db, "DROP SCHEMA public CASCADE;"
		    " CREATE SCHEMA public"), 0);
		sdb_close(db);
		(void)snprintf(spec, speclen, "%s", pgspec);
	} else
		(void)snprintf(spec, speclen, "%s/target%d.db", tmpdir,
		    ntarget++);
	ASSERT_INT_EQ(store_open(spec, 1, &st), 0);
	return st;
}

static int64_t
count(struct store *st, const char *sql)
{
	int64_t	n = -1;

	ASSERT_INT_EQ(store_do(st, sql, &n, "", NULL, NULL), 0);
	return n;
}

static void
tables_seen(const char *table, int64_t rows, void *arg)
{
	int	*n = arg;

	(void)table;
	(void)rows;
	(*n)++;
}

/* The whole file's bytes, to see that the copy left it as it was. */
static struct buf *
slurp(const char *path)
{
	struct buf	*b = NULL;

	ASSERT_INT_EQ(file_read(path, 64 << 20, &b), 0);
	return b;
}

static void
test_copy(int pg, const char *be)
{
	struct store_migrate	 m;
	struct store		*dst;
	struct sdb_stmt		*s;
	struct buf		*before, *after;
	char			 spec[PATH_MAX + 2048], name[128];
	const struct store_blob	 blobs[2] = { { body, 80 }, { body, 64 } };
	int64_t			 id;
	int			 seen = 0;

	(void)snprintf(name, sizeof(name), "%s: every table copied, "
	    "values byte for byte, counters past the copy", be);
	TEST_START(name);
	before = slurp(srcpath);
	dst = target(pg, spec, sizeof(spec));
	ASSERT_INT_EQ(store_migrate_copy(srcpath, dst, tables_seen, &seen,
	    &m), 0);
	ASSERT_INT_EQ(m.version, store_schema_current());
	ASSERT_INT_EQ(m.tables, seen);
	ASSERT_INT_GE(m.tables, 40);
	/* 2 offices, 2 users, 1 device, 1 case, 1 member, 1 grant, 2
	 * failures, 3 records, meta (2 rows: not schema_version), state */
	ASSERT_INT_EQ(m.rows, 2 + 2 + 1 + 1 + 1 + 1 + 2 + 3 + 2 + 1 +
	    3 * PAGED_N);
	ASSERT_INT_EQ(m.seq, 57);
	ASSERT_INT_EQ(count(dst, "SELECT value FROM meta WHERE key = 'seq'"),
	    57);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM meta WHERE"
	    " key = 'schema_version'"), 1);
	ASSERT_INT_EQ(count(dst, "SELECT size FROM audit_state"), 1);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM offices WHERE name ="
	    " 'Zeeuws-Vlaanderen \xc3\xab' AND region = 'IJsselland'"), 1);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM offices WHERE"
	    " region IS NULL"), 1);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM enroll_failures"), 2);
	/* the bodies, byte for byte */
	ASSERT_INT_EQ(sdb_prepare(dst->db, "SELECT body FROM records ORDER BY"
	    " rid", &s), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_is_null(s, 0), 0);
	ASSERT_INT_EQ(sdb_column_bytes(s, 0), 0);
	ASSERT_INT_EQ(sdb_step(s), SDB_ROW);
	ASSERT_INT_EQ(sdb_column_bytes(s, 0), sizeof(body));
	ASSERT_MEM_EQ(sdb_column_blob(s, 0), body, sizeof(body));
	sdb_finalize(s);
	/* new ids come after the copied ones and the high-water mark */
	ASSERT_INT_EQ(store_do(dst, "INSERT INTO offices(name) VALUES"
	    " ('Deventer') RETURNING id", &id, "", NULL, NULL), 0);
	ASSERT_INT_EQ(id, 8);
	ASSERT_INT_EQ(store_do_b(dst, "INSERT INTO key_grants(case_id, epoch,"
	    " to_user, from_user, sealed, sig, at) VALUES"
	    " ('11111111-1111-4111-8111-111111111111', 3, 3, 'anna', ?1, ?2,"
	    " 1) RETURNING id", &id, "bb", NULL, NULL, blobs), 0);
	ASSERT_INT_EQ(id, 3);
	store_close(dst);
	after = slurp(srcpath);
	ASSERT_INT_EQ(buf_len(after), buf_len(before));
	ASSERT_MEM_EQ(buf_ptr(after), buf_ptr(before), buf_len(before));
	buf_free(before);
	buf_free(after);
	TEST_DONE();
}

/*
 * A new target changed by "sql", refused with "want" and a reason
 * naming "w1" and "w2", nothing committed; the caller closes it.
 */
static struct store *
refused(int pg, const char *sql, int want, const char *w1, const char *w2)
{
	struct store_migrate	 m;
	struct store		*dst;
	char			 spec[PATH_MAX + 2048];

	dst = target(pg, spec, sizeof(spec));
	ASSERT_INT_EQ(store_exec(dst, sql), 0);
	ASSERT_INT_EQ(store_migrate_copy(srcpath, dst, NULL, NULL, &m), want);
	ASSERT_TRUE(strstr(m.why, w1) != NULL);
	ASSERT_TRUE(strstr(m.why, w2) != NULL);
	ASSERT_INT_EQ(m.committed, 0);
	return dst;
}

static void
test_refusals(int pg, const char *be)
{
	struct store_migrate	 m;
	struct store		*dst;
	char			 spec[PATH_MAX + 2048], name[128];
	char			 old[PATH_MAX], cmd[64];
	struct store		*st;
	struct buf		*b;

	(void)snprintf(name, sizeof(name), "%s: a target that is not empty "
	    "is refused and left as it was", be);
	TEST_START(name);
	dst = refused(pg, "INSERT INTO offices(name) VALUES ('Almelo')",
	    CS_ERR_EXISTS, "not empty", "offices");
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM offices"), 1);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM records"), 0);
	store_close(dst);
	/* a copy made before is not empty either (its audit state) */
	dst = target(pg, spec, sizeof(spec));
	ASSERT_INT_EQ(store_migrate_copy(srcpath, dst, NULL, NULL, &m), 0);
	ASSERT_INT_EQ(store_migrate_copy(srcpath, dst, NULL, NULL, &m),
	    CS_ERR_EXISTS);
	store_close(dst);
	TEST_DONE();

	(void)snprintf(name, sizeof(name), "%s: a value changed on the way "
	    "is found, and nothing committed", be);
	TEST_START(name);
	/* a trigger of the target changes one row of 4501: A04000, the
	 * 1000th in the order of the bytes (A..., then _..., a..., é...) */
	dst = refused(pg, pg ?
	    "CREATE FUNCTION t_bend() RETURNS trigger LANGUAGE plpgsql AS"
	    " $f$ BEGIN IF NEW.version = 4000 THEN NEW.at = 2; END IF;"
	    " RETURN NEW; END $f$;"
	    "CREATE TRIGGER t_bend BEFORE INSERT ON changes FOR EACH ROW"
	    " EXECUTE FUNCTION t_bend()" :
	    "CREATE TRIGGER t_bend AFTER INSERT ON changes WHEN"
	    " new.version = 4000 BEGIN UPDATE changes SET at = 2 WHERE"
	    " change_id = new.change_id; END", CS_ERR_TAMPERED,
	    "table changes: row 1000, column at differs", "changes");
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM changes"), 0);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM offices"), 0);
	store_close(dst);
	TEST_DONE();

	(void)snprintf(name, sizeof(name), "%s: a target of other columns "
	    "is refused", be);
	TEST_START(name);
	dst = refused(pg, "ALTER TABLE glass ADD COLUMN extra BIGINT",
	    CS_ERR_FORMAT, "glass", "extra");
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM offices"), 0);
	store_close(dst);
	TEST_DONE();

	(void)snprintf(name, sizeof(name), "%s: a source of another schema "
	    "version is refused", be);
	TEST_START(name);
	(void)snprintf(old, sizeof(old), "%s/old-%s.db", tmpdir, be);
	b = slurp(srcpath);
	ASSERT_INT_EQ(file_write_atomic(old, buf_ptr(b), buf_len(b), 0600, 1),
	    0);
	buf_free(b);
	/* as a database of the version before: "open it once to update" */
	ASSERT_INT_EQ(store_open(old, 0, &st), 0);
	(void)snprintf(cmd, sizeof(cmd), "PRAGMA user_version = %d",
	    store_schema_current() - 1);
	ASSERT_INT_EQ(store_exec(st, cmd), 0);
	store_close(st);
	dst = target(pg, spec, sizeof(spec));
	ASSERT_INT_EQ(store_migrate_copy(old, dst, NULL, NULL, &m),
	    CS_ERR_STATE);
	ASSERT_TRUE(strstr(m.why, "schema versions differ") != NULL);
	ASSERT_INT_EQ(count(dst, "SELECT count(*) FROM offices"), 0);
	/* and no source at all */
	(void)snprintf(old, sizeof(old), "%s/none.db", tmpdir);
	ASSERT_INT_EQ(store_migrate_copy(old, dst, NULL, NULL, &m),
	    CS_ERR_NOT_FOUND);
	store_close(dst);
	TEST_DONE();
}

/* A database that holds something else is refused before the schema. */
static void
test_probe(void)
{
	struct store_migrate	 m;
	struct sdb		*db;
	char			 spec[PATH_MAX + 16], path[PATH_MAX];
	FILE			*f;

	TEST_START("sqlite: probe: empty or casesync's, not another's");
	(void)snprintf(path, sizeof(path), "%s/other.db", tmpdir);
	ASSERT_PTR_NE(f = fopen(path, "w"), NULL);
	fclose(f);
	(void)snprintf(spec, sizeof(spec), "sqlite:%s", path);
	ASSERT_INT_EQ(store_migrate_probe(spec, &m), 0);
	ASSERT_INT_EQ(sdb_open(spec, &db), 0);
	ASSERT_INT_EQ(sdb_exec(db, "CREATE TABLE other(x)"), 0);
	sdb_close(db);
	ASSERT_INT_EQ(store_migrate_probe(spec, &m), CS_ERR_EXISTS);
	ASSERT_TRUE(strstr(m.why, "none of them casesync's") != NULL);
	(void)snprintf(spec, sizeof(spec), "sqlite:%s", srcpath);
	ASSERT_INT_EQ(store_migrate_probe(spec, &m), 0);
	TEST_DONE();
}

static void
test_probe_pg(void)
{
	struct store_migrate	 m;
	struct sdb		*db;

	TEST_START("postgresql: probe: empty or casesync's, not another's;"
	    " a server that does not answer");
	ASSERT_INT_EQ(sdb_open(pgspec, &db), 0);
	ASSERT_INT_EQ(sdb_exec(db, "DROP SCHEMA public CASCADE;"
	    " CREATE SCHEMA public"), 0);
	ASSERT_INT_EQ(store_migrate_probe(pgspec, &m), 0);
	ASSERT_INT_EQ(sdb_exec(db, "CREATE TABLE other(x BIGINT)"), 0);
	ASSERT_INT_EQ(store_migrate_probe(pgspec, &m), CS_ERR_EXISTS);
	ASSERT_INT_EQ(sdb_exec(db, "DROP TABLE other"), 0);
	sdb_close(db);
	/* port 1 of the loopback: nothing listens there */
	ASSERT_INT_EQ(store_migrate_probe("postgresql:host=127.0.0.1 port=1"
	    " dbname=x connect_timeout=5", &m), CS_ERR_RETRY);
	ASSERT_TRUE(strstr(m.why, "does not answer") != NULL);
	TEST_DONE();
}

/* The test's files (no directories in it). */
static void
rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[PATH_MAX];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && snprintf(path, sizeof(path),
		    "%s/%s", dir, e->d_name) < (int)sizeof(path))
			(void)unlink(path);
	closedir(d);
	(void)rmdir(dir);
}

int
main(void)
{
	const char	*pg = getenv("CASESYNC_TEST_PG");

	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store_migrate."
	    "XXXXXX");
	ASSERT_PTR_NE(mkdtemp(tmpdir), NULL);
	(void)snprintf(srcpath, sizeof(srcpath), "%s/server.db", tmpdir);
	fill_source();
	test_copy(0, "sqlite");
	test_refusals(0, "sqlite");
	test_probe();
	if (pg != NULL && pg[0] != '\0') {
		(void)snprintf(pgspec, sizeof(pgspec), "postgresql:%s", pg);
		test_copy(1, "postgresql");
		test_refusals(1, "postgresql");
		test_probe_pg();
	} else
		printf("ok - postgresql: skipped here (CASESYNC_TEST_PG unset;"
		    " t_migrate_pg runs it)\n");
	rmtree(tmpdir);
	return 0;
}
