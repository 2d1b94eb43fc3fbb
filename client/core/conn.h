/* SPDX-License-Identifier: ISC */
/*
 * conn.h - the client's connection to casesyncd: TCP, TLS 1.3 with the
 * pinned deployment CA, and request/reply exchange of Envelopes.
 * Blocking, with a timeout on every step.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "msg.h"
#include "pki.h"

#define CONN_TIMEOUT_MS		15000
/*
 * The TCP connection to one of several addresses (conn_open_any): a
 * short wait, then the next address.  CASESYNC_CONNECT_TIMEOUT_MS sets
 * it (CONN_CONNECT_MS_MIN..CONN_TIMEOUT_MS) for tests.
 */
#define CONN_CONNECT_MS		3000
#define CONN_CONNECT_MS_MIN	100
#define CONN_CLIENT_VERSION	"casesync 0.1.0"

struct conn;

struct conn_opts {
	const char	*server;	/* "host:port" or "[v6]:port" */
	const char	*server_name;	/* name to verify; NULL: the host */
	X509		*ca;		/* trust only this CA, or NULL and: */
	const uint8_t	*pin;		/* SHA-256 fingerprint of the CA */
	X509		*cert;		/* device certificate, or NULL */
	EVP_PKEY	*key;
	int		 timeout_ms;	/* 0: CONN_TIMEOUT_MS */
	int		 connect_ms;	/* TCP connect; 0: timeout_ms */
	uint64_t	 sync_counter;	/* Hello.sync_counter; 0: none */
};

/*
 * Connect and complete the TLS handshake with the server's identity
 * checked (CA and name).  CS_ERR_AUTH: the server is not who the pin
 * or CA says; CS_ERR_TLS: the handshake failed (e.g. refused our
 * certificate); CS_ERR_SYSTEM: no TCP connection.
 */
int	conn_open(const struct conn_opts *, struct conn **out);
/*
 * conn_open() to "addrs" (n of them) in order, o->server ignored and
 * o->connect_ms 0 meaning CONN_CONNECT_MS (or the environment's), until
 * one connects and its server proves to be o->server_name of o->ca
 * (both required: else CS_ERR_INTERNAL): the name verified is always
 * that one, never an address's host.  An
 * address that does not answer, refuses or fails the handshake is
 * logged at debug level (CS_ERR_AUTH, a server that is not who it
 * should be, as a warning) and the next is tried.  0: *out the
 * connection, *used the index of its address.  Else *out NULL and the
 * error: CS_ERR_EXPIRED or CS_ERR_ALLOC at once, CS_ERR_AUTH if any
 * address failed so, else the last one's; *tried says how many were.
 */
int	conn_open_any(const struct conn_opts *, const char *const *addrs,
	    size_t n, size_t *used, size_t *tried, struct conn **out);
/* The connect timeout of conn_open_any() in ms (CONN_CONNECT_MS). */
int	conn_connect_ms(void);
/* After a pinned handshake: the CA that matched (borrowed). */
X509	*conn_ca(struct conn *);
/*
 * Send "req" (its id is assigned here) and wait for the reply with the
 * same id.  0: *reply is the answer; CS_ERR_PEER: *reply is an Error;
 * CS_ERR_RETRY: *reply is an Error whose code msg_code_retryable()
 * calls retryable; other codes: no reply (*reply NULL).  Read an Error
 * with msg_get_error(); release *reply with msg_free().
 *
 * conn_rpc_send and conn_rpc_wait are its two halves, for pipelining:
 * replies to other ids are dropped, so at most one request may be in
 * flight when another conn_rpc is made.
 */
int	conn_rpc(struct conn *, const struct msg_out *req, struct msg **reply);
int	conn_rpc_send(struct conn *, const struct msg_out *req, uint32_t *id);
int	conn_rpc_wait(struct conn *, uint32_t id, struct msg **reply);
/*
 * conn_rpc(), then check that the reply is a "want": anything else is
 * CS_ERR_PROTOCOL (and *reply NULL).  An Error is returned as by
 * conn_rpc().
 */
int	rpc_call_expect(struct conn *, const struct msg_out *req,
	    enum msg_type want, struct msg **reply);
/*
 * Which run of the server this connection reached, from its Welcome
 * (docs/PROTOCOL.md, "Restore"): all 0 before the server's first
 * restore, and before conn_welcome().
 */
struct conn_server {
	int64_t	generation;
	int64_t	restore_seq;	/* versions above it before were lost */
	int64_t	backup_time;
	int64_t	server_seq;	/* the newest seq at Welcome */
};
void	conn_server(const struct conn *, struct conn_server *);

/*
 * Hello/Welcome.  *welcome as for conn_rpc; read it with
 * msg_get_welcome() (msg_session.h).  A reply other than Welcome or
 * Error is CS_ERR_PROTOCOL.
 */
int	conn_welcome(struct conn *, const char *device_id,
	    struct msg **welcome);
/*
 * For tests of the server's defences: write raw bytes, and read the
 * next Envelope whatever its id (CS_ERR_CLOSED when the server hung up).
 */
int	conn_send_raw(struct conn *, const void *, size_t);
int	conn_recv(struct conn *, struct msg **);
/* Receive timeout from now on (for watch mode's polling). */
int	conn_set_timeout(struct conn *, int ms);
/* 1 if a Notify arrived (and was skipped) during a call; resets. */
int	conn_take_notified(struct conn *);
/* 1 if received bytes wait to be decoded. */
int	conn_pending(struct conn *);
void	conn_close(struct conn *);		/* NULL is a no-op */

/* Split "host:port"; 0 or CS_ERR_FORMAT. */
int	conn_split(const char *server, char *host, size_t hostlen,
	    char *port, size_t portlen);

#endif /* CONN_H */
