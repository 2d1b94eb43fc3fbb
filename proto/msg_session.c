/* SPDX-License-Identifier: ISC */
/*
 * msg_session.c - Hello, Welcome, Ping, Pong, Watch, Notify, CaseAck
 * (see msg_session.h).
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "msg_int.h"
#include "msg_session.h"
#include "wire.h"
#include "netaddr.h"

void
identity_get(const Casesync__V1__Identity *in, struct msg_identity *out)
{
	out->device_id = in->device_id;
	out->device_name = in->device_name;
	out->user_id = in->user_id;
	out->user_name = in->user_name;
	out->role = in->role;
	out->office = in->office;
	out->cert_not_after = in->cert_not_after;
}

void
identity_put(const struct msg_identity *in, Casesync__V1__Identity *out)
{
	casesync__v1__identity__init(out);
	out->device_id = PB_STR(in->device_id);
	out->device_name = PB_STR(in->device_name);
	out->user_id = PB_STR(in->user_id);
	out->user_name = PB_STR(in->user_name);
	out->role = PB_STR(in->role);
	out->office = PB_STR(in->office);
	out->cert_not_after = in->cert_not_after;
}

int
msg_get_hello(const struct msg *m, struct msg_hello *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_HELLO)
		return CS_ERR_PROTOCOL;
	out->protocol_version = env->hello->protocol_version;
	out->client_version = env->hello->client_version;
	out->device_id = env->hello->device_id;
	out->sync_counter = env->hello->sync_counter;
	return 0;
}

static int
enc_hello(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_hello	*b = body;
	wire_env		 env;
	Casesync__V1__Hello	 h;

	casesync__v1__envelope__init(&env);
	casesync__v1__hello__init(&h);
	h.protocol_version = b->protocol_version;
	h.client_version = PB_STR(b->client_version);
	h.device_id = PB_STR(b->device_id);
	h.sync_counter = b->sync_counter;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_hello(const struct msg_hello *b)
{
	return (struct msg_out){ enc_hello, b };
}

int
msg_get_welcome(const struct msg *m, struct msg_welcome *out)
{
	const wire_env			*env = msg_env(m);
	const Casesync__V1__Welcome	*w;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_WELCOME)
		return CS_ERR_PROTOCOL;
	w = env->welcome;
	memset(out, 0, sizeof(*out));
	out->server_version = w->server_version;
	out->server_time = w->server_time;
	if (w->limits != NULL) {
		out->has_limits = 1;
		out->max_frame = w->limits->max_frame;
		out->idle_timeout_ms = w->limits->idle_timeout_ms;
	}
	if (w->identity != NULL) {
		out->has_identity = 1;
		identity_get(w->identity, &out->identity);
	}
	/* wire_validate() checked that these fit */
	out->generation = (int64_t)w->generation;
	out->restore_seq = (int64_t)w->restore_seq;
	out->backup_time = w->backup_time;
	out->server_seq = (int64_t)w->server_seq;
	/* netaddr_list_ok() checked each */
	out->addresses = (const char *const *)w->addresses;
	out->n_addresses = w->n_addresses;
	out->report_names = w->report_names;	/* wire_report_names_ok() */
	return 0;
}

static int
enc_welcome(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_welcome	*b = body;
	wire_env			 env;
	Casesync__V1__Welcome		 w;
	Casesync__V1__Limits		 lim;
	Casesync__V1__Identity		 ident;

	if (b->generation < 0 || b->restore_seq < 0 || b->server_seq < 0 ||
	    b->n_addresses > NETADDR_LIST_MAX)
		return CS_ERR_INTERNAL;
	casesync__v1__envelope__init(&env);
	casesync__v1__welcome__init(&w);
	w.server_version = PB_STR(b->server_version);
	w.server_time = b->server_time;
	if (b->has_limits) {
		casesync__v1__limits__init(&lim);
		lim.max_frame = b->max_frame;
		lim.idle_timeout_ms = b->idle_timeout_ms;
		w.limits = &lim;
	}
	if (b->has_identity) {
		identity_put(&b->identity, &ident);
		w.identity = &ident;
	}
	w.generation = (uint64_t)b->generation;
	w.restore_seq = (uint64_t)b->restore_seq;
	w.backup_time = b->backup_time;
	w.server_seq = (uint64_t)b->server_seq;
	w.n_addresses = b->n_addresses;
	w.addresses = PB_STRV(b->addresses);
	w.report_names = PB_STR(b->report_names);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WELCOME;
	env.welcome = &w;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_welcome(const struct msg_welcome *b)
{
	return (struct msg_out){ enc_welcome, b };
}

int
msg_get_ping(const struct msg *m, struct msg_bytes *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_PING)
		return CS_ERR_PROTOCOL;
	out->p = env->ping->data.data;
	out->len = env->ping->data.len;
	return 0;
}

int
msg_get_pong(const struct msg *m, struct msg_bytes *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_PONG)
		return CS_ERR_PROTOCOL;
	out->p = env->pong->data.data;
	out->len = env->pong->data.len;
	return 0;
}

/* Ping and Pong have the same shape: one bytes field. */
static int
enc_echo(uint32_t id, const struct msg_bytes *b, int pong, size_t max,
    struct buf *out)
{
	wire_env		env;
	Casesync__V1__Ping	ping;
	Casesync__V1__Pong	pg;
	ProtobufCBinaryData	data;

	data.data = (uint8_t *)(uintptr_t)b->p;
	data.len = b->len;
	casesync__v1__envelope__init(&env);
	env.id = id;
	if (pong) {
		casesync__v1__pong__init(&pg);
		pg.data = data;
		env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PONG;
		env.pong = &pg;
	} else {
		casesync__v1__ping__init(&ping);
		ping.data = data;
		env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PING;
		env.ping = &ping;
	}
	return wire_encode(&env, max, out);
}

static int
enc_ping(uint32_t id, const void *body, size_t max, struct buf *out)
{
	return enc_echo(id, body, 0, max, out);
}

static int
enc_pong(uint32_t id, const void *body, size_t max, struct buf *out)
{
	return enc_echo(id, body, 1, max, out);
}

struct msg_out
msg_out_ping(const struct msg_bytes *b)
{
	return (struct msg_out){ enc_ping, b };
}

struct msg_out
msg_out_pong(const struct msg_bytes *b)
{
	return (struct msg_out){ enc_pong, b };
}

static int
enc_watch(uint32_t id, const void *body, size_t max, struct buf *out)
{
	wire_env		env;
	Casesync__V1__Watch	w;

	(void)body;
	casesync__v1__envelope__init(&env);
	casesync__v1__watch__init(&w);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WATCH;
	env.watch = &w;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_watch(void)
{
	return (struct msg_out){ enc_watch, NULL };
}

int
msg_get_notify(const struct msg *m, uint64_t *seq)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_NOTIFY)
		return CS_ERR_PROTOCOL;
	*seq = env->notify->seq;
	return 0;
}

static int
enc_notify(uint32_t id, const void *body, size_t max, struct buf *out)
{
	wire_env		env;
	Casesync__V1__Notify	n;

	casesync__v1__envelope__init(&env);
	casesync__v1__notify__init(&n);
	n.seq = *(const uint64_t *)body;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_NOTIFY;
	env.notify = &n;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_notify(const uint64_t *seq)
{
	return (struct msg_out){ enc_notify, seq };
}

int
msg_get_case_ack(const struct msg *m, uint64_t *seq)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_ACK)
		return CS_ERR_PROTOCOL;
	*seq = env->case_ack->seq;
	return 0;
}

static int
enc_case_ack(uint32_t id, const void *body, size_t max, struct buf *out)
{
	wire_env		env;
	Casesync__V1__CaseAck	a;

	casesync__v1__envelope__init(&env);
	casesync__v1__case_ack__init(&a);
	a.seq = *(const uint64_t *)body;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_ACK;
	env.case_ack = &a;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_case_ack(const uint64_t *seq)
{
	return (struct msg_out){ enc_case_ack, seq };
}
