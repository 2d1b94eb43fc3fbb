/* SPDX-License-Identifier: ISC */
/*
 * notice.c - the core's sentences for the user, handed to the face
 * (notice.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "msg.h"
#include "notice.h"
#include "util.h"

static notice_fn	 notice_handler;
static void		*notice_arg;

void
notice_set(notice_fn fn, void *arg)
{
	notice_handler = fn;
	notice_arg = arg;
}

void
notice(enum notice_level lv, const char *fmt, ...)
{
	char	text[NOTICE_MAX];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (notice_handler != NULL) {
		notice_handler(lv, text, notice_arg);
		return;
	}
	if (lv == NOTICE_INFO)
		log_info("%s", text);
	else
		log_warnx("%s", text);
}

const char *
notice_retry_when(const struct msg_error *e, char *buf, size_t len)
{
	uint32_t	s;

	if (e->retry_after_ms == 0)
		return "later";
	/* whole seconds, rounded up: never "in 0 s" */
	s = e->retry_after_ms / 1000 + (e->retry_after_ms % 1000 != 0);
	if (str_fmt(buf, len, "in %u s", (unsigned)s) != 0)
		return "later";
	return buf;
}

void
notice_reply_text(char *buf, size_t len, const char *what, int r,
    const struct msg *reply)
{
	struct msg_error	e;
	char			vis[NOTICE_MAX], when[32];
	int			is_error;

	is_error = reply != NULL && msg_get_error(reply, &e) == 0;
	if (r == CS_ERR_PEER && is_error)
		(void)snprintf(buf, len, "%s: refused by the server: %s: %s",
		    what, msg_code_name(e.code), str_vis(vis, sizeof(vis),
		    e.message, strlen(e.message)));
	else if (r == CS_ERR_RETRY && is_error)
		(void)snprintf(buf, len, "%s: the server could not do this "
		    "now (%s: %s); nothing was lost: try again %s", what,
		    msg_code_name(e.code), str_vis(vis, sizeof(vis),
		    e.message, strlen(e.message)), notice_retry_when(&e, when,
		    sizeof(when)));
	else
		(void)snprintf(buf, len, "%s: %s", what, cs_whyf(r));
}

void
notice_reply(const char *what, int r, const struct msg *reply)
{
	char	text[NOTICE_MAX];

	notice_reply_text(text, sizeof(text), what, r, reply);
	notice(NOTICE_ERROR, "%s", text);
}
