/* SPDX-License-Identifier: ISC */
/*
 * db_schema.c - the laptop's local tables, all of them, as one list of
 * numbered migrations (db_int.h) applied under PRAGMA user_version.
 *
 * Version 1 is the schema as the client created it before the tables
 * were numbered, each file its own with CREATE ... IF NOT EXISTS: a
 * database from then (user_version 0, some or all tables there) is
 * left as it is and stamped 1.  A change to the tables is a new entry
 * at the end of db_migrations[]; an entry, once released, is never
 * edited (tests/unit/test_db_schema.c opens a database of every
 * earlier version).
 *
 * The vault's own table (vault_secret, vaultkey.c) is below this: the
 * vault creates it before anything above it opens the database.
 */
#include <stdio.h>

#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "errors.h"
#include "log.h"

static const char db_schema_v1[] =
    /* the records, their merge base, the outbox (db.c) */
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
    " held INTEGER NOT NULL DEFAULT 0);"
    /* read-only cases and held changes (nolost.c) */
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
    " changes INTEGER NOT NULL);"
    /* end-to-end keys (keys.c) */
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
    " hlc INTEGER NOT NULL) WITHOUT ROWID;"
    /* the read log (readlog.c) */
    "CREATE TABLE IF NOT EXISTS read_log ("
    " n INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " action TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " prev BLOB NOT NULL CHECK (length(prev) = 32),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32));"
    /* the audit checkpoint (auditcp.c) */
    "CREATE TABLE IF NOT EXISTS audit_checkpoint ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " size INTEGER NOT NULL,"
    " root BLOB NOT NULL,"
    " time INTEGER NOT NULL,"
    " pk BLOB NOT NULL);"
    /* the server generation (restore.h) the checkpoint was taken in */
    "CREATE TABLE IF NOT EXISTS audit_checkpoint_gen ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " generation INTEGER NOT NULL);"
    /* the read log upload (auditcp.c) */
    "CREATE TABLE IF NOT EXISTS audit_reads_sent ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " n INTEGER NOT NULL);"
    /* break-the-glass notices seen (glass.c) */
    "CREATE TABLE IF NOT EXISTS glass_seen ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " after INTEGER NOT NULL);";

/*
 * Version 2: the regisseur's name in the case metadata (CaseInfo); the
 * caseload reads records of a few kinds (db_record_list_kinds) without
 * going through every journal entry.
 */
static const char db_schema_v2[] =
    "ALTER TABLE case_meta ADD COLUMN regisseur TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX IF NOT EXISTS records_kind ON records(kind, case_id);";

/*
 * Version 3: a read that concerned one child of the case names the child
 * (its person record_id) in the read log; "" for the whole case file.
 */
static const char db_schema_v3[] =
    "ALTER TABLE read_log ADD COLUMN child_id TEXT NOT NULL DEFAULT '';";

/*
 * Version 4: the measures per child of each case as the server last
 * said (CaseInfo.measures; case_meta.c): server-visible metadata only,
 * the child as its person record's id.
 */
static const char db_schema_v4[] =
    "CREATE TABLE IF NOT EXISTS case_measures ("
    " case_id TEXT NOT NULL,"
    " measure_id INTEGER NOT NULL,"
    " child_id TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " decision_date INTEGER NOT NULL,"
    " start_date INTEGER NOT NULL,"
    " end_date INTEGER NOT NULL,"
    " ended_on INTEGER,"
    " extensions INTEGER NOT NULL,"
    " record_id TEXT NOT NULL,"
    " PRIMARY KEY (case_id, measure_id)) WITHOUT ROWID;";

/*
 * Version 5: who wrote a record and when (db_author.c): the server's
 * word (the user of its first version, the server times of its first
 * and last version, the user of its last) and the time of the last
 * local edit, for a record written here and not yet synced.
 */
static const char db_schema_v5[] =
    "CREATE TABLE IF NOT EXISTS record_author ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " case_id TEXT NOT NULL,"
    " created_by TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL DEFAULT 0,"
    " changed_by TEXT NOT NULL DEFAULT '',"
    " changed_at INTEGER NOT NULL DEFAULT 0,"
    " local_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS record_author_case ON"
    " record_author(case_id);";

/*
 * Version 6: when a GESLOTEN case closed and until when the server
 * keeps it (CaseInfo.closed_on, retention_until; issue 18), days.
 */
static const char db_schema_v6[] =
    "ALTER TABLE case_meta ADD COLUMN closed_on INTEGER;"
    "ALTER TABLE case_meta ADD COLUMN retention_until INTEGER;";

/*
 * Version 7: which outbox rows may have reached the server ("sent",
 * db.c) is the seq of each in outbox_sent, written once per batch taken
 * (a few small pages), instead of the outbox row's own column, which
 * rewrote every row taken (its 1 KiB body with it) before the push
 * deleted it; a row's mark goes with the row (the trigger).  The column
 * stays as it was and is no longer read or written.
 */
static const char db_schema_v7[] =
    "CREATE TABLE IF NOT EXISTS outbox_sent ("
    " seq INTEGER PRIMARY KEY);"
    "INSERT OR IGNORE INTO outbox_sent(seq) SELECT seq FROM outbox"
    " WHERE sent = 1;"
    "CREATE TRIGGER IF NOT EXISTS outbox_sent_gone AFTER DELETE ON outbox"
    " BEGIN DELETE FROM outbox_sent WHERE seq = old.seq; END;";

/*
 * Version 8: an outbox row queued with its record's own body borrows it
 * instead of copying it (db_queue): its 1 KiB is not written into the
 * outbox, read from it when taken and rewritten (secure_delete) when
 * the push's answer deletes it.  A borrowed row holds an empty body;
 * before the record's body changes, db_outbox_unborrow() copies it
 * into the record's borrowed rows (borrowed 0), so a change keeps the
 * content it was queued and sent with.  That is done in C by the two
 * writers of a record that may have outbox rows, not by triggers on
 * records: those (branch outbox, taken out again) made every pulled
 * record's upsert some 7 us dearer.  Rows from before keep their bodies
 * (borrowed 0).
 */
static const char db_schema_v8[] =
    "ALTER TABLE outbox ADD COLUMN borrowed INTEGER NOT NULL DEFAULT 0;";

const struct db_migration db_migrations[] = {
	{ 1, db_schema_v1 },
	{ 2, db_schema_v2 },
	{ 3, db_schema_v3 },
	{ 4, db_schema_v4 },
	{ 5, db_schema_v5 },
	{ 6, db_schema_v6 },
	{ 7, db_schema_v7 },
	{ 8, db_schema_v8 },
};
const size_t db_nmigrations = sizeof(db_migrations) /
    sizeof(db_migrations[0]);

int
db_schema_version(sqlite3 *db, int *v)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*v = 0;
	if ((ret = db_prep(db, "PRAGMA user_version", &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*v = sqlite3_column_int(s, 0);
		ret = 0;
	} else
		log_warnx("db: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return ret;
}

static int
db_schema_newer(int v)
{
	int	known = db_migrations[db_nmigrations - 1].version;

	if (v <= known)
		return 0;
	log_warnx("the local database has schema version %d; this casesync"
	    " knows versions up to %d: use a newer casesync", v, known);
	return 1;
}

/* Apply migration "m" to a database of an older version. */
static int
db_migrate_one(sqlite3 *db, const struct db_migration *m, int intx)
{
	char	stamp[64];
	int	v, ret;

	if ((ret = db_exec(db, intx ? "SAVEPOINT db_migrate" :
	    "BEGIN IMMEDIATE")) != 0)
		return ret;
	/* another process may have migrated before we took the lock */
	if ((ret = db_schema_version(db, &v)) != 0)
		goto fail;
	if (db_schema_newer(v)) {
		ret = CS_ERR_FORMAT;
		goto fail;
	}
	if (v < m->version) {
		(void)snprintf(stamp, sizeof(stamp), "PRAGMA user_version = %d",
		    m->version);
		if ((ret = db_exec(db, m->sql)) != 0 ||
		    (ret = db_exec(db, stamp)) != 0)
			goto fail;
	}
	if ((ret = db_exec(db, intx ? "RELEASE db_migrate" : "COMMIT")) != 0)
		goto fail;
	return 0;
 fail:
	if (intx)
		(void)sqlite3_exec(db, "ROLLBACK TO db_migrate;"
		    " RELEASE db_migrate", NULL, NULL, NULL);
	else
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

int
db_migrate(sqlite3 *db)
{
	size_t	i;
	int	v, ret, intx;

	if ((ret = db_schema_version(db, &v)) != 0)
		return ret;
	if (db_schema_newer(v))
		return CS_ERR_FORMAT;
	intx = !sqlite3_get_autocommit(db);
	for (i = 0; i < db_nmigrations; i++) {
		if (db_migrations[i].version <= v)
			continue;
		if ((ret = db_migrate_one(db, &db_migrations[i], intx)) != 0)
			return ret;
		log_debug("db: schema version %d", db_migrations[i].version);
	}
	return 0;
}

int
db_init(sqlite3 *db)
{
	int	ret;

	/* per connection, not stored: deleted rows are overwritten */
	if ((ret = db_exec(db, "PRAGMA secure_delete = ON")) != 0)
		return ret;
	return db_migrate(db);
}
