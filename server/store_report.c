/* SPDX-License-Identifier: ISC */
/*
 * store_report.c - management information (store_report.h; docs/
 * ADMIN.md "Management information").  Each figure is one aggregate
 * over the server's metadata: cases (lifecycle columns), child_measures
 * (OTS end dates and extensions), transfers, glass, approvals and, for
 * when a drang ended and how, the audit log's case_state entries.  The
 * statements scan cases once each and probe the others by index, so
 * 50,000 cases take milliseconds, not seconds (docs/BENCHMARKS.md).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "figures.h"
#include "lifecycle.h"
#include "store.h"
#include "store_int.h"
#include "store_report.h"
#include "util.h"

/* "since" for SQL: LC_NODATE is every day there is. */
#define REPORT_EPOCH_MIN	((int64_t)-100000000)

#define REPORT_ENDED	"('AFSLUITING', 'NAZORG', 'GESLOTEN')"

/* The group of office "oid" and frame name at column "col", or NULL. */
static struct store_report_group *
report_group(struct store_report *rep, int64_t oid, struct sdb_stmt *s, int col,
    int *bad)
{
	const char	*name;
	enum lc_frame	 f;
	size_t		 i;

	name = (const char *)sdb_column_text(s, col);
	if (name == NULL || lc_frame_parse(name, &f) != 0) {
		*bad = 1;
		return NULL;
	}
	for (i = 0; i < rep->ngroups; i += LC_NFRAMES)
		if (rep->groups[i].office_id == oid)
			return &rep->groups[i + (size_t)f];
	return NULL;
}

static int
report_offices(struct store *st, const char *office, struct store_report *rep)
{
	struct sdb_stmt	*s = NULL;
	void		*p;
	size_t		 max = 0, f;
	int		 rc, r;

	if ((r = store_bind(st, "SELECT id, name FROM offices WHERE"
	    " ?1 IS NULL OR name = ?1 ORDER BY name", &s, "t", NULL,
	    (const char *[]){ office }, NULL)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (rep->ngroups + LC_NFRAMES > max) {
			if ((p = reallocarray(rep->groups, max * 2 + LC_NFRAMES,
			    sizeof(*rep->groups))) == NULL) {
				r = CS_ERR_ALLOC;
				goto out;
			}
			rep->groups = p;
			max = max * 2 + LC_NFRAMES;
		}
		for (f = 0; f < LC_NFRAMES; f++) {
			struct store_report_group *g =
			    &rep->groups[rep->ngroups + f];

			memset(g, 0, sizeof(*g));
			g->office_id = sdb_column_int64(s, 0);
			if (store_col_text(s, 1, g->office,
			    sizeof(g->office)) != 0) {
				r = CS_ERR_DB;
				goto out;
			}
			g->frame = (enum lc_frame)f;
			g->drang_median_x2 = -1;
		}
		rep->ngroups += LC_NFRAMES;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
	if (r == 0 && rep->ngroups == 0)
		r = CS_ERR_NOT_FOUND;
 out:
	return store_done(st, s, r, __func__);
}

/*
 * A statement whose rows are (office_id, frame, n1, n2, ...): add n_k
 * into the field at offsets[k] of the group.
 */
static int
report_sum(struct store *st, struct store_report *rep, const char *sql,
    const int64_t *ints, const char *fmt, const size_t *offsets, size_t n)
{
	struct store_report_group	*g;
	struct sdb_stmt			*s = NULL;
	size_t				 k;
	int				 rc, r, bad = 0;

	if ((r = store_bind(st, sql, &s, fmt, ints, NULL, NULL)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		g = report_group(rep, sdb_column_int64(s, 0), s, 1, &bad);
		if (bad) {
			r = CS_ERR_DB;
			goto out;
		}
		for (k = 0; g != NULL && k < n; k++)
			*(int64_t *)(void *)((char *)g + offsets[k]) +=
			    sdb_column_int64(s, (int)k + 2);
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, s, r, __func__);
}

#define OFF(f)	offsetof(struct store_report_group, f)

/* Transfers done since ?2 by the office in column "col" and frame. */
#define REPORT_TRANSFERS(col)						\
	"SELECT t." col ", c.frame, COUNT(*) FROM transfers t"		\
	" JOIN cases c ON c.id = t.case_id WHERE t.state IN"		\
	" ('ACCEPTED', 'COMPLETED') AND t.decided_at >= ?2"		\
	" GROUP BY t." col ", c.frame"

static int
report_counts(struct store *st, struct store_report *rep, int64_t since)
{
	static const size_t	cases_off[] = { OFF(active), OFF(new_cases),
	    OFF(closed), OFF(drang_extended), OFF(toetsing_overdue) };
	static const size_t	meas_off[] = { OFF(ots_extensions),
	    OFF(ots_request_overdue) };
	static const size_t	out_off[] = { OFF(transfers_out) };
	static const size_t	in_off[] = { OFF(transfers_in) };
	static const size_t	glass_off[] = { OFF(glass) };
	const int64_t		ints[] = { since, since * 86400, rep->today,
	    STORE_REPORT_TOETSING_DAYS, LC_OTS_REQUEST_DAYS };
	int			r;

	if ((r = report_sum(st, rep, "SELECT office_id, frame,"
	    " SUM(state NOT IN " REPORT_ENDED "),"
	    " SUM(created_at >= ?2),"
	    " SUM(state = 'GESLOTEN' AND closed_on >= ?1),"
	    " SUM(extended <> 0 AND state NOT IN " REPORT_ENDED "),"
	    " SUM(state = 'DRANG_INTENSIEF' AND drang_start + ?4 < ?3)"
	    " FROM cases GROUP BY office_id, frame", ints, "iiii",
	    cases_off, 5)) != 0)
		return r;
	/* an OTS running (not ended, case not closing) whose request is due */
	if ((r = report_sum(st, rep, "SELECT c.office_id, c.frame,"
	    " SUM(m.extensions),"
	    " SUM(m.type = 'OTS' AND m.ended_on IS NULL AND"
	    "  c.state NOT IN " REPORT_ENDED " AND m.end_date - ?5 < ?3)"
	    " FROM child_measures m JOIN cases c ON c.id = m.case_id"
	    " GROUP BY c.office_id, c.frame", ints, "iiiii", meas_off,
	    2)) != 0)
		return r;
	if ((r = report_sum(st, rep, REPORT_TRANSFERS("from_office_id"), ints,
	    "ii", out_off, 1)) != 0 ||
	    (r = report_sum(st, rep, REPORT_TRANSFERS("to_office_id"), ints,
	    "ii", in_off, 1)) != 0)
		return r;
	return report_sum(st, rep, "SELECT g.case_office_id, c.frame,"
	    " COUNT(*) FROM glass g JOIN cases c ON c.id = g.case_id"
	    " WHERE g.granted_at >= ?2 GROUP BY g.case_office_id, c.frame",
	    ints, "ii", glass_off, 1);
}

/* Months in the order of their groups, then by month. */
static int
report_month_cmp(const void *a, const void *b)
{
	const struct store_report_month	*x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->year * 12 + x->month) - (y->year * 12 + y->month);
}

static int
report_months(struct store *st, struct store_report *rep, int64_t since)
{
	struct store_report_group	*g;
	struct store_report_month	*m;
	struct sdb_stmt			*s = NULL;
	const char			*ym;
	char				 d[LC_DATE_LEN + 8];
	void				*p;
	int64_t				 day;
	size_t				 max = 0;
	int				 rc, r, dd, bad = 0;

	if ((r = store_bind(st, "SELECT o, f, ym, SUM(n), SUM(c) FROM ("
	    " SELECT office_id AS o, frame AS f, strftime('%Y-%m', created_at,"
	    "  'unixepoch') AS ym, 1 AS n, 0 AS c FROM cases"
	    "  WHERE created_at >= ?2"
	    " UNION ALL SELECT office_id, frame, strftime('%Y-%m',"
	    "  closed_on * 86400, 'unixepoch'), 0, 1 FROM cases"
	    "  WHERE state = 'GESLOTEN' AND closed_on >= ?1)"
	    " GROUP BY o, f, ym", &s, "ii",
	    (const int64_t[]){ since, since * 86400 }, NULL, NULL)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		g = report_group(rep, sdb_column_int64(s, 0), s, 1, &bad);
		ym = (const char *)sdb_column_text(s, 2);
		if (bad || ym == NULL || strlen(ym) != 7) {
			r = CS_ERR_DB;
			goto out;
		}
		if (g == NULL)
			continue;
		/* "YYYY-MM": a real month, or the database is damaged */
		if (str_fmt(d, sizeof(d), "%s-01", ym) != 0 ||
		    lc_date_parse(d, &day) != 0) {
			r = CS_ERR_DB;
			goto out;
		}
		if (rep->nmonths == max) {
			if ((p = reallocarray(rep->months, max * 2 + 16,
			    sizeof(*rep->months))) == NULL) {
				r = CS_ERR_ALLOC;
				goto out;
			}
			rep->months = p;
			max = max * 2 + 16;
		}
		m = &rep->months[rep->nmonths++];
		m->group = (size_t)(g - rep->groups);
		lc_date_split(day, &m->year, &m->month, &dd);
		m->new_cases = sdb_column_int64(s, 3);
		m->closed = sdb_column_int64(s, 4);
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
	if (r == 0 && rep->nmonths > 1)
		qsort(rep->months, rep->nmonths, sizeof(*rep->months),
		    report_month_cmp);
 out:
	return store_done(st, s, r, __func__);
}

static int
report_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The DRANG group of office "oid" gets the median of d[0..n). */
static void
report_median(struct store_report *rep, int64_t oid, int64_t *d, size_t n)
{
	size_t	i;

	if (n == 0)
		return;
	qsort(d, n, sizeof(*d), report_cmp);
	for (i = 0; i < rep->ngroups; i += LC_NFRAMES)
		if (rep->groups[i].office_id == oid)
			rep->groups[i + LC_FRAME_DRANG].drang_median_x2 =
			    d[(n - 1) / 2] + d[n / 2];
}

/*
 * Drang: the server keeps drang_start but not when or how a drang
 * ended.  The audit log does: the first successful case_state entry
 * to RAAD_MELDING at or after drang_start, or the case's approved
 * closing (case_close; AFSLUITING is decided by an approval), whichever
 * came first.  Counted in the office's DRANG group.
 */
static int
report_drang(struct store *st, struct store_report *rep, int64_t since)
{
	struct sdb_stmt	*s = NULL;
	int64_t		*d = NULL, oid = 0, t, raad, close, start, end;
	void		*p;
	size_t		 n = 0, max = 0, i;
	int		 rc, r;

	if ((r = store_bind(st, "SELECT c.office_id, c.drang_start,"
	    " (SELECT MIN(a.server_time) FROM audit_log a WHERE"
	    "  a.client_ref = c.id AND a.type = 'case_state' AND"
	    "  a.outcome = 'success' AND a.detail LIKE 'to=RAAD_MELDING%'"
	    "  AND a.server_time >= c.drang_start * 86400),"
	    " (SELECT MIN(t) FROM (SELECT a.server_time AS t FROM audit_log a"
	    "  WHERE a.client_ref = c.id AND a.type = 'case_state' AND"
	    "  a.outcome = 'success' AND a.detail LIKE 'to=AFSLUITING%'"
	    "  AND a.server_time >= c.drang_start * 86400"
	    "  UNION ALL SELECT p.decided_at FROM approvals p WHERE"
	    "  p.case_id = c.id AND p.kind = 'case_close' AND"
	    "  p.state = 'approved' AND p.decided_at >= c.drang_start * 86400))"
	    " FROM cases c WHERE c.drang_start IS NOT NULL"
	    " ORDER BY c.office_id", &s, "", NULL, NULL, NULL)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n > 0 && sdb_column_int64(s, 0) != oid) {
			report_median(rep, oid, d, n);
			n = 0;
		}
		oid = sdb_column_int64(s, 0);
		start = sdb_column_int64(s, 1);
		raad = sdb_column_is_null(s, 2) ? -1 :
		    sdb_column_int64(s, 2);
		close = sdb_column_is_null(s, 3) ? -1 :
		    sdb_column_int64(s, 3);
		if (raad < 0 && close < 0)
			continue;
		t = raad >= 0 && (close < 0 || raad <= close) ? raad : close;
		if ((end = lc_date_from_time(t)) < since)
			continue;
		for (i = 0; i < rep->ngroups; i += LC_NFRAMES)
			if (rep->groups[i].office_id == oid)
				break;
		if (i == rep->ngroups)
			continue;
		rep->groups[i + LC_FRAME_DRANG].drang_ended++;
		if (t == raad)
			rep->groups[i + LC_FRAME_DRANG].drang_to_raad++;
		if (n == max) {
			if ((p = reallocarray(d, max * 2 + 64,
			    sizeof(*d))) == NULL) {
				r = CS_ERR_ALLOC;
				goto out;
			}
			d = p;
			max = max * 2 + 64;
		}
		d[n++] = end > start ? end - start : 0;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
	if (r == 0)
		report_median(rep, oid, d, n);
 out:
	free(d);
	return store_done(st, s, r, __func__);
}

int
store_report_make(struct store *st, const char *office, int64_t since,
    int64_t today, struct store_report *rep)
{
	int	r;

	memset(rep, 0, sizeof(*rep));
	rep->today = today;
	rep->since = since;
	if (since == LC_NODATE)
		since = REPORT_EPOCH_MIN;
	/* one read transaction: the figures agree with each other */
	if ((r = store_exec(st, "BEGIN")) != 0)
		return r;
	if ((r = report_offices(st, office, rep)) == 0 &&
	    (r = report_counts(st, rep, since)) == 0 &&
	    (r = report_months(st, rep, since)) == 0)
		r = report_drang(st, rep, since);
	store_rollback(st);
	return r;
}

void
store_report_free(struct store_report *rep)
{
	free(rep->groups);
	free(rep->months);
	memset(rep, 0, sizeof(*rep));
}

int
store_report_figures(const struct store_report *rep, struct figures *fig,
    struct figures_group **groups, struct figures_month **months)
{
	struct figures_group	*g = NULL;
	struct figures_month	*m = NULL;
	size_t			 i;

	*groups = NULL;
	*months = NULL;
	if ((rep->ngroups > 0 &&
	    (g = calloc(rep->ngroups, sizeof(*g))) == NULL) ||
	    (rep->nmonths > 0 &&
	    (m = calloc(rep->nmonths, sizeof(*m))) == NULL)) {
		free(g);
		return CS_ERR_ALLOC;
	}
	for (i = 0; i < rep->ngroups; i++) {
		const struct store_report_group *s = &rep->groups[i];

		g[i] = (struct figures_group){ s->office, s->frame, s->active,
		    s->new_cases, s->closed, s->drang_ended,
		    s->drang_to_raad, s->drang_median_x2, s->drang_extended,
		    s->ots_extensions, s->toetsing_overdue,
		    s->ots_request_overdue, s->transfers_in,
		    s->transfers_out, s->glass };
	}
	for (i = 0; i < rep->nmonths; i++)
		m[i] = (struct figures_month){ rep->months[i].group,
		    rep->months[i].year, rep->months[i].month,
		    rep->months[i].new_cases, rep->months[i].closed };
	*fig = (struct figures){ rep->today, rep->since, g, rep->ngroups, m,
	    rep->nmonths };
	*groups = g;
	*months = m;
	return 0;
}
