/* SPDX-License-Identifier: ISC */
/*
 * cmd_report_figures.c - `casesync report figures [--since DATE]
 * [--office NAME] [--csv | --json]`: the management figures of the
 * office a team lead leads, asked of the server (figures_net.h) and
 * printed as `casesyncctl report` prints them (common/figures.c: the
 * same columns and words, the same CSV and JSON).  The server refuses
 * anyone else, and any other office.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clihelp.h"
#include "client.h"
#include "cmd_report_int.h"
#include "errors.h"
#include "figures.h"
#include "figures_net.h"
#include "identity.h"
#include "lifecycle.h"
#include "msg.h"
#include "msg_report.h"

enum fig_format { FIG_TABLE, FIG_CSV, FIG_JSON };

int
cmd_report_figures(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "office", required_argument, NULL, 'o' },
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct figures_net	 fn;
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	struct msg		*err = NULL;
	const char		*since = "", *office = "";
	enum fig_format		 fmt = cli->json ? FIG_JSON : FIG_TABLE;
	int64_t			 d;
	int			 ch, r, nfmt = cli->json;

	memset(&fn, 0, sizeof(fn));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			since = optarg;
			break;
		case 'o':
			office = optarg;
			break;
		case 'c':
			fmt = FIG_CSV;
			nfmt++;
			break;
		case 'j':
			fmt = FIG_JSON;
			nfmt++;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || nfmt > 1) {
		cli_errx("usage: casesync report figures [--since YYYY-MM-DD] "
		    "[--office NAME] [--csv | --json]");
		return EXIT_USAGE;
	}
	if (since[0] != '\0' && lc_date_parse(since, &d) != 0) {
		cli_errx("report figures: --since takes a date, YYYY-MM-DD");
		return EXIT_USAGE;
	}
	if (!msg_report_office_ok(office)) {
		cli_errx("report figures: --office takes an office's name");
		return EXIT_USAGE;
	}
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = figures_net_get(c, since, office, &fn, &err)) != 0)
		cli_report("report figures", r, err);
	else if (fmt == FIG_JSON)
		r = figures_json(stdout, &fn.fig);
	else if (fmt == FIG_CSV)
		figures_csv(stdout, &fn.fig);
	else
		figures_table(stdout, &fn.fig);
	msg_free(err);
	figures_net_free(&fn);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}
