/* SPDX-License-Identifier: ISC */
/*
 * ctl_held.c - "casesyncctl transfer pending" (its part about held
 * purges and held changes) and "casesyncctl transfer decide": nothing
 * a worker wrote disappears without a trace (DESIGN §9).  A change the
 * server refused from a (former) member is kept, sealed, and the
 * laptop keeps the case instead of purging it; someone decides: accept
 * it into the case (it reaches the current members at their next sync)
 * or discard it.  Either way the decision is audited, and the laptop
 * learns it at its next sync and then purges.  Metadata only: the
 * server cannot read the change.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "clihelp.h"
#include "msg.h"
#include "msg_transfer.h"
#include "audit.h"
#include "ctl.h"
#include "errors.h"
#include "store.h"
#include "store_late.h"
#include "util.h"

static int
ctl_held_cb(const struct store_held *h, void *arg)
{
	char	at[32], a[256], b[256];
	int	*n = arg;

	ctl_time_iso(at, sizeof(at), h->at);
	(void)str_vis(a, sizeof(a), h->device, strlen(h->device));
	(void)str_vis(b, sizeof(b), h->user, strlen(h->user));
	if (h->change_id[0] == '\0')
		printf("held %s device %lld (%s of %s) purge HELD since %s "
		    "by %lld unsent change%s", h->case_id,
		    (long long)h->device_id, a, b, at, (long long)h->changes,
		    h->changes == 1 ? "" : "s");
	else
		printf("change %s case %s %s %s device %lld (%s of %s) "
		    "refused at %s: decide with transfer decide --change %s",
		    h->change_id, h->case_id, h->kind, h->record_id,
		    (long long)h->device_id, a, b, at, h->change_id);
	if (h->transfer_id != 0)
		printf(" (transfer %lld waits)", (long long)h->transfer_id);
	putchar('\n');
	(*n)++;
	return 0;
}

int
ctl_held_pending(struct store *st, int *n)
{
	return store_held_list(st, ctl_held_cb, n);
}

static void
ctl_decide_usage(void)
{
	fprintf(stderr, "usage: casesyncctl transfer decide --change ID "
	    "--accept|--discard [--for NAME] [--reason TEXT]\n");
}

int
ctl_held_decide(struct ctl *c, struct store *st, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "change", required_argument, NULL, 'c' },
		{ "accept", no_argument, NULL, 'a' },
		{ "discard", no_argument, NULL, 'd' },
		{ "for", required_argument, NULL, 'f' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit_entry	 e;
	struct store_held	 h;
	const char		*change = NULL, *who = "", *reason = "", *why;
	char			 decider[AUDIT_STR_MAX + 1], v[256];
	int64_t			 seq = 0;
	int			 ch, r, accept = -1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			change = optarg;
			break;
		case 'a':
		case 'd':
			if (accept != -1) {
				ctl_decide_usage();
				return CTL_EXIT_USAGE;
			}
			accept = ch == 'a';
			break;
		case 'f':
			who = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || change == NULL || !wire_uuid_ok(change) ||
	    accept == -1 || strlen(who) > WIRE_STR_MAX ||
	    !utf8_valid(who, strlen(who)) ||
	    (reason[0] != '\0' && !msg_text_ok(reason))) {
		ctl_decide_usage();
		return CTL_EXIT_USAGE;
	}
	/* who decided: the named lead, through the account on the host */
	if (who[0] != '\0')
		(void)str_fmt(decider, sizeof(decider), "%s", who);
	else
		(void)str_fmt(decider, sizeof(decider), "the administrator");
	if ((r = store_held_decide(st, change, accept, decider, reason,
	    time_now(), &h, &seq, &why)) != 0) {
		ctl_errx("transfer decide: %s", why != NULL ? why :
		    cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	audit_entry_init(&e, accept ? "held_change_accept" :
	    "held_change_discard", accept ? AUDIT_CREATE : AUDIT_DELETE, 1);
	audit_set(e.client_ref, h.case_id);
	audit_set(e.object_type, h.kind);
	audit_set(e.object_id, h.record_id);
	e.device_id = h.device_id;
	if (who[0] != '\0')
		audit_set(e.on_behalf_of, who);
	if (reason[0] != '\0')
		audit_set(e.purpose, reason);
	if (accept)
		(void)str_fmt(e.detail, sizeof(e.detail), "change=%s "
		    "version=%lld", change, (long long)seq);
	else
		(void)str_fmt(e.detail, sizeof(e.detail), "change=%s",
		    change);
	if ((r = ctl_audit_record(c, st, &e, 1)) != CTL_EXIT_OK)
		return r;
	(void)str_vis(v, sizeof(v), h.user, strlen(h.user));
	if (accept)
		printf("change %s of %s (case %s): accepted into the case as "
		    "version %lld; the laptop purges at its next sync\n",
		    change, v, h.case_id, (long long)seq);
	else
		printf("change %s of %s (case %s): discarded; the laptop "
		    "drops it and purges at its next sync\n", change, v,
		    h.case_id);
	return CTL_EXIT_OK;
}
