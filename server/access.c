/* SPDX-License-Identifier: ISC */
/*
 * access.c - the access timer (see access.h).
 */
#include <stdatomic.h>
#include <stdint.h>

#include "access.h"
#include "errors.h"
#include "log.h"
#include "server.h"
#include "store_transfer.h"
#include "transfer.h"

int
access_tick(struct worker *w, int64_t now, int timer)
{
	int64_t	due = atomic_load(&w->srv->access_due), next;
	int	r;

	if (!timer && now < due)
		return 0;
	if ((r = transfer_tick(w)) != 0)
		return r;
	/*
	 * Only if no request started an access meanwhile (it set the
	 * due time to 0): its end would be missed otherwise.
	 */
	if (store_access_next_end(w->st, &next) != 0)
		next = 0;	/* ask again at the next request */
	(void)atomic_compare_exchange_strong(&w->srv->access_due, &due, next);
	return 0;
}

void
access_changed(struct server *srv)
{
	atomic_store(&srv->access_due, 0);
}
