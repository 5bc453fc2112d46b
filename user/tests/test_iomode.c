// SPDX-License-Identifier: GPL-2.0
/* io_mode: which URPT_F_* flags and features an option set needs. */
#include <liburpt.h>
#include "iomode.h"
#include "tap.h"

static void test_iomode_flags(void)
{
	struct io_mode all = { .fua = true, .bounce = true, .no_unmap = true,
			       .fixed = true, .poll = true };
	struct io_mode none = { 0 };
	bool ok;

	ok = EXPECT(io_mode_cmd_flags(&all, URPT_CMD_WRITE) ==
		    (URPT_F_FUA | URPT_F_BOUNCE));
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_WRITEV) ==
		     (URPT_F_FUA | URPT_F_BOUNCE));
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_READ) == URPT_F_BOUNCE);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_READV) == URPT_F_BOUNCE);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_WRITE_ZEROES) ==
		     URPT_F_NOUNMAP);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_ZONE_APPEND) ==
		     (URPT_F_FUA | URPT_F_BOUNCE));
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_ZONE_MGMT) == 0);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_REPORT_ZONES) == 0);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_DISCARD) == 0);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_FLUSH) == 0);
	ok &= EXPECT(io_mode_cmd_flags(&all, URPT_CMD_INFO) == 0);
	ok &= EXPECT(io_mode_cmd_flags(&none, URPT_CMD_WRITE) == 0);
	ok &= EXPECT(io_mode_ctx(&all) == (URPT_CTX_FIXED | URPT_CTX_IOPOLL));
	ok &= EXPECT(io_mode_ctx(&none) == 0);
	tap_result(ok, "iomode: each command gets only the flags urpt.h allows it");
}

static void test_iomode_missing(void)
{
	struct io_mode fixed = { .fixed = true }, poll = { .poll = true };
	const uint64_t all = URPT_FEAT_DISCARD | URPT_FEAT_WRITE_ZEROES |
			     URPT_FEAT_FIXED | URPT_FEAT_FIXED_VEC;
	bool ok;

	ok = EXPECT(io_mode_missing(&poll, URPT_CMD_DISCARD, 0, 0, 0) ==
		    URPT_FEAT_DISCARD);
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_DISCARD,
				     URPT_FEAT_DISCARD, 0, 0) ==
		     URPT_FEAT_DISCARD);
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_DISCARD, all, 4096, 0)
		     == 0);
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_WRITE_ZEROES, all, 4096,
				     0) == URPT_FEAT_WRITE_ZEROES);
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_WRITE_ZEROES, all, 0,
				     4096) == 0);
	ok &= EXPECT(io_mode_missing(&fixed, URPT_CMD_READ, 0, 0, 0) ==
		     URPT_FEAT_FIXED);
	ok &= EXPECT(io_mode_missing(&fixed, URPT_CMD_WRITE, URPT_FEAT_FIXED,
				     0, 0) == 0);
	ok &= EXPECT(io_mode_missing(&fixed, URPT_CMD_READV, URPT_FEAT_FIXED,
				     0, 0) == URPT_FEAT_FIXED_VEC);
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_ZONE_APPEND, all, 0, 0) ==
		     URPT_FEAT_ZONED);
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_REPORT_ZONES,
				     URPT_FEAT_ZONED, 0, 0) == 0);
	/* --poll needs no feature: unpolled commands complete by interrupt. */
	ok &= EXPECT(io_mode_missing(&poll, URPT_CMD_READ, 0, 0, 0) == 0);
	tap_result(ok, "iomode: discard, write zeroes, zone commands and --fixed name the feature the disk lacks");
}

void test_iomode(void)
{
	test_iomode_flags();
	test_iomode_missing();
}
