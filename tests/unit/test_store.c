/* SPDX-License-Identifier: ISC */
/*
 * test_store.c - unit tests for server/store.c on a real SQLite file
 * in a mkdtemp directory: creation and file modes, name and role
 * validation, offices and users, the enrollment transaction with each
 * of its outcomes, revocation, the enroll-failure window, and several
 * threads writing through their own connections at once.
 */
#include <sys/stat.h>

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "store_rollback.h"
#include "token.h"
#include "util.h"
#include "test.h"
#include "test_store_db.h"

#define NOW		((int64_t)1700000000)

static char	 tmpdir[PATH_MAX];
static char	 dbpath[PATH_MAX];

static void
keyhash_of(uint8_t kh[PKI_HASH_LEN], int n)
{
	memset(kh, 0, PKI_HASH_LEN);
	kh[0] = (uint8_t)n;
	kh[1] = (uint8_t)(n >> 8);
	kh[31] = 0xaa;
}

/* A token for "user_id" stored with expiry "exp"; *t gets the secret. */
static void
new_token(struct store *st, int64_t user_id, const char *dev, int64_t exp,
    struct token *t)
{
	char	s[TOKEN_STR_LEN + 1];
	uint8_t	h[TOKEN_HASH_LEN];

	token_new(t, s);
	token_hash(t, h);
	ASSERT_INT_EQ(store_token_add(st, t->id, h, user_id, dev, exp), 0);
}

static int64_t
token_failures(const struct token *t)
{
	struct sdb	*db = test_sdb(dbpath);
	struct sdb_stmt	*stmt = NULL;
	int64_t		 n;

	ASSERT_INT_EQ(sdb_prepare(db, "SELECT failures FROM "
	    "enroll_tokens WHERE id = ?1", &stmt), 0);
	ASSERT_INT_EQ(sdb_bind_blob(stmt, 1, t->id, TOKEN_ID_LEN), 0);
	ASSERT_INT_EQ(sdb_step(stmt), SDB_ROW);
	n = sdb_column_int64(stmt, 0);
	sdb_finalize(stmt);
	sdb_close(db);
	return n;
}

static void
test_open(void)
{
	struct store	*st = NULL;
	struct stat	 sb;
	char		 wal[PATH_MAX + 8];

	TEST_START("store_open: create, create again, open, missing");
	/* PostgreSQL: an empty database has no casesync schema */
	ASSERT_INT_EQ(store_open(test_store_new(dbpath), 0, &st),
	    CS_ERR_NOT_FOUND);
	ASSERT_PTR_EQ(st, NULL);
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 1, &st), 0);
	ASSERT_PTR_NE(st, NULL);
	ASSERT_INT_EQ(store_office_add(st, "Probe", NULL, NULL), 0);
	if (!test_store_pg()) {
		ASSERT_INT_EQ(stat(dbpath, &sb), 0);
		ASSERT_INT_EQ(sb.st_mode & 0777, 0600);
		/* a write makes the WAL exist; it must be private too */
		ASSERT_INT_EQ(str_fmt(wal, sizeof(wal), "%s-wal", dbpath), 0);
		ASSERT_INT_EQ(stat(wal, &sb), 0);
		ASSERT_INT_EQ(sb.st_mode & 0777, 0600);
	}
	store_close(st);
	st = NULL;
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 1, &st),
	    CS_ERR_EXISTS);
	ASSERT_PTR_EQ(st, NULL);
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	store_close(st);
	store_close(NULL);
	TEST_DONE();
}

static void
test_names(void)
{
	char	n[STORE_NAME_MAX + 2];

	TEST_START("store_name_valid and store_role_valid");
	ASSERT_INT_EQ(store_name_valid("Utrecht"), 1);
	ASSERT_INT_EQ(store_name_valid("Zo\xc3\xab de Vries"), 1);
	ASSERT_INT_EQ(store_name_valid("\xe2\x82\xac \xf0\x9f\x98\x80"), 1);
	ASSERT_INT_EQ(store_name_valid(""), 0);
	ASSERT_INT_EQ(store_name_valid(NULL), 0);
	ASSERT_INT_EQ(store_name_valid("a\tb"), 0);
	ASSERT_INT_EQ(store_name_valid("a\nb"), 0);
	ASSERT_INT_EQ(store_name_valid("a\x1b[31m"), 0);
	ASSERT_INT_EQ(store_name_valid("a\x7f"), 0);
	ASSERT_INT_EQ(store_name_valid("a\xc2\x85"), 0);	/* C1 NEL */
	ASSERT_INT_EQ(store_name_valid("\xc0\xaf"), 0);		/* overlong */
	ASSERT_INT_EQ(store_name_valid("\xe0\x80\xaf"), 0);	/* overlong */
	ASSERT_INT_EQ(store_name_valid("\xed\xa0\x80"), 0);	/* surrogate */
	ASSERT_INT_EQ(store_name_valid("\xf4\x90\x80\x80"), 0); /* >10FFFF */
	ASSERT_INT_EQ(store_name_valid("abc\xc3"), 0);		/* truncated */
	ASSERT_INT_EQ(store_name_valid("\xff"), 0);
	ASSERT_INT_EQ(store_name_valid("\x80"), 0);
	memset(n, 'x', sizeof(n));
	n[STORE_NAME_MAX] = '\0';
	ASSERT_INT_EQ(store_name_valid(n), 1);			/* 128 */
	n[STORE_NAME_MAX] = 'x';
	n[STORE_NAME_MAX + 1] = '\0';
	ASSERT_INT_EQ(store_name_valid(n), 0);			/* 129 */

	ASSERT_INT_EQ(store_role_valid("jeugdbeschermer"), 1);
	ASSERT_INT_EQ(store_role_valid("gedragswetenschapper"), 1);
	ASSERT_INT_EQ(store_role_valid("teamleider"), 1);
	ASSERT_INT_EQ(store_role_valid("auditor"), 1);
	ASSERT_INT_EQ(store_role_valid("beheerder"), 1);
	ASSERT_INT_EQ(store_role_valid("Beheerder"), 0);
	ASSERT_INT_EQ(store_role_valid("admin"), 0);
	ASSERT_INT_EQ(store_role_valid(""), 0);
	ASSERT_INT_EQ(store_role_valid(NULL), 0);
	TEST_DONE();
}

static int
count_office(int64_t id, const char *name, const char *region, void *arg)
{
	(void)id;
	(void)region;
	(void)name;
	(*(int *)arg)++;
	return 0;
}

static int
stop_office(int64_t id, const char *name, const char *region, void *arg)
{
	(void)id;
	(void)name;
	(void)region;
	(void)arg;
	return CS_ERR_INTERNAL;
}

static int
find_user(const struct store_user *u, void *arg)
{
	struct store_user	*want = arg;

	if (strcmp(u->name, want->name) == 0) {
		*want = *u;
		return 1;
	}
	return 0;
}

static void
test_office_user(void)
{
	struct store		*st = NULL;
	struct store_user	 u, w;
	int64_t			 id, uid;
	int			 n = 0;

	TEST_START("offices and users: add, list, duplicates, bad role");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	ASSERT_INT_EQ(store_office_add(st, "Utrecht", "Utrecht stad", &id),
	    0);
	ASSERT_TRUE(id > 0);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, NULL), 0);
	ASSERT_INT_EQ(store_office_add(st, "Utrecht", NULL, &id),
	    CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_office_add(st, "bad\nname", NULL, &id),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_office_add(st, "Ok", "bad\x01", &id),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_office_list(st, count_office, &n), 0);
	ASSERT_INT_EQ(n, 3);				/* Probe too */
	ASSERT_INT_EQ(store_office_list(st, stop_office, NULL),
	    CS_ERR_INTERNAL);

	ASSERT_INT_EQ(store_user_add(st, "anna", "jeugdbeschermer",
	    "Utrecht", &uid), 0);
	ASSERT_TRUE(uid > 0);
	ASSERT_INT_EQ(store_user_add(st, "bert", "teamleider", "Zwolle",
	    NULL), 0);
	ASSERT_INT_EQ(store_user_add(st, "anna", "auditor", "Zwolle", NULL),
	    CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_user_add(st, "carl", "admin", "Zwolle", NULL),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_user_add(st, "carl", "auditor", "Nowhere", NULL),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_user_get(st, "carl", &u), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_user_get(st, "anna", &u), 0);
	ASSERT_INT_EQ(u.id, uid);
	ASSERT_STR_EQ(u.role, "jeugdbeschermer");
	ASSERT_STR_EQ(u.office, "Utrecht");

	memset(&w, 0, sizeof(w));
	ASSERT_INT_EQ(str_fmt(w.name, sizeof(w.name), "bert"), 0);
	ASSERT_INT_EQ(store_user_list(st, find_user, &w), 1);
	ASSERT_STR_EQ(w.office, "Zwolle");
	ASSERT_STR_EQ(w.role, "teamleider");
	store_close(st);
	TEST_DONE();
}

static void
test_enroll(void)
{
	struct store		*st = NULL;
	struct store_user	 u;
	struct store_device	 dev, d2;
	struct token		 t, t2, bad;
	uint8_t			 kh[PKI_HASH_LEN], kh2[PKI_HASH_LEN];
	uint8_t			 h[TOKEN_HASH_LEN];

	TEST_START("store_enroll: success, reuse, expiry, wrong secret");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	ASSERT_INT_EQ(store_user_get(st, "anna", &u), 0);

	/* unknown user */
	token_new(&bad, (char [TOKEN_STR_LEN + 1]){ 0 });
	token_hash(&bad, h);
	ASSERT_INT_EQ(store_token_add(st, bad.id, h, 9999, "x", NOW + 60),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_token_add(st, bad.id, h, u.id, "bad\nname",
	    NOW + 60), CS_ERR_FORMAT);

	new_token(st, u.id, "laptop-anna", NOW + 3600, &t);
	keyhash_of(kh, 1);
	ASSERT_INT_EQ(store_enroll(st, &t, kh, NOW, NOW + 86400, &dev), 0);
	ASSERT_TRUE(dev.id > 0);
	ASSERT_STR_EQ(dev.name, "laptop-anna");
	ASSERT_STR_EQ(dev.user.name, "anna");
	ASSERT_STR_EQ(dev.user.role, "jeugdbeschermer");
	ASSERT_STR_EQ(dev.user.office, "Utrecht");
	ASSERT_INT_EQ(dev.user.id, u.id);
	ASSERT_MEM_EQ(dev.keyhash, kh, PKI_HASH_LEN);
	ASSERT_INT_EQ(dev.enrolled_at, NOW);
	ASSERT_INT_EQ(dev.cert_not_after, NOW + 86400);
	ASSERT_INT_EQ(dev.revoked, 0);

	/* the same token again, even with another key */
	keyhash_of(kh2, 2);
	ASSERT_INT_EQ(store_enroll(st, &t, kh2, NOW + 1, NOW + 86400, &d2),
	    CS_ERR_USED);
	ASSERT_INT_EQ(d2.id, 0);

	/* expired: at and after expires_at */
	new_token(st, u.id, "laptop-2", NOW + 100, &t2);
	ASSERT_INT_EQ(store_enroll(st, &t2, kh2, NOW + 100, NOW + 86400,
	    &d2), CS_ERR_EXPIRED);
	ASSERT_INT_EQ(store_enroll(st, &t2, kh2, NOW + 5000, NOW + 86400,
	    &d2), CS_ERR_EXPIRED);

	/* unknown id */
	ASSERT_INT_EQ(store_enroll(st, &bad, kh2, NOW, NOW + 86400, &d2),
	    CS_ERR_NOT_FOUND);

	/* wrong secret: refused and counted, the token still works after */
	new_token(st, u.id, "laptop-3", NOW + 3600, &t2);
	bad = t2;
	bad.secret[0] ^= 1;
	ASSERT_INT_EQ(token_failures(&t2), 0);
	ASSERT_INT_EQ(store_enroll(st, &bad, kh2, NOW, NOW + 86400, &d2),
	    CS_ERR_AUTH);
	ASSERT_INT_EQ(store_enroll(st, &bad, kh2, NOW, NOW + 86400, &d2),
	    CS_ERR_AUTH);
	ASSERT_INT_EQ(token_failures(&t2), 2);
	/* a wrong secret learns nothing, even of a used token */
	bad = t;
	bad.secret[5] ^= 0x80;
	ASSERT_INT_EQ(store_enroll(st, &bad, kh2, NOW, NOW + 86400, &d2),
	    CS_ERR_AUTH);

	/* same key twice: refused, and the token stays unused */
	ASSERT_INT_EQ(store_enroll(st, &t2, kh, NOW, NOW + 86400, &d2),
	    CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_enroll(st, &t2, kh2, NOW, NOW + 86400, &d2), 0);
	ASSERT_STR_EQ(d2.name, "laptop-3");
	ASSERT_INT_NE(d2.id, dev.id);

	token_clear(&t);
	token_clear(&t2);
	token_clear(&bad);
	store_close(st);
	TEST_DONE();
}

static int
count_dev(const struct store_device *d, void *arg)
{
	(void)d;
	(*(int *)arg)++;
	return 0;
}

static void
test_revoke(void)
{
	struct store		*st = NULL;
	struct store_device	 dev;
	uint8_t			 kh[PKI_HASH_LEN];
	int64_t			 g0, g1, g2;
	int			 n = 0;

	TEST_START("store_device_revoke bumps the generation");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	ASSERT_INT_EQ(store_device_list(st, count_dev, &n), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(store_revocation_gen(st, &g0), 0);
	keyhash_of(kh, 1);
	ASSERT_INT_EQ(store_device_by_key(st, kh, &dev), 0);
	ASSERT_INT_EQ(dev.revoked, 0);
	ASSERT_INT_EQ(store_device_revoke(st, dev.id, NOW + 10), 0);
	ASSERT_INT_EQ(store_revocation_gen(st, &g1), 0);
	ASSERT_TRUE(g1 > g0);
	ASSERT_INT_EQ(store_device_by_key(st, kh, &dev), 0);
	ASSERT_INT_EQ(dev.revoked, 1);
	ASSERT_INT_EQ(dev.revoked_at, NOW + 10);
	/* again: still revoked at the first time */
	ASSERT_INT_EQ(store_device_revoke(st, dev.id, NOW + 20), 0);
	ASSERT_INT_EQ(store_device_get(st, dev.id, &dev), 0);
	ASSERT_INT_EQ(dev.revoked_at, NOW + 10);
	ASSERT_INT_EQ(store_device_revoke(st, 424242, NOW), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_revocation_gen(st, &g2), 0);
	ASSERT_TRUE(g2 >= g1);
	ASSERT_INT_EQ(store_device_get(st, 424242, &dev), CS_ERR_NOT_FOUND);
	keyhash_of(kh, 77);
	ASSERT_INT_EQ(store_device_by_key(st, kh, &dev), CS_ERR_NOT_FOUND);
	store_close(st);
	TEST_DONE();
}

/*
 * A Hello's counter checked by the certificate's key, sent ahead of the
 * device's lookup (session_req.c): the lookup reads its answer, the
 * counter checks read theirs, and one that does not settle the matter
 * (another counter, another device, dropped) is decided by device id
 * as without it.
 */
static void
test_counter_by_key(void)
{
	struct store		*st = NULL;
	struct store_device	 dev, old;
	uint8_t			 kh[PKI_HASH_LEN], kh1[PKI_HASH_LEN];
	int64_t			 stored, at;

	TEST_START("the counter's check and the device's lookup sent by key");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	keyhash_of(kh, 2);
	keyhash_of(kh1, 1);
	ASSERT_INT_EQ(store_device_by_key(st, kh1, &old), 0);
	/* never stated a counter: not locked */
	ASSERT_INT_EQ(store_device_by_key_send(st, kh), 0);
	ASSERT_INT_EQ(store_counter_send(st, kh, 0), 0);
	ASSERT_INT_EQ(store_device_by_key(st, kh, &dev), 0);
	ASSERT_STR_EQ(dev.name, "laptop-3");
	ASSERT_INT_EQ(store_counter_locked(st, dev.id, &stored, &at), 0);
	/* raised: the sent statement's row says so */
	ASSERT_INT_EQ(store_device_by_key_send(st, kh), 0);
	ASSERT_INT_EQ(store_counter_send(st, kh, 5), 0);
	ASSERT_INT_EQ(store_device_by_key(st, kh, &dev), 0);
	ASSERT_INT_EQ(store_counter_advance(st, dev.id, 5, NOW, &stored,
	    &at), 0);
	ASSERT_INT_EQ(stored, 5);
	/* sent for another counter: not taken; by id, raised to 8 */
	ASSERT_INT_EQ(store_counter_send(st, kh, 7), 0);
	ASSERT_INT_EQ(store_counter_advance(st, dev.id, 8, NOW, &stored,
	    &at), 0);
	ASSERT_INT_EQ(stored, 8);
	/* sent for another device's key: not taken either */
	ASSERT_INT_EQ(store_counter_send(st, kh1, 9), 0);
	ASSERT_INT_EQ(store_counter_advance(st, dev.id, 9, NOW, &stored,
	    &at), 0);
	/* the lookup sent for one key is not another key's answer */
	ASSERT_INT_EQ(store_device_by_key_send(st, kh1), 0);
	ASSERT_INT_EQ(store_device_by_key(st, kh, &dev), 0);
	ASSERT_STR_EQ(dev.name, "laptop-3");
	/* not above the last one: no row, so by id: detected and locked */
	ASSERT_INT_EQ(store_counter_send(st, kh, 9), 0);
	ASSERT_INT_EQ(store_counter_advance(st, dev.id, 9, NOW + 1, &stored,
	    &at), CS_ERR_EXISTS);
	ASSERT_INT_EQ(stored, 9);
	ASSERT_INT_EQ(at, NOW + 1);
	/* from then on locked, whatever is stated, read by key too */
	ASSERT_INT_EQ(store_counter_send(st, kh, 0), 0);
	ASSERT_INT_EQ(store_counter_locked(st, dev.id, &stored, &at),
	    CS_ERR_REVOKED);
	ASSERT_INT_EQ(stored, 9);
	ASSERT_INT_EQ(at, NOW + 1);
	ASSERT_INT_EQ(store_counter_send(st, kh, 50), 0);
	ASSERT_INT_EQ(store_counter_advance(st, dev.id, 50, NOW + 2, &stored,
	    &at), CS_ERR_REVOKED);
	ASSERT_INT_EQ(at, NOW + 1);
	/*
	 * Dropped unread (a refused Hello): the statements after them
	 * work (on PostgreSQL their answers come later and are thrown
	 * away) and nothing stale is read.  The earlier check sent for
	 * kh1 raised its device's counter to 9.
	 */
	ASSERT_INT_EQ(store_device_by_key_send(st, kh1), 0);
	ASSERT_INT_EQ(store_counter_send(st, kh1, 0), 0);
	store_device_by_key_drop(st);
	store_counter_drop(st);
	ASSERT_INT_EQ(store_device_get(st, old.id, &dev), 0);
	ASSERT_STR_EQ(dev.name, "laptop-anna");
	ASSERT_INT_EQ(store_counter_locked(st, old.id, &stored, &at), 0);
	ASSERT_INT_EQ(store_counter_advance(st, old.id, 10, NOW, &stored,
	    &at), 0);
	ASSERT_INT_EQ(store_counter_advance(st, old.id, 10, NOW, &stored,
	    &at), CS_ERR_EXISTS);
	ASSERT_INT_EQ(stored, 10);
	store_close(st);
	TEST_DONE();
}

static void
test_enroll_fail(void)
{
	struct store	*st = NULL;
	int64_t		 n;

	TEST_START("enroll failures: counting windows and pruning");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	ASSERT_INT_EQ(store_enroll_fail_count(st, "192.0.2.1", 0, &n), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(store_enroll_fail(st, "192.0.2.1", NOW), 0);
	ASSERT_INT_EQ(store_enroll_fail(st, "192.0.2.1", NOW + 100), 0);
	ASSERT_INT_EQ(store_enroll_fail(st, "192.0.2.1", NOW + 200), 0);
	ASSERT_INT_EQ(store_enroll_fail(st, "2001:db8::1", NOW + 200), 0);
	ASSERT_INT_EQ(store_enroll_fail(st, "", NOW), CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_enroll_fail_count(st, "192.0.2.1", 0, &n), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(store_enroll_fail_count(st, "192.0.2.1", NOW + 100,
	    &n), 0);
	ASSERT_INT_EQ(n, 2);				/* since is inclusive */
	ASSERT_INT_EQ(store_enroll_fail_count(st, "192.0.2.1", NOW + 201,
	    &n), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(store_enroll_fail_count(st, "2001:db8::1", 0, &n), 0);
	ASSERT_INT_EQ(n, 1);
	/* a day later, the old ones are pruned on insert */
	ASSERT_INT_EQ(store_enroll_fail(st, "192.0.2.1", NOW + 86400 + 150),
	    0);
	ASSERT_INT_EQ(store_enroll_fail_count(st, "192.0.2.1", 0, &n), 0);
	ASSERT_INT_EQ(n, 2);				/* NOW+200 and new */
	store_close(st);
	TEST_DONE();
}

#define NTHREADS	4
#define NPER		25

struct worker {
	pthread_t	th;
	int		n;
	int		failures;
};

/* Each thread: its own connection; tokens and enrollments, revokes. */
static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct store		*st = NULL;
	struct store_user	 u;
	struct store_device	 dev;
	struct token		 t;
	uint8_t			 kh[PKI_HASH_LEN];
	char			 name[32];
	int			 i;

	if (store_open(test_store_spec(dbpath), 0, &st) != 0 ||
	    store_user_get(st, "bert", &u) != 0) {
		w->failures++;
		goto out;
	}
	for (i = 0; i < NPER; i++) {
		char	s[TOKEN_STR_LEN + 1];
		uint8_t	h[TOKEN_HASH_LEN];

		(void)str_fmt(name, sizeof(name), "office-%d-%d", w->n, i);
		if (store_office_add(st, name, NULL, NULL) != 0)
			w->failures++;
		token_new(&t, s);
		token_hash(&t, h);
		if (store_token_add(st, t.id, h, u.id, name, NOW + 60) != 0) {
			w->failures++;
			continue;
		}
		keyhash_of(kh, 1000 + w->n * NPER + i);
		if (store_enroll(st, &t, kh, NOW, NOW + 60, &dev) != 0) {
			w->failures++;
			continue;
		}
		if (i % 5 == 0 && store_device_revoke(st, dev.id, NOW) != 0)
			w->failures++;
		if (store_enroll_fail(st, "198.51.100.7", NOW) != 0)
			w->failures++;
	}
 out:
	store_close(st);
	return NULL;
}

static void
test_concurrent(void)
{
	struct worker	w[NTHREADS];
	struct store	*st = NULL;
	int64_t		 g0, g1, n;
	int		 i, devs = 0;

	TEST_START("several connections write concurrently (WAL, busy)");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &st), 0);
	ASSERT_INT_EQ(store_revocation_gen(st, &g0), 0);
	for (i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].n = i;
		ASSERT_INT_EQ(pthread_create(&w[i].th, NULL, worker_main,
		    &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		ASSERT_INT_EQ(pthread_join(w[i].th, NULL), 0);
		ASSERT_INT_EQ(w[i].failures, 0);
	}
	ASSERT_INT_EQ(store_revocation_gen(st, &g1), 0);
	ASSERT_INT_EQ(g1 - g0, NTHREADS * ((NPER + 4) / 5));
	ASSERT_INT_EQ(store_device_list(st, count_dev, &devs), 0);
	ASSERT_INT_EQ(devs, 2 + NTHREADS * NPER);
	ASSERT_INT_EQ(store_enroll_fail_count(st, "198.51.100.7", 0, &n), 0);
	ASSERT_INT_EQ(n, NTHREADS * NPER);
	store_close(st);
	TEST_DONE();
}

/*
 * The writers of one process wait for each other on a mutex (store.c,
 * store_wlock), taken before BEGIN IMMEDIATE and given back when the
 * transaction ends, by COMMIT, ROLLBACK or an owned transaction's end:
 * a writer on another thread then begins at once, where a mutex not
 * given back would hold it for the whole wait (STORE_BUSY_MS).
 */
struct wlock_arg {
	struct store	*st;
	const char	*office;
	int		 failures;
};

static void *
wlock_other(void *arg)
{
	struct wlock_arg	*o = arg;

	if (store_tx_begin(o->st) != 0)
		o->failures++;
	if (store_tx_end(o->st, 0) != 0)
		o->failures++;
	/* begin and commit of its own (store_begin, store_commit) */
	if (store_office_add(o->st, o->office, NULL, NULL) != 0)
		o->failures++;
	return NULL;
}

static void
test_wlock_given_back(void)
{
	static const char	*names[] = { "wlock-a", "wlock-b", "wlock-c",
	    "wlock-d", "wlock-e", "wlock-f" };
	struct wlock_arg	 o;
	struct store		*a = NULL;
	pthread_t		 th;
	int64_t			 t0;
	int			 i;

	if (test_store_pg())
		return;		/* the mutex is SQLite's */
	TEST_START("a transaction's end lets the next writer in at once");
	memset(&o, 0, sizeof(o));
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &a), 0);
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &o.st), 0);
	t0 = time_mono_ms();
	for (i = 0; i < 3; i++) {
		ASSERT_INT_EQ(store_tx_begin(a), 0);
		ASSERT_INT_EQ(store_office_add(a, names[i], NULL, NULL), 0);
		/* the third ends in a rollback */
		ASSERT_INT_EQ(store_tx_end(a, i == 2 ? CS_ERR_INTERNAL : 0),
		    i == 2 ? CS_ERR_INTERNAL : 0);
		o.office = names[3 + i];
		ASSERT_INT_EQ(pthread_create(&th, NULL, wlock_other, &o), 0);
		ASSERT_INT_EQ(pthread_join(th, NULL), 0);
	}
	ASSERT_INT_EQ(o.failures, 0);
	ASSERT_TRUE(time_mono_ms() - t0 < STORE_BUSY_MS / 2);
	store_close(o.st);
	store_close(a);
	TEST_DONE();
}

/*
 * store_read_begin/end (SQLite): the reads between them see one
 * snapshot, a commit of another connection meanwhile is seen after the
 * end; inside a transaction, and when nothing was begun, they do
 * nothing; a write transaction after the end works.
 */
static void
test_read_tx(void)
{
	struct store	*a = NULL, *b = NULL;
	int64_t		 v;

	if (test_store_pg())
		return;		/* nothing on PostgreSQL */
	TEST_START("store_read_begin: one snapshot until store_read_end");
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &a), 0);
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &b), 0);
	ASSERT_INT_EQ(sdb_exec(b->db, "INSERT OR REPLACE INTO meta(key, "
	    "value) VALUES ('test_read_tx', 1)"), 0);
	store_read_end(a);		/* nothing begun: nothing */
	ASSERT_INT_EQ(sdb_in_tx(a->db), 0);
	store_read_begin(a);
	ASSERT_INT_EQ(sdb_in_tx(a->db), 1);
	store_read_begin(a);		/* not nested: nothing */
	ASSERT_INT_EQ(store_meta_get(a, "test_read_tx", &v), 0);
	ASSERT_INT_EQ(v, 1);
	ASSERT_INT_EQ(sdb_exec(b->db, "UPDATE meta SET value = 2 "
	    "WHERE key = 'test_read_tx'"), 0);
	ASSERT_INT_EQ(store_meta_get(a, "test_read_tx", &v), 0);
	ASSERT_INT_EQ(v, 1);		/* the snapshot of its first read */
	store_read_end(a);
	ASSERT_INT_EQ(sdb_in_tx(a->db), 0);
	ASSERT_INT_EQ(store_meta_get(a, "test_read_tx", &v), 0);
	ASSERT_INT_EQ(v, 2);
	/* inside a write transaction: neither begins nor ends anything */
	ASSERT_INT_EQ(store_tx_begin(a), 0);
	store_read_begin(a);
	store_read_end(a);
	ASSERT_INT_EQ(sdb_in_tx(a->db), 1);
	ASSERT_INT_EQ(store_office_add(a, "read-tx", NULL, NULL), 0);
	ASSERT_INT_EQ(store_tx_end(a, 0), 0);
	/* ended by a store function's rollback before store_read_end */
	store_read_begin(a);
	store_rollback(a);
	store_read_end(a);
	ASSERT_INT_EQ(sdb_in_tx(a->db), 0);
	ASSERT_INT_EQ(store_office_add(a, "read-tx-2", NULL, NULL), 0);
	store_close(b);
	store_close(a);
	TEST_DONE();
}

static void
cleanup(void)
{
	char	p[PATH_MAX + 16];

	(void)unlink(dbpath);
	if (str_fmt(p, sizeof(p), "%s-wal", dbpath) == 0)
		(void)unlink(p);
	if (str_fmt(p, sizeof(p), "%s-shm", dbpath) == 0)
		(void)unlink(p);
	(void)rmdir(tmpdir);
}

int
main(void)
{
	const char	*tmp;

	if (sodium_init() < 0)
		return 1;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	ASSERT_INT_EQ(str_fmt(tmpdir, sizeof(tmpdir), "%s/test_store.XXXXXX",
	    tmp), 0);
	ASSERT_PTR_NE(mkdtemp(tmpdir), NULL);
	ASSERT_INT_EQ(str_fmt(dbpath, sizeof(dbpath), "%s/server.db", tmpdir),
	    0);
	test_open();
	test_names();
	test_office_user();
	test_enroll();
	test_revoke();
	test_counter_by_key();
	test_enroll_fail();
	test_concurrent();
	test_wlock_given_back();
	test_read_tx();
	cleanup();
	return 0;
}
