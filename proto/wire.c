/* SPDX-License-Identifier: ISC */
/*
 * wire.c - protobuf-c unpack + validate + pack (see wire.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "util.h"
#include "wire.h"

/* Strings from the peer: at most "max" bytes of valid UTF-8. */
static int
wire_str_ok(const char *s, size_t max)
{
	size_t	len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	return len <= max && utf8_valid(s, len);
}

static int
wire_bytes_ok(const ProtobufCBinaryData *b, size_t min, size_t max)
{
	return b->len >= min && b->len <= max &&
	    (b->len == 0 || b->data != NULL);
}

static int
wire_identity_ok(const Casesync__V1__Identity *id)
{
	return id == NULL || (wire_str_ok(id->device_id, WIRE_STR_MAX) &&
	    wire_str_ok(id->device_name, WIRE_STR_MAX) &&
	    wire_str_ok(id->user_id, WIRE_STR_MAX) &&
	    wire_str_ok(id->user_name, WIRE_STR_MAX) &&
	    wire_str_ok(id->role, WIRE_STR_MAX) &&
	    wire_str_ok(id->office, WIRE_STR_MAX));
}

static int
wire_validate(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_HELLO:
		return wire_str_ok(e->hello->client_version, WIRE_STR_MAX) &&
		    wire_str_ok(e->hello->device_id, WIRE_STR_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_WELCOME:
		return wire_str_ok(e->welcome->server_version,
		    WIRE_STR_MAX) && wire_identity_ok(e->welcome->identity);
	case CASESYNC__V1__ENVELOPE__MSG_ERROR:
		/* unknown codes stay as numbers: a newer server may send them */
		return wire_str_ok(e->error->message, WIRE_MSG_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_PING:
		return wire_bytes_ok(&e->ping->data, 0, WIRE_PING_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_PONG:
		return wire_bytes_ok(&e->pong->data, 0, WIRE_PING_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST:
		return wire_str_ok(e->enroll_request->token,
		    WIRE_TOKEN_MAX) &&
		    wire_bytes_ok(&e->enroll_request->csr_der, 1, 2048);
	case CASESYNC__V1__ENVELOPE__MSG_ENROLL_RESPONSE:
		return wire_bytes_ok(&e->enroll_response->cert_der, 1,
		    4096) &&
		    wire_bytes_ok(&e->enroll_response->ca_cert_der, 1, 4096) &&
		    wire_identity_ok(e->enroll_response->identity);
	case CASESYNC__V1__ENVELOPE__MSG__NOT_SET:
		return 1;
	default:
		/* a oneof case protobuf-c knows but this switch does not */
		return 0;
	}
}

int
wire_decode(const uint8_t *p, size_t len, wire_env **out)
{
	wire_env	*e;

	*out = NULL;
	if (len == 0)
		return CS_ERR_FORMAT;
	if ((e = casesync__v1__envelope__unpack(NULL, len, p)) == NULL)
		return CS_ERR_FORMAT;
	if (!wire_validate(e)) {
		wire_free(e);
		return CS_ERR_FORMAT;
	}
	*out = e;
	return 0;
}

void
wire_free(wire_env *e)
{
	if (e != NULL)
		casesync__v1__envelope__free_unpacked(e, NULL);
}

int
wire_encode(const wire_env *env, size_t max, struct buf *out)
{
	uint8_t	 hdr[FRAME_HDR_LEN];
	uint8_t	*p;
	size_t	 len, room;

	len = casesync__v1__envelope__get_packed_size(env);
	if (len == 0) {
		/* an Envelope with id 0 and nothing set: make it one byte */
		return CS_ERR_INTERNAL;
	}
	if (len > max || len > FRAME_MAX_LIMIT)
		return CS_ERR_TOO_LARGE;
	if ((room = buf_space(out, FRAME_HDR_LEN + len, &p)) <
	    FRAME_HDR_LEN + len)
		return CS_ERR_TOO_LARGE;
	frame_hdr(hdr, (uint32_t)len);
	memcpy(p, hdr, FRAME_HDR_LEN);
	if (casesync__v1__envelope__pack(env, p + FRAME_HDR_LEN) != len)
		return CS_ERR_INTERNAL;
	buf_commit(out, FRAME_HDR_LEN + len);
	return 0;
}

int
wire_error(struct buf *out, uint32_t id, Casesync__V1__ErrorCode code,
    const char *msg, uint32_t retry_after_ms)
{
	wire_env		env;
	Casesync__V1__Error	err;

	/* the generated *_INIT macros cast away const: use the functions */
	casesync__v1__envelope__init(&env);
	casesync__v1__error__init(&err);
	err.code = code;
	err.message = (char *)(uintptr_t)msg;	/* protobuf-c wants char * */
	err.retry_after_ms = retry_after_ms;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ERROR;
	env.error = &err;
	return wire_encode(&env, FRAME_MAX_LIMIT, out);
}

const char *
wire_error_name(int code)
{
	const ProtobufCEnumValue	*v;

	v = protobuf_c_enum_descriptor_get_value(
	    &casesync__v1__error_code__descriptor, code);
	if (v == NULL)
		return "UNKNOWN";
	/* names are "ERROR_..." */
	return strncmp(v->name, "ERROR_", 6) == 0 ? v->name + 6 : v->name;
}
