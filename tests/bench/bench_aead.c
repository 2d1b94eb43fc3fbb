/* SPDX-License-Identifier: ISC */
/*
 * bench_aead.c - what the laptop's mandatory encryption costs per core
 * on this machine: XChaCha20-Poly1305 (libsodium) on a 1 KiB record
 * body (end-to-end, e2e.c) and on a 16 KiB vault page (vault.c), seal
 * and open, one thread.  bench_sync.sh uses the rates to put a floor
 * under the initial sync: every record byte goes through the cipher at
 * least four times on the laptop (the body is opened; the vault seals
 * its page into the WAL; the checkpoint opens the frame and seals it
 * into the main file), and no schedule of two cores makes that faster
 * than the bytes times four over twice the rate.
 *
 * Output: a markdown table; with -q only the two rates in MB/s
 * (10^6 bytes), body then page, averaged over seal and open.
 * Usage: bench_aead [-q]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define AEAD_BYTES	(256u * 1024 * 1024)	/* per measurement */
#define AEAD_ROUNDS	3			/* best of */

static double
now_s(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Seal (open == 0) or open AEAD_BYTES in units of "len" bytes; the best
 * rate of AEAD_ROUNDS in MB/s.  Opening checks every tag: a failure
 * ends the program, so nothing is measured that did not happen.
 */
static double
rate(size_t len, int open)
{
	unsigned char	 key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char	 nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char	 tag[crypto_aead_xchacha20poly1305_ietf_ABYTES];
	unsigned char	 ad[48];
	unsigned char	*p, *c;
	double		 best = 0, t0, t;
	size_t		 i, n = AEAD_BYTES / len;
	int		 round;

	if ((p = malloc(len)) == NULL || (c = malloc(len)) == NULL) {
		fprintf(stderr, "bench_aead: out of memory\n");
		exit(1);
	}
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
	randombytes_buf(nonce, sizeof(nonce));
	randombytes_buf(ad, sizeof(ad));
	randombytes_buf(p, len);
	/* what the open rounds open, again and again */
	(void)crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, tag,
	    NULL, p, len, ad, sizeof(ad), NULL, nonce, key);
	for (round = 0; round < AEAD_ROUNDS; round++) {
		t0 = now_s();
		for (i = 0; i < n; i++) {
			if (!open) {
				/* a nonce per page, as the vault draws */
				nonce[0] = (unsigned char)i;
				(void)crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
				    c, tag, NULL, p, len, ad, sizeof(ad), NULL,
				    nonce, key);
			} else if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
			    p, NULL, c, len, tag, ad, sizeof(ad), nonce,
			    key) != 0) {
				fprintf(stderr, "bench_aead: open failed\n");
				exit(1);
			}
		}
		t = now_s() - t0;
		if ((double)n * (double)len / t / 1e6 > best)
			best = (double)n * (double)len / t / 1e6;
	}
	free(p);
	free(c);
	return best;
}

int
main(int argc, char *argv[])
{
	double	bs, bo, ps, po;
	int	quiet = argc > 1 && strcmp(argv[1], "-q") == 0;

	if (sodium_init() < 0)
		return 1;
	bs = rate(1024, 0);
	bo = rate(1024, 1);
	ps = rate(16384, 0);
	po = rate(16384, 1);
	if (quiet) {
		printf("%.1f %.1f\n", (bs + bo) / 2, (ps + po) / 2);
		return 0;
	}
	printf("| XChaCha20-Poly1305, one thread | seal | open |\n");
	printf("|---|---|---|\n");
	printf("| 1 KiB record body (end-to-end) | %.0f MB/s | %.0f MB/s |\n",
	    bs, bo);
	printf("| 16 KiB vault page | %.0f MB/s | %.0f MB/s |\n", ps, po);
	printf("\nBest of %d passes over %u MiB each; MB = 10^6 bytes.\n",
	    AEAD_ROUNDS, AEAD_BYTES / (1024 * 1024));
	return 0;
}
