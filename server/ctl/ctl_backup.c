/* SPDX-License-Identifier: ISC */
/*
 * ctl_backup.c - "casesyncctl backup" and "casesyncctl restore"
 * (docs/ADMIN.md, "Backup and restore").
 *
 * backup copies the database while casesyncd runs (store_backup_copy:
 * SQLite's backup API, one read transaction), stamps the copy with the
 * time, and reports success only after the copy passes SQLite's
 * integrity check and the whole audit verification.  The backup itself
 * is an audit entry of the running log.
 *
 * restore needs casesyncd stopped (lockfile.h) and leaves the database
 * it replaces beside the new one.  It starts a new generation
 * (store_restore.h): a random id, the backup's change sequence and a
 * statement signed with the audit key that names the backup's log and
 * the head of the log it replaces; that log's leaf hashes past the
 * backup are kept, so that a laptop holding a checkpoint of it can be
 * shown where it stood (docs/AUDIT.md, "Restore").  The restore is an
 * audit entry of the restored log, followed by a signed checkpoint.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "merkle.h"
#include "audit_witness.h"
#include "lockfile.h"
#include "store.h"
#include "store_audit.h"
#include "store_restore.h"
#include "util.h"

/* Leaf hashes of a replaced log held in memory, at most (512 MiB). */
#define CTL_RESTORE_LEAVES_MAX	((uint64_t)1 << 24)
#define CTL_COPY_BUF		65536

/* One option "--NAME FILE" and nothing else; the file into *out. */
static int
ctl_backup_args(int argc, char **argv, const char *name, const char **out)
{
	const struct option	opts[] = {
		{ name, required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	int			ch;

	*out = NULL;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == '?')
			return clihelp_opterr(argv);
		if (ch != 'f') {
			ctl_usage(argv[0], 1);
			return CTL_EXIT_USAGE;
		}
		*out = optarg;
	}
	if (optind != argc || *out == NULL || **out == '\0') {
		ctl_usage(argv[0], 1);
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

/* Integrity check and audit verification of "st"; prints its findings. */
static int
ctl_backup_check(struct store *st, const char *what,
    const uint8_t pk[AUDIT_PK_LEN], uint64_t *size, uint8_t root[32])
{
	char	msg[256];
	int	r;

	if ((r = store_integrity(st, msg, sizeof(msg))) != 0) {
		ctl_errx("%s: integrity check FAILED: %s", what,
		    msg[0] != '\0' ? msg : cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	printf("%s: integrity check ok\n", what);
	if (ctl_audit_check(NULL, NULL, st, pk, size, root) != CTL_EXIT_OK) {
		ctl_errx("%s: audit verification FAILED", what);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int
ctl_backup(struct ctl *c, int argc, char **argv)
{
	struct audit_entry	 e;
	struct store		*st = NULL, *cp = NULL;
	uint8_t			 pk[AUDIT_PK_LEN], root[MERKLE_HASH_LEN];
	uint8_t			 digest[32];
	uint64_t		 size;
	int64_t			 now = time(NULL), seq = 0, nrec = 0;
	const char		*out;
	char			 when[32];
	int			 r, made = 0, rv;

	if ((rv = ctl_backup_args(argc, argv, "out", &out)) != 0)
		return rv;
	if ((rv = ctl_store_open(c, &st)) != 0)
		return rv;
	rv = CTL_EXIT_FAIL;
	if (store_is_pg(st)) {
		ctl_errx("backup: the database is PostgreSQL: back it up "
		    "with pg_basebackup and WAL archiving (docs/ADMIN.md, "
		    "\"Backup on PostgreSQL\"); casesyncctl backup copies "
		    "an SQLite database");
		goto out;
	}
	if ((r = audit_pub_load(c->dir, pk)) != 0) {
		ctl_errx("%s/%s: %s", c->dir, AUDIT_PUB_FILE, cs_why(r));
		goto out;
	}
	if ((r = store_backup_copy(st, out)) != 0) {
		ctl_errx("%s: %s", out, r == CS_ERR_EXISTS ?
		    "exists; a backup never overwrites a file" : cs_why(r));
		goto out;
	}
	made = 1;
	if ((r = store_open(out, 0, &cp)) != 0 ||
	    (r = store_backup_stamp(cp, now)) != 0 ||
	    (r = store_seq(cp, &seq)) != 0 ||
	    (r = store_digest(cp, &nrec, digest)) != 0) {
		ctl_errx("%s: %s", out, cs_why(r));
		goto out;
	}
	if (ctl_backup_check(cp, out, pk, &size, root) != CTL_EXIT_OK)
		goto out;
	if ((r = store_backup_seal(cp)) != 0) {
		ctl_errx("%s: %s", out, cs_why(r));
		goto out;
	}
	store_close(cp);
	cp = NULL;
	audit_entry_init(&e, "backup", AUDIT_EXECUTE, 1);
	audit_set(e.object_type, "database");
	audit_set(e.object_id, "server.db");
	(void)str_fmt(e.detail, sizeof(e.detail), "online copy: seq %lld, "
	    "%lld records, audit log of %llu entries", (long long)seq,
	    (long long)nrec, (unsigned long long)size);
	if (ctl_audit_record(c, st, &e, 1) != CTL_EXIT_OK)
		goto out;
	ctl_time_iso(when, sizeof(when), now);
	printf("backup written: %s (taken %s; seq %lld, %lld records, "
	    "audit log of %llu entries)\n", out, when, (long long)seq,
	    (long long)nrec, (unsigned long long)size);
	made = 0;
	rv = CTL_EXIT_OK;
 out:
	store_close(cp);
	store_close(st);
	if (made && unlink(out) == 0)
		ctl_errx("%s: removed: NOT a usable backup", out);
	return rv;
}

/* Copy file "from" to a new file "to" (mode 0600), durably. */
static int
ctl_copy_file(const char *from, const char *to)
{
	uint8_t	*b = NULL;
	ssize_t	 n, w;
	size_t	 off;
	int	 in = -1, out = -1, r = CS_ERR_SYSTEM;

	if ((b = malloc(CTL_COPY_BUF)) == NULL)
		return CS_ERR_ALLOC;
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		goto out;
	while ((n = read(in, b, CTL_COPY_BUF)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		for (off = 0; off < (size_t)n; off += (size_t)w) {
			if ((w = write(out, b + off, (size_t)n - off)) == -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				goto out;
			}
		}
	}
	if (fsync(out) == -1)
		goto out;
	r = 0;
 out:
	if (r != 0)
		ctl_errx("copy %s to %s: %s", from, to, strerror(errno));
	if (in != -1)
		close(in);
	if (out != -1 && close(out) == -1 && r == 0)
		r = CS_ERR_SYSTEM;
	free(b);
	return r;
}

/*
 * The log the restore replaces: its head into rs (old_size 0 if there
 * is no database or it does not open) and its leaves past the backup's
 * into *lost.  A log that does not begin with the backup's is refused:
 * the backup is not of this deployment, or the log was rewritten.
 */
static int
ctl_restore_old(struct store *old, const char *path,
    struct store_restore *rs, uint8_t (**lost)[MERKLE_HASH_LEN],
    uint64_t *nlost)
{
	struct merkle_frontier	 f;
	struct merkle_array	 a;
	uint8_t			 (*leaves)[MERKLE_HASH_LEN] = NULL;
	uint8_t			 root[MERKLE_HASH_LEN];
	int			 r, rv = CTL_EXIT_FAIL;

	*lost = NULL;
	*nlost = 0;
	if (old == NULL)
		return CTL_EXIT_OK;
	if ((r = store_audit_state(old, &f)) != 0) {
		ctl_errx("%s: %s", path, cs_why(r));
		goto out;
	}
	rs->r.old_size = f.size;
	merkle_frontier_root(&f, rs->r.old_root);
	if (f.size < rs->r.backup_size) {
		ctl_errx("%s: its audit log (%llu entries) is shorter than the "
		    "backup's (%llu): the backup is not of this database",
		    path, (unsigned long long)f.size,
		    (unsigned long long)rs->r.backup_size);
		goto out;
	}
	if (f.size > CTL_RESTORE_LEAVES_MAX) {
		printf("warning: the replaced log is too long to keep its "
		    "leaves; laptops are told its head only\n");
		rv = CTL_EXIT_OK;
		goto out;
	}
	if ((leaves = calloc(f.size + 1, sizeof(*leaves))) == NULL) {
		ctl_errx("%s", cs_err(CS_ERR_ALLOC));
		goto out;
	}
	a.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])leaves;
	a.n = f.size;
	if ((r = store_audit_leaves(old, f.size, leaves)) != 0 ||
	    (r = merkle_root(rs->r.backup_size, merkle_array_leaf, &a,
	    root)) != 0) {
		ctl_errx("%s: audit log: %s", path, cs_why(r));
		goto out;
	}
	if (sodium_memcmp(root, rs->r.backup_root, MERKLE_HASH_LEN) != 0) {
		ctl_errx("%s: its audit log does not begin with the backup's: "
		    "the backup is not of this database (or the log was "
		    "rewritten); NOT restored", path);
		goto out;
	}
	*nlost = f.size - rs->r.backup_size;
	memmove(leaves, leaves + rs->r.backup_size,
	    (size_t)*nlost * sizeof(*leaves));
	*lost = leaves;
	leaves = NULL;		/* transferred */
	rv = CTL_EXIT_OK;
 out:
	free(leaves);
	return rv;
}

/* Fill the restore statement from the backup copy "st" and sign it. */
static int
ctl_restore_sign(struct ctl *c, struct store *st, struct store_restore *rs,
    struct audit_key **key)
{
	struct merkle_frontier	f;
	struct store_gen	g;
	int64_t			seq;
	int			r;

	if ((r = store_audit_state(st, &f)) != 0 ||
	    (r = store_seq(st, &seq)) != 0 ||
	    (r = store_generation(st, &g)) != 0 ||
	    (r = store_backup_time(st, &rs->r.backup_time)) != 0) {
		ctl_errx("backup: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if (rs->r.backup_time == 0) {
		ctl_errx("backup: not made by casesyncctl backup (no time "
		    "stamp): NOT restored");
		return CTL_EXIT_FAIL;
	}
	/* a new, random, non-zero id, and never the backup's own */
	do {
		randombytes_buf(&rs->r.generation, sizeof(rs->r.generation));
		rs->r.generation &= (uint64_t)INT64_MAX;
	} while (rs->r.generation == 0 ||
	    rs->r.generation == (uint64_t)g.generation);
	rs->r.backup_size = f.size;
	merkle_frontier_root(&f, rs->r.backup_root);
	rs->r.restore_seq = (uint64_t)seq;
	rs->r.restored_at = time(NULL);
	if ((r = audit_key_open(c->dir, key)) != 0) {
		ctl_errx("audit key: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* The restore's audit entry (docs/AUDIT.md, "restore"). */
static void
ctl_restore_entry(const struct store_restore *rs, struct audit_entry *e)
{
	char	when[32], hex[2 * MERKLE_HASH_LEN + 1];

	audit_entry_init(e, "restore", AUDIT_EXECUTE, 1);
	audit_entry_host(e, "casesyncctl on the server host");
	ctl_time_iso(when, sizeof(when), rs->r.backup_time);
	audit_set(e->object_type, "audit log");
	if (rs->r.old_size > 0) {
		hex_encode(hex, rs->r.old_root, MERKLE_HASH_LEN);
		audit_set(e->object_id, hex);
	} else
		audit_set(e->object_id, "unknown");
	(void)str_fmt(e->detail, sizeof(e->detail), "backup of %s; "
	    "generation %016llx; backup log %llu, seq %llu; old log %llu",
	    when, (unsigned long long)rs->r.generation,
	    (unsigned long long)rs->r.backup_size,
	    (unsigned long long)rs->r.restore_seq,
	    (unsigned long long)rs->r.old_size);
}

/* Make the renames in "dir" durable; -1 on failure. */
static int
ctl_fsync_dir(const char *dir)
{
	int	fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Rename db+suffix to keep+suffix if it exists; -1 on failure. */
static int
ctl_restore_move(const char *db, const char *keep, const char *suffix)
{
	char	from[CTL_PATH_MAX], to[CTL_PATH_MAX];

	if (str_fmt(from, sizeof(from), "%s%s", db, suffix) != 0 ||
	    str_fmt(to, sizeof(to), "%s%s", keep, suffix) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (rename(from, to) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
ctl_restore(struct ctl *c, int argc, char **argv)
{
	struct store_restore	 rs;
	struct audit_entry	 e;
	struct audit_key	*key = NULL;
	struct store		*st = NULL, *old = NULL;
	uint8_t			 (*lost)[MERKLE_HASH_LEN] = NULL;
	uint8_t			 pk[AUDIT_PK_LEN], root[MERKLE_HASH_LEN];
	uint64_t		 nlost = 0, size;
	const char		*from;
	char			 db[CTL_PATH_MAX], tmp[CTL_PATH_MAX];
	char			 keep[CTL_PATH_MAX], when[32], stamp[32];
	char			 why[CTL_PATH_MAX + 128];
	char			 cpfile[CTL_PATH_MAX], cpkeep[CTL_PATH_MAX + 64];
	int			 r, lock = -1, made = 0, made_signed, rv;
	int			 cpmoved = 0;

	memset(&rs, 0, sizeof(rs));
	if ((rv = ctl_backup_args(argc, argv, "from", &from)) != 0)
		return rv;
	if (c->dir == NULL) {
		ctl_errx("no deployment directory: use --dir or set "
		    "CASESYNC_DIR");
		return CTL_EXIT_USAGE;
	}
	rv = CTL_EXIT_FAIL;
	if (ctl_database(c->dir, db, sizeof(db)) != CTL_EXIT_OK)
		return CTL_EXIT_FAIL;
	if (store_spec_pg(db)) {
		ctl_errx("restore: the database is PostgreSQL: restore it "
		    "with PostgreSQL's tools (docs/ADMIN.md, \"Backup on "
		    "PostgreSQL\"); casesyncctl restore takes an SQLite "
		    "backup");
		return CTL_EXIT_FAIL;
	}
	if ((lock = lockfile_take(c->dir, why, sizeof(why))) == -1) {
		ctl_errx("%s; stop casesyncd first: NOT restored", why);
		return CTL_EXIT_FAIL;
	}
	ctl_time_iso(stamp, sizeof(stamp), time(NULL));
	if (ctl_path(db, sizeof(db), c->dir, CTL_FILE_DB) != 0 ||
	    ctl_path(tmp, sizeof(tmp), c->dir, CTL_FILE_DB ".restoring") != 0 ||
	    str_fmt(keep, sizeof(keep), "%s.before-restore-%s", db,
	    stamp) != 0 || (r = audit_pub_load(c->dir, pk)) != 0) {
		ctl_errx("%s: cannot prepare the restore", c->dir);
		goto out;
	}
	/* a restore that stopped half-way left this; we hold the lock */
	(void)unlink(tmp);
	if (ctl_copy_file(from, tmp) != 0)
		goto out;
	made = 1;
	if ((r = store_open(tmp, 0, &st)) != 0) {
		ctl_errx("%s: %s", from, cs_why(r));
		goto out;
	}
	if ((r = store_open(db, 0, &old)) != 0)
		printf("warning: %s: %s: the head of the log it held is not "
		    "known (laptops that saw it are told so), and decisions "
		    "made after the backup (revoked devices, removed "
		    "members) are undone: make them again\n", db,
		    r == CS_ERR_NOT_FOUND ? "no database" : cs_whyf(r));
	if (ctl_backup_check(st, from, pk, &size, root) != CTL_EXIT_OK)
		goto out;
	/*
	 * The checkpoint file (audit_witness.h) holds the replaced log's
	 * checkpoints, past the backup's head: a signer would refuse the
	 * restored log.  It goes beside the replaced database, and a new
	 * one starts with the restore's checkpoint; put back if the
	 * restore fails.
	 */
	if (ctl_path(cpfile, sizeof(cpfile), c->dir, AUDIT_CP_FILE) != 0 ||
	    str_fmt(cpkeep, sizeof(cpkeep), "%s.before-restore-%s", cpfile,
	    stamp) != 0)
		goto out;
	if (rename(cpfile, cpkeep) == 0)
		cpmoved = 1;
	else if (errno != ENOENT) {
		ctl_errx("%s: %s", cpfile, strerror(errno));
		goto out;
	}
	if (ctl_restore_sign(c, st, &rs, &key) != CTL_EXIT_OK ||
	    ctl_restore_old(old, db, &rs, &lost, &nlost) != CTL_EXIT_OK)
		goto out;
	if ((r = audit_restore_sign(key, &rs.r, rs.sig)) != 0) {
		ctl_errx("audit key: %s", cs_whyf(r));
		goto out;
	}
	ctl_restore_entry(&rs, &e);
	if ((r = store_restore_apply(st, &rs,
	    (const uint8_t (*)[MERKLE_HASH_LEN])lost, nlost, &e)) != 0 ||
	    (r = audit_checkpoint(st, key, time(NULL), 0,
	    &made_signed)) != 0) {
		ctl_errx("restore: %s", cs_whyf(r));
		goto out;
	}
	if (old != NULL && ctl_restore_carry(c, old, st) != CTL_EXIT_OK)
		goto out;
	store_close(old);
	old = NULL;
	store_close(st);
	st = NULL;
	/*
	 * The replaced database stays, for the record: a second name for
	 * it first, then its WAL (left beside the new file, SQLite would
	 * apply it to that; the database was closed cleanly above, so there
	 * is none unless it did not open), then the new file takes the name
	 * in one rename.  Stopped at any point, server.db is the old
	 * database or the new one.
	 */
	if ((link(db, keep) == -1 && errno != ENOENT) ||
	    ctl_restore_move(db, keep, "-wal") != 0 ||
	    ctl_restore_move(db, keep, "-shm") != 0 ||
	    rename(tmp, db) == -1 || ctl_fsync_dir(c->dir) != 0) {
		ctl_errx("%s: %s", db, strerror(errno));
		goto out;
	}
	made = 0;
	cpmoved = 0;
	ctl_time_iso(when, sizeof(when), rs.r.backup_time);
	printf("restored %s from a backup of %s: generation %016llx, "
	    "change sequence back to %llu, audit log %llu entries (the "
	    "replaced log had %llu)\n", db, when,
	    (unsigned long long)rs.r.generation,
	    (unsigned long long)rs.r.restore_seq,
	    (unsigned long long)rs.r.backup_size,
	    (unsigned long long)rs.r.old_size);
	if (access(keep, F_OK) == 0)
		printf("the replaced database is kept as %s\n", keep);
	if (access(cpkeep, F_OK) == 0)
		printf("its checkpoint file is kept as %s\n", cpkeep);
	printf("start casesyncd: laptops re-offer what the backup lacks "
	    "at their next sync\n");
	rv = CTL_EXIT_OK;
 out:
	store_close(old);
	store_close(st);
	if (made)
		(void)unlink(tmp);
	if (cpmoved)
		(void)rename(cpkeep, cpfile);
	audit_key_free(key);
	free(lost);
	if (lock != -1)
		close(lock);
	return rv;
}
