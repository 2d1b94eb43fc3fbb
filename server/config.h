/* SPDX-License-Identifier: ISC */
/*
 * config.h - casesyncd configuration: a file of "key = value" lines
 * (docs/CONFIG.md), then command-line overrides.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"
#include "netaddr.h"

#define CONFIG_PATH_MAX		1024
#define CONFIG_DATABASE_MAX	1024	/* "postgresql:" and a conninfo */
#define CONFIG_FILE_MAX		(64 * 1024)
/*
 * The smallest max_frame: one record of the largest body (WIRE_BODY_MAX,
 * 1 MiB) with its envelope, plus the 64 KiB a pull reply keeps for the
 * rest of its frame (server/sync.c asserts this).  Below it a pull
 * budget of "max_frame - 64 KiB" would wrap, and a large record could
 * neither be pushed nor pulled.
 */
#define CONFIG_MAX_FRAME_MIN	(2 * 1024 * 1024)
#define CONFIG_HELLO_TIMEOUT_MAX	60	/* seconds */

struct config {
	char		listen_host[256];
	char		listen_port[16];
	char		server_name[256];
	char		data_dir[CONFIG_PATH_MAX];
	/* "": SQLite, data_dir/server.db; else "postgresql:CONNINFO" */
	char		database[CONFIG_DATABASE_MAX];
	unsigned	workers;		/* 0: one per core */
	unsigned	max_connections;
	int		max_connections_set;	/* not the default (fdlimit.c) */
	unsigned	handshake_timeout_ms;
	unsigned	idle_timeout_ms;
	unsigned	hello_timeout_ms;	/* handshake done, no Hello */
	unsigned	max_pending_per_address; /* connections before Hello */
	uint32_t	max_frame;
	int64_t		device_cert_lifetime;	/* seconds */
	unsigned	enroll_fail_limit;
	int64_t		enroll_fail_window;	/* seconds */
	char		user[64];		/* drop privileges to; "" = stay */
	int		sandbox;		/* seccomp allow-list on/off */
	int64_t		handover_window;	/* seconds (transfer.c) */
	int64_t		glass_duration;		/* seconds (transfer.c) */
	unsigned	glass_limit_per_day;	/* uses by a user in 24 h */
	int		log_level;		/* a syslog priority (log.h) */
	char		metrics_host[256];	/* "": no metrics (metrics.c) */
	char		metrics_port[16];
	int		metrics_allow_remote;	/* else loopback only */
	int		audit_syslog;		/* audit_syslog.c */
	char		audit_syslog_socket[108];	/* sun_path */
	/* Welcome.addresses: where laptops reach the service, in order */
	char		addresses[NETADDR_LIST_MAX][NETADDR_MAX + 1];
	size_t		n_addresses;			/* 0: not sent */
	/* closing and retention (retention.c) */
	unsigned	closed_purge_days;	/* GESLOTEN: off the laptops */
	unsigned	retention_years[LC_NFRAMES];	/* from closed_on */
	/* Welcome.report_names: "names" or "roles" (laptops' reports) */
	char		report_names[8];
};

#define CONFIG_CLOSED_PURGE_DAYS	30
#define CONFIG_RETENTION_YEARS		20	/* Jeugdwet art. 7.3.9 */
#define CONFIG_RETENTION_YEARS_MAX	115

/* Defaults for everything that has one. */
void	config_defaults(struct config *);

/*
 * Parse "len" bytes of configuration text into "c" (on top of what is
 * there).  On error returns CS_ERR_CONFIG and writes a message naming
 * the line into "err".
 */
int	config_parse(struct config *c, const char *text, size_t len,
	    char *err, size_t errlen);

/* Read and parse the file at "path"; "err" then starts with the path. */
int	config_load(struct config *c, const char *path, char *err,
	    size_t errlen);

/* Set one key; the same rules as a line in the file. */
int	config_set(struct config *c, const char *key, const char *value,
	    char *err, size_t errlen);

/* Final checks (required keys present). */
int	config_check(const struct config *c, char *err, size_t errlen);

/*
 * metrics_listen, when set, must name a loopback address unless
 * metrics_allow_remote = yes: the page is not authenticated.
 */
int	config_check_metrics(const struct config *c, char *err,
	    size_t errlen);

/*
 * The store's spec (store_open): data_dir/server.db for SQLite, else
 * "postgresql:CONNINFO" as configured.  A spec never goes to a log: a
 * conninfo may hold a password.
 */
int	config_database(const struct config *c, char *dst, size_t dstlen);

/* "data_dir/name" into dst. */
int	config_path(const struct config *c, const char *name, char *dst,
	    size_t dstlen);

#endif /* CONFIG_H */
