/* SPDX-License-Identifier: ISC */
/*
 * test_errmap.c - the one CS_ERR_* -> ErrorCode map (proto/errmap.c):
 * the common codes, a family's own meaning winning over them, and
 * everything unknown (the server's own failures) being INTERNAL.
 */
#include "errmap.h"
#include "errors.h"
#include "test.h"

static void
test_common(void)
{
	TEST_START("errmap: common codes, the same in every family");
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_AUTH), WERR_FORBIDDEN);
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_FORMAT), WERR_BAD_REQUEST);
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_NOT_FOUND),
	    WERR_BAD_REQUEST);
	/* once INTERNAL in one place and BAD_REQUEST in another */
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_EXISTS), WERR_BAD_REQUEST);
	ASSERT_INT_EQ(wire_code_of(WCTX_CASE, CS_ERR_EXISTS),
	    WERR_BAD_REQUEST);
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_RATE), WERR_RATE_LIMITED);
	ASSERT_INT_EQ(wire_code_of(WCTX_CASE, CS_ERR_AUTH), WERR_FORBIDDEN);
	TEST_DONE();
}

static void
test_families(void)
{
	TEST_START("errmap: a family's own meaning of a result");
	ASSERT_INT_EQ(wire_code_of(WCTX_CASE, CS_ERR_STATE),
	    WERR_INVALID_STATE);
	ASSERT_INT_EQ(wire_code_of(WCTX_TRANSFER, CS_ERR_STATE),
	    WERR_TRANSFER_DECIDED);
	ASSERT_INT_EQ(wire_code_of(WCTX_MEMBER, CS_ERR_STATE),
	    WERR_REGISSEUR_REQUIRED);
	ASSERT_INT_EQ(wire_code_of(WCTX_CASE, CS_ERR_LIMIT), WERR_TIME_LIMIT);
	ASSERT_INT_EQ(wire_code_of(WCTX_CASE, CS_ERR_APPROVAL),
	    WERR_APPROVAL_REQUIRED);
	ASSERT_INT_EQ(wire_code_of(WCTX_TRANSFER, CS_ERR_EXISTS),
	    WERR_TRANSFER_OPEN);
	ASSERT_INT_EQ(wire_code_of(WCTX_TRANSFER, CS_ERR_SELF),
	    WERR_OWN_TRANSFER);
	ASSERT_INT_EQ(wire_code_of(WCTX_GLASS, CS_ERR_RATE), WERR_GLASS_LIMIT);
	ASSERT_INT_EQ(wire_code_of(WCTX_ENROLL, CS_ERR_NOT_FOUND),
	    WERR_TOKEN_INVALID);
	ASSERT_INT_EQ(wire_code_of(WCTX_ENROLL, CS_ERR_EXPIRED),
	    WERR_TOKEN_EXPIRED);
	ASSERT_INT_EQ(wire_code_of(WCTX_RENEW, CS_ERR_EXISTS),
	    WERR_RENEW_KEY_IN_USE);
	TEST_DONE();
}

static void
test_internal(void)
{
	int	r;

	TEST_START("errmap: the server's own failures are INTERNAL");
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_DB), WERR_INTERNAL);
	ASSERT_INT_EQ(wire_code_of(WCTX_TRANSFER, CS_ERR_ALLOC),
	    WERR_INTERNAL);
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, CS_ERR_SYSTEM), WERR_INTERNAL);
	ASSERT_INT_EQ(wire_code_of(WCTX_ANY, 0), WERR_INTERNAL);
	for (r = CS_ERR_MIN; r < 0; r++)
		ASSERT_INT_NE(wire_code_of(WCTX_ANY, r), WERR_UNSPECIFIED);
	TEST_DONE();
}

int
main(void)
{
	test_common();
	test_families();
	test_internal();
	return 0;
}
