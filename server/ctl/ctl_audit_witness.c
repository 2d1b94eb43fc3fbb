/* SPDX-License-Identifier: ISC */
/*
 * ctl_audit_witness.c - what "casesyncctl audit verify" checks beyond
 * the rows and the checkpoints stored beside them, and "casesyncctl
 * audit checkpoint --export" (docs/AUDIT.md, "The checkpoint file and
 * external witnesses").
 *
 * Someone who can write server.db can delete its checkpoints; the rows
 * then still hash into a tree, and nothing in the database says that a
 * signed root once disagreed with them.  So verify also requires:
 *
 * - every checkpoint of audit-checkpoints.log (written outside the
 *   database by whoever signed it) to be signed by audit.pub, to be in
 *   the database, and to match the tree recomputed at its size;
 * - a checkpoint in the database as soon as there is an entry, and the
 *   newest to cover every entry older than the hourly interval plus
 *   CTL_VERIFY_GRACE (casesyncd signs at start, hourly and at stop;
 *   casesyncctl with each entry it writes);
 * - with --against FILE, that the log extends each checkpoint in FILE
 *   (one exported earlier and kept by a witness): its root at that size
 *   and an RFC 9162 consistency proof to the head.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "audit_witness.h"
#include "clihelp.h"
#include "ctl.h"
#include "ctl_audit_int.h"
#include "errors.h"
#include "merkle.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"

#define CTL_WITNESS_MAX	(1u << 22)	/* checkpoints read from files */

static int
ctl_witness_add(const struct audit_checkpoint *cp, size_t line, void *arg)
{
	struct ctl_verify	*v = arg;
	struct ctl_wcp		*p;
	char			 when[32];
	size_t			 n;

	if (cp == NULL) {
		ctl_verify_problem(v, "%s line %zu: not a checkpoint line",
		    v->cur_file, line);
		return 0;
	}
	ctl_time_iso(when, sizeof(when), cp->time);
	if (audit_checkpoint_verify(cp, v->pk) != 0) {
		ctl_verify_problem(v, "checkpoint of %s (size %lld) in %s line "
		    "%zu: bad signature or not signed by audit.pub", when,
		    (long long)cp->size, v->cur_file, line);
		return 0;
	}
	if (v->nw == v->maxw) {
		if (v->maxw >= CTL_WITNESS_MAX)
			return CS_ERR_TOO_LARGE;
		n = v->maxw * 2 + 64;
		if ((p = reallocarray(v->w, n, sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		v->w = p;
		v->maxw = n;
	}
	p = &v->w[v->nw++];
	memset(p, 0, sizeof(*p));
	p->cp = *cp;
	p->file = v->cur_file;
	p->line = line;
	p->against = v->cur_against;
	if (!p->against)
		v->nfile++;
	return 0;
}

static int
ctl_witness_cmp(const void *a, const void *b)
{
	const struct ctl_wcp	*x = a, *y = b;

	if (x->cp.size != y->cp.size)
		return x->cp.size < y->cp.size ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
ctl_witness_file(struct ctl_verify *v, const char *path, const char *label,
    int against)
{
	int	torn, r;

	v->cur_file = label;
	v->cur_against = against;
	r = audit_cpfile_read(path, ctl_witness_add, v, &torn);
	if (r == CS_ERR_NOT_FOUND && !against) {
		/* a deployment from before the file: it starts now */
		printf("note: no %s yet: only the database's checkpoints are "
		    "checked\n", AUDIT_CP_FILE);
		return CTL_EXIT_OK;
	}
	if (r != 0) {
		ctl_errx("audit verify: %s: %s", path, cs_why(r));
		return CTL_EXIT_FAIL;
	}
	if (torn)
		printf("note: %s: the last line is incomplete (a write cut "
		    "short); ignored\n", label);
	return CTL_EXIT_OK;
}

int
ctl_verify_witness_load(struct ctl *c, struct ctl_verify *v,
    const char *against)
{
	char	path[CTL_PATH_MAX], when[32];
	size_t	i, before;
	int	known, r, rv;

	if ((rv = ctl_path(path, sizeof(path), c->dir, AUDIT_CP_FILE)) != 0 ||
	    (rv = ctl_witness_file(v, path, AUDIT_CP_FILE, 0)) != 0)
		return rv;
	if (against != NULL) {
		before = v->nw;
		if ((rv = ctl_witness_file(v, against, against, 1)) != 0)
			return rv;
		if (v->nw == before && v->problems == 0) {
			ctl_errx("audit verify: %s holds no checkpoint",
			    against);
			return CTL_EXIT_FAIL;
		}
	}
	if (v->nw > 0)
		qsort(v->w, v->nw, sizeof(*v->w), ctl_witness_cmp);
	for (i = 0; i < v->nw; i++) {
		if (v->w[i].against)
			continue;
		if ((r = store_audit_cp_known(v->st, &v->w[i].cp,
		    &known)) != 0) {
			ctl_errx("audit verify: %s", cs_whyf(r));
			return CTL_EXIT_FAIL;
		}
		if (known)
			continue;
		ctl_time_iso(when, sizeof(when), v->w[i].cp.time);
		ctl_verify_problem(v, "checkpoint of %s (size %lld) in %s "
		    "line %zu is not in the database (checkpoints deleted)",
		    when, (long long)v->w[i].cp.size, v->w[i].file,
		    v->w[i].line);
	}
	return CTL_EXIT_OK;
}

void
ctl_verify_witness_at(struct ctl_verify *v, const uint8_t root[MERKLE_HASH_LEN])
{
	const struct ctl_wcp	*w;
	char			 when[32];

	for (; v->wnext < v->nw &&
	    (uint64_t)v->w[v->wnext].cp.size <= v->f.size; v->wnext++) {
		w = &v->w[v->wnext];
		if ((uint64_t)w->cp.size < v->f.size)
			continue;	/* rows were missing: reported */
		if (sodium_memcmp(w->cp.root, root, MERKLE_HASH_LEN) == 0)
			continue;
		ctl_time_iso(when, sizeof(when), w->cp.time);
		ctl_verify_problem(v, "checkpoint of %s (size %lld) in %s line "
		    "%zu: its root does not match the entries (the log was "
		    "changed after it was signed)", when,
		    (long long)w->cp.size, w->file, w->line);
	}
}

/* The log extends --against checkpoint "w": a proof from the stored nodes. */
static void
ctl_witness_proof(struct ctl_verify *v, struct store *st,
    const struct ctl_wcp *w, const uint8_t root[MERKLE_HASH_LEN])
{
	uint8_t	proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	size_t	len = 0;
	int	r;

	if (w->cp.size == 0 || (uint64_t)w->cp.size >= v->f.size)
		return;		/* nothing to prove beyond the root */
	if ((r = store_audit_proof(st, (uint64_t)w->cp.size, v->f.size, proof,
	    &len)) != 0 ||
	    (r = merkle_consistency_verify((uint64_t)w->cp.size, v->f.size,
	    w->cp.root, root, &proof[0][0], len)) != 0)
		ctl_verify_problem(v, "%s line %zu: no consistency proof from "
		    "size %lld to the head (size %llu): %s", w->file, w->line,
		    (long long)w->cp.size, (unsigned long long)v->f.size,
		    cs_whyf(r));
}

void
ctl_verify_witness_end(struct ctl_verify *v, struct store *st,
    const uint8_t root[MERKLE_HASH_LEN])
{
	const struct ctl_wcp	*w;
	char			 when[32];
	int64_t			 newest;
	size_t			 i;

	for (; v->wnext < v->nw; v->wnext++) {
		w = &v->w[v->wnext];
		ctl_verify_problem(v, "checkpoint of size %lld in %s line %zu "
		    "covers more entries than the log holds (%llu: entries "
		    "deleted)", (long long)w->cp.size, w->file, w->line,
		    (unsigned long long)v->f.size);
	}
	for (i = 0; i < v->nw; i++)
		if (v->w[i].against)
			ctl_witness_proof(v, st, &v->w[i], root);
	if (v->f.size == 0)
		return;
	newest = v->has_latest ? v->latest.size : 0;
	if (!v->has_latest)
		ctl_verify_problem(v, "no signed checkpoint in the database "
		    "covers any of the %llu entries (checkpoints deleted)",
		    (unsigned long long)v->f.size);
	else if (v->has_tail && v->now - v->tail_time >
	    AUDIT_CHECKPOINT_EVERY + CTL_VERIFY_GRACE) {
		ctl_time_iso(when, sizeof(when), v->tail_time);
		ctl_verify_problem(v, "the newest checkpoint (size %lld) does "
		    "not cover the head (size %llu): entry %lld of %s should "
		    "have been covered within the hour (checkpoints deleted, "
		    "or casesyncd stopped without signing one: start it)",
		    (long long)newest, (unsigned long long)v->f.size,
		    (long long)newest, when);
	}
}

void
ctl_verify_witness_ok(const struct ctl_verify *v, const char *against)
{
	size_t	i, n = 0;

	printf("ok: %zu checkpoints of %s verified\n", v->nfile,
	    AUDIT_CP_FILE);
	if (against == NULL)
		return;
	for (i = 0; i < v->nw; i++)
		n += v->w[i].against != 0;
	printf("ok: the log extends the %zu checkpoint%s of %s\n", n,
	    n == 1 ? "" : "s", against);
}

int
ctl_audit_checkpoint(struct ctl *c, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "export",	no_argument,		NULL, 'e' },
		{ "out",	required_argument,	NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct audit_checkpoint	 cp;
	struct store		*st = NULL;
	const char		*out = NULL;
	uint8_t			 pk[AUDIT_PK_LEN];
	char			 line[AUDIT_CP_LINE_MAX], detail[64];
	int			 ch, exp = 0, r, rv = CTL_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			exp = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			ctl_usage("audit", 0);
			return CTL_EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || !exp) {
		ctl_errx("audit checkpoint: expected --export [--out FILE]");
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != 0)
		return rv;
	rv = CTL_EXIT_FAIL;
	if ((r = audit_pub_load(c->dir, pk)) != 0 ||
	    ((r = store_audit_latest(st, &cp)) != 0 &&
	    r != CS_ERR_NOT_FOUND)) {
		ctl_errx("audit checkpoint: %s", cs_whyf(r));
		goto out;
	}
	/* hand out only what audit.pub signed */
	if (cp.id == 0 || audit_checkpoint_verify(&cp, pk) != 0) {
		ctl_errx("audit checkpoint: %s", cp.id == 0 ? "no checkpoint "
		    "signed yet" : "the newest checkpoint is not signed by "
		    "audit.pub");
		goto out;
	}
	if ((r = audit_cpline_format(&cp, line, sizeof(line))) != 0) {
		ctl_errx("audit checkpoint: %s", cs_whyf(r));
		goto out;
	}
	if (out != NULL) {
		if ((r = file_write_atomic(out, line, strlen(line), 0644,
		    0)) != 0) {
			ctl_errx("audit checkpoint: %s: %s", out,
			    cs_why(r));
			goto out;
		}
	} else if (fputs(line, stdout) == EOF || fflush(stdout) == EOF) {
		ctl_errx("audit checkpoint: cannot write: %s",
		    strerror(errno));
		goto out;
	}
	(void)str_fmt(detail, sizeof(detail), "checkpoint export: size %lld",
	    (long long)cp.size);
	rv = ctl_audit_read(c, st, "checkpoint export", NULL, detail, 1);
 out:
	store_close(st);
	return rv;
}
