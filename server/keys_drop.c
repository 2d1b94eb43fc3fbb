/* SPDX-License-Identifier: ISC */
/*
 * keys_drop.c - grant_dropped audit entries (see keys.h).
 *
 * The store forgets a user's grants of a case in the transaction that
 * ends her holding of it (store_keys_forget.c); the entries are
 * appended here, in the transaction that marks those rows audited, at
 * the next key sync or expiry tick of any device.  The user fields of
 * an entry are those of the user whose grants were dropped, as in
 * access_end: no device acted.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_keys.h"
#include "util.h"

/* The entries of drops d[0..n), inside the transaction that took them. */
static int
keys_drop_entries(struct store *st, const struct store_grant_drop *d,
    size_t n)
{
	struct audit_entry	*e;
	size_t			 i;
	int			 r;

	if (n == 0)
		return 0;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < n; i++) {
		audit_entry_init(&e[i], "grant_dropped", AUDIT_DELETE, 1);
		e[i].user_id = d[i].user_id;
		audit_set(e[i].user, d[i].user);
		audit_set(e[i].role, d[i].role);
		audit_set(e[i].office, d[i].office);
		audit_set(e[i].client_ref, d[i].case_id);
		audit_set(e[i].object_type, "case_key");
		audit_set(e[i].object_id, d[i].case_id);
		audit_set(e[i].basis, d[i].purged ? "a device purged the case" :
		    "no longer holds the case");
		(void)str_fmt(e[i].detail, sizeof(e[i].detail),
		    "epochs=%lld first=%lld last=%lld", (long long)d[i].epochs,
		    (long long)d[i].first, (long long)d[i].last);
	}
	r = store_audit_append_in(st, e, n);
	free(e);
	return r;
}

void
keys_audit_dropped(struct worker *w)
{
	struct store_grant_drop	*d = NULL;
	size_t			 n = 0;
	int			 any, r;

	if ((r = store_keys_drops_pending(w->st, &any)) == 0 && any) {
		/* the marks and their entries: one transaction, owned here */
		(void)store_tx_begin(w->st);
		r = store_keys_dropped(w->st, &d, &n);
		if (r == 0)
			r = keys_drop_entries(w->st, d, n);
		r = store_tx_end(w->st, r);
		free(d);
	}
	if (r != 0)
		log_warnx("audit: grant_dropped entries NOT recorded yet: %s",
		    cs_err(r));
}
