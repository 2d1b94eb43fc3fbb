/* SPDX-License-Identifier: ISC */
/*
 * test_merkle.c - unit tests for merkle.c: the RFC 6962 test vectors
 * used by certificate-transparency implementations (8 leaves; roots,
 * audit paths and consistency proofs computed independently from the
 * RFC's recursive definitions with Python's hashlib), corrupted proofs
 * (flipped bits, index and size off by one, truncated, extra bytes,
 * wrong leaf or root) that must fail, the frontier against the
 * recursive root, and every proof of every tree up to 70 leaves.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "merkle.h"
#include "util.h"
#include "test.h"

#define H	MERKLE_HASH_LEN

static const char *const leaves_hex[8] = {
	"", "00", "10", "2021", "3031", "40414243",
	"5051525354555657", "606162636465666768696a6b6c6d6e6f",
};

static const char *const roots_hex[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vec {
	uint64_t	 a, b;		/* index and size, or m and n */
	const char	*proof[4];
};

static const struct vec incl_vecs[] = {
	{ 0, 1, { NULL } },
	{ 0, 8, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	    NULL } },
	{ 5, 8, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    NULL } },
	{ 2, 3, {
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    NULL } },
	{ 1, 5, {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    NULL } },
};

static const struct vec cons_vecs[] = {
	{ 1, 1, { NULL } },
	{ 1, 8, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	    NULL } },
	{ 6, 8, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    NULL } },
	{ 2, 5, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    NULL } },
	{ 3, 7, {
	    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"
	    } },
	{ 4, 7, {
	    "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
	    NULL } },
};

#define NVEC(v)	(sizeof(v) / sizeof((v)[0]))

static uint8_t	leaf_hashes[8][H];
static uint8_t	roots[9][H];

static void
unhex(uint8_t *dst, size_t len, const char *s)
{
	ASSERT_INT_EQ(strlen(s), 2 * len);
	ASSERT_INT_EQ(hex_decode(dst, len, s), 0);
}

/* The vector's proof as bytes; returns its length. */
static size_t
vec_proof(const struct vec *v, uint8_t *dst)
{
	size_t	i;

	for (i = 0; i < 4 && v->proof[i] != NULL; i++)
		unhex(dst + i * H, H, v->proof[i]);
	return i * H;
}

static void
setup(void)
{
	uint8_t	entry[16];
	size_t	i, len;

	for (i = 0; i < 8; i++) {
		len = strlen(leaves_hex[i]) / 2;
		if (len > 0)
			unhex(entry, len, leaves_hex[i]);
		merkle_leaf_hash(entry, len, leaf_hashes[i]);
	}
	for (i = 0; i < 9; i++)
		unhex(roots[i], H, roots_hex[i]);
}

static void
test_roots(void)
{
	struct merkle_array	 a = { leaf_hashes, 8 };
	struct merkle_frontier	 f, g;
	uint8_t			 r[H], enc[MERKLE_FRONTIER_MAX * H];
	uint64_t		 n;

	TEST_START("roots of the RFC 6962 test tree, sizes 0..8");
	merkle_empty_root(r);
	ASSERT_MEM_EQ(r, roots[0], H);
	merkle_frontier_init(&f);
	for (n = 0; n <= 8; n++) {
		ASSERT_INT_EQ(merkle_root(n, merkle_array_leaf, &a, r), 0);
		ASSERT_MEM_EQ(r, roots[n], H);
		merkle_frontier_root(&f, r);
		ASSERT_MEM_EQ(r, roots[n], H);
		/* the frontier survives encoding */
		merkle_frontier_encode(&f, enc);
		ASSERT_INT_EQ(merkle_frontier_decode(&g, n, enc,
		    merkle_frontier_len(&f)), 0);
		merkle_frontier_root(&g, r);
		ASSERT_MEM_EQ(r, roots[n], H);
		ASSERT_INT_EQ(merkle_frontier_decode(&g, n, enc,
		    merkle_frontier_len(&f) + H), CS_ERR_FORMAT);
		if (n < 8)
			ASSERT_INT_EQ(merkle_frontier_add(&f,
			    leaf_hashes[n]), 0);
	}
	ASSERT_INT_EQ(merkle_root(MERKLE_SIZE_MAX + 1, merkle_array_leaf, &a,
	    r), CS_ERR_FORMAT);
	/* the array callback refuses what it does not have */
	ASSERT_INT_EQ(merkle_root(9, merkle_array_leaf, &a, r),
	    CS_ERR_INTERNAL);
	f.size = MERKLE_SIZE_MAX;
	ASSERT_INT_EQ(merkle_frontier_add(&f, leaf_hashes[0]),
	    CS_ERR_TOO_LARGE);
	TEST_DONE();
}

static int
incl_ok(uint64_t i, uint64_t n, const uint8_t *leaf, const uint8_t *p,
    size_t len, const uint8_t *root)
{
	return merkle_inclusion_verify(i, n, leaf, p, len, root) == 0;
}

static void
test_inclusion_vectors(void)
{
	struct merkle_array	 a = { leaf_hashes, 8 };
	uint8_t			 want[MERKLE_PROOF_MAX + 1][H];
	uint8_t			 got[MERKLE_PROOF_MAX][H];
	uint8_t			*p = &want[0][0];
	const struct vec	*v;
	size_t			 i, k, bit, len, glen;

	TEST_START("inclusion proofs: vectors pass, corruptions fail");
	for (i = 0; i < NVEC(incl_vecs); i++) {
		v = &incl_vecs[i];
		memset(want, 0, sizeof(want));
		len = vec_proof(v, p);
		ASSERT_INT_EQ(merkle_inclusion_proof(v->a, v->b,
		    merkle_array_leaf, &a, got, &glen), 0);
		ASSERT_INT_EQ(glen, len);
		ASSERT_MEM_EQ(&got[0][0], p, len);
		ASSERT_TRUE(incl_ok(v->a, v->b, leaf_hashes[v->a], p, len,
		    roots[v->b]));

		/* every single flipped bit of the proof */
		for (k = 0; k < len; k++) {
			for (bit = 0; bit < 8; bit++) {
				p[k] ^= (uint8_t)(1u << bit);
				ASSERT_TRUE(!incl_ok(v->a, v->b,
				    leaf_hashes[v->a], p, len, roots[v->b]));
				p[k] ^= (uint8_t)(1u << bit);
			}
		}
		/* wrong leaf, wrong root */
		ASSERT_TRUE(!incl_ok(v->a, v->b, leaf_hashes[(v->a + 1) % 8],
		    p, len, roots[v->b]));
		ASSERT_TRUE(!incl_ok(v->a, v->b, leaf_hashes[v->a], p, len,
		    roots[v->b - 1]));
		/* index +-1 */
		ASSERT_TRUE(!incl_ok(v->a + 1, v->b, leaf_hashes[v->a], p,
		    len, roots[v->b]));
		if (v->a > 0)
			ASSERT_TRUE(!incl_ok(v->a - 1, v->b,
			    leaf_hashes[v->a], p, len, roots[v->b]));
		/* a size that needs a longer path, and size 0 */
		ASSERT_TRUE(!incl_ok(v->a, 2 * v->b + 1,
		    leaf_hashes[v->a], p, len, roots[v->b]));
		ASSERT_TRUE(!incl_ok(v->a, 0, leaf_hashes[v->a], p, len,
		    roots[v->b]));
		ASSERT_TRUE(!incl_ok(v->a, UINT64_MAX, leaf_hashes[v->a], p,
		    len, roots[v->b]));
		/* truncated by a byte or a hash; extra byte or hash */
		if (len > 0) {
			ASSERT_TRUE(!incl_ok(v->a, v->b, leaf_hashes[v->a], p,
			    len - 1, roots[v->b]));
			ASSERT_TRUE(!incl_ok(v->a, v->b, leaf_hashes[v->a], p,
			    len - H, roots[v->b]));
		}
		ASSERT_INT_EQ(merkle_inclusion_verify(v->a, v->b,
		    leaf_hashes[v->a], p, len + 1, roots[v->b]),
		    CS_ERR_FORMAT);
		ASSERT_TRUE(!incl_ok(v->a, v->b, leaf_hashes[v->a], p,
		    len + H, roots[v->b]));
		/* far too long */
		ASSERT_INT_EQ(merkle_inclusion_verify(v->a, v->b,
		    leaf_hashes[v->a], p, (MERKLE_PROOF_MAX + 1) * H,
		    roots[v->b]), CS_ERR_FORMAT);
	}
	ASSERT_INT_EQ(merkle_inclusion_proof(8, 8, merkle_array_leaf, &a, got,
	    &glen), CS_ERR_FORMAT);
	ASSERT_INT_EQ(glen, 0);
	TEST_DONE();
}

/*
 * A proof does not pin the tree size by itself: the path of leaf 5 in
 * the tree of 8 leaves also fits size 7, whose tree has the same shape
 * along that path (likewise the consistency proof 6 -> 8 fits 6 -> 7).
 * Sizes come from signed checkpoints, never from the proof; this test
 * documents that.
 */
static void
test_size_binding(void)
{
	uint8_t	p[3 * H];
	size_t	len;

	TEST_START("proofs are checked against sizes from elsewhere");
	len = vec_proof(&incl_vecs[2], p);
	ASSERT_INT_EQ(merkle_inclusion_verify(5, 7, leaf_hashes[5], p, len,
	    roots[8]), 0);
	/* but not against size 7's own root */
	ASSERT_TRUE(!incl_ok(5, 7, leaf_hashes[5], p, len, roots[7]));
	len = vec_proof(&cons_vecs[2], p);
	ASSERT_INT_EQ(merkle_consistency_verify(6, 7, roots[6], roots[8], p,
	    len), 0);
	ASSERT_TRUE(merkle_consistency_verify(6, 7, roots[6], roots[7], p,
	    len) != 0);
	TEST_DONE();
}

static int
cons_ok(uint64_t m, uint64_t n, const uint8_t *rm, const uint8_t *rn,
    const uint8_t *p, size_t len)
{
	return merkle_consistency_verify(m, n, rm, rn, p, len) == 0;
}

static void
test_consistency_vectors(void)
{
	struct merkle_array	 a = { leaf_hashes, 8 };
	uint8_t			 want[MERKLE_PROOF_MAX + 1][H];
	uint8_t			 got[MERKLE_PROOF_MAX][H];
	uint8_t			*p = &want[0][0];
	const struct vec	*v;
	size_t			 i, k, bit, len, glen;

	TEST_START("consistency proofs: vectors pass, corruptions fail");
	for (i = 0; i < NVEC(cons_vecs); i++) {
		v = &cons_vecs[i];
		memset(want, 0, sizeof(want));
		len = vec_proof(v, p);
		ASSERT_INT_EQ(merkle_consistency_proof(v->a, v->b,
		    merkle_array_leaf, &a, got, &glen), 0);
		ASSERT_INT_EQ(glen, len);
		ASSERT_MEM_EQ(&got[0][0], p, len);
		ASSERT_TRUE(cons_ok(v->a, v->b, roots[v->a], roots[v->b], p,
		    len));

		for (k = 0; k < len; k++) {
			for (bit = 0; bit < 8; bit++) {
				p[k] ^= (uint8_t)(1u << bit);
				ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a],
				    roots[v->b], p, len));
				p[k] ^= (uint8_t)(1u << bit);
			}
		}
		/* a forked history: other roots */
		ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a - 1], roots[v->b],
		    p, len));
		if (v->b > v->a)
			ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a],
			    roots[v->b - 1], p, len));
		/* sizes off by one */
		ASSERT_TRUE(!cons_ok(v->a + 1, v->b, roots[v->a], roots[v->b],
		    p, len));
		ASSERT_TRUE(!cons_ok(v->a - 1, v->b, roots[v->a], roots[v->b],
		    p, len));
		ASSERT_TRUE(!cons_ok(v->a, 2 * v->b + 1, roots[v->a],
		    roots[v->b], p, len));
		ASSERT_TRUE(!cons_ok(v->b + 1, v->b, roots[v->a], roots[v->b],
		    p, len));
		if (len > 0) {
			ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a],
			    roots[v->b], p, len - 1));
			ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a],
			    roots[v->b], p, len - H));
		}
		ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a], roots[v->b], p,
		    len + 1));
		ASSERT_TRUE(!cons_ok(v->a, v->b, roots[v->a], roots[v->b], p,
		    len + H));
		ASSERT_INT_EQ(merkle_consistency_verify(v->a, v->b,
		    roots[v->a], roots[v->b], p, (MERKLE_PROOF_MAX + 1) * H),
		    CS_ERR_FORMAT);
	}
	/* from the empty tree: an empty proof, the empty root */
	ASSERT_TRUE(cons_ok(0, 8, roots[0], roots[8], NULL, 0));
	ASSERT_TRUE(!cons_ok(0, 8, roots[1], roots[8], NULL, 0));
	ASSERT_TRUE(!cons_ok(0, 8, roots[0], roots[8], &want[0][0], H));
	ASSERT_TRUE(cons_ok(8, 8, roots[8], roots[8], NULL, 0));
	ASSERT_TRUE(!cons_ok(8, 8, roots[8], roots[7], NULL, 0));
	ASSERT_INT_EQ(merkle_consistency_proof(0, 8, merkle_array_leaf, &a,
	    got, &glen), CS_ERR_FORMAT);
	ASSERT_INT_EQ(merkle_consistency_proof(5, 4, merkle_array_leaf, &a,
	    got, &glen), CS_ERR_FORMAT);
	TEST_DONE();
}

#define BIG	70

static void
test_all_small_trees(void)
{
	static uint8_t		 lh[BIG][H], rt[BIG + 1][H];
	struct merkle_array	 a = { lh, BIG };
	struct merkle_frontier	 f;
	uint8_t			 proof[MERKLE_PROOF_MAX][H], r[H];
	uint64_t		 n, i, m;
	size_t			 len;

	TEST_START("every proof of every tree of 1..70 leaves verifies");
	merkle_frontier_init(&f);
	merkle_empty_root(rt[0]);
	for (i = 0; i < BIG; i++) {
		/* distinct entries: a 1-byte random entry repeats 1 in 256 */
		randombytes_buf(r, sizeof(r));
		memcpy(r, &i, sizeof(i));
		merkle_leaf_hash(r, sizeof(i) + (size_t)i % (sizeof(r) -
		    sizeof(i)), lh[i]);
		ASSERT_INT_EQ(merkle_frontier_add(&f, lh[i]), 0);
		merkle_frontier_root(&f, rt[i + 1]);
		ASSERT_INT_EQ(merkle_root(i + 1, merkle_array_leaf, &a, r), 0);
		ASSERT_MEM_EQ(r, rt[i + 1], H);
	}
	for (n = 1; n <= BIG; n++) {
		for (i = 0; i < n; i++) {
			ASSERT_INT_EQ(merkle_inclusion_proof(i, n,
			    merkle_array_leaf, &a, proof, &len), 0);
			ASSERT_INT_EQ(merkle_inclusion_verify(i, n, lh[i],
			    &proof[0][0], len, rt[n]), 0);
			ASSERT_TRUE(merkle_inclusion_verify(i, n,
			    lh[(i + 1) % n == i ? (i + 1) % BIG : (i + 1) % n],
			    &proof[0][0], len, rt[n]) != 0);
		}
		for (m = 1; m <= n; m++) {
			ASSERT_INT_EQ(merkle_consistency_proof(m, n,
			    merkle_array_leaf, &a, proof, &len), 0);
			ASSERT_INT_EQ(merkle_consistency_verify(m, n, rt[m],
			    rt[n], &proof[0][0], len), 0);
			if (m < n)
				ASSERT_TRUE(merkle_consistency_verify(m, n,
				    rt[m - 1], rt[n], &proof[0][0], len) != 0);
		}
	}
	TEST_DONE();
}

/* Stored perfect subtrees of up to 64 leaves, by merkle_frontier_push. */
struct node_store {
	uint8_t		 h[7][64][H];	/* by level (n = 2^level), a / n */
	int		 have[7][64];
	struct merkle_array *a;
};

static int *
node_have(struct node_store *ns, uint64_t a, uint64_t n, uint8_t **h)
{
	size_t	level = 0;

	while ((1ULL << level) < n)
		level++;
	ASSERT_TRUE(level < 7 && a / n < 64);
	*h = ns->h[level][a / n];
	return &ns->have[level][a / n];
}

static int
node_done(uint64_t a, uint64_t n, const uint8_t hash[H], void *arg)
{
	uint8_t	*h;
	int	*have = node_have(arg, a, n, &h);

	ASSERT_TRUE(!*have);
	memcpy(h, hash, H);
	*have = 1;
	return 0;
}

static int
node_get(uint64_t a, uint64_t n, uint8_t out[H], void *arg)
{
	uint8_t	*h;
	int	*have = node_have(arg, a, n, &h);

	if (!*have)
		return CS_ERR_NOT_FOUND;
	memcpy(out, h, H);
	return 0;
}

static int
node_leaf(uint64_t index, uint8_t out[H], void *arg)
{
	struct node_store	*ns = arg;

	return merkle_array_leaf(index, out, ns->a);
}

static void
test_stored_subtrees(void)
{
	static uint8_t		 lh[BIG][H];
	static struct node_store ns;
	struct merkle_array	 a = { lh, BIG };
	struct merkle_frontier	 f;
	uint8_t			 p1[MERKLE_PROOF_MAX][H];
	uint8_t			 p2[MERKLE_PROOF_MAX][H], r[H];
	uint64_t		 n, m, i;
	size_t			 l1, l2;

	TEST_START("consistency proofs from stored subtrees equal those "
	    "from the leaves, for every tree of 1..64 leaves");
	ASSERT_TRUE(BIG >= 64);
	memset(&ns, 0, sizeof(ns));
	ns.a = &a;
	merkle_frontier_init(&f);
	for (i = 0; i < 64; i++) {
		randombytes_buf(r, sizeof(r));
		merkle_leaf_hash(r, sizeof(r), lh[i]);
		ASSERT_INT_EQ(merkle_frontier_push(&f, lh[i], node_done, &ns),
		    0);
	}
	for (n = 1; n <= 64; n++) {
		for (m = 1; m <= n; m++) {
			ASSERT_INT_EQ(merkle_consistency_proof(m, n,
			    merkle_array_leaf, &a, p1, &l1), 0);
			ASSERT_INT_EQ(merkle_consistency_proof_nodes(m, n,
			    node_leaf, node_get, &ns, p2, &l2), 0);
			ASSERT_INT_EQ(l1, l2);
			ASSERT_MEM_EQ(p1, p2, l1);
		}
	}
	/* the stored hashes are really used: a wrong one shows */
	ns.h[5][1][0] ^= 1;			/* D[32:64] */
	ASSERT_INT_EQ(merkle_consistency_proof_nodes(1, 64, node_leaf,
	    node_get, &ns, p2, &l2), 0);
	ASSERT_INT_EQ(merkle_consistency_proof(1, 64, merkle_array_leaf, &a,
	    p1, &l1), 0);
	ASSERT_TRUE(memcmp(p1, p2, l1) != 0);
	/* a perfect subtree that is not stored is computed from below */
	memset(ns.have, 0, sizeof(ns.have));
	ASSERT_INT_EQ(merkle_consistency_proof_nodes(5, 64, node_leaf,
	    node_get, &ns, p2, &l2), 0);
	ASSERT_INT_EQ(merkle_consistency_proof(5, 64, merkle_array_leaf, &a,
	    p1, &l1), 0);
	ASSERT_INT_EQ(l1, l2);
	ASSERT_MEM_EQ(p1, p2, l1);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	setup();
	test_roots();
	test_inclusion_vectors();
	test_size_binding();
	test_consistency_vectors();
	test_all_small_trees();
	test_stored_subtrees();
	return 0;
}
