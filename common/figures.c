/* SPDX-License-Identifier: ISC */
/*
 * figures.c - the management figures as a table, CSV and JSON (see
 * figures.h).  The columns are in one table below: their CSV and JSON
 * keys, their short names in the table and its widths.
 */
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "errors.h"
#include "figures.h"
#include "json.h"
#include "lifecycle.h"
#include "util.h"

#define FIG_NAME_MAX	128	/* office names (STORE_NAME_MAX, WIRE_STR_MAX) */

/* The figures of a line, in the order of the CSV columns. */
#define FIG_N		13
#define FIG_MEDIAN	5	/* drang_median_days: not an int */

static const struct {
	const char	*key;	/* CSV and JSON */
	const char	*col;	/* table */
	int		 width;
} fig_cols[FIG_N] = {
	{ "active", "active", 6 }, { "new", "new", 5 },
	{ "closed", "closed", 6 }, { "drang_ended", "drang", 5 },
	{ "drang_to_raad", "raad", 5 }, { "drang_median_days", "median", 6 },
	{ "drang_extended", "ext", 5 }, { "ots_extensions", "otsx", 5 },
	{ "toetsing_overdue", "toetsing", 8 },
	{ "ots_request_overdue", "ots-verz", 8 },
	{ "transfers_in", "in", 4 }, { "transfers_out", "out", 4 },
	{ "glass", "glass", 5 },
};

const char *
figures_median(char dst[32], int64_t x2)
{
	if (x2 < 0)
		return "-";
	(void)str_fmt(dst, 32, "%lld%s", (long long)(x2 / 2),
	    x2 % 2 != 0 ? ".5" : "");
	return dst;
}

static void
fig_values(const struct figures_group *g, int64_t v[FIG_N])
{
	const int64_t	f[FIG_N] = { g->active, g->new_cases, g->closed,
	    g->drang_ended, g->drang_to_raad, g->drang_median_x2,
	    g->drang_extended, g->ots_extensions, g->toetsing_overdue,
	    g->ots_request_overdue, g->transfers_in, g->transfers_out,
	    g->glass };

	memcpy(v, f, sizeof(f));
}

void
figures_table(FILE *f, const struct figures *rep)
{
	const struct figures_group	*g;
	const struct figures_month	*m;
	char				 o[4 * FIG_NAME_MAX + 4], med[32];
	char				 d[LC_DATE_LEN + 1];
	int64_t				 v[FIG_N];
	size_t				 i, k;

	lc_date_format(rep->today, d, sizeof(d));
	fprintf(f, "report of %s", d);
	if (rep->since != LC_NODATE) {
		lc_date_format(rep->since, d, sizeof(d));
		fprintf(f, ", events since %s", d);
	}
	fprintf(f, "\n%-20s %-7s", "office", "frame");
	for (k = 0; k < FIG_N; k++)
		fprintf(f, " %*s", fig_cols[k].width, fig_cols[k].col);
	fprintf(f, "\n");
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		fig_values(g, v);
		fprintf(f, "%-20s %-7s", str_vis(o, sizeof(o), g->office,
		    strlen(g->office)), lc_frame_name(g->frame));
		for (k = 0; k < FIG_N; k++) {
			if (k == FIG_MEDIAN)
				fprintf(f, " %*s", fig_cols[k].width,
				    figures_median(med, v[k]));
			else
				fprintf(f, " %*lld", fig_cols[k].width,
				    (long long)v[k]);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\ndrang: drangtrajecten ended; raad: of which in a Raad "
	    "melding; median: their median\nduration in days; ext: drang "
	    "extended; otsx: OTS extensions; toetsing, ots-verz:\noverdue "
	    "toetsingen and OTS extension requests; in, out: transfers; "
	    "glass:\nbreak-the-glass uses (docs/ADMIN.md)\n");
	if (rep->nmonths == 0)
		return;
	fprintf(f, "\n%-20s %-7s %-7s %5s %6s\n", "office", "frame", "month",
	    "new", "closed");
	for (i = 0; i < rep->nmonths; i++) {
		m = &rep->months[i];
		g = &rep->groups[m->group];
		fprintf(f, "%-20s %-7s %04d-%02d %5lld %6lld\n",
		    str_vis(o, sizeof(o), g->office, strlen(g->office)),
		    lc_frame_name(g->frame), m->year, m->month,
		    (long long)m->new_cases, (long long)m->closed);
	}
}

static void
fig_csv_str(FILE *f, const char *s)
{
	char	q[5 * FIG_NAME_MAX + 8];

	if (csv_field(q, sizeof(q), s) != 0)
		(void)str_fmt(q, sizeof(q), "\"(too long)\"");
	fputs(q, f);
}

void
figures_csv(FILE *f, const struct figures *rep)
{
	const struct figures_group	*g;
	const struct figures_month	*m;
	char				 med[32];
	int64_t				 v[FIG_N];
	size_t				 i, k;

	fprintf(f, "office,frame,month");
	for (k = 0; k < FIG_N; k++)
		fprintf(f, ",%s", fig_cols[k].key);
	fprintf(f, "\r\n");
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		fig_values(g, v);
		fig_csv_str(f, g->office);
		fprintf(f, ",%s,all", lc_frame_name(g->frame));
		for (k = 0; k < FIG_N; k++) {
			if (k == FIG_MEDIAN)
				fprintf(f, ",%s", v[k] < 0 ? "" :
				    figures_median(med, v[k]));
			else
				fprintf(f, ",%lld", (long long)v[k]);
		}
		fprintf(f, "\r\n");
	}
	for (i = 0; i < rep->nmonths; i++) {
		m = &rep->months[i];
		g = &rep->groups[m->group];
		fig_csv_str(f, g->office);
		fprintf(f, ",%s,%04d-%02d,,%lld,%lld,,,,,,,,,,\r\n",
		    lc_frame_name(g->frame), m->year, m->month,
		    (long long)m->new_cases, (long long)m->closed);
	}
}

int
figures_json(FILE *f, const struct figures *rep)
{
	const struct figures_group	*g;
	const struct figures_month	*m;
	struct json			 j;
	char				 d[LC_DATE_LEN + 1];
	int64_t				 v[FIG_N];
	size_t				 i, k;

	json_init(&j, f);
	json_obj_begin(&j);
	lc_date_format(rep->today, d, sizeof(d));
	json_kv_str(&j, "today", d);
	json_key(&j, "since");
	if (rep->since == LC_NODATE)
		json_null(&j);
	else {
		lc_date_format(rep->since, d, sizeof(d));
		json_str(&j, d);
	}
	json_key(&j, "groups");
	json_arr_begin(&j);
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		json_obj_begin(&j);
		json_kv_str(&j, "office", g->office);
		json_kv_str(&j, "frame", lc_frame_name(g->frame));
		fig_values(g, v);
		for (k = 0; k < FIG_N; k++) {
			if (k != FIG_MEDIAN) {
				json_kv_int(&j, fig_cols[k].key, v[k]);
				continue;
			}
			json_key(&j, fig_cols[k].key);
			if (v[k] < 0)
				json_null(&j);
			else
				json_fixed(&j, (double)v[k] / 2, 1);
		}
		json_key(&j, "months");
		json_arr_begin(&j);
		for (k = 0; k < rep->nmonths; k++) {
			m = &rep->months[k];
			if (m->group != i)
				continue;
			(void)str_fmt(d, sizeof(d), "%04d-%02d", m->year,
			    m->month);
			json_obj_begin(&j);
			json_kv_str(&j, "month", d);
			json_kv_int(&j, "new", m->new_cases);
			json_kv_int(&j, "closed", m->closed);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	return json_end(&j);
}
