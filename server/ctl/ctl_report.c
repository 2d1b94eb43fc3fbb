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

static void
ctl_rep_table(const struct store_report *rep)
{
	const struct store_report_group	*g;
	const struct store_report_month	*m;
	char				 o[256], med[32], d[LC_DATE_LEN + 1];
	size_t				 i;

	lc_date_format(rep->today, d, sizeof(d));
	printf("report of %s", d);
	if (rep->since != LC_NODATE) {
		lc_date_format(rep->since, d, sizeof(d));
		printf(", events since %s", d);
	}
	printf("\n%-20s %-7s %6s %5s %6s %5s %5s %6s %5s %5s %8s %8s %4s %4s "
	    "%5s\n", "office", "frame", "active", "new", "closed", "drang",
	    "raad", "median", "ext", "otsx", "toetsing", "ots-verz", "in",
	    "out", "glass");
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		printf("%-20s %-7s %6lld %5lld %6lld %5lld %5lld %6s %5lld "
		    "%5lld %8lld %8lld %4lld %4lld %5lld\n",
		    str_vis(o, sizeof(o), g->office, strlen(g->office)),
		    lc_frame_name(g->frame), (long long)g->active,
		    (long long)g->new_cases, (long long)g->closed,
		    (long long)g->drang_ended, (long long)g->drang_to_raad,
		    ctl_rep_median(med, g->drang_median_x2),
		    (long long)g->drang_extended, (long long)g->ots_extensions,
		    (long long)g->toetsing_overdue,
		    (long long)g->ots_request_overdue,
		    (long long)g->transfers_in, (long long)g->transfers_out,
		    (long long)g->glass);
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
	size_t				 i;

	printf("office,frame,month,active,new,closed,drang_ended,"
	    "drang_to_raad,drang_median_days,drang_extended,ots_extensions,"
	    "toetsing_overdue,ots_request_overdue,transfers_in,"
	    "transfers_out,glass\r\n");
	for (i = 0; i < rep->ngroups; i++) {
		g = &rep->groups[i];
		ctl_rep_csv_str(g->office);
		printf(",%s,all,%lld,%lld,%lld,%lld,%lld,%s,%lld,%lld,%lld,"
		    "%lld,%lld,%lld,%lld\r\n", lc_frame_name(g->frame),
		    (long long)g->active, (long long)g->new_cases,
		    (long long)g->closed, (long long)g->drang_ended,
		    (long long)g->drang_to_raad,
		    g->drang_median_x2 < 0 ? "" :
		    ctl_rep_median(med, g->drang_median_x2),
		    (long long)g->drang_extended, (long long)g->ots_extensions,
		    (long long)g->toetsing_overdue,
		    (long long)g->ots_request_overdue,
		    (long long)g->transfers_in, (long long)g->transfers_out,
		    (long long)g->glass);
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
		json_kv_int(&j, "active", g->active);
		json_kv_int(&j, "new", g->new_cases);
		json_kv_int(&j, "closed", g->closed);
		json_kv_int(&j, "drang_ended", g->drang_ended);
		json_kv_int(&j, "drang_to_raad", g->drang_to_raad);
		json_key(&j, "drang_median_days");
		if (g->drang_median_x2 < 0)
			json_null(&j);
		else
			json_fixed(&j, (double)g->drang_median_x2 / 2, 1);
		json_kv_int(&j, "drang_extended", g->drang_extended);
		json_kv_int(&j, "ots_extensions", g->ots_extensions);
		json_kv_int(&j, "toetsing_overdue", g->toetsing_overdue);
		json_kv_int(&j, "ots_request_overdue", g->ots_request_overdue);
		json_kv_int(&j, "transfers_in", g->transfers_in);
		json_kv_int(&j, "transfers_out", g->transfers_out);
		json_kv_int(&j, "glass", g->glass);
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
