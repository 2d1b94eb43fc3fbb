/* SPDX-License-Identifier: ISC */
/*
 * test_store_audit_q.c - the audit queries of server/store_audit_q.c:
 * entries after an index with the filters, every field read back as
 * store_audit_rows() reads it (leaf included), and whether a user name
 * or type is known to the users table or the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_audit.h"
#include "store_audit_q.h"
#include "test.h"
#include "test_store_db.h"

#define NENT	6

static char	dir[] = "/tmp/test_store_audit_q.XXXXXX";

struct rows {
	struct audit_entry	e[2 * NENT];
	uint8_t			leaf[2 * NENT][MERKLE_HASH_LEN];
	size_t			n;
	char			names[256];
};

static int
collect(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	struct rows	*r = arg;

	if (r->n == 2 * NENT)
		return CS_ERR_TOO_LARGE;
	r->e[r->n] = *e;
	memcpy(r->leaf[r->n], leaf, MERKLE_HASH_LEN);
	r->n++;
	return 0;
}

static int
name_cb(const char *name, void *arg)
{
	struct rows	*r = arg;
	size_t		 len = strlen(r->names);

	(void)snprintf(r->names + len, sizeof(r->names) - len, "%s;", name);
	return 0;
}

static void
entry(struct audit_entry *e, int i)
{
	audit_entry_init(e, i % 2 ? "read" : "login",
	    i % 2 ? AUDIT_READ : AUDIT_EXECUTE, i != 3);
	e->server_time = 1796526600 + i;
	e->device_time = i == 2 ? 1796520000 : 0;
	e->user_id = i + 1;
	e->device_id = 10 + i % 3;
	audit_set(e->user, i < 4 ? "anna" : "host:root");
	audit_set(e->role, "jeugdbeschermer");
	audit_set(e->office, "Zwolle");
	audit_set(e->on_behalf_of, "bert");
	audit_set(e->purpose, "p");
	audit_set(e->basis, "b");
	audit_set(e->legal_basis, "lb");
	audit_set(e->client_ref, i < 3 ? "case-1" : "case-2");
	audit_set(e->object_type, "case");
	audit_set(e->object_id, "o");
	audit_set(e->addr, "127.0.0.1");
	(void)snprintf(e->detail, sizeof(e->detail), "n=%d", i);
}

int
main(void)
{
	struct audit_entry	 e[NENT];
	struct audit_filter	 f;
	struct rows		*all, *got;
	struct store		*st;
	char			 p[256];
	int64_t			 id;
	int			 i, known;

	log_init(1, "test_store_audit_q");
	if (mkdtemp(dir) == NULL ||
	    (all = calloc(1, sizeof(*all))) == NULL ||
	    (got = calloc(1, sizeof(*got))) == NULL)
		return 1;
	(void)snprintf(p, sizeof(p), "%s/server.db", dir);
	ASSERT_INT_EQ(store_open(test_store_new(p), 1, &st), 0);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", "r", &id), 0);
	ASSERT_INT_EQ(store_user_add(st, "zoe", "jeugdbeschermer", "Zwolle",
	    &id), 0);
	for (i = 0; i < NENT; i++)
		entry(&e[i], i);
	ASSERT_INT_EQ(store_audit_append(st, e, NENT), 0);

	TEST_START("store_audit_rows_after: every field, as store_audit_rows");
	ASSERT_INT_EQ(store_audit_rows(st, NULL, collect, all), 0);
	ASSERT_INT_EQ(all->n, NENT);
	ASSERT_INT_EQ(store_audit_rows_after(st, NULL, -1, collect, got), 0);
	ASSERT_INT_EQ(got->n, NENT);
	for (i = 0; i < NENT; i++) {
		ASSERT_MEM_EQ(&got->e[i], &all->e[i], sizeof(e[i]));
		ASSERT_MEM_EQ(got->leaf[i], all->leaf[i], MERKLE_HASH_LEN);
		ASSERT_STR_EQ(got->e[i].on_behalf_of, "bert");
	}
	ASSERT_INT_EQ(got->e[2].device_time, 1796520000);
	ASSERT_INT_EQ(got->e[3].action, AUDIT_READ);
	ASSERT_STR_EQ(got->e[3].outcome, "failure");
	TEST_DONE();

	TEST_START("store_audit_rows_after: after an index, with filters");
	got->n = 0;
	ASSERT_INT_EQ(store_audit_rows_after(st, NULL, 3, collect, got), 0);
	ASSERT_INT_EQ(got->n, 2);
	ASSERT_INT_EQ(got->e[0].idx, 4);
	ASSERT_INT_EQ(got->e[1].idx, 5);
	got->n = 0;
	ASSERT_INT_EQ(store_audit_rows_after(st, NULL, 5, collect, got), 0);
	ASSERT_INT_EQ(got->n, 0);
	memset(&f, 0, sizeof(f));
	f.type = "read";
	got->n = 0;
	ASSERT_INT_EQ(store_audit_rows_after(st, &f, 1, collect, got), 0);
	ASSERT_INT_EQ(got->n, 2);	/* 3 and 5 */
	ASSERT_INT_EQ(got->e[0].idx, 3);
	f.user = "anna";
	got->n = 0;
	ASSERT_INT_EQ(store_audit_rows_after(st, &f, 1, collect, got), 0);
	ASSERT_INT_EQ(got->n, 1);
	memset(&f, 0, sizeof(f));
	f.client_ref = "case-2";
	f.has_since = 1;
	f.since = 1796526600 + 4;
	f.has_until = 1;
	f.until = 1796526600 + 4;
	got->n = 0;
	ASSERT_INT_EQ(store_audit_rows_after(st, &f, -1, collect, got), 0);
	ASSERT_INT_EQ(got->n, 1);
	ASSERT_INT_EQ(got->e[0].idx, 4);
	memset(&f, 0, sizeof(f));
	f.device_id = 11;
	got->n = 0;
	ASSERT_INT_EQ(store_audit_rows_after(st, &f, 0, collect, got), 0);
	ASSERT_INT_EQ(got->n, 2);	/* 1 and 4 */
	ASSERT_INT_EQ(got->e[1].idx, 4);
	TEST_DONE();

	TEST_START("store_audit_user_known, _type_used, _user_names");
	ASSERT_INT_EQ(store_audit_user_known(st, "anna", &known), 0);
	ASSERT_INT_EQ(known, 1);		/* in the log only */
	ASSERT_INT_EQ(store_audit_user_known(st, "zoe", &known), 0);
	ASSERT_INT_EQ(known, 1);		/* in users only */
	ASSERT_INT_EQ(store_audit_user_known(st, "host:root", &known), 0);
	ASSERT_INT_EQ(known, 1);
	ASSERT_INT_EQ(store_audit_user_known(st, "anne", &known), 0);
	ASSERT_INT_EQ(known, 0);
	ASSERT_INT_EQ(store_audit_user_known(st, "ANNA", &known), 0);
	ASSERT_INT_EQ(known, 0);
	ASSERT_INT_EQ(store_audit_type_used(st, "login", &known), 0);
	ASSERT_INT_EQ(known, 1);
	ASSERT_INT_EQ(store_audit_type_used(st, "enroll", &known), 0);
	ASSERT_INT_EQ(known, 0);
	ASSERT_INT_EQ(store_audit_user_names(st, name_cb, got), 0);
	ASSERT_STR_EQ(got->names, "anna;host:root;zoe;");
	TEST_DONE();

	store_close(st);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/server.db-wal", dir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/server.db-shm", dir);
	(void)unlink(p);
	(void)rmdir(dir);
	free(all);
	free(got);
	return 0;
}
