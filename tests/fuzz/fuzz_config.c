/* SPDX-License-Identifier: ISC */
/*
 * fuzz_config.c - libFuzzer target for config_parse(), which reads a
 * file an administrator wrote (and, through config_set(), command-line
 * overrides).  Not peer input, but a typo must give an error message,
 * never a crash: the error text must be a terminated string that fits,
 * and whatever parses must leave every field within its documented
 * range and every string terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "errors.h"
#include "frame.h"
#include "log.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_config");
	return 0;
}

static int
fuzz_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;
	char		 err[256], path[64];
	char		*text;
	int		 r;

	if (size > CONFIG_FILE_MAX)
		return 0;
	/* a heap copy of exactly "size" bytes: ASan sees any overread */
	if ((text = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	memcpy(text, data, size);

	config_defaults(&c);
	memset(err, 'x', sizeof(err));
	r = config_parse(&c, text, size, err, sizeof(err));
	if (!fuzz_terminated(err, sizeof(err)))
		abort();
	if (r != 0) {
		if (r != CS_ERR_CONFIG || err[0] == '\0')
			abort();
		goto out;
	}
	if (!fuzz_terminated(c.listen_host, sizeof(c.listen_host)) ||
	    !fuzz_terminated(c.listen_port, sizeof(c.listen_port)) ||
	    !fuzz_terminated(c.server_name, sizeof(c.server_name)) ||
	    !fuzz_terminated(c.data_dir, sizeof(c.data_dir)) ||
	    !fuzz_terminated(c.user, sizeof(c.user)))
		abort();
	if (c.listen_host[0] == '\0' || c.listen_port[0] == '\0' ||
	    (c.data_dir[0] != '\0' && c.data_dir[0] != '/') ||
	    c.workers > 64 || c.max_connections < 1 ||
	    c.max_connections > 1000000 ||
	    c.handshake_timeout_ms < 1000 ||
	    c.handshake_timeout_ms > 600 * 1000 ||
	    c.idle_timeout_ms < 1000 || c.idle_timeout_ms > 86400 * 1000 ||
	    c.hello_timeout_ms < 1000 ||
	    c.hello_timeout_ms > CONFIG_HELLO_TIMEOUT_MAX * 1000 ||
	    c.max_pending_per_address < 1 ||
	    c.max_pending_per_address > 1000000 ||
	    c.max_frame < CONFIG_MAX_FRAME_MIN ||
	    c.max_frame > FRAME_MAX_LIMIT ||
	    c.device_cert_lifetime < 1 ||
	    c.device_cert_lifetime > 365 * 86400 ||
	    c.enroll_fail_limit < 1 || c.enroll_fail_limit > 1000 ||
	    c.enroll_fail_window < 1 || c.enroll_fail_window > 86400)
		abort();
	(void)config_check(&c, err, sizeof(err));
	(void)config_path(&c, "casesync.db", path, sizeof(path));
 out:
	free(text);
	return 0;
}
