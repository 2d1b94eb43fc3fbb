/* SPDX-License-Identifier: ISC */
/*
 * test_dossier.c - the case file's core (client/core/dossier.c) as the
 * web UI uses it: a refusal names the field, a sentence and a choice
 * field's allowed values, and writes nothing; a new note gets author,
 * local date and time; reads hand out decoded records only after the
 * read is logged; search folds accented letters.  (The conflicts'
 * core, conflict.c, is tested through the CLI: t_conflict_authors.)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "lifecycle.h"
#include "localday.h"
#include "readlog.h"
#include "schema.h"
#include "test.h"
#include "test_db.h"
#include "util.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char CASE2[] = "33333333-3333-4333-8333-333333333333";

/* The one integer a query gives. */
#define count(db, sql)	tdb_count((db), (sql), NULL)

static sqlite3 *
open_db(void)
{
	struct case_meta	m;
	sqlite3			*db;

	ASSERT_INT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_exec(db, "CREATE TABLE vault_secret (name TEXT"
	    " PRIMARY KEY, value BLOB NOT NULL)", NULL, NULL, NULL),
	    SQLITE_OK);
	ASSERT_INT_EQ(dossier_prepare(db), 0);
	ASSERT_INT_EQ(db_self_set(db, "7", "anna"), 0);
	memset(&m, 0, sizeof(m));
	memcpy(m.case_id, CASE1, sizeof(m.case_id));
	lc_case_init(&m.lc, LC_FRAME_DRANG, localday_today());
	ASSERT_INT_EQ(case_meta_put(db, &m), 0);
	return db;
}

static int
field_index(const struct schema_kind *k, const char *name)
{
	size_t	i;

	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return (int)i;
	TEST_FAIL_("no field %s", name);
	return -1;
}

static void
test_refusals(void)
{
	const struct schema_kind	*k = schema_kind("person");
	struct dossier_input		 in;
	struct dossier_error		 err;
	char				 id[DB_UUID_LEN + 1];
	sqlite3				*db = open_db();

	TEST_START("dossier: a refusal names the field, why, the choices");
	memset(&in, 0, sizeof(in));
	in.k = k;
	in.case_id = CASE1;
	in.val[field_index(k, "name")] = "Sanne";
	in.val[field_index(k, "role")] = "kind";
	ASSERT_INT_EQ(dossier_write(db, &in, id, NULL, &err), CS_ERR_USAGE);
	ASSERT_INT_EQ(err.fault, DOSSIER_BAD_VALUE);
	ASSERT_INT_EQ(err.field, field_index(k, "role"));
	ASSERT_STR_EQ(err.name, "role");
	ASSERT_STR_EQ(err.choices, "child|parent|carer|network");
	ASSERT_TRUE(err.why != NULL && strstr(err.why, "kind") == NULL);
	/* a missing required field, by name */
	in.val[field_index(k, "role")] = NULL;
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_USAGE);
	ASSERT_INT_EQ(err.fault, DOSSIER_MISSING);
	ASSERT_STR_EQ(err.name, "role");
	/* an unknown case, an unknown record */
	in.val[field_index(k, "role")] = "child";
	in.case_id = CASE2;
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(err.fault, DOSSIER_NO_CASE);
	in.case_id = "not a uuid";
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_NOT_FOUND);
	in.case_id = NULL;
	in.record_id = CASE2;
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(err.fault, DOSSIER_NO_RECORD);
	in.record_id = "'; DROP TABLE records; --";
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(err.fault, DOSSIER_NO_RECORD);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM records"), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM outbox"), 0);
	/* a long text the editor brings later: not missing yet */
	in.record_id = NULL;
	in.case_id = CASE1;
	in.k = schema_kind("journal");
	memset(in.val, 0, sizeof(in.val));
	ASSERT_INT_EQ(dossier_check(db, &in, 1, &err), 0);
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_USAGE);
	ASSERT_STR_EQ(err.name, "text");
	sqlite3_close(db);
	TEST_DONE();
}

struct seen {
	size_t	n;
	char	text[64], author[64], date[16], hm[8];
	int64_t	time;
};

static void
copy_field(const struct body *b, const char *name, char *dst, size_t len)
{
	const struct body_field	*f = body_get(b, name);

	ASSERT_TRUE(f != NULL && f->len < len);
	memcpy(dst, f->value, f->len);
	dst[f->len] = '\0';
}

static int
seen_cb(const struct dossier_record *d, void *arg)
{
	struct seen	*s = arg;

	ASSERT_TRUE(d->body != NULL);
	ASSERT_TRUE(d->k != NULL);
	s->n++;
	copy_field(d->body, "text", s->text, sizeof(s->text));
	copy_field(d->body, "date", s->date, sizeof(s->date));
	copy_field(d->body, "time", s->hm, sizeof(s->hm));
	snprintf(s->author, sizeof(s->author), "%s", d->author);
	s->time = d->time;
	return 0;
}

static int
match_cb(const struct dossier_record *d, size_t field, void *arg)
{
	(void)d;
	(void)field;
	(*(size_t *)arg)++;
	return 0;
}

static void
test_note_and_read(void)
{
	const struct schema_kind	*k = schema_kind("journal");
	const char *const		 kinds[] = { "journal", NULL };
	struct dossier_input		 in;
	struct dossier_error		 err;
	struct seen			 s;
	char				 id[DB_UUID_LEN + 1];
	char				 cid[DB_UUID_LEN + 1];
	char				 date[LC_DATE_LEN + 1], hm[8];
	int64_t				 t0 = time_now();
	size_t				 hits = 0;
	sqlite3				*db = open_db();

	TEST_START("dossier: a note's defaults; reads logged, then handed out");
	memset(&in, 0, sizeof(in));
	in.k = k;
	in.case_id = CASE1;
	in.val[field_index(k, "text")] = "Gesprek met familie Öztürk";
	ASSERT_INT_EQ(dossier_write(db, &in, id, cid, &err), 0);
	ASSERT_STR_EQ(cid, CASE1);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM read_log"), 0);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(dossier_read(db, CASE1, kinds, "list", seen_cb, &s), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM read_log"), 1);
	ASSERT_INT_EQ(s.n, 1);
	ASSERT_STR_EQ(s.author, "anna");
	ASSERT_INT_EQ(localday_format(t0, date, sizeof(date), hm, sizeof(hm)),
	    0);
	ASSERT_STR_EQ(s.date, date);
	ASSERT_TRUE(s.time >= t0 - 1 && s.time <= time_now() + 1);
	ASSERT_INT_EQ(strlen(s.hm), 5);
	/* other kinds are not handed out; an unknown case is refused */
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(dossier_read(db, CASE1, (const char *const[]){
	    "person", NULL }, "list", seen_cb, &s), 0);
	ASSERT_INT_EQ(s.n, 0);
	ASSERT_INT_EQ(dossier_read(db, "x", NULL, "list", seen_cb, &s),
	    CS_ERR_USAGE);
	/* search: accents folded, logged without the words */
	ASSERT_INT_EQ(dossier_search(db, NULL, "öztürk", match_cb, &hits), 0);
	ASSERT_INT_EQ(hits, 1);
	hits = 0;
	ASSERT_INT_EQ(dossier_search(db, NULL, "OZTURK", match_cb, &hits), 0);
	ASSERT_INT_EQ(hits, 1);
	hits = 0;
	ASSERT_INT_EQ(dossier_search(db, NULL, "ozturq", match_cb, &hits), 0);
	ASSERT_INT_EQ(hits, 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM read_log WHERE"
	    " action = 'search' AND case_id = ''"), 3);
	/* a note is never edited */
	in.case_id = NULL;
	in.record_id = id;
	ASSERT_INT_EQ(dossier_check(db, &in, 0, &err), CS_ERR_USAGE);
	ASSERT_INT_EQ(err.fault, DOSSIER_APPEND_ONLY);
	ASSERT_INT_EQ(dossier_find(db, CASE1, "journal", cid), 0);
	ASSERT_STR_EQ(cid, id);
	ASSERT_INT_EQ(dossier_find(db, CASE1, "plan", cid), CS_ERR_NOT_FOUND);
	sqlite3_close(db);
	TEST_DONE();
}

/* Write a new record of "kind" in CASE1 with name=value pairs. */
static int
put(sqlite3 *db, const char *kind, char id[DB_UUID_LEN + 1],
    struct dossier_error *err, ...)
{
	const struct schema_kind	*k = schema_kind(kind);
	struct dossier_input		 in;
	const char			*name;
	va_list				 ap;

	memset(&in, 0, sizeof(in));
	in.k = k;
	in.case_id = CASE1;
	va_start(ap, err);
	while ((name = va_arg(ap, const char *)) != NULL)
		in.val[field_index(k, name)] = va_arg(ap, const char *);
	va_end(ap);
	return dossier_write(db, &in, id, NULL, err);
}

static void
test_rules(void)
{
	struct dossier_error	 err;
	struct case_meta	 m;
	char			 esc[DB_UUID_LEN + 1], id[DB_UUID_LEN + 1];
	char			 since[LC_DATE_LEN + 1];
	sqlite3			*db = open_db();

	TEST_START("dossier rules: partner basis, escalation state, closed");
	ASSERT_INT_EQ(put(db, "partner", id, &err, "name", "GGZ", "type",
	    "jeugd_ggz", "basis", "consent", "consent_date", "2026-01-02",
	    NULL), CS_ERR_USAGE);
	ASSERT_INT_EQ(err.fault, DOSSIER_RULE);
	ASSERT_STR_EQ(err.name, "consent_scope");
	ASSERT_INT_EQ(put(db, "partner", id, &err, "name", "Politie", "type",
	    "politie", "basis", "legal", NULL), CS_ERR_USAGE);
	ASSERT_STR_EQ(err.name, "legal_basis");
	ASSERT_INT_EQ(put(db, "partner", id, &err, "name", "GGZ", "type",
	    "jeugd_ggz", "basis", "consent", "consent_date", "2026-01-02",
	    "consent_scope", "behandeling", "withdrawn_on", "2026-01-01",
	    NULL), CS_ERR_USAGE);
	ASSERT_STR_EQ(err.name, "withdrawn_on");
	ASSERT_INT_EQ(put(db, "partner", id, &err, "name", "Politie", "type",
	    "politie", "basis", "legal", "legal_basis", "Jeugdwet 7.4.0",
	    NULL), 0);
	/* the case is in AANMELDING: it has not reached RAAD_MELDING */
	ASSERT_INT_EQ(put(db, "escalation", esc, &err, "to", "raad",
	    "reason", "zorgen", "caused_state", "RAAD_MELDING", NULL),
	    CS_ERR_USAGE);
	ASSERT_STR_EQ(err.name, "caused_state");
	ASSERT_PTR_NE(strstr(err.text, "has not reached RAAD_MELDING"), NULL);
	ASSERT_INT_EQ(case_meta_get(db, CASE1, &m), 0);
	m.lc.state = LC_RAAD_MELDING;
	ASSERT_INT_EQ(case_meta_put(db, &m), 0);
	lc_date_format(m.lc.state_since, since, sizeof(since));
	ASSERT_INT_EQ(put(db, "escalation", esc, &err, "to", "raad",
	    "reason", "zorgen", "caused_state", "RAAD_MELDING", "caused_on",
	    "2020-01-01", NULL), CS_ERR_USAGE);
	ASSERT_STR_EQ(err.name, "caused_on");
	ASSERT_INT_EQ(put(db, "escalation", esc, &err, "to", "raad",
	    "reason", "zorgen", "caused_state", "RAAD_MELDING", NULL), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM records WHERE kind ="
	    " 'escalation'"), 1);
	/* an outcome refers to an escalation, not to a partner */
	ASSERT_INT_EQ(put(db, "escalation_outcome", id, &err, "escalation",
	    id, "outcome", "onderzoek", "outcome_date", since, NULL),
	    CS_ERR_USAGE);
	ASSERT_STR_EQ(err.name, "escalation");
	ASSERT_INT_EQ(put(db, "escalation_outcome", id, &err, "escalation",
	    esc, "outcome", "onderzoek", "outcome_date", since, NULL), 0);
	/* GESLOTEN: nothing new, before any value is looked at */
	m.lc.state = LC_GESLOTEN;
	ASSERT_INT_EQ(case_meta_put(db, &m), 0);
	ASSERT_INT_EQ(put(db, "journal", id, &err, "text", "na sluiten",
	    NULL), CS_ERR_CASE_CLOSED);
	ASSERT_INT_EQ(err.fault, DOSSIER_CLOSED);
	ASSERT_INT_EQ(put(db, "partner", id, &err, "type", "nonsense", NULL),
	    CS_ERR_CASE_CLOSED);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM records WHERE kind ="
	    " 'journal'"), 0);
	sqlite3_close(db);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_refusals();
	test_note_and_read();
	test_rules();
	return 0;
}
