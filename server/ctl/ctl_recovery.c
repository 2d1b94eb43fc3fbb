/* SPDX-License-Identifier: ISC */
/*
 * ctl_recovery.c - "casesyncctl recovery init|grant": the organisation's
 * recovery key (docs/E2E.md, "Recovery").
 *
 * init makes a random 32-byte seed, derives the recovery key pairs from
 * it (e2e_userkeys_from_seed), has the deployment CA certify the public
 * halves, splits the seed k-of-n (Shamir over GF(256)) into n share
 * files and forgets it: the private half exists nowhere else.  Every
 * case key is then also granted to the recovery key by the laptops.
 *
 * grant combines k share files, checks that they make the certified
 * recovery key, opens the recovery key's grants of one case and grants
 * every epoch's key to one user (made a member of the case), signed by
 * the recovery key; audited.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clihelp.h"
#include "msg.h"
#include "audit.h"
#include "buf.h"
#include "ctl.h"
#include "e2e.h"
#include "errors.h"
#include "pki.h"
#include "shamir.h"
#include "store.h"
#include "store_keys.h"
#include "util.h"

#define REC_SHARE_LEN		SHAMIR_SHARE_LEN(E2E_SEED_LEN)
#define REC_FILE_MAX		4096
#define REC_EPOCHS_MAX		1024
#define REC_MAGIC		"casesync recovery share v1"

struct rec_share {
	unsigned	k, n;
	uint8_t		box_pk[E2E_PK_LEN];
	uint8_t		sign_pk[E2E_PK_LEN];
	uint8_t		share[REC_SHARE_LEN];
};

static int
rec_load_ca(struct ctl *c, EVP_PKEY **key, X509 **ca)
{
	struct buf	*b = NULL;
	char		 path[CTL_PATH_MAX];
	int		 r = CTL_EXIT_FAIL;

	if (key != NULL) {
		*key = NULL;
		if (ctl_path(path, sizeof(path), c->dir, CTL_FILE_CA_KEY) != 0)
			return CTL_EXIT_FAIL;
		if (file_read(path, PKI_PEM_MAX, &b) != 0 ||
		    pki_key_from_pem((const char *)buf_ptr(b), buf_len(b),
		    key) != 0) {
			ctl_errx("%s: cannot read the CA key", path);
			goto out;
		}
		buf_free_wipe(b);
		b = NULL;
	}
	*ca = NULL;
	if (ctl_path(path, sizeof(path), c->dir, CTL_FILE_CA_CRT) != 0)
		goto out;
	if (file_read(path, PKI_PEM_MAX, &b) != 0 ||
	    pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b), ca) != 0) {
		ctl_errx("%s: cannot read the CA certificate", path);
		goto out;
	}
	r = CTL_EXIT_OK;
 out:
	buf_free_wipe(b);
	return r;
}

static int
rec_write_share(const char *dir, unsigned i, const struct rec_share *s)
{
	char	path[CTL_PATH_MAX], text[1024], bh[65], sh[65];
	char	share[2 * REC_SHARE_LEN + 1];
	int	r;

	hex_encode(bh, s->box_pk, E2E_PK_LEN);
	hex_encode(sh, s->sign_pk, E2E_PK_LEN);
	hex_encode(share, s->share, REC_SHARE_LEN);
	if (str_fmt(path, sizeof(path), "%s/recovery-share-%u.txt", dir,
	    i) != 0 ||
	    str_fmt(text, sizeof(text), REC_MAGIC "\nthreshold %u\nshares %u\n"
	    "box_pk %s\nsign_pk %s\nshare %s\n", s->k, s->n, bh, sh,
	    share) != 0) {
		ctl_errx("%s: path too long", dir);
		return CTL_EXIT_FAIL;
	}
	r = file_write_atomic(path, text, strlen(text), 0600, 1);
	sodium_memzero(text, sizeof(text));
	sodium_memzero(share, sizeof(share));
	if (r != 0) {
		ctl_errx("%s: %s", path, r == CS_ERR_EXISTS ?
		    "exists already" : cs_why(r));
		return CTL_EXIT_FAIL;
	}
	printf("%s\n", path);
	return CTL_EXIT_OK;
}

static int
rec_init(struct ctl *c, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "shares", required_argument, NULL, 'n' },
		{ "threshold", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct e2e_userkeys	*rk = NULL;
	struct e2e_usercert	 cert;
	struct audit_entry	 e;
	struct rec_share	 s = { 0 };
	struct store		*st = NULL;
	EVP_PKEY		*cakey = NULL;
	X509			*ca = NULL;
	uint8_t			*seed = NULL, *shares = NULL;
	const char		*out = NULL;
	uint64_t		 k = 0, n = 0;
	unsigned		 i;
	int			 ch, rv = CTL_EXIT_FAIL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (parse_u64(optarg, 2, SHAMIR_SHARES_MAX, &n) != 0)
				n = 0;
			break;
		case 'k':
			if (parse_u64(optarg, 2, SHAMIR_SHARES_MAX, &k) != 0)
				k = 0;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || n == 0 || k == 0 || k > n || out == NULL) {
		ctl_errx("recovery init: --shares N (2..255), --threshold K "
		    "(2..N) and --out DIR are needed");
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	rv = CTL_EXIT_FAIL;
	if (store_key_get(st, STORE_RECOVERY_ID, &cert, NULL) == 0) {
		ctl_errx("recovery init: this deployment has a recovery key "
		    "already");
		goto out;
	}
	if (rec_load_ca(c, &cakey, &ca) != CTL_EXIT_OK)
		goto out;
	if ((seed = sodium_malloc(E2E_SEED_LEN)) == NULL ||
	    (shares = sodium_allocarray(n, REC_SHARE_LEN)) == NULL) {
		ctl_errx("out of memory");
		goto out;
	}
	randombytes_buf(seed, E2E_SEED_LEN);
	memset(&cert, 0, sizeof(cert));
	(void)str_fmt(cert.user, sizeof(cert.user), "%s", E2E_RECOVERY_USER);
	cert.issued = time_now();
	if (e2e_userkeys_from_seed(seed, &rk) != 0 ||
	    shamir_split(seed, E2E_SEED_LEN, (unsigned)k, (unsigned)n,
	    shares) != 0) {
		ctl_errx("recovery init: key generation failed");
		goto out;
	}
	memcpy(cert.box_pk, rk->box_pk, E2E_PK_LEN);
	memcpy(cert.sign_pk, rk->sign_pk, E2E_PK_LEN);
	if (e2e_usercert_sign(cakey, &cert) != 0) {
		ctl_errx("recovery init: the CA cannot sign");
		goto out;
	}
	memset(&s, 0, sizeof(s));
	s.k = (unsigned)k;
	s.n = (unsigned)n;
	memcpy(s.box_pk, rk->box_pk, E2E_PK_LEN);
	memcpy(s.sign_pk, rk->sign_pk, E2E_PK_LEN);
	for (i = 0; i < n; i++) {
		memcpy(s.share, shares + (size_t)i * REC_SHARE_LEN,
		    REC_SHARE_LEN);
		if (rec_write_share(out, i + 1, &s) != CTL_EXIT_OK)
			goto out;
	}
	if (store_recovery_set(st, &cert, (unsigned)k, (unsigned)n) != 0) {
		ctl_errx("recovery init: cannot store the public key");
		goto out;
	}
	audit_entry_init(&e, "recovery_init", AUDIT_CREATE, 1);
	audit_set(e.object_type, "recovery_key");
	audit_set(e.object_id, E2E_RECOVERY_USER);
	(void)str_fmt(e.detail, sizeof(e.detail), "threshold=%llu shares=%llu",
	    (unsigned long long)k, (unsigned long long)n);
	if ((rv = ctl_audit_record(c, st, &e, 1)) != CTL_EXIT_OK)
		goto out;
	printf("recovery key made: any %llu of these %llu files restore "
	    "access; keep them apart and offline\n", (unsigned long long)k,
	    (unsigned long long)n);
 out:
	sodium_memzero(&s, sizeof(s));
	if (shares != NULL)
		sodium_free(shares);
	if (seed != NULL)
		sodium_free(seed);
	e2e_userkeys_free(rk);
	EVP_PKEY_free(cakey);
	X509_free(ca);
	store_close(st);
	return rv;
}

/* "name value\n" of a share file; *next after the line. */
static int
rec_line(const char *p, const char *name, char *val, size_t vallen,
    const char **next)
{
	size_t	nlen = strlen(name), len;
	const char *nl;

	if (strncmp(p, name, nlen) != 0 || p[nlen] != ' ' ||
	    (nl = strchr(p, '\n')) == NULL)
		return CS_ERR_FORMAT;
	p += nlen + 1;
	if ((len = (size_t)(nl - p)) >= vallen)
		return CS_ERR_FORMAT;
	memcpy(val, p, len);
	val[len] = '\0';
	*next = nl + 1;
	return 0;
}

static int
rec_read_share(const char *path, struct rec_share *s)
{
	struct buf	*b = NULL;
	const char	*p;
	char		 text[REC_FILE_MAX + 1], v[2 * REC_SHARE_LEN + 8];
	uint64_t	 k, n;
	int		 r = CS_ERR_FORMAT;

	memset(s, 0, sizeof(*s));
	if ((r = file_read(path, REC_FILE_MAX, &b)) != 0) {
		ctl_errx("%s: %s", path, cs_why(r));
		return CTL_EXIT_FAIL;
	}
	memcpy(text, buf_ptr(b), buf_len(b));
	text[buf_len(b)] = '\0';
	p = text;
	r = CS_ERR_FORMAT;
	if (strncmp(p, REC_MAGIC "\n", strlen(REC_MAGIC) + 1) != 0)
		goto out;
	p += strlen(REC_MAGIC) + 1;
	if (rec_line(p, "threshold", v, sizeof(v), &p) != 0 ||
	    parse_u64(v, 2, SHAMIR_SHARES_MAX, &k) != 0 ||
	    rec_line(p, "shares", v, sizeof(v), &p) != 0 ||
	    parse_u64(v, k, SHAMIR_SHARES_MAX, &n) != 0 ||
	    rec_line(p, "box_pk", v, sizeof(v), &p) != 0 ||
	    hex_decode(s->box_pk, E2E_PK_LEN, v) != 0 ||
	    rec_line(p, "sign_pk", v, sizeof(v), &p) != 0 ||
	    hex_decode(s->sign_pk, E2E_PK_LEN, v) != 0 ||
	    rec_line(p, "share", v, sizeof(v), &p) != 0 ||
	    hex_decode(s->share, REC_SHARE_LEN, v) != 0 || *p != '\0')
		goto out;
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	r = 0;
 out:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(v, sizeof(v));
	buf_free_wipe(b);
	if (r != 0) {
		ctl_errx("%s: not a recovery share file", path);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/*
 * The recovery key from share files: all of one split, at least its
 * threshold of them, and they must make the key the CA certified.
 */
static int
rec_combine(char **files, unsigned nfiles,
    const struct e2e_usercert *cert, struct e2e_userkeys **out)
{
	struct rec_share	*s = NULL;
	const uint8_t		*ptr[SHAMIR_SHARES_MAX];
	uint8_t			*seed = NULL;
	unsigned		 i;
	int			 rv = CTL_EXIT_FAIL;

	*out = NULL;
	if ((s = sodium_allocarray(nfiles, sizeof(*s))) == NULL ||
	    (seed = sodium_malloc(E2E_SEED_LEN)) == NULL) {
		ctl_errx("out of memory");
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		if (rec_read_share(files[i], &s[i]) != CTL_EXIT_OK)
			goto out;
		if (s[i].k != s[0].k || s[i].n != s[0].n ||
		    memcmp(s[i].box_pk, s[0].box_pk, E2E_PK_LEN) != 0 ||
		    memcmp(s[i].sign_pk, s[0].sign_pk, E2E_PK_LEN) != 0) {
			ctl_errx("%s: a share of another recovery key",
			    files[i]);
			goto out;
		}
		ptr[i] = s[i].share;
	}
	if (nfiles < s[0].k) {
		ctl_errx("recovery: %u share%s given, %u needed", nfiles,
		    nfiles == 1 ? "" : "s", s[0].k);
		goto out;
	}
	if (shamir_combine(ptr, nfiles, E2E_SEED_LEN, seed) != 0) {
		ctl_errx("recovery: the shares do not combine (the same "
		    "share twice?)");
		goto out;
	}
	if (e2e_userkeys_from_seed(seed, out) != 0)
		goto out;
	if (sodium_memcmp((*out)->box_pk, cert->box_pk, E2E_PK_LEN) != 0 ||
	    sodium_memcmp((*out)->sign_pk, cert->sign_pk, E2E_PK_LEN) != 0) {
		ctl_errx("recovery: these shares do not make this "
		    "deployment's recovery key");
		e2e_userkeys_free(*out);
		*out = NULL;
		goto out;
	}
	rv = CTL_EXIT_OK;
 out:
	if (seed != NULL)
		sodium_free(seed);
	if (s != NULL)
		sodium_free(s);
	return rv;
}

static int
rec_grant(struct ctl *c, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "shares", required_argument, NULL, 's' },
		{ "read-only", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct e2e_userkeys	*rk = NULL;
	struct e2e_usercert	 rcert, to, from;
	struct e2e_grant	*g = NULL;
	struct audit_entry	 e;
	struct store		*st = NULL;
	X509			*ca = NULL;
	uint8_t			*key = NULL;
	char			*files[SHAMIR_SHARES_MAX];
	const char		*cid = NULL, *user = NULL;
	int64_t			 to_id, from_id;
	size_t			 i, n = 0;
	unsigned		 nfiles = 0;
	int			 ch, r, ro = 0, rv = CTL_EXIT_FAIL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 't':
			user = optarg;
			break;
		case 's':
			if (nfiles == SHAMIR_SHARES_MAX)
				return CTL_EXIT_USAGE;
			files[nfiles++] = optarg;
			break;
		case 'r':
			ro = 1;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	for (; optind < argc && nfiles < SHAMIR_SHARES_MAX; optind++)
		files[nfiles++] = argv[optind];
	if (optind != argc || cid == NULL || !wire_uuid_ok(cid) ||
	    user == NULL || nfiles == 0) {
		ctl_errx("recovery grant: --case UUID, --to USER and share "
		    "files (--shares FILE ...) are needed");
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	rv = CTL_EXIT_FAIL;
	if (rec_load_ca(c, NULL, &ca) != CTL_EXIT_OK)
		goto out;
	if (store_key_get(st, STORE_RECOVERY_ID, &rcert, NULL) != 0 ||
	    e2e_usercert_verify(ca, &rcert) != 0) {
		ctl_errx("recovery grant: no certified recovery key here "
		    "(casesyncctl recovery init)");
		goto out;
	}
	if (store_key_get_name(st, user, &to_id, &to) != 0 ||
	    to_id == STORE_RECOVERY_ID || e2e_usercert_verify(ca, &to) != 0) {
		ctl_errx("recovery grant: %s has no keys certified by the CA "
		    "(enroll a laptop of that user first)", user);
		goto out;
	}
	if (rec_combine(files, nfiles, &rcert, &rk) != CTL_EXIT_OK)
		goto out;
	if ((g = calloc(REC_EPOCHS_MAX, sizeof(*g))) == NULL ||
	    (key = sodium_malloc(E2E_KEY_LEN)) == NULL) {
		ctl_errx("out of memory");
		goto out;
	}
	if ((r = store_grants_of_recovery(st, cid, g, REC_EPOCHS_MAX,
	    &n)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			ctl_errx("recovery grant: the recovery key holds no "
			    "key of case %s (no such case, or no holder has "
			    "synced since recovery init)", cid);
		else
			ctl_errx("recovery grant: case %s: %s", cid,
			    cs_whyf(r));
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* made by a holder whose key the CA certified */
		if (store_key_get_name(st, g[i].from_user, &from_id,
		    &from) != 0 || e2e_usercert_verify(ca, &from) != 0 ||
		    e2e_grant_open(&g[i], from.sign_pk, rk, key) != 0) {
			ctl_errx("recovery grant: epoch %u: the grant to the "
			    "recovery key does not verify; trying no further",
			    g[i].epoch);
			goto out;
		}
		(void)str_fmt(g[i].to_user, sizeof(g[i].to_user), "%s",
		    to.user);
		(void)str_fmt(g[i].from_user, sizeof(g[i].from_user), "%s",
		    E2E_RECOVERY_USER);
		if (e2e_grant_make(key, to.box_pk, rk, &g[i]) != 0)
			goto out;
	}
	if (store_grants_recovery(st, cid, to_id, g, n, ro, time_now()) != 0) {
		ctl_errx("recovery grant: not stored");
		goto out;
	}
	audit_entry_init(&e, "recovery_grant", AUDIT_EXECUTE, 1);
	audit_set(e.client_ref, cid);
	audit_set(e.object_type, "case_key");
	audit_set(e.object_id, cid);
	audit_set(e.on_behalf_of, to.user);
	audit_set(e.basis, "recovery key");
	(void)str_fmt(e.detail, sizeof(e.detail), "epochs=%zu shares=%u "
	    "read_only=%d", n, nfiles, ro);
	if ((rv = ctl_audit_record(c, st, &e, 1)) != CTL_EXIT_OK)
		goto out;
	printf("%s now holds the %zu key%s of case %s and is a member; "
	    "the case arrives at the next sync\n", to.user, n,
	    n == 1 ? "" : "s", cid);
 out:
	if (key != NULL)
		sodium_free(key);
	if (g != NULL) {
		sodium_memzero(g, REC_EPOCHS_MAX * sizeof(*g));
		free(g);
	}
	e2e_userkeys_free(rk);
	X509_free(ca);
	store_close(st);
	return rv;
}

int
ctl_recovery(struct ctl *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return rec_init(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "grant") == 0)
		return rec_grant(c, argc - 1, argv + 1);
	ctl_usage("recovery", 1);
	return CTL_EXIT_USAGE;
}
