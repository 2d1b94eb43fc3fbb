/* SPDX-License-Identifier: ISC */
/*
 * check.c - `casesyncd -t`, in the manner of `sshd -t` and `nginx -t`:
 * everything casesyncd would refuse at start, and what would only show
 * later (an expired certificate, a key group or others can read), found
 * at once and all reported, not just the first.  It opens nothing for
 * writing and binds nothing.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "errors.h"
#include "fdlimit.h"
#include "srvfiles.h"
#include "util.h"

#define CHECK_EXPIRY_WARN	(30 * 86400)	/* seconds */

struct check {
	const char	*path;
	unsigned	 problems;
};

static void __attribute__((__format__(printf, 2, 3)))
check_problem(struct check *ck, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "casesyncd: %s: ", ck->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ck->problems++;
}

static void __attribute__((__format__(printf, 2, 3)))
check_warning(struct check *ck, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "casesyncd: %s: warning: ", ck->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Parse line by line, so that every bad line is reported: config_parse()
 * stops at the first.  Each line goes through config_parse() itself, so
 * the rules are the server's; its "line 1: " becomes the real number.
 */
static void
check_lines(struct check *ck, struct config *c, const char *text,
    size_t len)
{
	const char	*p = text, *end = text + len, *nl, *msg;
	char		 err[512];
	unsigned	 lineno = 0;

	if (memchr(text, '\0', len) != NULL) {
		check_problem(ck, "NUL byte in configuration");
		return;
	}
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (config_parse(c, p, (size_t)(nl - p), err,
		    sizeof(err)) != 0) {
			msg = strncmp(err, "line 1: ", 8) == 0 ? err + 8 : err;
			check_problem(ck, "line %u: %s", lineno, msg);
		}
		p = nl < end ? nl + 1 : end;
	}
}

/* The uid casesyncd will run as; -1 when that cannot be known. */
static long
check_user(struct check *ck, const struct config *c)
{
	struct passwd	*pw;
	uid_t		 euid = geteuid();

	if (c->user[0] == '\0') {
		if (euid == 0) {
			check_problem(ck, "\"user\" is not set and casesyncd "
			    "runs as root: it would refuse to keep root");
			return -1;
		}
		return (long)euid;
	}
	errno = 0;
	if ((pw = getpwnam(c->user)) == NULL) {
		check_problem(ck, "user \"%s\": no such user", c->user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		check_problem(ck, "user \"%s\" is root: name an unprivileged "
		    "user", c->user);
		return -1;
	}
	if (euid != 0 && euid != pw->pw_uid) {
		check_problem(ck, "running as uid %u: cannot become \"%s\"",
		    (unsigned)euid, c->user);
		return -1;
	}
	return (long)pw->pw_uid;
}

/* data_dir: a directory only root or the server's user owns, 0700. */
static int
check_data_dir(struct check *ck, const struct config *c, long uid)
{
	struct stat	sb;

	if (stat(c->data_dir, &sb) == -1) {
		check_problem(ck, "data_dir %s: %s", c->data_dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		check_problem(ck, "data_dir %s: not a directory", c->data_dir);
		return -1;
	}
	if ((sb.st_mode & 077) != 0)
		check_problem(ck, "data_dir %s: mode %04o lets group or others "
		    "in (it holds the CA key): chmod 0700", c->data_dir,
		    (unsigned)(sb.st_mode & 07777));
	if (sb.st_uid != 0 && uid >= 0 && sb.st_uid != (uid_t)uid)
		check_problem(ck, "data_dir %s: owned by uid %u, neither root "
		    "nor the server's uid %ld", c->data_dir,
		    (unsigned)sb.st_uid, uid);
	if (geteuid() != 0 && access(c->data_dir, R_OK | W_OK | X_OK) == -1)
		check_problem(ck, "data_dir %s: %s for uid %u", c->data_dir,
		    strerror(errno), (unsigned)geteuid());
	return 0;
}

/* Secret files for their owner only (check_certs() says if missing). */
static void
check_private(struct check *ck, const struct config *c, const char *name)
{
	struct stat	sb;
	char		path[CONFIG_PATH_MAX + 32];

	if (config_path(c, name, path, sizeof(path)) != 0)
		return;
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT)
			check_problem(ck, "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISREG(sb.st_mode))
		check_problem(ck, "%s: not a regular file", path);
	else if ((sb.st_mode & 077) != 0)
		check_problem(ck, "%s: mode %04o lets group or others read "
		    "it: chmod 0600", path, (unsigned)(sb.st_mode & 07777));
}

static void
check_validity(struct check *ck, const char *name, X509 *x)
{
	time_t	now = time(NULL), soon = now + CHECK_EXPIRY_WARN;

	if (X509_cmp_time(X509_get0_notBefore(x), &now) > 0)
		check_problem(ck, "%s: not valid yet", name);
	else if (X509_cmp_time(X509_get0_notAfter(x), &now) < 0)
		check_problem(ck, "%s: expired", name);
	else if (X509_cmp_time(X509_get0_notAfter(x), &soon) < 0)
		check_warning(ck, "%s: expires within 30 days", name);
}

static void
check_certs(struct check *ck, const struct config *c)
{
	X509		*ca = NULL, *srv = NULL;
	EVP_PKEY	*ca_key = NULL, *key = NULL;
	char		 err[512];
	uint8_t		 addr[16];
	int		 ok;

	if (srvfiles_cert(c, "ca.crt", &ca, err, sizeof(err)) != 0)
		check_problem(ck, "%s", err);
	if (srvfiles_key(c, "ca.key", &ca_key, err, sizeof(err)) != 0)
		check_problem(ck, "%s", err);
	if (srvfiles_cert(c, "server.crt", &srv, err, sizeof(err)) != 0)
		check_problem(ck, "%s", err);
	if (srvfiles_key(c, "server.key", &key, err, sizeof(err)) != 0)
		check_problem(ck, "%s", err);
	if (ca != NULL) {
		check_validity(ck, "ca.crt", ca);
		if (ca_key != NULL && X509_check_private_key(ca, ca_key) != 1)
			check_problem(ck, "ca.key does not match ca.crt");
	}
	if (srv != NULL) {
		check_validity(ck, "server.crt", srv);
		if (key != NULL && X509_check_private_key(srv, key) != 1)
			check_problem(ck, "server.key does not match "
			    "server.crt");
		if (ca != NULL && X509_verify(srv,
		    X509_get0_pubkey(ca)) != 1)
			check_problem(ck, "server.crt is not signed by "
			    "ca.crt");
		if (c->server_name[0] != '\0') {
			if (inet_pton(AF_INET, c->server_name, addr) == 1 ||
			    inet_pton(AF_INET6, c->server_name, addr) == 1)
				ok = X509_check_ip_asc(srv, c->server_name,
				    0);
			else
				ok = X509_check_host(srv, c->server_name, 0,
				    0, NULL);
			if (ok != 1)
				check_problem(ck, "server.crt does not name "
				    "server_name %s", c->server_name);
		}
	}
	ERR_clear_error();
	X509_free(ca);
	X509_free(srv);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
}

/*
 * max_connections against the hard descriptor limit, the soft limit
 * casesyncd raises itself to (fdlimit.h).
 */
static void
check_fdlimit(struct check *ck, struct config *c)
{
	struct rlimit		 rl;
	unsigned long long	 hard;
	char			 err[512];

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	hard = rl.rlim_max == RLIM_INFINITY ? ~0ULL : rl.rlim_max;
	if (fdlimit_check(c, fdlimit_workers(c->workers), hard, err,
	    sizeof(err)) != 0)
		check_problem(ck, "%s", err);
}

int
check_config(const char *path, const char *listen_arg,
    const char *workers_arg)
{
	struct check	 ck = { path, 0 };
	struct config	 c;
	struct buf	*b = NULL;
	char		 err[512];
	long		 uid;
	int		 r;

	config_defaults(&c);
	if ((r = file_read(path, CONFIG_FILE_MAX, &b)) != 0) {
		check_problem(&ck, "%s", cs_why(r));
		return (int)ck.problems;
	}
	check_lines(&ck, &c, (const char *)buf_ptr(b), buf_len(b));
	buf_free(b);
	if (listen_arg != NULL && config_set(&c, "listen", listen_arg, err,
	    sizeof(err)) != 0)
		check_problem(&ck, "-l: %s", err);
	if (workers_arg != NULL && config_set(&c, "workers", workers_arg,
	    err, sizeof(err)) != 0)
		check_problem(&ck, "-w: %s", err);
	if (c.server_name[0] == '\0')
		check_problem(&ck, "server_name is not set");
	if (config_check_metrics(&c, err, sizeof(err)) != 0)
		check_problem(&ck, "%s", err);
	check_fdlimit(&ck, &c);
	uid = check_user(&ck, &c);
	if (c.data_dir[0] == '\0')
		check_problem(&ck, "data_dir is not set");
	else if (check_data_dir(&ck, &c, uid) == 0) {
		check_private(&ck, &c, "ca.key");
		check_private(&ck, &c, "server.key");
		check_private(&ck, &c, "audit.key");
		if (c.database[0] == '\0')
			check_private(&ck, &c, "server.db");
		check_certs(&ck, &c);
	}
	if (ck.problems == 0)
		printf("configuration OK\n");
	return (int)ck.problems;
}
