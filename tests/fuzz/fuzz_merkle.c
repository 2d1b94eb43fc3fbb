/* SPDX-License-Identifier: ISC */
/*
 * fuzz_merkle.c - libFuzzer target for the Merkle proof verifiers of
 * merkle.c, which read proofs a server sends to a client.
 *
 * The first byte picks a mode.  Even: the rest is hostile input,
 * index/size (2 x 8 bytes big-endian), two roots, then the proof, fed
 * to both verifiers: no crash, and nothing out of range is accepted.
 * Odd: a tree of 1..64 leaves made from the input; proofs generated
 * for it must verify, and the same proof with one flipped bit, one
 * byte less or one byte more must not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "merkle.h"

#define H	MERKLE_HASH_LEN

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_merkle");
	if (sodium_init() < 0)
		abort();
	return 0;
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
hostile(const uint8_t *data, size_t size)
{
	uint64_t	a, b;
	const uint8_t	*r1, *r2;
	uint8_t		*proof;
	size_t		 len;
	int		 rv;

	if (size < 16 + 2 * H)
		return;
	a = get_u64(data);
	b = get_u64(data + 8);
	r1 = data + 16;
	r2 = data + 16 + H;
	len = size - 16 - 2 * H;
	/* exactly "len" bytes on the heap: reading past them is caught */
	if ((proof = malloc(len == 0 ? 1 : len)) == NULL)
		return;
	memcpy(proof, data + 16 + 2 * H, len);
	rv = merkle_inclusion_verify(a, b, r1, proof, len, r2);
	if (rv == 0 && (a >= b || b > MERKLE_SIZE_MAX || len % H != 0))
		abort();
	rv = merkle_consistency_verify(a, b, r1, r2, proof, len);
	if (rv == 0 && (a > b || b > MERKLE_SIZE_MAX || len % H != 0))
		abort();
	free(proof);
}

static void
check_proof(int incl, uint64_t a, uint64_t n, const uint8_t *leaf,
    const uint8_t *ra, const uint8_t *rn, uint8_t *p, size_t len,
    size_t flip)
{
	int	rv;

#define VERIFY(l) (incl ? merkle_inclusion_verify(a, n, leaf, p, (l), rn) : \
	merkle_consistency_verify(a, n, ra, rn, p, (l)))
	if (VERIFY(len) != 0)
		abort();
	if (VERIFY(len + 1) == 0)
		abort();
	if (len > 0) {
		if (VERIFY(len - 1) == 0)
			abort();
		p[flip % len] ^= (uint8_t)(1u << (flip / len % 8));
		rv = VERIFY(len);
		p[flip % len] ^= (uint8_t)(1u << (flip / len % 8));
		if (rv == 0)
			abort();
	}
#undef VERIFY
}

static void
roundtrip(const uint8_t *data, size_t size)
{
	static uint8_t		 lh[64][H], roots[65][H];
	uint8_t			 proof[MERKLE_PROOF_MAX + 1][H];
	struct merkle_array	 arr = { lh, 0 };
	struct merkle_frontier	 f;
	uint8_t			 r[H];
	uint64_t		 n, i, m, k;
	size_t			 len, flip;

	if (size < 6)
		return;
	n = 1 + data[0] % 64;
	i = data[1] % n;
	m = 1 + data[2] % n;
	flip = (size_t)data[3] << 8 | data[4];
	data += 5;
	size -= 5;
	arr.n = n;
	merkle_frontier_init(&f);
	merkle_empty_root(roots[0]);
	for (k = 0; k < n; k++) {
		/* leaf k: a slice of the input, so leaves may repeat */
		merkle_leaf_hash(data + k % size, size - k % size, lh[k]);
		if (merkle_frontier_add(&f, lh[k]) != 0)
			abort();
		merkle_frontier_root(&f, roots[k + 1]);
	}
	if (merkle_root(n, merkle_array_leaf, &arr, r) != 0 ||
	    sodium_memcmp(r, roots[n], H) != 0)
		abort();
	memset(proof, 0, sizeof(proof));
	if (merkle_inclusion_proof(i, n, merkle_array_leaf, &arr, proof,
	    &len) != 0)
		abort();
	check_proof(1, i, n, lh[i], NULL, roots[n], &proof[0][0], len, flip);
	memset(proof, 0, sizeof(proof));
	if (merkle_consistency_proof(m, n, merkle_array_leaf, &arr, proof,
	    &len) != 0)
		abort();
	check_proof(0, m, n, NULL, roots[m], roots[n], &proof[0][0], len,
	    flip);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		roundtrip(data + 1, size - 1);
	else
		hostile(data + 1, size - 1);
	return 0;
}
