/* SPDX-License-Identifier: ISC */
/*
 * session.c - connecting as this laptop and the steps around a sync
 * (session.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "identity.h"
#include "keybackup.h"
#include "log.h"
#include "marker.h"
#include "msg.h"
#include "msg_session.h"
#include "notice.h"
#include "renewal.h"
#include "reportnames.h"
#include "restore.h"
#include "session.h"
#include "srvaddr.h"
#include "sync.h"
#include "synccount.h"
#include "util.h"
#include "vault.h"

#define CHECK_SECRET		"vault_checked_at"
#define CHECK_INTERVAL		(24 * 60 * 60)	/* seconds */
#define CHECK_INTERVAL_MAX	(366 * 24 * 60 * 60)

/*
 * Keep this laptop's user as Welcome names it: the author of local
 * edits in conflicts and of notes (db_self_get).  Not fatal: a conflict
 * without it names an unknown author.
 */
static void
session_self_note(struct vault *v, const struct msg *welcome)
{
	struct msg_welcome	w;
	int			r;

	if (msg_get_welcome(welcome, &w) != 0 || !w.has_identity ||
	    !marker_user_id_ok(w.identity.user_id) ||
	    !marker_user_name_ok(w.identity.user_name))
		return;
	if ((r = db_init(vault_db(v))) != 0 ||
	    (r = db_self_set(vault_db(v), w.identity.user_id,
	    w.identity.user_name)) != 0)
		log_warnx("cannot keep this laptop's user: %s", cs_err(r));
}

int
session_open(struct vault *v, const char *dir, struct identity *id,
    struct conn **cp)
{
	struct conn_opts	 o;
	struct msg		*rep = NULL;
	int			 r, lock = -1;

	*cp = NULL;
	memset(id, 0, sizeof(id[0]));
	if ((r = identity_load(v, id)) != 0) {
		r = vault_err(v, r);
		if (r == CS_ERR_NOT_FOUND)
			notice(NOTICE_ERROR, "this laptop is not enrolled");
		else
			notice(NOTICE_ERROR, "cannot read this laptop's "
			    "identity: %s", cs_err(r));
		return r;
	}
	/* an expired certificate: say so, rather than a failed handshake */
	if ((r = renewal_check(id)) != 0)
		goto fail;
	memset(&o, 0, sizeof(o));
	/* rollback detection: raise the vault's counter before sending it */
	if ((r = synccount_next(v, dir, &o.sync_counter, &lock)) != 0) {
		r = vault_err(v, r);
		notice(NOTICE_ERROR, "cannot update the sync counter: %s",
		    cs_err(r));
		goto fail;
	}
	o.cert = id->cert;
	o.key = id->key;
	/* each address in turn, with the enrolled name (srvaddr.h) */
	if ((r = srvaddr_connect(v, id, &o, cp)) != 0)
		goto fail;
	r = conn_welcome(*cp, id->device_id, &rep);
	synccount_done(lock);	/* the server has seen the counter, or not */
	lock = -1;
	if (r == CS_ERR_EXPIRED)
		renewal_explain_refused(id);
	else if (r != 0)
		notice_reply(id->server, r, rep);
	if (r != 0) {
		msg_free(rep);
		goto fail;
	}
	session_self_note(v, rep);
	(void)srvaddr_welcome(v, id, rep);	/* it says what failed */
	(void)reportnames_welcome(v, rep);	/* it logs what failed */
	msg_free(rep);
	return 0;
 fail:
	synccount_done(lock);
	conn_close(*cp);
	*cp = NULL;
	identity_clear(id);
	return r;
}

void
session_close(struct vault *v, struct identity *id, struct conn *c)
{
	conn_close(c);
	if (id != NULL)
		identity_clear(id);
	vault_close(v);
}

int
session_check(struct vault *v, struct vault_scan *sc)
{
	uint8_t	b[8];
	int64_t	now = time_now();
	int	r;

	if ((r = vault_scan(v, sc)) != 0)
		return r;
	if ((r = vault_check(v)) != 0) {
		if (r == CS_ERR_TAMPERED)
			vault_mark_tampered(v);
		return vault_err(v, r);
	}
	buf_store_u64(b, (uint64_t)now);
	return vault_err(v, vault_secret_put(v, CHECK_SECRET, b, sizeof(b)));
}

static int64_t
session_check_interval(void)
{
	const char	*s = getenv("CASESYNC_CHECK_INTERVAL");
	uint64_t	 n;

	if (s != NULL && parse_u64(s, 0, CHECK_INTERVAL_MAX, &n) == 0)
		return (int64_t)n;
	return CHECK_INTERVAL;
}

int
session_check_due(struct vault *v, int *ran)
{
	struct vault_scan	 sc;
	uint8_t			*p = NULL;
	size_t			 len = 0;
	uint64_t		 last = 0;
	int			 r;

	*ran = 0;
	if ((r = vault_secret_get(v, CHECK_SECRET, &p, &len)) == 0) {
		if (len == 8)
			last = buf_load_u64(p);
		vault_secret_free(p, len);
	} else if (r != CS_ERR_NOT_FOUND)
		return vault_err(v, r);
	/* a clock set back counts as due */
	if (last <= (uint64_t)time_now() &&
	    (uint64_t)time_now() - last < (uint64_t)session_check_interval())
		return 0;
	*ran = 1;
	if ((r = session_check(v, &sc)) == 0)
		log_debug("vault check: %llu pages, %llu WAL frames",
		    sc.pages, sc.frames);
	return r;
}

int
session_sync_before(struct vault *v, struct conn *c)
{
	sqlite3	*db = vault_db(v);
	int	 r, checked;

	if ((r = db_init(db)) != 0 ||
	    (r = restore_check(c, db)) != 0)	/* restore.h */
		return r;
	/* every page, not only those read, once a day */
	if ((r = session_check_due(v, &checked)) != 0) {
		notice(NOTICE_ERROR, "vault check: %s", cs_err(r));
		return r;
	}
	/* a key backup re-wrapped by passwd while off line (keybackup.h) */
	if (keybackup_upload(v, c) != 0)
		notice(NOTICE_WARN, "warning: the key backup on the server "
		    "still opens with the old passphrase");
	return 0;
}

int
session_sync_after(struct vault *v, struct sync_stats *st, int64_t *held)
{
	int	r;

	*held = 0;
	/* re-offers held by the server count with the keyless (db.h) */
	if ((r = db_reoffer_held(vault_db(v), held)) != 0)
		return r;
	st->keyless -= (uint64_t)*held <= st->keyless ? (uint64_t)*held :
	    st->keyless;
	return 0;
}
