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

/* "in" was validated (wire_case_info_ok): the counts are in bounds. */
void	msg_case_info_get(const Casesync__V1__CaseInfo *in,
	    struct msg_case_info *out);

/*
 * The generated form of one CaseInfo: "info" points into "in" and into
 * the arrays here, which msg_case_info_put() allocates and
 * msg_case_info_pb_free() releases (also after a failed put).
 */
struct msg_case_info_pb {
	Casesync__V1__CaseInfo		  info;
	Casesync__V1__CaseDeadline	 *dl;
	Casesync__V1__CaseDeadline	**dlp;
	Casesync__V1__ChildMeasureInfo	 *ms;
	Casesync__V1__ChildMeasureInfo	**msp;
};
/*
 * CS_ERR_INTERNAL if "in" has more deadlines or measures than a
 * CaseInfo may, CS_ERR_ALLOC.
 */
int	msg_case_info_put(const struct msg_case_info *in,
	    struct msg_case_info_pb *pb);
void	msg_case_info_pb_free(struct msg_case_info_pb *pb);

#endif /* MSG_CASE_PB_H */
