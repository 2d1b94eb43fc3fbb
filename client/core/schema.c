/* SPDX-License-Identifier: ISC */
/*
 * schema.c - the kinds of record in a case file and their fields (see
 * schema.h).  Field names are body names ([a-z0-9_]); the commands
 * accept them as --flags with '-' for '_'.
 */
#include <stdint.h>
#include <string.h>

#include "msg.h"
#include "body.h"
#include "errors.h"
#include "lifecycle.h"
#include "schema.h"
#include "validate.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const struct schema_field casefile_fields[] = {
	{ "title", SCHEMA_TEXT, 1, NULL },
	{ "municipality", SCHEMA_GEMEENTE, 0, NULL },
	{ "jeugdregio", SCHEMA_TEXT, 0, NULL },
	{ "legal_basis", SCHEMA_TEXT, 0, NULL },
	{ "consent_date", SCHEMA_DATE, 0, NULL },
};

static const struct schema_field person_fields[] = {
	{ "name", SCHEMA_NAME, 1, NULL },
	{ "role", SCHEMA_CHOICE, 1, "child|parent|carer|network" },
	{ "birth_date", SCHEMA_DATE, 0, NULL },
	{ "bsn", SCHEMA_BSN, 0, NULL },
	{ "address", SCHEMA_TEXT, 0, NULL },
	{ "municipality", SCHEMA_GEMEENTE, 0, NULL },
	{ "has_gezag", SCHEMA_CHOICE, 0, "yes|no" },
	{ "child", SCHEMA_REF, 0, NULL },	/* relation: to this child */
};

/*
 * A court measure of one child, written only once the server accepted
 * it (measure start|extend|end, dossier.h "server_checked"): the court
 * decision (court, zaaknummer: sealed here, never server-visible), the
 * dates as the server holds them, its extensions (SCHEMA_MEASURE_EXT
 * lines) and the server's measure id.
 */
static const struct schema_field measure_fields[] = {
	{ "type", SCHEMA_CHOICE, 1, SCHEMA_MEASURE_TYPES },
	{ "child", SCHEMA_REF, 1, NULL },
	{ "court", SCHEMA_TEXT, 1, NULL },
	{ "zaaknummer", SCHEMA_TEXT, 1, NULL },
	{ "decision_date", SCHEMA_DATE, 1, NULL },
	{ "start", SCHEMA_DATE, 1, NULL },
	{ "end", SCHEMA_DATE, 1, NULL },
	{ "extensions", SCHEMA_LONG, 0, NULL },
	{ "ended_on", SCHEMA_DATE, 0, NULL },
	{ "measure_id", SCHEMA_TEXT, 1, NULL },
};

static const struct schema_field plan_fields[] = {
	{ "summary", SCHEMA_LONG, 1, NULL },
	{ "agreed_with", SCHEMA_TEXT, 0, NULL },
	{ "agreed_on", SCHEMA_DATE, 0, NULL },
};

/* An agreed version of the plan (plan.h): written by plan_agree() only. */
static const struct schema_field plan_version_fields[] = {
	{ "number", SCHEMA_TEXT, 1, NULL },
	{ "summary", SCHEMA_LONG, 1, NULL },
	{ "goals", SCHEMA_LONG, 0, NULL },	/* one goal per line */
	{ "agreed_with", SCHEMA_TEXT, 1, NULL },	/* plan_agreed_ok() */
	{ "date", SCHEMA_DATE, 1, NULL },
};

static const struct schema_field goal_fields[] = {
	{ "text", SCHEMA_TEXT, 1, NULL },
	{ "owner", SCHEMA_NAME, 0, NULL },
	{ "due", SCHEMA_DATE, 0, NULL },
	{ "status", SCHEMA_CHOICE, 0, "open|achieved|dropped" },
};

static const struct schema_field assessment_fields[] = {
	{ "instrument", SCHEMA_CHOICE, 1, "LIRIK|ARIJ|Delta|other" },
	{ "instrument_version", SCHEMA_TEXT, 0, NULL },
	{ "outcome", SCHEMA_TEXT, 1, NULL },
	{ "assessor", SCHEMA_NAME, 0, NULL },
	{ "date", SCHEMA_DATE, 1, NULL },
	{ "next_due", SCHEMA_DATE, 0, NULL },
};

/*
 * An approval's request and decision (DESIGN §2): the reasons stay in
 * the dossier, the server keeps the approval and names these records.
 * A co-signature's request is the assessment itself.
 */
static const struct schema_field approval_request_fields[] = {
	{ "kind", SCHEMA_CHOICE, 1, "drang_extension|case_close" },
	{ "text", SCHEMA_LONG, 1, NULL },	/* reason, closing summary */
	{ "end", SCHEMA_DATE, 0, NULL },	/* drang_extension */
	{ "close_reason", SCHEMA_CHOICE, 0,
	    "doel_bereikt|maatregel|verhuisd|overleden|other" },
	{ "by", SCHEMA_NAME, 0, NULL },		/* this laptop's user */
};

static const struct schema_field approval_decision_fields[] = {
	{ "approval", SCHEMA_TEXT, 1, NULL },	/* the server's number */
	{ "decision", SCHEMA_CHOICE, 1, "approve|refuse" },
	{ "request", SCHEMA_REF, 1, NULL },	/* its request's record */
	{ "reason", SCHEMA_LONG, 0, NULL },	/* required to refuse */
	{ "by", SCHEMA_NAME, 0, NULL },		/* this laptop's user */
};

static const struct schema_field journal_fields[] = {
	{ "text", SCHEMA_LONG, 1, NULL },
	{ "type", SCHEMA_CHOICE, 0, "home_visit|call|meeting|other" },
	{ "date", SCHEMA_DATE, 0, NULL },	/* default: local today */
	{ "time", SCHEMA_TIME, 0, NULL },	/* default: local now */
	/*
	 * No "author": who wrote a note is the server's word (db_author);
	 * an "author" typed into an older note stays in its body.
	 */
};

/*
 * A partner and the basis on which the case's data is shared with it:
 * consent (its date and scope) or a legal basis (dossier_rules.c
 * checks the pair).  Records written before the basis was a choice
 * keep their text: it is read as it is.
 */
static const struct schema_field partner_fields[] = {
	{ "name", SCHEMA_TEXT, 1, NULL },
	{ "type", SCHEMA_CHOICE, 1, SCHEMA_PARTNER_TYPES },
	{ "contact", SCHEMA_TEXT, 0, NULL },
	{ "basis", SCHEMA_CHOICE, 1, "consent|legal" },
	{ "consent_date", SCHEMA_DATE, 0, NULL },
	{ "consent_scope", SCHEMA_TEXT, 0, NULL },
	{ "legal_basis", SCHEMA_TEXT, 0, NULL },
	{ "withdrawn_on", SCHEMA_DATE, 0, NULL },
};

/*
 * An escalation and the state change it caused (checked against the
 * case's lifecycle metadata when the laptop has it).  Append-only: its
 * outcome is a record of its own (escalation_outcome).  "benefit_cut"
 * of older records is read as it is.
 */
static const struct schema_field escalation_fields[] = {
	{ "to", SCHEMA_CHOICE, 1,
	    "raad|veilig_thuis|leerplicht|kinderbijslag|uitkering" },
	{ "reason", SCHEMA_LONG, 1, NULL },
	{ "date", SCHEMA_DATE, 0, NULL },
	{ "caused_state", SCHEMA_CHOICE, 0, LC_STATE_CHOICES },
	{ "caused_on", SCHEMA_DATE, 0, NULL },
};

/* What came of an escalation, later: refers to it, and to the measure. */
static const struct schema_field escalation_outcome_fields[] = {
	{ "escalation", SCHEMA_REF, 1, NULL },
	{ "outcome", SCHEMA_CHOICE, 1,
	    "onderzoek|geen_onderzoek|measure|other" },
	{ "outcome_date", SCHEMA_DATE, 1, NULL },
	{ "measure", SCHEMA_REF, 0, NULL },
};

/* Who takes over after the case (NAZORG needs one: cmd_case.c). */
static const struct schema_field nazorg_fields[] = {
	{ "by", SCHEMA_CHOICE, 1, "wijkteam|jeugdhulp|other" },
	{ "name", SCHEMA_TEXT, 1, NULL },
	{ "agreements", SCHEMA_LONG, 1, NULL },
	{ "end", SCHEMA_DATE, 1, NULL },
};

/* Why the case closes, and its summary (GESLOTEN needs one). */
static const struct schema_field closing_fields[] = {
	{ "reason", SCHEMA_CHOICE, 1, SCHEMA_CLOSE_REASONS },
	{ "summary", SCHEMA_LONG, 1, NULL },
};

/*
 * A finalised report (report_raad.h): the melding to the Raad voor de
 * Kinderbescherming or the request to the court to extend a child's
 * OTS, as the worker edited its draft, one text per heading.  Written
 * only by report_final() (dossier.h "report_final"), append-only: a
 * correction is a new report.  Who finalised it and when is the
 * server's word (db_author), never a field.  "subject" and
 * "child_name" keep the case's title and the child's name as they
 * were, so the document renders again as it was sent.
 */
static const struct schema_field report_fields[] = {
	{ "type", SCHEMA_CHOICE, 1, "raad|verlenging" },
	{ "child", SCHEMA_REF, 0, NULL },	/* verlenging: required */
	{ "subject", SCHEMA_TEXT, 0, NULL },
	{ "child_name", SCHEMA_NAME, 0, NULL },
	{ "aanleiding", SCHEMA_LONG, 1, NULL },
	{ "zorgen", SCHEMA_LONG, 1, NULL },
	{ "geprobeerd", SCHEMA_LONG, 1, NULL },
	{ "visie", SCHEMA_LONG, 1, NULL },
	{ "conclusie", SCHEMA_LONG, 1, NULL },
};

static const struct schema_kind kinds[] = {
	{ "casefile", "case file", 0, casefile_fields, N(casefile_fields),
	    { "title", "municipality", "jeugdregio" } },
	{ "person", "person", 0, person_fields, N(person_fields),
	    { "name", "role", "birth_date" } },
	{ "measure", "measure", 0, measure_fields, N(measure_fields),
	    { "type", "start", "end" } },
	{ "plan", "plan", 0, plan_fields, N(plan_fields),
	    { "agreed_on", "summary", NULL } },
	{ "plan_version", "plan version", 1, plan_version_fields,
	    N(plan_version_fields), { "number", "date", "agreed_with" } },
	{ "goal", "goal", 0, goal_fields, N(goal_fields),
	    { "status", "due", "text" } },
	{ "assessment", "assessment", 0, assessment_fields,
	    N(assessment_fields), { "date", "instrument", "outcome" } },
	{ "journal", "note", 1, journal_fields, N(journal_fields),
	    { "date", "type", "text" } },
	{ "partner", "partner", 0, partner_fields, N(partner_fields),
	    { "type", "name", "contact" } },
	{ "escalation", "escalation", 1, escalation_fields,
	    N(escalation_fields), { "date", "to", "caused_state" } },
	{ "approval_request", "approval request", 1, approval_request_fields,
	    N(approval_request_fields), { "kind", "end", "text" } },
	{ "approval_decision", "approval decision", 1,
	    approval_decision_fields, N(approval_decision_fields),
	    { "decision", "approval", "reason" } },
	{ "escalation_outcome", "escalation outcome", 1,
	    escalation_outcome_fields, N(escalation_outcome_fields),
	    { "outcome_date", "outcome", NULL } },
	{ "nazorg", "nazorg", 0, nazorg_fields, N(nazorg_fields),
	    { "end", "by", "name" } },
	{ "closing", "closing summary", 0, closing_fields,
	    N(closing_fields), { "reason", "summary", NULL } },
	{ "report", "report", 1, report_fields, N(report_fields),
	    { "type", "child_name", "subject" } },
};

const struct schema_kind *
schema_kind(const char *kind)
{
	size_t	i;

	for (i = 0; i < N(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const struct schema_field *
schema_field(const struct schema_kind *k, const char *name)
{
	size_t	i;

	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return &k->fields[i];
	return NULL;
}

int
schema_field_index(const struct schema_kind *k, const char *name)
{
	size_t	i;

	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "v" is one of the '|'-separated words of "choices". */
static int
schema_choice(const char *choices, const char *v)
{
	const char	*p = choices, *e;
	size_t		 n = strlen(v);

	for (;;) {
		e = strchr(p, '|');
		if ((size_t)(e != NULL ? e - p : (ptrdiff_t)strlen(p)) == n &&
		    strncmp(p, v, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

/* Long text: strict UTF-8, no control characters but tab and newline. */
static int
schema_long(const char *v, const char **why)
{
	size_t	n = strlen(v), i;

	if (n == 0 || n > SCHEMA_LONG_MAX) {
		*why = "text is empty or longer than 32 KiB";
		return CS_ERR_FORMAT;
	}
	if (validate_utf8(v, n, why) != 0)
		return CS_ERR_FORMAT;
	for (i = 0; i < n; i++) {
		if (((unsigned char)v[i] < 0x20 && v[i] != '\n' &&
		    v[i] != '\t') || v[i] == 0x7f) {
			*why = "text holds control characters";
			return CS_ERR_FORMAT;
		}
	}
	return 0;
}

/* HH:MM, 00:00 to 23:59. */
static int
schema_time(const char *v, const char **why)
{
	if (strlen(v) != 5 || v[2] != ':' ||
	    !(v[0] >= '0' && v[0] <= '2') || !(v[1] >= '0' && v[1] <= '9') ||
	    !(v[3] >= '0' && v[3] <= '5') || !(v[4] >= '0' && v[4] <= '9') ||
	    (v[0] == '2' && v[1] > '3')) {
		*why = "not a time (HH:MM, 00:00 to 23:59)";
		return CS_ERR_FORMAT;
	}
	return 0;
}

int
schema_check(const struct schema_field *f, const char *v, const char **why)
{
	const char	*dummy;
	int64_t		 days;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	switch (f->type) {
	case SCHEMA_TEXT:
		return validate_name(v, VALIDATE_TEXT_MAX, why);
	case SCHEMA_NAME:
		return validate_name(v, VALIDATE_NAME_MAX, why);
	case SCHEMA_LONG:
		return schema_long(v, why);
	case SCHEMA_DATE:
		return validate_date(v, &days, why);
	case SCHEMA_TIME:
		return schema_time(v, why);
	case SCHEMA_BSN:
		return validate_bsn(v, why);
	case SCHEMA_GEMEENTE:
		return validate_gemeente(v, why);
	case SCHEMA_CHOICE:
		if (schema_choice(f->choices, v))
			return 0;
		*why = "not one of the allowed values";
		return CS_ERR_FORMAT;
	case SCHEMA_REF:
		if (wire_uuid_ok(v))
			return 0;
		*why = "not a record id (a lower-case UUID)";
		return CS_ERR_FORMAT;
	}
	*why = "unknown field type";
	return CS_ERR_FORMAT;
}

int
schema_complete(const struct schema_kind *k, const struct body *b,
    const char **missing)
{
	return schema_complete_but(k, b, -1, missing);
}

int
schema_complete_but(const struct schema_kind *k, const struct body *b,
    int but, const char **missing)
{
	size_t	i;

	*missing = NULL;
	for (i = 0; i < k->nfields; i++) {
		if (k->fields[i].required && (int)k->fields[i].type != but &&
		    body_get(b, k->fields[i].name) == NULL) {
			*missing = k->fields[i].name;
			return CS_ERR_FORMAT;
		}
	}
	return 0;
}
