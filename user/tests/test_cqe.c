// SPDX-License-Identifier: GPL-2.0
/* Decoding the first extra word of a 32-byte CQE (URPT_RES2_*). */
#include <string.h>
#include <liburpt.h>
#include "tap.h"

union cqe32 {
	struct io_uring_cqe cqe;
	unsigned char bytes[32];
};

struct cqe_case {
	const char *name;
	int32_t res;
	uint32_t status;
	uint32_t bios;
	uint64_t ns;
};

static const struct cqe_case cqe_cases[] = {
	{ "a plain success",	4096,	0,	1,	12345 },
	{ "an I/O error",	-5,	10,	3,	1000000 },
	{ "a refused command",	-22,	0,	0,	0 },
	{ "saturated fields",	-28,	0xff,	0xff,	URPT_RES2_NS_MASK },
	{ "one bit each",	0,	1,	1,	1 },
};

static uint64_t encode_res2(uint32_t status, uint32_t bios, uint64_t ns)
{
	return (uint64_t)status << URPT_RES2_STATUS_SHIFT |
	       (uint64_t)bios << URPT_RES2_BIOS_SHIFT |
	       ns << URPT_RES2_NS_SHIFT;
}

static void test_cqe_case(const struct cqe_case *c)
{
	union cqe32 u;
	struct urpt_result r;
	bool ok;

	memset(u.bytes, 0xa5, sizeof(u.bytes));
	u.cqe.res = c->res;
	u.cqe.big_cqe[0] = encode_res2(c->status, c->bios, c->ns);
	/* The second word is reserved: garbage there must not leak in. */
	u.cqe.big_cqe[1] = UINT64_MAX;
	memset(&r, 0xff, sizeof(r));
	urpt_cqe_decode(&u.cqe, &r);
	ok = EXPECT(r.res == c->res);
	ok &= EXPECT(r.blk_status == c->status);
	ok &= EXPECT(r.bios == c->bios);
	ok &= EXPECT(r.driver_ns == c->ns);
	ok &= EXPECT(urpt_cqe_blk_status(&u.cqe) == c->status);
	ok &= EXPECT(urpt_cqe_bios(&u.cqe) == c->bios);
	ok &= EXPECT(urpt_cqe_driver_ns(&u.cqe) == c->ns);
	ok &= EXPECT(urpt_cqe_res2(&u.cqe) == u.cqe.big_cqe[0]);
	tap_result(ok, "cqe: decode %s", c->name);
}

static void test_cqe_layout(void)
{
	bool ok = EXPECT(offsetof(struct io_uring_cqe, big_cqe) == 16);

	ok &= EXPECT(URPT_RES2_NS_SHIFT + 48 == 64);
	ok &= EXPECT((URPT_RES2_STATUS_MASK << URPT_RES2_STATUS_SHIFT &
		      URPT_RES2_BIOS_MASK << URPT_RES2_BIOS_SHIFT) == 0);
	ok &= EXPECT((URPT_RES2_BIOS_MASK << URPT_RES2_BIOS_SHIFT &
		      URPT_RES2_NS_MASK << URPT_RES2_NS_SHIFT) == 0);
	tap_result(ok, "cqe: the extra word's fields do not overlap and fill 64 bits");
}

void test_cqe(void)
{
	size_t i;

	for (i = 0; i < sizeof(cqe_cases) / sizeof(cqe_cases[0]); i++)
		test_cqe_case(&cqe_cases[i]);
	test_cqe_layout();
}
