/* SPDX-License-Identifier: ISC */
/*
 * msg_device.c - EnrollRequest, EnrollResponse and the certificate
 * renewal messages (see msg_device.h).
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "msg_device.h"
#include "msg_int.h"
#include "wire.h"

int
msg_get_enroll_request(const struct msg *m, struct msg_enroll_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST)
		return CS_ERR_PROTOCOL;
	out->token = env->enroll_request->token;
	out->csr_der = pb_bytes_get(&env->enroll_request->csr_der);
	out->renew_device_id = env->enroll_request->renew_device_id;
	return 0;
}

static int
enc_enroll_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_enroll_request	*b = body;
	wire_env			 env;
	Casesync__V1__EnrollRequest	 q;

	casesync__v1__envelope__init(&env);
	casesync__v1__enroll_request__init(&q);
	q.token = PB_STR(b->token);
	q.csr_der = PB_BYTES(b->csr_der);
	q.renew_device_id = PB_STR(b->renew_device_id);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST;
	env.enroll_request = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_enroll_request(const struct msg_enroll_request *b)
{
	return (struct msg_out){ enc_enroll_request, b };
}

int
msg_get_enroll_response(const struct msg *m, struct msg_enroll_response *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__EnrollResponse	*e;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_ENROLL_RESPONSE)
		return CS_ERR_PROTOCOL;
	e = env->enroll_response;
	memset(out, 0, sizeof(*out));
	out->cert_der = pb_bytes_get(&e->cert_der);
	out->ca_cert_der = pb_bytes_get(&e->ca_cert_der);
	if (e->identity != NULL) {
		out->has_identity = 1;
		identity_get(e->identity, &out->identity);
	}
	return 0;
}

static int
enc_enroll_response(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_enroll_response	*b = body;
	wire_env				 env;
	Casesync__V1__EnrollResponse		 e;
	Casesync__V1__Identity			 ident;

	casesync__v1__envelope__init(&env);
	casesync__v1__enroll_response__init(&e);
	e.cert_der = PB_BYTES(b->cert_der);
	e.ca_cert_der = PB_BYTES(b->ca_cert_der);
	if (b->has_identity) {
		identity_put(&b->identity, &ident);
		e.identity = &ident;
	}
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ENROLL_RESPONSE;
	env.enroll_response = &e;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_enroll_response(const struct msg_enroll_response *b)
{
	return (struct msg_out){ enc_enroll_response, b };
}

int
msg_get_cert_renew_request(const struct msg *m, struct msg_bytes *csr_der)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_REQUEST)
		return CS_ERR_PROTOCOL;
	*csr_der = pb_bytes_get(&env->cert_renew_request->csr_der);
	return 0;
}

static int
enc_cert_renew_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	wire_env			env;
	Casesync__V1__CertRenewRequest	q;

	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_request__init(&q);
	q.csr_der = PB_BYTES(*(const struct msg_bytes *)body);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_REQUEST;
	env.cert_renew_request = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_cert_renew_request(const struct msg_bytes *csr_der)
{
	return (struct msg_out){ enc_cert_renew_request, csr_der };
}

int
msg_get_cert_renew_response(const struct msg *m,
    struct msg_cert_renew_response *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_RESPONSE)
		return CS_ERR_PROTOCOL;
	out->cert_der = pb_bytes_get(&env->cert_renew_response->cert_der);
	out->not_after = env->cert_renew_response->not_after;
	return 0;
}

static int
enc_cert_renew_response(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_cert_renew_response	*b = body;
	wire_env				 env;
	Casesync__V1__CertRenewResponse		 q;

	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_response__init(&q);
	q.cert_der = PB_BYTES(b->cert_der);
	q.not_after = b->not_after;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_RESPONSE;
	env.cert_renew_response = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_cert_renew_response(const struct msg_cert_renew_response *b)
{
	return (struct msg_out){ enc_cert_renew_response, b };
}

int
msg_get_cert_renew_confirm(const struct msg *m, struct msg_bytes *key_hash)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRM)
		return CS_ERR_PROTOCOL;
	*key_hash = pb_bytes_get(&env->cert_renew_confirm->key_hash);
	return 0;
}

static int
enc_cert_renew_confirm(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	wire_env			env;
	Casesync__V1__CertRenewConfirm	q;

	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_confirm__init(&q);
	q.key_hash = PB_BYTES(*(const struct msg_bytes *)body);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRM;
	env.cert_renew_confirm = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_cert_renew_confirm(const struct msg_bytes *key_hash)
{
	return (struct msg_out){ enc_cert_renew_confirm, key_hash };
}

int
msg_get_cert_renew_confirmed(const struct msg *m, int64_t *not_after)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRMED)
		return CS_ERR_PROTOCOL;
	*not_after = env->cert_renew_confirmed->not_after;
	return 0;
}

static int
enc_cert_renew_confirmed(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	wire_env			env;
	Casesync__V1__CertRenewConfirmed	q;

	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_confirmed__init(&q);
	q.not_after = *(const int64_t *)body;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRMED;
	env.cert_renew_confirmed = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_cert_renew_confirmed(const int64_t *not_after)
{
	return (struct msg_out){ enc_cert_renew_confirmed, not_after };
}
