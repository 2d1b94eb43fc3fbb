/* SPDX-License-Identifier: ISC */
/*
 * store_report.h - management information from server metadata only
 * (issue 20; docs/ADMIN.md "Management information"): per office and
 * per frame the active cases, new and closed per month, drang (how
 * long, how often to a Raad melding), extensions, overdue toetsingen
 * and OTS extension requests, transfers in and out and break-the-glass
 * uses.  No case content: the server has none.  Every figure is an SQL
 * aggregate (GROUP BY office, frame[, month]); only the drang medians
 * are finished in C.  Dates are days since 1970-01-01 (lifecycle.h).
 */
#ifndef STORE_REPORT_H
#define STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"
#include "store.h"

/* Days after drang_start by which the toetsing is due (6 weeks). */
#define STORE_REPORT_TOETSING_DAYS	42

/* The figures of one office and frame. */
struct store_report_group {
	int64_t		office_id;
	char		office[STORE_NAME_MAX + 1];
	enum lc_frame	frame;
	int64_t		active;		/* state before AFSLUITING */
	int64_t		new_cases;	/* created on or after since */
	int64_t		closed;		/* closed_on on or after since */
	/* drang ended since "since" (DRANG row only; see docs) */
	int64_t		drang_ended;
	int64_t		drang_to_raad;
	int64_t		drang_median_x2;	/* twice the median; -1: none */
	int64_t		drang_extended;	/* cases.extended */
	int64_t		ots_extensions;	/* sum of child_measures.extensions */
	int64_t		toetsing_overdue;
	int64_t		ots_request_overdue;
	int64_t		transfers_in;
	int64_t		transfers_out;
	int64_t		glass;
};

/* New and closed cases of one group in one calendar month. */
struct store_report_month {
	size_t		group;		/* index into groups */
	int		year, month;	/* month 1..12 */
	int64_t		new_cases;
	int64_t		closed;
};

struct store_report {
	int64_t				 today;
	int64_t				 since;	/* day; LC_NODATE: all */
	struct store_report_group	*groups;	/* office name, frame */
	size_t				 ngroups;
	struct store_report_month	*months;	/* group, month */
	size_t				 nmonths;
};

/*
 * The report of every office (or only "office", NULL: all) on "today",
 * counting events on or after day "since" (LC_NODATE: all), into *rep
 * (free with store_report_free, also after a failure).  Every office
 * has one group per frame, zeros included.  CS_ERR_NOT_FOUND: no such
 * office.
 */
int	store_report_make(struct store *, const char *office, int64_t since,
	    int64_t today, struct store_report *rep);
void	store_report_free(struct store_report *);
/*
 * "rep" as figures.h's figures, the form casesyncctl report prints and
 * the protocol's ReportReply carries: its groups and months in *groups
 * and *months (allocated; free() both, also after a failure), the office
 * names pointing into "rep".  0 or CS_ERR_ALLOC.
 */
struct figures;
struct figures_group;
struct figures_month;
int	store_report_figures(const struct store_report *rep,
	    struct figures *fig, struct figures_group **groups,
	    struct figures_month **months);

#endif /* STORE_REPORT_H */
