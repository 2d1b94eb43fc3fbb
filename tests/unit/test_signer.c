/* SPDX-License-Identifier: ISC */
/*
 * test_signer.c - the signer process (server/signer.c): what it
 * signs and what it refuses, request by request (signer_handle), over
 * its socket (signer_serve in a child), and the whole process as
 * casesyncd starts it (signer_start), down to its death.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
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
#include "signer.h"
#include "srvfiles.h"
#include "test.h"
#include "util.h"

static char		 dir[] = "/tmp/test_signer.XXXXXX";
static struct config	 cfg;
static X509		*ca;
static EVP_PKEY		*cakey;
static uint8_t		 rep[SIGNER_MSG_MAX];
static size_t		 replen;

static void
put64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void
write_pem(const char *name, const char *pem, size_t len)
{
	char	path[CONFIG_PATH_MAX + 32];

	ASSERT_INT_EQ(config_path(&cfg, name, path, sizeof(path)), 0);
	ASSERT_INT_EQ(file_write_atomic(path, pem, len, 0600, 0), 0);
}

static void
setup(void)
{
	char	*pem = NULL;
	size_t	 len;

	ASSERT_PTR_NE(mkdtemp(dir), NULL);
	config_defaults(&cfg);
	ASSERT_INT_EQ(str_fmt(cfg.data_dir, sizeof(cfg.data_dir), "%s", dir),
	    0);
	ASSERT_INT_EQ(pki_key_new(&cakey), 0);
	ASSERT_INT_EQ(pki_ca_create(cakey, "test CA", 365, &ca), 0);
	ASSERT_INT_EQ(pki_key_to_pem(cakey, &pem, &len), 0);
	write_pem("ca.key", pem, len);
	pki_pem_free(pem);
	ASSERT_INT_EQ(pki_cert_to_pem(ca, &pem, &len), 0);
	write_pem("ca.crt", pem, len);
	free(pem);
	ASSERT_INT_EQ(audit_key_create(dir), 0);
}

static void
keys_init(struct signer_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->cfg = &cfg;
	k->ca = ca;
	k->ca_key = cakey;
	ASSERT_INT_EQ(audit_key_open(dir, &k->audit_key), 0);
}

static void
handle(struct signer_keys *k, const uint8_t *req, size_t len)
{
	replen = 0;
	signer_handle(k, req, len, rep, &replen);
	ASSERT_TRUE(replen >= 1);
}

static size_t
spki(EVP_PKEY *key, uint8_t *req)
{
	unsigned char	*p = req + 1;
	int		 n;

	req[0] = SIGNER_CERT;
	n = i2d_PUBKEY(key, &p);
	ASSERT_TRUE(n > 0);
	return 1 + (size_t)n;
}

static void
test_cert(struct signer_keys *k)
{
	EVP_PKEY	*dev = NULL, *x = NULL;
	X509		*cert = NULL;
	X509_NAME	*subj;
	uint8_t		 req[1 + PKI_CSR_MAX + 1];
	char		 cn[80];
	int64_t		 life;
	size_t		 n;

	TEST_START("signer: device certificate from a public key only");
	ASSERT_INT_EQ(pki_key_new(&dev), 0);
	n = spki(dev, req);
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_OK);
	ASSERT_INT_EQ(pki_cert_from_der(rep + 1, replen - 1, &cert), 0);
	ASSERT_INT_EQ(X509_verify(cert, cakey), 1);
	ASSERT_INT_EQ(X509_check_private_key(cert, dev), 1);
	ASSERT_PTR_NE(subj = X509_get_subject_name(cert), NULL);
	ASSERT_TRUE(X509_NAME_get_text_by_NID(subj, NID_commonName, cn,
	    sizeof(cn)) > 0);
	ASSERT_STR_EQ(cn, "casesync device");
	ASSERT_INT_EQ(pki_cert_lifetime(cert, &life), 0);
	ASSERT_INT_EQ(life, cfg.device_cert_lifetime);
	/* a byte after the key, a byte missing, garbage, nothing */
	req[n] = 0;
	handle(k, req, n + 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	ASSERT_INT_EQ(replen, 1);
	handle(k, req, n - 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	memset(req + 1, 0x30, 40);
	handle(k, req, 41);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	handle(k, req, 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	/* a key type the deployment does not use */
	ASSERT_PTR_NE(x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519"), NULL);
	n = spki(x, req);
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	X509_free(cert);
	EVP_PKEY_free(dev);
	EVP_PKEY_free(x);
	TEST_DONE();
}

static size_t
usercert_req(uint8_t *req, const char *user, int64_t issued)
{
	size_t	nl = strlen(user);

	req[0] = SIGNER_USERCERT;
	req[1] = (uint8_t)nl;
	memcpy(req + 2, user, nl);
	memset(req + 2 + nl, 0xb0, E2E_PK_LEN);
	memset(req + 2 + nl + E2E_PK_LEN, 0x5e, E2E_PK_LEN);
	put64(req + 2 + nl + 2 * E2E_PK_LEN, (uint64_t)issued);
	return 2 + nl + 2 * E2E_PK_LEN + 8;
}

static void
test_usercert(struct signer_keys *k)
{
	struct e2e_usercert	c;
	uint8_t			req[512];
	size_t			n;

	TEST_START("signer: user certificates of now, for a valid name");
	n = usercert_req(req, "j.devries", time_now());
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_OK);
	memset(&c, 0, sizeof(c));
	memcpy(c.user, "j.devries", 10);
	memset(c.box_pk, 0xb0, E2E_PK_LEN);
	memset(c.sign_pk, 0x5e, E2E_PK_LEN);
	c.issued = (int64_t)(((uint64_t)req[2 + 9 + 64] << 56) |
	    ((uint64_t)req[2 + 9 + 65] << 48) | ((uint64_t)req[2 + 9 + 66] <<
	    40) | ((uint64_t)req[2 + 9 + 67] << 32) | ((uint64_t)req[2 + 9 +
	    68] << 24) | ((uint64_t)req[2 + 9 + 69] << 16) |
	    ((uint64_t)req[2 + 9 + 70] << 8) | req[2 + 9 + 71]);
	memcpy(c.sig, rep + 1, replen - 1);
	c.siglen = replen - 1;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &c), 0);
	/* an old or future time: the network process cannot back-date */
	n = usercert_req(req, "j.devries", time_now() - 2 * SIGNER_CLOCK_SKEW);
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	n = usercert_req(req, "j.devries", time_now() + 2 * SIGNER_CLOCK_SKEW);
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	/* a name with a control character, a NUL, an empty one */
	n = usercert_req(req, "j.de\nvries", time_now());
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	n = usercert_req(req, "j.devries", time_now());
	req[5] = '\0';
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	n = usercert_req(req, "", time_now());
	handle(k, req, n);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	/* the length must be exact */
	n = usercert_req(req, "j.devries", time_now());
	handle(k, req, n - 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	handle(k, req, n + 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	TEST_DONE();
}

static void
cp_req(uint8_t *req, uint64_t size, uint8_t rootbyte, int64_t t)
{
	req[0] = SIGNER_CHECKPOINT;
	put64(req + 1, size);
	memset(req + 9, rootbyte, 32);
	put64(req + 41, (uint64_t)t);
}

static void
cp_signed(struct signer_keys *k, uint64_t size, uint8_t rootbyte)
{
	struct audit_checkpoint	cp;
	uint8_t			req[1 + SIGNER_CP_BODY], pk[AUDIT_PK_LEN];

	cp_req(req, size, rootbyte, time_now());
	handle(k, req, sizeof(req));
	ASSERT_INT_EQ(rep[0], SIGNER_OK);
	ASSERT_INT_EQ(replen, 1 + AUDIT_SIG_LEN);
	memset(&cp, 0, sizeof(cp));
	cp.size = (int64_t)size;
	memset(cp.root, rootbyte, sizeof(cp.root));
	cp.time = (int64_t)(((uint64_t)req[45] << 24) | ((uint64_t)req[46] <<
	    16) | ((uint64_t)req[47] << 8) | req[48]) |
	    (int64_t)(((uint64_t)req[41] << 56) | ((uint64_t)req[42] << 48) |
	    ((uint64_t)req[43] << 40) | ((uint64_t)req[44] << 32));
	memcpy(cp.sig, rep + 1, AUDIT_SIG_LEN);
	audit_key_public(k->audit_key, pk);
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), 0);
}

static void
cp_refused(struct signer_keys *k, uint64_t size, uint8_t rootbyte,
    int64_t t, size_t len)
{
	uint8_t	req[1 + SIGNER_CP_BODY + 1];

	memset(req, 0, sizeof(req));
	cp_req(req, size, rootbyte, t);
	handle(k, req, len);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	ASSERT_INT_EQ(replen, 1);
}

static void
test_checkpoint(struct signer_keys *k)
{
	int64_t	now = time_now();

	TEST_START("signer: checkpoints only extend the last one signed");
	cp_signed(k, 5, 0xaa);
	cp_signed(k, 5, 0xaa);		/* the same tree again */
	cp_refused(k, 5, 0xbb, now, 1 + SIGNER_CP_BODY);  /* a fork */
	cp_refused(k, 4, 0xaa, now, 1 + SIGNER_CP_BODY);  /* shorter */
	cp_signed(k, 6, 0xbb);
	cp_refused(k, 5, 0xaa, now, 1 + SIGNER_CP_BODY);
	cp_refused(k, 7, 0xcc, now - 2 * SIGNER_CLOCK_SKEW,
	    1 + SIGNER_CP_BODY);
	cp_refused(k, 7, 0xcc, now + 2 * SIGNER_CLOCK_SKEW,
	    1 + SIGNER_CP_BODY);
	cp_refused(k, 7, 0xcc, now, SIGNER_CP_BODY);
	cp_refused(k, 7, 0xcc, now, 2 + SIGNER_CP_BODY);
	cp_refused(k, (uint64_t)1 << 63, 0xcc, now, 1 + SIGNER_CP_BODY);
	cp_signed(k, 7, 0xcc);
	TEST_DONE();
}

static void
test_other(struct signer_keys *k)
{
	uint8_t	req[4];
	char	path[CONFIG_PATH_MAX + 32];

	TEST_START("signer: files and unknown requests");
	req[0] = SIGNER_FILE;
	req[1] = SIGNER_FILE_SERVER_CRT;
	handle(k, req, 2);
	ASSERT_INT_EQ(rep[0], SIGNER_FAILED);	/* none yet */
	write_pem("server.crt", "PEM bytes\n", 10);
	handle(k, req, 2);
	ASSERT_INT_EQ(rep[0], SIGNER_OK);
	ASSERT_INT_EQ(replen, 11);
	ASSERT_MEM_EQ(rep + 1, "PEM bytes\n", 10);
	req[1] = 3;			/* ca.key is not among them */
	handle(k, req, 2);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	req[1] = SIGNER_FILE_SERVER_CRT;
	handle(k, req, 3);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	req[0] = 9;
	handle(k, req, 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	handle(k, req, 0);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	ASSERT_INT_EQ(config_path(&cfg, "server.crt", path, sizeof(path)), 0);
	ASSERT_INT_EQ(unlink(path), 0);
	TEST_DONE();
}

static void
test_serve(void)
{
	struct signer_keys	 k;
	uint8_t			*big, req[1 + SIGNER_CP_BODY];
	int			 sv[2], st;
	pid_t			 pid;
	ssize_t			 n;

	TEST_START("signer: the socket loop refuses a message too long");
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_NE(pid = fork(), -1);
	if (pid == 0) {
		close(sv[0]);
		keys_init(&k);
		_exit(signer_serve(sv[1], &k) == 0 ? 0 : 1);
	}
	close(sv[1]);
	ASSERT_PTR_NE(big = calloc(1, SIGNER_MSG_MAX + 100), NULL);
	big[0] = SIGNER_FILE;
	big[1] = SIGNER_FILE_SERVER_CRT;
	ASSERT_INT_EQ(send(sv[0], big, SIGNER_MSG_MAX + 100, 0),
	    SIGNER_MSG_MAX + 100);
	ASSERT_INT_EQ(n = recv(sv[0], rep, sizeof(rep), 0), 1);
	ASSERT_INT_EQ(rep[0], SIGNER_REFUSED);
	cp_req(req, 100, 0x11, time_now());
	ASSERT_INT_EQ(send(sv[0], req, sizeof(req), 0), sizeof(req));
	ASSERT_INT_EQ(n = recv(sv[0], rep, sizeof(rep), 0),
	    1 + AUDIT_SIG_LEN);
	ASSERT_INT_EQ(rep[0], SIGNER_OK);
	close(sv[0]);
	ASSERT_INT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(big);
	TEST_DONE();
}

static int
cp_last(const struct audit_checkpoint *cp, size_t line, void *arg)
{
	(void)line;
	if (cp != NULL)
		*(struct audit_checkpoint *)arg = *cp;
	return 0;
}

static void
test_process(void)
{
	struct signer		*s;
	struct audit_key	*ak = NULL;
	struct audit_checkpoint	 cp;
	struct e2e_usercert	 c;
	EVP_PKEY		*dev = NULL;
	X509			*cert = NULL;
	struct buf		*b = NULL;
	uint8_t			 pk[AUDIT_PK_LEN];
	char			 path[CONFIG_PATH_MAX + 32];
	int			 st, torn;

	TEST_START("signer: the process casesyncd starts, and its death");
	/* as root the signer drops to a user, as casesyncd does */
	if (geteuid() == 0)
		(void)str_fmt(cfg.user, sizeof(cfg.user), "nobody");
	s = signer_start(&cfg, &ak);
	ASSERT_PTR_NE(ak, NULL);
	ASSERT_INT_EQ(audit_pub_load(dir, pk), 0);
	/* device certificate */
	ASSERT_INT_EQ(pki_key_new(&dev), 0);
	ASSERT_INT_EQ(signer_cert_issue(s, dev, &cert), 0);
	ASSERT_INT_EQ(X509_verify(cert, cakey), 1);
	/* user certificate */
	memset(&c, 0, sizeof(c));
	memcpy(c.user, "a.jansen", 9);
	c.issued = time_now();
	ASSERT_INT_EQ(signer_usercert_sign(s, &c), 0);
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &c), 0);
	c.issued -= 3600;
	ASSERT_INT_EQ(signer_usercert_sign(s, &c), CS_ERR_FORMAT);
	/* checkpoint through the network process's audit key */
	memset(&cp, 0, sizeof(cp));
	cp.size = 1000;
	memset(cp.root, 0x42, sizeof(cp.root));
	cp.time = time_now();
	ASSERT_INT_EQ(audit_checkpoint_sign(ak, &cp), 0);
	ASSERT_MEM_EQ(cp.pk, pk, AUDIT_PK_LEN);
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), 0);
	/* ... written to the checkpoint file by this side */
	ASSERT_INT_EQ(audit_key_witness(ak, &cp), 0);
	(void)str_fmt(path, sizeof(path), "%s/%s", dir, AUDIT_CP_FILE);
	memset(&cp, 0, sizeof(cp));
	ASSERT_INT_EQ(audit_cpfile_read(path, cp_last, &cp, &torn), 0);
	ASSERT_INT_EQ(cp.size, 1000);
	/* the signer remembers: a shorter tree is refused */
	cp.size = 999;
	ASSERT_INT_EQ(audit_checkpoint_sign(ak, &cp), CS_ERR_FORMAT);
	/* files only through signer_fetch, and only the two */
	ASSERT_INT_EQ(signer_fetch(s, "ca.key", &b), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(b, NULL);
	/* a dead signer: refused, every time, not a hang */
	ASSERT_INT_EQ(kill(signer_pid(s), SIGKILL), 0);
	ASSERT_INT_EQ(waitpid(signer_pid(s), &st, 0), signer_pid(s));
	X509_free(cert);
	cert = NULL;
	ASSERT_INT_EQ(signer_cert_issue(s, dev, &cert), CS_ERR_SYSTEM);
	ASSERT_PTR_EQ(cert, NULL);
	ASSERT_INT_EQ(signer_usercert_sign(s, &c), CS_ERR_SYSTEM);
	EVP_PKEY_free(dev);
	audit_key_free(ak);
	signer_free(s);
	TEST_DONE();
}

int
main(void)
{
	struct signer_keys	k;
	char			cmd[64];

	if (sodium_init() < 0)
		return 1;
	log_init(1, "test_signer");
	setup();
	keys_init(&k);
	test_cert(&k);
	test_usercert(&k);
	test_checkpoint(&k);
	test_other(&k);
	test_serve();
	test_process();
	audit_key_free(k.audit_key);
	(void)str_fmt(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
