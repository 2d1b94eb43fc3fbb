/* SPDX-License-Identifier: ISC */
/*
 * lifecycle.c - case states, transitions, legal time limits, derived
 * deadlines and civil dates (see lifecycle.h for the rules and the
 * month-end convention).
 *
 * The day count uses the civil-from-days / days-from-civil algorithms
 * (eras of 400 years, March-based years), which are exact for the
 * proleptic Gregorian calendar: 2000 is a leap year, 2100 is not.
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "lifecycle.h"

static const char *const lc_state_names[LC_NSTATES] = {
	[LC_AANMELDING] = "AANMELDING",
	[LC_DRANG_INTENSIEF] = "DRANG_INTENSIEF",
	[LC_DRANG_TOETSING] = "DRANG_TOETSING",
	[LC_DRANG_VERVOLG] = "DRANG_VERVOLG",
	[LC_RAAD_MELDING] = "RAAD_MELDING",
	[LC_MAATREGEL_VOTS] = "MAATREGEL_VOTS",
	[LC_MAATREGEL_OTS] = "MAATREGEL_OTS",
	[LC_MAATREGEL_VOOGDIJ] = "MAATREGEL_VOOGDIJ",
	[LC_AFSLUITING] = "AFSLUITING",
	[LC_NAZORG] = "NAZORG",
	[LC_GESLOTEN] = "GESLOTEN",
};

static const char *const lc_frame_names[LC_NFRAMES] = {
	[LC_FRAME_DRANG] = "DRANG",
	[LC_FRAME_VOTS] = "VOTS",
	[LC_FRAME_OTS] = "OTS",
	[LC_FRAME_VOOGDIJ] = "VOOGDIJ",
};

static const char *const lc_deadline_names[LC_DL_NKINDS] = {
	[LC_DL_TOETSING] = "toetsing",
	[LC_DL_DRANG_END] = "drang_end",
	[LC_DL_VOTS_END] = "vots_end",
	[LC_DL_OTS_REQUEST] = "ots_extension_request",
	[LC_DL_OTS_END] = "ots_end",
	[LC_DL_VOOGDIJ_END] = "voogdij_end",
};

#define B(s)	(1u << (s))

/*
 * The edges of DESIGN §2, as a bit set of targets per state.  One
 * addition, documented in docs/PROTOCOL.md: AANMELDING may go straight
 * to the measure of a case registered with a measure frame (a court
 * order that arrives at intake); lc_state_fits() keeps a DRANG case
 * out of those edges and a measure case out of DRANG_INTENSIEF.
 */
static const unsigned lc_edges[LC_NSTATES] = {
	[LC_AANMELDING] = B(LC_DRANG_INTENSIEF) | B(LC_MAATREGEL_VOTS) |
	    B(LC_MAATREGEL_OTS) | B(LC_MAATREGEL_VOOGDIJ) | B(LC_AFSLUITING),
	[LC_DRANG_INTENSIEF] = B(LC_DRANG_TOETSING) | B(LC_RAAD_MELDING) |
	    B(LC_AFSLUITING),
	[LC_DRANG_TOETSING] = B(LC_DRANG_VERVOLG) | B(LC_RAAD_MELDING) |
	    B(LC_AFSLUITING),
	[LC_DRANG_VERVOLG] = B(LC_DRANG_VERVOLG) | B(LC_RAAD_MELDING) |
	    B(LC_AFSLUITING),
	[LC_RAAD_MELDING] = B(LC_MAATREGEL_VOTS) | B(LC_MAATREGEL_OTS) |
	    B(LC_MAATREGEL_VOOGDIJ) | B(LC_DRANG_VERVOLG) | B(LC_AFSLUITING),
	[LC_MAATREGEL_VOTS] = B(LC_MAATREGEL_OTS) | B(LC_AFSLUITING),
	[LC_MAATREGEL_OTS] = B(LC_MAATREGEL_OTS) | B(LC_MAATREGEL_VOOGDIJ) |
	    B(LC_AFSLUITING),
	[LC_MAATREGEL_VOOGDIJ] = B(LC_AFSLUITING),
	[LC_AFSLUITING] = B(LC_NAZORG),
	[LC_NAZORG] = B(LC_GESLOTEN),
	[LC_GESLOTEN] = 0,
};

/* ---- civil dates ---- */

int
lc_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
lc_month_days(int y, int m)
{
	static const int	days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && lc_is_leap(y) ? 29 : days[m - 1];
}

/* No range check: callers keep y within LC_YEAR_MIN..LC_YEAR_MAX +- 20. */
static int64_t
lc_days_from_civil(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe, yy = y;

	yy -= m <= 2;
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
lc_date_split(int64_t z, int *yp, int *mp, int *dp)
{
	int64_t	era, doe, yoe, y, doy, mp5, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp5 = (5 * doy + 2) / 153;
	d = doy - (153 * mp5 + 2) / 5 + 1;
	m = mp5 < 10 ? mp5 + 3 : mp5 - 9;
	*yp = (int)(y + (m <= 2));
	*mp = (int)m;
	*dp = (int)d;
}

int
lc_date_make(int y, int m, int d, int64_t *days)
{
	*days = LC_NODATE;
	if (y < LC_YEAR_MIN || y > LC_YEAR_MAX || m < 1 || m > 12 ||
	    d < 1 || d > lc_month_days(y, m))
		return CS_ERR_FORMAT;
	*days = lc_days_from_civil(y, m, d);
	return 0;
}

static int
lc_date_in_range(int64_t days)
{
	return days != LC_NODATE &&
	    days >= lc_days_from_civil(LC_YEAR_MIN, 1, 1) &&
	    days <= lc_days_from_civil(LC_YEAR_MAX, 12, 31);
}

static int
lc_digits(const char *s, size_t n, int *out)
{
	size_t	i;
	int	v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int
lc_date_parse(const char *s, int64_t *days)
{
	int	y, m, d;

	*days = LC_NODATE;
	if (s == NULL || strlen(s) != LC_DATE_LEN || s[4] != '-' ||
	    s[7] != '-' || !lc_digits(s, 4, &y) || !lc_digits(s + 5, 2, &m) ||
	    !lc_digits(s + 8, 2, &d))
		return CS_ERR_FORMAT;
	return lc_date_make(y, m, d, days);
}

void
lc_date_format(int64_t days, char *dst, size_t dstlen)
{
	int	y, m, d;

	if (dstlen == 0)
		return;
	if (!lc_date_in_range(days)) {
		(void)snprintf(dst, dstlen, "-");
		return;
	}
	lc_date_split(days, &y, &m, &d);
	(void)snprintf(dst, dstlen, "%04d-%02d-%02d", y, m, d);
}

int64_t
lc_date_from_time(int64_t t)
{
	/* floor division: times before the epoch belong to earlier days */
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int64_t
lc_add_months(int64_t days, int n)
{
	int	y, m, d, last;
	int64_t	total;

	if (days == LC_NODATE)
		return LC_NODATE;
	lc_date_split(days, &y, &m, &d);
	total = (int64_t)y * 12 + (m - 1) + n;
	y = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
	m = (int)(total - (int64_t)y * 12) + 1;
	if (d > (last = lc_month_days(y, m)))
		d = last;		/* 31 Jan + 1 month = 28/29 Feb */
	return lc_days_from_civil(y, m, d);
}

int64_t
lc_add_years(int64_t days, int n)
{
	return lc_add_months(days, n * 12);
}

/* ---- states and frames ---- */

const char *
lc_state_name(enum lc_state s)
{
	return (unsigned)s < LC_NSTATES ? lc_state_names[s] : NULL;
}

const char *
lc_frame_name(enum lc_frame f)
{
	return (unsigned)f < LC_NFRAMES ? lc_frame_names[f] : NULL;
}

const char *
lc_deadline_name(enum lc_deadline_kind k)
{
	return (unsigned)k < LC_DL_NKINDS ? lc_deadline_names[k] : "unknown";
}

int
lc_state_parse(const char *name, enum lc_state *out)
{
	int	i;

	*out = LC_AANMELDING;
	if (name == NULL)
		return CS_ERR_FORMAT;
	for (i = 0; i < LC_NSTATES; i++)
		if (strcmp(name, lc_state_names[i]) == 0) {
			*out = (enum lc_state)i;
			return 0;
		}
	return CS_ERR_FORMAT;
}

int
lc_frame_parse(const char *name, enum lc_frame *out)
{
	int	i;

	*out = LC_FRAME_DRANG;
	if (name == NULL)
		return CS_ERR_FORMAT;
	for (i = 0; i < LC_NFRAMES; i++)
		if (strcmp(name, lc_frame_names[i]) == 0) {
			*out = (enum lc_frame)i;
			return 0;
		}
	return CS_ERR_FORMAT;
}

int
lc_state_fits(enum lc_state s, enum lc_frame f)
{
	if ((unsigned)s >= LC_NSTATES || (unsigned)f >= LC_NFRAMES)
		return 0;
	switch (s) {
	case LC_DRANG_INTENSIEF:
	case LC_DRANG_TOETSING:
	case LC_DRANG_VERVOLG:
	case LC_RAAD_MELDING:
		return f == LC_FRAME_DRANG;
	case LC_MAATREGEL_VOTS:
		return f == LC_FRAME_VOTS;
	case LC_MAATREGEL_OTS:
		return f == LC_FRAME_OTS;
	case LC_MAATREGEL_VOOGDIJ:
		return f == LC_FRAME_VOOGDIJ;
	default:
		return 1;
	}
}

int
lc_state_active(enum lc_state s)
{
	return (unsigned)s < LC_AFSLUITING;
}

int
lc_transition_allowed(enum lc_state from, enum lc_state to)
{
	if ((unsigned)from >= LC_NSTATES || (unsigned)to >= LC_NSTATES)
		return 0;
	return (lc_edges[from] & B(to)) != 0;
}

void
lc_case_init(struct lc_case *c, enum lc_frame f, int64_t created)
{
	memset(c, 0, sizeof(*c));
	c->frame = f;
	c->state = LC_AANMELDING;
	c->state_since = created;
	c->drang_start = LC_NODATE;
	c->measure_start = LC_NODATE;
	c->end_date = LC_NODATE;
}

/* The frame a case has once it is in "to". */
static enum lc_frame
lc_frame_after(enum lc_state to, enum lc_frame cur)
{
	switch (to) {
	case LC_MAATREGEL_VOTS:
		return LC_FRAME_VOTS;
	case LC_MAATREGEL_OTS:
		return LC_FRAME_OTS;
	case LC_MAATREGEL_VOOGDIJ:
		return LC_FRAME_VOOGDIJ;
	default:
		return cur;
	}
}

int
lc_is_measure_state(enum lc_state s)
{
	return s == LC_MAATREGEL_VOTS || s == LC_MAATREGEL_OTS ||
	    s == LC_MAATREGEL_VOOGDIJ;
}

/* Drang in a state after DRANG_INTENSIEF: limits from drang_start. */
static int
lc_apply_drang(const struct lc_case *cur, const struct lc_change *req,
    int64_t eff, struct lc_case *n, const char **why)
{
	int64_t	base, max, end;

	if (cur->drang_start == LC_NODATE) {
		*why = "the case has no drang start date";
		return CS_ERR_STATE;
	}
	base = lc_add_months(cur->drang_start, LC_DRANG_MONTHS);
	max = lc_add_months(cur->drang_start, LC_DRANG_EXT_MONTHS);
	if (eff > max) {
		*why = "drang may last at most 6 months from its start; "
		    "report to the Raad or close the case";
		return CS_ERR_LIMIT;
	}
	if (req->to != LC_DRANG_VERVOLG)
		return 0;
	if (cur->state == LC_DRANG_VERVOLG) {
		/* an extension (or shortening) of the running drang */
		if (req->end == LC_NODATE) {
			*why = "a change of DRANG_VERVOLG needs a new end date";
			return CS_ERR_FORMAT;
		}
		n->state_since = cur->state_since;
	}
	end = req->end != LC_NODATE ? req->end : base;
	if (end < eff) {
		*why = "the drang end is before the date of the change";
		return CS_ERR_LIMIT;
	}
	if (end > max) {
		*why = "drang ends at the latest 6 months after its start";
		return CS_ERR_LIMIT;
	}
	if (end > base && (!req->has_reason || !req->approved)) {
		*why = "a drang end more than 3 months after its start needs "
		    "a reason and a teamleider's approval";
		return CS_ERR_APPROVAL;
	}
	n->end_date = end;
	n->extended = end > base;
	return 0;
}

int
lc_apply(const struct lc_case *cur, const struct lc_change *req,
    int64_t today, struct lc_case *next, const char **why)
{
	struct lc_case	n;
	int64_t		eff;
	int		r;

	*why = NULL;
	if ((unsigned)cur->state >= LC_NSTATES ||
	    (unsigned)cur->frame >= LC_NFRAMES ||
	    (unsigned)req->to >= LC_NSTATES) {
		*why = "unknown state or frame";
		return CS_ERR_STATE;
	}
	eff = req->effective != LC_NODATE ? req->effective : today;
	if (!lc_date_in_range(eff) || !lc_date_in_range(today) ||
	    (req->end != LC_NODATE && !lc_date_in_range(req->end))) {
		*why = "date out of range";
		return CS_ERR_FORMAT;
	}
	if (lc_is_measure_state(req->to)) {
		*why = "a measure belongs to a child: register it with "
		    "measure start";
		return CS_ERR_STATE;
	}
	if (!lc_transition_allowed(cur->state, req->to)) {
		*why = cur->state == req->to ? "the case is already in that "
		    "state" : "that transition is not in the case lifecycle";
		return CS_ERR_STATE;
	}
	if (!lc_state_fits(req->to, lc_frame_after(req->to, cur->frame)) ||
	    (cur->state == LC_AANMELDING &&
	    !lc_state_fits(req->to, cur->frame))) {
		*why = "that state does not fit the case's frame";
		return CS_ERR_STATE;
	}
	if (eff > today + LC_FUTURE_DAYS) {
		*why = "the date of the change is in the future";
		return CS_ERR_LIMIT;
	}
	if (cur->state_since != LC_NODATE && eff < cur->state_since) {
		*why = "the date of the change is before the current state "
		    "began";
		return CS_ERR_LIMIT;
	}
	if (req->end != LC_NODATE && req->to != LC_DRANG_VERVOLG) {
		*why = "an end date applies only to DRANG_VERVOLG";
		return CS_ERR_FORMAT;
	}
	n = *cur;
	n.state = req->to;
	n.state_since = eff;
	n.frame = lc_frame_after(req->to, cur->frame);
	switch (req->to) {
	case LC_DRANG_INTENSIEF:
		n.drang_start = eff;
		n.measure_start = LC_NODATE;
		n.end_date = LC_NODATE;
		n.extended = 0;
		break;
	case LC_DRANG_TOETSING:
	case LC_DRANG_VERVOLG:
		if ((r = lc_apply_drang(cur, req, eff, &n, why)) != 0)
			return r;
		break;
	default:
		/* RAAD_MELDING, AFSLUITING, NAZORG, GESLOTEN: dates kept */
		break;
	}
	*next = n;
	return 0;
}

static void
lc_dl_add(struct lc_deadline *out, size_t max, size_t *n,
    enum lc_deadline_kind k, int64_t due, int64_t today)
{
	struct lc_deadline	t;
	size_t			i;

	if (due == LC_NODATE || *n == max)
		return;
	out[*n].kind = k;
	out[*n].due = due;
	out[*n].days_left = due - today;
	/* insertion: soonest first, stable for equal dates */
	for (i = (*n)++; i > 0 && out[i - 1].due > out[i].due; i--) {
		t = out[i - 1];
		out[i - 1] = out[i];
		out[i] = t;
	}
}

void
lc_deadlines(const struct lc_case *c, int64_t today,
    struct lc_deadline *out, size_t max, size_t *n)
{
	int64_t	drang_end = LC_NODATE;

	*n = 0;
	if (c->drang_start != LC_NODATE)
		drang_end = c->end_date != LC_NODATE ? c->end_date :
		    lc_add_months(c->drang_start, LC_DRANG_MONTHS);
	switch (c->state) {
	case LC_DRANG_INTENSIEF:
		lc_dl_add(out, max, n, LC_DL_TOETSING,
		    c->drang_start == LC_NODATE ? LC_NODATE :
		    c->drang_start + LC_TOETSING_DAYS, today);
		lc_dl_add(out, max, n, LC_DL_DRANG_END, drang_end, today);
		break;
	case LC_DRANG_TOETSING:
	case LC_DRANG_VERVOLG:
	case LC_RAAD_MELDING:
		lc_dl_add(out, max, n, LC_DL_DRANG_END, drang_end, today);
		break;
	case LC_MAATREGEL_VOTS:
		lc_dl_add(out, max, n, LC_DL_VOTS_END, c->end_date, today);
		break;
	case LC_MAATREGEL_OTS:
		lc_dl_add(out, max, n, LC_DL_OTS_REQUEST,
		    c->end_date == LC_NODATE ? LC_NODATE :
		    c->end_date - LC_OTS_REQUEST_DAYS, today);
		lc_dl_add(out, max, n, LC_DL_OTS_END, c->end_date, today);
		break;
	case LC_MAATREGEL_VOOGDIJ:
		lc_dl_add(out, max, n, LC_DL_VOOGDIJ_END, c->end_date, today);
		break;
	default:
		break;
	}
}
