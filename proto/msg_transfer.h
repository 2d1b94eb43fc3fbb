/* SPDX-License-Identifier: ISC */
/*
 * msg_transfer.h - transfers between regional offices, team assignment
 * and break the glass (Envelope fields 70..79, 100, 101):
 * TransferRequest, TransferDecision, TransferInfo, TransferListRequest,
 * TransferList, TeamAssign, GlassRequest, GlassGrant, GlassListRequest
 * and GlassList.  See msg.h for the conventions.  Every string a getter
 * returns is non-NULL and has passed wire_transfer.c's checks.
 */
#ifndef MSG_TRANSFER_H
#define MSG_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "msg_case.h"

#define MSG_TEXT_MAX		512	/* note, rejection, glass reason */
#define MSG_TRANSFERS_MAX	500	/* TransferInfo per TransferList */
#define MSG_GLASS_USES_MAX	200	/* GlassUse per GlassList */

/* TransferAction (casesync.proto; msg_transfer.c checks each). */
enum msg_transfer_action {
	MSG_TRANSFER_ACCEPT = 1,
	MSG_TRANSFER_REJECT = 2,
	MSG_TRANSFER_REVOKE = 3,
};

struct msg_transfer_request {
	const char	*case_id;
	const char	*to_office;
	const char	*reason;	/* moved capacity expertise other */
	const char	*note;		/* "" or printable text */
};

struct msg_transfer_decision {
	int64_t		 transfer_id;	/* 1..INT64_MAX */
	enum msg_transfer_action action;
	const char	*regisseur;	/* ACCEPT: a name; else "" */
	const char	*reason;	/* REJECT: a text; else "" */
};

struct msg_transfer_info {
	int64_t		 transfer_id;	/* 1..INT64_MAX */
	const char	*case_id;
	const char	*state;		/* REQUESTED ... COMPLETED */
	const char	*reason;
	const char	*note;
	const char	*from_office;
	const char	*to_office;
	const char	*requested_by;
	int64_t		 requested_at;	/* each time >= 0 */
	const char	*decided_by;	/* "" while REQUESTED */
	int64_t		 decided_at;
	const char	*rejection;
	const char	*new_regisseur;
	int64_t		 window_end;
	int64_t		 completed_at;
	uint32_t	 purges_pending;
	/* the preview of a REQUESTED transfer (has_case_info 0: none) */
	int		 has_case_info;
	struct msg_case_info case_info;	/* same case_id */
	uint32_t	 records;
	uint32_t	 person_records;	/* + measure <= records */
	uint32_t	 measure_records;
	const char	*regisseur;	/* "" if none */
};

struct msg_transfer_list_request {
	int64_t		 after;		/* 0 or the last transfer_id */
};

/*
 * A page of transfers.  Received: n_transfers and more ("transfers"
 * NULL); read each with msg_transfer_list_item().  To send:
 * "transfers" points to n_transfers (<= MSG_TRANSFERS_MAX) items.
 */
struct msg_transfer_list {
	const struct msg_transfer_info *transfers;
	size_t		 n_transfers;
	int		 more;
};

struct msg_team_assign {
	const char	*case_id;
	const char	*regisseur;
};

struct msg_glass_request {
	const char	*case_id;
	const char	*reason;	/* printable text */
};

struct msg_glass_grant {
	const char	*case_id;
	int64_t		 expires_at;	/* > 0 */
	uint64_t	 seq;
};

struct msg_glass_list_request {
	int64_t		 after;		/* >= 0 */
};

struct msg_glass_use {
	int64_t		 id;		/* > 0, ascending in a list */
	const char	*case_id;
	const char	*user;
	const char	*user_office;
	const char	*reason;
	int64_t		 granted_at;	/* > 0 */
	int64_t		 expires_at;	/* > 0 */
	int64_t		 ended_at;	/* 0 while active */
};

/* As struct msg_transfer_list, with msg_glass_list_item(). */
struct msg_glass_list {
	const struct msg_glass_use *uses;
	size_t		 n_uses;
	int		 more;
};

int		msg_get_transfer_request(const struct msg *,
		    struct msg_transfer_request *);
struct msg_out	msg_out_transfer_request(const struct msg_transfer_request *);
int		msg_get_transfer_decision(const struct msg *,
		    struct msg_transfer_decision *);
struct msg_out	msg_out_transfer_decision(
		    const struct msg_transfer_decision *);
int		msg_get_transfer_info(const struct msg *,
		    struct msg_transfer_info *);
struct msg_out	msg_out_transfer_info(const struct msg_transfer_info *);
int		msg_get_transfer_list_request(const struct msg *,
		    struct msg_transfer_list_request *);
struct msg_out	msg_out_transfer_list_request(
		    const struct msg_transfer_list_request *);
int		msg_get_transfer_list(const struct msg *,
		    struct msg_transfer_list *);
/* Item "i" of a received TransferList; CS_ERR_PROTOCOL past the end. */
int		msg_transfer_list_item(const struct msg *, size_t i,
		    struct msg_transfer_info *);
struct msg_out	msg_out_transfer_list(const struct msg_transfer_list *);
int		msg_get_team_assign(const struct msg *,
		    struct msg_team_assign *);
struct msg_out	msg_out_team_assign(const struct msg_team_assign *);
int		msg_get_glass_request(const struct msg *,
		    struct msg_glass_request *);
struct msg_out	msg_out_glass_request(const struct msg_glass_request *);
int		msg_get_glass_grant(const struct msg *,
		    struct msg_glass_grant *);
struct msg_out	msg_out_glass_grant(const struct msg_glass_grant *);
int		msg_get_glass_list_request(const struct msg *,
		    struct msg_glass_list_request *);
struct msg_out	msg_out_glass_list_request(
		    const struct msg_glass_list_request *);
int		msg_get_glass_list(const struct msg *, struct msg_glass_list *);
/* Item "i" of a received GlassList; CS_ERR_PROTOCOL past the end. */
int		msg_glass_list_item(const struct msg *, size_t i,
		    struct msg_glass_use *);
struct msg_out	msg_out_glass_list(const struct msg_glass_list *);

/*
 * The checks wire_transfer.c makes, for what a laptop is about to send
 * (a typo is a usage error, not a refusal): 1 if "s" is one of moved,
 * capacity, expertise, other; 1 if "s" is 1..MSG_TEXT_MAX bytes of
 * printable UTF-8.
 */
int		msg_transfer_reason_ok(const char *s);
int		msg_text_ok(const char *s);

#endif /* MSG_TRANSFER_H */
