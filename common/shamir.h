/* SPDX-License-Identifier: ISC */
/*
 * shamir.h - Shamir k-of-n secret sharing over GF(256).
 *
 * Each byte of the secret is the constant term of its own random
 * polynomial of degree k - 1 over GF(2^8) with the AES polynomial
 * x^8 + x^4 + x^3 + x + 1 (0x11b); share i is that polynomial
 * evaluated at x = i + 1.  Any k shares give the secret back by
 * Lagrange interpolation at x = 0; fewer than k say nothing about it.
 *
 * A share is SHAMIR_SHARE_LEN(len) bytes: the x coordinate (1..255),
 * then "len" bytes of y.  Shares carry no integrity protection: a
 * corrupted share, a share of another split or too few shares give a
 * wrong secret, not an error.  Callers authenticate the result (for
 * instance with a MAC or a known public key) before using it.
 *
 * Field arithmetic is constant time: no table lookups and no branches
 * on secret data.  libsodium must be initialised (sodium_init()) by
 * the caller.
 */
#ifndef SHAMIR_H
#define SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#define SHAMIR_SHARES_MAX	255	/* nonzero elements of GF(256) */
#define SHAMIR_SECRET_MAX	1024	/* bytes */
#define SHAMIR_SHARE_LEN(len)	((size_t)(len) + 1)

/*
 * Split "len" bytes (1..SHAMIR_SECRET_MAX) of "secret" into "n"
 * shares, any "k" of which recover it, 2 <= k <= n <= SHAMIR_SHARES_MAX.
 * Share i (0-based) is written to shares + i * SHAMIR_SHARE_LEN(len):
 * first its x coordinate i + 1, then "len" bytes; "shares" has room
 * for n * SHAMIR_SHARE_LEN(len) bytes and does not overlap "secret".
 * The coefficients come from randombytes_buf() and are wiped.
 * Returns 0, or CS_ERR_FORMAT for a bad k, n or len (nothing written).
 */
int	shamir_split(const uint8_t *secret, size_t len, unsigned k,
	    unsigned n, uint8_t *shares);

/*
 * Recover a secret of "len" bytes (1..SHAMIR_SECRET_MAX) from "count"
 * shares, each SHAMIR_SHARE_LEN(len) bytes as written by
 * shamir_split(), in any order, into "secret" ("len" bytes, not
 * overlapping the shares).
 * Returns 0, or CS_ERR_FORMAT (nothing written) if count is 0 or above
 * SHAMIR_SHARES_MAX, len is out of range, a share has x = 0, or two
 * shares have the same x.
 * With fewer than k shares, or a corrupted one, the result is a wrong
 * value, not an error: see above.  More than k shares are fine.
 */
int	shamir_combine(const uint8_t *const *shares, unsigned count,
	    size_t len, uint8_t *secret);

/*
 * The field, exported for the unit tests and for other users of
 * GF(256): product, and inverse (a^254, so the inverse of 0 is 0).
 * Both constant time.
 */
uint8_t	shamir_gf_mul(uint8_t a, uint8_t b);
uint8_t	shamir_gf_inv(uint8_t a);

#endif /* SHAMIR_H */
