/* SPDX-License-Identifier: ISC */
/*
 * plan.h - a family's one plan and its agreed versions (docs/CLIENT.md,
 * "One plan, with its history").
 *
 * The plan record's id is derived from the case id (plan_record_id), so
 * two laptops that make the plan offline write versions of the same
 * record, merged (merge.c) with conflicts as usual.  A case with plan
 * records from before (random ids): the newest is the one shown until
 * the first edit, which dossier_write() makes on the one plan, starting
 * from that record's fields (dossier.c).
 *
 * An agreed version is an append-only record of kind "plan_version":
 * its number (the highest here plus one), a copy of the plan's summary
 * and of its goals (one line each), who agreed and the date; who wrote
 * it and when is the server's word (db_author).  Nothing here prints.
 */
#ifndef CLIENT_PLAN_H
#define CLIENT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"

struct dossier_error;

/* Who may agree to a plan: a comma-separated list of these. */
#define PLAN_AGREED_CHOICES \
	"parents|wijkteam|jeugdbeschermer|kind|gedragswetenschapper|" \
	"jeugdhulp|school|network"
#define PLAN_AGREED_MAX		200	/* bytes of the list */

/*
 * The plan's record id for "case_id": BLAKE2b (crypto_generichash, 16
 * bytes) of "casesync plan v1" NUL and the case id, as a UUID of
 * version 8 (RFC 9562, custom) and variant 10.
 */
void	plan_record_id(const char *case_id, char out[DB_UUID_LEN + 1]);

/*
 * "list" is 1..8 names of PLAN_AGREED_CHOICES separated by commas,
 * each once: 0, or CS_ERR_FORMAT with *why a static sentence.
 */
int	plan_agreed_ok(const char *list, const char **why);

/* The number of a new version: the highest of nums[] plus one. */
int64_t	plan_version_next(const int64_t *nums, size_t n);

/*
 * The plan shown for "case_id": the one plan if this laptop holds it,
 * else the newest plan record from before it (by hybrid clock).
 * *others: how many other live plan records the case has.
 * CS_ERR_NOT_FOUND if none.
 */
int	plan_current(sqlite3 *, const char *case_id,
	    char id_out[DB_UUID_LEN + 1], size_t *others);

/* One agreed version, as plan_versions() reads it. */
struct plan_version {
	char		 id[DB_UUID_LEN + 1];
	int64_t		 number;	/* 0 if the record has none */
	char		*summary;	/* malloc'd, NUL-terminated */
	char		*goals;		/* one goal per line, "" if none */
	char		*agreed_with;
	char		*date;		/* YYYY-MM-DD */
	struct db_author by;
	uint64_t	 hlc;
};

struct plan_versions {
	struct plan_version	*v;	/* by number, then time */
	size_t			 n;
};

/*
 * The agreed versions of "case_id", the read logged as "plan"
 * (dossier.h).  Free with plan_versions_free().
 */
int	plan_versions(sqlite3 *, const char *case_id, struct plan_versions *);
void	plan_versions_free(struct plan_versions *);

/*
 * Record an agreed version of the case's plan now: who agreed
 * ("agreed_with", as plan_agreed_ok) on "date" (NULL: the local
 * today).  CS_ERR_NOT_FOUND with *err if the case has no plan,
 * CS_ERR_STATE if the plan or a goal has values in conflict (merge.h);
 * every refusal of dossier_write() as there.  The new record's id and number
 * go to id_out and *number.
 */
int	plan_agree(sqlite3 *, const char *case_id, const char *agreed_with,
	    const char *date, char id_out[DB_UUID_LEN + 1], int64_t *number,
	    struct dossier_error *err);

#endif /* CLIENT_PLAN_H */
