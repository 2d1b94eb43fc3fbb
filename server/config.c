/* SPDX-License-Identifier: ISC */
/*
 * config.c - parse casesyncd.conf (see docs/CONFIG.md).
 *
 * The format is deliberately small: one "key = value" per line, '#'
 * starts a comment line, blank lines are ignored, no quoting, no
 * includes.  Unknown keys and out-of-range values are errors: a typo
 * must not silently leave a default in force.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "util.h"

#define CONFIG_LINE_MAX	1024

void
config_defaults(struct config *c)
{
	size_t	i;

	memset(c, 0, sizeof(*c));
	memcpy(c->listen_host, "127.0.0.1", sizeof("127.0.0.1"));
	memcpy(c->listen_port, "4433", sizeof("4433"));
	c->workers = 0;
	c->max_connections = 4096;
	c->handshake_timeout_ms = 10 * 1000;
	c->idle_timeout_ms = 300 * 1000;
	c->hello_timeout_ms = 10 * 1000;
	c->max_pending_per_address = 32;
	c->max_frame = FRAME_MAX_DEFAULT;
	c->device_cert_lifetime = 30 * 86400;
	c->enroll_fail_limit = 5;
	c->enroll_fail_window = 600;
	c->sandbox = 1;
	c->handover_window = 14 * 86400;
	c->glass_duration = 3 * 3600;
	c->glass_limit_per_day = 3;
	c->log_level = LOG_INFO;
	memcpy(c->audit_syslog_socket, "/dev/log", sizeof("/dev/log"));
	c->closed_purge_days = CONFIG_CLOSED_PURGE_DAYS;
	for (i = 0; i < LC_NFRAMES; i++)
		c->retention_years[i] = CONFIG_RETENTION_YEARS;
	memcpy(c->report_names, "names", sizeof("names"));
}

/*
 * retention_years_FRAME = N: years a case of that frame is kept after
 * it closed; the law's 20 at least (Jeugdwet art. 7.3.9: longer only
 * when necessary).
 */
static int
config_retention(struct config *c, const char *key, const char *v,
    char *err, size_t errlen)
{
	enum lc_frame	f;
	uint64_t	n;

	if (lc_frame_parse(key + strlen("retention_years_"), &f) != 0) {
		str_fmt(err, errlen, "unknown key \"%s\" (retention_years_"
		    "FRAME: one of " LC_FRAME_CHOICES ")", key);
		return CS_ERR_CONFIG;
	}
	if (parse_u64(v, CONFIG_RETENTION_YEARS, CONFIG_RETENTION_YEARS_MAX,
	    &n) != 0) {
		str_fmt(err, errlen, "%s must be %u..%u years (Jeugdwet art. "
		    "7.3.9: 20 years, longer only when necessary)", key,
		    CONFIG_RETENTION_YEARS, CONFIG_RETENTION_YEARS_MAX);
		return CS_ERR_CONFIG;
	}
	c->retention_years[f] = (unsigned)n;
	return 0;
}

static int
config_str(char *dst, size_t dstlen, const char *v)
{
	size_t	len = strlen(v);

	if (len == 0 || len >= dstlen)
		return CS_ERR_CONFIG;
	memcpy(dst, v, len + 1);
	return 0;
}

/* "host:port" or "[v6]:port" into host and port. */
static int
config_hostport(char *host, size_t hostlen, char *portstr, size_t portlen,
    const char *v)
{
	const char	*colon;
	uint64_t	 port;
	size_t		 hlen;

	if (v[0] == '[') {
		if ((colon = strstr(v, "]:")) == NULL)
			return CS_ERR_CONFIG;
		hlen = (size_t)(colon - v - 1);
		v++;
		colon++;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return CS_ERR_CONFIG;
		hlen = (size_t)(colon - v);
	}
	if (hlen == 0 || hlen >= hostlen ||
	    parse_u64(colon + 1, 0, 65535, &port) != 0)
		return CS_ERR_CONFIG;
	memcpy(host, v, hlen);
	host[hlen] = '\0';
	return str_fmt(portstr, portlen, "%u", (unsigned)port);
}

static int
config_listen(struct config *c, const char *v)
{
	return config_hostport(c->listen_host, sizeof(c->listen_host),
	    c->listen_port, sizeof(c->listen_port), v);
}

/*
 * "addresses = HOST:PORT HOST:PORT ...": 1..NETADDR_LIST_MAX addresses
 * of the form laptops accept (netaddr.h), each once.  The whole list
 * replaces what was there.
 */
static int
config_addresses(struct config *c, const char *v, char *err, size_t errlen)
{
	char		 list[NETADDR_LIST_MAX][NETADDR_MAX + 1], vis[64];
	const char	*ptrs[NETADDR_LIST_MAX];
	const char	*p = v, *e;
	size_t		 n = 0, len, i;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		len = (size_t)(e - p);
		if (n == NETADDR_LIST_MAX) {
			str_fmt(err, errlen, "addresses: at most %d",
			    NETADDR_LIST_MAX);
			return CS_ERR_CONFIG;
		}
		if (len > NETADDR_MAX) {
			str_fmt(err, errlen, "addresses: an address of more "
			    "than %d bytes", NETADDR_MAX);
			return CS_ERR_CONFIG;
		}
		memcpy(list[n], p, len);
		list[n][len] = '\0';
		if (!netaddr_ok(list[n])) {
			str_fmt(err, errlen, "addresses: \"%s\" is not "
			    "HOST:PORT (a DNS name, an IPv4 address or [IPv6], "
			    "and a port 1..65535)", str_vis(vis, sizeof(vis),
			    list[n], len));
			return CS_ERR_CONFIG;
		}
		ptrs[n] = list[n];
		n++;
		if (!netaddr_list_ok(ptrs, n)) {
			str_fmt(err, errlen, "addresses: %s is listed twice",
			    list[n - 1]);
			return CS_ERR_CONFIG;
		}
		p = e;
	}
	if (n == 0) {
		str_fmt(err, errlen, "addresses: at least one HOST:PORT");
		return CS_ERR_CONFIG;
	}
	for (i = 0; i < n; i++)
		memcpy(c->addresses[i], list[i], sizeof(list[i]));
	c->n_addresses = n;
	return 0;
}

static int
config_ms(unsigned *dst, const char *v, uint64_t max_secs)
{
	uint64_t	s;

	if (parse_duration(v, max_secs, &s) != 0)
		return CS_ERR_CONFIG;
	*dst = (unsigned)(s * 1000);
	return 0;
}

int
config_set(struct config *c, const char *key, const char *v, char *err,
    size_t errlen)
{
	uint64_t	n;
	int		r = CS_ERR_CONFIG;

	if (strcmp(key, "listen") == 0)
		r = config_listen(c, v);
	else if (strcmp(key, "server_name") == 0)
		r = config_str(c->server_name, sizeof(c->server_name), v);
	else if (strcmp(key, "data_dir") == 0) {
		if (v[0] == '/')
			r = config_str(c->data_dir, sizeof(c->data_dir), v);
	} else if (strcmp(key, "database") == 0) {
		if (strcmp(v, "sqlite") == 0) {
			c->database[0] = '\0';
			r = 0;
		} else if (strncmp(v, "postgresql:", 11) == 0 &&
		    v[11] != '\0')
			r = config_str(c->database, sizeof(c->database), v);
		if (r != 0) {
			str_fmt(err, errlen, "database must be \"sqlite\" or "
			    "\"postgresql:CONNINFO\" (at most %zu bytes)",
			    sizeof(c->database) - 1);
			return CS_ERR_CONFIG;
		}
	} else if (strcmp(key, "workers") == 0) {
		if ((r = parse_u64(v, 0, 64, &n)) == 0)
			c->workers = (unsigned)n;
	} else if (strcmp(key, "max_connections") == 0) {
		if ((r = parse_u64(v, 1, 1000000, &n)) == 0) {
			c->max_connections = (unsigned)n;
			c->max_connections_set = 1;
		}
	} else if (strcmp(key, "handshake_timeout") == 0)
		r = config_ms(&c->handshake_timeout_ms, v, 600);
	else if (strcmp(key, "idle_timeout") == 0)
		r = config_ms(&c->idle_timeout_ms, v, 86400);
	else if (strcmp(key, "hello_timeout") == 0) {
		if ((r = config_ms(&c->hello_timeout_ms, v,
		    CONFIG_HELLO_TIMEOUT_MAX)) != 0) {
			str_fmt(err, errlen, "hello_timeout must be 1s..%us",
			    CONFIG_HELLO_TIMEOUT_MAX);
			return CS_ERR_CONFIG;
		}
	} else if (strcmp(key, "max_pending_per_address") == 0) {
		if ((r = parse_u64(v, 1, 1000000, &n)) == 0)
			c->max_pending_per_address = (unsigned)n;
	} else if (strcmp(key, "max_frame") == 0) {
		if (parse_u64(v, CONFIG_MAX_FRAME_MIN, FRAME_MAX_LIMIT,
		    &n) != 0) {
			str_fmt(err, errlen, "max_frame must be %u..%u bytes "
			    "(room for one largest record and its reply)",
			    (unsigned)CONFIG_MAX_FRAME_MIN,
			    (unsigned)FRAME_MAX_LIMIT);
			return CS_ERR_CONFIG;
		}
		c->max_frame = (uint32_t)n;
		r = 0;
	} else if (strcmp(key, "device_cert_lifetime") == 0) {
		if ((r = parse_duration(v, 365 * 86400, &n)) == 0)
			c->device_cert_lifetime = (int64_t)n;
	} else if (strcmp(key, "enroll_fail_limit") == 0) {
		if ((r = parse_u64(v, 1, 1000, &n)) == 0)
			c->enroll_fail_limit = (unsigned)n;
	} else if (strcmp(key, "enroll_fail_window") == 0) {
		if ((r = parse_duration(v, 86400, &n)) == 0)
			c->enroll_fail_window = (int64_t)n;
	} else if (strcmp(key, "handover_window") == 0) {
		if ((r = parse_duration(v, 365 * 86400, &n)) == 0 &&
		    (r = n == 0 ? CS_ERR_CONFIG : 0) == 0)
			c->handover_window = (int64_t)n;
	} else if (strcmp(key, "glass_duration") == 0) {
		if ((r = parse_duration(v, 7 * 86400, &n)) == 0 &&
		    (r = n == 0 ? CS_ERR_CONFIG : 0) == 0)
			c->glass_duration = (int64_t)n;
	} else if (strcmp(key, "glass_limit_per_day") == 0) {
		if ((r = parse_u64(v, 1, 100, &n)) == 0)
			c->glass_limit_per_day = (unsigned)n;
	} else if (strcmp(key, "log_level") == 0) {
		r = log_level_parse(v, &c->log_level) == 0 ? 0 : CS_ERR_CONFIG;
	} else if (strcmp(key, "metrics_listen") == 0) {
		if (strcmp(v, "off") == 0) {
			c->metrics_host[0] = '\0';
			r = 0;
		} else
			r = config_hostport(c->metrics_host,
			    sizeof(c->metrics_host), c->metrics_port,
			    sizeof(c->metrics_port), v);
	} else if (strcmp(key, "metrics_allow_remote") == 0) {
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
			c->metrics_allow_remote = strcmp(v, "yes") == 0;
			r = 0;
		}
	} else if (strcmp(key, "audit_syslog") == 0) {
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
			c->audit_syslog = strcmp(v, "yes") == 0;
			r = 0;
		}
	} else if (strcmp(key, "audit_syslog_socket") == 0) {
		if (v[0] != '/' ||
		    strlen(v) >= sizeof(c->audit_syslog_socket)) {
			str_fmt(err, errlen, "audit_syslog_socket must be an "
			    "absolute path of at most %zu bytes",
			    sizeof(c->audit_syslog_socket) - 1);
			return CS_ERR_CONFIG;
		}
		r = config_str(c->audit_syslog_socket,
		    sizeof(c->audit_syslog_socket), v);
	} else if (strcmp(key, "closed_purge_days") == 0) {
		if ((r = parse_u64(v, 0, 3650, &n)) == 0)
			c->closed_purge_days = (unsigned)n;
	} else if (strncmp(key, "retention_years_", 16) == 0) {
		return config_retention(c, key, v, err, errlen);
	} else if (strcmp(key, "addresses") == 0) {
		return config_addresses(c, v, err, errlen);
	} else if (strcmp(key, "report_names") == 0) {
		/* how laptops' reports name professionals (docs/CONFIG.md) */
		if (strcmp(v, "names") == 0 || strcmp(v, "roles") == 0)
			r = config_str(c->report_names,
			    sizeof(c->report_names), v);
	} else if (strcmp(key, "user") == 0) {
		r = config_str(c->user, sizeof(c->user), v);
	} else if (strcmp(key, "sandbox") == 0) {
		if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) {
			c->sandbox = strcmp(v, "on") == 0;
			r = 0;
		}
	} else {
		str_fmt(err, errlen, "unknown key \"%s\"", key);
		return CS_ERR_CONFIG;
	}
	if (r != 0) {
		str_fmt(err, errlen, "bad value for \"%s\"", key);
		return CS_ERR_CONFIG;
	}
	return 0;
}

/* Trim spaces and tabs at both ends, in place. */
static char *
config_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
config_parse(struct config *c, const char *text, size_t len, char *err,
    size_t errlen)
{
	char		 line[CONFIG_LINE_MAX + 1], why[256], vis[64];
	char		*key, *val, *eq;
	const char	*p = text, *end = text + len, *nl;
	size_t		 n;
	unsigned	 lineno = 0;

	err[0] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		str_fmt(err, errlen, "NUL byte in configuration");
		return CS_ERR_CONFIG;
	}
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > CONFIG_LINE_MAX) {
			str_fmt(err, errlen, "line %u: too long", lineno);
			return CS_ERR_CONFIG;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl < end ? nl + 1 : end;

		key = config_trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			str_fmt(err, errlen, "line %u: expected key = value: %s",
			    lineno, str_vis(vis, sizeof(vis), key,
			    strlen(key)));
			return CS_ERR_CONFIG;
		}
		*eq = '\0';
		key = config_trim(key);
		val = config_trim(eq + 1);
		if (config_set(c, key, val, why, sizeof(why)) != 0) {
			str_fmt(err, errlen, "line %u: %s", lineno, why);
			return CS_ERR_CONFIG;
		}
	}
	return 0;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	struct buf	*b = NULL;
	char		 why[512];
	int		 r;

	if ((r = file_read(path, CONFIG_FILE_MAX, &b)) != 0) {
		str_fmt(err, errlen, "%s: %s", path, cs_why(r));
		return CS_ERR_CONFIG;
	}
	r = config_parse(c, (const char *)buf_ptr(b), buf_len(b), why,
	    sizeof(why));
	buf_free(b);
	if (r != 0)
		str_fmt(err, errlen, "%s: %s", path, why);
	return r;
}

int
config_check(const struct config *c, char *err, size_t errlen)
{
	if (c->server_name[0] == '\0') {
		str_fmt(err, errlen, "server_name is not set");
		return CS_ERR_CONFIG;
	}
	if (c->data_dir[0] == '\0') {
		str_fmt(err, errlen, "data_dir is not set");
		return CS_ERR_CONFIG;
	}
	return config_check_metrics(c, err, errlen);
}

/* A numeric loopback address, or "localhost". */
static int
config_loopback(const char *host)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}

int
config_check_metrics(const struct config *c, char *err, size_t errlen)
{
	if (c->metrics_host[0] == '\0' || c->metrics_allow_remote ||
	    config_loopback(c->metrics_host))
		return 0;
	str_fmt(err, errlen, "metrics_listen %s is not a loopback address "
	    "(the metrics page has no authentication; set "
	    "metrics_allow_remote = yes to serve it there anyway)",
	    c->metrics_host);
	return CS_ERR_CONFIG;
}

int
config_path(const struct config *c, const char *name, char *dst,
    size_t dstlen)
{
	return str_fmt(dst, dstlen, "%s/%s", c->data_dir, name);
}

int
config_database(const struct config *c, char *dst, size_t dstlen)
{
	if (c->database[0] != '\0')
		return str_fmt(dst, dstlen, "%s", c->database);
	return config_path(c, "server.db", dst, dstlen);
}
