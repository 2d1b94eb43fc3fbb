/* SPDX-License-Identifier: ISC */
/*
 * ctl_device.c - `casesyncctl enroll-token` and `casesyncctl device
 * ...`: issue one-time enrollment tokens for a user's new laptop, list
 * enrolled devices and revoke them.  The token's secret exists only in
 * sodium_malloc'd memory, reaches the terminal through one write(2)
 * (not through stdio's buffer) and is wiped right after; the database
 * keeps only its keyed hash.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <openssl/x509.h>

#include "audit.h"
#include "buf.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "pki.h"
#include "store.h"
#include "token.h"
#include "util.h"

#define CTL_TTL_DEFAULT		((uint64_t)24 * 3600)
#define CTL_TTL_MAX		((uint64_t)30 * 86400)

/* Secret material, kept together in guarded memory. */
struct ctl_secret {
	struct token	tok;
	char		line[sizeof("token ") + TOKEN_STR_LEN + 1];
	char		str[TOKEN_STR_LEN + 1];
};

/* SHA-256 of ca.crt's DER, as the client pins it, in lowercase hex. */
static int
ctl_ca_fingerprint(const char *dir, char hex[2 * PKI_HASH_LEN + 1])
{
	struct buf	*b = NULL;
	X509		*ca = NULL;
	uint8_t		 fp[PKI_HASH_LEN];
	char		 path[CTL_PATH_MAX];
	int		 r, rv = CTL_EXIT_FAIL;

	hex[0] = '\0';
	if (ctl_path(path, sizeof(path), dir, CTL_FILE_CA_CRT) != 0)
		goto out;
	if ((r = file_read(path, PKI_PEM_MAX, &b)) != 0) {
		ctl_errx("%s: %s", path, cs_why(r));
		goto out;
	}
	if (pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b),
	    &ca) != 0 || pki_cert_fingerprint(ca, fp) != 0) {
		ctl_errx("%s: not a valid certificate", path);
		goto out;
	}
	hex_encode(hex, fp, sizeof(fp));
	rv = CTL_EXIT_OK;
 out:
	X509_free(ca);
	buf_free(b);
	return rv;
}

/* All of "len" bytes to stdout, bypassing stdio. */
static int
ctl_write_all(const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(STDOUT_FILENO, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctl_token_issue(struct store *st, ctl_token_add_fn add, void *arg,
    const char *what)
{
	struct ctl_secret	*sec = NULL;
	uint8_t			 hash[TOKEN_HASH_LEN];
	int			 r, rv = CTL_EXIT_FAIL;

	if ((sec = sodium_malloc(sizeof(*sec))) == NULL) {
		ctl_errx("%s: out of memory", what);
		goto out;
	}
	token_new(&sec->tok, sec->str);
	token_hash(&sec->tok, hash);
	if ((r = add(st, sec->tok.id, hash, arg)) != 0) {
		ctl_errx("%s: %s", what, cs_whyf(r));
		goto out;
	}
	if (str_fmt(sec->line, sizeof(sec->line), "token %s\n",
	    sec->str) != 0 || fflush(stdout) == EOF ||
	    ctl_write_all(sec->line, strlen(sec->line)) != 0) {
		ctl_errx("%s: cannot write the token: %s", what,
		    strerror(errno));
		goto out;
	}
	rv = CTL_EXIT_OK;
 out:
	if (sec != NULL)
		sodium_free(sec);	/* wipes the token */
	sodium_memzero(hash, sizeof(hash));
	return rv;
}

/* What store_token_add needs besides the token. */
struct ctl_enroll_arg {
	struct ctl	*c;
	int64_t		 user_id;
	const char	*user;
	const char	*device;
	int64_t		 expires;
};

/*
 * Store the token, then audit its issue (admin_token_issue): durable
 * before the token is shown, so there is no token without its entry.
 */
static int
ctl_enroll_add(struct store *st, const uint8_t id[TOKEN_ID_LEN],
    const uint8_t hash[TOKEN_HASH_LEN], void *arg)
{
	const struct ctl_enroll_arg	*a = arg;
	char				 idhex[2 * TOKEN_ID_LEN + 1];
	char				 when[32], detail[AUDIT_STR_MAX + 1];
	int				 r;

	if ((r = store_token_add(st, id, hash, a->user_id, a->device,
	    a->expires)) != 0)
		return r;
	hex_encode(idhex, id, TOKEN_ID_LEN);
	ctl_time_iso(when, sizeof(when), a->expires);
	(void)str_fmt(detail, sizeof(detail), "user=%s device=%s expires=%s",
	    a->user, a->device, when);
	if (ctl_audit_admin(a->c, st, "admin_token_issue", AUDIT_CREATE,
	    "enrollment token", idhex, detail) != CTL_EXIT_OK)
		return CS_ERR_DB;
	return 0;
}

int
ctl_enroll_token(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "user",	required_argument,	NULL, 'u' },
		{ "device",	required_argument,	NULL, 'd' },
		{ "ttl",	required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct store		*st = NULL;
	struct store_user	 u;
	struct ctl_enroll_arg	 a;
	const char		*user = NULL, *device = NULL, *ttlarg = NULL;
	char			 fphex[2 * PKI_HASH_LEN + 1], when[32];
	uint64_t		 ttl = CTL_TTL_DEFAULT;
	int			 ch, r, rv = CTL_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			user = optarg;
			break;
		case 'd':
			device = optarg;
			break;
		case 't':
			ttlarg = optarg;
			break;
		case 'h':
			ctl_usage("enroll-token", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("enroll-token: unexpected argument: %s",
		    argv[optind]);
		goto out;
	}
	if (user == NULL || device == NULL) {
		ctl_errx("enroll-token: --user and --device are required");
		goto out;
	}
	if (!store_name_valid(device)) {
		ctl_errx("enroll-token: device names are 1..%d bytes of "
		    "UTF-8 without control characters", STORE_NAME_MAX);
		goto out;
	}
	if (ttlarg != NULL && parse_duration(ttlarg, CTL_TTL_MAX,
	    &ttl) != 0) {
		ctl_errx("enroll-token: invalid --ttl (e.g. 30m, 24h, 7d; at "
		    "most 30d)");
		goto out;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	if ((r = store_user_get(st, user, &u)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			ctl_errx("no user \"%s\" (see casesyncctl user list)",
			    user);
		else
			ctl_errx("enroll-token: %s", cs_whyf(r));
		goto out;
	}
	if (u.state != STORE_USER_ACTIVE) {
		ctl_errx("enroll-token: user \"%s\" is %s", user,
		    store_user_state_name(u.state));
		goto out;
	}
	if (ctl_ca_fingerprint(c->dir, fphex) != 0)
		goto out;
	a.c = c;
	a.user_id = u.id;
	a.user = u.name;
	a.device = device;
	a.expires = time_now() + (int64_t)ttl;
	if (ctl_token_issue(st, ctl_enroll_add, &a, "enroll-token") != 0)
		goto out;
	ctl_time_iso(when, sizeof(when), a.expires);
	printf("ca-fingerprint %s\n", fphex);
	printf("expires %s\n", when);
	rv = CTL_EXIT_OK;
 out:
	store_close(st);
	return rv;
}

static int
ctl_device_print(const struct store_device *d, void *arg)
{
	struct store	*st = arg;
	char		 when[32], seen[32], addr[64];
	int64_t		 t;
	int		 r;

	ctl_time_iso(when, sizeof(when), d->cert_not_after);
	if ((r = store_device_last_seen(st, d->id, &t, addr,
	    sizeof(addr))) == 0)
		ctl_time_iso(seen, sizeof(seen), t);
	else if (r == CS_ERR_NOT_FOUND)
		(void)str_fmt(seen, sizeof(seen), "never");
	else
		return r;
	printf("%-6lld %-24s %-24s %-24s %-8s %-20s %-20s %s\n",
	    (long long)d->id, d->name, d->user.name, d->user.office,
	    d->revoked ? "revoked" : "active", when, seen,
	    addr[0] != '\0' ? addr : "-");
	return 0;
}

/* Devices named "name": how many, and the id of the last. */
struct ctl_byname {
	const char	*name;
	int64_t		 id;
	int		 n, show;
};

static int
ctl_byname_cb(const struct store_device *d, void *arg)
{
	struct ctl_byname	*k = arg;

	if (strcmp(d->name, k->name) != 0)
		return 0;
	k->n++;
	k->id = d->id;
	if (k->show)
		fprintf(stderr, "  %lld  %s of %s (%s)%s\n", (long long)d->id,
		    d->name, d->user.name, d->user.office,
		    d->revoked ? ", revoked" : "");
	return 0;
}

/*
 * "arg" is a device id or a device's name; a name that more devices
 * have lists them (CTL_EXIT_USAGE).  Writes the id to "id".
 */
static int
ctl_device_resolve(struct store *st, const char *arg, char *id, size_t len)
{
	struct ctl_byname	k;
	uint64_t		v;
	int			r;

	if (parse_u64(arg, 1, INT64_MAX, &v) == 0) {
		(void)str_fmt(id, len, "%llu", (unsigned long long)v);
		return CTL_EXIT_OK;
	}
	memset(&k, 0, sizeof(k));
	k.name = arg;
	if ((r = store_device_list(st, ctl_byname_cb, &k)) != 0) {
		ctl_errx("device revoke: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if (k.n == 0) {
		ctl_errx("device revoke: no device with id or name \"%s\"",
		    arg);
		return CTL_EXIT_FAIL;
	}
	if (k.n > 1) {
		ctl_errx("device revoke: %d devices are named \"%s\"; give "
		    "the id of one:", k.n, arg);
		k.show = 1;
		k.n = 0;
		(void)store_device_list(st, ctl_byname_cb, &k);
		return CTL_EXIT_USAGE;
	}
	(void)str_fmt(id, len, "%lld", (long long)k.id);
	return CTL_EXIT_OK;
}

static int
ctl_device_revoke(struct store *st, const char *arg)
{
	struct store_device	dev;
	uint64_t		id;
	int			r;

	if (parse_u64(arg, 1, INT64_MAX, &id) != 0) {
		ctl_errx("device revoke: invalid device id: %s", arg);
		return CTL_EXIT_USAGE;
	}
	if ((r = store_device_get(st, (int64_t)id, &dev)) == 0 &&
	    dev.revoked) {
		printf("device %llu revoked\n", (unsigned long long)id);
		return CTL_EXIT_OK;
	}
	if (r == 0)
		r = store_device_revoke(st, (int64_t)id, time_now());
	if (r == CS_ERR_NOT_FOUND) {
		ctl_errx("device revoke: no device with id %llu",
		    (unsigned long long)id);
		return CTL_EXIT_FAIL;
	}
	if (r != 0) {
		ctl_errx("device revoke: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	printf("device %llu revoked\n", (unsigned long long)id);
	return CTL_EXIT_OK;
}

int
ctl_device(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct store	*st = NULL;
	const char	*sub;
	char		 idbuf[32];
	int		 ch, r, nargs, json = 0, rv = CTL_EXIT_USAGE;

	if (argc < 2) {
		ctl_errx("device: missing subcommand");
		ctl_usage("device", 1);
		return CTL_EXIT_USAGE;
	}
	sub = argv[1];
	argc--;
	argv++;
	if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0)
		json = ctl_json_opt(&argc, argv);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == '?')
			return clihelp_opterr(argv);
		if (ch == 'h') {
			ctl_usage("device", 0);
			return CTL_EXIT_OK;
		}
		ctl_usage("device", 1);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		ctl_usage("device", 0);
		return CTL_EXIT_OK;
	}
	nargs = argc - optind;
	if (strcmp(sub, "list") == 0 && nargs == 0) {
		if ((rv = ctl_store_open(c, &st)) != 0 || json) {
			rv = rv != 0 ? rv : ctl_json_device_list(st);
			goto out;
		}
		printf("%-6s %-24s %-24s %-24s %-8s %-20s %-20s %s\n", "ID",
		    "NAME", "USER", "OFFICE", "STATE", "CERT-EXPIRES",
		    "LAST-SEEN", "ADDRESS");
		if ((r = store_device_list(st, ctl_device_print, st)) != 0) {
			ctl_errx("device list: %s", cs_whyf(r));
			rv = CTL_EXIT_FAIL;
		}
	} else if (strcmp(sub, "show") == 0 && nargs == 1) {
		if ((rv = ctl_store_open(c, &st)) != 0)
			goto out;
		rv = json ? ctl_json_device_show(st, argv[optind]) :
		    ctl_device_show(st, argv[optind]);
	} else if (strcmp(sub, "revoke") == 0 && nargs == 1) {
		if ((rv = ctl_store_open(c, &st)) != 0)
			goto out;
		if ((rv = ctl_device_resolve(st, argv[optind], idbuf,
		    sizeof(idbuf))) != CTL_EXIT_OK)
			goto out;
		rv = ctl_device_revoke(st, idbuf);
		if (rv == CTL_EXIT_OK)
			rv = ctl_audit_revoke(c, st, idbuf);
	} else {
		ctl_errx("device: expected \"list\", \"show ID\" or "
		    "\"revoke ID|NAME\"");
		ctl_usage("device", 1);
	}
 out:
	store_close(st);
	return rv;
}
