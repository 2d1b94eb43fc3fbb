/* SPDX-License-Identifier: ISC */
/*
 * fuzz_vault.c - libFuzzer target for the vault's page codec
 * (vault_page_open/vault_page_seal in client/vault/vault.c), the code that
 * reads pages of a laptop database an attacker may have altered.
 *
 * Input: byte 0 picks the file type (database, WAL, journal), byte 1
 * the page size (512 << n), bytes 2..5 the page number, 6..9 a WAL
 * frame's commit size, 10..11 a bit to flip; the rest is the page.
 * Checked besides "no crash":
 *  - the input itself, opened as a sealed page, fails authentication
 *    and leaves the page all zeros (never half-decrypted data);
 *  - the input as plaintext (reserve cleared) either is refused by the
 *    seal as the VFS would refuse it, or seals and opens back to the
 *    same bytes; opened as another page number, file type or commit
 *    size, or with one bit flipped anywhere, it fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "vault.h"

#define FUZZ_HDR	12
#define CHECK(c)	do { if (!(c)) abort(); } while (0)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vault_keys	fuzz_keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	log_init(1, "fuzz_vault");
	memset(fuzz_keys.pagekey, 0x5a, sizeof(fuzz_keys.pagekey));
	memset(fuzz_keys.dbid, 0xa5, sizeof(fuzz_keys.dbid));
	fuzz_keys.pgsz = VAULT_PAGE_SIZE;
	return 0;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
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

/* Open a copy of "sealed" with the given parameters: the result. */
static int
open_copy(const uint8_t *sealed, uint8_t *tmp, int type, uint32_t pgsz,
    uint32_t pgno, uint32_t ntrunc)
{
	int	r;

	memcpy(tmp, sealed, pgsz);
	r = vault_page_open(&fuzz_keys, type, tmp, pgsz, pgno, ntrunc);
	if (r != 0)
		CHECK(r == CS_ERR_TAMPERED && all_zero(tmp, pgsz));
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		*page, *plain, *tmp;
	uint32_t	 pgsz, pgno, ntrunc, bit;
	size_t		 n;
	int		 type, r;

	if (size < FUZZ_HDR)
		return 0;
	type = data[0] % 3 + 1;
	pgsz = 512u << (data[1] % 8);
	pgno = get32(data + 2);
	ntrunc = get32(data + 6);
	bit = ((uint32_t)data[10] << 8 | data[11]) % (pgsz * 8);
	data += FUZZ_HDR;
	size -= FUZZ_HDR;
	n = size < pgsz ? size : pgsz;

	if ((page = calloc(1, pgsz)) == NULL ||
	    (plain = calloc(1, pgsz)) == NULL ||
	    (tmp = calloc(1, pgsz)) == NULL)
		abort();
	memcpy(page, data, n);

	/* the bytes as they came: a forgery, never plaintext */
	memcpy(tmp, page, pgsz);
	CHECK(vault_page_open(&fuzz_keys, type, tmp, pgsz, pgno, ntrunc) ==
	    CS_ERR_TAMPERED);
	CHECK(all_zero(tmp, pgsz));

	/* the bytes as plaintext: round trip and binding */
	memset(page + pgsz - VAULT_RESERVE, 0, VAULT_RESERVE);
	memcpy(plain, page, pgsz);
	r = vault_page_seal(&fuzz_keys, type, page, pgsz, pgno, ntrunc);
	if (r != 0) {
		CHECK(r == CS_ERR_FORMAT);
		CHECK(memcmp(page, plain, pgsz) == 0);
		goto out;
	}
	CHECK(open_copy(page, tmp, type, pgsz, pgno, ntrunc) == 0);
	CHECK(memcmp(tmp, plain, pgsz) == 0);
	CHECK(open_copy(page, tmp, type, pgsz, pgno + 1, ntrunc) != 0);
	CHECK(open_copy(page, tmp, type % 3 + 1, pgsz, pgno, ntrunc) != 0);
	CHECK(open_copy(page, tmp, type, pgsz, pgno, ntrunc ^ 1) != 0);
	page[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	CHECK(open_copy(page, tmp, type, pgsz, pgno, ntrunc) != 0);
 out:
	free(tmp);
	free(plain);
	free(page);
	return 0;
}
