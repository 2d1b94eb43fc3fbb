/* SPDX-License-Identifier: ISC */
/*
 * dossier_read.c - reading a case file (dossier.h): every read is in
 * the read log (readlog.c) before a record is handed out, and records
 * come decoded, with their author and time when the laptop knows them.
 */
#include <stdint.h>
#include <string.h>

#include "msg.h"
#include "body.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "fold.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

struct dossier_read {
	struct db_author_reader	 au;		/* one statement per read */
	const char *const	*kinds;
	dossier_cb		 cb;
	dossier_match_cb	 match;
	void			*arg;
	const char		*q;
	size_t			 qlen;
};

/* "kind" is one of "kinds" (NULL: all). */
static int
dossier_kind_in(const char *const *kinds, const char *kind)
{
	size_t	i;

	if (kinds == NULL)
		return 1;
	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], kind) == 0)
			return 1;
	return 0;
}

/*
 * Call "fn" with the record as read: decoded (body NULL if it does not
 * decode), who wrote it and when (db_author_get: the server's word, or
 * this laptop's edit not yet synced).  A note's "author" field, typed
 * before the server said who wrote it, stays a field of its body.
 */
static int
dossier_with(struct db_author_reader *au, const struct db_record *r,
    int (*fn)(const struct dossier_record *, void *), void *arg)
{
	struct dossier_record	 d;
	struct body		 b;
	size_t			 i;
	int			 ret;

	memset(&d, 0, sizeof(d));
	d.rec = r;
	d.k = schema_kind(r->kind);
	if ((ret = db_author_read(au, r->record_id, &d.by)) != 0)
		return ret;
	d.author = d.by.created_by;
	/* the hybrid clock of the last write: milliseconds << 16 */
	d.time = d.by.created_at > 0 ? d.by.created_at :
	    (int64_t)((r->hlc >> 16) / 1000);
	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) == 0) {
		d.body = &b;
		for (i = 0; i < b.n; i++)
			d.nconflicts += body_name_is_marker(b.f[i].name) != 0;
	}
	ret = fn(&d, arg);
	body_free(&b);
	return ret;
}

static int
dossier_read_each(const struct dossier_record *d, void *arg)
{
	struct dossier_read	*x = arg;

	return x->cb(d, x->arg);
}

static int
dossier_read_cb(const struct db_record *r, void *arg)
{
	struct dossier_read	*x = arg;

	if (r->deleted || !dossier_kind_in(x->kinds, r->kind))
		return 0;
	return dossier_with(&x->au, r, dossier_read_each, x);
}

int
dossier_read(sqlite3 *db, const char *case_id, const char *const *kinds,
    const char *action, dossier_cb cb, void *arg)
{
	struct dossier_read	x;
	int			r;

	if (case_id == NULL || !wire_uuid_ok(case_id))
		return CS_ERR_USAGE;
	/* the read is logged before anything is shown */
	if ((r = readlog_add(db, action, case_id)) != 0)
		return r;
	memset(&x, 0, sizeof(x));
	db_author_reader_init(&x.au, db);
	x.kinds = kinds;
	x.cb = cb;
	x.arg = arg;
	r = db_record_list(db, case_id, dossier_read_cb, &x);
	db_author_reader_done(&x.au);
	return r;
}

static int
dossier_search_each(const struct dossier_record *d, void *arg)
{
	struct dossier_read	*x = arg;
	size_t			 i;
	int			 r;

	if (d->body == NULL)
		return 0;
	for (i = 0; i < d->body->n; i++) {
		if (body_name_is_marker(d->body->f[i].name) ||
		    !fold_contains_n((const char *)d->body->f[i].value,
		    d->body->f[i].len, x->q, x->qlen))
			continue;
		if ((r = x->match(d, i, x->arg)) != 0)
			return r;
	}
	return 0;
}

static int
dossier_search_cb(const struct db_record *r, void *arg)
{
	struct dossier_read	*x = arg;

	if (r->deleted)
		return 0;
	return dossier_with(&x->au, r, dossier_search_each, arg);
}

int
dossier_search(sqlite3 *db, const char *case_id, const char *q,
    dossier_match_cb cb, void *arg)
{
	struct dossier_read	x;
	int			r;

	if (q == NULL || *q == '\0' || strlen(q) > 200 ||
	    !utf8_valid(q, strlen(q)) ||
	    (case_id != NULL && !wire_uuid_ok(case_id)))
		return CS_ERR_USAGE;
	/* logged as a search of the caseload; the words are not logged */
	if ((r = readlog_add(db, "search", case_id != NULL ? case_id : "")) !=
	    0)
		return r;
	memset(&x, 0, sizeof(x));
	db_author_reader_init(&x.au, db);
	x.match = cb;
	x.arg = arg;
	x.q = q;
	x.qlen = strlen(q);
	r = db_record_list(db, case_id, dossier_search_cb, &x);
	db_author_reader_done(&x.au);
	return r;
}
