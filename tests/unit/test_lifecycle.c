/* SPDX-License-Identifier: ISC */
/*
 * test_lifecycle.c - civil dates (leap years, month ends), every
 * transition of the case lifecycle and a sample of forbidden ones,
 * every drang time limit at its boundary, and the derived deadlines;
 * a plain change to a MAATREGEL_* state is refused (the measures and
 * their limits: test_measure.c).
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "test.h"

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

static void
test_dates(void)
{
	int64_t	d;
	int	y, m, dd;

	TEST_START("civil dates: epoch, leap years, parse and format");
	ASSERT_INT_EQ(D("1970-01-01"), 0);
	ASSERT_INT_EQ(D("2000-03-01") - D("2000-02-28"), 2);	/* 2000 leap */
	ASSERT_INT_EQ(D("2100-03-01") - D("2100-02-28"), 1);	/* 2100 not */
	ASSERT_INT_EQ(D("2028-03-01") - D("2028-02-28"), 2);
	ASSERT_INT_EQ(D("2027-03-01") - D("2027-02-28"), 1);
	ASSERT_INT_EQ(D("1900-03-01") - D("1900-02-28"), 1);	/* 1900 not */
	ASSERT_INT_EQ(D("2025-01-01") - D("2024-01-01"), 366);
	ASSERT_INT_EQ(D("2026-01-01") - D("2025-01-01"), 365);
	ASSERT_TRUE(lc_is_leap(2000) && lc_is_leap(2028) && lc_is_leap(2024));
	ASSERT_TRUE(!lc_is_leap(2100) && !lc_is_leap(1900) &&
	    !lc_is_leap(2026));
	ASSERT_INT_EQ(lc_month_days(2028, 2), 29);
	ASSERT_INT_EQ(lc_month_days(2100, 2), 28);
	ASSERT_INT_EQ(lc_month_days(2026, 4), 30);
	ASSERT_INT_EQ(lc_month_days(2026, 13), 0);
	ASSERT_INT_EQ(lc_date_parse("2028-02-29", &d), 0);
	ASSERT_INT_EQ(lc_date_parse("2027-02-29", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2100-02-29", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2000-02-29", &d), 0);
	ASSERT_INT_EQ(lc_date_parse("2026-04-31", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2026-00-10", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2026-13-01", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2026-1-01", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2026-01-01 ", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2026/01/01", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("+026-01-01", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("1899-12-31", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("2200-01-01", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse("", &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_date_parse(NULL, &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(d, LC_NODATE);
	ASSERT_STR_EQ(F(D("2028-02-29")), "2028-02-29");
	ASSERT_STR_EQ(F(D("1900-01-01")), "1900-01-01");
	ASSERT_STR_EQ(F(D("2199-12-31")), "2199-12-31");
	ASSERT_STR_EQ(F(LC_NODATE), "-");
	/* every day of 1999..2101 round-trips and is the next day */
	for (d = D("1999-01-01"); d <= D("2101-12-31"); d++) {
		lc_date_split(d, &y, &m, &dd);
		ASSERT_INT_GE(dd, 1);
		ASSERT_TRUE(dd <= lc_month_days(y, m));
		ASSERT_STR_EQ(F(d), F(d));
		{
			int64_t	back;

			ASSERT_INT_EQ(lc_date_make(y, m, dd, &back), 0);
			ASSERT_INT_EQ(back, d);
		}
	}
	ASSERT_INT_EQ(lc_date_from_time(0), 0);
	ASSERT_INT_EQ(lc_date_from_time(86399), 0);
	ASSERT_INT_EQ(lc_date_from_time(86400), 1);
	ASSERT_INT_EQ(lc_date_from_time(-1), -1);
	ASSERT_INT_EQ(lc_date_from_time(1798588800), D("2026-12-30"));
	TEST_DONE();
}

static void
test_months(void)
{
	TEST_START("add months: same day number, clamped to the month end");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-01-31"), 1)), "2026-02-28");
	ASSERT_STR_EQ(F(lc_add_months(D("2028-01-31"), 1)), "2028-02-29");
	ASSERT_STR_EQ(F(lc_add_months(D("2100-01-31"), 1)), "2100-02-28");
	ASSERT_STR_EQ(F(lc_add_months(D("2000-01-31"), 1)), "2000-02-29");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-08-31"), 1)), "2026-09-30");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-11-30"), 3)), "2027-02-28");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-11-15"), 3)), "2027-02-15");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-10-31"), 6)), "2027-04-30");
	ASSERT_STR_EQ(F(lc_add_months(D("2027-12-31"), 2)), "2028-02-29");
	ASSERT_STR_EQ(F(lc_add_months(D("2028-02-29"), 12)), "2029-02-28");
	ASSERT_STR_EQ(F(lc_add_months(D("2028-02-29"), 48)), "2032-02-29");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-03-31"), -1)), "2026-02-28");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-01-15"), -1)), "2025-12-15");
	ASSERT_STR_EQ(F(lc_add_months(D("2026-05-05"), 0)), "2026-05-05");
	ASSERT_STR_EQ(F(lc_add_years(D("2010-02-28"), 18)), "2028-02-28");
	ASSERT_STR_EQ(F(lc_add_years(D("2012-02-29"), 18)), "2030-02-28");
	ASSERT_STR_EQ(F(lc_add_years(D("2010-03-01"), 18)), "2028-03-01");
	ASSERT_INT_EQ(lc_add_months(LC_NODATE, 3), LC_NODATE);
	TEST_DONE();
}

static void
test_names(void)
{
	enum lc_state	s;
	enum lc_frame	f;
	int		i;

	TEST_START("state and frame names round-trip; unknown refused");
	for (i = 0; i < LC_NSTATES; i++) {
		ASSERT_INT_EQ(lc_state_parse(lc_state_name((enum lc_state)i),
		    &s), 0);
		ASSERT_INT_EQ(s, i);
	}
	for (i = 0; i < LC_NFRAMES; i++) {
		ASSERT_INT_EQ(lc_frame_parse(lc_frame_name((enum lc_frame)i),
		    &f), 0);
		ASSERT_INT_EQ(f, i);
	}
	ASSERT_INT_EQ(lc_state_parse("drang_intensief", &s), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_state_parse("DRANG", &s), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_state_parse("", &s), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_frame_parse("JEUGDRECLASSERING", &f), CS_ERR_FORMAT);
	ASSERT_INT_EQ(lc_frame_parse("ots", &f), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(lc_state_name(LC_NSTATES), NULL);
	ASSERT_PTR_EQ(lc_frame_name(LC_NFRAMES), NULL);
	ASSERT_STR_EQ(lc_state_name(LC_MAATREGEL_VOOGDIJ),
	    "MAATREGEL_VOOGDIJ");
	TEST_DONE();
}

/* "a|b|c" holds the names of frames first..LC_NFRAMES-1, in order. */
static void
check_choices(const char *choices, int first)
{
	const char	*p = choices, *e;
	size_t		 n;
	int		 i = first;

	for (;;) {
		e = strchr(p, '|');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		ASSERT_TRUE(i < LC_NFRAMES);
		ASSERT_INT_EQ(n, strlen(lc_frame_name((enum lc_frame)i)));
		ASSERT_MEM_EQ(p, lc_frame_name((enum lc_frame)i), n);
		i++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	ASSERT_INT_EQ(i, LC_NFRAMES);
}

static void
test_frame_choices(void)
{
	TEST_START("LC_FRAME_CHOICES and LC_MEASURE_CHOICES match the table");
	check_choices(LC_FRAME_CHOICES, LC_FRAME_DRANG);
	check_choices(LC_MEASURE_CHOICES, LC_FRAME_VOTS);
	TEST_DONE();
}

/* The full table of DESIGN §2 (plus the intake edges to a measure). */
static void
test_transition_table(void)
{
	static const struct {
		enum lc_state	from, to;
	} allowed[] = {
		{ LC_AANMELDING, LC_DRANG_INTENSIEF },
		{ LC_AANMELDING, LC_MAATREGEL_VOTS },
		{ LC_AANMELDING, LC_MAATREGEL_OTS },
		{ LC_AANMELDING, LC_MAATREGEL_VOOGDIJ },
		{ LC_AANMELDING, LC_AFSLUITING },
		{ LC_DRANG_INTENSIEF, LC_DRANG_TOETSING },
		{ LC_DRANG_INTENSIEF, LC_RAAD_MELDING },
		{ LC_DRANG_INTENSIEF, LC_AFSLUITING },
		{ LC_DRANG_TOETSING, LC_DRANG_VERVOLG },
		{ LC_DRANG_TOETSING, LC_RAAD_MELDING },
		{ LC_DRANG_TOETSING, LC_AFSLUITING },
		{ LC_DRANG_VERVOLG, LC_DRANG_VERVOLG },
		{ LC_DRANG_VERVOLG, LC_RAAD_MELDING },
		{ LC_DRANG_VERVOLG, LC_AFSLUITING },
		{ LC_RAAD_MELDING, LC_MAATREGEL_VOTS },
		{ LC_RAAD_MELDING, LC_MAATREGEL_OTS },
		{ LC_RAAD_MELDING, LC_MAATREGEL_VOOGDIJ },
		{ LC_RAAD_MELDING, LC_DRANG_VERVOLG },
		{ LC_RAAD_MELDING, LC_AFSLUITING },
		{ LC_MAATREGEL_VOTS, LC_MAATREGEL_OTS },
		{ LC_MAATREGEL_VOTS, LC_AFSLUITING },
		{ LC_MAATREGEL_OTS, LC_MAATREGEL_OTS },
		{ LC_MAATREGEL_OTS, LC_MAATREGEL_VOOGDIJ },
		{ LC_MAATREGEL_OTS, LC_AFSLUITING },
		{ LC_MAATREGEL_VOOGDIJ, LC_AFSLUITING },
		{ LC_AFSLUITING, LC_NAZORG },
		{ LC_NAZORG, LC_GESLOTEN },
	};
	size_t	i, k, n = sizeof(allowed) / sizeof(allowed[0]);
	int	from, to, want, count = 0;

	TEST_START("transition table is exactly DESIGN §2");
	for (from = 0; from < LC_NSTATES; from++) {
		for (to = 0; to < LC_NSTATES; to++) {
			want = 0;
			for (k = 0; k < n; k++)
				if ((int)allowed[k].from == from &&
				    (int)allowed[k].to == to)
					want = 1;
			if (lc_transition_allowed((enum lc_state)from,
			    (enum lc_state)to) != want)
				TEST_FAIL_("%s -> %s: got %d",
				    lc_state_name((enum lc_state)from),
				    lc_state_name((enum lc_state)to), !want);
			count += want;
		}
	}
	ASSERT_INT_EQ(count, (long long)n);
	/* every active state can be closed; nothing returns to intake */
	for (i = 0; i < LC_NSTATES; i++) {
		ASSERT_INT_EQ(lc_transition_allowed((enum lc_state)i,
		    LC_AFSLUITING), lc_state_active((enum lc_state)i));
		ASSERT_INT_EQ(lc_transition_allowed((enum lc_state)i,
		    LC_AANMELDING), 0);
	}
	ASSERT_INT_EQ(lc_transition_allowed(LC_NSTATES, LC_AFSLUITING), 0);
	ASSERT_INT_EQ(lc_transition_allowed(LC_AANMELDING, LC_NSTATES), 0);
	TEST_DONE();
}

static void
test_fits(void)
{
	TEST_START("which frame each state fits");
	ASSERT_TRUE(lc_state_fits(LC_DRANG_TOETSING, LC_FRAME_DRANG));
	ASSERT_TRUE(!lc_state_fits(LC_DRANG_TOETSING, LC_FRAME_OTS));
	ASSERT_TRUE(lc_state_fits(LC_RAAD_MELDING, LC_FRAME_DRANG));
	ASSERT_TRUE(!lc_state_fits(LC_RAAD_MELDING, LC_FRAME_VOOGDIJ));
	ASSERT_TRUE(lc_state_fits(LC_MAATREGEL_VOTS, LC_FRAME_VOTS));
	ASSERT_TRUE(!lc_state_fits(LC_MAATREGEL_VOTS, LC_FRAME_OTS));
	ASSERT_TRUE(lc_state_fits(LC_MAATREGEL_OTS, LC_FRAME_OTS));
	ASSERT_TRUE(lc_state_fits(LC_MAATREGEL_VOOGDIJ, LC_FRAME_VOOGDIJ));
	ASSERT_TRUE(!lc_state_fits(LC_MAATREGEL_VOOGDIJ, LC_FRAME_DRANG));
	ASSERT_TRUE(lc_state_fits(LC_AANMELDING, LC_FRAME_VOOGDIJ));
	ASSERT_TRUE(lc_state_fits(LC_AFSLUITING, LC_FRAME_VOTS));
	ASSERT_TRUE(lc_state_fits(LC_GESLOTEN, LC_FRAME_DRANG));
	TEST_DONE();
}

/* Apply a change; returns the lc_apply() result. */
static int
go(struct lc_case *c, enum lc_state to, const char *eff, const char *end,
    int reason, int approved, const char *today)
{
	struct lc_change	 q;
	const char		*why;
	int			 r;

	q.to = to;
	q.effective = eff != NULL ? D(eff) : LC_NODATE;
	q.end = end != NULL ? D(end) : LC_NODATE;
	q.has_reason = reason;
	q.approved = approved;
	r = lc_apply(c, &q, D(today), c, &why);
	if (r == 0 && why != NULL)
		TEST_FAIL_("success with a message: %s", why);
	if (r != 0 && why == NULL)
		TEST_FAIL_("refusal %d without a message", r);
	return r;
}

static void
drang_case(struct lc_case *c, const char *start)
{
	lc_case_init(c, LC_FRAME_DRANG, D(start));
	ASSERT_INT_EQ(go(c, LC_DRANG_INTENSIEF, start, NULL, 0, 0, start), 0);
}

/*
 * A measure of a child moves the family to "st" (measure.h,
 * ms_case_after; test_measure.c has the limits): a plain change to it
 * is refused and changes nothing.  "start" NULL: today; "end" NULL: the
 * longest a VOTS or OTS lasts.
 */
static void
to_measure(struct lc_case *c, enum lc_state st, const char *start,
    const char *end, const char *today)
{
	struct lc_case	before = *c;
	int64_t		from = D(start != NULL ? start : today);

	ASSERT_INT_EQ(go(c, st, start, end, 0, 0, today), CS_ERR_STATE);
	ASSERT_MEM_EQ(c, &before, sizeof(*c));
	if (c->state != st) {
		c->state = st;
		c->state_since = from;
		c->measure_start = from;
	}
	c->frame = st == LC_MAATREGEL_VOTS ? LC_FRAME_VOTS :
	    st == LC_MAATREGEL_OTS ? LC_FRAME_OTS : LC_FRAME_VOOGDIJ;
	c->end_date = end != NULL ? D(end) : lc_add_months(from,
	    st == LC_MAATREGEL_VOTS ? LC_VOTS_MONTHS : LC_OTS_MONTHS);
	c->extended = 0;
}

static void
test_every_transition(void)
{
	struct lc_case	c;

	TEST_START("every allowed transition applies (dates, frames)");
	/* drang path with escalation to each measure */
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(c.drang_start, D("2026-01-10"));
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, "2026-02-21", NULL, 0, 0,
	    "2026-02-21"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-02-21", NULL, 0, 0,
	    "2026-02-21"), 0);
	ASSERT_STR_EQ(F(c.end_date), "2026-04-10");	/* start + 3 months */
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-03-01", "2026-07-10",
	    1, 1, "2026-03-01"), 0);		/* extension */
	ASSERT_INT_EQ(c.extended, 1);
	ASSERT_INT_EQ(c.state_since, D("2026-02-21"));
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, "2026-05-01", NULL, 0, 0,
	    "2026-05-01"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-05-20", "2026-07-10",
	    1, 1, "2026-05-20"), 0);		/* Raad: back to drang */
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, "2026-06-01", NULL, 0, 0,
	    "2026-06-01"), 0);
	to_measure(&c, LC_MAATREGEL_VOTS, "2026-06-15", NULL, "2026-06-15");
	ASSERT_INT_EQ(c.frame, LC_FRAME_VOTS);
	ASSERT_STR_EQ(F(c.end_date), "2026-09-15");
	to_measure(&c, LC_MAATREGEL_OTS, "2026-09-01", NULL, "2026-09-01");
	ASSERT_INT_EQ(c.frame, LC_FRAME_OTS);
	ASSERT_STR_EQ(F(c.end_date), "2027-09-01");
	to_measure(&c, LC_MAATREGEL_OTS, "2027-07-01", "2028-09-01", "2027-07-01");		/* extension */
	to_measure(&c, LC_MAATREGEL_VOOGDIJ, "2028-01-01", "2035-05-05", "2028-01-01");
	ASSERT_INT_EQ(c.frame, LC_FRAME_VOOGDIJ);
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, "2035-05-05", NULL, 0, 0,
	    "2035-05-05"), 0);
	ASSERT_INT_EQ(go(&c, LC_NAZORG, NULL, NULL, 0, 0, "2035-06-01"), 0);
	ASSERT_INT_EQ(c.state_since, D("2035-06-01"));
	ASSERT_INT_EQ(go(&c, LC_GESLOTEN, NULL, NULL, 0, 0, "2035-09-01"), 0);
	ASSERT_INT_EQ(c.state, LC_GESLOTEN);

	/* RAAD_MELDING to OTS and to VOOGDIJ directly, and to close */
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, NULL, NULL, 0, 0,
	    "2026-01-20"), 0);
	to_measure(&c, LC_MAATREGEL_OTS, NULL, NULL, "2026-02-01");
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-03-01"), 0);
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, NULL, NULL, 0, 0,
	    "2026-01-20"), 0);
	to_measure(&c, LC_MAATREGEL_VOOGDIJ, NULL, "2030-01-01", "2026-02-01");
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-03-01"), 0);
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, NULL, NULL, 0, 0,
	    "2026-01-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-02-01"), 0);
	/* closing from each drang state and from VOTS */
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-01-11"), 0);
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2026-02-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-02-21"), 0);
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2026-02-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, NULL, 0, 0,
	    "2026-02-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-03-01"), 0);
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2026-02-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, NULL, NULL, 0, 0,
	    "2026-02-21"), 0);
	to_measure(&c, LC_MAATREGEL_VOTS, NULL, NULL, "2026-02-22");
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-03-01"), 0);
	drang_case(&c, "2026-01-10");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2026-02-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, NULL, 0, 0,
	    "2026-02-20"), 0);
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, NULL, NULL, 0, 0,
	    "2026-03-01"), 0);
	/* intake straight to the measure of a measure case, and closing */
	lc_case_init(&c, LC_FRAME_VOTS, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_VOTS, NULL, NULL, "2026-01-02");
	lc_case_init(&c, LC_FRAME_OTS, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_OTS, NULL, NULL, "2026-01-02");
	lc_case_init(&c, LC_FRAME_VOOGDIJ, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_VOOGDIJ, NULL, "2031-01-01", "2026-01-02");
	lc_case_init(&c, LC_FRAME_DRANG, D("2026-01-01"));
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-01-02"), 0);
	TEST_DONE();
}

static void
test_forbidden(void)
{
	struct lc_case	c, before;

	TEST_START("forbidden transitions are refused and change nothing");
	drang_case(&c, "2026-01-10");
	before = c;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, NULL, 0, 0,
	    "2026-02-01"), CS_ERR_STATE);	/* skips the toetsing */
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_OTS, NULL, NULL, 0, 0,
	    "2026-02-01"), CS_ERR_STATE);	/* no court order yet */
	ASSERT_INT_EQ(go(&c, LC_GESLOTEN, NULL, NULL, 0, 0, "2026-02-01"),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_NAZORG, NULL, NULL, 0, 0, "2026-02-01"),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_AANMELDING, NULL, NULL, 0, 0, "2026-02-01"),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_DRANG_INTENSIEF, NULL, NULL, 0, 0,
	    "2026-02-01"), CS_ERR_STATE);	/* already there */
	ASSERT_MEM_EQ(&c, &before, sizeof(c));
	/* frames: a DRANG case cannot start a measure at intake */
	lc_case_init(&c, LC_FRAME_DRANG, D("2026-01-01"));
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_OTS, NULL, NULL, 0, 0,
	    "2026-01-02"), CS_ERR_STATE);
	lc_case_init(&c, LC_FRAME_OTS, D("2026-01-01"));
	ASSERT_INT_EQ(go(&c, LC_DRANG_INTENSIEF, NULL, NULL, 0, 0,
	    "2026-01-02"), CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_VOTS, NULL, NULL, 0, 0,
	    "2026-01-02"), CS_ERR_STATE);
	/* measures: no way back into drang or to VOTS */
	to_measure(&c, LC_MAATREGEL_OTS, NULL, NULL, "2026-01-02");
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, NULL, 0, 0,
	    "2026-01-03"), CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_VOTS, NULL, NULL, 0, 0,
	    "2026-01-03"), CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, NULL, NULL, 0, 0,
	    "2026-01-03"), CS_ERR_STATE);
	to_measure(&c, LC_MAATREGEL_VOOGDIJ, NULL, "2030-01-01", "2026-01-03");
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_OTS, NULL, NULL, 0, 0,
	    "2026-01-04"), CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_VOOGDIJ, NULL, "2030-06-01", 0, 0,
	    "2026-01-04"), CS_ERR_STATE);	/* no voogdij extension */
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-01-05"), 0);
	ASSERT_INT_EQ(go(&c, LC_GESLOTEN, NULL, NULL, 0, 0, "2026-01-06"),
	    CS_ERR_STATE);			/* nazorg first */
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-01-06"),
	    CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_NAZORG, NULL, NULL, 0, 0, "2026-01-06"), 0);
	ASSERT_INT_EQ(go(&c, LC_GESLOTEN, NULL, NULL, 0, 0, "2026-01-07"), 0);
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-01-08"),
	    CS_ERR_STATE);			/* closed is final */
	ASSERT_INT_EQ(go(&c, LC_NAZORG, NULL, NULL, 0, 0, "2026-01-08"),
	    CS_ERR_STATE);
	/* VOTS -> VOOGDIJ is not an edge */
	lc_case_init(&c, LC_FRAME_VOTS, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_VOTS, NULL, NULL, "2026-01-02");
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_VOOGDIJ, NULL, "2030-01-01", 0, 0,
	    "2026-01-03"), CS_ERR_STATE);
	ASSERT_INT_EQ(go(&c, LC_MAATREGEL_VOTS, NULL, "2026-03-01", 0, 0,
	    "2026-01-03"), CS_ERR_STATE);	/* no VOTS extension */
	TEST_DONE();
}

static void
test_dates_of_change(void)
{
	struct lc_case	c;

	TEST_START("dates of a change: not before the state, not future");
	drang_case(&c, "2026-03-10");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, "2026-03-09", NULL, 0, 0,
	    "2026-04-01"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, "2026-04-03", NULL, 0, 0,
	    "2026-04-01"), CS_ERR_LIMIT);	/* today + 2 */
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, "2026-04-02", NULL, 0, 0,
	    "2026-04-01"), 0);			/* today + 1: clock skew */
	drang_case(&c, "2026-03-10");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, "2026-03-10", NULL, 0, 0,
	    "2026-04-01"), 0);			/* the same day */
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, "2026-05-01", 0, 0,
	    "2026-04-01"), CS_ERR_FORMAT);	/* no end for this state */
	TEST_DONE();
}

static void
test_drang_limits(void)
{
	struct lc_case	c, before;

	TEST_START("drang end: 3 months, 6 with reason and approval");
	/* start 30 Nov: +3 months = 28 Feb 2027, +6 = 30 May 2027 */
	drang_case(&c, "2026-11-30");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2027-01-11"), 0);
	before = c;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-03-01", 0, 0,
	    "2027-01-11"), CS_ERR_APPROVAL);	/* the day after */
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-03-01", 1, 0,
	    "2027-01-11"), CS_ERR_APPROVAL);	/* reason, no approval */
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-03-01", 0, 1,
	    "2027-01-11"), CS_ERR_APPROVAL);	/* approval, no reason */
	ASSERT_MEM_EQ(&c, &before, sizeof(c));
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-02-28", 0, 0,
	    "2027-01-11"), 0);			/* the day itself */
	ASSERT_INT_EQ(c.extended, 0);
	c = before;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-02-27", 0, 0,
	    "2027-01-11"), 0);			/* the day before */
	c = before;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, NULL, 0, 0,
	    "2027-01-11"), 0);
	ASSERT_STR_EQ(F(c.end_date), "2027-02-28");	/* default */
	/* extension: 6 months at the boundary */
	before = c;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2027-02-01", "2027-05-31",
	    1, 1, "2027-02-01"), CS_ERR_LIMIT);	/* the day after */
	ASSERT_MEM_EQ(&c, &before, sizeof(c));
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2027-02-01", "2027-05-30",
	    0, 0, "2027-02-01"), CS_ERR_APPROVAL);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2027-02-01", "2027-05-30",
	    1, 1, "2027-02-01"), 0);		/* the day itself */
	ASSERT_INT_EQ(c.extended, 1);
	c = before;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2027-02-01", "2027-05-29",
	    1, 1, "2027-02-01"), 0);		/* the day before */
	c = before;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2027-02-01", NULL, 1, 1,
	    "2027-02-01"), CS_ERR_FORMAT);	/* extension needs an end */
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2027-02-01", "2027-01-31",
	    0, 0, "2027-02-01"), CS_ERR_LIMIT);	/* end before the change */

	/* drang past 6 months: no drang state any more */
	drang_case(&c, "2026-01-31");		/* +6 months = 31 Jul */
	ASSERT_INT_EQ(go(&c, LC_RAAD_MELDING, "2026-02-10", NULL, 0, 0,
	    "2026-02-10"), 0);
	before = c;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-08-01", "2026-07-31", 1,
	    1, "2026-08-01"), CS_ERR_LIMIT);	/* the day after */
	ASSERT_MEM_EQ(&c, &before, sizeof(c));
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-07-31", "2026-07-31", 1,
	    1, "2026-07-31"), 0);		/* the day itself */
	c = before;
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-07-30", "2026-07-31", 1,
	    1, "2026-07-30"), 0);		/* the day before */
	c = before;
	/* back to drang after 3 months: the default end has passed */
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, "2026-05-15", NULL, 0, 0,
	    "2026-05-15"), CS_ERR_LIMIT);
	drang_case(&c, "2026-01-31");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, "2026-08-01", NULL, 0, 0,
	    "2026-08-01"), CS_ERR_LIMIT);	/* toetsing after 6 months */
	/* leap year: start 29 Feb 2028 -> +3 = 29 May, +6 = 29 Aug */
	drang_case(&c, "2028-02-29");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2028-04-11"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, NULL, 0, 0,
	    "2028-04-11"), 0);
	ASSERT_STR_EQ(F(c.end_date), "2028-05-29");
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2028-08-30", 1, 1,
	    "2028-05-01"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2028-08-29", 1, 1,
	    "2028-05-01"), 0);
	/* start 31 Aug: +6 months = 28 Feb (2027 not leap) */
	drang_case(&c, "2026-08-31");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2026-10-12"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-03-01", 1, 1,
	    "2026-10-12"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2027-02-28", 1, 1,
	    "2026-10-12"), 0);
	/* start 31 Aug 2027: +6 months = 29 Feb 2028 */
	drang_case(&c, "2027-08-31");
	ASSERT_INT_EQ(go(&c, LC_DRANG_TOETSING, NULL, NULL, 0, 0,
	    "2027-10-12"), 0);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2028-03-01", 1, 1,
	    "2027-10-12"), CS_ERR_LIMIT);
	ASSERT_INT_EQ(go(&c, LC_DRANG_VERVOLG, NULL, "2028-02-29", 1, 1,
	    "2027-10-12"), 0);
	TEST_DONE();
}

static void
test_deadlines(void)
{
	struct lc_case		c;
	struct lc_deadline	dl[LC_DEADLINES_MAX];
	size_t			n;

	TEST_START("derived deadlines: toetsing, drang end, OTS request");
	drang_case(&c, "2026-11-30");
	/* toetsing: start + 6 weeks = 11 Jan 2027 */
	lc_deadlines(&c, D("2027-01-10"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(dl[0].kind, LC_DL_TOETSING);
	ASSERT_STR_EQ(F(dl[0].due), "2027-01-11");
	ASSERT_INT_EQ(dl[0].days_left, 1);	/* the day before */
	ASSERT_INT_EQ(dl[1].kind, LC_DL_DRANG_END);
	ASSERT_STR_EQ(F(dl[1].due), "2027-02-28");
	lc_deadlines(&c, D("2027-01-11"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(dl[0].days_left, 0);	/* the day */
	lc_deadlines(&c, D("2027-01-12"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(dl[0].days_left, -1);	/* overdue */
	ASSERT_STR_EQ(lc_deadline_name(dl[0].kind), "toetsing");
	/* toetsing over a leap day: 1 Feb 2028 + 42 = 14 Mar 2028 */
	drang_case(&c, "2028-02-01");
	lc_deadlines(&c, D("2028-02-01"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_STR_EQ(F(dl[0].due), "2028-03-14");
	drang_case(&c, "2027-02-01");
	lc_deadlines(&c, D("2027-02-01"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_STR_EQ(F(dl[0].due), "2027-03-15");
	/* max 1: only the soonest */
	lc_deadlines(&c, D("2027-02-01"), dl, 1, &n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(dl[0].kind, LC_DL_TOETSING);

	/* OTS: request 8 weeks before the end */
	lc_case_init(&c, LC_FRAME_OTS, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_OTS, "2026-03-01", NULL, "2026-03-01");
	lc_deadlines(&c, D("2027-01-03"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(dl[0].kind, LC_DL_OTS_REQUEST);
	ASSERT_STR_EQ(F(dl[0].due), "2027-01-04");	/* 1 Mar - 56 d */
	ASSERT_INT_EQ(dl[0].days_left, 1);
	ASSERT_INT_EQ(dl[1].kind, LC_DL_OTS_END);
	ASSERT_STR_EQ(F(dl[1].due), "2027-03-01");
	ASSERT_INT_EQ(dl[1].days_left, 57);
	/* VOTS and voogdij */
	lc_case_init(&c, LC_FRAME_VOTS, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_VOTS, "2026-01-31", NULL, "2026-01-31");
	lc_deadlines(&c, D("2026-02-01"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(dl[0].kind, LC_DL_VOTS_END);
	ASSERT_STR_EQ(F(dl[0].due), "2026-04-30");
	lc_case_init(&c, LC_FRAME_VOOGDIJ, D("2026-01-01"));
	to_measure(&c, LC_MAATREGEL_VOOGDIJ, NULL, "2030-02-28", "2026-01-31");
	lc_deadlines(&c, D("2026-02-01"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(dl[0].kind, LC_DL_VOOGDIJ_END);
	/* closed cases and intake: none */
	ASSERT_INT_EQ(go(&c, LC_AFSLUITING, NULL, NULL, 0, 0, "2026-02-01"), 0);
	lc_deadlines(&c, D("2026-02-01"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 0);
	lc_case_init(&c, LC_FRAME_DRANG, D("2026-01-01"));
	lc_deadlines(&c, D("2026-02-01"), dl, LC_DEADLINES_MAX, &n);
	ASSERT_INT_EQ(n, 0);
	TEST_DONE();
}

int
main(void)
{
	test_dates();
	test_months();
	test_names();
	test_frame_choices();
	test_transition_table();
	test_fits();
	test_every_transition();
	test_forbidden();
	test_dates_of_change();
	test_drang_limits();
	test_deadlines();
	return 0;
}
