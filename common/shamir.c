/* SPDX-License-Identifier: ISC */
/*
 * shamir.c - Shamir secret sharing over GF(256) (see shamir.h): one
 * random polynomial per secret byte, evaluated by Horner's rule at
 * x = 1..n to split, Lagrange interpolation at x = 0 to combine.
 *
 * The field operations touch secret bytes only through shifts, XORs
 * and masks, a fixed number of times: the usual log/exp tables would
 * index memory with the secret and leak it through the cache.  Only
 * the x coordinates, which are public, steer branches.
 */
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "errors.h"
#include "shamir.h"

#define SHAMIR_POLY	0x11bu		/* x^8 + x^4 + x^3 + x + 1 */

uint8_t
shamir_gf_mul(uint8_t a, uint8_t b)
{
	unsigned	x = a, y = b, r = 0;
	int		i;

	/* shift and add; 0u - bit is all ones or zero, never a branch */
	for (i = 0; i < 8; i++) {
		r ^= x & (0u - (y & 1u));
		y >>= 1;
		x = (x << 1) ^ (SHAMIR_POLY & (0u - (x >> 7)));
	}
	return (uint8_t)r;
}

uint8_t
shamir_gf_inv(uint8_t a)
{
	uint8_t	sq = a, r = 1;
	int	i;

	/*
	 * a^254 = a^-1 for a != 0 (the multiplicative group has order
	 * 255), and 0 for 0.  254 = 2 + 4 + ... + 128: multiply the
	 * seven squares together, the same steps for every a.
	 */
	for (i = 1; i < 8; i++) {
		sq = shamir_gf_mul(sq, sq);
		r = shamir_gf_mul(r, sq);
	}
	return r;
}

int
shamir_split(const uint8_t *secret, size_t len, unsigned k, unsigned n,
    uint8_t *shares)
{
	uint8_t		coef[SHAMIR_SHARES_MAX];	/* c[d] of x^d */
	uint8_t		x, y;
	size_t		j, step;
	unsigned	i, d;

	if (k < 2 || k > n || n > SHAMIR_SHARES_MAX || len < 1 ||
	    len > SHAMIR_SECRET_MAX)
		return CS_ERR_FORMAT;
	step = SHAMIR_SHARE_LEN(len);	/* n * step <= 255 * 1025 */
	for (i = 0; i < n; i++)
		shares[i * step] = (uint8_t)(i + 1);
	for (j = 0; j < len; j++) {
		coef[0] = secret[j];
		randombytes_buf(coef + 1, k - 1);
		for (i = 0; i < n; i++) {
			x = (uint8_t)(i + 1);
			y = coef[k - 1];
			for (d = k - 1; d > 0; d--)
				y = shamir_gf_mul(y, x) ^ coef[d - 1];
			shares[i * step + 1 + j] = y;
		}
	}
	sodium_memzero(coef, sizeof(coef));
	return 0;
}

int
shamir_combine(const uint8_t *const *shares, unsigned count, size_t len,
    uint8_t *secret)
{
	uint8_t		lambda[SHAMIR_SHARES_MAX];
	uint8_t		num, den, acc;
	size_t		j;
	unsigned	i, m;
	int		r = CS_ERR_FORMAT;

	/* more than 255 shares must repeat an x: refused before lambda[] */
	if (count < 1 || count > SHAMIR_SHARES_MAX || len < 1 ||
	    len > SHAMIR_SECRET_MAX)
		return CS_ERR_FORMAT;
	for (i = 0; i < count; i++) {
		if (shares[i][0] == 0)
			goto out;
		for (m = 0; m < i; m++)
			if (shares[m][0] == shares[i][0])
				goto out;
	}

	/*
	 * Lagrange basis at 0: l_i = prod_{m != i} x_m / (x_m - x_i).
	 * Subtraction is XOR, and the x are distinct, so den != 0.
	 */
	for (i = 0; i < count; i++) {
		num = den = 1;
		for (m = 0; m < count; m++) {
			if (m == i)
				continue;
			num = shamir_gf_mul(num, shares[m][0]);
			den = shamir_gf_mul(den, shares[m][0] ^ shares[i][0]);
		}
		lambda[i] = shamir_gf_mul(num, shamir_gf_inv(den));
	}
	for (j = 0; j < len; j++) {
		acc = 0;
		for (i = 0; i < count; i++)
			acc ^= shamir_gf_mul(lambda[i], shares[i][1 + j]);
		secret[j] = acc;
	}
	r = 0;
 out:
	sodium_memzero(lambda, sizeof(lambda));
	return r;
}
