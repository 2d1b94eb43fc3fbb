/* SPDX-License-Identifier: ISC */
/*
 * msg_case_pb.h - inside proto/ only: a CaseInfo between its plain form
 * (msg_case.h) and the generated one, for msg_case.c and the preview
 * in a TransferInfo (msg_transfer.c).
 */
#ifndef MSG_CASE_PB_H
#define MSG_CASE_PB_H

#include "msg_case.h"
#include "msg_int.h"
#include "wire.h"

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
