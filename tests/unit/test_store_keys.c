/* SPDX-License-Identifier: ISC */
/*
 * test_store_keys.c - the server's rules for end-to-end keys on a real
 * SQLite file (server/store_keys.c): published keys; a grant is stored
 * only from a holder, to a holder with keys, with a signature over the
 * recipient's registered key; an epoch opens only by the uploader's
 * grant to itself and only when the case has no key or must rotate;
 * a refused grant to oneself takes the rest of its (case, epoch) with
 * it; removing a member marks the case for rotation; the needs a
 * holder is asked to fill.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "e2e.h"
#include "errors.h"
#include "store.h"
#include "store_keys.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1798588800)

static char		 tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, femke, xavier, bram;
static struct e2e_userkeys *ka, *kf, *kx, *kb;
static const char	 CASE1[] = "11111111-1111-4111-8111-111111111111";

static void
user(const char *name, const char *role, struct store_user *u,
    struct e2e_userkeys **k)
{
	struct e2e_usercert	c;
	uint8_t			backup[E2E_BACKUP_LEN];
	int64_t			id;

	ASSERT_INT_EQ(store_user_add(st, name, role, "Zwolle", &id), 0);
	ASSERT_INT_EQ(store_user_get(st, name, u), 0);
	ASSERT_INT_EQ(e2e_userkeys_new(k), 0);
	memset(&c, 0, sizeof(c));
	snprintf(c.user, sizeof(c.user), "%s", name);
	memcpy(c.box_pk, (*k)->box_pk, E2E_PK_LEN);
	memcpy(c.sign_pk, (*k)->sign_pk, E2E_PK_LEN);
	c.issued = NOW;
	c.siglen = 64;		/* the store does not check the CA's signature */
	randombytes_buf(backup, sizeof(backup));
	ASSERT_INT_EQ(store_key_publish(st, u->id, &c, backup), 0);
	ASSERT_INT_EQ(store_key_publish(st, u->id, &c, backup),
	    CS_ERR_EXISTS);
}

/* A grant of "key" from "from" (keys "fk") to "to" (keys "tk"). */
static void
grant(struct e2e_grant *g, const uint8_t *key, uint32_t epoch,
    const char *from, const struct e2e_userkeys *fk, const char *to,
    const struct e2e_userkeys *tk)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->case_id, sizeof(g->case_id), "%s", CASE1);
	g->epoch = epoch;
	snprintf(g->from_user, sizeof(g->from_user), "%s", from);
	snprintf(g->to_user, sizeof(g->to_user), "%s", to);
	ASSERT_INT_EQ(e2e_grant_make(key, tk->box_pk, fk, g), 0);
}

struct needs {
	int	n, new_epoch;
	uint32_t epoch;
	int64_t	to[8];
};

static int
needs_cb(const char *case_id, uint32_t epoch, int new_epoch, int64_t to,
    void *arg)
{
	struct needs	*n = arg;

	ASSERT_STR_EQ(case_id, CASE1);
	if (n->n < 8)
		n->to[n->n] = to;
	n->n++;
	n->epoch = epoch;
	n->new_epoch = new_epoch;
	return 0;
}

/* Counts the grants delivered, and those signed by "from". */
struct got {
	const char	*from;
	int		 n, from_n;
	uint32_t	 epochs;	/* bit e: epoch e delivered */
};

static int
got_cb(const struct e2e_grant *g, int64_t id, void *arg)
{
	struct got	*o = arg;

	ASSERT_INT_GE(id, 1);
	o->n++;
	if (o->from != NULL && strcmp(g->from_user, o->from) == 0)
		o->from_n++;
	if (g->epoch < 32)
		o->epochs |= 1u << g->epoch;
	return 0;
}

static void
got(int64_t user, const char *from, struct got *o)
{
	int	more;

	memset(o, 0, sizeof(*o));
	o->from = from;
	ASSERT_INT_EQ(store_grants_to(st, user, 0, 100, got_cb, o, &more), 0);
	ASSERT_INT_EQ(more, 0);
}

/* Put a grant of CASE1 "epoch" to "user" straight into the table. */
static void
plant(int64_t user, int epoch)
{
	char		 sql[512];

	/* 80 and 64 bytes of anything, in both dialects */
	snprintf(sql, sizeof(sql), "INSERT INTO key_grants(case_id, epoch,"
	    " to_user, from_user, sealed, sig, at) VALUES ('%s', %d, %lld,"
	    " 'anna', %s, %s, 0)", CASE1, epoch, (long long)user,
	    test_store_pg() ? "decode(repeat('ab', 80), 'hex')" :
	    "randomblob(80)", test_store_pg() ?
	    "decode(repeat('cd', 64), 'hex')" : "randomblob(64)");
	test_sql_exec(dbpath, sql);
}

static void
unplant(int64_t user)
{
	char		 sql[128];

	snprintf(sql, sizeof(sql), "DELETE FROM key_grants WHERE"
	    " to_user = %lld", (long long)user);
	test_sql_exec(dbpath, sql);
}

struct drops {
	int				n;
	struct store_grant_drop		d[4];
};

/* The drops waiting for their entries, into "o" (marked audited). */
static int
drops_get(struct drops *o)
{
	struct store_grant_drop	*d = NULL;
	size_t			 n = 0, i;
	int			 r;

	if ((r = store_keys_dropped(st, &d, &n)) == 0)
		for (i = 0; i < n; i++) {
			if (o->n < 4)
				o->d[o->n] = d[i];
			o->n++;
		}
	free(d);
	return r;
}

static int
has(const struct needs *n, int64_t id)
{
	int	i;

	for (i = 0; i < n->n && i < 8; i++)
		if (n->to[i] == id)
			return 1;
	return 0;
}

int
main(void)
{
	struct e2e_grant	g[4];
	struct needs		nd;
	struct got		gt;
	struct drops		dr;
	uint8_t			k1[E2E_KEY_LEN], k2[E2E_KEY_LEN];
	int64_t			id, seq;
	int			res[4];
	char			aux[PATH_MAX + 8];

	ASSERT_INT_GE(sodium_init(), 0);
	st = TEST_STORE_OPEN("test_store_keys", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	user("anna", "jeugdbeschermer", &anna, &ka);
	user("femke", "teamleider", &femke, &kf);
	user("xavier", "jeugdbeschermer", &xavier, &kx);
	user("bram", "jeugdbeschermer", &bram, &kb);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
	e2e_case_key_new(k1);
	e2e_case_key_new(k2);

	TEST_START("store_key_backup_set: replaces a user's backup; none: "
	    "NOT_FOUND");
	{
		struct e2e_usercert	c;
		uint8_t			nb[E2E_BACKUP_LEN], got[E2E_BACKUP_LEN];
		int64_t			nid;

		randombytes_buf(nb, sizeof(nb));
		ASSERT_INT_EQ(store_key_backup_set(st, anna.id, nb), 0);
		ASSERT_INT_EQ(store_key_get(st, anna.id, &c, got), 0);
		ASSERT_MEM_EQ(got, nb, sizeof(nb));
		ASSERT_INT_EQ(store_user_add(st, "nokeys", "jeugdbeschermer",
		    "Zwolle", &nid), 0);
		ASSERT_INT_EQ(store_key_backup_set(st, nid, nb),
		    CS_ERR_NOT_FOUND);
	}
	TEST_DONE();

	TEST_START("a new case asks its creator for epoch 1, for every holder");
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, anna.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.n, 2);		/* anna, femke (teamleider) */
	ASSERT_INT_EQ(nd.new_epoch, 1);
	ASSERT_INT_EQ(nd.epoch, 1);
	ASSERT_INT_EQ(has(&nd, anna.id) && has(&nd, femke.id), 1);
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, xavier.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.n, 0);
	TEST_DONE();

	TEST_START("an epoch opens only by the uploader's grant to itself");
	grant(&g[0], k1, 1, "anna", ka, "femke", kf);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_STATE);
	grant(&g[0], k1, 2, "anna", ka, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_STATE);	/* not the next epoch */
	grant(&g[0], k1, 1, "anna", ka, "femke", kf);
	grant(&g[1], k1, 1, "anna", ka, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 2, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);	/* the self-grant went first */
	ASSERT_INT_EQ(res[1], 0);
	TEST_DONE();

	TEST_START("grants from or to a non-holder are refused");
	grant(&g[0], k2, 1, "xavier", kx, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &xavier, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_AUTH);
	grant(&g[0], k1, 1, "anna", ka, "xavier", kx);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_AUTH);
	/* a grant in another's name */
	grant(&g[0], k1, 1, "femke", kf, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_AUTH);
	TEST_DONE();

	TEST_START("a signature over another key, or forged, is refused");
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "bram", 0, 0,
	    &seq), 0);
	grant(&g[0], k1, 1, "anna", ka, "bram", kx);	/* sealed to xavier */
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_TAMPERED);
	grant(&g[0], k1, 1, "anna", kx, "bram", kb);	/* signed by xavier */
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_TAMPERED);
	TEST_DONE();

	TEST_START("a holder is asked to fill a new member's gap, once");
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, femke.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.n, 1);
	ASSERT_INT_EQ(nd.to[0], bram.id);
	ASSERT_INT_EQ(nd.new_epoch, 0);
	grant(&g[0], k1, 1, "femke", kf, "bram", kb);
	ASSERT_INT_EQ(store_grants_put(st, &femke, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);
	grant(&g[0], k1, 1, "anna", ka, "bram", kb);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_EXISTS);
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, anna.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.n, 0);
	TEST_DONE();

	TEST_START("removing a member asks for epoch 2, without them");
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "bram", 1, 0,
	    &seq), 0);
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, anna.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.new_epoch, 1);
	ASSERT_INT_EQ(nd.epoch, 2);
	ASSERT_INT_EQ(has(&nd, bram.id), 0);
	ASSERT_INT_EQ(has(&nd, anna.id) && has(&nd, femke.id), 1);
	TEST_DONE();

	TEST_START("two rotations at once: the second loses all of its group");
	grant(&g[0], k2, 2, "femke", kf, "femke", kf);
	grant(&g[1], k2, 2, "femke", kf, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &femke, g, 2, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);
	ASSERT_INT_EQ(res[1], 0);
	grant(&g[0], k1, 2, "anna", ka, "femke", kf);
	grant(&g[1], k1, 2, "anna", ka, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 2, NOW, res), 0);
	ASSERT_INT_EQ(res[1], CS_ERR_STATE);	/* its own: epoch open */
	ASSERT_INT_EQ(res[0], CS_ERR_STATE);	/* and so the rest */
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, anna.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.n, 0);
	TEST_DONE();

	TEST_START("a grant to oneself of an open epoch is refused");
	grant(&g[0], k2, 1, "anna", ka, "anna", ka);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], CS_ERR_STATE);
	TEST_DONE();

	TEST_START("a grant from a former holder gives way to a holder's");
	/* bram and xavier members; xavier gets epoch 2 from anna */
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "bram", 0, 0,
	    &seq), 0);
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "xavier", 0, 0,
	    &seq), 0);
	grant(&g[0], k2, 2, "anna", ka, "xavier", kx);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);
	/* xavier grants bram, then leaves: bram's laptop refuses it */
	grant(&g[0], k2, 2, "xavier", kx, "bram", kb);
	ASSERT_INT_EQ(store_grants_put(st, &xavier, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "xavier", 1, 0,
	    &seq), 0);
	/* not sent meanwhile: it cannot be verified any more */
	got(bram.id, "xavier", &gt);
	ASSERT_INT_EQ(gt.from_n, 0);
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, femke.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(has(&nd, bram.id), 1);	/* epoch 2 again */
	grant(&g[0], k2, 2, "femke", kf, "bram", kb);
	ASSERT_INT_EQ(store_grants_put(st, &femke, g, 1, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);		/* replaced xavier's */
	got(bram.id, "femke", &gt);
	ASSERT_INT_EQ(gt.from_n, 1);
	TEST_DONE();

	TEST_START("a removed member's grants are forgotten, and audited once");
	got(xavier.id, NULL, &gt);
	ASSERT_INT_EQ(gt.n, 0);
	memset(&dr, 0, sizeof(dr));
	ASSERT_INT_EQ(drops_get(&dr), 0);
	ASSERT_INT_EQ(dr.n, 2);		/* bram earlier (epoch 1), xavier */
	ASSERT_STR_EQ(dr.d[0].user, "bram");
	ASSERT_INT_EQ(dr.d[0].first, 1);
	ASSERT_STR_EQ(dr.d[1].user, "xavier");
	ASSERT_STR_EQ(dr.d[1].case_id, CASE1);
	ASSERT_INT_EQ(dr.d[1].epochs, 1);
	ASSERT_INT_EQ(dr.d[1].last, 2);
	ASSERT_INT_EQ(dr.d[1].purged, 0);
	memset(&dr, 0, sizeof(dr));
	ASSERT_INT_EQ(drops_get(&dr), 0);
	ASSERT_INT_EQ(dr.n, 0);
	TEST_DONE();

	TEST_START("an ex-member is sent no grant (or holders) of the case");
	/*
	 * A grant to xavier left behind, as in a database from before
	 * grants were forgotten: a sync from 0 must still not deliver it
	 * (it names the case, and keys.c sends the holders with it).
	 */
	plant(xavier.id, 2);
	got(xavier.id, NULL, &gt);
	ASSERT_INT_EQ(gt.n, 0);
	got(femke.id, NULL, &gt);	/* a holder's own are still sent */
	ASSERT_INT_GE(gt.n, 1);
	unplant(xavier.id);
	TEST_DONE();

	TEST_START("a case to rotate asks every holder, key or not");
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, bram.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(nd.new_epoch, 1);
	ASSERT_INT_EQ(nd.epoch, 3);
	ASSERT_INT_EQ(has(&nd, xavier.id), 0);
	TEST_DONE();

	TEST_START("a re-added member lacks every epoch again");
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "xavier", 0, 0,
	    &seq), 0);
	memset(&nd, 0, sizeof(nd));
	ASSERT_INT_EQ(store_key_needs(st, anna.id, 100, needs_cb, &nd), 0);
	ASSERT_INT_EQ(has(&nd, xavier.id), 1);
	grant(&g[0], k1, 1, "anna", ka, "xavier", kx);
	grant(&g[1], k1, 2, "anna", ka, "xavier", kx);
	ASSERT_INT_EQ(store_grants_put(st, &anna, g, 2, NOW, res), 0);
	ASSERT_INT_EQ(res[0], 0);
	ASSERT_INT_EQ(res[1], 0);	/* epoch 2: his old one was forgotten */
	got(xavier.id, NULL, &gt);
	ASSERT_INT_EQ(gt.epochs, (1u << 1) | (1u << 2));
	TEST_DONE();

	store_close(st);
	e2e_userkeys_free(ka);
	e2e_userkeys_free(kf);
	e2e_userkeys_free(kx);
	e2e_userkeys_free(kb);
	unlink(dbpath);
	snprintf(aux, sizeof(aux), "%s-wal", dbpath);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-shm", dbpath);
	unlink(aux);
	rmdir(tmpdir);
	return 0;
}
