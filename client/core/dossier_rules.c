/* SPDX-License-Identifier: ISC */
/*
 * dossier_rules.c - the checks of a record that look at more than one
 * field, or at other records and the case's lifecycle metadata (see
 * dossier_rules.h).  schema.c checks each value on its own first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "dossier_rules.h"
#include "errors.h"
#include "lifecycle.h"
#include "schema.h"

/* Field "name" of "b" as a string into dst; 0 if absent or too long. */
static int
rules_get(const struct body *b, const char *name, char *dst, size_t len)
{
	const struct body_field	*f;

	dst[0] = '\0';
	if ((f = body_get(b, name)) == NULL || f->len >= len)
		return 0;
	memcpy(dst, f->value, f->len);
	dst[f->len] = '\0';
	return 1;
}

/* Field "name" of "b" as a date; LC_NODATE if absent (schema checked). */
static int64_t
rules_date(const struct body *b, const char *name)
{
	char	v[LC_DATE_LEN + 1];
	int64_t	d;

	if (!rules_get(b, name, v, sizeof(v)) || lc_date_parse(v, &d) != 0)
		return LC_NODATE;
	return d;
}

static int
rules_fail(struct dossier_rule *out, const char *field, const char *fmt,
    ...) __attribute__((__format__(printf, 3, 4)));

static int
rules_fail(struct dossier_rule *out, const char *field, const char *fmt,
    ...)
{
	va_list	ap;

	out->field = field;
	va_start(ap, fmt);
	(void)vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return CS_ERR_USAGE;
}

/* Consent needs its date and scope; a legal basis needs its name. */
static int
rules_partner(const struct body *b, struct dossier_rule *out)
{
	char	basis[16];
	int64_t	given, gone;

	if (!rules_get(b, "basis", basis, sizeof(basis)))
		return 0;
	if (strcmp(basis, "consent") == 0) {
		if (body_get(b, "consent_date") == NULL)
			return rules_fail(out, "consent_date", "is required "
			    "when the basis is consent");
		if (body_get(b, "consent_scope") == NULL)
			return rules_fail(out, "consent_scope", "is required "
			    "when the basis is consent");
	} else if (strcmp(basis, "legal") == 0 &&
	    body_get(b, "legal_basis") == NULL)
		return rules_fail(out, "legal_basis", "is required when the "
		    "basis is legal");
	given = rules_date(b, "consent_date");
	gone = rules_date(b, "withdrawn_on");
	if (given != LC_NODATE && gone != LC_NODATE && gone < given)
		return rules_fail(out, "withdrawn_on", "is before the "
		    "consent was given");
	return 0;
}

/*
 * The state change an escalation caused, against the case's metadata
 * when this laptop has it: a case now in that state began it on the
 * day given (the day it began, when none is given); a case still
 * before it in the lifecycle has not reached it.
 */
static int
rules_escalation(sqlite3 *db, const char *case_id, struct body *b,
    struct dossier_rule *out)
{
	struct case_meta	m;
	enum lc_state		caused;
	char			state[32], since[LC_DATE_LEN + 1];
	int64_t			on, date;
	int			r;

	on = rules_date(b, "caused_on");
	if (!rules_get(b, "caused_state", state, sizeof(state))) {
		if (on != LC_NODATE)
			return rules_fail(out, "caused_on", "needs "
			    "--caused-state (the state it began)");
		return 0;
	}
	if (lc_state_parse(state, &caused) != 0)
		return rules_fail(out, "caused_state", "not a state of the "
		    "case lifecycle");
	date = rules_date(b, "date");
	if (on != LC_NODATE && date != LC_NODATE && on < date)
		return rules_fail(out, "caused_on", "is before the "
		    "escalation itself");
	if ((r = case_meta_get(db, case_id, &m)) == CS_ERR_NOT_FOUND)
		return 0;	/* checked when the metadata is known */
	if (r != 0)
		return r;
	if (m.lc.state == caused) {
		lc_date_format(m.lc.state_since, since, sizeof(since));
		if (on == LC_NODATE)
			return body_set(b, "caused_on", (const uint8_t *)since,
			    strlen(since));
		if (on != m.lc.state_since)
			return rules_fail(out, "caused_on", "the case became "
			    "%s on %s", state, since);
		return 0;
	}
	if (lc_state_active(m.lc.state) && m.lc.state < caused)
		return rules_fail(out, "caused_state", "the case has not "
		    "reached %s (it is %s)", state, lc_state_name(m.lc.state));
	return 0;
}

/* Record "id" is a live "kind" of case "case_id"; *date its "date". */
static int
rules_ref(sqlite3 *db, const char *case_id, const char *id,
    const char *kind, const char *field, int64_t *date,
    struct dossier_rule *out)
{
	struct db_record	rec;
	struct body		rb;
	int			r;

	memset(&rec, 0, sizeof(rec));
	body_init(&rb);
	if ((r = db_record_get(db, id, &rec)) == CS_ERR_NOT_FOUND ||
	    (r == 0 && (rec.deleted || strcmp(rec.kind, kind) != 0 ||
	    strcmp(rec.case_id, case_id) != 0))) {
		r = rules_fail(out, field, "is not a%s %s of this case on "
		    "this laptop", strcmp(kind, "escalation") == 0 ? "n" : "",
		    kind);
		goto out;
	}
	if (r != 0)
		goto out;
	if (date != NULL) {
		*date = LC_NODATE;
		if (body_decode(rec.body, rec.body_len, &rb) == 0)
			*date = rules_date(&rb, "date");
	}
 out:
	body_free(&rb);
	db_record_clear(&rec);
	return r;
}

/* An outcome refers to an escalation (and a measure) of the same case. */
static int
rules_outcome(sqlite3 *db, const char *case_id, const struct body *b,
    struct dossier_rule *out)
{
	char	id[DB_UUID_LEN + 1];
	int64_t	esc = LC_NODATE, when;
	int	r;

	if (rules_get(b, "escalation", id, sizeof(id)) &&
	    (r = rules_ref(db, case_id, id, "escalation", "escalation", &esc,
	    out)) != 0)
		return r;
	if (rules_get(b, "measure", id, sizeof(id)) &&
	    (r = rules_ref(db, case_id, id, "measure", "measure", NULL,
	    out)) != 0)
		return r;
	when = rules_date(b, "outcome_date");
	if (esc != LC_NODATE && when != LC_NODATE && when < esc)
		return rules_fail(out, "outcome_date", "is before the "
		    "escalation");
	return 0;
}

/*
 * A report: a request to extend an OTS names its child, a person with
 * role child of the same case; a melding to the Raad may name none.
 */
static int
rules_report(sqlite3 *db, const char *case_id, const struct body *b,
    struct dossier_rule *out)
{
	struct db_record	rec;
	struct body		pb;
	char			type[16], id[DB_UUID_LEN + 1], role[16];
	int			r, has;

	has = rules_get(b, "child", id, sizeof(id));
	if (!rules_get(b, "type", type, sizeof(type)))
		return 0;
	if (strcmp(type, "verlenging") == 0 && !has)
		return rules_fail(out, "child", "is required for a request "
		    "to extend an OTS");
	if (!has)
		return 0;
	memset(&rec, 0, sizeof(rec));
	body_init(&pb);
	if ((r = rules_ref(db, case_id, id, "person", "child", NULL,
	    out)) != 0)
		goto out;
	if ((r = db_record_get(db, id, &rec)) != 0)
		goto out;
	if (body_decode(rec.body, rec.body_len, &pb) != 0 ||
	    !rules_get(&pb, "role", role, sizeof(role)) ||
	    strcmp(role, "child") != 0)
		r = rules_fail(out, "child", "is not a child of this case");
 out:
	body_free(&pb);
	db_record_clear(&rec);
	return r;
}

int
dossier_rules(sqlite3 *db, const char *case_id, const struct schema_kind *k,
    struct body *b, struct dossier_rule *out)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(k->kind, "partner") == 0)
		return rules_partner(b, out);
	if (strcmp(k->kind, "escalation") == 0)
		return rules_escalation(db, case_id, b, out);
	if (strcmp(k->kind, "escalation_outcome") == 0)
		return rules_outcome(db, case_id, b, out);
	if (strcmp(k->kind, "report") == 0)
		return rules_report(db, case_id, b, out);
	return 0;
}

int
dossier_closed(sqlite3 *db, const char *case_id, int *closed)
{
	struct case_meta	m;
	int			r;

	*closed = 0;
	if ((r = case_meta_get(db, case_id, &m)) == CS_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	*closed = m.lc.state == LC_GESLOTEN;
	return 0;
}
