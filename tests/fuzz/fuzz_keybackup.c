/* SPDX-License-Identifier: ISC */
/*
 * fuzz_keybackup.c - libFuzzer target for the user key backup
 * (e2e_backup_open/e2e_backup_seal in common/e2e.c, the signature of a
 * replacement backup in common/e2e_kb.c): the file a new laptop gets
 * from the server and opens with the user's passphrase.
 *
 * Byte 0, bit 0 picks the half:
 *  - 0, hostile: the rest is a backup as it would come from the server,
 *    opened as user "anna" with the passphrase FUZZ_PASS.  Argon2id
 *    parameters in the accepted range but dearer than a fuzzer can pay
 *    (opslimit above 4, memlimit above 64 KiB) are folded into cheap
 *    ones in range first (the header stays hostile otherwise; the
 *    out-of-range ones are passed as they are and must be refused
 *    before Argon2 runs).  Checked: the result is 0, CS_ERR_FORMAT or
 *    CS_ERR_PASSPHRASE; a refusal leaves *out NULL; and whatever opens
 *    is exactly the key set of the seeds (fuzz_keys, made from a fixed
 *    seed: only the holder of FUZZ_PASS can make a backup that opens),
 *    with public halves that match the private ones, that opens as no
 *    other user and with no other passphrase.
 *  - 1, round trip: the rest picks a key set (its seed), the user name,
 *    the passphrase, Argon2id parameters (in range and cheap, or out
 *    of range) and one bit to flip.  Checked: e2e_backup_seal() refuses
 *    exactly what the format refuses (a name of 0 or over 255 bytes, a
 *    passphrase of 0 or over 1024, parameters out of range), then with
 *    CS_ERR_FORMAT and the output zeroed; a sealed backup opens to the
 *    same four keys, and with the flipped bit it is refused
 *    (CS_ERR_FORMAT in magic, version or a parameter out of range,
 *    CS_ERR_PASSPHRASE elsewhere); the backup's signature
 *    (e2e_backup_sign) verifies, and fails for the flipped backup or
 *    another key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "e2e.h"
#include "errors.h"
#include "log.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

#define FUZZ_PASS	"fuzz backup passphrase"
#define FUZZ_USER	"anna"
#define OFF_OPS		5
#define OFF_MEM		13
#define OPS_MIN		((uint64_t)crypto_pwhash_OPSLIMIT_MIN)
#define OPS_MAX		(4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE)
#define MEM_MIN		((uint64_t)crypto_pwhash_MEMLIMIT_MIN)
#define MEM_MAX		((uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)
#define OPS_CHEAP	4
#define MEM_CHEAP	(64 * 1024)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct e2e_userkeys	*fuzz_keys;	/* the seeds' key set */

static void	put64(uint8_t *, uint64_t);
static int	keys_eq(const struct e2e_userkeys *,
		    const struct e2e_userkeys *);

/* One seed file "name" in "dir": byte 0 "mode", then "len" bytes. */
static void
seed_write(const char *dir, const char *name, uint8_t mode,
    const uint8_t *p, size_t len)
{
	FILE	*f;
	char	 path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fputc(mode, f) == EOF ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0)
		abort();
}

/*
 * FUZZ_SEED_DIR=dir in the environment: write the seeds of
 * corpus/keybackup/ there (a valid backup of fuzz_keys, the same with
 * dear parameters, a truncated one, and round-trip inputs).
 */
static void
seeds_write(const char *dir)
{
	struct e2e_userkeys	*k = NULL;
	uint8_t			 b[E2E_BACKUP_LEN], rt[19 + 4 + 32 + 8];

	if (e2e_backup_seal(fuzz_keys, FUZZ_USER, FUZZ_PASS,
	    sizeof(FUZZ_PASS) - 1, OPS_MIN, (size_t)MEM_MIN, b) != 0)
		abort();
	if (e2e_backup_open(b, sizeof(b), FUZZ_USER, FUZZ_PASS,
	    sizeof(FUZZ_PASS) - 1, &k) != 0 || !keys_eq(k, fuzz_keys))
		abort();
	e2e_userkeys_free(k);
	seed_write(dir, "valid", 0, b, sizeof(b));
	seed_write(dir, "truncated", 0, b, sizeof(b) - 1);
	put64(b + OFF_OPS, OPS_MAX);
	put64(b + OFF_MEM, MEM_MAX);
	seed_write(dir, "dear-params", 0, b, sizeof(b));
	put64(b + OFF_OPS, OPS_MAX + 1);
	seed_write(dir, "ops-too-high", 0, b, sizeof(b));
	memset(rt, 0, sizeof(rt));
	rt[18] = 4;
	memcpy(rt + 19, "bert", 4);
	memset(rt + 23, 0x17, 32);
	memcpy(rt + 55, "pass1234", 8);
	seed_write(dir, "roundtrip", 1, rt, sizeof(rt));
	rt[0] = 0x80;		/* opslimit out of range */
	seed_write(dir, "roundtrip-bad-ops", 1, rt, sizeof(rt));
	rt[0] = 0;
	rt[18] = 0;		/* no name */
	seed_write(dir, "roundtrip-no-name", 1, rt, sizeof(rt));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t	seed[E2E_SEED_LEN];

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	log_init(1, "fuzz_keybackup");
	memset(seed, 0x42, sizeof(seed));
	if (e2e_userkeys_from_seed(seed, &fuzz_keys) != 0)
		abort();
	if (getenv("FUZZ_SEED_DIR") != NULL)
		seeds_write(getenv("FUZZ_SEED_DIR"));
	return 0;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static int
params_ok(uint64_t ops, uint64_t mem)
{
	return ops >= OPS_MIN && ops <= OPS_MAX && mem >= MEM_MIN &&
	    mem <= MEM_MAX;
}

static int
keys_eq(const struct e2e_userkeys *a, const struct e2e_userkeys *b)
{
	return memcmp(a->box_pk, b->box_pk, sizeof(a->box_pk)) == 0 &&
	    memcmp(a->box_sk, b->box_sk, sizeof(a->box_sk)) == 0 &&
	    memcmp(a->sign_pk, b->sign_pk, sizeof(a->sign_pk)) == 0 &&
	    memcmp(a->sign_sk, b->sign_sk, sizeof(a->sign_sk)) == 0;
}

/* The public halves belong to the private ones. */
static int
keys_wellformed(const struct e2e_userkeys *k)
{
	uint8_t	pk[32], sk[64], seed[32];

	if (crypto_scalarmult_base(pk, k->box_sk) != 0 ||
	    memcmp(pk, k->box_pk, sizeof(pk)) != 0)
		return 0;
	memcpy(seed, k->sign_sk, sizeof(seed));
	return crypto_sign_seed_keypair(pk, sk, seed) == 0 &&
	    memcmp(pk, k->sign_pk, sizeof(pk)) == 0 &&
	    memcmp(sk, k->sign_sk, sizeof(sk)) == 0;
}

/* Open and check the contract of e2e_backup_open(); the result. */
static int
open_checked(const uint8_t *blob, size_t len, const char *user,
    const char *pass, size_t passlen, struct e2e_userkeys **out)
{
	int	r;

	*out = (struct e2e_userkeys *)(uintptr_t)1;	/* must be reset */
	r = e2e_backup_open(blob, len, user, pass, passlen, out);
	if (r != 0)
		CHECK(*out == NULL);
	else
		CHECK(*out != NULL && keys_wellformed(*out));
	CHECK(r == 0 || r == CS_ERR_FORMAT || r == CS_ERR_PASSPHRASE);
	return r;
}

static void
fuzz_hostile(const uint8_t *data, size_t size)
{
	struct e2e_userkeys	*k = NULL, *k2 = NULL;
	uint8_t			*blob;
	uint64_t		 ops, mem;
	int			 r;

	/* on the heap at its exact length: ASan sees any read past it */
	if ((blob = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(blob, data, size);
	if (size == E2E_BACKUP_LEN) {
		ops = get64(blob + OFF_OPS);
		mem = get64(blob + OFF_MEM);
		if (params_ok(ops, mem) && (ops > OPS_CHEAP ||
		    mem > MEM_CHEAP)) {
			put64(blob + OFF_OPS, OPS_MIN + ops % OPS_CHEAP);
			put64(blob + OFF_MEM, MEM_MIN + mem %
			    (MEM_CHEAP - MEM_MIN + 1));
		}
	}
	r = open_checked(blob, size, FUZZ_USER, FUZZ_PASS,
	    sizeof(FUZZ_PASS) - 1, &k);
	if (size != E2E_BACKUP_LEN)
		CHECK(r == CS_ERR_FORMAT);
	if (size == E2E_BACKUP_LEN && !params_ok(get64(blob + OFF_OPS),
	    get64(blob + OFF_MEM)))
		CHECK(r == CS_ERR_FORMAT);
	if (r == 0) {
		/* only a holder of the passphrase makes one that opens */
		CHECK(keys_eq(k, fuzz_keys));
		/* the name and the passphrase are bound */
		CHECK(open_checked(blob, size, "anne", FUZZ_PASS,
		    sizeof(FUZZ_PASS) - 1, &k2) == CS_ERR_PASSPHRASE);
		CHECK(open_checked(blob, size, FUZZ_USER, FUZZ_PASS,
		    sizeof(FUZZ_PASS) - 2, &k2) == CS_ERR_PASSPHRASE);
	}
	e2e_userkeys_free(k);
	free(blob);
}

/* Take n bytes from the input, or fewer at its end. */
static size_t
take(const uint8_t **p, size_t *left, size_t n)
{
	if (n > *left)
		n = *left;
	*p += n;
	*left -= n;
	return n;
}

static void
fuzz_roundtrip(const uint8_t *data, size_t size)
{
	struct e2e_userkeys	*k = NULL, *other = NULL, *o = NULL;
	const uint8_t		*p = data, *q;
	uint8_t			 seed[E2E_SEED_LEN], blob[E2E_BACKUP_LEN];
	uint8_t			 bad[E2E_BACKUP_LEN], sig[E2E_SIG_LEN];
	char			 user[300], *pass = NULL;
	size_t			 left = size, ulen, plen, i, bit;
	uint64_t		 ops, mem;
	int			 r, want, expensive;

	/* 8 + 8 parameter bytes, 2 for the bit, a length byte for the name */
	if (size < 19)
		return;
	ops = get64(p);
	mem = get64(p + 8);
	bit = ((size_t)p[16] << 8 | p[17]) % (E2E_BACKUP_LEN * 8);
	ulen = p[18];
	take(&p, &left, 19);
	/* cheap in-range parameters unless the top bits ask otherwise */
	if (!(ops >> 63))
		ops = OPS_MIN + ops % OPS_CHEAP;
	if (!(mem >> 63))
		mem = MEM_MIN + mem % (MEM_CHEAP - MEM_MIN + 1);
	else if (mem >> 62 == 2)
		mem = MEM_MIN - 1 - (mem & 0xff) % MEM_MIN;
	if (params_ok(ops, mem) && (ops > OPS_CHEAP || mem > MEM_CHEAP))
		return;			/* dear: not for a fuzzer */
	/* the name: up to 299 bytes, any of them (a NUL cuts it short) */
	ulen = ulen + (ulen >= 200 ? ulen - 200 : 0);
	if (ulen > sizeof(user) - 1)
		ulen = sizeof(user) - 1;
	q = p;
	ulen = take(&p, &left, ulen);
	memcpy(user, q, ulen);
	user[ulen] = '\0';
	/* the key set from the next 32 bytes (fewer: zero-padded) */
	memset(seed, 0, sizeof(seed));
	q = p;
	memcpy(seed, q, take(&p, &left, sizeof(seed)));
	/* the passphrase: the rest, up to 1100 bytes */
	plen = left > 1100 ? 1100 : left;
	if ((pass = malloc(plen > 0 ? plen : 1)) == NULL)
		abort();
	memcpy(pass, p, plen);

	if (e2e_userkeys_from_seed(seed, &k) != 0)
		abort();
	memset(blob, 0xee, sizeof(blob));
	r = e2e_backup_seal(k, user, pass, plen, ops, (size_t)mem, blob);
	want = (strlen(user) >= 1 && strlen(user) <= 255 && plen >= 1 &&
	    plen <= 1024 && params_ok(ops, mem)) ? 0 : CS_ERR_FORMAT;
	CHECK(r == want);
	if (r != 0) {
		for (i = 0; i < sizeof(blob); i++)
			CHECK(blob[i] == 0);
		goto out;
	}
	CHECK(open_checked(blob, sizeof(blob), user, pass, plen, &o) == 0);
	CHECK(keys_eq(o, k));
	e2e_userkeys_free(o);
	o = NULL;

	/* one bit flipped: refused, never opened to other keys */
	memcpy(bad, blob, sizeof(bad));
	bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	expensive = params_ok(get64(bad + OFF_OPS), get64(bad + OFF_MEM)) &&
	    (get64(bad + OFF_OPS) > OPS_CHEAP ||
	    get64(bad + OFF_MEM) > MEM_CHEAP);
	if (!expensive) {
		r = open_checked(bad, sizeof(bad), user, pass, plen, &o);
		if (bit / 8 < OFF_OPS || !params_ok(get64(bad + OFF_OPS),
		    get64(bad + OFF_MEM)))
			CHECK(r == CS_ERR_FORMAT);
		else
			CHECK(r == CS_ERR_PASSPHRASE);
	}

	/* the signature of a replacement backup */
	e2e_backup_sign(k, blob, sig);
	CHECK(e2e_backup_verify(k->sign_pk, blob, sig) == 0);
	CHECK(e2e_backup_verify(k->sign_pk, bad, sig) == CS_ERR_CRYPTO);
	seed[0] ^= 1;
	if (e2e_userkeys_from_seed(seed, &other) != 0)
		abort();
	CHECK(e2e_backup_verify(other->sign_pk, blob, sig) == CS_ERR_CRYPTO);
 out:
	e2e_userkeys_free(o);
	e2e_userkeys_free(other);
	e2e_userkeys_free(k);
	free(pass);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_roundtrip(data + 1, size - 1);
	else
		fuzz_hostile(data + 1, size - 1);
	return 0;
}
