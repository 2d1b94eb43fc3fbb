/* SPDX-License-Identifier: ISC */
/*
 * synccount.c - the per-device sync counter kept in the vault (see
 * synccount.h).  The counter is stored before it is sent: if the
 * connection fails afterwards the next one simply sends a larger
 * value, so a crash can never make an honest laptop look rolled back.
 * The directory lock keeps two processes from sending theirs out of
 * order, which the server could not tell from a rollback.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "synccount.h"
#include "vault.h"

#define SYNCCOUNT_BUSY_MS	30000	/* another process mid-transaction */
#define SYNCCOUNT_STEP_MS	20

static int
synccount_read(struct vault *v, uint64_t *n)
{
	uint8_t	*p = NULL;
	size_t	 len = 0;
	int	 r;

	*n = 0;
	if ((r = vault_secret_get(v, SYNCCOUNT_SECRET, &p, &len)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : r;
	if (len != 8) {
		vault_secret_free(p, len);
		return CS_ERR_FORMAT;
	}
	*n = buf_load_u64(p);
	vault_secret_free(p, len);
	return 0;
}

/* Store "n", waiting (bounded) while another process holds the vault. */
static int
synccount_write(struct vault *v, uint64_t n)
{
	const struct timespec	step = { 0, SYNCCOUNT_STEP_MS * 1000000L };
	uint8_t			b[8];
	unsigned		waited = 0;
	int			r;

	buf_store_u64(b, n);
	for (;;) {
		r = vault_secret_put(v, SYNCCOUNT_SECRET, b, sizeof(b));
		if (r == 0 || (sqlite3_errcode(vault_db(v)) != SQLITE_BUSY &&
		    sqlite3_errcode(vault_db(v)) != SQLITE_LOCKED) ||
		    waited >= SYNCCOUNT_BUSY_MS)
			return r;
		nanosleep(&step, NULL);
		waited += SYNCCOUNT_STEP_MS;
	}
}

int
synccount_next(struct vault *v, const char *dir, uint64_t *next, int *lock)
{
	uint64_t	n;
	int		fd, r;

	*next = 0;
	*lock = -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return CS_ERR_SYSTEM;
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			close(fd);
			return CS_ERR_SYSTEM;
		}
	}
	if ((r = synccount_read(v, &n)) != 0)
		goto fail;
	/* the server keeps it in a signed 64-bit column */
	if (n >= INT64_MAX) {
		r = CS_ERR_FORMAT;
		goto fail;
	}
	if ((r = synccount_write(v, n + 1)) != 0)
		goto fail;
	*next = n + 1;
	*lock = fd;
	return 0;
 fail:
	close(fd);		/* releases the lock */
	return r;
}

void
synccount_done(int lock)
{
	if (lock != -1)
		close(lock);
}
