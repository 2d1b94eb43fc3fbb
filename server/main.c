/* SPDX-License-Identifier: ISC */
/*
 * main.c - casesyncd: read the configuration, load the keys, bind,
 * start the workers, and wait for SIGTERM/SIGINT to shut down.
 */
#include <sys/resource.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "audit.h"
#include "config.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "pki.h"
#include "sandbox.h"
#include "server.h"
#include "tlsio.h"
#include "util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: casesyncd [-dv] [-f config] [-l host:port] "
	    "[-w workers] [-p port-file]\n");
	exit(2);
}

static EVP_PKEY *
load_key(const struct config *c, const char *name)
{
	struct buf	*b = NULL;
	EVP_PKEY	*k = NULL;
	char		 path[CONFIG_PATH_MAX + 32];
	int		 r;

	if (config_path(c, name, path, sizeof(path)) != 0)
		fatalx("%s: path too long", name);
	if ((r = file_read(path, PKI_PEM_MAX, &b)) != 0)
		fatalx("%s: %s", path, cs_err(r));
	r = pki_key_from_pem((const char *)buf_ptr(b), buf_len(b), &k);
	buf_free_wipe(b);
	if (r != 0)
		fatalx("%s: not a private key", path);
	return k;
}

static X509 *
load_cert(const struct config *c, const char *name)
{
	struct buf	*b = NULL;
	X509		*x = NULL;
	char		 path[CONFIG_PATH_MAX + 32];
	int		 r;

	if (config_path(c, name, path, sizeof(path)) != 0)
		fatalx("%s: path too long", name);
	if ((r = file_read(path, PKI_PEM_MAX, &b)) != 0)
		fatalx("%s: %s", path, cs_err(r));
	r = pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b), &x);
	buf_free(b);
	if (r != 0)
		fatalx("%s: not a certificate", path);
	return x;
}

static void
write_port_file(const char *path, unsigned port)
{
	char	s[16];

	if (str_fmt(s, sizeof(s), "%u\n", port) != 0 ||
	    file_write_atomic(path, s, strlen(s), 0644, 0) != 0)
		fatal("%s", path);
}

int
main(int argc, char *argv[])
{
	struct server	 srv;
	struct worker	*ws = NULL;
	struct rlimit	 rl;
	X509		*cert;
	EVP_PKEY	*key;
	sigset_t	 set;
	const char	*conf = "/etc/casesync/casesyncd.conf";
	const char	*listen_arg = NULL, *workers_arg = NULL;
	const char	*port_file = NULL, *fault;
	uint64_t	 nfault;
	char		 err[512];
	unsigned	 nworkers, port;
	int		 ch, debug = 0, verbose = 0, sig;
	long		 ncpu;

	while ((ch = getopt(argc, argv, "df:l:p:vw:")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			conf = optarg;
			break;
		case 'l':
			listen_arg = optarg;
			break;
		case 'p':
			port_file = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			workers_arg = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	sandbox_early();
	log_init(debug, "casesyncd");
	log_setverbose(verbose);
	if (sodium_init() < 0)
		fatalx("sodium_init failed");
	/* no core files: they would hold the CA and TLS keys */
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit");
	/* one descriptor per connection: allow what the hard limit allows */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit");

	memset(&srv, 0, sizeof(srv));
	config_defaults(&srv.cfg);
	if (config_load(&srv.cfg, conf, err, sizeof(err)) != 0 ||
	    (listen_arg != NULL && config_set(&srv.cfg, "listen", listen_arg,
	    err, sizeof(err)) != 0) ||
	    (workers_arg != NULL && config_set(&srv.cfg, "workers",
	    workers_arg, err, sizeof(err)) != 0) ||
	    config_check(&srv.cfg, err, sizeof(err)) != 0)
		fatalx("%s: %s", conf, err);

	if (config_path(&srv.cfg, "server.db", srv.db_path,
	    sizeof(srv.db_path)) != 0)
		fatalx("data_dir too long");
	srv.ca = load_cert(&srv.cfg, "ca.crt");
	srv.ca_key = load_key(&srv.cfg, "ca.key");
	if (audit_key_open(srv.cfg.data_dir, &srv.audit_key) != 0)
		fatalx("%s: cannot load or create the audit key",
		    srv.cfg.data_dir);
	/* NEN 7513: who started the server, with which configuration */
	if (audit_server_start(srv.db_path, srv.audit_key, conf,
	    CASESYNC_VERSION) != 0)
		fatalx("audit: the server start cannot be recorded");
	cert = load_cert(&srv.cfg, "server.crt");
	key = load_key(&srv.cfg, "server.key");
	if ((srv.ssl_ctx = tlsio_server_ctx(cert, key, srv.ca)) == NULL)
		fatalx("cannot set up TLS");
	X509_free(cert);
	EVP_PKEY_free(key);
	fault_init();
	if ((fault = getenv("CASESYNC_FAULT_PUSH_EXIT")) != NULL) {
		if (parse_u64(fault, 1, 1000000, &nfault) != 0)
			fatalx("CASESYNC_FAULT_PUSH_EXIT: not a count");
		atomic_store(&srv.fault_push_exit, (int)nfault);
		log_warnx("fault injection armed: exit after push %llu",
		    (unsigned long long)nfault);
	}
	if (pthread_mutex_init(&srv.sign_lock, NULL) != 0)
		fatalx("pthread_mutex_init");

	nworkers = srv.cfg.workers;
	if (nworkers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nworkers = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (unsigned)ncpu;
	}

	/* workers inherit a mask that leaves the signals to sigwait() */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		fatalx("pthread_sigmask");
	signal(SIGPIPE, SIG_IGN);

	if (workers_init(&srv, &ws, nworkers, &port) != 0)
		fatalx("cannot start listeners");
	if (port_file != NULL)
		write_port_file(port_file, port);
	/* everything is open: drop root, then confine (one thread yet) */
	sandbox_enter(&srv.cfg);
	if (workers_start(ws, nworkers) != 0)
		fatalx("cannot start workers");
	log_info("casesyncd %s listening on %s port %u, %u workers",
	    CASESYNC_VERSION, srv.cfg.listen_host, port, nworkers);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			fatalx("sigwait");
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: restart to reload");
			continue;
		}
		break;
	}
	log_info("shutting down on signal %d", sig);
	atomic_store(&srv.stopping, 1);
	workers_stop(ws, nworkers);
	SSL_CTX_free(srv.ssl_ctx);
	X509_free(srv.ca);
	EVP_PKEY_free(srv.ca_key);
	audit_key_wipe(srv.audit_key);	/* sandboxed: no munlock(2) */
	pthread_mutex_destroy(&srv.sign_lock);
	log_info("stopped");
	return 0;
}
