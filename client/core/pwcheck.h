/* SPDX-License-Identifier: ISC */
/*
 * pwcheck.h - refusing weak passphrases (libpwquality).
 *
 * A new vault passphrase (at enrollment and "casesync passwd") also
 * seals the user's key backup on the server, where someone with the
 * server's database can guess at it offline: it must be strong.  The
 * rules are libpwquality's with its defaults (dictionary check through
 * cracklib, palindromes, too simple or systematic, too similar to the
 * old one), a minimum length of PWCHECK_MIN_LEN and a minimum
 * pwquality score of PWCHECK_MIN_SCORE; the system's pwquality.conf is
 * not read, so the rule is the same on every laptop.  Without a
 * cracklib dictionary (package cracklib-runtime) the dictionary check
 * is skipped, with a warning; the other rules still apply.
 */
#ifndef PWCHECK_H
#define PWCHECK_H

#include <stddef.h>

#define PWCHECK_MIN_LEN		12	/* bytes */
#define PWCHECK_MIN_SCORE	40	/* of pwquality's 0..100 */

/*
 * 0 if "pass" ("len" bytes) is strong enough, else CS_ERR_USAGE
 * with the reason (pwquality_strerror, or the score) in "why".  "old"
 * (the passphrase it replaces, or NULL) is compared with it.  The
 * passphrase is never logged.
 */
int	pwcheck(const char *pass, size_t len, const char *old, char *why,
	    size_t whylen);

#endif /* PWCHECK_H */
