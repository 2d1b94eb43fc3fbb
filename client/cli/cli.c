/* SPDX-License-Identifier: ISC */
/*
 * cli.c - helpers shared by the casesync subcommands (see client.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd_agent.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "identity.h"
#include "lifecycle.h"
#include "log.h"
#include "marker.h"
#include "msg_session.h"
#include "nolost.h"
#include "notice.h"
#include "passphrase.h"
#include "renewal.h"
#include "session.h"
#include "pwcheck.h"
#include "readlog.h"
#include "synccount.h"
#include "util.h"
#include "vault.h"

/* Said once: what every message after a failed page would have hidden. */
static int	cli_tamper_said;

static void
cli_tamper_say(void)
{
	if (cli_tamper_said)
		return;
	cli_tamper_said = 1;
	fputs("casesync: database damaged or tampered: a page of this "
	    "laptop's vault failed authentication; nothing from it is shown "
	    "(docs/CLIENT.md, exit code 4)\n", stderr);
}

void
cli_errx(const char *fmt, ...)
{
	va_list	ap;

	/*
	 * After a failed page, messages derived from it mislead ("not
	 * enrolled", "run keys setup"): the one true message replaces
	 * them.
	 */
	if (vault_tamper_seen()) {
		cli_tamper_say();
		return;
	}
	fputs("casesync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_finish(int code)
{
	if (!vault_tamper_seen())
		return code;
	/* Whatever was printed before or after the failure is dropped. */
	__fpurge(stdout);
	cli_tamper_say();
	return EXIT_TAMPERED;
}

int
cli_exit(int r)
{
	if (r != 0 && vault_tamper_seen())
		return EXIT_TAMPERED;
	switch (r) {
	case 0:
		return EXIT_OK;
	case CS_ERR_USAGE:
		return EXIT_USAGE;
	case CS_ERR_PASSPHRASE:
		return EXIT_PASSPHRASE;
	case CS_ERR_TAMPERED:
		return EXIT_TAMPERED;
	case CS_ERR_PEER:
		return EXIT_REFUSED;
	case CS_ERR_RETRY:
		return EXIT_RETRY;
	case CS_ERR_EXPIRED:
		return EXIT_CERT_EXPIRED;
	case CS_ERR_TLS:
	case CS_ERR_AUTH:
	case CS_ERR_CLOSED:
	case CS_ERR_TIMEOUT:
	case CS_ERR_SYSTEM:
		return EXIT_NETWORK;
	default:
		return EXIT_FAIL;
	}
}

int
cli_vault_open(struct cli *cli, int create, struct vault **vp)
{
	struct stat	 st;
	char		*pass = NULL, why[512];
	size_t		 len = 0;
	int		 r, exists;

	*vp = NULL;
	if (cli->held != NULL) {	/* opened to read the command's ids */
		*vp = cli->held;
		cli->held = NULL;	/* transferred */
		return 0;
	}
	exists = vault_exists(cli->dir);
	if (!exists && !create) {
		cli_errx("no vault in %s: enroll this laptop first", cli->dir);
		return CS_ERR_NOT_FOUND;
	}
	if (!exists && stat(cli->dir, &st) == -1) {
		if (errno != ENOENT || mkdir(cli->dir, 0700) == -1) {
			cli_errx("%s: %s", cli->dir, strerror(errno));
			return CS_ERR_SYSTEM;
		}
	}
	/* the agent's key first (cmd_agent.c), else the passphrase */
	if (exists && (r = cli_agent_open(cli, vp)) != CS_ERR_NOT_FOUND) {
		if (r != 0)
			cli_errx("cannot open the vault in %s: %s", cli->dir,
			    cs_why(r));
		goto opened;
	}
	if ((r = passphrase_get(cli->passfile, !exists, &pass, &len)) != 0) {
		cli_errx("cannot read the passphrase: %s", cs_err(r));
		return r;
	}
	/* a new passphrase (enrollment) must be strong: pwcheck.h */
	if (!exists && (r = pwcheck(pass, len, NULL, why,
	    sizeof(why))) != 0) {
		cli_errx("passphrase refused: %s", why);
		passphrase_free(pass, len);
		return r;
	}
	if (exists)
		r = vault_open(cli->dir, pass, len, vp);
	else
		r = vault_create(cli->dir, pass, len, vp);
	passphrase_free(pass, len);
	if (r == CS_ERR_PASSPHRASE)
		cli_errx("wrong passphrase");
	else if (r != 0)
		cli_errx("cannot open the vault in %s: %s", cli->dir,
		    cs_why(r));
 opened:
	/* entries of the read log removed before their upload: refused */
	if (r == 0 && (r = vault_err(*vp, readlog_verify(vault_db(*vp)))) !=
	    0) {
		if (r == CS_ERR_TAMPERED)
			cli_errx("the read log of this laptop was changed "
			    "(see above): the vault has been tampered with; "
			    "tell your administrator");
		else
			cli_errx("cannot check the read log: %s", cs_err(r));
		vault_close(*vp);
		*vp = NULL;
	}
	return r;
}

int
cli_connect_open(struct cli *cli, struct vault *v, struct identity *id,
    struct conn **cp)
{
	return session_open(v, cli->dir, id, cp);
}

int
cli_connect(struct cli *cli, struct vault **vp, struct identity *id,
    struct conn **cp)
{
	int	r;

	*vp = NULL;
	*cp = NULL;
	memset(id, 0, sizeof(*id));
	if ((r = cli_vault_open(cli, 0, vp)) != 0)
		return r;
	if ((r = cli_connect_open(cli, *vp, id, cp)) != 0) {
		vault_close(*vp);
		*vp = NULL;
	}
	return r;
}

void
cli_disconnect(struct vault *v, struct identity *id, struct conn *c)
{
	session_close(v, id, c);
}

const char *
cli_retry_when(const struct msg_error *e, char *buf, size_t len)
{
	return notice_retry_when(e, buf, len);
}

/* "reply" is the reply (an Error, for its text), or NULL. */
void
cli_report(const char *what, int r, const struct msg *reply)
{
	char	text[NOTICE_MAX];

	notice_reply_text(text, sizeof(text), what, r, reply);
	cli_errx("%s", text);
}

/* The core's notices (notice.h): results on stdout, the rest stderr. */
static void
cli_notice(enum notice_level lv, const char *text, void *arg)
{
	(void)arg;
	if (lv == NOTICE_INFO)
		printf("%s\n", text);
	else
		cli_errx("%s", text);
}

void
cli_notices(void)
{
	notice_set(cli_notice, NULL);
}

/* Say why "case_id" takes no write here (nolost.h). */
void
cli_readonly(sqlite3 *db, const char *case_id)
{
	struct nolost_access	a;
	char			why[512];

	if (nolost_writable(db, case_id, &a) == CS_ERR_AUTH) {
		nolost_explain(&a, why, sizeof(why));
		cli_errx("%s; nothing was written", why);
	} else
		cli_errx("case %s: %s", case_id, cs_err(CS_ERR_AUTH));
}

int
cli_frame_check(const char *frame)
{
	enum lc_frame	f;

	if (frame == NULL) {
		cli_errx("--frame: a new case needs its frame (%s)",
		    LC_FRAME_CHOICES);
		return CS_ERR_USAGE;
	}
	if (lc_frame_parse(frame, &f) != 0) {
		cli_errx("--frame: not a frame (%s)", LC_FRAME_CHOICES);
		return CS_ERR_USAGE;
	}
	return 0;
}

int
cli_page_fetch(struct conn *c, const struct msg_out *req, enum msg_type want,
    const char *what, struct msg ***pages, size_t *n)
{
	struct msg	*rep = NULL, **p;
	int		 r;

	if ((r = rpc_call_expect(c, req, want, &rep)) != 0) {
		cli_report(what, r, rep);
		msg_free(rep);
		return r;
	}
	if ((p = reallocarray(*pages, *n + 1, sizeof(*p))) == NULL) {
		msg_free(rep);
		return CS_ERR_ALLOC;
	}
	*pages = p;
	p[(*n)++] = rep;
	return 0;
}

void
cli_pages_free(struct msg **pages, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		msg_free(pages[i]);
	free(pages);
}
