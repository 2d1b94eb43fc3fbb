/* SPDX-License-Identifier: ISC */
/*
 * test_retention.c - closing and retention (issue 18) on a real SQLite
 * file: the retention date a closing stores (20 years from the end,
 * per frame; 29 February and month ends), the configuration that sets
 * it, a push to a GESLOTEN case refused as closed, the closed purge
 * after closed_purge_days (idempotent), and a destruction refused
 * before the date, done after it, and signed over a fixed statement.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "errors.h"
#include "lifecycle.h"
#include "retention.h"
#include "store.h"
#include "store_cases.h"
#include "store_retention.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"
#include "token.h"

#define NOW	((int64_t)1798588800)	/* 2026-12-30 */

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna;
static int64_t		dev;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	CASE2[] = "22222222-2222-4222-8222-222222222222";

static int64_t
day(const char *s)
{
	int64_t	d;

	ASSERT_INT_EQ(lc_date_parse(s, &d), 0);
	return d;
}

static void
expect_day(int64_t d, const char *want)
{
	char	got[LC_DATE_LEN + 1];

	lc_date_format(d, got, sizeof(got));
	ASSERT_STR_EQ(got, want);
}

static void
test_dates(void)
{
	TEST_START("retention dates: 20 years, 29 February, month ends");
	expect_day(lc_add_years(day("2026-12-30"), 20), "2046-12-30");
	/* closed on a leap day: a leap year 20 years on keeps the day */
	expect_day(lc_add_years(day("2028-02-29"), 20), "2048-02-29");
	/* and a common year takes the month's last day */
	expect_day(lc_add_years(day("2028-02-29"), 21), "2049-02-28");
	expect_day(lc_add_years(day("2024-02-29"), 25), "2049-02-28");
	expect_day(lc_add_years(day("2026-01-31"), 20), "2046-01-31");
	expect_day(lc_add_years(day("2026-12-31"), 115), "2141-12-31");
	TEST_DONE();
}

static void
test_config(void)
{
	struct config	c;
	char		err[256];

	TEST_START("config: closed_purge_days, retention_years_FRAME");
	config_defaults(&c);
	ASSERT_INT_EQ(c.closed_purge_days, 30);
	ASSERT_INT_EQ(retention_years(&c, LC_FRAME_DRANG), 20);
	ASSERT_INT_EQ(retention_years(&c, LC_FRAME_VOOGDIJ), 20);
	ASSERT_INT_EQ(config_set(&c, "retention_years_OTS", "25", err,
	    sizeof(err)), 0);
	ASSERT_INT_EQ(retention_years(&c, LC_FRAME_OTS), 25);
	ASSERT_INT_EQ(retention_years(&c, LC_FRAME_VOTS), 20);
	/* shorter than the law's 20 years: refused, nothing changed */
	ASSERT_INT_EQ(config_set(&c, "retention_years_OTS", "19", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_PTR_NE(strstr(err, "7.3.9"), NULL);
	ASSERT_INT_EQ(retention_years(&c, LC_FRAME_OTS), 25);
	ASSERT_INT_EQ(config_set(&c, "retention_years_OTS", "116", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_INT_EQ(config_set(&c, "retention_years_ots", "20", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_INT_EQ(config_set(&c, "retention_years_", "20", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_INT_EQ(config_set(&c, "closed_purge_days", "0", err,
	    sizeof(err)), 0);
	ASSERT_INT_EQ(c.closed_purge_days, 0);
	ASSERT_INT_EQ(config_set(&c, "closed_purge_days", "3651", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_INT_EQ(config_set(&c, "closed_purge_days", "-1", err,
	    sizeof(err)), CS_ERR_CONFIG);
	TEST_DONE();
}

static void
setup(void)
{
	int64_t	id, seq;

	st = TEST_STORE_OPEN("test_retention", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	dev = test_store_device(st, anna.id, "laptop", NOW, NOW + 86400, NULL);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "OTS", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE2, "DRANG", NOW,
	    &seq), 0);
}

/* Push a new record "n" of kind "kind" into "case_id". */
static void
push(const char *case_id, const char *kind, unsigned n,
    struct store_change_result *res)
{
	static const char	body[] = "sealed-body";
	struct store_change	c;
	char			cid[STORE_UUID_LEN + 1];
	int64_t			last;

	memset(&c, 0, sizeof(c));
	snprintf(cid, sizeof(cid), "%08x-0000-4000-8000-000000000000", n);
	c.change_id = cid;
	snprintf(c.rec.record_id, sizeof(c.rec.record_id),
	    "%08x-0000-4000-8000-000000000001", n);
	memcpy(c.rec.case_id, case_id, STORE_UUID_LEN + 1);
	snprintf(c.rec.kind, sizeof(c.rec.kind), "%s", kind);
	c.rec.body = (const uint8_t *)body;
	c.rec.body_len = sizeof(body) - 1;
	c.rec.key_epoch = 1;
	c.rec.hlc = (uint64_t)NOW * 1000 << 16;
	ASSERT_INT_EQ(store_push(st, anna.id, dev, &c, 1, res, &last), 0);
}

static void
close_case(const char *case_id, int64_t today, struct store_case_meta *m)
{
	static const enum lc_state	steps[] = { LC_AFSLUITING, LC_NAZORG,
	    LC_GESLOTEN };
	struct lc_change		q;
	struct config			cfg;
	const char			*why;
	size_t				i;

	config_defaults(&cfg);
	ASSERT_INT_EQ(config_set(&cfg, "retention_years_OTS", "21", NULL,
	    0), 0);
	for (i = 0; i < 3; i++) {
		memset(&q, 0, sizeof(q));
		q.to = steps[i];
		q.effective = q.end = LC_NODATE;
		/* AFSLUITING is decided by an approval (store_approvals.c) */
		if (steps[i] == LC_AFSLUITING)
			ASSERT_INT_EQ(store_case_apply(st, case_id, &q, 0,
			    today, m, &why), 0);
		else
			ASSERT_INT_EQ(store_case_change(st, &anna, case_id,
			    &q, NULL, today, m, &why), 0);
	}
	ASSERT_INT_EQ(m->lc.state, LC_GESLOTEN);
	ASSERT_INT_EQ(m->closed_on, LC_NODATE);
	ASSERT_INT_EQ(retention_on_close(st, &cfg, m, today), 0);
	ASSERT_STR_EQ(m->case_id, case_id);
}

static void
test_close(void)
{
	struct store_change_result	res;
	struct store_case_meta		m;

	TEST_START("GESLOTEN: closed_on, retention_until, no new content");
	push(CASE1, "journal", 1, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res.closed, 0);
	close_case(CASE1, day("2028-02-29"), &m);
	expect_day(m.closed_on, "2028-02-29");
	/* an OTS case kept 21 years: 28 February in a common year */
	expect_day(m.retention_until, "2049-02-28");
	/* stored once: a second call changes nothing */
	ASSERT_INT_EQ(store_retention_close(st, CASE1, day("2030-01-01"),
	    30), 0);
	ASSERT_INT_EQ(store_case_load(st, CASE1, &m), 0);
	expect_day(m.closed_on, "2028-02-29");
	/* a member's push to the closed case is refused as closed */
	push(CASE1, "journal", 2, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.closed, 1);
	ASSERT_INT_EQ(res.version, 0);
	/* an open case still takes it */
	push(CASE2, "journal", 3, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	TEST_DONE();
}

static int
pending_cb(const char *case_id, void *arg)
{
	size_t	*n = arg;

	ASSERT_STR_EQ(case_id, CASE1);
	*n = 1;
	return 0;
}

static void
test_closed_purge(void)
{
	struct store_closed_purge	*p = NULL;
	int64_t				 closed = day("2028-02-29"), seq;
	size_t				 n;
	int				 due;

	TEST_START("closed purge: after closed_purge_days, once");
	ASSERT_INT_EQ(store_closed_purge_due(st, closed + 29, 30, &due), 0);
	ASSERT_INT_EQ(due, 0);
	ASSERT_INT_EQ(store_closed_purge(st, NOW, closed + 29, 30, 10, &p,
	    &n, &seq), 0);
	ASSERT_INT_EQ(n, 0);
	free(p);
	ASSERT_INT_EQ(store_closed_purge_due(st, closed + 30, 30, &due), 0);
	ASSERT_INT_EQ(due, 1);
	ASSERT_INT_EQ(store_closed_purge(st, NOW, closed + 30, 30, 10, &p,
	    &n, &seq), 0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_STR_EQ(p[0].case_id, CASE1);
	ASSERT_INT_EQ(p[0].devices, 1);
	ASSERT_INT_EQ(p[0].members, 1);
	ASSERT_INT_GE(seq, 1);
	free(p);
	ASSERT_INT_EQ(store_purges_pending(st, dev, pending_cb, &n), 0);
	ASSERT_INT_EQ(n, 1);
	/* idempotent: done once */
	ASSERT_INT_EQ(store_closed_purge_due(st, closed + 400, 30, &due), 0);
	ASSERT_INT_EQ(due, 0);
	ASSERT_INT_EQ(store_closed_purge(st, NOW, closed + 400, 30, 10, &p,
	    &n, &seq), 0);
	ASSERT_INT_EQ(n, 0);
	free(p);
	TEST_DONE();
}

static int
count_cb(const struct store_destruction *d, void *arg)
{
	size_t	*n = arg;

	ASSERT_STR_EQ(d->case_id, CASE1);
	ASSERT_STR_EQ(d->office, "Zwolle");
	ASSERT_STR_EQ(d->frame, "OTS");
	ASSERT_INT_EQ(d->records, 1);
	(*n)++;
	return 0;
}

static void
test_destroy(void)
{
	struct store_destruction	 d, got;
	struct store_case_meta		 m;
	const char			*why;
	char				 stmt[RETENTION_STATEMENT_MAX];
	char				 small[32];
	uint8_t				 pk[32], sk[64];
	int64_t				 until = day("2049-02-28");
	size_t				 n = 0, len;

	TEST_START("destroy: refused before the date, signed after it");
	ASSERT_INT_EQ(store_retention_list(st, until, 0, count_cb, &n), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(store_retention_list(st, until, 1, count_cb, &n), 0);
	ASSERT_INT_EQ(n, 1);
	/* on the retention date itself: not past it */
	ASSERT_INT_EQ(store_retention_prepare(st, CASE1, until, NOW, "host:x",
	    &d, &why), CS_ERR_LIMIT);
	ASSERT_STR_EQ(why, "the case is not past its retention date");
	ASSERT_INT_EQ(store_retention_prepare(st, CASE2, until + 1, NOW,
	    "host:x", &d, &why), CS_ERR_STATE);
	ASSERT_INT_EQ(store_retention_prepare(st, CASE1, until + 1, NOW,
	    "host:x", &d, &why), 0);
	n = 0;
	ASSERT_INT_EQ(store_retention_list(st, until + 1, 0, count_cb, &n),
	    0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(d.records, 1);
	ASSERT_INT_EQ(d.destroyed_at, NOW);
	/* the statement: fixed, every field, and what is signed */
	len = retention_statement(&d, stmt, sizeof(stmt));
	ASSERT_INT_GE(len, 1);
	ASSERT_STR_EQ(stmt, "casesync case destruction v1\n"
	    "case=11111111-1111-4111-8111-111111111111\noffice=Zwolle\n"
	    "frame=OTS\nclosed_on=2028-02-29\nretention_until=2049-02-28\n"
	    "destroyed_at=1798588800\nrecords=1\nby=host:x\n");
	ASSERT_INT_EQ(retention_statement(&d, small, sizeof(small)), 0);
	crypto_sign_keypair(pk, sk);
	memcpy(d.pk, pk, sizeof(pk));
	ASSERT_INT_EQ(crypto_sign_detached(d.sig, NULL, (uint8_t *)stmt,
	    len, sk), 0);
	ASSERT_INT_EQ(store_retention_destroy(st, &d), 0);
	ASSERT_INT_EQ(store_case_load(st, CASE1, &m), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_destruction_get(st, CASE1, &got), 0);
	ASSERT_INT_EQ(retention_statement(&got, stmt, sizeof(stmt)), len);
	ASSERT_INT_EQ(crypto_sign_verify_detached(got.sig, (uint8_t *)stmt,
	    len, got.pk), 0);
	ASSERT_INT_EQ(store_retention_prepare(st, CASE1, until + 1, NOW,
	    "host:x", &d, &why), CS_ERR_NOT_FOUND);
	ASSERT_STR_EQ(why, "the case was destroyed before (retention show)");
	/* the other case is untouched */
	ASSERT_INT_EQ(store_destruction_get(st, CASE2, &got),
	    CS_ERR_NOT_FOUND);
	TEST_DONE();
}

int
main(void)
{
	char	path[PATH_MAX + 8];

	ASSERT_INT_EQ(sodium_init() < 0, 0);
	test_dates();
	test_config();
	setup();
	test_close();
	test_closed_purge();
	test_destroy();
	store_close(st);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}
