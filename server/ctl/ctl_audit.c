/* SPDX-License-Identifier: ISC */
/*
 * ctl_audit.c - "casesyncctl audit": verify the audit log
 * (docs/AUDIT.md; query and export are in ctl_audit_query.c), and the
 * helper through which other casesyncctl commands append entries.
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
#include "clihelp.h"
#include "ctl.h"
#include "ctl_audit_int.h"
#include "errors.h"
#include "merkle.h"
#include "store.h"
#include "store_audit.h"
#include "store_audit_q.h"
#include "util.h"

int
ctl_audit_record(struct ctl *c, struct store *st, struct audit_entry *e,
    int sign)
{
	struct audit_key	*key = NULL;
	int			 r;

	audit_entry_host(e, "casesyncctl on the server host");
	if (sign && (r = audit_key_open(c->dir, &key)) != 0) {
		ctl_errx("audit key: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	r = audit_append(st, e, key);
	audit_key_free(key);
	if (r != 0) {
		ctl_errx("audit: entry NOT recorded: %s", cs_whyf(r));
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

/* "s" with control characters escaped, for a terminal. */
const char *
ctl_vis(char *dst, size_t len, const char *s)
{
	return str_vis(dst, len, s, strlen(s));
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

/* The next page of the database's checkpoints, when this one is done. */
static int
ctl_verify_cp_fill(struct ctl_verify *v)
{
	int	r;

	if (v->next < v->ncps || v->cps_end)
		return 0;
	v->next = v->ncps = 0;
	if ((r = store_audit_cp_page(v->st, v->cp_size, v->cp_id, v->end,
	    v->cps, v->page, &v->ncps)) != 0)
		return r;
	if (v->ncps < v->page)
		v->cps_end = 1;
	if (v->ncps > 0) {
		v->cp_size = v->cps[v->ncps - 1].size;
		v->cp_id = v->cps[v->ncps - 1].id;
	}
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
static int
ctl_verify_cps(struct ctl_verify *v)
{
	const struct audit_checkpoint	*cp;
	uint8_t				 root[MERKLE_HASH_LEN];
	char				 when[32];
	int				 r;

	merkle_frontier_root(&v->f, root);
	ctl_verify_witness_at(v, root);
	for (;; v->next++, v->cps_seen++) {
		if ((r = ctl_verify_cp_fill(v)) != 0)
			return r;
		if (v->next == v->ncps ||
		    (uint64_t)v->cps[v->next].size != v->f.size)
			break;
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
	return 0;
}

static int
ctl_verify_row(const struct audit_entry *e, const uint8_t *stored,
    void *arg)
{
	struct ctl_verify	*v = arg;
	uint8_t			 leaf[MERKLE_HASH_LEN];
	char			 type[4 * AUDIT_STR_MAX + 4];
	int			 r;

	if ((r = ctl_verify_cps(v)) != 0)
		return r;
	/* the first entry the newest checkpoint of the database misses */
	if (!v->has_tail && e->idx == (v->has_latest ? v->latest.size : 0)) {
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

/* After the walk: checkpoints and entries beyond the log it found. */
static int
ctl_verify_beyond(struct ctl_verify *v)
{
	struct audit_checkpoint	cp;
	int64_t			rows;
	int			r;

	if ((r = ctl_verify_cp_fill(v)) != 0)
		return r;
	memset(&cp, 0, sizeof(cp));
	if (v->next < v->ncps)
		cp = v->cps[v->next];
	else if ((r = store_audit_beyond(v->st, &rows, &cp)) != 0)
		return r;
	else if (rows > 0)
		ctl_verify_problem(v, "%lld entr%s beyond the stored tree "
		    "state (entries added without it)", (long long)rows,
		    rows == 1 ? "y" : "ies");
	if (cp.id != 0)
		ctl_verify_problem(v, "checkpoint id %lld covers %lld "
		    "entries, more than the log holds (entries deleted)",
		    (long long)cp.id, (long long)cp.size);
	return 0;
}

/*
 * The log as it is when it begins: the newest checkpoint, then the
 * tree's size (so no checkpoint of the database is newer than that
 * size), then the entries below that size page by page, the
 * checkpoints of each size met on the way; entries appended while it
 * runs are for the next verify.
 */
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
	v.st = st;
	v.now = time_now();
	v.cp_size = v.cp_id = -1;
	v.page = store_audit_page();
	memcpy(v.pk, pk, AUDIT_PK_LEN);
	merkle_frontier_init(&v.f);
	if ((v.cps = calloc(v.page, sizeof(*v.cps))) == NULL) {
		ctl_errx("audit verify: %s", cs_err(CS_ERR_ALLOC));
		goto out;
	}
	if ((r = store_audit_latest(st, &v.latest)) == 0)
		v.has_latest = 1;
	if ((r != 0 && r != CS_ERR_NOT_FOUND) ||
	    (r = store_audit_state(st, &stf)) != 0) {
		ctl_errx("audit verify: %s", cs_whyf(r));
		goto out;
	}
	v.end = (int64_t)stf.size;
	/* the checkpoint file belongs to the live database, not a copy */
	if (c != NULL &&
	    (rv = ctl_verify_witness_load(c, &v, against)) != CTL_EXIT_OK)
		goto out;
	rv = CTL_EXIT_FAIL;
	r = store_audit_rows_range(st, NULL, -1, v.end, ctl_verify_row, &v);
	if (r == 0 && (r = ctl_verify_cps(&v)) == 0)
		r = ctl_verify_beyond(&v);
	if (r != 0 && r != CS_ERR_TAMPERED) {
		ctl_errx("audit verify: %s", cs_whyf(r));
		goto out;
	}
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
		    (unsigned long long)v.f.size, v.cps_seen, hex);
		if (!v.has_latest || (uint64_t)v.latest.size < v.f.size)
			printf("note: entries after %lld are not yet "
			    "covered by a signed checkpoint\n",
			    v.has_latest ? (long long)v.latest.size : 0LL);
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
			return clihelp_opterr(argv);
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
		ctl_errx("%s/%s: %s", c->dir, AUDIT_PUB_FILE, cs_why(r));
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
