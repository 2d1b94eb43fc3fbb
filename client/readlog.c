/* SPDX-License-Identifier: ISC */
/*
 * readlog.c - hash-chained log of reads on this laptop (see readlog.h).
 *
 *   hash(n) = SHA-256(hash(n-1) || n || at || action || 0 || case_id)
 *
 * with n and at as 8-byte big-endian numbers and hash(0) all zeros.
 * Each row keeps its own hash and the previous one, so the checker
 * needs nothing but the rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "readlog.h"

#define READLOG_ACTION_MAX	16
#define READLOG_CASE_MAX	36

static const char readlog_schema[] =
    "CREATE TABLE IF NOT EXISTS read_log ("
    " n INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " action TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " prev BLOB NOT NULL CHECK (length(prev) = 32),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32))";

int
readlog_init(sqlite3 *db)
{
	if (sqlite3_exec(db, readlog_schema, NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("readlog: %s", sqlite3_errmsg(db));
		return CS_ERR_DB;
	}
	return 0;
}

static void
readlog_put64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void
readlog_hash(const uint8_t prev[32], int64_t n, int64_t at,
    const char *action, const char *case_id, uint8_t out[32])
{
	crypto_hash_sha256_state	h;
	uint8_t				num[16], zero = 0;

	readlog_put64(num, (uint64_t)n);
	readlog_put64(num + 8, (uint64_t)at);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, prev, 32);
	crypto_hash_sha256_update(&h, num, sizeof(num));
	crypto_hash_sha256_update(&h, (const uint8_t *)action,
	    strlen(action));
	crypto_hash_sha256_update(&h, &zero, 1);
	crypto_hash_sha256_update(&h, (const uint8_t *)case_id,
	    strlen(case_id));
	crypto_hash_sha256_final(&h, out);
}

int
readlog_add(sqlite3 *db, const char *action, const char *case_id)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 prev[32], hash[32];
	int64_t		 n = 1, at = (int64_t)time(NULL);
	int		 rc, r = CS_ERR_DB;

	if (strlen(action) > READLOG_ACTION_MAX ||
	    strlen(case_id) > READLOG_CASE_MAX)
		return CS_ERR_INTERNAL;
	memset(prev, 0, sizeof(prev));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT n, hash FROM read_log ORDER BY n"
	    " DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) != 32)
			goto out;
		n = sqlite3_column_int64(s, 0) + 1;
		memcpy(prev, sqlite3_column_blob(s, 1), 32);
	} else if (rc != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	readlog_hash(prev, n, at, action, case_id, hash);
	if (sqlite3_prepare_v2(db, "INSERT INTO read_log(n, at, action,"
	    " case_id, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, n) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, prev, 32, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 6, hash, 32, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	r = 0;
 out:
	if (r != 0) {
		log_warnx("readlog: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		if (!sqlite3_get_autocommit(db))
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return r;
}

int
readlog_print(sqlite3 *db, int json)
{
	sqlite3_stmt	*s = NULL;
	const char	*action, *case_id;
	uint8_t		 prev[32], want[32];
	int64_t		 n, at, last = 0;
	char		 when[32];
	struct tm	 tm;
	time_t		 t;
	int		 rc, r = 0, first = 1;

	if (sqlite3_prepare_v2(db, "SELECT n, at, action, case_id, prev, hash"
	    " FROM read_log ORDER BY n", -1, &s, NULL) != SQLITE_OK)
		return CS_ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n = sqlite3_column_int64(s, 0);
		at = sqlite3_column_int64(s, 1);
		action = (const char *)sqlite3_column_text(s, 2);
		case_id = (const char *)sqlite3_column_text(s, 3);
		if (action == NULL || case_id == NULL ||
		    sqlite3_column_bytes(s, 4) != 32 ||
		    sqlite3_column_bytes(s, 5) != 32) {
			r = CS_ERR_TAMPERED;
			break;
		}
		/* the first row may follow entries already uploaded */
		if (!first && (n != last + 1 ||
		    memcmp(sqlite3_column_blob(s, 4), prev, 32) != 0)) {
			r = CS_ERR_TAMPERED;
			break;
		}
		memcpy(prev, sqlite3_column_blob(s, 4), 32);
		readlog_hash(prev, n, at, action, case_id, want);
		if (memcmp(want, sqlite3_column_blob(s, 5), 32) != 0) {
			r = CS_ERR_TAMPERED;
			break;
		}
		memcpy(prev, want, 32);
		last = n;
		first = 0;
		t = (time_t)at;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
		    &tm) == 0)
			snprintf(when, sizeof(when), "%lld", (long long)at);
		if (json)
			printf("{\"n\":%lld,\"at\":\"%s\",\"action\":\"%s\","
			    "\"case\":\"%s\"}\n", (long long)n, when, action,
			    case_id);
		else
			printf("%6lld  %s  %-7s %s\n", (long long)n, when,
			    action, *case_id != '\0' ? case_id : "(all)");
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = CS_ERR_DB;
	sqlite3_finalize(s);
	if (r == 0 && !json)
		printf("%lld entries, chain intact\n", (long long)last);
	return r;
}
