/* SPDX-License-Identifier: ISC */
/*
 * test_store_renew.c - unit tests for server/store_renew.c on a real
 * SQLite file: a pending key is found by its hash and promoted only by
 * its own device; a second request keeps the first pending (either may
 * be the one the laptop stored), up to STORE_RENEW_PENDING_MAX; a
 * promotion drops every other; a repeated confirm is harmless, an
 * unknown one refused; no key can be pending twice or be another
 * device's; a
 * revoked device gets no pending key, no promotion and no renewal by
 * token; a renewal token works once, for its own device only, not
 * after its expiry, and counts wrong secrets.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_renew.h"
#include "token.h"
#include "util.h"
#include "test.h"
#include "test_store_db.h"

#define NOW		((int64_t)1700000000)

static char	 tmpdir[PATH_MAX];
static char	 dbpath[PATH_MAX];

static void
kh_of(uint8_t kh[PKI_HASH_LEN], int n)
{
	memset(kh, 0x11, PKI_HASH_LEN);
	kh[0] = (uint8_t)n;
}

/* Enroll a device with key n for "anna"; returns its id. */
static int64_t
device(struct store *st, int n)
{
	struct store_user	u;
	struct store_device	dev;
	struct token		t;
	uint8_t			h[TOKEN_HASH_LEN], kh[PKI_HASH_LEN];
	char			s[TOKEN_STR_LEN + 1];

	ASSERT_INT_EQ(store_user_get(st, "anna", &u), 0);
	token_new(&t, s);
	token_hash(&t, h);
	ASSERT_INT_EQ(store_token_add(st, t.id, h, u.id, "laptop", NOW + 60),
	    0);
	kh_of(kh, n);
	ASSERT_INT_EQ(store_enroll(st, &t, kh, NOW, NOW + 100, &dev), 0);
	return dev.id;
}

static void
renew_token(struct store *st, int64_t dev, int64_t exp, struct token *t)
{
	uint8_t	h[TOKEN_HASH_LEN];
	char	s[TOKEN_STR_LEN + 1];

	token_new(t, s);
	token_hash(t, h);
	ASSERT_INT_EQ(store_renew_token_add(st, t->id, h, dev, exp), 0);
}

static int
count_cb(const struct store_renew_pending *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
	return 0;
}

static int
npending(struct store *st, int64_t dev)
{
	int	n = 0;

	ASSERT_INT_EQ(store_renew_pending_list(st, dev, count_cb, &n), 0);
	return n;
}

static void
test_pending(struct store *st)
{
	struct store_device		d;
	uint8_t				k1[PKI_HASH_LEN];
	uint8_t				k2[PKI_HASH_LEN];
	uint8_t				k3[PKI_HASH_LEN];
	uint8_t				k9[PKI_HASH_LEN];
	int64_t				a, b;
	int				i, promoted;

	TEST_START("pending key: lookup, replace, promote, repeat, refuse");
	a = device(st, 1);
	b = device(st, 2);
	kh_of(k1, 1);
	kh_of(k2, 2);
	kh_of(k3, 3);
	kh_of(k9, 9);
	ASSERT_INT_EQ(npending(st, a), 0);
	ASSERT_INT_EQ(store_renew_by_pending(st, k3, &d), CS_ERR_NOT_FOUND);
	/* a's own key, b's key: already registered */
	ASSERT_INT_EQ(store_renew_pending(st, a, k1, NOW + 200, NOW),
	    CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_renew_pending(st, a, k2, NOW + 200, NOW),
	    CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_renew_pending(st, 9999, k3, NOW + 200, NOW),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_renew_pending(st, a, k9, NOW + 150, NOW), 0);
	/* a second request keeps the first: both accepted */
	ASSERT_INT_EQ(store_renew_pending(st, a, k3, NOW + 200, NOW), 0);
	ASSERT_INT_EQ(npending(st, a), 2);
	ASSERT_INT_EQ(store_renew_by_pending(st, k9, &d), 0);
	ASSERT_INT_EQ(d.id, a);
	ASSERT_INT_EQ(store_renew_by_pending(st, k3, &d), 0);
	ASSERT_INT_EQ(d.id, a);
	ASSERT_MEM_EQ(d.keyhash, k1, PKI_HASH_LEN);	/* still the old */
	ASSERT_INT_EQ(store_device_by_key(st, k1, &d), 0);
	/* nobody else may take a pending key */
	ASSERT_INT_EQ(store_renew_pending(st, b, k3, NOW + 200, NOW),
	    CS_ERR_EXISTS);
	/* b cannot promote a's pending key */
	ASSERT_INT_EQ(store_renew_promote(st, b, k3, &d, &promoted),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(promoted, 0);
	ASSERT_INT_EQ(store_renew_promote(st, a, k2, &d, &promoted),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_renew_promote(st, a, k3, &d, &promoted), 0);
	ASSERT_INT_EQ(promoted, 1);
	ASSERT_MEM_EQ(d.keyhash, k3, PKI_HASH_LEN);
	ASSERT_INT_EQ(d.cert_not_after, NOW + 200);
	ASSERT_INT_EQ(store_device_by_key(st, k1, &d), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_device_by_key(st, k3, &d), 0);
	ASSERT_INT_EQ(d.id, a);
	/* the other pending key went with the old one */
	ASSERT_INT_EQ(npending(st, a), 0);
	ASSERT_INT_EQ(store_renew_by_pending(st, k9, &d), CS_ERR_NOT_FOUND);
	/* the confirm again, its reply lost: no change, no error */
	ASSERT_INT_EQ(store_renew_promote(st, a, k3, &d, &promoted), 0);
	ASSERT_INT_EQ(promoted, 0);
	/* the old key, now free, is nobody's */
	ASSERT_INT_EQ(store_renew_promote(st, a, k1, &d, &promoted),
	    CS_ERR_NOT_FOUND);
	/* only the newest STORE_RENEW_PENDING_MAX stay */
	for (i = 0; i < STORE_RENEW_PENDING_MAX + 2; i++) {
		kh_of(k9, 40 + i);
		ASSERT_INT_EQ(store_renew_pending(st, a, k9, NOW + 200, NOW),
		    0);
	}
	ASSERT_INT_EQ(npending(st, a), STORE_RENEW_PENDING_MAX);
	kh_of(k9, 40);
	ASSERT_INT_EQ(store_renew_by_pending(st, k9, &d), CS_ERR_NOT_FOUND);
	kh_of(k9, 40 + STORE_RENEW_PENDING_MAX + 1);
	ASSERT_INT_EQ(store_renew_by_pending(st, k9, &d), 0);
	/* revoked: no pending key, no promotion */
	kh_of(k9, 10);
	ASSERT_INT_EQ(store_renew_pending(st, b, k9, NOW + 200, NOW), 0);
	ASSERT_INT_EQ(store_device_revoke(st, b, NOW), 0);
	ASSERT_INT_EQ(store_renew_promote(st, b, k9, &d, &promoted),
	    CS_ERR_REVOKED);
	kh_of(k9, 11);
	ASSERT_INT_EQ(store_renew_pending(st, b, k9, NOW + 200, NOW),
	    CS_ERR_REVOKED);
	TEST_DONE();
}

static void
test_token(struct store *st)
{
	struct store_device	d;
	struct token		t, other, bad;
	uint8_t			k[PKI_HASH_LEN];
	int64_t			a, b, bound;

	TEST_START("renewal token: once, own device, expiry, revoked");
	a = device(st, 20);
	b = device(st, 21);
	renew_token(st, a, NOW + 60, &t);
	kh_of(k, 22);
	/* for b: refused, bound to a, not spent */
	ASSERT_INT_EQ(store_renew_by_token(st, &t, b, k, NOW, NOW + 300, &d,
	    &bound), CS_ERR_AUTH);
	ASSERT_INT_EQ(bound, a);
	/* the wrong secret */
	bad = t;
	bad.secret[0] ^= 1;
	ASSERT_INT_EQ(store_renew_by_token(st, &bad, a, k, NOW, NOW + 300, &d,
	    &bound), CS_ERR_AUTH);
	ASSERT_INT_EQ(bound, 0);
	/* expired */
	ASSERT_INT_EQ(store_renew_by_token(st, &t, a, k, NOW + 60, NOW + 300,
	    &d, &bound), CS_ERR_EXPIRED);
	/* a key in use */
	kh_of(k, 21);
	ASSERT_INT_EQ(store_renew_by_token(st, &t, a, k, NOW, NOW + 300, &d,
	    &bound), CS_ERR_EXISTS);
	kh_of(k, 22);
	ASSERT_INT_EQ(store_renew_by_token(st, &t, a, k, NOW, NOW + 300, &d,
	    &bound), 0);
	ASSERT_INT_EQ(d.id, a);
	ASSERT_MEM_EQ(d.keyhash, k, PKI_HASH_LEN);
	ASSERT_INT_EQ(d.cert_not_after, NOW + 300);
	kh_of(k, 20);
	ASSERT_INT_EQ(store_device_by_key(st, k, &d), CS_ERR_NOT_FOUND);
	kh_of(k, 23);
	ASSERT_INT_EQ(store_renew_by_token(st, &t, a, k, NOW, NOW + 300, &d,
	    &bound), CS_ERR_USED);
	/* unknown token, unknown device */
	token_new(&other, (char [TOKEN_STR_LEN + 1]){ 0 });
	ASSERT_INT_EQ(store_renew_by_token(st, &other, a, k, NOW, NOW + 300,
	    &d, &bound), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_renew_token_add(st, other.id, k, 9999, NOW + 60),
	    CS_ERR_NOT_FOUND);
	/* revoked after the token was issued */
	renew_token(st, b, NOW + 60, &t);
	ASSERT_INT_EQ(store_device_revoke(st, b, NOW), 0);
	ASSERT_INT_EQ(store_renew_by_token(st, &t, b, k, NOW, NOW + 300, &d,
	    &bound), CS_ERR_REVOKED);
	TEST_DONE();
}

int
main(void)
{
	struct store	*st = NULL;
	const char	*tmp;
	char		 p[PATH_MAX + 16];
	int64_t		 id;

	if (sodium_init() < 0)
		return 1;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	ASSERT_INT_EQ(str_fmt(tmpdir, sizeof(tmpdir),
	    "%s/test_store_renew.XXXXXX", tmp), 0);
	ASSERT_PTR_NE(mkdtemp(tmpdir), NULL);
	ASSERT_INT_EQ(str_fmt(dbpath, sizeof(dbpath), "%s/server.db", tmpdir),
	    0);
	ASSERT_INT_EQ(store_open(test_store_new(dbpath), 1, &st), 0);
	ASSERT_INT_EQ(store_office_add(st, "Utrecht", NULL, &id), 0);
	ASSERT_INT_EQ(store_user_add(st, "anna", "jeugdbeschermer",
	    "Utrecht", &id), 0);
	test_pending(st);
	test_token(st);
	store_close(st);
	(void)unlink(dbpath);
	if (str_fmt(p, sizeof(p), "%s-wal", dbpath) == 0)
		(void)unlink(p);
	if (str_fmt(p, sizeof(p), "%s-shm", dbpath) == 0)
		(void)unlink(p);
	(void)rmdir(tmpdir);
	return 0;
}
