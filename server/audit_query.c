/* SPDX-License-Identifier: ISC */
/*
 * audit_query.c - AuditQueryRequest and the auditor's export (see
 * audit_query.h).
 *
 * Who may ask what: role "auditor" any filters; another user only with
 * a case id, of a case store_case_meta_get() lets them see; anything
 * else is FORBIDDEN (a case that does not exist too, so that the answer
 * does not tell which ids exist).  A --type that is no audit type and
 * no entry's, or a --user that is no one's, is BAD_REQUEST rather than
 * an empty answer.  The reply holds at most max_rows (500) entries,
 * with only the fields of an AuditRow: no address, no internal ids.
 * Every query, answered or refused, is an "audit_read" entry; an
 * answer waits for its entry's commit (audit_defer, fail closed).
 *
 * An export (AuditQueryRequest as audit_export_request) is the same
 * query for the auditor alone, answered with whole entries in their
 * canonical encoding (audit_enc.h): what the laptop needs to check
 * them against the signed checkpoint, address and internal ids
 * included, as "casesyncctl audit export" has them on the host.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_enc.h"
#include "audit_query.h"
#include "audit_types.h"
#include "buf.h"
#include "errors.h"
#include "msg.h"
#include "msg_auditq.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_audit_q.h"
#include "store_cases.h"
#include "util.h"

#define AQ_FULL		1	/* the callback's "stop": a row too many */

struct aq_rows {
	struct audit_entry	*e;
	size_t			 n, max;
	int			 more;
};

static int
aq_row_cb(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	struct aq_rows	*l = arg;

	(void)leaf;
	if (l->n == l->max) {
		l->more = 1;
		return AQ_FULL;
	}
	l->e[l->n++] = *e;
	return 0;
}

/*
 * A text of an entry as sent: the peer refuses a reply with a string
 * that is not UTF-8 (wire_audit_q.c), so one odd entry (a host account
 * name, say) must not make the log unreadable over the protocol.
 */
static const char *
aq_str(const char *s)
{
	return utf8_valid(s, strlen(s)) ? s : "(not UTF-8)";
}

static void
aq_row(const struct audit_entry *e, struct msg_audit_row *r)
{
	/* what the peer checks (wire_audit_q.c), even of a damaged entry */
	r->idx = e->idx;
	r->server_time = e->server_time > 0 ? e->server_time : 0;
	r->device_time = e->device_time > 0 ? e->device_time : 0;
	r->action = e->action >= 'A' && e->action <= 'Z' ? e->action : 'X';
	r->type = e->type[0] != '\0' ? aq_str(e->type) : "(none)";
	r->outcome = aq_str(e->outcome);
	r->user = aq_str(e->user);
	r->role = aq_str(e->role);
	r->office = aq_str(e->office);
	r->device_id = e->device_id > 0 ? e->device_id : 0;
	r->object_type = aq_str(e->object_type);
	r->object_id = aq_str(e->object_id);
	r->client_ref = aq_str(e->client_ref);
	r->basis = aq_str(e->basis);
	r->purpose = aq_str(e->purpose);
	r->detail = aq_str(e->detail);
}

/* The query's own entry: who, on what basis, the filters, the count. */
static void
aq_audit(struct request *rq, const struct msg_audit_query_request *q,
    int export, const char *basis, int ok, const char *why, size_t n,
    int guard)
{
	struct audit_entry	e;
	char			since[24] = "", until[24] = "", after[24] = "";
	char			d[4 * AUDIT_STR_MAX];

	if (q->since > 0)
		(void)str_fmt(since, sizeof(since), " since=%lld",
		    (long long)q->since);
	if (q->until > 0)
		(void)str_fmt(until, sizeof(until), " until=%lld",
		    (long long)q->until);
	if (q->after >= 0)
		(void)str_fmt(after, sizeof(after), " after=%lld",
		    (long long)q->after);
	audit_entry_init(&e, "audit_read", AUDIT_READ, ok);
	audit_entry_device(&e, rq->dev, rq->peer);
	audit_set(e.object_type, "audit log");
	audit_set(e.object_id, export ? "protocol export" : "protocol query");
	audit_set(e.client_ref, q->case_id);
	audit_set(e.basis, basis);
	audit_set(e.purpose, "query");
	/* fits: the filters are at most WIRE_STR_MAX bytes each */
	(void)str_fmt(d, sizeof(d), "%s%s%zu entries%s%s%s%s%s%s%s",
	    ok ? "" : why, ok ? "" : ": ", n,
	    q->user[0] != '\0' ? " user=" : "", q->user,
	    q->type[0] != '\0' ? " type=" : "", q->type, since, until,
	    after);
	audit_set(e.detail, d);	/* truncated to the field, UTF-8 safe */
	audit_defer(rq, &e, 1, guard);
}

/* BAD_REQUEST naming the known types (as many as fit). */
static int
aq_refuse_type(struct request *rq, const char *type)
{
	char	msg[WIRE_MSG_MAX + 1];
	size_t	i, len;

	(void)str_fmt(msg, sizeof(msg), "audit query: unknown type %.64s; "
	    "the types are:", type);
	for (i = 0; i < audit_types_n; i++) {
		len = strlen(msg);
		if (len + strlen(audit_types[i]) + 3 >= sizeof(msg))
			break;
		(void)str_fmt(msg + len, sizeof(msg) - len, "%s %s",
		    i == 0 ? "" : ",", audit_types[i]);
	}
	return wire_error(rq->out, rq->id, WERR_BAD_REQUEST, msg, 0);
}

/*
 * 0 with *basis if "q" may be answered for the asker; else the reply
 * is written and *refused set (*why: the entry's detail).
 */
static int
aq_allowed(struct request *rq, const struct msg_audit_query_request *q,
    int export, const char **basis, int *refused, const char **why)
{
	const struct store_user	*u = &rq->dev->user;
	struct store_case_meta	 meta;
	int			 known, r;

	*refused = 1;
	*basis = u->role;
	if (strcmp(u->role, "auditor") == 0)
		*basis = "auditor";
	else if (export) {
		*why = "not an auditor";
		return wire_error(rq->out, rq->id, WERR_FORBIDDEN,
		    "audit export: only an auditor may export the log", 0);
	} else if (q->case_id[0] == '\0') {
		*why = "no case";
		return wire_error(rq->out, rq->id, WERR_FORBIDDEN,
		    "audit query: only an auditor may query without a case",
		    0);
	} else if ((r = store_case_meta_get(rq->w->st, u, q->case_id,
	    &meta)) == CS_ERR_AUTH || r == CS_ERR_NOT_FOUND) {
		*why = "not a case of the user";
		return wire_error(rq->out, rq->id, WERR_FORBIDDEN,
		    "audit query: not a case you hold", 0);
	} else if (r != 0) {
		*why = cs_err(r);
		return wire_refuse(rq->out, rq->id, r, WERR_UNSPECIFIED,
		    "audit query", NULL);
	} else
		*basis = strcmp(u->role, "teamleider") == 0 ? "teamleider" :
		    "member";
	if (q->type[0] != '\0' && !audit_type_known(q->type)) {
		/* a type of an older version, still in the log, is fine */
		if ((r = store_audit_type_used(rq->w->st, q->type,
		    &known)) != 0) {
			*why = cs_err(r);
			return wire_refuse(rq->out, rq->id, r,
			    WERR_UNSPECIFIED, "audit query", NULL);
		}
		if (!known) {
			*why = "unknown type";
			return aq_refuse_type(rq, q->type);
		}
	}
	if (q->user[0] != '\0') {
		if ((r = store_audit_user_known(rq->w->st, q->user,
		    &known)) != 0) {
			*why = cs_err(r);
			return wire_refuse(rq->out, rq->id, r,
			    WERR_UNSPECIFIED, "audit query", NULL);
		}
		if (!known) {
			*why = "unknown user";
			return wire_error(rq->out, rq->id, WERR_BAD_REQUEST,
			    "audit query: unknown user (no user and no entry "
			    "has that name)", 0);
		}
	}
	*refused = 0;
	return 0;
}

/*
 * Encode the rows; halve them while the reply is too large.  *sent:
 * how many went out.
 */
static int
aq_reply(struct request *rq, const struct aq_rows *l,
    struct msg_audit_row *rows, size_t *sent)
{
	struct msg_audit_query_response	 resp;
	struct msg_out			 o;
	size_t				 i;
	int				 r;

	for (i = 0; i < l->n; i++)
		aq_row(&l->e[i], &rows[i]);
	resp.rows = rows;
	resp.n_rows = l->n;
	resp.more = l->more;
	o = msg_out_audit_query_response(&resp);
	while ((r = msg_encode(rq->id, &o, rq->max_frame, rq->out)) ==
	    CS_ERR_TOO_LARGE && resp.n_rows > 1) {
		resp.n_rows /= 2;
		resp.more = 1;
	}
	*sent = resp.n_rows;
	return r;
}

/*
 * The export's reply: each entry in its canonical encoding (into
 * "enc", AUDIT_ENC_MAX bytes per entry); halve while too large.
 */
static int
ax_reply(struct request *rq, const struct aq_rows *l, uint8_t *enc,
    const uint8_t **ents, size_t *lens, size_t *sent)
{
	struct msg_audit_export_response	 resp;
	struct msg_out				 o;
	size_t					 i;
	int					 r;

	for (i = 0; i < l->n; i++) {
		ents[i] = enc + i * AUDIT_ENC_MAX;
		if ((r = audit_entry_encode(&l->e[i], enc + i * AUDIT_ENC_MAX,
		    AUDIT_ENC_MAX, &lens[i])) != 0)
			return r;	/* a row the store read: cannot be */
	}
	resp.entries = ents;
	resp.lens = lens;
	resp.n = l->n;
	resp.more = l->more;
	o = msg_out_audit_export_response(&resp);
	while ((r = msg_encode(rq->id, &o, rq->max_frame, rq->out)) ==
	    CS_ERR_TOO_LARGE && resp.n > 1) {
		resp.n /= 2;
		resp.more = 1;
	}
	*sent = resp.n;
	return r;
}

/* A query (export 0) or an export of the entries "q" selects. */
static int
aq_run(struct request *rq, const struct msg_audit_query_request *qp,
    int export)
{
	struct msg_audit_query_request	 q = *qp;
	struct audit_filter		 f;
	struct aq_rows			 l;
	struct msg_audit_row		*rows = NULL;
	const uint8_t			**ents = NULL;
	uint8_t				*enc = NULL;
	size_t				*lens = NULL;
	const char			*basis = "", *why = "";
	size_t				 sent = 0;
	int				 r, refused;

	memset(&l, 0, sizeof(l));
	if ((r = aq_allowed(rq, &q, export, &basis, &refused, &why)) != 0 ||
	    refused) {
		if (r == 0)
			aq_audit(rq, &q, export, basis, 0, why, 0, 0);
		return r;
	}
	memset(&f, 0, sizeof(f));
	f.client_ref = q.case_id[0] != '\0' ? q.case_id : NULL;
	f.user = q.user[0] != '\0' ? q.user : NULL;
	f.type = q.type[0] != '\0' ? q.type : NULL;
	f.has_since = q.since > 0;
	f.since = q.since;
	f.has_until = q.until > 0;
	f.until = q.until;
	l.max = q.max_rows == 0 ? MSG_AUDIT_ROWS_MAX : q.max_rows;
	if ((l.e = calloc(l.max, sizeof(*l.e))) == NULL ||
	    (!export && (rows = calloc(l.max, sizeof(*rows))) == NULL) ||
	    (export && ((ents = calloc(l.max, sizeof(*ents))) == NULL ||
	    (lens = calloc(l.max, sizeof(*lens))) == NULL ||
	    (enc = calloc(l.max, AUDIT_ENC_MAX)) == NULL))) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = store_audit_rows_after(rq->w->st, &f, q.after, aq_row_cb,
	    &l)) != 0 && r != AQ_FULL) {
		aq_audit(rq, &q, export, basis, 0, cs_err(r), 0, 0);
		r = r == CS_ERR_ALLOC ? r : wire_refuse(rq->out, rq->id, r,
		    WERR_UNSPECIFIED, "audit query", NULL);
		goto out;
	}
	r = export ? ax_reply(rq, &l, enc, ents, lens, &sent) :
	    aq_reply(rq, &l, rows, &sent);
	if (r == 0)
		aq_audit(rq, &q, export, basis, 1, NULL, sent, 1);
 out:
	free(l.e);
	free(rows);
	free(ents);
	free(lens);
	free(enc);
	return r;
}

int
audit_query(struct request *rq, const struct msg *m)
{
	struct msg_audit_query_request	q;
	int				r;

	if ((r = msg_get_audit_query_request(m, &q)) != 0)
		return r;
	return aq_run(rq, &q, 0);
}

int
audit_export(struct request *rq, const struct msg *m)
{
	struct msg_audit_query_request	q;
	int				r;

	if ((r = msg_get_audit_export_request(m, &q)) != 0)
		return r;
	return aq_run(rq, &q, 1);
}
