/* SPDX-License-Identifier: ISC */
/*
 * pki.c - the deployment's X.509 plumbing (see pki.h).  Keys are made
 * with EVP_PKEY_CTX on the P-256 group; certificates are X509v3 with
 * the extensions a TLS 1.3 peer checks (basicConstraints, keyUsage,
 * extendedKeyUsage, subjectAltName, key identifiers), a random 128-bit
 * serial and a SHA-256 signature.  Private key PEM only ever passes
 * through OpenSSL secure-memory BIOs and sodium_malloc'd buffers; DER
 * from peers (CSRs, certificates) must be consumed to the last byte.
 */
#include <arpa/inet.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "log.h"
#include "pki.h"

#define PKI_SERIAL_LEN		16	/* 128 bits */
#define PKI_BACKDATE		300	/* notBefore = now - 5 minutes */
#define PKI_LIFETIME_MAX	((int64_t)100 * 366 * 86400)
#define PKI_CN_MAX		64	/* X.509 ub-common-name */
#define PKI_DNS_MAX		253

/* Refuse to be asked for a passphrase: our keys are never encrypted. */
static int
pki_no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return 0;
}

/* P-256 (named curve, not explicit parameters) or Ed25519. */
static int
pki_key_type_ok(EVP_PKEY *key)
{
	char	group[64], enc[32];
	size_t	glen = 0;
	int	nid;

	if (EVP_PKEY_is_a(key, "ED25519"))
		return 1;
	if (!EVP_PKEY_is_a(key, "EC"))
		return 0;
	if (EVP_PKEY_get_group_name(key, group, sizeof(group), &glen) != 1) {
		ERR_clear_error();
		return 0;
	}
	if ((nid = OBJ_sn2nid(group)) == NID_undef)
		nid = EC_curve_nist2nid(group);
	if (nid != NID_X9_62_prime256v1)
		return 0;
	/*
	 * Explicit curve parameters that happen to equal P-256 also report
	 * "prime256v1", but hash differently: one key, two identities.
	 */
	if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING,
	    enc, sizeof(enc), &glen) != 1) {
		ERR_clear_error();
		return 0;
	}
	return strcmp(enc, OSSL_PKEY_EC_ENCODING_GROUP) == 0;
}

/* Ed25519 signs the message itself: no separate digest. */
static const EVP_MD *
pki_sign_md(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "ED25519"))
		return NULL;
	return EVP_sha256();
}

int
pki_key_new(EVP_PKEY **out)
{
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*key = NULL;
	int		 r = CS_ERR_CRYPTO;

	*out = NULL;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_group_name(ctx, SN_X9_62_prime256v1) <= 0 ||
	    EVP_PKEY_generate(ctx, &key) <= 0)
		goto out;
	*out = key;
	key = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

int
pki_key_to_pem(EVP_PKEY *key, char **out, size_t *lenp)
{
	BIO	*bio = NULL;
	char	*data, *pem = NULL;
	long	 n;
	int	 r = CS_ERR_CRYPTO;

	*out = NULL;
	*lenp = 0;
	/* A secure-heap BIO is cleansed when freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL,
	    NULL) != 1)
		goto out;
	if ((n = BIO_get_mem_data(bio, &data)) <= 0 || n > PKI_PEM_MAX) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if ((pem = sodium_malloc((size_t)n + 1)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	memcpy(pem, data, (size_t)n);
	pem[n] = '\0';
	OPENSSL_cleanse(data, (size_t)n);
	*out = pem;
	*lenp = (size_t)n;
	pem = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	pki_pem_free(pem);
	BIO_free(bio);
	return r;
}

void
pki_pem_free(char *pem)
{
	if (pem != NULL)
		sodium_free(pem);	/* zeroes, then unmaps */
}

int
pki_key_from_pem(const char *pem, size_t len, EVP_PKEY **out)
{
	BIO		*bio = NULL;
	EVP_PKEY	*key = NULL;
	int		 r = CS_ERR_FORMAT;

	*out = NULL;
	if (len == 0 || len > PKI_PEM_MAX)
		goto out;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((key = PEM_read_bio_PrivateKey(bio, NULL, pki_no_pass,
	    NULL)) == NULL)
		goto out;
	if (!pki_key_type_ok(key)) {
		log_warnx("%s: not a P-256 or Ed25519 key", __func__);
		goto out;
	}
	*out = key;
	key = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	EVP_PKEY_free(key);
	BIO_free(bio);
	return r;
}

int
pki_cert_to_pem(X509 *cert, char **out, size_t *lenp)
{
	BIO	*bio = NULL;
	char	*data, *pem = NULL;
	long	 n;
	int	 r = CS_ERR_CRYPTO;

	*out = NULL;
	*lenp = 0;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, cert) != 1)
		goto out;
	if ((n = BIO_get_mem_data(bio, &data)) <= 0 || n > PKI_PEM_MAX) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if ((pem = malloc((size_t)n + 1)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	memcpy(pem, data, (size_t)n);
	pem[n] = '\0';
	*out = pem;
	*lenp = (size_t)n;
	pem = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	free(pem);
	BIO_free(bio);
	return r;
}

int
pki_cert_from_pem(const char *pem, size_t len, X509 **out)
{
	BIO	*bio = NULL;
	X509	*cert = NULL;
	int	 r = CS_ERR_FORMAT;

	*out = NULL;
	if (len == 0 || len > PKI_PEM_MAX)
		goto out;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((cert = PEM_read_bio_X509(bio, NULL, pki_no_pass, NULL)) == NULL)
		goto out;
	*out = cert;
	cert = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	X509_free(cert);
	BIO_free(bio);
	return r;
}

int
pki_cert_to_der(X509 *cert, uint8_t **out, size_t *lenp)
{
	uint8_t	*der = NULL, *p;
	int	 n, r = CS_ERR_CRYPTO;

	*out = NULL;
	*lenp = 0;
	if ((n = i2d_X509(cert, NULL)) <= 0)
		goto out;
	if ((der = malloc((size_t)n)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	p = der;
	if (i2d_X509(cert, &p) != n)
		goto out;
	*out = der;
	*lenp = (size_t)n;
	der = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	free(der);
	return r;
}

int
pki_cert_from_der(const uint8_t *der, size_t len, X509 **out)
{
	const uint8_t	*p = der;
	X509		*cert = NULL;
	int		 r = CS_ERR_FORMAT;

	*out = NULL;
	if (len == 0)
		goto out;
	if (len > PKI_CERT_MAX) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((cert = d2i_X509(NULL, &p, (long)len)) == NULL)
		goto out;
	if (p != der + len) {
		log_warnx("%s: trailing bytes after certificate", __func__);
		goto out;
	}
	*out = cert;
	cert = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	X509_free(cert);
	return r;
}

/* A positive, non-zero serial of PKI_SERIAL_LEN random bytes. */
static int
pki_set_serial(X509 *x)
{
	uint8_t	 b[PKI_SERIAL_LEN];
	BIGNUM	*bn = NULL;
	int	 r = CS_ERR_CRYPTO;

	if (RAND_bytes(b, sizeof(b)) != 1)
		goto out;
	b[0] &= 0x7f;		/* DER INTEGER stays positive ... */
	b[0] |= 0x40;		/* ... and exactly 16 bytes long */
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	r = 0;
 out:
	BN_free(bn);
	return r;
}

/* A subject/issuer name holding just the common name "cn". */
static int
pki_set_cn(X509_NAME *name, const char *cn)
{
	size_t	len;

	if (cn == NULL || (len = strlen(cn)) == 0 || len > PKI_CN_MAX)
		return CS_ERR_FORMAT;
	if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)cn, (int)len, -1, 0) != 1)
		return CS_ERR_FORMAT;
	return 0;
}

/* Add one extension given in OpenSSL config syntax (constant strings). */
static int
pki_add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*ext;
	int		 ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return CS_ERR_CRYPTO;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : CS_ERR_CRYPTO;
}

/* A host name: letters, digits, '-', '.'; no empty labels. */
static int
pki_dns_name_valid(const char *s)
{
	size_t	i, len, label = 0;

	if ((len = strlen(s)) == 0 || len > PKI_DNS_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/*
 * subjectAltName DNS:<name>, built directly rather than through the
 * config parser so that no character of "name" is ever interpreted.
 * An IP literal also gets an iPAddress entry, since TLS clients match
 * an IP server name only against those.
 */
static int
pki_add_san(X509 *x, const char *name)
{
	GENERAL_NAMES	*gens = NULL;
	GENERAL_NAME	*gen = NULL;
	ASN1_IA5STRING	*ia5 = NULL;
	ASN1_OCTET_STRING *ip = NULL;
	uint8_t		 addr[16];
	int		 alen = 0, r = CS_ERR_CRYPTO;

	if (inet_pton(AF_INET, name, addr) == 1)
		alen = 4;
	else if (inet_pton(AF_INET6, name, addr) == 1)
		alen = 16;
	else if (!pki_dns_name_valid(name)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if ((gens = sk_GENERAL_NAME_new_null()) == NULL)
		goto out;

	if ((gen = GENERAL_NAME_new()) == NULL ||
	    (ia5 = ASN1_IA5STRING_new()) == NULL ||
	    ASN1_STRING_set(ia5, name, (int)strlen(name)) != 1)
		goto out;
	GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);
	ia5 = NULL;	/* transferred */
	if (sk_GENERAL_NAME_push(gens, gen) <= 0)
		goto out;
	gen = NULL;	/* transferred */

	if (alen != 0) {
		if ((gen = GENERAL_NAME_new()) == NULL ||
		    (ip = ASN1_OCTET_STRING_new()) == NULL ||
		    ASN1_OCTET_STRING_set(ip, addr, alen) != 1)
			goto out;
		GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
		ip = NULL;	/* transferred */
		if (sk_GENERAL_NAME_push(gens, gen) <= 0)
			goto out;
		gen = NULL;	/* transferred */
	}
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	r = 0;
 out:
	ASN1_OCTET_STRING_free(ip);
	ASN1_IA5STRING_free(ia5);
	GENERAL_NAME_free(gen);
	GENERAL_NAMES_free(gens);
	return r;
}

int
pki_ca_create(EVP_PKEY *key, const char *cn, int days, X509 **out)
{
	X509		*x = NULL;
	X509V3_CTX	 ctx;
	int		 r = CS_ERR_CRYPTO;

	*out = NULL;
	if (days <= 0 || days > 100 * 366) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if (!pki_key_type_ok(key)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3) !=
	    1 || (r = pki_set_serial(x)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_gmtime_adj(X509_getm_notBefore(x), -PKI_BACKDATE) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) ==
	    NULL)
		goto out;
	if ((r = pki_set_cn(X509_get_subject_name(x), cn)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_set_issuer_name(x, X509_get_subject_name(x)) != 1 ||
	    X509_set_pubkey(x, key) != 1)
		goto out;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((r = pki_add_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_key_usage,
	    "critical,keyCertSign,cRLSign")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_subject_key_identifier,
	    "hash")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always")) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_sign(x, key, pki_sign_md(key)) <= 0)
		goto out;
	*out = x;
	x = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	X509_free(x);
	return r;
}

int
pki_cert_issue(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *pub, const char *cn,
    const char *dns_name, int64_t lifetime_secs, X509 **out)
{
	X509		*x = NULL;
	X509V3_CTX	 ctx;
	int64_t		 now, ca_end, end;
	int		 r = CS_ERR_FORMAT;

	*out = NULL;
	if (lifetime_secs <= 0 || lifetime_secs > PKI_LIFETIME_MAX)
		goto out;
	if (!pki_key_type_ok(pub))
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_check_private_key(ca, cakey) != 1) {
		log_warnx("%s: CA key does not match the CA certificate",
		    __func__);
		goto out;
	}
	/* Never outlive the CA: the chain would stop verifying anyway. */
	if ((r = pki_cert_not_after(ca, &ca_end)) != 0)
		goto out;
	now = (int64_t)time(NULL);
	end = now + lifetime_secs;
	if (end > ca_end)
		end = ca_end;
	if (end <= now) {
		log_warnx("%s: the CA certificate has expired", __func__);
		r = CS_ERR_EXPIRED;
		goto out;
	}

	r = CS_ERR_CRYPTO;
	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3) !=
	    1 || (r = pki_set_serial(x)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (ASN1_TIME_set(X509_getm_notBefore(x),
	    (time_t)(now - PKI_BACKDATE)) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)end) == NULL)
		goto out;
	if ((r = pki_set_cn(X509_get_subject_name(x), cn)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_set_issuer_name(x, X509_get_subject_name(ca)) != 1 ||
	    X509_set_pubkey(x, pub) != 1)
		goto out;

	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if ((r = pki_add_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_key_usage,
	    "critical,digitalSignature")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_ext_key_usage,
	    dns_name != NULL ? "serverAuth" : "clientAuth")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_subject_key_identifier,
	    "hash")) != 0 ||
	    (r = pki_add_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always")) != 0)
		goto out;
	if (dns_name != NULL && (r = pki_add_san(x, dns_name)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_sign(x, cakey, pki_sign_md(cakey)) <= 0)
		goto out;
	*out = x;
	x = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	X509_free(x);
	return r;
}

int
pki_csr_new(EVP_PKEY *key, const char *cn, uint8_t **der, size_t *lenp)
{
	X509_REQ	*req = NULL;
	uint8_t		*buf = NULL, *p;
	int		 n, r = CS_ERR_CRYPTO;

	*der = NULL;
	*lenp = 0;
	if (!pki_key_type_ok(key)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if ((req = X509_REQ_new()) == NULL ||
	    X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1)
		goto out;
	if ((r = pki_set_cn(X509_REQ_get_subject_name(req), cn)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (X509_REQ_set_pubkey(req, key) != 1 ||
	    X509_REQ_sign(req, key, pki_sign_md(key)) <= 0)
		goto out;
	if ((n = i2d_X509_REQ(req, NULL)) <= 0)
		goto out;
	if ((size_t)n > PKI_CSR_MAX) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((buf = malloc((size_t)n)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	p = buf;
	if (i2d_X509_REQ(req, &p) != n)
		goto out;
	*der = buf;
	*lenp = (size_t)n;
	buf = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	free(buf);
	X509_REQ_free(req);
	return r;
}

int
pki_csr_parse(const uint8_t *der, size_t len, EVP_PKEY **pub)
{
	const uint8_t	*p = der;
	X509_REQ	*req = NULL;
	EVP_PKEY	*key = NULL;
	int		 r = CS_ERR_FORMAT;

	*pub = NULL;
	if (len == 0 || len > PKI_CSR_MAX)
		goto out;
	if ((req = d2i_X509_REQ(NULL, &p, (long)len)) == NULL)
		goto out;
	if (p != der + len) {
		log_warnx("%s: trailing bytes after the request", __func__);
		goto out;
	}
	if ((key = X509_REQ_get_pubkey(req)) == NULL)
		goto out;
	if (!pki_key_type_ok(key)) {
		log_warnx("%s: key is neither P-256 nor Ed25519", __func__);
		goto out;
	}
	/* 1 is a good signature; 0 a bad one, -1 an unusable request */
	if (X509_REQ_verify(req, key) != 1) {
		log_warnx("%s: bad self-signature", __func__);
		goto out;
	}
	*pub = key;
	key = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	EVP_PKEY_free(key);
	X509_REQ_free(req);
	return r;
}

int
pki_pubkey_hash(EVP_PKEY *key, uint8_t out[PKI_HASH_LEN])
{
	uint8_t		*der = NULL, *p;
	unsigned int	 mdlen = 0;
	int		 n, r = CS_ERR_CRYPTO;

	memset(out, 0, PKI_HASH_LEN);
	if ((n = i2d_PUBKEY(key, NULL)) <= 0)
		goto out;
	if ((der = malloc((size_t)n)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	p = der;
	if (i2d_PUBKEY(key, &p) != n)
		goto out;
	if (EVP_Digest(der, (size_t)n, out, &mdlen, EVP_sha256(), NULL) !=
	    1 || mdlen != PKI_HASH_LEN) {
		memset(out, 0, PKI_HASH_LEN);
		goto out;
	}
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	free(der);
	return r;
}

int
pki_cert_pubkey_hash(X509 *cert, uint8_t out[PKI_HASH_LEN])
{
	X509_PUBKEY	*xpk;
	uint8_t		*der = NULL;
	unsigned int	 mdlen = 0;
	int		 n, r = CS_ERR_CRYPTO;

	memset(out, 0, PKI_HASH_LEN);
	/* i2d of the X509_PUBKEY re-emits the parsed fields as they were */
	if ((xpk = X509_get_X509_PUBKEY(cert)) == NULL ||
	    (n = i2d_X509_PUBKEY(xpk, &der)) <= 0)
		goto out;
	if (EVP_Digest(der, (size_t)n, out, &mdlen, EVP_sha256(), NULL) !=
	    1 || mdlen != PKI_HASH_LEN) {
		memset(out, 0, PKI_HASH_LEN);
		goto out;
	}
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	OPENSSL_free(der);
	return r;
}

int
pki_cert_fingerprint(X509 *cert, uint8_t out[PKI_HASH_LEN])
{
	unsigned int	mdlen = 0;
	int		r = CS_ERR_CRYPTO;

	if (X509_digest(cert, EVP_sha256(), out, &mdlen) != 1 ||
	    mdlen != PKI_HASH_LEN) {
		memset(out, 0, PKI_HASH_LEN);
		goto out;
	}
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	return r;
}

/* An ASN1_TIME as seconds since the epoch. */
static int
pki_asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm	 tm;
	time_t		 secs;

	*out = 0;
	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    (secs = timegm(&tm)) == (time_t)-1)
		return CS_ERR_FORMAT;
	*out = (int64_t)secs;
	return 0;
}

int
pki_cert_not_after(X509 *cert, int64_t *out)
{
	int	r;

	if ((r = pki_asn1_time(X509_get0_notAfter(cert), out)) != 0)
		log_ssl(__func__);
	return r;
}

int
pki_cert_lifetime(X509 *cert, int64_t *out)
{
	int64_t	nb, na;
	int	r;

	*out = 0;
	if ((r = pki_asn1_time(X509_get0_notBefore(cert), &nb)) != 0 ||
	    (r = pki_asn1_time(X509_get0_notAfter(cert), &na)) != 0) {
		log_ssl(__func__);
		return r;
	}
	/* pki_cert_issue() dates notBefore back by PKI_BACKDATE */
	if (na - nb > PKI_BACKDATE)
		nb += PKI_BACKDATE;
	*out = na > nb ? na - nb : 0;
	return 0;
}
