/* SPDX-License-Identifier: ISC */
/*
 * ctl_user.c - `casesyncctl user disable|enable|move|role|rename|
 * remove`: a user's life after `user add`.  Disabling and removing
 * revoke the user's devices as `device revoke` does; where the user
 * leaves cases (disable: those she is regisseur of; move: those of
 * the old office; remove: all) the membership ends through the same
 * store call as the protocol's CaseMember removal, which queues the
 * purges and hands the regisseur role to --new-regisseur.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "audit.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "store.h"
#include "util.h"

#define CTL_USER_CASES_MAX	100000

struct ctl_ucase {
	char	id[STORE_NAME_MAX + 1];
	char	office[STORE_NAME_MAX + 1];
	int	regisseur;
};

struct ctl_ucases {
	struct ctl_ucase	*v;
	size_t			 n, cap;
	const char		*office;	/* only this office's; NULL all */
	int			 reg_only;	/* only where regisseur */
};

static int
ctl_ucase_add(const char *id, const char *office, int regisseur, void *arg)
{
	struct ctl_ucases	*k = arg;
	struct ctl_ucase	*nv;
	size_t			 cap;

	if ((k->office != NULL && strcmp(office, k->office) != 0) ||
	    (k->reg_only && !regisseur))
		return 0;
	if (k->n == k->cap) {
		if (k->cap >= CTL_USER_CASES_MAX)
			return CS_ERR_TOO_LARGE;
		cap = k->cap == 0 ? 16 : k->cap * 2;
		if ((nv = reallocarray(k->v, cap, sizeof(*nv))) == NULL)
			return CS_ERR_ALLOC;
		k->v = nv;
		k->cap = cap;
	}
	(void)str_fmt(k->v[k->n].id, sizeof(k->v[k->n].id), "%s", id);
	(void)str_fmt(k->v[k->n].office, sizeof(k->v[k->n].office), "%s",
	    office);
	k->v[k->n++].regisseur = regisseur;
	return 0;
}

/*
 * End user "u"'s membership of the cases in "k", handing each one she
 * is regisseur of to "newreg"; refused before any change when she is
 * a regisseur and "newreg" is NULL.
 */
static int
ctl_user_leave(struct ctl *c, struct store *st, const struct store_user *u,
    const struct ctl_ucases *k, const char *newreg, const char *what)
{
	struct store_user	 actor, nu;
	struct audit_entry	 e;
	const char		*why;
	int64_t			 seq;
	size_t			 i, nreg = 0;
	int			 r;

	for (i = 0; i < k->n; i++)
		nreg += k->v[i].regisseur != 0;
	if (nreg > 0 && newreg == NULL) {
		ctl_errx("user %s: %s is the regisseur of %zu case(s); name "
		    "a jeugdbeschermer of the case's office with "
		    "--new-regisseur NAME:", what, u->name, nreg);
		for (i = 0; i < k->n; i++)
			if (k->v[i].regisseur)
				fprintf(stderr, "  %s (%s)\n", k->v[i].id,
				    k->v[i].office);
		return CTL_EXIT_FAIL;
	}
	if (nreg > 0) {
		if ((r = store_user_get(st, newreg, &nu)) != 0) {
			ctl_errx("user %s: no user \"%s\"", what, newreg);
			return CTL_EXIT_FAIL;
		}
		if (nu.state != STORE_USER_ACTIVE || nu.id == u->id) {
			ctl_errx("user %s: the new regisseur must be another, "
			    "active user", what);
			return CTL_EXIT_FAIL;
		}
	}
	for (i = 0; i < k->n; i++) {
		/* the office's lead, as the protocol's removal allows */
		memset(&actor, 0, sizeof(actor));
		actor.role_id = ROLE_TEAMLEIDER;
		(void)str_fmt(actor.name, sizeof(actor.name), "casesyncctl");
		(void)str_fmt(actor.role, sizeof(actor.role), "%s",
		    role_name(ROLE_TEAMLEIDER));
		(void)str_fmt(actor.office, sizeof(actor.office), "%s",
		    k->v[i].office);
		if ((r = store_case_member_reg(st, &actor, k->v[i].id,
		    u->name, 1, 0, k->v[i].regisseur ? newreg : NULL, &seq,
		    &why)) != 0) {
			ctl_errx("user %s: case %s: %s", what, k->v[i].id,
			    why != NULL ? why : cs_whyf(r));
			return CTL_EXIT_FAIL;
		}
		printf("case %s: %s no longer a member%s%s\n", k->v[i].id,
		    u->name, k->v[i].regisseur ? "; regisseur now " : "",
		    k->v[i].regisseur ? newreg : "");
		/* with the case, so that audit query --case finds it */
		audit_entry_init(&e, "admin_user_case_end", AUDIT_DELETE, 1);
		audit_set(e.client_ref, k->v[i].id);
		audit_set(e.object_type, "case");
		audit_set(e.object_id, k->v[i].id);
		(void)str_fmt(e.detail, sizeof(e.detail),
		    "user=%s seq=%lld%s%s", u->name, (long long)seq,
		    k->v[i].regisseur ? " new_regisseur=" : "",
		    k->v[i].regisseur ? newreg : "");
		if (ctl_audit_record(c, st, &e, 1) != CTL_EXIT_OK)
			return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

struct ctl_udevs {
	int64_t	 user_id;
	int64_t	*v;
	size_t	 n, cap;
};

static int
ctl_udev_add(const struct store_device *d, void *arg)
{
	struct ctl_udevs	*k = arg;
	int64_t			*nv;
	size_t			 cap;

	if (d->user.id != k->user_id || d->revoked)
		return 0;
	if (k->n == k->cap) {
		cap = k->cap == 0 ? 8 : k->cap * 2;
		if ((nv = reallocarray(k->v, cap, sizeof(*nv))) == NULL)
			return CS_ERR_ALLOC;
		k->v = nv;
		k->cap = cap;
	}
	k->v[k->n++] = d->id;
	return 0;
}

/* Revoke every device of "u" as `device revoke` does, each audited. */
static int
ctl_user_revoke(struct ctl *c, struct store *st, const struct store_user *u,
    const char *what)
{
	struct ctl_udevs	k;
	char			id[32];
	size_t			i;
	int			r, rv = CTL_EXIT_FAIL;

	memset(&k, 0, sizeof(k));
	k.user_id = u->id;
	if ((r = store_device_list(st, ctl_udev_add, &k)) != 0) {
		ctl_errx("user %s: devices: %s", what, cs_whyf(r));
		goto out;
	}
	for (i = 0; i < k.n; i++) {
		if ((r = store_device_revoke(st, k.v[i], time_now())) != 0) {
			ctl_errx("user %s: device %lld: %s", what,
			    (long long)k.v[i], cs_whyf(r));
			goto out;
		}
		(void)str_fmt(id, sizeof(id), "%lld", (long long)k.v[i]);
		printf("device %s revoked\n", id);
		if (ctl_audit_revoke(c, st, id) != CTL_EXIT_OK)
			goto out;
	}
	rv = CTL_EXIT_OK;
 out:
	free(k.v);
	return rv;
}

/* What each subcommand takes besides NAME. */
struct ctl_user_opts {
	const char	*newreg, *office, *role, *to;
};

static int
ctl_user_do(struct ctl *c, struct store *st, const char *sub,
    const struct store_user *u, const struct ctl_user_opts *o)
{
	struct ctl_ucases	 k;
	char			 detail[AUDIT_STR_MAX + 1];
	const char		*why, *type;
	int			 r, del = 0, rv = CTL_EXIT_FAIL;

	memset(&k, 0, sizeof(k));
	detail[0] = '\0';
	if (strcmp(sub, "enable") == 0) {
		if ((r = store_user_set_state(st, u->id, STORE_USER_ACTIVE,
		    time_now())) != 0) {
			ctl_errx("user enable: %s", r == CS_ERR_STATE ?
			    "a removed user cannot be enabled" : cs_whyf(r));
			goto out;
		}
		printf("user %s enabled (new enrollment tokens allowed)\n",
		    u->name);
		type = "admin_user_enable";
	} else if (strcmp(sub, "disable") == 0 ||
	    strcmp(sub, "remove") == 0) {
		k.reg_only = strcmp(sub, "disable") == 0;
		if ((r = store_user_cases(st, u->id, ctl_ucase_add,
		    &k)) != 0) {
			ctl_errx("user %s: %s", sub, cs_whyf(r));
			goto out;
		}
		if (ctl_user_leave(c, st, u, &k, o->newreg, sub) != 0 ||
		    ctl_user_revoke(c, st, u, sub) != 0)
			goto out;
		if ((r = store_user_set_state(st, u->id, k.reg_only ?
		    STORE_USER_DISABLED : STORE_USER_REMOVED,
		    time_now())) != 0) {
			ctl_errx("user %s: %s", sub, cs_whyf(r));
			goto out;
		}
		printf("user %s %s\n", u->name, k.reg_only ? "disabled" :
		    "removed");
		if (k.reg_only)
			type = "admin_user_disable";
		else {
			type = "admin_user_remove";
			del = 1;
		}
		(void)str_fmt(detail, sizeof(detail), "cases_left=%zu%s%s",
		    k.n, o->newreg != NULL ? " new_regisseur=" : "",
		    o->newreg != NULL ? o->newreg : "");
	} else if (strcmp(sub, "move") == 0) {
		if (strcmp(o->office, u->office) == 0) {
			ctl_errx("user move: %s is in office %s already",
			    u->name, u->office);
			goto out;
		}
		k.office = u->office;
		if ((r = store_user_cases(st, u->id, ctl_ucase_add,
		    &k)) != 0) {
			ctl_errx("user move: %s", cs_whyf(r));
			goto out;
		}
		if (ctl_user_leave(c, st, u, &k, o->newreg, sub) != 0)
			goto out;
		if ((r = store_user_set_office(st, u->id, o->office)) != 0) {
			ctl_errx("user move: %s", r == CS_ERR_NOT_FOUND ?
			    "no such office (see casesyncctl office list)" :
			    cs_whyf(r));
			goto out;
		}
		printf("user %s moved from %s to %s\n", u->name, u->office,
		    o->office);
		type = "admin_user_move";
		(void)str_fmt(detail, sizeof(detail), "from=%s to=%s "
		    "cases_left=%zu", u->office, o->office, k.n);
	} else if (strcmp(sub, "role") == 0) {
		if ((r = store_user_set_role(st, u->id, o->role,
		    &why)) != 0) {
			ctl_errx("user role: %s", why != NULL ? why :
			    r == CS_ERR_FORMAT ? "invalid role (one of "
			    "jeugdbeschermer, gedragswetenschapper, "
			    "teamleider, auditor, beheerder)" : cs_whyf(r));
			goto out;
		}
		printf("user %s: role %s (was %s)\n", u->name, o->role,
		    u->role);
		type = "admin_user_role";
		(void)str_fmt(detail, sizeof(detail), "from=%s to=%s",
		    u->role, o->role);
	} else {
		if ((r = store_user_rename(st, u->id, o->to)) != 0) {
			ctl_errx("user rename: %s", r == CS_ERR_EXISTS ?
			    "that name is taken" : r == CS_ERR_FORMAT ?
			    "invalid name" : cs_whyf(r));
			goto out;
		}
		printf("user %s renamed to %s\n", u->name, o->to);
		type = "admin_user_rename";
		(void)str_fmt(detail, sizeof(detail), "from=%s to=%s",
		    u->name, o->to);
	}
	rv = ctl_audit_admin(c, st, type, del ? AUDIT_DELETE : AUDIT_UPDATE,
	    "user", u->name, detail);
 out:
	free(k.v);
	return rv;
}

int
ctl_user_admin(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "new-regisseur", required_argument,	NULL, 'n' },
		{ "office",	required_argument,	NULL, 'o' },
		{ "role",	required_argument,	NULL, 'r' },
		{ "to",		required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	/* the options each subcommand takes, by their letters */
	static const struct {
		const char	*sub, *opts, *need;
	} subs[] = {
		{ "disable", "n", "" },
		{ "enable", "", "" },
		{ "move", "no", "o" },
		{ "role", "r", "r" },
		{ "rename", "t", "t" },
		{ "remove", "n", "" },
	};
	struct ctl_user_opts	 o;
	struct store		*st = NULL;
	struct store_user	 u;
	const char		*sub = argv[0], *p;
	char			 seen[8] = "";
	size_t			 i, ns = 0;
	int			 ch, r, rv = CTL_EXIT_USAGE;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].sub, sub) == 0)
			break;
	if (i == sizeof(subs) / sizeof(subs[0])) {
		ctl_errx("user: unknown subcommand: %s", sub);
		ctl_usage("user", 1);
		return CTL_EXIT_USAGE;
	}
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == '?')
			return clihelp_opterr(argv);
		if (ch == 'h') {
			ctl_usage("user", 0);
			return CTL_EXIT_OK;
		}
		if (ch == '?' || strchr(subs[i].opts, ch) == NULL) {
			if (ch != '?')
				ctl_errx("user %s: option not taken here: %s",
				    sub, argv[optind - 1]);
			ctl_usage("user", 1);
			return CTL_EXIT_USAGE;
		}
		if (ns + 1 < sizeof(seen))
			seen[ns++] = (char)ch;
		if (ch == 'n')
			o.newreg = optarg;
		else if (ch == 'o')
			o.office = optarg;
		else if (ch == 'r')
			o.role = optarg;
		else
			o.to = optarg;
	}
	for (p = subs[i].need; *p != '\0'; p++)
		if (memchr(seen, *p, ns) == NULL) {
			ctl_errx("user %s: --%s is required", sub, *p == 'o' ?
			    "office" : *p == 'r' ? "role" : "to");
			return CTL_EXIT_USAGE;
		}
	if (argc - optind != 1) {
		ctl_errx("user %s: exactly one NAME expected", sub);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		return rv;
	rv = CTL_EXIT_FAIL;
	if ((r = store_user_get(st, argv[optind], &u)) != 0) {
		ctl_errx("user %s: %s", sub, r == CS_ERR_NOT_FOUND ?
		    "no such user (see casesyncctl user list)" : cs_whyf(r));
		goto out;
	}
	if (u.state == STORE_USER_REMOVED) {
		ctl_errx("user %s: %s was removed", sub, u.name);
		goto out;
	}
	rv = ctl_user_do(c, st, sub, &u, &o);
 out:
	store_close(st);
	return rv;
}
