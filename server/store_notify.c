/* SPDX-License-Identifier: ISC */
/*
 * store_notify.c - the store's notifications to the other instances
 * (store_notify.h) through sdb_notify() of the transaction's own
 * connection.
 */
#include "sdb.h"

#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "store_notify.h"

int
store_notify(struct store *st, const char *what)
{
	int	r;

	if ((r = sdb_notify(st->db, STORE_NOTIFY_CHANNEL, what)) != 0) {
		store_log(st, "notify");
		return r == CS_ERR_RETRY ? r : CS_ERR_DB;
	}
	return 0;
}
