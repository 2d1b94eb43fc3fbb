/* SPDX-License-Identifier: ISC */
/*
 * metrics.h - counters for monitoring (docs/ADMIN.md, "Metrics") and
 * the optional metrics_listen page that shows them in the Prometheus
 * text format.  The counters are process-wide relaxed atomics: any
 * worker adds, the page sums nothing and reads them as they are.
 */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct server;
struct store;

/* Connection states as session.c has them; METRICS_NONE: not yet / gone. */
enum metrics_conn {
	METRICS_HANDSHAKE,
	METRICS_HELLO,
	METRICS_READY,
	METRICS_CLOSING,
	METRICS_NSTATES,
	METRICS_NONE = -1,
};

/* Envelope field numbers below this are counted by name. */
#define METRICS_MSG_MAX		128

/* Monotonic nanoseconds. */
int64_t	metrics_now_ns(void);
/* A connection moved from state "from" to "to" (either METRICS_NONE). */
void	metrics_conn_state(int from, int to);
/* A connection refused before its session (limits). */
void	metrics_conn_refused(void);
/* A TLS handshake ended: its duration (ok) or a failure. */
void	metrics_handshake(int ok, int64_t ns);
/*
 * A request of Envelope field "msg_case" (0: did not decode) took "ns";
 * "errors" Error replies were written for it, "closed" if it ended the
 * connection.
 */
void	metrics_request(unsigned msg_case, int64_t ns, unsigned errors,
	    int closed);
/* A store transaction committed after "ns" (store.c). */
void	metrics_commit(int64_t ns);
/* An audit entry sent to syslog ("ok"), or dropped (audit_syslog.c). */
void	metrics_audit_syslog(int ok);

/*
 * The page: every metric in the text exposition format 0.0.4 into
 * "out"; "st" (may be NULL) for the audit log and devices.
 */
int	metrics_render(struct server *, struct store *st, struct buf *out);

/* The listener (metrics_http.c); NULL when metrics_listen is off. */
struct metrics_http;
/* Bind metrics_listen and open a store; before the sandbox. */
int	metrics_http_init(struct server *, struct metrics_http **out);
/* Serve in a thread of its own (after the sandbox); NULL is a no-op. */
int	metrics_http_start(struct metrics_http *);
/* Stop, join, close, free; NULL is a no-op. */
void	metrics_http_stop(struct metrics_http *);

#endif /* METRICS_H */
