/* SPDX-License-Identifier: ISC */
/*
 * msg_case_pb.h - inside proto/ only: a CaseInfo between its plain form
 * (msg_case.h) and the generated one, for msg_case.c and the preview
 * in a TransferInfo (msg_transfer.c), and the encoders' common steps.
 */
#ifndef MSG_CASE_PB_H
#define MSG_CASE_PB_H

#include "msg_case.h"
#include "wire.h"

/* protobuf-c wants char * for strings it only reads */
#define MSG_PB_STR(s)	((char *)(uintptr_t)((s) != NULL ? (s) : ""))

/* An encoder's "env" for request "id": an Envelope of "type", "ptr". */
#define MSG_PB_ENV(field, type, ptr) do {				\
	casesync__v1__envelope__init(&env);				\
	env.id = id;							\
	env.msg_case = (type);						\
	env.field = (ptr);						\
} while (0)

/* "in" was validated (wire_case_info_ok): at most MSG_DEADLINES_MAX. */
void	msg_case_info_get(const Casesync__V1__CaseInfo *in,
	    struct msg_case_info *out);

/* The generated form of one CaseInfo: "out" points into "in" and "pb". */
struct msg_case_info_pb {
	Casesync__V1__CaseInfo		 info;
	Casesync__V1__CaseDeadline	 dl[MSG_DEADLINES_MAX];
	Casesync__V1__CaseDeadline	*dlp[MSG_DEADLINES_MAX];
};
/* CS_ERR_INTERNAL if "in" has more deadlines than a CaseInfo may. */
int	msg_case_info_put(const struct msg_case_info *in,
	    struct msg_case_info_pb *pb);

#endif /* MSG_CASE_PB_H */
