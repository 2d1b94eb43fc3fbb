/* SPDX-License-Identifier: ISC */
/*
 * test_store_report.c - the management figures of casesyncctl report
 * (store_report.c) against a fixture with known counts: cases in two
 * offices and four frames with states and dates set directly, the
 * audit entries and approval that end their drang, child measures,
 * transfers (counted and not) and break-the-glass uses; every figure
 * compared exactly, with and without --since and --office.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "errors.h"
#include "lifecycle.h"
#include "store.h"
#include "store_int.h"
#include "store_report.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

/*
 * A date as days since 1970 and as seconds (noon), and bytes, in SQL:
 * the fixture is written once and expanded for each backend.
 */
#define D_LITE(s)	"(CAST(julianday('" s "') - 2440587.5 AS INTEGER))"
#define S_LITE(s)	"(CAST(strftime('%s', '" s " 12:00:00') AS INTEGER))"
#define B32_LITE	"randomblob(32)"
#define B1_LITE		"x'00'"
#define D_PG(s)		"(DATE '" s "' - DATE '1970-01-01')"
#define S_PG(s)		"CAST(EXTRACT(EPOCH FROM TIMESTAMP '" s		\
	" 12:00:00') AS BIGINT)"
#define B32_PG		"decode(repeat('ab', 32), 'hex')"
#define B1_PG		"decode('00', 'hex')"

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static int64_t		today;

/* id, office, frame, state, created, drang_start, extended, closed_on */
#define CASE(id, o, f, s, cr, ds, ext, cl)				\
	"INSERT INTO cases(id, office_id, frame, state, created_at,"	\
	" created_seq, drang_start, extended, closed_on) VALUES ('" id	\
	"', " o ", '" f "', '" s "', " S(cr) ", 1, " ds ", " ext ", "	\
	cl ");"

#define AUDIT(case_id, at, outcome, detail)				\
	"INSERT INTO audit_log(server_time, device_time, action, type,"	\
	" outcome, user_id, \"user\", role, office, on_behalf_of, purpose,"\
	" basis, legal_basis, client_ref, object_type, object_id,"	\
	" device_id, addr, detail, leaf, idx) VALUES (" S(at) ", 0, 'U',"	\
	" 'case_state', '" outcome "', 1, 'anna', 'jeugdbeschermer',"	\
	" 'Zwolle', '', '', '', '', '" case_id "', 'case', '" case_id	\
	"', 1, '', '" detail "', " B1 ", (SELECT coalesce(max(idx), -1)"	\
	" + 1 FROM audit_log));"

#define ZW	"(SELECT id FROM offices WHERE name = 'Zwolle')"
#define DV	"(SELECT id FROM offices WHERE name = 'Deventer')"

#define FIXTURE								\
    "INSERT INTO devices(id, user_id, name, keyhash, enrolled_at,"	\
    " cert_not_after) VALUES (1, 1, 'laptop', " B32 ", 0, 0);"		\
    /* Zwolle */	\
    CASE("z1", ZW, "DRANG", "DRANG_INTENSIEF", "2026-03-10",	\
	D("2026-04-01"), "0", "NULL")	\
    CASE("z2", ZW, "DRANG", "DRANG_INTENSIEF", "2026-06-01",	\
	D("2026-06-01"), "0", "NULL")	\
    CASE("z3", ZW, "DRANG", "DRANG_VERVOLG", "2026-01-20",	\
	D("2026-02-01"), "1", "NULL")	\
    CASE("z4", ZW, "DRANG", "RAAD_MELDING", "2026-01-05",	\
	D("2026-01-10"), "0", "NULL")	\
    CASE("z5", ZW, "OTS", "MAATREGEL_OTS", "2025-11-03",	\
	D("2025-11-10"), "0", "NULL")	\
    CASE("z6", ZW, "DRANG", "GESLOTEN", "2025-12-01",	\
	D("2025-12-01"), "0", D("2026-05-20"))	\
    CASE("z7", ZW, "VOOGDIJ", "GESLOTEN", "2025-06-01", "NULL", "0",	\
	D("2026-02-10"))	\
    /* Deventer */	\
    CASE("d1", DV, "OTS", "MAATREGEL_OTS", "2026-02-14", "NULL", "0",	\
	"NULL")	\
    CASE("d2", DV, "VOTS", "MAATREGEL_VOTS", "2026-05-30", "NULL", "0",	\
	"NULL")	\
    CASE("d3", DV, "DRANG", "AANMELDING", "2026-06-02", "NULL", "0",	\
	"NULL")	\
    /* drang ends: z4 to the Raad after 50 days, z5 after 30 */	\
    AUDIT("z4", "2026-03-01", "success", "to=RAAD_MELDING")	\
    AUDIT("z5", "2025-12-10", "success", "to=RAAD_MELDING")	\
    AUDIT("z5", "2026-01-15", "success", "to=MAATREGEL_OTS end=2027-01-15")	\
    /* z6: a refused melding does not count; closed after 151 days */	\
    AUDIT("z6", "2026-02-01", "failure", "to=RAAD_MELDING refused: x")	\
    "INSERT INTO approvals(case_id, kind, state, requested_by,"	\
    " requested_device, requested_at, record_id, decided_by,"	\
    " decided_at) VALUES ('z6', 'case_close', 'approved', 1, 1,"	\
    " " S("2026-04-30") ", 'r1', 1, " S("2026-05-01") ");"	\
    /* a refused closing of z4 is no end of its drang */	\
    "INSERT INTO approvals(case_id, kind, state, requested_by,"	\
    " requested_device, requested_at, record_id, decided_by,"	\
    " decided_at) VALUES ('z4', 'case_close', 'refused', 1, 1,"	\
    " " S("2026-01-30") ", 'r2', 1, " S("2026-02-01") ");"	\
    /* z5: one OTS whose request is due (end - 56 days before today) */	\
    "INSERT INTO child_measures(case_id, child_id, type, decision_date,"	\
    " start_date, end_date, extensions, record_id, created_by,"	\
    " created_device, created_at, changed_at) VALUES"	\
    " ('z5', 'c1', 'OTS', 0, " D("2025-07-01") ", " D("2026-07-01")	\
    ", 0, 'm1', 1, 1, 0, 0),"	\
    " ('z5', 'c2', 'OTS', 0, " D("2025-03-01") ", " D("2027-03-01")	\
    ", 1, 'm2', 1, 1, 0, 0),"	\
    " ('z5', 'c3', 'OTS', 0, " D("2025-07-01") ", " D("2026-07-01")	\
    ", 0, 'm3', 1, 1, 0, 0);"	\
    "UPDATE child_measures SET ended_on = " D("2026-03-01")	\
    " WHERE record_id = 'm3';"	\
    /* d1 came from Zwolle; d2's requested and rejected ones do not count */	\
    "INSERT INTO transfers(case_id, state, reason, note, from_office_id,"	\
    " to_office_id, requested_by, requested_at, decided_at) VALUES"	\
    " ('d1', 'COMPLETED', 'moved', '', " ZW ", " DV ", 1, 0, "	\
    S("2026-04-02") "),"	\
    " ('d2', 'REJECTED', 'moved', '', " DV ", " ZW ", 1, 0, "	\
    S("2026-05-31") "),"	\
    " ('d2', 'REQUESTED', 'moved', '', " DV ", " ZW ", 1, 0, NULL);"	\
    "INSERT INTO glass(case_id, user_id, case_office_id, reason,"	\
    " granted_at, expires_at) VALUES"	\
    " ('d1', 1, " DV ", 'crisis', " S("2026-04-05") ", 0),"	\
    " ('d3', 1, " DV ", 'crisis', " S("2025-10-01") ", 0);"

#define D	D_LITE
#define S	S_LITE
#define B32	B32_LITE
#define B1	B1_LITE
static const char fixture_sqlite[] = FIXTURE;
#undef D
#undef S
#undef B32
#undef B1
#define D	D_PG
#define S	S_PG
#define B32	B32_PG
#define B1	B1_PG
static const char fixture_pg[] = FIXTURE;


static void
setup(void)
{
	int64_t	id;

	st = TEST_STORE_OPEN("test_store_report", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Deventer", NULL, &id), 0);
	ASSERT_INT_EQ(store_user_add(st, "anna", "jeugdbeschermer", "Zwolle",
	    &id), 0);
	ASSERT_INT_EQ(id, 1);
	ASSERT_INT_EQ(store_exec(st, test_store_pg() ? fixture_pg :
	    fixture_sqlite), 0);
	ASSERT_INT_EQ(lc_date_parse("2026-06-15", &today), 0);
}

static const struct store_report_group *
group(const struct store_report *rep, const char *office, enum lc_frame f)
{
	size_t	i;

	for (i = 0; i < rep->ngroups; i++)
		if (strcmp(rep->groups[i].office, office) == 0 &&
		    rep->groups[i].frame == f)
			return &rep->groups[i];
	TEST_FAIL_("no group %s %d", office, (int)f);
	return NULL;
}

/* Every figure of one group, in the order of the struct. */
static void
expect(const struct store_report *rep, const char *office, enum lc_frame f,
    const int64_t want[13])
{
	const struct store_report_group	*g = group(rep, office, f);
	const int64_t			 got[13] = { g->active, g->new_cases,
	    g->closed, g->drang_ended, g->drang_to_raad, g->drang_median_x2,
	    g->drang_extended, g->ots_extensions, g->toetsing_overdue,
	    g->ots_request_overdue, g->transfers_in, g->transfers_out,
	    g->glass };
	size_t				 i;

	for (i = 0; i < 13; i++)
		if (got[i] != want[i])
			TEST_FAIL_("%s %s figure %zu: got %lld, want %lld",
			    office, lc_frame_name(f), i, (long long)got[i],
			    (long long)want[i]);
}

/* new and closed of a group in "ym", 0 0 if it has no line */
static void
expect_month(const struct store_report *rep, const char *office,
    enum lc_frame f, int y, int m, int64_t n, int64_t c)
{
	const struct store_report_group	*g = group(rep, office, f);
	size_t				 i;

	for (i = 0; i < rep->nmonths; i++)
		if (rep->months[i].group == (size_t)(g - rep->groups) &&
		    rep->months[i].year == y && rep->months[i].month == m)
			break;
	if (i == rep->nmonths) {
		ASSERT_INT_EQ(n + c, 0);
		return;
	}
	ASSERT_INT_EQ(rep->months[i].new_cases, n);
	ASSERT_INT_EQ(rep->months[i].closed, c);
}

static void
test_all(void)
{
	struct store_report	rep;
	size_t			i;

	TEST_START("report: every figure of every office and frame");
	ASSERT_INT_EQ(store_report_make(st, NULL, LC_NODATE, today, &rep), 0);
	ASSERT_INT_EQ(rep.ngroups, 8);
	/* by office name, then frame */
	ASSERT_STR_EQ(rep.groups[0].office, "Deventer");
	ASSERT_STR_EQ(rep.groups[4].office, "Zwolle");
	/*                     act new cl end raad med ext otx toe ots in out gl */
	expect(&rep, "Zwolle", LC_FRAME_DRANG,
	    (const int64_t[]){ 4, 5, 1, 3, 2, 100, 1, 0, 1, 0, 0, 0, 0 });
	expect(&rep, "Zwolle", LC_FRAME_VOTS,
	    (const int64_t[]){ 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0 });
	expect(&rep, "Zwolle", LC_FRAME_OTS,
	    (const int64_t[]){ 1, 1, 0, 0, 0, -1, 0, 1, 0, 1, 0, 1, 0 });
	expect(&rep, "Zwolle", LC_FRAME_VOOGDIJ,
	    (const int64_t[]){ 0, 1, 1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0 });
	expect(&rep, "Deventer", LC_FRAME_DRANG,
	    (const int64_t[]){ 1, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 1 });
	expect(&rep, "Deventer", LC_FRAME_VOTS,
	    (const int64_t[]){ 1, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0 });
	expect(&rep, "Deventer", LC_FRAME_OTS,
	    (const int64_t[]){ 1, 1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 1 });
	expect(&rep, "Deventer", LC_FRAME_VOOGDIJ,
	    (const int64_t[]){ 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0 });
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2025, 12, 1, 0);
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2026, 1, 2, 0);
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2026, 2, 0, 0);
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2026, 3, 1, 0);
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2026, 5, 0, 1);
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2026, 6, 1, 0);
	expect_month(&rep, "Zwolle", LC_FRAME_VOOGDIJ, 2025, 6, 1, 0);
	expect_month(&rep, "Zwolle", LC_FRAME_VOOGDIJ, 2026, 2, 0, 1);
	expect_month(&rep, "Deventer", LC_FRAME_VOTS, 2026, 5, 1, 0);
	/* 5 + 2 + 1 (Zwolle OTS 2025-11) + 3 (Deventer) lines */
	ASSERT_INT_EQ(rep.nmonths, 11);
	for (i = 1; i < rep.nmonths; i++)
		ASSERT_TRUE(rep.months[i - 1].group < rep.months[i].group ||
		    (rep.months[i - 1].group == rep.months[i].group &&
		    rep.months[i - 1].year * 12 + rep.months[i - 1].month <
		    rep.months[i].year * 12 + rep.months[i].month));
	store_report_free(&rep);
	TEST_DONE();
}

static void
test_since_office(void)
{
	struct store_report	rep;
	int64_t			since;

	TEST_START("report --since 2026-01: events from then; --office");
	ASSERT_INT_EQ(lc_date_parse("2026-01-01", &since), 0);
	ASSERT_INT_EQ(store_report_make(st, NULL, since, today, &rep), 0);
	/* z5's drang ended in 2025: 50 and 151 days, median 100.5 */
	expect(&rep, "Zwolle", LC_FRAME_DRANG,
	    (const int64_t[]){ 4, 4, 1, 2, 1, 201, 1, 0, 1, 0, 0, 0, 0 });
	expect(&rep, "Zwolle", LC_FRAME_OTS,
	    (const int64_t[]){ 1, 0, 0, 0, 0, -1, 0, 1, 0, 1, 0, 1, 0 });
	expect(&rep, "Zwolle", LC_FRAME_VOOGDIJ,
	    (const int64_t[]){ 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0 });
	expect(&rep, "Deventer", LC_FRAME_DRANG,
	    (const int64_t[]){ 1, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0 });
	expect_month(&rep, "Zwolle", LC_FRAME_DRANG, 2025, 12, 0, 0);
	ASSERT_INT_EQ(rep.nmonths, 8);
	store_report_free(&rep);

	ASSERT_INT_EQ(store_report_make(st, "Deventer", LC_NODATE, today,
	    &rep), 0);
	ASSERT_INT_EQ(rep.ngroups, 4);
	expect(&rep, "Deventer", LC_FRAME_OTS,
	    (const int64_t[]){ 1, 1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 1 });
	ASSERT_INT_EQ(rep.nmonths, 3);
	store_report_free(&rep);
	ASSERT_INT_EQ(store_report_make(st, "Kampen", LC_NODATE, today, &rep),
	    CS_ERR_NOT_FOUND);
	store_report_free(&rep);
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

int
main(void)
{
	setup();
	test_all();
	test_since_office();
	teardown();
	return 0;
}
