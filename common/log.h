/* SPDX-License-Identifier: ISC */
/*
 * log.h - logging to stderr or syslog, in the manner of OpenBSD daemons.
 *
 * log_init() chooses the sink: stderr when "debug" is set, else syslog
 * with "ident".  Before log_init() everything goes to stderr.  Callers
 * never pass secrets, tokens or case content; peer strings go through
 * str_vis() first.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

void	log_init(int debug, const char *ident);
void	log_setverbose(int);
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
