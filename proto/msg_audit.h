/* SPDX-License-Identifier: ISC */
/*
 * msg_audit.h - the audit messages (Envelope 40..49): CheckpointRequest,
 * CheckpointResponse (the signed Checkpoint, its consistency proof and a
 * server restore, AuditRestore, with its two proofs), and the laptop's
 * read log: ReadLogUpload (ReadEvents) and ReadLogAck.  See msg.h for
 * the conventions.  wire.c checked every field before a getter runs:
 * the sizes and counters below fit in an int64_t.
 */
#ifndef MSG_AUDIT_H
#define MSG_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSG_HASH_LEN		32	/* SHA-256, RFC 6962 tree hashes */
#define MSG_PROOF_MAX		128	/* = WIRE_PROOF_MAX */
#define MSG_AUDIT_SIG_LEN	64	/* Ed25519 */
#define MSG_AUDIT_PK_LEN	32
#define MSG_READS_MAX		1000	/* = WIRE_READS_MAX */

struct msg_checkpoint_request {
	uint64_t	old_size;	/* 0: no checkpoint yet */
	int64_t		generation;	/* that checkpoint's server run */
};

/*
 * A consistency proof, the hashes in one array: the sender fills it
 * (e.g. from the store), the getter copies the message's into it.
 */
struct msg_proof {
	size_t		n;		/* 0..MSG_PROOF_MAX */
	uint8_t		hash[MSG_PROOF_MAX][MSG_HASH_LEN];
};

/* Byte fields have exactly the lengths of their comments. */
struct msg_checkpoint {
	uint64_t		 size;
	struct msg_bytes	 root;		/* MSG_HASH_LEN */
	int64_t			 time;
	struct msg_bytes	 signature;	/* MSG_AUDIT_SIG_LEN */
	struct msg_bytes	 public_key;	/* MSG_AUDIT_PK_LEN */
};

struct msg_audit_restore {
	uint64_t		 generation;	/* not 0 */
	int64_t			 backup_time;
	uint64_t		 backup_size;
	struct msg_bytes	 backup_root;	/* MSG_HASH_LEN */
	uint64_t		 old_size;	/* 0: unknown */
	struct msg_bytes	 old_root;	/* MSG_HASH_LEN */
	int64_t			 restored_at;
	uint64_t		 restore_seq;
	struct msg_bytes	 signature;	/* MSG_AUDIT_SIG_LEN */
};

/* About 12 KiB with its proofs: one per request, not per record. */
struct msg_checkpoint_response {
	struct msg_checkpoint	 checkpoint;
	struct msg_proof	 consistency;
	int			 has_restore;	/* else the rest is empty */
	struct msg_audit_restore restore;
	struct msg_proof	 restore_consistency;
	struct msg_proof	 old_consistency;
};

struct msg_read_event {
	uint64_t		 n;		/* 1 .. INT64_MAX / 2 */
	int64_t			 at;
	const char		*action;	/* 1..16 bytes */
	const char		*case_id;	/* 0..36 bytes */
	const char		*child_id;	/* "" or a UUID */
	struct msg_bytes	 hash;		/* MSG_HASH_LEN */
};

/*
 * Sending: "events" is the caller's array of n_events (1..MSG_READS_MAX).
 * Received: events is NULL; read each with msg_read_log_upload_item()
 * (consecutive counters, n_events of 1..MSG_READS_MAX).
 */
struct msg_read_log_upload {
	struct msg_bytes		 prev;		/* MSG_HASH_LEN */
	const struct msg_read_event	*events;
	size_t				 n_events;
	struct msg_bytes		 signature;	/* 1..128 bytes */
};

int		msg_get_checkpoint_request(const struct msg *,
		    struct msg_checkpoint_request *);
struct msg_out	msg_out_checkpoint_request(
		    const struct msg_checkpoint_request *);
int		msg_get_checkpoint_response(const struct msg *,
		    struct msg_checkpoint_response *);
struct msg_out	msg_out_checkpoint_response(
		    const struct msg_checkpoint_response *);

int		msg_get_read_log_upload(const struct msg *,
		    struct msg_read_log_upload *);
/* Event "i" (below n_events) of a received ReadLogUpload. */
void		msg_read_log_upload_item(const struct msg *, size_t i,
		    struct msg_read_event *);
struct msg_out	msg_out_read_log_upload(const struct msg_read_log_upload *);
/* ReadLogAck: the server holds the device's chain up to last_n. */
int		msg_get_read_log_ack(const struct msg *, int64_t *last_n);
struct msg_out	msg_out_read_log_ack(const int64_t *last_n);

#endif /* MSG_AUDIT_H */
