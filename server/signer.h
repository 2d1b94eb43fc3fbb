/* SPDX-License-Identifier: ISC */
/*
 * signer.h - privilege separation of casesyncd: the device CA key
 * (ca.key) and the audit signing key (audit.key) live in a small
 * process of their own, forked before anything is read from the
 * network.  The network process asks it over a SOCK_SEQPACKET
 * socketpair, one request at a time, for a fixed set of signatures;
 * it never sees the keys (docs/SIGNER.md).
 *
 * Messages (integers big endian; every length is checked exactly on
 * both sides):
 *   request  = type (1 byte) || body
 *   reply    = status (1 byte) || body
 *   READY    (signer -> server, once): status || audit public key (32)
 *   CERT     body: DER SubjectPublicKeyInfo (1..PKI_CSR_MAX);
 *            reply: DER device certificate (the signer fixes the
 *            subject, the lifetime and the extensions)
 *   USERCERT body: name length (1) || name || box_pk (32) ||
 *            sign_pk (32) || issued (8); reply: the CA's signature
 *   CHECKPOINT body: size (8) || root (32) || time (8); reply: the
 *            Ed25519 signature (64).  Refused unless it extends the last
 *            checkpoint the signer signed (size not smaller, and the same
 *            root at the same size) and its time is within
 *            SIGNER_CLOCK_SKEW of the signer's clock.
 *   FILE     body: file id (1): server.crt or server.key, for a SIGHUP
 *            reload (the network process cannot open files); reply:
 *            the PEM bytes (at most PKI_PEM_MAX).
 */
#ifndef SIGNER_H
#define SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki.h"

struct audit_checkpoint;
struct audit_key;
struct buf;
struct config;
struct e2e_usercert;

#define SIGNER_CERT		1
#define SIGNER_USERCERT		2
#define SIGNER_CHECKPOINT	3
#define SIGNER_FILE		4

#define SIGNER_OK		0
#define SIGNER_REFUSED		1	/* the request is not acceptable */
#define SIGNER_FAILED		2	/* could not do it (I/O, crypto) */

#define SIGNER_FILE_SERVER_CRT	1
#define SIGNER_FILE_SERVER_KEY	2

#define SIGNER_CP_BODY		(8 + 32 + 8)
#define SIGNER_CLOCK_SKEW	300	/* seconds, checkpoint and usercert */
#define SIGNER_MSG_MAX		(1 + PKI_PEM_MAX)

/* What the signer process holds. */
struct signer_keys {
	const struct config	*cfg;
	X509			*ca;
	EVP_PKEY		*ca_key;
	struct audit_key	*audit_key;
	int			 have_last;	/* a checkpoint signed before */
	int64_t			 last_size;
	uint8_t			 last_root[32];
};

/*
 * Serve requests on "fd" until the other end closes it (0) or a read
 * fails (CS_ERR_SYSTEM).  A malformed request gets SIGNER_REFUSED and
 * the loop goes on.  The process part (signer_start) and the unit
 * tests run this.
 */
int	signer_serve(int fd, struct signer_keys *k);
/* Handle one request of "len" bytes; the reply goes to rep, its length to replen. */
void	signer_handle(struct signer_keys *k, const uint8_t *req, size_t len,
	    uint8_t *rep, size_t *replen);

struct signer;

/*
 * Fork the signer: the child loads ca.key and audit.key (creating the
 * audit key of an older deployment), drops privileges, enters its own
 * seccomp filter and serves; the parent waits for READY and gets the
 * handle, and in *akey an audit key that signs through the signer and
 * writes audit-checkpoints.log.  Fatal on any failure (startup).
 */
struct signer	*signer_start(const struct config *c, struct audit_key **akey);
/* Close the socket (the signer then exits) and free; NULL: no-op. */
void	signer_free(struct signer *);
/* The signer's process id (tests, logs). */
int	signer_pid(const struct signer *);

/*
 * The requests.  0 or CS_ERR_*: CS_ERR_FORMAT when the signer refused,
 * CS_ERR_CRYPTO when it failed, CS_ERR_SYSTEM when it is gone (logged
 * loudly once; main.c stops the server on SIGCHLD).  Thread-safe: one request
 * in flight at a time.
 */
int	signer_cert_issue(struct signer *, EVP_PKEY *pub, X509 **out);
int	signer_usercert_sign(struct signer *, struct e2e_usercert *c);
int	signer_checkpoint_sign(struct signer *, struct audit_checkpoint *cp);
int	signer_file(struct signer *, int id, struct buf **out);
/*
 * For srvfiles_via() once the TLS context is made: a SIGHUP reload
 * reads "server.crt" and "server.key" (nothing else) through the
 * signer ("arg").
 */
int	signer_fetch(void *arg, const char *name, struct buf **out);

#endif /* SIGNER_H */
