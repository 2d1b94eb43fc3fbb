/* SPDX-License-Identifier: ISC */
/*
 * wire_renew.c - field checks of CertRenewRequest, CertRenewResponse,
 * CertRenewConfirm and CertRenewConfirmed (see wire_renew.h).  Sizes are
 * bounded before the PKI code parses any DER; a key hash has exactly
 * 32 bytes; a certificate's notAfter is a positive time.
 */
#include <stdint.h>
#include <string.h>

#include "util.h"
#include "wire.h"
#include "wire_renew.h"

_Static_assert(WIRE_KEYHASH_LEN == 32, "SHA-256 key hashes");

static int
wire_der_ok(const ProtobufCBinaryData *b, size_t max)
{
	/* empty DER is never a certificate or a request */
	return b->len >= 1 && b->len <= max && b->data != NULL;
}

int
wire_device_id_ok(const char *s)
{
	uint64_t	v;
	size_t		len;

	if (s == NULL || (len = strlen(s)) == 0 || len > WIRE_DEVICE_ID_MAX)
		return 0;
	/* "0", "007", "+1", " 1": not how the server writes an id */
	if (s[0] < '1' || s[0] > '9')
		return 0;
	return parse_u64(s, 1, INT64_MAX, &v) == 0;
}

int
wire_renew_msg(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_RESPONSE:
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRM:
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRMED:
		return 1;
	default:
		return 0;
	}
}

int
wire_renew_ok(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_REQUEST:
		return wire_der_ok(&e->cert_renew_request->csr_der,
		    WIRE_CSR_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_RESPONSE:
		return wire_der_ok(&e->cert_renew_response->cert_der,
		    WIRE_CERT_MAX) &&
		    e->cert_renew_response->not_after > 0;
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRM:
		/* exactly a SHA-256, nothing shorter or longer */
		return e->cert_renew_confirm->key_hash.len ==
		    WIRE_KEYHASH_LEN &&
		    e->cert_renew_confirm->key_hash.data != NULL;
	case CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRMED:
		return e->cert_renew_confirmed->not_after > 0;
	default:
		return 0;
	}
}
