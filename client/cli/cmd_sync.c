/* SPDX-License-Identifier: ISC */
/*
 * cmd_sync.c - "casesync sync", and the low-level record commands the
 * case commands are built on: record put|get|list, case create|member,
 * conflicts, resolve, digest.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "clihelp.h"
#include "msg.h"
#include "auditcp.h"
#include "children.h"
#include "body.h"
#include "case_meta.h"
#include "cli_ids.h"
#include "client.h"
#include "cmd_case.h"
#include "cmd_dossier.h"
#include "children.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "glass.h"
#include "keys.h"
#include "localday.h"
#include "identity.h"
#include "ids.h"
#include "json.h"
#include "merge.h"
#include "msg_sync.h"
#include "nolost.h"
#include "keybackup.h"
#include "readlog.h"
#include "renewal.h"
#include "restore.h"
#include "session.h"
#include "sync.h"
#include "synclock.h"
#include "syncstatus.h"
#include "util.h"
#include "vault.h"

static volatile sig_atomic_t	cmd_stop;

static void
cmd_on_signal(int sig)
{
	(void)sig;
	cmd_stop = 1;
}

/* Print a value for people: printable as is, the rest escaped. */
static void
print_value(const uint8_t *v, size_t len)
{
	char	vis[512];

	fputs(str_vis(vis, sizeof(vis), (const char *)v, len), stdout);
}


static int64_t
mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
open_db(struct cli *cli, struct vault **v, sqlite3 **db)
{
	int	r;

	*db = NULL;
	if ((r = cli_vault_open(cli, 0, v)) != 0)
		return r;
	*db = vault_db(*v);
	if ((r = db_init(*db)) != 0) {
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(*v);
		*v = NULL;
	}
	return r;
}

void
cli_renewal_warn(const struct identity *id, int64_t now)
{
	char	text[512];

	if (renewal_warning(id, now, text, sizeof(text)))
		printf("%s\n", text);
}

/*
 * At a sync, on a connection that worked: renew if due (a failure is
 * reported, not returned: the current certificate still works), then
 * warn if the certificate is close to its end.
 */
void
cli_renewal_at_sync(struct cli *cli, struct vault *v, struct identity *id,
    struct conn *c)
{
	int64_t	na;
	char	when[32];

	if (renewal_due(id, time_now())) {
		if (renewal_run(v, id, c, &na) == 0) {
			localday_utc_iso(when, sizeof(when), na);
			if (!cli->json)
				printf("certificate renewed: valid until %s\n",
				    when);
		} else
			cli_errx("certificate renewal failed; the current "
			    "certificate still works and the next sync "
			    "tries again");
	}
	if (!cli->json)
		cli_renewal_warn(id, time_now());
}

/* The progress line on stderr: redrawn in place, ended by "done". */
static void
cmd_sync_progress(const struct sync_progress *p, void *arg)
{
	(void)arg;
	if (strcmp(p->phase, "done") == 0) {
		fputc('\n', stderr);
		return;
	}
	fprintf(stderr, "\r%-8s pushed %llu, pulled %llu records "
	    "(%.1f MiB)   ", p->phase, (unsigned long long)p->st->pushed,
	    (unsigned long long)p->st->pulled,
	    (double)p->st->bytes / (1024.0 * 1024.0));
	fflush(stderr);
}

/* Late, held and discarded changes, and held purges, for people. */
static void
cmd_sync_nolost(sqlite3 *db, const struct sync_stats *st)
{
	if (st->late > 0)
		printf("%llu change%s written before you lost write access "
		    "accepted late; the case's new office receives them\n",
		    (unsigned long long)st->late, st->late == 1 ? "" : "s");
	if (st->held > 0)
		printf("%llu change%s refused by the server: kept on this "
		    "laptop until someone decides (casesync status)\n",
		    (unsigned long long)st->held, st->held == 1 ? "" : "s");
	if (st->held_accepted > 0)
		printf("%llu held change%s accepted into the case\n",
		    (unsigned long long)st->held_accepted,
		    st->held_accepted == 1 ? "" : "s");
	if (st->held_discarded > 0)
		printf("%llu held change%s discarded by decision (see the "
		    "messages above)\n",
		    (unsigned long long)st->held_discarded,
		    st->held_discarded == 1 ? "" : "s");
	/* what stays held is shown at every sync, not only once */
	(void)cli_nolost_status(db, stdout, NULL);
}

/*
 * The counts of a sync as one JSON object (schema "casesync sync"):
 * what was pushed, pulled and refused, numbers as numbers.
 */
static int
cmd_sync_json(const struct sync_stats *st, int64_t us, int64_t held)
{
	const struct {
		const char	*key;
		uint64_t	 v;
	} n[] = {
		{ "pushed", st->pushed }, { "pulled", st->pulled },
		{ "bytes", st->bytes }, { "conflicts", st->conflicts },
		{ "rejected", st->rejected }, { "purged", st->purged },
		{ "tampered", st->tampered },
		{ "waiting_for_key", st->waiting },
		{ "unsent_no_key", st->keyless }, { "queued", st->queued },
		{ "grants_received", st->keys.received },
		{ "grants_rejected", st->keys.rejected },
		{ "grants_dropped", st->keys.dropped },
		{ "grants_made", st->keys.made },
		{ "grants_refused", st->keys.refused },
		{ "keys_uncertified", st->keys.uncertified },
		{ "new_case_keys", st->keys.epochs },
		{ "e2e_us", st->e2e_ns / 1000 }, { "late", st->late },
		{ "held", st->held }, { "held_accepted", st->held_accepted },
		{ "held_discarded", st->held_discarded },
		{ "purges_held", st->purges_held },
		{ "round_trips", st->round_trips },
	};
	struct json	j;
	size_t		i;

	json_init(&j, stdout);
	json_obj_begin(&j);
	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		json_kv_int(&j, n[i].key, n[i].v > INT64_MAX ? INT64_MAX :
		    (int64_t)n[i].v);
	json_kv_int(&j, "us", us);
	json_kv_int(&j, "reoffers_held", held);
	json_obj_end(&j);
	return json_end(&j);
}

/* What a sync did, for people. */
static void
cmd_sync_say(sqlite3 *db, const struct sync_stats *st, int64_t held)
{
	printf("synced: pushed %llu, pulled %llu records (%llu bytes), "
	    "%llu conflicts, %llu refused, %llu cases purged\n",
	    (unsigned long long)st->pushed,
	    (unsigned long long)st->pulled,
	    (unsigned long long)st->bytes,
	    (unsigned long long)st->conflicts,
	    (unsigned long long)st->rejected,
	    (unsigned long long)st->purged);
	if (st->tampered > 0 || st->keys.rejected > 0 ||
	    st->keys.uncertified > 0)
		printf("WARNING: %llu records with bodies that do not open, "
		    "%llu key grants rejected, %llu users not granted "
		    "(key not certified); see the messages above\n",
		    (unsigned long long)st->tampered,
		    (unsigned long long)st->keys.rejected,
		    (unsigned long long)st->keys.uncertified);
	if (st->keys.dropped > 0)
		printf("%llu key grants of cases you no longer hold were "
		    "dropped\n", (unsigned long long)st->keys.dropped);
	if (st->waiting > 0 || st->keyless > 0)
		printf("waiting for case keys: %llu records received, %llu "
		    "local changes not sent; a colleague who holds the case "
		    "grants the key at their next sync\n",
		    (unsigned long long)st->waiting,
		    (unsigned long long)st->keyless);
	cmd_sync_nolost(db, st);
	if (held > 0)
		printf("%lld records offered again after the server's "
		    "restore wait for their case or membership to be made "
		    "again on the server\n", (long long)held);
	if (st->queued > 0)
		printf("%llu local changes still queued (merged again after "
		    "newer versions came from the server); run sync again\n",
		    (unsigned long long)st->queued);
}

/* The options of sync: -1 to go on, else the exit status. */
static int
cmd_sync_args(int argc, char *argv[], int *watch)
{
	static const struct option	opts[] = {
		{ "watch", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char		usage[] =
	    "usage: casesync sync [--watch]\n";
	int				ch;

	while ((ch = getopt_long(argc, argv, "hw", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			*watch = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int
cmd_sync(struct cli *cli, int argc, char *argv[])
{
	struct identity		 id;
	struct sync_stats	 st;
	struct sync_observer	 obs = { cmd_sync_progress, NULL };
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	sqlite3			*db;
	int64_t			 t0, us, held = 0;
	unsigned		 nglass;
	int			 r, watch = 0, progress, lock = -1;

	if ((r = cmd_sync_args(argc, argv, &watch)) != -1)
		return r;
	/*
	 * One sync at a time per vault (synclock.h), taken before the
	 * identity is loaded: a sync that renews the certificate ends the
	 * old key, so another must not connect with it meanwhile.
	 */
	if ((r = synclock_take(cli->dir, &lock)) != 0 && errno != ENOENT) {
		cli_errx("%s: cannot take the sync lock: %s", cli->dir,
		    cs_err(r));
		return cli_exit(r);
	}
	/* no directory: no vault, which cli_vault_open() says as such */
	if ((r = cli_vault_open(cli, 0, &v)) != 0) {
		synclock_release(lock);
		return cli_exit(r);
	}
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0)
		goto out;
	db = vault_db(v);
	memset(&st, 0, sizeof(st));
	progress = !cli->json && isatty(STDERR_FILENO);
	/* restore, the daily vault check, the key backup (session.h) */
	if ((r = session_sync_before(v, c)) != 0)
		goto out;
	t0 = mono_us();
	if (watch) {
		signal(SIGINT, cmd_on_signal);
		signal(SIGTERM, cmd_on_signal);
		cli_renewal_at_sync(cli, v, &id, c);	/* before a long watch */
		synclock_release(lock);	/* sync_watch takes it per sync */
		lock = -1;
		r = sync_watch(c, db, id.ca, cli->dir, progress ? &obs : NULL,
		    &st, &cmd_stop);
	} else if ((r = sync_run(c, db, id.ca, progress ? &obs : NULL,
	    &st)) == 0)
		r = auditcp_check(c, db, id.key);	/* the audit log */
	us = mono_us() - t0;
	if (r != 0 && !keys_have_self(db))
		cli_errx("this laptop has no user keys: run casesync keys "
		    "setup");
	if (r != 0) {
		cli_errx("sync failed: %s (what was done is kept; run sync "
		    "again)", cs_err(r));
		goto out;
	}
	if ((r = session_sync_after(v, &st, &held)) != 0)
		goto out;
	if (!watch)	/* the certificate, past half its lifetime */
		cli_renewal_at_sync(cli, v, &id, c);
	if (cli->json)
		r = cmd_sync_json(&st, us, held);
	else
		cmd_sync_say(db, &st, held);
	/* break-the-glass uses of this user's cases, once each (glass.h) */
	if (!watch && !cli->json && cli_glass_notify(db, c, &nglass) != 0)
		cli_errx("warning: the break-the-glass uses of your cases "
		    "could not be fetched; see casesync glass list");
	/* what the server sent failed an end-to-end check: exit 4 */
	if (st.tampered > 0 || st.keys.rejected > 0 ||
	    st.keys.uncertified > 0)
		r = CS_ERR_TAMPERED;
 out:
	/* for casesync ui's offline banner and Sync page (syncstatus.h) */
	if (!watch && !vault_tampered(v) &&
	    syncstatus_put(v, (int64_t)time(NULL), r) != 0)
		cli_errx("warning: cannot record the time of this sync");
	cli_disconnect(v, &id, c);
	synclock_release(lock);
	return cli_exit(r);
}

static void
record_usage(FILE *f)
{
	fprintf(f, "usage: casesync record put --case ID --kind KIND "
	    "[--id ID] [--delete] [--unset NAME]... [NAME=VALUE]...\n"
	    "       casesync record bulk --case ID --kind KIND --count N "
	    "[--size BYTES]\n"
	    "       casesync record get ID\n"
	    "       casesync record list [--case ID]\n");
}

/* The NAME=VALUE arguments from argv[from] into "b". */
static int
record_fields(struct body *b, int argc, char *argv[], int from)
{
	char	*eq;
	int	 i, r;

	for (i = from; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			cli_errx("expected NAME=VALUE: %s", argv[i]);
			return CS_ERR_USAGE;
		}
		*eq = '\0';
		if ((r = body_set(b, argv[i], (const uint8_t *)eq + 1,
		    strlen(eq + 1))) != 0) {
			cli_errx("field %s: %s", argv[i], r == CS_ERR_FORMAT ?
			    "bad name (use [a-z0-9_], at most 55 bytes)" :
			    cs_err(r));
			return CS_ERR_USAGE;
		}
	}
	return 0;
}

static int
record_put(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "id", required_argument, NULL, 'i' },
		{ "delete", no_argument, NULL, 'd' },
		{ "unset", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	struct db_record	 rec, cur;
	struct body		 b;
	struct vault		*v = NULL;
	sqlite3			*db;
	const char		*case_id = NULL, *kind = NULL, *rid = NULL;
	char			 newid[DB_UUID_LEN + 1];
	char			 cbuf[DB_UUID_LEN + 1], rbuf[DB_UUID_LEN + 1];
	char			*unset[64];
	size_t			 nunset = 0, i;
	int			 ch, r, del = 0;

	memset(&rec, 0, sizeof(rec));
	memset(&cur, 0, sizeof(cur));
	body_init(&b);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			case_id = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'i':
			rid = optarg;
			break;
		case 'd':
			del = 1;
			break;
		case 'u':
			if (nunset == sizeof(unset) / sizeof(unset[0]))
				return EXIT_USAGE;
			unset[nunset++] = optarg;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (case_id == NULL || kind == NULL || !wire_kind_ok(kind)) {
		cli_errx("need --case CASE and --kind [a-z0-9_]");
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &case_id, cbuf)) != 0 ||
	    (r = cli_resolve(cli, IDS_RECORD, "--id", &rid, rbuf)) != 0)
		return cli_exit(r);
	if (rid == NULL) {
		db_uuid(newid);
		rid = newid;
	}
	if ((r = open_db(cli, &v, &db)) != 0)
		return cli_exit(r);
	/* start from what the laptop holds, change only what is named */
	if ((r = db_record_get(db, rid, &cur)) == 0)
		r = body_decode(cur.body, cur.body_len, &b);
	else if (r == CS_ERR_NOT_FOUND)
		r = 0;
	if (r != 0) {
		cli_errx("record %s: %s", rid, cs_err(r));
		goto out;
	}
	if ((r = record_fields(&b, argc, argv, optind)) != 0)
		goto out;
	for (i = 0; i < nunset; i++)
		(void)body_unset(&b, unset[i]);
	memcpy(rec.record_id, rid, DB_UUID_LEN + 1);
	memcpy(rec.case_id, case_id, DB_UUID_LEN + 1);
	memcpy(rec.kind, kind, strlen(kind) + 1);
	rec.deleted = del;
	if ((r = body_encode(&b, &rec.body, &rec.body_len)) != 0)
		goto out;
	if ((r = db_local_write(db, &rec)) != 0) {
		if (r == CS_ERR_AUTH)
			cli_readonly(db, rec.case_id);
		else
			cli_errx("record %s: %s", rid, r == CS_ERR_EXISTS ?
			    "exists with another case or kind, or is "
			    "append-only" : cs_err(r));
		goto out;
	}
	printf("%s\n", rid);
 out:
	db_record_clear(&rec);
	db_record_clear(&cur);
	body_free(&b);
	vault_close(v);
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}

/*
 * "record bulk": N records with one field "text" of SIZE random
 * letters, in one transaction.  For tests and benchmarks.
 */
static int
record_bulk(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct db_record	 rec;
	struct body		 b;
	struct vault		*v = NULL;
	sqlite3			*db;
	const char		*case_id = NULL, *kind = NULL;
	char			 cbuf[DB_UUID_LEN + 1];
	uint64_t		 count = 0, size = 100, i, k;
	uint8_t			*text = NULL;
	int			 ch, r;

	memset(&rec, 0, sizeof(rec));
	body_init(&b);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			case_id = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, 1, 10000000, &count) != 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (parse_u64(optarg, 1, BODY_VALUE_MAX, &size) != 0)
				return EXIT_USAGE;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (case_id == NULL || kind == NULL || count == 0 ||
	    !wire_kind_ok(kind)) {
		record_usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &case_id, cbuf)) != 0)
		return cli_exit(r);
	if ((text = malloc(size)) == NULL)
		return EXIT_FAIL;
	if ((r = open_db(cli, &v, &db)) != 0)
		goto out;
	if ((r = db_begin(db)) != 0)
		goto out;
	memcpy(rec.case_id, case_id, DB_UUID_LEN + 1);
	memcpy(rec.kind, kind, strlen(kind) + 1);
	for (i = 0; i < count; i++) {
		randombytes_buf(text, size);
		for (k = 0; k < size; k++)
			text[k] = (uint8_t)('a' + text[k] % 26);
		db_uuid(rec.record_id);
		if ((r = body_set(&b, "text", text, size)) != 0 ||
		    (r = body_encode(&b, &rec.body, &rec.body_len)) != 0 ||
		    (r = db_local_write_tx(db, &rec)) != 0) {
			db_rollback(db);
			goto out;
		}
		free(rec.body);
		rec.body = NULL;
	}
	if ((r = db_commit(db)) == 0)
		printf("%llu records\n", (unsigned long long)count);
 out:
	if (r != 0)
		cli_errx("record bulk: %s", cs_whyf(r));
	free(rec.body);
	free(text);
	body_free(&b);
	vault_close(v);
	return cli_exit(r);
}

static int
record_get(struct cli *cli, const char *rid)
{
	char			 rbuf[DB_UUID_LEN + 1];
	char			 child[CHILD_ID_LEN + 1];
	struct db_record	 rec;
	struct body		 b;
	struct json		 j;
	struct ids		*ids = NULL;
	struct vault		*v = NULL;
	sqlite3			*db;
	size_t			 i;
	int			 r;

	body_init(&b);
	memset(&rec, 0, sizeof(rec));
	if ((r = cli_resolve(cli, IDS_RECORD, "record get", &rid, rbuf)) !=
	    0 || (r = open_db(cli, &v, &db)) != 0)
		return cli_exit(r);
	if ((r = db_record_get(db, rid, &rec)) != 0 ||
	    (r = body_decode(rec.body, rec.body_len, &b)) != 0) {
		cli_errx("record %s: %s", rid, cs_err(r));
		goto out;
	}
	/* content is shown: the read is logged first, with the child it
	 * concerns (readlog.h, children.h) */
	children_of_record(rec.kind, rec.record_id, &b, child);
	if ((r = readlog_init(db)) != 0 ||
	    (r = readlog_add_child(db, "show", rec.case_id, child)) != 0) {
		cli_errx("cannot log the read: %s", cs_err(r));
		goto out;
	}
	if (cli->json) {
		if ((r = ids_load(db, &ids)) != 0) {
			cli_errx("cannot list the ids: %s", cs_err(r));
			goto out;
		}
		json_init(&j, stdout);
		cli_record_json(&j, ids, &rec, &b);
		r = json_end(&j);
		ids_free(ids);
	} else {
		printf("record %s\ncase %s\nkind %s\nversion %lld%s\n",
		    rec.record_id, rec.case_id, rec.kind,
		    (long long)rec.version, rec.deleted ? " (deleted)" : "");
		for (i = 0; i < b.n; i++) {
			printf("  %s: ", b.f[i].name);
			/* a marker is binary: casesync conflicts shows it */
			if (body_name_is_marker(b.f[i].name))
				fputs("(values in conflict: see casesync "
				    "conflicts)", stdout);
			else
				print_value(b.f[i].value, b.f[i].len);
			putchar('\n');
		}
	}
 out:
	db_record_clear(&rec);
	body_free(&b);
	vault_close(v);
	return cli_exit(r);
}

struct record_list {
	struct cli	*cli;
	struct ids	*ids;
	struct json	 j;
};

/* One record's metadata (no content: the body is not opened). */
static int
record_list_cb(const struct db_record *r, void *arg)
{
	struct record_list	*l = arg;

	if (l->cli->json)
		cli_record_json(&l->j, l->ids, r, NULL);
	else
		printf("%s %s %-12s %lld%s\n", r->record_id, r->case_id,
		    r->kind, (long long)r->version, r->deleted ? " deleted" :
		    "");
	return 0;
}

/* `record list [--case ID]`: a line, or with --json an array, each. */
static int
record_list(struct cli *cli, const char *cid)
{
	struct record_list	 l;
	struct vault		*v = NULL;
	sqlite3			*db;
	char			 cbuf[DB_UUID_LEN + 1];
	int			 r;

	memset(&l, 0, sizeof(l));
	l.cli = cli;
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0 ||
	    (r = open_db(cli, &v, &db)) != 0)
		return cli_exit(r);
	if (cli->json && (r = ids_load(db, &l.ids)) != 0)
		cli_errx("cannot list the ids: %s", cs_err(r));
	else {
		json_init(&l.j, stdout);
		if (cli->json)
			json_arr_begin(&l.j);
		r = db_record_list(db, cid, record_list_cb, &l);
		if (r != 0)
			cli_errx("record list: %s", cs_err(r));
		else if (cli->json) {
			json_arr_end(&l.j);
			r = json_end(&l.j);
		}
	}
	ids_free(l.ids);
	vault_close(v);
	return cli_exit(r);
}

int
cmd_record(struct cli *cli, int argc, char *argv[])
{
	if (argc < 2) {
		record_usage(stderr);
		return EXIT_USAGE;
	}
	optind = 1;
	if (strcmp(argv[1], "put") == 0)
		return record_put(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "bulk") == 0)
		return record_bulk(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "get") == 0 && argc == 3)
		return record_get(cli, argv[2]);
	if (strcmp(argv[1], "list") == 0 && (argc == 2 ||
	    (argc == 4 && strcmp(argv[2], "--case") == 0)))
		return record_list(cli, argc == 4 ? argv[3] : NULL);
	record_usage(strcmp(argv[1], "--help") == 0 ? stdout : stderr);
	return strcmp(argv[1], "--help") == 0 ? EXIT_OK : EXIT_USAGE;
}

static void
case_usage(FILE *f)
{
	fprintf(f, "usage: casesync case create --frame " LC_FRAME_CHOICES
	    " [--id UUID]\n"
	    "       casesync case member --case CASE --user NAME [--remove "
	    "[--new-regisseur NAME]] [--read-only]\n"
	    "       casesync case state|info|list ... (case state --help)\n"
	    "       casesync case new|show|edit ... (case new --help)\n");
}

/* Send a CaseCreate ("cc") or a CaseMember ("cm"), and say what it did. */
static int
cmd_case_send(struct cli *cli, const struct msg_case_create *cc,
    const struct msg_case_member *cm)
{
	struct msg_out	 o;
	struct identity	 id;
	struct vault	*v = NULL;
	struct conn	*c = NULL;
	struct msg	*rep = NULL;
	int		 r;

	o = cc != NULL ? msg_out_case_create(cc) : msg_out_case_member(cm);
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = rpc_call_expect(c, &o, MSG_CASE_ACK, &rep)) != 0)
		cli_report(cc != NULL ? "case create" : "case member", r, rep);
	else if (cc != NULL) {
		printf("%s\n", cc->case_id);
		/* the server has it; `case info` can fetch it again */
		if (case_meta_created(v, cc->case_id, cc->frame) != 0)
			cli_errx("warning: case not in the local lifecycle "
			    "data; run casesync case info --case %s",
			    cc->case_id);
		if (keys_case_new(vault_db(v), cc->case_id) != 0)
			cli_errx("warning: no case key made; run casesync "
			    "sync");
	} else {
		printf("%s %s %s\n", cm->user_name, cm->remove ?
		    "removed from" : "added to", cm->case_id);
		if (cm->new_regisseur != NULL)
			printf("%s is the regisseur of %s\n",
			    cm->new_regisseur, cm->case_id);
	}
	/* the case key goes to its (new) holders at once */
	if (r == 0)
		cli_key_round(v, &id, c);
	msg_free(rep);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

int
cli_case_create(struct cli *cli, const char *case_id, const char *frame)
{
	struct msg_case_create	cc;

	memset(&cc, 0, sizeof(cc));
	cc.case_id = case_id;
	cc.frame = frame;
	return cmd_case_send(cli, &cc, NULL);
}

int
cmd_case(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "frame", required_argument, NULL, 'f' },
		{ "id", required_argument, NULL, 'i' },
		{ "case", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "remove", no_argument, NULL, 'r' },
		{ "read-only", no_argument, NULL, 'o' },
		{ "new-regisseur", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct msg_case_create		 cc;
	struct msg_case_member		 cm;
	const char			*frame = NULL, *cid = NULL;
	const char			*user = NULL, *newreg = NULL;
	char				 newid[DB_UUID_LEN + 1];
	char				 cbuf[DB_UUID_LEN + 1];
	int				 ch, r, create, rm = 0, ro = 0;

	if (argc >= 2 && cmd_case_lifecycle_sub(argv[1]))
		return cmd_case_lifecycle(cli, argc, argv);
	if (argc >= 2 && cmd_dossier_case_sub(argv[1]))
		return cmd_dossier_case(cli, argc, argv);
	if (argc < 2 || (strcmp(argv[1], "create") != 0 &&
	    strcmp(argv[1], "member") != 0)) {
		case_usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ?
		    stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ?
		    EXIT_OK : EXIT_USAGE;
	}
	create = strcmp(argv[1], "create") == 0;
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			frame = optarg;
			break;
		case 'i':
		case 'c':
			cid = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'r':
			rm = 1;
			break;
		case 'o':
			ro = 1;
			break;
		case 'n':
			newreg = optarg;
			break;
		default:
			return clihelp_opterr(argv + 1);
		}
	}
	if (create && cli_frame_check(frame) != 0)
		return EXIT_USAGE;
	if (create && cid == NULL) {
		db_uuid(newid);
		cid = newid;
	}
	/* a new case's id is new: only a full one */
	if (!create && (r = cli_resolve(cli, IDS_CASE, "--case", &cid,
	    cbuf)) != 0)
		return cli_exit(r);
	if ((create && !wire_frame_ok(frame)) || cid == NULL ||
	    !wire_uuid_ok(cid) || (!create && (user == NULL ||
	    !utf8_valid(user, strlen(user)))) || (newreg != NULL &&
	    (create || !rm || !utf8_valid(newreg, strlen(newreg))))) {
		case_usage(stderr);
		return EXIT_USAGE;
	}
	if (create) {
		cc.case_id = cid;
		cc.frame = frame;
		return cmd_case_send(cli, &cc, NULL);
	}
	cm.case_id = cid;
	cm.user_name = user;
	cm.remove = rm;
	cm.read_only = ro;
	cm.new_regisseur = newreg;	/* NULL: none */
	return cmd_case_send(cli, NULL, &cm);
}

int
cmd_digest(struct cli *cli, int argc, char *argv[])
{
	struct json	 j;
	struct vault	*v = NULL;
	sqlite3		*db;
	uint8_t		 h[32];
	char		 hex[65];
	int64_t		 n;
	int		 r;

	(void)argv;
	if (argc != 1)
		return EXIT_USAGE;
	if ((r = open_db(cli, &v, &db)) != 0)
		return cli_exit(r);
	if ((r = db_digest(db, &n, h)) == 0) {
		hex_encode(hex, h, sizeof(h));
		if (cli->json) {	/* schema "casesync digest" */
			json_init(&j, stdout);
			json_obj_begin(&j);
			json_kv_int(&j, "records", n);
			json_kv_str(&j, "digest", hex);
			json_obj_end(&j);
			r = json_end(&j);
		} else
			printf("%lld %s\n", (long long)n, hex);
	} else
		cli_errx("digest: %s", cs_err(r));
	vault_close(v);
	return cli_exit(r);
}
