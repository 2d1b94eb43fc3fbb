/* SPDX-License-Identifier: ISC */
/*
 * figures.h - the management figures as people and programs read them
 * (issue 20; docs/ADMIN.md "Management information"): the table, the
 * CSV and the JSON that `casesyncctl report` (from the store) and
 * `casesync report figures` (from the protocol's ReportReply) both
 * print, so that the two say the same thing in the same words.
 */
#ifndef FIGURES_H
#define FIGURES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lifecycle.h"

/* The figures of one office and frame (store_report.h says what each
 * counts). */
struct figures_group {
	const char	*office;
	enum lc_frame	 frame;
	int64_t		 active;
	int64_t		 new_cases;
	int64_t		 closed;
	int64_t		 drang_ended;
	int64_t		 drang_to_raad;
	int64_t		 drang_median_x2;	/* twice the median; -1: none */
	int64_t		 drang_extended;
	int64_t		 ots_extensions;
	int64_t		 toetsing_overdue;
	int64_t		 ots_request_overdue;
	int64_t		 transfers_in;
	int64_t		 transfers_out;
	int64_t		 glass;
};

/* New and closed cases of group "group" in one calendar month. */
struct figures_month {
	size_t		 group;		/* < ngroups */
	int		 year, month;	/* month 1..12 */
	int64_t		 new_cases;
	int64_t		 closed;
};

struct figures {
	int64_t				 today;	/* day (lifecycle.h) */
	int64_t				 since;	/* day; LC_NODATE: all */
	const struct figures_group	*groups;
	size_t				 ngroups;
	const struct figures_month	*months;
	size_t				 nmonths;
};

/* The median in days: "12", "12.5" or "-" for none, in dst. */
const char	*figures_median(char dst[32], int64_t x2);
/* A table for people: a line per group, the legend, a line per month. */
void		 figures_table(FILE *, const struct figures *);
/*
 * CSV (RFC 4180, CRLF, one header line): a line per group (month
 * "all") and one per group and month (only new and closed).
 */
void		 figures_csv(FILE *, const struct figures *);
/*
 * JSON (docs/json-schemas.json "report"): today, since and the groups,
 * each with its months.  0, or json_end()'s CS_ERR_*.
 */
int		 figures_json(FILE *, const struct figures *);

#endif /* FIGURES_H */
