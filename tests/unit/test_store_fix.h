/* SPDX-License-Identifier: ISC */
/*
 * test_store_fix.h - a store, people and devices for the store's unit
 * tests (test_store_*.c, test_retention.c), made as casesyncctl and an
 * enrollment make them.
 *
 *   st = TEST_STORE_OPEN(name, tmpdir, dbpath)
 *		a fresh directory /tmp/NAME.XXXXXX into tmpdir, its
 *		server.db into dbpath, and a new store there (on
 *		PostgreSQL the emptied database of test_store_db.h)
 *   test_store_user(st, name, role, office, &u)
 *		add the user and read her back into u
 *   test_store_device(st, user_id, name, when, until, &d)
 *		a device of the user, named "name", enrolled at "when"
 *		with a fresh token (valid an hour) and a random key, its
 *		certificate valid until "until"; its id (and its row in
 *		*d unless d is NULL)
 */
#ifndef TEST_STORE_FIX_H
#define TEST_STORE_FIX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "pki.h"
#include "store.h"
#include "test.h"
#include "test_store_db.h"
#include "token.h"

#define TEST_STORE_OPEN(name, tmpdir, dbpath)				\
	test_store_open((name), (tmpdir), sizeof(tmpdir), (dbpath),	\
	    sizeof(dbpath))

static inline struct store *
test_store_open(const char *name, char *tmpdir, size_t tlen, char *dbpath,
    size_t dlen)
{
	struct store	*st = NULL;

	snprintf(tmpdir, tlen, "/tmp/%s.XXXXXX", name);
	ASSERT_PTR_NE(mkdtemp(tmpdir), NULL);
	snprintf(dbpath, dlen, "%s/server.db", tmpdir);
	ASSERT_INT_EQ(store_open(test_store_new(dbpath), 1, &st), 0);
	return st;
}

static inline void
test_store_user(struct store *st, const char *name, const char *role,
    const char *office, struct store_user *u)
{
	int64_t	id;

	ASSERT_INT_EQ(store_user_add(st, name, role, office, &id), 0);
	ASSERT_INT_EQ(store_user_get(st, name, u), 0);
}

static inline int64_t
test_store_device(struct store *st, int64_t user_id, const char *name,
    int64_t when, int64_t until, struct store_device *d)
{
	struct store_device	dev;
	struct token		t;
	char			str[TOKEN_STR_LEN + 1];
	uint8_t			h[TOKEN_HASH_LEN], key[PKI_HASH_LEN];

	if (d == NULL)
		d = &dev;
	token_new(&t, str);
	token_hash(&t, h);
	randombytes_buf(key, sizeof(key));
	ASSERT_INT_EQ(store_token_add(st, t.id, h, user_id, name,
	    when + 3600), 0);
	ASSERT_INT_EQ(store_enroll(st, &t, key, when, until, d), 0);
	return d->id;
}

#endif /* TEST_STORE_FIX_H */
