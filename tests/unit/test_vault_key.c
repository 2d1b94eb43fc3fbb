/* SPDX-License-Identifier: ISC */
/*
 * test_vault_key.c - unit tests for the vault's key file (client/
 * vaultkey.c), its secrets (client/vault/vault_open.c) and passphrase input
 * (client/cli/passphrase.c): a passphrase change re-wraps only (data kept,
 * old passphrase refused), damaged key files are refused, secrets are
 * put, replaced, read and deleted, passphrases come from a file or the
 * environment.
 */
#include "test_vault.h"

static void
test_passwd(void)
{
	struct vault	*v = NULL;
	char		 d[PATH_MAX], p[PATH_MAX];
	const char	*names[] = { VAULT_KEY_FILE, VAULT_DB_FILE, HEAD_FILE,
	    NULL };
	struct buf	*db0, *db1, *k0, *k1;
	int		 n;

	TEST_START("passwd re-wraps only: data kept, old passphrase refused");
	newdir(d, sizeof(d));
	copy_files(pristine, d, names);
	path_of(p, sizeof(p), d, VAULT_DB_FILE);
	db0 = slurp(p);
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	k0 = slurp(p);
	ASSERT_INT_EQ(vault_passwd(d, "nope", 4, "new pass", 8),
	    CS_ERR_PASSPHRASE);
	k1 = slurp(p);
	same_snapshot(k0, k1);
	k0 = slurp(p);
	ASSERT_INT_EQ(vault_passwd(d, PASS, PASSLEN, "new pass", 8), 0);
	k1 = slurp(p);
	ASSERT_INT_EQ(buf_len(k0), buf_len(k1));
	ASSERT_TRUE(memcmp(buf_ptr(k0), buf_ptr(k1), buf_len(k0)) != 0);
	buf_free(k0);
	buf_free(k1);
	path_of(p, sizeof(p), d, VAULT_DB_FILE);
	db1 = slurp(p);
	same_snapshot(db0, db1);
	ASSERT_INT_EQ(vault_open(d, PASS, PASSLEN, &v), CS_ERR_PASSPHRASE);
	ASSERT_INT_EQ(vault_open(d, "new pass", 8, &v), 0);
	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	vault_close(v);
	rm_rf(d);
	TEST_DONE();
}

static void
keyfile_case(const char *d, const uint8_t *k, size_t len, long long off,
    int want)
{
	char		 p[PATH_MAX];
	uint8_t		 x[256];
	struct vault	*v = NULL;

	ASSERT_TRUE(len <= sizeof(x));
	memcpy(x, k, len);
	if (off >= 0)
		x[off] ^= 0x80;
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	spit(p, x, len);
	if (vault_open(d, PASS, PASSLEN, &v) != want)
		TEST_FAIL_("key file len %zu flip %lld: not %d", len, off,
		    want);
	ASSERT_PTR_EQ(v, NULL);
}

static void
test_keyfile(void)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };
	char			 d[PATH_MAX], p[PATH_MAX];
	struct buf		*b;
	uint8_t			 k[256];
	size_t			 len;
	int			 n;

	TEST_START("damaged key files: CS_ERR_FORMAT or CS_ERR_PASSPHRASE");
	newdir(d, sizeof(d));
	copy_files(pristine, d, names);
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	b = slurp(p);
	len = buf_len(b);
	ASSERT_INT_EQ(len, 136);
	memcpy(k, buf_ptr(b), len);
	k[len] = 0;
	buf_free(b);
	keyfile_case(d, k, 0, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, 100, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, len - 1, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, len + 1, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, len, 0, CS_ERR_FORMAT);	/* magic */
	keyfile_case(d, k, len, 9, CS_ERR_FORMAT);	/* version */
	keyfile_case(d, k, len, 11, CS_ERR_FORMAT);	/* algorithm */
	keyfile_case(d, k, len, 13, CS_ERR_FORMAT);	/* page size */
	keyfile_case(d, k, len, 16, CS_ERR_FORMAT);	/* opslimit huge */
	keyfile_case(d, k, len, 24, CS_ERR_FORMAT);	/* memlimit huge */
	keyfile_case(d, k, len, 40, CS_ERR_PASSPHRASE);	/* salt */
	keyfile_case(d, k, len, 50, CS_ERR_PASSPHRASE);	/* database id */
	keyfile_case(d, k, len, 70, CS_ERR_PASSPHRASE);	/* nonce */
	keyfile_case(d, k, len, 100, CS_ERR_PASSPHRASE); /* wrapped key */
	keyfile_case(d, k, len, 135, CS_ERR_PASSPHRASE); /* tag */
	unlink(p);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_NOT_FOUND);
	/* the good one back: it opens */
	spit(p, k, len);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	/* a key file of another vault for this database */
	rm_rf(d);
	TEST_DONE();
}

static void
test_secrets(void)
{
	struct vault	*v;
	uint8_t		*p, big[5000];
	size_t		 len;

	TEST_START("secrets: put, replace, get, delete, empty, missing");
	v = open_ok(pristine);
	ASSERT_INT_EQ(vault_secret_get(v, "nope", &p, &len),
	    CS_ERR_NOT_FOUND);
	ASSERT_PTR_EQ(p, NULL);
	ASSERT_INT_EQ(vault_secret_put(v, "k", (const uint8_t *)"one", 3), 0);
	ASSERT_INT_EQ(vault_secret_put(v, "k", (const uint8_t *)"two!", 4),
	    0);
	ASSERT_INT_EQ(vault_secret_get(v, "k", &p, &len), 0);
	ASSERT_INT_EQ(len, 4);
	ASSERT_MEM_EQ(p, "two!", 4);
	vault_secret_free(p, len);
	ASSERT_INT_EQ(vault_secret_put(v, "empty", NULL, 0), 0);
	ASSERT_INT_EQ(vault_secret_get(v, "empty", &p, &len), 0);
	ASSERT_PTR_NE(p, NULL);
	ASSERT_INT_EQ(len, 0);
	vault_secret_free(p, len);
	randombytes_buf(big, sizeof(big));
	ASSERT_INT_EQ(vault_secret_put(v, "big", big, sizeof(big)), 0);
	ASSERT_INT_EQ(vault_secret_put(v, "", big, 1), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(vault_secret_del(v, "k"), 0);
	ASSERT_INT_EQ(vault_secret_get(v, "k", &p, &len), CS_ERR_NOT_FOUND);
	vault_close(v);
	v = open_ok(pristine);
	ASSERT_INT_EQ(vault_secret_get(v, "big", &p, &len), 0);
	ASSERT_INT_EQ(len, sizeof(big));
	ASSERT_MEM_EQ(p, big, sizeof(big));
	vault_secret_free(p, len);
	vault_secret_free(NULL, 0);
	vault_close(v);
	vault_close(NULL);
	TEST_DONE();
}

static void
test_passphrase_input(void)
{
	char	 d[PATH_MAX], p[PATH_MAX], *pass;
	size_t	 len;

	TEST_START("passphrase from a file (first line) and the environment; "
	    "empty refused");
	newdir(d, sizeof(d));
	path_of(p, sizeof(p), d, "pf");
	spit(p, "file pass\r\nsecond line\n", 23);
	ASSERT_INT_EQ(passphrase_get(p, 0, &pass, &len), 0);
	ASSERT_INT_EQ(len, 9);
	ASSERT_STR_EQ(pass, "file pass");
	passphrase_free(pass, len);
	spit(p, "no newline", 10);
	ASSERT_INT_EQ(passphrase_get(p, 1, &pass, &len), 0);
	ASSERT_STR_EQ(pass, "no newline");
	passphrase_free(pass, len);
	spit(p, "\nafter an empty line\n", 21);
	ASSERT_INT_EQ(passphrase_get(p, 0, &pass, &len), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(pass, NULL);
	unlink(p);
	ASSERT_INT_EQ(passphrase_get(p, 0, &pass, &len), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(setenv("CASESYNC_PASSPHRASE", "from env", 1), 0);
	ASSERT_INT_EQ(passphrase_get(NULL, 0, &pass, &len), 0);
	ASSERT_STR_EQ(pass, "from env");
	passphrase_free(pass, len);
	ASSERT_INT_EQ(setenv("CASESYNC_PASSPHRASE", "", 1), 0);
	ASSERT_INT_EQ(passphrase_get(NULL, 0, &pass, &len), CS_ERR_FORMAT);
	ASSERT_INT_EQ(setenv("CASESYNC_NEW_PASSPHRASE", "newer", 1), 0);
	ASSERT_INT_EQ(passphrase_get_new(&pass, &len), 0);
	ASSERT_STR_EQ(pass, "newer");
	passphrase_free(pass, len);
	unsetenv("CASESYNC_PASSPHRASE");
	unsetenv("CASESYNC_NEW_PASSPHRASE");
	passphrase_free(NULL, 0);
	rm_rf(d);
	TEST_DONE();
}

int
main(void)
{
	vt_start("test_vault_key");
	vt_pristine();
	test_passwd();
	test_keyfile();
	test_secrets();
	test_passphrase_input();
	vt_end();
	return 0;
}
