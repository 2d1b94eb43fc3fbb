/* SPDX-License-Identifier: ISC */
/*
 * wire_renew.h - validation of the certificate renewal messages
 * (Envelope fields 12..15) and of EnrollRequest.renew_device_id, called
 * by wire_decode() before any other code sees them.
 */
#ifndef WIRE_RENEW_H
#define WIRE_RENEW_H

#include "wire.h"

#define WIRE_CSR_MAX		2048	/* = PKI_CSR_MAX */
#define WIRE_CERT_MAX		4096	/* = PKI_CERT_MAX */
#define WIRE_KEYHASH_LEN	32	/* SHA-256 of a SubjectPublicKeyInfo */
#define WIRE_DEVICE_ID_MAX	19	/* digits of INT64_MAX */

/* 1 if "e" carries one of the messages 12..15. */
int	wire_renew_msg(const wire_env *e);
/* 1 if every field of that message is present and well formed. */
int	wire_renew_ok(const wire_env *e);
/*
 * 1 if "s" is a device id as the server prints it: 1..19 decimal
 * digits, no leading zero, at most INT64_MAX.
 */
int	wire_device_id_ok(const char *s);

#endif /* WIRE_RENEW_H */
