/* SPDX-License-Identifier: ISC */
/*
 * measure_view.h - the measures of a case's children as both faces
 * show them (`casesync measure list`, the web page "Gezinsdossier"):
 * the server's measures as it last sent them (the case's metadata:
 * type, dates, status, extensions), each joined with its sealed record
 * (court, zaaknummer, the decision of each extension; measure_rec.h)
 * when this laptop holds it, its status as of "today" and its next
 * deadline (measure.h).
 *
 * Read log: the records are case content; measure_view_load reads them
 * without an entry of its own, so the caller logs the read it makes
 * first (caseload_load_case's "list", or the dossier's "show").
 *
 * Functions return 0 or a negative CS_ERR_*.
 */
#ifndef MEASURE_VIEW_H
#define MEASURE_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "measure.h"
#include "measure_rec.h"

struct measure_view {
	int64_t			 today;
	size_t			 n;		/* the server's, newest first */
	struct ms_measure	 m[MS_MEASURES_MAX];
	char			 rec_id[MS_MEASURES_MAX][DB_UUID_LEN + 1];
	enum ms_status		 status[MS_MEASURES_MAX];
	/* its record on this laptop, or NULL (not synced yet) */
	const struct measure_rec *rec[MS_MEASURES_MAX];
	/* its soonest deadline (an index into dl), or -1 */
	int			 next[MS_MEASURES_MAX];
	struct ms_deadline	 dl[MS_DEADLINES_MAX];	/* soonest first */
	size_t			 ndl;
	struct measure_rec	*recs;		/* every measure record */
	size_t			 nrecs;
};

struct case_measures;

/*
 * The server's measures of "case_id" (the metadata this laptop holds,
 * case_meta.h; none if it holds none) into v->n, v->m and v->rec_id
 * only: what the rules of measure.h need.  No records are read.
 */
int	measure_view_cached(sqlite3 *, const char *case_id,
	    struct measure_view *v);
/* The same from measures in hand (a server's answer). */
void	measure_view_set(struct measure_view *v,
	    const struct case_measures *ms);

/*
 * The whole view of "case_id" on "today" into *out (free with
 * measure_view_free; NULL is fine).  CS_ERR_DB, CS_ERR_ALLOC.
 */
int	measure_view_load(sqlite3 *, const char *case_id, int64_t today,
	    struct measure_view **out);
void	measure_view_free(struct measure_view *);

/* The index of measure "id" in "v", or -1. */
int	measure_view_find(const struct measure_view *, uint64_t id);

#endif /* MEASURE_VIEW_H */
