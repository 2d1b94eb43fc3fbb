/* SPDX-License-Identifier: ISC */
/*
 * msg_auditq.h - the audit log over the protocol: AuditQueryRequest
 * and AuditQueryResponse (docs/PROTOCOL.md, "Audit queries"), and the
 * export of whole entries to an auditor (AuditQueryRequest as
 * audit_export_request, AuditExportResponse: "Audit export").  See
 * msg.h for the conventions (plain structs, borrowed strings, getters
 * and encoders).
 */
#ifndef MSG_AUDITQ_H
#define MSG_AUDITQ_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSG_AUDIT_ROWS_MAX	500	/* rows per response */
#define MSG_AUDIT_DETAIL_MAX	1024	/* bytes of a row's detail */

/* Filters; "" (or NULL to send) and 0: any. */
struct msg_audit_query_request {
	const char	*case_id;	/* "" or a lower-case UUID */
	const char	*user;
	const char	*type;
	int64_t		 since;		/* server time, inclusive; >= 0 */
	int64_t		 until;
	int64_t		 after;		/* idx > after; -1: from the first */
	uint32_t	 max_rows;	/* 0..MSG_AUDIT_ROWS_MAX; 0: the max */
};

/* One audit entry, without its address or any internal id. */
struct msg_audit_row {
	int64_t		 idx;		/* ascending in a response */
	int64_t		 server_time;
	int64_t		 device_time;	/* 0: not known */
	char		 action;	/* 'C' 'R' 'U' 'D' 'E' */
	const char	*type;
	const char	*outcome;
	const char	*user;
	const char	*role;
	const char	*office;
	int64_t		 device_id;	/* 0: none */
	const char	*object_type;
	const char	*object_id;
	const char	*client_ref;	/* the case id or "" */
	const char	*basis;
	const char	*purpose;
	const char	*detail;
};

/*
 * Received: n_rows and more ("rows" NULL); read each row with
 * msg_audit_query_item().  To send: "rows" points to n_rows
 * (<= MSG_AUDIT_ROWS_MAX) rows.
 */
struct msg_audit_query_response {
	const struct msg_audit_row *rows;
	size_t		 n_rows;
	int		 more;
};

int		msg_get_audit_query_request(const struct msg *,
		    struct msg_audit_query_request *);
struct msg_out	msg_out_audit_query_request(
		    const struct msg_audit_query_request *);
int		msg_get_audit_query_response(const struct msg *,
		    struct msg_audit_query_response *);
/* Row "i" of a received response; CS_ERR_PROTOCOL past the end. */
int		msg_audit_query_item(const struct msg *, size_t i,
		    struct msg_audit_row *);
struct msg_out	msg_out_audit_query_response(
		    const struct msg_audit_query_response *);

/*
 * Entries in their canonical encoding (common/audit_enc.h), each one
 * checked by wire_audit_q.c to decode, in ascending idx.  Received:
 * n and more ("entries" NULL); read each with msg_audit_export_item().
 * To send: entries[i] of lens[i] bytes, n <= MSG_AUDIT_ROWS_MAX.
 */
struct msg_audit_export_response {
	const uint8_t *const	*entries;
	const size_t		*lens;
	size_t			 n;
	int			 more;
};

/* The request: the filters of an audit query. */
int		msg_get_audit_export_request(const struct msg *,
		    struct msg_audit_query_request *);
struct msg_out	msg_out_audit_export_request(
		    const struct msg_audit_query_request *);
int		msg_get_audit_export_response(const struct msg *,
		    struct msg_audit_export_response *);
/* Entry "i" of a received response; CS_ERR_PROTOCOL past the end. */
int		msg_audit_export_item(const struct msg *, size_t i,
		    const uint8_t **p, size_t *len);
struct msg_out	msg_out_audit_export_response(
		    const struct msg_audit_export_response *);

#endif /* MSG_AUDITQ_H */
