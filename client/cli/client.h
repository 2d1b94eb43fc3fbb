/* SPDX-License-Identifier: ISC */
/*
 * client.h - what the casesync subcommands share: global options,
 * opening the vault with the user's passphrase, exit codes.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdint.h>
#include <stdio.h>

#include "msg.h"

struct vault;

/* Exit codes of casesync (documented in docs/CLIENT.md). */
#define EXIT_OK			0
#define EXIT_FAIL		1
#define EXIT_USAGE		2
#define EXIT_PASSPHRASE		3	/* wrong passphrase */
#define EXIT_TAMPERED		4	/* local database damaged/tampered */
#define EXIT_REFUSED		5	/* the server answered with an Error */
#define EXIT_NETWORK		6	/* no connection, TLS or server identity */
#define EXIT_NOT_ENROLLED	7
#define EXIT_RETRY		8	/* the server could not now: try later */
#define EXIT_CERT_EXPIRED	9	/* device certificate expired: renew */

struct cli {
	const char	*dir;		/* the client's data directory */
	const char	*passfile;	/* --passphrase-file */
	int		 json;		/* --json */
	char		 dirbuf[4096];
	/*
	 * The vault opened to read what --case or --id mean (cli_ids.h):
	 * the next cli_vault_open() takes it instead of asking the
	 * passphrase again; main() closes it if no one did.
	 */
	struct vault	*held;
};

/*
 * Open the vault in cli->dir, asking for the passphrase (or take
 * cli->held).  With "create", make a new vault if there is none
 * (asking twice).
 */
int	cli_vault_open(struct cli *, int create, struct vault **);
struct conn;
struct identity;
struct sqlite3;

/*
 * Open the vault, load the identity, connect and say Hello; on
 * failure the error has been reported.  Release with cli_disconnect.
 */
int	cli_connect(struct cli *, struct vault **, struct identity *,
	    struct conn **);
/*
 * The same with a vault the caller has opened (and keeps: it is not
 * closed on failure; release the rest with cli_disconnect(NULL, ...)).
 */
int	cli_connect_open(struct cli *, struct vault *, struct identity *,
	    struct conn **);
void	cli_disconnect(struct vault *, struct identity *, struct conn *);
/* Report a failed exchange with the server (Error reply or other). */
struct msg;
struct msg_error;
void	cli_report(const char *what, int r, const struct msg *reply);
/*
 * Send "req", expecting a "want" reply, and keep the reply as the next
 * of *pages (*n of them; free with cli_pages_free).  A failure is
 * reported (cli_report, as "what") and nothing is kept.
 */
int	cli_page_fetch(struct conn *, const struct msg_out *req,
	    enum msg_type want, const char *what, struct msg ***pages,
	    size_t *n);
void	cli_pages_free(struct msg **pages, size_t n);
/* The certificate's warning (renewal.h) on stdout, if it is due. */
void	cli_renewal_warn(const struct identity *, int64_t now);
/* At a sync: renew the certificate if due, then warn if it is close. */
void	cli_renewal_at_sync(struct cli *, struct vault *, struct identity *,
	    struct conn *);
/* `casesync glass list` (cmd_glass.c). */
int	cmd_glass_list(struct cli *, int argc, char *argv[]);
/* Print the break-the-glass uses not shown before (glass.h). */
int	cli_glass_notify(struct sqlite3 *, struct conn *, unsigned *n);
/*
 * Print the held purges, held changes and read-only cases (nolost.h),
 * for people (json NULL) or as a JSON object into "json" (members
 * "held_purges", "held_changes", "read_only"); cli_print.c.
 */
struct json;
int	cli_nolost_status(struct sqlite3 *, FILE *, struct json *);
/*
 * Print the read log (a table, or JSON lines) checking its chain:
 * CS_ERR_TAMPERED if an entry was changed, removed or reordered.
 */
int	cli_reads_print(struct sqlite3 *, int json);
/*
 * One record as a JSON object, the one place that writes a record for
 * --json (schema "casesync record" in docs/json-schemas.json; record
 * get, record list, the case-file lists and shows): record_id,
 * short_id, case_id, kind, version, deleted and, with its body "b",
 * conflicts (fields in conflict) and fields (name: value; a value that
 * is not text, such as a conflict's marker, is null).  Without a body
 * (a list of metadata) no content is written.
 */
struct body;
struct db_record;
struct ids;
void	cli_record_json(struct json *, const struct ids *,
	    const struct db_record *, const struct body *b);
/* A record written (add, edit): {"record_id","case_id"} on stdout. */
int	cli_written_json(const char *record_id, const char *case_id);
/*
 * Long texts (cli_editor.c).  cli_read_text reads all of "fd" (at most
 * SCHEMA_LONG_MAX bytes, one trailing newline dropped) into *out.
 * cli_editor asks the user's editor ($VISUAL, $EDITOR, editor, vi) on
 * a terminal; cli_editor_done then removes the file once the text was
 * saved, or keeps it and prints its path.
 */
struct cli_edit {
	char	path[256];		/* "" when there is no file */
};
int	cli_read_text(int fd, char **out);
int	cli_editor(const char *what, char **out, struct cli_edit *);
void	cli_editor_done(struct cli_edit *, int saved);
/* Print the core's notices (notice.h) from now on: main() calls it. */
void	cli_notices(void);
/*
 * When an Error says to try again: "in N s" (its retry_after_ms,
 * rounded up) or "later"; "buf" holds the text.
 */
const char *cli_retry_when(const struct msg_error *, char *buf, size_t len);

struct vault;
/*
 * The user's keys on this laptop (cmd_keys.c): new ones on the user's
 * first device, else the key backup opened; reported on failure.
 */
int	cli_keys_setup(struct cli *, struct vault *, struct identity *,
	    struct conn *);
/* A key round after a change of holders; failures only warn. */
void	cli_key_round(struct vault *, struct identity *, struct conn *);

/* Map a CS_ERR_* to one of the exit codes above. */
int	cli_exit(int r);
/*
 * Say on stderr why a write to "case_id" was refused with CS_ERR_AUTH
 * (read-only for this user: nolost.h).  Exit with EXIT_REFUSED.
 */
void	cli_readonly(struct sqlite3 *db, const char *case_id);
/*
 * The frame of a new case (case create, case new): 0, or CS_ERR_USAGE
 * said with the frames there are.
 */
int	cli_frame_check(const char *frame);
/*
 * main(), with a command's exit code: if a page of the vault failed
 * authentication at any point (vault_tamper_seen), the command's
 * buffered output is discarded, "database damaged or tampered" is said
 * (once) and EXIT_TAMPERED returned, whatever the command returned:
 * no command prints a partial or empty result after such an error.
 */
int	cli_finish(int code);
/* Size of stdout's buffer (main.c): output up to this is all or none. */
#define CLI_OUTBUF		(4 * 1024 * 1024)
/* "casesync: <message>" on stderr. */
void	cli_errx(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2)));

int	cmd_enroll(struct cli *, int argc, char *argv[]);
int	cmd_status(struct cli *, int argc, char *argv[]);
int	cmd_passwd(struct cli *, int argc, char *argv[]);
int	cmd_sync(struct cli *, int argc, char *argv[]);
int	cmd_keys(struct cli *, int argc, char *argv[]);
int	cmd_record(struct cli *, int argc, char *argv[]);
int	cmd_case(struct cli *, int argc, char *argv[]);
/* Make case "case_id" of "frame" on the server; an exit status. */
int	cli_case_create(struct cli *, const char *case_id, const char *frame);
int	cmd_conflicts(struct cli *, int argc, char *argv[]);
int	cmd_resolve(struct cli *, int argc, char *argv[]);
int	cmd_digest(struct cli *, int argc, char *argv[]);
int	cmd_check(struct cli *, int argc, char *argv[]);
/* casesync ui: the local web application (client/ui/ui_main.c). */
int	cmd_ui(struct cli *, int argc, char *argv[]);

#endif /* CLIENT_H */
