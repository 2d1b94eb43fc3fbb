/* SPDX-License-Identifier: ISC */
/*
 * ctl_status.c - `casesyncctl status [--config PATH] [--json]`: what an
 * administrator checks first.  Whether casesyncd runs on the data
 * directory (who holds its lock, from /proc/locks: looking does not
 * take the lock), the certificates' ends, the devices, the newest
 * backup and the audit log's head from the store; and, when the
 * configuration has metrics_listen and the server runs, the live
 * figures of its metrics page (docs/ADMIN.md, "Metrics").
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "audit.h"
#include "buf.h"
#include "clihelp.h"
#include "config.h"
#include "ctl.h"
#include "errors.h"
#include "json.h"
#include "merkle.h"
#include "pki.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"

#define STATUS_CONF_DEFAULT	"/etc/casesync/casesyncd.conf"
#define STATUS_PAGE_MAX		(256 * 1024)
#define STATUS_TIMEOUT_S	3

struct status_live {
	int		 ok;
	double		 conns[4];	/* handshake hello ready closing */
	double		 sessions;
	double		 accepted;
	double		 requests, errors;
	double		 req_count, req_sum;
	double		 commit_count, commit_sum;
};

struct status {
	const char	*dir;
	char		 conf[CTL_PATH_MAX];	/* "" if none */
	struct config	 cfg;
	int		 have_cfg;
	int		 running;	/* 1 yes, 0 no, -1 unknown */
	long		 pid;
	int64_t		 ca_end, srv_end;	/* 0: unreadable */
	uint64_t	 dev_active, dev_revoked;
	int		 have_backup;
	struct audit_entry backup;
	uint64_t	 audit_size;
	uint8_t		 audit_root[MERKLE_HASH_LEN];
	int		 have_cp;
	struct audit_checkpoint cp;
	struct status_live live;
};

static const char *const status_states[4] = {
	"handshake", "hello", "ready", "closing",
};

/*
 * Whether a process holds the flock of data_dir/casesyncd.lock: its
 * line in /proc/locks ("1: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE 0
 * EOF").  The pid is the one the kernel shows.
 */
static void
status_lock(struct status *s)
{
	char		 path[CTL_PATH_MAX], line[256], dev[64];
	struct stat	 sb;
	FILE		*f;
	long		 pid;
	unsigned long	 maj, min;
	unsigned long long ino;

	s->running = 0;
	s->pid = 0;
	if (ctl_path(path, sizeof(path), s->dir, CTL_FILE_LOCK) != 0)
		return;
	if (stat(path, &sb) == -1)
		return;		/* never started here */
	if ((f = fopen("/proc/locks", "r")) == NULL) {
		s->running = -1;
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "FLOCK") == NULL ||
		    strstr(line, "->") != NULL ||	/* a waiter */
		    sscanf(line, "%*s %*s %*s %*s %ld %63s", &pid, dev) != 2 ||
		    sscanf(dev, "%lx:%lx:%llu", &maj, &min, &ino) != 3)
			continue;
		if (ino == (unsigned long long)sb.st_ino &&
		    maj == major(sb.st_dev) && min == minor(sb.st_dev)) {
			s->running = 1;
			s->pid = pid;
			break;
		}
	}
	fclose(f);
}

static int64_t
status_cert_end(const char *dir, const char *name)
{
	struct buf	*b = NULL;
	X509		*x = NULL;
	char		 path[CTL_PATH_MAX];
	int64_t		 end = 0;

	if (ctl_path(path, sizeof(path), dir, name) == 0 &&
	    file_read(path, 64 * 1024, &b) == 0 &&
	    pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b), &x) == 0 &&
	    pki_cert_not_after(x, &end) != 0)
		end = 0;
	X509_free(x);
	buf_free(b);
	return end;
}

static int
status_device_cb(const struct store_device *d, void *arg)
{
	struct status	*s = arg;

	if (d->revoked)
		s->dev_revoked++;
	else
		s->dev_active++;
	return 0;
}

static int
status_backup_cb(const struct audit_entry *e, const uint8_t *leaf,
    void *arg)
{
	struct status	*s = arg;

	(void)leaf;
	if (strcmp(e->outcome, "success") == 0) {
		s->backup = *e;		/* idx order: the last one stays */
		s->have_backup = 1;
	}
	return 0;
}

static int
status_store(struct status *s, struct store *st)
{
	struct merkle_frontier	*f = NULL;
	struct audit_filter	 flt;
	int			 r;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return CS_ERR_ALLOC;
	memset(&flt, 0, sizeof(flt));
	flt.type = "backup";
	if ((r = store_device_list(st, status_device_cb, s)) != 0 ||
	    (r = store_audit_rows(st, &flt, status_backup_cb, s)) != 0 ||
	    (r = store_audit_state(st, f)) != 0)
		goto out;
	s->audit_size = f->size;
	merkle_frontier_root(f, s->audit_root);
	if ((r = store_audit_latest(st, &s->cp)) == 0)
		s->have_cp = 1;
	else if (r == CS_ERR_NOT_FOUND)
		r = 0;
 out:
	free(f);
	return r;
}

/* GET /metrics from metrics_listen: 0 with the page in *out, or -1. */
static int
status_fetch(const struct config *c, struct buf **out)
{
	struct addrinfo	 hints, *res = NULL;
	struct timeval	 tv = { STATUS_TIMEOUT_S, 0 };
	static const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	struct buf	*b = NULL;
	int		 fd = -1, rv = -1;

	*out = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(c->metrics_host, c->metrics_port, &hints, &res) != 0)
		return -1;
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1) ||
	    (b = buf_new(STATUS_PAGE_MAX)) == NULL)
		goto out;
	/* a page larger than any we serve fails too */
	if (buf_read_fd(b, fd, 16 * 1024) != 0 || buf_len(b) < 12 ||
	    memcmp(buf_ptr(b), "HTTP/1.0 200", 12) != 0)
		goto out;
	*out = b;
	b = NULL;
	rv = 0;
 out:
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	buf_free(b);
	return rv;
}

/* The figures of the page that a person reads. */
static void
status_live(struct status *s)
{
	struct buf	*b = NULL;
	const char	*p, *end, *nl, *sp;
	char		 line[512];
	double		 v;
	size_t		 n;
	int		 i;

	if (!s->have_cfg || s->cfg.metrics_host[0] == '\0' ||
	    s->running != 1 || status_fetch(&s->cfg, &b) != 0)
		return;
	p = (const char *)buf_ptr(b);
	end = p + buf_len(b);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if ((n = (size_t)(nl - p)) >= sizeof(line) || *p == '#')
			continue;
		memcpy(line, p, n);
		line[n] = '\0';
		if ((sp = strrchr(line, ' ')) == NULL)
			continue;
		v = strtod(sp + 1, NULL);
		for (i = 0; i < 4; i++)
			if (strncmp(line, "casesyncd_connections{state=\"", 29)
			    == 0 && strncmp(line + 29, status_states[i],
			    strlen(status_states[i])) == 0 &&
			    line[29 + strlen(status_states[i])] == '"')
				s->live.conns[i] = v;
		if (strncmp(line, "casesyncd_sessions ", 19) == 0)
			s->live.sessions = v;
		else if (strncmp(line, "casesyncd_connections_accepted_total ",
		    37) == 0)
			s->live.accepted = v;
		else if (strncmp(line, "casesyncd_requests_total{", 25) == 0)
			s->live.requests += v;
		else if (strncmp(line, "casesyncd_errors_total{", 23) == 0)
			s->live.errors += v;
		else if (strncmp(line, "casesyncd_request_seconds_count ",
		    32) == 0)
			s->live.req_count = v;
		else if (strncmp(line, "casesyncd_request_seconds_sum ", 30) == 0)
			s->live.req_sum = v;
		else if (strncmp(line, "casesyncd_store_commit_seconds_count ",
		    37) == 0)
			s->live.commit_count = v;
		else if (strncmp(line, "casesyncd_store_commit_seconds_sum ",
		    35) == 0)
			s->live.commit_sum = v;
	}
	s->live.ok = 1;
	buf_free(b);
}

static double
status_ms(double sum, double count)
{
	return count > 0 ? sum / count * 1000 : 0;
}

static int
status_print_json(const struct status *s)
{
	struct json	j;
	char		root[2 * MERKLE_HASH_LEN + 1];
	int		i, r;

	hex_encode(root, s->audit_root, sizeof(s->audit_root));
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "data_dir", s->dir);
	json_kv_str(&j, "config", s->conf[0] != '\0' ? s->conf : NULL);
	json_key(&j, "server");
	json_obj_begin(&j);
	json_key(&j, "running");
	if (s->running == -1)
		json_null(&j);
	else
		json_bool(&j, s->running == 1);
	json_key(&j, "pid");
	if (s->running == 1)
		json_int(&j, s->pid);
	else
		json_null(&j);
	json_obj_end(&j);
	json_key(&j, "certificates");
	json_obj_begin(&j);
	json_key(&j, "ca");
	json_obj_begin(&j);
	json_kv_time(&j, "not_after", s->ca_end);
	json_obj_end(&j);
	json_key(&j, "server");
	json_obj_begin(&j);
	json_kv_time(&j, "not_after", s->srv_end);
	json_obj_end(&j);
	json_obj_end(&j);
	json_key(&j, "devices");
	json_obj_begin(&j);
	json_kv_int(&j, "active", (int64_t)s->dev_active);
	json_kv_int(&j, "revoked", (int64_t)s->dev_revoked);
	json_obj_end(&j);
	json_key(&j, "last_backup");
	if (s->have_backup) {
		json_obj_begin(&j);
		json_kv_time(&j, "time", s->backup.server_time);
		json_kv_int(&j, "audit_idx", s->backup.idx);
		json_kv_str(&j, "detail", s->backup.detail);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_key(&j, "audit");
	json_obj_begin(&j);
	json_kv_int(&j, "size", (int64_t)s->audit_size);
	json_kv_str(&j, "root", root);
	json_key(&j, "checkpoint");
	if (s->have_cp) {
		json_obj_begin(&j);
		json_kv_time(&j, "time", s->cp.time);
		json_kv_int(&j, "size", s->cp.size);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_kv_int(&j, "pending", (int64_t)(s->have_cp &&
	    s->audit_size > (uint64_t)s->cp.size ? s->audit_size -
	    (uint64_t)s->cp.size : s->have_cp ? 0 : s->audit_size));
	json_obj_end(&j);
	json_key(&j, "metrics");
	if (s->live.ok) {
		json_obj_begin(&j);
		json_key(&j, "connections");
		json_obj_begin(&j);
		for (i = 0; i < 4; i++) {
			json_key(&j, status_states[i]);
			json_fixed(&j, s->live.conns[i], 0);
		}
		json_obj_end(&j);
		json_key(&j, "sessions");
		json_fixed(&j, s->live.sessions, 0);
		json_key(&j, "connections_accepted");
		json_fixed(&j, s->live.accepted, 0);
		json_key(&j, "requests");
		json_fixed(&j, s->live.requests, 0);
		json_key(&j, "errors");
		json_fixed(&j, s->live.errors, 0);
		json_key(&j, "request_mean_ms");
		json_fixed(&j, status_ms(s->live.req_sum, s->live.req_count),
		    3);
		json_key(&j, "commit_mean_ms");
		json_fixed(&j, status_ms(s->live.commit_sum,
		    s->live.commit_count), 3);
		json_obj_end(&j);
	} else
		json_null(&j);
	json_obj_end(&j);
	if ((r = json_end(&j)) != 0) {
		ctl_errx("status: writing JSON: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static void
status_print_end(const char *what, int64_t end, int64_t now)
{
	char	when[32];

	if (end == 0) {
		printf("%-20s unreadable\n", what);
		return;
	}
	ctl_time_iso(when, sizeof(when), end);
	if (end <= now)
		printf("%-20s EXPIRED %s\n", what, when);
	else
		printf("%-20s valid until %s (%lld days left)\n", what, when,
		    (long long)((end - now) / 86400));
}

static void
status_print(const struct status *s)
{
	char	when[32], root[2 * MERKLE_HASH_LEN + 1];
	int64_t	now = time_now();

	if (s->running == 1)
		printf("%-20s running (pid %ld)\n", "server", s->pid);
	else
		printf("%-20s %s\n", "server", s->running == 0 ?
		    "not running" : "unknown (/proc/locks unreadable)");
	printf("%-20s %s\n", "data-dir", s->dir);
	printf("%-20s %s\n", "config", s->conf[0] != '\0' ? s->conf :
	    "(none found)");
	status_print_end("ca-certificate", s->ca_end, now);
	status_print_end("server-certificate", s->srv_end, now);
	printf("%-20s %" PRIu64 " active, %" PRIu64 " revoked\n", "devices",
	    s->dev_active, s->dev_revoked);
	if (s->have_backup) {
		ctl_time_iso(when, sizeof(when), s->backup.server_time);
		printf("%-20s %s (%s)\n", "last-backup", when,
		    s->backup.detail);
	} else
		printf("%-20s none recorded\n", "last-backup");
	hex_encode(root, s->audit_root, sizeof(s->audit_root));
	printf("%-20s %" PRIu64 " entries, root %s\n", "audit-log",
	    s->audit_size, root);
	if (s->have_cp) {
		ctl_time_iso(when, sizeof(when), s->cp.time);
		printf("%-20s %s (covers %lld entries, %" PRIu64
		    " pending)\n", "audit-checkpoint", when,
		    (long long)s->cp.size, s->audit_size >
		    (uint64_t)s->cp.size ? s->audit_size -
		    (uint64_t)s->cp.size : 0);
	} else
		printf("%-20s none\n", "audit-checkpoint");
	if (!s->live.ok) {
		if (s->have_cfg && s->cfg.metrics_host[0] != '\0' &&
		    s->running == 1)
			printf("%-20s unreachable at %s port %s\n", "metrics",
			    s->cfg.metrics_host, s->cfg.metrics_port);
		return;
	}
	printf("%-20s handshake %.0f, hello %.0f, ready %.0f, closing "
	    "%.0f\n", "connections", s->live.conns[0], s->live.conns[1],
	    s->live.conns[2], s->live.conns[3]);
	printf("%-20s %.0f\n", "sessions", s->live.sessions);
	printf("%-20s %.0f (%.0f errors; mean %.3f ms)\n", "requests",
	    s->live.requests, s->live.errors,
	    status_ms(s->live.req_sum, s->live.req_count));
	printf("%-20s mean %.3f ms over %.0f commits\n", "store-commits",
	    status_ms(s->live.commit_sum, s->live.commit_count),
	    s->live.commit_count);
}

/*
 * The configuration: --config, else data_dir/casesyncd.conf, else
 * casesyncd's default.  Only its metrics settings (and data_dir, when
 * no --dir was given) are used.
 */
static int
status_config(struct status *s, const char *conf, const char *dir)
{
	struct stat	 sb;
	char		 err[512], path[CTL_PATH_MAX];

	path[0] = '\0';
	if (conf != NULL)
		(void)str_fmt(path, sizeof(path), "%s", conf);
	else if (dir != NULL && ctl_path(path, sizeof(path), dir,
	    CTL_FILE_CONF) == 0 && stat(path, &sb) == 0)
		;
	else if (stat(STATUS_CONF_DEFAULT, &sb) == 0)
		(void)str_fmt(path, sizeof(path), "%s", STATUS_CONF_DEFAULT);
	else
		path[0] = '\0';
	if (path[0] == '\0')
		return CTL_EXIT_OK;
	config_defaults(&s->cfg);
	if (config_load(&s->cfg, path, err, sizeof(err)) != 0) {
		ctl_errx("%s", err);
		return CTL_EXIT_FAIL;
	}
	(void)str_fmt(s->conf, sizeof(s->conf), "%s", path);
	s->have_cfg = 1;
	return CTL_EXIT_OK;
}

int
ctl_status(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct status	*s = NULL;
	struct store	*st = NULL;
	struct ctl	 sub;
	const char	*conf = NULL;
	int		 ch, json = 0, r, rv = CTL_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			ctl_usage("status", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("status: unexpected argument: %s", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ctl_errx("out of memory");
		return CTL_EXIT_FAIL;
	}
	rv = CTL_EXIT_FAIL;
	if (status_config(s, conf, c->dir) != CTL_EXIT_OK)
		goto out;
	sub.dir = c->dir != NULL ? c->dir : s->have_cfg ?
	    s->cfg.data_dir : NULL;
	if ((rv = ctl_store_open(&sub, &st)) != CTL_EXIT_OK)
		goto out;
	rv = CTL_EXIT_FAIL;
	s->dir = sub.dir;
	status_lock(s);
	s->ca_end = status_cert_end(s->dir, CTL_FILE_CA_CRT);
	s->srv_end = status_cert_end(s->dir, CTL_FILE_SRV_CRT);
	if ((r = status_store(s, st)) != 0) {
		ctl_errx("%s: %s", s->dir, cs_why(r));
		goto out;
	}
	status_live(s);
	if (json)
		rv = status_print_json(s);
	else {
		status_print(s);
		rv = CTL_EXIT_OK;
	}
 out:
	store_close(st);
	free(s);
	return rv;
}
