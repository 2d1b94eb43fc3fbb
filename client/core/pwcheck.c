/* SPDX-License-Identifier: ISC */
/*
 * pwcheck.c - weak passphrases refused with libpwquality (see
 * pwcheck.h).
 */
#include <stdio.h>
#include <string.h>

#include <pwquality.h>
#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "pwcheck.h"
#include "util.h"

/* A passphrase any dictionary accepts: tells whether one is loaded. */
#define PWCHECK_PROBE	"casesync probe: 7 otters, 3 kites, 1 lamp"

int
pwcheck(const char *pass, size_t len, const char *old, char *why,
    size_t whylen)
{
	pwquality_settings_t	*s = NULL;
	void			*aux = NULL;
	char			 buf[PWQ_MAX_ERROR_MESSAGE_LEN];
	int			 score, r = CS_ERR_USAGE;

	if (whylen > 0)
		why[0] = '\0';
	/* pwquality reads a C string: a NUL inside would hide the rest */
	if (memchr(pass, '\0', len) != NULL) {
		(void)str_fmt(why, whylen, "it contains a NUL byte");
		return CS_ERR_USAGE;
	}
	if ((s = pwquality_default_settings()) == NULL ||
	    pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH,
	    PWCHECK_MIN_LEN) != 0) {
		(void)str_fmt(why, whylen, "cannot set up libpwquality");
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if (pwquality_check(s, PWCHECK_PROBE, NULL, NULL, &aux) ==
	    PWQ_ERROR_CRACKLIB_CHECK) {
		log_warnx("warning: no cracklib dictionary (cracklib-runtime):"
		    " the new passphrase is not checked against one");
		if (pwquality_set_int_value(s, PWQ_SETTING_DICT_CHECK, 0) !=
		    0) {
			(void)str_fmt(why, whylen,
			    "cannot set up libpwquality");
			r = CS_ERR_INTERNAL;
			goto out;
		}
	}
	aux = NULL;
	score = pwquality_check(s, pass, old, NULL, &aux);
	if (score < 0) {
		(void)str_fmt(why, whylen, "%s",
		    pwquality_strerror(buf, sizeof(buf), score, aux));
		goto out;
	}
	if (score < PWCHECK_MIN_SCORE) {
		(void)str_fmt(why, whylen, "it is too easy to guess for its "
		    "length (score %d of 100, at least %d needed): use four or "
		    "more unrelated words", score, PWCHECK_MIN_SCORE);
		goto out;
	}
	r = 0;
 out:
	sodium_memzero(buf, sizeof(buf));
	if (s != NULL)
		pwquality_free_settings(s);
	return r;
}
