/* SPDX-License-Identifier: ISC */
/*
 * ctl.h - shared declarations of casesyncctl, the administration tool
 * of a casesync deployment.  main.c parses the global options and
 * dispatches to one handler per command group; each handler parses its
 * own options with getopt_long and returns an exit code.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* Exit codes (documented in docs/ADMIN.md). */
#define CTL_EXIT_OK		0
#define CTL_EXIT_FAIL		1	/* could not be done */
#define CTL_EXIT_USAGE		2	/* malformed command line */

/* Files of a deployment directory. */
#define CTL_FILE_CONF		"casesyncd.conf"
#define CTL_FILE_CA_KEY		"ca.key"
#define CTL_FILE_CA_CRT		"ca.crt"
#define CTL_FILE_SRV_KEY	"server.key"
#define CTL_FILE_SRV_CRT	"server.crt"
#define CTL_FILE_DB		"server.db"

#define CTL_PATH_MAX		4096

struct ctl {
	const char	*dir;	/* --dir or $CASESYNC_DIR; may be NULL */
};

/*
 * Command handlers.  argv[0] is the command name; options start at
 * argv[1].  Each returns one of the CTL_EXIT_* codes and has printed
 * any error itself.
 */
int	ctl_init(struct ctl *, int argc, char **argv);
int	ctl_office(struct ctl *, int argc, char **argv);
int	ctl_user(struct ctl *, int argc, char **argv);
int	ctl_enroll_token(struct ctl *, int argc, char **argv);
int	ctl_device(struct ctl *, int argc, char **argv);
int	ctl_records(struct ctl *, int argc, char **argv);
int	ctl_audit(struct ctl *, int argc, char **argv);
int	ctl_transfer(struct ctl *, int argc, char **argv);
int	ctl_glass(struct ctl *, int argc, char **argv);
int	ctl_recovery(struct ctl *, int argc, char **argv);

struct audit_entry;
/*
 * Append "e" to the audit log as done by the account running
 * casesyncctl; with "sign" (every caller: then verify finds no
 * entry of casesyncctl's uncovered), also sign a checkpoint (the audit key is
 * created if the deployment has none yet).  Prints why not.
 */
int	ctl_audit_record(struct ctl *, struct store *, struct audit_entry *e,
	    int sign);
/*
 * Audit an administrator's action (docs/AUDIT.md, "admin_*"): an entry
 * of "type" by the host account, with a checkpoint.  Prints why not.
 */
int	ctl_audit_admin(struct ctl *, struct store *, const char *type,
	    char action, const char *object_type, const char *object_id,
	    const char *detail);
/* Audit the revocation of device "id" (a decimal string). */
int	ctl_audit_revoke(struct ctl *, struct store *, const char *id);

/* "casesyncctl: <message>" on stderr. */
void	ctl_errx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));

/* dst = dir "/" file; CTL_EXIT_FAIL (with a message) if too long. */
int	ctl_path(char *dst, size_t dstlen, const char *dir, const char *file);

/*
 * Open the database of the deployment in c->dir.  Returns CTL_EXIT_OK
 * and sets *out, or prints why not and returns CTL_EXIT_FAIL (or
 * CTL_EXIT_USAGE when no directory was given).
 */
int	ctl_store_open(struct ctl *c, struct store **out);

/* "YYYY-MM-DDTHH:MM:SSZ" of "t" into dst (at least 21 bytes). */
void	ctl_time_iso(char *dst, size_t dstlen, int64_t t);

/* The usage text of one command group, or of everything (NULL). */
void	ctl_usage(const char *command, int to_stderr);

#endif /* CTL_H */
