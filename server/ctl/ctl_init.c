/* SPDX-License-Identifier: ISC */
/*
 * ctl_init.c - `casesyncctl init`: create a deployment directory with
 * the CA key and certificate, the server's TLS key and certificate, an
 * empty database and casesyncd.conf.  It never overwrites: a directory
 * that already holds any deployment file is refused, every file is
 * written with file_write_atomic(..., excl=1), and on failure the
 * files this run created are removed again.
 */
#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "audit.h"
#include "clihelp.h"
#include "config.h"
#include "ctl.h"
#include "errors.h"
#include "pki.h"
#include "store.h"
#include "util.h"

#define CTL_CA_CN		"casesync deployment CA"
#define CTL_LISTEN_DEFAULT	"127.0.0.1:4433"
#define CTL_SERVER_NAME_MAX	64		/* it is also the CN */
#define CTL_LISTEN_MAX		128

static const char *const ctl_deploy_files[] = {
	CTL_FILE_CONF, CTL_FILE_CA_KEY, CTL_FILE_CA_CRT,
	CTL_FILE_SRV_KEY, CTL_FILE_SRV_CRT, CTL_FILE_DB,
	AUDIT_KEY_FILE, AUDIT_PUB_FILE,
};
#define CTL_NFILES	\
	(sizeof(ctl_deploy_files) / sizeof(ctl_deploy_files[0]))

struct ctl_init {
	const char	*dir;
	const char	*conf;		/* --config: else dir/casesyncd.conf */
	const char	*database;	/* --database postgresql:...: else NULL */
	int		 made_conf;
	char		 absdir[PATH_MAX];
	int		 made_dir;
	int		 made[CTL_NFILES];	/* as ctl_deploy_files */
};

/* A host name of letters, digits, '-' and '.', or an IP literal. */
static int
ctl_server_name_valid(const char *s)
{
	uint8_t	addr[16];
	size_t	i, len;

	if ((len = strlen(s)) == 0 || len > CTL_SERVER_NAME_MAX)
		return 0;
	if (inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1)
		return 1;
	if (s[0] == '.' || s[0] == '-' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.'))
			return 0;
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* HOST:PORT or [V6]:PORT; port 0 lets the kernel choose (tests). */
static int
ctl_listen_valid(const char *s)
{
	const char	*colon;
	uint64_t	 port;
	size_t		 i, len, hlen;

	if ((len = strlen(s)) == 0 || len > CTL_LISTEN_MAX ||
	    (colon = strrchr(s, ':')) == NULL)
		return 0;
	if (parse_u64(colon + 1, 0, 65535, &port) != 0)
		return 0;
	if ((hlen = (size_t)(colon - s)) == 0)
		return 0;
	if (s[0] == '[' && (hlen < 3 || s[hlen - 1] != ']'))
		return 0;
	for (i = 0; i < hlen; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.' || s[i] == ':' || s[i] == '[' || s[i] == ']'))
			return 0;
	return 1;
}

/* Nothing the config parser could read as a comment or line break. */
static int
ctl_conf_value_ok(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || s[len - 1] == ' ' || s[len - 1] == '\t')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '#')
			return 0;
	return 1;
}

/* Refuse a directory that holds any part of a deployment. */
static int
ctl_init_check_empty(const char *dir, const char *conf)
{
	char		path[CTL_PATH_MAX];
	struct stat	sb;
	size_t		i;

	if (conf != NULL) {
		if (lstat(conf, &sb) == 0) {
			ctl_errx("%s exists; refusing to overwrite it", conf);
			return CTL_EXIT_FAIL;
		}
		if (errno != ENOENT) {
			ctl_errx("%s: %s", conf, strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}

	for (i = 0; i < CTL_NFILES; i++) {
		if (ctl_path(path, sizeof(path), dir, ctl_deploy_files[i]) != 0)
			return CTL_EXIT_FAIL;
		if (lstat(path, &sb) == 0) {
			ctl_errx("%s already contains a deployment (%s "
			    "exists); refusing to overwrite it", dir,
			    ctl_deploy_files[i]);
			return CTL_EXIT_FAIL;
		}
		if (errno != ENOENT) {
			ctl_errx("%s: %s", path, strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}
	return CTL_EXIT_OK;
}

static int
ctl_init_mkdir(struct ctl_init *in)
{
	struct stat	sb;

	if (mkdir(in->dir, 0700) == 0)
		in->made_dir = 1;
	else if (errno != EEXIST) {
		ctl_errx("mkdir %s: %s", in->dir, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (stat(in->dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		ctl_errx("%s: not a directory", in->dir);
		return CTL_EXIT_FAIL;
	}
	/* It will hold the CA key: nobody else may look inside. */
	if ((sb.st_mode & 077) != 0 && chmod(in->dir, 0700) == -1) {
		ctl_errx("chmod %s: %s", in->dir, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (realpath(in->dir, in->absdir) == NULL) {
		ctl_errx("realpath %s: %s", in->dir, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (!ctl_conf_value_ok(in->absdir)) {
		ctl_errx("%s: the directory name must not contain control "
		    "characters, '#' or trailing blanks", in->absdir);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* Write ctl_deploy_files[idx] exclusively and remember it. */
static int
ctl_init_write(struct ctl_init *in, size_t idx, const void *p, size_t len,
    int mode)
{
	char	path[CTL_PATH_MAX];
	int	r;

	if (ctl_path(path, sizeof(path), in->absdir,
	    ctl_deploy_files[idx]) != 0)
		return CTL_EXIT_FAIL;
	if ((r = file_write_atomic(path, p, len, mode, 1)) != 0) {
		ctl_errx("%s: %s%s%s", path, cs_why(r),
		    r == CS_ERR_SYSTEM ? ": " : "",
		    r == CS_ERR_SYSTEM ? strerror(errno) : "");
		return CTL_EXIT_FAIL;
	}
	in->made[idx] = 1;
	return CTL_EXIT_OK;
}

static int
ctl_init_write_key(struct ctl_init *in, size_t idx, EVP_PKEY *key)
{
	char	*pem = NULL;
	size_t	 len;
	int	 rv = CTL_EXIT_FAIL;

	if (pki_key_to_pem(key, &pem, &len) != 0) {
		ctl_errx("cannot encode %s", ctl_deploy_files[idx]);
		goto out;
	}
	rv = ctl_init_write(in, idx, pem, len, 0600);
 out:
	pki_pem_free(pem);
	return rv;
}

static int
ctl_init_write_cert(struct ctl_init *in, size_t idx, X509 *cert)
{
	char	*pem = NULL;
	size_t	 len;
	int	 rv = CTL_EXIT_FAIL;

	if (pki_cert_to_pem(cert, &pem, &len) != 0) {
		ctl_errx("cannot encode %s", ctl_deploy_files[idx]);
		goto out;
	}
	rv = ctl_init_write(in, idx, pem, len, 0644);
 out:
	free(pem);
	return rv;
}

static int
ctl_init_write_db(struct ctl_init *in, size_t idx)
{
	struct store	*st = NULL;
	char		 path[CTL_PATH_MAX];
	int		 r;

	if (in->database != NULL) {
		/* the schema in PostgreSQL; no file here (DESIGN §11) */
		if ((r = store_open(in->database, 1, &st)) != 0) {
			ctl_errx("the PostgreSQL database: cannot create the "
			    "schema: %s", r == CS_ERR_EXISTS ? "it holds a "
			    "casesync schema already" : cs_why(r));
			return CTL_EXIT_FAIL;
		}
		store_close(st);
		return CTL_EXIT_OK;
	}
	if (ctl_path(path, sizeof(path), in->absdir,
	    ctl_deploy_files[idx]) != 0)
		return CTL_EXIT_FAIL;
	if ((r = store_open(path, 1, &st)) != 0) {
		ctl_errx("%s: cannot create the database: %s", path,
		    cs_why(r));
		return CTL_EXIT_FAIL;
	}
	in->made[idx] = 1;
	store_close(st);
	return CTL_EXIT_OK;
}

static int
ctl_init_write_conf(struct ctl_init *in, size_t idx, const char *name,
    const char *listen)
{
	char	conf[2048 + PATH_MAX];
	int	r;

	if (str_fmt(conf, sizeof(conf),
	    "# casesyncd configuration (see docs/CONFIG.md)\n"
	    "listen = %s\n"
	    "server_name = %s\n"
	    "data_dir = %s\n%s%s%s", listen, name, in->absdir,
	    in->database != NULL ? "database = " : "",
	    in->database != NULL ? in->database : "",
	    in->database != NULL ? "\n" : "") != 0) {
		ctl_errx("configuration too long");
		return CTL_EXIT_FAIL;
	}
	if (in->conf == NULL)
		return ctl_init_write(in, idx, conf, strlen(conf), 0644);
	if ((r = file_write_atomic(in->conf, conf, strlen(conf), 0644,
	    1)) != 0) {
		ctl_errx("%s: %s%s%s", in->conf, cs_why(r),
		    r == CS_ERR_SYSTEM ? ": " : "",
		    r == CS_ERR_SYSTEM ? strerror(errno) : "");
		return CTL_EXIT_FAIL;
	}
	in->made_conf = 1;
	return CTL_EXIT_OK;
}

/*
 * Run as root on a data directory someone else owns (the casesync
 * user's, made by systemd-tmpfiles): give that owner the files made in
 * it, so that casesyncd, running as that user, can read its keys.  The
 * configuration written by --config stays root's.
 */
static int
ctl_init_chown(struct ctl_init *in)
{
	static const char *const extra[] = {
		CTL_FILE_DB "-wal", CTL_FILE_DB "-shm",
	};
	struct stat	 sb;
	char		 path[CTL_PATH_MAX];
	size_t		 i;

	if (geteuid() != 0 || stat(in->absdir, &sb) == -1 || sb.st_uid == 0)
		return CTL_EXIT_OK;
	for (i = 0; i < CTL_NFILES + 2; i++) {
		if (i < CTL_NFILES && !in->made[i])
			continue;
		if (ctl_path(path, sizeof(path), in->absdir, i < CTL_NFILES ?
		    ctl_deploy_files[i] : extra[i - CTL_NFILES]) != 0)
			return CTL_EXIT_FAIL;
		if (lchown(path, sb.st_uid, sb.st_gid) == -1 &&
		    (i < CTL_NFILES || errno != ENOENT)) {
			ctl_errx("chown %s: %s", path, strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}
	return CTL_EXIT_OK;
}

static size_t	ctl_file_index(const char *);

/* The audit key pair (audit.key 0600, audit.pub 0644). */
static int
ctl_init_write_audit_key(struct ctl_init *in)
{
	int	r;

	if ((r = audit_key_create(in->absdir)) != 0) {
		ctl_errx("%s: cannot create the audit key: %s", in->absdir,
		    cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	in->made[ctl_file_index(AUDIT_KEY_FILE)] = 1;
	in->made[ctl_file_index(AUDIT_PUB_FILE)] = 1;
	return CTL_EXIT_OK;
}

/* Undo a failed run: remove what it wrote, and the directory it made. */
static void
ctl_init_undo(struct ctl_init *in)
{
	char	path[CTL_PATH_MAX];
	size_t	i;

	for (i = 0; i < CTL_NFILES; i++) {
		if (!in->made[i] || ctl_path(path, sizeof(path), in->absdir,
		    ctl_deploy_files[i]) != 0)
			continue;
		(void)unlink(path);
		if (strcmp(ctl_deploy_files[i], CTL_FILE_DB) == 0) {
			if (str_fmt(path, sizeof(path), "%s/%s-wal",
			    in->absdir, CTL_FILE_DB) == 0)
				(void)unlink(path);
			if (str_fmt(path, sizeof(path), "%s/%s-shm",
			    in->absdir, CTL_FILE_DB) == 0)
				(void)unlink(path);
		}
	}
	if (in->made_conf)
		(void)unlink(in->conf);
	if (in->made_dir)
		(void)rmdir(in->dir);
}

/* The three lifetimes an administrator has to plan for (docs/ADMIN.md). */
static void
ctl_init_lifetimes(X509 *ca, X509 *srv)
{
	struct config	cfg;
	int64_t		t;
	char		when[32];

	if (pki_cert_not_after(ca, &t) == 0) {
		ctl_time_iso(when, sizeof(when), t);
		printf("ca-valid-until %s (%d years; the laptops pin this "
		    "CA)\n", when, CTL_CA_DAYS / 365);
	}
	if (pki_cert_not_after(srv, &t) == 0) {
		ctl_time_iso(when, sizeof(when), t);
		printf("server-certificate-valid-until %s (%d days; renew "
		    "with casesyncctl server-cert renew)\n", when,
		    CTL_SRV_DAYS);
	}
	config_defaults(&cfg);
	printf("device-certificate-lifetime %lldd (device_cert_lifetime in "
	    "casesyncd.conf; laptops renew after half of it at a sync)\n",
	    (long long)(cfg.device_cert_lifetime / 86400));
}

static size_t
ctl_file_index(const char *name)
{
	size_t	i;

	for (i = 0; i < CTL_NFILES; i++)
		if (strcmp(ctl_deploy_files[i], name) == 0)
			break;
	return i;
}

int
ctl_init(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "dir",		required_argument,	NULL, 'd' },
		{ "server-name",	required_argument,	NULL, 'n' },
		{ "listen",		required_argument,	NULL, 'l' },
		{ "config",		required_argument,	NULL, 'c' },
		{ "database",		required_argument,	NULL, 'D' },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL,			0,			NULL, 0 }
	};
	struct ctl_init	 in;
	EVP_PKEY	*cakey = NULL, *srvkey = NULL;
	X509		*ca = NULL, *srv = NULL;
	const char	*name = NULL, *listen = CTL_LISTEN_DEFAULT;
	uint8_t		 fp[PKI_HASH_LEN], pk[AUDIT_PK_LEN];
	char		 hex[2 * PKI_HASH_LEN + 1];
	int		 ch, rv = CTL_EXIT_USAGE;

	memset(&in, 0, sizeof(in));
	in.dir = c->dir;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			in.dir = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'c':
			in.conf = optarg;
			break;
		case 'D':
			in.database = optarg;
			break;
		case 'h':
			ctl_usage("init", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("init: unexpected argument: %s", argv[optind]);
		goto out;
	}
	if (in.dir == NULL || *in.dir == '\0') {
		ctl_errx("init: no directory: use --dir or set CASESYNC_DIR");
		goto out;
	}
	if (name == NULL) {
		ctl_errx("init: --server-name is required");
		goto out;
	}
	if (!ctl_server_name_valid(name)) {
		ctl_errx("init: invalid server name (a DNS name of at most %d "
		    "characters, or an IP address)", CTL_SERVER_NAME_MAX);
		goto out;
	}
	if (!ctl_listen_valid(listen)) {
		ctl_errx("init: invalid --listen (HOST:PORT or [V6]:PORT)");
		goto out;
	}

	if (in.database != NULL && strcmp(in.database, "sqlite") == 0)
		in.database = NULL;
	if (in.database != NULL && (!store_spec_pg(in.database) ||
	    in.database[11] == '\0' || !ctl_conf_value_ok(in.database) ||
	    strlen(in.database) >= CONFIG_DATABASE_MAX)) {
		ctl_errx("init: --database must be \"sqlite\" or "
		    "\"postgresql:CONNINFO\" (one line, no '#')");
		goto out;
	}

	rv = CTL_EXIT_FAIL;
	if (in.conf != NULL && *in.conf == '\0') {
		rv = CTL_EXIT_USAGE;
		ctl_errx("init: --config: empty path");
		goto out;
	}
	if (ctl_init_check_empty(in.dir, in.conf) != 0 || ctl_init_mkdir(&in) != 0)
		goto out;
	if (pki_key_new(&cakey) != 0 ||
	    pki_ca_create(cakey, CTL_CA_CN, CTL_CA_DAYS, &ca) != 0 ||
	    pki_key_new(&srvkey) != 0 ||
	    pki_cert_issue(ca, cakey, srvkey, name, name, CTL_SRV_LIFETIME,
	    &srv) != 0 ||
	    pki_cert_fingerprint(ca, fp) != 0) {
		ctl_errx("init: cannot create the keys and certificates");
		goto out;
	}
	/* casesyncd.conf last: its presence means the rest is there. */
	if (ctl_init_write_key(&in, ctl_file_index(CTL_FILE_CA_KEY),
	    cakey) != 0 ||
	    ctl_init_write_cert(&in, ctl_file_index(CTL_FILE_CA_CRT),
	    ca) != 0 ||
	    ctl_init_write_key(&in, ctl_file_index(CTL_FILE_SRV_KEY),
	    srvkey) != 0 ||
	    ctl_init_write_cert(&in, ctl_file_index(CTL_FILE_SRV_CRT),
	    srv) != 0 ||
	    ctl_init_write_db(&in, ctl_file_index(CTL_FILE_DB)) != 0 ||
	    ctl_init_write_audit_key(&in) != 0 ||
	    ctl_init_chown(&in) != 0 ||
	    ctl_init_write_conf(&in, ctl_file_index(CTL_FILE_CONF), name,
	    listen) != 0)
		goto out;

	hex_encode(hex, fp, sizeof(fp));
	printf("deployment created in %s\n", in.absdir);
	printf("config %s%s%s\n", in.conf != NULL ? in.conf : in.absdir,
	    in.conf != NULL ? "" : "/", in.conf != NULL ? "" : CTL_FILE_CONF);
	printf("ca-fingerprint %s\n", hex);
	if (audit_pub_load(in.absdir, pk) == 0) {
		hex_encode(hex, pk, sizeof(pk));
		printf("audit-public-key %s\n", hex);
	}
	ctl_init_lifetimes(ca, srv);
	rv = CTL_EXIT_OK;
 out:
	if (rv == CTL_EXIT_FAIL)
		ctl_init_undo(&in);
	X509_free(srv);
	X509_free(ca);
	EVP_PKEY_free(srvkey);
	EVP_PKEY_free(cakey);
	return rv;
}
