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
struct store_device;

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
#define CTL_FILE_LOCK		"casesyncd.lock"	/* held while it runs */

#define CTL_PATH_MAX		4096
#define CTL_CONF_DEFAULT	"/etc/casesync/casesyncd.conf"

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
/* user disable|enable|move|role|rename|remove: argv[0] names it. */
int	ctl_user_admin(struct ctl *, int argc, char **argv);
int	ctl_enroll_token(struct ctl *, int argc, char **argv);
int	ctl_device(struct ctl *, int argc, char **argv);
int	ctl_records(struct ctl *, int argc, char **argv);
int	ctl_audit(struct ctl *, int argc, char **argv);
int	ctl_transfer(struct ctl *, int argc, char **argv);
int	ctl_glass(struct ctl *, int argc, char **argv);
int	ctl_recovery(struct ctl *, int argc, char **argv);
int	ctl_renew_token(struct ctl *, int argc, char **argv);
int	ctl_server_cert(struct ctl *, int argc, char **argv);
int	ctl_status(struct ctl *, int argc, char **argv);
int	ctl_retention(struct ctl *, int argc, char **argv);
int	ctl_report(struct ctl *, int argc, char **argv);

/* Lifetimes of what casesyncctl init makes (docs/ADMIN.md). */
#define CTL_CA_DAYS		3650		/* 10 years */
#define CTL_SRV_DAYS		365
#define CTL_SRV_LIFETIME	((int64_t)CTL_SRV_DAYS * 86400)

/*
 * A one-time token (enroll-token, renew-token): made in guarded memory,
 * "add" stores its id and keyed hash (0 or CS_ERR_*), then "token T" is
 * written to stdout through write(2) and the secret wiped.  Prints why
 * not ("what: ...").  CTL_EXIT_OK or CTL_EXIT_FAIL.
 */
typedef int (*ctl_token_add_fn)(struct store *, const uint8_t *id,
    const uint8_t *hash, void *arg);
int	ctl_token_issue(struct store *, ctl_token_add_fn add, void *arg,
	    const char *what);
/* `casesyncctl device show ID` (ctl_renew.c): keys and certificate. */
int	ctl_device_show(struct store *, const char *id);

/* A device by its decimal id (ctl_renew.c); prints why not. */
int	ctl_renew_device(struct store *, const char *arg, const char *what,
	    struct store_device *);

/*
 * `--json` (ctl_json.c): ctl_json_opt() takes "--json" out of argv
 * (before a "--") and says whether it was there; the printers write a
 * command's listing as JSON (docs/json-schemas.json) and return a
 * CTL_EXIT_* status.
 */
int	ctl_json_opt(int *argc, char **argv);
int	ctl_json_office_list(struct store *);
int	ctl_json_user_list(struct store *);
int	ctl_json_device_list(struct store *);
int	ctl_json_device_show(struct store *, const char *id);
int	ctl_json_server_cert(const char *name, int64_t srv_end,
	    int64_t ca_end);
int	ctl_json_records_digest(struct store *);
int	ctl_json_records_purges(struct store *);
int	ctl_json_transfer_list(struct store *);
int	ctl_json_transfer_pending(struct store *);
int	ctl_json_glass_list(struct store *);

/* ctl_held.c: held purges and changes (part of transfer pending) */
int	ctl_held_pending(struct store *, int *n);
/* ctl_held.c: "transfer decide"; argv[0] is "decide" */
int	ctl_held_decide(struct ctl *, struct store *, int argc, char **argv);
int	ctl_backup(struct ctl *, int argc, char **argv);
int	ctl_restore(struct ctl *, int argc, char **argv);
/* "migrate --to postgresql:CONNINFO" (ctl_migrate.c) */
int	ctl_migrate(struct ctl *, int argc, char **argv);

struct audit_entry;
/*
 * Append "e" to the audit log as done by the account running
 * casesyncctl; with "sign" (every caller: then verify finds no
 * entry of casesyncctl's uncovered), also sign a checkpoint (the audit
 * key is created if the deployment has none yet).  Prints why not.
 */
int	ctl_audit_record(struct ctl *, struct store *, struct audit_entry *e,
	    int sign);
/*
 * After a restore: revoke again in "st" the devices "old" (the replaced
 * database) has revoked, and list the memberships "old" no longer has
 * (ctl_restore_carry.c).
 */
int	ctl_restore_carry(struct ctl *, struct store *old, struct store *st);
/*
 * "casesyncctl audit verify" of the log in "st" against audit key "pk",
 * reported on stdout, without recording the reading: CTL_EXIT_OK with
 * the verified *size and root, else CTL_EXIT_FAIL.  With "c", also the
 * checkpoint file of c->dir and the witness file "against" (NULL:
 * none); without, only the database (a copy: the file is the live
 * database's).
 */
int	ctl_audit_check(struct ctl *c, const char *against, struct store *,
	    const uint8_t pk[32], uint64_t *size, uint8_t root[32]);
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
/*
 * The store spec of the deployment in "dir" (store_open): the
 * configuration's database (ctl_store_open's rule: dir/casesyncd.conf,
 * else /etc/casesync/casesyncd.conf naming "dir"), else dir/server.db.
 * CTL_EXIT_OK or CTL_EXIT_FAIL (said).
 */
int	ctl_database(const char *dir, char *dst, size_t dstlen);

/* "YYYY-MM-DDTHH:MM:SSZ" of "t" into dst (at least 21 bytes). */
void	ctl_time_iso(char *dst, size_t dstlen, int64_t t);

/* The usage text of one command group, or of everything (NULL). */
void	ctl_usage(const char *command, int to_stderr);

#endif /* CTL_H */
