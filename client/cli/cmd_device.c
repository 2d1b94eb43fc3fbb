/* SPDX-License-Identifier: ISC */
/*
 * cmd_device.c - "casesync enroll", "casesync status", "casesync passwd":
 * the device's identity and its connection to the server.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "client.h"
#include "clihelp.h"
#include "cmd_agent.h"
#include "conn.h"
#include "errors.h"
#include "json.h"
#include "nolost.h"
#include "identity.h"
#include "keybackup.h"
#include "localday.h"
#include "msg_device.h"
#include "msg_session.h"
#include "netaddr.h"
#include "passphrase.h"
#include "pki.h"
#include "renewal.h"
#include "srvaddr.h"
#include "pwcheck.h"
#include "util.h"
#include "vault.h"

static void
print_time(FILE *f, int64_t t)
{
	char	s[32];

	localday_utc_iso(s, sizeof(s), t);
	fputs(s, f);
}

/* Report an Error reply on stderr. */
static void
print_refusal(const struct msg *m)
{
	struct msg_error	e;
	char			vis[256], when[32];

	if (m == NULL || msg_get_error(m, &e) != 0)
		return;
	if (e.retry_after_ms != 0)
		cli_errx("server refused: %s: %s; try again %s",
		    msg_code_name(e.code), str_vis(vis, sizeof(vis),
		    e.message, strlen(e.message)), cli_retry_when(&e, when,
		    sizeof(when)));
	else
		cli_errx("server refused: %s: %s", msg_code_name(e.code),
		    str_vis(vis, sizeof(vis), e.message, strlen(e.message)));
}

/*
 * "renew_id": the device a renewal token is for, or NULL to enroll.
 * On success *rep is the EnrollResponse, read into *er.
 */
static int
enroll_exchange(struct conn *c, const char *token, const uint8_t *csr,
    size_t csrlen, const char *renew_id, struct msg **rep,
    struct msg_enroll_response *er)
{
	struct msg_enroll_request	 req;
	struct msg_out			 o;
	int				 r;

	if ((r = conn_welcome(c, NULL, rep)) != 0)
		return r;
	msg_free(*rep);
	*rep = NULL;
	req.token = token;
	req.csr_der = (struct msg_bytes){ csr, csrlen };
	req.renew_device_id = renew_id != NULL ? renew_id : "";
	o = msg_out_enroll_request(&req);
	if ((r = rpc_call_expect(c, &o, MSG_ENROLL_RESPONSE, rep)) != 0)
		return r;
	return msg_get_enroll_response(*rep, er);
}

/* Connect as the new device and set up the user's keys. */
static int
enroll_keys(struct cli *cli, struct vault *v, struct identity *id,
    const struct conn_opts *eo, struct conn **cp)
{
	struct conn_opts	 o;
	struct msg		*rep = NULL;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.server = eo->server;
	o.server_name = id->server_name;
	o.ca = id->ca;
	o.cert = id->cert;
	o.key = id->key;
	if ((r = conn_open(&o, cp)) != 0) {
		cli_errx("enrolled, but cannot connect as this device: %s; "
		    "run casesync keys setup", cs_why(r));
		return r;
	}
	if ((r = conn_welcome(*cp, id->device_id, &rep)) != 0) {
		cli_report("enrolled, but hello", r, rep);
		msg_free(rep);
		return r;
	}
	msg_free(rep);
	return cli_keys_setup(cli, v, id, *cp);
}

static void
enroll_usage(FILE *f)
{
	fprintf(f, "usage: casesync enroll --server HOST:PORT "
	    "--ca-fingerprint HEX --token TOKEN [--server-name NAME]\n"
	    "       casesync enroll --renew --token TOKEN\n");
}

/*
 * "enroll --renew": a renewal token (casesyncctl renew-token) for this
 * laptop's device gets a new key and certificate into the same vault,
 * whose records, keys and outbox stay as they are.  The server and its
 * CA are the ones in the vault: no fingerprint to type.
 */
static int
enroll_renew(struct cli *cli, const char *token)
{
	struct conn_opts	 o;
	struct identity		 id, nid;
	struct conn		*c = NULL;
	struct vault		*v = NULL;
	struct msg		*rep = NULL;
	struct msg_enroll_response er;
	EVP_PKEY		*key = NULL;
	X509			*cert = NULL;
	uint8_t			*csr = NULL;
	size_t			 csrlen = 0;
	int64_t			 na = 0;
	char			 when[32];
	int			 r;

	memset(&id, 0, sizeof(id));
	if ((r = cli_vault_open(cli, 0, &v)) != 0)
		return cli_exit(r);
	if ((r = identity_load(v, &id)) != 0) {
		cli_errx("this laptop is not enrolled: use casesync enroll "
		    "with an enrollment token");
		vault_close(v);
		return EXIT_NOT_ENROLLED;
	}
	if ((r = pki_key_new(&key)) != 0 ||
	    (r = pki_csr_new(key, "casesync device", &csr, &csrlen)) != 0)
		goto out;
	/* no client certificate: the old one may have expired */
	memset(&o, 0, sizeof(o));
	if ((r = srvaddr_connect(v, &id, &o, &c)) != 0)
		goto out;	/* a notice said so */
	if ((r = enroll_exchange(c, token, csr, csrlen, id.device_id,
	    &rep, &er)) != 0) {
		if (r == CS_ERR_PEER)
			print_refusal(rep);
		else
			cli_errx("renewal failed: %s", cs_err(r));
		goto out;
	}
	if ((r = pki_cert_from_der(er.cert_der.p, er.cert_der.len,
	    &cert)) != 0 ||
	    X509_check_private_key(cert, key) != 1 ||
	    X509_verify(cert, X509_get0_pubkey(id.ca)) != 1 ||
	    !er.has_identity ||
	    strcmp(er.identity.device_id, id.device_id) != 0 ||
	    pki_cert_not_after(cert, &na) != 0) {
		cli_errx("the server returned a certificate that does not "
		    "match our key, CA or device");
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	nid = id;
	nid.key = key;
	nid.cert = cert;
	if ((r = identity_save(v, &nid)) != 0) {
		cli_errx("cannot store the new certificate: %s", cs_err(r));
		goto out;
	}
	localday_utc_iso(when, sizeof(when), na);
	if (cli->json)
		printf("{\"renewed\":true,\"device_id\":\"%s\","
		    "\"cert_not_after\":%lld}\n", id.device_id, (long long)na);
	else
		printf("renewed device %s: certificate valid until %s; run "
		    "casesync sync to send what waited\n", id.device_id, when);
 out:
	free(csr);
	msg_free(rep);
	conn_close(c);
	X509_free(cert);
	EVP_PKEY_free(key);
	identity_clear(&id);
	vault_close(v);
	return cli_exit(r);
}

int
cmd_enroll(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "server-name", required_argument, NULL, 'n' },
		{ "ca-fingerprint", required_argument, NULL, 'f' },
		{ "token", required_argument, NULL, 't' },
		{ "renew", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conn_opts	 o;
	struct identity		 id;
	struct conn		*c = NULL;
	struct vault		*v = NULL;
	struct msg		*rep = NULL;
	struct msg_enroll_response er;
	const char		*token = NULL, *fp = NULL;
	uint8_t			 pin[PKI_HASH_LEN], *csr = NULL;
	size_t			 csrlen = 0;
	char			 host[256], port[16];
	int			 ch, r, renew = 0;

	memset(&o, 0, sizeof(o));
	memset(&id, 0, sizeof(id));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			renew = 1;
			break;
		case 's':
			o.server = optarg;
			break;
		case 'n':
			o.server_name = optarg;
			break;
		case 'f':
			fp = optarg;
			break;
		case 't':
			token = optarg;
			break;
		case 'h':
			enroll_usage(stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (renew) {
		if (optind != argc || token == NULL || o.server != NULL ||
		    fp != NULL || o.server_name != NULL) {
			enroll_usage(stderr);
			return EXIT_USAGE;
		}
		return enroll_renew(cli, token);
	}
	if (optind != argc || o.server == NULL || fp == NULL ||
	    token == NULL) {
		enroll_usage(stderr);
		return EXIT_USAGE;
	}
	if (hex_decode(pin, sizeof(pin), fp) != 0) {
		cli_errx("--ca-fingerprint must be 64 hex digits");
		return EXIT_USAGE;
	}
	/* the first of the laptop's addresses: their form (netaddr.h) */
	if (!netaddr_ok(o.server) || conn_split(o.server, host,
	    sizeof(host), port, sizeof(port)) != 0) {
		cli_errx("--server must be HOST:PORT (a DNS name, an IPv4 "
		    "address or [IPv6], and a port 1..65535)");
		return EXIT_USAGE;
	}
	o.pin = pin;
	if ((r = cli_vault_open(cli, 1, &v)) != 0)
		return cli_exit(r);
	if (identity_exists(v)) {
		cli_errx("this laptop is already enrolled (%s); to renew its "
		    "certificate use casesync enroll --renew --token TOKEN "
		    "with a token of casesyncctl renew-token", cli->dir);
		r = CS_ERR_EXISTS;
		goto out;
	}
	/* the key is made here and never leaves this laptop */
	if ((r = pki_key_new(&id.key)) != 0 ||
	    (r = pki_csr_new(id.key, "casesync device", &csr, &csrlen)) != 0)
		goto out;
	if ((r = conn_open(&o, &c)) != 0) {
		cli_errx("cannot connect securely to %s: %s", o.server,
		    cs_why(r));
		goto out;
	}
	if ((r = enroll_exchange(c, token, csr, csrlen, NULL, &rep,
	    &er)) != 0) {
		if (r == CS_ERR_PEER || r == CS_ERR_RETRY)
			print_refusal(rep);
		else
			cli_errx("enrollment failed: %s", cs_err(r));
		goto out;
	}
	if ((r = pki_cert_from_der(er.cert_der.p, er.cert_der.len,
	    &id.cert)) != 0 ||
	    X509_check_private_key(id.cert, id.key) != 1 ||
	    X509_verify(id.cert, X509_get0_pubkey(conn_ca(c))) != 1) {
		cli_errx("the server returned a certificate that does not "
		    "match our key or CA");
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	if (X509_up_ref(conn_ca(c)) != 1) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	id.ca = conn_ca(c);
	if (str_fmt(id.server, sizeof(id.server), "%s", o.server) != 0 ||
	    str_fmt(id.server_name, sizeof(id.server_name), "%s",
	    o.server_name != NULL ? o.server_name : host) != 0 ||
	    str_fmt(id.device_id, sizeof(id.device_id), "%s",
	    er.has_identity ? er.identity.device_id : "") != 0) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	if ((r = identity_save(v, &id)) != 0) {
		cli_errx("cannot store the identity: %s", cs_err(r));
		goto out;
	}
	/* the user's end-to-end keys, over a connection as this device */
	conn_close(c);
	c = NULL;
	if ((r = enroll_keys(cli, v, &id, &o, &c)) != 0)
		goto out;
	if (cli->json)
		printf("{\"enrolled\":true,\"device_id\":\"%s\"}\n",
		    id.device_id);
	else
		printf("enrolled as device %s\n", id.device_id);
 out:
	free(csr);
	msg_free(rep);
	conn_close(c);
	identity_clear(&id);
	vault_close(v);
	return cli_exit(r);
}

static void
status_print(const struct cli *cli, const struct identity *id,
    const struct msg_welcome *w, sqlite3 *db)
{
	const struct msg_identity	*i = w->has_identity ?
					    &w->identity : NULL;
	struct json			 j;
	uint64_t			 dev;
	uint8_t				 kh[PKI_HASH_LEN];
	char				 khex[2 * PKI_HASH_LEN + 1];
	/* the server's clock: the one that decides */
	int				 warn = renewal_warn_due(id,
					     w->server_time);

	if (pki_pubkey_hash(id->key, kh) == 0)
		hex_encode(khex, kh, sizeof(kh));
	else
		khex[0] = '\0';

	if (cli->json) {
		/* the one writer (common/json.c); docs/json-schemas.json */
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "server", id->server);
		json_kv_str(&j, "server_version", w->server_version);
		json_kv_time(&j, "server_time", w->server_time);
		if (i != NULL) {
			json_key(&j, "device_id");
			if (parse_u64(i->device_id, 1, INT64_MAX, &dev) == 0)
				json_int(&j, (int64_t)dev);
			else
				json_null(&j);
			json_kv_str(&j, "device_name", i->device_name);
			json_kv_str(&j, "user", i->user_name);
			json_kv_str(&j, "role", i->role);
			json_kv_str(&j, "office", i->office);
			json_kv_time(&j, "cert_not_after", i->cert_not_after);
		}
		/* held purges and changes, read-only cases (nolost.h) */
		json_key(&j, "nothing_lost");
		if (nolost_init(db) != 0)
			json_null(&j);
		else
			(void)cli_nolost_status(db, stdout, &j);
		json_kv_str(&j, "key_sha256", khex);
		json_kv_bool(&j, "cert_expiring", warn);
		json_obj_end(&j);
		(void)json_end(&j);	/* it says what failed */
		return;
	}
	printf("server:      %s (casesyncd %s)\n", id->server,
	    w->server_version);
	if (i == NULL)
		return;
	printf("device:      %s (%s)\n", i->device_id, i->device_name);
	printf("user:        %s, %s\n", i->user_name, i->role);
	printf("office:      %s\n", i->office);
	printf("certificate: valid until ");
	print_time(stdout, i->cert_not_after);
	printf("\n");
	if (nolost_init(db) != 0 ||
	    cli_nolost_status(db, stdout, NULL) != 0)
		printf("(cannot read the held changes of this laptop)\n");
	printf("device key:  sha256 %s\n", khex);
	if (warn)
		cli_renewal_warn(id, w->server_time);
}

int
cmd_status(struct cli *cli, int argc, char *argv[])
{
	struct conn_opts	 o;
	struct identity		 id;
	struct conn		*c = NULL;
	struct vault		*v = NULL;
	struct msg		*rep = NULL;
	struct msg_welcome	 w;
	int			 r;

	memset(&id, 0, sizeof(id));
	if (argc != 1) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ?
		    stdout : stderr, "usage: casesync status\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ?
		    EXIT_OK : EXIT_USAGE;
	}
	if ((r = cli_vault_open(cli, 0, &v)) != 0)
		return cli_exit(r);
	if ((r = identity_load(v, &id)) != 0) {
		cli_errx("this laptop is not enrolled");
		vault_close(v);
		return EXIT_NOT_ENROLLED;
	}
	if ((r = renewal_check(&id)) != 0)
		goto out;
	memset(&o, 0, sizeof(o));
	o.cert = id.cert;
	o.key = id.key;
	if ((r = srvaddr_connect(v, &id, &o, &c)) != 0)
		goto out;	/* a notice said so */
	if ((r = conn_welcome(c, id.device_id, &rep)) != 0) {
		if (r == CS_ERR_PEER || r == CS_ERR_RETRY)
			print_refusal(rep);
		else if (r == CS_ERR_EXPIRED)
			renewal_explain_refused(&id);
		else
			cli_errx("%s: %s", id.server, cs_err(r));
		goto out;
	}
	/* conn_welcome() answers 0 only with a Welcome */
	if ((r = msg_get_welcome(rep, &w)) != 0)
		goto out;
	(void)srvaddr_welcome(v, &id, rep);	/* it says what failed */
	status_print(cli, &id, &w, vault_db(v));
 out:
	msg_free(rep);
	conn_close(c);
	identity_clear(&id);
	vault_close(v);
	return cli_exit(r);
}

/*
 * "casesync passwd", after the key file was re-wrapped with "pass":
 * re-wrap the key backup (keybackup.h) and send it now, or say it will
 * go at the next sync.  0, or the error of the upload (reported).
 */
static int
passwd_keybackup(struct cli *cli, const char *pass, size_t passlen)
{
	struct identity	 id;
	struct vault	*v = NULL;
	struct conn	*c = NULL;
	int		 r;

	memset(&id, 0, sizeof(id));
	if ((r = vault_open(cli->dir, pass, passlen, &v)) != 0) {
		cli_errx("cannot open the vault with the new passphrase: %s",
		    cs_err(r));
		return r;
	}
	if ((r = keybackup_prepare(v, pass, passlen)) != 0) {
		if (r == CS_ERR_NOT_FOUND)	/* no user keys here yet */
			r = 0;
		else
			cli_errx("cannot re-wrap the key backup: %s",
			    cs_err(r));
		vault_close(v);
		return r;
	}
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0) {
		cli_disconnect(v, &id, c);
		/* no server now: the sealed backup waits in the vault */
		if (cli_exit(r) == EXIT_NETWORK) {
			printf("off line: the key backup on the server still "
			    "opens with the old passphrase; the next sync "
			    "replaces it\n");
			return 0;
		}
		cli_errx("the key backup on the server still opens with the "
		    "old passphrase; the next sync replaces it");
		return r;
	}
	if ((r = keybackup_upload(v, c)) == 0)
		printf("key backup on the server re-wrapped: a new laptop "
		    "opens it with the new passphrase\n");
	else
		cli_errx("the key backup is sent again at the next sync");
	cli_disconnect(v, &id, c);
	return r;
}

int
cmd_passwd(struct cli *cli, int argc, char *argv[])
{
	char	*old = NULL, *new = NULL, why[512];
	size_t	 oldlen = 0, newlen = 0;
	int	 r;

	if (argc != 1) {
		int help = argc == 2 && strcmp(argv[1], "--help") == 0;

		fprintf(help ? stdout : stderr, "usage: casesync passwd "
		    "(old passphrase as usual; the new one from the terminal "
		    "or CASESYNC_NEW_PASSPHRASE)\n");
		return help ? EXIT_OK : EXIT_USAGE;
	}
	if ((r = passphrase_get(cli->passfile, 0, &old, &oldlen)) != 0 ||
	    (r = passphrase_get_new(&new, &newlen)) != 0) {
		cli_errx("cannot read the passphrase: %s", cs_err(r));
		goto out;
	}
	if ((r = pwcheck(new, newlen, old, why, sizeof(why))) != 0) {
		cli_errx("new passphrase refused: %s", why);
		goto out;
	}
	if ((r = vault_passwd(cli->dir, old, oldlen, new, newlen)) != 0)
		cli_errx("%s", r == CS_ERR_PASSPHRASE ? "wrong passphrase" :
		    cs_err(r));
	else {
		printf("passphrase changed\n");
		cli_agent_passwd(cli);
		/* the backup a new laptop opens: keybackup.h */
		r = passwd_keybackup(cli, new, newlen);
	}
 out:
	passphrase_free(old, oldlen);
	passphrase_free(new, newlen);
	return cli_exit(r);
}
