/* SPDX-License-Identifier: ISC */
/*
 * dossier.c - writing a record of a case file (dossier.h): the checks
 * every face shares, in the order the user meets them (the case is
 * writable before any value is looked at), then one db_local_write().
 * The reads are in dossier_read.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "msg.h"
#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "dossier.h"
#include "dossier_rules.h"
#include "errors.h"
#include "lifecycle.h"
#include "localday.h"
#include "nolost.h"
#include "plan.h"
#include "readlog.h"
#include "record.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

int
dossier_prepare(sqlite3 *db)
{
	int	r;

	if ((r = db_init(db)) != 0)
		return r;
	return readlog_init(db);
}

struct dossier_find {
	const char	*kind;
	size_t		 n;
	char		 id[DB_UUID_LEN + 1];
};

static int
dossier_find_cb(const struct db_record *r, void *arg)
{
	struct dossier_find	*f = arg;

	if (r->deleted)
		return 0;
	if (f->kind == NULL || strcmp(r->kind, f->kind) == 0) {
		if (f->n++ == 0)
			memcpy(f->id, r->record_id, sizeof(f->id));
	}
	return 0;
}

int
dossier_find(sqlite3 *db, const char *case_id, const char *kind,
    char id_out[DB_UUID_LEN + 1])
{
	struct dossier_find	f;
	int			r;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	if ((r = db_record_list(db, case_id, dossier_find_cb, &f)) != 0)
		return r;
	if (f.n == 0)
		return CS_ERR_NOT_FOUND;
	memcpy(id_out, f.id, DB_UUID_LEN + 1);
	return 0;
}

int
dossier_case_known(sqlite3 *db, const char *case_id)
{
	struct case_meta	m;
	char			id[DB_UUID_LEN + 1];

	if (case_meta_get(db, case_id, &m) == 0)
		return 1;
	return dossier_find(db, case_id, NULL, id) == 0;
}

/* Refuse with "fault" and a sentence; returns "code". */
static int
dossier_fail(struct dossier_error *err, enum dossier_fault fault, int code,
    const char *fmt, ...) __attribute__((__format__(printf, 4, 5)));

static int
dossier_fail(struct dossier_error *err, enum dossier_fault fault, int code,
    const char *fmt, ...)
{
	va_list	ap;

	err->fault = fault;
	va_start(ap, fmt);
	(void)vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

/* A refusal about field "i" of "k". */
static int
dossier_fail_field(struct dossier_error *err, const struct schema_kind *k,
    size_t i, enum dossier_fault fault, const char *why)
{
	const struct schema_field	*f = &k->fields[i];

	err->field = (int)i;
	err->name = f->name;
	err->why = why;
	err->choices = f->type == SCHEMA_CHOICE ? f->choices : NULL;
	err->fault = fault;
	if (err->choices != NULL)
		(void)snprintf(err->text, sizeof(err->text),
		    "%s %s: %s (%s)", k->noun, f->name, why, f->choices);
	else
		(void)snprintf(err->text, sizeof(err->text), "%s %s: %s",
		    k->noun, f->name, why);
	return CS_ERR_USAGE;
}

/*
 * The case of a new escalation_outcome without one: that of the
 * escalation it names, into case_id.  0 done, 1 not this case.
 */
static int
dossier_ref_case(sqlite3 *db, const struct dossier_input *in,
    char case_id[DB_UUID_LEN + 1])
{
	struct db_record	ref;
	size_t			i;
	int			r;

	if (strcmp(in->k->kind, "escalation_outcome") != 0)
		return 1;
	for (i = 0; i < in->k->nfields && i < DOSSIER_FIELDS_MAX; i++)
		if (strcmp(in->k->fields[i].name, "escalation") == 0)
			break;
	if (i == in->k->nfields || i == DOSSIER_FIELDS_MAX ||
	    in->val[i] == NULL || !wire_uuid_ok(in->val[i]))
		return 1;
	memset(&ref, 0, sizeof(ref));
	if ((r = db_record_get(db, in->val[i], &ref)) == CS_ERR_NOT_FOUND)
		return 1;	/* refused below, and by the rules */
	if (r == 0)
		memcpy(case_id, ref.case_id, DB_UUID_LEN + 1);
	db_record_clear(&ref);
	return r;
}

/*
 * The stored record "rid" for an edit into *cur and *b, or the new
 * record's case checked; rec->case_id set.
 */
static int
dossier_target(sqlite3 *db, const struct dossier_input *in,
    struct db_record *rec, struct db_record *cur, struct body *b,
    struct dossier_error *err)
{
	const struct schema_kind	*k = in->k;
	const char			*rid = in->record_id;
	int				 r;

	if (rid == NULL) {
		/* an escalation's outcome: the escalation's case */
		if (in->case_id == NULL &&
		    (r = dossier_ref_case(db, in, rec->case_id)) != 1)
			return r;
		if (in->case_id == NULL)
			return dossier_fail(err, DOSSIER_NEED_CASE,
			    CS_ERR_USAGE, "a new %s needs a case", k->noun);
		if (!wire_uuid_ok(in->case_id))
			return dossier_fail(err, DOSSIER_NO_CASE,
			    CS_ERR_NOT_FOUND, "not a case id");
		if (!dossier_case_known(db, in->case_id))
			return dossier_fail(err, DOSSIER_NO_CASE,
			    CS_ERR_NOT_FOUND, "this laptop holds no case %s "
			    "(sync first?)", in->case_id);
		memcpy(rec->case_id, in->case_id, sizeof(rec->case_id));
		return 0;
	}
	if (!wire_uuid_ok(rid))
		return dossier_fail(err, DOSSIER_NO_RECORD, CS_ERR_NOT_FOUND,
		    "not a record id");
	if ((r = db_record_get(db, rid, cur)) != 0)
		return r != CS_ERR_NOT_FOUND ? r : dossier_fail(err,
		    DOSSIER_NO_RECORD, r, "no %s %s on this laptop", k->noun,
		    rid);
	if (strcmp(cur->kind, k->kind) != 0 || cur->deleted)
		return dossier_fail(err, DOSSIER_WRONG_KIND, CS_ERR_USAGE,
		    "record %s is not a %s", rid, k->noun);
	if (k->append_only)
		return dossier_fail(err, DOSSIER_APPEND_ONLY, CS_ERR_USAGE,
		    "a %s is never changed once written; add another",
		    k->noun);
	if ((r = body_decode(cur->body, cur->body_len, b)) != 0)
		return dossier_fail(err, DOSSIER_UNREADABLE, r,
		    "record %s: %s", rid, cs_err(r));
	memcpy(rec->record_id, cur->record_id, sizeof(rec->record_id));
	memcpy(rec->case_id, cur->case_id, sizeof(rec->case_id));
	return 0;
}

static void
dossier_error_init(struct dossier_error *err)
{
	memset(err, 0, sizeof(*err));
	err->field = -1;
}

/* The values and unsets of "in" into "b", each checked first. */
static int
dossier_apply(const struct dossier_input *in, struct body *b,
    struct dossier_error *err)
{
	const struct schema_kind	*k = in->k;
	const char			*why;
	size_t				 i;
	int				 r;

	for (i = 0; i < k->nfields && i < DOSSIER_FIELDS_MAX; i++) {
		if (in->unset[i] && k->fields[i].required)
			return dossier_fail_field(err, k, i,
			    DOSSIER_BAD_UNSET, "is required; it cannot be "
			    "unset");
		if (in->val[i] != NULL &&
		    schema_check(&k->fields[i], in->val[i], &why) != 0)
			return dossier_fail_field(err, k, i,
			    DOSSIER_BAD_VALUE, why);
	}
	for (i = 0; i < k->nfields && i < DOSSIER_FIELDS_MAX; i++) {
		if (in->val[i] != NULL &&
		    (r = body_set(b, k->fields[i].name,
		    (const uint8_t *)in->val[i], strlen(in->val[i]))) != 0)
			return r;
		if (in->unset[i])
			(void)body_unset(b, k->fields[i].name);
	}
	return 0;
}

/*
 * A new note's defaults: the local date and time of writing, unless
 * given (the time only with the date).  Its author is not typed: the
 * server says who wrote it (db_author).
 */
static int
dossier_note_defaults(const struct schema_kind *k, struct body *b)
{
	char				 date[LC_DATE_LEN + 1];
	char				 hm[LOCALDAY_TIME_LEN + 1];
	int				 r;

	if (strcmp(k->kind, "journal") != 0)
		return 0;
	if ((r = localday_format(time_now(), date, sizeof(date), hm,
	    sizeof(hm))) != 0)
		return r;
	/*
	 * The time of writing is the contact's only when the date is too:
	 * a note dated another day has a time only when one was given.
	 */
	if (body_get(b, "date") == NULL && ((r = body_set(b, "date",
	    (const uint8_t *)date, strlen(date))) != 0 ||
	    (body_get(b, "time") == NULL && (r = body_set(b, "time",
	    (const uint8_t *)hm, strlen(hm))) != 0)))
		return r;
	return 0;
}

/*
 * A write of a plan goes to the case's one plan (plan.h): "in" as it
 * is for other kinds; for a plan, *out is "in" made a change of the
 * one plan when this laptop holds it, else a new record (its id in
 * pid[]) starting from the fields of the plan record being edited or
 * the newest one from before (its id in seed[], "" for none).  An
 * input that names no plan here is left for dossier_target to refuse.
 */
static int
dossier_plan_route(sqlite3 *db, const struct dossier_input *in,
    struct dossier_input *out, char pid[DB_UUID_LEN + 1],
    char cid[DB_UUID_LEN + 1], char seed[DB_UUID_LEN + 1])
{
	struct db_record	cur;
	size_t			others;
	int			r;

	*out = *in;
	pid[0] = cid[0] = seed[0] = '\0';
	if (strcmp(in->k->kind, "plan") != 0)
		return 0;
	memset(&cur, 0, sizeof(cur));
	if (in->record_id != NULL) {
		if (!wire_uuid_ok(in->record_id))
			return 0;
		if ((r = db_record_get(db, in->record_id, &cur)) != 0)
			return r == CS_ERR_NOT_FOUND ? 0 : r;
		r = strcmp(cur.kind, "plan") == 0 && !cur.deleted;
		memcpy(cid, cur.case_id, DB_UUID_LEN + 1);
		db_record_clear(&cur);
		if (!r)
			return 0;
	} else if (in->case_id != NULL && wire_uuid_ok(in->case_id))
		memcpy(cid, in->case_id, DB_UUID_LEN + 1);
	else
		return 0;
	plan_record_id(cid, pid);
	if ((r = db_record_get(db, pid, &cur)) == 0) {
		r = cur.deleted;
		db_record_clear(&cur);
		if (!r) {
			out->record_id = pid;
			return 0;
		}
	} else if (r != CS_ERR_NOT_FOUND)
		return r;
	out->record_id = NULL;
	out->case_id = cid;
	if (in->record_id != NULL && strcmp(in->record_id, pid) != 0)
		memcpy(seed, in->record_id, DB_UUID_LEN + 1);
	else if ((r = plan_current(db, cid, seed, &others)) != 0) {
		seed[0] = '\0';
		if (r != CS_ERR_NOT_FOUND)
			return r;
	}
	return 0;
}

/* The schema fields of record "seed" into "b" (a new plan's start). */
static int
dossier_seed(sqlite3 *db, const struct schema_kind *k, const char *seed,
    struct body *b)
{
	struct db_record	 cur;
	struct body		 sb;
	const struct body_field	*f;
	size_t			 i;
	int			 r;

	memset(&cur, 0, sizeof(cur));
	body_init(&sb);
	if ((r = db_record_get(db, seed, &cur)) != 0 ||
	    (r = body_decode(cur.body, cur.body_len, &sb)) != 0)
		goto out;
	for (i = 0; i < k->nfields; i++)
		if ((f = body_get(&sb, k->fields[i].name)) != NULL &&
		    (r = body_set(b, f->name, f->value, f->len)) != 0)
			goto out;
 out:
	db_record_clear(&cur);
	body_free(&sb);
	return r;
}

/*
 * The checks of dossier.h and the new body into rec->body ("encode"
 * set) or not; a new record starts from the fields of "seed" if not
 * NULL.
 */
static int
dossier_build(sqlite3 *db, const struct dossier_input *in, int long_later,
    int encode, const char *seed, struct db_record *rec,
    struct dossier_error *err)
{
	const struct schema_kind	*k = in->k;
	struct nolost_access		 ro;
	struct dossier_rule		 rule;
	struct db_record		 cur;
	struct body			 b;
	const char			*missing;
	size_t				 i;
	int				 r, closed;

	memset(&cur, 0, sizeof(cur));
	body_init(&b);
	if ((r = dossier_target(db, in, rec, &cur, &b, err)) != 0)
		goto out;
	if (strcmp(k->kind, "measure") == 0 && !in->server_checked) {
		r = dossier_fail(err, DOSSIER_NEEDS_SERVER, CS_ERR_USAGE,
		    "a measure exists only with its court decision, "
		    "registered with the server first (measure start)");
		goto out;
	}
	if (strcmp(k->kind, "report") == 0 && !in->report_final) {
		r = dossier_fail(err, DOSSIER_NEEDS_DRAFT, CS_ERR_USAGE,
		    "a report is made from its draft (report final)");
		goto out;
	}
	if (in->record_id == NULL && seed != NULL &&
	    (r = dossier_seed(db, k, seed, &b)) != 0)
		goto out;
	/*
	 * A read-only case says so before anything is typed (nolost.h);
	 * an approval's record is written by a read-only holder too.
	 */
	if (!record_approval(k->kind) &&
	    (r = nolost_writable(db, rec->case_id, &ro)) != 0) {
		if (r == CS_ERR_AUTH) {
			err->fault = DOSSIER_READ_ONLY;
			nolost_explain(&ro, err->text, sizeof(err->text));
		}
		goto out;
	}
	/* a closed case takes nothing new (the server refuses it too) */
	if ((r = dossier_closed(db, rec->case_id, &closed)) != 0)
		goto out;
	if (closed) {
		r = dossier_fail(err, DOSSIER_CLOSED, CS_ERR_CASE_CLOSED,
		    "this case is closed (GESLOTEN) and takes no new "
		    "content");
		goto out;
	}
	if ((r = dossier_apply(in, &b, err)) != 0)
		goto out;
	if (in->record_id == NULL &&
	    (r = dossier_note_defaults(k, &b)) != 0)
		goto out;
	if (schema_complete_but(k, &b, long_later ? (int)SCHEMA_LONG : -1,
	    &missing) != 0) {
		for (i = 0; i < k->nfields - 1; i++)
			if (strcmp(k->fields[i].name, missing) == 0)
				break;
		r = dossier_fail_field(err, k, i, DOSSIER_MISSING,
		    "is required");
		goto out;
	}
	if ((r = dossier_rules(db, rec->case_id, k, &b, &rule)) != 0) {
		for (i = 0; rule.field != NULL && i < k->nfields; i++)
			if (strcmp(k->fields[i].name, rule.field) == 0)
				break;
		if (r == CS_ERR_USAGE && rule.field != NULL &&
		    i < k->nfields) {
			(void)dossier_fail_field(err, k, i, DOSSIER_RULE,
			    "does not fit the rest of the record or the case");
			(void)snprintf(err->text, sizeof(err->text),
			    "%s %s: %s", k->noun, rule.field, rule.why);
		}
		goto out;
	}
	if (!encode)
		goto out;
	if ((r = body_encode(&b, &rec->body, &rec->body_len)) != 0)
		goto out;
	if (rec->body_len > DB_BODY_MAX)
		r = dossier_fail(err, DOSSIER_TOO_LARGE, CS_ERR_TOO_LARGE,
		    "the %s is too large to sync (over 1 MiB)", k->noun);
 out:
	db_record_clear(&cur);
	body_free(&b);
	return r;
}


int
dossier_check_values(const struct dossier_input *in,
    struct dossier_error *err)
{
	struct body	 b;
	const char	*missing;
	size_t		 i;
	int		 r;

	dossier_error_init(err);
	body_init(&b);
	if ((r = dossier_apply(in, &b, err)) == 0 &&
	    schema_complete(in->k, &b, &missing) != 0) {
		for (i = 0; i < in->k->nfields - 1; i++)
			if (strcmp(in->k->fields[i].name, missing) == 0)
				break;
		r = dossier_fail_field(err, in->k, i, DOSSIER_MISSING,
		    "is required");
	}
	body_free(&b);
	return r;
}

int
dossier_check(sqlite3 *db, const struct dossier_input *in, int long_later,
    struct dossier_error *err)
{
	struct dossier_input	pin;
	struct db_record	rec;
	char			pid[DB_UUID_LEN + 1], cid[DB_UUID_LEN + 1];
	char			seed[DB_UUID_LEN + 1];
	int			r;

	dossier_error_init(err);
	memset(&rec, 0, sizeof(rec));
	if ((r = dossier_plan_route(db, in, &pin, pid, cid, seed)) != 0)
		return r;
	r = dossier_build(db, &pin, long_later, 0, seed[0] != '\0' ? seed :
	    NULL, &rec, err);
	db_record_clear(&rec);
	return r;
}

int
dossier_write(sqlite3 *db, const struct dossier_input *in,
    char id_out[DB_UUID_LEN + 1], char case_out[DB_UUID_LEN + 1],
    struct dossier_error *err)
{
	struct dossier_input	pin;
	struct db_record	rec;
	char			pid[DB_UUID_LEN + 1], cid[DB_UUID_LEN + 1];
	char			seed[DB_UUID_LEN + 1];
	int			r;

	dossier_error_init(err);
	memset(&rec, 0, sizeof(rec));
	if ((r = dossier_plan_route(db, in, &pin, pid, cid, seed)) != 0)
		goto out;
	in = &pin;
	if ((r = dossier_build(db, in, 0, 1, seed[0] != '\0' ? seed : NULL,
	    &rec, err)) != 0)
		goto out;
	if (in->record_id == NULL && in->new_id != NULL) {
		if (!wire_uuid_ok(in->new_id)) {
			r = dossier_fail(err, DOSSIER_NO_RECORD, CS_ERR_USAGE,
			    "not a record id");
			goto out;
		}
		memcpy(rec.record_id, in->new_id, DB_UUID_LEN + 1);
	} else if (in->record_id == NULL && pid[0] != '\0')
		memcpy(rec.record_id, pid, sizeof(rec.record_id));
	else if (in->record_id == NULL)
		db_uuid(rec.record_id);
	memcpy(rec.kind, in->k->kind, strlen(in->k->kind) + 1);
	if ((r = db_local_write(db, &rec)) != 0) {
		err->fault = DOSSIER_WRITE_FAILED;
		(void)snprintf(err->text, sizeof(err->text), "%s %s: %s",
		    in->k->noun, rec.record_id, cs_err(r));
		goto out;
	}
	memcpy(id_out, rec.record_id, DB_UUID_LEN + 1);
	if (case_out != NULL)
		memcpy(case_out, rec.case_id, DB_UUID_LEN + 1);
 out:
	if (rec.body != NULL)
		sodium_memzero(rec.body, rec.body_len);
	db_record_clear(&rec);
	return r;
}
