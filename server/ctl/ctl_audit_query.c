/* SPDX-License-Identifier: ISC */
/*
 * ctl_audit_query.c - "casesyncctl audit query" and "audit export":
 * the entries that match the filters, as a table, CSV, JSON or NDJSON
 * lines (docs/AUDIT.md, "Querying the log"), and a feed for a SIEM
 * that follows the log (--after IDX, --follow).
 *
 * A filter that can match nothing because it is misspelt is refused:
 * a --type that is not an audit type and no entry has, a --user that
 * is no user's name and no entry's user.  Times are read and shown in
 * local time (audit_time.h).  Every reading is itself appended to the
 * log as an "audit_read" entry, after the reading (for --follow after
 * the entries that were there when it started).
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "audit_text.h"
#include "audit_time.h"
#include "audit_types.h"
#include "clihelp.h"
#include "ctl.h"
#include "ctl_audit_int.h"
#include "errors.h"
#include "json.h"
#include "merkle.h"
#include "store.h"
#include "store_audit.h"
#include "store_audit_q.h"
#include "util.h"

#define CTL_USERS_SHOWN		20	/* known users named in a refusal */
#define CTL_FOLLOW_MS		1000	/* --follow polls this often */

enum ctl_format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_NDJSON };

struct ctl_out {
	enum ctl_format	fmt;
	int		with_leaf;
	size_t		n;
	int64_t		last;	/* idx of the last entry printed */
};

struct ctl_query {
	struct audit_filter	f;
	int64_t			after;	/* -1: from the first entry */
	int			follow;
	enum ctl_format		fmt;
};

static volatile sig_atomic_t	ctl_stop;

/* ---- output ---- */

/*
 * RFC 4180, control characters escaped, and no leading = + - @ TAB CR
 * a spreadsheet would run as a formula (audit_text.c).
 */
static void
ctl_csv_str(const char *s)
{
	char	f[5 * AUDIT_STR_MAX + 8];

	if (audit_csv_field(f, sizeof(f), s) != 0)
		(void)str_fmt(f, sizeof(f), "\"(too long)\"");
	fputs(f, stdout);
}

/* The local time of "t", or "none" for a device time that is not known. */
static const char *
ctl_when(char dst[AUDIT_TIME_LEN], int64_t t, const char *none)
{
	if (t == 0 && none != NULL)
		return none;
	audit_time_local(dst, t);
	return dst;
}

/* One entry as a line of JSON (common/audit_enc.c). */
static int
ctl_entry_json(const struct audit_entry *e, const uint8_t *leaf)
{
	return audit_entry_json(stdout, e, leaf);
}

static const char *const ctl_csv_head =
    "idx,server_time,device_time,action,type,outcome,user_id,user,role,"
    "office,on_behalf_of,purpose,basis,legal_basis,client_ref,"
    "object_type,object_id,device_id,addr,detail,server_time_epoch,"
    "device_time_epoch\n";

static void
ctl_entry_csv(const struct audit_entry *e)
{
	const char *const	 t1[] = { e->type, e->outcome };
	const char *const	 t2[] = {
		e->user, e->role, e->office, e->on_behalf_of, e->purpose,
		e->basis, e->legal_basis, e->client_ref, e->object_type,
		e->object_id,
	};
	char			 st[AUDIT_TIME_LEN], dt[AUDIT_TIME_LEN];
	char			 action[2] = { e->action, 0 };
	size_t			 i;

	printf("%lld,%s,%s,", (long long)e->idx,
	    ctl_when(st, e->server_time, NULL),
	    ctl_when(dt, e->device_time, ""));
	ctl_csv_str(action);
	for (i = 0; i < 2; i++) {
		putchar(',');
		ctl_csv_str(t1[i]);
	}
	printf(",%lld", (long long)e->user_id);
	for (i = 0; i < sizeof(t2) / sizeof(t2[0]); i++) {
		putchar(',');
		ctl_csv_str(t2[i]);
	}
	printf(",%lld,", (long long)e->device_id);
	ctl_csv_str(e->addr);
	putchar(',');
	ctl_csv_str(e->detail);
	printf(",%lld,%lld\n", (long long)e->server_time,
	    (long long)e->device_time);
}

static const char *const ctl_table_fmt =
    "%-6s %-25s %-25s %-14s %s %-7s %-16s %-36s %-6s %s %s\n";

static void
ctl_entry_table(const struct audit_entry *e)
{
	char	st[AUDIT_TIME_LEN], dt[AUDIT_TIME_LEN];
	char	v[6][4 * AUDIT_STR_MAX + 4], idx[24], dev[24], a[2];

	(void)str_fmt(idx, sizeof(idx), "%lld", (long long)e->idx);
	(void)str_fmt(dev, sizeof(dev), "%lld", (long long)e->device_id);
	a[0] = e->action;
	a[1] = '\0';
	printf(ctl_table_fmt, idx, ctl_when(st, e->server_time, NULL),
	    ctl_when(dt, e->device_time, "-"),
	    ctl_vis(v[0], sizeof(v[0]), e->type), a,
	    ctl_vis(v[1], sizeof(v[1]), e->outcome),
	    ctl_vis(v[2], sizeof(v[2]), e->user[0] ? e->user : "-"),
	    ctl_vis(v[3], sizeof(v[3]), e->client_ref[0] ? e->client_ref :
	    "-"), dev,
	    ctl_vis(v[4], sizeof(v[4]), e->object_id[0] ? e->object_id : "-"),
	    ctl_vis(v[5], sizeof(v[5]), e->detail));
}

static int
ctl_print_cb(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	struct ctl_out	*o = arg;

	o->n++;
	o->last = e->idx;
	switch (o->fmt) {
	case FMT_JSON:
	case FMT_NDJSON:
		return ctl_entry_json(e, o->with_leaf ? leaf : NULL);
	case FMT_CSV:
		ctl_entry_csv(e);
		break;
	default:
		ctl_entry_table(e);
		break;
	}
	return 0;
}

/* ---- filters ---- */

static void
ctl_refuse_type(const char *cmd, const char *type)
{
	char	v[4 * AUDIT_STR_MAX + 4];
	size_t	i;

	fprintf(stderr, "casesyncctl: audit %s: unknown --type %s; the "
	    "types are:", cmd, ctl_vis(v, sizeof(v), type));
	for (i = 0; i < audit_types_n; i++)
		fprintf(stderr, "%s %s", i == 0 ? "" : ",", audit_types[i]);
	fputc('\n', stderr);
}

struct ctl_names {
	size_t	n;
};

static int
ctl_user_name(const char *name, void *arg)
{
	struct ctl_names	*u = arg;
	char			 v[4 * AUDIT_STR_MAX + 4];

	if (u->n < CTL_USERS_SHOWN)
		fprintf(stderr, "%s %s", u->n == 0 ? "" : ",",
		    ctl_vis(v, sizeof(v), name));
	u->n++;
	return 0;
}

static int
ctl_refuse_user(struct store *st, const char *cmd, const char *user)
{
	struct ctl_names	u;
	char			v[4 * AUDIT_STR_MAX + 4];
	int			r;

	memset(&u, 0, sizeof(u));
	fprintf(stderr, "casesyncctl: audit %s: unknown --user %s (no user "
	    "and no entry has that name); known:", cmd,
	    ctl_vis(v, sizeof(v), user));
	if ((r = store_audit_user_names(st, ctl_user_name, &u)) != 0) {
		fprintf(stderr, " (%s)\n", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if (u.n == 0)
		fprintf(stderr, " none");
	else if (u.n > CTL_USERS_SHOWN)
		fprintf(stderr, " and %zu more (casesyncctl user list; "
		    "audit query --format csv)", u.n - CTL_USERS_SHOWN);
	fputc('\n', stderr);
	return CTL_EXIT_USAGE;
}

/* A --type or --user that matches nothing is a mistake: CTL_EXIT_USAGE. */
static int
ctl_check_filter(struct store *st, const char *cmd,
    const struct audit_filter *f)
{
	int	known, r;

	if (f->type != NULL && !audit_type_known(f->type)) {
		/* a type of an older version, still in the log, is fine */
		if ((r = store_audit_type_used(st, f->type, &known)) != 0) {
			ctl_errx("audit %s: %s", cmd, cs_whyf(r));
			return CTL_EXIT_FAIL;
		}
		if (!known) {
			ctl_refuse_type(cmd, f->type);
			return CTL_EXIT_USAGE;
		}
	}
	if (f->user != NULL) {
		if ((r = store_audit_user_known(st, f->user, &known)) != 0) {
			ctl_errx("audit %s: %s", cmd, cs_whyf(r));
			return CTL_EXIT_FAIL;
		}
		if (!known)
			return ctl_refuse_user(st, cmd, f->user);
	}
	return CTL_EXIT_OK;
}

/*
 * The options of query (and of export, without --format and
 * --follow).  CTL_EXIT_OK, or the exit code of a usage error or --help
 * (*done set).
 */
static int
ctl_query_args(int argc, char **argv, int export, struct ctl_query *q,
    int *done)
{
	static const struct option	 opts[] = {
		{ "case",	required_argument,	NULL, 'c' },
		{ "user",	required_argument,	NULL, 'u' },
		{ "device",	required_argument,	NULL, 'd' },
		{ "since",	required_argument,	NULL, 's' },
		{ "until",	required_argument,	NULL, 'U' },
		{ "type",	required_argument,	NULL, 't' },
		{ "after",	required_argument,	NULL, 'a' },
		{ "format",	required_argument,	NULL, 'f' },
		{ "follow",	no_argument,		NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char			*cmd = export ? "export" : "query";
	uint64_t			 v;
	int				 ch;

	*done = 1;
	memset(q, 0, sizeof(*q));
	q->after = -1;
	q->fmt = export ? FMT_NDJSON : FMT_TABLE;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == '?')
			return clihelp_opterr(argv);
		if (export && (ch == 'f' || ch == 'F')) {
			ctl_errx("audit export: no --format or --follow "
			    "(it writes JSON lines; see audit query)");
			return CTL_EXIT_USAGE;
		}
		switch (ch) {
		case 'c':
			q->f.client_ref = optarg;
			break;
		case 'u':
			q->f.user = optarg;
			break;
		case 't':
			q->f.type = optarg;
			break;
		case 'd':
		case 'a':
			if (parse_u64(optarg, ch == 'd' ? 1 : 0, INT64_MAX,
			    &v) != 0) {
				ctl_errx("audit %s: invalid --%s", cmd,
				    ch == 'd' ? "device" : "after");
				return CTL_EXIT_USAGE;
			}
			if (ch == 'd')
				q->f.device_id = (int64_t)v;
			else
				q->after = (int64_t)v;
			break;
		case 's':
		case 'U':
			/* a day as --until: up to its end */
			if (audit_time_parse(optarg, ch == 'U', ch == 's' ?
			    &q->f.since : &q->f.until) != 0) {
				ctl_errx("audit %s: invalid time %s (YYYY-MM-DD, "
				    "YYYY-MM-DDTHH:MM[:SS] in local time or "
				    "with Z or +HH:MM, or seconds since 1970)",
				    cmd, optarg);
				return CTL_EXIT_USAGE;
			}
			if (ch == 's')
				q->f.has_since = 1;
			else
				q->f.has_until = 1;
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				q->fmt = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				q->fmt = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				q->fmt = FMT_JSON;
			else if (strcmp(optarg, "ndjson") == 0)
				q->fmt = FMT_NDJSON;
			else {
				ctl_errx("audit query: --format is table, csv, "
				    "json or ndjson");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'F':
			q->follow = 1;
			break;
		case 'h':
			ctl_usage("audit", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("audit %s: unexpected argument: %s", cmd,
		    argv[optind]);
		return CTL_EXIT_USAGE;
	}
	*done = 0;
	return CTL_EXIT_OK;
}

/* "audit_read" detail: the count and the filters. */
static void
ctl_query_detail(char dst[AUDIT_STR_MAX + 1], const char *what, size_t n,
    const struct ctl_query *q)
{
	char	after[32] = "", follow[] = " follow";

	if (q->after >= 0)
		(void)str_fmt(after, sizeof(after), " after=%lld",
		    (long long)q->after);
	if (!q->follow)
		follow[0] = '\0';
	(void)str_fmt(dst, AUDIT_STR_MAX + 1, "%s: %zu entries%s%s%s%s%s%s",
	    what, n, q->f.user != NULL ? " user=" : "",
	    q->f.user != NULL ? q->f.user : "",
	    q->f.type != NULL ? " type=" : "",
	    q->f.type != NULL ? q->f.type : "", after, follow);
}

/* ---- --follow ---- */

static void
ctl_on_signal(int sig)
{
	(void)sig;
	ctl_stop = 1;
}

static int
ctl_follow_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ctl_on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the wait ends at once */
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		return CS_ERR_SYSTEM;
	return 0;
}

/*
 * Print new entries every CTL_FOLLOW_MS until SIGINT or SIGTERM.  Each
 * poll starts after the newest entry that existed at the previous one,
 * matching or not, so a rare --type does not make it read the same
 * entries again and again.
 */
static int
ctl_follow(struct store *st, const struct ctl_query *q, struct ctl_out *o)
{
	struct merkle_frontier	f;
	struct timespec		ts;
	int			r;

	ts.tv_sec = CTL_FOLLOW_MS / 1000;
	ts.tv_nsec = (long)(CTL_FOLLOW_MS % 1000) * 1000000L;
	while (!ctl_stop) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ctl_errx("audit query: writing: %s", strerror(errno));
			return CTL_EXIT_FAIL;
		}
		if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
			return CTL_EXIT_FAIL;
		if (ctl_stop)
			break;
		/* the size first: entries up to it are all read below */
		if ((r = store_audit_state(st, &f)) != 0 ||
		    (r = store_audit_rows_after(st, &q->f, o->last,
		    ctl_print_cb, o)) != 0) {
			ctl_errx("audit query: %s", cs_whyf(r));
			return CTL_EXIT_FAIL;
		}
		if ((int64_t)f.size - 1 > o->last)
			o->last = (int64_t)f.size - 1;
	}
	return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

/* ---- the commands ---- */

int
ctl_audit_query(struct ctl *c, int argc, char **argv)
{
	struct ctl_query	 q;
	struct ctl_out		 o;
	struct store		*st = NULL;
	char			 detail[AUDIT_STR_MAX + 1];
	int			 done, r, rv;

	if ((rv = ctl_query_args(argc, argv, 0, &q, &done)) != 0 || done)
		return rv;
	memset(&o, 0, sizeof(o));
	o.fmt = q.fmt;
	o.last = q.after;
	if (q.follow && ctl_follow_signals() != 0) {
		ctl_errx("audit query: signals: %s", strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if ((rv = ctl_store_open(c, &st)) != 0 ||
	    (rv = ctl_check_filter(st, "query", &q.f)) != 0)
		goto out;
	if (o.fmt == FMT_CSV)
		fputs(ctl_csv_head, stdout);
	else if (o.fmt == FMT_TABLE)
		printf(ctl_table_fmt, "ID", "SERVER-TIME", "DEVICE-TIME",
		    "TYPE", "A", "OUTCOME", "USER", "CASE", "DEVICE",
		    "OBJECT", "DETAIL");
	if ((r = store_audit_rows_after(st, &q.f, q.after, ctl_print_cb,
	    &o)) != 0) {
		ctl_errx("audit query: %s", cs_whyf(r));
		rv = CTL_EXIT_FAIL;
		goto out;
	}
	if (fflush(stdout) != 0) {
		rv = CTL_EXIT_FAIL;
		goto out;
	}
	ctl_query_detail(detail, "query", o.n, &q);
	if ((rv = ctl_audit_read(c, st, "query", q.f.client_ref, detail,
	    1)) != 0 || !q.follow)
		goto out;
	rv = ctl_follow(st, &q, &o);
 out:
	store_close(st);
	return rv;
}

int
ctl_audit_export(struct ctl *c, int argc, char **argv)
{
	struct audit_checkpoint	 cp;
	struct ctl_query	 q;
	struct ctl_out		 o;
	struct store		*st = NULL;
	uint8_t			 pk[AUDIT_PK_LEN];
	char			 hex[2 * AUDIT_SIG_LEN + 1];
	char			 detail[AUDIT_STR_MAX + 1];
	int			 done, r, rv;

	if ((rv = ctl_query_args(argc, argv, 1, &q, &done)) != 0 || done)
		return rv;
	if ((rv = ctl_store_open(c, &st)) != 0 ||
	    (rv = ctl_check_filter(st, "export", &q.f)) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	memset(&cp, 0, sizeof(cp));
	memset(&o, 0, sizeof(o));
	o.fmt = FMT_NDJSON;
	o.with_leaf = 1;
	if ((r = audit_pub_load(c->dir, pk)) != 0 ||
	    ((r = store_audit_latest(st, &cp)) != 0 &&
	    r != CS_ERR_NOT_FOUND) ||
	    (r = store_audit_rows_after(st, &q.f, q.after, ctl_print_cb,
	    &o)) != 0) {
		ctl_errx("audit export: %s", cs_whyf(r));
		goto out;
	}
	if (cp.id != 0) {
		hex_encode(hex, cp.root, MERKLE_HASH_LEN);
		printf("{\"checkpoint\":{\"size\":%lld,\"root\":\"%s\","
		    "\"time\":%lld,", (long long)cp.size, hex,
		    (long long)cp.time);
		hex_encode(hex, cp.sig, AUDIT_SIG_LEN);
		printf("\"signature\":\"%s\"}}\n", hex);
	}
	hex_encode(hex, pk, AUDIT_PK_LEN);
	printf("{\"audit_public_key\":\"%s\"}\n", hex);
	ctl_query_detail(detail, "export", o.n, &q);
	rv = ctl_audit_read(c, st, "export", q.f.client_ref, detail, 1);
 out:
	store_close(st);
	return rv;
}
