/* SPDX-License-Identifier: ISC */
/*
 * merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing for the audit log.
 *
 * Leaf hash SHA-256(0x00 || entry), node hash SHA-256(0x01 || l || r);
 * the root of the empty tree is SHA-256("").  Trees have at most
 * MERKLE_SIZE_MAX leaves (they are counted in SQLite's int64).
 *
 * Proofs travel as byte strings: a whole number of MERKLE_HASH_LEN
 * hashes, at most MERKLE_PROOF_MAX of them.  The verifiers take a
 * length in bytes so that a truncated proof or one with trailing bytes
 * is refused rather than read past.
 *
 * Generation reads leaf hashes through a callback (merkle_leaf_fn) so
 * that the caller can keep them wherever it likes; merkle_array_leaf
 * is a ready callback over an array of hashes.
 */
#ifndef MERKLE_H
#define MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN		32
#define MERKLE_SIZE_MAX		((uint64_t)INT64_MAX)
/* Paths and consistency proofs of trees below 2^63 leaves fit. */
#define MERKLE_PROOF_MAX	128
#define MERKLE_FRONTIER_MAX	64	/* one hash per bit of the size */

/* SHA-256(0x00 || entry) */
void	merkle_leaf_hash(const uint8_t *entry, size_t len,
	    uint8_t out[MERKLE_HASH_LEN]);
/* SHA-256(0x01 || l || r); "out" may alias either input. */
void	merkle_node_hash(const uint8_t l[MERKLE_HASH_LEN],
	    const uint8_t r[MERKLE_HASH_LEN], uint8_t out[MERKLE_HASH_LEN]);
/* SHA-256("") */
void	merkle_empty_root(uint8_t out[MERKLE_HASH_LEN]);

/*
 * Put the hash of leaf "index" into "out"; 0 or a negative CS_ERR_*,
 * which the generator returns unchanged.
 */
typedef int (*merkle_leaf_fn)(uint64_t index, uint8_t out[MERKLE_HASH_LEN],
    void *arg);

/* Leaf hashes in one array; "arg" is a const struct merkle_array *. */
struct merkle_array {
	const uint8_t	(*hashes)[MERKLE_HASH_LEN];
	uint64_t	 n;
};
int	merkle_array_leaf(uint64_t index, uint8_t out[MERKLE_HASH_LEN],
	    void *arg);

/*
 * Root of the tree of the first "n" leaves.  0, CS_ERR_FORMAT
 * (n > MERKLE_SIZE_MAX) or the callback's error.
 */
int	merkle_root(uint64_t n, merkle_leaf_fn leaf, void *arg,
	    uint8_t root[MERKLE_HASH_LEN]);

/*
 * Inclusion proof (audit path) of leaf "index" in the tree of "n"
 * leaves, into "proof" (room for MERKLE_PROOF_MAX hashes); *len gets
 * its length in bytes.  CS_ERR_FORMAT unless index < n <= SIZE_MAX.
 */
int	merkle_inclusion_proof(uint64_t index, uint64_t n, merkle_leaf_fn leaf,
	    void *arg, uint8_t proof[][MERKLE_HASH_LEN], size_t *len);

/*
 * Consistency proof between the trees of "m" and "n" leaves,
 * 0 < m <= n (an empty proof when m == n).  As above.
 */
int	merkle_consistency_proof(uint64_t m, uint64_t n, merkle_leaf_fn leaf,
	    void *arg, uint8_t proof[][MERKLE_HASH_LEN], size_t *len);

/*
 * Put MTH(D[a : a + n]) of a perfect subtree (n a power of two >= 2,
 * a a multiple of n) into "out": 0, CS_ERR_NOT_FOUND if it is not
 * stored (the generator then computes it from below), or another
 * negative CS_ERR_*, returned unchanged.
 */
typedef int (*merkle_node_fn)(uint64_t a, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN], void *arg);
/*
 * merkle_consistency_proof with stored subtrees: with every perfect
 * subtree available from "node", O(log^2 n) lookups instead of reading
 * all n leaves.  Both callbacks get "arg".
 */
int	merkle_consistency_proof_nodes(uint64_t m, uint64_t n,
	    merkle_leaf_fn leaf, merkle_node_fn node, void *arg,
	    uint8_t proof[][MERKLE_HASH_LEN], size_t *len);

/*
 * RFC 9162 §2.1.3.2: 0 if "proof" (len bytes) shows that "leaf" is
 * leaf "index" of the tree of "n" leaves with "root"; CS_ERR_FORMAT
 * for a malformed proof or out-of-range index/size, CS_ERR_TAMPERED
 * if the hashes do not work out.
 */
int	merkle_inclusion_verify(uint64_t index, uint64_t n,
	    const uint8_t leaf[MERKLE_HASH_LEN], const uint8_t *proof,
	    size_t len, const uint8_t root[MERKLE_HASH_LEN]);

/*
 * RFC 9162 §2.1.4.2: 0 if "proof" shows that the tree of "m" leaves
 * with "root_m" is a prefix of the tree of "n" leaves with "root_n".
 * m == n needs an empty proof and equal roots; m == 0 needs an empty
 * proof and root_m the empty root (every tree extends the empty one).
 * CS_ERR_FORMAT or CS_ERR_TAMPERED as above.
 */
int	merkle_consistency_verify(uint64_t m, uint64_t n,
	    const uint8_t root_m[MERKLE_HASH_LEN],
	    const uint8_t root_n[MERKLE_HASH_LEN], const uint8_t *proof,
	    size_t len);

/*
 * The right edge of a growing tree: the roots of its perfect subtrees,
 * largest first, one per set bit of "size".  Enough to append a leaf
 * and to compute the root in O(log n) without the leaves.
 */
struct merkle_frontier {
	uint64_t	size;
	uint8_t		hashes[MERKLE_FRONTIER_MAX][MERKLE_HASH_LEN];
};

void	merkle_frontier_init(struct merkle_frontier *);
/* CS_ERR_TOO_LARGE once MERKLE_SIZE_MAX leaves are in. */
int	merkle_frontier_add(struct merkle_frontier *,
	    const uint8_t leaf[MERKLE_HASH_LEN]);
/*
 * The subtree D[a : a + n] (n >= 2, a power of two) that an append
 * completed, with its hash; a non-zero return stops the append.
 */
typedef int (*merkle_done_fn)(uint64_t a, uint64_t n,
    const uint8_t hash[MERKLE_HASH_LEN], void *arg);
/* merkle_frontier_add, calling "done" (if not NULL) for each. */
int	merkle_frontier_push(struct merkle_frontier *,
	    const uint8_t leaf[MERKLE_HASH_LEN], merkle_done_fn done,
	    void *arg);
void	merkle_frontier_root(const struct merkle_frontier *,
	    uint8_t root[MERKLE_HASH_LEN]);
/* Bytes merkle_frontier_encode() writes: 32 per set bit of the size. */
size_t	merkle_frontier_len(const struct merkle_frontier *);
void	merkle_frontier_encode(const struct merkle_frontier *, uint8_t *dst);
/* CS_ERR_FORMAT unless "len" matches "size" exactly. */
int	merkle_frontier_decode(struct merkle_frontier *, uint64_t size,
	    const uint8_t *src, size_t len);

#endif /* MERKLE_H */
