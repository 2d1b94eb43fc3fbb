/* SPDX-License-Identifier: ISC */
/*
 * retention.c - closing and retention of cases (see retention.h).
 *
 * Jeugdwet art. 7.3.9: a case file is kept 20 years from the end of
 * the care, longer only when necessary.  The end is the day the case
 * became GESLOTEN; the years are per frame (retention_years_FRAME in
 * casesyncd.conf), and a case born on 29 February is counted as
 * lifecycle.h counts months (29 Feb 2028 + 21 years = 28 Feb 2049).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "config.h"
#include "errors.h"
#include "keys.h"
#include "lifecycle.h"
#include "log.h"
#include "retention.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_cases.h"
#include "store_retention.h"
#include "util.h"

unsigned
retention_years(const struct config *cfg, enum lc_frame f)
{
	if ((int)f < 0 || f >= LC_NFRAMES || cfg->retention_years[f] == 0)
		return CONFIG_RETENTION_YEARS;
	return cfg->retention_years[f];
}

int
retention_on_close(struct store *st, const struct config *cfg,
    struct store_case_meta *m, int64_t today)
{
	char	id[STORE_UUID_LEN + 1];
	int	r;

	if (m->lc.state != LC_GESLOTEN || m->closed_on != LC_NODATE)
		return 0;
	/* store_case_load() clears *m first: the id is copied */
	memcpy(id, m->case_id, sizeof(id));
	if ((r = store_retention_close(st, id, today,
	    retention_years(cfg, m->lc.frame))) != 0)
		return r;
	return store_case_load(st, id, m);
}

int
retention_needs_record(struct store *st, const char *case_id,
    enum lc_state to, const char **why)
{
	int	r, yes;

	if (to != LC_NAZORG && to != LC_GESLOTEN)
		return 0;
	if ((r = store_case_has_kind(st, case_id, to == LC_NAZORG ?
	    "nazorg" : "closing", &yes)) != 0 || yes)
		return r;
	*why = to == LC_NAZORG ? "NAZORG needs who takes over: write it "
	    "with casesync nazorg add, and sync" : "GESLOTEN needs the "
	    "closing summary: write it with casesync closing add, and sync";
	return CS_ERR_STATE;
}

/* The entry of one closed case taken off the laptops. */
static int
retention_purge_entry(struct store *st, const struct store_closed_purge *p)
{
	struct audit_entry	e;
	char			closed[LC_DATE_LEN + 1];
	int			r;

	audit_entry_init(&e, "case_closed_purge", AUDIT_DELETE, 1);
	/* the server's own act: no user, no device (as access_end's) */
	audit_set(e.user, "casesyncd");
	audit_set(e.addr, "local");
	audit_set(e.client_ref, p->case_id);
	audit_set(e.object_type, "case");
	audit_set(e.object_id, p->case_id);
	audit_set(e.basis, "closed_purge_days after GESLOTEN");
	lc_date_format(p->closed_on, closed, sizeof(closed));
	(void)str_fmt(e.detail, sizeof(e.detail), "closed_on=%s purges=%lld "
	    "members_ended=%lld", closed, (long long)p->devices,
	    (long long)p->members);
	if ((r = store_audit_append_in(st, &e, 1)) != 0)
		log_warnx("audit: case_closed_purge entry NOT recorded: %s; "
		    "the case stays on the laptops", cs_err(r));
	return r;
}

int
retention_purge_closed(struct store *st, const struct config *cfg,
    int64_t now, int64_t *seq)
{
	struct store_closed_purge	*p = NULL;
	int64_t				 today = lc_date_from_time(now);
	size_t				 n = 0, i;
	int				 due, r;

	*seq = 0;
	if ((r = store_closed_purge_due(st, today, cfg->closed_purge_days,
	    &due)) != 0 || !due)
		return r;
	/* the purges and their entries: one transaction, owned here */
	(void)store_tx_begin(st);
	r = store_closed_purge(st, now, today, cfg->closed_purge_days,
	    RETENTION_PURGE_BATCH, &p, &n, seq);
	for (i = 0; r == 0 && i < n; i++)
		r = retention_purge_entry(st, &p[i]);
	if ((r = store_tx_end(st, r)) != 0)
		*seq = 0;
	for (i = 0; r == 0 && i < n; i++)
		log_info("case %s: closed on day %lld; %lld device%s told to "
		    "purge it", p[i].case_id, (long long)p[i].closed_on,
		    (long long)p[i].devices, p[i].devices == 1 ? "" : "s");
	free(p);
	return r;
}

void
retention_tick(struct worker *w)
{
	int64_t	seq;
	int	r, made;

	if ((r = retention_purge_closed(w->st, &w->srv->cfg, time_now(),
	    &seq)) != 0) {
		log_warnx("retention: purging closed cases failed: %s; tried "
		    "again at the next tick", cs_err(r));
		return;
	}
	if (seq == 0)
		return;
	server_note_seq(w->srv, seq);
	keys_audit_dropped(w);
	if (w->srv->audit_key != NULL && (r = audit_checkpoint(w->st,
	    w->srv->audit_key, time_now(), 0, &made)) != 0)
		log_warnx("audit: checkpoint after case_closed_purge NOT "
		    "signed: %s", cs_err(r));
}

size_t
retention_statement(const struct store_destruction *d, char *dst,
    size_t len)
{
	char	closed[LC_DATE_LEN + 1], until[LC_DATE_LEN + 1];
	int	n;

	lc_date_format(d->closed_on, closed, sizeof(closed));
	lc_date_format(d->retention_until, until, sizeof(until));
	n = snprintf(dst, len, "casesync case destruction v1\n"
	    "case=%s\noffice=%s\nframe=%s\nclosed_on=%s\n"
	    "retention_until=%s\ndestroyed_at=%lld\nrecords=%lld\nby=%s\n",
	    d->case_id, d->office, d->frame, closed, until,
	    (long long)d->destroyed_at, (long long)d->records, d->by);
	if (n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}
