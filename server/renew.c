/* SPDX-License-Identifier: ISC */
/*
 * renew.c - device certificate renewal (see renew.h).
 *
 * Two phases, so that a crash anywhere leaves a laptop that can still
 * connect.  CertRenewRequest: the laptop's new key arrives in a CSR over
 * the session its current key authenticated; the server issues a
 * certificate for the same device and records the key as pending
 * (store_renew.c), and from then on accepts either key.  The laptop
 * stores key and certificate in its vault in one transaction, then
 * sends CertRenewConfirm; or, if it crashed before confirming, simply
 * connects with the new key, which confirms it just as well.  Only then
 * is the old key dropped.  A laptop that crashed before storing still
 * has its old key, which still works; the unused pending key is
 * replaced by its next request.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "msg_device.h"
#include "pki.h"
#include "renew.h"
#include "request.h"
#include "server.h"
#include "signer.h"
#include "store.h"
#include "store_renew.h"
#include "util.h"
#include "msg.h"
#include "wire.h"

#define RENEW_TICK_MS		((int64_t)86400 * 1000)

/* One cert_renew entry: "step" issued / confirmed / by token, or why not. */
static void
renew_audit(struct worker *w, const char *peer, const struct store_device *dev,
    int ok, const char *basis, const char *detail, int sign)
{
	struct audit_entry	e;
	char			id[24];

	audit_entry_init(&e, "cert_renew", AUDIT_EXECUTE, ok);
	audit_entry_device(&e, dev, peer);
	audit_set(e.basis, basis);
	audit_set(e.object_type, "device");
	if (dev != NULL && dev->id != 0) {
		(void)str_fmt(id, sizeof(id), "%lld", (long long)dev->id);
		audit_set(e.object_id, id);
	}
	audit_set(e.detail, detail);
	audit_add(w, &e, 1, sign);
}

/* A device certificate for "pub", as enrollment issues them. */
static int
renew_issue(struct worker *w, EVP_PKEY *pub, X509 **cert, int64_t *not_after)
{
	struct server	*srv = w->srv;
	int		 r;

	*not_after = 0;
	r = signer_cert_issue(srv->signer, pub, cert);
	if (r != 0 || (r = pki_cert_not_after(*cert, not_after)) != 0) {
		X509_free(*cert);
		*cert = NULL;
		return CS_ERR_INTERNAL;
	}
	return 0;
}

int
renew_request(struct request *rq, const struct msg *req)
{
	struct worker			*w = rq->w;
	const struct store_device	*dev = rq->dev;
	struct buf			*out = rq->out;
	struct msg_bytes		 csr;
	struct msg_cert_renew_response	 resp;
	struct msg_out			 o;
	EVP_PKEY			*pub = NULL;
	X509				*cert = NULL;
	uint8_t				 kh[PKI_HASH_LEN];
	uint8_t				*der = NULL;
	size_t				 derlen;
	char				 detail[AUDIT_STR_MAX + 1];
	int64_t				 not_after;
	uint32_t			 id = msg_id(req);
	int				 r;

	if ((r = msg_get_cert_renew_request(req, &csr)) != 0)
		return r;
	if (pki_csr_parse(csr.p, csr.len, &pub) != 0 ||
	    pki_pubkey_hash(pub, kh) != 0) {
		r = wire_error(out, id,
		    WERR_BAD_REQUEST,
		    "certificate request not acceptable", 0);
		renew_audit(w, rq->peer, dev, 0, "device certificate",
		    "request not acceptable", 0);
		goto out;
	}
	if ((r = renew_issue(w, pub, &cert, &not_after)) == 0)
		r = store_renew_pending(w->st, dev->id, kh, not_after,
		    time_now());
	if (r != 0) {
		(void)str_fmt(detail, sizeof(detail), "issue refused: %s",
		    cs_err(r));
		renew_audit(w, rq->peer, dev, 0, "device certificate", detail,
		    0);
		r = request_refuse(rq, WCTX_RENEW, r, "certificate renewal",
		    r == CS_ERR_EXISTS ? "this key is already registered" :
		    r == CS_ERR_REVOKED ? "this device has been revoked" :
		    NULL);
		goto out;
	}
	/* the pending key is durable; the laptop has not heard of it */
	fault_point("renew-pending-committed");
	log_info("%s: device %lld: certificate issued for a new key, "
	    "pending confirmation", rq->peer, (long long)dev->id);
	(void)str_fmt(detail, sizeof(detail), "issued, pending; not_after=%lld",
	    (long long)not_after);
	renew_audit(w, rq->peer, dev, 1, "device certificate", detail, 0);
	if ((r = pki_cert_to_der(cert, &der, &derlen)) != 0)
		goto out;
	resp.cert_der = (struct msg_bytes){ der, derlen };
	resp.not_after = not_after;
	o = msg_out_cert_renew_response(&resp);
	r = msg_encode(id, &o, rq->max_frame, out);
 out:
	free(der);
	X509_free(cert);
	EVP_PKEY_free(pub);
	return r;
}

int
renew_confirm(struct request *rq, const struct msg *req)
{
	struct worker		*w = rq->w;
	struct store_device	*dev = rq->dev;
	struct buf		*out = rq->out;
	struct store_device	 nd;
	struct msg_bytes	 kh;
	struct msg_out		 o;
	char			 detail[AUDIT_STR_MAX + 1];
	uint32_t		 id = msg_id(req);
	int			 promoted, r;

	if ((r = msg_get_cert_renew_confirm(req, &kh)) != 0)
		return r;
	/* wire_renew.c: exactly PKI_HASH_LEN bytes */
	r = store_renew_promote(w->st, dev->id, kh.p, &nd, &promoted);
	if (r == CS_ERR_NOT_FOUND) {
		renew_audit(w, rq->peer, dev, 0, "device certificate",
		    "confirm of a key not issued", 0);
		return wire_error(out, id,
		    WERR_RENEW_NOT_PENDING,
		    "no certificate was issued for this key", 0);
	}
	if (r != 0)
		return request_refuse(rq, WCTX_RENEW, r, "certificate renewal",
		    r == CS_ERR_REVOKED ? "this device has been revoked" :
		    NULL);
	if (promoted) {
		/* the old key is gone; the laptop has no reply yet */
		fault_point("renew-confirm-committed");
		log_info("%s: device %lld: new key confirmed, old key "
		    "dropped", rq->peer, (long long)dev->id);
		(void)str_fmt(detail, sizeof(detail), "confirmed; old key "
		    "dropped; not_after=%lld", (long long)nd.cert_not_after);
		renew_audit(w, rq->peer, &nd, 1, "device certificate", detail,
		    1);
	}
	*dev = nd;
	o = msg_out_cert_renew_confirmed(&nd.cert_not_after);
	return msg_encode(id, &o, rq->max_frame, out);
}

int
renew_confirm_by_key(struct worker *w, const char *peer,
    struct store_device *dev, const uint8_t keyhash[PKI_HASH_LEN])
{
	struct store_device	nd;
	char			detail[AUDIT_STR_MAX + 1];
	int			promoted, r;

	if ((r = store_renew_promote(w->st, dev->id, keyhash, &nd,
	    &promoted)) != 0) {
		log_warnx("%s: device %lld: pending key not confirmed: %s",
		    peer, (long long)dev->id, cs_err(r));
		return r;
	}
	if (promoted) {
		fault_point("renew-confirm-committed");
		log_info("%s: device %lld: connected with its new key; old "
		    "key dropped", peer, (long long)dev->id);
		(void)str_fmt(detail, sizeof(detail), "confirmed by "
		    "connecting with the new key; old key dropped; "
		    "not_after=%lld", (long long)nd.cert_not_after);
		renew_audit(w, peer, &nd, 1, "device certificate", detail, 1);
	}
	*dev = nd;
	return 0;
}

int
renew_by_token(struct worker *w, const char *peer, const struct token *tok,
    const char *device_id, EVP_PKEY *pub, struct store_device *dev,
    X509 **cert, int *wrong_device)
{
	uint8_t			 kh[PKI_HASH_LEN];
	uint64_t		 id;
	int64_t			 not_after, bound = 0;
	char			 detail[AUDIT_STR_MAX + 1];
	int			 r;

	*cert = NULL;
	*wrong_device = 0;
	memset(dev, 0, sizeof(*dev));
	/* wire.c checked the syntax; the range is checked again here */
	if (parse_u64(device_id, 1, INT64_MAX, &id) != 0)
		return CS_ERR_FORMAT;
	if (pki_pubkey_hash(pub, kh) != 0)
		return CS_ERR_PROTOCOL;
	if ((r = renew_issue(w, pub, cert, &not_after)) != 0)
		goto out;
	r = store_renew_by_token(w->st, tok, (int64_t)id, kh, time_now(),
	    not_after, dev, &bound);
	if (r == CS_ERR_AUTH && bound != 0 && bound != (int64_t)id)
		*wrong_device = 1;
 out:
	if (r == 0) {
		log_info("%s: device %lld (%s) of %s renewed with a renewal "
		    "token", peer, (long long)dev->id, dev->name,
		    dev->user.name);
		(void)str_fmt(detail, sizeof(detail), "renewed with a renewal "
		    "token; old key dropped; not_after=%lld",
		    (long long)dev->cert_not_after);
		renew_audit(w, peer, dev, 1, "renewal token", detail, 1);
		return 0;
	}
	X509_free(*cert);
	*cert = NULL;
	renew_refused(w, peer, device_id, *wrong_device ?
	    "bound to another device" : cs_err(r));
	return r;
}

void
renew_refused(struct worker *w, const char *peer, const char *device_id,
    const char *why)
{
	struct store_device	who;
	uint64_t		id;
	char			detail[AUDIT_STR_MAX + 1];

	/* the device named, when it exists: whose renewal was refused */
	memset(&who, 0, sizeof(who));
	if (parse_u64(device_id, 1, INT64_MAX, &id) == 0)
		(void)store_device_get(w->st, (int64_t)id, &who);
	(void)str_fmt(detail, sizeof(detail), "renewal token for device %s "
	    "refused: %s", device_id, why);
	renew_audit(w, peer, who.id != 0 ? &who : NULL, 0, "renewal token",
	    detail, 0);
}

/*
 * "YYYY-MM-DDTHH:MM:SSZ", or the number if the time does not convert.
 * gmtime_r and snprintf only: no time zone files, so it may run in the
 * sandbox (strftime may look for them).
 */
static void
renew_time(char *dst, size_t len, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    str_fmt(dst, len, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec) != 0)
		(void)str_fmt(dst, len, "%lld", (long long)t);
}

void
renew_server_cert_check(const struct server *srv, int64_t now)
{
	/* main() sets it at the start and at a SIGHUP reload */
	int64_t	end = __atomic_load_n(&srv->cert_not_after, __ATOMIC_RELAXED);
	char	when[32];

	if (end == 0 || now < end - RENEW_SERVER_WARN)
		return;
	renew_time(when, sizeof(when), end);
	if (now >= end)
		log_warnx("the server certificate EXPIRED on %s: laptops "
		    "cannot connect; run casesyncctl server-cert renew and "
		    "restart casesyncd", when);
	else
		log_warnx("the server certificate expires on %s (in %lld "
		    "days): run casesyncctl server-cert renew and restart "
		    "casesyncd", when, (long long)((end - now) / 86400));
}

void
renew_tick(struct worker *w, int64_t now_ms)
{
	static int64_t	next_ms;	/* worker 0 only: one thread */

	if (w->idx != 0 || now_ms < next_ms)
		return;
	if (next_ms != 0)	/* main() has checked at startup */
		renew_server_cert_check(w->srv, time_now());
	next_ms = now_ms + RENEW_TICK_MS;
}
