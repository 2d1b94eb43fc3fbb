/* SPDX-License-Identifier: ISC */
/*
 * test_store_cases.c - the server's lifecycle store on a real SQLite
 * file: who may change a case's state, that a state change approves
 * nothing (a typed approver, a drang end past 3 months and AFSLUITING
 * are refused: they go through store_approvals.c), that every refusal
 * leaves the row as it was, that the approver store_case_apply() is
 * given is recorded and kept, who may read the metadata, and who gets
 * which cases in a case list.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "lifecycle.h"
#include "store.h"
#include "store_cases.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1798588800)	/* 2026-12-30 */

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, bert, femke, lars, audrey;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	NOCASE[] = "99999999-9999-4999-8999-999999999999";

static void
setup(void)
{
	int64_t	id, seq;

	st = TEST_STORE_OPEN("test_store_cases", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "bert", "jeugdbeschermer", "Zwolle", &bert);
	test_store_user(st, "femke", "teamleider", "Zwolle", &femke);
	test_store_user(st, "lars", "teamleider", "Lelystad", &lars);
	test_store_user(st, "audrey", "auditor", "Zwolle", &audrey);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "bert", 0, 0, &seq),
	    0);
}

static int
change(const struct store_user *u, enum lc_state to, const char *end,
    const char *reason, const char *approver, struct store_case_meta *m)
{
	struct lc_change	 q;
	const char		*why = NULL;
	int			 r;

	memset(&q, 0, sizeof(q));
	q.to = to;
	q.effective = LC_NODATE;
	q.end = LC_NODATE;
	if (end != NULL)
		ASSERT_INT_EQ(lc_date_parse(end, &q.end), 0);
	q.has_reason = reason != NULL;
	q.approved = 1;		/* must be ignored: the store decides */
	r = store_case_change(st, u, CASE1, &q, approver,
	    lc_date_from_time(NOW), m, &why);
	if (r != 0 && r != CS_ERR_DB)
		ASSERT_PTR_NE(why, NULL);
	return r;
}

static void
same_row(const struct store_case_meta *a, const struct store_case_meta *b)
{
	ASSERT_INT_EQ(a->lc.state, b->lc.state);
	ASSERT_INT_EQ(a->lc.frame, b->lc.frame);
	ASSERT_INT_EQ(a->lc.state_since, b->lc.state_since);
	ASSERT_INT_EQ(a->lc.drang_start, b->lc.drang_start);
	ASSERT_INT_EQ(a->lc.end_date, b->lc.end_date);
	ASSERT_INT_EQ(a->lc.extended, b->lc.extended);
	ASSERT_STR_EQ(a->approved_by, b->approved_by);
}

static void
test_roles(void)
{
	struct store_case_meta	m, before;

	TEST_START("only the regisseur or the office's team lead changes state");
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &before), 0);
	ASSERT_INT_EQ(before.lc.state, LC_AANMELDING);
	/* the creator is the regisseur: her name, for CaseInfo */
	ASSERT_STR_EQ(before.regisseur, "anna");
	ASSERT_INT_EQ(before.lc.state_since, lc_date_from_time(NOW));
	ASSERT_INT_EQ(change(&bert, LC_DRANG_INTENSIEF, NULL, NULL, NULL, &m),
	    CS_ERR_AUTH);
	ASSERT_INT_EQ(change(&lars, LC_DRANG_INTENSIEF, NULL, NULL, NULL, &m),
	    CS_ERR_AUTH);
	ASSERT_INT_EQ(change(&audrey, LC_DRANG_INTENSIEF, NULL, NULL, NULL,
	    &m), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &m), 0);
	same_row(&m, &before);
	ASSERT_INT_EQ(change(&anna, LC_DRANG_INTENSIEF, NULL, NULL, NULL, &m),
	    0);
	ASSERT_INT_EQ(m.lc.state, LC_DRANG_INTENSIEF);
	ASSERT_INT_EQ(m.lc.drang_start, lc_date_from_time(NOW));
	ASSERT_INT_EQ(change(&femke, LC_DRANG_TOETSING, NULL, NULL, NULL, &m),
	    0);
	/* reading: members and the office's team leads */
	ASSERT_INT_EQ(store_case_meta_get(st, &bert, CASE1, &m), 0);
	ASSERT_INT_EQ(m.lc.state, LC_DRANG_TOETSING);
	ASSERT_INT_EQ(store_case_meta_get(st, &femke, CASE1, &m), 0);
	ASSERT_STR_EQ(m.regisseur, "anna");
	ASSERT_INT_EQ(store_case_meta_get(st, &lars, CASE1, &m), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_case_meta_get(st, &audrey, CASE1, &m),
	    CS_ERR_AUTH);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, NOCASE, &m),
	    CS_ERR_NOT_FOUND);
	TEST_DONE();
}

static void
test_rules_refused(void)
{
	struct store_case_meta	m, before;
	struct lc_change	q;
	const char		*why;

	TEST_START("illegal transitions refused, nothing changes");
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &before), 0);
	ASSERT_INT_EQ(change(&anna, LC_MAATREGEL_OTS, NULL, NULL, NULL, &m),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(change(&anna, LC_GESLOTEN, NULL, NULL, NULL, &m),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(change(&anna, LC_AFSLUITING, "2027-01-01", NULL, NULL,
	    &m), CS_ERR_APPROVAL);	/* closing: an approval */
	ASSERT_INT_EQ(change(&femke, LC_AFSLUITING, NULL, NULL, NULL, &m),
	    CS_ERR_APPROVAL);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &m), 0);
	same_row(&m, &before);
	memset(&q, 0, sizeof(q));
	q.to = LC_DRANG_VERVOLG;
	q.effective = q.end = LC_NODATE;
	ASSERT_INT_EQ(store_case_change(st, &anna, NOCASE, &q, NULL,
	    lc_date_from_time(NOW), &m, &why), CS_ERR_NOT_FOUND);
	TEST_DONE();
}

/* The change an approval makes: store_case_apply() with an approver. */
static int
apply(enum lc_state to, const char *end, const struct store_user *by,
    struct store_case_meta *m)
{
	struct lc_change	 q;
	const char		*why = NULL;

	memset(&q, 0, sizeof(q));
	q.to = to;
	q.effective = q.end = LC_NODATE;
	if (end != NULL)
		ASSERT_INT_EQ(lc_date_parse(end, &q.end), 0);
	q.has_reason = 1;
	return store_case_apply(st, CASE1, &q, by != NULL ? by->id : 0,
	    lc_date_from_time(NOW), m, &why);
}

static void
test_approval(void)
{
	struct store_case_meta	m, before;

	TEST_START("drang extension: never by a state change, kept by apply");
	/* 30 Dec 2026 + 3 months = 30 Mar 2027, + 6 = 30 Jun 2027 */
	ASSERT_INT_EQ(change(&anna, LC_DRANG_VERVOLG, NULL, NULL, NULL, &m),
	    0);
	ASSERT_INT_EQ(m.lc.end_date, lc_add_months(lc_date_from_time(NOW),
	    3));
	before = m;
	ASSERT_INT_EQ(change(&anna, LC_DRANG_VERVOLG, "2027-03-31", "r",
	    NULL, &m), CS_ERR_APPROVAL);	/* q.approved = 1 ignored */
	/* a typed name approves nothing, not even a team lead's */
	ASSERT_INT_EQ(change(&anna, LC_DRANG_VERVOLG, "2027-03-31", "r",
	    "bert", &m), CS_ERR_APPROVAL);
	ASSERT_INT_EQ(change(&anna, LC_DRANG_VERVOLG, "2027-03-31", "r",
	    "femke", &m), CS_ERR_APPROVAL);
	ASSERT_INT_EQ(change(&anna, LC_DRANG_VERVOLG, "2027-03-30", "r",
	    "femke", &m), CS_ERR_APPROVAL);	/* even within 3 months */
	/* nor does a team lead approve by acting */
	ASSERT_INT_EQ(change(&femke, LC_DRANG_VERVOLG, "2027-03-31", "r",
	    NULL, &m), CS_ERR_APPROVAL);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &m), 0);
	same_row(&m, &before);
	/* what an approval applies keeps the lifecycle's rules */
	ASSERT_INT_EQ(apply(LC_DRANG_VERVOLG, "2027-07-01", &femke, &m),
	    CS_ERR_LIMIT);			/* past 6 months */
	ASSERT_INT_EQ(apply(LC_DRANG_VERVOLG, "2027-03-31", NULL, &m),
	    CS_ERR_APPROVAL);			/* no approver */
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &m), 0);
	same_row(&m, &before);
	ASSERT_INT_EQ(apply(LC_DRANG_VERVOLG, "2027-06-30", &femke, &m), 0);
	ASSERT_INT_EQ(m.lc.extended, 1);
	ASSERT_STR_EQ(m.approved_by, "femke");
	/* the approver stays with the case through the Raad report */
	ASSERT_INT_EQ(change(&anna, LC_RAAD_MELDING, NULL, NULL, NULL, &m), 0);
	ASSERT_STR_EQ(m.approved_by, "femke");
	ASSERT_INT_EQ(apply(LC_DRANG_VERVOLG, "2027-05-01", &femke, &m), 0);
	ASSERT_STR_EQ(m.approved_by, "femke");
	/*
	 * a measure belongs to a child: not a plain state change
	 * (test_store_measures.c registers them)
	 */
	ASSERT_INT_EQ(change(&anna, LC_RAAD_MELDING, NULL, NULL, NULL, &m), 0);
	before = m;
	ASSERT_INT_EQ(change(&anna, LC_MAATREGEL_OTS, NULL, NULL, NULL, &m),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna, CASE1, &m), 0);
	same_row(&m, &before);
	TEST_DONE();
}

struct listed {
	size_t	n;
	char	ids[4][STORE_UUID_LEN + 1];
};

static int
listed_cb(const struct store_case_meta *m, void *arg)
{
	struct listed	*l = arg;

	if (l->n < 4)
		memcpy(l->ids[l->n], m->case_id, STORE_UUID_LEN + 1);
	l->n++;
	return 0;
}

static void
test_list(void)
{
	static const char	CASE2[] = "22222222-2222-4222-8222-222222222222";
	static const char	CASE3[] = "33333333-3333-4333-8333-333333333333";
	struct store_case_meta	m;
	struct store_user	u;
	struct listed		l;
	int64_t			seq, id;
	int			more;

	TEST_START("case list: members, and a team lead's whole office");
	ASSERT_INT_EQ(store_case_create(st, &bert, CASE2, "DRANG", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_user_add(st, "lotte", "jeugdbeschermer",
	    "Lelystad", &id), 0);
	ASSERT_INT_EQ(store_user_get(st, "lotte", &u), 0);
	ASSERT_INT_EQ(store_case_create(st, &u, CASE3, "OTS", NOW, &seq), 0);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &anna, "", 10, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.ids[0], CASE1);
	ASSERT_INT_EQ(more, 0);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &femke, "", 10, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 2);			/* CASE1, CASE2; not Lelystad */
	ASSERT_STR_EQ(l.ids[1], CASE2);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &femke, "", 1, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 1);			/* paging */
	ASSERT_INT_EQ(more, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &femke, CASE1, 1, listed_cb, &l,
	    &more), 0);
	ASSERT_STR_EQ(l.ids[0], CASE2);
	ASSERT_INT_EQ(more, 0);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &lars, "", 10, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.ids[0], CASE3);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &audrey, "", 10, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 0);
	/* closed cases leave the team lead's list, not the members' */
	ASSERT_INT_EQ(apply(LC_AFSLUITING, NULL, &femke, &m), 0);
	ASSERT_INT_EQ(change(&anna, LC_NAZORG, NULL, NULL, NULL, &m), 0);
	ASSERT_INT_EQ(change(&anna, LC_GESLOTEN, NULL, NULL, NULL, &m), 0);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &femke, "", 10, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.ids[0], CASE2);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(store_case_list(st, &anna, "", 10, listed_cb, &l,
	    &more), 0);
	ASSERT_INT_EQ(l.n, 1);
	TEST_DONE();
}

int
main(void)
{
	char	path[PATH_MAX + 8];

	setup();
	test_roles();
	test_rules_refused();
	test_approval();
	test_list();
	store_close(st);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}
