/* SPDX-License-Identifier: ISC */
/*
 * test_store_measures.c - measures per child in the server's store on a
 * real SQLite file: who may register one, which child ids are refused
 * (not a person of the case, deleted, another case's), start, extend
 * and end with the law's limits, that a refusal changes nothing, the
 * family state following the children, CaseState to MAATREGEL_*
 * refused and closing refused while a measure runs, a backdated start,
 * and the audit entry written in the change's own transaction (an
 * entry that cannot be written undoes the change).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "audit_entry.h"
#include "errors.h"
#include "lifecycle.h"
#include "measure.h"
#include "store.h"
#include "store_cases.h"
#include "store_measures.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1798588800)	/* 2026-12-30 */

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_device anna, bert, femke, lars;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	CASE2[] = "22222222-2222-4222-8222-222222222222";
static const char	NOCASE[] = "99999999-9999-4999-8999-999999999999";
/* persons of CASE1: three children; a journal entry; a deleted person */
static const char	KID1[] = "a0000000-0000-4000-8000-000000000001";
static const char	KID2[] = "a0000000-0000-4000-8000-000000000002";
static const char	KID3[] = "a0000000-0000-4000-8000-000000000003";
static const char	NOTE[] = "a0000000-0000-4000-8000-000000000004";
static const char	GONE[] = "a0000000-0000-4000-8000-000000000005";
static const char	OTHER[] = "b0000000-0000-4000-8000-000000000001";
static const char	REC[] = "c0000000-0000-4000-8000-000000000001";

static int64_t
D(const char *s)
{
	int64_t	d;

	if (lc_date_parse(s, &d) != 0)
		TEST_FAIL_("bad test date %s", s);
	return d;
}

static void
device(struct store_device *d, const char *name, int64_t id)
{
	memset(d, 0, sizeof(*d));
	d->id = id;
	ASSERT_INT_EQ(store_user_get(st, name, &d->user), 0);
}

static void
push(const char *rid, const char *kase, const char *kind, int deleted,
    int64_t base)
{
	struct store_change		c;
	struct store_change_result	res;
	static unsigned			n;
	char				cid[STORE_UUID_LEN + 1];
	int64_t				seq;

	snprintf(cid, sizeof(cid), "d0000000-0000-4000-8000-%012u", ++n);
	memset(&c, 0, sizeof(c));
	c.change_id = cid;
	memcpy(c.rec.record_id, rid, STORE_UUID_LEN + 1);
	memcpy(c.rec.case_id, kase, STORE_UUID_LEN + 1);
	snprintf(c.rec.kind, sizeof(c.rec.kind), "%s", kind);
	c.rec.body = (const uint8_t *)"sealed";
	c.rec.body_len = 6;
	c.rec.deleted = deleted;
	c.base_version = base;
	ASSERT_INT_EQ(store_push(st, anna.user.id, anna.id, &c, 1, &res,
	    &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	store_results_clear(&res, 1);
}

static int64_t
count(const char *sql)
{
	return test_sql_int(dbpath, sql);
}

static void
exec_sql(const char *sql)
{
	test_sql_exec(dbpath, sql);
}

static int64_t
entries(void)
{
	return count("SELECT count(*) FROM audit_log WHERE"
	    " type = 'child_measure'");
}

static int
state(const struct store_user *u, enum lc_state to, const char *today)
{
	struct store_case_meta	*m = malloc(sizeof(*m));
	struct lc_change	 q;
	const char		*why = NULL;
	int			 r;

	ASSERT_PTR_NE(m, NULL);
	memset(&q, 0, sizeof(q));
	q.to = to;
	q.effective = q.end = LC_NODATE;
	/*
	 * AFSLUITING comes by an approved closing (store_approvals.c),
	 * which applies it as store_case_apply() does: the same rules.
	 */
	if (to == LC_AFSLUITING)
		r = store_case_apply(st, CASE1, &q, u->id, D(today), m, &why);
	else
		r = store_case_change(st, u, CASE1, &q, NULL, D(today), m,
		    &why);
	if (r != 0)
		ASSERT_PTR_NE(why, NULL);
	free(m);
	return r;
}

/* The last change's outcome, for the assertions after it. */
static struct store_case_meta		meta;
static struct store_measure_result	res;
static const char			*why;

static int
measure(const struct store_device *dev, enum ms_action a, uint64_t id,
    const char *child, enum ms_type t, const char *dec, const char *start,
    const char *end, const char *birth, const char *today)
{
	struct audit_entry	e;
	struct ms_request	q;
	int			r;

	memset(&q, 0, sizeof(q));
	q.action = a;
	q.measure_id = id;
	q.child_id = child;
	q.type = t;
	q.decision = dec != NULL ? D(dec) : LC_NODATE;
	q.start = start != NULL ? D(start) : LC_NODATE;
	q.end = end != NULL ? D(end) : LC_NODATE;
	q.birth = birth != NULL ? D(birth) : LC_NODATE;
	audit_entry_init(&e, "child_measure", AUDIT_UPDATE, 1);
	audit_entry_device(&e, dev, "127.0.0.1");
	audit_set(e.client_ref, CASE1);
	audit_set(e.object_type, "child");
	audit_set(e.object_id, child);
	why = NULL;
	r = store_measure_change(st, dev, CASE1, &q, a == MS_START ? REC : "",
	    D(today), NOW, &e, &meta, &res, &why);
	if (r != 0 && r != CS_ERR_DB)
		ASSERT_PTR_NE(why, NULL);
	return r;
}

static const struct ms_measure *
find(uint64_t id)
{
	size_t	i;

	for (i = 0; i < meta.n_measures; i++)
		if (meta.measures[i].id == id)
			return &meta.measures[i];
	TEST_FAIL_("measure %llu not loaded", (unsigned long long)id);
	return NULL;
}

static void
setup(void)
{
	int64_t			id, seq;
	struct store_user	u;

	st = TEST_STORE_OPEN("test_store_measures", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &u);
	ASSERT_INT_EQ(store_user_add(st, "bert", "jeugdbeschermer", "Zwolle",
	    &id), 0);
	ASSERT_INT_EQ(store_user_add(st, "femke", "teamleider", "Zwolle",
	    &id), 0);
	ASSERT_INT_EQ(store_user_add(st, "lars", "teamleider", "Lelystad",
	    &id), 0);
	device(&anna, "anna", 7);
	device(&bert, "bert", 8);
	device(&femke, "femke", 9);
	device(&lars, "lars", 10);
	ASSERT_INT_EQ(store_case_create(st, &anna.user, CASE1, "DRANG", NOW,
	    &seq), 0);
	ASSERT_INT_EQ(store_case_member(st, &anna.user, CASE1, "bert", 0, 0,
	    &seq), 0);
	ASSERT_INT_EQ(store_case_create(st, &u, CASE2, "DRANG", NOW, &seq),
	    0);
	push(KID1, CASE1, "person", 0, 0);
	push(KID2, CASE1, "person", 0, 0);
	push(KID3, CASE1, "person", 0, 0);
	push(NOTE, CASE1, "journal", 0, 0);
	push(GONE, CASE1, "person", 0, 0);
	push(GONE, CASE1, "person", 1,
	    count("SELECT version FROM records WHERE record_id ="
	    " 'a0000000-0000-4000-8000-000000000005'"));
	push(OTHER, CASE2, "person", 0, 0);
	ASSERT_INT_EQ(state(&anna.user, LC_DRANG_INTENSIEF, "2026-12-30"), 0);
	ASSERT_INT_EQ(state(&anna.user, LC_RAAD_MELDING, "2026-12-30"), 0);
}

static void
test_who_and_which_child(void)
{
	int64_t	n0 = entries();

	TEST_START("who may, and which child: a live person of the case");
	ASSERT_INT_EQ(measure(&bert, MS_START, 0, KID1, MS_VOTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), CS_ERR_AUTH);
	ASSERT_INT_EQ(measure(&lars, MS_START, 0, KID1, MS_VOTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), CS_ERR_AUTH);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, NOTE, MS_VOTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, GONE, MS_VOTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, OTHER, MS_VOTS,
	    "2026-12-30", NULL, NULL, NULL, "2026-12-30"), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, REC, MS_VOTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), CS_ERR_NOT_FOUND);
	/* a case that does not exist */
	{
		struct ms_request	q;

		memset(&q, 0, sizeof(q));
		q.action = MS_START;
		q.child_id = KID1;
		q.type = MS_OTS;
		q.decision = D("2026-12-30");
		q.start = q.end = q.birth = LC_NODATE;
		ASSERT_INT_EQ(store_measure_change(st, &anna, NOCASE, &q, REC,
		    D("2026-12-30"), NOW, NULL, &meta, &res, &why),
		    CS_ERR_NOT_FOUND);
	}
	/* refusals are the caller's to audit: nothing was written */
	ASSERT_INT_EQ(count("SELECT count(*) FROM child_measures"), 0);
	ASSERT_INT_EQ(entries(), n0);
	TEST_DONE();
}

static uint64_t	vots1, ots1, ots2, uhp1;

static void
test_start(void)
{
	char	detail[256];

	TEST_START("start: VOTS backdated by its decision, the family "
	    "follows; limits refused and nothing changes");
	/* the decision lies before the case was registered (30 Dec) */
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID1, MS_VOTS, "2026-12-20",
	    NULL, NULL, NULL, "2026-12-30"), 0);
	vots1 = res.measure.id;
	ASSERT_INT_EQ(res.backdated, 1);
	ASSERT_INT_EQ(res.state_changed, 1);
	ASSERT_INT_EQ(meta.lc.state, LC_MAATREGEL_VOTS);
	ASSERT_INT_EQ(meta.lc.frame, LC_FRAME_VOTS);
	ASSERT_INT_EQ(meta.lc.state_since, D("2026-12-20"));
	ASSERT_INT_EQ(meta.lc.end_date, D("2027-03-20"));
	ASSERT_INT_EQ(meta.n_measures, 1);
	ASSERT_STR_EQ(meta.measure_records[0], REC);
	ASSERT_STR_EQ(meta.measures[0].child_id, KID1);
	/* its audit entry: ids and dates, backdated; no name */
	ASSERT_INT_EQ(count("SELECT count(*) FROM audit_log WHERE type ="
	    " 'child_measure' AND object_id ="
	    " 'a0000000-0000-4000-8000-000000000001' AND client_ref ="
	    " '11111111-1111-4111-8111-111111111111' AND detail LIKE"
	    " 'start VOTS m=% dec=2026-12-20 from=2026-12-20 to=2027-03-20"
	    " backdated'"), 1);
	/* the limits: each refused, nothing written */
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID2, MS_OTS, "2026-12-30",
	    NULL, "2029-12-30", NULL, "2026-12-30"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID2, MS_UHP, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), CS_ERR_STATE);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID3,
	    MS_VOOGDIJ_ONTZETTING, "2026-12-30", NULL, "2030-03-01",
	    "2012-02-29", "2026-12-30"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID3,
	    MS_VOOGDIJ_ONTZETTING, "2026-12-30", NULL, NULL, NULL,
	    "2026-12-30"), CS_ERR_FORMAT);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID2, MS_OTS, "2026-12-30",
	    "2026-12-29", NULL, NULL, "2026-12-30"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(count("SELECT count(*) FROM child_measures"), 1);
	ASSERT_INT_EQ(store_case_load(st, CASE1, &meta), 0);
	ASSERT_INT_EQ(meta.lc.state, LC_MAATREGEL_VOTS);
	/* a team lead of the office may register one */
	ASSERT_INT_EQ(measure(&femke, MS_START, 0, KID1, MS_OTS, "2027-01-15",
	    NULL, NULL, NULL, "2027-01-15"), 0);
	ots1 = res.measure.id;
	ASSERT_INT_EQ(res.backdated, 0);
	ASSERT_INT_EQ(meta.lc.state, LC_MAATREGEL_OTS);
	ASSERT_INT_EQ(meta.lc.frame, LC_FRAME_OTS);
	ASSERT_INT_EQ(meta.lc.state_since, D("2027-01-15"));
	ASSERT_INT_EQ(meta.measures[0].id, ots1);	/* newest first */
	ASSERT_INT_EQ(ms_status(meta.measures, meta.n_measures, 1,
	    D("2027-04-01")), MS_ENDED);		/* the OTS followed */
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID2, MS_OTS, "2027-01-15",
	    NULL, "2027-07-15", NULL, "2027-01-15"), 0);
	ots2 = res.measure.id;
	ASSERT_INT_EQ(res.state_changed, 0);
	ASSERT_INT_EQ(meta.lc.state_since, D("2027-01-15"));
	ASSERT_INT_EQ(meta.lc.end_date, D("2028-01-15"));	/* latest */
	/* a UHP one day past the OTS's end, then within it */
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID1, MS_UHP, "2027-02-01",
	    NULL, "2028-01-16", NULL, "2027-02-01"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID1, MS_UHP, "2027-02-01",
	    NULL, "2027-08-01", NULL, "2027-02-01"), 0);
	uhp1 = res.measure.id;
	ASSERT_INT_EQ(meta.n_measures, 4);
	store_measure_detail(detail, sizeof(detail), &(struct ms_request){
	    .action = MS_END, .type = MS_OTS, .measure_id = 3,
	    .decision = LC_NODATE, .start = LC_NODATE,
	    .end = D("2027-02-01") }, NULL, 0, CS_ERR_RUNNING);
	ASSERT_STR_EQ(detail, "end OTS m=3 dec=- from=- ended=2027-02-01 "
	    "refused: a measure of a child still runs");
	TEST_DONE();
}

static void
test_extend(void)
{
	TEST_START("extend: 12 months beyond the end, not a day more");
	ASSERT_INT_EQ(measure(&anna, MS_EXTEND, ots2, KID2, MS_NTYPES,
	    "2027-06-01", NULL, "2028-07-16", NULL, "2027-06-01"),
	    CS_ERR_LIMIT);
	ASSERT_INT_EQ(measure(&anna, MS_EXTEND, ots2, KID1, MS_NTYPES,
	    "2027-06-01", NULL, "2028-07-15", NULL, "2027-06-01"),
	    CS_ERR_STATE);			/* another child's measure */
	ASSERT_INT_EQ(measure(&anna, MS_EXTEND, 999, KID2, MS_NTYPES,
	    "2027-06-01", NULL, "2028-07-15", NULL, "2027-06-01"),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(measure(&anna, MS_EXTEND, ots2, KID2, MS_NTYPES,
	    "2027-06-01", NULL, "2028-07-15", NULL, "2027-06-01"), 0);
	ASSERT_INT_EQ(find(ots2)->end, D("2028-07-15"));
	ASSERT_INT_EQ(find(ots2)->extensions, 1);
	ASSERT_INT_EQ(find(ots2)->decision, D("2027-06-01"));
	ASSERT_INT_EQ(meta.lc.end_date, D("2028-07-15"));
	/* the VOTS is not extended: it ended, an OTS followed it */
	ASSERT_INT_EQ(measure(&anna, MS_EXTEND, vots1, KID1, MS_NTYPES,
	    "2027-03-01", NULL, "2027-03-20", NULL, "2027-06-01"),
	    CS_ERR_STATE);
	TEST_DONE();
}

static void
test_close_and_end(void)
{
	TEST_START("plain CaseState to a measure refused; no closing while a "
	    "measure runs; the case stays until closed");
	ASSERT_INT_EQ(state(&anna.user, LC_MAATREGEL_VOOGDIJ, "2027-06-01"),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(state(&anna.user, LC_MAATREGEL_OTS, "2027-06-01"),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(state(&anna.user, LC_AFSLUITING, "2027-06-01"),
	    CS_ERR_RUNNING);
	/* the OTS does not end under its UHP */
	ASSERT_INT_EQ(measure(&anna, MS_END, ots1, KID1, MS_NTYPES, NULL,
	    NULL, "2027-06-01", NULL, "2027-06-01"), CS_ERR_STATE);
	ASSERT_INT_EQ(measure(&anna, MS_END, uhp1, KID1, MS_NTYPES, NULL,
	    NULL, "2027-06-01", NULL, "2027-06-01"), 0);
	ASSERT_INT_EQ(find(uhp1)->ended_on, D("2027-06-01"));
	ASSERT_INT_EQ(measure(&anna, MS_END, uhp1, KID1, MS_NTYPES, NULL,
	    NULL, "2027-06-01", NULL, "2027-06-01"), CS_ERR_STATE);
	ASSERT_INT_EQ(measure(&anna, MS_END, ots1, KID1, MS_NTYPES, NULL,
	    NULL, "2027-06-01", NULL, "2027-06-01"), 0);
	ASSERT_INT_EQ(meta.lc.state, LC_MAATREGEL_OTS);	/* KID2 still */
	ASSERT_INT_EQ(state(&anna.user, LC_AFSLUITING, "2027-06-02"),
	    CS_ERR_RUNNING);
	ASSERT_INT_EQ(measure(&anna, MS_END, ots2, KID2, MS_OTS, NULL,
	    NULL, "2027-06-02", NULL, "2027-06-02"), 0);
	/* every measure ended: still MAATREGEL_OTS, until closed */
	ASSERT_INT_EQ(meta.lc.state, LC_MAATREGEL_OTS);
	ASSERT_INT_EQ(ms_any_running(meta.measures, meta.n_measures,
	    D("2027-06-03")), 0);
	ASSERT_INT_EQ(state(&anna.user, LC_AFSLUITING, "2027-06-03"), 0);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID3, MS_OTS, "2027-06-03",
	    NULL, NULL, NULL, "2027-06-03"), CS_ERR_STATE);
	ASSERT_INT_EQ(state(&anna.user, LC_NAZORG, "2027-06-03"), 0);
	ASSERT_INT_EQ(state(&anna.user, LC_GESLOTEN, "2027-06-03"), 0);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID3, MS_OTS, "2027-06-03",
	    NULL, NULL, NULL, "2027-06-03"), CS_ERR_CASE_CLOSED);
	TEST_DONE();
}

static void
teardown(void)
{
	char	path[PATH_MAX + 8];

	store_close(st);
	st = NULL;
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
}

static void
test_audit_in_tx(void)
{
	struct store_case_meta	before;
	int64_t			n0, m0;

	TEST_START("the audit entry is in the change's transaction");
	/* a fresh store: CASE1 back in RAAD_MELDING without measures */
	teardown();
	setup();
	n0 = entries();
	m0 = count("SELECT count(*) FROM child_measures");
	exec_sql(test_store_pg() ? "CREATE FUNCTION no_cm() RETURNS trigger"
	    " LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION 'audit full';"
	    " END $f$; CREATE TRIGGER no_child_measure BEFORE INSERT ON"
	    " audit_log FOR EACH ROW WHEN (NEW.type = 'child_measure')"
	    " EXECUTE FUNCTION no_cm();" :
	    "CREATE TRIGGER no_child_measure BEFORE INSERT ON audit_log"
	    " WHEN NEW.type = 'child_measure' BEGIN SELECT RAISE(ABORT,"
	    " 'audit full'); END;");
	ASSERT_INT_NE(measure(&anna, MS_START, 0, KID1, MS_OTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), 0);
	ASSERT_INT_EQ(count("SELECT count(*) FROM child_measures"), m0);
	ASSERT_INT_EQ(store_case_load(st, CASE1, &before), 0);
	ASSERT_INT_EQ(before.lc.state, LC_RAAD_MELDING);
	exec_sql(test_store_pg() ? "DROP TRIGGER no_child_measure ON"
	    " audit_log;" : "DROP TRIGGER no_child_measure;");
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID1, MS_OTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), 0);
	ASSERT_INT_EQ(count("SELECT count(*) FROM child_measures"), m0 + 1);
	ASSERT_INT_EQ(entries(), n0 + 1);
	ASSERT_INT_EQ(meta.lc.state, LC_MAATREGEL_OTS);
	TEST_DONE();
}

static void
test_lapse(void)
{
	TEST_START("a lapsed VOTS: shown lapsed, blocks a UHP within it");
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID2, MS_VOTS, "2026-12-30",
	    NULL, NULL, NULL, "2026-12-30"), 0);
	/* 31 Mar 2027: the VOTS (to 30 Mar) lapsed, no OTS followed */
	ASSERT_INT_EQ(store_case_load(st, CASE1, &meta), 0);
	ASSERT_INT_EQ(ms_status(meta.measures, meta.n_measures, 0,
	    D("2027-03-31")), MS_LAPSED);
	ASSERT_INT_EQ(measure(&anna, MS_START, 0, KID2, MS_UHP, "2027-03-01",
	    NULL, NULL, NULL, "2027-03-31"), CS_ERR_STATE);
	ASSERT_TRUE(strstr(why, "lapsed") != NULL);
	TEST_DONE();
}

int
main(void)
{
	setup();
	test_who_and_which_child();
	test_start();
	test_extend();
	test_close_and_end();
	test_audit_in_tx();
	test_lapse();
	teardown();
	return 0;
}
