/* SPDX-License-Identifier: ISC */
/*
 * measure.c - court measures per child: limits, status, deadlines and
 * the family state (see measure.h for the rules).
 */
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "measure.h"

static const char *const ms_type_names[MS_NTYPES] = {
	[MS_VOTS] = "VOTS",
	[MS_OTS] = "OTS",
	[MS_UHP] = "UHP",
	[MS_VOOGDIJ_ONTZETTING] = "VOOGDIJ_ONTZETTING",
	[MS_VOOGDIJ_GEZAGSBEEINDIGING] = "VOOGDIJ_GEZAGSBEEINDIGING",
};

static const char *const ms_action_names[MS_NACTIONS] = {
	[MS_START] = "start",
	[MS_EXTEND] = "extend",
	[MS_END] = "end",
};

static const char *const ms_status_names[MS_NSTATUS] = {
	[MS_FUTURE] = "future",
	[MS_RUNNING] = "running",
	[MS_LAPSED] = "lapsed",
	[MS_ENDED] = "ended",
};

static const char *const ms_deadline_names[MS_DL_NKINDS] = {
	[MS_DL_VOTS_END] = "vots_end",
	[MS_DL_OTS_REQUEST] = "ots_extension_request",
	[MS_DL_OTS_END] = "ots_end",
	[MS_DL_UHP_END] = "uhp_end",
	[MS_DL_VOOGDIJ_END] = "voogdij_end",
};

static int
ms_parse(const char *s, const char *const *names, int n)
{
	int	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
ms_type_name(enum ms_type t)
{
	return (unsigned)t < MS_NTYPES ? ms_type_names[t] : NULL;
}

const char *
ms_action_name(enum ms_action a)
{
	return (unsigned)a < MS_NACTIONS ? ms_action_names[a] : NULL;
}

const char *
ms_status_name(enum ms_status s)
{
	return (unsigned)s < MS_NSTATUS ? ms_status_names[s] : NULL;
}

const char *
ms_deadline_name(enum ms_deadline_kind k)
{
	return (unsigned)k < MS_DL_NKINDS ? ms_deadline_names[k] : NULL;
}

int
ms_type_parse(const char *s, enum ms_type *out)
{
	int	i = ms_parse(s, ms_type_names, MS_NTYPES);

	*out = i < 0 ? MS_NTYPES : (enum ms_type)i;
	return i < 0 ? CS_ERR_FORMAT : 0;
}

int
ms_action_parse(const char *s, enum ms_action *out)
{
	int	i = ms_parse(s, ms_action_names, MS_NACTIONS);

	*out = i < 0 ? MS_NACTIONS : (enum ms_action)i;
	return i < 0 ? CS_ERR_FORMAT : 0;
}

int
ms_status_parse(const char *s, enum ms_status *out)
{
	int	i = ms_parse(s, ms_status_names, MS_NSTATUS);

	*out = i < 0 ? MS_NSTATUS : (enum ms_status)i;
	return i < 0 ? CS_ERR_FORMAT : 0;
}

int
ms_is_voogdij(enum ms_type t)
{
	return t == MS_VOOGDIJ_ONTZETTING || t == MS_VOOGDIJ_GEZAGSBEEINDIGING;
}

enum lc_state
ms_type_state(enum ms_type t)
{
	switch (t) {
	case MS_VOTS:
		return LC_MAATREGEL_VOTS;
	case MS_OTS:
	case MS_UHP:
		return LC_MAATREGEL_OTS;
	default:
		return LC_MAATREGEL_VOOGDIJ;
	}
}

/* The kind for "one of a kind per child": both voogdij types are one. */
static int
ms_kind(enum ms_type t)
{
	return ms_is_voogdij(t) ? MS_VOOGDIJ_ONTZETTING : (int)t;
}

int64_t
ms_last_day(const struct ms_measure *m)
{
	/* ended on a day: in force until the day before */
	if (m->ended_on != LC_NODATE && m->ended_on - 1 < m->end)
		return m->ended_on - 1;
	return m->end;
}

enum ms_status
ms_status(const struct ms_measure *all, size_t n, size_t i, int64_t day)
{
	const struct ms_measure	*m = &all[i], *o;
	size_t			 k;

	if (m->ended_on != LC_NODATE && day >= m->ended_on)
		return MS_ENDED;
	if (day < m->start)
		return MS_FUTURE;
	if (day <= m->end)
		return MS_RUNNING;
	if (m->type == MS_VOTS)
		for (k = 0; k < n; k++) {
			o = &all[k];
			if (k != i && o->type == MS_OTS &&
			    strcmp(o->child_id, m->child_id) == 0 &&
			    o->start >= m->start && o->start <= m->end + 1)
				return MS_ENDED;	/* an OTS followed */
		}
	return MS_LAPSED;
}

static int
ms_active(enum ms_status s)
{
	return s == MS_RUNNING || s == MS_FUTURE;
}

static int
ms_in_range(int64_t d)
{
	int64_t	lo, hi;

	(void)lc_date_make(LC_YEAR_MIN, 1, 1, &lo);
	(void)lc_date_make(LC_YEAR_MAX, 12, 31, &hi);
	return d != LC_NODATE && d >= lo && d <= hi;
}

static int
ms_opt_ok(int64_t d)
{
	return d == LC_NODATE || ms_in_range(d);
}

/* The decision's date: given, not in the future. */
static int
ms_check_decision(int64_t decision, int64_t today, const char **why)
{
	if (decision == LC_NODATE) {
		*why = "a measure exists only with its court decision: give "
		    "the decision date";
		return CS_ERR_FORMAT;
	}
	if (decision > today + LC_FUTURE_DAYS) {
		*why = "the decision date is in the future";
		return CS_ERR_LIMIT;
	}
	return 0;
}

/*
 * No measure outlasts minority: with a date of birth, the child is a
 * minor on "start" and "end" is at the latest the 18th birthday.
 */
static int
ms_check_minor(int64_t birth, int64_t start, int64_t end, const char **why)
{
	int64_t	major;

	if (birth == LC_NODATE)
		return 0;
	if (birth > start) {
		*why = "the date of birth is after the start of the measure";
		return CS_ERR_LIMIT;
	}
	major = lc_add_years(birth, LC_VOOGDIJ_YEARS);
	if (start >= major) {
		*why = "the child is of age on the start of the measure";
		return CS_ERR_LIMIT;
	}
	if (end > major) {
		*why = "a measure ends at the latest on the child's 18th "
		    "birthday";
		return CS_ERR_LIMIT;
	}
	return 0;
}

/*
 * The running OTS or VOTS of the child a UHP from "start" lies within
 * (all[skip] is the UHP itself, or out of range): its index, or -1.
 * *lapsed is set when a candidate has lapsed.
 */
static int
ms_container(const struct ms_measure *all, size_t n, const char *child,
    int64_t start, int64_t today, size_t skip, int *lapsed)
{
	const struct ms_measure	*o;
	enum ms_status		 st;
	size_t			 k;
	int			 best = -1;

	*lapsed = 0;
	for (k = 0; k < n; k++) {
		o = &all[k];
		if (k == skip || (o->type != MS_OTS && o->type != MS_VOTS) ||
		    strcmp(o->child_id, child) != 0 || start < o->start ||
		    start > ms_last_day(o))
			continue;
		st = ms_status(all, n, k, today);
		if (st == MS_LAPSED) {
			*lapsed = 1;
			continue;
		}
		if (!ms_active(st))
			continue;
		/* an OTS that follows a VOTS outlives it: prefer the later */
		if (best < 0 || ms_last_day(o) > ms_last_day(&all[best]))
			best = (int)k;
	}
	return best;
}

static int
ms_start(const struct ms_measure *all, size_t n,
    const struct ms_request *q, int64_t today, struct ms_measure *m,
    const char **why)
{
	int64_t	max = LC_NODATE;
	size_t	k;
	int	c, lapsed, r;

	if (q->type >= MS_NTYPES) {
		*why = "a measure needs its type: " MS_TYPE_CHOICES;
		return CS_ERR_FORMAT;
	}
	if (n >= MS_MEASURES_MAX) {
		*why = "a case has at most 64 measures";
		return CS_ERR_LIMIT;
	}
	if ((r = ms_check_decision(q->decision, today, why)) != 0)
		return r;
	m->type = q->type;
	m->decision = q->decision;
	m->start = q->start != LC_NODATE ? q->start : q->decision;
	m->ended_on = LC_NODATE;
	if (m->start < m->decision) {
		*why = "a measure starts on or after the date of its decision";
		return CS_ERR_LIMIT;
	}
	if (m->start > today + LC_FUTURE_DAYS) {
		*why = "the start of the measure is in the future";
		return CS_ERR_LIMIT;
	}
	switch (q->type) {
	case MS_VOTS:
		max = lc_add_months(m->start, LC_VOTS_MONTHS);
		break;
	case MS_OTS:
		max = lc_add_months(m->start, LC_OTS_MONTHS);
		break;
	case MS_UHP:
		c = ms_container(all, n, q->child_id, m->start, today,
		    (size_t)-1, &lapsed);
		if (c < 0) {
			*why = lapsed ? "the VOTS of this child has lapsed: a "
			    "machtiging uithuisplaatsing needs a running OTS "
			    "or VOTS" : "a machtiging uithuisplaatsing needs a "
			    "running OTS or VOTS of the same child, from its "
			    "start";
			return CS_ERR_STATE;
		}
		max = ms_last_day(&all[c]);
		break;
	default:
		if (q->birth == LC_NODATE) {
			*why = "a voogdij needs the child's date of birth";
			return CS_ERR_FORMAT;
		}
		max = lc_add_years(q->birth, LC_VOOGDIJ_YEARS);
		break;
	}
	m->end = q->end != LC_NODATE ? q->end : max;
	if ((r = ms_check_minor(q->birth, m->start, m->end, why)) != 0)
		return r;
	if (m->end > max) {
		*why = q->type == MS_VOTS ? "a VOTS lasts at most 3 months" :
		    q->type == MS_OTS ? "an OTS period lasts at most 12 months" :
		    q->type == MS_UHP ? "a machtiging uithuisplaatsing ends at "
		    "the latest when the OTS or VOTS it lies within ends" :
		    "a voogdij ends at the latest on the 18th birthday";
		return CS_ERR_LIMIT;
	}
	if (m->end <= m->start) {
		*why = "the measure must end after it starts";
		return CS_ERR_LIMIT;
	}
	for (k = 0; k < n; k++)
		if (strcmp(all[k].child_id, q->child_id) == 0 &&
		    ms_kind(all[k].type) == ms_kind(q->type) &&
		    ms_last_day(&all[k]) >= m->start &&
		    all[k].start <= m->end) {
			*why = q->type == MS_OTS ? "this child already has an "
			    "OTS in that period: extend it" : "this child "
			    "already has a measure of this kind in that period";
			return CS_ERR_STATE;
		}
	return 0;
}

static int
ms_extend(const struct ms_measure *all, size_t n, size_t i,
    const struct ms_request *q, int64_t today, struct ms_measure *m,
    const char **why)
{
	int64_t	max;
	int	c, lapsed, r;

	switch (ms_status(all, n, i, today)) {
	case MS_ENDED:
		*why = "the measure has ended";
		return CS_ERR_STATE;
	case MS_LAPSED:
		*why = m->type == MS_VOTS ? "the VOTS has lapsed: it cannot be "
		    "extended" : "the measure has lapsed: it cannot be "
		    "extended";
		return CS_ERR_STATE;
	default:
		break;
	}
	if (ms_is_voogdij(m->type)) {
		*why = "a voogdij lasts until the 18th birthday: it cannot be "
		    "extended";
		return CS_ERR_STATE;
	}
	if ((r = ms_check_decision(q->decision, today, why)) != 0)
		return r;
	if (q->decision < m->decision) {
		*why = "the extension's decision is older than the measure's";
		return CS_ERR_LIMIT;
	}
	if (q->decision > m->end) {
		*why = "the extension was decided after the measure's end";
		return CS_ERR_LIMIT;
	}
	if (q->end == LC_NODATE) {
		*why = "an extension needs the new end date";
		return CS_ERR_FORMAT;
	}
	if (q->end <= m->end) {
		*why = "an extension needs an end date after the current end";
		return CS_ERR_LIMIT;
	}
	switch (m->type) {
	case MS_VOTS:
		if (q->end > lc_add_months(m->start, LC_VOTS_MONTHS)) {
			*why = "a VOTS lasts at most 3 months";
			return CS_ERR_LIMIT;
		}
		break;
	case MS_OTS:
		if (q->end > lc_add_months(m->end, LC_OTS_MONTHS)) {
			*why = "an OTS extension lasts at most 12 months";
			return CS_ERR_LIMIT;
		}
		break;
	case MS_UHP:
		c = ms_container(all, n, m->child_id, m->start, today, i,
		    &lapsed);
		if (c < 0) {
			*why = "the OTS or VOTS this machtiging "
			    "uithuisplaatsing lies within no longer runs";
			return CS_ERR_STATE;
		}
		max = ms_last_day(&all[c]);
		if (q->end > max) {
			*why = "a machtiging uithuisplaatsing ends at the "
			    "latest when the OTS or VOTS it lies within ends";
			return CS_ERR_LIMIT;
		}
		break;
	default:
		break;
	}
	if ((r = ms_check_minor(q->birth, m->start, q->end, why)) != 0)
		return r;
	m->decision = q->decision;
	m->end = q->end;
	m->extensions++;
	return 0;
}

static int
ms_end(const struct ms_measure *all, size_t n, size_t i,
    const struct ms_request *q, int64_t today, struct ms_measure *m,
    const char **why)
{
	int64_t	day = q->end != LC_NODATE ? q->end : today;
	size_t	k;

	if (m->ended_on != LC_NODATE) {
		*why = "the measure has already ended";
		return CS_ERR_STATE;
	}
	if (ms_status(all, n, i, today) == MS_ENDED) {
		*why = "the measure has ended: an OTS followed the VOTS";
		return CS_ERR_STATE;
	}
	if (q->decision != LC_NODATE && (q->decision > today +
	    LC_FUTURE_DAYS || q->decision < m->decision)) {
		*why = "the decision date is in the future or before the "
		    "measure's decision";
		return CS_ERR_LIMIT;
	}
	if (day < m->start || day > m->end + 1) {
		*why = "a measure ends between its start and the day after "
		    "its end date";
		return CS_ERR_LIMIT;
	}
	if (day > today + LC_FUTURE_DAYS) {
		*why = "the end is in the future";
		return CS_ERR_LIMIT;
	}
	if (m->type == MS_OTS || m->type == MS_VOTS)
		for (k = 0; k < n; k++)
			if (k != i && all[k].type == MS_UHP &&
			    all[k].ended_on == LC_NODATE &&
			    strcmp(all[k].child_id, m->child_id) == 0 &&
			    all[k].start >= m->start &&
			    all[k].start <= m->end &&
			    ms_last_day(&all[k]) >= day) {
				*why = "a machtiging uithuisplaatsing within "
				    "this measure still runs: end it first";
				return CS_ERR_STATE;
			}
	m->ended_on = day;
	return 0;
}

int
ms_apply(const struct ms_measure *all, size_t n,
    const struct ms_request *q, int64_t today, int64_t registered,
    struct ms_measure *out, int *backdated, const char **why)
{
	struct ms_measure	m;
	size_t			i;
	int			r;

	*why = NULL;
	*backdated = 0;
	memset(&m, 0, sizeof(m));
	if (q->child_id == NULL || strlen(q->child_id) != MS_UUID_LEN) {
		*why = "a measure belongs to a child: give the child";
		return CS_ERR_FORMAT;
	}
	if (!ms_in_range(today) || !ms_opt_ok(q->decision) ||
	    !ms_opt_ok(q->start) || !ms_opt_ok(q->end) ||
	    !ms_opt_ok(q->birth)) {
		*why = "date out of range";
		return CS_ERR_FORMAT;
	}
	if (q->action == MS_START) {
		memcpy(m.child_id, q->child_id, MS_UUID_LEN + 1);
		if ((r = ms_start(all, n, q, today, &m, why)) != 0)
			return r;
		*backdated = registered != LC_NODATE && m.start < registered;
		*out = m;
		return 0;
	}
	if (q->action != MS_EXTEND && q->action != MS_END) {
		*why = "the action is start, extend or end";
		return CS_ERR_FORMAT;
	}
	for (i = 0; i < n; i++)
		if (all[i].id == q->measure_id && q->measure_id != 0)
			break;
	if (i == n) {
		*why = "the case has no such measure";
		return CS_ERR_NOT_FOUND;
	}
	m = all[i];
	if (strcmp(m.child_id, q->child_id) != 0 ||
	    (q->type != MS_NTYPES && q->type != m.type)) {
		*why = "that measure belongs to another child, or is of "
		    "another type";
		return CS_ERR_STATE;
	}
	if (q->start != LC_NODATE && q->start != m.start) {
		*why = "the start of a measure does not change";
		return CS_ERR_FORMAT;
	}
	r = q->action == MS_EXTEND ? ms_extend(all, n, i, q, today, &m, why) :
	    ms_end(all, n, i, q, today, &m, why);
	if (r != 0)
		return r;
	*out = m;
	return 0;
}

static void
ms_dl_add(struct ms_deadline *out, size_t max, size_t *n,
    enum ms_deadline_kind k, int64_t due, int64_t today, size_t measure)
{
	struct ms_deadline	t;
	size_t			i;

	if (*n == max)
		return;
	out[*n].kind = k;
	out[*n].due = due;
	out[*n].days_left = due - today;
	out[*n].measure = measure;
	for (i = (*n)++; i > 0 && out[i - 1].due > out[i].due; i--) {
		t = out[i - 1];
		out[i - 1] = out[i];
		out[i] = t;
	}
}

void
ms_deadlines(const struct ms_measure *all, size_t n, int64_t today,
    struct ms_deadline *out, size_t max, size_t *nout)
{
	const struct ms_measure	*m;
	size_t			 i;

	*nout = 0;
	for (i = 0; i < n; i++) {
		m = &all[i];
		if (ms_status(all, n, i, today) == MS_ENDED)
			continue;
		switch (m->type) {
		case MS_VOTS:
			ms_dl_add(out, max, nout, MS_DL_VOTS_END, m->end,
			    today, i);
			break;
		case MS_OTS:
			ms_dl_add(out, max, nout, MS_DL_OTS_REQUEST,
			    m->end - LC_OTS_REQUEST_DAYS, today, i);
			ms_dl_add(out, max, nout, MS_DL_OTS_END, m->end,
			    today, i);
			break;
		case MS_UHP:
			ms_dl_add(out, max, nout, MS_DL_UHP_END, m->end,
			    today, i);
			break;
		default:
			ms_dl_add(out, max, nout, MS_DL_VOOGDIJ_END, m->end,
			    today, i);
			break;
		}
	}
}

/*
 * The state the running measures ask for; a UHP lies within an OTS or
 * VOTS of its own, which decides for it.
 */
int
ms_family_state(const struct ms_measure *all, size_t n, int64_t day,
    enum lc_state *state)
{
	size_t	i;
	int	vots = 0, ots = 0, voogdij = 0;

	for (i = 0; i < n; i++) {
		if (!ms_active(ms_status(all, n, i, day)))
			continue;
		if (ms_is_voogdij(all[i].type))
			voogdij = 1;
		else if (all[i].type == MS_OTS)
			ots = 1;
		else if (all[i].type == MS_VOTS)
			vots = 1;
	}
	*state = voogdij ? LC_MAATREGEL_VOOGDIJ : ots ? LC_MAATREGEL_OTS :
	    LC_MAATREGEL_VOTS;
	return voogdij || ots || vots;
}

int
ms_any_running(const struct ms_measure *all, size_t n, int64_t day)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (ms_active(ms_status(all, n, i, day)))
			return 1;
	return 0;
}

static enum lc_frame
ms_state_frame(enum lc_state s)
{
	return s == LC_MAATREGEL_VOTS ? LC_FRAME_VOTS :
	    s == LC_MAATREGEL_OTS ? LC_FRAME_OTS : LC_FRAME_VOOGDIJ;
}

int
ms_case_after(const struct lc_case *cur, const struct ms_measure *all,
    size_t n, enum ms_action action, int64_t today, struct lc_case *next,
    const char **why)
{
	struct lc_case	c = *cur;
	enum lc_state	st;
	int64_t		first = LC_NODATE, last = LC_NODATE;
	size_t		i;

	*why = NULL;
	if (cur->state == LC_GESLOTEN) {
		*why = "the case is closed";
		return CS_ERR_CASE_CLOSED;
	}
	if (!lc_state_active(cur->state) && action != MS_END) {
		*why = "the case is being closed: it takes no new measure";
		return CS_ERR_STATE;
	}
	if (!ms_family_state(all, n, today, &st) ||
	    !lc_state_active(cur->state)) {
		*next = c;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!ms_active(ms_status(all, n, i, today)) ||
		    all[i].type == MS_UHP || ms_type_state(all[i].type) != st)
			continue;
		if (first == LC_NODATE || all[i].start < first)
			first = all[i].start;
		if (last == LC_NODATE || ms_last_day(&all[i]) > last)
			last = ms_last_day(&all[i]);
	}
	if (c.state != st) {
		c.state = st;
		c.state_since = first;
	}
	c.frame = ms_state_frame(st);
	c.measure_start = first;
	c.end_date = last;
	c.extended = 0;
	*next = c;
	return 0;
}
