/* SPDX-License-Identifier: ISC */
/*
 * check.h - `casesyncd -t`: check a configuration without starting.
 */
#ifndef CHECK_H
#define CHECK_H

/*
 * Check the configuration file at "path" (with the -l and -w overrides,
 * either may be NULL): every line, the required keys, "user", data_dir
 * and its permissions, the CA and server certificates and keys (they
 * load, they match, they are in their validity period, the server's is
 * the CA's and names server_name).  Every problem is printed to stderr,
 * warnings too (a certificate expiring within 30 days); "configuration
 * OK" to stdout when there is no problem.  Returns the number of
 * problems.
 */
int	check_config(const char *path, const char *listen_arg,
	    const char *workers_arg);

#endif /* CHECK_H */
