/* SPDX-License-Identifier: ISC */
/*
 * msg.h - the protocol's messages as the rest of the program sees them.
 *
 * Only proto/ knows protobuf-c and the generated Casesync__V1__ types.
 * Everything else speaks:
 *   - enum msg_type: which message an Envelope carries (the oneof's
 *     field numbers in casesync.proto, so they never change);
 *   - enum wire_code: the protocol's ErrorCode values;
 *   - struct msg: one received, validated Envelope (opaque), read with
 *     the msg_get_*() functions of each message family (msg_*.h), which
 *     fill plain C structs whose strings and bytes point into the
 *     message (valid until msg_free());
 *   - struct msg_out: one message to send, a plain C struct and the
 *     family's encoder for it (see the msg_out_*() helpers of each
 *     family), encoded by msg_encode().
 */
#ifndef MSG_H
#define MSG_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Envelope.msg: the oneof's field numbers (msg.c checks each). */
enum msg_type {
	MSG_NONE = 0,			/* parsed, but no message we know */
	MSG_HELLO = 2,
	MSG_WELCOME = 3,
	MSG_ERROR = 4,
	MSG_PING = 5,
	MSG_PONG = 6,
	MSG_ENROLL_REQUEST = 10,
	MSG_ENROLL_RESPONSE = 11,
	MSG_CERT_RENEW_REQUEST = 12,
	MSG_CERT_RENEW_RESPONSE = 13,
	MSG_CERT_RENEW_CONFIRM = 14,
	MSG_CERT_RENEW_CONFIRMED = 15,
	MSG_PUSH_REQUEST = 20,
	MSG_PUSH_RESPONSE = 21,
	MSG_PULL_REQUEST = 22,
	MSG_PULL_RESPONSE = 23,
	MSG_PURGE_RECEIPT = 24,
	MSG_PURGE_ACK = 25,
	MSG_CASE_CREATE = 26,
	MSG_CASE_MEMBER = 27,
	MSG_CASE_ACK = 28,
	MSG_WATCH = 29,
	MSG_NOTIFY = 30,
	MSG_CHECKPOINT_REQUEST = 40,
	MSG_CHECKPOINT_RESPONSE = 41,
	MSG_READ_LOG_UPLOAD = 42,
	MSG_READ_LOG_ACK = 43,
	MSG_CASE_STATE = 60,
	MSG_CASE_INFO_REQUEST = 61,
	MSG_CASE_INFO = 62,
	MSG_CASE_LIST_REQUEST = 63,
	MSG_CASE_LIST = 64,
	MSG_TRANSFER_REQUEST = 70,
	MSG_TRANSFER_DECISION = 71,
	MSG_TRANSFER_INFO = 72,
	MSG_TRANSFER_LIST_REQUEST = 73,
	MSG_TRANSFER_LIST = 74,
	MSG_TEAM_ASSIGN = 75,
	MSG_GLASS_REQUEST = 76,
	MSG_GLASS_GRANT = 77,
	MSG_KEY_PUBLISH = 80,
	MSG_KEY_SYNC_REQUEST = 81,
	MSG_KEY_SYNC_RESPONSE = 82,
	MSG_KEY_GRANTS = 83,
	MSG_KEY_GRANTS_ACK = 84,
	MSG_KEY_BACKUP_UPDATE = 95,
	MSG_GLASS_LIST_REQUEST = 100,
	MSG_GLASS_LIST = 101,
	MSG_AUDIT_QUERY_REQUEST = 110,
	MSG_AUDIT_QUERY_RESPONSE = 111,
	MSG_AUDIT_EXPORT_REQUEST = 112,
	MSG_AUDIT_EXPORT_RESPONSE = 113,
	MSG_CHILD_MEASURE = 120,
	MSG_APPROVAL_REQUEST = 121,
	MSG_APPROVAL_DECISION = 122,
	MSG_APPROVAL_INFO = 123,
	MSG_APPROVAL_LIST_REQUEST = 124,
	MSG_APPROVAL_LIST = 125,
	MSG_REPORT_REQUEST = 130,
	MSG_REPORT_REPLY = 131,
};
#define MSG_TYPE_MAX	136	/* every msg_type is below it (tables) */

/* ErrorCode (casesync.proto; msg.c checks each). */
enum wire_code {
	WERR_UNSPECIFIED = 0,
	WERR_BAD_REQUEST = 1,
	WERR_UNSUPPORTED_VERSION = 2,
	WERR_UNAUTHENTICATED = 3,
	WERR_FORBIDDEN = 4,
	WERR_TOKEN_INVALID = 5,
	WERR_TOKEN_EXPIRED = 6,
	WERR_TOKEN_USED = 7,
	WERR_RATE_LIMITED = 8,
	WERR_DEVICE_REVOKED = 9,
	WERR_DEVICE_UNKNOWN = 10,
	WERR_STATE = 11,
	WERR_INTERNAL = 12,
	WERR_UNAVAILABLE = 13,
	WERR_UNKNOWN_MESSAGE = 14,
	WERR_ROLLBACK = 50,
	WERR_INVALID_STATE = 60,
	WERR_TIME_LIMIT = 61,
	WERR_APPROVAL_REQUIRED = 62,
	WERR_MEASURE_RUNNING = 63,
	WERR_CASE_CLOSED = 64,
	WERR_APPROVAL_DECIDED = 65,
	WERR_OWN_APPROVAL = 66,
	WERR_TRANSFER_OPEN = 70,
	WERR_TRANSFER_DECIDED = 71,
	WERR_OWN_TRANSFER = 72,
	WERR_RENEW_WRONG_DEVICE = 80,
	WERR_RENEW_NOT_PENDING = 81,
	WERR_RENEW_KEY_IN_USE = 82,
	WERR_REGISSEUR_REQUIRED = 125,
	WERR_GLASS_LIMIT = 126,
};

/* Bytes of a message field: borrowed from the message, or the caller's. */
struct msg_bytes {
	const uint8_t	*p;
	size_t		 len;
};

/* A received Envelope; opaque outside proto/. */
struct msg;

/*
 * Unpack and validate one frame's payload (see wire_decode() for the
 * memory bound and the errors).  *out is released with msg_free().
 */
int		 msg_decode(const uint8_t *p, size_t len, struct msg **out);
void		 msg_free(struct msg *);	/* NULL is a no-op */
enum msg_type	 msg_type(const struct msg *);
uint32_t	 msg_id(const struct msg *);

/* An Error message's fields. */
struct msg_error {
	enum wire_code	 code;
	const char	*message;	/* never NULL */
	uint32_t	 retry_after_ms;
};
/* CS_ERR_PROTOCOL if "m" is not an Error. */
int		 msg_get_error(const struct msg *m, struct msg_error *out);

/*
 * A message to send: "encode" appends the Envelope (id, body) as one
 * frame to "out", refusing with CS_ERR_TOO_LARGE above "max" payload
 * bytes.  Each family offers an msg_out_*() for its messages.
 */
typedef int	 msg_encoder(uint32_t id, const void *body, size_t max,
		    struct buf *out);
struct msg_out {
	msg_encoder	*encode;
	const void	*body;
};
int		 msg_encode(uint32_t id, const struct msg_out *, size_t max,
		    struct buf *out);

/*
 * The message's field name in casesync.proto, e.g. "push_request";
 * NULL for a number that names none.
 */
const char	*msg_type_name(enum msg_type);
/* The ErrorCode's name without "ERROR_", e.g. "TOKEN_USED". */
const char	*msg_code_name(enum wire_code);
/* 1 if an Error of this code may succeed when sent again later. */
int		 msg_code_retryable(enum wire_code);

/*
 * Limits of received fields (the validators in wire*.c check them; the
 * family headers repeat the ones their structs need).
 */
#define WIRE_STR_MAX		128	/* names, ids, versions */
#define WIRE_MSG_MAX		1024	/* Error.message */
#define WIRE_REPORT_NAMES_MAX	16	/* Welcome.report_names: a word */
#define WIRE_PING_MAX		64
#define WIRE_TOKEN_MAX		128
#define WIRE_UUID_LEN		36
#define WIRE_KIND_MAX		32
#define WIRE_BODY_MAX		(1024 * 1024)
#define WIRE_PUSH_MAX		1000	/* changes per PushRequest */
#define WIRE_PURGES_MAX		10000
#define WIRE_PROOF_MAX		128	/* hashes of a consistency proof */
#define WIRE_READS_MAX		1000	/* ReadEvents per ReadLogUpload */
#define WIRE_CASES_MAX		500	/* CaseInfo per CaseList */

/*
 * retry_after_ms of an UNAVAILABLE refusal for CS_ERR_RETRY: the
 * server's database is unavailable for a moment (a lost connection, a
 * failover, a deadlock); nothing of the request was committed.
 */
#define WIRE_RETRY_AFTER_MS	1000

/* Error replies encoded by this thread so far (server metrics). */
extern _Thread_local unsigned	wire_errors_written;
/* Append an Error reply for request "id". */
int	wire_error(struct buf *out, uint32_t id,
	    enum wire_code code, const char *msg,
	    uint32_t retry_after_ms);
/*
 * An Error reply "what: why" (why NULL: the text of "r") for a request
 * refused with CS_ERR_* "r".  "code" is the caller's code for "r", or
 * WERR_UNSPECIFIED for the common one (errmap.h); INTERNAL goes with a
 * generic message (no internal detail to the peer).
 */
int	wire_refuse(struct buf *out, uint32_t id, int r,
	    enum wire_code code, const char *what, const char *why);

/* 1 if "s" is a lower-case UUID in its 36-character text form. */
int	wire_uuid_ok(const char *s);
/* 1 if "s" is a record kind: 1..32 of [a-z0-9_]. */
int	wire_kind_ok(const char *s);
/* One of DRANG, VOTS, OTS, VOOGDIJ (lc_frame_parse). */
int	wire_frame_ok(const char *s);
/* The enum name without its prefix, e.g. "TOKEN_USED". */
const char	*wire_error_name(int code);

#endif /* MSG_H */
