/* SPDX-License-Identifier: ISC */
/*
 * cmd_server.c - "casesync server show" and "casesync server set
 * HOST:PORT...": the addresses this laptop reaches the server by, in
 * the vault (identity.h).  The server's Welcome keeps the list up to
 * date (srvaddr.h); "set" is for when the beheerder says where the
 * service moved and the laptop cannot reach it to hear it.  Neither
 * changes the server name checked in the certificate: that stays the
 * enrolled one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd_server.h"
#include "errors.h"
#include "identity.h"
#include "json.h"
#include "util.h"
#include "vault.h"
#include "netaddr.h"

static const char server_usage[] =
    "usage: casesync server show [--json]\n"
    "       casesync server set HOST:PORT [HOST:PORT ...]\n";

static int
server_show(const struct cli *cli, const struct identity *id)
{
	struct json	j;
	size_t		i;

	if (cli->json) {
		/* the one writer (common/json.c); docs/json-schemas.json */
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "server", id->server);
		json_kv_str(&j, "server_name", id->server_name);
		json_key(&j, "addresses");
		json_arr_begin(&j);
		for (i = 0; i < id->naddrs; i++)
			json_str(&j, id->addrs[i]);
		json_arr_end(&j);
		json_key(&j, "last_worked");
		if (id->last[0] != '\0')
			json_str(&j, id->last);
		else
			json_null(&j);
		json_obj_end(&j);
		return json_end(&j);
	}
	printf("server name: %s (checked in its certificate at every "
	    "address)\n", id->server_name);
	for (i = 0; i < id->naddrs; i++)
		printf("%s%s%s\n", i == 0 ? "addresses:   " : "             ",
		    id->addrs[i], strcmp(id->addrs[i], id->last) == 0 ?
		    "   (worked last: tried first)" : "");
	return 0;
}

/* Each argument an address (netaddr.h), at most 8, none twice. */
static int
server_args_ok(int argc, char *argv[])
{
	char	vis[64];
	int	i;

	if (argc < 1) {
		fputs(server_usage, stderr);
		return CS_ERR_USAGE;
	}
	if (argc > NETADDR_LIST_MAX) {
		cli_errx("server set: at most %d addresses", NETADDR_LIST_MAX);
		return CS_ERR_USAGE;
	}
	for (i = 0; i < argc; i++)
		if (!netaddr_ok(argv[i])) {
			cli_errx("server set: \"%s\" is not HOST:PORT (a DNS "
			    "name, an IPv4 address or [IPv6], and a port "
			    "1..65535)", str_vis(vis, sizeof(vis), argv[i],
			    strlen(argv[i])));
			return CS_ERR_USAGE;
		}
	if (!netaddr_list_ok((const char *const *)argv, (size_t)argc)) {
		cli_errx("server set: an address is listed twice");
		return CS_ERR_USAGE;
	}
	return 0;
}

int
cmd_server(struct cli *cli, int argc, char *argv[])
{
	struct identity	 id;
	struct vault	*v = NULL;
	int		 r, set;

	if (argc >= 2 && strcmp(argv[1], "show") == 0) {
		set = 0;
		if (argc == 3 && strcmp(argv[2], "--json") == 0)
			cli->json = 1;
		else if (argc != 2) {
			fputs(server_usage, stderr);
			return EXIT_USAGE;
		}
	} else if (argc >= 2 && strcmp(argv[1], "set") == 0) {
		set = 1;
		/* before the passphrase: a typo costs nothing */
		if ((r = server_args_ok(argc - 2, argv + 2)) != 0)
			return cli_exit(r);
	} else {
		fputs(server_usage, stderr);
		return EXIT_USAGE;
	}
	memset(&id, 0, sizeof(id));
	if ((r = cli_vault_open(cli, 0, &v)) != 0)
		return cli_exit(r);
	if ((r = identity_load(v, &id)) != 0) {
		r = vault_err(v, r);
		if (r == CS_ERR_NOT_FOUND) {
			cli_errx("this laptop is not enrolled");
			vault_close(v);
			return EXIT_NOT_ENROLLED;
		}
		cli_errx("cannot read this laptop's identity: %s", cs_err(r));
		goto out;
	}
	if (set) {
		if ((r = identity_set_addrs(v, &id,
		    (const char *const *)(argv + 2), (size_t)(argc - 2))) !=
		    0) {
			r = vault_err(v, r);
			cli_errx("cannot store the addresses: %s", cs_err(r));
			goto out;
		}
		if (!cli->json)
			printf("this laptop now reaches the server at, in "
			    "this order:\n");
	}
	r = server_show(cli, &id);
 out:
	identity_clear(&id);
	vault_close(v);
	return cli_exit(r);
}
