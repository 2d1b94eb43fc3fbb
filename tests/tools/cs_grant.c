/* SPDX-License-Identifier: ISC */
/*
 * cs_grant.c - for tests/integration/t_e2e.sh: a grant made outside the
 * rules, as a user who is not a holder of the case (or a breached
 * server that plants one) would make it: a fresh random case key,
 * sealed to a recipient's public key and signed with the user keys in
 * the vault of DIR, with that user as "from_user".
 *
 *   cs_grant DIR CASE_ID EPOCH TO_USER TO_BOX_PK_HEX
 *
 * Prints "FROM_USER SEALED_HEX SIGNATURE_HEX" for the test to insert
 * into the server's key_grants table.  The passphrase comes from
 * CASESYNC_PASSPHRASE.  Exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "e2e.h"
#include "errors.h"
#include "keys_int.h"
#include "util.h"
#include "vault.h"

int
main(int argc, char *argv[])
{
	struct e2e_userkeys	*me = NULL;
	struct e2e_grant	 g;
	struct vault		*v = NULL;
	const char		*pass = getenv("CASESYNC_PASSPHRASE");
	uint8_t			 to_pk[E2E_PK_LEN], key[E2E_KEY_LEN];
	uint64_t		 epoch;
	char			 user[256], sealed[2 * E2E_SEALED_KEY_LEN + 1];
	char			 sig[2 * E2E_SIG_LEN + 1];
	int			 rv = 1;

	if (argc != 6 || pass == NULL || sodium_init() < 0 ||
	    parse_u64(argv[3], 1, INT32_MAX, &epoch) != 0 ||
	    hex_decode(to_pk, sizeof(to_pk), argv[5]) != 0) {
		fprintf(stderr, "usage: cs_grant DIR CASE EPOCH TO_USER "
		    "TO_BOX_PK_HEX (CASESYNC_PASSPHRASE set)\n");
		return 1;
	}
	if (vault_open(argv[1], pass, strlen(pass), &v) != 0 ||
	    keys_self_load(vault_db(v), &me, user, sizeof(user)) != 0) {
		fprintf(stderr, "cs_grant: no user keys in %s\n", argv[1]);
		goto out;
	}
	memset(&g, 0, sizeof(g));
	if (str_fmt(g.case_id, sizeof(g.case_id), "%s", argv[2]) != 0 ||
	    str_fmt(g.to_user, sizeof(g.to_user), "%s", argv[4]) != 0 ||
	    str_fmt(g.from_user, sizeof(g.from_user), "%s", user) != 0)
		goto out;
	g.epoch = (uint32_t)epoch;
	e2e_case_key_new(key);
	if (e2e_grant_make(key, to_pk, me, &g) != 0)
		goto out;
	hex_encode(sealed, g.sealed, sizeof(g.sealed));
	hex_encode(sig, g.sig, sizeof(g.sig));
	printf("%s %s %s\n", user, sealed, sig);
	rv = 0;
 out:
	sodium_memzero(key, sizeof(key));
	e2e_userkeys_free(me);
	vault_close(v);
	return rv;
}
