/* SPDX-License-Identifier: ISC */
/*
 * ui_sync.c - the background sync of casesync ui (ui.h): one at a
 * time, on a thread of its own with its own connection to the vault
 * (vault_open_again: a copy of the keys, wiped when it ends), the
 * same steps as "casesync sync" (cmd_sync.c) without printing.  The
 * server's thread reads the progress under the mutex and joins the
 * thread once it has finished.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditcp.h"
#include "client.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "identity.h"
#include "keybackup.h"
#include "log.h"
#include "renewal.h"
#include "restore.h"
#include "sync.h"
#include "synclock.h"
#include "syncstatus.h"
#include "ui.h"
#include "util.h"
#include "vault.h"

struct ui_sync {
	pthread_mutex_t		 m;
	pthread_t		 th;
	int			 started;	/* th to be joined */
	int			 finished;	/* the thread has ended */
	struct ui_sync_view	 view;		/* under m */
	struct vault		*v;		/* the thread's */
	char			 dir[4096];
};

int
ui_sync_new(const char *dir, struct ui_sync **out)
{
	struct ui_sync	*us;
	int		 r;

	*out = NULL;
	if ((us = calloc(1, sizeof(*us))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = str_fmt(us->dir, sizeof(us->dir), "%s", dir)) != 0) {
		free(us);
		return r;
	}
	if (pthread_mutex_init(&us->m, NULL) != 0) {
		free(us);
		return CS_ERR_SYSTEM;
	}
	us->view.state = UI_SYNC_IDLE;
	*out = us;
	return 0;
}

static void
ui_sync_lock(struct ui_sync *us)
{
	if (pthread_mutex_lock(&us->m) != 0)
		abort();
}

static void
ui_sync_unlock(struct ui_sync *us)
{
	if (pthread_mutex_unlock(&us->m) != 0)
		abort();
}

/* The core's progress (sync.h), for GET /sync/status. */
static void
ui_sync_progress(const struct sync_progress *p, void *arg)
{
	struct ui_sync	*us = arg;

	ui_sync_lock(us);
	us->view.records = p->records_done;
	us->view.records_total = p->records_total;
	us->view.bytes = p->bytes_done;
	us->view.bytes_total = p->bytes_total;
	ui_sync_unlock(us);
}

/* The steps of cmd_sync() without --watch, on the thread's vault. */
static int
ui_sync_steps(struct ui_sync *us, struct sync_stats *st)
{
	struct identity	 id;
	struct cli	 cli;
	struct conn	*c = NULL;
	sqlite3		*db = vault_db(us->v);
	struct sync_observer obs = { ui_sync_progress, us };
	int64_t		 held = 0, na;
	int		 r, checked, lock = -1;

	memset(&cli, 0, sizeof(cli));
	memset(&id, 0, sizeof(id));
	cli.dir = us->dir;
	if ((r = synclock_take(us->dir, &lock)) != 0 && errno != ENOENT)
		return r;
	if ((r = cli_connect_open(&cli, us->v, &id, &c)) != 0)
		goto out;
	if ((r = db_init(db)) != 0 || (r = restore_check(c, db)) != 0 ||
	    (r = cli_check_due(us->v, &checked)) != 0)
		goto out;
	if (keybackup_upload(us->v, c) != 0)
		log_warnx("ui: the key backup on the server still opens "
		    "with the old passphrase");
	if ((r = sync_run(c, db, id.ca, &obs, st)) != 0 ||
	    (r = auditcp_check(c, db, id.key)) != 0 ||
	    (r = db_reoffer_held(db, &held)) != 0)
		goto out;
	/* the certificate, past half its lifetime (renewal.h) */
	if (renewal_due(&id, (int64_t)time(NULL)) &&
	    renewal_run(us->v, &id, c, &na) != 0)
		log_warnx("ui: certificate renewal failed; the current "
		    "certificate still works and the next sync tries again");
	/* what the server sent failed an end-to-end check (as cmd_sync) */
	if (st->tampered > 0 || st->keys.rejected > 0 ||
	    st->keys.uncertified > 0)
		r = CS_ERR_TAMPERED;
 out:
	r = vault_err(us->v, r);
	cli_disconnect(NULL, &id, c);
	synclock_release(lock);
	return r;
}

static void *
ui_sync_main(void *arg)
{
	struct ui_sync		*us = arg;
	struct sync_stats	 st;
	int			 r, rs;

	memset(&st, 0, sizeof(st));
	r = ui_sync_steps(us, &st);
	if (!vault_tampered(us->v) &&
	    (rs = syncstatus_put(us->v, (int64_t)time(NULL), r)) != 0)
		log_warnx("ui: cannot record the sync: %s", cs_err(rs));
	if (r != 0)
		log_warnx("ui: sync failed: %s", cs_err(r));
	vault_close(us->v);		/* the copy of the keys is wiped */
	us->v = NULL;
	ui_sync_lock(us);
	us->view.err = r;
	us->view.state = r == 0 ? UI_SYNC_DONE :
	    syncstatus_unreachable(r) ? UI_SYNC_OFFLINE : UI_SYNC_FAILED;
	us->view.pushed = st.pushed;
	us->view.pulled = st.pulled;
	us->view.conflicts = st.conflicts;
	us->finished = 1;
	ui_sync_unlock(us);
	return NULL;
}

int
ui_sync_start(struct ui_sync *us, struct vault *v)
{
	struct ui_sync_view	fresh;
	int			r;

	ui_sync_reap(us);
	if (us->started)
		return CS_ERR_EXISTS;
	if ((r = vault_open_again(v, us->dir, &us->v)) != 0)
		return r;
	memset(&fresh, 0, sizeof(fresh));
	fresh.state = UI_SYNC_RUNNING;
	ui_sync_lock(us);
	us->view = fresh;
	us->finished = 0;
	ui_sync_unlock(us);
	if (pthread_create(&us->th, NULL, ui_sync_main, us) != 0) {
		vault_close(us->v);
		us->v = NULL;
		ui_sync_lock(us);
		us->view.state = UI_SYNC_FAILED;
		us->view.err = CS_ERR_SYSTEM;
		ui_sync_unlock(us);
		return CS_ERR_SYSTEM;
	}
	us->started = 1;
	return 0;
}

void
ui_sync_get(struct ui_sync *us, struct ui_sync_view *out)
{
	ui_sync_lock(us);
	*out = us->view;
	ui_sync_unlock(us);
}

void
ui_sync_reap(struct ui_sync *us)
{
	int	done;

	if (us == NULL || !us->started)
		return;
	ui_sync_lock(us);
	done = us->finished;
	ui_sync_unlock(us);
	if (!done)
		return;
	(void)pthread_join(us->th, NULL);
	us->started = 0;
}

void
ui_sync_free(struct ui_sync *us)
{
	if (us == NULL)
		return;
	if (us->started)
		(void)pthread_join(us->th, NULL);
	pthread_mutex_destroy(&us->m);
	free(us);
}
