/* SPDX-License-Identifier: ISC */
/*
 * merkle.c - RFC 6962 / RFC 9162 Merkle tree hashing (see merkle.h):
 * tree roots, inclusion and consistency proofs from leaf hashes read
 * through a callback, their verification by the algorithms of RFC 9162
 * §2.1.3.2 and §2.1.4.2, and the frontier of a growing tree.
 *
 * Generation follows the recursive definitions of RFC 6962 §2.1; the
 * recursion depth is bounded by the number of bits of the tree size
 * (at most 63), and every proof by MERKLE_PROOF_MAX hashes.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "errors.h"
#include "merkle.h"

/*
 * SHA-256 through OpenSSL: on a CPU with the SHA extensions it is
 * three times libsodium's portable code for the short inputs here (a
 * node's 65 bytes, an audit entry's few hundred), and the server hashes
 * a leaf and about one node per audit entry (6 % of casesyncd's CPU in
 * a push of 100,000 changes).  The digest is the same; libsodium stays
 * the fallback should OpenSSL fail, so a hash is never left unmade.
 * The algorithm is fetched once, kept for the life of the process.
 */
static pthread_once_t	 merkle_md_once = PTHREAD_ONCE_INIT;
static EVP_MD		*merkle_md;

static void
merkle_md_fetch(void)
{
	merkle_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* SHA-256 of p[0] || q[0 .. qlen) into "out"; 0 or -1 (nothing made). */
static int
merkle_sha256_ossl(const uint8_t *p, size_t plen, const uint8_t *q,
    size_t qlen, uint8_t out[MERKLE_HASH_LEN])
{
	EVP_MD_CTX	*c;
	unsigned int	 olen = 0;
	int		 ok;

	if (pthread_once(&merkle_md_once, merkle_md_fetch) != 0 ||
	    merkle_md == NULL || (c = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex2(c, merkle_md, NULL) == 1 &&
	    EVP_DigestUpdate(c, p, plen) == 1 &&
	    (qlen == 0 || EVP_DigestUpdate(c, q, qlen) == 1) &&
	    EVP_DigestFinal_ex(c, out, &olen) == 1 &&
	    olen == MERKLE_HASH_LEN;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

void
merkle_leaf_hash(const uint8_t *entry, size_t len,
    uint8_t out[MERKLE_HASH_LEN])
{
	crypto_hash_sha256_state	h;
	static const uint8_t		prefix = 0x00;

	if (merkle_sha256_ossl(&prefix, 1, entry, len, out) == 0)
		return;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, &prefix, 1);
	if (len > 0)
		crypto_hash_sha256_update(&h, entry, (unsigned long long)len);
	crypto_hash_sha256_final(&h, out);
}

void
merkle_node_hash(const uint8_t l[MERKLE_HASH_LEN],
    const uint8_t r[MERKLE_HASH_LEN], uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t	buf[1 + 2 * MERKLE_HASH_LEN];

	/* copy first: "out" may be "l" or "r" */
	buf[0] = 0x01;
	memcpy(buf + 1, l, MERKLE_HASH_LEN);
	memcpy(buf + 1 + MERKLE_HASH_LEN, r, MERKLE_HASH_LEN);
	if (merkle_sha256_ossl(buf, sizeof(buf), NULL, 0, out) != 0)
		crypto_hash_sha256(out, buf, sizeof(buf));
}

void
merkle_empty_root(uint8_t out[MERKLE_HASH_LEN])
{
	crypto_hash_sha256(out, (const uint8_t *)"", 0);
}

int
merkle_array_leaf(uint64_t index, uint8_t out[MERKLE_HASH_LEN], void *arg)
{
	const struct merkle_array	*a = arg;

	if (index >= a->n)
		return CS_ERR_INTERNAL;
	memcpy(out, a->hashes[index], MERKLE_HASH_LEN);
	return 0;
}

/* The largest power of two strictly below n (n >= 2). */
static uint64_t
merkle_split(uint64_t n)
{
	uint64_t	k = 1;

	while (k < n - k)	/* k * 2 < n, without overflow */
		k <<= 1;
	return k;
}

/* Where the generators get hashes: leaves, and stored subtrees. */
struct merkle_src {
	merkle_leaf_fn	 leaf;
	merkle_node_fn	 node;		/* may be NULL */
	void		*arg;
};

/*
 * MTH(D[a : a + n]), n >= 1.  A perfect subtree (n a power of two, a a
 * multiple of n) comes from src->node when it has it; every subtree the
 * recursion reaches from the root starts at a multiple of its split, so
 * with all perfect subtrees stored this costs O(log n) lookups.
 */
static int
merkle_subtree(uint64_t a, uint64_t n, const struct merkle_src *src,
    uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t		l[MERKLE_HASH_LEN], r[MERKLE_HASH_LEN];
	uint64_t	k;
	int		rv;

	if (n == 1)
		return src->leaf(a, out, src->arg);
	if (src->node != NULL && (n & (n - 1)) == 0 && a % n == 0 &&
	    (rv = src->node(a, n, out, src->arg)) != CS_ERR_NOT_FOUND)
		return rv;
	k = merkle_split(n);
	if ((rv = merkle_subtree(a, k, src, l)) != 0 ||
	    (rv = merkle_subtree(a + k, n - k, src, r)) != 0)
		return rv;
	merkle_node_hash(l, r, out);
	return 0;
}

int
merkle_root(uint64_t n, merkle_leaf_fn leaf, void *arg,
    uint8_t root[MERKLE_HASH_LEN])
{
	if (n > MERKLE_SIZE_MAX)
		return CS_ERR_FORMAT;
	struct merkle_src	src = { leaf, NULL, arg };

	if (n == 0) {
		merkle_empty_root(root);
		return 0;
	}
	return merkle_subtree(0, n, &src, root);
}

/* Append MTH(D[a : a + n]) to the proof. */
static int
merkle_proof_add(uint64_t a, uint64_t n, const struct merkle_src *src,
    uint8_t proof[][MERKLE_HASH_LEN], size_t *count)
{
	if (*count == MERKLE_PROOF_MAX)
		return CS_ERR_INTERNAL;
	return merkle_subtree(a, n, src, proof[(*count)++]);
}

/* RFC 6962 §2.1.1 PATH(m, D[a : a + n]). */
static int
merkle_path(uint64_t m, uint64_t a, uint64_t n, const struct merkle_src *src,
    uint8_t proof[][MERKLE_HASH_LEN], size_t *count)
{
	uint64_t	k;
	int		rv;

	if (n == 1)
		return 0;
	k = merkle_split(n);
	if (m < k) {
		if ((rv = merkle_path(m, a, k, src, proof, count)) != 0)
			return rv;
		return merkle_proof_add(a + k, n - k, src, proof, count);
	}
	if ((rv = merkle_path(m - k, a + k, n - k, src, proof, count)) != 0)
		return rv;
	return merkle_proof_add(a, k, src, proof, count);
}

int
merkle_inclusion_proof(uint64_t index, uint64_t n, merkle_leaf_fn leaf,
    void *arg, uint8_t proof[][MERKLE_HASH_LEN], size_t *len)
{
	struct merkle_src	src = { leaf, NULL, arg };
	size_t			count = 0;
	int			rv;

	*len = 0;
	if (n > MERKLE_SIZE_MAX || index >= n)
		return CS_ERR_FORMAT;
	if ((rv = merkle_path(index, 0, n, &src, proof, &count)) != 0)
		return rv;
	*len = count * MERKLE_HASH_LEN;
	return 0;
}

/* RFC 6962 §2.1.2 SUBPROOF(m, D[a : a + n], b). */
static int
merkle_subproof(uint64_t m, uint64_t a, uint64_t n, int b,
    const struct merkle_src *src, uint8_t proof[][MERKLE_HASH_LEN],
    size_t *count)
{
	uint64_t	k;
	int		rv;

	if (m == n)
		return b ? 0 : merkle_proof_add(a, n, src, proof, count);
	k = merkle_split(n);
	if (m <= k) {
		if ((rv = merkle_subproof(m, a, k, b, src, proof, count)) != 0)
			return rv;
		return merkle_proof_add(a + k, n - k, src, proof, count);
	}
	if ((rv = merkle_subproof(m - k, a + k, n - k, 0, src, proof,
	    count)) != 0)
		return rv;
	return merkle_proof_add(a, k, src, proof, count);
}

int
merkle_consistency_proof(uint64_t m, uint64_t n, merkle_leaf_fn leaf,
    void *arg, uint8_t proof[][MERKLE_HASH_LEN], size_t *len)
{
	return merkle_consistency_proof_nodes(m, n, leaf, NULL, arg, proof,
	    len);
}

int
merkle_consistency_proof_nodes(uint64_t m, uint64_t n, merkle_leaf_fn leaf,
    merkle_node_fn node, void *arg, uint8_t proof[][MERKLE_HASH_LEN],
    size_t *len)
{
	struct merkle_src	src = { leaf, node, arg };
	size_t			count = 0;
	int			rv;

	*len = 0;
	if (n > MERKLE_SIZE_MAX || m == 0 || m > n)
		return CS_ERR_FORMAT;
	if ((rv = merkle_subproof(m, 0, n, 1, &src, proof, &count)) != 0)
		return rv;
	*len = count * MERKLE_HASH_LEN;
	return 0;
}

/* A proof of "len" bytes: whole hashes, not too many. */
static int
merkle_proof_len_ok(size_t len)
{
	return len % MERKLE_HASH_LEN == 0 &&
	    len / MERKLE_HASH_LEN <= MERKLE_PROOF_MAX;
}

static int
merkle_hash_eq(const uint8_t a[MERKLE_HASH_LEN],
    const uint8_t b[MERKLE_HASH_LEN])
{
	return sodium_memcmp(a, b, MERKLE_HASH_LEN) == 0;
}

int
merkle_inclusion_verify(uint64_t index, uint64_t n,
    const uint8_t leaf[MERKLE_HASH_LEN], const uint8_t *proof, size_t len,
    const uint8_t root[MERKLE_HASH_LEN])
{
	uint8_t		r[MERKLE_HASH_LEN];
	const uint8_t	*p;
	uint64_t	fn, sn;
	size_t		i, count;

	if (n > MERKLE_SIZE_MAX || index >= n || !merkle_proof_len_ok(len))
		return CS_ERR_FORMAT;
	count = len / MERKLE_HASH_LEN;
	fn = index;
	sn = n - 1;
	memcpy(r, leaf, MERKLE_HASH_LEN);
	for (i = 0; i < count; i++) {
		p = proof + i * MERKLE_HASH_LEN;
		if (sn == 0)
			return CS_ERR_TAMPERED;		/* proof too long */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(p, r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			merkle_node_hash(r, p, r);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !merkle_hash_eq(r, root))
		return CS_ERR_TAMPERED;
	return 0;
}

int
merkle_consistency_verify(uint64_t m, uint64_t n,
    const uint8_t root_m[MERKLE_HASH_LEN],
    const uint8_t root_n[MERKLE_HASH_LEN], const uint8_t *proof, size_t len)
{
	uint8_t		fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	uint8_t		empty[MERKLE_HASH_LEN];
	const uint8_t	*c;
	uint64_t	fn, sn;
	size_t		i, count;

	if (n > MERKLE_SIZE_MAX || m > n || !merkle_proof_len_ok(len))
		return CS_ERR_FORMAT;
	count = len / MERKLE_HASH_LEN;
	if (m == n) {
		if (count != 0 || !merkle_hash_eq(root_m, root_n))
			return CS_ERR_TAMPERED;
		return 0;
	}
	if (m == 0) {
		merkle_empty_root(empty);
		if (count != 0 || !merkle_hash_eq(root_m, empty))
			return CS_ERR_TAMPERED;
		return 0;
	}
	if (count == 0)
		return CS_ERR_TAMPERED;
	/* a power of two: the old root itself starts the path */
	i = 0;
	if ((m & (m - 1)) == 0)
		memcpy(fr, root_m, MERKLE_HASH_LEN);
	else
		memcpy(fr, proof + i++ * MERKLE_HASH_LEN, MERKLE_HASH_LEN);
	memcpy(sr, fr, MERKLE_HASH_LEN);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < count; i++) {
		c = proof + i * MERKLE_HASH_LEN;
		if (sn == 0)
			return CS_ERR_TAMPERED;		/* proof too long */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(c, fr, fr);
			merkle_node_hash(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			merkle_node_hash(sr, c, sr);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !merkle_hash_eq(fr, root_m) ||
	    !merkle_hash_eq(sr, root_n))
		return CS_ERR_TAMPERED;
	return 0;
}

static size_t
merkle_popcount(uint64_t v)
{
	size_t	n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

void
merkle_frontier_init(struct merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

int
merkle_frontier_add(struct merkle_frontier *f,
    const uint8_t leaf[MERKLE_HASH_LEN])
{
	return merkle_frontier_push(f, leaf, NULL, NULL);
}

int
merkle_frontier_push(struct merkle_frontier *f,
    const uint8_t leaf[MERKLE_HASH_LEN], merkle_done_fn done, void *arg)
{
	uint8_t		h[MERKLE_HASH_LEN];
	uint64_t	s, i = f->size, n = 1;
	size_t		count;
	int		rv;

	if (f->size >= MERKLE_SIZE_MAX)
		return CS_ERR_TOO_LARGE;
	count = merkle_popcount(f->size);
	memcpy(h, leaf, MERKLE_HASH_LEN);
	/* each trailing one bit is a subtree of the new leaf's size */
	for (s = f->size; s & 1; s >>= 1) {
		merkle_node_hash(f->hashes[--count], h, h);
		n <<= 1;
		/* D[i + 1 - n : i + 1] is complete now */
		if (done != NULL && (rv = done(i + 1 - n, n, h, arg)) != 0)
			return rv;
	}
	memcpy(f->hashes[count], h, MERKLE_HASH_LEN);
	f->size++;
	return 0;
}

void
merkle_frontier_root(const struct merkle_frontier *f,
    uint8_t root[MERKLE_HASH_LEN])
{
	size_t	count = merkle_popcount(f->size);

	if (count == 0) {
		merkle_empty_root(root);
		return;
	}
	memcpy(root, f->hashes[count - 1], MERKLE_HASH_LEN);
	while (--count > 0)
		merkle_node_hash(f->hashes[count - 1], root, root);
}

size_t
merkle_frontier_len(const struct merkle_frontier *f)
{
	return merkle_popcount(f->size) * MERKLE_HASH_LEN;
}

void
merkle_frontier_encode(const struct merkle_frontier *f, uint8_t *dst)
{
	size_t	len = merkle_frontier_len(f);

	if (len > 0)
		memcpy(dst, f->hashes, len);
}

int
merkle_frontier_decode(struct merkle_frontier *f, uint64_t size,
    const uint8_t *src, size_t len)
{
	merkle_frontier_init(f);
	if (size > MERKLE_SIZE_MAX ||
	    len != merkle_popcount(size) * MERKLE_HASH_LEN)
		return CS_ERR_FORMAT;
	if (len > 0)
		memcpy(f->hashes, src, len);
	f->size = size;
	return 0;
}
