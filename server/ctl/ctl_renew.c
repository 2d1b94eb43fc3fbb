/* SPDX-License-Identifier: ISC */
/*
 * ctl_renew.c - `casesyncctl renew-token`, `casesyncctl device show`
 * and `casesyncctl server-cert`: certificates that run out.
 *
 * A laptop renews its own certificate at a sync (docs/ADMIN.md,
 * "Certificates and their lifetimes"); one that was offline past the
 * end needs a renewal token, bound to its device, which `casesync
 * enroll --renew` spends.  The server certificate is renewed here with
 * a new key, for the same name, by the same CA: the laptops pin the
 * CA, so they accept it without doing anything.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "audit.h"
#include "buf.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "pki.h"
#include "store.h"
#include "store_renew.h"
#include "token.h"
#include "util.h"

#define CTL_RENEW_TTL_DEFAULT	((uint64_t)24 * 3600)
#define CTL_RENEW_TTL_MAX	((uint64_t)30 * 86400)
#define CTL_SRV_DAYS_MAX	825	/* what TLS clients still accept */

struct ctl_renew_arg {
	int64_t	device_id;
	int64_t	expires;
};

static int
ctl_renew_add(struct store *st, const uint8_t *id, const uint8_t *hash,
    void *arg)
{
	const struct ctl_renew_arg	*a = arg;

	return store_renew_token_add(st, id, hash, a->device_id, a->expires);
}

int
ctl_renew_device(struct store *st, const char *arg, const char *what,
    struct store_device *dev)
{
	uint64_t	id;
	int		r;

	if (parse_u64(arg, 1, INT64_MAX, &id) != 0) {
		ctl_errx("%s: invalid device id: %s", what, arg);
		return CTL_EXIT_USAGE;
	}
	if ((r = store_device_get(st, (int64_t)id, dev)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			ctl_errx("%s: no device with id %llu (see casesyncctl "
			    "device list)", what, (unsigned long long)id);
		else
			ctl_errx("%s: %s", what, cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int
ctl_renew_token(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "device",	required_argument,	NULL, 'd' },
		{ "ttl",	required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct store		*st = NULL;
	struct store_device	 dev;
	struct ctl_renew_arg	 a;
	struct audit_entry	 e;
	const char		*device = NULL, *ttlarg = NULL;
	uint64_t		 ttl = CTL_RENEW_TTL_DEFAULT;
	char			 when[32], id[24];
	int			 ch, rv = CTL_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			device = optarg;
			break;
		case 't':
			ttlarg = optarg;
			break;
		case 'h':
			ctl_usage("renew-token", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || device == NULL) {
		ctl_errx("renew-token: --device ID is required");
		ctl_usage("renew-token", 1);
		return CTL_EXIT_USAGE;
	}
	if (ttlarg != NULL && parse_duration(ttlarg, CTL_RENEW_TTL_MAX,
	    &ttl) != 0) {
		ctl_errx("renew-token: invalid --ttl (e.g. 30m, 24h, 7d; at "
		    "most 30d)");
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	if ((rv = ctl_renew_device(st, device, "renew-token", &dev)) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	audit_entry_init(&e, "renew_token", AUDIT_EXECUTE, !dev.revoked);
	audit_set(e.object_type, "device");
	(void)str_fmt(id, sizeof(id), "%lld", (long long)dev.id);
	audit_set(e.object_id, id);
	e.device_id = dev.id;
	/* a revoked device stays revoked: it is enrolled anew, or not */
	if (dev.revoked) {
		ctl_errx("renew-token: device %lld has been revoked and cannot "
		    "renew; enroll the laptop again (casesyncctl enroll-token)",
		    (long long)dev.id);
		(void)str_fmt(e.detail, sizeof(e.detail), "owner=%s refused: "
		    "device revoked", dev.user.name);
		(void)ctl_audit_record(c, st, &e, 0);
		goto out;
	}
	a.device_id = dev.id;
	a.expires = time_now() + (int64_t)ttl;
	if (ctl_token_issue(st, ctl_renew_add, &a, "renew-token") != 0)
		goto out;
	ctl_time_iso(when, sizeof(when), a.expires);
	printf("device %lld (%s, of %s)\n", (long long)dev.id, dev.name,
	    dev.user.name);
	printf("expires %s\n", when);
	printf("on the laptop: casesync enroll --renew --token TOKEN\n");
	(void)str_fmt(e.detail, sizeof(e.detail), "owner=%s expires=%s",
	    dev.user.name, when);
	rv = ctl_audit_record(c, st, &e, 1);
 out:
	store_close(st);
	return rv;
}

static int
ctl_pending_print(const struct store_renew_pending *p, void *arg)
{
	char	hex[2 * PKI_HASH_LEN + 1], when[32];
	int	*n = arg;

	hex_encode(hex, p->keyhash, sizeof(p->keyhash));
	ctl_time_iso(when, sizeof(when), p->cert_not_after);
	printf("pending-key  sha256 %s (certificate until %s, not "
	    "confirmed yet)\n", hex, when);
	(*n)++;
	return 0;
}

int
ctl_device_show(struct store *st, const char *arg)
{
	struct store_device		dev;
	char				hex[2 * PKI_HASH_LEN + 1], when[32];
	int				r, rv, n = 0;

	if ((rv = ctl_renew_device(st, arg, "device show", &dev)) != 0)
		return rv;
	printf("id           %lld\n", (long long)dev.id);
	printf("name         %s\n", dev.name);
	printf("user         %s (%s, %s)\n", dev.user.name, dev.user.role,
	    dev.user.office);
	printf("state        %s\n", dev.revoked ? "revoked" : "active");
	ctl_time_iso(when, sizeof(when), dev.cert_not_after);
	printf("cert-expires %s\n", when);
	hex_encode(hex, dev.keyhash, sizeof(dev.keyhash));
	printf("key          sha256 %s\n", hex);
	if ((r = store_renew_pending_list(st, dev.id, ctl_pending_print,
	    &n)) != 0) {
		ctl_errx("device show: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if (n == 0)
		printf("pending-key  none\n");
	return CTL_EXIT_OK;
}

/* ---- server-cert ---- */

static int
ctl_load(const char *dir, const char *file, struct buf **b)
{
	char	path[CTL_PATH_MAX];
	int	r;

	*b = NULL;
	if (ctl_path(path, sizeof(path), dir, file) != 0)
		return CTL_EXIT_FAIL;
	if ((r = file_read(path, PKI_PEM_MAX, b)) != 0) {
		ctl_errx("%s: %s", path, cs_why(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int
ctl_load_cert(const char *dir, const char *file, X509 **x)
{
	struct buf	*b = NULL;
	int		 rv;

	*x = NULL;
	if ((rv = ctl_load(dir, file, &b)) != 0)
		return rv;
	if (pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b), x) != 0) {
		ctl_errx("%s/%s: not a certificate", dir, file);
		rv = CTL_EXIT_FAIL;
	}
	buf_free(b);
	return rv;
}

static int
ctl_load_key(const char *dir, const char *file, EVP_PKEY **k)
{
	struct buf	*b = NULL;
	int		 rv;

	*k = NULL;
	if ((rv = ctl_load(dir, file, &b)) != 0)
		return rv;
	if (pki_key_from_pem((const char *)buf_ptr(b), buf_len(b), k) != 0) {
		ctl_errx("%s/%s: not a private key", dir, file);
		rv = CTL_EXIT_FAIL;
	}
	buf_free_wipe(b);
	return rv;
}

/* The server name: the CN pki_cert_issue() gave the certificate. */
static int
ctl_cert_name(X509 *x, char *name, size_t len)
{
	int	n;

	n = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, name, (int)len);
	if (n <= 0 || (size_t)n >= len || strlen(name) != (size_t)n) {
		ctl_errx("server.crt: no usable server name (CN)");
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int
ctl_write_pem(const char *dir, const char *file, const char *pem,
    size_t len, int mode)
{
	char	path[CTL_PATH_MAX];
	int	r;

	if (ctl_path(path, sizeof(path), dir, file) != 0)
		return CTL_EXIT_FAIL;
	if ((r = file_write_atomic(path, pem, len, mode, 0)) != 0) {
		ctl_errx("%s: %s%s%s", path, cs_why(r),
		    r == CS_ERR_SYSTEM ? ": " : "",
		    r == CS_ERR_SYSTEM ? strerror(errno) : "");
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int
ctl_server_cert_show(struct ctl *c, int json)
{
	X509	*srv = NULL, *ca = NULL;
	int64_t	 t, ca_end = 0;
	char	 name[128], when[32];
	int	 rv;

	if ((rv = ctl_load_cert(c->dir, CTL_FILE_SRV_CRT, &srv)) != 0 ||
	    (rv = ctl_load_cert(c->dir, CTL_FILE_CA_CRT, &ca)) != 0 ||
	    (rv = ctl_cert_name(srv, name, sizeof(name))) != 0)
		goto out;
	if (json) {
		if (pki_cert_not_after(srv, &t) != 0)
			t = 0;
		if (pki_cert_not_after(ca, &ca_end) != 0)
			ca_end = 0;
		rv = ctl_json_server_cert(name, t, ca_end);
		goto out;
	}
	printf("server-name %s\n", name);
	if (pki_cert_not_after(srv, &t) == 0) {
		ctl_time_iso(when, sizeof(when), t);
		printf("server-certificate-valid-until %s\n", when);
	}
	if (pki_cert_not_after(ca, &t) == 0) {
		ctl_time_iso(when, sizeof(when), t);
		printf("ca-valid-until %s\n", when);
	}
 out:
	X509_free(srv);
	X509_free(ca);
	return rv;
}

/*
 * A new key and certificate for the same name from the same CA.  The
 * key is written before the certificate: interrupted in between, the
 * pair does not match and casesyncd refuses to start, which running
 * this again repairs.  casesyncd reads them at its start.
 */
static int
ctl_server_cert_renew(struct ctl *c, uint64_t days)
{
	struct store		*st = NULL;
	struct audit_entry	 e;
	EVP_PKEY		*cakey = NULL, *key = NULL;
	X509			*ca = NULL, *old = NULL, *srv = NULL;
	char			*kpem = NULL, *cpem = NULL;
	char			 name[128], when[32];
	size_t			 klen, clen;
	int64_t			 t;
	int			 rv;

	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	if ((rv = ctl_load_cert(c->dir, CTL_FILE_CA_CRT, &ca)) != 0 ||
	    (rv = ctl_load_key(c->dir, CTL_FILE_CA_KEY, &cakey)) != 0 ||
	    (rv = ctl_load_cert(c->dir, CTL_FILE_SRV_CRT, &old)) != 0 ||
	    (rv = ctl_cert_name(old, name, sizeof(name))) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	if (pki_key_new(&key) != 0 || pki_cert_issue(ca, cakey, key, name,
	    name, (int64_t)days * 86400, &srv) != 0 ||
	    pki_cert_not_after(srv, &t) != 0 ||
	    pki_key_to_pem(key, &kpem, &klen) != 0 ||
	    pki_cert_to_pem(srv, &cpem, &clen) != 0) {
		ctl_errx("server-cert renew: cannot make the key and "
		    "certificate (has the CA expired?)");
		goto out;
	}
	if (ctl_write_pem(c->dir, CTL_FILE_SRV_KEY, kpem, klen, 0600) != 0 ||
	    ctl_write_pem(c->dir, CTL_FILE_SRV_CRT, cpem, clen, 0644) != 0)
		goto out;
	ctl_time_iso(when, sizeof(when), t);
	printf("server certificate renewed for %s: valid until %s\n", name,
	    when);
	printf("restart casesyncd to use it; laptops need nothing (they "
	    "trust the CA, not this certificate)\n");
	audit_entry_init(&e, "server_cert_renew", AUDIT_EXECUTE, 1);
	audit_set(e.object_type, "server certificate");
	audit_set(e.object_id, name);
	(void)str_fmt(e.detail, sizeof(e.detail), "new key; valid until %s",
	    when);
	rv = ctl_audit_record(c, st, &e, 1);
 out:
	pki_pem_free(kpem);
	free(cpem);
	X509_free(srv);
	X509_free(old);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	store_close(st);
	return rv;
}

int
ctl_server_cert(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "days",	required_argument,	NULL, 'd' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char	*sub;
	uint64_t	 days = CTL_SRV_DAYS;
	int		 ch, have_days = 0, json = 0;

	if (argc < 2) {
		ctl_errx("server-cert: missing subcommand");
		ctl_usage("server-cert", 1);
		return CTL_EXIT_USAGE;
	}
	sub = argv[1];
	argc--;
	argv++;
	if (strcmp(sub, "show") == 0)
		json = ctl_json_opt(&argc, argv);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (parse_u64(optarg, 1, CTL_SRV_DAYS_MAX, &days) !=
			    0) {
				ctl_errx("server-cert: --days is 1..%d",
				    CTL_SRV_DAYS_MAX);
				return CTL_EXIT_USAGE;
			}
			have_days = 1;
			break;
		case 'h':
			ctl_usage("server-cert", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("server-cert: unexpected argument: %s", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if (c->dir == NULL) {
		ctl_errx("no deployment directory: use --dir or set "
		    "CASESYNC_DIR");
		return CTL_EXIT_USAGE;
	}
	if (strcmp(sub, "renew") == 0)
		return ctl_server_cert_renew(c, days);
	if (strcmp(sub, "show") == 0 && !have_days)
		return ctl_server_cert_show(c, json);
	ctl_errx("server-cert: expected \"renew [--days N]\" or \"show\"");
	ctl_usage("server-cert", 1);
	return CTL_EXIT_USAGE;
}
