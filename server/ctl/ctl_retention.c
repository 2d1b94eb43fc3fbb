/* SPDX-License-Identifier: ISC */
/*
 * ctl_retention.c - "casesyncctl retention list|destroy|show" (issue
 * 18; docs/ADMIN.md "Retention"): the closed cases past their
 * retention date (Jeugdwet art. 7.3.9), their destruction on command,
 * and the signed record a destruction leaves.
 *
 * A destruction deletes every row about the case and writes a record
 * of only what the audit needs (case id, office, frame, closed_on,
 * retention_until, destroyed_at, number of records, by whom), signed
 * with the deployment's audit key, and a case_destroy audit entry: all
 * in one transaction.  A case not past its date is refused.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "json.h"
#include "lifecycle.h"
#include "msg.h"
#include "retention.h"
#include "store.h"
#include "store_audit.h"
#include "store_retention.h"
#include "util.h"

struct ctl_ret_list {
	struct json	*j;
	size_t		 n;
};

static void
ctl_ret_dates(const struct store_destruction *d, char closed[LC_DATE_LEN + 1],
    char until[LC_DATE_LEN + 1])
{
	lc_date_format(d->closed_on, closed, LC_DATE_LEN + 1);
	lc_date_format(d->retention_until, until, LC_DATE_LEN + 1);
}

static int
ctl_ret_list_cb(const struct store_destruction *d, void *arg)
{
	struct ctl_ret_list	*l = arg;
	char			 closed[LC_DATE_LEN + 1], until[LC_DATE_LEN + 1];
	char			 o[256];

	ctl_ret_dates(d, closed, until);
	l->n++;
	if (l->j != NULL) {
		json_obj_begin(l->j);
		json_kv_str(l->j, "case_id", d->case_id);
		json_kv_str(l->j, "office", d->office);
		json_kv_str(l->j, "frame", d->frame);
		json_kv_str(l->j, "closed_on", closed);
		json_kv_str(l->j, "retention_until", until);
		json_kv_int(l->j, "records", d->records);
		json_obj_end(l->j);
		return 0;
	}
	printf("%s %-20s %-7s closed %s retention until %s records %lld\n",
	    d->case_id, str_vis(o, sizeof(o), d->office, strlen(d->office)),
	    d->frame, closed, until, (long long)d->records);
	return 0;
}

static int
ctl_ret_list(struct store *st, int json, int all)
{
	struct ctl_ret_list	l;
	struct json		j;
	int			r, w;

	memset(&l, 0, sizeof(l));
	if (json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
		l.j = &j;
	}
	r = store_retention_list(st, lc_date_from_time(time_now()), all,
	    ctl_ret_list_cb, &l);
	if (json) {
		json_arr_end(&j);
		if ((w = json_end(&j)) != 0 && r == 0)
			r = w;
	} else if (r == 0 && l.n == 0)
		printf(all ? "no closed case\n" :
		    "no case is past its retention date\n");
	if (r != 0) {
		ctl_errx("retention list: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* The case_destroy entry: metadata only, as the record. */
static void
ctl_ret_entry(struct audit_entry *e, const struct store_destruction *d)
{
	char	closed[LC_DATE_LEN + 1], until[LC_DATE_LEN + 1];

	audit_entry_init(e, "case_destroy", AUDIT_DELETE, 1);
	audit_entry_host(e, "retention period ended (Jeugdwet art. 7.3.9)");
	audit_set(e->client_ref, d->case_id);
	audit_set(e->object_type, "case");
	audit_set(e->object_id, d->case_id);
	audit_set(e->office, d->office);
	ctl_ret_dates(d, closed, until);
	(void)str_fmt(e->detail, sizeof(e->detail), "frame=%s closed_on=%s "
	    "retention_until=%s records=%lld signed=yes", d->frame, closed,
	    until, (long long)d->records);
}

/* Destroy one case: refused unless past its date.  A CTL_EXIT_*. */
static int
ctl_ret_destroy_one(struct store *st, const struct audit_key *key,
    const char *case_id)
{
	struct store_destruction	 d;
	struct audit_entry		 e;
	const char			*why = NULL;
	char				 stmt[RETENTION_STATEMENT_MAX];
	size_t				 len;
	int64_t				 now = time_now();
	int				 r, made;

	/* who: the account on the host, as every casesyncctl entry says */
	audit_entry_init(&e, "case_destroy", AUDIT_DELETE, 1);
	audit_entry_host(&e, "");
	(void)store_tx_begin(st);
	r = store_retention_prepare(st, case_id, lc_date_from_time(now), now,
	    e.user, &d, &why);
	if (r == 0 && ((len = retention_statement(&d, stmt,
	    sizeof(stmt))) == 0 ||
	    (r = audit_key_sign(key, (const uint8_t *)stmt, len, d.sig,
	    d.pk)) != 0))
		r = r != 0 ? r : CS_ERR_TOO_LARGE;
	if (r == 0)
		r = store_retention_destroy(st, &d);
	if (r == 0) {
		ctl_ret_entry(&e, &d);
		r = store_audit_append_in(st, &e, 1);
	}
	if ((r = store_tx_end(st, r)) != 0) {
		ctl_errx("retention destroy %s: refused: %s", case_id,
		    why != NULL ? why : cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	/* the entry is covered by a signed checkpoint, as every ctl one */
	if ((r = audit_checkpoint(st, key, now, 0, &made)) != 0)
		ctl_errx("audit: checkpoint NOT signed: %s", cs_whyf(r));
	printf("case %s destroyed: %lld records; the signed destruction "
	    "record stays (retention show --case %s)\n", d.case_id,
	    (long long)d.records, d.case_id);
	return CTL_EXIT_OK;
}

struct ctl_ret_due {
	char	(*ids)[STORE_UUID_LEN + 1];
	size_t	 n, max;
};

static int
ctl_ret_due_cb(const struct store_destruction *d, void *arg)
{
	struct ctl_ret_due	*u = arg;
	void			*p;

	if (u->n == u->max) {
		if ((p = reallocarray(u->ids, u->max * 2 + 16,
		    sizeof(*u->ids))) == NULL)
			return CS_ERR_ALLOC;
		u->ids = p;
		u->max = u->max * 2 + 16;
	}
	memcpy(u->ids[u->n++], d->case_id, sizeof(d->case_id));
	return 0;
}

static int
ctl_ret_destroy(struct ctl *c, struct store *st, const char *case_id)
{
	struct audit_key	*key = NULL;
	struct ctl_ret_due	 u;
	size_t			 i;
	int			 r, rv = CTL_EXIT_OK;

	memset(&u, 0, sizeof(u));
	if ((r = audit_key_open(c->dir, &key)) != 0) {
		ctl_errx("audit key: %s", cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if (case_id != NULL) {
		rv = ctl_ret_destroy_one(st, key, case_id);
		goto out;
	}
	if ((r = store_retention_list(st, lc_date_from_time(time_now()), 0,
	    ctl_ret_due_cb, &u)) != 0) {
		ctl_errx("retention destroy: %s", cs_whyf(r));
		rv = CTL_EXIT_FAIL;
		goto out;
	}
	if (u.n == 0)
		printf("no case is past its retention date\n");
	for (i = 0; i < u.n; i++)
		if (ctl_ret_destroy_one(st, key, u.ids[i]) != CTL_EXIT_OK)
			rv = CTL_EXIT_FAIL;
 out:
	free(u.ids);
	audit_key_free(key);
	return rv;
}

static int
ctl_ret_show(struct ctl *c, struct store *st, const char *case_id, int json)
{
	struct store_destruction	d;
	struct json			j;
	uint8_t				pk[AUDIT_PK_LEN];
	char				stmt[RETENTION_STATEMENT_MAX];
	char				closed[LC_DATE_LEN + 1];
	char				until[LC_DATE_LEN + 1], at[32];
	char				hex[2 * AUDIT_PK_LEN + 1], o[256], b[256];
	const char			*verdict;
	size_t				len;
	int				r, good = 0;

	if ((r = store_destruction_get(st, case_id, &d)) != 0) {
		ctl_errx("retention show: %s", r == CS_ERR_NOT_FOUND ?
		    "no destruction record of that case" : cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	if ((r = audit_pub_load(c->dir, pk)) != 0)
		verdict = "unchecked: no audit.pub";
	else if (sodium_memcmp(pk, d.pk, sizeof(pk)) != 0)
		verdict = "BAD: signed by another key than audit.pub";
	else if ((len = retention_statement(&d, stmt, sizeof(stmt))) == 0 ||
	    crypto_sign_verify_detached(d.sig, (const uint8_t *)stmt, len,
	    pk) != 0)
		verdict = "BAD: does not verify";
	else {
		verdict = "good";
		good = 1;
	}
	ctl_ret_dates(&d, closed, until);
	ctl_time_iso(at, sizeof(at), d.destroyed_at);
	(void)sodium_bin2hex(hex, sizeof(hex), d.pk, sizeof(d.pk));
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "case_id", d.case_id);
		json_kv_str(&j, "office", d.office);
		json_kv_str(&j, "frame", d.frame);
		json_kv_str(&j, "closed_on", closed);
		json_kv_str(&j, "retention_until", until);
		json_kv_time(&j, "destroyed_at", d.destroyed_at);
		json_kv_int(&j, "records", d.records);
		json_kv_str(&j, "by", d.by);
		json_kv_str(&j, "audit_pk", hex);
		json_kv_bool(&j, "signature_ok", good);
		json_obj_end(&j);
		if (json_end(&j) != 0)
			return CTL_EXIT_FAIL;
	} else
		printf("case %s\noffice %s\nframe %s\nclosed_on %s\n"
		    "retention_until %s\ndestroyed_at %s\nrecords %lld\n"
		    "by %s\naudit key %s\nsignature %s\n", d.case_id,
		    str_vis(o, sizeof(o), d.office, strlen(d.office)), d.frame,
		    closed, until, at, (long long)d.records,
		    str_vis(b, sizeof(b), d.by, strlen(d.by)), hex, verdict);
	if (!good)
		ctl_errx("retention show %s: signature %s", d.case_id,
		    verdict);
	return good ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

int
ctl_retention(struct ctl *c, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "all-due", no_argument, NULL, 'a' },
		{ "all", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st = NULL;
	const char	*sub, *case_id = NULL;
	int		 ch, json, all_due = 0, all = 0, rv;

	json = ctl_json_opt(&argc, argv);
	if (argc < 2) {
		ctl_usage("retention", 1);
		return CTL_EXIT_USAGE;
	}
	sub = argv[1];
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			case_id = optarg;
			break;
		case 'a':
			all_due = 1;
			break;
		case 'A':
			all = 1;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc - 1 || (case_id != NULL && !wire_uuid_ok(case_id)) ||
	    (strcmp(sub, "list") == 0 && (case_id != NULL || all_due)) ||
	    (strcmp(sub, "destroy") == 0 && ((case_id != NULL) == all_due ||
	    json || all)) ||
	    (strcmp(sub, "show") == 0 && (case_id == NULL || all_due ||
	    all)) ||
	    (strcmp(sub, "list") != 0 && strcmp(sub, "destroy") != 0 &&
	    strcmp(sub, "show") != 0)) {
		ctl_usage("retention", 1);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	if (strcmp(sub, "list") == 0)
		rv = ctl_ret_list(st, json, all);
	else if (strcmp(sub, "destroy") == 0)
		rv = ctl_ret_destroy(c, st, case_id);
	else
		rv = ctl_ret_show(c, st, case_id, json);
	store_close(st);
	return rv;
}
