/* SPDX-License-Identifier: ISC */
/*
 * store_transfer_preview.c - what the receiving office of a transfer may
 * see of the case before it decides (see store_cases.h): the lifecycle
 * metadata, the number of records by kind and the regisseur's name.
 * The server cannot count children: a person's role is in the sealed
 * body, so persons of every role are counted together.
 */
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_cases.h"
#include "store_int.h"
#include "store_transfer.h"

int
store_transfer_preview(struct store *st, const char *case_id,
    struct store_transfer_preview *out)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	memset(out, 0, sizeof(*out));
	if ((r = store_case_load(st, case_id, &out->meta)) != 0)
		return r;
	r = CS_ERR_DB;
	/* one pass over the case's records (records_case index) */
	if (store_prepare(st, "SELECT count(*), coalesce("
	    STORE_SQL_COUNT("kind = 'person'") ", 0), coalesce("
	    STORE_SQL_COUNT("kind = 'measure'") ", 0), coalesce("
	    "(SELECT u.name FROM cases c JOIN users u ON u.id ="
	    " c.regisseur_id WHERE c.id = ?1), '') FROM records WHERE"
	    " case_id = ?1 AND deleted = 0", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, case_id, -1) != 0)
		goto out;
	if ((rc = sdb_step(s)) != SDB_ROW ||
	    store_col_text(s, 3, out->regisseur,
	    sizeof(out->regisseur)) != 0)
		goto out;
	out->records = sdb_column_int64(s, 0);
	out->persons = sdb_column_int64(s, 1);
	out->measures = sdb_column_int64(s, 2);
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_transfer_open_id(struct store *st, const char *case_id, int64_t *id)
{
	const char	*t[1] = { case_id };

	*id = 0;
	return store_do(st, "SELECT id FROM transfers WHERE case_id = ?1 AND"
	    " state = 'REQUESTED'", id, "t", NULL, t);
}
