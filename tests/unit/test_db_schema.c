/* SPDX-License-Identifier: ISC */
/*
 * test_db_schema.c - the client's versioned schema (client/core/db_schema.c)
 * on databases in real vaults, opened as the client opens them: a new
 * database gets the newest version with exactly the tables the client
 * made before the versions were numbered; a database of every earlier
 * version (version 0: made by that code, kept here as a fixture, whole
 * or with only the tables of db_init()) is migrated with its data and
 * its existing tables unchanged; a newer version is refused and left
 * alone; inside a caller's transaction the migration goes with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "errors.h"
#include "keys.h"
#include "test.h"
#include "test_db.h"

/*
 * Version 0: the tables as the client created them before they were
 * numbered, each file its own, copied from that code.  Never edit.
 */
/* client/core/db.c: db_init() */
static const char V0_DB[] =
    "PRAGMA secure_delete = ON;"
    "CREATE TABLE IF NOT EXISTS records ("
    " rid INTEGER PRIMARY KEY,"
    " record_id TEXT NOT NULL UNIQUE,"
    " case_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS records_case ON records(case_id);"
    "CREATE TABLE IF NOT EXISTS mirror ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " body BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS outbox ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " change_id TEXT NOT NULL UNIQUE,"
    " record_id TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " base_version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL,"
    " sent INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS outbox_record ON outbox(record_id);"
    "CREATE INDEX IF NOT EXISTS outbox_case ON outbox(case_id);"
    "CREATE TABLE IF NOT EXISTS sync_state ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value INTEGER NOT NULL);"
    /* lifecycle metadata of cases (client/core/case_meta.c), days or NULL */
    "CREATE TABLE IF NOT EXISTS case_meta ("
    " case_id TEXT PRIMARY KEY NOT NULL, frame TEXT NOT NULL,"
    " state TEXT NOT NULL, state_since INTEGER, drang_start INTEGER,"
    " measure_start INTEGER, end_date INTEGER, extended INTEGER NOT NULL,"
    " approved_by TEXT NOT NULL, updated_at INTEGER NOT NULL);"
    /* this laptop's user, for the authors of conflicts (db_self_get) */
    "CREATE TABLE IF NOT EXISTS self_user ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL,"
    " user_name TEXT NOT NULL);"
    /* authors of records in keys.c's sealed_pending (client/core/author.c) */
    "CREATE TABLE IF NOT EXISTS pending_author ("
    " record_id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL,"
    " user_id TEXT NOT NULL, user_name TEXT NOT NULL) WITHOUT ROWID;"
    /*
     * records this laptop re-offers after a server restore (db_restore):
     * the version it held from before, which the server lost
     */
    "CREATE TABLE IF NOT EXISTS reoffer ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " lost_version INTEGER NOT NULL,"
    " held INTEGER NOT NULL DEFAULT 0);";

/* client/core/nolost.c: nolost_init(), from db_init() */
static const char V0_NOLOST[] =
    "CREATE TABLE IF NOT EXISTS case_access ("
    " case_id TEXT PRIMARY KEY NOT NULL,"
    " mode TEXT NOT NULL,"
    " since INTEGER NOT NULL,"
    " until INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS held ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " change_id TEXT NOT NULL UNIQUE,"
    " record_id TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " base_version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL,"
    " refused_at INTEGER NOT NULL,"
    " server_held INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS held_case ON held(case_id);"
    "CREATE TABLE IF NOT EXISTS purge_held ("
    " case_id TEXT PRIMARY KEY NOT NULL,"
    " since INTEGER NOT NULL,"
    " changes INTEGER NOT NULL);";

/* client/core/keys.c: keys_init() */
static const char V0_KEYS[] =
    "CREATE TABLE IF NOT EXISTS e2e_self ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " user TEXT NOT NULL,"
    " box_sk BLOB NOT NULL CHECK (length(box_sk) = 32),"
    " sign_sk BLOB NOT NULL CHECK (length(sign_sk) = 64));"
    "CREATE TABLE IF NOT EXISTS case_keys ("
    " case_id TEXT NOT NULL,"
    " epoch INTEGER NOT NULL,"
    " key BLOB NOT NULL CHECK (length(key) = 32),"
    " confirmed INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (case_id, epoch)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS e2e_pins ("
    " user TEXT PRIMARY KEY NOT NULL,"
    " box_pk BLOB NOT NULL CHECK (length(box_pk) = 32),"
    " sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS sealed_pending ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " case_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL) WITHOUT ROWID;";

/* client/core/readlog.c: readlog_init() */
static const char V0_READLOG[] =
    "CREATE TABLE IF NOT EXISTS read_log ("
    " n INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " action TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " prev BLOB NOT NULL CHECK (length(prev) = 32),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32))";

/* client/core/auditcp.c: before a checkpoint is read */
static const char V0_AUDITCP[] =
    "CREATE TABLE IF NOT EXISTS audit_checkpoint ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " size INTEGER NOT NULL,"
    " root BLOB NOT NULL,"
    " time INTEGER NOT NULL,"
    " pk BLOB NOT NULL);"
    /* the server generation (restore.h) the checkpoint was taken in */
    "CREATE TABLE IF NOT EXISTS audit_checkpoint_gen ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " generation INTEGER NOT NULL)";

/* client/core/auditcp.c: before the read log is sent */
static const char V0_AUDITCP_SENT[] =
    "CREATE TABLE IF NOT EXISTS audit_reads_sent ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " n INTEGER NOT NULL)";

/* client/core/glass.c: before the notices are fetched */
static const char V0_GLASS[] =
    "CREATE TABLE IF NOT EXISTS glass_seen ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " after INTEGER NOT NULL);";

static const char *const	v0_all[] = { V0_DB, V0_NOLOST, V0_KEYS,
    V0_READLOG, V0_AUDITCP, V0_AUDITCP_SENT, V0_GLASS, NULL };
/* a laptop that never ran a command past db_init() */
static const char *const	v0_some[] = { V0_DB, V0_NOLOST, NULL };

static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	REC1[] = "22222222-2222-4222-8222-222222222222";

static char	top[PATH_MAX];

static int
newest(void)
{
	return db_migrations[db_nmigrations - 1].version;
}

static int
user_version(sqlite3 *db)
{
	return (int)tdb_int(db, "PRAGMA user_version");
}

/* A hash of the schema: every sqlite_master row, in name order. */
static void
schema_hash(sqlite3 *db, uint8_t h[32])
{
	crypto_generichash_state	 st;
	sqlite3_stmt			*s = NULL;
	const unsigned char		*t;
	int				 i, rc;

	crypto_generichash_init(&st, NULL, 0, 32);
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT type, name, tbl_name,"
	    " coalesce(sql, '') FROM sqlite_master ORDER BY name", -1, &s,
	    NULL), SQLITE_OK);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < 4; i++) {
			t = sqlite3_column_text(s, i);
			crypto_generichash_update(&st, t,
			    (size_t)sqlite3_column_bytes(s, i) + 1);
		}
	}
	ASSERT_INT_EQ(rc, SQLITE_DONE);
	sqlite3_finalize(s);
	crypto_generichash_final(&st, h, 32);
}

/*
 * A hash of the data: every row of every table, in name order.  The
 * statements are those of the first call ("again" 0): a later call
 * hashes the columns that were there then, so a column a migration
 * adds (with its default) does not count as a change of the data.
 */
#define NTABLES	64
static char	 hash_sql[NTABLES][1024];
static size_t	 hash_nsql;

static void
data_hash(sqlite3 *db, uint8_t h[32], int *nrows, int again)
{
	crypto_generichash_state	 st;
	sqlite3_stmt			*t = NULL, *s = NULL;
	const char			*sql;
	size_t				 k;
	int				 i, rc;

	if (!again) {
		hash_nsql = 0;
		ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT 'SELECT ' ||"
		    " (SELECT group_concat(quote(name), ', ') FROM"
		    " pragma_table_info(m.name)) || ' FROM ' ||"
		    " quote(m.name) || CASE WHEN (SELECT count(*) FROM"
		    " pragma_table_info(m.name)) > 1 THEN ' ORDER BY 1, 2'"
		    " ELSE ' ORDER BY 1' END FROM"
		    " sqlite_master m WHERE m.type = 'table' ORDER BY m.name",
		    -1, &t, NULL), SQLITE_OK);
		while ((rc = sqlite3_step(t)) == SQLITE_ROW) {
			ASSERT_TRUE(hash_nsql < NTABLES);
			ASSERT_INT_EQ(str_fmt(hash_sql[hash_nsql++],
			    sizeof(hash_sql[0]), "%s",
			    sqlite3_column_text(t, 0)), 0);
		}
		ASSERT_INT_EQ(rc, SQLITE_DONE);
		sqlite3_finalize(t);
	}
	*nrows = 0;
	crypto_generichash_init(&st, NULL, 0, 32);
	for (k = 0; k < hash_nsql; k++) {
		sql = hash_sql[k];
		ASSERT_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
		    SQLITE_OK);
		/* the statement with each row: an empty table is none */
		while (sqlite3_step(s) == SQLITE_ROW) {
			crypto_generichash_update(&st, (const uint8_t *)sql,
			    strlen(sql) + 1);
			for (i = 0; i < sqlite3_column_count(s); i++)
				crypto_generichash_update(&st,
				    sqlite3_column_blob(s, i),
				    (size_t)sqlite3_column_bytes(s, i));
			(*nrows)++;
		}
		sqlite3_finalize(s);
	}
	crypto_generichash_final(&st, h, 32);
}

static int
has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt	*s = NULL;
	int		 rc;

	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master"
	    " WHERE type = 'table' AND name = ?1", -1, &s, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC),
	    SQLITE_OK);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW;
}

/* A vault "name" with the version 0 tables of "v0" and data in them. */
static void
make_v0(const char *name, const char *const *v0)
{
	struct vault	*v;
	sqlite3		*db;
	size_t		 i;

	v = tdb_vault(top, name, 1);
	db = vault_db(v);
	for (i = 0; v0[i] != NULL; i++)
		tdb_exec(db, v0[i]);
	ASSERT_INT_EQ(user_version(db), 0);
	tdb_exec(db, "INSERT INTO records(record_id, case_id, kind, version,"
	    " deleted, key_epoch, body, hlc) VALUES ('" "22222222-2222-4222-"
	    "8222-222222222222', '11111111-1111-4111-8111-111111111111',"
	    " 'note', 3, 0, 1, x'', 77)");
	tdb_exec(db, "INSERT INTO mirror VALUES ('22222222-2222-4222-8222-"
	    "222222222222', 3, 0, x'')");
	tdb_exec(db, "INSERT INTO outbox(change_id, record_id, case_id, kind,"
	    " base_version, deleted, key_epoch, body, hlc) VALUES"
	    " ('33333333-3333-4333-8333-333333333333', '22222222-2222-4222-"
	    "8222-222222222222', '11111111-1111-4111-8111-111111111111',"
	    " 'note', 3, 0, 1, x'', 78)");
	tdb_exec(db, "INSERT INTO sync_state VALUES ('since', 41)");
	tdb_exec(db, "INSERT INTO case_access VALUES ('11111111-1111-4111-"
	    "8111-111111111111', 'read', 1, 2)");
	if (has_table(db, "case_keys"))
		tdb_exec(db, "INSERT INTO case_keys VALUES ('11111111-1111-"
		    "4111-8111-111111111111', 1, zeroblob(32), 1)");
	if (has_table(db, "glass_seen"))
		tdb_exec(db, "INSERT INTO glass_seen VALUES (1, 9)");
	vault_close(v);
}

static void
test_fresh(void)
{
	struct vault	*a, *b;
	uint8_t		 ha[32], hb[32];
	size_t		 i;

	TEST_START("db_schema: a new database gets the newest version with "
	    "the tables of version 0 exactly; again changes nothing");
	for (i = 0; i < db_nmigrations; i++)
		ASSERT_INT_EQ(db_migrations[i].version, (int)i + 1);
	a = tdb_vault(top, "fresh", 1);
	ASSERT_INT_EQ(db_init(vault_db(a)), 0);
	ASSERT_INT_EQ(user_version(vault_db(a)), newest());
	b = tdb_vault(top, "fixture", 1);
	for (i = 0; v0_all[i] != NULL; i++)
		tdb_exec(vault_db(b), v0_all[i]);
	schema_hash(vault_db(a), ha);
	schema_hash(vault_db(b), hb);
	/* version 1 is version 0 stamped; later ones would change this */
	if (newest() == 1)
		ASSERT_MEM_EQ(ha, hb, 32);
	ASSERT_INT_EQ(db_init(vault_db(a)), 0);
	ASSERT_INT_EQ(keys_init(vault_db(a)), 0);
	schema_hash(vault_db(a), hb);
	ASSERT_MEM_EQ(ha, hb, 32);
	ASSERT_INT_EQ(tdb_int(vault_db(a), "PRAGMA secure_delete"), 1);
	vault_close(a);
	vault_close(b);
	tdb_remove(top, "fresh");
	tdb_remove(top, "fixture");
	TEST_DONE();
}

/* Open vault "name" of version 0 and check it migrates. */
static void
migrate_v0(const char *name, const char *const *v0, int whole)
{
	struct vault		*v;
	struct db_record	 r;
	uint8_t			 s0[32], s1[32], d0[32], d1[32];
	int			 n0, n1;

	make_v0(name, v0);
	v = tdb_vault(top, name, 0);
	schema_hash(vault_db(v), s0);
	data_hash(vault_db(v), d0, &n0, 0);
	ASSERT_INT_EQ(db_init(vault_db(v)), 0);
	ASSERT_INT_EQ(user_version(vault_db(v)), newest());
	schema_hash(vault_db(v), s1);
	data_hash(vault_db(v), d1, &n1, 1);
	/* version 0 as that code made it: stamped 1 without any change */
	if (whole && newest() == 1)
		ASSERT_MEM_EQ(s0, s1, 32);
	if (!whole)
		ASSERT_TRUE(memcmp(s0, s1, 32) != 0);
	ASSERT_INT_EQ(n1, n0);
	ASSERT_MEM_EQ(d0, d1, 32);
	vault_close(v);

	/* reopened: every table there, the data readable through db.h */
	v = tdb_vault(top, name, 0);
	ASSERT_INT_EQ(db_init(vault_db(v)), 0);
	ASSERT_INT_EQ(user_version(vault_db(v)), newest());
	ASSERT_TRUE(has_table(vault_db(v), "case_keys"));
	ASSERT_TRUE(has_table(vault_db(v), "read_log"));
	ASSERT_TRUE(has_table(vault_db(v), "audit_reads_sent"));
	ASSERT_TRUE(has_table(vault_db(v), "glass_seen"));
	ASSERT_INT_EQ(db_record_get(vault_db(v), REC1, &r), 0);
	ASSERT_STR_EQ(r.case_id, CASE1);
	ASSERT_INT_EQ(r.version, 3);
	ASSERT_INT_EQ(r.hlc, 77);
	db_record_clear(&r);
	ASSERT_INT_EQ(tdb_int(vault_db(v), "SELECT count(*) FROM outbox"
	    " WHERE base_version = 3"), 1);
	ASSERT_INT_EQ(tdb_int(vault_db(v), "SELECT value FROM sync_state"
	    " WHERE key = 'since'"), 41);
	vault_close(v);
	tdb_remove(top, name);
}

static void
test_v0(void)
{
	TEST_START("db_schema: version 0 as made by the code before the "
	    "numbers: stamped, its tables and data unchanged");
	migrate_v0("v0", v0_all, 1);
	TEST_DONE();

	TEST_START("db_schema: version 0 with only db_init()'s tables: the "
	    "others added, the data kept");
	migrate_v0("v0some", v0_some, 0);
	TEST_DONE();
}

static void
test_newer(void)
{
	struct vault	*v;
	char		 sql[64];
	uint8_t		 s0[32], s1[32];

	TEST_START("db_schema: a newer version is refused and left alone");
	v = tdb_vault(top, "newer", 1);
	tdb_exec(vault_db(v), V0_DB);
	ASSERT_INT_EQ(str_fmt(sql, sizeof(sql), "PRAGMA user_version = %d",
	    newest() + 1), 0);
	tdb_exec(vault_db(v), sql);
	vault_close(v);
	v = tdb_vault(top, "newer", 0);
	schema_hash(vault_db(v), s0);
	ASSERT_INT_EQ(db_init(vault_db(v)), CS_ERR_FORMAT);
	ASSERT_INT_EQ(keys_init(vault_db(v)), CS_ERR_FORMAT);
	ASSERT_INT_EQ(db_migrate(vault_db(v)), CS_ERR_FORMAT);
	ASSERT_INT_EQ(user_version(vault_db(v)), newest() + 1);
	schema_hash(vault_db(v), s1);
	ASSERT_MEM_EQ(s0, s1, 32);
	ASSERT_TRUE(!has_table(vault_db(v), "case_keys"));
	vault_close(v);
	tdb_remove(top, "newer");
	TEST_DONE();
}

static void
test_in_transaction(void)
{
	struct vault	*v;
	sqlite3		*db;

	TEST_START("db_schema: inside a caller's transaction the migration "
	    "commits and rolls back with it");
	make_v0("intx", v0_some);
	v = tdb_vault(top, "intx", 0);
	db = vault_db(v);
	tdb_exec(db, "BEGIN IMMEDIATE");
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(user_version(db), newest());
	ASSERT_TRUE(has_table(db, "glass_seen"));
	ASSERT_INT_EQ(sqlite3_get_autocommit(db), 0);
	tdb_exec(db, "ROLLBACK");
	ASSERT_INT_EQ(user_version(db), 0);
	ASSERT_TRUE(!has_table(db, "glass_seen"));
	tdb_exec(db, "BEGIN IMMEDIATE");
	ASSERT_INT_EQ(db_init(db), 0);
	tdb_exec(db, "COMMIT");
	vault_close(v);
	v = tdb_vault(top, "intx", 0);
	ASSERT_INT_EQ(user_version(vault_db(v)), newest());
	ASSERT_TRUE(has_table(vault_db(v), "glass_seen"));
	vault_close(v);
	tdb_remove(top, "intx");
	TEST_DONE();
}

/*
 * The migration that moves the outbox's "sent" marks into outbox_sent
 * (found by what it makes, not by its number): a database from before
 * it keeps which rows were sent, and a row's mark goes with the row.
 */
static void
test_sent_marks(void)
{
	struct vault	*v;
	sqlite3		*db;
	char		 sql[128];
	size_t		 i;
	int		 before = -1;

	TEST_START("db_schema: the outbox's sent marks move out of the row "
	    "and go with it");
	for (i = 0; i < db_nmigrations; i++)
		if (strstr(db_migrations[i].sql, "TABLE IF NOT EXISTS"
		    " outbox_sent") != NULL)
			before = db_migrations[i].version - 1;
	ASSERT_TRUE(before > 0);
	v = tdb_vault(top, "sent", 1);
	db = vault_db(v);
	ASSERT_INT_EQ(db_init(db), 0);
	/* as it was before that migration: the mark in the row */
	tdb_exec(db, "DROP TRIGGER outbox_sent_gone; DROP TABLE outbox_sent;"
	    " ALTER TABLE outbox DROP COLUMN borrowed");
	ASSERT_INT_EQ(str_fmt(sql, sizeof(sql), "PRAGMA user_version = %d",
	    before), 0);
	tdb_exec(db, sql);
	for (i = 1; i <= 3; i++) {
		ASSERT_INT_EQ(str_fmt(sql, sizeof(sql), "INSERT INTO outbox"
		    " VALUES (%zu, 'c%zu', 'r', 'k', 'n', 0, 0, 1, x'', 1, %d)",
		    i, i, i != 2), 0);
		tdb_exec(db, sql);
	}
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(user_version(db), newest());
	/* the seqs as bits: 1 and 3 */
	ASSERT_INT_EQ(tdb_int(db, "SELECT sum(1 << seq) FROM outbox_sent"),
	    (1 << 1) | (1 << 3));
	tdb_exec(db, "DELETE FROM outbox WHERE seq = 1");
	ASSERT_INT_EQ(tdb_int(db, "SELECT sum(1 << seq) FROM outbox_sent"),
	    1 << 3);
	vault_close(v);
	tdb_remove(top, "sent");
	TEST_DONE();
}

int
main(void)
{
	tdb_start("test_db_schema", top);
	test_fresh();
	test_v0();
	test_newer();
	test_in_transaction();
	test_sent_marks();
	ASSERT_INT_EQ(rmdir(top), 0);
	return 0;
}
