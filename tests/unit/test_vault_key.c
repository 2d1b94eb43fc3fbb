/* SPDX-License-Identifier: ISC */
/*
 * test_vault_key.c - unit tests for the vault's key file (client/
 * vaultkey.c), its secrets (client/vault/vault_open.c) and passphrase input
 * (client/cli/passphrase.c): a passphrase change re-wraps only (data kept,
 * old passphrase refused), damaged key files are refused, secrets are
 * put, replaced, read and deleted, passphrases come from a file or the
 * environment; the vault opens with the KEK that casesync agent
 * holds, and refuses a wrong, other or outdated one as a wrong
 * passphrase.
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

/* A copy of "u" in fresh sodium_malloc memory, for altering. */
static struct vault_unlock *
unlock_dup(const struct vault_unlock *u)
{
	struct vault_unlock	*c = NULL;

	ASSERT_INT_EQ(vault_unlock_new(&c), 0);
	memcpy(c, u, sizeof(*c));
	return c;
}

static void
kek_refused(const char *d, const struct vault_unlock *u, const char *what)
{
	struct vault	*v = (struct vault *)1;

	if (vault_open_kek(d, u, &v) != CS_ERR_PASSPHRASE)
		TEST_FAIL_("%s: not refused as a wrong passphrase", what);
	ASSERT_PTR_EQ(v, NULL);
}

static void
test_open_kek(void)
{
	const char *const	 names[] = { VAULT_KEY_FILE, NULL };
	struct vault_unlock	*u = NULL, *w = NULL, *u2 = NULL;
	struct vault		*v = NULL, *e = NULL;
	char			 d[PATH_MAX], o[PATH_MAX], p[PATH_MAX];
	uint8_t			 id[VAULT_LOCKID_LEN], id2[VAULT_LOCKID_LEN];
	struct buf		*k;
	int			 n, seen;

	TEST_START("open with the KEK: opens; a wrong, other or outdated "
	    "KEK is refused as a wrong passphrase");
	seen = vault_tamper_seen();
	copy_pristine(d, sizeof(d));
	ASSERT_INT_EQ(vault_open_unlock(d, "nope", 4, &v, &u),
	    CS_ERR_PASSPHRASE);
	ASSERT_PTR_EQ(v, NULL);
	ASSERT_PTR_EQ(u, NULL);
	ASSERT_INT_EQ(vault_open_unlock(d, PASS, PASSLEN, &v, &u), 0);
	ASSERT_PTR_NE(u, NULL);
	vault_close(v);
	v = NULL;
	/* the lock id: database id, then salt, as the key file says */
	ASSERT_INT_EQ(vault_lockid(d, id), 0);
	ASSERT_MEM_EQ(u->id, id, VAULT_LOCKID_LEN);
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	k = slurp(p);
	ASSERT_MEM_EQ(id, buf_ptr(k) + 48, 16);
	ASSERT_MEM_EQ(id + 16, buf_ptr(k) + 32, 16);
	/* the KEK opens the vault, with every row */
	ASSERT_INT_EQ(vault_open_kek(d, u, &v), 0);
	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	vault_close(v);
	v = NULL;
	/* one bit of the KEK, the database id, the salt; all zero */
	w = unlock_dup(u);
	w->kek[0] ^= 1;
	kek_refused(d, w, "a KEK one bit off");
	memcpy(w, u, sizeof(*w));
	w->id[3] ^= 1;
	kek_refused(d, w, "another database id");
	memcpy(w, u, sizeof(*w));
	w->id[VAULT_DBID_LEN + 3] ^= 1;
	kek_refused(d, w, "another salt");
	memset(w, 0, sizeof(*w));
	memcpy(w->id, u->id, VAULT_LOCKID_LEN);
	kek_refused(d, w, "a zero KEK");
	vault_unlock_free(w);
	/* a key file altered where the passphrase does not reach */
	flip(d, VAULT_KEY_FILE, 100);
	kek_refused(d, u, "the wrapped key altered");
	flip(d, VAULT_KEY_FILE, 135);
	kek_refused(d, u, "the wrapped key and the tag altered");
	spit(p, buf_ptr(k), buf_len(k));
	ASSERT_INT_EQ(vault_open_kek(d, u, &v), 0);
	vault_close(v);
	v = NULL;
	/* the key file of another vault in its place */
	newdir(o, sizeof(o));
	ASSERT_INT_EQ(vault_create(o, PASS, PASSLEN, &e), 0);
	vault_close(e);
	copy_files(o, d, names);
	kek_refused(d, u, "another vault's key file");
	spit(p, buf_ptr(k), buf_len(k));
	/* no failed page on the way: a refusal is not tampering */
	ASSERT_INT_EQ(vault_tamper_seen(), seen);
	/* a passphrase change: the old KEK opens nothing, the new one does */
	ASSERT_INT_EQ(vault_passwd(d, PASS, PASSLEN, "new pass", 8), 0);
	kek_refused(d, u, "the KEK from before passwd");
	ASSERT_INT_EQ(vault_lockid(d, id2), 0);
	ASSERT_MEM_EQ(id2, id, VAULT_DBID_LEN);	/* same vault */
	ASSERT_TRUE(memcmp(id2 + VAULT_DBID_LEN, id + VAULT_DBID_LEN,
	    VAULT_LOCKID_LEN - VAULT_DBID_LEN) != 0);
	ASSERT_INT_EQ(vault_open_unlock(d, "new pass", 8, &v, &u2), 0);
	vault_close(v);
	v = NULL;
	ASSERT_TRUE(memcmp(u2->kek, u->kek, VAULT_KEK_LEN) != 0);
	ASSERT_INT_EQ(vault_open_kek(d, u2, &v), 0);
	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	vault_close(v);
	/* no key file, a damaged one */
	unlink(p);
	ASSERT_INT_EQ(vault_lockid(d, id2), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(vault_open_kek(d, u2, &v), CS_ERR_NOT_FOUND);
	spit(p, buf_ptr(k), buf_len(k) - 1);
	ASSERT_INT_EQ(vault_lockid(d, id2), CS_ERR_FORMAT);
	ASSERT_INT_EQ(vault_open_kek(d, u2, &v), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(v, NULL);
	buf_free(k);
	vault_unlock_free(u);
	vault_unlock_free(u2);
	vault_unlock_free(NULL);
	rm_rf(o);
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
	test_open_kek();
	test_secrets();
	test_passphrase_input();
	vt_end();
	return 0;
}
