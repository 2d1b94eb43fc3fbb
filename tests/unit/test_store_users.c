/* SPDX-License-Identifier: ISC */
/*
 * test_store_users.c - the user administration store functions on a
 * real SQLite file: state (disable, enable, remove is final, unused
 * tokens end), rename, role changes a regisseur or member may not
 * take, moving office, the cases a user is in, and a device's last
 * login from the audit log.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "store.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"
#include "token.h"
#include "util.h"

#define NOW	((int64_t)1798588800)	/* 2026-12-30 */

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, bert, gert;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";

static void
setup(void)
{
	int64_t	id, seq;

	st = TEST_STORE_OPEN("test_store_users", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "bert", "jeugdbeschermer", "Zwolle", &bert);
	ASSERT_INT_EQ(store_user_add(st, "gert", "gedragswetenschapper",
	    "Zwolle", &id), 0);
	ASSERT_INT_EQ(store_user_get(st, "gert", &gert), 0);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "gert", 0, 0, &seq),
	    0);
}

static int
state_of(const char *name)
{
	struct store_user	u;

	ASSERT_INT_EQ(store_user_get(st, name, &u), 0);
	return u.state;
}

static void
test_state(void)
{
	struct token		t;
	struct store_device	dev;
	uint8_t			hash[TOKEN_HASH_LEN], key[PKI_HASH_LEN];
	char			str[TOKEN_STR_LEN + 1];

	TEST_START("disable, enable, remove");
	ASSERT_INT_EQ(state_of("bert"), STORE_USER_ACTIVE);
	token_new(&t, str);
	token_hash(&t, hash);
	ASSERT_INT_EQ(store_token_add(st, t.id, hash, bert.id, "b2",
	    time_now() + 3600), 0);
	ASSERT_INT_EQ(store_user_set_state(st, bert.id, STORE_USER_DISABLED,
	    time_now()), 0);
	ASSERT_INT_EQ(state_of("bert"), STORE_USER_DISABLED);
	/* the token issued before no longer enrolls */
	memset(key, 7, sizeof(key));
	ASSERT_INT_EQ(store_enroll(st, &t, key, time_now() + 1,
	    time_now() + 86400, &dev), CS_ERR_EXPIRED);
	ASSERT_INT_EQ(store_user_set_state(st, bert.id, STORE_USER_ACTIVE,
	    time_now()), 0);
	ASSERT_INT_EQ(state_of("bert"), STORE_USER_ACTIVE);
	ASSERT_INT_EQ(store_user_set_state(st, bert.id, STORE_USER_REMOVED,
	    time_now()), 0);
	ASSERT_INT_EQ(state_of("bert"), STORE_USER_REMOVED);
	ASSERT_INT_EQ(store_user_set_state(st, bert.id, STORE_USER_ACTIVE,
	    time_now()), CS_ERR_STATE);
	ASSERT_INT_EQ(store_user_set_state(st, bert.id, STORE_USER_DISABLED,
	    time_now()), CS_ERR_STATE);
	ASSERT_INT_EQ(store_user_set_state(st, bert.id, STORE_USER_REMOVED,
	    time_now()), 0);
	ASSERT_INT_EQ(state_of("bert"), STORE_USER_REMOVED);
	ASSERT_INT_EQ(store_user_set_state(st, 9999, STORE_USER_DISABLED,
	    time_now()), CS_ERR_NOT_FOUND);
	ASSERT_STR_EQ(store_user_state_name(STORE_USER_REMOVED), "removed");
	TEST_DONE();
}

static void
test_rename_role_office(void)
{
	struct store_user	 u;
	const char		*why;

	TEST_START("rename, role, office");
	ASSERT_INT_EQ(store_user_rename(st, gert.id, "anna"), CS_ERR_EXISTS);
	ASSERT_INT_EQ(store_user_rename(st, gert.id, ""), CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_user_rename(st, gert.id, "gerard"), 0);
	ASSERT_INT_EQ(store_user_get(st, "gert", &u), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_user_get(st, "gerard", &u), 0);
	ASSERT_INT_EQ(u.id, gert.id);
	/* the regisseur stays a jeugdbeschermer */
	ASSERT_INT_EQ(store_user_set_role(st, anna.id, "teamleider", &why),
	    CS_ERR_STATE);
	ASSERT_PTR_NE(why, NULL);
	/* a member does not become an auditor */
	ASSERT_INT_EQ(store_user_set_role(st, gert.id, "auditor", &why),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(store_user_set_role(st, gert.id, "nobody", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_user_set_role(st, gert.id, "teamleider", &why),
	    0);
	ASSERT_INT_EQ(store_user_get(st, "gerard", &u), 0);
	ASSERT_STR_EQ(u.role, "teamleider");
	ASSERT_INT_EQ(store_user_set_office(st, gert.id, "Nergens"),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_user_set_office(st, gert.id, "Lelystad"), 0);
	ASSERT_INT_EQ(store_user_get(st, "gerard", &u), 0);
	ASSERT_STR_EQ(u.office, "Lelystad");
	TEST_DONE();
}

struct seen {
	int	n, reg;
	char	office[STORE_NAME_MAX + 1];
};

static int
cases_cb(const char *id, const char *office, int regisseur, void *arg)
{
	struct seen	*s = arg;

	ASSERT_STR_EQ(id, CASE1);
	s->n++;
	s->reg += regisseur;
	snprintf(s->office, sizeof(s->office), "%s", office);
	return 0;
}

static void
test_cases(void)
{
	struct seen	s;

	TEST_START("the cases a user is in");
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(store_user_cases(st, anna.id, cases_cb, &s), 0);
	ASSERT_INT_EQ(s.n, 1);
	ASSERT_INT_EQ(s.reg, 1);
	ASSERT_STR_EQ(s.office, "Zwolle");
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(store_user_cases(st, gert.id, cases_cb, &s), 0);
	ASSERT_INT_EQ(s.n, 1);
	ASSERT_INT_EQ(s.reg, 0);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(store_user_cases(st, bert.id, cases_cb, &s), 0);
	ASSERT_INT_EQ(s.n, 0);
	TEST_DONE();
}

static void
test_last_seen(void)
{
	struct token		t;
	struct store_device	dev;
	uint8_t			hash[TOKEN_HASH_LEN], key[PKI_HASH_LEN];
	char			str[TOKEN_STR_LEN + 1], addr[64];
	int64_t			when;

	TEST_START("a device never seen has no last login");
	token_new(&t, str);
	token_hash(&t, hash);
	ASSERT_INT_EQ(store_token_add(st, t.id, hash, anna.id, "a1",
	    time_now() + 3600), 0);
	memset(key, 9, sizeof(key));
	ASSERT_INT_EQ(store_enroll(st, &t, key, time_now(),
	    time_now() + 86400, &dev), 0);
	ASSERT_INT_EQ(store_device_last_seen(st, dev.id, &when, addr,
	    sizeof(addr)), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(when, 0);
	ASSERT_STR_EQ(addr, "");
	TEST_DONE();
}

int
main(void)
{
	char	path[PATH_MAX + 8];

	setup();
	test_state();
	test_rename_role_office();
	test_cases();
	test_last_seen();
	store_close(st);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}
