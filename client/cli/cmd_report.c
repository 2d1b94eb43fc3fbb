/* SPDX-License-Identifier: ISC */
/*
 * cmd_report.c - `casesync report SUB ...`: finds the subcommand in
 * the table and runs it with argv starting at the subcommand's name.
 * The usage texts are in main.c's report_subs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd_report.h"
#include "cmd_report_int.h"

static const struct {
	const char	*name;
	int		(*run)(struct cli *, int, char *[]);
} report_cmds[] = {
	{ "figures", cmd_report_figures },
	{ "inzage", cmd_report_inzage },
	{ "raad", cmd_report_raad },
	{ "verlenging", cmd_report_verlenging },
	{ "final", cmd_report_final },
	{ "list", cmd_report_list },
	{ "show", cmd_report_show },
	{ NULL, NULL }
};

int
cmd_report(struct cli *cli, int argc, char *argv[])
{
	size_t	i;

	if (argc < 2) {
		cli_errx("report: which one? (casesync report --help)");
		return EXIT_USAGE;
	}
	for (i = 0; report_cmds[i].name != NULL; i++)
		if (strcmp(report_cmds[i].name, argv[1]) == 0)
			return report_cmds[i].run(cli, argc - 1, argv + 1);
	cli_errx("unknown subcommand \"report %.40s\" (casesync report "
	    "--help)", argv[1]);
	return EXIT_USAGE;
}
