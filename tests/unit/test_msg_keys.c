/* SPDX-License-Identifier: ISC */
/*
 * test_msg_keys.c - the key messages of proto/msg_keys.h: each encoded
 * with msg_out_*(), decoded with msg_decode() and read back with
 * msg_get_*() is what was sent; a getter of another message refuses;
 * the validator still refuses what it refused (a bad epoch, too many
 * grants); the encoders refuse a negative cursor or sequence number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "errors.h"
#include "msg.h"
#include "msg_keys.h"
#include "msg_session.h"
#include "test.h"
#include "test_msg.h"

#define CASE_A	"0b7e0a8c-5d1f-4c3e-9a2b-1c2d3e4f5a6b"
#define CASE_B	"1c8f1b9d-6e2a-4d4f-8b3c-2d3e4f5a6b7c"

static uint8_t	pk1[E2E_PK_LEN], pk2[E2E_PK_LEN], casig[E2E_CERT_SIG_MAX];
static uint8_t	sealed[E2E_SEALED_KEY_LEN], sig[E2E_SIG_LEN];
static uint8_t	backup[E2E_BACKUP_LEN];

static void
fill(uint8_t *p, size_t n, uint8_t v)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v + i);
}

static int
roundtrip(const struct msg_out *o, struct msg **out)
{
	return test_msg_roundtrip(o, 7, out);
}

static struct msg_bytes
B(const uint8_t *p, size_t len)
{
	return (struct msg_bytes){ p, len };
}

static void
user_key(struct msg_user_key *k, const char *name, size_t siglen)
{
	k->user_name = name;
	k->box_pk = B(pk1, sizeof(pk1));
	k->sign_pk = B(pk2, sizeof(pk2));
	k->issued = 1700000000;
	k->ca_signature = B(casig, siglen);
}

static void
user_key_eq(const struct msg_user_key *a, const struct msg_user_key *b)
{
	ASSERT_STR_EQ(a->user_name, b->user_name);
	ASSERT_INT_EQ(a->box_pk.len, b->box_pk.len);
	ASSERT_MEM_EQ(a->box_pk.p, b->box_pk.p, a->box_pk.len);
	ASSERT_INT_EQ(a->sign_pk.len, b->sign_pk.len);
	ASSERT_MEM_EQ(a->sign_pk.p, b->sign_pk.p, a->sign_pk.len);
	ASSERT_INT_EQ(a->issued, b->issued);
	ASSERT_INT_EQ(a->ca_signature.len, b->ca_signature.len);
	ASSERT_MEM_EQ(a->ca_signature.p, b->ca_signature.p,
	    a->ca_signature.len);
}

static void
grant(struct msg_key_grant *g, const char *case_id, uint32_t epoch,
    const char *to, int64_t seq)
{
	g->case_id = case_id;
	g->epoch = epoch;
	g->to_user = to;
	g->from_user = "anna";
	g->sealed_key = B(sealed, sizeof(sealed));
	g->signature = B(sig, sizeof(sig));
	g->seq = seq;
}

static void
grant_eq(const struct msg_key_grant *a, const struct msg_key_grant *b)
{
	ASSERT_STR_EQ(a->case_id, b->case_id);
	ASSERT_INT_EQ(a->epoch, b->epoch);
	ASSERT_STR_EQ(a->to_user, b->to_user);
	ASSERT_STR_EQ(a->from_user, b->from_user);
	ASSERT_INT_EQ(a->sealed_key.len, E2E_SEALED_KEY_LEN);
	ASSERT_MEM_EQ(a->sealed_key.p, b->sealed_key.p, E2E_SEALED_KEY_LEN);
	ASSERT_INT_EQ(a->signature.len, E2E_SIG_LEN);
	ASSERT_MEM_EQ(a->signature.p, b->signature.p, E2E_SIG_LEN);
	ASSERT_INT_EQ(a->seq, b->seq);
}

static void
test_publish_backup_request(void)
{
	struct msg_key_publish		 p, pg;
	struct msg_key_backup_update	 u, ug;
	struct msg_out			 o;
	struct msg			*m;
	int64_t				 since = INT64_MAX, got = 0;

	TEST_START("KeyPublish, KeyBackupUpdate, KeySyncRequest round trips");
	p.box_pk = B(pk1, sizeof(pk1));
	p.sign_pk = B(pk2, sizeof(pk2));
	p.key_backup = B(backup, sizeof(backup));
	o = msg_out_key_publish(&p);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_type(m), MSG_KEY_PUBLISH);
	ASSERT_INT_EQ(msg_get_key_publish(m, &pg), 0);
	ASSERT_INT_EQ(pg.box_pk.len, E2E_PK_LEN);
	ASSERT_MEM_EQ(pg.box_pk.p, pk1, E2E_PK_LEN);
	ASSERT_MEM_EQ(pg.sign_pk.p, pk2, E2E_PK_LEN);
	ASSERT_INT_EQ(pg.key_backup.len, E2E_BACKUP_LEN);
	ASSERT_MEM_EQ(pg.key_backup.p, backup, E2E_BACKUP_LEN);
	ASSERT_INT_EQ(msg_get_key_backup_update(m, &ug), CS_ERR_PROTOCOL);
	msg_free(m);

	/* a backup one byte short: the validator refuses */
	p.key_backup = B(backup, sizeof(backup) - 1);
	o = msg_out_key_publish(&p);
	ASSERT_INT_NE(roundtrip(&o, &m), 0);
	ASSERT_PTR_EQ(m, NULL);

	u.key_backup = B(backup, sizeof(backup));
	u.signature = B(sig, sizeof(sig));
	o = msg_out_key_backup_update(&u);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_backup_update(m, &ug), 0);
	ASSERT_MEM_EQ(ug.key_backup.p, backup, E2E_BACKUP_LEN);
	ASSERT_INT_EQ(ug.signature.len, E2E_SIG_LEN);
	ASSERT_MEM_EQ(ug.signature.p, sig, E2E_SIG_LEN);
	ASSERT_INT_EQ(msg_get_key_publish(m, &pg), CS_ERR_PROTOCOL);
	msg_free(m);

	o = msg_out_key_sync_request(&since);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_sync_request(m, &got), 0);
	ASSERT_INT_EQ(got, INT64_MAX);
	msg_free(m);
	since = -1;
	o = msg_out_key_sync_request(&since);
	ASSERT_INT_EQ(roundtrip(&o, &m), CS_ERR_INTERNAL);
	TEST_DONE();
}

static void
test_sync_response(void)
{
	struct msg_key_sync_response	 ks, got;
	struct msg_key_grant		 g[2];
	struct msg_user_key		 keys[2];
	struct msg_case_holders		 h;
	struct msg_key_need		 n;
	const char			*holders[] = { "anna", "bert" };
	const char			*needs[] = { "bert" };
	struct msg_out			 o;
	struct msg			*m;
	int64_t				 since;
	size_t				 i;

	TEST_START("KeySyncResponse round trip: every list and flag");
	memset(&ks, 0, sizeof(ks));
	ks.has_mine = 1;
	user_key(&ks.mine, "bert", 71);
	ks.key_backup = B(backup, sizeof(backup));
	ks.has_recovery = 1;
	user_key(&ks.recovery, "recovery", E2E_CERT_SIG_MAX);
	grant(&g[0], CASE_A, 1, "bert", 41);
	grant(&g[1], CASE_B, INT32_MAX, "bert", INT64_MAX);
	ks.grants = g;
	ks.n_grants = 2;
	user_key(&keys[0], "anna", 1);
	user_key(&keys[1], "bert", 71);
	ks.keys = keys;
	ks.n_keys = 2;
	h.case_id = CASE_A;
	h.users = holders;
	h.n_users = 2;
	ks.holders = &h;
	ks.n_holders = 1;
	n.case_id = CASE_B;
	n.epoch = 3;
	n.users = needs;
	n.n_users = 1;
	n.new_epoch = 1;
	n.reopen = 1;
	ks.needs = &n;
	ks.n_needs = 1;
	ks.cursor = INT64_MAX;
	ks.more = 1;
	o = msg_out_key_sync_response(&ks);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_grants_ack(m, &(struct msg_key_grants_ack){
	    NULL, 0 }), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_key_sync_request(m, &since), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_key_sync_response(m, &got), 0);
	ASSERT_INT_EQ(got.has_mine, 1);
	user_key_eq(&got.mine, &ks.mine);
	ASSERT_INT_EQ(got.key_backup.len, E2E_BACKUP_LEN);
	ASSERT_MEM_EQ(got.key_backup.p, backup, E2E_BACKUP_LEN);
	ASSERT_INT_EQ(got.has_recovery, 1);
	user_key_eq(&got.recovery, &ks.recovery);
	ASSERT_INT_EQ(got.n_grants, 2);
	for (i = 0; i < 2; i++)
		grant_eq(&got.grants[i], &g[i]);
	ASSERT_INT_EQ(got.n_keys, 2);
	for (i = 0; i < 2; i++)
		user_key_eq(&got.keys[i], &keys[i]);
	ASSERT_INT_EQ(got.n_holders, 1);
	ASSERT_STR_EQ(got.holders[0].case_id, CASE_A);
	ASSERT_INT_EQ(got.holders[0].n_users, 2);
	ASSERT_STR_EQ(got.holders[0].users[0], "anna");
	ASSERT_STR_EQ(got.holders[0].users[1], "bert");
	ASSERT_INT_EQ(got.n_needs, 1);
	ASSERT_STR_EQ(got.needs[0].case_id, CASE_B);
	ASSERT_INT_EQ(got.needs[0].epoch, 3);
	ASSERT_INT_EQ(got.needs[0].n_users, 1);
	ASSERT_STR_EQ(got.needs[0].users[0], "bert");
	ASSERT_INT_EQ(got.needs[0].new_epoch, 1);
	ASSERT_INT_EQ(got.needs[0].reopen, 1);
	ASSERT_INT_EQ(got.cursor, INT64_MAX);
	ASSERT_INT_EQ(got.more, 1);
	msg_key_sync_response_clear(&got);
	ASSERT_PTR_EQ(got.grants, NULL);
	msg_free(m);

	/* a need of epoch 0: refused at decode */
	n.epoch = 0;
	ASSERT_INT_NE(roundtrip(&o, &m), 0);
	n.epoch = 3;
	/* the encoder refuses what cannot be on the wire */
	g[1].seq = -1;
	ASSERT_INT_EQ(roundtrip(&o, &m), CS_ERR_INTERNAL);
	g[1].seq = 5;
	ks.cursor = -1;
	ASSERT_INT_EQ(roundtrip(&o, &m), CS_ERR_INTERNAL);
	TEST_DONE();

	TEST_START("KeySyncResponse without keys: empty lists, no arrays");
	memset(&ks, 0, sizeof(ks));
	ks.cursor = 9;
	o = msg_out_key_sync_response(&ks);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_sync_response(m, &got), 0);
	ASSERT_INT_EQ(got.has_mine, 0);
	ASSERT_INT_EQ(got.has_recovery, 0);
	ASSERT_INT_EQ(got.key_backup.len, 0);
	ASSERT_INT_EQ(got.n_grants + got.n_keys + got.n_holders +
	    got.n_needs, 0);
	ASSERT_PTR_EQ(got.grants, NULL);
	ASSERT_PTR_EQ(got.needs, NULL);
	ASSERT_INT_EQ(got.cursor, 9);
	ASSERT_INT_EQ(got.more, 0);
	msg_key_sync_response_clear(&got);
	msg_free(m);
	/* the backup goes only with "mine" */
	ks.key_backup = B(backup, sizeof(backup));
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_sync_response(m, &got), 0);
	ASSERT_INT_EQ(got.key_backup.len, 0);
	msg_key_sync_response_clear(&got);
	msg_free(m);
	TEST_DONE();
}

static void
test_grants(void)
{
	struct msg_key_grants		 kg, got;
	struct msg_key_grants_ack	 ack, agot;
	struct msg_key_grant		*g;
	struct msg_out			 o;
	struct msg			*m;
	uint32_t			 refused[] = { 0, 499 };
	uint64_t			 seq;
	size_t				 i;

	TEST_START("KeyGrants 1..500 round trip; 0 and 501 refused");
	g = calloc(MSG_KEY_GRANTS_MAX + 1, sizeof(*g));
	ASSERT_PTR_NE(g, NULL);
	for (i = 0; i < MSG_KEY_GRANTS_MAX + 1; i++)
		grant(&g[i], i % 2 ? CASE_A : CASE_B, (uint32_t)i + 1, "bert",
		    0);
	kg.grants = g;
	kg.n_grants = MSG_KEY_GRANTS_MAX;
	o = msg_out_key_grants(&kg);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_grants(m, &got), 0);
	ASSERT_INT_EQ(got.n_grants, MSG_KEY_GRANTS_MAX);
	for (i = 0; i < got.n_grants; i++)
		grant_eq(&got.grants[i], &g[i]);
	msg_key_grants_clear(&got);
	ASSERT_INT_EQ(msg_get_case_ack(m, &seq), CS_ERR_PROTOCOL);
	msg_free(m);
	kg.n_grants = MSG_KEY_GRANTS_MAX + 1;
	ASSERT_INT_NE(roundtrip(&o, &m), 0);
	kg.n_grants = 0;
	ASSERT_INT_NE(roundtrip(&o, &m), 0);
	free(g);
	TEST_DONE();

	TEST_START("KeyGrantsAck round trip; an index >= 500 refused");
	ack.refused = refused;
	ack.n_refused = 2;
	o = msg_out_key_grants_ack(&ack);
	ASSERT_INT_EQ(roundtrip(&o, &m), 0);
	ASSERT_INT_EQ(msg_get_key_grants_ack(m, &agot), 0);
	ASSERT_INT_EQ(agot.n_refused, 2);
	ASSERT_INT_EQ(agot.refused[0], 0);
	ASSERT_INT_EQ(agot.refused[1], 499);
	ASSERT_INT_EQ(msg_get_key_grants(m, &got), CS_ERR_PROTOCOL);
	ASSERT_PTR_EQ(got.grants, NULL);
	msg_free(m);
	refused[1] = MSG_KEY_GRANTS_MAX;
	ASSERT_INT_NE(roundtrip(&o, &m), 0);
	TEST_DONE();
}

int
main(void)
{
	fill(pk1, sizeof(pk1), 1);
	fill(pk2, sizeof(pk2), 2);
	fill(casig, sizeof(casig), 3);
	fill(sealed, sizeof(sealed), 4);
	fill(sig, sizeof(sig), 5);
	fill(backup, sizeof(backup), 6);
	test_publish_backup_request();
	test_sync_response();
	test_grants();
	return 0;
}
