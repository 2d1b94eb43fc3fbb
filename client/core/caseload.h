/* SPDX-License-Identifier: ISC */
/*
 * caseload.h - the caseload of this laptop (issue 17): one row per
 * case, with what a jeugdbeschermer or teamleider looks for first:
 * title, regisseur, frame, state, children and every deadline, sorted
 * by the next deadline.  Both faces show it: `casesync case list
 * [--due]` and the web pages "Mijn caseload" and "Teamleider".
 *
 * The cases are those this laptop holds metadata (case_meta.h) or
 * records of.  A row's deadlines are, soonest first:
 *   - the lifecycle's (lifecycle.h: toetsing, drang end, VOTS end, the
 *     OTS extension request 8 weeks before the OTS end, OTS end,
 *     voogdij end), from the metadata; none for a closed case; when the
 *     server listed measures of the case's children, the family's
 *     measure deadlines give way to theirs:
 *   - each child's measures' (measure.h: vots_end, flagged "lapsed"
 *     for a VOTS past its end that no OTS followed, the OTS extension
 *     request and end, uhp_end, voogdij_end), from the measures the
 *     server last sent (measure_view.h), as of "today";
 *   - the due date of every open goal (status absent or "open");
 *   - the next_due of the latest safety assessment of each child (an
 *     assessment whose "child" names it) and of the family (one that
 *     names none): the one with the latest date; a later assessment
 *     replaces the plan of an earlier one, so older next_due dates are
 *     not deadlines.
 * A deadline of a child (a measure's, or a goal's or assessment's with
 * a "child" field) carries the child's id and, from the person record
 * on this laptop, its name.
 * A date that does not parse is skipped (records come from other
 * devices).  Rows with a deadline come first, by their next one, then
 * the rest; ties by title, then case id.
 *
 * Read log: the titles and names are case content; caseload_load()
 * appends one "list" entry for all cases ("") before it reads any
 * (the rule of ids.h, and of `casesync search`); caseload_load_case()
 * one "list" entry for its case.  Searching the
 * loaded rows (caseload_match) reads nothing more.
 *
 * Functions return 0 or a negative CS_ERR_*.
 */
#ifndef CASELOAD_H
#define CASELOAD_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "case_meta.h"
#include "db.h"
#include "ids.h"
#include "lifecycle.h"

#define CASELOAD_SOON_DAYS	14	/* "due soon": within 14 days */
#define CASELOAD_TEXT_MAX	200	/* bytes kept of a title, name, label */
#define CASELOAD_CASES_MAX	100000	/* rows, at most */

enum caseload_source {
	CASELOAD_LIFECYCLE = 0,	/* lc_kind says which */
	CASELOAD_GOAL,		/* an open goal's due date */
	CASELOAD_ASSESSMENT,	/* the latest assessment's next_due */
	CASELOAD_MEASURE	/* a child's measure: "name" says which */
};

struct caseload_deadline {
	enum caseload_source	 source;
	enum lc_deadline_kind	 lc_kind;	/* CASELOAD_LIFECYCLE only */
	int64_t			 due;		/* lifecycle.h days */
	int64_t			 days_left;	/* due - today; < 0: overdue */
	/*
	 * goal or assessment: its record; a measure: its sealed measure
	 * record (the server's record_id); "" for the lifecycle
	 */
	char			 record_id[DB_UUID_LEN + 1];
	char			 short_id[IDS_SHORT_SIZE];
	/* a goal's text or an assessment's instrument, cut; "" */
	char			 label[CASELOAD_TEXT_MAX + 1];
	/*
	 * The child it concerns (a measure's; a goal's or assessment's
	 * "child" field): its person record id, "" for the family.  The
	 * name is the person record's on this laptop; "" (and
	 * child_known 0) when the laptop holds no such child.
	 */
	char			 child_id[DB_UUID_LEN + 1];
	char			 child_short[IDS_SHORT_SIZE];
	char			 child_name[CASELOAD_TEXT_MAX + 1];
	int			 child_known;
	/* CASELOAD_MEASURE: the deadline's name (measure.h), e.g. "ots_end" */
	char			 name[32];
	int			 lapsed;	/* a VOTS past its end */
};

struct caseload_child {
	char	record_id[DB_UUID_LEN + 1];
	char	short_id[IDS_SHORT_SIZE];
	char	name[CASELOAD_TEXT_MAX + 1];
	int64_t	birth_date;		/* LC_NODATE: not on the record */
};

struct caseload_row {
	char			 case_id[DB_UUID_LEN + 1];
	char			 short_id[IDS_SHORT_SIZE];
	char			 title[CASELOAD_TEXT_MAX + 1];	/* "": none */
	char			 regisseur[CASE_META_NAME_MAX + 1]; /* "" */
	char			 approved_by[CASE_META_NAME_MAX + 1]; /* "" */
	int			 has_meta;	/* frame and state known */
	enum lc_frame		 frame;
	enum lc_state		 state;
	int64_t			 state_since;
	struct lc_case		 lc;		/* all of it (has_meta) */
	struct caseload_child	*children;	/* persons with role child */
	size_t			 nchildren;
	size_t			 nmeasures;	/* the children's (server) */
	struct caseload_deadline *deadlines;	/* soonest first */
	size_t			 ndeadlines;
	const struct caseload_deadline *next;	/* deadlines[0] or NULL */
	int			 overdue;	/* next->days_left < 0 */
	int			 due_soon;	/* 0 <= days_left <= SOON_DAYS */
};

struct caseload {
	int64_t			 today;
	struct caseload_row	*rows;		/* sorted as above */
	size_t			 n;
	struct ids		*ids;		/* the short ids used */
};

/*
 * Load the caseload as seen on "today" (lifecycle.h days: the caller's
 * local date) into *out; free with caseload_free (NULL is fine).
 * CS_ERR_DB, CS_ERR_ALLOC, CS_ERR_TOO_LARGE (over CASELOAD_CASES_MAX),
 * CS_ERR_TAMPERED (the read log refused the entry: nothing was read).
 */
int	caseload_load(sqlite3 *, int64_t today, struct caseload **out);
/*
 * The same for one case: at most one row (none if the laptop holds
 * nothing of "case_id"), its read logged as "list" of that case only.
 */
int	caseload_load_case(sqlite3 *, int64_t today, const char *case_id,
	    struct caseload **out);
void	caseload_free(struct caseload *);

/*
 * 1 if "query" (UTF-8) occurs, folded (fold.h), in the row's title,
 * regisseur, a child's name or its short id; an empty query matches.
 */
int	caseload_match(const struct caseload_row *, const char *query);

/*
 * A deadline's kind for machines and lists: lifecycle.h's name
 * ("toetsing", "ots_end" ...), a measure's (measure.h: "vots_end",
 * "uhp_end" ...), "goal" or "assessment".
 */
const char	*caseload_deadline_name(const struct caseload_deadline *);

/*
 * The child of "row" that "input" names, as a worker types it: the
 * person record's full id, a tail of it (IDS_INPUT_MIN or more hex
 * digits: the short id), the whole name or the first name (folded,
 * fold.h: case and accents do not matter).  0 and *out; CS_ERR_NOT_FOUND;
 * CS_ERR_AMBIGUOUS (more than one child fits: *out is NULL).
 */
int	caseload_child_find(const struct caseload_row *, const char *input,
	    const struct caseload_child **out);

#endif /* CASELOAD_H */
