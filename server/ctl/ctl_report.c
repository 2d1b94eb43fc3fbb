/* SPDX-License-Identifier: ISC */
/*
 * ctl_report.c - "casesyncctl report" (issue 20; docs/ADMIN.md
 * "Management information"): per office and per frame, from server
 * metadata only (store_report.c), as a table, CSV (RFC 4180, one
 * header line) or JSON (docs/json-schemas.json "report").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_text.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "json.h"
#include "lifecycle.h"
#include "store.h"
#include "store_report.h"
#include "util.h"

enum ctl_rep_format { REP_TABLE, REP_CSV, REP_JSON };

/* The median in days: "12", "12.5" or "-" for none. */
static const char *
ctl_rep_median(char dst[32], int64_t x2)
{
	if (x2 < 0)
		return "-";
	(void)str_fmt(dst, 32, "%lld%s", (long long)(x2 / 2),
	    x2 % 2 != 0 ? ".5" : "");
	return dst;
}

/* The figures of a line, in the order of the CSV columns. */
#define REP_NFIG	13
#define REP_MEDIAN	5	/* drang_median_days: not an int */

static const struct {
	const char	*key;	/* CSV and JSON */
	const char	*col;	/* table */
	int		 width;
} ctl_rep_figs[REP_NFIG] = {
	{ "active", "active", 6 }, { "new", "new", 5 },
	{ "closed", "closed", 6 }, { "drang_ended", "drang", 5 },
	{ "drang_to_raad", "raad", 5 }, { "drang_median_days", "median", 6 },
	{ "drang_extended", "ext", 5 }, { "ots_extensions", "otsx", 5 },
	{ "toetsing_overdue", "toetsing", 8 },
	{ "ots_request_overdue", "ots-verz", 8 },
	{ "transfers_in", "in", 4 }, { "transfers_out", "out", 4 },
	{ "glass", "glass", 5 },
};

static void
ctl_rep_figures(const struct store_report_group *g, int64_t v[REP_NFIG])
{
	const int64_t	f[REP_NFIG] = { g->active, g->new_cases, g->closed,
	    g->drang_ended, g->drang_to_raad, g->drang_median_x2,
	    g->drang_extended, g->ots_extensions, g->toetsing_overdue,
	    g->ots_request_overdue, g->transfers_in, g->transfers_out,
	    g->glass };

	memcpy(v, f, sizeof(f));
}

static void
ctl_rep_table(const struct store_report *rep)
{
	const struct store_report_group	*g;
	const struct store_report_month	*m;
	char				 o[256], med[32], d[LC_DATE_LEN + 1];
	int64_t				 v[REP_NFIG];
	size_t				 i, k;

	lc_date_format(rep->today, d, sizeof(d));
	printf("report of %s", d);
	if (rep->since != LC_NODATE) {
		lc_date_format(rep->since, d, sizeof(d));
		printf(", events since %s", d);
	}
	printf("\n%-20s %-7s", "office", "frame");
	for (k = 0; k < REP_NFIG; k++)
		printf(" %*s", ctl_rep_figs[k].width, ctl_rep_figs[k].col);
	printf("\n");
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		ctl_rep_figures(g, v);
		printf("%-20s %-7s", str_vis(o, sizeof(o), g->office,
		    strlen(g->office)), lc_frame_name(g->frame));
		for (k = 0; k < REP_NFIG; k++) {
			if (k == REP_MEDIAN)
				printf(" %*s", ctl_rep_figs[k].width,
				    ctl_rep_median(med, v[k]));
			else
				printf(" %*lld", ctl_rep_figs[k].width,
				    (long long)v[k]);
		}
		printf("\n");
	}
	printf("\ndrang: drangtrajecten ended; raad: of which in a Raad "
	    "melding; median: their median\nduration in days; ext: drang "
	    "extended; otsx: OTS extensions; toetsing, ots-verz:\noverdue "
	    "toetsingen and OTS extension requests; in, out: transfers; "
	    "glass:\nbreak-the-glass uses (docs/ADMIN.md)\n");
	if (rep->nmonths == 0)
		return;
	printf("\n%-20s %-7s %-7s %5s %6s\n", "office", "frame", "month",
	    "new", "closed");
	for (i = 0; i < rep->nmonths; i++) {
		m = &rep->months[i];
		g = &rep->groups[m->group];
		printf("%-20s %-7s %04d-%02d %5lld %6lld\n",
		    str_vis(o, sizeof(o), g->office, strlen(g->office)),
		    lc_frame_name(g->frame), m->year, m->month,
		    (long long)m->new_cases, (long long)m->closed);
	}
}

static void
ctl_rep_csv_str(const char *s)
{
	char	f[5 * STORE_NAME_MAX + 8];

	if (audit_csv_field(f, sizeof(f), s) != 0)
		(void)str_fmt(f, sizeof(f), "\"(too long)\"");
	fputs(f, stdout);
}

/*
 * One line per group (month "all": its totals) and one per group and
 * month (only new and closed; the other columns empty).
 */
static void
ctl_rep_csv(const struct store_report *rep)
{
	const struct store_report_group	*g;
	const struct store_report_month	*m;
	char				 med[32];
	int64_t				 v[REP_NFIG];
	size_t				 i, k;

	printf("office,frame,month");
	for (k = 0; k < REP_NFIG; k++)
		printf(",%s", ctl_rep_figs[k].key);
	printf("\r\n");
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		ctl_rep_figures(g, v);
		ctl_rep_csv_str(g->office);
		printf(",%s,all", lc_frame_name(g->frame));
		for (k = 0; k < REP_NFIG; k++) {
			if (k == REP_MEDIAN)
				printf(",%s", v[k] < 0 ? "" :
				    ctl_rep_median(med, v[k]));
			else
				printf(",%lld", (long long)v[k]);
		}
		printf("\r\n");
	}
	for (i = 0; i < rep->nmonths; i++) {
		m = &rep->months[i];
		g = &rep->groups[m->group];
		ctl_rep_csv_str(g->office);
		printf(",%s,%04d-%02d,,%lld,%lld,,,,,,,,,,\r\n",
		    lc_frame_name(g->frame), m->year, m->month,
		    (long long)m->new_cases, (long long)m->closed);
	}
}

static int
ctl_rep_json(const struct store_report *rep)
{
	const struct store_report_group	*g;
	const struct store_report_month	*m;
	struct json			 j;
	char				 d[LC_DATE_LEN + 1];
	int64_t				 v[REP_NFIG];
	size_t				 i, k;

	json_init(&j, stdout);
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
		ctl_rep_figures(g, v);
		for (k = 0; k < REP_NFIG; k++) {
			if (k != REP_MEDIAN) {
				json_kv_int(&j, ctl_rep_figs[k].key, v[k]);
				continue;
			}
			json_key(&j, ctl_rep_figs[k].key);
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
	return json_end(&j) != 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}

/* "YYYY-MM" into the day its month begins; 0 or CS_ERR_FORMAT. */
static int
ctl_rep_month(const char *s, int64_t *day)
{
	char	buf[LC_DATE_LEN + 1];

	if (strlen(s) != 7 || s[4] != '-')
		return CS_ERR_FORMAT;
	(void)str_fmt(buf, sizeof(buf), "%s-01", s);
	return lc_date_parse(buf, day);
}

int
ctl_report(struct ctl *c, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "office", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_report	 rep;
	struct store		*st = NULL;
	const char		*office = NULL;
	enum ctl_rep_format	 fmt = REP_TABLE;
	int64_t			 since = LC_NODATE;
	int			 ch, r, rv;

	if (ctl_json_opt(&argc, argv))
		fmt = REP_JSON;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			office = optarg;
			break;
		case 's':
			if (ctl_rep_month(optarg, &since) != 0) {
				ctl_errx("report: --since takes YYYY-MM");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				fmt = REP_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				fmt = REP_CSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = REP_JSON;
			else {
				ctl_errx("report: --format table, csv or json");
				return CTL_EXIT_USAGE;
			}
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_usage("report", 1);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	if ((r = store_report_make(st, office, since,
	    lc_date_from_time(time_now()), &rep)) != 0) {
		ctl_errx("report: %s", r == CS_ERR_NOT_FOUND ?
		    "no such office" : cs_whyf(r));
		rv = CTL_EXIT_FAIL;
	} else if (fmt == REP_JSON)
		rv = ctl_rep_json(&rep);
	else if (fmt == REP_CSV)
		ctl_rep_csv(&rep);
	else
		ctl_rep_table(&rep);
	store_report_free(&rep);
	store_close(st);
	return rv;
}
