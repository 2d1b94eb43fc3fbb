/* SPDX-License-Identifier: ISC */
/*
 * metrics.c - the counters of metrics.h and their page in the
 * Prometheus text exposition format (version 0.0.4): "# HELP" and
 * "# TYPE" before each family, names [a-zA-Z_:][a-zA-Z0-9_:]*, label
 * values that are our own words (message names from the protobuf
 * descriptor, state names), never anything a peer sent.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "merkle.h"
#include "metrics.h"
#include "msg.h"
#include "pki.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"

/* Upper bounds of the latency buckets, in microseconds (then +Inf). */
static const int64_t	metrics_bounds_us[] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000, 2500000, 5000000, 10000000,
};
#define METRICS_NBOUNDS	\
	(sizeof(metrics_bounds_us) / sizeof(metrics_bounds_us[0]))

struct metrics_hist {
	atomic_ullong	bucket[METRICS_NBOUNDS + 1];	/* not cumulative */
	atomic_ullong	sum_ns;
	atomic_ullong	count;
};

static struct {
	atomic_llong		conns[METRICS_NSTATES];
	atomic_ullong		accepted;
	atomic_ullong		refused;
	atomic_ullong		handshake_failed;
	struct metrics_hist	handshake;
	struct metrics_hist	request;
	struct metrics_hist	commit;
	atomic_ullong		requests[METRICS_MSG_MAX];
	atomic_ullong		errors[METRICS_MSG_MAX];
	atomic_ullong		closed[METRICS_MSG_MAX];
	atomic_ullong		syslog_sent;
	atomic_ullong		syslog_dropped;
} metrics;

static const char *const metrics_state_name[METRICS_NSTATES] = {
	"handshake", "hello", "ready", "closing",
};

int64_t
metrics_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define ADD(x, n)	atomic_fetch_add_explicit(&(x), (n), \
			    memory_order_relaxed)
#define GET(x)		atomic_load_explicit(&(x), memory_order_relaxed)

static void
metrics_observe(struct metrics_hist *h, int64_t ns)
{
	size_t	i;

	if (ns < 0)
		ns = 0;
	for (i = 0; i < METRICS_NBOUNDS; i++)
		if (ns <= metrics_bounds_us[i] * 1000)
			break;
	ADD(h->bucket[i], 1);
	ADD(h->sum_ns, (unsigned long long)ns);
	ADD(h->count, 1);
}

void
metrics_conn_state(int from, int to)
{
	if (from >= 0 && from < METRICS_NSTATES)
		ADD(metrics.conns[from], -1);
	if (to >= 0 && to < METRICS_NSTATES)
		ADD(metrics.conns[to], 1);
	if (from == METRICS_NONE && to != METRICS_NONE)
		ADD(metrics.accepted, 1);
}

void
metrics_conn_refused(void)
{
	ADD(metrics.refused, 1);
}

void
metrics_handshake(int ok, int64_t ns)
{
	if (ok)
		metrics_observe(&metrics.handshake, ns);
	else
		ADD(metrics.handshake_failed, 1);
}

void
metrics_request(unsigned msg_case, int64_t ns, unsigned errors, int closed)
{
	if (msg_case >= METRICS_MSG_MAX)
		msg_case = 0;
	ADD(metrics.requests[msg_case], 1);
	if (errors > 0)
		ADD(metrics.errors[msg_case], errors);
	if (closed)
		ADD(metrics.closed[msg_case], 1);
	metrics_observe(&metrics.request, ns);
}

void
metrics_commit(int64_t ns)
{
	metrics_observe(&metrics.commit, ns);
}

void
metrics_audit_syslog(int ok)
{
	if (ok)
		ADD(metrics.syslog_sent, 1);
	else
		ADD(metrics.syslog_dropped, 1);
}

/* ---- the page */

static int __attribute__((__format__(__printf__, 2, 3)))
metrics_put(struct buf *out, const char *fmt, ...)
{
	char	line[512];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return CS_ERR_TOO_LARGE;
	return buf_put(out, line, (size_t)n);
}

static int
metrics_head(struct buf *out, const char *name, const char *type,
    const char *help)
{
	return metrics_put(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static int
metrics_hist_put(struct buf *out, const char *name, const char *help,
    struct metrics_hist *h)
{
	unsigned long long	cum = 0;
	size_t			i;
	int			r;

	if ((r = metrics_head(out, name, "histogram", help)) != 0)
		return r;
	for (i = 0; i < METRICS_NBOUNDS; i++) {
		cum += GET(h->bucket[i]);
		if ((r = metrics_put(out, "%s_bucket{le=\"%g\"} %llu\n", name,
		    (double)metrics_bounds_us[i] / 1e6, cum)) != 0)
			return r;
	}
	cum += GET(h->bucket[METRICS_NBOUNDS]);
	/* the count is read apart from the buckets: report the larger */
	if (GET(h->count) > cum)
		cum = GET(h->count);
	return metrics_put(out, "%s_bucket{le=\"+Inf\"} %llu\n"
	    "%s_sum %.9f\n%s_count %llu\n", name, cum, name,
	    (double)GET(h->sum_ns) / 1e9, name, cum);
}

/* The name of Envelope field "n": "push_request"; NULL if none. */
static const char *
metrics_msg_name(unsigned n)
{
	if (n == 0)
		return "undecodable";
	return msg_type_name((enum msg_type)n);
}

static int
metrics_by_msg(struct buf *out, const char *name, const char *type,
    const char *help, atomic_ullong *v)
{
	const char	*msg;
	unsigned	 i;
	int		 r;

	if ((r = metrics_head(out, name, type, help)) != 0)
		return r;
	for (i = 0; i < METRICS_MSG_MAX; i++) {
		if (GET(v[i]) == 0 || (msg = metrics_msg_name(i)) == NULL)
			continue;
		if ((r = metrics_put(out, "%s{type=\"%s\"} %llu\n", name, msg,
		    GET(v[i]))) != 0)
			return r;
	}
	return 0;
}

struct metrics_devices {
	unsigned long long	active, revoked;
};

static int
metrics_device_cb(const struct store_device *d, void *arg)
{
	struct metrics_devices	*n = arg;

	if (d->revoked)
		n->revoked++;
	else
		n->active++;
	return 0;
}

/* What the store knows: the audit log and the devices. */
static int
metrics_store(struct store *st, struct buf *out)
{
	struct merkle_frontier	*f = NULL;
	struct audit_checkpoint	 cp;
	struct metrics_devices	 nd = { 0, 0 };
	int			 r, have_cp;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = store_audit_state(st, f)) != 0)
		goto out;
	if ((r = store_audit_latest(st, &cp)) == CS_ERR_NOT_FOUND) {
		memset(&cp, 0, sizeof(cp));
		have_cp = 0;
	} else if (r != 0)
		goto out;
	else
		have_cp = 1;
	if ((r = store_device_list(st, metrics_device_cb, &nd)) != 0)
		goto out;
	if ((r = metrics_head(out, "casesyncd_audit_entries", "gauge",
	    "Entries in the audit log.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_audit_entries %llu\n",
	    (unsigned long long)f->size)) != 0 ||
	    (r = metrics_head(out, "casesyncd_audit_entries_pending", "gauge",
	    "Audit entries not yet covered by a signed checkpoint.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_audit_entries_pending %llu\n",
	    (unsigned long long)(f->size > (uint64_t)cp.size ?
	    f->size - (uint64_t)cp.size : 0))) != 0)
		goto out;
	if (have_cp &&
	    ((r = metrics_head(out, "casesyncd_audit_checkpoint_timestamp_"
	    "seconds", "gauge", "Time of the newest signed audit "
	    "checkpoint.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_audit_checkpoint_timestamp_"
	    "seconds %lld\n", (long long)cp.time)) != 0))
		goto out;
	if ((r = metrics_head(out, "casesyncd_devices", "gauge",
	    "Enrolled devices.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_devices{state=\"active\"} %llu\n"
	    "casesyncd_devices{state=\"revoked\"} %llu\n", nd.active,
	    nd.revoked)) != 0)
		goto out;
 out:
	free(f);
	return r;
}

int
metrics_render(struct server *srv, struct store *st, struct buf *out)
{
	int64_t	 srv_end, ca_end;
	int	 i, r;

	if ((r = metrics_head(out, "casesyncd_connections", "gauge",
	    "Open client connections by state.")) != 0)
		return r;
	for (i = 0; i < METRICS_NSTATES; i++) {
		long long v = GET(metrics.conns[i]);

		if ((r = metrics_put(out, "casesyncd_connections{state=\"%s\"} "
		    "%lld\n", metrics_state_name[i], v < 0 ? 0 : v)) != 0)
			return r;
	}
	if ((r = metrics_head(out, "casesyncd_sessions", "gauge",
	    "Connections past Hello (devices known).")) != 0 ||
	    (r = metrics_put(out, "casesyncd_sessions %lld\n",
	    (long long)GET(metrics.conns[METRICS_READY]))) != 0 ||
	    (r = metrics_head(out, "casesyncd_connections_accepted_total",
	    "counter", "Connections accepted.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_connections_accepted_total %llu\n",
	    GET(metrics.accepted))) != 0 ||
	    (r = metrics_head(out, "casesyncd_connections_refused_total",
	    "counter", "Connections refused by the connection limits.")) !=
	    0 ||
	    (r = metrics_put(out, "casesyncd_connections_refused_total %llu\n",
	    GET(metrics.refused))) != 0 ||
	    (r = metrics_head(out, "casesyncd_handshakes_failed_total",
	    "counter", "TLS handshakes that failed.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_handshakes_failed_total %llu\n",
	    GET(metrics.handshake_failed))) != 0 ||
	    (r = metrics_by_msg(out, "casesyncd_requests_total", "counter",
	    "Requests by message type.", metrics.requests)) != 0 ||
	    (r = metrics_by_msg(out, "casesyncd_errors_total", "counter",
	    "Error replies by the type of the request.", metrics.errors)) !=
	    0 ||
	    (r = metrics_by_msg(out, "casesyncd_request_closes_total",
	    "counter", "Requests that closed their connection.",
	    metrics.closed)) != 0 ||
	    (r = metrics_hist_put(out, "casesyncd_handshake_seconds",
	    "TLS handshake duration.", &metrics.handshake)) != 0 ||
	    (r = metrics_hist_put(out, "casesyncd_request_seconds",
	    "Request handling duration (to the reply queued).",
	    &metrics.request)) != 0 ||
	    (r = metrics_hist_put(out, "casesyncd_store_commit_seconds",
	    "Store transaction commit duration.", &metrics.commit)) != 0)
		return r;
	if (srv->cfg.audit_syslog &&
	    ((r = metrics_head(out, "casesyncd_audit_syslog_total", "counter",
	    "Audit entries to syslog (audit_syslog): sent, or dropped "
	    "because syslog did not take them.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_audit_syslog_total{result="
	    "\"sent\"} %llu\ncasesyncd_audit_syslog_total{result="
	    "\"dropped\"} %llu\n", GET(metrics.syslog_sent),
	    GET(metrics.syslog_dropped))) != 0))
		return r;
	srv_end = __atomic_load_n(&srv->cert_not_after, __ATOMIC_RELAXED);
	if (srv->ca == NULL || pki_cert_not_after(srv->ca, &ca_end) != 0)
		ca_end = 0;
	if ((r = metrics_head(out, "casesyncd_certificate_expiry_timestamp_"
	    "seconds", "gauge", "End of validity (notAfter) of the server "
	    "and CA certificates.")) != 0 ||
	    (r = metrics_put(out, "casesyncd_certificate_expiry_timestamp_"
	    "seconds{cert=\"server\"} %lld\n"
	    "casesyncd_certificate_expiry_timestamp_seconds{cert=\"ca\"} "
	    "%lld\n", (long long)srv_end, (long long)ca_end)) != 0)
		return r;
	if (st != NULL && (r = metrics_store(st, out)) != 0)
		return r;
	return 0;
}
