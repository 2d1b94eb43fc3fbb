/* SPDX-License-Identifier: ISC */
/*
 * renew.h - device certificate renewal over an authenticated session
 * (CertRenewRequest, CertRenewConfirm; docs/PROTOCOL.md, "Certificate
 * renewal"), the confirmation implied by connecting with a pending key,
 * renewal with a token (casesync enroll --renew), and the warning about
 * the server's own certificate.
 */
#ifndef RENEW_H
#define RENEW_H

#include <stdint.h>

#include "pki.h"
#include "token.h"

struct msg;
struct request;
struct server;
struct store_device;
struct worker;

/*
 * Answer CertRenewRequest (issue, record the pending key) or
 * CertRenewConfirm (make the pending key the device's) from the
 * authenticated device rq->dev; a confirm updates *rq->dev.  Refusals
 * are Error replies (0 returned); a CS_ERR_* return closes the session.
 */
int	renew_request(struct request *, const struct msg *);
int	renew_confirm(struct request *, const struct msg *);
/*
 * A session authenticated with the pending key "keyhash" of "dev": the
 * laptop holds the new certificate, so promote it (audited) and update
 * *dev.  0, or a CS_ERR_* (REVOKED, DB): refuse the Hello.
 */
int	renew_confirm_by_key(struct worker *, const char *peer,
	    struct store_device *dev, const uint8_t keyhash[PKI_HASH_LEN]);
/*
 * EnrollRequest with renew_device_id (casesync enroll --renew): the
 * token of casesyncctl renew-token, bound to that device.  On success
 * *dev is the device with its new key and *cert the certificate
 * (caller frees).  CS_ERR_* as store_renew_by_token(); *wrong_device
 * set when a valid token is bound to another device.
 */
int	renew_by_token(struct worker *, const char *peer,
	    const struct token *tok, const char *device_id, EVP_PKEY *pub,
	    struct store_device *dev, X509 **cert, int *wrong_device);
/*
 * Audit a renewal by token refused before renew_by_token() ran (a
 * malformed token or CSR, the rate limit): "why" says what.
 */
void	renew_refused(struct worker *, const char *peer,
	    const char *device_id, const char *why);
/*
 * Log a warning if the server's certificate expires within
 * RENEW_SERVER_WARN seconds of "now" (or has expired).  At startup,
 * then once a day from worker 0.
 */
#define RENEW_SERVER_WARN	((int64_t)30 * 86400)
void	renew_server_cert_check(const struct server *, int64_t now);
void	renew_tick(struct worker *, int64_t now);

#endif /* RENEW_H */
