/* SPDX-License-Identifier: ISC */
/*
 * msg_int.h - helpers shared by the msg_*.c families inside proto/ (not
 * for code outside proto/: it names the generated types).
 */
#ifndef MSG_INT_H
#define MSG_INT_H

#include <stdint.h>

#include "msg_session.h"
#include "wire.h"

/* protobuf-c wants char * for strings it only reads */
#define PB_STR(s)	((char *)(uintptr_t)((s) != NULL ? (s) : ""))
/* ... and char ** for arrays of them */
#define PB_STRV(v)	((char **)(uintptr_t)(v))
/* ... and uint8_t * for bytes it only reads */
#define PB_BYTES(b)	((ProtobufCBinaryData){ (b).len, \
			    (uint8_t *)(uintptr_t)(b).p })

/* An encoder's "env" for request "id": an Envelope of "type", "ptr". */
#define PB_ENV(field, type, ptr) do {					\
	casesync__v1__envelope__init(&env);				\
	env.id = id;							\
	env.msg_case = (type);						\
	env.field = (ptr);						\
} while (0)

/* A bytes field of a received message, borrowed. */
static inline struct msg_bytes
pb_bytes_get(const ProtobufCBinaryData *b)
{
	return (struct msg_bytes){ b->data, b->len };
}

/* Identity (Welcome, EnrollResponse): wire.c checked the strings. */
void	identity_get(const Casesync__V1__Identity *, struct msg_identity *);
void	identity_put(const struct msg_identity *, Casesync__V1__Identity *);

#endif /* MSG_INT_H */
