/* SPDX-License-Identifier: ISC */
/*
 * store_transfer_int.h - helpers shared by store_transfer.c and
 * store_glass.c, inside an open transaction unless said otherwise.
 * Not for other modules.
 */
#ifndef STORE_TRANSFER_INT_H
#define STORE_TRANSFER_INT_H

#include <stdint.h>

struct store;

/* The case's owning office and regisseur (0: none).  NOT_FOUND. */
int	store_xfer_case(struct store *, const char *case_id, int64_t *office,
	    int64_t *regisseur);
/* The id of the office called "name".  NOT_FOUND. */
int	store_xfer_office(struct store *, const char *name, int64_t *id);
/* *yes = 1 if "u" is a teamleider of office "office". */
int	store_xfer_is_lead_of(struct store *, const struct store_user *u,
	    int64_t office, int *yes);
/*
 * Give "user" write access to the case from grant "seq" on (keeping an
 * earlier grant), and forget any end of access or pending purge.
 */
int	store_xfer_member_full(struct store *, int64_t user,
	    const char *case_id, int64_t seq);

#endif /* STORE_TRANSFER_INT_H */
