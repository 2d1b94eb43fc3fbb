/* SPDX-License-Identifier: ISC */
/*
 * store_restore.c - SQL of backups, restores and re-offers (see
 * store_restore.h).  The tables are created with IF NOT EXISTS on every
 * open, like the audit tables, so a database from before restores were
 * possible gets them on its first open.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sdb.h"

#include "audit_entry.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_audit.h"
#include "store_int.h"
#include "store_restore.h"
#include "util.h"

#define STORE_BACKUP_BUSY_MS	60000	/* a copy waits this long at most */

/* meta(key), 0 when the key is not there. */
static int
store_meta0(struct store *st, const char *key, int64_t *v)
{
	int	r = store_meta_get(st, key, v);

	return r == CS_ERR_NOT_FOUND ? 0 : r;
}

static int
store_meta_put(struct store *st, const char *key, int64_t v)
{
	const char	*t[1] = { key };

	return store_do(st, "INSERT INTO meta(key, value) VALUES (?1, ?2)"
	    " ON CONFLICT(key) DO UPDATE SET value = ?2", NULL, "ti",
	    (const int64_t[]){ v }, t);
}

/*
 * The run of the server and, with "seq", the seq counter: one
 * statement (one round trip on PostgreSQL, one snapshot) where there
 * were four.  A key not there is 0, except the seq, which must be.
 */
static const char store_gen_sql[] = "SELECT key, value FROM meta WHERE"
    " key IN ('generation', 'restore_seq', 'restored_backup_at', 'seq')";

int
store_generation_send(struct store *st)
{
	struct sdb_stmt	*s;

	store_generation_drop(st);
	if ((s = store_cached(st, STORE_STMT_GEN, store_gen_sql)) == NULL ||
	    sdb_send(s) != 0)
		return CS_ERR_DB;
	st->gen_sent = 1;
	return 0;
}

void
store_generation_drop(struct store *st)
{
	if (st->gen_sent && st->stmts[STORE_STMT_GEN] != NULL)
		sdb_reset(st->stmts[STORE_STMT_GEN]);
	st->gen_sent = 0;
}

static int
store_generation_q(struct store *st, struct store_gen *g, int64_t *seq)
{
	struct sdb_stmt	*s;
	const char	*k;
	int64_t		 v;
	int		 rc, r = CS_ERR_DB, have_seq = 0;

	memset(g, 0, sizeof(*g));
	/* the answer to a read sent ahead, or the read now */
	s = st->gen_sent ? st->stmts[STORE_STMT_GEN] :
	    store_cached(st, STORE_STMT_GEN, store_gen_sql);
	st->gen_sent = 0;
	if (s == NULL)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if ((k = (const char *)sdb_column_text(s, 0)) == NULL)
			goto out;
		v = sdb_column_int64(s, 1);
		if (strcmp(k, "generation") == 0)
			g->generation = v;
		else if (strcmp(k, "restore_seq") == 0)
			g->restore_seq = v;
		else if (strcmp(k, "restored_backup_at") == 0)
			g->backup_time = v;
		else if (strcmp(k, "seq") == 0) {
			if (seq != NULL)
				*seq = v;
			have_seq = 1;
		}
	}
	if (rc != SDB_DONE || (seq != NULL && !have_seq))
		goto out;
	r = 0;
 out:
	if (r != 0)
		memset(g, 0, sizeof(*g));
	r = store_done(st, NULL, r, __func__);
	if (s != NULL)
		sdb_reset(s);
	return r;
}

int
store_generation(struct store *st, struct store_gen *g)
{
	store_generation_drop(st);
	return store_generation_q(st, g, NULL);
}

int
store_generation_seq(struct store *st, struct store_gen *g, int64_t *seq)
{
	*seq = 0;
	return store_generation_q(st, g, seq);
}

int
store_backup_copy(struct store *st, const char *path)
{
	const struct timespec	 step = { 0, 10 * 1000000L };
	sqlite3			*dst = NULL;
	sqlite3_backup		*b = NULL;
	unsigned		 waited = 0;
	int			 fd, rc = 0, r = CS_ERR_DB, made = 0;

	/* SQLite's online backup; PostgreSQL has pg_basebackup (ADMIN.md) */
	if (sdb_sqlite(st->db) == NULL)
		return cs_cause_text(CS_ERR_STATE, "the database is "
		    "PostgreSQL: use pg_basebackup");
	/* the file exists before SQLite sees it: ours, mode 0600 */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		/* the caller says it, with the cause (errors.h) */
		return errno == EEXIST ? CS_ERR_EXISTS : cs_sys();
	}
	close(fd);
	made = 1;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != 0)
		goto out;
	if ((b = sqlite3_backup_init(dst, "main", sdb_sqlite(st->db),
	    "main")) == NULL)
		goto out;
	/*
	 * All pages in one step: one read transaction on the source, so the
	 * copy is the database at one instant.  In WAL mode the server's
	 * writers go on meanwhile; only a checkpoint in progress can make
	 * the step busy, and then it is tried again.
	 */
	for (;;) {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_DONE)
			break;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    waited >= STORE_BACKUP_BUSY_MS)
			goto out;
		nanosleep(&step, NULL);
		waited += 10;
	}
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != 0)
		goto out;
	/* one self-contained file */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != 0)
		goto out;
	r = 0;
 out:
	if (r != 0 && dst != NULL) {
		/*
		 * The cause for the caller's message (errors.h): a step's
		 * error is the backup's, not the handle's; SQLITE_FULL is
		 * a full disk ("no space left on device").
		 */
		if (rc == 0)
			rc = sqlite3_errcode(dst);
		if (sqlite3_system_errno(dst) != 0)
			(void)cs_cause(CS_ERR_DB, sqlite3_system_errno(dst));
		else if (rc == SQLITE_FULL)
			(void)cs_cause(CS_ERR_DB, ENOSPC);
		else
			(void)cs_cause_text(CS_ERR_DB, sqlite3_errstr(rc));
		cs_cause_at(path);
	}
	if (b != NULL)
		(void)sqlite3_backup_finish(b);
	if (dst != NULL && sqlite3_close(dst) != 0 && r == 0)
		r = CS_ERR_DB;
	if (r != 0 && made)
		(void)unlink(path);
	return r;
}

int
store_backup_stamp(struct store *st, int64_t now)
{
	return store_meta_put(st, "backup_at", now);
}

int
store_backup_time(struct store *st, int64_t *at)
{
	return store_meta0(st, "backup_at", at);
}

int
store_integrity(struct store *st, char *msg, size_t msglen)
{
	struct sdb_stmt	*s = NULL;
	int		 r;

	msg[0] = '\0';
	/* SQLite's check of its file; PostgreSQL checks its own pages */
	if (sdb_sqlite(st->db) == NULL) {
		(void)str_fmt(msg, msglen, "not on PostgreSQL (pg_amcheck)");
		return CS_ERR_STATE;
	}
	if ((r = store_prepare(st, "PRAGMA integrity_check", &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_step(s) == SDB_ROW &&
	    store_col_text(s, 0, msg, msglen) == 0 && strcmp(msg, "ok") == 0)
		r = 0;
	sdb_finalize(s);
	return r;
}

int
store_restore_apply(struct store *st, const struct store_restore *rs,
    const uint8_t (*lost)[MERKLE_HASH_LEN], uint64_t nlost,
    struct audit_entry *e)
{
	const struct checkpoint_restore	*c = &rs->r;
	struct sdb_stmt			*s = NULL;
	uint64_t			 i;
	int				 r;

	if (c->generation > INT64_MAX || c->backup_size > INT64_MAX ||
	    c->old_size > INT64_MAX || c->restore_seq > INT64_MAX ||
	    nlost > INT64_MAX - c->backup_size)
		return CS_ERR_FORMAT;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_meta_put(st, "generation",
	    (int64_t)c->generation)) != 0 ||
	    (r = store_meta_put(st, "restore_seq",
	    (int64_t)c->restore_seq)) != 0 ||
	    (r = store_meta_put(st, "restored_backup_at",
	    c->backup_time)) != 0)
		goto fail;
	r = CS_ERR_DB;
	if (store_prepare(st, "INSERT INTO audit_restores(generation,"
	    " backup_time, backup_size, backup_root, old_size, old_root,"
	    " restored_at, restore_seq, sig) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9)", &s) != 0)
		goto fail;
	if (sdb_bind_int64(s, 1, (int64_t)c->generation) != 0 ||
	    sdb_bind_int64(s, 2, c->backup_time) != 0 ||
	    sdb_bind_int64(s, 3, (int64_t)c->backup_size) != 0 ||
	    sdb_bind_blob(s, 4, c->backup_root, MERKLE_HASH_LEN) != 0 ||
	    sdb_bind_int64(s, 5, (int64_t)c->old_size) != 0 ||
	    sdb_bind_blob(s, 6, c->old_root, MERKLE_HASH_LEN) != 0 ||
	    sdb_bind_int64(s, 7, c->restored_at) != 0 ||
	    sdb_bind_int64(s, 8, (int64_t)c->restore_seq) != 0 ||
	    sdb_bind_blob(s, 9, rs->sig, CHECKPOINT_SIG_LEN) != 0 ||
	    sdb_step(s) != SDB_DONE)
		goto fail;
	sdb_finalize(s);
	s = NULL;
	if (store_prepare(st, "INSERT INTO audit_lost(generation, idx, leaf)"
	    " VALUES (?1, ?2, ?3)", &s) != 0)
		goto fail;
	for (i = 0; i < nlost; i++) {
		if (sdb_reset(s) != 0 ||
		    sdb_bind_int64(s, 1, (int64_t)c->generation) !=
		    0 ||
		    sdb_bind_int64(s, 2, (int64_t)(c->backup_size + i)) !=
		    0 ||
		    sdb_bind_blob(s, 3, lost[i], MERKLE_HASH_LEN) != 0 ||
		    sdb_step(s) != SDB_DONE)
			goto fail;
	}
	sdb_finalize(s);
	s = NULL;
	if ((r = store_audit_append_in(st, e, 1)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(s);
	store_rollback(st);
	return r;
}

static int
store_blob(struct sdb_stmt *s, int col, uint8_t *dst, size_t len)
{
	const void	*p = sdb_column_blob(s, col);

	if (p == NULL || (int)sdb_column_bytes(s, col) != (int)len)
		return CS_ERR_TAMPERED;
	memcpy(dst, p, len);
	return 0;
}

int
store_restore_latest(struct store *st, struct store_restore *rs)
{
	struct checkpoint_restore	*c = &rs->r;
	struct sdb_stmt			*s = NULL;
	int				 rc, r;

	memset(rs, 0, sizeof(*rs));
	if ((r = store_prepare(st, "SELECT generation, backup_time,"
	    " backup_size, backup_root, old_size, old_root, restored_at,"
	    " restore_seq, sig FROM audit_restores ORDER BY restored_at DESC,"
	    " generation DESC LIMIT 1", &s)) != 0)
		return r;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	r = CS_ERR_DB;
	if (rc != SDB_ROW)
		goto out;
	c->generation = (uint64_t)sdb_column_int64(s, 0);
	c->backup_time = sdb_column_int64(s, 1);
	c->backup_size = (uint64_t)sdb_column_int64(s, 2);
	c->old_size = (uint64_t)sdb_column_int64(s, 4);
	c->restored_at = sdb_column_int64(s, 6);
	c->restore_seq = (uint64_t)sdb_column_int64(s, 7);
	if ((r = store_blob(s, 3, c->backup_root, MERKLE_HASH_LEN)) != 0 ||
	    (r = store_blob(s, 5, c->old_root, MERKLE_HASH_LEN)) != 0 ||
	    (r = store_blob(s, 8, rs->sig, CHECKPOINT_SIG_LEN)) != 0)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* The two statements the old log's leaves are read through. */
struct store_old_src {
	struct sdb_stmt	*bak;		/* this log, below backup_size */
	struct sdb_stmt	*lost;		/* audit_lost, from backup_size on */
	uint64_t	 backup_size;
};

static int
store_old_leaf(uint64_t idx, uint8_t out[MERKLE_HASH_LEN], void *arg)
{
	const struct store_old_src	*o = arg;
	struct sdb_stmt			*s;
	int				 rc;

	if (idx > INT64_MAX)
		return CS_ERR_FORMAT;
	s = idx < o->backup_size ? o->bak : o->lost;
	if (sdb_reset(s) != 0 ||
	    sdb_bind_int64(s, 1, (int64_t)idx) != 0)
		return CS_ERR_DB;
	if ((rc = sdb_step(s)) == SDB_DONE)
		return CS_ERR_TAMPERED;	/* a leaf of the old log is missing */
	if (rc != SDB_ROW)
		return CS_ERR_DB;
	return store_blob(s, 0, out, MERKLE_HASH_LEN);
}

int
store_restore_old_proof(struct store *st, const struct store_restore *rs,
    uint64_t m, uint8_t proof[][MERKLE_HASH_LEN], size_t *len)
{
	struct store_old_src	o;
	int			r;

	*len = 0;
	memset(&o, 0, sizeof(o));
	o.backup_size = rs->r.backup_size;
	if (m == 0 || m > rs->r.old_size || rs->r.generation > INT64_MAX)
		return CS_ERR_FORMAT;
	if ((r = store_prepare(st, "SELECT leaf FROM audit_log WHERE"
	    " idx = ?1", &o.bak)) != 0 ||
	    (r = store_prepare(st, "SELECT leaf FROM audit_lost WHERE"
	    " generation = ?2 AND idx = ?1", &o.lost)) != 0)
		goto out;
	if (sdb_bind_int64(o.lost, 2, (int64_t)rs->r.generation) !=
	    0) {
		r = CS_ERR_DB;
		goto out;
	}
	/* sdb_reset() keeps the generation bound */
	r = merkle_consistency_proof(m, rs->r.old_size, store_old_leaf, &o,
	    proof, len);
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(o.bak);
	sdb_finalize(o.lost);
	return r;
}

int
store_reoffer_rule(struct store *st, const struct store_change *c,
    int exists, int64_t cur_version, int append_only, int64_t restore_seq,
    int *apply, int *no_base)
{
	const char	*t[1] = { c->rec.record_id };
	int64_t		 lost = 0;
	int		 r;

	*apply = 0;
	*no_base = 0;
	if (!exists) {
		*apply = 1;	/* the server lost it altogether */
		return 0;
	}
	if (cur_version <= restore_seq) {
		/*
		 * Unchanged since the backup: the re-offered version was made
		 * on top of this one before the restore.  An append-only
		 * record cannot have changed: the conflict shows it as is.
		 */
		*apply = !append_only;
		return 0;
	}
	/* changed since the restore: by a re-offer of a lost version? */
	r = store_do(st, "SELECT lost_version FROM restore_records WHERE"
	    " record_id = ?1 AND version = ?2", &lost, "ti",
	    (const int64_t[]){ cur_version }, t);
	if (r == CS_ERR_NOT_FOUND) {
		*no_base = 1;	/* by a new change: no common base known */
		return 0;
	}
	if (r != 0)
		return r;
	/* one record's versions before the restore were in a line */
	*apply = c->lost_version > lost && !append_only;
	return 0;
}

int
store_reoffer_note(struct store *st, const struct store_change *c,
    int64_t version, int64_t device_id)
{
	const char	*t[2] = { c->rec.record_id, c->rec.case_id };
	int		 r;

	if ((r = store_do(st, "INSERT INTO restore_records(record_id,"
	    " version, lost_version) VALUES (?1, ?2, ?3) ON CONFLICT"
	    " (record_id) DO UPDATE SET version = ?2, lost_version = ?3",
	    NULL, "tii", (const int64_t[]){ version, c->lost_version },
	    t)) != 0)
		return r;
	/*
	 * Sealed with an epoch the server does not know (opened after the
	 * backup): its author holds that key and may open it again.
	 */
	return store_do(st, "INSERT INTO restore_epochs(case_id,"
	    " epoch, user_id) SELECT ?1, ?2, d.user_id FROM devices d WHERE"
	    " d.id = ?3 AND ?2 > coalesce((SELECT epoch FROM key_state WHERE"
	    " case_id = ?1), 0) ON CONFLICT DO NOTHING", NULL, "tii",
	    (const int64_t[]){ c->rec.key_epoch, device_id }, t + 1);
}

int
store_restore_epoch_lost(struct store *st, const char *case_id,
    int64_t user_id, uint32_t epoch, int64_t *yes)
{
	const char	*t[1] = { case_id };
	int64_t		 n = 0;
	int		 r;

	*yes = 0;
	if ((r = store_do(st, "SELECT count(*) FROM restore_epochs WHERE"
	    " case_id = ?1 AND user_id = ?2 AND epoch >= ?3", &n, "tii",
	    (const int64_t[]){ user_id, epoch }, t)) != 0)
		return r;
	*yes = n > 0;
	return 0;
}

int
store_backup_seal(struct store *st)
{
	/* a backup is one self-contained file, also after store_open() */
	if (sdb_sqlite(st->db) == NULL)
		return 0;
	return store_exec(st, "PRAGMA journal_mode = DELETE");
}

int
store_restore_members(struct store *st,
    int (*cb)(const char *user, const char *case_id, void *), void *arg)
{
	struct sdb_stmt	*s = NULL;
	char		 user[STORE_NAME_MAX + 1], kase[STORE_UUID_LEN + 1];
	int		 rc, r;

	if ((r = store_prepare(st, "SELECT u.name, m.case_id FROM"
	    " case_members m JOIN users u ON u.id = m.user_id"
	    " ORDER BY u.name, m.case_id", &s)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (store_col_text(s, 0, user, sizeof(user)) != 0 ||
		    store_col_text(s, 1, kase, sizeof(kase)) != 0) {
			r = CS_ERR_DB;
			break;
		}
		if ((r = cb(user, kase, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SDB_DONE)
		r = CS_ERR_DB;
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(s);
	return r;
}
