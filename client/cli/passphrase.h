/* SPDX-License-Identifier: ISC */
/*
 * passphrase.h - reading the vault passphrase.
 *
 * Sources, first match wins: a file named with --passphrase-file (its
 * first line, without the line end), the environment variable
 * CASESYNC_PASSPHRASE (for scripts and tests: the environment of a
 * process can be read by its owner and by root), the terminal
 * (/dev/tty, echo off).  An empty passphrase is refused.
 *
 * Every passphrase is returned NUL-terminated in sodium_malloc'd
 * memory, "*len" bytes long without the NUL; release it with
 * passphrase_free(), which wipes it.  Functions return 0 or
 * CS_ERR_FORMAT (empty, too long or contains NUL), CS_ERR_AUTH (the
 * two entries of a new passphrase differ), CS_ERR_NOT_FOUND (no source:
 * no file, no variable and no terminal), CS_ERR_SYSTEM, CS_ERR_ALLOC.
 */
#ifndef PASSPHRASE_H
#define PASSPHRASE_H

#include <stddef.h>

/*
 * The passphrase of the vault.  "file" may be NULL.  With "confirm"
 * (a new vault), a passphrase from the terminal is asked twice.
 */
int	passphrase_get(const char *file, int confirm, char **pass,
	    size_t *len);

/*
 * A new passphrase for "casesync passwd": CASESYNC_NEW_PASSPHRASE, else
 * the terminal, asked twice.
 */
int	passphrase_get_new(char **pass, size_t *len);

/* Wipe and free.  NULL is a no-op. */
void	passphrase_free(char *pass, size_t len);

#endif /* PASSPHRASE_H */
