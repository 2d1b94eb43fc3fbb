/* SPDX-License-Identifier: ISC */
/*
 * enroll.c - turn a token and a CSR into a device certificate.
 *
 * Order of checks: rate limit by address first (cheap, before any
 * work an attacker could make us do), then the token's syntax, then
 * the CSR, then the token against the database in one transaction
 * that also registers the device, so a token can never be spent twice.
 * A request naming renew_device_id is a renewal (casesync enroll
 * --renew): the same checks, then renew.c with the renewal token.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "audit.h"
#include "enroll.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg_device.h"
#include "pki.h"
#include "renew.h"
#include "request.h"
#include "server.h"
#include "signer.h"
#include "store.h"
#include "token.h"
#include "util.h"
#include "errmap.h"
#include "msg.h"
#include "wire.h"

/*
 * The text of a refusal for CS_ERR_* "why"; its code is the one map's
 * (errmap.h).  "renew" and "wrong_device" as for enroll_refuse().
 */
static enum wire_code
enroll_code(int why, int renew, int wrong_device, const char **text)
{
	if (wrong_device) {
		*text = "this renewal token is for another device";
		return WERR_RENEW_WRONG_DEVICE;
	}
	switch (why) {
	case CS_ERR_RATE:
		*text = "too many failed enrollments from this address";
		break;
	case CS_ERR_EXPIRED:
		*text = renew ? "renewal token expired" :
		    "enrollment token expired";
		break;
	case CS_ERR_USED:
		*text = renew ? "renewal token already used" :
		    "enrollment token already used";
		break;
	case CS_ERR_NOT_FOUND:
	case CS_ERR_AUTH:
	case CS_ERR_FORMAT:
		*text = renew ? "renewal token not valid" :
		    "enrollment token not valid";
		break;
	case CS_ERR_EXISTS:
		*text = renew ? "this key is already registered" :
		    "this device key is already enrolled";
		break;
	case CS_ERR_PROTOCOL:
		*text = "certificate request not acceptable";
		break;
	case CS_ERR_REVOKED:
		*text = "this device has been revoked: it cannot renew";
		break;
	default:
		*text = "internal error";
		return WERR_INTERNAL;
	}
	return wire_code_of(renew ? WCTX_RENEW : WCTX_ENROLL, why);
}

/*
 * Refuse; "renew": a renewal by token, whose refusals renew.c audits as
 * cert_renew entries (not enroll_failed); "wrong_device": its token is
 * bound to another device.
 */
static int
enroll_refuse(struct worker *w, const char *peer, uint32_t id, int why,
    int renew, int wrong_device, struct buf *out)
{
	enum wire_code	 code;
	const char	*msg;
	uint32_t	 retry = 0;

	code = enroll_code(why, renew, wrong_device, &msg);
	if (why == CS_ERR_RATE)
		retry = (uint32_t)w->srv->cfg.enroll_fail_window * 1000;
	log_warnx("%s: %s refused: %s", peer, renew ? "renewal" :
	    "enrollment", msg);
	if (why != CS_ERR_RATE && why != CS_ERR_INTERNAL && why != CS_ERR_DB)
		(void)store_enroll_fail(w->st, peer, time_now());
	if (!renew)
		audit_enroll(w, peer, NULL, why);
	(void)wire_error(out, id, code, msg, retry);
	return why;
}

static int
enroll_reply(struct worker *w, uint32_t id, X509 *cert,
    const struct store_device *dev, struct buf *out)
{
	struct msg_enroll_response	 resp;
	struct msg_out			 o;
	uint8_t				*der = NULL, *cader = NULL;
	size_t				 derlen, cadlen;
	char				 devid[24], uid[24];
	int				 r;

	if ((r = pki_cert_to_der(cert, &der, &derlen)) != 0 ||
	    (r = pki_cert_to_der(w->srv->ca, &cader, &cadlen)) != 0)
		goto out;
	memset(&resp, 0, sizeof(resp));
	str_fmt(devid, sizeof(devid), "%lld", (long long)dev->id);
	str_fmt(uid, sizeof(uid), "%lld", (long long)dev->user.id);
	resp.has_identity = 1;
	resp.identity.device_id = devid;
	resp.identity.device_name = dev->name;
	resp.identity.user_id = uid;
	resp.identity.user_name = dev->user.name;
	resp.identity.role = dev->user.role;
	resp.identity.office = dev->user.office;
	resp.identity.cert_not_after = dev->cert_not_after;
	resp.cert_der = (struct msg_bytes){ der, derlen };
	resp.ca_cert_der = (struct msg_bytes){ cader, cadlen };
	o = msg_out_enroll_response(&resp);
	r = msg_encode(id, &o, FRAME_MAX_LIMIT, out);
 out:
	free(der);
	free(cader);
	return r;
}

static int
enroll_serve(struct worker *w, const char *peer, uint32_t id,
    const struct msg_enroll_request *req, struct buf *out)
{
	struct server		*srv = w->srv;
	struct store_device	 dev;
	struct token		 tok;
	EVP_PKEY		*pub = NULL;
	X509			*cert = NULL;
	uint8_t			 keyhash[PKI_HASH_LEN];
	int64_t			 fails, now = time_now(), not_after;
	int			 r, wrong_device = 0, renew_audited = 0;
	int			 renew = req->renew_device_id[0] != '\0';

	if ((r = store_enroll_fail_count(w->st, peer,
	    now - srv->cfg.enroll_fail_window, &fails)) != 0)
		return enroll_refuse(w, peer, id, CS_ERR_DB, renew, 0, out);
	/* rate-limited attempts are not audited (as for enrollment) */
	if (fails >= (int64_t)srv->cfg.enroll_fail_limit)
		return enroll_refuse(w, peer, id, CS_ERR_RATE, renew, 0, out);
	if (token_parse(req->token, strlen(req->token), &tok) != 0) {
		if (renew)
			renew_refused(w, peer, req->renew_device_id,
			    "malformed token");
		return enroll_refuse(w, peer, id, CS_ERR_FORMAT, renew, 0,
		    out);
	}
	if (pki_csr_parse(req->csr_der.p, req->csr_der.len, &pub) != 0 ||
	    pki_pubkey_hash(pub, keyhash) != 0) {
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	if (renew) {
		/* renew_by_token audits its refusals itself */
		if ((r = renew_by_token(w, peer, &tok, req->renew_device_id,
		    pub, &dev, &cert, &wrong_device)) != 0)
			renew_audited = 1;
		if (r != 0)
			goto out;
		if ((r = enroll_reply(w, id, cert, &dev, out)) != 0)
			r = CS_ERR_INTERNAL;
		goto out;
	}
	/* sign first (cheap); the certificate is dropped if the token fails */
	r = signer_cert_issue(srv->signer, pub, &cert);
	if (r != 0 || (r = pki_cert_not_after(cert, &not_after)) != 0) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if ((r = store_enroll(w->st, &tok, keyhash, now, not_after,
	    &dev)) != 0)
		goto out;
	if ((r = enroll_reply(w, id, cert, &dev, out)) != 0) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	log_info("%s: enrolled device %lld (%s) for %s", peer,
	    (long long)dev.id, dev.name, dev.user.name);
	audit_enroll(w, peer, &dev, 0);
 out:
	token_clear(&tok);
	EVP_PKEY_free(pub);
	X509_free(cert);
	if (r != 0 && renew && !renew_audited)
		renew_refused(w, peer, req->renew_device_id, cs_err(r));
	if (r != 0)
		return enroll_refuse(w, peer, id, r, renew, wrong_device, out);
	return 0;
}

/* One attempt per connection: a failed enrollment closes. */
int
enroll_request(struct request *rq, const struct msg *m)
{
	struct msg_enroll_request	req;
	int				r;

	if ((r = msg_get_enroll_request(m, &req)) != 0)
		return r;
	if (enroll_serve(rq->w, rq->peer, rq->id, &req, rq->out) != 0)
		rq->close = 1;
	return 0;
}
