/* SPDX-License-Identifier: ISC */
/*
 * ctl_restore_carry.c - what "casesyncctl restore" takes over from the
 * database it replaces, or warns about (docs/ADMIN.md, "Backup and
 * restore").
 *
 * A backup predates the decisions made after it.  Those that take
 * access away must not silently come undone: a device revoked after the
 * backup (a stolen laptop) is revoked again in the restored database,
 * with an audit entry; a case membership removed after the backup is
 * back in the restored one, and is listed for the administrator, since
 * removing it again is the regisseur's or team lead's decision
 * (casesync case member --remove).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ctl.h"
#include "errors.h"
#include "store.h"
#include "store_restore.h"
#include "util.h"

#define CTL_CARRY_MAX	(1u << 22)	/* devices or memberships held */

struct ctl_carry_dev {
	int64_t	id;
	int64_t	revoked_at;
	uint8_t	keyhash[PKI_HASH_LEN];
};

struct ctl_carry {
	struct ctl_carry_dev	*dev;
	size_t			 ndev, maxdev;
	char			**mem;		/* "user\tcase" */
	size_t			 nmem, maxmem;
	size_t			 back;		/* memberships back */
};

static int
ctl_carry_dev_cb(const struct store_device *d, void *arg)
{
	struct ctl_carry	*c = arg;
	struct ctl_carry_dev	*p;
	size_t			 n;

	if (!d->revoked)
		return 0;
	if (c->ndev == c->maxdev) {
		if (c->maxdev >= CTL_CARRY_MAX)
			return CS_ERR_TOO_LARGE;
		n = c->maxdev * 2 + 16;
		if ((p = reallocarray(c->dev, n, sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		c->dev = p;
		c->maxdev = n;
	}
	c->dev[c->ndev].id = d->id;
	c->dev[c->ndev].revoked_at = d->revoked_at;
	memcpy(c->dev[c->ndev].keyhash, d->keyhash, PKI_HASH_LEN);
	c->ndev++;
	return 0;
}

static int
ctl_carry_mem_cb(const char *user, const char *case_id, void *arg)
{
	struct ctl_carry	*c = arg;
	char			**p, buf[STORE_NAME_MAX + STORE_UUID_LEN + 2];
	size_t			 n;

	if (c->nmem == c->maxmem) {
		if (c->maxmem >= CTL_CARRY_MAX)
			return CS_ERR_TOO_LARGE;
		n = c->maxmem * 2 + 64;
		if ((p = reallocarray(c->mem, n, sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		c->mem = p;
		c->maxmem = n;
	}
	if (str_fmt(buf, sizeof(buf), "%s\t%s", user, case_id) != 0 ||
	    (c->mem[c->nmem] = strdup(buf)) == NULL)
		return CS_ERR_ALLOC;
	c->nmem++;
	return 0;
}

static int
ctl_carry_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A membership of the restored database the replaced one no longer has. */
static int
ctl_carry_back_cb(const char *user, const char *case_id, void *arg)
{
	struct ctl_carry	*c = arg;
	char			 buf[STORE_NAME_MAX + STORE_UUID_LEN + 2];
	const char		*key = buf;

	if (str_fmt(buf, sizeof(buf), "%s\t%s", user, case_id) != 0)
		return CS_ERR_TOO_LARGE;
	if (c->mem != NULL && bsearch(&key, c->mem, c->nmem, sizeof(*c->mem),
	    ctl_carry_cmp) != NULL)
		return 0;
	if (c->back++ == 0)
		printf("warning: memberships removed after the backup are "
		    "back; remove them again (casesync case member --remove):"
		    "\n");
	printf("  %s in case %s\n", user, case_id);
	return 0;
}

int
ctl_restore_carry(struct ctl *c, struct store *old, struct store *st)
{
	struct ctl_carry	 k;
	struct store_device	 d;
	char			 id[24];
	size_t			 i;
	int			 r, rv = CTL_EXIT_FAIL;

	memset(&k, 0, sizeof(k));
	if ((r = store_device_list(old, ctl_carry_dev_cb, &k)) != 0 ||
	    (r = store_restore_members(old, ctl_carry_mem_cb, &k)) != 0) {
		ctl_errx("the replaced database: %s", cs_whyf(r));
		goto out;
	}
	for (i = 0; i < k.ndev; i++) {
		if (store_device_get(st, k.dev[i].id, &d) != 0 || d.revoked ||
		    sodium_memcmp(d.keyhash, k.dev[i].keyhash,
		    PKI_HASH_LEN) != 0)
			continue;
		if ((r = store_device_revoke(st, d.id,
		    k.dev[i].revoked_at)) != 0) {
			ctl_errx("device %lld: %s", (long long)d.id, cs_whyf(r));
			goto out;
		}
		(void)str_fmt(id, sizeof(id), "%lld", (long long)d.id);
		if (ctl_audit_revoke(c, st, id) != CTL_EXIT_OK)
			goto out;
		printf("device %lld (%s of %s), revoked after the backup: "
		    "revoked again\n", (long long)d.id, d.name, d.user.name);
	}
	if (k.mem != NULL)
		qsort(k.mem, k.nmem, sizeof(*k.mem), ctl_carry_cmp);
	if ((r = store_restore_members(st, ctl_carry_back_cb, &k)) != 0) {
		ctl_errx("memberships: %s", cs_whyf(r));
		goto out;
	}
	rv = CTL_EXIT_OK;
 out:
	for (i = 0; i < k.nmem; i++)
		free(k.mem[i]);
	free(k.mem);
	free(k.dev);
	return rv;
}
