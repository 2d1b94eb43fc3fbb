/* SPDX-License-Identifier: ISC */
/*
 * log.h - logging to stderr or syslog, in the manner of OpenBSD daemons.
 *
 * log_init() chooses the sink: stderr when "debug" is set, else syslog
 * with "ident".  log_init_daemon() is casesyncd's: "foreground" means
 * stderr with timestamps and levels; else the systemd journal's stream
 * when JOURNAL_STREAM names stderr ("<N>" prefixes), else syslog (with
 * a stderr fallback, see log.c).  Before either, everything goes to
 * stderr.  Messages less severe than the level (default info) are
 * dropped.  Callers
 * never pass secrets, tokens or case content; peer strings go through
 * str_vis() first.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

void	log_init(int debug, const char *ident);
void	log_init_daemon(int foreground, const char *ident);
/* 1: debug, 0: info. */
void	log_setverbose(int);
/* A syslog priority: LOG_ERR, LOG_WARNING, LOG_INFO or LOG_DEBUG. */
void	log_setlevel(int);
/* "error", "warning", "info", "debug" into a priority; -1 if none. */
int	log_level_parse(const char *, int *);
void	log_warn(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_debug(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
/* Drain the OpenSSL error queue into the log with prefix "what". */
void	log_ssl(const char *what);
void	fatal(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));

#endif /* LOG_H */
