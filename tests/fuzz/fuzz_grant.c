/* SPDX-License-Identifier: ISC */
/*
 * fuzz_grant.c - libFuzzer target for opening a case key grant
 * (e2e_grant_open/e2e_grant_verify/e2e_grant_make in common/e2e.c): a
 * crypto_box_seal of the case key to the recipient's X25519 key, with
 * the granter's Ed25519 signature over the case id, epoch, both names,
 * the recipient's key and the sealed key.  The client opens every grant
 * the server hands it; the server verifies each grant before storing it.
 *
 * Fixed identities: the granter G, the recipient R and a third user O
 * (key sets from fixed seeds), and the case key K of the seeds.
 *
 * Byte 0, bit 0 picks the half:
 *  - 0, hostile: the rest fills a struct e2e_grant field by field
 *    (case id, to_user, from_user as a length byte and up to 256 bytes,
 *    NUL or not; epoch; sealed key; signature).  Checked: R opening it
 *    as from G (e2e_grant_open) and the server's check
 *    (e2e_grant_verify for R's key, by G) agree; a refusal is
 *    CS_ERR_FORMAT or CS_ERR_TAMPERED and leaves the key all zeros;
 *    whatever opens gives K (no one but G signs, and G signs only
 *    grants of K in the seeds), and is refused when opened by O, as
 *    signed by O, or checked for O's key.
 *  - 1, made here: the rest gives the names (any bytes, up to 299),
 *    epoch, case key and which field to change.  Checked: e2e_grant_make
 *    refuses exactly the names that are empty or over 255 bytes (then
 *    sealed key and signature are zero); a grant it makes opens for R
 *    to the same key and verifies; one changed byte in any signed field
 *    (case id, epoch, either name, sealed key, signature), a name made
 *    one byte longer or shorter, another recipient's key or another
 *    signer is refused, and bytes after a name's NUL change nothing.
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

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct e2e_userkeys	*G, *R, *O;
static uint8_t			 K[E2E_KEY_LEN];

static void
keys_from(uint8_t b, struct e2e_userkeys **k)
{
	uint8_t	seed[E2E_SEED_LEN];

	memset(seed, b, sizeof(seed));
	if (e2e_userkeys_from_seed(seed, k) != 0)
		abort();
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Open as "me" from "signer"; check the contract; the result. */
static int
open_checked(const struct e2e_grant *g, const uint8_t *signer_pk,
    const struct e2e_userkeys *me, uint8_t key[E2E_KEY_LEN])
{
	int	r;

	memset(key, 0xcc, E2E_KEY_LEN);
	r = e2e_grant_open(g, signer_pk, me, key);
	CHECK(r == 0 || r == CS_ERR_FORMAT || r == CS_ERR_TAMPERED);
	if (r != 0)
		CHECK(all_zero(key, E2E_KEY_LEN));
	return r;
}

/* The hostile grant layout: three names, epoch, sealed key, signature. */
static size_t
put_name(uint8_t *p, const char *s)
{
	size_t	n = strlen(s);

	p[0] = (uint8_t)n;
	memcpy(p + 1, s, n);
	return 1 + n;
}

static size_t
grant_bytes(const struct e2e_grant *g, uint8_t *p)
{
	size_t	n = 0;

	n += put_name(p + n, g->case_id);
	n += put_name(p + n, g->to_user);
	n += put_name(p + n, g->from_user);
	p[n++] = (uint8_t)(g->epoch >> 24);
	p[n++] = (uint8_t)(g->epoch >> 16);
	p[n++] = (uint8_t)(g->epoch >> 8);
	p[n++] = (uint8_t)g->epoch;
	memcpy(p + n, g->sealed, sizeof(g->sealed));
	n += sizeof(g->sealed);
	memcpy(p + n, g->sig, sizeof(g->sig));
	return n + sizeof(g->sig);
}

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
 * FUZZ_SEED_DIR=dir: write the seeds of corpus/grant/ there: valid
 * grants of K from G to R (checked to open), one to O, and inputs
 * for the half that makes grants.
 */
static void
seeds_write(const char *dir)
{
	struct e2e_grant	g;
	uint8_t			b[1024], key[E2E_KEY_LEN];
	size_t			n;

	memset(&g, 0, sizeof(g));
	(void)snprintf(g.case_id, sizeof(g.case_id), "%s",
	    "0d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70");
	(void)snprintf(g.to_user, sizeof(g.to_user), "bert");
	(void)snprintf(g.from_user, sizeof(g.from_user), "anna");
	g.epoch = 1;
	if (e2e_grant_make(K, R->box_pk, G, &g) != 0 ||
	    e2e_grant_open(&g, G->sign_pk, R, key) != 0 ||
	    memcmp(key, K, sizeof(key)) != 0)
		abort();
	n = grant_bytes(&g, b);
	seed_write(dir, "valid", 0, b, n);
	g.epoch = 7;
	(void)snprintf(g.case_id, sizeof(g.case_id), "c");
	if (e2e_grant_make(K, R->box_pk, G, &g) != 0)
		abort();
	n = grant_bytes(&g, b);
	seed_write(dir, "valid-epoch7", 0, b, n);
	if (e2e_grant_make(K, O->box_pk, G, &g) != 0)
		abort();
	n = grant_bytes(&g, b);
	seed_write(dir, "sealed-to-other", 0, b, n);
	seed_write(dir, "truncated", 0, b, n - 1);
	/* made here: names, epoch, key, field to change */
	n = 0;
	n += put_name(b + n, "case-1");
	n += put_name(b + n, "bert");
	n += put_name(b + n, "anna");
	memset(b + n, 0x01, 4 + E2E_KEY_LEN + 4);
	n += 4 + E2E_KEY_LEN + 4;
	seed_write(dir, "make", 1, b, n);
	b[0] = 0;
	seed_write(dir, "make-empty-case", 1, b, n);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	log_init(1, "fuzz_grant");
	keys_from(0x61, &G);
	keys_from(0x62, &R);
	keys_from(0x63, &O);
	memset(K, 0x4b, sizeof(K));
	if (getenv("FUZZ_SEED_DIR") != NULL)
		seeds_write(getenv("FUZZ_SEED_DIR"));
	return 0;
}

/* Take up to n bytes; the number taken. */
static size_t
take(const uint8_t **p, size_t *left, size_t n)
{
	if (n > *left)
		n = *left;
	*p += n;
	*left -= n;
	return n;
}

/* A name field from a length byte and the bytes (256: the whole field). */
static void
get_field(const uint8_t **p, size_t *left, char f[256])
{
	const uint8_t	*q;
	size_t		 n;

	memset(f, 0, 256);
	if (*left == 0)
		return;
	n = (*p)[0];
	take(p, left, 1);
	if (n == 255)
		n = 256;	/* every byte, no NUL unless the input has one */
	q = *p;
	n = take(p, left, n);
	memcpy(f, q, n);
}

static void
fuzz_hostile(const uint8_t *data, size_t size)
{
	struct e2e_grant	*g;
	const uint8_t		*p = data, *q;
	uint8_t			 key[E2E_KEY_LEN], e[4] = { 0 };
	size_t			 left = size;
	int			 ro, rv;

	/* on the heap: ASan sees a read past the struct */
	if ((g = malloc(sizeof(*g))) == NULL)
		abort();
	memset(g, 0, sizeof(*g));
	get_field(&p, &left, g->case_id);
	get_field(&p, &left, g->to_user);
	get_field(&p, &left, g->from_user);
	q = p;
	memcpy(e, q, take(&p, &left, 4));
	g->epoch = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 |
	    (uint32_t)e[2] << 8 | e[3];
	q = p;
	memcpy(g->sealed, q, take(&p, &left, sizeof(g->sealed)));
	q = p;
	memcpy(g->sig, q, take(&p, &left, sizeof(g->sig)));

	ro = open_checked(g, G->sign_pk, R, key);
	rv = e2e_grant_verify(g, R->box_pk, G->sign_pk);
	CHECK(rv == 0 || rv == CS_ERR_FORMAT || rv == CS_ERR_TAMPERED);
	CHECK((ro == 0) == (rv == 0));
	if (ro == 0) {
		CHECK(memcmp(key, K, sizeof(key)) == 0);
		CHECK(open_checked(g, G->sign_pk, O, key) != 0);
		CHECK(open_checked(g, O->sign_pk, R, key) != 0);
		CHECK(e2e_grant_verify(g, O->box_pk, G->sign_pk) != 0);
		CHECK(e2e_grant_verify(g, R->box_pk, O->sign_pk) != 0);
	}
	free(g);
}

/* A name of up to 299 bytes from the input, NUL-terminated. */
static void
get_name(const uint8_t **p, size_t *left, char *s, size_t cap)
{
	const uint8_t	*q;
	size_t		 n;

	s[0] = '\0';
	if (*left == 0)
		return;
	n = (*p)[0];
	take(p, left, 1);
	n = n + (n >= 200 ? n - 200 : 0);
	if (n > cap - 1)
		n = cap - 1;
	q = *p;
	n = take(p, left, n);
	memcpy(s, q, n);
	s[n] = '\0';
}

/* Copy "s" into a grant field as far as it fits (longer: cut, no NUL). */
static void
set_field(char f[256], const char *s)
{
	size_t	n = strlen(s);

	memset(f, 0, 256);
	memcpy(f, s, n > 256 ? 256 : n);
}

static int
name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n >= 1 && n <= 255;
}

/*
 * A copy of "g" (a grant of "k") with one signed thing changed ("what",
 * "pos"): refused, CS_ERR_FORMAT only for a name made empty.
 */
static void
mutate_check(const struct e2e_grant *g, const uint8_t k[E2E_KEY_LEN],
    unsigned what, unsigned pos)
{
	struct e2e_grant	m;
	uint8_t			key[E2E_KEY_LEN];
	char			*f;
	size_t			n;
	int			want = CS_ERR_TAMPERED;

	memcpy(&m, g, sizeof(m));
	switch (what % 8) {
	case 0:
	case 1:
	case 2:
		f = what % 8 == 0 ? m.case_id : what % 8 == 1 ? m.to_user :
		    m.from_user;
		n = strlen(f);
		if (pos & 0x100) {
			/* one byte longer or shorter */
			if (n < 255 && !(pos & 0x200)) {
				f[n] = (char)(pos | 1);
				f[n + 1] = '\0';
			} else {
				f[n - 1] = '\0';
				if (n == 1)
					want = CS_ERR_FORMAT;
			}
		} else {
			/* one byte changed, never to a NUL */
			f[pos % n] ^= (char)((pos >> 3 & 0x1f) | 1);
			if (f[pos % n] == '\0')
				f[pos % n] = 1;
			if (memcmp(f, what % 8 == 0 ? g->case_id : what % 8 ==
			    1 ? g->to_user : g->from_user, 256) == 0)
				return;
		}
		break;
	case 3:
		m.epoch ^= 1u << (pos % 32);
		break;
	case 4:
		m.sealed[pos % sizeof(m.sealed)] ^= (uint8_t)(1u << (pos >> 8 &
		    7));
		break;
	case 5:
		m.sig[pos % sizeof(m.sig)] ^= (uint8_t)(1u << (pos >> 8 & 7));
		break;
	case 6:
		/* garbage after each NUL: not part of the grant */
		n = strlen(m.case_id);
		if (n < 255)
			memset(m.case_id + n + 1, (int)(pos | 1), 255 - n);
		n = strlen(m.to_user);
		if (n < 255)
			memset(m.to_user + n + 1, (int)(pos | 1), 255 - n);
		CHECK(open_checked(&m, G->sign_pk, R, key) == 0);
		CHECK(memcmp(key, k, sizeof(key)) == 0);
		CHECK(e2e_grant_verify(&m, R->box_pk, G->sign_pk) == 0);
		return;
	default:
		/* the signature moved to another grant of the same key */
		m.epoch++;
		if (e2e_grant_make(K, R->box_pk, G, &m) != 0)
			abort();
		memcpy(m.sig, g->sig, sizeof(m.sig));
		break;
	}
	CHECK(open_checked(&m, G->sign_pk, R, key) == want);
	CHECK(e2e_grant_verify(&m, R->box_pk, G->sign_pk) == want);
}

static void
fuzz_make(const uint8_t *data, size_t size)
{
	struct e2e_grant	 g;
	const uint8_t		*p = data, *q;
	uint8_t			 key[E2E_KEY_LEN], got[E2E_KEY_LEN];
	uint8_t			 e[4] = { 0 }, w[4] = { 0 };
	char			 c[300], to[300], from[300];
	size_t			 left = size;
	unsigned		 what, pos;
	int			 r, want;

	get_name(&p, &left, c, sizeof(c));
	get_name(&p, &left, to, sizeof(to));
	get_name(&p, &left, from, sizeof(from));
	q = p;
	memcpy(e, q, take(&p, &left, 4));
	memset(key, 0, sizeof(key));
	q = p;
	memcpy(key, q, take(&p, &left, sizeof(key)));
	q = p;
	memcpy(w, q, take(&p, &left, 4));
	what = w[0];
	pos = (unsigned)w[1] << 16 | (unsigned)w[2] << 8 | w[3];

	memset(&g, 0xa5, sizeof(g));
	set_field(g.case_id, c);
	set_field(g.to_user, to);
	set_field(g.from_user, from);
	g.epoch = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 |
	    (uint32_t)e[2] << 8 | e[3];
	want = name_ok(c) && name_ok(to) && name_ok(from) ? 0 :
	    CS_ERR_FORMAT;
	r = e2e_grant_make(key, R->box_pk, G, &g);
	CHECK(r == want);
	if (r != 0) {
		CHECK(all_zero(g.sealed, sizeof(g.sealed)) &&
		    all_zero(g.sig, sizeof(g.sig)));
		CHECK(open_checked(&g, G->sign_pk, R, got) == CS_ERR_FORMAT);
		return;
	}
	CHECK(open_checked(&g, G->sign_pk, R, got) == 0);
	CHECK(memcmp(got, key, sizeof(key)) == 0);
	CHECK(e2e_grant_verify(&g, R->box_pk, G->sign_pk) == 0);
	/* another recipient, another signer */
	CHECK(open_checked(&g, G->sign_pk, O, got) == CS_ERR_TAMPERED);
	CHECK(open_checked(&g, O->sign_pk, R, got) == CS_ERR_TAMPERED);
	CHECK(e2e_grant_verify(&g, O->box_pk, G->sign_pk) == CS_ERR_TAMPERED);
	CHECK(e2e_grant_verify(&g, R->box_pk, O->sign_pk) == CS_ERR_TAMPERED);
	mutate_check(&g, key, what, pos);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_make(data + 1, size - 1);
	else
		fuzz_hostile(data + 1, size - 1);
	return 0;
}
