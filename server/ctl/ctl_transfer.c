/* SPDX-License-Identifier: ISC */
/*
 * ctl_transfer.c - "casesyncctl transfer list|pending" and "casesyncctl
 * glass list": transfers between offices with their state, the devices
 * an accepted transfer still waits for (a purge receipt, or the end of
 * the handover window), and every break-the-glass access for review.
 * Metadata only; notes and reasons are shown escaped.  Each listing
 * first applies what time has decided (store_transfer_tick), so it is
 * current even when no laptop has connected since a window ended.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "errors.h"
#include "store.h"
#include "store_transfer.h"
#include "transfer.h"
#include "util.h"

static int
ctl_transfer_cb(const struct store_transfer *t, void *arg)
{
	char	req[32], dec[32], end[32], a[256], b[256], c[256], d[256];
	char	r[4 * STORE_TEXT_MAX + 1];

	(void)arg;
	ctl_time_iso(req, sizeof(req), t->requested_at);
	(void)str_fmt(dec, sizeof(dec), "-");
	(void)str_fmt(end, sizeof(end), "-");
	if (t->decided_at > 0)
		ctl_time_iso(dec, sizeof(dec), t->decided_at);
	if (t->completed_at > 0)
		ctl_time_iso(end, sizeof(end), t->completed_at);
	else if (t->window_end > 0)
		ctl_time_iso(end, sizeof(end), t->window_end);
	printf("%-4lld %-9s %s %s -> %s %-9s by %s at %s decided %s by %s"
	    " end %s", (long long)t->id, t->state, t->case_id,
	    str_vis(a, sizeof(a), t->from_office, strlen(t->from_office)),
	    str_vis(b, sizeof(b), t->to_office, strlen(t->to_office)),
	    t->reason, str_vis(c, sizeof(c), t->requested_by,
	    strlen(t->requested_by)), req, dec, t->decided_by[0] != '\0' ?
	    str_vis(d, sizeof(d), t->decided_by, strlen(t->decided_by)) :
	    "-", end);
	if (t->new_regisseur[0] != '\0')
		printf(" regisseur %s", str_vis(a, sizeof(a),
		    t->new_regisseur, strlen(t->new_regisseur)));
	if (strcmp(t->state, "ACCEPTED") == 0)
		printf(" pending %lld", (long long)t->purges_pending);
	if (t->rejection[0] != '\0')
		printf(" rejected: %s", str_vis(r, sizeof(r), t->rejection,
		    strlen(t->rejection)));
	putchar('\n');
	return 0;
}

static int
ctl_pending_cb(const struct store_transfer_device *d, void *arg)
{
	char	when[32], a[256], b[256];
	int	*n = arg;

	ctl_time_iso(when, sizeof(when), d->window_end);
	printf("%-4lld %s device %lld (%s of %s) %s%s\n",
	    (long long)d->transfer_id, d->case_id, (long long)d->device_id,
	    str_vis(a, sizeof(a), d->device, strlen(d->device)),
	    str_vis(b, sizeof(b), d->user, strlen(d->user)),
	    d->queued ? "waiting for purge receipt" :
	    "handover window open until ", d->queued ? "" : when);
	(*n)++;
	return 0;
}

static int
ctl_glass_cb(const struct store_glass *g, void *arg)
{
	char	at[32], until[32], a[256], b[256], c[256];
	char	d[4 * STORE_TEXT_MAX + 1];

	(void)arg;
	ctl_time_iso(at, sizeof(at), g->granted_at);
	ctl_time_iso(until, sizeof(until), g->ended_at > 0 ? g->ended_at :
	    g->expires_at);
	printf("%-4lld %s %s (%s) on a case of %s at %s %s %s reason: %s\n",
	    (long long)g->id, g->case_id,
	    str_vis(a, sizeof(a), g->user, strlen(g->user)),
	    str_vis(b, sizeof(b), g->user_office, strlen(g->user_office)),
	    str_vis(c, sizeof(c), g->case_office, strlen(g->case_office)),
	    at, g->ended_at > 0 ? "ended" : "active until", until,
	    str_vis(d, sizeof(d), g->reason, strlen(g->reason)));
	return 0;
}

/* Apply expiries first, so the listing is current. */
static int
ctl_transfer_open(struct ctl *c, struct store **st)
{
	int64_t	seq;
	int	rv, r;

	if ((rv = ctl_store_open(c, st)) != CTL_EXIT_OK)
		return rv;
	/*
	 * Each access that ended is audited in the tick's transaction
	 * (unsigned: the key stays with casesyncd; its next checkpoint
	 * covers the entry).
	 */
	if ((r = transfer_expire(*st, time_now(), 0, &seq)) != 0) {
		ctl_errx("ending expired access: %s", cs_whyf(r));
		store_close(*st);
		*st = NULL;
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int
ctl_transfer(struct ctl *c, int argc, char **argv)
{
	struct store	*st = NULL;
	int64_t		 after = 0;
	int		 rv, r, more = 0, n = 0, json;

	if (argc >= 2 && strcmp(argv[1], "decide") == 0) {
		if ((rv = ctl_transfer_open(c, &st)) != CTL_EXIT_OK)
			return rv;
		rv = ctl_held_decide(c, st, argc - 1, argv + 1);
		store_close(st);
		return rv;
	}
	json = ctl_json_opt(&argc, argv);
	if (argc != 2 || (strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "pending") != 0)) {
		ctl_usage("transfer", 1);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_transfer_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	if (json) {
		rv = strcmp(argv[1], "list") == 0 ?
		    ctl_json_transfer_list(st) : ctl_json_transfer_pending(st);
		store_close(st);
		return rv;
	}
	if (strcmp(argv[1], "list") == 0) {
		printf("%-4s %-9s %-36s from -> to reason ...\n", "id", "state",
		    "case");
		do {
			r = store_transfer_list(st, NULL, after, 1000000,
			    ctl_transfer_cb, NULL, &more);
		} while (r == 0 && more);
	} else {
		r = store_transfer_pending(st, ctl_pending_cb, &n);
		if (r == 0 && n == 0)
			printf("no accepted transfer waits for a device\n");
		/* changes kept for a decision, and the purges they hold */
		n = 0;
		if (r == 0)
			r = ctl_held_pending(st, &n);
	}
	store_close(st);
	if (r != 0) {
		ctl_errx("transfer %s: %s", argv[1], cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int
ctl_glass(struct ctl *c, int argc, char **argv)
{
	struct store	*st = NULL;
	int		 rv, r, json;

	json = ctl_json_opt(&argc, argv);
	if (argc != 2 || strcmp(argv[1], "list") != 0) {
		ctl_usage("glass", 1);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_transfer_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	if (json) {
		rv = ctl_json_glass_list(st);
		store_close(st);
		return rv;
	}
	r = store_glass_list(st, ctl_glass_cb, NULL);
	store_close(st);
	if (r != 0) {
		ctl_errx("glass list: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}
