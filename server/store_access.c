/* SPDX-License-Identifier: ISC */
/*
 * store_access.c - when the next access with an end time ends (see
 * store_transfer.h): the event loop's access timer (access.c) sleeps
 * until then instead of asking the store before every request.
 */
#include <stdint.h>

#include "store.h"
#include "store_int.h"
#include "store_transfer.h"

int
store_access_next_end(struct store *st, int64_t *at)
{
	return store_do(st, "SELECT coalesce(min(expires_at),"
	    " 9223372036854775807) FROM access_expiry", at, "", NULL, NULL);
}
