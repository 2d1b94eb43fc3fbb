/* SPDX-License-Identifier: ISC */
/*
 * store_retention.h - closing and retention in the server database
 * (store_retention.c; DESIGN §2, issue 18):
 *  - a case that becomes GESLOTEN gets closed_on and retention_until;
 *  - closed_purge_days later its laptops are told to purge it (the
 *    purges table, as at the end of a handover window) and its
 *    memberships end;
 *  - past retention_until it may be destroyed: every row about it
 *    goes, one signed destruction row stays.
 * Dates are days since 1970-01-01 (lifecycle.h); times are seconds.
 * The functions marked "in the caller's transaction" run inside a
 * store_tx_begin() the caller owns, with its audit entries.
 */
#ifndef STORE_RETENTION_H
#define STORE_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_DESTRUCTION_PK_LEN	32
#define STORE_DESTRUCTION_SIG_LEN	64

/* A case past its retention date, or one that was destroyed. */
struct store_destruction {
	char		case_id[STORE_UUID_LEN + 1];
	char		office[STORE_NAME_MAX + 1];
	char		frame[16];
	int64_t		closed_on;		/* days */
	int64_t		retention_until;	/* days */
	int64_t		destroyed_at;		/* seconds; 0: not yet */
	int64_t		records;		/* records it had */
	char		by[STORE_NAME_MAX + 1];	/* who destroyed it */
	uint8_t		pk[STORE_DESTRUCTION_PK_LEN];
	uint8_t		sig[STORE_DESTRUCTION_SIG_LEN];
};

/*
 * Case "case_id" has just become GESLOTEN on "today": set closed_on and
 * retention_until = today + "years" (lc_add_years) unless it has them.
 * In the caller's transaction.
 */
int	store_retention_close(struct store *, const char *case_id,
	    int64_t today, unsigned years);

/* *yes = 1 if case "case_id" has a live record of kind "kind". */
int	store_case_has_kind(struct store *, const char *case_id,
	    const char *kind, int *yes);

/*
 * The cases whose retention_until is before "today" ("all": every case
 * with a retention date), by retention date then id; cb's return: 0
 * goes on, else it is returned.  d->records is their record count.
 */
int	store_retention_list(struct store *, int64_t today, int all,
	    int (*cb)(const struct store_destruction *, void *), void *arg);

/*
 * What destroying "case_id" on "today" at "now" by "by" would record,
 * into *d (without pk and sig): CS_ERR_NOT_FOUND (no such case; *why
 * says whether it was destroyed before), CS_ERR_STATE (not GESLOTEN),
 * CS_ERR_LIMIT (not past its retention date).  *why: a sentence.
 */
int	store_retention_prepare(struct store *, const char *case_id,
	    int64_t today, int64_t now, const char *by,
	    struct store_destruction *d, const char **why);
/*
 * Delete every row about d->case_id (records, changes, members, key
 * grants, transfers, ...) and insert "d" (signed) into destructions.
 * In the caller's transaction.
 */
int	store_retention_destroy(struct store *,
	    const struct store_destruction *d);
/* The destruction record of "case_id": 0 or CS_ERR_NOT_FOUND. */
int	store_destruction_get(struct store *, const char *case_id,
	    struct store_destruction *d);

/* A case whose laptops were just told to purge it. */
struct store_closed_purge {
	char		case_id[STORE_UUID_LEN + 1];
	int64_t		office_id;
	int64_t		closed_on;
	int64_t		devices;	/* purge instructions made */
	int64_t		members;	/* memberships ended */
};

/* *due = 1 if a GESLOTEN case closed "days" before "today" waits. */
int	store_closed_purge_due(struct store *, int64_t today, unsigned days,
	    int *due);
/*
 * For up to "max" cases GESLOTEN since at least "days" before "today"
 * and not yet purged: a purge instruction for every device of every
 * member (seq: a new one), the memberships ended, closed_purged_at =
 * "now".  *out (malloc'd, *n) says what was done.  Idempotent: a case
 * is done once.  In the caller's transaction.
 */
int	store_closed_purge(struct store *, int64_t now, int64_t today,
	    unsigned days, size_t max, struct store_closed_purge **out,
	    size_t *n, int64_t *seq);

#endif /* STORE_RETENTION_H */
