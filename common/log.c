/* SPDX-License-Identifier: ISC */
/*
 * log.c - logging to stderr, to the systemd journal's stderr stream or
 * to syslog.
 *
 * The programs use log_init(1, ...): plain lines on stderr.  casesyncd
 * uses log_init_daemon(), which picks one sink at start:
 *  - foreground (-d): stderr, every line with a UTC timestamp and its
 *    level, for a person or a test watching it;
 *  - under systemd (JOURNAL_STREAM names our stderr): stderr with an
 *    sd-daemon(3) "<N>" priority prefix, which journald turns into the
 *    entry's priority; no timestamp, journald adds one;
 *  - else syslog (facility daemon).  When there is no syslog socket
 *    (/dev/log missing: a container, a minimal install) every line also
 *    goes to stderr, as in the foreground, so nothing is lost silently;
 *    when stderr is a terminal, fatal errors also go there, so a person
 *    who started the daemon by hand sees why it stopped.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "log.h"

#define LOG_SYSLOG_PATH	"/dev/log"

enum log_sink {
	LOG_SINK_STDERR,	/* plain lines (the CLIs, tests) */
	LOG_SINK_STAMPED,	/* timestamp and level (casesyncd -d) */
	LOG_SINK_JOURNAL,	/* "<N>" prefix (systemd) */
	LOG_SINK_SYSLOG,
};

static enum log_sink	log_sink = LOG_SINK_STDERR;
static int		log_fatal_stderr;	/* syslog + a terminal */
static int		log_also_stderr;	/* syslog without a socket */
static int		log_level = LOG_INFO;

static const char *const log_level_names[] = {
	[LOG_ERR] = "error", [LOG_WARNING] = "warning",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void
log_init(int debug, const char *ident)
{
	log_sink = debug ? LOG_SINK_STDERR : LOG_SINK_SYSLOG;
	if (!debug)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* Is JOURNAL_STREAM ("dev:ino") the file our stderr is? */
static int
log_journal_stream(void)
{
	struct stat		 sb;
	const char		*v;
	unsigned long long	 dev, ino;
	char			 end;

	if ((v = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(v, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_init_daemon(int foreground, const char *ident)
{
	log_fatal_stderr = log_also_stderr = 0;
	if (foreground) {
		log_sink = LOG_SINK_STAMPED;
		return;
	}
	if (log_journal_stream()) {
		log_sink = LOG_SINK_JOURNAL;
		return;
	}
	log_sink = LOG_SINK_SYSLOG;
	if (access(LOG_SYSLOG_PATH, W_OK) == -1)
		log_also_stderr = 1;
	else if (isatty(STDERR_FILENO))
		log_fatal_stderr = 1;
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_level = v ? LOG_DEBUG : LOG_INFO;
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_level_parse(const char *s, int *level)
{
	size_t	i;

	for (i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]);
	    i++) {
		if (log_level_names[i] != NULL &&
		    strcmp(s, log_level_names[i]) == 0) {
			*level = (int)i;
			return 0;
		}
	}
	return -1;
}

static const char *
log_level_name(int pri)
{
	if (pri <= LOG_ERR)
		return pri == LOG_ERR ? "error" : "fatal";
	if (pri >= (int)(sizeof(log_level_names) /
	    sizeof(log_level_names[0])) || log_level_names[pri] == NULL)
		return "notice";
	return log_level_names[pri];
}

static void
log_stamped(int pri, const char *msg, const char *suffix)
{
	struct timespec	ts = { 0, 0 };
	struct tm	tm;
	char		when[32];

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		when[0] = '\0';
	fprintf(stderr, "%s.%03ldZ %s: %s%s%s\n", when, ts.tv_nsec / 1000000,
	    log_level_name(pri), msg, suffix != NULL ? ": " : "",
	    suffix != NULL ? suffix : "");
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char		 msg[1024];
	const char	*sep = suffix != NULL ? ": " : "";

	if (pri > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (suffix == NULL)
		suffix = "";
	switch (log_sink) {
	case LOG_SINK_STDERR:
		fprintf(stderr, "%s%s%s\n", msg, sep, suffix);
		break;
	case LOG_SINK_STAMPED:
		log_stamped(pri, msg, *sep != '\0' ? suffix : NULL);
		break;
	case LOG_SINK_JOURNAL:
		fprintf(stderr, "<%d>%s%s%s\n", pri, msg, sep, suffix);
		break;
	case LOG_SINK_SYSLOG:
		syslog(pri, "%s%s%s", msg, sep, suffix);
		if (log_also_stderr || (log_fatal_stderr && pri <= LOG_CRIT))
			log_stamped(pri, msg, *sep != '\0' ? suffix : NULL);
		break;
	}
	fflush(stderr);
}

void
log_warn(const char *fmt, ...)
{
	char	 ebuf[128];
	int	 saved = errno;
	va_list	 ap;

	/* GNU strerror_r returns the text, which may not be ebuf */
	const char *e = strerror_r(saved, ebuf, sizeof(ebuf));

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, e);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
log_ssl(const char *what)
{
	unsigned long	e;
	char		buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_warnx("%s: %s", what, buf);
	}
}

void
fatal(const char *fmt, ...)
{
	char	 ebuf[128];
	int	 saved = errno;
	va_list	 ap;
	const char *e = strerror_r(saved, ebuf, sizeof(ebuf));

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
