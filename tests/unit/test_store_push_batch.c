/* SPDX-License-Identifier: ISC */
/*
 * test_store_push_batch.c - a push's reads and writes in statements of
 * many rows (server/store_push_batch.c) give what the per-change path
 * gives: the same script of pushes (new records, updates, conflicts,
 * replays, a foreign change id, a stranger's changes, two cases;
 * batches of 1, K-1, K, K+1 and 2K+3 changes) runs once with batches
 * of K rows and once a statement per change (store_push_chunk -1), and
 * every result, version, seq and stored row must be the same.  Each
 * result is also checked against what the script means.  A failing
 * statement in the second chunk fails the whole push, nothing kept.
 * Both backends (test_store_db.h).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1700000000)
#define DEV	7	/* anna's laptop */
#define DEV2	9	/* anna's other laptop: the foreign ids */
#define DEV_B	8	/* bert's: no member */

static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	CASE2[] = "22222222-2222-4222-8222-222222222222";
static const char	CASE3[] = "33333333-3333-4333-8333-333333333333";

static char		 tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, bert;
static unsigned		 uuid_next;

/* What one run of the script gave, as text. */
struct run_log {
	char	*p;
	size_t	 len, cap;
};

static void
log_add(struct run_log *l, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (l->len + 512 > l->cap) {
		l->cap = l->cap * 2 + 4096;
		ASSERT_PTR_NE(l->p = realloc(l->p, l->cap), NULL);
	}
	va_start(ap, fmt);
	n = vsnprintf(l->p + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	ASSERT_TRUE(n >= 0 && (size_t)n < l->cap - l->len);
	l->len += (size_t)n;
}

/* A batch's changes with their ids and bodies. */
struct batch {
	size_t				 n;
	struct store_change		*c;
	struct store_change_result	*res;
	char				(*cid)[STORE_UUID_LEN + 1];
	char				(*body)[32];
	int				*cat;
};

static void
uuid_new(char out[STORE_UUID_LEN + 1])
{
	snprintf(out, STORE_UUID_LEN + 1, "%08x-0000-4000-8000-000000000000",
	    ++uuid_next);
}

static void
batch_new(struct batch *b, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	ASSERT_PTR_NE(b->c = calloc(n, sizeof(*b->c)), NULL);
	ASSERT_PTR_NE(b->res = calloc(n, sizeof(*b->res)), NULL);
	ASSERT_PTR_NE(b->cid = calloc(n, sizeof(*b->cid)), NULL);
	ASSERT_PTR_NE(b->body = calloc(n, sizeof(*b->body)), NULL);
	ASSERT_PTR_NE(b->cat = calloc(n, sizeof(*b->cat)), NULL);
}

static void
batch_free(struct batch *b)
{
	store_results_clear(b->res, b->n);
	free(b->c);
	free(b->res);
	free(b->cid);
	free(b->body);
	free(b->cat);
}

/* Change i of b: a new change id unless "cid" is given. */
static void
batch_set(struct batch *b, size_t i, const char *cid, const char *rid,
    const char *kase, const char *kind, int64_t base)
{
	struct store_change	*c = &b->c[i];

	if (cid != NULL)
		snprintf(b->cid[i], sizeof(b->cid[i]), "%s", cid);
	else
		uuid_new(b->cid[i]);
	snprintf(b->body[i], sizeof(b->body[i]), "body %u", uuid_next);
	memset(c, 0, sizeof(*c));
	c->change_id = b->cid[i];
	snprintf(c->rec.record_id, sizeof(c->rec.record_id), "%s", rid);
	snprintf(c->rec.case_id, sizeof(c->rec.case_id), "%s", kase);
	snprintf(c->rec.kind, sizeof(c->rec.kind), "%s", kind);
	c->rec.body = (const uint8_t *)b->body[i];
	c->rec.body_len = strlen(b->body[i]);
	c->rec.key_epoch = (uint32_t)(i % 3);
	c->rec.deleted = i % 11 == 10;
	c->rec.hlc = 1000 + i;
	c->base_version = base;
}

static void
log_results(struct run_log *l, const char *what, int rc, int64_t last,
    const struct batch *b)
{
	const struct store_change_result	*r;
	size_t					 i;

	log_add(l, "%s n=%zu rc=%d last=%lld\n", what, b->n, rc,
	    (long long)last);
	for (i = 0; i < b->n; i++) {
		r = &b->res[i];
		log_add(l, " %zu st=%d v=%lld rp=%d late=%d closed=%d nb=%d"
		    " cur=%d", i, r->status, (long long)r->version,
		    r->replayed, r->late, r->closed, r->no_common_base,
		    r->has_current);
		if (r->has_current)
			log_add(l, " %s %s %s v=%lld del=%d ep=%u %.*s a=%lld"
			    " h=%llu cd=%lld", r->current.record_id,
			    r->current.case_id, r->current.kind,
			    (long long)r->current.version, r->current.deleted,
			    r->current.key_epoch, (int)r->current.body_len,
			    (const char *)r->current.body,
			    (long long)r->current.author_device,
			    (unsigned long long)r->current.hlc,
			    (long long)r->current.created_device);
		log_add(l, "\n");
	}
}

static int
push(struct run_log *l, const char *what, int64_t user, int64_t dev,
    struct batch *b)
{
	int64_t	last = 0;
	int	rc;

	store_results_clear(b->res, b->n);
	rc = store_push(st, user, dev, b->c, b->n, b->res, &last);
	log_results(l, what, rc, last, b);
	return rc;
}

/* The rows of "sql" hashed, every column as text or bytes. */
static void
log_rows(struct run_log *l, const char *sql, int ncol)
{
	struct sdb		*db = test_sdb(dbpath);
	struct sdb_stmt		*s = NULL;
	crypto_generichash_state h;
	uint8_t			 d[16];
	int			 rc, i, rows = 0;

	ASSERT_INT_EQ(crypto_generichash_init(&h, NULL, 0, sizeof(d)), 0);
	ASSERT_INT_EQ(sdb_prepare(db, sql, &s), 0);
	while ((rc = sdb_step(s)) == SDB_ROW) {
		for (i = 0; i < ncol; i++) {
			size_t	n = sdb_column_bytes(s, i);

			crypto_generichash_update(&h,
			    (const uint8_t *)&n, sizeof(n));
			if (n > 0)
				crypto_generichash_update(&h,
				    sdb_column_blob(s, i), n);
		}
		rows++;
	}
	ASSERT_INT_EQ(rc, SDB_DONE);
	sdb_finalize(s);
	sdb_close(db);
	crypto_generichash_final(&h, d, sizeof(d));
	log_add(l, "rows %d:", rows);
	for (i = 0; i < (int)sizeof(d); i++)
		log_add(l, "%02x", d[i]);
	log_add(l, " (%s)\n", sql);
}

static void
open_store(int chunk)
{
	int64_t	id, seq;

	uuid_next = 0;
	st = TEST_STORE_OPEN("test_store_push_batch", tmpdir, dbpath);
	store_push_chunk(st, chunk);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "bert", "jeugdbeschermer", "Zwolle", &bert);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE2, "DRANG", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_create(st, &bert, CASE3, "DRANG", NOW, &seq),
	    0);
}

static void
close_store(void)
{
	char	cmd[PATH_MAX + 16];

	store_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ASSERT_INT_EQ(system(cmd), 0);
}

/* What a change of category "cat" (batch_round) must get. */
enum { C_NEW, C_UPDATE, C_CONFLICT, C_REPLAY, C_FOREIGN, C_FINAL,
	C_CASE2, C_BADBASE, C_MAX };

/*
 * One round of n changes: what they need first (records to update or
 * find in conflict, change ids applied before, another device's ids),
 * then the batch, again (a retry of it all), and a stranger's batch.
 */
static void
batch_round(struct run_log *l, size_t n)
{
	struct batch	prep, other, b, stranger;
	char		rid[STORE_UUID_LEN + 1];
	size_t		i, np = 0, no = 0;
	int64_t		pv[4096];

	ASSERT_TRUE(n <= sizeof(pv) / sizeof(pv[0]));
	batch_new(&prep, n);
	batch_new(&other, n);
	batch_new(&b, n);
	batch_new(&stranger, n);
	/* what the batch finds: its own earlier changes, DEV2's ids */
	for (i = 0; i < n; i++) {
		b.cat[i] = (int)(i % C_MAX);
		uuid_new(rid);
		switch (b.cat[i]) {
		case C_UPDATE:
		case C_CONFLICT:
		case C_REPLAY:
			batch_set(&prep, np++, NULL, rid, CASE1, "person", 0);
			break;
		case C_FINAL:
			batch_set(&prep, np++, NULL, rid, CASE1, "journal", 0);
			break;
		case C_FOREIGN:
			batch_set(&other, no++, NULL, rid, CASE1, "note", 0);
			break;
		default:
			break;
		}
	}
	prep.n = np;
	other.n = no;
	if (np > 0)
		ASSERT_INT_EQ(push(l, "prep", anna.id, DEV, &prep), 0);
	if (no > 0)
		ASSERT_INT_EQ(push(l, "other", anna.id, DEV2, &other), 0);
	for (i = 0; i < np; i++) {
		ASSERT_INT_EQ(prep.res[i].status, STORE_CHANGE_APPLIED);
		pv[i] = prep.res[i].version;
	}
	np = no = 0;
	for (i = 0; i < n; i++) {
		switch (b.cat[i]) {
		case C_NEW:
			uuid_new(rid);
			batch_set(&b, i, NULL, rid, CASE1, "person", 0);
			break;
		case C_UPDATE:
			batch_set(&b, i, NULL, prep.c[np].rec.record_id, CASE1,
			    "person", pv[np]);
			np++;
			break;
		case C_CONFLICT:
			batch_set(&b, i, NULL, prep.c[np].rec.record_id, CASE1,
			    "person", pv[np] - 1);
			np++;
			break;
		case C_REPLAY:
			b.c[i] = prep.c[np];
			snprintf(b.cid[i], sizeof(b.cid[i]), "%s", prep.cid[np]);
			b.c[i].change_id = b.cid[i];
			np++;
			break;
		case C_FINAL:
			batch_set(&b, i, NULL, prep.c[np].rec.record_id, CASE1,
			    "journal", pv[np]);
			np++;
			break;
		case C_FOREIGN:
			uuid_new(rid);
			batch_set(&b, i, other.cid[no++], rid, CASE1, "note", 0);
			break;
		case C_CASE2:
			uuid_new(rid);
			batch_set(&b, i, NULL, rid, CASE2, "plan", 0);
			break;
		default:
			uuid_new(rid);
			batch_set(&b, i, NULL, rid, CASE1, "person", 3);
			break;
		}
	}
	ASSERT_INT_EQ(push(l, "batch", anna.id, DEV, &b), 0);
	/* what each must get, whatever the path */
	np = 0;
	for (i = 0; i < n; i++) {
		const struct store_change_result	*r = &b.res[i];

		switch (b.cat[i]) {
		case C_NEW:
		case C_UPDATE:
		case C_CASE2:
			ASSERT_INT_EQ(r->status, STORE_CHANGE_APPLIED);
			ASSERT_INT_EQ(r->replayed, 0);
			break;
		case C_CONFLICT:
			ASSERT_INT_EQ(r->status, STORE_CHANGE_CONFLICT);
			ASSERT_INT_EQ(r->has_current, 1);
			ASSERT_INT_EQ(r->version, pv[np]);
			ASSERT_INT_EQ(r->current.body_len,
			    prep.c[np].rec.body_len);
			ASSERT_MEM_EQ(r->current.body, prep.c[np].rec.body,
			    prep.c[np].rec.body_len);
			break;
		case C_REPLAY:
			ASSERT_INT_EQ(r->status, STORE_CHANGE_APPLIED);
			ASSERT_INT_EQ(r->replayed, 1);
			ASSERT_INT_EQ(r->version, pv[np]);
			break;
		default:	/* foreign, final, a bad base */
			ASSERT_INT_EQ(r->status, STORE_CHANGE_INVALID);
			break;
		}
		if (b.cat[i] != C_NEW && b.cat[i] != C_FOREIGN &&
		    b.cat[i] != C_CASE2 && b.cat[i] != C_BADBASE)
			np++;
	}
	/* applied in the batch's order: versions rise one by one */
	{
		int64_t	prev = 0;

		for (i = 0; i < n; i++)
			if (b.res[i].status == STORE_CHANGE_APPLIED &&
			    !b.res[i].replayed) {
				if (prev != 0)
					ASSERT_INT_EQ(b.res[i].version,
					    prev + 1);
				prev = b.res[i].version;
			}
	}
	/* the whole batch again: each applied one a replay now */
	ASSERT_INT_EQ(push(l, "again", anna.id, DEV, &b), 0);
	for (i = 0; i < n; i++)
		if (b.cat[i] == C_NEW || b.cat[i] == C_UPDATE ||
		    b.cat[i] == C_CASE2)
			ASSERT_INT_EQ(b.res[i].replayed, 1);
	/* a stranger to both cases */
	for (i = 0; i < n; i++) {
		uuid_new(rid);
		batch_set(&stranger, i, NULL, rid, i % 2 ? CASE1 : CASE2,
		    "person", 0);
	}
	ASSERT_INT_EQ(push(l, "stranger", bert.id, DEV_B, &stranger), 0);
	for (i = 0; i < n; i++)
		ASSERT_INT_EQ(stranger.res[i].status, STORE_CHANGE_FORBIDDEN);
	batch_free(&prep);
	batch_free(&other);
	batch_free(&b);
	batch_free(&stranger);
}

/*
 * The first change's case is read with the batch; a replay first, then
 * a case anna is no member of, then hers again: each change judged by
 * its own case's membership.
 */
static void
cases_round(struct run_log *l)
{
	struct batch	 b;
	char		 rid[STORE_UUID_LEN + 1];
	size_t		 i;

	batch_new(&b, 4);
	uuid_new(rid);
	batch_set(&b, 0, NULL, rid, CASE1, "person", 0);
	b.n = 1;
	ASSERT_INT_EQ(push(l, "first", anna.id, DEV, &b), 0);
	b.n = 4;
	uuid_new(rid);
	batch_set(&b, 1, NULL, rid, CASE3, "person", 0);
	uuid_new(rid);
	batch_set(&b, 2, NULL, rid, CASE1, "person", 0);
	uuid_new(rid);
	batch_set(&b, 3, NULL, rid, CASE3, "person", 0);
	ASSERT_INT_EQ(push(l, "cases", anna.id, DEV, &b), 0);
	ASSERT_INT_EQ(b.res[0].replayed, 1);
	ASSERT_INT_EQ(b.res[1].status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(b.res[2].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(b.res[2].replayed, 0);
	ASSERT_INT_EQ(b.res[3].status, STORE_CHANGE_FORBIDDEN);
	/* and bert, whose case is the second */
	for (i = 1; i < 4; i++)
		uuid_new(b.cid[i]);
	ASSERT_INT_EQ(push(l, "cases bert", bert.id, DEV_B, &b), 0);
	ASSERT_INT_EQ(b.res[0].status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(b.res[1].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(b.res[2].status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(b.res[3].status, STORE_CHANGE_APPLIED);
	batch_free(&b);
}

/* The script on a new database with "chunk" (store_push_chunk). */
static void
script(struct run_log *l, int chunk, int k)
{
	int64_t	seq;
	size_t	sizes[5], i;

	sizes[0] = 1;
	sizes[1] = (size_t)k - 1;
	sizes[2] = (size_t)k;
	sizes[3] = (size_t)k + 1;
	sizes[4] = 2 * (size_t)k + 3;
	open_store(chunk);
	cases_round(l);
	for (i = 0; i < 5; i++)
		if (sizes[i] > 0)
			batch_round(l, sizes[i]);
	ASSERT_INT_EQ(store_seq(st, &seq), 0);
	log_add(l, "seq %lld\n", (long long)seq);
	log_rows(l, "SELECT record_id, case_id, kind, version, deleted,"
	    " key_epoch, body, author_device, hlc, created_device FROM records"
	    " ORDER BY record_id", 10);
	log_rows(l, "SELECT change_id, device_id, record_id, version FROM"
	    " changes ORDER BY change_id", 4);
	/* the path asked for: K-row writes made, or no batch statement */
	if (chunk >= 0)
		ASSERT_PTR_NE(st->pushb[STORE_PUSHB_Q - 1][0], NULL);
	else
		for (i = 0; i < STORE_PUSHB_SIZES; i++)
			ASSERT_PTR_EQ(st->pushb[0][i], NULL);
	close_store();
}

static void
test_same(int k)
{
	struct run_log	batched = { NULL, 0, 0 }, single = { NULL, 0, 0 };
	char		name[96];

	snprintf(name, sizeof(name), "push in chunks of %d rows gives what "
	    "a statement per change gives", k);
	TEST_START(name);
	script(&batched, k, k);
	script(&single, -1, k);
	ASSERT_INT_EQ(batched.len, single.len);
	if (memcmp(batched.p, single.p, batched.len) != 0) {
		size_t	i;

		for (i = 0; batched.p[i] == single.p[i]; i++)
			;
		while (i > 0 && batched.p[i - 1] != '\n')
			i--;
		TEST_FAIL_("the paths part at\n%.300s\n----\n%.300s",
		    batched.p + i, single.p + i);
	}
	ASSERT_TRUE(strstr(batched.p, "rows 0:") == NULL);
	free(batched.p);
	free(single.p);
	TEST_DONE();
}

/*
 * A statement of the second chunk fails (a trigger refuses one change
 * id): the push fails as a whole and keeps nothing.
 */
static void
test_chunk_fails(int chunk, int k)
{
	struct run_log	 l = { NULL, 0, 0 };
	struct batch	 b;
	char		 rid[STORE_UUID_LEN + 1], sql[1024];
	int64_t		 seq0, seq;
	long long	 recs, chgs;
	size_t		 i, n = 2 * (size_t)k + 3;

	TEST_START(chunk < 0 ? "a failed write fails the push (per change)" :
	    "a failed write in the second chunk fails the whole push");
	open_store(chunk);
	batch_new(&b, n);
	for (i = 0; i < n; i++) {
		uuid_new(rid);
		batch_set(&b, i, NULL, rid, CASE1, "person", 0);
	}
	if (test_store_pg())
		snprintf(sql, sizeof(sql), "CREATE FUNCTION push_refuse()"
		    " RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
		    " IF NEW.change_id = '%s' THEN RAISE EXCEPTION 'refused';"
		    " END IF; RETURN NEW; END $$;"
		    " CREATE TRIGGER push_refuse BEFORE INSERT ON changes"
		    " FOR EACH ROW EXECUTE FUNCTION push_refuse()",
		    b.cid[(size_t)k + 1]);
	else
		snprintf(sql, sizeof(sql), "CREATE TRIGGER push_refuse BEFORE"
		    " INSERT ON changes WHEN NEW.change_id = '%s' BEGIN"
		    " SELECT RAISE(ABORT, 'refused'); END",
		    b.cid[(size_t)k + 1]);
	recs = test_sql_int(dbpath, "SELECT COUNT(*) FROM records");
	chgs = test_sql_int(dbpath, "SELECT COUNT(*) FROM changes");
	test_sql_exec(dbpath, sql);
	ASSERT_INT_EQ(store_seq(st, &seq0), 0);
	ASSERT_INT_EQ(push(&l, "refused", anna.id, DEV, &b), CS_ERR_DB);
	for (i = 0; i < n; i++)
		ASSERT_INT_EQ(b.res[i].status, 0);
	ASSERT_INT_EQ(store_seq(st, &seq), 0);
	ASSERT_INT_EQ(seq, seq0);
	ASSERT_INT_EQ(test_sql_int(dbpath, "SELECT COUNT(*) FROM records"),
	    recs);
	ASSERT_INT_EQ(test_sql_int(dbpath, "SELECT COUNT(*) FROM changes"),
	    chgs);
	/* without the refused one the rest goes through */
	test_sql_exec(dbpath, test_store_pg() ?
	    "DROP TRIGGER push_refuse ON changes" : "DROP TRIGGER push_refuse");
	ASSERT_INT_EQ(push(&l, "after", anna.id, DEV, &b), 0);
	for (i = 0; i < n; i++)
		ASSERT_INT_EQ(b.res[i].version, seq0 + 1 + (int64_t)i);
	batch_free(&b);
	free(l.p);
	close_store();
	TEST_DONE();
}

/* By default PostgreSQL's pushes go in chunks, SQLite's per change. */
static void
test_default(void)
{
	struct run_log	 l = { NULL, 0, 0 };
	struct batch	 b;
	char		 rid[STORE_UUID_LEN + 1];
	size_t		 i, n = 3;
	int		 j, used = 0;

	TEST_START("the default: chunks on PostgreSQL, per change on SQLite");
	open_store(0);
	batch_new(&b, n);
	for (i = 0; i < n; i++) {
		uuid_new(rid);
		batch_set(&b, i, NULL, rid, CASE1, "person", 0);
	}
	ASSERT_INT_EQ(push(&l, "default", anna.id, DEV, &b), 0);
	for (i = 0; i < n; i++)
		ASSERT_INT_EQ(b.res[i].status, STORE_CHANGE_APPLIED);
	for (j = 0; j < STORE_PUSHB_SIZES; j++)
		used |= st->pushb[STORE_PUSHB_Q - 1][j] != NULL;
	ASSERT_INT_EQ(used, test_store_pg());
	batch_free(&b);
	free(l.p);
	close_store();
	TEST_DONE();
}

int
main(void)
{
	ASSERT_INT_EQ(sodium_init() >= 0, 1);
	test_same(4);
	test_same(STORE_PUSH_CHUNK);
	test_default();
	test_chunk_fails(4, 4);
	test_chunk_fails(-1, 4);
	return 0;
}
