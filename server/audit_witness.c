/* SPDX-License-Identifier: ISC */
/*
 * audit_witness.c - the checkpoint file beside the database and the
 * line format of exported checkpoints (see audit_witness.h).
 *
 * Someone who can write server.db alone can delete the checkpoints
 * stored in it; the copies in this file, written by the processes that
 * hold the audit key, are then still there for "audit verify" to
 * compare, and a line handed to an outside witness pins the head of
 * the log beyond the reach of the server host.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_witness.h"
#include "buf.h"
#include "errors.h"
#include "util.h"

int
audit_cpline_format(const struct audit_checkpoint *cp, char *dst,
    size_t dstlen)
{
	char	root[2 * MERKLE_HASH_LEN + 1], sig[2 * AUDIT_SIG_LEN + 1];

	hex_encode(root, cp->root, MERKLE_HASH_LEN);
	hex_encode(sig, cp->sig, AUDIT_SIG_LEN);
	return str_fmt(dst, dstlen, "%s %lld %s %lld %s\n", AUDIT_CP_TAG,
	    (long long)cp->size, root, (long long)cp->time, sig);
}

/* A decimal field of at most 19 digits ending at a space. */
static int
audit_cpline_num(const char **p, const char *end, int64_t *out)
{
	char		num[20];
	const char	*sp;
	uint64_t	v;
	size_t		n;

	if ((sp = memchr(*p, ' ', (size_t)(end - *p))) == NULL ||
	    (n = (size_t)(sp - *p)) == 0 || n >= sizeof(num))
		return CS_ERR_FORMAT;
	memcpy(num, *p, n);
	num[n] = '\0';
	if (strspn(num, "0123456789") != n)
		return CS_ERR_FORMAT;	/* digits only: no sign, no NUL */
	if (num[0] == '0' && n > 1)
		return CS_ERR_FORMAT;	/* one spelling per value */
	if (parse_u64(num, 0, INT64_MAX, &v) != 0)
		return CS_ERR_FORMAT;
	*out = (int64_t)v;
	*p = sp + 1;
	return 0;
}

/* "n" bytes as 2n lower-case hex digits followed by "sep". */
static int
audit_cpline_hex(const char **p, const char *end, uint8_t *dst, size_t n,
    char sep)
{
	char	hex[2 * AUDIT_SIG_LEN + 1];
	size_t	i;

	if ((size_t)(end - *p) < 2 * n + (sep != '\0') ||
	    (sep != '\0' && (*p)[2 * n] != sep))
		return CS_ERR_FORMAT;
	for (i = 0; i < 2 * n; i++)
		if (!(((*p)[i] >= '0' && (*p)[i] <= '9') ||
		    ((*p)[i] >= 'a' && (*p)[i] <= 'f')))
			return CS_ERR_FORMAT;
	memcpy(hex, *p, 2 * n);
	hex[2 * n] = '\0';
	if (hex_decode(dst, n, hex) != 0)
		return CS_ERR_FORMAT;
	*p += 2 * n + (sep != '\0');
	return 0;
}

int
audit_cpline_parse(const char *line, size_t len, struct audit_checkpoint *cp)
{
	const char	*p = line, *end;
	size_t		 hdr = strlen(AUDIT_CP_TAG);

	memset(cp, 0, sizeof(*cp));
	if (len > 0 && line[len - 1] == '\n')
		len--;
	end = line + len;
	if (len < hdr + 1 || memcmp(p, AUDIT_CP_TAG, hdr) != 0 ||
	    p[hdr] != ' ')
		return CS_ERR_FORMAT;
	p += hdr + 1;
	if (audit_cpline_num(&p, end, &cp->size) != 0 ||
	    audit_cpline_hex(&p, end, cp->root, MERKLE_HASH_LEN, ' ') != 0 ||
	    audit_cpline_num(&p, end, &cp->time) != 0 ||
	    audit_cpline_hex(&p, end, cp->sig, AUDIT_SIG_LEN, '\0') != 0 ||
	    p != end) {
		memset(cp, 0, sizeof(*cp));
		return CS_ERR_FORMAT;
	}
	return 0;
}

int
audit_cpfile_open(const char *dir, int *fd)
{
	char	path[4096];
	int	f;

	*fd = -1;
	if (str_fmt(path, sizeof(path), "%s/%s", dir, AUDIT_CP_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	/* read too: the signer compares with the last line it wrote */
	if ((f = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return CS_ERR_SYSTEM;
	*fd = f;
	return 0;
}

int
audit_cpfile_append(int fd, const struct audit_checkpoint *cp)
{
	char	line[AUDIT_CP_LINE_MAX];
	size_t	len;
	ssize_t	n;
	int	r;

	if (fd < 0)
		return CS_ERR_INTERNAL;
	if ((r = audit_cpline_format(cp, line, sizeof(line))) != 0)
		return r;
	len = strlen(line);
	/* one write with O_APPEND: lines of two processes do not mix */
	do
		n = write(fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len || fdatasync(fd) == -1)
		return CS_ERR_SYSTEM;
	return 0;
}

int
audit_cpfile_last(int fd, struct audit_checkpoint *cp)
{
	char		 tail[2 * AUDIT_CP_LINE_MAX];
	struct stat	 sb;
	const char	*end, *start;
	size_t		 len;
	ssize_t		 n;
	off_t		 off;

	memset(cp, 0, sizeof(*cp));
	if (fd < 0 || fstat(fd, &sb) == -1)
		return CS_ERR_SYSTEM;
	if (sb.st_size == 0)
		return CS_ERR_NOT_FOUND;
	len = sb.st_size < (off_t)sizeof(tail) ? (size_t)sb.st_size :
	    sizeof(tail);
	off = sb.st_size - (off_t)len;
	if ((n = pread(fd, tail, len, off)) != (ssize_t)len)
		return CS_ERR_SYSTEM;
	/* the last complete line: a torn one after a crash is skipped */
	end = tail + len;
	while (end > tail && end[-1] != '\n')
		end--;
	if (end == tail)
		return CS_ERR_FORMAT;
	end--;			/* at its '\n' */
	for (start = end; start > tail && start[-1] != '\n'; start--)
		;
	if (start == tail && off > 0)
		return CS_ERR_FORMAT;	/* longer than any line */
	return audit_cpline_parse(start, (size_t)(end - start), cp);
}

int
audit_cpfile_read(const char *path,
    int (*cb)(const struct audit_checkpoint *, size_t, void *), void *arg,
    int *torn)
{
	struct audit_checkpoint	 cp;
	struct buf		*b = NULL;
	const char		*p, *end, *nl;
	size_t			 line = 0;
	int			 r;

	*torn = 0;
	if ((r = file_read(path, AUDIT_CP_FILE_MAX, &b)) != 0)
		return r;
	p = (const char *)buf_ptr(b);
	end = p + buf_len(b);
	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			*torn = 1;
			break;
		}
		if ((size_t)(nl - p) >= AUDIT_CP_LINE_MAX ||
		    audit_cpline_parse(p, (size_t)(nl - p), &cp) != 0)
			r = cb(NULL, line, arg);
		else
			r = cb(&cp, line, arg);
		if (r != 0)
			break;
	}
	buf_free(b);
	return r;
}
