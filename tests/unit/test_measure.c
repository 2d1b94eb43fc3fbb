/* SPDX-License-Identifier: ISC */
/*
 * test_measure.c - measures per child (common/measure.c): every limit
 * of the law at its boundary, with leap years and month ends, the
 * status of a measure on a day, the deadlines per child and the family
 * state that follows the children.
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "measure.h"
#include "test.h"

#define CHILD_A	"aaaaaaaa-0000-4000-8000-000000000001"
#define CHILD_B	"bbbbbbbb-0000-4000-8000-000000000002"
#define CHILD_C	"cccccccc-0000-4000-8000-000000000003"

static int64_t
D(const char *s)
{
	int64_t	d;

	if (lc_date_parse(s, &d) != 0)
		TEST_FAIL_("bad test date %s", s);
	return d;
}

static const char *
F(int64_t d)
{
	static char	buf[4][LC_DATE_LEN + 1];
	static int	i;

	i = (i + 1) % 4;
	lc_date_format(d, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* The measures of one case, as a store would keep them. */
struct mcase {
	struct ms_measure	m[MS_MEASURES_MAX];
	size_t			n;
	uint64_t		next_id;
	int64_t			today, registered;
	int			backdated;
	const char		*why;
};

static void
mc_init(struct mcase *c, const char *today)
{
	memset(c, 0, sizeof(*c));
	c->next_id = 1;
	c->today = D(today);
	c->registered = c->today;
}

static struct ms_request
rq(enum ms_action a, const char *child, enum ms_type t, const char *dec,
    const char *start, const char *end)
{
	struct ms_request	q;

	memset(&q, 0, sizeof(q));
	q.action = a;
	q.child_id = child;
	q.type = t;
	q.decision = dec != NULL ? D(dec) : LC_NODATE;
	q.start = start != NULL ? D(start) : LC_NODATE;
	q.end = end != NULL ? D(end) : LC_NODATE;
	q.birth = LC_NODATE;
	return q;
}

/* Apply and, when accepted, store; the error or 0. */
static int
mc_apply(struct mcase *c, const struct ms_request *q)
{
	struct ms_measure	out;
	size_t			i;
	int			r;

	r = ms_apply(c->m, c->n, q, c->today, c->registered, &out,
	    &c->backdated, &c->why);
	if (r != 0) {
		ASSERT_TRUE(c->why != NULL);
		return r;
	}
	if (q->action == MS_START) {
		ASSERT_INT_EQ(out.id, 0);
		out.id = c->next_id++;
		c->m[c->n++] = out;
		return 0;
	}
	for (i = 0; i < c->n; i++)
		if (c->m[i].id == out.id)
			c->m[i] = out;
	return 0;
}

static uint64_t
mc_start(struct mcase *c, const char *child, enum ms_type t, const char *dec,
    const char *start, const char *end)
{
	struct ms_request	q = rq(MS_START, child, t, dec, start, end);

	if (mc_apply(c, &q) != 0)
		TEST_FAIL_("start %s refused: %s", ms_type_name(t), c->why);
	return c->m[c->n - 1].id;
}

static const struct ms_measure *
mc_get(const struct mcase *c, uint64_t id)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (c->m[i].id == id)
			return &c->m[i];
	TEST_FAIL_("no measure %llu", (unsigned long long)id);
	return NULL;
}

static enum ms_status
mc_status(const struct mcase *c, uint64_t id, const char *day)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (c->m[i].id == id)
			return ms_status(c->m, c->n, i, D(day));
	TEST_FAIL_("no measure %llu", (unsigned long long)id);
	return MS_NSTATUS;
}

static void
test_names(void)
{
	enum ms_type	t;
	enum ms_action	a;
	enum ms_status	s;
	int		i;

	TEST_START("names: types, actions, status, deadlines");
	for (i = 0; i < MS_NTYPES; i++) {
		ASSERT_INT_EQ(ms_type_parse(ms_type_name(i), &t), 0);
		ASSERT_INT_EQ(t, i);
		ASSERT_TRUE(strstr(MS_TYPE_CHOICES, ms_type_name(i)) != NULL);
	}
	ASSERT_STR_EQ(ms_type_name(MS_UHP), "UHP");
	ASSERT_STR_EQ(ms_type_name(MS_VOOGDIJ_GEZAGSBEEINDIGING),
	    "VOOGDIJ_GEZAGSBEEINDIGING");
	ASSERT_INT_EQ(ms_type_parse("ots", &t), CS_ERR_FORMAT);
	ASSERT_INT_EQ(ms_type_parse("VOOGDIJ", &t), CS_ERR_FORMAT);
	ASSERT_INT_EQ(ms_type_parse(NULL, &t), CS_ERR_FORMAT);
	ASSERT_INT_EQ(ms_action_parse("extend", &a), 0);
	ASSERT_INT_EQ(a, MS_EXTEND);
	ASSERT_INT_EQ(ms_action_parse("stop", &a), CS_ERR_FORMAT);
	ASSERT_INT_EQ(ms_status_parse("lapsed", &s), 0);
	ASSERT_INT_EQ(s, MS_LAPSED);
	ASSERT_TRUE(ms_type_name(MS_NTYPES) == NULL);
	ASSERT_STR_EQ(ms_deadline_name(MS_DL_OTS_REQUEST),
	    "ots_extension_request");
	ASSERT_INT_EQ(ms_type_state(MS_VOOGDIJ_ONTZETTING),
	    LC_MAATREGEL_VOOGDIJ);
	TEST_DONE();
}

static void
test_vots(void)
{
	struct mcase		c;
	struct ms_request	q;
	uint64_t		id;

	TEST_START("VOTS: at most 3 months, month ends, decision first");
	mc_init(&c, "2027-01-31");
	/* exactly 3 months: 31 Oct -> 31 Jan */
	q = rq(MS_START, CHILD_A, MS_VOTS, "2026-10-31", NULL, "2027-01-31");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_TRUE(c.backdated == 1);		/* before the registration */
	/* one day more */
	mc_init(&c, "2027-01-31");
	q = rq(MS_START, CHILD_A, MS_VOTS, "2026-10-31", NULL, "2027-02-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* 30 Nov + 3 months = 28 Feb (2027 is common) */
	q = rq(MS_START, CHILD_A, MS_VOTS, "2026-11-30", NULL, "2027-03-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q = rq(MS_START, CHILD_A, MS_VOTS, "2026-11-30", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_STR_EQ(F(c.m[0].end), "2027-02-28");
	ASSERT_STR_EQ(F(c.m[0].start), "2026-11-30");	/* the decision's */
	/* in a leap year: 29 Feb */
	mc_init(&c, "2028-01-01");
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-11-30", NULL, "2028-02-29");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	/* the decision after the start: refused */
	mc_init(&c, "2027-03-01");
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-02-10", "2027-02-09", NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* no decision at all */
	q = rq(MS_START, CHILD_A, MS_VOTS, NULL, "2027-02-09", NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_FORMAT);
	/* decision in the future: today + 1 is the most */
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-03-02", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	mc_init(&c, "2027-03-01");
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-03-03", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* a start far after the decision, in the future */
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-02-01", "2027-03-05", NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* ends before it starts */
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-02-01", NULL, "2027-01-31");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* no child */
	q = rq(MS_START, "", MS_VOTS, "2027-02-01", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_FORMAT);
	/* a correction within the 3 months, not beyond */
	id = mc_start(&c, CHILD_A, MS_VOTS, "2027-02-01", NULL, "2027-03-01");
	q = rq(MS_EXTEND, CHILD_A, MS_NTYPES, "2027-02-20", NULL,
	    "2027-05-01");
	q.measure_id = id;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_INT_EQ(mc_get(&c, id)->extensions, 1);
	q.end = D("2027-05-02");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* a second VOTS of the same child at the same time: refused */
	q = rq(MS_START, CHILD_A, MS_VOTS, "2027-02-15", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* of another child: fine */
	q = rq(MS_START, CHILD_B, MS_VOTS, "2027-02-15", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	TEST_DONE();
}

static void
test_vots_lapse(void)
{
	struct mcase		c;
	struct ms_request	q;
	uint64_t		vots, vots2, ots;

	TEST_START("VOTS: lapsed unless an OTS followed; lapse blocks");
	mc_init(&c, "2027-01-10");
	vots = mc_start(&c, CHILD_A, MS_VOTS, "2027-01-10", NULL, NULL);
	ASSERT_STR_EQ(F(mc_get(&c, vots)->end), "2027-04-10");
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-01-09"), MS_FUTURE);
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-04-10"), MS_RUNNING);
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-04-11"), MS_LAPSED);
	vots2 = mc_start(&c, CHILD_B, MS_VOTS, "2027-01-10", NULL, NULL);
	/* months later: the VOTS of A lapsed, B's was followed by an OTS */
	c.today = D("2027-04-10");
	ots = mc_start(&c, CHILD_B, MS_OTS, "2027-04-10", "2027-04-11", NULL);
	c.today = D("2027-05-01");
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-05-01"), MS_LAPSED);
	ASSERT_INT_EQ(mc_status(&c, vots2, "2027-05-01"), MS_ENDED);
	ASSERT_INT_EQ(mc_status(&c, ots, "2027-05-01"), MS_RUNNING);
	/* a UHP inside the lapsed VOTS: refused */
	q = rq(MS_START, CHILD_A, MS_UHP, "2027-04-01", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	ASSERT_TRUE(strstr(c.why, "lapsed") != NULL);
	/* extending the lapsed VOTS: refused */
	q = rq(MS_EXTEND, CHILD_A, MS_VOTS, "2027-04-01", NULL, "2027-04-10");
	q.measure_id = vots;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* an OTS that comes after the lapse does not undo it */
	ots = mc_start(&c, CHILD_A, MS_OTS, "2027-05-01", NULL, NULL);
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-05-01"), MS_LAPSED);
	/* registering the VOTS's end makes it ended */
	q = rq(MS_END, CHILD_A, MS_VOTS, NULL, NULL, "2027-04-10");
	q.measure_id = vots;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-05-01"), MS_ENDED);
	/* and once ended it does not end again */
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	TEST_DONE();
}

static void
test_ots(void)
{
	struct mcase		c;
	struct ms_request	q;
	uint64_t		id;

	TEST_START("OTS: 12 months, extensions of 12 months, month ends");
	/* from 31 Jan: 12 months is 31 Jan next year */
	mc_init(&c, "2027-01-31");
	q = rq(MS_START, CHILD_A, MS_OTS, "2027-01-31", NULL, "2028-01-31");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	mc_init(&c, "2027-01-31");
	q = rq(MS_START, CHILD_A, MS_OTS, "2027-01-31", NULL, "2028-02-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* from 29 Feb 2028: the default end is 28 Feb 2029 */
	mc_init(&c, "2028-02-29");
	id = mc_start(&c, CHILD_A, MS_OTS, "2028-02-29", NULL, NULL);
	ASSERT_STR_EQ(F(mc_get(&c, id)->end), "2029-02-28");
	/* 31 Aug + 12 months = 31 Aug; the extension of exactly 12 */
	mc_init(&c, "2026-08-31");
	id = mc_start(&c, CHILD_A, MS_OTS, "2026-08-31", NULL, NULL);
	ASSERT_STR_EQ(F(mc_get(&c, id)->end), "2027-08-31");
	c.today = D("2027-07-01");
	q = rq(MS_EXTEND, CHILD_A, MS_NTYPES, "2027-07-01", NULL,
	    "2028-09-01");			/* one day more */
	q.measure_id = id;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = D("2028-08-31");		/* exactly 12 months */
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_INT_EQ(mc_get(&c, id)->extensions, 1);
	ASSERT_STR_EQ(F(mc_get(&c, id)->decision), "2027-07-01");
	/* not shorter, no end: refused */
	q.end = D("2028-08-31");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = LC_NODATE;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_FORMAT);
	/* a decision older than the last: refused */
	q.end = D("2029-01-01");
	q.decision = D("2027-06-30");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* another child's measure id: refused */
	q = rq(MS_EXTEND, CHILD_B, MS_NTYPES, "2027-07-02", NULL,
	    "2029-01-01");
	q.measure_id = id;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* no such measure */
	q.child_id = CHILD_A;
	q.measure_id = 99;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_NOT_FOUND);
	/* past its end the OTS has lapsed: no extension */
	c.today = D("2028-09-01");
	ASSERT_INT_EQ(mc_status(&c, id, "2028-09-01"), MS_LAPSED);
	q = rq(MS_EXTEND, CHILD_A, MS_NTYPES, "2028-08-30", NULL,
	    "2029-08-30");
	q.measure_id = id;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* a second OTS overlapping the first: extend instead */
	mc_init(&c, "2027-03-01");
	(void)mc_start(&c, CHILD_A, MS_OTS, "2027-01-01", NULL, NULL);
	q = rq(MS_START, CHILD_A, MS_OTS, "2027-03-01", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	TEST_DONE();
}

static void
test_uhp(void)
{
	struct mcase		c;
	struct ms_request	q;
	uint64_t		ots, uhp;

	TEST_START("UHP: only within a running OTS or VOTS of the child");
	mc_init(&c, "2027-03-01");
	ots = mc_start(&c, CHILD_A, MS_OTS, "2027-03-01", NULL, "2027-12-31");
	/* one day past the OTS end: refused; on it: fine */
	q = rq(MS_START, CHILD_A, MS_UHP, "2027-03-01", NULL, "2028-01-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* no OTS for child B */
	q = rq(MS_START, CHILD_B, MS_UHP, "2027-03-01", NULL, "2027-06-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* before the OTS began */
	q = rq(MS_START, CHILD_A, MS_UHP, "2027-02-27", "2027-02-28", NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	q = rq(MS_START, CHILD_A, MS_UHP, "2027-03-01", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	uhp = c.m[c.n - 1].id;
	ASSERT_STR_EQ(F(mc_get(&c, uhp)->end), "2027-12-31");
	/* the OTS does not end while the UHP within it runs */
	q = rq(MS_END, CHILD_A, MS_OTS, NULL, NULL, "2027-03-01");
	q.measure_id = ots;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* the UHP's extension follows the OTS's end */
	c.today = D("2027-11-01");
	q = rq(MS_EXTEND, CHILD_A, MS_OTS, "2027-11-01", NULL, "2028-06-30");
	q.measure_id = ots;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	q = rq(MS_EXTEND, CHILD_A, MS_UHP, "2027-11-01", NULL, "2028-07-01");
	q.measure_id = uhp;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = D("2028-06-30");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	/* end the UHP, then the OTS */
	q = rq(MS_END, CHILD_A, MS_UHP, NULL, NULL, "2027-11-01");
	q.measure_id = uhp;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	q = rq(MS_END, CHILD_A, MS_OTS, NULL, NULL, "2027-11-02");
	q.measure_id = ots;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	/* ended on a day: it runs until the day before */
	ASSERT_INT_EQ(mc_status(&c, ots, "2027-11-01"), MS_RUNNING);
	ASSERT_INT_EQ(mc_status(&c, ots, "2027-11-02"), MS_ENDED);
	ASSERT_INT_EQ(mc_status(&c, uhp, "2027-11-01"), MS_ENDED);
	/* the end lies within the measure and not in the future */
	mc_init(&c, "2027-03-01");
	ots = mc_start(&c, CHILD_A, MS_OTS, "2027-03-01", NULL, NULL);
	q = rq(MS_END, CHILD_A, MS_OTS, NULL, NULL, "2027-02-28");
	q.measure_id = ots;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = D("2027-03-03");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* a UHP and its OTS end on the same day */
	mc_init(&c, "2027-03-01");
	ots = mc_start(&c, CHILD_A, MS_OTS, "2027-03-01", NULL, NULL);
	uhp = mc_start(&c, CHILD_A, MS_UHP, "2027-03-01", NULL, NULL);
	c.today = D("2027-05-01");
	q = rq(MS_END, CHILD_A, MS_NTYPES, NULL, NULL, "2027-05-01");
	q.measure_id = uhp;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	q.measure_id = ots;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_INT_EQ(ms_any_running(c.m, c.n, c.today), 0);
	/* the day after its end date: its full term; two days: refused */
	mc_init(&c, "2027-03-01");
	ots = mc_start(&c, CHILD_A, MS_OTS, "2026-03-01", NULL, NULL);
	ASSERT_INT_EQ(mc_status(&c, ots, "2027-03-01"), MS_RUNNING);
	c.today = D("2027-03-03");
	ASSERT_INT_EQ(mc_status(&c, ots, "2027-03-02"), MS_LAPSED);
	q = rq(MS_END, CHILD_A, MS_NTYPES, NULL, NULL, "2027-03-03");
	q.measure_id = ots;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = D("2027-03-02");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_INT_EQ(mc_status(&c, ots, "2027-03-02"), MS_ENDED);
	TEST_DONE();
}

static void
test_voogdij(void)
{
	struct mcase		c;
	struct ms_request	q;
	uint64_t		id;

	TEST_START("voogdij: until the 18th birthday (born 29 Feb 2012)");
	mc_init(&c, "2027-06-01");
	/* no date of birth: refused */
	q = rq(MS_START, CHILD_A, MS_VOOGDIJ_ONTZETTING, "2027-06-01", NULL,
	    "2030-02-28");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_FORMAT);
	/* born 29 Feb 2012: 18 on 28 Feb 2030 (a common year) */
	q.birth = D("2012-02-29");
	q.end = D("2030-03-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = D("2030-02-28");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	id = c.m[c.n - 1].id;
	/* default end: the 18th birthday */
	q = rq(MS_START, CHILD_B, MS_VOOGDIJ_GEZAGSBEEINDIGING, "2027-06-01",
	    NULL, NULL);
	q.birth = D("2010-08-31");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_STR_EQ(F(c.m[c.n - 1].end), "2028-08-31");
	/* born 29 Feb 2008: 18 on 29 Feb 2026?  2026 is common: 28 Feb */
	mc_init(&c, "2026-02-27");
	q = rq(MS_START, CHILD_C, MS_VOOGDIJ_ONTZETTING, "2026-02-27", NULL,
	    NULL);
	q.birth = D("2008-02-29");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_STR_EQ(F(c.m[0].end), "2026-02-28");
	/* of age on the start: refused */
	mc_init(&c, "2026-02-28");
	q.decision = D("2026-02-28");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	ASSERT_TRUE(strstr(c.why, "of age") != NULL);
	/* born after the start */
	mc_init(&c, "2026-02-28");
	q.decision = D("2026-02-28");
	q.birth = D("2026-03-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	/* a voogdij is not extended */
	mc_init(&c, "2027-06-01");
	q = rq(MS_START, CHILD_A, MS_VOOGDIJ_ONTZETTING, "2027-06-01", NULL,
	    NULL);
	q.birth = D("2012-02-29");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	id = c.m[0].id;
	q = rq(MS_EXTEND, CHILD_A, MS_NTYPES, "2027-06-01", NULL,
	    "2030-02-28");
	q.measure_id = id;
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* the two voogdij types are one kind: not twice at once */
	q = rq(MS_START, CHILD_A, MS_VOOGDIJ_GEZAGSBEEINDIGING, "2027-06-01",
	    NULL, NULL);
	q.birth = D("2012-02-29");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_STATE);
	/* a date of birth with an OTS: no OTS past 18 either */
	q = rq(MS_START, CHILD_B, MS_OTS, "2027-06-01", NULL, NULL);
	q.birth = D("2009-12-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	q.end = D("2027-12-01");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	TEST_DONE();
}

static void
test_limits_count(void)
{
	struct mcase		c;
	struct ms_request	q;
	char			child[MS_UUID_LEN + 1];
	int			i;

	TEST_START("at most 64 measures per case");
	mc_init(&c, "2027-06-01");
	for (i = 0; i < MS_MEASURES_MAX; i++) {
		(void)snprintf(child, sizeof(child),
		    "aaaaaaaa-0000-4000-8000-%012d", i);
		q = rq(MS_START, child, MS_OTS, "2027-06-01", NULL, NULL);
		ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	}
	q = rq(MS_START, CHILD_B, MS_OTS, "2027-06-01", NULL, NULL);
	ASSERT_INT_EQ(mc_apply(&c, &q), CS_ERR_LIMIT);
	TEST_DONE();
}

static void
test_deadlines(void)
{
	struct ms_deadline	dl[MS_DEADLINES_MAX];
	struct mcase		c;
	struct ms_request	q;
	size_t			n;
	uint64_t		vots;

	TEST_START("deadlines per child: OTS end and request, VOTS, UHP");
	mc_init(&c, "2027-03-01");
	(void)mc_start(&c, CHILD_A, MS_OTS, "2027-03-01", NULL, NULL);
	(void)mc_start(&c, CHILD_A, MS_UHP, "2027-03-01", NULL, "2027-09-01");
	vots = mc_start(&c, CHILD_B, MS_VOTS, "2027-03-01", NULL, NULL);
	q = rq(MS_START, CHILD_C, MS_VOOGDIJ_ONTZETTING, "2027-03-01", NULL,
	    NULL);
	q.birth = D("2012-02-29");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ms_deadlines(c.m, c.n, c.today, dl, MS_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 5);
	/* soonest first */
	ASSERT_INT_EQ(dl[0].kind, MS_DL_VOTS_END);
	ASSERT_STR_EQ(F(dl[0].due), "2027-06-01");
	ASSERT_STR_EQ(c.m[dl[0].measure].child_id, CHILD_B);
	ASSERT_INT_EQ(dl[1].kind, MS_DL_UHP_END);
	ASSERT_INT_EQ(dl[2].kind, MS_DL_OTS_REQUEST);
	/* 8 weeks before 1 Mar 2028: 2028 is a leap year */
	ASSERT_STR_EQ(F(dl[2].due), "2028-01-05");
	ASSERT_INT_EQ(dl[2].days_left, D("2028-01-05") - D("2027-03-01"));
	ASSERT_INT_EQ(dl[3].kind, MS_DL_OTS_END);
	ASSERT_STR_EQ(F(dl[3].due), "2028-03-01");
	ASSERT_STR_EQ(c.m[dl[3].measure].child_id, CHILD_A);
	ASSERT_INT_EQ(dl[4].kind, MS_DL_VOOGDIJ_END);
	ASSERT_STR_EQ(F(dl[4].due), "2030-02-28");
	/* a lapsed VOTS: overdue; ended: none */
	c.today = D("2027-06-05");
	ms_deadlines(c.m, c.n, c.today, dl, MS_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(dl[0].kind, MS_DL_VOTS_END);
	ASSERT_INT_EQ(dl[0].days_left, -4);
	q = rq(MS_END, CHILD_B, MS_VOTS, NULL, NULL, "2027-06-01");
	q.measure_id = vots;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ms_deadlines(c.m, c.n, c.today, dl, MS_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 4);		/* the VOTS's is gone */
	ASSERT_INT_EQ(dl[0].kind, MS_DL_UHP_END);
	ASSERT_INT_EQ(dl[1].kind, MS_DL_OTS_REQUEST);
	/* the bound on "out" holds */
	ms_deadlines(c.m, c.n, c.today, dl, 1, &n);
	ASSERT_INT_EQ(n, 1);
	TEST_DONE();
}

static void
test_family(void)
{
	struct mcase		c;
	struct ms_request	q;
	struct lc_case		cur, next;
	enum lc_state		st;
	const char		*why;
	uint64_t		vots, ots_a, ots_b, vg;

	TEST_START("the family state follows its children");
	mc_init(&c, "2027-01-10");
	lc_case_init(&cur, LC_FRAME_DRANG, D("2026-11-01"));
	cur.state = LC_RAAD_MELDING;
	cur.state_since = D("2026-12-01");
	cur.drang_start = D("2026-11-02");
	ASSERT_INT_EQ(ms_family_state(c.m, c.n, c.today, &st), 0);
	ASSERT_INT_EQ(ms_any_running(c.m, c.n, c.today), 0);
	/* a VOTS for one child: the family is MAATREGEL_VOTS */
	vots = mc_start(&c, CHILD_A, MS_VOTS, "2027-01-10", NULL, NULL);
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_START, c.today, &next,
	    &why), 0);
	ASSERT_INT_EQ(next.state, LC_MAATREGEL_VOTS);
	ASSERT_INT_EQ(next.frame, LC_FRAME_VOTS);
	ASSERT_STR_EQ(F(next.state_since), "2027-01-10");
	ASSERT_STR_EQ(F(next.end_date), "2027-04-10");
	ASSERT_INT_EQ(next.drang_start, cur.drang_start);
	cur = next;
	/* OTS for two children: MAATREGEL_OTS, dates of the OTSs */
	c.today = D("2027-04-01");
	ots_a = mc_start(&c, CHILD_A, MS_OTS, "2027-04-01", NULL, NULL);
	ots_b = mc_start(&c, CHILD_B, MS_OTS, "2027-04-01", "2027-04-02",
	    "2027-10-02");
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_START, c.today, &next,
	    &why), 0);
	ASSERT_INT_EQ(next.state, LC_MAATREGEL_OTS);
	ASSERT_INT_EQ(next.frame, LC_FRAME_OTS);
	ASSERT_STR_EQ(F(next.state_since), "2027-04-01");
	ASSERT_STR_EQ(F(next.measure_start), "2027-04-01");
	ASSERT_STR_EQ(F(next.end_date), "2028-04-01");
	cur = next;
	/* the VOTS was followed by an OTS: ended, not lapsed */
	ASSERT_INT_EQ(mc_status(&c, vots, "2027-05-01"), MS_ENDED);
	/* a voogdij for the third child wins */
	q = rq(MS_START, CHILD_C, MS_VOOGDIJ_ONTZETTING, "2027-04-01", NULL,
	    NULL);
	q.birth = D("2012-02-29");
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	vg = c.m[c.n - 1].id;
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_START, c.today, &next,
	    &why), 0);
	ASSERT_INT_EQ(next.state, LC_MAATREGEL_VOOGDIJ);
	ASSERT_STR_EQ(F(next.end_date), "2030-02-28");
	cur = next;
	/* the voogdij ends: back to OTS */
	c.today = D("2027-05-01");
	q = rq(MS_END, CHILD_C, MS_NTYPES, NULL, NULL, "2027-04-30");
	q.measure_id = vg;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_END, c.today, &next,
	    &why), 0);
	ASSERT_INT_EQ(next.state, LC_MAATREGEL_OTS);
	cur = next;
	/* every measure ended: the case stays MAATREGEL_OTS */
	q = rq(MS_END, CHILD_A, MS_NTYPES, NULL, NULL, "2027-05-01");
	q.measure_id = ots_a;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	q.child_id = CHILD_B;
	q.measure_id = ots_b;
	ASSERT_INT_EQ(mc_apply(&c, &q), 0);
	c.today = D("2027-05-02");
	ASSERT_INT_EQ(ms_any_running(c.m, c.n, c.today), 0);
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_END, c.today, &next,
	    &why), 0);
	ASSERT_INT_EQ(next.state, LC_MAATREGEL_OTS);
	/* closing and closed cases take no new measure */
	cur.state = LC_AFSLUITING;
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_START, c.today, &next,
	    &why), CS_ERR_STATE);
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_END, c.today, &next,
	    &why), 0);
	ASSERT_INT_EQ(next.state, LC_AFSLUITING);
	cur.state = LC_GESLOTEN;
	ASSERT_INT_EQ(ms_case_after(&cur, c.m, c.n, MS_END, c.today, &next,
	    &why), CS_ERR_CASE_CLOSED);
	TEST_DONE();
}

static void
test_lifecycle_refuses(void)
{
	struct lc_case		cur, next;
	struct lc_change	q;
	const char		*why;

	TEST_START("a plain state change to MAATREGEL_* is refused");
	lc_case_init(&cur, LC_FRAME_DRANG, D("2027-01-01"));
	cur.state = LC_RAAD_MELDING;
	memset(&q, 0, sizeof(q));
	q.to = LC_MAATREGEL_OTS;
	q.effective = q.end = LC_NODATE;
	ASSERT_INT_EQ(lc_apply(&cur, &q, D("2027-02-01"), &next, &why),
	    CS_ERR_STATE);
	ASSERT_TRUE(strstr(why, "measure start") != NULL);
	TEST_DONE();
}

int
main(void)
{
	test_names();
	test_vots();
	test_vots_lapse();
	test_ots();
	test_uhp();
	test_voogdij();
	test_limits_count();
	test_deadlines();
	test_family();
	test_lifecycle_refuses();
	return 0;
}
