/* SPDX-License-Identifier: ISC */
/*
 * main.c - casesyncd: read the configuration, lock the data directory,
 * load the keys, bind, start the workers, tell systemd, and wait for
 * SIGTERM/SIGINT to shut down or SIGHUP to reload the TLS certificate.
 */
#include <sys/resource.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "buf.h"
#include "audit.h"
#include "audit_syslog.h"
#include "check.h"
#include "config.h"
#include "errors.h"
#include "fault.h"
#include "fdlimit.h"
#include "lockfile.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "pki.h"
#include "renew.h"
#include "sandbox.h"
#include "server.h"
#include "signer.h"
#include "srvfiles.h"
#include "store.h"
#include "tlsio.h"
#include "util.h"

#define MAIN_CONF_DEFAULT	"/etc/casesync/casesyncd.conf"

static void
usage(FILE *f)
{
	fprintf(f, "usage: casesyncd [-dtv] [-f config] [-l host:port] "
	    "[-w workers] [-p port-file]\n"
	    "       casesyncd -h | --help | -V | --version\n"
	    "  -f config     configuration file (default %s)\n"
	    "  -t            check the configuration, keys and certificates,"
	    " then exit\n"
	    "  -d            foreground, log to stderr with timestamps\n"
	    "  -v            debug logging (log_level = debug)\n"
	    "  -l host:port  override listen\n"
	    "  -w workers    override workers\n"
	    "  -p port-file  write the bound port to port-file\n"
	    "  -h            this help\n"
	    "  -V            print the version\n"
	    "See casesyncd(8) and casesyncd.conf(5).\n", MAIN_CONF_DEFAULT);
}

/* One line and a hint, exit 2 (as the CLIs do). */
static void __attribute__((__noreturn__))
usage_error(const char *what, int opt)
{
	fprintf(stderr, "casesyncd: %s -%c (casesyncd -h for usage)\n", what,
	    opt);
	exit(2);
}

static X509 *
load_cert(const struct config *c, const char *name)
{
	X509	*x = NULL;
	char	 err[CONFIG_PATH_MAX + 128];

	if (srvfiles_cert(c, name, &x, err, sizeof(err)) != 0)
		fatalx("%s", err);
	return x;
}

/*
 * The end of the server certificate in use, for the expiry warning
 * (renew.c), which this also gives now when it is due.
 */
static void
server_cert_end(struct server *srv)
{
	X509	*cert;
	int64_t	 end;

	if ((cert = SSL_CTX_get0_certificate(srv->ssl_ctx)) == NULL ||
	    pki_cert_not_after(cert, &end) != 0)
		fatalx("server.crt: no notAfter");
	__atomic_store_n(&srv->cert_not_after, end, __ATOMIC_RELAXED);
	renew_server_cert_check(srv, time_now());
}

/*
 * SIGHUP: read server.crt and server.key again into a new SSL_CTX for
 * the connections accepted from now on; open ones keep the context
 * they were made with (SSL_new took a reference).  On any failure the
 * old context stays.  The files must be readable by the user the
 * server runs as (the systemd unit runs it as casesync throughout).
 */
static void
reload(struct server *srv)
{
	SSL_CTX		*ctx = NULL, *old;
	X509		*cert;
	char		 err[CONFIG_PATH_MAX + 128];
	char		 serial[80];
	ASN1_INTEGER	*sn;
	BIGNUM		*bn = NULL;
	char		*hex = NULL;

	(void)sd_notify(0, "RELOADING=1");
	if (srvfiles_tls_ctx(&srv->cfg, srv->ca, &ctx, err,
	    sizeof(err)) != 0) {
		log_warnx("SIGHUP: %s: keeping the certificate in use", err);
		goto out;
	}
	serial[0] = '\0';
	if ((cert = SSL_CTX_get0_certificate(ctx)) != NULL &&
	    (sn = X509_get_serialNumber(cert)) != NULL &&
	    (bn = ASN1_INTEGER_to_BN(sn, NULL)) != NULL &&
	    (hex = BN_bn2hex(bn)) != NULL)
		(void)str_fmt(serial, sizeof(serial), " (serial %s)", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	pthread_mutex_lock(&srv->ctx_lock);
	old = srv->ssl_ctx;
	srv->ssl_ctx = ctx;
	pthread_mutex_unlock(&srv->ctx_lock);
	SSL_CTX_free(old);
	log_info("SIGHUP: reloaded server.crt and server.key%s", serial);
	server_cert_end(srv);
 out:
	(void)sd_notify(0, "READY=1");
}

static void
write_port_file(const char *path, unsigned port)
{
	char	s[16];

	if (str_fmt(s, sizeof(s), "%u\n", port) != 0 ||
	    file_write_atomic(path, s, strlen(s), 0644, 0) != 0)
		fatal("%s", path);
}

struct main_opts {
	const char	*conf;
	const char	*listen_arg;
	const char	*workers_arg;
	const char	*port_file;
	int		 debug;
	int		 verbose;
	int		 test;
};

/* Options and arguments; exits on -h, -V and usage errors. */
static void
main_args(int argc, char *argv[], struct main_opts *o)
{
	static const struct option	opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int				ch;

	memset(o, 0, sizeof(*o));
	o->conf = MAIN_CONF_DEFAULT;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":df:hl:p:tvVw:", opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->debug = 1;
			break;
		case 'f':
			o->conf = optarg;
			break;
		case 'l':
			o->listen_arg = optarg;
			break;
		case 'p':
			o->port_file = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'w':
			o->workers_arg = optarg;
			break;
		case 't':
			o->test = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("casesyncd %s\n", CASESYNC_VERSION);
			exit(0);
		case ':':
			usage_error("missing argument for", optopt);
		default:
			if (optopt == 0) {	/* a long option */
				fprintf(stderr, "casesyncd: unknown option %s "
				    "(casesyncd -h for usage)\n",
				    argv[optind - 1]);
				exit(2);
			}
			usage_error("unknown option", optopt);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "casesyncd: unexpected argument \"%s\" "
		    "(casesyncd -h for usage)\n", argv[optind]);
		exit(2);
	}
}

/* No core files. */
static void
main_limits(void)
{
	struct rlimit	rl;

	/* no core files: they would hold the CA and TLS keys */
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit");
}

/*
 * One descriptor per connection: raise the soft limit to the hard one
 * (LimitNOFILE= in the unit), say what we got, and refuse to start when
 * max_connections cannot fit in it (fdlimit.h).
 */
static void
main_fdlimit(struct server *srv, unsigned nworkers)
{
	unsigned long long	soft, hard;
	char			err[512];

	if (fdlimit_raise(&soft, &hard) != 0)
		fatal("file descriptor limit");
	if (fdlimit_check(&srv->cfg, nworkers, soft, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (err[0] != '\0')
		log_warnx("%s", err);
	log_info("file descriptors: limit %llu (hard %llu), %llu needed "
	    "for max_connections = %u", soft, hard,
	    fdlimit_need(srv->cfg.max_connections, nworkers),
	    srv->cfg.max_connections);
}

/*
 * The configuration, the signer, the data directory's lock, the start's
 * audit entry, TLS and the fault points.  Returns the lock's descriptor.
 */
static int
main_setup(struct server *srv, const struct main_opts *o)
{
	const char	*fault;
	uint64_t	 nfault;
	char		 err[512];
	int		 lockfd, r;

	memset(srv, 0, sizeof(*srv));
	config_defaults(&srv->cfg);
	if (config_load(&srv->cfg, o->conf, err, sizeof(err)) != 0)
		fatalx("%s", err);	/* it names the file */
	if ((o->listen_arg != NULL && config_set(&srv->cfg, "listen",
	    o->listen_arg, err, sizeof(err)) != 0) ||
	    (o->workers_arg != NULL && config_set(&srv->cfg, "workers",
	    o->workers_arg, err, sizeof(err)) != 0) ||
	    config_check(&srv->cfg, err, sizeof(err)) != 0)
		fatalx("%s: %s", o->conf, err);
	if (!o->verbose)
		log_setlevel(srv->cfg.log_level);
	/*
	 * The signer first: it loads ca.key and audit.key itself, so this
	 * process, which parses network input, never has them.
	 */
	srv->ca = load_cert(&srv->cfg, "ca.crt");
	srv->signer = signer_start(&srv->cfg, &srv->audit_key);
	if ((lockfd = lockfile_take(srv->cfg.data_dir, err,
	    sizeof(err))) == -1)
		fatalx("%s", err);
	if (config_database(&srv->cfg, srv->db_path,
	    sizeof(srv->db_path)) != 0)
		fatalx("data_dir too long");
	/* from the head on, so the start's entry below is sent too */
	if (audit_syslog_init(&srv->cfg, srv->db_path,
	    &srv->audit_syslog) != 0)
		fatalx("audit_syslog: cannot start");
	/* NEN 7513: who started the server, with which configuration */
	if ((r = audit_server_start(srv->db_path, srv->audit_key, o->conf,
	    CASESYNC_VERSION)) != 0)
		fatalx("audit: the server start cannot be recorded in %s: %s",
		    store_spec_pg(srv->db_path) ? "the PostgreSQL database" :
		    srv->db_path, cs_why(r));
	if (srvfiles_tls_ctx(&srv->cfg, srv->ca, &srv->ssl_ctx, err,
	    sizeof(err)) != 0)
		fatalx("%s", err);
	server_cert_end(srv);
	/* this process cannot open files once sandboxed: see signer.h */
	srvfiles_via(signer_fetch, srv->signer);
	fault_init();
	if ((fault = getenv("CASESYNC_FAULT_PUSH_EXIT")) != NULL) {
		if (parse_u64(fault, 1, 1000000, &nfault) != 0)
			fatalx("CASESYNC_FAULT_PUSH_EXIT: not a count");
		atomic_store(&srv->fault_push_exit, (int)nfault);
		log_warnx("fault injection armed: exit after push %llu",
		    (unsigned long long)nfault);
	}
	if (pthread_mutex_init(&srv->ctx_lock, NULL) != 0)
		fatalx("pthread_mutex_init");
	return lockfd;
}

static unsigned
main_nworkers(const struct server *srv)
{
	return fdlimit_workers(srv->cfg.workers);
}

/* Until a signal to stop: SIGHUP reloads.  The exit status. */
static int
main_wait(struct server *srv, const sigset_t *set)
{
	int	sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			fatalx("sigwait");
		if (sig == SIGHUP) {
			reload(srv);
			continue;
		}
		break;
	}
	if (sig == SIGCHLD)
		log_warnx("the signer process %d died: stopping "
		    "(nothing can be signed without it)",
		    signer_pid(srv->signer));
	(void)sd_notify(0, "STOPPING=1");
	log_info("shutting down on signal %d", sig);
	return sig == SIGCHLD ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	struct main_opts	 o;
	struct server		 srv;
	struct worker		*ws = NULL;
	struct metrics_http	*mh = NULL;
	struct notify		*nt = NULL;
	sigset_t		 set;
	unsigned		 nworkers, port;
	int			 lockfd, status;

	main_args(argc, argv, &o);
	if (o.test) {
		/* the check names each problem; not the helpers' warnings */
		log_setlevel(LOG_ERR);
		return check_config(o.conf, o.listen_arg, o.workers_arg) == 0 ?
		    0 : 1;
	}
	sandbox_early();
	log_init_daemon(o.debug, "casesyncd");
	log_setverbose(o.verbose);
	if (sodium_init() < 0)
		fatalx("sodium_init failed");
	main_limits();
	lockfd = main_setup(&srv, &o);
	nworkers = main_nworkers(&srv);
	main_fdlimit(&srv, nworkers);

	/* workers inherit a mask that leaves the signals to sigwait() */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);	/* the signer died */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		fatalx("pthread_sigmask");
	signal(SIGPIPE, SIG_IGN);

	if (workers_init(&srv, &ws, nworkers, &port) != 0)
		fatalx("cannot start listeners");
	if (metrics_http_init(&srv, &mh) != 0)
		fatalx("cannot start the metrics listener");
	if (notify_init(&srv, &nt) != 0)
		fatalx("cannot listen to the other instances");
	if (o.port_file != NULL)
		write_port_file(o.port_file, port);
	/* everything is open: drop root, then confine (one thread yet) */
	sandbox_enter(&srv.cfg);
	if (workers_start(ws, nworkers) != 0)
		fatalx("cannot start workers");
	if (metrics_http_start(mh) != 0)
		fatalx("cannot start the metrics listener");
	if (audit_syslog_start(srv.audit_syslog) != 0)
		fatalx("audit_syslog: cannot start its thread");
	if (notify_start(nt) != 0)
		fatalx("notify: cannot start its thread");
	log_info("casesyncd %s listening on %s port %u, %u workers",
	    CASESYNC_VERSION, srv.cfg.listen_host, port, nworkers);
	/* systemd (Type=notify): bound, keys loaded, serving */
	(void)sd_notifyf(0, "READY=1\nSTATUS=listening on %s port %u",
	    srv.cfg.listen_host, port);

	status = main_wait(&srv, &set);
	atomic_store(&srv.stopping, 1);
	notify_stop(nt);
	workers_stop(ws, nworkers);
	metrics_http_stop(mh);
	audit_syslog_stop(srv.audit_syslog);	/* after the last entries */
	SSL_CTX_free(srv.ssl_ctx);
	X509_free(srv.ca);
	audit_key_wipe(srv.audit_key);	/* sandboxed: no munlock(2) */
	signer_free(srv.signer);	/* the signer reads EOF and exits */
	pthread_mutex_destroy(&srv.ctx_lock);
	log_info("stopped");
	close(lockfd);
	return status;
}
