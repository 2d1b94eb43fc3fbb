/* SPDX-License-Identifier: ISC */
/*
 * msg_session.h - the session's own messages: Hello, Welcome (with the
 * peer's Identity and the Limits), Ping, Pong, Watch, Notify, and the
 * CaseAck that answers the case and team requests.  See msg.h for the
 * conventions (plain structs, borrowed strings, getters and encoders).
 */
#ifndef MSG_SESSION_H
#define MSG_SESSION_H

#include <stdint.h>

#include "msg.h"

struct msg_hello {
	uint32_t	 protocol_version;
	const char	*client_version;
	const char	*device_id;		/* "" before enrollment */
	uint64_t	 sync_counter;		/* 0: not stated */
};

/* Who the peer is (Welcome, EnrollResponse). */
struct msg_identity {
	const char	*device_id;
	const char	*device_name;
	const char	*user_id;
	const char	*user_name;
	const char	*role;
	const char	*office;
	int64_t		 cert_not_after;
};

struct msg_welcome {
	const char	*server_version;
	int64_t		 server_time;
	int		 has_limits;
	uint32_t	 max_frame;
	uint32_t	 idle_timeout_ms;
	int		 has_identity;
	struct msg_identity identity;
	int64_t		 generation;		/* wire.c: each fits */
	int64_t		 restore_seq;
	int64_t		 backup_time;
	int64_t		 server_seq;
	/* where laptops reach the service (netaddr.h): 0..8, in order */
	const char *const *addresses;
	size_t		 n_addresses;
	/*
	 * How laptops' reports name professionals (config report_names):
	 * "", "names" or "roles" from this server; a word of at most
	 * WIRE_REPORT_NAMES_MAX bytes of [a-z] from a newer one (wire.c).
	 */
	const char	*report_names;
};

int		msg_get_hello(const struct msg *, struct msg_hello *);
struct msg_out	msg_out_hello(const struct msg_hello *);
int		msg_get_welcome(const struct msg *, struct msg_welcome *);
struct msg_out	msg_out_welcome(const struct msg_welcome *);

/* Ping and Pong carry up to WIRE_PING_MAX bytes, echoed. */
int		msg_get_ping(const struct msg *, struct msg_bytes *);
struct msg_out	msg_out_ping(const struct msg_bytes *);
int		msg_get_pong(const struct msg *, struct msg_bytes *);
struct msg_out	msg_out_pong(const struct msg_bytes *);

/* Watch has no fields; Notify and CaseAck carry one sequence number. */
struct msg_out	msg_out_watch(void);
int		msg_get_notify(const struct msg *, uint64_t *seq);
struct msg_out	msg_out_notify(const uint64_t *seq);
int		msg_get_case_ack(const struct msg *, uint64_t *seq);
struct msg_out	msg_out_case_ack(const uint64_t *seq);

#endif /* MSG_SESSION_H */
