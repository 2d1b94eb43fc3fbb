/* SPDX-License-Identifier: ISC */
/*
 * test_measure_rec.c - the sealed measure record of a child
 * (measure_rec.c) on a real vault: only the measure path writes one
 * (dossier.c refuses any other write of kind "measure"); a new record
 * keeps the id named to the server and needs court and zaaknummer;
 * extensions are kept in order with their decision and the end they
 * moved, up to MEASURE_REC_EXT_MAX; the end is recorded; a record from
 * another device whose extension lines or dates do not parse is read
 * without them.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_db.h"
#include "test_ui_pages.h"

#include "dossier.h"
#include "measure_rec.h"
#include "readlog.h"
#include "schema.h"

static sqlite3	*db;
static char	 c1[DB_UUID_LEN + 1], kid[DB_UUID_LEN + 1];

static int64_t
records(void)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 n;

	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM records",
	    -1, &s, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void
new_rec(struct measure_rec *m)
{
	memset(m, 0, sizeof(*m));
	db_uuid(m->record_id);
	(void)snprintf(m->type, sizeof(m->type), "OTS");
	memcpy(m->child_id, kid, sizeof(m->child_id));
	(void)snprintf(m->court, sizeof(m->court), "Rechtbank Overijssel");
	(void)snprintf(m->zaaknummer, sizeof(m->zaaknummer), "C/08/1");
	ASSERT_INT_EQ(lc_date_parse("2026-01-31", &m->decision_date), 0);
	m->start = m->decision_date;
	m->end = lc_add_months(m->start, 12);
	m->ended_on = LC_NODATE;
	m->measure_id = 7;
}

static void
test_only_the_measure_path(void)
{
	struct dossier_input	in;
	struct dossier_error	err;
	char			id[DB_UUID_LEN + 1];
	int64_t			n0 = records();

	TEST_START("a measure is written only by the measure path");
	memset(&in, 0, sizeof(in));
	in.k = schema_kind("measure");
	in.case_id = c1;
	in.val[0] = "OTS";
	ASSERT_INT_EQ(dossier_write(db, &in, id, NULL, &err), CS_ERR_USAGE);
	ASSERT_INT_EQ(err.fault, DOSSIER_NEEDS_SERVER);
	ASSERT_INT_EQ(records(), n0);
	TEST_DONE();
}

static void
test_new_extend_end(void)
{
	struct dossier_error	err;
	struct measure_rec	m, got;
	int64_t			n0 = records(), d, e1, e2;
	size_t			i;

	TEST_START("new, extended twice, ended: read back");
	new_rec(&m);
	/* before the server: checked, nothing written */
	ASSERT_INT_EQ(measure_rec_check_new(db, c1, &m, &err), 0);
	ASSERT_INT_EQ(records(), n0);
	m.zaaknummer[0] = '\0';
	ASSERT_INT_EQ(measure_rec_check_new(db, c1, &m, &err), CS_ERR_USAGE);
	ASSERT_INT_EQ(measure_rec_write_new(db, c1, &m, &err), CS_ERR_USAGE);
	ASSERT_INT_EQ(records(), n0);
	new_rec(&m);
	m.measure_id = 0;	/* not the server's yet: never written */
	ASSERT_INT_NE(measure_rec_write_new(db, c1, &m, &err), 0);
	ASSERT_INT_EQ(records(), n0);
	new_rec(&m);
	ASSERT_INT_EQ(measure_rec_write_new(db, c1, &m, &err), 0);
	ASSERT_INT_EQ(records(), n0 + 1);
	ASSERT_INT_EQ(measure_rec_get(db, m.record_id, &got), 0);
	ASSERT_STR_EQ(got.case_id, c1);
	ASSERT_STR_EQ(got.type, "OTS");
	ASSERT_STR_EQ(got.child_id, kid);
	ASSERT_STR_EQ(got.zaaknummer, "C/08/1");
	ASSERT_INT_EQ(got.measure_id, 7);
	ASSERT_INT_EQ(got.end, m.end);
	ASSERT_INT_EQ(got.ended_on, LC_NODATE);
	ASSERT_INT_EQ(got.next, 0);

	/* two extensions: the second of another court and zaaknummer */
	ASSERT_INT_EQ(lc_date_parse("2027-01-15", &d), 0);
	e1 = lc_add_months(got.end, 12);
	ASSERT_INT_EQ(measure_rec_write_extend(db, &got, d, e1, NULL, NULL,
	    &err), 0);
	ASSERT_INT_EQ(measure_rec_get(db, m.record_id, &got), 0);
	e2 = lc_add_months(e1, 12);
	ASSERT_INT_EQ(measure_rec_write_extend(db, &got, d + 300, e2,
	    "Rechtbank Gelderland", "C/05/9", &err), 0);
	ASSERT_INT_EQ(measure_rec_get(db, m.record_id, &got), 0);
	ASSERT_INT_EQ(got.end, e2);
	ASSERT_INT_EQ(got.next, 2);
	ASSERT_INT_EQ(got.ext[0].previous_end, m.end);
	ASSERT_INT_EQ(got.ext[0].end, e1);
	ASSERT_STR_EQ(got.ext[0].court, "Rechtbank Overijssel");
	ASSERT_STR_EQ(got.ext[0].zaaknummer, "C/08/1");
	ASSERT_INT_EQ(got.ext[1].decision_date, d + 300);
	ASSERT_INT_EQ(got.ext[1].previous_end, e1);
	ASSERT_STR_EQ(got.ext[1].court, "Rechtbank Gelderland");
	ASSERT_STR_EQ(got.ext[1].zaaknummer, "C/05/9");
	/* the court of a decision: no control characters */
	ASSERT_INT_NE(measure_rec_write_extend(db, &got, d, e2 + 1,
	    "Rechtbank\tX", NULL, &err), 0);
	ASSERT_INT_EQ(measure_rec_write_end(db, &got, d + 400, &err), 0);
	ASSERT_INT_EQ(measure_rec_get(db, m.record_id, &got), 0);
	ASSERT_INT_EQ(got.ended_on, d + 400);
	ASSERT_INT_EQ(got.next, 2);
	ASSERT_INT_EQ(records(), n0 + 1);

	/* at most MEASURE_REC_EXT_MAX extensions are kept */
	for (i = got.next; i < MEASURE_REC_EXT_MAX; i++) {
		ASSERT_INT_EQ(measure_rec_write_extend(db, &got, d, got.end + 1,
		    NULL, NULL, &err), 0);
		ASSERT_INT_EQ(measure_rec_get(db, m.record_id, &got), 0);
	}
	ASSERT_INT_EQ(got.next, MEASURE_REC_EXT_MAX);
	ASSERT_INT_EQ(measure_rec_write_extend(db, &got, d, got.end + 1,
	    NULL, NULL, &err), CS_ERR_LIMIT);
	/* not a measure */
	ASSERT_INT_EQ(measure_rec_get(db, kid, &got), CS_ERR_NOT_FOUND);
	TEST_DONE();
}

static void
test_hostile(void)
{
	struct measure_rec	 got;
	char			 id[DB_UUID_LEN + 1];

	TEST_START("a record from elsewhere: what does not parse is left out");
	ASSERT_INT_EQ(tui_put(db, c1, "measure", id, "type", "OTS", "child",
	    "not-a-uuid", "court", "x", "zaaknummer", "y", "decision_date",
	    "2026-02-30", "start", "2026-01-01", "end", "2027-01-01",
	    "measure_id", "-3", "extensions",
	    "2026-06-01\t2028-01-01\t2027-01-01\tRechtbank\tC/1\n"
	    "2026-06-01\t2028-01-01\t2027-01-01\tRechtbank\n"
	    "2026-06-01\t2028-01-01\t2027-01-01\tR\tZ\textra\n"
	    "2026-13-01\t2028-01-01\t2027-01-01\tR\tZ\n"
	    "\n"
	    "2026-07-01\t2029-01-01\t2028-01-01\tR\tZ", NULL), 0);
	ASSERT_INT_EQ(measure_rec_get(db, id, &got), 0);
	ASSERT_STR_EQ(got.child_id, "");
	ASSERT_INT_EQ(got.decision_date, LC_NODATE);
	ASSERT_INT_EQ(got.measure_id, 0);
	ASSERT_INT_EQ(got.next, 2);
	ASSERT_STR_EQ(got.ext[0].zaaknummer, "C/1");
	ASSERT_STR_EQ(got.ext[1].court, "R");
	TEST_DONE();
}

int
main(void)
{
	struct vault	*v;
	char		 top[PATH_MAX];

	ASSERT_INT_EQ(setenv("TZ", "Europe/Amsterdam", 1), 0);
	tdb_start("test_measure_rec", top);
	v = tdb_vault(top, "v", 1);
	db = vault_db(v);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(readlog_init(db), 0);
	ASSERT_INT_EQ(tui_case(db, c1, LC_FRAME_OTS, LC_MAATREGEL_OTS, 10,
	    "Sanne de Vries"), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "person", kid, "name", "Noor Bakker",
	    "role", "child", NULL), 0);
	test_only_the_measure_path();
	test_new_extend_end();
	test_hostile();
	vault_close(v);
	tdb_remove(top, "v");
	(void)rmdir(top);
	return 0;
}
