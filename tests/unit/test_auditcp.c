/* SPDX-License-Identifier: ISC */
/*
 * test_auditcp.c - when a laptop takes a server restore as the reason
 * its audit log no longer extends the checkpoint it holds
 * (auditcp_restore_accept, docs/AUDIT.md "Restore"): an honest restore
 * is accepted, with the replaced head or without it (then said to be
 * unknown); a statement signed by another key, older than the laptop's
 * checkpoint, not cutting before what the laptop saw, a new log that
 * does not extend the backup's, or a replaced head that does not cover
 * the laptop's checkpoint (shorter, or another history) is refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auditcp.h"
#include "checkpoint.h"
#include "errors.h"
#include "merkle.h"
#include "test.h"

#define NOLD	20	/* the replaced log */
#define NBAK	8	/* the backup's log: its first NBAK entries */
#define NNEW	12	/* the restored log: the backup's, then 4 more */
#define NSEEN	15	/* what the laptop verified of the replaced log */

static uint8_t	oldl[NOLD][MERKLE_HASH_LEN], newl[NNEW][MERKLE_HASH_LEN];
static uint8_t	pk[32], sk[64], pk2[32], sk2[64];

static void
root_of(uint8_t (*l)[MERKLE_HASH_LEN], uint64_t total, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN])
{
	struct merkle_array	a = { (const uint8_t (*)[MERKLE_HASH_LEN])l,
				    total };

	ASSERT_INT_EQ(merkle_root(n, merkle_array_leaf, &a, out), 0);
}

static size_t
proof_of(uint8_t (*l)[MERKLE_HASH_LEN], uint64_t total, uint64_t m,
    uint64_t n, uint8_t proof[][MERKLE_HASH_LEN])
{
	struct merkle_array	a = { (const uint8_t (*)[MERKLE_HASH_LEN])l,
				    total };
	size_t			len = 0;

	ASSERT_INT_EQ(merkle_consistency_proof(m, n, merkle_array_leaf, &a,
	    proof, &len), 0);
	return len;
}

static void
sign(const struct checkpoint_restore *r, const uint8_t *key,
    uint8_t sig[CHECKPOINT_SIG_LEN])
{
	uint8_t	msg[CHECKPOINT_RESTORE_LEN];

	checkpoint_restore_message(r, msg);
	ASSERT_INT_EQ(crypto_sign_detached(sig, NULL, msg, sizeof(msg), key),
	    0);
}

static void
test_restore_accept(void)
{
	struct checkpoint_restore	 r, t;
	struct auditcp			 old, cur, o2;
	uint8_t				 sig[64], sig2[64];
	uint8_t				 bp[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	uint8_t				 op[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	const char			*why;
	size_t				 bl, ol, i;
	int				 unknown;

	TEST_START("a signed restore explains a cut log; anything else is "
	    "a fork");
	randombytes_buf(oldl, sizeof(oldl));
	memcpy(newl, oldl, NBAK * MERKLE_HASH_LEN);
	randombytes_buf(newl[NBAK], (NNEW - NBAK) * MERKLE_HASH_LEN);
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);

	memset(&old, 0, sizeof(old));
	old.size = NSEEN;
	root_of(oldl, NOLD, NSEEN, old.root);
	old.time = 1000;
	memcpy(old.pk, pk, 32);
	memset(&cur, 0, sizeof(cur));
	cur.size = NNEW;
	root_of(newl, NNEW, NNEW, cur.root);
	cur.time = 2000;
	memcpy(cur.pk, pk, 32);

	memset(&r, 0, sizeof(r));
	r.generation = 5;
	r.backup_time = 900;
	r.backup_size = NBAK;
	root_of(oldl, NOLD, NBAK, r.backup_root);
	r.old_size = NOLD;
	root_of(oldl, NOLD, NOLD, r.old_root);
	r.restored_at = 1500;
	r.restore_seq = 77;
	sign(&r, sk, sig);
	bl = proof_of(newl, NNEW, NBAK, NNEW, bp);
	ol = proof_of(oldl, NOLD, NSEEN, NOLD, op);

	/* honest */
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &r, sig, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), 0);
	ASSERT_INT_EQ(unknown, 0);
	ASSERT_PTR_EQ(why, NULL);

	/* signed by another key */
	sign(&r, sk2, sig2);
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &r, sig2, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);
	ASSERT_PTR_NE(why, NULL);
	/* any field changed after signing */
	t = r;
	t.old_size = NSEEN;
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &t, sig, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);

	/* made before the laptop's checkpoint was signed */
	t = r;
	t.restored_at = old.time - 1;
	sign(&t, sk, sig2);
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &t, sig2, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);

	/* a "restore" that does not cut before what the laptop saw */
	t = r;
	t.backup_size = NSEEN;
	root_of(oldl, NOLD, NSEEN, t.backup_root);
	sign(&t, sk, sig2);
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &t, sig2, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);

	/* the new log does not extend the backup's */
	bp[0][0] ^= 1;
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &r, sig, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);
	bp[0][0] ^= 1;
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &r, sig, &bp[0][0],
	    bl - MERKLE_HASH_LEN, &op[0][0], ol, &unknown, &why),
	    CS_ERR_TAMPERED);

	/* the laptop's checkpoint is not in the replaced log */
	o2 = old;
	o2.root[5] ^= 1;
	ASSERT_INT_EQ(auditcp_restore_accept(&o2, &cur, &r, sig, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);
	for (i = 0; i < ol / MERKLE_HASH_LEN; i++) {
		op[i][0] ^= 1;
		ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &r, sig,
		    &bp[0][0], bl, &op[0][0], ol, &unknown, &why),
		    CS_ERR_TAMPERED);
		op[i][0] ^= 1;
	}
	/* ... or beyond its head: entries hidden without explanation */
	o2 = old;
	o2.size = NOLD + 1;
	ASSERT_INT_EQ(auditcp_restore_accept(&o2, &cur, &r, sig, &bp[0][0],
	    bl, &op[0][0], ol, &unknown, &why), CS_ERR_TAMPERED);

	/* the laptop saw exactly the replaced head: no proof needed */
	o2 = old;
	o2.size = NOLD;
	memcpy(o2.root, r.old_root, MERKLE_HASH_LEN);
	ASSERT_INT_EQ(auditcp_restore_accept(&o2, &cur, &r, sig, &bp[0][0],
	    bl, NULL, 0, &unknown, &why), 0);

	/* the replaced log was lost too: accepted, said to be unknown */
	t = r;
	t.old_size = 0;
	memset(t.old_root, 0, MERKLE_HASH_LEN);
	sign(&t, sk, sig2);
	ASSERT_INT_EQ(auditcp_restore_accept(&old, &cur, &t, sig2, &bp[0][0],
	    bl, NULL, 0, &unknown, &why), 0);
	ASSERT_INT_EQ(unknown, 1);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(sk2, sizeof(sk2));
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_restore_accept();
	return 0;
}
