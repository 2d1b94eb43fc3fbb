/* SPDX-License-Identifier: ISC */
/*
 * test_store_restore.c - backups and restores on a real SQLite file
 * (server/store_restore.c): the backup copy is a new 0600 file that
 * never overwrites one and holds what was committed, also while another
 * connection holds a write transaction open; the restore statement's
 * signature covers every field; and the push rules of re-offers after
 * a restore: a lost record is taken back, one unchanged since the
 * backup is replaced, re-offers of one record from two laptops settle
 * on the newest lost version, a record changed after the restore
 * conflicts without a common base, an append-only record is never
 * rewritten, and a re-offer of a version the backup holds is a normal
 * change.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "checkpoint.h"
#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "store_restore.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1700000000)

static char		tmpdir[64], dbpath[PATH_MAX], copypath[PATH_MAX];
static struct store	*st;
static struct store_user anna;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static char		cids[32][STORE_UUID_LEN + 1];
static unsigned		ncid;

static void
uuid_n(char out[STORE_UUID_LEN + 1], unsigned n)
{
	snprintf(out, STORE_UUID_LEN + 1,
	    "%08x-0000-4000-8000-000000000000", n);
}

static void
setup(void)
{
	int64_t	id, seq;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store_restore.XXXXXX");
	ASSERT_PTR_NE(mkdtemp(tmpdir), NULL);
	snprintf(dbpath, sizeof(dbpath), "%s/server.db", tmpdir);
	snprintf(copypath, sizeof(copypath), "%s/copy.db", tmpdir);
	ASSERT_INT_EQ(store_open(test_store_new(dbpath), 1, &st), 0);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
}

/* Push one change; its result into *res (current body freed). */
static void
push(const char *rid, const char *kind, const char *body, int64_t base,
    int64_t lost, struct store_change_result *res)
{
	struct store_change	c;
	int64_t			last;

	ASSERT_TRUE(ncid < 32);
	uuid_n(cids[ncid], 0x1000 + ncid);
	memset(&c, 0, sizeof(c));
	c.change_id = cids[ncid++];
	memcpy(c.rec.record_id, rid, STORE_UUID_LEN + 1);
	memcpy(c.rec.case_id, CASE1, STORE_UUID_LEN + 1);
	snprintf(c.rec.kind, sizeof(c.rec.kind), "%s", kind);
	c.rec.body = (const uint8_t *)body;
	c.rec.body_len = strlen(body);
	c.rec.key_epoch = 1;
	c.base_version = base;
	c.lost_version = lost;
	ASSERT_INT_EQ(store_push(st, anna.id, 1, &c, 1, res, &last), 0);
}

static int	offices;

static int
count_office(int64_t id, const char *name, const char *region, void *arg)
{
	(void)id;
	(void)name;
	(void)region;
	(void)arg;
	offices++;
	return 0;
}

static void
test_backup_copy(void)
{
	struct store	*cp = NULL, *other = NULL;
	struct stat	 sb;
	uint8_t		 h1[32], h2[32];
	int64_t		 n1, n2, at;
	char		 msg[64];
	struct store_change_result res;

	if (test_store_pg()) {
		TEST_START("backup: PostgreSQL's is pg_basebackup, said");
		ASSERT_INT_EQ(store_backup_copy(st, copypath), CS_ERR_STATE);
		ASSERT_INT_EQ(stat(copypath, &sb), -1);
		ASSERT_INT_EQ(store_integrity(st, msg, sizeof(msg)),
		    CS_ERR_STATE);
		TEST_DONE();
		return;
	}
	TEST_START("backup: new 0600 file, never overwrites, consistent "
	    "while a write transaction is open");
	push("00000001-0000-4000-8000-000000000000", "note", "een", 0, 0,
	    &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(store_digest(st, &n1, h1), 0);
	/* another connection is half-way through a write */
	ASSERT_INT_EQ(store_open(dbpath, 0, &other), 0);
	ASSERT_INT_EQ(store_exec(other, "BEGIN IMMEDIATE;"
	    " INSERT INTO offices(name) VALUES ('Kampen')"), 0);
	ASSERT_INT_EQ(store_backup_copy(st, copypath), 0);
	store_rollback(other);
	ASSERT_INT_EQ(stat(copypath, &sb), 0);
	ASSERT_INT_EQ(sb.st_mode & 0777, 0600);
	ASSERT_INT_EQ(store_backup_copy(st, copypath), CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_open(copypath, 0, &cp), 0);
	ASSERT_INT_EQ(store_integrity(cp, msg, sizeof(msg)), 0);
	ASSERT_STR_EQ(msg, "ok");
	offices = 0;
	ASSERT_INT_EQ(store_office_list(cp, count_office, NULL), 0);
	ASSERT_INT_EQ(offices, 1);	/* what was committed only */
	ASSERT_INT_EQ(store_digest(cp, &n2, h2), 0);
	ASSERT_INT_EQ(n1, n2);
	ASSERT_MEM_EQ(h1, h2, 32);
	ASSERT_INT_EQ(store_backup_time(cp, &at), 0);
	ASSERT_INT_EQ(at, 0);
	ASSERT_INT_EQ(store_backup_stamp(cp, NOW), 0);
	ASSERT_INT_EQ(store_backup_time(cp, &at), 0);
	ASSERT_INT_EQ(at, NOW);
	ASSERT_INT_EQ(store_backup_seal(cp), 0);
	store_close(cp);
	store_close(other);
	unlink(copypath);
	TEST_DONE();
}

static void
test_statement(void)
{
	struct checkpoint_restore	r, t;
	uint8_t				pk[32], sk[64], sig[64];
	size_t				i;

	TEST_START("restore statement: the signature covers every field");
	crypto_sign_keypair(pk, sk);
	memset(&r, 0, sizeof(r));
	r.generation = 7;
	r.backup_time = NOW;
	r.backup_size = 10;
	memset(r.backup_root, 0xaa, sizeof(r.backup_root));
	r.old_size = 20;
	memset(r.old_root, 0xbb, sizeof(r.old_root));
	r.restored_at = NOW + 60;
	r.restore_seq = 42;
	{
		uint8_t	msg[CHECKPOINT_RESTORE_LEN];

		checkpoint_restore_message(&r, msg);
		crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	}
	ASSERT_INT_EQ(checkpoint_restore_verify(&r, sig, pk), 0);
	for (i = 0; i < 8; i++) {
		t = r;
		switch (i) {
		case 0: t.generation++; break;
		case 1: t.backup_time++; break;
		case 2: t.backup_size++; break;
		case 3: t.backup_root[31] ^= 1; break;
		case 4: t.old_size--; break;
		case 5: t.old_root[0] ^= 1; break;
		case 6: t.restored_at++; break;
		default: t.restore_seq++; break;
		}
		ASSERT_INT_EQ(checkpoint_restore_verify(&t, sig, pk),
		    CS_ERR_TAMPERED);
	}
	sodium_memzero(sk, sizeof(sk));
	TEST_DONE();
}

static void
test_reoffer(void)
{
	struct store_change_result	res;
	struct store_restore		rs, got;
	struct audit_entry		e;
	struct store_gen		g;
	char				rA[STORE_UUID_LEN + 1];
	char				rB[STORE_UUID_LEN + 1];
	char				rC[STORE_UUID_LEN + 1];
	char				rJ[STORE_UUID_LEN + 1];
	char				rN[STORE_UUID_LEN + 1];
	int64_t				seq, vA, vB, vJ, vN;

	TEST_START("re-offers after a restore: taken back, settled on the "
	    "newest lost version, conflicts without a base when changed");
	uuid_n(rA, 0xa);
	uuid_n(rB, 0xb);
	uuid_n(rC, 0xc);
	uuid_n(rJ, 0xd);
	uuid_n(rN, 0xe);
	push(rA, "note", "a0", 0, 0, &res);
	vA = res.version;
	push(rB, "note", "b0", 0, 0, &res);
	vB = res.version;
	push(rJ, "journal", "j0", 0, 0, &res);
	vJ = res.version;
	push(rN, "note", "n0", 0, 0, &res);
	vN = res.version;
	ASSERT_INT_EQ(store_seq(st, &seq), 0);

	/* the database becomes a restored one, its backup at "seq" */
	memset(&rs, 0, sizeof(rs));
	rs.r.generation = 99;
	rs.r.backup_time = NOW;
	rs.r.restore_seq = (uint64_t)seq;
	rs.r.restored_at = NOW + 1;
	audit_entry_init(&e, "restore", AUDIT_EXECUTE, 1);
	ASSERT_INT_EQ(store_restore_apply(st, &rs, NULL, 0, &e), 0);
	ASSERT_INT_EQ(store_generation(st, &g), 0);
	ASSERT_INT_EQ(g.generation, 99);
	ASSERT_INT_EQ(g.restore_seq, seq);
	ASSERT_INT_EQ(store_restore_latest(st, &got), 0);
	ASSERT_INT_EQ(got.r.restore_seq, (uint64_t)seq);

	/* lost altogether: taken back under its id */
	push(rC, "note", "c-lost", seq + 5, seq + 5, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_TRUE(res.version > seq);

	/* unchanged since the backup: the lost version replaces it */
	push(rA, "note", "a-lost-3", seq + 3, seq + 3, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	vA = res.version;
	/* a second laptop with an older lost version: conflict, with base */
	push(rA, "note", "a-lost-2", seq + 2, seq + 2, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_CONFLICT);
	ASSERT_INT_EQ(res.no_common_base, 0);
	ASSERT_INT_EQ(res.version, vA);
	store_results_clear(&res, 1);
	/* ... the same lost version: conflict too (the merge is a no-op) */
	push(rA, "note", "a-lost-3", seq + 3, seq + 3, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_CONFLICT);
	store_results_clear(&res, 1);
	/* ... a newer one: it descends, it is applied */
	push(rA, "note", "a-lost-4", seq + 4, seq + 4, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);

	/* changed after the restore by a normal push: no common base */
	push(rB, "note", "b-new", vB, 0, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	push(rB, "note", "b-lost", seq + 1, seq + 1, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_CONFLICT);
	ASSERT_INT_EQ(res.no_common_base, 1);
	ASSERT_TRUE(res.has_current);
	store_results_clear(&res, 1);

	/* append-only and there: shown as it is, never rewritten */
	push(rJ, "journal", "j-other", seq + 2, seq + 2, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_CONFLICT);
	ASSERT_INT_EQ(res.version, vJ);
	store_results_clear(&res, 1);

	/* a version the backup holds is no re-offer: normal rules */
	push(rN, "note", "n-old", vN - 1, vN - 1, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_CONFLICT);
	store_results_clear(&res, 1);
	TEST_DONE();
}

int
main(void)
{
	char	cmd[PATH_MAX + 16];

	if (sodium_init() < 0)
		return 1;
	setup();
	test_backup_copy();
	test_statement();
	test_reoffer();
	store_close(st);
	snprintf(cmd, sizeof(cmd), "%s/server.db", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.db-wal", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.db-shm", tmpdir);
	unlink(cmd);
	rmdir(tmpdir);
	return 0;
}
