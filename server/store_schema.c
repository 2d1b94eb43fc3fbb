/* SPDX-License-Identifier: ISC */
/*
 * store_schema.c - the server database's schema and its migrations
 * (see store_int.h, docs/ARCHITECTURE.md "The server store").
 *
 * The schema has a version, SQLite's PRAGMA user_version, and a list
 * of numbered migrations; store_open() applies those above the
 * database's version in order, each in a transaction of its own that
 * also sets the new version, so a crash leaves a database at one
 * version or the next.  Version 1 is the schema as it was before it
 * had a version: a database made then has user_version 0 and all of
 * it, and version 1 is written so that running it there changes
 * nothing (IF NOT EXISTS, INSERT OR IGNORE): it is only stamped.  A
 * database of a newer version than this program knows is refused.
 *
 * Adding a migration: append an entry with the next number whose SQL
 * takes a database of the version before to the new one (ALTER TABLE,
 * CREATE TABLE ..., data moved with INSERT ... SELECT); never edit an
 * entry that has been released.  ADD IT TO BOTH LISTS: PostgreSQL has
 * its own (store_schema_pg.c, DESIGN §11), whose first entry is this
 * schema at version 9; the same number there, in its dialect (BIGINT,
 * BYTEA, identity keys, triggers as PL/pgSQL functions).  Both lists
 * must end at the same version: store_open() refuses a PostgreSQL
 * database otherwise (an SQLite one opens), and test_store_schema
 * fails.
 *
 * On PostgreSQL the version is the row of casesync_schema, and every
 * migration step takes an advisory lock first, so instances started
 * together migrate once.
 */
#include <stdio.h>
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_keys_int.h"
#include "store_schema_int.h"

/* The grants of key_grants matching "cond" whose user holds no more. */
#define FORGET_WHERE(cond)						\
    " WHERE " cond " AND key_grants.to_user <> 0 AND NOT "		\
    STORE_KEYS_IS_HOLDER("key_grants.case_id", "key_grants.to_user")

#define FORGET_MOVE(why, where)						\
    " INSERT INTO key_forgotten(case_id, epoch, user_id, from_user,"	\
    " at, why) SELECT case_id, epoch, to_user, from_user,"		\
    " CAST(strftime('%s', 'now') AS INTEGER), '" why "'"		\
    " FROM key_grants" where ";"					\
    " DELETE FROM key_grants" where ";"

/* Forget the grants matching "cond" of users who hold no more. */
#define FORGET(cond)	FORGET_MOVE("holder", FORGET_WHERE(cond))

/*
 * Version 1's triggers, apart: casesync keeps the rules in them (the
 * audit log is append-only; keys rotate and grants are forgotten when a
 * holder leaves), and store_open() makes them again if one is missing
 * (store_schema_guard).
 */
static const char store_schema_v1_triggers[] =
    /* audit log (store_audit.c) */
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON"
    " audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON"
    " audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_cp_no_update BEFORE UPDATE ON"
    " audit_checkpoints BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_cp_no_delete BEFORE DELETE ON"
    " audit_checkpoints BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    /* keys (store_keys.c) */
    "CREATE TRIGGER IF NOT EXISTS key_rotate_member AFTER DELETE ON"
    " case_members BEGIN UPDATE key_state SET rotate = 1 WHERE"
    " case_id = old.case_id; END;"
    "CREATE TRIGGER IF NOT EXISTS key_rotate_transfer AFTER UPDATE OF"
    " state ON transfers WHEN new.state <> old.state AND new.state IN"
    " ('REJECTED', 'REVOKED', 'COMPLETED') BEGIN UPDATE key_state SET"
    " rotate = 1 WHERE case_id = new.case_id; END;"
    /* forgotten grants (store_keys_forget.c) */
    "CREATE TRIGGER IF NOT EXISTS key_forget_member AFTER DELETE ON"
    " case_members BEGIN"
    FORGET("key_grants.case_id = old.case_id AND"
    " key_grants.to_user = old.user_id")
    " END;"
    "CREATE TRIGGER IF NOT EXISTS key_forget_office AFTER UPDATE OF"
    " office_id ON cases WHEN new.office_id <> old.office_id BEGIN"
    FORGET("key_grants.case_id = new.id")
    " END;"
    "CREATE TRIGGER IF NOT EXISTS key_forget_transfer AFTER UPDATE OF"
    " state ON transfers WHEN new.state <> old.state BEGIN"
    FORGET("key_grants.case_id = new.case_id")
    " END;"
    /*
     * A device deleted the case, keys included, while its user may
     * still hold it (a teamleider of the office removed as a member):
     * her grants go, and a holder grants them again.  With several
     * devices each receipt does so once more; the last one settles it.
     */
    "CREATE TRIGGER IF NOT EXISTS key_forget_purge AFTER UPDATE OF"
    " receipt_at ON purges WHEN new.receipt_at IS NOT NULL AND"
    " old.receipt_at IS NULL BEGIN"
    FORGET_MOVE("purge", " WHERE key_grants.case_id = new.case_id AND"
    " key_grants.to_user = (SELECT user_id FROM devices WHERE"
    " id = new.device_id)")
    " END;"
    "CREATE TRIGGER IF NOT EXISTS key_forget_user AFTER UPDATE OF"
    " role, office_id ON users BEGIN"
    FORGET("key_grants.to_user = new.id")
    " END;";

/* Version 1: the schema as store_open() made it before versions. */
static const char store_schema_v1[] =
    "CREATE TABLE IF NOT EXISTS meta ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS offices ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " region TEXT);"
    "CREATE TABLE IF NOT EXISTS users ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('jeugdbeschermer',"
    "  'gedragswetenschapper', 'teamleider', 'auditor', 'beheerder')),"
    " office_id INTEGER NOT NULL REFERENCES offices(id));"
    "CREATE TABLE IF NOT EXISTS enroll_tokens ("
    " id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 8),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " device_name TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER,"
    " failures INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS devices ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " name TEXT NOT NULL,"
    " keyhash BLOB NOT NULL UNIQUE CHECK (length(keyhash) = 32),"
    " enrolled_at INTEGER NOT NULL,"
    " cert_not_after INTEGER NOT NULL,"
    " revoked_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS devices_user ON devices(user_id);"
    "CREATE TABLE IF NOT EXISTS enroll_failures ("
    " addr TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS enroll_failures_addr_at ON"
    " enroll_failures(addr, at);"
    /* sync (store_sync.c) */
    "CREATE TABLE IF NOT EXISTS cases ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " frame TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'AANMELDING',"
    " regisseur_id INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL,"
    " created_seq INTEGER NOT NULL,"
    /* lifecycle (store_cases.c): dates in days since 1970-01-01
     * (lifecycle.h), NULL for none; state_since NULL: created_at */
    " state_since INTEGER, drang_start INTEGER, measure_start INTEGER,"
    " end_date INTEGER, extended INTEGER NOT NULL DEFAULT 0,"
    " approved_by INTEGER REFERENCES users(id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS case_members ("
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " granted_seq INTEGER NOT NULL,"
    " read_only INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (user_id, case_id)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX IF NOT EXISTS case_members_granted ON"
    " case_members(user_id, granted_seq);"
    "CREATE INDEX IF NOT EXISTS case_members_case ON"
    " case_members(case_id);"
    "CREATE TABLE IF NOT EXISTS records ("
    " rid INTEGER PRIMARY KEY,"
    " record_id TEXT NOT NULL UNIQUE,"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " kind TEXT NOT NULL,"
    " version INTEGER NOT NULL UNIQUE,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " author_device INTEGER NOT NULL,"
    " hlc INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS records_case ON records(case_id);"
    "CREATE TABLE IF NOT EXISTS changes ("
    " change_id TEXT PRIMARY KEY NOT NULL,"
    " device_id INTEGER NOT NULL,"
    " record_id TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS purges ("
    " device_id INTEGER NOT NULL,"
    " case_id TEXT NOT NULL,"
    " created_seq INTEGER NOT NULL,"
    " receipt_at INTEGER,"
    " records_deleted INTEGER,"
    " PRIMARY KEY (device_id, case_id)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', 1),"
    " ('revocation_gen', 0), ('seq', 0);"
    /* audit log (store_audit.c) */
    "CREATE TABLE IF NOT EXISTS audit_log ("
    " idx INTEGER PRIMARY KEY,"
    " server_time INTEGER NOT NULL,"
    " device_time INTEGER NOT NULL,"
    " action TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " outcome TEXT NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " user TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " office TEXT NOT NULL,"
    " on_behalf_of TEXT NOT NULL,"
    " purpose TEXT NOT NULL,"
    " basis TEXT NOT NULL,"
    " legal_basis TEXT NOT NULL,"
    " client_ref TEXT NOT NULL,"
    " object_type TEXT NOT NULL,"
    " object_id TEXT NOT NULL,"
    " device_id INTEGER NOT NULL,"
    " addr TEXT NOT NULL,"
    " detail TEXT NOT NULL,"
    " leaf BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS audit_log_client ON audit_log(client_ref);"
    "CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user);"
    "CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log(server_time);"
    /* every perfect subtree of the tree, for proofs in O(log n) */
    "CREATE TABLE IF NOT EXISTS audit_nodes ("
    " a INTEGER NOT NULL, n INTEGER NOT NULL,"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " PRIMARY KEY (n, a)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS audit_state ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " size INTEGER NOT NULL,"
    " frontier BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit_checkpoints ("
    " id INTEGER PRIMARY KEY,"
    " size INTEGER NOT NULL,"
    " root BLOB NOT NULL,"
    " at INTEGER NOT NULL,"
    " pk BLOB NOT NULL,"
    " sig BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit_readlog ("
    " device_id INTEGER PRIMARY KEY,"
    " last_n INTEGER NOT NULL,"
    " last_hash BLOB NOT NULL,"
    " last_sig BLOB NOT NULL);"
    "INSERT OR IGNORE INTO audit_state(id, size, frontier)"
    " VALUES (1, 0, x'');"
    /* transfers and glass (store_transfer.c, store_glass.c) */
    "CREATE TABLE IF NOT EXISTS transfers ("
    " id INTEGER PRIMARY KEY,"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " state TEXT NOT NULL CHECK (state IN ('REQUESTED', 'ACCEPTED',"
    "  'REJECTED', 'REVOKED', 'COMPLETED')),"
    " reason TEXT NOT NULL CHECK (reason IN ('moved', 'capacity',"
    "  'expertise', 'other')),"
    " note TEXT NOT NULL,"
    " from_office_id INTEGER NOT NULL REFERENCES offices(id),"
    " to_office_id INTEGER NOT NULL REFERENCES offices(id),"
    " requested_by INTEGER NOT NULL REFERENCES users(id),"
    " requested_at INTEGER NOT NULL,"
    " decided_by INTEGER REFERENCES users(id),"
    " decided_at INTEGER,"
    " rejection TEXT,"
    " new_regisseur_id INTEGER REFERENCES users(id),"
    " window_end INTEGER,"
    " expired_at INTEGER,"
    " completed_at INTEGER);"
    "CREATE UNIQUE INDEX IF NOT EXISTS transfers_open ON transfers(case_id)"
    " WHERE state = 'REQUESTED';"
    "CREATE INDEX IF NOT EXISTS transfers_accepted ON"
    " transfers(window_end) WHERE state = 'ACCEPTED';"
    "CREATE TABLE IF NOT EXISTS transfer_purges ("
    " transfer_id INTEGER NOT NULL REFERENCES transfers(id),"
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " PRIMARY KEY (transfer_id, device_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS glass ("
    " id INTEGER PRIMARY KEY,"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " case_office_id INTEGER NOT NULL REFERENCES offices(id),"
    " reason TEXT NOT NULL,"
    " granted_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " ended_at INTEGER);"
    "CREATE TABLE IF NOT EXISTS access_expiry ("
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " expires_at INTEGER NOT NULL,"
    " transfer_id INTEGER REFERENCES transfers(id),"
    " glass_id INTEGER REFERENCES glass(id),"
    " PRIMARY KEY (user_id, case_id)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS access_expiry_at ON"
    " access_expiry(expires_at);"
    /* keys (store_keys.c) */
    "CREATE TABLE IF NOT EXISTS user_keys ("
    " user_id INTEGER PRIMARY KEY REFERENCES users(id),"
    " box_pk BLOB NOT NULL CHECK (length(box_pk) = 32),"
    " sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32),"
    " issued INTEGER NOT NULL,"
    " ca_sig BLOB NOT NULL,"
    " backup BLOB);"
    "CREATE TABLE IF NOT EXISTS recovery_key ("
    " id INTEGER PRIMARY KEY CHECK (id = 0),"
    " box_pk BLOB NOT NULL CHECK (length(box_pk) = 32),"
    " sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32),"
    " issued INTEGER NOT NULL,"
    " ca_sig BLOB NOT NULL,"
    " k INTEGER NOT NULL,"
    " n INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS key_state ("
    " case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases(id),"
    " epoch INTEGER NOT NULL,"
    " rotate INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS key_grants ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " epoch INTEGER NOT NULL,"
    " to_user INTEGER NOT NULL,"		/* 0: the recovery key */
    " from_user TEXT NOT NULL,"
    " sealed BLOB NOT NULL CHECK (length(sealed) = 80),"
    " sig BLOB NOT NULL CHECK (length(sig) = 64),"
    " at INTEGER NOT NULL,"
    " UNIQUE (case_id, epoch, to_user));"
    "CREATE INDEX IF NOT EXISTS key_grants_to ON key_grants(to_user, id);"
    /* forgotten grants (store_keys_forget.c) */
    "CREATE TABLE IF NOT EXISTS key_forgotten ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_id TEXT NOT NULL,"
    " epoch INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " from_user TEXT NOT NULL,"
    " at INTEGER NOT NULL,"
    " why TEXT NOT NULL CHECK (why IN ('holder', 'purge')),"
    " audited INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS key_forgotten_held ON"
    " key_forgotten(case_id, user_id, epoch);"
    "CREATE INDEX IF NOT EXISTS key_forgotten_unaudited ON"
    " key_forgotten(id) WHERE audited = 0;"
    /* late changes (store_late.c) */
    "CREATE TABLE IF NOT EXISTS device_pushes ("
    " device_id INTEGER PRIMARY KEY,"
    " at_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS late_window ("
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " transfer_id INTEGER NOT NULL,"
    " lost_ms INTEGER NOT NULL,"
    " floor_ms INTEGER NOT NULL,"
    " until INTEGER NOT NULL,"
    " PRIMARY KEY (device_id, case_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS held_changes ("
    " id INTEGER PRIMARY KEY,"
    " change_id TEXT NOT NULL UNIQUE,"
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " case_id TEXT NOT NULL,"
    " record_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " base_version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL,"
    " held_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'held' CHECK (state IN ('held',"
    "  'accepted', 'discarded')),"
    " decided_by TEXT,"
    " decided_at INTEGER,"
    " reason TEXT,"
    " version INTEGER);"
    "CREATE INDEX IF NOT EXISTS held_changes_device ON"
    " held_changes(device_id, state);"
    "CREATE TABLE IF NOT EXISTS purge_holds ("
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " case_id TEXT NOT NULL,"
    " held_at INTEGER NOT NULL,"
    " changes INTEGER NOT NULL,"
    " PRIMARY KEY (device_id, case_id)) WITHOUT ROWID;"
    /* PullResponse.case_access: an index probe per pull */
    "CREATE INDEX IF NOT EXISTS case_members_read_only ON"
    " case_members(user_id) WHERE read_only = 1;"
    /* certificate renewal (store_renew.c) */
    "CREATE TABLE IF NOT EXISTS device_renewals ("
    " id INTEGER PRIMARY KEY,"
    " keyhash BLOB NOT NULL UNIQUE CHECK (length(keyhash) = 32),"
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " cert_not_after INTEGER NOT NULL,"
    " issued_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS device_renewals_device"
    " ON device_renewals(device_id);"
    "CREATE TABLE IF NOT EXISTS renew_tokens ("
    " id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 8),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER,"
    " failures INTEGER NOT NULL DEFAULT 0);"
    /* restore (store_restore.c) */
    "CREATE TABLE IF NOT EXISTS restore_records ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " version INTEGER NOT NULL,"
    " lost_version INTEGER NOT NULL) WITHOUT ROWID;"
    /* key epochs the re-offers of a user use beyond the server's */
    "CREATE TABLE IF NOT EXISTS restore_epochs ("
    " case_id TEXT NOT NULL,"
    " epoch INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " PRIMARY KEY (case_id, epoch, user_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS audit_restores ("
    " generation INTEGER PRIMARY KEY,"
    " backup_time INTEGER NOT NULL,"
    " backup_size INTEGER NOT NULL,"
    " backup_root BLOB NOT NULL CHECK (length(backup_root) = 32),"
    " old_size INTEGER NOT NULL,"
    " old_root BLOB NOT NULL CHECK (length(old_root) = 32),"
    " restored_at INTEGER NOT NULL,"
    " restore_seq INTEGER NOT NULL,"
    " sig BLOB NOT NULL CHECK (length(sig) = 64));"
    "CREATE TABLE IF NOT EXISTS audit_lost ("
    " generation INTEGER NOT NULL,"
    " idx INTEGER NOT NULL,"
    " leaf BLOB NOT NULL CHECK (length(leaf) = 32),"
    " PRIMARY KEY (generation, idx)) WITHOUT ROWID;";

/*
 * Version 2: device_counters (store_rollback.c), which was created on
 * first use before; a database of version 1 may have it already.
 */
static const char store_schema_v2[] =
    "CREATE TABLE IF NOT EXISTS device_counters ("
    " device_id INTEGER PRIMARY KEY REFERENCES devices(id),"
    " counter INTEGER NOT NULL CHECK (counter > 0),"
    " rollback_at INTEGER);";

/*
 * Version 3: a user is disabled or removed (casesyncctl user disable,
 * remove) rather than deleted, so the audit log's names keep meaning;
 * the audit log is indexed by device for `device list`'s last seen.
 */
static const char store_schema_v3[] =
    "ALTER TABLE users ADD COLUMN disabled_at INTEGER;"
    "ALTER TABLE users ADD COLUMN removed_at INTEGER;"
    /* a device's newest login (store_device_last_seen) */
    "CREATE INDEX IF NOT EXISTS audit_log_device ON"
    " audit_log(device_id, type);";

/*
 * Version 4: court measures per child (store_measures.c).  The child
 * is the record_id of its person record; type and dates as measure.h
 * (days since 1970-01-01); record_id names the sealed measure record
 * with court and zaaknummer.
 */
static const char store_schema_v4[] =
    "CREATE TABLE IF NOT EXISTS child_measures ("
    " id INTEGER PRIMARY KEY,"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " child_id TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " decision_date INTEGER NOT NULL,"
    " start_date INTEGER NOT NULL,"
    " end_date INTEGER NOT NULL,"
    " ended_on INTEGER,"
    " extensions INTEGER NOT NULL DEFAULT 0,"
    " record_id TEXT NOT NULL,"
    " created_by INTEGER NOT NULL REFERENCES users(id),"
    " created_device INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " changed_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS child_measures_case ON"
    " child_measures(case_id);";

/*
 * Version 5: what a sync session reads costs what the user's cases
 * hold, not what the server holds.  A pull reads each of her cases by
 * version (the changes above the cursor, store_sync.c; author_device
 * lets it pass the device's own changes without reading their rows);
 * the key round finds the team leads of an office, a lead's cases, a
 * case's transfers and those towards an office by index
 * (STORE_KEYS_HOLD, store_key_needs, store_grants_to) instead of
 * scanning every user, case and transfer; the newest audit checkpoint
 * is an index end.
 */
static const char store_schema_v5[] =
    "CREATE INDEX IF NOT EXISTS records_case_version ON"
    " records(case_id, version, author_device);"
    "CREATE INDEX IF NOT EXISTS users_office_role ON"
    " users(office_id, role);"
    "CREATE INDEX IF NOT EXISTS cases_office ON cases(office_id);"
    "CREATE INDEX IF NOT EXISTS transfers_case ON transfers(case_id);"
    "CREATE INDEX IF NOT EXISTS transfers_to_office ON"
    " transfers(to_office_id);"
    "CREATE INDEX IF NOT EXISTS audit_checkpoints_size ON"
    " audit_checkpoints(size, id);";

/*
 * Version 6: who wrote a record, and when (docs/PROTOCOL.md, "Who wrote
 * it"): the device of its first version (its user is the record's
 * creator) and the server times of its first and last version.  Rows
 * from before have NULLs: sent as unknown (0).
 */
static const char store_schema_v6[] =
    "ALTER TABLE records ADD COLUMN created_device INTEGER;"
    "ALTER TABLE records ADD COLUMN created_at INTEGER;"
    "ALTER TABLE records ADD COLUMN changed_at INTEGER;";

/*
 * Version 7: approvals (server/store_approvals.c, DESIGN §2).  One row
 * per request; the decision fills the decided_* columns.  The reasons
 * stay in the dossier: record_id and decision_record_id name sealed
 * records.  end_date is in days since 1970-01-01 (lifecycle.h).  At
 * most one request of a kind waits per case.  approval_holds are the
 * read-only memberships a waiting request gave the teamleiders of the
 * office who were not members, removed when it is decided.  A case
 * closed through an approval keeps its closing reason.
 */
static const char store_schema_v7[] =
    "CREATE TABLE IF NOT EXISTS approvals ("
    " id INTEGER PRIMARY KEY,"
    " case_id TEXT NOT NULL REFERENCES cases(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('drang_extension',"
    " 'assessment_cosign', 'case_close')),"
    " state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting',"
    " 'approved', 'refused')),"
    " requested_by INTEGER NOT NULL REFERENCES users(id),"
    " requested_device INTEGER NOT NULL REFERENCES devices(id),"
    " requested_at INTEGER NOT NULL,"
    " record_id TEXT NOT NULL,"
    " end_date INTEGER,"
    " close_reason TEXT,"
    " decided_by INTEGER REFERENCES users(id),"
    " decided_device INTEGER REFERENCES devices(id),"
    " decided_at INTEGER,"
    " decision_record_id TEXT UNIQUE);"
    "CREATE UNIQUE INDEX IF NOT EXISTS approvals_waiting ON"
    " approvals(case_id, kind) WHERE state = 'waiting';"
    "CREATE INDEX IF NOT EXISTS approvals_case ON approvals(case_id);"
    "CREATE TABLE IF NOT EXISTS approval_holds ("
    " approval_id INTEGER NOT NULL REFERENCES approvals(id),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " PRIMARY KEY (approval_id, user_id)) WITHOUT ROWID;"
    "ALTER TABLE cases ADD COLUMN close_reason TEXT;";

/*
 * Version 8: closing and retention (issue 18; store_retention.c).  A
 * GESLOTEN case has the day it closed and the day after which it may
 * be destroyed; closed_purged_at: when its laptops were told to purge
 * it (closed_purge_days later).  A destroyed case leaves one signed
 * row in destructions and nothing else.
 */
static const char store_schema_v8[] =
    "ALTER TABLE cases ADD COLUMN closed_on INTEGER;"
    "ALTER TABLE cases ADD COLUMN retention_until INTEGER;"
    "ALTER TABLE cases ADD COLUMN closed_purged_at INTEGER;"
    "CREATE INDEX IF NOT EXISTS cases_closed_unpurged ON cases(closed_on)"
    " WHERE state = 'GESLOTEN' AND closed_purged_at IS NULL;"
    "CREATE INDEX IF NOT EXISTS cases_retention ON cases(retention_until)"
    " WHERE retention_until IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS destructions ("
    " case_id TEXT PRIMARY KEY NOT NULL,"
    " office TEXT NOT NULL,"
    " frame TEXT NOT NULL,"
    " closed_on INTEGER NOT NULL,"
    " retention_until INTEGER NOT NULL,"
    " destroyed_at INTEGER NOT NULL,"
    " records INTEGER NOT NULL,"
    " by_whom TEXT NOT NULL,"
    " pk BLOB NOT NULL CHECK (length(pk) = 32),"
    " sig BLOB NOT NULL CHECK (length(sig) = 64)) WITHOUT ROWID;";

/*
 * Version 9: casesyncctl report (store_report.c) finds when each drang
 * ended in the successful case_state entries of its case; without this
 * index it reads every audit entry of every drang case (each read of a
 * record is one), 50,000 cases: 364 ms of the report, with it 130 ms
 * (docs/BENCHMARKS.md, bench_report).
 */
static const char store_schema_v9[] =
    "CREATE INDEX IF NOT EXISTS audit_log_case_state ON"
    " audit_log(client_ref, server_time)"
    " WHERE type = 'case_state' AND outcome = 'success';";

static const struct store_migration store_migrations[] = {
	{ 1, store_schema_v1, store_schema_v1_triggers },
	{ 2, store_schema_v2, NULL },
	{ 3, store_schema_v3, NULL },
	{ 4, store_schema_v4, NULL },
	{ 5, store_schema_v5, NULL },
	{ 6, store_schema_v6, NULL },
	{ 7, store_schema_v7, NULL },
	{ 8, store_schema_v8, NULL },
	{ 9, store_schema_v9, NULL },
};

#define STORE_MIGRATIONS						\
	(sizeof(store_migrations) / sizeof(store_migrations[0]))

int
store_schema_current(void)
{
	return store_migrations[STORE_MIGRATIONS - 1].version;
}

/* The migrations of the database's backend. */
static const struct store_migration *
store_schema_list(struct store *st, size_t *n)
{
	if (sdb_backend(st->db) == SDB_POSTGRESQL)
		return store_schema_pg_list(n);
	*n = STORE_MIGRATIONS;
	return store_migrations;
}

int
store_schema_pg_current(void)
{
	const struct store_migration	*l;
	size_t				 n;

	l = store_schema_pg_list(&n);
	return l[n - 1].version;
}

/* PostgreSQL: 1 if the schema's version table is there. */
static int
store_schema_pg_made(struct store *st, int64_t *made)
{
	return store_do(st, "SELECT CASE WHEN to_regclass('casesync_schema')"
	    " IS NULL THEN 0 ELSE 1 END", made, "", NULL, NULL);
}

int
store_schema_version(struct store *st, int64_t *version)
{
	int64_t	made = 0;
	int	r;

	*version = 0;
	if (sdb_backend(st->db) != SDB_POSTGRESQL)
		return store_do(st, "PRAGMA user_version", version, "", NULL,
		    NULL);
	if ((r = store_schema_pg_made(st, &made)) != 0 || !made)
		return r;
	return store_do(st, "SELECT version FROM casesync_schema WHERE"
	    " id = 1", version, "", NULL, NULL);
}

/*
 * Apply migration "m" (whose predecessor is "prev", 0 for the first)
 * unless another connection did (its own tx).
 */
static int
store_schema_step(struct store *st, const struct store_migration *m,
    int prev)
{
	char	sql[96];
	int64_t	v;
	int	pg = sdb_backend(st->db) == SDB_POSTGRESQL, r;

	if ((r = store_begin(st)) != 0)
		return r;
	/*
	 * Under the write lock (PostgreSQL: store_begin's advisory lock):
	 * a concurrent open may have been first.
	 */
	if ((r = store_schema_version(st, &v)) != 0)
		goto out;
	if (v >= m->version)
		goto out;
	if (v != prev) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	(void)snprintf(sql, sizeof(sql), pg ? "UPDATE casesync_schema SET"
	    " version = %d WHERE id = 1" : "PRAGMA user_version = %d",
	    m->version);
	if ((r = store_exec(st, m->sql)) != 0 ||
	    (m->triggers != NULL && (r = store_exec(st, m->triggers)) != 0) ||
	    (r = store_exec(st, sql)) != 0)
		goto out;
	r = store_commit(st);
 out:
	store_rollback(st);
	return r;
}

/*
 * The triggers hold rules (the audit log is append-only, ...): one
 * dropped by hand is made again at the next open, as when the schema
 * was made on every open.  A probe, and the write lock only then.
 */
static int
store_schema_guard(struct store *st)
{
	const struct store_migration	*l;
	const char	*sql = NULL, *p, *word;
	int64_t		 want = 0, have = 0;
	size_t		 i, n;
	int		 pg = sdb_backend(st->db) == SDB_POSTGRESQL, r;

	l = store_schema_list(st, &n);
	for (i = 0; i < n; i++)
		if (l[i].triggers != NULL)
			sql = l[i].triggers;
	if (sql == NULL)
		return 0;
	word = pg ? "CREATE OR REPLACE TRIGGER" : "CREATE TRIGGER";
	for (p = sql; (p = strstr(p, word)) != NULL; p++)
		want++;
	if ((r = store_do(st, pg ? "SELECT count(*) FROM pg_trigger t JOIN"
	    " pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND"
	    " c.relnamespace = CAST(current_schema() AS regnamespace)" :
	    "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'",
	    &have, "", NULL, NULL)) != 0)
		return r;
	if (have >= want)
		return 0;
	return store_exec_tx(st, sql);
}

int
store_schema_migrate(struct store *st, const char *path, int created)
{
	const struct store_migration	*l;
	int64_t	v, meta = 0;
	size_t	i, n;
	int	r, prev;

	/* SQLite opens regardless; test_store_schema says it on both */
	if (sdb_backend(st->db) == SDB_POSTGRESQL &&
	    store_schema_pg_current() != store_schema_current()) {
		log_warnx("store: the PostgreSQL schema (version %d) is not "
		    "the SQLite one's (%d): a migration is missing from "
		    "store_schema_pg.c", store_schema_pg_current(),
		    store_schema_current());
		return CS_ERR_INTERNAL;
	}
	if ((r = store_schema_version(st, &v)) != 0)
		return r;
	if (v == store_schema_current())
		return store_schema_guard(st);
	if (v > store_schema_current() || v < 0) {
		log_warnx("store: %s: schema version %lld is newer than this "
		    "program knows (%d): refusing to open it; run the "
		    "casesync version that wrote it, or a newer one", path,
		    (long long)v, store_schema_current());
		return CS_ERR_DB;
	}
	/* version 0 and not new: made before versions, or not ours */
	if (v == 0 && !created && (sdb_backend(st->db) == SDB_POSTGRESQL ||
	    (r = store_do(st, "SELECT count(*) FROM"
	    " sqlite_schema WHERE type = 'table' AND name = 'meta'", &meta,
	    "", NULL, NULL)) != 0 || meta != 1)) {
		if (r == 0)
			log_warnx("store: %s: not a casesync database", path);
		return r == 0 ? CS_ERR_DB : r;
	}
	l = store_schema_list(st, &n);
	for (i = 0, prev = 0; i < n; prev = l[i].version, i++) {
		if (l[i].version <= v)
			continue;
		if ((r = store_schema_step(st, &l[i], prev)) != 0) {
			log_warnx("store: %s: migration to schema version %d "
			    "failed", path, l[i].version);
			return r;
		}
	}
	return store_schema_guard(st);
}
