/* SPDX-License-Identifier: ISC */
/*
 * case_meta.h - the laptop's copy of each case's lifecycle metadata
 * (table case_meta, created by db_init(): db_schema.c): what the server
 * last said about the case, or what this laptop registered.  It lets
 * `casesync case state` check a change offline with lifecycle.c and
 * `casesync case list --due` compute deadlines without the server.
 * Functions return 0 or a negative CS_ERR_*.
 */
#ifndef CASE_META_H
#define CASE_META_H

#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "lifecycle.h"
#include "measure.h"
#include "msg_case.h"

#define CASE_META_NAME_MAX	128
/*
 * A sync fetches the metadata of every case again when the last whole
 * fetch is older than this (docs/CLIENT.md, "Case metadata").
 */
#define CASE_META_STALE_SECS	(15 * 60)

struct conn;
struct vault;

struct case_meta {
	char		case_id[DB_UUID_LEN + 1];
	struct lc_case	lc;
	char		approved_by[CASE_META_NAME_MAX + 1];	/* "" if none */
	/* the regisseur's name as the server last said; "" if unknown */
	char		regisseur[CASE_META_NAME_MAX + 1];
	int64_t		updated_at;	/* seconds since the epoch */
	/* GESLOTEN only (case_meta_put stores none otherwise): */
	int64_t		closed_on;	/* the day it closed, or LC_NODATE */
	int64_t		retention_until;	/* kept until, or LC_NODATE */
};

/* CS_ERR_NOT_FOUND if this laptop has no metadata for the case. */
int	case_meta_get(sqlite3 *, const char *case_id, struct case_meta *);
/* Insert or replace. */
int	case_meta_put(sqlite3 *, const struct case_meta *);
/* *known: 1 if this laptop has metadata for the case. */
int	case_meta_known(sqlite3 *, const char *case_id, int *known);
/* Every case, by case id; cb returns 0 to go on, else that is returned. */
int	case_meta_list(sqlite3 *,
	    int (*cb)(const struct case_meta *, void *), void *arg);
/* A validated CaseInfo from the server into *m.  CS_ERR_FORMAT. */
int	case_meta_from_info(const struct msg_case_info *, struct case_meta *m);

/*
 * The measures per child of one case as the server last said (table
 * case_measures), newest first.  Their status and deadlines on a day
 * follow from them: ms_status(), ms_deadlines() (measure.h), which the
 * laptop computes offline as the server does.
 */
struct case_measures {
	size_t			n;
	struct ms_measure	m[MS_MEASURES_MAX];
	char			record_id[MS_MEASURES_MAX][DB_UUID_LEN + 1];
};

/* The measures of "case_id" (n 0 when none are known). */
int	case_measures_get(sqlite3 *, const char *case_id,
	    struct case_measures *);
/* Replace the measures of "case_id" with "ms". */
int	case_measures_put(sqlite3 *, const char *case_id,
	    const struct case_measures *ms);
/* A validated CaseInfo's measures into *ms.  CS_ERR_FORMAT. */
int	case_measures_from_info(const struct msg_case_info *,
	    struct case_measures *ms);
/*
 * A CaseInfo from the server into *m and the tables: case_meta and,
 * from the same CaseInfo, case_measures.  In the caller's transaction
 * if one is open.  CS_ERR_FORMAT for a CaseInfo that does not parse.
 */
int	case_meta_put_info(sqlite3 *, const struct msg_case_info *,
	    struct case_meta *m);

/*
 * Record a case this laptop just registered with the server: frame
 * "frame", AANMELDING since today.  Creates the tables if needed.
 */
int	case_meta_created(struct vault *, const char *case_id,
	    const char *frame);

/*
 * case_fetch.c: fetch every case the server lists for this user, page
 * by page, into the table; *count gets their number, *round_trips (or
 * NULL) grows by the requests made.  A refusal by the server is a
 * notice (notice.h) and CS_ERR_PEER or CS_ERR_RETRY.
 */
int	case_meta_fetch_all(struct conn *, sqlite3 *, size_t *count,
	    uint64_t *round_trips);
/*
 * At the end of a sync: case_meta_fetch_all() when "unknown" (records
 * of a case without metadata arrived) or when the last whole fetch is
 * older than CASE_META_STALE_SECS and this laptop holds a case;
 * otherwise nothing, and no request.  A refusal by the server leaves
 * the metadata as it was (a warning notice) and returns 0.
 */
int	case_meta_refresh(struct conn *, sqlite3 *, int unknown,
	    size_t *count, uint64_t *round_trips);

#endif /* CASE_META_H */
