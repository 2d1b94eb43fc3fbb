/* SPDX-License-Identifier: ISC */
/*
 * test_identity.c - the server addresses of a laptop's identity in a
 * real vault (client/core/identity.c): an enrollment keeps its address
 * as a list of one; a list of 8 round trips in order; the one that
 * worked last is tried first and survives a reopen, a new list forgets
 * it; a list of 9, a bad or a repeated address is refused and changes
 * nothing; an older vault's single "server" is read as a list of one,
 * also when it is not of the form lists take (it then stays as it was
 * through a save); an "addresses" secret that is not a list makes the
 * identity unreadable rather than half read.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "identity.h"
#include "log.h"
#include "pki.h"
#include "test.h"
#include "util.h"
#include "vault.h"

#define PASS	"correct horse battery staple"

static char	dir[PATH_MAX];

/* The vault's files, then its directory. */
static void
rm_vault(void)
{
	const char	*f[] = { VAULT_DB_FILE, VAULT_DB_FILE "-wal",
			    VAULT_DB_FILE "-shm", VAULT_DB_FILE "-head",
			    VAULT_KEY_FILE };
	char		 p[PATH_MAX + 32];
	size_t		 i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ASSERT_INT_EQ(str_fmt(p, sizeof(p), "%s/%s", dir, f[i]), 0);
		(void)unlink(p);
	}
	ASSERT_INT_EQ(rmdir(dir), 0);
}

static struct vault *
reopen(struct vault *v)
{
	struct vault	*w = NULL;

	vault_close(v);
	ASSERT_INT_EQ(vault_open(dir, PASS, strlen(PASS), &w), 0);
	return w;
}

static void
load(struct vault *v, struct identity *id)
{
	identity_clear(id);
	ASSERT_INT_EQ(identity_load(v, id), 0);
}

static void
put(struct vault *v, const char *name, const char *val)
{
	ASSERT_INT_EQ(vault_secret_put(v, name, (const uint8_t *)val,
	    strlen(val)), 0);
}

int
main(void)
{
	struct identity	 id, nid;
	struct vault	*v = NULL;
	const char	*order[IDENTITY_ADDRS_MAX];
	const char	*eight[] = { "a.example:1", "b.example:2", "[::1]:3",
			    "10.0.0.4:4", "e.example:5", "f.example:6",
			    "g.example:7", "h.example:8", "i.example:9" };
	const char	*bad[] = { "x.example:1", "x.example:0" };
	const char	*twice[] = { "x.example:1", "X.EXAMPLE:1" };
	EVP_PKEY	*key = NULL;
	X509		*ca = NULL;
	size_t		 n;

	log_init(1, "test_identity");
	ASSERT_INT_GE(sodium_init(), 0);
	ASSERT_INT_EQ(setenv("CASESYNC_KDF", "fast", 1), 0);
	ASSERT_INT_EQ(str_fmt(dir, sizeof(dir), "/tmp/test_identity.XXXXXX"),
	    0);
	ASSERT_PTR_NE(mkdtemp(dir), NULL);
	ASSERT_INT_EQ(vault_create(dir, PASS, strlen(PASS), &v), 0);
	ASSERT_INT_EQ(pki_key_new(&key), 0);
	ASSERT_INT_EQ(pki_ca_create(key, "test CA", 1, &ca), 0);

	TEST_START("enrollment: its address, a list of one");
	memset(&id, 0, sizeof(id));
	memcpy(id.server, "localhost:4433", sizeof("localhost:4433"));
	memcpy(id.server_name, "localhost", sizeof("localhost"));
	memcpy(id.device_id, "7", 2);
	id.key = key;
	id.ca = ca;
	id.cert = ca;
	ASSERT_INT_EQ(identity_save(v, &id), 0);
	memset(&id, 0, sizeof(id));		/* borrowed: not freed */
	v = reopen(v);
	load(v, &id);
	ASSERT_INT_EQ(id.naddrs, 1);
	ASSERT_STR_EQ(id.addrs[0], "localhost:4433");
	ASSERT_STR_EQ(id.last, "");
	ASSERT_STR_EQ(id.server, "localhost:4433");
	ASSERT_STR_EQ(id.server_name, "localhost");
	TEST_DONE();

	TEST_START("8 addresses in order; the last that worked first");
	ASSERT_INT_EQ(identity_set_addrs(v, &id, eight, 8), 0);
	ASSERT_INT_EQ(identity_set_last(v, &id, "f.example:6"), 0);
	ASSERT_INT_EQ(identity_set_last(v, &id, "z.example:6"),
	    CS_ERR_NOT_FOUND);
	v = reopen(v);
	load(v, &id);
	ASSERT_INT_EQ(id.naddrs, 8);
	ASSERT_INT_EQ(identity_addrs_same(&id, eight, 8), 1);
	ASSERT_INT_EQ(identity_addrs_same(&id, eight + 1, 8), 0);
	ASSERT_INT_EQ(identity_addrs_same(&id, eight, 7), 0);
	ASSERT_STR_EQ(id.last, "f.example:6");
	ASSERT_STR_EQ(id.server, "f.example:6");
	n = identity_addrs_order(&id, order);
	ASSERT_INT_EQ(n, 8);
	ASSERT_STR_EQ(order[0], "f.example:6");
	ASSERT_STR_EQ(order[1], "a.example:1");
	ASSERT_STR_EQ(order[5], "e.example:5");
	ASSERT_STR_EQ(order[6], "g.example:7");
	ASSERT_STR_EQ(order[7], "h.example:8");
	TEST_DONE();

	TEST_START("refused lists change nothing");
	ASSERT_INT_EQ(identity_set_addrs(v, &id, eight, 9), CS_ERR_FORMAT);
	ASSERT_INT_EQ(identity_set_addrs(v, &id, eight, 0), CS_ERR_FORMAT);
	ASSERT_INT_EQ(identity_set_addrs(v, &id, bad, 2), CS_ERR_FORMAT);
	ASSERT_INT_EQ(identity_set_addrs(v, &id, twice, 2), CS_ERR_FORMAT);
	v = reopen(v);
	load(v, &id);
	ASSERT_INT_EQ(identity_addrs_same(&id, eight, 8), 1);
	ASSERT_STR_EQ(id.last, "f.example:6");
	TEST_DONE();

	TEST_START("a new list is tried in its own order");
	ASSERT_INT_EQ(identity_set_addrs(v, &id, eight + 4, 3), 0);
	ASSERT_STR_EQ(id.last, "");
	ASSERT_STR_EQ(id.server, "e.example:5");
	v = reopen(v);
	load(v, &id);
	ASSERT_INT_EQ(identity_addrs_same(&id, eight + 4, 3), 1);
	ASSERT_STR_EQ(id.last, "");
	ASSERT_STR_EQ(id.server, "e.example:5");
	/* a renewal saves the identity it loaded: the list stays */
	nid = id;
	ASSERT_INT_EQ(identity_set_last(v, &nid, "g.example:7"), 0);
	ASSERT_INT_EQ(identity_save(v, &nid), 0);
	load(v, &id);
	ASSERT_INT_EQ(identity_addrs_same(&id, eight + 4, 3), 1);
	ASSERT_STR_EQ(id.last, "g.example:7");
	TEST_DONE();

	TEST_START("an older vault: its one server, even of an odd form");
	ASSERT_INT_EQ(vault_secret_del(v, "addresses"), 0);
	ASSERT_INT_EQ(vault_secret_del(v, "address_last"), 0);
	put(v, "server", "old_host:04433");
	load(v, &id);
	ASSERT_INT_EQ(id.naddrs, 1);
	ASSERT_STR_EQ(id.addrs[0], "old_host:04433");
	ASSERT_STR_EQ(id.server, "old_host:04433");
	ASSERT_INT_EQ(identity_save(v, &id), 0);	/* e.g. a renewal */
	load(v, &id);
	ASSERT_STR_EQ(id.addrs[0], "old_host:04433");
	TEST_DONE();

	TEST_START("an addresses secret that is no list: unreadable");
	put(v, "addresses", "a.example:1\n\nb.example:2");
	identity_clear(&id);
	ASSERT_INT_EQ(identity_load(v, &id), CS_ERR_FORMAT);
	put(v, "addresses", "a.example:1\na.example:1");
	ASSERT_INT_EQ(identity_load(v, &id), CS_ERR_FORMAT);
	put(v, "addresses", "a:1\nb:2\nc:3\nd:4\ne:5\nf:6\ng:7\nh:8\ni:9");
	ASSERT_INT_EQ(identity_load(v, &id), CS_ERR_FORMAT);
	put(v, "addresses", "a.example:1\nb.example:2");
	put(v, "address_last", "c.example:3");	/* not listed: none */
	load(v, &id);
	ASSERT_INT_EQ(id.naddrs, 2);
	ASSERT_STR_EQ(id.last, "");
	ASSERT_STR_EQ(id.server, "a.example:1");
	TEST_DONE();

	identity_clear(&id);
	vault_close(v);
	X509_free(ca);
	EVP_PKEY_free(key);
	rm_vault();
	return 0;
}
