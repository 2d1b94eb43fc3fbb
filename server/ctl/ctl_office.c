/* SPDX-License-Identifier: ISC */
/*
 * ctl_office.c - `casesyncctl office ...` and `casesyncctl user ...`:
 * add and list the regional offices and the people who work for them.
 * Names are validated here for a clear message and again by the store.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "store.h"
#include "util.h"

/* A sub-subcommand ("add", "list") with its own options after it. */
static int
ctl_sub(int argc, char **argv, const char *group, const char **sub)
{
	*sub = NULL;
	if (argc < 2) {
		ctl_errx("%s: missing subcommand", group);
		ctl_usage(group, 1);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		ctl_usage(group, 0);
		return CTL_EXIT_OK;
	}
	*sub = argv[1];
	return CTL_EXIT_OK;
}

static int
ctl_office_print(int64_t id, const char *name, const char *region,
    void *arg)
{
	(void)arg;
	printf("%-6lld %-32s %s\n", (long long)id, name,
	    region != NULL ? region : "-");
	return 0;
}

static int
ctl_office_add(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "region",	required_argument,	NULL, 'r' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct store	*st = NULL;
	const char	*region = NULL, *name;
	char		 detail[AUDIT_STR_MAX + 1];
	int64_t		 id;
	int		 ch, r, rv = CTL_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			region = optarg;
			break;
		case 'h':
			ctl_usage("office", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (argc - optind != 1) {
		ctl_errx("office add: exactly one NAME expected");
		goto out;
	}
	name = argv[optind];
	if (!store_name_valid(name) ||
	    (region != NULL && !store_name_valid(region))) {
		ctl_errx("office add: names are 1..%d bytes of UTF-8 without "
		    "control characters", STORE_NAME_MAX);
		goto out;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	if ((r = store_office_add(st, name, region, &id)) != 0) {
		if (r == CS_ERR_EXISTS)
			ctl_errx("office \"%s\" already exists", name);
		else
			ctl_errx("office add: %s", cs_whyf(r));
		goto out;
	}
	printf("office %lld added: %s\n", (long long)id, name);
	(void)str_fmt(detail, sizeof(detail), "id=%lld region=%s",
	    (long long)id, region != NULL ? region : "");
	rv = ctl_audit_admin(c, st, "admin_office_add", AUDIT_CREATE,
	    "office", name, detail);
 out:
	store_close(st);
	return rv;
}

static int
ctl_list_args(int argc, char **argv, const char *group)
{
	static const struct option	 opts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	int	ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == '?')
			return clihelp_opterr(argv);
		if (ch == 'h') {
			ctl_usage(group, 0);
			return -1;
		}
		ctl_usage(group, 1);
		return CTL_EXIT_USAGE;
	}
	if (optind != argc) {
		ctl_errx("%s list: unexpected argument: %s", group,
		    argv[optind]);
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

int
ctl_office(struct ctl *c, int argc, char **argv)
{
	struct store	*st = NULL;
	const char	*sub;
	int		 r, rv, json;

	if ((rv = ctl_sub(argc, argv, "office", &sub)) != 0 || sub == NULL)
		return rv;
	if (strcmp(sub, "add") == 0)
		return ctl_office_add(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") != 0) {
		ctl_errx("office: unknown subcommand: %s", sub);
		ctl_usage("office", 1);
		return CTL_EXIT_USAGE;
	}
	json = ctl_json_opt(&argc, argv);
	if ((rv = ctl_list_args(argc - 1, argv + 1, "office")) != 0)
		return rv == -1 ? CTL_EXIT_OK : rv;
	if ((rv = ctl_store_open(c, &st)) != 0)
		return rv;
	if (json) {
		rv = ctl_json_office_list(st);
		store_close(st);
		return rv;
	}
	printf("%-6s %-32s %s\n", "ID", "NAME", "REGION");
	if ((r = store_office_list(st, ctl_office_print, NULL)) != 0) {
		ctl_errx("office list: %s", cs_whyf(r));
		rv = CTL_EXIT_FAIL;
	}
	store_close(st);
	return rv;
}

static int
ctl_user_print(const struct store_user *u, void *arg)
{
	(void)arg;
	printf("%-6lld %-32s %-22s %-9s %s\n", (long long)u->id, u->name,
	    u->role, store_user_state_name(u->state), u->office);
	return 0;
}

static int
ctl_user_add(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "name",	required_argument,	NULL, 'n' },
		{ "role",	required_argument,	NULL, 'r' },
		{ "office",	required_argument,	NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct store	*st = NULL;
	const char	*name = NULL, *role = NULL, *office = NULL;
	char		 detail[AUDIT_STR_MAX + 1];
	int64_t		 id;
	int		 ch, r, rv = CTL_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'o':
			office = optarg;
			break;
		case 'h':
			ctl_usage("user", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("user add: unexpected argument: %s", argv[optind]);
		goto out;
	}
	if (name == NULL || role == NULL || office == NULL) {
		ctl_errx("user add: --name, --role and --office are required");
		goto out;
	}
	if (!store_name_valid(name) || !store_name_valid(office)) {
		ctl_errx("user add: names are 1..%d bytes of UTF-8 without "
		    "control characters", STORE_NAME_MAX);
		goto out;
	}
	if (!store_role_valid(role)) {
		ctl_errx("user add: invalid role \"%s\" (one of "
		    "jeugdbeschermer, gedragswetenschapper, teamleider, "
		    "auditor, beheerder)", role);
		goto out;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	if ((r = store_user_add(st, name, role, office, &id)) != 0) {
		if (r == CS_ERR_EXISTS)
			ctl_errx("user \"%s\" already exists", name);
		else if (r == CS_ERR_NOT_FOUND)
			ctl_errx("no office \"%s\" (see casesyncctl office "
			    "list)", office);
		else
			ctl_errx("user add: %s", cs_whyf(r));
		goto out;
	}
	printf("user %lld added: %s (%s, %s)\n", (long long)id, name, role,
	    office);
	(void)str_fmt(detail, sizeof(detail), "id=%lld role=%s office=%s",
	    (long long)id, role, office);
	rv = ctl_audit_admin(c, st, "admin_user_add", AUDIT_CREATE, "user",
	    name, detail);
 out:
	store_close(st);
	return rv;
}

int
ctl_user(struct ctl *c, int argc, char **argv)
{
	struct store	*st = NULL;
	const char	*sub;
	int		 r, rv, json;

	if ((rv = ctl_sub(argc, argv, "user", &sub)) != 0 || sub == NULL)
		return rv;
	if (strcmp(sub, "add") == 0)
		return ctl_user_add(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") != 0)
		return ctl_user_admin(c, argc - 1, argv + 1);
	json = ctl_json_opt(&argc, argv);
	if ((rv = ctl_list_args(argc - 1, argv + 1, "user")) != 0)
		return rv == -1 ? CTL_EXIT_OK : rv;
	if ((rv = ctl_store_open(c, &st)) != 0)
		return rv;
	if (json) {
		rv = ctl_json_user_list(st);
		store_close(st);
		return rv;
	}
	printf("%-6s %-32s %-22s %-9s %s\n", "ID", "NAME", "ROLE", "STATE",
	    "OFFICE");
	if ((r = store_user_list(st, ctl_user_print, NULL)) != 0) {
		ctl_errx("user list: %s", cs_whyf(r));
		rv = CTL_EXIT_FAIL;
	}
	store_close(st);
	return rv;
}
