/* SPDX-License-Identifier: ISC */
/*
 * ctl_audit.c - "casesyncctl audit": verify, query and export the
 * audit log (docs/AUDIT.md), and the helper through which other
 * casesyncctl commands append entries.
 *
 * verify recomputes every leaf from its row and the whole tree from the
 * leaves, compares each signed checkpoint with the recomputed root of
 * its size and checks its Ed25519 signature under audit.pub; a row that
 * no longer matches the leaf hash stored with it is named.  Every
 * reading of the log (verify, query, export) is itself appended to the
 * log, after the reading, as an "audit_read" entry.
 */
#include <sys/types.h>

#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "audit_text.h"
#include "ctl.h"
#include "ctl_audit_int.h"
#include "errors.h"
#include "merkle.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"

#define CTL_AUDIT_CP_MAX	(1u << 24)	/* checkpoints held by verify */

enum ctl_format { FMT_TABLE, FMT_CSV, FMT_JSON };

int
ctl_audit_record(struct ctl *c, struct store *st, struct audit_entry *e,
    int sign)
{
	struct audit_key	*key = NULL;
	int			 r;

	audit_entry_host(e, "casesyncctl on the server host");
	if (sign && (r = audit_key_open(c->dir, &key)) != 0) {
		ctl_errx("audit key: %s", cs_err(r));
		return CTL_EXIT_FAIL;
	}
	r = audit_append(st, e, key);
	audit_key_free(key);
	if (r != 0) {
		ctl_errx("audit: entry NOT recorded: %s", cs_err(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int
ctl_audit_admin(struct ctl *c, struct store *st, const char *type,
    char action, const char *object_type, const char *object_id,
    const char *detail)
{
	struct audit_entry	e;

	audit_entry_init(&e, type, action, 1);
	audit_set(e.object_type, object_type);
	audit_set(e.object_id, object_id);
	audit_set(e.detail, detail);
	return ctl_audit_record(c, st, &e, 1);
}

int
ctl_audit_revoke(struct ctl *c, struct store *st, const char *arg)
{
	struct audit_entry	e;
	struct store_device	dev;
	uint64_t		id;

	if (parse_u64(arg, 1, INT64_MAX, &id) != 0 ||
	    store_device_get(st, (int64_t)id, &dev) != 0) {
		ctl_errx("audit: device %s not found", arg);
		return CTL_EXIT_FAIL;
	}
	audit_entry_init(&e, "device_revoke", AUDIT_EXECUTE, 1);
	audit_set(e.object_type, "device");
	audit_set(e.object_id, arg);
	e.device_id = dev.id;
	(void)str_fmt(e.detail, sizeof(e.detail), "owner=%s",
	    dev.user.name);
	return ctl_audit_record(c, st, &e, 1);
}

/* ---- output ---- */

static void
ctl_json_str(const char *s)
{
	const unsigned char	*p;

	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			printf("\\u%04x", p[1]);	/* C1 */
			p++;
		} else
			putchar(*p);
	}
	putchar('"');
}

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

static const char *
ctl_vis(char *dst, size_t len, const char *s)
{
	return str_vis(dst, len, s, strlen(s));
}

static void
ctl_entry_json(const struct audit_entry *e, const uint8_t *leaf)
{
	const struct {
		const char	*k;
		const char	*v;
	} t[] = {
		{ "type", e->type }, { "outcome", e->outcome },
		{ "user", e->user }, { "role", e->role },
		{ "office", e->office }, { "on_behalf_of", e->on_behalf_of },
		{ "purpose", e->purpose }, { "basis", e->basis },
		{ "legal_basis", e->legal_basis },
		{ "client_ref", e->client_ref },
		{ "object_type", e->object_type },
		{ "object_id", e->object_id }, { "addr", e->addr },
		{ "detail", e->detail },
	};
	char	action[2] = { e->action, '\0' }, hex[2 * MERKLE_HASH_LEN + 1];
	size_t	i;

	printf("{\"idx\":%lld,\"server_time\":%lld,\"device_time\":%lld,"
	    "\"action\":", (long long)e->idx, (long long)e->server_time,
	    (long long)e->device_time);
	ctl_json_str(action);
	printf(",\"user_id\":%lld,\"device_id\":%lld", (long long)e->user_id,
	    (long long)e->device_id);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		printf(",\"%s\":", t[i].k);
		ctl_json_str(t[i].v);
	}
	if (leaf != NULL) {
		hex_encode(hex, leaf, MERKLE_HASH_LEN);
		printf(",\"leaf\":\"%s\"", hex);
	}
	printf("}\n");
}

static const char *const ctl_csv_head =
    "idx,server_time,device_time,action,type,outcome,user_id,user,role,"
    "office,on_behalf_of,purpose,basis,legal_basis,client_ref,"
    "object_type,object_id,device_id,addr,detail\n";

static void
ctl_entry_csv(const struct audit_entry *e)
{
	const char *const	 t1[] = { e->type, e->outcome };
	const char *const	 t2[] = {
		e->user, e->role, e->office, e->on_behalf_of, e->purpose,
		e->basis, e->legal_basis, e->client_ref, e->object_type,
		e->object_id,
	};
	char			 st[32], dt[32], action[2] = { e->action, 0 };
	size_t			 i;

	ctl_time_iso(st, sizeof(st), e->server_time);
	dt[0] = '\0';
	if (e->device_time != 0)
		ctl_time_iso(dt, sizeof(dt), e->device_time);
	printf("%lld,%s,%s,", (long long)e->idx, st, dt);
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
	putchar('\n');
}

static void
ctl_entry_table(const struct audit_entry *e)
{
	char	st[32], dt[32], v[5][4 * AUDIT_STR_MAX + 4];

	ctl_time_iso(st, sizeof(st), e->server_time);
	(void)str_fmt(dt, sizeof(dt), "-");
	if (e->device_time != 0)
		ctl_time_iso(dt, sizeof(dt), e->device_time);
	printf("%-6lld %-20s %-20s %-14s %c %-7s %-16s %-36s %-6lld %s %s\n",
	    (long long)e->idx, st, dt, ctl_vis(v[0], sizeof(v[0]), e->type),
	    e->action, ctl_vis(v[1], sizeof(v[1]), e->outcome),
	    ctl_vis(v[2], sizeof(v[2]), e->user[0] ? e->user : "-"),
	    ctl_vis(v[3], sizeof(v[3]), e->client_ref[0] ? e->client_ref :
	    "-"), (long long)e->device_id,
	    ctl_vis(v[4], sizeof(v[4]), e->object_id[0] ? e->object_id : "-"),
	    e->detail);
}

struct ctl_out {
	enum ctl_format	fmt;
	int		with_leaf;
	size_t		n;
};

static int
ctl_print_cb(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	struct ctl_out	*o = arg;
	char		 d[4 * AUDIT_STR_MAX + 4];
	struct audit_entry vis;

	o->n++;
	switch (o->fmt) {
	case FMT_JSON:
		ctl_entry_json(e, o->with_leaf ? leaf : NULL);
		break;
	case FMT_CSV:
		ctl_entry_csv(e);
		break;
	default:
		vis = *e;
		ctl_vis(d, sizeof(d), e->detail);
		audit_set(vis.detail, d);
		ctl_entry_table(&vis);
		break;
	}
	return 0;
}

/* Seconds since the epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC). */
static int
ctl_parse_time(const char *s, int64_t *out)
{
	struct tm	 tm;
	const char	*end;
	uint64_t	 v;
	time_t		 t;

	if (parse_u64(s, 0, INT64_MAX, &v) == 0) {
		*out = (int64_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0') {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
		    *end != '\0')
			return CS_ERR_FORMAT;
	}
	if ((t = timegm(&tm)) == (time_t)-1)
		return CS_ERR_FORMAT;
	*out = (int64_t)t;
	return 0;
}

/* Log that the log was read; the reading has already happened. */
int
ctl_audit_read(struct ctl *c, struct store *st, const char *what,
    const char *client_ref, const char *detail, int sign)
{
	struct audit_entry	e;

	audit_entry_init(&e, "audit_read", AUDIT_READ, 1);
	audit_set(e.object_type, "audit log");
	audit_set(e.object_id, what);
	audit_set(e.client_ref, client_ref);
	audit_set(e.detail, detail);
	audit_set(e.purpose, what);
	return ctl_audit_record(c, st, &e, sign);
}

static int
ctl_audit_query(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "case",	required_argument,	NULL, 'c' },
		{ "user",	required_argument,	NULL, 'u' },
		{ "device",	required_argument,	NULL, 'd' },
		{ "since",	required_argument,	NULL, 's' },
		{ "until",	required_argument,	NULL, 'U' },
		{ "type",	required_argument,	NULL, 't' },
		{ "format",	required_argument,	NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct audit_filter	 f;
	struct ctl_out		 o;
	struct store		*st = NULL;
	uint64_t		 dev;
	char			 detail[AUDIT_STR_MAX + 1];
	int			 ch, r, rv = CTL_EXIT_USAGE;

	memset(&f, 0, sizeof(f));
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			f.client_ref = optarg;
			break;
		case 'u':
			f.user = optarg;
			break;
		case 't':
			f.type = optarg;
			break;
		case 'd':
			if (parse_u64(optarg, 1, INT64_MAX, &dev) != 0) {
				ctl_errx("audit query: invalid --device");
				return CTL_EXIT_USAGE;
			}
			f.device_id = (int64_t)dev;
			break;
		case 's':
		case 'U':
			if (ctl_parse_time(optarg, ch == 's' ? &f.since :
			    &f.until) != 0) {
				ctl_errx("audit query: invalid time %s "
				    "(seconds since 1970, YYYY-MM-DD or "
				    "YYYY-MM-DDTHH:MM:SSZ)", optarg);
				return CTL_EXIT_USAGE;
			}
			if (ch == 's')
				f.has_since = 1;
			else
				f.has_until = 1;
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				o.fmt = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				o.fmt = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				o.fmt = FMT_JSON;
			else {
				ctl_errx("audit query: --format is table, csv "
				    "or json");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'h':
			ctl_usage("audit", 0);
			return CTL_EXIT_OK;
		default:
			ctl_usage("audit", 1);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		ctl_errx("audit query: unexpected argument: %s", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	if (o.fmt == FMT_CSV)
		fputs(ctl_csv_head, stdout);
	else if (o.fmt == FMT_TABLE)
		printf("%-6s %-20s %-20s %-14s %s %-7s %-16s %-36s %-6s "
		    "%s %s\n", "ID", "SERVER-TIME", "DEVICE-TIME", "TYPE", "A",
		    "OUTCOME", "USER", "CASE", "DEVICE", "OBJECT", "DETAIL");
	if ((r = store_audit_rows(st, &f, ctl_print_cb, &o)) != 0) {
		ctl_errx("audit query: %s", cs_err(r));
		rv = CTL_EXIT_FAIL;
		goto out;
	}
	(void)str_fmt(detail, sizeof(detail), "query: %zu entries%s%s%s%s",
	    o.n, f.user != NULL ? " user=" : "", f.user != NULL ? f.user : "",
	    f.type != NULL ? " type=" : "", f.type != NULL ? f.type : "");
	rv = ctl_audit_read(c, st, "query", f.client_ref, detail, 1);
 out:
	store_close(st);
	return rv;
}

static int
ctl_verify_cp_add(const struct audit_checkpoint *cp, void *arg)
{
	struct ctl_verify	*v = arg;
	struct audit_checkpoint	*p;
	size_t			 n;

	if (v->ncps == v->maxcps) {
		if (v->maxcps >= CTL_AUDIT_CP_MAX)
			return CS_ERR_TOO_LARGE;
		n = v->maxcps * 2 + 64;
		if ((p = reallocarray(v->cps, n, sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		v->cps = p;
		v->maxcps = n;
	}
	v->cps[v->ncps++] = *cp;
	return 0;
}

void
ctl_verify_problem(struct ctl_verify *v, const char *fmt, ...)
{
	va_list	ap;

	v->problems++;
	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Check every checkpoint of the size the recomputed tree has now. */
static void
ctl_verify_cps(struct ctl_verify *v)
{
	const struct audit_checkpoint	*cp;
	uint8_t				 root[MERKLE_HASH_LEN];
	char				 when[32];

	merkle_frontier_root(&v->f, root);
	ctl_verify_witness_at(v, root);
	for (; v->next < v->ncps &&
	    (uint64_t)v->cps[v->next].size == v->f.size; v->next++) {
		cp = &v->cps[v->next];
		ctl_time_iso(when, sizeof(when), cp->time);
		if (sodium_memcmp(cp->pk, v->pk, AUDIT_PK_LEN) != 0 ||
		    audit_checkpoint_verify(cp, v->pk) != 0)
			ctl_verify_problem(v, "checkpoint of %s (id %lld, "
			    "size %lld): bad signature or not signed by "
			    "audit.pub", when, (long long)cp->id,
			    (long long)cp->size);
		else if (sodium_memcmp(cp->root, root, MERKLE_HASH_LEN) != 0)
			ctl_verify_problem(v, "checkpoint of %s (id %lld, "
			    "size %lld): its root does not match the entries "
			    "(the log was changed after it was signed)", when,
			    (long long)cp->id, (long long)cp->size);
		else if (v->problems == 0)
			v->good_size = cp->size;
	}
}

static int
ctl_verify_row(const struct audit_entry *e, const uint8_t *stored,
    void *arg)
{
	struct ctl_verify	*v = arg;
	uint8_t			 leaf[MERKLE_HASH_LEN];
	char			 type[4 * AUDIT_STR_MAX + 4];
	int			 r;

	ctl_verify_cps(v);
	/* the first entry the newest checkpoint of the database misses */
	if (!v->has_tail && e->idx == (v->ncps == 0 ? 0 :
	    v->cps[v->ncps - 1].size)) {
		v->has_tail = 1;
		v->tail_time = e->server_time;
	}
	if ((uint64_t)e->idx != v->f.size) {
		ctl_verify_problem(v, "entry %lld: expected entry %lld here "
		    "(entries missing)", (long long)e->idx,
		    (long long)v->f.size);
		return CS_ERR_TAMPERED;	/* the rest cannot be placed */
	}
	if ((r = audit_entry_leaf(e, leaf)) != 0)
		memset(leaf, 0, sizeof(leaf));
	if (r != 0 || sodium_memcmp(leaf, stored, MERKLE_HASH_LEN) != 0)
		ctl_verify_problem(v, "entry %lld (%s): the row does not "
		    "match the leaf hash written with it (changed after it was "
		    "appended)", (long long)e->idx,
		    ctl_vis(type, sizeof(type), e->type));
	if ((r = merkle_frontier_add(&v->f, leaf)) != 0)
		return r;
	return 0;
}

int
ctl_audit_check(struct ctl *c, const char *against, struct store *st,
    const uint8_t pk[AUDIT_PK_LEN], uint64_t *size,
    uint8_t root[MERKLE_HASH_LEN])
{
	struct ctl_verify	 v;
	struct merkle_frontier	 stf;
	uint8_t			 r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
	char			 hex[2 * MERKLE_HASH_LEN + 1];
	int			 r, rv = CTL_EXIT_FAIL;

	memset(&v, 0, sizeof(v));
	*size = 0;
	memcpy(v.pk, pk, AUDIT_PK_LEN);
	merkle_frontier_init(&v.f);
	if ((r = store_audit_checkpoints(st, ctl_verify_cp_add, &v)) != 0 ||
	    (r = store_audit_state(st, &stf)) != 0) {
		ctl_errx("audit verify: %s", cs_err(r));
		goto out;
	}
	/* the checkpoint file belongs to the live database, not a copy */
	if (c != NULL &&
	    (rv = ctl_verify_witness_load(c, &v, against)) != CTL_EXIT_OK)
		goto out;
	rv = CTL_EXIT_FAIL;
	r = store_audit_rows(st, NULL, ctl_verify_row, &v);
	if (r != 0 && r != CS_ERR_TAMPERED) {
		ctl_errx("audit verify: %s", cs_err(r));
		goto out;
	}
	if (r == 0)
		ctl_verify_cps(&v);
	if (r == 0 && v.next < v.ncps)
		ctl_verify_problem(&v, "checkpoint id %lld covers %lld "
		    "entries, more than the log holds (entries deleted)",
		    (long long)v.cps[v.next].id, (long long)v.cps[v.next].size);
	merkle_frontier_root(&v.f, r1);
	merkle_frontier_root(&stf, r2);
	if (r == 0)
		ctl_verify_witness_end(&v, st, r1);
	if (r == 0 && (stf.size != v.f.size ||
	    sodium_memcmp(r1, r2, MERKLE_HASH_LEN) != 0))
		ctl_verify_problem(&v, "the stored tree state (size %lld) "
		    "does not match the entries (size %lld)",
		    (long long)stf.size, (long long)v.f.size);
	hex_encode(hex, r1, sizeof(r1));
	if (v.problems == 0 && r == 0) {
		printf("ok: %llu entries, %zu checkpoints verified; root %s\n",
		    (unsigned long long)v.f.size, v.ncps, hex);
		if (v.ncps == 0 || (uint64_t)v.cps[v.ncps - 1].size < v.f.size)
			printf("note: entries after %lld are not yet "
			    "covered by a signed checkpoint\n",
			    v.ncps == 0 ? 0LL :
			    (long long)v.cps[v.ncps - 1].size);
		ctl_verify_witness_ok(&v, against);
		*size = v.f.size;
		memcpy(root, r1, MERKLE_HASH_LEN);
		rv = CTL_EXIT_OK;
	} else
		printf("audit log verification FAILED: %zu problem%s; "
		    "checkpoints verified up to size %lld\n", v.problems,
		    v.problems == 1 ? "" : "s", (long long)v.good_size);
 out:
	free(v.cps);
	free(v.w);
	return rv;
}

static int
ctl_audit_verify(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "against",	required_argument,	NULL, 'a' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char	*against = NULL;
	struct store	*st = NULL;
	uint8_t		 pk[AUDIT_PK_LEN], root[MERKLE_HASH_LEN];
	uint64_t	 size;
	char		 detail[64];
	int		 ch, r, rv = CTL_EXIT_FAIL;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			against = optarg;
			break;
		case 'h':
			ctl_usage("audit", 0);
			return CTL_EXIT_OK;
		default:
			ctl_usage("audit", 1);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		ctl_errx("audit verify: unexpected argument: %s",
		    argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		goto out;
	rv = CTL_EXIT_FAIL;
	if ((r = audit_pub_load(c->dir, pk)) != 0) {
		ctl_errx("%s/%s: %s", c->dir, AUDIT_PUB_FILE, cs_err(r));
		goto out;
	}
	if ((rv = ctl_audit_check(c, against, st, pk, &size, root)) !=
	    CTL_EXIT_OK)
		ctl_errx("audit verify: the audit log has been tampered with");
	(void)str_fmt(detail, sizeof(detail), "verify: %s",
	    rv == CTL_EXIT_OK ? "ok" : "FAILED");
	/* a log that failed is not signed over: the next verify fails too */
	if (ctl_audit_read(c, st, "verify", NULL, detail,
	    rv == CTL_EXIT_OK) != 0)
		rv = CTL_EXIT_FAIL;
 out:
	store_close(st);
	return rv;
}

static int
ctl_latest_cp(const struct audit_checkpoint *cp, void *arg)
{
	struct audit_checkpoint	*last = arg;

	if (last->id == 0 || cp->size > last->size ||
	    (cp->size == last->size && cp->id > last->id))
		*last = *cp;
	return 0;
}

static int
ctl_audit_export(struct ctl *c, int argc, char **argv)
{
	struct audit_checkpoint	 cp;
	struct ctl_out		 o;
	struct store		*st = NULL;
	uint8_t			 pk[AUDIT_PK_LEN];
	char			 hex[2 * AUDIT_SIG_LEN + 1], detail[64];
	int			 r, rv;

	if (argc != 1) {
		ctl_errx("audit %s: unexpected argument: %s", argv[0],
		    argv[1]);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		return rv;
	rv = CTL_EXIT_FAIL;
	memset(&cp, 0, sizeof(cp));
	memset(&o, 0, sizeof(o));
	o.fmt = FMT_JSON;
	o.with_leaf = 1;
	if ((r = audit_pub_load(c->dir, pk)) != 0 ||
	    (r = store_audit_checkpoints(st, ctl_latest_cp, &cp)) != 0 ||
	    (r = store_audit_rows(st, NULL, ctl_print_cb, &o)) != 0) {
		ctl_errx("audit export: %s", cs_err(r));
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
	(void)str_fmt(detail, sizeof(detail), "export: %zu entries", o.n);
	rv = ctl_audit_read(c, st, "export", NULL, detail, 1);
 out:
	store_close(st);
	return rv;
}

int
ctl_audit(struct ctl *c, int argc, char **argv)
{
	const char	*sub;

	if (argc < 2) {
		ctl_errx("audit: missing subcommand");
		ctl_usage("audit", 1);
		return CTL_EXIT_USAGE;
	}
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		ctl_usage("audit", 0);
		return CTL_EXIT_OK;
	}
	if (strcmp(sub, "verify") == 0)
		return ctl_audit_verify(c, argc - 1, argv + 1);
	if (strcmp(sub, "query") == 0)
		return ctl_audit_query(c, argc - 1, argv + 1);
	if (strcmp(sub, "export") == 0)
		return ctl_audit_export(c, argc - 1, argv + 1);
	if (strcmp(sub, "checkpoint") == 0)
		return ctl_audit_checkpoint(c, argc - 1, argv + 1);
	ctl_errx("audit: expected verify, query, export or checkpoint");
	ctl_usage("audit", 1);
	return CTL_EXIT_USAGE;
}
