/* SPDX-License-Identifier: ISC */
/*
 * measure_net.h - court measures per child from the laptop (DESIGN §2,
 * docs/PROTOCOL.md "Measures per child"): check a change offline with
 * measure.h against the laptop's copy of the case's measures, send it
 * to the server as a ChildMeasure, and keep the CaseInfo it answers
 * with (case_meta.h: the case's state and its measures).  No printing,
 * no argv: the faces (CLI, UI) say what happened.
 *
 * The child is the record_id of the child's person record, the measure
 * record (court, decision, zaaknummer) a sealed record of the dossier
 * named by record_id: the server sees type and dates, never a name.
 */
#ifndef MEASURE_NET_H
#define MEASURE_NET_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "case_meta.h"
#include "measure.h"
#include "msg.h"

struct conn;

/* What the user asks; dates as lifecycle.h days, LC_NODATE: not given. */
struct measure_change {
	const char	*case_id;
	const char	*child_id;	/* the child's person record_id */
	enum ms_action	 action;
	uint64_t	 measure_id;	/* extend, end: the measure */
	enum ms_type	 type;		/* MS_NTYPES: not given (extend, end) */
	int64_t		 decision;	/* the court decision's date */
	int64_t		 start;		/* start: LC_NODATE = the decision's */
	int64_t		 end;		/* start, extend: end; end: the day */
	int64_t		 birth;		/* the child's date of birth */
	const char	*record_id;	/* the sealed measure record, or NULL */
};

/* The struct for ms_apply() (pointers into "ch"). */
void	measure_request(const struct measure_change *ch,
	    struct ms_request *q);

/*
 * Check "ch" on "today" against the laptop's copy of the case's
 * measures and state.  0: allowed as far as the copy knows (or no copy:
 * the server decides); else ms_apply()'s or ms_case_after()'s error
 * with *why, the same sentence the server would give.
 */
int	measure_check(sqlite3 *db, const struct measure_change *ch,
	    int64_t today, const char **why);

/*
 * Send "ch" on "c".  0: the case after the change is in *m and *ms (either
 * may be NULL) and in the laptop's tables.  Otherwise the error, and
 * "why" (whylen bytes) a sentence for the user; when the server refused
 * (CS_ERR_PEER, CS_ERR_RETRY) *code (or NULL) is its Error's code,
 * e.g. WERR_TIME_LIMIT, WERR_INVALID_STATE, WERR_MEASURE_RUNNING.
 */
int	measure_send(struct conn *c, sqlite3 *db,
	    const struct measure_change *ch, struct case_meta *m,
	    struct case_measures *ms, enum wire_code *code, char *why,
	    size_t whylen);

#endif /* MEASURE_NET_H */
