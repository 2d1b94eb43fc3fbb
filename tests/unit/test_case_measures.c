/* SPDX-License-Identifier: ISC */
/*
 * test_case_measures.c - the laptop's copy of the measures per child
 * (client/core/case_meta.c, case_measures): a CaseInfo's measures are
 * stored with its metadata, replaced by the next CaseInfo, read back
 * newest first, removed with the case's purge; a CaseInfo whose
 * measures do not parse is refused and stores nothing.  And the offline
 * check (measure_net.c, measure_check) decides from that copy as the
 * server does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "case_meta.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "lifecycle.h"
#include "measure.h"
#include "measure_net.h"
#include "msg_case.h"
#include "test.h"
#include "test_db.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char KID1[] = "a0000000-0000-4000-8000-000000000001";
static const char KID2[] = "a0000000-0000-4000-8000-000000000002";
static const char REC1[] = "c0000000-0000-4000-8000-000000000001";

#define count(db, sql)	tdb_count((db), (sql), NULL)

static int64_t
D(const char *s)
{
	int64_t	d;

	if (lc_date_parse(s, &d) != 0)
		TEST_FAIL_("bad test date %s", s);
	return d;
}

static sqlite3 *
open_db(void)
{
	sqlite3	*db;

	ASSERT_INT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_exec(db, "CREATE TABLE vault_secret (name TEXT"
	    " PRIMARY KEY, value BLOB NOT NULL)", NULL, NULL, NULL),
	    SQLITE_OK);
	ASSERT_INT_EQ(dossier_prepare(db), 0);
	return db;
}

static const struct msg_measure_info two[] = {
	{ 5, KID1, "UHP", "2027-02-01", "2027-02-01", "2027-08-01",
	    "running", 0, REC1, "" },
	{ 2, KID1, "OTS", "2027-01-15", "2027-01-15", "2028-01-15",
	    "running", 1, "", "" },
};

static const struct msg_case_deadline dls[] = {
	{ "uhp_end", "2027-08-01", 100, KID1 },
};

static void
info(struct msg_case_info *ci, const struct msg_measure_info *ms, size_t n)
{
	memset(ci, 0, sizeof(*ci));
	ci->case_id = CASE1;
	ci->frame = "OTS";
	ci->state = "MAATREGEL_OTS";
	ci->state_since = "2027-01-15";
	ci->drang_start = "";
	ci->measure_start = "2027-01-15";
	ci->end_date = "2028-01-15";
	ci->approved_by = "";
	ci->regisseur = "anna";
	ci->deadlines = dls;
	ci->n_deadlines = 1;
	ci->measures = ms;
	ci->n_measures = n;
}

static void
test_store_and_replace(void)
{
	struct case_measures	*ms = malloc(sizeof(*ms));
	struct msg_measure_info	 bad[2];
	struct msg_case_info	 ci;
	struct case_meta	 m;
	sqlite3			*db = open_db();
	uint32_t		 n;

	TEST_START("case_measures: stored with the CaseInfo, replaced, "
	    "purged; a bad one refused");
	ASSERT_PTR_NE(ms, NULL);
	ASSERT_INT_EQ(case_measures_get(db, CASE1, ms), 0);
	ASSERT_INT_EQ(ms->n, 0);
	info(&ci, two, 2);
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), 0);
	ASSERT_INT_EQ(m.lc.state, LC_MAATREGEL_OTS);
	ASSERT_INT_EQ(case_meta_get(db, CASE1, &m), 0);
	ASSERT_INT_EQ(m.lc.end_date, D("2028-01-15"));
	ASSERT_INT_EQ(case_measures_get(db, CASE1, ms), 0);
	ASSERT_INT_EQ(ms->n, 2);
	ASSERT_INT_EQ(ms->m[0].id, 5);			/* newest first */
	ASSERT_INT_EQ(ms->m[0].type, MS_UHP);
	ASSERT_STR_EQ(ms->m[0].child_id, KID1);
	ASSERT_STR_EQ(ms->record_id[0], REC1);
	ASSERT_INT_EQ(ms->m[0].end, D("2027-08-01"));
	ASSERT_INT_EQ(ms->m[0].ended_on, LC_NODATE);
	ASSERT_INT_EQ(ms->m[1].extensions, 1);
	ASSERT_STR_EQ(ms->record_id[1], "");
	/* the next CaseInfo replaces them: the UHP ended */
	bad[0] = two[0];
	bad[0].ended_on = "2027-03-01";
	bad[0].status = "ended";
	info(&ci, bad, 1);
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), 0);
	ASSERT_INT_EQ(case_measures_get(db, CASE1, ms), 0);
	ASSERT_INT_EQ(ms->n, 1);
	ASSERT_INT_EQ(ms->m[0].ended_on, D("2027-03-01"));
	/* a measure that does not parse: refused, the copy stays */
	bad[0] = two[0];
	bad[0].type = "OTS2";
	info(&ci, bad, 1);
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), CS_ERR_FORMAT);
	bad[0] = two[0];
	bad[0].child_id = "kind";
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), CS_ERR_FORMAT);
	bad[0] = two[0];
	bad[0].start_date = "";
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), CS_ERR_FORMAT);
	ASSERT_INT_EQ(case_measures_get(db, CASE1, ms), 0);
	ASSERT_INT_EQ(ms->n, 1);
	ASSERT_INT_EQ(ms->m[0].ended_on, D("2027-03-01"));
	/* the purge takes them with the case */
	ASSERT_INT_EQ(db_purge_case(db, CASE1, &n), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM case_measures"), 0);
	sqlite3_close(db);
	free(ms);
	TEST_DONE();
}

static void
test_offline_check(void)
{
	struct measure_change	 ch;
	struct msg_case_info	 ci;
	struct case_meta	 m;
	const char		*why;
	sqlite3			*db = open_db();

	TEST_START("measure_check: the laptop's copy decides as the server");
	memset(&ch, 0, sizeof(ch));
	ch.case_id = CASE1;
	ch.child_id = KID1;
	ch.action = MS_START;
	ch.type = MS_UHP;
	ch.decision = D("2027-03-01");
	ch.start = LC_NODATE;
	ch.end = D("2028-01-16");		/* a day past the OTS */
	ch.birth = LC_NODATE;
	/* no copy: the server decides */
	ASSERT_INT_EQ(measure_check(db, &ch, D("2027-03-01"), &why), 0);
	info(&ci, &two[1], 1);
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), 0);
	ASSERT_INT_EQ(measure_check(db, &ch, D("2027-03-01"), &why),
	    CS_ERR_LIMIT);
	ASSERT_TRUE(strstr(why, "lies within") != NULL);
	ch.end = D("2028-01-15");
	ASSERT_INT_EQ(measure_check(db, &ch, D("2027-03-01"), &why), 0);
	ch.child_id = KID2;			/* no OTS for this child */
	ASSERT_INT_EQ(measure_check(db, &ch, D("2027-03-01"), &why),
	    CS_ERR_STATE);
	/* a closed case takes nothing */
	ci.state = "GESLOTEN";
	ASSERT_INT_EQ(case_meta_put_info(db, &ci, &m), 0);
	ch.child_id = KID1;
	ASSERT_INT_EQ(measure_check(db, &ch, D("2027-03-01"), &why),
	    CS_ERR_CASE_CLOSED);
	sqlite3_close(db);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_store_and_replace();
	test_offline_check();
	return 0;
}
