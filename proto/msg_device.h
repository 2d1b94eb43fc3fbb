/* SPDX-License-Identifier: ISC */
/*
 * msg_device.h - the device's own messages: EnrollRequest and
 * EnrollResponse (enrollment, and renewal by token), and the renewal of
 * its certificate over a session: CertRenewRequest, CertRenewResponse,
 * CertRenewConfirm, CertRenewConfirmed.  See msg.h for the conventions
 * (plain structs, borrowed strings and bytes, getters and encoders).
 * wire.c and wire_renew.c checked every field before a getter runs.
 */
#ifndef MSG_DEVICE_H
#define MSG_DEVICE_H

#include <stdint.h>

#include "msg.h"
#include "msg_session.h"

struct msg_enroll_request {
	const char		*token;		/* 1..WIRE_TOKEN_MAX bytes */
	struct msg_bytes	 csr_der;	/* 1..2048 bytes, not parsed */
	/* "" (a first enrollment) or a device id (wire_device_id_ok) */
	const char		*renew_device_id;
};

struct msg_enroll_response {
	struct msg_bytes	 cert_der;	/* 1..4096 bytes, not parsed */
	struct msg_bytes	 ca_cert_der;	/* 1..4096 bytes, not parsed */
	int			 has_identity;
	struct msg_identity	 identity;
};

struct msg_cert_renew_response {
	struct msg_bytes	 cert_der;	/* 1..WIRE_CERT_MAX bytes */
	int64_t			 not_after;	/* > 0 */
};

int		msg_get_enroll_request(const struct msg *,
		    struct msg_enroll_request *);
struct msg_out	msg_out_enroll_request(const struct msg_enroll_request *);
int		msg_get_enroll_response(const struct msg *,
		    struct msg_enroll_response *);
struct msg_out	msg_out_enroll_response(const struct msg_enroll_response *);

/* CertRenewRequest: the CSR, 1..WIRE_CSR_MAX bytes (not parsed). */
int		msg_get_cert_renew_request(const struct msg *,
		    struct msg_bytes *csr_der);
struct msg_out	msg_out_cert_renew_request(const struct msg_bytes *csr_der);
int		msg_get_cert_renew_response(const struct msg *,
		    struct msg_cert_renew_response *);
struct msg_out	msg_out_cert_renew_response(
		    const struct msg_cert_renew_response *);
/* CertRenewConfirm: the key hash, exactly WIRE_KEYHASH_LEN bytes. */
int		msg_get_cert_renew_confirm(const struct msg *,
		    struct msg_bytes *key_hash);
struct msg_out	msg_out_cert_renew_confirm(const struct msg_bytes *key_hash);
/* CertRenewConfirmed: the certificate's notAfter (> 0). */
int		msg_get_cert_renew_confirmed(const struct msg *,
		    int64_t *not_after);
struct msg_out	msg_out_cert_renew_confirmed(const int64_t *not_after);

#endif /* MSG_DEVICE_H */
