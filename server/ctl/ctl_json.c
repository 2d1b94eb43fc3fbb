/* SPDX-License-Identifier: ISC */
/*
 * ctl_json.c - the `--json` output of casesyncctl's list and show
 * commands, written with the one JSON writer (common/json.c).  The keys
 * and types of each command are in docs/json-schemas.json (described in
 * docs/ADMIN.md, "JSON output"): one name per concept (case_id, user,
 * office, device_id), times as local ISO 8601 with the offset plus
 * their "_epoch" seconds, numbers as numbers, "" as null.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "errors.h"
#include "json.h"
#include "pki.h"
#include "store.h"
#include "store_late.h"
#include "store_renew.h"
#include "store_transfer.h"
#include "util.h"

int
ctl_json_opt(int *argc, char **argv)
{
	int	i, k, found = 0;

	for (i = k = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[k++] = argv[i++];
			break;
		}
		if (i > 0 && strcmp(argv[i], "--json") == 0)
			found = 1;
		else
			argv[k++] = argv[i];
	}
	*argc = k;
	argv[k] = NULL;
	return found;
}

/* A string member, null when empty. */
static void
ctl_json_opt_str(struct json *j, const char *key, const char *s)
{
	json_kv_str(j, key, s[0] != '\0' ? s : NULL);
}

/* Close the top level; a store error "r" or a write error fails. */
static int
ctl_json_done(struct json *j, int r, const char *what)
{
	int	w;

	if (r != 0) {
		ctl_errx("%s: %s", what, cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if ((w = json_end(j)) != 0) {
		ctl_errx("%s: writing JSON: %s", what, cs_err(w));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int
ctl_json_office_cb(int64_t id, const char *name, const char *region,
    void *arg)
{
	struct json	*j = arg;

	json_obj_begin(j);
	json_kv_int(j, "office_id", id);
	json_kv_str(j, "office", name);
	json_kv_str(j, "region", region);
	json_obj_end(j);
	return 0;
}

int
ctl_json_office_list(struct store *st)
{
	struct json	j;
	int		r;

	json_init(&j, stdout);
	json_arr_begin(&j);
	r = store_office_list(st, ctl_json_office_cb, &j);
	json_arr_end(&j);
	return ctl_json_done(&j, r, "office list");
}

static int
ctl_json_user_cb(const struct store_user *u, void *arg)
{
	struct json	*j = arg;

	json_obj_begin(j);
	json_kv_int(j, "user_id", u->id);
	json_kv_str(j, "user", u->name);
	json_kv_str(j, "role", u->role);
	json_kv_str(j, "state", store_user_state_name(u->state));
	json_kv_str(j, "office", u->office);
	json_obj_end(j);
	return 0;
}

int
ctl_json_user_list(struct store *st)
{
	struct json	j;
	int		r;

	json_init(&j, stdout);
	json_arr_begin(&j);
	r = store_user_list(st, ctl_json_user_cb, &j);
	json_arr_end(&j);
	return ctl_json_done(&j, r, "user list");
}

/* The members of a device common to "device list" and "device show". */
static void
ctl_json_device_members(struct json *j, const struct store_device *d)
{
	json_kv_int(j, "device_id", d->id);
	json_kv_str(j, "device", d->name);
	json_kv_str(j, "user", d->user.name);
	json_kv_str(j, "role", d->user.role);
	json_kv_str(j, "office", d->user.office);
	json_kv_str(j, "state", d->revoked ? "revoked" : "active");
	json_kv_time(j, "enrolled_at", d->enrolled_at);
	json_kv_time(j, "cert_not_after", d->cert_not_after);
	json_kv_time(j, "revoked_at", d->revoked ? d->revoked_at : 0);
}

struct ctl_json_devices {
	struct json	 j;
	struct store	*st;
};

/* A device of the list, with when and from where it last logged in. */
static int
ctl_json_device_cb(const struct store_device *d, void *arg)
{
	struct ctl_json_devices	*a = arg;
	char			 addr[64];
	int64_t			 seen = 0;
	int			 r;

	if ((r = store_device_last_seen(a->st, d->id, &seen, addr,
	    sizeof(addr))) == CS_ERR_NOT_FOUND)
		seen = 0;
	else if (r != 0)
		return r;
	json_obj_begin(&a->j);
	ctl_json_device_members(&a->j, d);
	json_kv_time(&a->j, "last_seen", seen);
	json_kv_str(&a->j, "last_address", seen != 0 ? addr : NULL);
	json_obj_end(&a->j);
	return 0;
}

int
ctl_json_device_list(struct store *st)
{
	struct ctl_json_devices	a;
	int			r;

	a.st = st;
	json_init(&a.j, stdout);
	json_arr_begin(&a.j);
	r = store_device_list(st, ctl_json_device_cb, &a);
	json_arr_end(&a.j);
	return ctl_json_done(&a.j, r, "device list");
}

static int
ctl_json_pending_key_cb(const struct store_renew_pending *p, void *arg)
{
	struct json	*j = arg;
	char		 hex[2 * PKI_HASH_LEN + 1];

	hex_encode(hex, p->keyhash, sizeof(p->keyhash));
	json_obj_begin(j);
	json_kv_str(j, "key_sha256", hex);
	json_kv_time(j, "cert_not_after", p->cert_not_after);
	json_kv_time(j, "issued_at", p->issued_at);
	json_obj_end(j);
	return 0;
}

int
ctl_json_device_show(struct store *st, const char *arg)
{
	struct store_device	dev;
	struct json		j;
	char			hex[2 * PKI_HASH_LEN + 1];
	int			r, rv;

	if ((rv = ctl_renew_device(st, arg, "device show", &dev)) != 0)
		return rv;
	hex_encode(hex, dev.keyhash, sizeof(dev.keyhash));
	json_init(&j, stdout);
	json_obj_begin(&j);
	ctl_json_device_members(&j, &dev);
	json_kv_str(&j, "key_sha256", hex);
	json_key(&j, "pending_keys");
	json_arr_begin(&j);
	r = store_renew_pending_list(st, dev.id, ctl_json_pending_key_cb, &j);
	json_arr_end(&j);
	json_obj_end(&j);
	return ctl_json_done(&j, r, "device show");
}

int
ctl_json_server_cert(const char *name, int64_t srv_end, int64_t ca_end)
{
	struct json	j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "server_name", name);
	json_kv_time(&j, "server_cert_not_after", srv_end);
	json_kv_time(&j, "ca_cert_not_after", ca_end);
	json_obj_end(&j);
	return ctl_json_done(&j, 0, "server-cert show");
}

int
ctl_json_records_digest(struct store *st)
{
	struct json	j;
	uint8_t		h[32];
	char		hex[65];
	int64_t		n;
	int		r;

	if ((r = store_digest(st, &n, h)) != 0)
		return ctl_json_done(NULL, r, "records digest");
	hex_encode(hex, h, sizeof(h));
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_int(&j, "records", n);
	json_kv_str(&j, "digest", hex);
	json_obj_end(&j);
	return ctl_json_done(&j, 0, "records digest");
}

static int
ctl_json_purge_cb(int64_t device_id, const char *case_id, int64_t receipt_at,
    int64_t n, void *arg)
{
	struct json	*j = arg;

	json_obj_begin(j);
	json_kv_int(j, "device_id", device_id);
	json_kv_str(j, "case_id", case_id);
	json_kv_str(j, "state", receipt_at != 0 ? "purged" : "waiting");
	json_kv_time(j, "receipt_at", receipt_at);
	json_key(j, "records_deleted");
	if (receipt_at != 0)
		json_int(j, n);
	else
		json_null(j);
	json_obj_end(j);
	return 0;
}

int
ctl_json_records_purges(struct store *st)
{
	struct json	j;
	int		r;

	json_init(&j, stdout);
	json_arr_begin(&j);
	r = store_purge_list(st, ctl_json_purge_cb, &j);
	json_arr_end(&j);
	return ctl_json_done(&j, r, "records purges");
}

/* What the transfer list callback needs to page on. */
struct ctl_json_page {
	struct json	*j;
	int64_t		 last;
};

static int
ctl_json_transfer_cb(const struct store_transfer *t, void *arg)
{
	struct ctl_json_page	*p = arg;
	struct json		*j = p->j;

	p->last = t->id;
	json_obj_begin(j);
	json_kv_int(j, "transfer_id", t->id);
	json_kv_str(j, "case_id", t->case_id);
	json_kv_str(j, "state", t->state);
	json_kv_str(j, "reason", t->reason);
	ctl_json_opt_str(j, "note", t->note);
	json_kv_str(j, "from_office", t->from_office);
	json_kv_str(j, "to_office", t->to_office);
	json_kv_str(j, "requested_by", t->requested_by);
	json_kv_time(j, "requested_at", t->requested_at);
	ctl_json_opt_str(j, "decided_by", t->decided_by);
	json_kv_time(j, "decided_at", t->decided_at);
	ctl_json_opt_str(j, "rejection", t->rejection);
	ctl_json_opt_str(j, "new_regisseur", t->new_regisseur);
	json_kv_time(j, "window_end", t->window_end);
	json_kv_time(j, "completed_at", t->completed_at);
	json_kv_int(j, "purges_pending", t->purges_pending);
	json_obj_end(j);
	return 0;
}

int
ctl_json_transfer_list(struct store *st)
{
	struct ctl_json_page	p;
	struct json		j;
	int			r, more = 0;

	json_init(&j, stdout);
	p.j = &j;
	p.last = 0;
	json_arr_begin(&j);
	do {
		r = store_transfer_list(st, NULL, p.last, 1000,
		    ctl_json_transfer_cb, &p, &more);
	} while (r == 0 && more);
	json_arr_end(&j);
	return ctl_json_done(&j, r, "transfer list");
}

static int
ctl_json_tdev_cb(const struct store_transfer_device *d, void *arg)
{
	struct json	*j = arg;

	json_obj_begin(j);
	json_kv_int(j, "transfer_id", d->transfer_id);
	json_kv_str(j, "case_id", d->case_id);
	json_kv_int(j, "device_id", d->device_id);
	json_kv_str(j, "device", d->device);
	json_kv_str(j, "user", d->user);
	json_kv_str(j, "state", d->queued ? "purge_sent" : "window_open");
	json_kv_time(j, "window_end", d->window_end);
	json_obj_end(j);
	return 0;
}

static int
ctl_json_held_cb(const struct store_held *h, void *arg)
{
	struct json	*j = arg;
	int		 purge = h->change_id[0] == '\0';

	json_obj_begin(j);
	json_kv_str(j, "held", purge ? "purge" : "change");
	ctl_json_opt_str(j, "change_id", h->change_id);
	json_kv_str(j, "case_id", h->case_id);
	ctl_json_opt_str(j, "record_id", h->record_id);
	ctl_json_opt_str(j, "kind", h->kind);
	json_kv_int(j, "device_id", h->device_id);
	json_kv_str(j, "device", h->device);
	json_kv_str(j, "user", h->user);
	json_kv_time(j, "held_at", h->at);
	json_key(j, "changes");
	if (purge)
		json_int(j, h->changes);
	else
		json_null(j);
	json_key(j, "transfer_id");
	if (h->transfer_id != 0)
		json_int(j, h->transfer_id);
	else
		json_null(j);
	json_obj_end(j);
	return 0;
}

int
ctl_json_transfer_pending(struct store *st)
{
	struct json	j;
	int		r;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "devices");
	json_arr_begin(&j);
	r = store_transfer_pending(st, ctl_json_tdev_cb, &j);
	json_arr_end(&j);
	json_key(&j, "held");
	json_arr_begin(&j);
	if (r == 0)
		r = store_held_list(st, ctl_json_held_cb, &j);
	json_arr_end(&j);
	json_obj_end(&j);
	return ctl_json_done(&j, r, "transfer pending");
}

static int
ctl_json_glass_cb(const struct store_glass *g, void *arg)
{
	struct json	*j = arg;

	json_obj_begin(j);
	json_kv_int(j, "glass_id", g->id);
	json_kv_str(j, "case_id", g->case_id);
	json_kv_str(j, "user", g->user);
	json_kv_str(j, "user_office", g->user_office);
	json_kv_str(j, "case_office", g->case_office);
	json_kv_str(j, "reason", g->reason);
	json_kv_str(j, "state", g->ended_at > 0 ? "ended" : "active");
	json_kv_time(j, "granted_at", g->granted_at);
	json_kv_time(j, "expires_at", g->expires_at);
	json_kv_time(j, "ended_at", g->ended_at);
	json_obj_end(j);
	return 0;
}

int
ctl_json_glass_list(struct store *st)
{
	struct json	j;
	int		r;

	json_init(&j, stdout);
	json_arr_begin(&j);
	r = store_glass_list(st, ctl_json_glass_cb, &j);
	json_arr_end(&j);
	return ctl_json_done(&j, r, "glass list");
}
