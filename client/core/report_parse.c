/* SPDX-License-Identifier: ISC */
/*
 * report_parse.c - an edited draft of a report read back (report_raad.h,
 * report_parse), and what the draft and the parser share (the headings,
 * the types).  The draft is hostile input, so a small tokenizer that
 * knows only what a draft (doc.c's HTML, saved again by a browser or
 * changed in an editor) can hold, and keeps nothing but text.
 *
 * The walk: text is collapsed as a browser shows it (runs of white
 * space are one space; block elements and <br> end a line; a list item
 * starts a line "- ").  An <h1> or <h2> whose text is one of the five
 * headings starts that section, which then runs until the next <h1> or
 * <h2>, until the element holding the heading closes (doc.c puts each
 * section in its own <section>), or until a <header> or <footer>: so
 * the facts above and the footer below are never part of a section.  Text outside the sections is only
 * searched for the Kenmerk.  Elements not on the list are refused, not
 * skipped: a draft never has them, and a file that does is not what
 * the worker thinks it is.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "errors.h"
#include "ids.h"
#include "report_raad.h"
#include "schema.h"
#include "util.h"

#define RP_NAME_MAX	16		/* bytes of an element name kept */

const struct report_section report_sections[REPORT_SECTIONS] = {
	{ "aanleiding", "Aanleiding" },
	{ "zorgen", "Zorgen" },
	{ "geprobeerd", "Wat is geprobeerd" },
	{ "visie", "Visie van ouders en kind" },
	{ "conclusie", "Conclusie en verzoek" },
};

const char *
report_type_name(enum report_type t)
{
	return t == REPORT_VERLENGING ? "verlenging" : "raad";
}

int
report_type_parse(const char *s, enum report_type *t)
{
	if (strcmp(s, "raad") == 0)
		*t = REPORT_RAAD;
	else if (strcmp(s, "verlenging") == 0)
		*t = REPORT_VERLENGING;
	else
		return CS_ERR_FORMAT;
	return 0;
}

/* What a draft may hold.  Void elements have no end tag. */
static const char *const rp_allowed[] = {
	"html", "head", "body", "meta", "style", "title", "header", "main",
	"footer", "section", "article", "div", "span", "p", "br", "hr",
	"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt",
	"dd", "b", "i", "u", "em", "strong", "small", "sub", "sup", "s",
	"strike", "del", "ins", "mark", "font", "code", "pre", "blockquote",
	"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
	"colgroup", "col", "wbr", "abbr", "cite", "q", "time", NULL
};
static const char *const rp_void[] = {
	"meta", "br", "hr", "col", "wbr", NULL
};
/* Elements that end a line of text. */
static const char *const rp_block[] = {
	"p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "tr",
	"table", "section", "article", "header", "footer", "main", "pre",
	"blockquote", "h3", "h4", "h5", "h6", "caption", NULL
};

struct rp {
	const char	*p, *end;
	char		*why;
	char		 stack[REPORT_DEPTH_MAX][RP_NAME_MAX + 1];
	size_t		 depth;
	int		 cur;		/* the section collected, or -1 */
	size_t		 cur_depth;	/* it ends when depth drops below */
	int		 next;		/* the next heading expected */
	int		 in_heading;
	size_t		 heading_depth;
	struct buf	*heading;
	struct buf	*sec[REPORT_SECTIONS];
	struct buf	*other;		/* outside the sections */
};

static int
rp_fail(struct rp *x, int code, const char *fmt, ...)
    __attribute__((__format__(printf, 3, 4)));

static int
rp_fail(struct rp *x, int code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(x->why, REPORT_WHY_MAX, fmt, ap);
	va_end(ap);
	return code;
}

static int
rp_in(const char *const *list, const char *name)
{
	size_t	i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* The text of "b" ("" when empty: an empty buf has no memory yet). */
static const char *
rp_text(const struct buf *b)
{
	return buf_len(b) == 0 ? "" : (const char *)buf_ptr(b);
}

/* Where text goes now. */
static struct buf *
rp_target(struct rp *x)
{
	if (x->in_heading)
		return x->heading;
	if (x->cur >= 0)
		return x->sec[x->cur];
	return x->other;
}

static int
rp_last_space(const struct buf *b)
{
	size_t	n = buf_len(b);

	return n == 0 || buf_ptr(b)[n - 1] == ' ' ||
	    buf_ptr(b)[n - 1] == '\n';
}

static int
rp_newline(struct rp *x)
{
	struct buf	*b = rp_target(x);
	size_t		 n = buf_len(b);

	/* a space before a line break is dropped */
	if (n > 0 && buf_ptr(b)[n - 1] == ' ')
		buf_truncate(b, n - 1);
	return buf_put(b, "\n", 1);
}

/* HTML's white space. */
static int
rp_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* One character (UTF-8 bytes) of text, white space collapsed. */
static int
rp_char(struct rp *x, const char *s, size_t n)
{
	struct buf	*b = rp_target(x);

	if (n == 1 && rp_space(s[0])) {
		if (rp_last_space(b))
			return 0;
		return buf_put(b, " ", 1);
	}
	return buf_put(b, s, n);
}

/* A code point from a character reference, as UTF-8 text. */
static int
rp_codepoint(struct rp *x, unsigned long c)
{
	char	u[4];

	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xa0)
		return rp_char(x, " ", 1);	/* controls, nbsp: a space */
	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return rp_fail(x, CS_ERR_FORMAT, "the file holds a character "
		    "reference that is no character");
	if (c < 0x80) {
		u[0] = (char)c;
		return rp_char(x, u, 1);
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		return rp_char(x, u, 2);
	}
	if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		return rp_char(x, u, 3);
	}
	u[0] = (char)(0xf0 | (c >> 18));
	u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	u[3] = (char)(0x80 | (c & 0x3f));
	return rp_char(x, u, 4);
}

/* "&..." at x->p: a reference decoded, or '&' as it is. */
static int
rp_entity(struct rp *x)
{
	static const struct {
		const char	*name;
		unsigned long	 c;
	} named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }, { "nbsp;", 0xa0 },
	};
	const char	*p = x->p + 1;
	unsigned long	 c = 0;
	size_t		 i, n;
	int		 hex, digits = 0;

	if (p < x->end && *p == '#') {
		hex = p + 1 < x->end && (p[1] == 'x' || p[1] == 'X');
		for (p += hex ? 2 : 1; p < x->end && digits < 8 &&
		    (hex ? isxdigit((unsigned char)*p) :
		    isdigit((unsigned char)*p)); p++, digits++)
			c = c * (hex ? 16 : 10) + (unsigned long)(isdigit(
			    (unsigned char)*p) ? *p - '0' :
			    (tolower((unsigned char)*p) - 'a' + 10));
		if (digits > 0 && p < x->end && *p == ';') {
			x->p = p + 1;
			return rp_codepoint(x, c);
		}
	} else {
		for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
			n = strlen(named[i].name);
			if ((size_t)(x->end - p) >= n &&
			    memcmp(p, named[i].name, n) == 0) {
				x->p = p + n;
				return rp_codepoint(x, named[i].c);
			}
		}
	}
	x->p++;
	return rp_char(x, "&", 1);
}

/* An element name at x->p, lower case, into name; 0 if there is none. */
static int
rp_name(struct rp *x, char name[RP_NAME_MAX + 1])
{
	size_t	n = 0;

	if (x->p >= x->end || !isalpha((unsigned char)*x->p))
		return 0;
	while (x->p < x->end && (isalnum((unsigned char)*x->p) ||
	    *x->p == '-' || *x->p == ':')) {
		if (n < RP_NAME_MAX)
			name[n] = (char)tolower((unsigned char)*x->p);
		n++;
		x->p++;
	}
	if (n > RP_NAME_MAX)	/* too long for any we know */
		(void)str_fmt(name, RP_NAME_MAX + 1, "?");
	else
		name[n] = '\0';
	return 1;
}

/*
 * The attributes of a tag up to its '>': names and values are skipped
 * (only text is kept), but an event handler (on...) is refused.
 */
static int
rp_attrs(struct rp *x, const char *tag)
{
	const char	*s;
	char		 q;

	for (;;) {
		while (x->p < x->end && (isspace((unsigned char)*x->p) ||
		    *x->p == '/'))
			x->p++;
		if (x->p >= x->end)
			return rp_fail(x, CS_ERR_FORMAT, "the file ends inside "
			    "a tag <%s>", tag);
		if (*x->p == '>') {
			x->p++;
			return 0;
		}
		s = x->p;
		while (x->p < x->end && !isspace((unsigned char)*x->p) &&
		    *x->p != '=' && *x->p != '>' && *x->p != '/')
			x->p++;
		if (x->p - s >= 2 && strncasecmp(s, "on", 2) == 0)
			return rp_fail(x, CS_ERR_FORMAT, "the file holds an "
			    "event handler (an \"on...\" attribute of <%s>): "
			    "a draft holds text only", tag);
		while (x->p < x->end && isspace((unsigned char)*x->p))
			x->p++;
		if (x->p >= x->end || *x->p != '=')
			continue;
		x->p++;
		while (x->p < x->end && isspace((unsigned char)*x->p))
			x->p++;
		if (x->p < x->end && (*x->p == '"' || *x->p == '\'')) {
			q = *x->p++;
			while (x->p < x->end && *x->p != q)
				x->p++;
			if (x->p >= x->end)
				return rp_fail(x, CS_ERR_FORMAT, "the file "
				    "ends inside an attribute of <%s>", tag);
			x->p++;
		} else
			while (x->p < x->end &&
			    !isspace((unsigned char)*x->p) && *x->p != '>')
				x->p++;
	}
}

/* Skip to the end tag of raw-text element "name" (style, title). */
static int
rp_skip_raw(struct rp *x, const char *name)
{
	size_t	n = strlen(name);

	for (; x->p < x->end; x->p++) {
		if (*x->p == '<' && x->end - x->p > (ptrdiff_t)(n + 1) &&
		    x->p[1] == '/' && strncasecmp(x->p + 2, name, n) == 0) {
			x->p += 2 + n;
			while (x->p < x->end && *x->p != '>')
				x->p++;
			if (x->p < x->end)
				x->p++;
			return 0;
		}
	}
	return rp_fail(x, CS_ERR_FORMAT, "the file ends inside <%s>", name);
}

/* The heading just closed: a section starts, or it is another one. */
static int
rp_heading_done(struct rp *x)
{
	char		*t;
	size_t		 n = buf_len(x->heading), i;
	const char	*s = rp_text(x->heading);

	x->in_heading = 0;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\n'))
		s++, n--;
	if ((t = malloc(n + 1)) == NULL)
		return CS_ERR_ALLOC;
	memcpy(t, s, n);
	t[n] = '\0';
	for (i = 0; i < n; i++)
		if (t[i] == '\n')
			t[i] = ' ';
	x->cur = -1;
	for (i = 0; i < REPORT_SECTIONS; i++) {
		if (strcmp(t, report_sections[i].heading) != 0)
			continue;
		if ((int)i > x->next) {
			free(t);
			return rp_fail(x, CS_ERR_FORMAT, "the heading \"%s\" "
			    "is missing or changed: a draft has its five "
			    "headings once each, in order",
			    report_sections[x->next].heading);
		}
		if ((int)i < x->next) {
			free(t);
			return rp_fail(x, CS_ERR_FORMAT, "the heading \"%s\" "
			    "is there twice or out of order: a draft has its "
			    "five headings once each, in order",
			    report_sections[i].heading);
		}
		x->cur = x->next++;
		x->cur_depth = x->heading_depth;
	}
	free(t);
	buf_reset(x->heading);
	return 0;
}

static int
rp_pop_to(struct rp *x, const char *name)
{
	size_t	i;
	int	r;

	for (i = x->depth; i > 0; i--)
		if (strcmp(x->stack[i - 1], name) == 0)
			break;
	if (i == 0)
		return 0;	/* an end tag with no start: ignored */
	x->depth = i - 1;
	if (x->in_heading && x->depth <= x->heading_depth &&
	    (r = rp_heading_done(x)) != 0)
		return r;
	if (x->cur >= 0 && x->depth < x->cur_depth)
		x->cur = -1;		/* the section's element closed */
	return 0;
}

static int
rp_tag(struct rp *x)
{
	char	name[RP_NAME_MAX + 1];
	int	end = 0, r;

	x->p++;		/* '<' */
	if (x->p < x->end && *x->p == '/') {
		end = 1;
		x->p++;
	}
	if (!rp_name(x, name))
		return rp_fail(x, CS_ERR_FORMAT, "the file holds markup a "
		    "draft does not have (\"<%s\")", end ? "/" : "");
	if (!rp_in(rp_allowed, name)) {
		if (strcmp(name, "script") == 0)
			return rp_fail(x, CS_ERR_FORMAT, "the file holds a "
			    "script: a draft holds text only");
		return rp_fail(x, CS_ERR_FORMAT, "the file holds <%s>, "
		    "which a draft does not have: only text is kept", name);
	}
	if ((r = rp_attrs(x, name)) != 0)
		return r;
	if (end) {
		if (rp_in(rp_block, name) && (r = rp_newline(x)) != 0)
			return r;
		return rp_pop_to(x, name);
	}
	if (strcmp(name, "style") == 0 || strcmp(name, "title") == 0)
		return rp_skip_raw(x, name);
	/* a page's header and footer are never part of a section */
	if (strcmp(name, "header") == 0 || strcmp(name, "footer") == 0)
		x->cur = -1;
	if ((strcmp(name, "h1") == 0 || strcmp(name, "h2") == 0) &&
	    !x->in_heading) {
		x->cur = -1;		/* a section ends at the next heading */
		x->in_heading = 1;
		x->heading_depth = x->depth;
	}
	if (rp_in(rp_block, name) && (r = rp_newline(x)) != 0)
		return r;
	if (strcmp(name, "li") == 0 && (r = buf_put(rp_target(x), "- ",
	    2)) != 0)
		return r;
	if (rp_in(rp_void, name))
		return 0;
	if (x->depth >= REPORT_DEPTH_MAX)
		return rp_fail(x, CS_ERR_FORMAT, "the file nests elements "
		    "deeper than a draft does");
	memcpy(x->stack[x->depth++], name, sizeof(name));
	return 0;
}

/* "<!...": a comment or the doctype; anything else is refused. */
static int
rp_bang(struct rp *x)
{
	const char	*e;

	if (x->end - x->p >= 4 && memcmp(x->p, "<!--", 4) == 0) {
		for (e = x->p + 4; e + 3 <= x->end; e++)
			if (memcmp(e, "-->", 3) == 0) {
				x->p = e + 3;
				return 0;
			}
		return rp_fail(x, CS_ERR_FORMAT, "the file ends inside a "
		    "comment");
	}
	if (x->end - x->p >= 9 && strncasecmp(x->p, "<!doctype", 9) == 0) {
		while (x->p < x->end && *x->p != '>')
			x->p++;
		if (x->p >= x->end)
			return rp_fail(x, CS_ERR_FORMAT, "the file ends "
			    "inside its doctype");
		x->p++;
		return 0;
	}
	return rp_fail(x, CS_ERR_FORMAT, "the file holds markup a draft "
	    "does not have (\"<!\")");
}

/* A section's text: lines trimmed, empty lines dropped. */
static int
rp_lines(struct buf *in, char **out)
{
	const char	*s = rp_text(in), *e, *l;
	size_t		 n = buf_len(in), o = 0, k;
	char		*t;

	*out = NULL;
	if ((t = malloc(n + 1)) == NULL)
		return CS_ERR_ALLOC;
	for (l = s; l < s + n; l = e + 1) {
		if ((e = memchr(l, '\n', (size_t)(s + n - l))) == NULL)
			e = s + n;
		while (l < e && *l == ' ')
			l++;
		k = (size_t)(e - l);
		while (k > 0 && l[k - 1] == ' ')
			k--;
		if (k == 0)
			continue;
		if (o > 0)
			t[o++] = '\n';
		memcpy(t + o, l, k);
		o += k;
	}
	t[o] = '\0';
	*out = t;
	return 0;
}

/* The next word of *s (cut in place), or NULL. */
static char *
rp_word(char **s)
{
	char	*w = *s;

	while (*w == ' ')
		w++;
	if (*w == '\0')
		return NULL;
	*s = w + strcspn(w, " ");
	if (**s != '\0')
		*(*s)++ = '\0';
	return w;
}

/*
 * The Kenmerk in the text outside the sections: "casesync raad CASE" or
 * "casesync verlenging CASE CHILD", once.
 */
static int
rp_kenmerk(struct rp *x, struct report_parsed *out)
{
	char		*t = NULL, *k, *w;
	const char	*refs[2] = { NULL, NULL };
	size_t		 n = buf_len(x->other), i, want;
	int		 r = CS_ERR_FORMAT;

	if ((t = malloc(n + 1)) == NULL)
		return CS_ERR_ALLOC;
	memcpy(t, rp_text(x->other), n);
	t[n] = '\0';
	for (i = 0; i < n; i++)
		if (t[i] == '\n')
			t[i] = ' ';
	if ((k = strstr(t, "casesync raad ")) == NULL &&
	    (k = strstr(t, "casesync verlenging ")) == NULL) {
		r = rp_fail(x, CS_ERR_FORMAT, "this is not a draft of a "
		    "report: its Kenmerk (\"casesync raad ...\" or "
		    "\"casesync verlenging ...\") is missing");
		goto out;
	}
	if (strstr(k + 1, "casesync raad ") != NULL ||
	    strstr(k + 1, "casesync verlenging ") != NULL) {
		r = rp_fail(x, CS_ERR_FORMAT, "the draft has more than one "
		    "Kenmerk");
		goto out;
	}
	k += strlen("casesync ");
	w = rp_word(&k);
	if (w == NULL || report_type_parse(w, &out->type) != 0)
		goto bad;
	want = out->type == REPORT_VERLENGING ? 2 : 1;
	for (i = 0; i < want; i++) {
		if ((w = rp_word(&k)) == NULL ||
		    strlen(w) < IDS_INPUT_MIN || strlen(w) >= IDS_SHORT_SIZE ||
		    strspn(w, "0123456789abcdef-") != strlen(w))
			goto bad;
		refs[i] = w;
	}
	(void)str_fmt(out->case_ref, sizeof(out->case_ref), "%s", refs[0]);
	if (refs[1] != NULL)
		(void)str_fmt(out->child_ref, sizeof(out->child_ref), "%s",
		    refs[1]);
	r = 0;
	goto out;
 bad:
	r = rp_fail(x, CS_ERR_FORMAT, "the draft's Kenmerk is not one "
	    "casesync wrote (\"casesync raad CASE\" or \"casesync "
	    "verlenging CASE CHILD\")");
 out:
	free(t);
	return r;
}

int
report_parse(const char *html, size_t len, struct report_parsed *out,
    char why[REPORT_WHY_MAX])
{
	struct rp	*x;
	const char	*vwhy;
	size_t		 i, n;
	int		 r = 0;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if (len > REPORT_FILE_MAX) {
		(void)str_fmt(why, REPORT_WHY_MAX, "the file is larger than "
		    "a draft can be (%d KiB)", REPORT_FILE_MAX / 1024);
		return CS_ERR_TOO_LARGE;
	}
	if (memchr(html, '\0', len) != NULL || !utf8_valid(html, len)) {
		(void)str_fmt(why, REPORT_WHY_MAX, "the file is not UTF-8 "
		    "text: not a draft casesync wrote");
		return CS_ERR_FORMAT;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return CS_ERR_ALLOC;
	x->p = html;
	x->end = html + len;
	x->why = why;
	x->cur = -1;
	if ((x->heading = buf_new(len + 16)) == NULL ||
	    (x->other = buf_new(len + 16)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < REPORT_SECTIONS; i++)
		if ((x->sec[i] = buf_new(2 * len + 16)) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
	/* a UTF-8 byte order mark, as some editors write */
	if (len >= 3 && memcmp(html, "\xef\xbb\xbf", 3) == 0)
		x->p += 3;
	while (r == 0 && x->p < x->end) {
		if (*x->p == '<' && x->p + 1 < x->end && (x->p[1] == '/' ||
		    isalpha((unsigned char)x->p[1])))
			r = rp_tag(x);
		else if (*x->p == '<' && x->p + 1 < x->end && x->p[1] == '!')
			r = rp_bang(x);
		else if (*x->p == '<' && x->p + 1 < x->end && x->p[1] == '?')
			r = rp_fail(x, CS_ERR_FORMAT, "the file holds markup "
			    "a draft does not have (\"<?\")");
		else if (*x->p == '&')
			r = rp_entity(x);
		else {
			n = utf8_cut(x->p, (size_t)(x->end - x->p), 4);
			/* one whole character: the input is valid UTF-8 */
			for (i = 1; i < n && ((unsigned char)x->p[i] &
			    0xc0) == 0x80; i++)
				;
			/* controls (C0 but white space, DEL, C1): a space */
			if ((i == 1 && (((unsigned char)*x->p < 0x20 &&
			    !rp_space(*x->p)) || *x->p == 0x7f)) || (i == 2 &&
			    (unsigned char)x->p[0] == 0xc2 &&
			    (unsigned char)x->p[1] < 0xa0))
				r = rp_char(x, " ", 1);
			else
				r = rp_char(x, x->p, i);
			x->p += i;
		}
	}
	if (r != 0)
		goto out;
	if (x->in_heading && (r = rp_heading_done(x)) != 0)
		goto out;
	if (x->next < REPORT_SECTIONS) {
		r = rp_fail(x, CS_ERR_FORMAT, "the heading \"%s\" is missing: "
		    "a draft has its five headings once each, in order",
		    report_sections[x->next].heading);
		goto out;
	}
	if ((r = rp_kenmerk(x, out)) != 0)
		goto out;
	for (i = 0; i < REPORT_SECTIONS; i++) {
		if ((r = rp_lines(x->sec[i], &out->text[i])) != 0)
			goto out;
		if (out->text[i][0] == '\0') {
			r = rp_fail(x, CS_ERR_FORMAT, "the section \"%s\" is "
			    "empty", report_sections[i].heading);
			goto out;
		}
		if (strlen(out->text[i]) > SCHEMA_LONG_MAX) {
			r = rp_fail(x, CS_ERR_TOO_LARGE, "the section \"%s\" "
			    "is longer than 32 KiB", report_sections[i].heading);
			goto out;
		}
		/* the dossier's rule for long texts (schema.c) */
		if (schema_check(schema_field(schema_kind("report"),
		    report_sections[i].field), out->text[i], &vwhy) != 0) {
			r = rp_fail(x, CS_ERR_FORMAT, "the section \"%s\": %s",
			    report_sections[i].heading, vwhy);
			goto out;
		}
	}
 out:
	buf_free(x->heading);
	buf_free(x->other);
	for (i = 0; i < REPORT_SECTIONS; i++)
		buf_free(x->sec[i]);
	free(x);
	return r;
}

void
report_parsed_clear(struct report_parsed *p)
{
	size_t	i;

	for (i = 0; i < REPORT_SECTIONS; i++) {
		free(p->text[i]);
		p->text[i] = NULL;
	}
}
