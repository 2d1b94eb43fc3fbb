/* SPDX-License-Identifier: ISC */
/*
 * msg_sync.h - the sync family: PushRequest (its Changes), PushResponse
 * (ChangeResults), PullRequest, PullResponse (Records, CaseAccess),
 * PurgeReceipt, PurgeAck, CaseCreate and CaseMember.  CaseAck, Watch
 * and Notify are in msg_session.h.  See msg.h for the conventions.
 *
 * Repeated fields are read one item at a time with the msg_*_item()
 * and msg_pull_response_*() accessors (the count is in the struct), so
 * reading a push or a pull allocates nothing and copies no body.  The
 * encoders take arrays of the plain structs; the array fields of a
 * struct are only read by its encoder and are NULL from a getter
 * (purge_case_ids excepted: it points into the message).
 */
#ifndef MSG_SYNC_H
#define MSG_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* Limits the validators enforce (msg_sync.c checks they match wire.h). */
#define MSG_BODY_MAX		(1024 * 1024)	/* Record.body */
#define MSG_PUSH_MAX		1000	/* changes per PushRequest */
#define MSG_PURGES_MAX		10000	/* purge_case_ids per PullResponse */
#define MSG_ACCESS_MAX		1000	/* CaseAccess per PullResponse */
#define MSG_HELD_MAX		100000	/* PurgeReceipt.held_changes */
#define MSG_DECIDED_BY_MAX	128	/* ChangeResult.decided_by, bytes */

struct msg_record {
	const char		*record_id;	/* UUID */
	const char		*case_id;	/* UUID */
	const char		*kind;		/* 1..32 of [a-z0-9_] */
	int64_t			 version;	/* wire.c: 0..INT64_MAX */
	int			 deleted;
	uint32_t		 key_epoch;
	struct msg_bytes	 body;		/* <= MSG_BODY_MAX */
	const char		*author_device;	/* set by the server */
	uint64_t		 hlc;
	const char		*author_user_id;	/* "" in a push */
	const char		*author_user_name;	/* "" in a push */
	/* authorship, set by the server; ""/0 in a push, 0: not known */
	const char		*created_by;	/* user of the first version */
	int64_t			 created_at;	/* s since 1970 */
	int64_t			 changed_at;
};

struct msg_change {
	const char		*change_id;	/* UUID, idempotency key */
	struct msg_record	 record;
	int64_t			 base_version;	/* 0: new; wire.c: fits */
	int64_t			 lost_version;	/* 0: a normal change */
};

/* PushRequest: 1..MSG_PUSH_MAX changes. */
struct msg_push_request {
	const struct msg_change	*changes;	/* encoder only */
	size_t			 n_changes;
};

/* ChangeStatus (casesync.proto; msg_sync.c checks each). */
enum msg_change_status {
	MSG_CHANGE_UNSPECIFIED = 0,
	MSG_CHANGE_APPLIED = 1,		/* version is the new seq */
	MSG_CHANGE_CONFLICT = 2,	/* current holds the server's record */
	MSG_CHANGE_FORBIDDEN = 3,
	MSG_CHANGE_INVALID = 4,
};

struct msg_change_result {
	const char		*change_id;
	enum msg_change_status	 status;	/* may be a number not above */
	int64_t			 version;	/* wire.c: fits */
	int			 has_current;
	struct msg_record	 current;	/* with has_current */
	int			 late;		/* only with APPLIED */
	int			 held;		/* only with FORBIDDEN */
	int			 discarded;	/* only with FORBIDDEN */
	const char		*decided_by;	/* "" unless discarded */
	int			 no_common_base;
	int			 error;		/* FORBIDDEN: enum wire_code, */
						/* 0 or WERR_CASE_CLOSED */
};

/* PushResponse: one result per change, in request order. */
struct msg_push_response {
	const struct msg_change_result	*results;	/* encoder only */
	size_t				 n_results;
};

struct msg_pull_request {
	int64_t		 since;		/* wire.c: each fits */
	int64_t		 since_tie;
	uint32_t	 max_records;	/* 0: the server's default */
	uint32_t	 max_bytes;
};

/* A case read-only for the user (PullResponse.case_access). */
struct msg_case_access {
	const char	*case_id;
	const char	*mode;		/* handover | glass | read_only */
	int64_t		 since;		/* wire.c: >= 0 */
	int64_t		 until;		/* wire.c: >= 0 */
};

struct msg_pull_response {
	const struct msg_record	*records;	/* encoder only */
	size_t			 n_records;
	int64_t			 cursor;	/* wire.c: each fits */
	int64_t			 cursor_tie;
	int			 more;
	const char *const	*purge_case_ids;	/* UUIDs */
	size_t			 n_purge_case_ids;	/* <= MSG_PURGES_MAX */
	int64_t			 server_seq;
	const struct msg_case_access *case_access;	/* encoder only */
	size_t			 n_case_access;	/* <= MSG_ACCESS_MAX */
};

struct msg_purge_receipt {
	const char	*case_id;
	uint32_t	 records_deleted;	/* 0 with held */
	int		 held;			/* not purged: changes hold it */
	uint32_t	 held_changes;		/* 1..MSG_HELD_MAX with held */
};

struct msg_case_create {
	const char	*case_id;
	const char	*frame;		/* DRANG | VOTS | OTS | VOOGDIJ */
};

struct msg_case_member {
	const char	*case_id;
	const char	*user_name;	/* not "" */
	int		 remove;	/* 0: add */
	int		 read_only;
	const char	*new_regisseur;	/* "" (NULL to send), or with remove */
};

/*
 * Getters: CS_ERR_PROTOCOL if the message is of another type.  Item
 * accessors: CS_ERR_PROTOCOL also when "i" is not below the count.
 */
int		msg_get_push_request(const struct msg *,
		    struct msg_push_request *);
int		msg_push_request_item(const struct msg *, size_t i,
		    struct msg_change *);
struct msg_out	msg_out_push_request(const struct msg_push_request *);

int		msg_get_push_response(const struct msg *,
		    struct msg_push_response *);
int		msg_push_response_item(const struct msg *, size_t i,
		    struct msg_change_result *);
struct msg_out	msg_out_push_response(const struct msg_push_response *);

int		msg_get_pull_request(const struct msg *,
		    struct msg_pull_request *);
struct msg_out	msg_out_pull_request(const struct msg_pull_request *);

int		msg_get_pull_response(const struct msg *,
		    struct msg_pull_response *);
int		msg_pull_response_record(const struct msg *, size_t i,
		    struct msg_record *);
int		msg_pull_response_access(const struct msg *, size_t i,
		    struct msg_case_access *);
struct msg_out	msg_out_pull_response(const struct msg_pull_response *);

int		msg_get_purge_receipt(const struct msg *,
		    struct msg_purge_receipt *);
struct msg_out	msg_out_purge_receipt(const struct msg_purge_receipt *);
struct msg_out	msg_out_purge_ack(void);

int		msg_get_case_create(const struct msg *,
		    struct msg_case_create *);
struct msg_out	msg_out_case_create(const struct msg_case_create *);
int		msg_get_case_member(const struct msg *,
		    struct msg_case_member *);
struct msg_out	msg_out_case_member(const struct msg_case_member *);

#endif /* MSG_SYNC_H */
