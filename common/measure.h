/* SPDX-License-Identifier: ISC */
/*
 * measure.h - court measures per child (DESIGN §2): the types, the
 * law's limits on their dates, their status on a day, the deadlines
 * they give and the family state that follows the children.
 *
 * A pure module like lifecycle.h (whose civil dates it uses): no I/O,
 * no clock, no SQLite.  The server (server/store_measures.c) decides
 * with it; a laptop may run the same checks offline.
 *
 * The rules:
 *  - VOTS (voorlopige ondertoezichtstelling): ends at most 3 months
 *    after its start (BW 1:257).  A running VOTS may be corrected
 *    within those 3 months, never beyond.
 *  - OTS: one period ends at most 12 months after its start, each
 *    extension at most 12 months after the current end (BW 1:258,
 *    1:260); an extension must be decided before the current end.
 *  - UHP (machtiging uithuisplaatsing, BW 1:265b): only within a
 *    running OTS or VOTS of the same child: it starts on or after that
 *    measure's start and ends on or before its end.
 *  - VOOGDIJ_ONTZETTING, VOOGDIJ_GEZAGSBEEINDIGING (voogdij of the
 *    institution after ontzetting or after beëindiging van het gezag):
 *    the child's date of birth is required, the child is a minor on
 *    the start, and the voogdij ends at the latest on the 18th
 *    birthday (lc_add_years: born 29 Feb, 18 on 28 Feb of a common
 *    year).  It cannot be extended.  A date of birth given with any
 *    other type is checked the same way: no measure outlasts minority.
 *  - Every start and extension has its court decision: the decision
 *    date is at most today + LC_FUTURE_DAYS, a start is on or after
 *    it and at most today + LC_FUTURE_DAYS.  A start before the case
 *    was registered is allowed (the decision reaches back) and
 *    reported as backdated, for the audit log.
 *  - One child has at most one measure of a kind (VOTS, OTS, UHP,
 *    voogdij) whose period overlaps another's; a case at most
 *    MS_MEASURES_MAX measures, ended ones included.
 *
 * Dates are lifecycle.h day counts.  "end" is the last day the measure
 * is in force (inclusive); "ended_on" the day it ended: from that day
 * on it no longer runs (ended on its start: it never ran; ended the day
 * after its end date: it ran its full term).  A case whose last measure
 * ended today may close today.
 */
#ifndef MEASURE_H
#define MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

#define MS_MEASURES_MAX		64	/* per case, ended ones included */
#define MS_UUID_LEN		36
/* deadlines of one measure (an OTS: its end and the extension request) */
#define MS_DEADLINES_PER	2
#define MS_DEADLINES_MAX	(MS_DEADLINES_PER * MS_MEASURES_MAX)

#define MS_TYPE_CHOICES		"VOTS|OTS|UHP|VOOGDIJ_ONTZETTING|" \
	"VOOGDIJ_GEZAGSBEEINDIGING"

enum ms_type {
	MS_VOTS = 0,
	MS_OTS,
	MS_UHP,				/* machtiging uithuisplaatsing */
	MS_VOOGDIJ_ONTZETTING,
	MS_VOOGDIJ_GEZAGSBEEINDIGING,
	MS_NTYPES
};

enum ms_action {
	MS_START = 0,
	MS_EXTEND,
	MS_END,
	MS_NACTIONS
};

enum ms_status {
	MS_FUTURE = 0,			/* starts later */
	MS_RUNNING,
	MS_LAPSED,			/* past its end, not ended or followed */
	MS_ENDED,
	MS_NSTATUS
};

enum ms_deadline_kind {
	MS_DL_VOTS_END = 0,		/* the VOTS lapses */
	MS_DL_OTS_REQUEST,		/* file the extension request */
	MS_DL_OTS_END,
	MS_DL_UHP_END,
	MS_DL_VOOGDIJ_END,		/* the 18th birthday */
	MS_DL_NKINDS
};

/* One measure of one child, as the server keeps it. */
struct ms_measure {
	uint64_t	id;		/* 0 until stored */
	char		child_id[MS_UUID_LEN + 1];
	enum ms_type	type;
	int64_t		decision;	/* the latest court decision's date */
	int64_t		start;
	int64_t		end;
	int64_t		ended_on;	/* LC_NODATE unless ended */
	unsigned	extensions;
};

/* A requested change (ChildMeasure, parsed). */
struct ms_request {
	enum ms_action	action;
	uint64_t	measure_id;	/* extend, end: the measure */
	const char	*child_id;
	enum ms_type	type;		/* MS_NTYPES: not given (extend, end) */
	int64_t		decision;	/* LC_NODATE: not given */
	int64_t		start;		/* LC_NODATE: the decision date */
	int64_t		end;		/* LC_NODATE: the default */
	int64_t		birth;		/* LC_NODATE: not given */
};

struct ms_deadline {
	enum ms_deadline_kind	kind;
	int64_t			due;
	int64_t			days_left;	/* due - today; < 0: overdue */
	size_t			measure;	/* index into the measures */
};

/* Names: upper case as in casesync.proto; NULL for a bad value. */
const char	*ms_type_name(enum ms_type);
const char	*ms_action_name(enum ms_action);	/* start|extend|end */
const char	*ms_status_name(enum ms_status);	/* running|lapsed|... */
const char	*ms_deadline_name(enum ms_deadline_kind);	/* ots_end, ... */
/* 0 and *out, or CS_ERR_FORMAT (exact names). */
int	ms_type_parse(const char *, enum ms_type *out);
int	ms_action_parse(const char *, enum ms_action *out);
int	ms_status_parse(const char *, enum ms_status *out);
/* 1 for the two voogdij types. */
int	ms_is_voogdij(enum ms_type);
/* The family state a running measure of this type asks for. */
enum lc_state	ms_type_state(enum ms_type);

/* The last day "m" is in force: its end, or the day before it ended. */
int64_t	ms_last_day(const struct ms_measure *m);

/*
 * The status of all[i] on "day".  A VOTS past its end is ended when an
 * OTS of the same child followed it (started within the VOTS or the
 * day after its end), else lapsed; any other measure past its end that
 * was not ended is lapsed.
 */
enum ms_status	ms_status(const struct ms_measure *all, size_t n, size_t i,
	    int64_t day);

/*
 * Check "req" against the case's measures "all" (n of them) on "today";
 * "registered" is the day the case was registered.  On success *out is
 * the measure after the change (start: a new one with id 0; extend,
 * end: the changed copy), *backdated is 1 when a start lies before
 * "registered", and 0 is returned.  Otherwise *why is a sentence for
 * the user and:
 *   CS_ERR_FORMAT     a required field is missing or a date out of range
 *   CS_ERR_LIMIT      a date breaks a limit of the law (above)
 *   CS_ERR_STATE      the measure is not in a state for it: ended,
 *                     lapsed, no running OTS/VOTS for a UHP, a second
 *                     measure of a kind, a voogdij extended, another
 *                     child's measure, or ending an OTS/VOTS a UHP
 *                     still runs within
 *   CS_ERR_NOT_FOUND  extend or end of a measure the case does not have
 * "all" is not changed: the caller stores *out.
 */
int	ms_apply(const struct ms_measure *all, size_t n,
	    const struct ms_request *req, int64_t today, int64_t registered,
	    struct ms_measure *out, int *backdated, const char **why);

/*
 * The deadlines of the measures on "today", soonest first: a VOTS's
 * end, an OTS's extension request (LC_OTS_REQUEST_DAYS before its end)
 * and end, a UHP's end and a voogdij's end; for running, future and
 * lapsed measures (a lapsed one's are overdue), none for ended ones.
 * At most "max" into "out"; *nout gets the number.
 */
void	ms_deadlines(const struct ms_measure *all, size_t n, int64_t today,
	    struct ms_deadline *out, size_t max, size_t *nout);

/*
 * The family state the children ask for on "day": MAATREGEL_VOOGDIJ
 * if any child has a running (or future) voogdij, else MAATREGEL_OTS
 * if an OTS or UHP runs, else MAATREGEL_VOTS if a VOTS runs.  Returns
 * 1 with *state, or 0 when no measure runs.
 */
int	ms_family_state(const struct ms_measure *all, size_t n, int64_t day,
	    enum lc_state *state);
/* 1 if any measure runs (or is yet to start) on "day". */
int	ms_any_running(const struct ms_measure *all, size_t n, int64_t day);

/*
 * The case after its measures changed, on "today": when a measure runs
 * the case is in the state ms_family_state() names, with its frame;
 * measure_start is the earliest start and end_date the latest last day
 * of the running measures of that state's kind, and state_since the
 * day that state began (kept when the state stays).  When none runs
 * the case keeps its state (a case whose last measure ended stays in
 * its MAATREGEL state until it is closed).  Starting a measure in a
 * case that is closing or closed is refused: CS_ERR_STATE, or
 * CS_ERR_CASE_CLOSED for GESLOTEN, with *why.
 */
int	ms_case_after(const struct lc_case *cur, const struct ms_measure *all,
	    size_t n, enum ms_action action, int64_t today,
	    struct lc_case *next, const char **why);

#endif /* MEASURE_H */
