/* SPDX-License-Identifier: ISC */
/*
 * keys.c - user keys, case keys, grants and the key round on the
 * laptop (see keys.h, docs/E2E.md).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conn.h"
#include "db.h"
#include "e2e.h"
#include "errors.h"
#include "keys.h"
#include "keys_int.h"
#include "log.h"
#include "util.h"

/* ---- SQL helpers ----------------------------------------------------- */

static int
keys_done(sqlite3 *db, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("keys: %s", sqlite3_errmsg(db));
		return CS_ERR_DB;
	}
	return 0;
}

int
keys_init(sqlite3 *db)
{
	/* the tables (and the grant cursor) are db_schema.c's */
	return db_init(db);
}

int
keys_have_self(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 yes;

	if (db_prep(db, "SELECT 1 FROM e2e_self", &s) != 0)
		return 0;
	yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return yes;
}

/* The user's keys and name; CS_ERR_NOT_FOUND before keys_setup(). */
int
keys_self_load(sqlite3 *db, struct e2e_userkeys **out, char *user,
    size_t userlen)
{
	struct e2e_userkeys	*k = NULL;
	sqlite3_stmt		*s;
	int			 rc, r = CS_ERR_DB;

	*out = NULL;
	if (db_prep(db, "SELECT user, box_sk, sign_sk FROM e2e_self", &s) !=
	    0)
		return CS_ERR_DB;
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW || sqlite3_column_bytes(s, 1) != 32 ||
	    sqlite3_column_bytes(s, 2) != 64 ||
	    sqlite3_column_text(s, 0) == NULL ||
	    str_fmt(user, userlen, "%s", sqlite3_column_text(s, 0)) != 0)
		goto out;
	r = CS_ERR_ALLOC;
	if ((k = sodium_malloc(sizeof(*k))) == NULL)
		goto out;
	memcpy(k->box_sk, sqlite3_column_blob(s, 1), 32);
	memcpy(k->sign_sk, sqlite3_column_blob(s, 2), 64);
	r = CS_ERR_CRYPTO;
	if (crypto_scalarmult_base(k->box_pk, k->box_sk) != 0 ||
	    crypto_sign_ed25519_sk_to_pk(k->sign_pk, k->sign_sk) != 0)
		goto out;
	*out = k;
	k = NULL;	/* transferred */
	r = 0;
 out:
	e2e_userkeys_free(k);
	sqlite3_finalize(s);
	return r;
}

int
keys_self_save(sqlite3 *db, const struct e2e_userkeys *k, const char *user)
{
	sqlite3_stmt	*s;

	if (db_prep(db, "INSERT OR REPLACE INTO e2e_self(id, user, box_sk,"
	    " sign_sk) VALUES (1, ?1, ?2, ?3)", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, k->box_sk, 32, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, k->sign_sk, 64, SQLITE_STATIC) !=
	    SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	return keys_done(db, s);
}

/* ---- pinned public keys ------------------------------------------------ */

int
keys_pin_check(sqlite3 *db, const struct e2e_usercert *c)
{
	sqlite3_stmt	*s;
	int		 rc, r = CS_ERR_DB;

	if (db_prep(db, "SELECT box_pk, sign_pk FROM e2e_pins WHERE"
	    " user = ?1", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, c->user, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = sqlite3_column_bytes(s, 0) == E2E_PK_LEN &&
		    sqlite3_column_bytes(s, 1) == E2E_PK_LEN &&
		    memcmp(sqlite3_column_blob(s, 0), c->box_pk,
		    E2E_PK_LEN) == 0 &&
		    memcmp(sqlite3_column_blob(s, 1), c->sign_pk,
		    E2E_PK_LEN) == 0 ? 0 : CS_ERR_TAMPERED;
		goto out;
	}
	if (rc != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	if (db_prep(db, "INSERT INTO e2e_pins(user, box_pk, sign_pk)"
	    " VALUES (?1, ?2, ?3)", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, c->user, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, c->box_pk, E2E_PK_LEN, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, c->sign_pk, E2E_PK_LEN, SQLITE_STATIC) !=
	    SQLITE_OK)
		goto out;
	return keys_done(db, s);
 out:
	sqlite3_finalize(s);
	return r;
}

/* ---- case keys ------------------------------------------------------- */

/*
 * Store a key; with "confirmed", replace an unconfirmed one (ours, made
 * for an epoch someone else opened first) but never a confirmed key:
 * CS_ERR_EXISTS if a different key of that epoch is held already.
 */
int
keys_case_put(sqlite3 *db, const char *case_id, uint32_t epoch,
    const uint8_t key[E2E_KEY_LEN], int confirmed)
{
	sqlite3_stmt	*s;
	uint8_t		 old[E2E_KEY_LEN];
	int		 found, r, same;

	if (confirmed) {
		if ((r = keys_case_get(db, case_id, epoch, 1, old,
		    &found)) != 0)
			return r;
		same = found && sodium_memcmp(old, key, E2E_KEY_LEN) == 0;
		sodium_memzero(old, sizeof(old));
		if (found)
			return same ? 0 : CS_ERR_EXISTS;
	}
	if (db_prep(db, confirmed ?
	    "INSERT OR REPLACE INTO case_keys(case_id, epoch, key, confirmed)"
	    " VALUES (?1, ?2, ?3, 1)" :
	    "INSERT OR IGNORE INTO case_keys(case_id, epoch, key, confirmed)"
	    " VALUES (?1, ?2, ?3, 0)", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, epoch) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, key, E2E_KEY_LEN, SQLITE_STATIC) !=
	    SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	return keys_done(db, s);
}

/*
 * The key of (case, epoch) into "key" (any state unless "confirmed");
 * *found = 0 if there is none.
 */
int
keys_case_get(sqlite3 *db, const char *case_id, uint32_t epoch,
    int confirmed, uint8_t key[E2E_KEY_LEN], int *found)
{
	sqlite3_stmt	*s;
	int		 rc, r = CS_ERR_DB;

	*found = 0;
	if (db_prep(db, "SELECT key FROM case_keys WHERE case_id = ?1 AND"
	    " epoch = ?2 AND confirmed >= ?3", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, epoch) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, confirmed) != SQLITE_OK)
		goto out;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == E2E_KEY_LEN) {
		memcpy(key, sqlite3_column_blob(s, 0), E2E_KEY_LEN);
		*found = 1;
	} else if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

/* Confirm (the server stored our grant) or drop an unconfirmed key. */
int
keys_case_settle(sqlite3 *db, const char *case_id, uint32_t epoch, int ok)
{
	sqlite3_stmt	*s;

	if (db_prep(db, ok ? "UPDATE case_keys SET confirmed = 1 WHERE"
	    " case_id = ?1 AND epoch = ?2" : "DELETE FROM case_keys WHERE"
	    " case_id = ?1 AND epoch = ?2 AND confirmed = 0", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, epoch) != SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	return keys_done(db, s);
}

int
keys_case_new(sqlite3 *db, const char *case_id)
{
	uint8_t	*key;
	int	 r;

	if ((r = keys_init(db)) != 0)
		return r;
	if ((key = sodium_malloc(E2E_KEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	e2e_case_key_new(key);
	r = keys_case_put(db, case_id, 1, key, 0);
	sodium_free(key);
	return r;
}

int
keys_case_forget(sqlite3 *db, const char *case_id)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((r = db_prep(db, "DELETE FROM case_keys WHERE case_id = ?1",
	    &s)) != 0)
		return r;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	if ((r = keys_done(db, s)) != 0)
		return r;
	if ((r = db_prep(db, "DELETE FROM sealed_pending WHERE case_id = ?1",
	    &s)) != 0)
		return r;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	return keys_done(db, s);
}

/* ---- keyring ------------------------------------------------------- */

struct keyring_entry {
	char		case_id[DB_UUID_LEN + 1];
	uint32_t	epoch;
	uint8_t		key[E2E_KEY_LEN];
};

struct keyring {
	struct keyring_entry	*e;	/* sodium_malloc; sorted */
	size_t			 n;
};

int
keyring_load(sqlite3 *db, struct keyring **out)
{
	struct keyring	*kr = NULL;
	sqlite3_stmt	*s = NULL;
	int64_t		 n;
	int		 rc, r;

	*out = NULL;
	if ((r = db_prep(db, "SELECT count(*) FROM case_keys WHERE"
	    " confirmed = 1", &s)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	r = CS_ERR_ALLOC;
	if ((kr = calloc(1, sizeof(*kr))) == NULL ||
	    (kr->e = sodium_allocarray(n > 0 ? (size_t)n : 1,
	    sizeof(*kr->e))) == NULL)
		goto out;
	if ((r = db_prep(db, "SELECT case_id, epoch, key FROM case_keys"
	    " WHERE confirmed = 1 ORDER BY case_id, epoch", &s)) != 0)
		goto out;
	r = CS_ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && kr->n < (size_t)n) {
		if (sqlite3_column_bytes(s, 2) != E2E_KEY_LEN ||
		    sqlite3_column_int64(s, 1) < 1 ||
		    sqlite3_column_int64(s, 1) > INT32_MAX ||
		    sqlite3_column_text(s, 0) == NULL ||
		    str_fmt(kr->e[kr->n].case_id, sizeof(kr->e[kr->n].case_id),
		    "%s", sqlite3_column_text(s, 0)) != 0)
			goto out;
		kr->e[kr->n].epoch = (uint32_t)sqlite3_column_int64(s, 1);
		memcpy(kr->e[kr->n].key, sqlite3_column_blob(s, 2),
		    E2E_KEY_LEN);
		kr->n++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto out;
	*out = kr;
	kr = NULL;	/* transferred */
	r = 0;
 out:
	sqlite3_finalize(s);
	keyring_free(kr);
	return r;
}

void
keyring_free(struct keyring *kr)
{
	if (kr == NULL)
		return;
	if (kr->e != NULL)
		sodium_free(kr->e);
	free(kr);
}

/* Index of the first entry of "case_id", or kr->n. */
static size_t
keyring_first(const struct keyring *kr, const char *case_id)
{
	size_t	lo = 0, hi = kr->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(kr->e[mid].case_id, case_id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const uint8_t *
keyring_get(const struct keyring *kr, const char *case_id, uint32_t epoch)
{
	size_t	i;

	for (i = keyring_first(kr, case_id); i < kr->n &&
	    strcmp(kr->e[i].case_id, case_id) == 0; i++)
		if (kr->e[i].epoch == epoch)
			return kr->e[i].key;
	return NULL;
}

const uint8_t *
keyring_newest(const struct keyring *kr, const char *case_id,
    uint32_t *epoch)
{
	const uint8_t	*key = NULL;
	size_t		 i;

	*epoch = 0;
	for (i = keyring_first(kr, case_id); i < kr->n &&
	    strcmp(kr->e[i].case_id, case_id) == 0; i++) {
		key = kr->e[i].key;
		*epoch = kr->e[i].epoch;
	}
	return key;
}

/* ---- records waiting for their key ------------------------------------ */

int
keys_pending_put(sqlite3 *db, const struct db_record *r)
{
	sqlite3_stmt	*s;

	if (db_prep(db, "INSERT INTO sealed_pending(record_id, case_id,"
	    " kind, version, deleted, key_epoch, body, hlc) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO UPDATE SET"
	    " case_id = ?2, kind = ?3, version = ?4, deleted = ?5,"
	    " key_epoch = ?6, body = ?7, hlc = ?8 WHERE version < ?4", &s) !=
	    0)
		return CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, r->record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, r->case_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 3, r->kind, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, r->version) != SQLITE_OK ||
	    sqlite3_bind_int(s, 5, r->deleted) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 6, r->key_epoch) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 7, r->body_len > 0 ? r->body : (void *)"",
	    (int)r->body_len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 8, (int64_t)r->hlc) != SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	return keys_done(db, s);
}

int
keys_pending_reset(sqlite3 *db)
{
	sqlite3_stmt	*s;

	if (db_prep(db, "DELETE FROM sealed_pending", &s) != 0)
		return CS_ERR_DB;
	return keys_done(db, s);
}

int
keys_pending_count(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s;
	int		 r = CS_ERR_DB;

	*n = 0;
	if (keys_init(db) != 0 ||
	    db_prep(db, "SELECT count(*) FROM sealed_pending", &s) != 0)
		return CS_ERR_DB;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		r = 0;
	}
	sqlite3_finalize(s);
	return r;
}

int
keys_pending_take(sqlite3 *db, const struct keyring *kr,
    int (*cb)(const struct db_record *, void *), void *arg)
{
	struct db_record	 rec;
	sqlite3_stmt		*s = NULL, *d = NULL;
	const char		*t;
	int			 rc, r;

	/* a newer version arrived (opened) meanwhile: the old one is moot */
	if (sqlite3_exec(db, "DELETE FROM sealed_pending WHERE EXISTS (SELECT"
	    " 1 FROM records r WHERE r.record_id = sealed_pending.record_id"
	    " AND r.version >= sealed_pending.version)", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		r = CS_ERR_DB;
		goto out;
	}
	if ((r = db_prep(db, "SELECT record_id, case_id, kind, version,"
	    " deleted, key_epoch, body, hlc FROM sealed_pending ORDER BY"
	    " version", &s)) != 0 ||
	    (r = db_prep(db, "DELETE FROM sealed_pending WHERE"
	    " record_id = ?1", &d)) != 0)
		goto out;
	r = CS_ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&rec, 0, sizeof(rec));
		if ((t = (const char *)sqlite3_column_text(s, 0)) == NULL ||
		    str_fmt(rec.record_id, sizeof(rec.record_id), "%s", t) ||
		    (t = (const char *)sqlite3_column_text(s, 1)) == NULL ||
		    str_fmt(rec.case_id, sizeof(rec.case_id), "%s", t) ||
		    (t = (const char *)sqlite3_column_text(s, 2)) == NULL ||
		    str_fmt(rec.kind, sizeof(rec.kind), "%s", t) ||
		    sqlite3_column_int64(s, 5) < 0 ||
		    sqlite3_column_int64(s, 5) > INT32_MAX)
			goto out;
		rec.version = sqlite3_column_int64(s, 3);
		rec.deleted = sqlite3_column_int(s, 4);
		rec.key_epoch = (uint32_t)sqlite3_column_int64(s, 5);
		rec.body = (uint8_t *)(uintptr_t)sqlite3_column_blob(s, 6);
		rec.body_len = (size_t)sqlite3_column_bytes(s, 6);
		rec.hlc = (uint64_t)sqlite3_column_int64(s, 7);
		if (keyring_get(kr, rec.case_id, rec.key_epoch) == NULL)
			continue;
		if ((r = cb(&rec, arg)) != 0)
			goto out;
		r = CS_ERR_DB;
		if (sqlite3_bind_text(d, 1, rec.record_id, -1,
		    SQLITE_TRANSIENT) != SQLITE_OK ||
		    sqlite3_step(d) != SQLITE_DONE)
			goto out;
		sqlite3_reset(d);
	}
	if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		log_warnx("keys: pending: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_finalize(d);
	return r;
}
