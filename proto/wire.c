/* SPDX-License-Identifier: ISC */
/*
 * wire.c - protobuf-c unpack + validate + pack (see wire.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errmap.h"
#include "errors.h"
#include "frame.h"
#include "lifecycle.h"
#include "marker.h"
#include "util.h"
#include "wire.h"
#include "netaddr.h"
#include "wire_audit_q.h"
#include "wire_keys.h"
#include "wire_measure.h"
#include "wire_renew.h"
#include "wire_transfer.h"
#include "wire_approval.h"
#include "wire_nolost.h"
#include "wire_report.h"

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

/*
 * Welcome.report_names: "" or one word of [a-z] (this server sends
 * "names" or "roles"; a newer one may send another word, which the
 * laptop reads as "roles", client/core/reportnames.c).
 */
static int
wire_report_names_ok(const char *s)
{
	size_t	i, len;

	if (s == NULL || (len = strlen(s)) > WIRE_REPORT_NAMES_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
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

int
wire_uuid_ok(const char *s)
{
	size_t	i;

	if (s == NULL || strlen(s) != WIRE_UUID_LEN)
		return 0;
	for (i = 0; i < WIRE_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

int
wire_kind_ok(const char *s)
{
	size_t	i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > WIRE_KIND_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int
wire_frame_ok(const char *s)
{
	enum lc_frame	f;

	return lc_frame_parse(s, &f) == 0;
}

/*
 * The author fields are set by the server; wire_push_ok() checks.  A
 * version is a seq: one that does not fit in int64 is refused here,
 * on every path (pull, conflict, push), never clamped.
 */
static int
wire_record_ok(const Casesync__V1__Record *r)
{
	return r != NULL && wire_uuid_ok(r->record_id) &&
	    wire_uuid_ok(r->case_id) && wire_kind_ok(r->kind) &&
	    r->version <= INT64_MAX &&
	    wire_bytes_ok(&r->body, 0, WIRE_BODY_MAX) &&
	    wire_str_ok(r->author_device, WIRE_STR_MAX) &&
	    marker_user_id_ok(r->author_user_id) &&
	    marker_user_name_ok(r->author_user_name) &&
	    marker_user_name_ok(r->created_by) &&
	    r->created_at >= 0 && r->changed_at >= 0;
}

static int
wire_push_ok(const Casesync__V1__PushRequest *p)
{
	size_t	i;

	if (p->n_changes == 0 || p->n_changes > WIRE_PUSH_MAX)
		return 0;
	for (i = 0; i < p->n_changes; i++)
		if (p->changes[i] == NULL ||
		    !wire_uuid_ok(p->changes[i]->change_id) ||
		    p->changes[i]->base_version > INT64_MAX ||
		    p->changes[i]->lost_version > INT64_MAX ||
		    !wire_record_ok(p->changes[i]->record) ||
		    p->changes[i]->record->author_user_id[0] != '\0' ||
		    p->changes[i]->record->author_user_name[0] != '\0' ||
		    p->changes[i]->record->created_by[0] != '\0' ||
		    p->changes[i]->record->created_at != 0 ||
		    p->changes[i]->record->changed_at != 0)
			return 0;
	return 1;
}

static int
wire_push_resp_ok(const Casesync__V1__PushResponse *p)
{
	size_t	i;

	if (p->n_results > WIRE_PUSH_MAX)
		return 0;
	for (i = 0; i < p->n_results; i++)
		if (p->results[i] == NULL ||
		    !wire_uuid_ok(p->results[i]->change_id) ||
		    p->results[i]->version > INT64_MAX ||
		    !wire_nolost_result_ok(p->results[i]) ||
		    (p->results[i]->current != NULL &&
		    !wire_record_ok(p->results[i]->current)))
			return 0;
	return 1;
}

static int
wire_pull_resp_ok(const Casesync__V1__PullResponse *p)
{
	size_t	i;

	if (p->n_purge_case_ids > WIRE_PURGES_MAX ||
	    p->cursor > INT64_MAX || p->cursor_tie > INT64_MAX ||
	    p->server_seq > INT64_MAX || !wire_nolost_pull_ok(p))
		return 0;
	for (i = 0; i < p->n_records; i++)
		if (!wire_record_ok(p->records[i]))
			return 0;
	for (i = 0; i < p->n_purge_case_ids; i++)
		if (!wire_uuid_ok(p->purge_case_ids[i]))
			return 0;
	return 1;
}

/* "" or a real YYYY-MM-DD date (lifecycle.h). */
static int
wire_date_ok(const char *s)
{
	int64_t	d;

	return s != NULL && (s[0] == '\0' || lc_date_parse(s, &d) == 0);
}

static int
wire_state_ok(const char *s)
{
	enum lc_state	st;

	return lc_state_parse(s, &st) == 0;
}

static int
wire_case_state_ok(const Casesync__V1__CaseState *m)
{
	return wire_uuid_ok(m->case_id) && wire_state_ok(m->to_state) &&
	    wire_date_ok(m->effective_date) && wire_date_ok(m->end_date) &&
	    wire_str_ok(m->reason, LC_REASON_MAX) &&
	    wire_str_ok(m->approved_by, WIRE_STR_MAX);
}

int
wire_case_info_ok(const Casesync__V1__CaseInfo *m)
{
	size_t	i;

	if (!wire_uuid_ok(m->case_id) || !wire_frame_ok(m->frame) ||
	    !wire_state_ok(m->state) || !wire_date_ok(m->state_since) ||
	    !wire_date_ok(m->drang_start) || !wire_date_ok(m->measure_start) ||
	    !wire_date_ok(m->end_date) || !wire_date_ok(m->closed_on) ||
	    !wire_date_ok(m->retention_until) ||
	    !wire_str_ok(m->approved_by, WIRE_STR_MAX) ||
	    /* a name people see: no control characters for a terminal */
	    !wire_str_ok(m->regisseur, WIRE_STR_MAX) ||
	    !utf8_text_ok(m->regisseur, strlen(m->regisseur)) ||
	    (m->close_reason[0] != '\0' &&
	    !wire_close_reason_ok(m->close_reason)) ||
	    /* the counts, the measures, the deadlines' child ids */
	    !wire_case_measures_ok(m))
		return 0;
	for (i = 0; i < m->n_deadlines; i++)
		if (m->deadlines[i] == NULL ||
		    !wire_kind_ok(m->deadlines[i]->kind) ||
		    m->deadlines[i]->due == NULL ||
		    m->deadlines[i]->due[0] == '\0' ||
		    !wire_date_ok(m->deadlines[i]->due))
			return 0;
	return 1;
}

static int
wire_case_list_ok(const Casesync__V1__CaseList *m)
{
	size_t	i;

	/* a page that says "more" but brings none would loop a client */
	if (m->n_cases > WIRE_CASES_MAX || (m->more && m->n_cases == 0))
		return 0;
	for (i = 0; i < m->n_cases; i++)
		if (m->cases[i] == NULL || !wire_case_info_ok(m->cases[i]))
			return 0;
	return 1;
}

/* The restore statement and its two proofs (docs/AUDIT.md, "Restore"). */
static int
wire_restore_ok(const Casesync__V1__CheckpointResponse *m)
{
	const Casesync__V1__AuditRestore	*r = m->restore;
	size_t					 i;

	if (r == NULL)
		return m->n_restore_consistency == 0 &&
		    m->n_old_consistency == 0;
	if (r->generation == 0 || r->generation > INT64_MAX ||
	    r->backup_size > INT64_MAX || r->old_size > INT64_MAX ||
	    r->restore_seq > INT64_MAX ||
	    !wire_bytes_ok(&r->backup_root, 32, 32) ||
	    !wire_bytes_ok(&r->old_root, 32, 32) ||
	    !wire_bytes_ok(&r->signature, 64, 64) ||
	    m->n_restore_consistency > WIRE_PROOF_MAX ||
	    m->n_old_consistency > WIRE_PROOF_MAX)
		return 0;
	for (i = 0; i < m->n_restore_consistency; i++)
		if (!wire_bytes_ok(&m->restore_consistency[i], 32, 32))
			return 0;
	for (i = 0; i < m->n_old_consistency; i++)
		if (!wire_bytes_ok(&m->old_consistency[i], 32, 32))
			return 0;
	return 1;
}

static int
wire_checkpoint_ok(const Casesync__V1__CheckpointResponse *m)
{
	const Casesync__V1__Checkpoint	*cp = m->checkpoint;
	size_t				 i;

	if (cp == NULL || cp->size > INT64_MAX ||
	    !wire_bytes_ok(&cp->root, 32, 32) ||
	    !wire_bytes_ok(&cp->signature, 64, 64) ||
	    !wire_bytes_ok(&cp->public_key, 32, 32) ||
	    m->n_consistency > WIRE_PROOF_MAX)
		return 0;
	for (i = 0; i < m->n_consistency; i++)
		if (!wire_bytes_ok(&m->consistency[i], 32, 32))
			return 0;
	return wire_restore_ok(m);
}

static int
wire_read_log_ok(const Casesync__V1__ReadLogUpload *m)
{
	const Casesync__V1__ReadEvent	*ev;
	size_t				 i;

	if (!wire_bytes_ok(&m->prev, 32, 32) ||
	    !wire_bytes_ok(&m->signature, 1, 128) || m->n_events == 0 ||
	    m->n_events > WIRE_READS_MAX)
		return 0;
	for (i = 0; i < m->n_events; i++) {
		ev = m->events[i];
		/* consecutive counters, so n + i cannot wrap */
		if (ev->n == 0 || ev->n > INT64_MAX / 2 ||
		    ev->n != m->events[0]->n + i ||
		    !wire_str_ok(ev->action, 16) || ev->action[0] == '\0' ||
		    !wire_str_ok(ev->case_id, 36) ||
		    !wire_str_ok(ev->child_id, 36) ||
		    (ev->child_id[0] != '\0' && (ev->case_id[0] == '\0' ||
		    !wire_uuid_ok(ev->child_id))) ||
		    !wire_bytes_ok(&ev->hash, 32, 32))
			return 0;
	}
	return 1;
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
		    WIRE_STR_MAX) && wire_identity_ok(e->welcome->identity) &&
		    e->welcome->generation <= INT64_MAX &&
		    e->welcome->restore_seq <= INT64_MAX &&
		    e->welcome->server_seq <= INT64_MAX &&
		    netaddr_list_ok((const char *const *)
		    e->welcome->addresses, e->welcome->n_addresses) &&
		    wire_report_names_ok(e->welcome->report_names);
	case CASESYNC__V1__ENVELOPE__MSG_ERROR:
		/* unknown codes stay as numbers: a newer server may send them */
		return wire_str_ok(e->error->message, WIRE_MSG_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_PING:
		return wire_bytes_ok(&e->ping->data, 0, WIRE_PING_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_PONG:
		return wire_bytes_ok(&e->pong->data, 0, WIRE_PING_MAX);
	case CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST:
		/* renew_device_id: "" (first enrollment) or a device id */
		return wire_str_ok(e->enroll_request->token,
		    WIRE_TOKEN_MAX) &&
		    wire_bytes_ok(&e->enroll_request->csr_der, 1, 2048) &&
		    e->enroll_request->renew_device_id != NULL &&
		    (e->enroll_request->renew_device_id[0] == '\0' ||
		    wire_device_id_ok(e->enroll_request->renew_device_id));
	case CASESYNC__V1__ENVELOPE__MSG_ENROLL_RESPONSE:
		return wire_bytes_ok(&e->enroll_response->cert_der, 1,
		    4096) &&
		    wire_bytes_ok(&e->enroll_response->ca_cert_der, 1, 4096) &&
		    wire_identity_ok(e->enroll_response->identity);
	case CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST:
		return wire_push_ok(e->push_request);
	case CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE:
		return wire_push_resp_ok(e->push_response);
	case CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST:
		/* the cursor of a PullResponse: a seq, which fits */
		return e->pull_request->since <= INT64_MAX &&
		    e->pull_request->since_tie <= INT64_MAX;
	case CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE:
		return wire_pull_resp_ok(e->pull_response);
	case CASESYNC__V1__ENVELOPE__MSG_PURGE_RECEIPT:
		return wire_nolost_receipt_ok(e->purge_receipt);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_CREATE:
		return wire_uuid_ok(e->case_create->case_id) &&
		    wire_frame_ok(e->case_create->frame);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_MEMBER:
		return wire_uuid_ok(e->case_member->case_id) &&
		    wire_str_ok(e->case_member->user_name, WIRE_STR_MAX) &&
		    e->case_member->user_name[0] != '\0' &&
		    wire_str_ok(e->case_member->new_regisseur, WIRE_STR_MAX) &&
		    (e->case_member->new_regisseur[0] == '\0' ||
		    e->case_member->remove);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_STATE:
		return wire_case_state_ok(e->case_state);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_INFO_REQUEST:
		return wire_uuid_ok(e->case_info_request->case_id);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_INFO:
		return wire_case_info_ok(e->case_info);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_LIST_REQUEST:
		return e->case_list_request->after[0] == '\0' ||
		    wire_uuid_ok(e->case_list_request->after);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_LIST:
		return wire_case_list_ok(e->case_list);
	case CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_REQUEST:
		return e->checkpoint_request->old_size <= INT64_MAX &&
		    e->checkpoint_request->generation <= INT64_MAX;
	case CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_RESPONSE:
		return wire_checkpoint_ok(e->checkpoint_response);
	case CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD:
		return wire_read_log_ok(e->read_log_upload);
	case CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK:
		return e->read_log_ack->last_n <= INT64_MAX;
	case CASESYNC__V1__ENVELOPE__MSG_PURGE_ACK:
	case CASESYNC__V1__ENVELOPE__MSG_CASE_ACK:
	case CASESYNC__V1__ENVELOPE__MSG_WATCH:
	case CASESYNC__V1__ENVELOPE__MSG_NOTIFY:
	case CASESYNC__V1__ENVELOPE__MSG__NOT_SET:
		return 1;
	default:
		/* certificate renewal (12..15): wire_renew.c */
		if (wire_renew_msg(e))
			return wire_renew_ok(e);
		/* transfers, team, glass (70..79): wire_transfer.c */
		if (wire_transfer_msg(e))
			return wire_transfer_ok(e);
		/* end-to-end encryption (80..89): wire_keys.c */
		if (wire_keys_msg(e))
			return wire_keys_ok(e);
		/* the audit log (110..113): wire_audit_q.c */
		if (wire_audit_q_msg(e))
			return wire_audit_q_ok(e);
		/* measures per child (120): wire_measure.c */
		if (wire_measure_msg(e))
			return wire_measure_ok(e);
		/* approvals (121..125): wire_approval.c */
		if (wire_approval_msg(e))
			return wire_approval_ok(e);
		/* management figures (130, 131): wire_report.c */
		if (wire_report_msg(e))
			return wire_report_ok(e);
		/* a oneof case protobuf-c knows but this switch does not */
		return 0;
	}
}

/*
 * protobuf-c 1.4 keeps an unknown field whose two-byte tag encodes
 * field number 0, which is invalid protobuf: refuse it at any depth.
 */
static int
wire_no_tag0(const ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor	*d = m->descriptor;
	const ProtobufCFieldDescriptor		*f;
	const ProtobufCMessage			*sub;
	const char				*base = (const char *)m;
	size_t					 i, k, n;

	if (depth > 8)
		return 0;
	for (i = 0; i < m->n_unknown_fields; i++)
		if (m->unknown_fields[i].tag == 0)
			return 0;
	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		/* the members of a oneof share one pointer: visit it once */
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(const void *)(base +
		    f->quantifier_offset) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(const void *)(base +
			    f->quantifier_offset);
			for (k = 0; k < n; k++) {
				sub = (*(ProtobufCMessage *const *const *)
				    (const void *)(base + f->offset))[k];
				if (sub != NULL && !wire_no_tag0(sub, depth + 1))
					return 0;
			}
			continue;
		}
		sub = *(ProtobufCMessage *const *)(const void *)(base +
		    f->offset);
		if (sub != NULL && !wire_no_tag0(sub, depth + 1))
			return 0;
	}
	return 1;
}

/*
 * The allocator of wire_decode(): malloc within a budget (wire.h).  A
 * frame of 8 million empty repeated messages is 16 MiB on the wire and
 * would be 850 MiB of structs unpacked; with the budget protobuf-c's
 * first allocation beyond it fails and the unpack stops there.  What
 * it returns is plain malloc memory: wire_free() releases it with the
 * default allocator.  The count only grows (frees during a failed
 * unpack are not credited back), so it bounds the peak.
 */
struct wire_budget {
	size_t	left;
	int	exceeded;
};

static void *
wire_budget_alloc(void *arg, size_t size)
{
	struct wire_budget	*b = arg;
	size_t			 chunk;

	/* glibc's chunk: the request and an 8-byte header, in 16s */
	if (size > SIZE_MAX - 32)
		chunk = SIZE_MAX;
	else if ((chunk = (size + 8 + 15) & ~(size_t)15) < 32)
		chunk = 32;
	if (chunk > b->left) {
		b->exceeded = 1;
		b->left = 0;
		return NULL;
	}
	b->left -= chunk;
	return malloc(size);
}

static void
wire_budget_free(void *arg, void *p)
{
	(void)arg;
	free(p);
}

int
wire_decode(const uint8_t *p, size_t len, wire_env **out)
{
	struct wire_budget	 b;
	ProtobufCAllocator	 a;
	wire_env		*e;

	*out = NULL;
	if (len == 0)
		return CS_ERR_FORMAT;
	/* frames are at most FRAME_MAX_LIMIT: this cannot wrap */
	if (len > FRAME_MAX_LIMIT)
		return CS_ERR_TOO_LARGE;
	b.left = WIRE_DECODE_FACTOR * len + WIRE_DECODE_SLACK;
	b.exceeded = 0;
	a.alloc = wire_budget_alloc;
	a.free = wire_budget_free;
	a.allocator_data = &b;
	if ((e = casesync__v1__envelope__unpack(&a, len, p)) == NULL)
		return b.exceeded ? CS_ERR_TOO_LARGE : CS_ERR_FORMAT;
	/*
	 * Canonical encodings only: what we decoded must re-encode to the
	 * same length.  This refuses strings cut short by an embedded NUL,
	 * overlong varints and explicitly encoded default values (an
	 * Envelope "08 00" would otherwise decode to nothing at all).
	 */
	if (casesync__v1__envelope__get_packed_size(e) != len ||
	    !wire_no_tag0(&e->base, 0) || !wire_validate(e)) {
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

_Thread_local unsigned	wire_errors_written;

int
wire_error(struct buf *out, uint32_t id, enum wire_code code,
    const char *msg, uint32_t retry_after_ms)
{
	wire_env		env;
	Casesync__V1__Error	err;

	/* the generated *_INIT macros cast away const: use the functions */
	casesync__v1__envelope__init(&env);
	casesync__v1__error__init(&err);
	wire_errors_written++;
	err.code = (Casesync__V1__ErrorCode)code;
	err.message = (char *)(uintptr_t)msg;	/* protobuf-c wants char * */
	err.retry_after_ms = retry_after_ms;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ERROR;
	env.error = &err;
	return wire_encode(&env, FRAME_MAX_LIMIT, out);
}

int
wire_refuse(struct buf *out, uint32_t id, int r,
    enum wire_code code, const char *what, const char *why)
{
	char	msg[256];

	if (code == WERR_UNSPECIFIED)
		code = wire_code_of(WCTX_ANY, r);
	if (code == WERR_INTERNAL)
		why = "server error; retry later";  /* nothing internal */
	if (code == WERR_UNAVAILABLE && r == CS_ERR_RETRY && why == NULL)
		why = "database unavailable; retry";
	if (str_fmt(msg, sizeof(msg), "%s: %s", what,
	    why != NULL ? why : cs_err(r)) != 0)
		(void)str_fmt(msg, sizeof(msg), "%s", what);
	return wire_error(out, id, code, msg, code == WERR_UNAVAILABLE &&
	    r == CS_ERR_RETRY ? WIRE_RETRY_AFTER_MS : 0);
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
