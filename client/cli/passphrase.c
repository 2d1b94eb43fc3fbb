/* SPDX-License-Identifier: ISC */
/*
 * passphrase.c - the vault passphrase from a file, the environment or
 * the terminal.
 *
 * The terminal is read from /dev/tty with echo off, in the manner of
 * readpassphrase(3): a signal while we wait restores the terminal
 * first and is then delivered.  Every copy of a passphrase is in
 * sodium_malloc memory and wiped when released.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "passphrase.h"
#include "vault.h"

#define PASS_CAP	(VAULT_PASS_MAX + 2)	/* room to see "too long" */

static volatile sig_atomic_t	pass_sig;

static void
pass_onsig(int s)
{
	pass_sig = s;
}

static int
pass_alloc(char **p)
{
	if ((*p = sodium_malloc(PASS_CAP)) == NULL)
		return CS_ERR_ALLOC;
	memset(*p, 0, PASS_CAP);
	return 0;
}

void
passphrase_free(char *pass, size_t len)
{
	(void)len;		/* sodium_free wipes the whole allocation */
	if (pass != NULL)
		sodium_free(pass);
}

/* Accept the "n" bytes in "p" (NUL-terminate, wipe the rest) or not. */
static int
pass_finish(char *p, size_t n, char **pass, size_t *len)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0) {
		log_warnx("an empty passphrase is not allowed");
		return CS_ERR_FORMAT;
	}
	if (n > VAULT_PASS_MAX || memchr(p, '\0', n) != NULL) {
		log_warnx("the passphrase is too long or contains a NUL byte");
		return CS_ERR_FORMAT;
	}
	sodium_memzero(p + n, PASS_CAP - n);
	*pass = p;
	*len = n;
	return 0;
}

static int
pass_file(const char *file, char **pass, size_t *len)
{
	struct stat	 st;
	char		*p = NULL, *nl;
	size_t		 n = 0;
	ssize_t		 got;
	int		 fd, r;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		log_warn("%s", file);
		return errno == ENOENT ? CS_ERR_NOT_FOUND : CS_ERR_SYSTEM;
	}
	if (fstat(fd, &st) == -1) {
		r = CS_ERR_SYSTEM;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
		log_warnx("warning: %s can be read by group or others", file);
	if ((r = pass_alloc(&p)) != 0)
		goto out;
	/* Up to the first line end, or one byte more than we accept. */
	while (n < PASS_CAP - 1 && memchr(p, '\n', n) == NULL) {
		if ((got = read(fd, p + n, PASS_CAP - 1 - n)) == -1) {
			if (errno == EINTR)
				continue;
			r = CS_ERR_SYSTEM;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if ((nl = memchr(p, '\n', n)) != NULL)
		n = (size_t)(nl - p);
	if ((r = pass_finish(p, n, pass, len)) != 0)
		goto out;
	p = NULL;			/* transferred */
 out:
	passphrase_free(p, PASS_CAP);
	close(fd);
	return r;
}

static int
pass_env(const char *s, char **pass, size_t *len)
{
	char	*p = NULL;
	size_t	 n;
	int	 r;

	if ((n = strlen(s)) > VAULT_PASS_MAX) {
		log_warnx("the passphrase is too long");
		return CS_ERR_FORMAT;
	}
	if ((r = pass_alloc(&p)) != 0)
		return r;
	memcpy(p, s, n);
	if ((r = pass_finish(p, n, pass, len)) != 0)
		passphrase_free(p, PASS_CAP);
	return r;
}

/* One line from the terminal "fd" with echo off. */
static int
pass_tty_line(int fd, const char *prompt, char **pass, size_t *len)
{
	static const int	 sigs[] = { SIGINT, SIGHUP, SIGQUIT, SIGTERM };
	struct sigaction	 sa, old[4];
	struct termios		 tio, saved;
	char			*p = NULL, c;
	size_t			 n = 0, i;
	ssize_t			 got = 0;
	int			 r, toolong = 0;

	if ((r = pass_alloc(&p)) != 0)
		return r;
	if (tcgetattr(fd, &saved) == -1) {
		r = CS_ERR_SYSTEM;
		goto out;
	}
	pass_sig = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_onsig;	/* no SA_RESTART: read() returns */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		(void)sigaction(sigs[i], &sa, &old[i]);
	tio = saved;
	tio.c_lflag &= ~(tcflag_t)ECHO;
	if (write(fd, prompt, strlen(prompt)) == -1 ||
	    tcsetattr(fd, TCSAFLUSH, &tio) == -1)
		got = -1;
	while (got != -1 && pass_sig == 0) {
		if ((got = read(fd, &c, 1)) == -1 && errno == EINTR) {
			got = 0;
			continue;
		}
		if (got != 1 || c == '\n')
			break;
		if (n < PASS_CAP - 1)
			p[n++] = c;
		else
			toolong = 1;
	}
	c = 0;
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) == -1)
		got = got == 1 ? got : -1;	/* the terminal went away */
	for (i = 0; i < 4; i++)
		(void)sigaction(sigs[i], &old[i], NULL);
	if (pass_sig != 0) {
		(void)raise(pass_sig);	/* as if it came now */
		r = CS_ERR_SYSTEM;
		goto out;
	}
	if (got == -1) {
		r = CS_ERR_SYSTEM;
		goto out;
	}
	if (toolong) {
		log_warnx("the passphrase is too long");
		r = CS_ERR_FORMAT;
		goto out;
	}
	if ((r = pass_finish(p, n, pass, len)) != 0)
		goto out;
	p = NULL;			/* transferred */
 out:
	passphrase_free(p, PASS_CAP);
	return r;
}

static int
pass_tty(const char *prompt, int confirm, char **pass, size_t *len)
{
	char	*a = NULL, *b = NULL;
	size_t	 alen = 0, blen = 0;
	int	 fd, r;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1) {
		log_warnx("no passphrase: no terminal, no --passphrase-file "
		    "and no CASESYNC_PASSPHRASE");
		return CS_ERR_NOT_FOUND;
	}
	if ((r = pass_tty_line(fd, prompt, &a, &alen)) != 0)
		goto out;
	if (confirm) {
		if ((r = pass_tty_line(fd, "Repeat the passphrase: ", &b,
		    &blen)) != 0)
			goto out;
		if (alen != blen || sodium_memcmp(a, b, alen) != 0) {
			log_warnx("the two passphrases differ");
			r = CS_ERR_AUTH;
			goto out;
		}
	}
	*pass = a;
	*len = alen;
	a = NULL;			/* transferred */
	r = 0;
 out:
	passphrase_free(a, alen);
	passphrase_free(b, blen);
	close(fd);
	return r;
}

int
passphrase_get(const char *file, int confirm, char **pass, size_t *len)
{
	const char	*s;

	*pass = NULL;
	*len = 0;
	if (file != NULL)
		return pass_file(file, pass, len);
	if ((s = getenv("CASESYNC_PASSPHRASE")) != NULL)
		return pass_env(s, pass, len);
	return pass_tty(confirm ? "New vault passphrase: " :
	    "Vault passphrase: ", confirm, pass, len);
}

int
passphrase_get_new(char **pass, size_t *len)
{
	const char	*s;

	*pass = NULL;
	*len = 0;
	if ((s = getenv("CASESYNC_NEW_PASSPHRASE")) != NULL)
		return pass_env(s, pass, len);
	return pass_tty("New vault passphrase: ", 1, pass, len);
}
