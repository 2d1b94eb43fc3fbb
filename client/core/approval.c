/* SPDX-License-Identifier: ISC */
/*
 * approval.c - the records of approvals in the dossier (see
 * approval.h).  They are ordinary sealed records of two append-only
 * kinds (schema.c), written through dossier.c; "by" is the user of
 * this laptop as the server named her at login (db_self_get), never
 * typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "body.h"
#include "conn.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "ids.h"
#include "marker.h"
#include "msg.h"
#include "msg_approval.h"
#include "schema.h"
#include "util.h"

/* Set field "name" of "in" to "v" (NULL: leave it unset). */
static void
approval_set(struct dossier_input *in, const char *name, const char *v)
{
	size_t	i;

	for (i = 0; i < in->k->nfields && i < DOSSIER_FIELDS_MAX; i++)
		if (strcmp(in->k->fields[i].name, name) == 0) {
			in->val[i] = v;
			return;
		}
}

/* Check "in", or write it as "new_id"; "by" from this laptop. */
static int
approval_put(sqlite3 *db, struct dossier_input *in, const char *new_id,
    struct dossier_error *err)
{
	char	sid[MARKER_ID_MAX + 1], sname[MARKER_NAME_MAX + 1];
	char	id[DB_UUID_LEN + 1];
	int	r;

	if ((r = db_self_get(db, sid, sname)) != 0)
		return r;
	if (sname[0] != '\0' && schema_check(schema_field(in->k, "by"),
	    sname, NULL) == 0)
		approval_set(in, "by", sname);
	if (new_id == NULL)
		return dossier_check(db, in, 0, err);
	in->new_id = new_id;
	return dossier_write(db, in, id, NULL, err);
}

int
approval_ask_record(sqlite3 *db, const struct approval_ask *a,
    const char *new_id, struct dossier_error *err)
{
	struct dossier_input	in;

	memset(&in, 0, sizeof(in));
	in.k = schema_kind("approval_request");
	in.case_id = a->case_id;
	approval_set(&in, "kind", a->kind);
	approval_set(&in, "text", a->text);
	approval_set(&in, "end", a->end);
	approval_set(&in, "close_reason", a->close_reason);
	return approval_put(db, &in, new_id, err);
}

int
approval_answer_record(sqlite3 *db, const struct approval_answer *a,
    const char *new_id, struct dossier_error *err)
{
	struct dossier_input	in;
	char			num[24];

	memset(&in, 0, sizeof(in));
	in.k = schema_kind("approval_decision");
	in.case_id = a->case_id;
	(void)str_fmt(num, sizeof(num), "%lld", (long long)a->approval_id);
	approval_set(&in, "approval", num);
	approval_set(&in, "decision", a->approve ? "approve" : "refuse");
	approval_set(&in, "request", a->request);
	approval_set(&in, "reason", a->reason);
	return approval_put(db, &in, new_id, err);
}

const char *
approval_kind_words(const char *kind)
{
	if (strcmp(kind, "drang_extension") == 0)
		return "drang extension";
	if (strcmp(kind, "assessment_cosign") == 0)
		return "co-signature";
	if (strcmp(kind, "case_close") == 0)
		return "closing";
	return "approval";
}

struct approval_find {
	const char	*record_id;	/* the record wanted */
	char		*dst;
	size_t		 dstlen;
	approval_cosign_cb cb;		/* or every co-signature */
	void		*arg;
};

/* Field "name" of "d" as text for people into dst ("" if none). */
static void
approval_field(const struct dossier_record *d, const char *name, char *dst,
    size_t dstlen)
{
	const struct body_field	*f;

	dst[0] = '\0';
	if (d->body != NULL && (f = body_get(d->body, name)) != NULL)
		ids_text(f->value, f->len, dst, dstlen);
}

static int
approval_find_cb(const struct dossier_record *d, void *arg)
{
	struct approval_find	*x = arg;
	char			 a[160], b[160], by[APPROVAL_BY_MAX + 1];

	if (x->cb != NULL) {
		approval_field(d, "request", a, sizeof(a));
		approval_field(d, "decision", b, sizeof(b));
		approval_field(d, "by", by, sizeof(by));
		if (!wire_uuid_ok(a) || strcmp(b, "approve") != 0)
			return 0;
		return x->cb(a, by, d->time, x->arg);
	}
	if (strcmp(d->rec->record_id, x->record_id) != 0)
		return 0;
	if (strcmp(d->rec->kind, "assessment") == 0) {
		approval_field(d, "instrument", a, sizeof(a));
		approval_field(d, "outcome", b, sizeof(b));
		(void)str_fmt(x->dst, x->dstlen, "%s: %s", a, b);
	} else
		approval_field(d, strcmp(d->rec->kind, "approval_request") ==
		    0 ? "text" : "reason", x->dst, x->dstlen);
	return 0;
}

int
approval_record_text(sqlite3 *db, const char *case_id,
    const char *record_id, char *dst, size_t dstlen)
{
	static const char *const kinds[] = { "approval_request",
	    "approval_decision", "assessment", NULL };
	struct approval_find	x;

	if (dstlen == 0)
		return CS_ERR_INTERNAL;
	dst[0] = '\0';
	memset(&x, 0, sizeof(x));
	x.record_id = record_id;
	x.dst = dst;
	x.dstlen = dstlen;
	if (!dossier_case_known(db, case_id))
		return 0;
	return dossier_read(db, case_id, kinds, "approvals", approval_find_cb,
	    &x);
}

int
approval_cosigns(sqlite3 *db, const char *case_id, approval_cosign_cb cb,
    void *arg)
{
	static const char *const kinds[] = { "approval_decision", NULL };
	struct approval_find	x;

	memset(&x, 0, sizeof(x));
	x.cb = cb;
	x.arg = arg;
	return dossier_read(db, case_id, kinds, "approvals", approval_find_cb,
	    &x);
}

int
approval_decide(struct conn *c, sqlite3 *db, int64_t id, int approve,
    const char *reason, struct msg **reply, struct dossier_error *err)
{
	struct msg_approval_list_request lr;
	struct msg_approval_decision	 m;
	struct msg_approval_list	 al;
	struct msg_approval_info	 a;
	struct approval_answer		 ans;
	struct msg_out			 req;
	struct msg			*list = NULL;
	char				 rid[DB_UUID_LEN + 1];
	size_t				 i;
	int				 r, found = 0;

	*reply = NULL;
	memset(err, 0, sizeof(*err));
	err->field = -1;
	if (!approve && reason == NULL)
		return CS_ERR_USAGE;
	/* which case and which request: the server's word */
	lr.case_id = "";
	lr.waiting_for_me = 0;
	req = msg_out_approval_list_request(&lr);
	if ((r = rpc_call_expect(c, &req, MSG_APPROVAL_LIST, &list)) != 0) {
		*reply = list;
		return r;
	}
	(void)msg_get_approval_list(list, &al);
	for (i = 0; i < al.n_approvals && !found; i++) {
		(void)msg_approval_list_item(list, i, &a);
		found = a.approval_id == id;
	}
	if (!found) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	memset(&ans, 0, sizeof(ans));
	ans.case_id = a.case_id;
	ans.approval_id = a.approval_id;
	ans.request = a.record_id;
	ans.approve = approve;
	ans.reason = reason;
	if ((r = approval_answer_record(db, &ans, NULL, err)) != 0)
		goto out;
	db_uuid(rid);
	memset(&m, 0, sizeof(m));
	m.approval_id = id;
	m.approve = approve;
	m.record_id = rid;
	req = msg_out_approval_decision(&m);
	if ((r = rpc_call_expect(c, &req, MSG_APPROVAL_INFO, reply)) != 0)
		goto out;
	/* taken: the record now, so that a refusal leaves none */
	r = approval_answer_record(db, &ans, rid, err);
 out:
	msg_free(list);
	return r;
}
