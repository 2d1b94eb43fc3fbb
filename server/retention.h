/* SPDX-License-Identifier: ISC */
/*
 * retention.h - closing and retention of cases (retention.c; issue 18,
 * DESIGN §2): the dates a case gets when it becomes GESLOTEN, the
 * periodic work that takes a closed case off the laptops, and the
 * signed statement a destruction leaves (casesyncctl retention).
 */
#ifndef RETENTION_H
#define RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

struct config;
struct store;
struct store_case_meta;
struct store_destruction;
struct worker;

/* Closed cases purged per round of the periodic work. */
#define RETENTION_PURGE_BATCH	100
/* Bytes of a destruction statement (retention_statement), at most. */
#define RETENTION_STATEMENT_MAX	1024

/* The years a case of "frame" is kept after it closed (config). */
unsigned	retention_years(const struct config *, enum lc_frame);

/*
 * The case "m" has just become GESLOTEN on "today": store closed_on and
 * retention_until and read them back into *m.  In the caller's
 * transaction (cases.c, with the change and its audit entry).
 */
int	retention_on_close(struct store *, const struct config *,
	    struct store_case_meta *m, int64_t today);

/*
 * A case enters NAZORG only with a nazorg record and GESLOTEN only
 * with a closing record (kinds are server-visible; the content is
 * sealed): 0, or CS_ERR_STATE with *why a sentence naming the command.
 */
int	retention_needs_record(struct store *, const char *case_id,
	    enum lc_state to, const char **why);

/*
 * Take the closed cases whose closed_purge_days have passed off the
 * laptops (store_closed_purge), with a case_closed_purge audit entry
 * each in the same transaction.  Idempotent; "now" in seconds.  *seq:
 * the purges' seq, or 0 if nothing was due.
 */
int	retention_purge_closed(struct store *, const struct config *,
	    int64_t now, int64_t *seq);
/* The event loop's round of it (loop.c), with a checkpoint after. */
void	retention_tick(struct worker *);

/*
 * The statement a destruction's signature covers: fixed field order,
 * one "key=value" a line, after a domain line.  Its length, or 0 if it
 * does not fit "len".
 */
size_t	retention_statement(const struct store_destruction *, char *dst,
	    size_t len);

#endif /* RETENTION_H */
