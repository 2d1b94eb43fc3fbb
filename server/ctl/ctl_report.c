/* SPDX-License-Identifier: ISC */
/*
 * ctl_report.c - "casesyncctl report" (issue 20; docs/ADMIN.md
 * "Management information"): per office and per frame, from server
 * metadata only (store_report.c), as a table, CSV (RFC 4180, one
 * header line) or JSON (docs/json-schemas.json "report"), each written
 * by common/figures.c, as the laptop's `casesync report figures`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "figures.h"
#include "lifecycle.h"
#include "store.h"
#include "store_report.h"
#include "util.h"

enum ctl_rep_format { REP_TABLE, REP_CSV, REP_JSON };

static int
ctl_rep_print(const struct store_report *rep, enum ctl_rep_format fmt)
{
	struct figures		 fig;
	struct figures_group	*g;
	struct figures_month	*m;
	int			 r;

	if ((r = store_report_figures(rep, &fig, &g, &m)) != 0) {
		ctl_errx("report: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	r = 0;
	if (fmt == REP_JSON)
		r = figures_json(stdout, &fig);
	else if (fmt == REP_CSV)
		figures_csv(stdout, &fig);
	else
		figures_table(stdout, &fig);
	free(g);
	free(m);
	return r != 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
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
	} else
		rv = ctl_rep_print(&rep, fmt);
	store_report_free(&rep);
	store_close(st);
	return rv;
}
