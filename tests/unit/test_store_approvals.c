/* SPDX-License-Identifier: ISC */
/*
 * test_store_approvals.c - approvals in the server's store on a real
 * SQLite file (store_approvals.h): who may ask (a member or a
 * teamleider of the office; not a stranger, not another office), what
 * may be asked (an extension within 3 months needs none, past 6 months
 * none is granted; a co-signature of an assessment the server holds,
 * once); one waiting request per case and kind; who decides (a
 * teamleider of the case's office; for a co-signature a
 * gedragswetenschapper of the office who is a member) and never the
 * one who asked; a decision only once; an approved extension extends
 * the case with the approver recorded, a refused one changes nothing,
 * an approved closing moves it to AFSLUITING with its reason; the read-
 * only memberships a waiting request gives the office's teamleiders
 * and their end (with a purge for their devices); which records a user
 * may push without write access; and who lists what.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "lifecycle.h"
#include "store.h"
#include "store_approvals.h"
#include "store_cases.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"
#include "token.h"

#define NOW	((int64_t)1798588800)	/* 2026-12-30 */

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_device anna, bert, femke, fleur, gerda, gijs, lars, eva;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	ASSESS[] = "44444444-4444-4444-8444-444444444444";
static const char	R1[] = "51111111-1111-4111-8111-111111111111";
static const char	R2[] = "52222222-2222-4222-8222-222222222222";
static const char	R3[] = "53333333-3333-4333-8333-333333333333";
static const char	R4[] = "54444444-4444-4444-8444-444444444444";
static const char	R5[] = "55555555-5555-4555-8555-555555555555";
static const char	R6[] = "56666666-6666-4666-8666-666666666666";
static const char	R7[] = "57777777-7777-4777-8777-777777777777";

static void
person(const char *name, const char *role, const char *office,
    struct store_device *d)
{
	struct store_user	u;

	test_store_user(st, name, role, office, &u);
	(void)test_store_device(st, u.id, name, NOW, NOW + 86400, d);
	d->user = u;
}

/* Column 0 of the first row of "sql" on a connection of its own. */
static int64_t
raw(const char *sql)
{
	struct sdb	*db = test_sdb(dbpath);
	struct sdb_stmt	*s = NULL;
	int64_t		 v = -1;

	ASSERT_INT_EQ(sdb_prepare(db, sql, &s), 0);
	if (sdb_step(s) == SDB_ROW)
		v = sdb_column_int64(s, 0);
	sdb_finalize(s);
	sdb_close(db);
	return v;
}

static int64_t
day(const char *s)
{
	int64_t	d;

	ASSERT_INT_EQ(lc_date_parse(s, &d), 0);
	return d;
}

static void
move(enum lc_state to)
{
	struct store_case_meta	 m;
	struct lc_change	 q;
	const char		*why;

	memset(&q, 0, sizeof(q));
	q.to = to;
	q.effective = q.end = LC_NODATE;
	ASSERT_INT_EQ(store_case_change(st, &anna.user, CASE1, &q, NULL,
	    lc_date_from_time(NOW), &m, &why), 0);
}

static void
setup(void)
{
	struct store_change		c;
	struct store_change_result	res;
	int64_t				id, seq;

	st = TEST_STORE_OPEN("test_store_approvals", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	person("anna", "jeugdbeschermer", "Zwolle", &anna);
	person("bert", "jeugdbeschermer", "Zwolle", &bert);
	person("femke", "teamleider", "Zwolle", &femke);
	person("fleur", "teamleider", "Zwolle", &fleur);
	person("gerda", "gedragswetenschapper", "Zwolle", &gerda);
	person("gijs", "gedragswetenschapper", "Zwolle", &gijs);
	person("lars", "teamleider", "Lelystad", &lars);
	person("eva", "jeugdbeschermer", "Zwolle", &eva);
	ASSERT_INT_EQ(store_case_create(st, &anna.user, CASE1, "DRANG", NOW,
	    &seq), 0);
	ASSERT_INT_EQ(store_case_member(st, &anna.user, CASE1, "bert", 0, 0,
	    &seq), 0);
	ASSERT_INT_EQ(store_case_member(st, &anna.user, CASE1, "gerda", 0, 1,
	    &seq), 0);
	move(LC_DRANG_INTENSIEF);
	move(LC_DRANG_TOETSING);
	move(LC_DRANG_VERVOLG);
	/* an assessment the server holds (sealed: the body is opaque) */
	memset(&c, 0, sizeof(c));
	c.change_id = "a1111111-1111-4111-8111-111111111111";
	memcpy(c.rec.record_id, ASSESS, sizeof(ASSESS));
	memcpy(c.rec.case_id, CASE1, sizeof(CASE1));
	memcpy(c.rec.kind, "assessment", sizeof("assessment"));
	c.rec.body = (const uint8_t *)"x";
	c.rec.body_len = 1;
	ASSERT_INT_EQ(store_push(st, anna.user.id, anna.id, &c, 1, &res,
	    &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	store_results_clear(&res, 1);
}

static int
ask(const struct store_device *d, const char *kind, const char *rec,
    const char *end, const char *why_close, struct store_approval *a)
{
	struct store_approval_ask	 in;
	const char			*why = NULL;
	int				 r;

	memset(&in, 0, sizeof(in));
	in.case_id = CASE1;
	in.kind = kind;
	in.record_id = rec;
	in.end_date = end != NULL ? day(end) : LC_NODATE;
	in.close_reason = why_close != NULL ? why_close : "";
	r = store_approval_request(st, d, &in, NOW, lc_date_from_time(NOW), a,
	    &why);
	if (r != 0 && r != CS_ERR_DB)
		ASSERT_PTR_NE(why, NULL);
	return r;
}

static int
decide(const struct store_device *d, int64_t id, int approve,
    const char *rec, struct store_approval *a, int *case_refused)
{
	const char	*why = NULL;
	int		 r, dummy;

	r = store_approval_decide(st, d, id, approve, rec, NOW + 60,
	    lc_date_from_time(NOW), a, case_refused != NULL ? case_refused :
	    &dummy, &why);
	if (r != 0 && r != CS_ERR_DB)
		ASSERT_PTR_NE(why, NULL);
	return r;
}

static void
test_extension(void)
{
	struct store_case_meta	m, before;
	struct store_approval	a, b;
	int			yes, cr;

	TEST_START("drang extension: asked, decided by a teamleider, applied");
	ASSERT_INT_EQ(store_case_meta_get(st, &anna.user, CASE1, &before), 0);
	/* 30 Dec 2026: + 3 months = 30 Mar 2027, + 6 = 30 Jun 2027 */
	ASSERT_INT_EQ(ask(&eva, "drang_extension", R1, "2027-05-31", NULL, &a),
	    CS_ERR_AUTH);			/* not a member */
	ASSERT_INT_EQ(ask(&lars, "drang_extension", R1, "2027-05-31", NULL,
	    &a), CS_ERR_AUTH);			/* another office */
	ASSERT_INT_EQ(ask(&anna, "drang_extension", R1, "2027-03-30", NULL,
	    &a), CS_ERR_STATE);			/* within 3 months */
	ASSERT_INT_EQ(ask(&anna, "drang_extension", R1, "2027-07-01", NULL,
	    &a), CS_ERR_LIMIT);			/* past 6 months */
	ASSERT_INT_EQ(raw("SELECT count(*) FROM approvals"), 0);
	ASSERT_INT_EQ(ask(&anna, "drang_extension", R1, "2027-06-30", NULL,
	    &a), 0);
	ASSERT_INT_EQ(a.id > 0, 1);
	ASSERT_STR_EQ(a.state, "waiting");
	ASSERT_STR_EQ(a.requested_by, "anna");
	ASSERT_STR_EQ(a.requested_device, "anna");
	ASSERT_INT_EQ(a.end_date, day("2027-06-30"));
	ASSERT_STR_EQ(store_approval_role(a.kind), "teamleider");
	ASSERT_INT_EQ(ask(&bert, "drang_extension", R2, "2027-05-01", NULL,
	    &b), CS_ERR_EXISTS);		/* one waits already */
	/* the office's teamleiders read the case while it waits */
	ASSERT_INT_EQ(raw("SELECT count(*) FROM case_members m JOIN users u"
	    " ON u.id = m.user_id WHERE u.name IN ('femke', 'fleur') AND"
	    " m.read_only = 1"), 2);
	ASSERT_INT_EQ(raw("SELECT count(*) FROM case_members m JOIN users u"
	    " ON u.id = m.user_id WHERE u.name = 'lars'"), 0);
	/* who decides: not the asker, not a worker, not another office */
	ASSERT_INT_EQ(decide(&anna, a.id, 1, R2, &b, NULL), CS_ERR_SELF);
	ASSERT_INT_EQ(decide(&bert, a.id, 1, R2, &b, NULL), CS_ERR_AUTH);
	ASSERT_INT_EQ(decide(&gerda, a.id, 1, R2, &b, NULL), CS_ERR_AUTH);
	ASSERT_INT_EQ(decide(&lars, a.id, 1, R2, &b, NULL), CS_ERR_AUTH);
	ASSERT_INT_EQ(decide(&femke, a.id, 1, R1, &b, NULL), CS_ERR_EXISTS);
	ASSERT_INT_EQ(decide(&femke, a.id + 100, 1, R2, &b, NULL),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna.user, CASE1, &m), 0);
	ASSERT_INT_EQ(m.lc.end_date, before.lc.end_date);
	ASSERT_INT_EQ(m.lc.extended, 0);
	/* the pushes: only the named record, by its writer, once */
	ASSERT_INT_EQ(store_approval_may_push(st, anna.user.id, CASE1, R1,
	    &yes), 0);
	ASSERT_INT_EQ(yes, 1);
	ASSERT_INT_EQ(store_approval_may_push(st, bert.user.id, CASE1, R1,
	    &yes), 0);
	ASSERT_INT_EQ(yes, 0);
	ASSERT_INT_EQ(store_approval_may_push(st, femke.user.id, CASE1, R2,
	    &yes), 0);
	ASSERT_INT_EQ(yes, 0);			/* not decided yet */
	ASSERT_INT_EQ(decide(&femke, a.id, 1, R2, &b, &cr), 0);
	ASSERT_STR_EQ(b.state, "approved");
	ASSERT_STR_EQ(b.decided_by, "femke");
	ASSERT_STR_EQ(b.decided_device, "femke");
	ASSERT_INT_EQ(b.decided_at, NOW + 60);
	ASSERT_STR_EQ(b.decision_record_id, R2);
	ASSERT_INT_EQ(store_approval_may_push(st, femke.user.id, CASE1, R2,
	    &yes), 0);
	ASSERT_INT_EQ(yes, 1);
	ASSERT_INT_EQ(store_approval_may_push(st, fleur.user.id, CASE1, R2,
	    &yes), 0);
	ASSERT_INT_EQ(yes, 0);
	/* applied: extended, approved by femke */
	ASSERT_INT_EQ(store_case_meta_get(st, &anna.user, CASE1, &m), 0);
	ASSERT_INT_EQ(m.lc.end_date, day("2027-06-30"));
	ASSERT_INT_EQ(m.lc.extended, 1);
	ASSERT_STR_EQ(m.approved_by, "femke");
	/* decided once */
	ASSERT_INT_EQ(decide(&fleur, a.id, 0, R3, &b, NULL), CS_ERR_STATE);
	/* the holds ended, with a purge for the devices */
	ASSERT_INT_EQ(raw("SELECT count(*) FROM case_members m JOIN users u"
	    " ON u.id = m.user_id WHERE u.name IN ('femke', 'fleur')"), 0);
	ASSERT_INT_EQ(raw("SELECT count(*) FROM purges p JOIN devices d ON"
	    " d.id = p.device_id JOIN users u ON u.id = d.user_id WHERE"
	    " u.name IN ('femke', 'fleur')"), 2);
	TEST_DONE();
}

static void
test_refusal(void)
{
	struct store_case_meta	m, before;
	struct store_approval	a, b;

	TEST_START("a refusal changes nothing; a stale approval is refused");
	ASSERT_INT_EQ(store_case_meta_get(st, &anna.user, CASE1, &before), 0);
	ASSERT_INT_EQ(ask(&anna, "drang_extension", R3, "2027-06-01", NULL,
	    &a), 0);
	ASSERT_INT_EQ(decide(&fleur, a.id, 0, R4, &b, NULL), 0);
	ASSERT_STR_EQ(b.state, "refused");
	ASSERT_STR_EQ(b.decided_by, "fleur");
	ASSERT_INT_EQ(store_case_meta_get(st, &anna.user, CASE1, &m), 0);
	ASSERT_INT_EQ(m.lc.end_date, before.lc.end_date);
	ASSERT_STR_EQ(m.approved_by, "femke");
	ASSERT_INT_EQ(decide(&femke, a.id, 1, R5, &b, NULL), CS_ERR_STATE);
	TEST_DONE();
}

static void
test_cosign(void)
{
	struct store_approval	a, b;

	TEST_START("co-signature: a gedragswetenschapper who is a member");
	ASSERT_INT_EQ(ask(&anna, "assessment_cosign", R5, NULL, NULL, &a),
	    CS_ERR_NOT_FOUND);			/* no such assessment */
	ASSERT_INT_EQ(ask(&anna, "assessment_cosign", ASSESS, NULL, NULL, &a),
	    0);
	ASSERT_STR_EQ(store_approval_role(a.kind), "gedragswetenschapper");
	/* no holds: she is a member, added by the regisseur */
	ASSERT_INT_EQ(raw("SELECT count(*) FROM approval_holds WHERE"
	    " approval_id = (SELECT max(id) FROM approvals)"), 0);
	ASSERT_INT_EQ(decide(&femke, a.id, 1, R5, &b, NULL), CS_ERR_AUTH);
	ASSERT_INT_EQ(decide(&gijs, a.id, 1, R5, &b, NULL), CS_ERR_AUTH);
	ASSERT_INT_EQ(decide(&gerda, a.id, 1, R5, &b, NULL), 0);
	ASSERT_STR_EQ(b.state, "approved");
	ASSERT_STR_EQ(b.decided_by, "gerda");
	ASSERT_INT_EQ(ask(&anna, "assessment_cosign", ASSESS, NULL, NULL, &a),
	    CS_ERR_EXISTS);			/* co-signed already */
	TEST_DONE();
}

static int
count_cb(const struct store_approval *a, void *arg)
{
	size_t	*n = arg;

	(void)a;
	(*n)++;
	return 0;
}

static size_t
listed(const struct store_device *d, int for_me)
{
	size_t	n = 0;
	int	more;

	ASSERT_INT_EQ(store_approval_list(st, &d->user, "", for_me, 10,
	    count_cb, &n, &more), 0);
	ASSERT_INT_EQ(more, 0);
	return n;
}

static void
test_close_and_list(void)
{
	struct store_case_meta	m;
	struct store_approval	a, b;
	size_t			n;
	int			more, cr = 0;

	TEST_START("closing: AFSLUITING with its reason; who lists what");
	ASSERT_INT_EQ(ask(&anna, "case_close", R6, NULL, "verhuisd", &a), 0);
	ASSERT_INT_EQ(listed(&femke, 1), 1);	/* waits for her */
	ASSERT_INT_EQ(listed(&anna, 1), 0);	/* not for the asker */
	ASSERT_INT_EQ(listed(&gerda, 1), 0);	/* not her role */
	ASSERT_INT_EQ(listed(&lars, 1), 0);
	ASSERT_INT_EQ(listed(&lars, 0), 0);
	ASSERT_INT_EQ(listed(&eva, 0), 0);
	ASSERT_INT_EQ(listed(&anna, 0), 4);	/* all of her case */
	ASSERT_INT_EQ(listed(&femke, 0), 4);	/* her office's */
	n = 0;
	ASSERT_INT_EQ(store_approval_list(st, &anna.user, "", 0, 2, count_cb,
	    &n, &more), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(more, 1);
	ASSERT_INT_EQ(decide(&femke, a.id, 1, R7, &b, &cr), 0);
	ASSERT_INT_EQ(store_case_meta_get(st, &anna.user, CASE1, &m), 0);
	ASSERT_INT_EQ(m.lc.state, LC_AFSLUITING);
	ASSERT_STR_EQ(m.close_reason, "verhuisd");
	/* the case cannot take another closing: refused, nothing asked */
	ASSERT_INT_EQ(ask(&anna, "case_close", R1, NULL, "other", &a),
	    CS_ERR_STATE);
	TEST_DONE();
}

int
main(void)
{
	char	path[PATH_MAX + 8];

	setup();
	test_extension();
	test_refusal();
	test_cosign();
	test_close_and_list();
	store_close(st);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}
