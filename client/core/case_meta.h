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
#include "msg_case.h"

#define CASE_META_NAME_MAX	128

struct vault;

struct case_meta {
	char		case_id[DB_UUID_LEN + 1];
	struct lc_case	lc;
	char		approved_by[CASE_META_NAME_MAX + 1];	/* "" if none */
	/* the regisseur's name as the server last said; "" if unknown */
	char		regisseur[CASE_META_NAME_MAX + 1];
	int64_t		updated_at;	/* seconds since the epoch */
};

/* CS_ERR_NOT_FOUND if this laptop has no metadata for the case. */
int	case_meta_get(sqlite3 *, const char *case_id, struct case_meta *);
/* Insert or replace. */
int	case_meta_put(sqlite3 *, const struct case_meta *);
/* Every case, by case id; cb returns 0 to go on, else that is returned. */
int	case_meta_list(sqlite3 *,
	    int (*cb)(const struct case_meta *, void *), void *arg);
/* A validated CaseInfo from the server into *m.  CS_ERR_FORMAT. */
int	case_meta_from_info(const struct msg_case_info *, struct case_meta *m);

/*
 * Record a case this laptop just registered with the server: frame
 * "frame", AANMELDING since today.  Creates the tables if needed.
 */
int	case_meta_created(struct vault *, const char *case_id,
	    const char *frame);

#endif /* CASE_META_H */
