/* SPDX-License-Identifier: ISC */
/*
 * store_audit_q.h - the questions "casesyncctl audit query" asks of
 * the audit log beyond store_audit.h: entries after an index (for a
 * feed that follows the log), and whether a user name or type is known
 * so that a misspelt filter is refused rather than answered with
 * nothing.  Functions return 0 or CS_ERR_*.
 */
#ifndef STORE_AUDIT_Q_H
#define STORE_AUDIT_Q_H

#include <stdint.h>

#include "audit_entry.h"

struct store;

/*
 * As store_audit_rows(), only the entries with an idx above "after"
 * (-1: all), read by the index from there on.
 */
int	store_audit_rows_after(struct store *, const struct audit_filter *f,
	    int64_t after, int (*cb)(const struct audit_entry *,
	    const uint8_t leaf[MERKLE_HASH_LEN], void *), void *arg);

/* The same for the entries with after < idx < before. */
int	store_audit_rows_range(struct store *, const struct audit_filter *f,
	    int64_t after, int64_t before, int (*cb)(const struct audit_entry *,
	    const uint8_t leaf[MERKLE_HASH_LEN], void *), void *arg);

/* *known: "name" is a user's name or the user of an entry. */
int	store_audit_user_known(struct store *, const char *name, int *known);
/* *known: an entry of type "type" exists. */
int	store_audit_type_used(struct store *, const char *type, int *known);

/*
 * The user names in the users table and in the entries, sorted, each
 * once; cb returns 0 to go on.
 */
int	store_audit_user_names(struct store *,
	    int (*cb)(const char *name, void *), void *arg);

#endif /* STORE_AUDIT_Q_H */
