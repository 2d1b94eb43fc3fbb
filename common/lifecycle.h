/* SPDX-License-Identifier: ISC */
/*
 * lifecycle.h - the case lifecycle of DESIGN §2: states, frames, the
 * allowed transitions, the legal time limits and the deadlines derived
 * from them, and the civil-date arithmetic they need.
 *
 * A pure module: no I/O, no clock, no SQLite.  The server (cases.c) and
 * the client (cmd_case.c) run the same checks, so a change the laptop
 * accepts offline is one the server accepts, and the other way round.
 *
 * Dates are civil dates counted in days since 1970-01-01 (proleptic
 * Gregorian), held in int64_t.  LC_NODATE means "no date".  Parsing and
 * construction accept the years LC_YEAR_MIN..LC_YEAR_MAX only.
 *
 * Adding months (lc_add_months) keeps the day number and clamps it to
 * the last day of the target month: 31 Jan + 1 month = 28 Feb (29 Feb
 * in a leap year), 31 Aug + 1 month = 30 Sep, 29 Feb 2028 + 12 months =
 * 28 Feb 2029.  This is how Dutch legal periods "of n months" are
 * counted (the period ends on the same day number of the later month,
 * or on its last day when that month is shorter).  Adding years is
 * adding 12 * years months, so someone born on 29 Feb turns 18 on
 * 28 Feb in a common year: a voogdij never outlasts minority.
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#define LC_NODATE		INT64_MIN
#define LC_YEAR_MIN		1900
#define LC_YEAR_MAX		2199
#define LC_DATE_LEN		10	/* "YYYY-MM-DD" without the NUL */

/* Time limits of DESIGN §2. */
#define LC_TOETSING_DAYS	42	/* toetsing due: drang start + 6 weeks */
#define LC_DRANG_MONTHS		3	/* drang end without extension */
#define LC_DRANG_EXT_MONTHS	6	/* drang end with an approved extension */
#define LC_VOTS_MONTHS		3	/* a VOTS lasts at most 3 months */
#define LC_OTS_MONTHS		12	/* one OTS period, and each extension */
#define LC_OTS_REQUEST_DAYS	56	/* extension request: 8 weeks before */
#define LC_VOOGDIJ_YEARS	18	/* until the child's 18th birthday */
#define LC_FUTURE_DAYS		1	/* effective dates: at most today + 1 */
#define LC_REASON_MAX		512	/* bytes of UTF-8 */

enum lc_state {
	LC_AANMELDING = 0,
	LC_DRANG_INTENSIEF,
	LC_DRANG_TOETSING,
	LC_DRANG_VERVOLG,
	LC_RAAD_MELDING,
	LC_MAATREGEL_VOTS,
	LC_MAATREGEL_OTS,
	LC_MAATREGEL_VOOGDIJ,
	LC_AFSLUITING,
	LC_NAZORG,
	LC_GESLOTEN,
	LC_NSTATES
};

enum lc_frame {
	LC_FRAME_DRANG = 0,
	LC_FRAME_VOTS,
	LC_FRAME_OTS,
	LC_FRAME_VOOGDIJ,
	LC_NFRAMES
};

/*
 * The frames' names (lc_frame_name) as one "a|b" string for usage text
 * and choice lists, and those of the frames a court measure has (a
 * measure record's type); test_lifecycle checks both against the table.
 */
#define LC_FRAME_CHOICES	"DRANG|VOTS|OTS|VOOGDIJ"
#define LC_MEASURE_CHOICES	"VOTS|OTS|VOOGDIJ"
#define LC_STATE_CHOICES	"AANMELDING|DRANG_INTENSIEF|DRANG_TOETSING|" \
	"DRANG_VERVOLG|RAAD_MELDING|MAATREGEL_VOTS|MAATREGEL_OTS|" \
	"MAATREGEL_VOOGDIJ|AFSLUITING|NAZORG|GESLOTEN"

/* The server-visible lifecycle metadata of one case. */
struct lc_case {
	enum lc_frame	frame;
	enum lc_state	state;
	int64_t		state_since;	/* day the current state began */
	int64_t		drang_start;	/* day DRANG_INTENSIEF began, or NODATE */
	int64_t		measure_start;	/* day the current measure began */
	int64_t		end_date;	/* drang end or measure end, or NODATE */
	int		extended;	/* drang end past 3 months, approved */
};

/* A requested state change (or, to the same state, an extension). */
struct lc_change {
	enum lc_state	to;
	int64_t		effective;	/* day the change takes effect */
	int64_t		end;		/* requested end date, or NODATE */
	int		has_reason;	/* a reason was given */
	int		approved;	/* a teamleider of the office approved */
};

enum lc_deadline_kind {
	LC_DL_TOETSING = 0,		/* 6-week toetsing of drang */
	LC_DL_DRANG_END,		/* drang ends (escalate, extend or close) */
	LC_DL_VOTS_END,
	LC_DL_OTS_REQUEST,		/* file the OTS extension request */
	LC_DL_OTS_END,
	LC_DL_VOOGDIJ_END,		/* 18th birthday */
	LC_DL_NKINDS
};

struct lc_deadline {
	enum lc_deadline_kind	kind;
	int64_t			due;
	int64_t			days_left;	/* due - today; < 0: overdue */
};

#define LC_DEADLINES_MAX	4	/* per case, ever */

/* ---- civil dates ---- */

int	lc_is_leap(int year);
/* Days in "month" (1..12) of "year"; 0 for a bad month. */
int	lc_month_days(int year, int month);
/* 0 and *days, or CS_ERR_FORMAT if y/m/d is not a date in range. */
int	lc_date_make(int year, int month, int day, int64_t *days);
/* Split a day count (in range) into year, month (1..12), day. */
void	lc_date_split(int64_t days, int *year, int *month, int *day);
/*
 * Parse exactly "YYYY-MM-DD" (ASCII digits, a real calendar date in
 * range).  0 or CS_ERR_FORMAT.
 */
int	lc_date_parse(const char *s, int64_t *days);
/* "YYYY-MM-DD" into dst (at least LC_DATE_LEN + 1 bytes); "-" for NODATE. */
void	lc_date_format(int64_t days, char *dst, size_t dstlen);
/* Today's date in UTC for "epoch_seconds". */
int64_t	lc_date_from_time(int64_t epoch_seconds);
/* Month arithmetic with the clamping rule above ("n" may be negative). */
int64_t	lc_add_months(int64_t days, int n);
int64_t	lc_add_years(int64_t days, int n);

/* ---- states and frames ---- */

/* Upper-case names as in DESIGN §2; NULL for an out-of-range value. */
const char	*lc_state_name(enum lc_state);
const char	*lc_frame_name(enum lc_frame);
/* 0 and *out, or CS_ERR_FORMAT for an unknown name (exact, upper case). */
int	lc_state_parse(const char *name, enum lc_state *out);
int	lc_frame_parse(const char *name, enum lc_frame *out);
/*
 * 1 if a case of "frame" may be in "state": DRANG_* and RAAD_MELDING
 * are states of a DRANG case, MAATREGEL_X of an X case; AANMELDING,
 * AFSLUITING, NAZORG and GESLOTEN fit every frame.
 */
int	lc_state_fits(enum lc_state, enum lc_frame);
/* 1 for MAATREGEL_VOTS, MAATREGEL_OTS and MAATREGEL_VOOGDIJ. */
int	lc_is_measure_state(enum lc_state);
/* 1 for every state before AFSLUITING. */
int	lc_state_active(enum lc_state);
/*
 * 1 if the diagram of DESIGN §2 has the edge from -> to, ignoring
 * frames and dates.  Same-state changes are extensions: only
 * DRANG_VERVOLG and MAATREGEL_OTS have them.
 */
int	lc_transition_allowed(enum lc_state from, enum lc_state to);

/* A case as registered: AANMELDING since "created", no dates. */
void	lc_case_init(struct lc_case *, enum lc_frame, int64_t created);

/*
 * Check "req" against "cur" on day "today" and, if it is allowed,
 * compute the case after it into *next (which may be "cur").
 * Returns 0, or with *why set to a sentence for the user:
 *   CS_ERR_STATE     the transition is not in the lifecycle, or the
 *                    target state does not fit the case's frame, or
 *                    it is a MAATREGEL_* state: a measure belongs to a
 *                    child and moves the case there (measure.h's
 *                    ms_case_after), never a plain state change
 *   CS_ERR_LIMIT     a date breaks a legal time limit, or is before the
 *                    current state began, or in the future
 *   CS_ERR_APPROVAL  a drang end past 3 months without a reason and a
 *                    teamleider's approval
 *   CS_ERR_FORMAT    a date out of range
 * The caller decides who may ask (regisseur or teamleider) and whether
 * "req->approved" holds; this function checks only the rules.
 */
int	lc_apply(const struct lc_case *cur, const struct lc_change *req,
	    int64_t today, struct lc_case *next, const char **why);

/*
 * The deadlines of "c" as seen on "today", soonest first, overdue ones
 * included (days_left < 0).  Writes at most "max" into "out" and sets
 * *n.  Closed cases (AFSLUITING and later) have none.
 */
void	lc_deadlines(const struct lc_case *c, int64_t today,
	    struct lc_deadline *out, size_t max, size_t *n);
/* Short snake_case name of a deadline kind, e.g. "toetsing". */
const char	*lc_deadline_name(enum lc_deadline_kind);

#endif /* LIFECYCLE_H */
