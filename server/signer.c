/* SPDX-License-Identifier: ISC */
/*
 * signer.c - the signer process of casesyncd and the network
 * process's side of it (see signer.h, docs/SIGNER.md).
 *
 * The signer is forked in main() before the TLS context is made and
 * before anything listens: it loads ca.crt, ca.key and audit.key
 * itself, so the network process never has the private keys in its
 * address space.  It builds device certificates from nothing but the
 * public key it is sent (fixed subject, the configured lifetime), signs
 * E2E user certificates whose time is now, and signs audit checkpoints
 * that extend the last one it signed.  It runs as the server's user,
 * not dumpable (the network process, same uid, cannot ptrace it or read
 * its /proc/PID/mem), under its own seccomp filter.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "audit.h"
#include "audit_witness.h"
#include "buf.h"
#include "config.h"
#include "e2e.h"
#include "errors.h"
#include "log.h"
#include "pki.h"
#include "sandbox.h"
#include "signer.h"
#include "srvfiles.h"
#include "util.h"
#include "validate.h"

#define SIGNER_DEVICE_CN	"casesync device"
#define SIGNER_USER_MAX		255	/* struct e2e_usercert's user */

struct signer {
	int		 fd;
	pid_t		 pid;
	pthread_mutex_t	 lock;		/* one request in flight */
	int		 gone;		/* under lock: logged once */
};

/* ---- the signer process ---- */

static void
signer_refuse(uint8_t *rep, size_t *replen, uint8_t status, const char *why)
{
	log_warnx("signer: request refused: %s", why);
	rep[0] = status;
	*replen = 1;
}

static void
signer_do_cert(struct signer_keys *k, const uint8_t *b, size_t len,
    uint8_t *rep, size_t *replen)
{
	const unsigned char	*p = b;
	EVP_PKEY		*pub = NULL;
	X509			*cert = NULL;
	uint8_t			*der = NULL;
	size_t			 derlen = 0;
	int			 r;

	if (len < 1 || len > PKI_CSR_MAX ||
	    (pub = d2i_PUBKEY(NULL, &p, (long)len)) == NULL ||
	    p != b + len) {
		ERR_clear_error();
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "certificate: not a public key");
		goto out;
	}
	/* pki_cert_issue refuses keys other than P-256 and Ed25519 */
	r = pki_cert_issue(k->ca, k->ca_key, pub, SIGNER_DEVICE_CN, NULL,
	    k->cfg->device_cert_lifetime, &cert);
	if (r == CS_ERR_FORMAT) {
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "certificate: key type");
		goto out;
	}
	if (r != 0 || pki_cert_to_der(cert, &der, &derlen) != 0 ||
	    derlen > SIGNER_MSG_MAX - 1) {
		signer_refuse(rep, replen, SIGNER_FAILED,
		    "certificate: cannot issue");
		goto out;
	}
	rep[0] = SIGNER_OK;
	memcpy(rep + 1, der, derlen);
	*replen = 1 + derlen;
 out:
	OPENSSL_free(der);
	X509_free(cert);
	EVP_PKEY_free(pub);
}

static int
signer_time_ok(int64_t t)
{
	int64_t	now = time_now();

	return t >= now - SIGNER_CLOCK_SKEW && t <= now + SIGNER_CLOCK_SKEW;
}

static void
signer_do_usercert(struct signer_keys *k, const uint8_t *b, size_t len,
    uint8_t *rep, size_t *replen)
{
	struct e2e_usercert	 c;
	const char		*why;
	size_t			 nl;

	memset(&c, 0, sizeof(c));
	if (len < 1 || (nl = b[0]) == 0 || nl > SIGNER_USER_MAX ||
	    len != 1 + nl + 2 * E2E_PK_LEN + 8) {
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "user certificate: length");
		return;
	}
	memcpy(c.user, b + 1, nl);
	c.user[nl] = '\0';
	if (memchr(b + 1, '\0', nl) != NULL ||
	    validate_name(c.user, SIGNER_USER_MAX, &why) != 0) {
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "user certificate: user name");
		return;
	}
	memcpy(c.box_pk, b + 1 + nl, E2E_PK_LEN);
	memcpy(c.sign_pk, b + 1 + nl + E2E_PK_LEN, E2E_PK_LEN);
	c.issued = (int64_t)buf_load_u64(b + 1 + nl + 2 * E2E_PK_LEN);
	if (!signer_time_ok(c.issued)) {
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "user certificate: time");
		return;
	}
	if (e2e_usercert_sign(k->ca_key, &c) != 0) {
		signer_refuse(rep, replen, SIGNER_FAILED,
		    "user certificate: cannot sign");
		return;
	}
	rep[0] = SIGNER_OK;
	memcpy(rep + 1, c.sig, c.siglen);
	*replen = 1 + c.siglen;
}

static void
signer_do_checkpoint(struct signer_keys *k, const uint8_t *b, size_t len,
    uint8_t *rep, size_t *replen)
{
	struct audit_checkpoint	cp;
	uint64_t		size;

	memset(&cp, 0, sizeof(cp));
	if (len != SIGNER_CP_BODY) {
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "checkpoint: length");
		return;
	}
	size = buf_load_u64(b);
	if (size > INT64_MAX) {
		signer_refuse(rep, replen, SIGNER_REFUSED, "checkpoint: size");
		return;
	}
	cp.size = (int64_t)size;
	memcpy(cp.root, b + 8, MERKLE_HASH_LEN);
	cp.time = (int64_t)buf_load_u64(b + 8 + MERKLE_HASH_LEN);
	if (!signer_time_ok(cp.time)) {
		signer_refuse(rep, replen, SIGNER_REFUSED, "checkpoint: time");
		return;
	}
	/* never two different trees of one size, never a shorter one */
	if (k->have_last && (cp.size < k->last_size ||
	    (cp.size == k->last_size && sodium_memcmp(cp.root, k->last_root,
	    MERKLE_HASH_LEN) != 0))) {
		signer_refuse(rep, replen, SIGNER_REFUSED,
		    "checkpoint: does not extend the last one signed");
		return;
	}
	if (audit_checkpoint_sign(k->audit_key, &cp) != 0) {
		signer_refuse(rep, replen, SIGNER_FAILED,
		    "checkpoint: cannot sign");
		return;
	}
	k->have_last = 1;
	k->last_size = cp.size;
	memcpy(k->last_root, cp.root, MERKLE_HASH_LEN);
	rep[0] = SIGNER_OK;
	memcpy(rep + 1, cp.sig, AUDIT_SIG_LEN);
	*replen = 1 + AUDIT_SIG_LEN;
	sodium_memzero(&cp, sizeof(cp));
}

static void
signer_do_file(struct signer_keys *k, const uint8_t *b, size_t len,
    uint8_t *rep, size_t *replen)
{
	struct buf	*f = NULL;
	const char	*name;
	char		 path[CONFIG_PATH_MAX + 32];

	if (len != 1 || (b[0] != SIGNER_FILE_SERVER_CRT &&
	    b[0] != SIGNER_FILE_SERVER_KEY)) {
		signer_refuse(rep, replen, SIGNER_REFUSED, "file: which");
		return;
	}
	name = b[0] == SIGNER_FILE_SERVER_CRT ? "server.crt" : "server.key";
	if (config_path(k->cfg, name, path, sizeof(path)) != 0 ||
	    file_read(path, PKI_PEM_MAX, &f) != 0 ||
	    buf_len(f) > SIGNER_MSG_MAX - 1) {
		log_warnx("signer: %s: cannot read: %s", name,
		    strerror(errno));
		rep[0] = SIGNER_FAILED;
		*replen = 1;
		goto out;
	}
	rep[0] = SIGNER_OK;
	memcpy(rep + 1, buf_ptr(f), buf_len(f));
	*replen = 1 + buf_len(f);
 out:
	buf_free_wipe(f);
}

void
signer_handle(struct signer_keys *k, const uint8_t *req, size_t len,
    uint8_t *rep, size_t *replen)
{
	if (len < 1) {
		signer_refuse(rep, replen, SIGNER_REFUSED, "empty");
		return;
	}
	switch (req[0]) {
	case SIGNER_CERT:
		signer_do_cert(k, req + 1, len - 1, rep, replen);
		break;
	case SIGNER_USERCERT:
		signer_do_usercert(k, req + 1, len - 1, rep, replen);
		break;
	case SIGNER_CHECKPOINT:
		signer_do_checkpoint(k, req + 1, len - 1, rep, replen);
		break;
	case SIGNER_FILE:
		signer_do_file(k, req + 1, len - 1, rep, replen);
		break;
	default:
		signer_refuse(rep, replen, SIGNER_REFUSED, "unknown type");
		break;
	}
}

int
signer_serve(int fd, struct signer_keys *k)
{
	uint8_t		*req = NULL, *rep = NULL;
	size_t		 replen;
	ssize_t		 n;
	int		 r = CS_ERR_ALLOC;

	/* one byte more than the largest request: a longer one truncates */
	if ((req = sodium_malloc(SIGNER_MSG_MAX + 1)) == NULL ||
	    (rep = sodium_malloc(SIGNER_MSG_MAX)) == NULL)
		goto out;
	for (;;) {
		n = recv(fd, req, SIGNER_MSG_MAX + 1, MSG_TRUNC);
		if (n == 0) {
			r = 0;
			break;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = CS_ERR_SYSTEM;
			break;
		}
		replen = 0;
		if ((size_t)n > SIGNER_MSG_MAX)
			signer_refuse(rep, &replen, SIGNER_REFUSED,
			    "too long");
		else
			signer_handle(k, req, (size_t)n, rep, &replen);
		if (send(fd, rep, replen, MSG_NOSIGNAL) != (ssize_t)replen) {
			r = CS_ERR_SYSTEM;
			break;
		}
		sodium_memzero(rep, replen);
	}
 out:
	sodium_free(req);
	sodium_free(rep);
	return r;
}

/*
 * Exercise every code path once before the filter goes on, so that
 * OpenSSL's lazy initialisation (providers, encoders, the DRBG) is done
 * with the system calls it needs.
 */
static void
signer_warm(struct signer_keys *k)
{
	EVP_PKEY		*key = NULL;
	X509			*cert = NULL;
	struct e2e_usercert	 c;

	memset(&c, 0, sizeof(c));
	(void)str_fmt(c.user, sizeof(c.user), "warm-up");
	c.issued = time_now();
	if (pki_key_new(&key) != 0 || pki_cert_issue(k->ca, k->ca_key, key,
	    SIGNER_DEVICE_CN, NULL, k->cfg->device_cert_lifetime, &cert) != 0
	    || e2e_usercert_sign(k->ca_key, &c) != 0)
		fatalx("signer: cannot sign with ca.key");
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void __attribute__((__noreturn__))
signer_child(const struct config *c, int fd)
{
	struct signer_keys	 k;
	struct audit_checkpoint	 last;
	uint8_t			 ready[1 + AUDIT_PK_LEN];
	char			 err[CONFIG_PATH_MAX + 128];
	int			 r;

	/* die with the network process, not after it */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) == -1)
		fatal("signer: PR_SET_PDEATHSIG");
	if (getppid() == 1)
		_exit(1);
	/* the network process (same uid) may not ptrace this one */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("signer: PR_SET_DUMPABLE");
	memset(&k, 0, sizeof(k));
	k.cfg = c;
	if (srvfiles_cert(c, "ca.crt", &k.ca, err, sizeof(err)) != 0 ||
	    srvfiles_key(c, "ca.key", &k.ca_key, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (X509_check_private_key(k.ca, k.ca_key) != 1)
		fatalx("ca.key does not match ca.crt");
	if ((r = audit_key_open(c->data_dir, &k.audit_key)) != 0)
		fatalx("%s: cannot load or create the audit key: %s",
		    c->data_dir, cs_why(r));
	if ((r = audit_key_last(k.audit_key, &last)) == 0) {
		k.have_last = 1;
		k.last_size = last.size;
		memcpy(k.last_root, last.root, MERKLE_HASH_LEN);
	} else if (r != CS_ERR_NOT_FOUND)
		fatalx("%s: %s: %s", c->data_dir, AUDIT_CP_FILE, cs_why(r));
	signer_warm(&k);
	sandbox_enter_signer(c);
	ready[0] = SIGNER_OK;
	audit_key_public(k.audit_key, ready + 1);
	if (send(fd, ready, sizeof(ready), MSG_NOSIGNAL) != sizeof(ready))
		_exit(1);
	r = signer_serve(fd, &k);
	audit_key_wipe(k.audit_key);
	EVP_PKEY_free(k.ca_key);
	_exit(r == 0 ? 0 : 1);
}

/* ---- the network process's side ---- */

/* audit_key_remote(): checkpoints of the network process go here. */
static int
signer_cp_cb(void *arg, struct audit_checkpoint *cp)
{
	return signer_checkpoint_sign(arg, cp);
}

/* Send "req", wait for the reply.  0 or CS_ERR_*. */
static int
signer_call(struct signer *s, const uint8_t *req, size_t len, uint8_t *rep,
    size_t max, size_t *replen)
{
	ssize_t	n;
	int	r = CS_ERR_SYSTEM;

	*replen = 0;
	pthread_mutex_lock(&s->lock);
	if (s->gone)
		goto out;
	if (send(s->fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		goto gone;
	do
		n = recv(s->fd, rep, max, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		goto gone;
	if ((size_t)n > max || rep[0] > SIGNER_FAILED) {
		r = CS_ERR_PROTOCOL;	/* the signer does not do that */
		goto gone;
	}
	*replen = (size_t)n;
	r = rep[0] == SIGNER_OK ? 0 : rep[0] == SIGNER_REFUSED ?
	    CS_ERR_FORMAT : CS_ERR_CRYPTO;
	goto out;
 gone:
	s->gone = 1;
	/* main() sees SIGCHLD and stops the server (systemd restarts it) */
	log_warnx("SIGNER PROCESS %ld IS GONE: nothing can be signed until "
	    "casesyncd is restarted", (long)s->pid);
 out:
	pthread_mutex_unlock(&s->lock);
	return r;
}

struct signer *
signer_start(const struct config *c, struct audit_key **akey)
{
	struct signer	*s;
	uint8_t		 ready[1 + AUDIT_PK_LEN + 1];
	int		 sv[2];
	ssize_t		 n;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("signer");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("signer: socketpair");
	if (pthread_mutex_init(&s->lock, NULL) != 0)
		fatalx("signer: pthread_mutex_init");
	switch ((s->pid = fork())) {
	case -1:
		fatal("signer: fork");
	case 0:
		close(sv[0]);
		signer_child(c, sv[1]);
	default:
		break;
	}
	close(sv[1]);
	s->fd = sv[0];
	do
		n = recv(s->fd, ready, sizeof(ready), 0);
	while (n < 0 && errno == EINTR);
	if (n != 1 + AUDIT_PK_LEN || ready[0] != SIGNER_OK) {
		(void)waitpid(s->pid, NULL, 0);
		fatalx("the signer process did not start (see above)");
	}
	if (audit_key_remote(c->data_dir, ready + 1, signer_cp_cb, s,
	    akey) != 0)
		fatalx("%s: the audit checkpoint file", c->data_dir);
	log_info("signer process %ld holds ca.key and audit.key",
	    (long)s->pid);
	return s;
}

void
signer_free(struct signer *s)
{
	if (s == NULL)
		return;
	(void)close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int
signer_pid(const struct signer *s)
{
	return (int)s->pid;
}

int
signer_cert_issue(struct signer *s, EVP_PKEY *pub, X509 **out)
{
	uint8_t		 req[1 + PKI_CSR_MAX], rep[1 + PKI_CERT_MAX];
	unsigned char	*p = NULL;
	size_t		 replen;
	int		 len, r;

	*out = NULL;
	if ((len = i2d_PUBKEY(pub, NULL)) <= 0 || len > PKI_CSR_MAX) {
		ERR_clear_error();
		return CS_ERR_FORMAT;
	}
	req[0] = SIGNER_CERT;
	p = req + 1;
	if (i2d_PUBKEY(pub, &p) != len) {
		ERR_clear_error();
		return CS_ERR_FORMAT;
	}
	if ((r = signer_call(s, req, 1 + (size_t)len, rep, sizeof(rep),
	    &replen)) != 0)
		return r;
	if (replen < 2 || pki_cert_from_der(rep + 1, replen - 1, out) != 0)
		return CS_ERR_PROTOCOL;
	return 0;
}

int
signer_usercert_sign(struct signer *s, struct e2e_usercert *c)
{
	uint8_t	req[2 + SIGNER_USER_MAX + 2 * E2E_PK_LEN + 8];
	uint8_t	rep[1 + E2E_CERT_SIG_MAX];
	size_t	nl, replen;
	int	r;

	memset(c->sig, 0, sizeof(c->sig));
	c->siglen = 0;
	if ((nl = strnlen(c->user, sizeof(c->user))) == 0 ||
	    nl > SIGNER_USER_MAX)
		return CS_ERR_FORMAT;
	req[0] = SIGNER_USERCERT;
	req[1] = (uint8_t)nl;
	memcpy(req + 2, c->user, nl);
	memcpy(req + 2 + nl, c->box_pk, E2E_PK_LEN);
	memcpy(req + 2 + nl + E2E_PK_LEN, c->sign_pk, E2E_PK_LEN);
	buf_store_u64(req + 2 + nl + 2 * E2E_PK_LEN, (uint64_t)c->issued);
	if ((r = signer_call(s, req, 2 + nl + 2 * E2E_PK_LEN + 8, rep,
	    sizeof(rep), &replen)) != 0)
		return r;
	if (replen < 2 || replen - 1 > sizeof(c->sig))
		return CS_ERR_PROTOCOL;
	memcpy(c->sig, rep + 1, replen - 1);
	c->siglen = replen - 1;
	return 0;
}

int
signer_checkpoint_sign(struct signer *s, struct audit_checkpoint *cp)
{
	uint8_t	req[1 + SIGNER_CP_BODY], rep[1 + AUDIT_SIG_LEN + 1];
	size_t	replen;
	int	r;

	if (cp->size < 0)
		return CS_ERR_FORMAT;
	req[0] = SIGNER_CHECKPOINT;
	buf_store_u64(req + 1, (uint64_t)cp->size);
	memcpy(req + 9, cp->root, MERKLE_HASH_LEN);
	buf_store_u64(req + 9 + MERKLE_HASH_LEN, (uint64_t)cp->time);
	if ((r = signer_call(s, req, sizeof(req), rep, sizeof(rep),
	    &replen)) != 0) {
		log_warnx("audit: the signer did not sign the checkpoint of "
		    "size %lld: %s", (long long)cp->size, cs_err(r));
		return r;
	}
	if (replen != 1 + AUDIT_SIG_LEN)
		return CS_ERR_PROTOCOL;
	memcpy(cp->sig, rep + 1, AUDIT_SIG_LEN);
	return 0;
}

int
signer_file(struct signer *s, int id, struct buf **out)
{
	uint8_t	 req[2], *rep;
	size_t	 replen;
	int	 r;

	*out = NULL;
	/* not sodium_malloc: the sandbox has no mlock(2) */
	if ((rep = malloc(SIGNER_MSG_MAX)) == NULL)
		return CS_ERR_ALLOC;
	req[0] = SIGNER_FILE;
	req[1] = (uint8_t)id;
	if ((r = signer_call(s, req, sizeof(req), rep, SIGNER_MSG_MAX,
	    &replen)) != 0)
		goto out;
	if (replen < 2) {
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	if ((*out = buf_new(replen - 1)) == NULL ||
	    (r = buf_put(*out, rep + 1, replen - 1)) != 0) {
		buf_free_wipe(*out);
		*out = NULL;
		r = CS_ERR_ALLOC;
		goto out;
	}
	r = 0;
 out:
	sodium_memzero(rep, SIGNER_MSG_MAX);
	free(rep);
	return r;
}

int
signer_fetch(void *arg, const char *name, struct buf **out)
{
	if (strcmp(name, "server.crt") == 0)
		return signer_file(arg, SIGNER_FILE_SERVER_CRT, out);
	if (strcmp(name, "server.key") == 0)
		return signer_file(arg, SIGNER_FILE_SERVER_KEY, out);
	*out = NULL;
	return CS_ERR_FORMAT;
}
