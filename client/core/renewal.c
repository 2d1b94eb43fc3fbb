/* SPDX-License-Identifier: ISC */
/*
 * renewal.c - see renewal.h.
 *
 * The order of renewal_run() is what keeps a crash harmless: the server
 * records the new key as pending before it answers, so from then on it
 * accepts either key; the vault gets the new key and certificate in one
 * transaction; only then does the laptop confirm, after which the
 * server refuses the old key.  Killed before the vault commit: the old
 * key is in the vault and still accepted.  Killed after it: the new key
 * is, and connecting with it confirms it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "notice.h"
#include "conn.h"
#include "errors.h"
#include "fault.h"
#include "identity.h"
#include "msg_device.h"
#include "pki.h"
#include "localday.h"
#include "renewal.h"
#include "util.h"
#include "vault.h"

#define RENEWAL_CN	"casesync device"

/* notAfter and lifetime of the laptop's certificate; 0 or CS_ERR_*. */
static int
renewal_times(const struct identity *id, int64_t *not_after,
    int64_t *lifetime)
{
	int	r;

	if ((r = pki_cert_not_after(id->cert, not_after)) != 0 ||
	    (r = pki_cert_lifetime(id->cert, lifetime)) != 0)
		return r;
	return 0;
}

int
renewal_due(const struct identity *id, int64_t now)
{
	int64_t	na, life;

	if (renewal_times(id, &na, &life) != 0)
		return 0;
	/* na - life / 2 cannot overflow: both are times of one certificate */
	return now >= na - life / 2;
}

int
renewal_warn_due(const struct identity *id, int64_t now)
{
	int64_t	na, life, margin;

	if (renewal_times(id, &na, &life) != 0)
		return 0;
	margin = life / RENEWAL_WARN_PART;
	if (margin < (int64_t)RENEWAL_WARN_DAYS * 86400)
		margin = (int64_t)RENEWAL_WARN_DAYS * 86400;
	return now >= na - margin;
}

int
renewal_warning(const struct identity *id, int64_t now, char *buf,
    size_t len)
{
	int64_t	na;
	char	when[32];

	if (!renewal_warn_due(id, now) || pki_cert_not_after(id->cert,
	    &na) != 0)
		return 0;
	localday_utc_iso(when, sizeof(when), na);
	if (now >= na) {
		(void)snprintf(buf, len, "WARNING: this laptop's certificate "
		    "expired on %s", when);
		return 1;
	}
	(void)snprintf(buf, len, "WARNING: this laptop's certificate expires "
	    "on %s (in %lld %s); it renews itself at a sync: run casesync "
	    "sync while the server can be reached", when,
	    (long long)(na - now >= 86400 ? (na - now) / 86400 : na - now),
	    na - now >= 86400 ? "days" : "seconds");
	return 1;
}

/* What an administrator and the user do about an expired certificate. */
static void
renewal_advice(const struct identity *id)
{
	notice(NOTICE_ERROR, "to go on: an administrator runs casesyncctl "
	    "renew-token --device %s and gives you the token; then run "
	    "casesync enroll --renew --token TOKEN (this laptop's records and "
	    "unsent changes are kept and sent at the next sync)",
	    id->device_id);
}

int
renewal_check(const struct identity *id)
{
	int64_t	na;
	char	when[32];

	if (pki_cert_not_after(id->cert, &na) != 0 || time_now() < na)
		return 0;
	localday_utc_iso(when, sizeof(when), na);
	notice(NOTICE_ERROR, "this laptop's certificate (device %s) expired "
	    "on %s, by this laptop's clock: the server will not accept it",
	    id->device_id, when);
	renewal_advice(id);
	return CS_ERR_EXPIRED;
}

void
renewal_explain_refused(const struct identity *id)
{
	int64_t	na = 0;
	char	when[32];

	(void)pki_cert_not_after(id->cert, &na);
	localday_utc_iso(when, sizeof(when), na);
	notice(NOTICE_ERROR, "the server refused this laptop's certificate "
	    "(device %s) as expired; it is valid until %s (if that is still "
	    "ahead, check the clocks of this laptop and the server)",
	    id->device_id, when);
	renewal_advice(id);
}

/* One request and its reply of type "want"; errors reported. */
static int
renewal_call(struct conn *c, const struct msg_out *req, enum msg_type want,
    struct msg **rep)
{
	int	r;

	if ((r = rpc_call_expect(c, req, want, rep)) == CS_ERR_PROTOCOL)
		notice(NOTICE_ERROR, "certificate renewal: unexpected reply");
	else if (r != 0)
		notice_reply("certificate renewal", r, *rep);
	return r;
}

int
renewal_run(struct vault *v, struct identity *id, struct conn *c,
    int64_t *not_after)
{
	struct msg			*rep = NULL;
	struct msg_out			 o;
	struct msg_bytes		 b;
	struct msg_cert_renew_response	 rr;
	EVP_PKEY			*key = NULL;
	X509				*cert = NULL;
	uint8_t				*csr = NULL, kh[PKI_HASH_LEN];
	size_t				 csrlen = 0;
	int64_t				 na = 0;
	int				 r;

	*not_after = 0;
	/* the key is made here and never leaves this laptop */
	if ((r = pki_key_new(&key)) != 0 ||
	    (r = pki_csr_new(key, RENEWAL_CN, &csr, &csrlen)) != 0 ||
	    (r = pki_pubkey_hash(key, kh)) != 0) {
		notice(NOTICE_ERROR, "certificate renewal: cannot make a key: "
		    "%s", cs_err(r));
		goto out;
	}
	b = (struct msg_bytes){ csr, csrlen };
	o = msg_out_cert_renew_request(&b);
	if ((r = renewal_call(c, &o, MSG_CERT_RENEW_RESPONSE, &rep)) != 0 ||
	    (r = msg_get_cert_renew_response(rep, &rr)) != 0)
		goto out;
	/* for our key, from our CA, and not already over */
	if (pki_cert_from_der(rr.cert_der.p, rr.cert_der.len, &cert) != 0 ||
	    X509_check_private_key(cert, key) != 1 ||
	    X509_verify(cert, X509_get0_pubkey(id->ca)) != 1 ||
	    pki_cert_not_after(cert, &na) != 0 || na <= time_now()) {
		notice(NOTICE_ERROR, "certificate renewal: the server "
		    "returned a certificate that does not match our key or CA");
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	msg_free(rep);
	rep = NULL;
	fault_point("renew-before-store");
	/*
	 * Key and certificate together, in one vault transaction, unless
	 * another casesync process on this vault renewed meanwhile: then
	 * its key is the one to keep, and this one is never confirmed
	 * (the server keeps both pending until one is).
	 */
	if ((r = identity_replace_key(v, id->key, key, cert)) != 0) {
		notice(NOTICE_ERROR, "certificate renewal: %s",
		    r == CS_ERR_EXISTS ? "another casesync process renewed "
		    "it meanwhile" : "cannot store the new certificate (the "
		    "old one still works)");
		goto out;
	}
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
	id->key = key;
	id->cert = cert;
	key = NULL;		/* transferred */
	cert = NULL;
	fault_point("renew-before-confirm");
	b = (struct msg_bytes){ kh, sizeof(kh) };
	o = msg_out_cert_renew_confirm(&b);
	if ((r = renewal_call(c, &o, MSG_CERT_RENEW_CONFIRMED, &rep)) != 0) {
		notice(NOTICE_ERROR, "certificate renewal: the new "
		    "certificate is stored; the next connection confirms it");
		goto out;
	}
	*not_after = na;
 out:
	msg_free(rep);
	free(csr);
	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}
