/* SPDX-License-Identifier: ISC */
/*
 * util.c - see util.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "util.h"

int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0;
	const char	*p;

	*out = 0;
	if (s == NULL || *s == '\0' || strlen(s) > 20)
		return CS_ERR_FORMAT;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return CS_ERR_FORMAT;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return CS_ERR_FORMAT;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return CS_ERR_FORMAT;
	*out = v;
	return 0;
}

int
parse_duration(const char *s, uint64_t max_seconds, uint64_t *out)
{
	char		 num[24];
	size_t		 n;
	uint64_t	 v, mul = 1;

	*out = 0;
	if (s == NULL || (n = strlen(s)) == 0 || n >= sizeof(num))
		return CS_ERR_FORMAT;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	default:
		n++;		/* no unit: keep the last digit */
		break;
	}
	num[n - 1] = '\0';
	if (parse_u64(num, 1, max_seconds / mul, &v) != 0)
		return CS_ERR_FORMAT;
	*out = v * mul;
	return 0;
}

char *
str_vis(char *dst, size_t dstlen, const char *s, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;
	unsigned char		c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (dstlen - o < 2 + 3)
				goto trunc;
			dst[o++] = (char)c;
		} else {
			if (dstlen - o < 5 + 3)
				goto trunc;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return dst;
 trunc:
	if (dstlen >= 4) {
		if (o > dstlen - 4)
			o = dstlen - 4;
		memcpy(dst + o, "...", 4);
	} else
		dst[0] = '\0';
	return dst;
}

void
hex_encode(char *dst, const uint8_t *src, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		dst[2 * i] = hex[src[i] >> 4];
		dst[2 * i + 1] = hex[src[i] & 15];
	}
	dst[2 * len] = '\0';
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(uint8_t *dst, size_t len, const char *s)
{
	size_t	i;
	int	hi, lo;

	if (strlen(s) != 2 * len)
		return CS_ERR_FORMAT;
	for (i = 0; i < len; i++) {
		if ((hi = hex_val(s[2 * i])) < 0 ||
		    (lo = hex_val(s[2 * i + 1])) < 0)
			return CS_ERR_FORMAT;
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
file_read(const char *path, size_t max, struct buf **out)
{
	struct buf	*b = NULL;
	struct stat	 st;
	int		 fd, r = CS_ERR_SYSTEM;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? cs_cause(CS_ERR_NOT_FOUND, ENOENT) :
		    cs_sys();
	if (fstat(fd, &st) == -1) {
		r = cs_sys();
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? cs_cause(CS_ERR_FORMAT, EISDIR) :
		    cs_cause_text(CS_ERR_FORMAT, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((b = buf_new(max)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/* CS_ERR_TOO_LARGE: it grew while we read */
	if ((r = buf_read_fd(b, fd, 4096)) != 0)
		goto out;
	*out = b;
	b = NULL;	/* transferred */
	r = 0;
 out:
	buf_free(b);
	close(fd);
	return r;
}

static int
fsync_dir_of(const char *path)
{
	char	dir[4096];
	int	fd, r = 0;

	if (str_fmt(dir, sizeof(dir), "%s", path) != 0)
		return CS_ERR_TOO_LARGE;
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return cs_sys();
	if (fsync(fd) == -1)
		r = cs_sys();
	close(fd);
	return r;
}

int
file_write_atomic(const char *path, const void *p, size_t len, int mode,
    int excl)
{
	char		 tmp[4096];
	const uint8_t	*c = p;
	ssize_t		 n;
	int		 fd, r = CS_ERR_SYSTEM;

	if (str_fmt(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) !=
	    0)
		return CS_ERR_TOO_LARGE;
	if (excl && access(path, F_OK) == 0)
		return CS_ERR_EXISTS;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1)
		return cs_sys();
	while (len > 0) {
		if ((n = write(fd, c, len)) == -1) {
			if (errno == EINTR)
				continue;
			r = cs_sys();	/* before close and unlink */
			goto fail;
		}
		c += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) == -1 || fsync(fd) == -1) {
		r = cs_sys();
		goto fail;
	}
	if (close(fd) == -1) {
		r = cs_sys();
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (excl) {
		/* link() fails if "path" appeared meanwhile: no overwrite */
		if (link(tmp, path) == -1) {
			r = errno == EEXIST ? CS_ERR_EXISTS : cs_sys();
			goto fail;
		}
		unlink(tmp);
	} else if (rename(tmp, path) == -1) {
		r = cs_sys();
		goto fail;
	}
	return fsync_dir_of(path);
 fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return r;
}

int
str_fmt(char *dst, size_t dstlen, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(dst, dstlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= dstlen)
		return CS_ERR_TOO_LARGE;
	return 0;
}

int64_t
time_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
time_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum utf8_err
utf8_next(const char *s, size_t len, uint32_t *cp, size_t *n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 v, min;
	size_t			 k;

	*cp = 0;
	*n = 1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return UTF8_OK;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		*n = 2;
		v = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		*n = 3;
		v = p[0] & 0x0f;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		*n = 4;
		v = p[0] & 0x07;
		min = 0x10000;
	} else
		return UTF8_BAD_LEAD;
	if (len < *n)
		return UTF8_SHORT;
	for (k = 1; k < *n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return UTF8_SHORT;
		v = v << 6 | (p[k] & 0x3f);
	}
	if (v < min)
		return UTF8_OVERLONG;
	if (v >= 0xd800 && v <= 0xdfff)
		return UTF8_SURROGATE;
	if (v > 0x10ffff)
		return UTF8_RANGE;
	*cp = v;
	return UTF8_OK;
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i, n;

	for (i = 0; i < len; i += n)
		if (utf8_next(s + i, len - i, &cp, &n) != UTF8_OK)
			return 0;
	return 1;
}

int
utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int
utf8_text_ok(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i, n;

	for (i = 0; i < len; i += n) {
		/*
		 * Printable ASCII, most of every text, without the calls:
		 * utf8_next gives it as one byte, not a control.  (The
		 * server checks 14 audit texts per entry, 2.6 % of its CPU
		 * in a push before this.)
		 */
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			n = 1;
			continue;
		}
		if (utf8_next(s + i, len - i, &cp, &n) != UTF8_OK ||
		    utf8_is_control(cp))
			return 0;
	}
	return 1;
}

size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (len <= max)
		return len;
	while (max > 0 && (p[max] & 0xc0) == 0x80)
		max--;
	return max;
}
