// SPDX-License-Identifier: GPL-2.0
/* How a command is sent; see iomode.h. */
#include <liburpt.h>
#include "iomode.h"

static bool is_write(uint32_t cmd_op)
{
	return cmd_op == URPT_CMD_WRITE || cmd_op == URPT_CMD_WRITEV ||
	       cmd_op == URPT_CMD_ZONE_APPEND;
}

static bool moves_data(uint32_t cmd_op)
{
	return is_write(cmd_op) || cmd_op == URPT_CMD_READ ||
	       cmd_op == URPT_CMD_READV;
}

uint32_t io_mode_cmd_flags(const struct io_mode *mode, uint32_t cmd_op)
{
	uint32_t flags = 0;

	if (mode->fua && is_write(cmd_op))
		flags |= URPT_F_FUA;
	if (mode->bounce && moves_data(cmd_op))
		flags |= URPT_F_BOUNCE;
	if (mode->no_unmap && cmd_op == URPT_CMD_WRITE_ZEROES)
		flags |= URPT_F_NOUNMAP;
	return flags;
}

unsigned int io_mode_ctx(const struct io_mode *mode)
{
	return (mode->fixed ? URPT_CTX_FIXED : 0) |
	       (mode->poll ? URPT_CTX_IOPOLL : 0);
}

uint64_t io_mode_missing(const struct io_mode *mode, uint32_t cmd_op,
			 uint64_t features, uint32_t max_discard,
			 uint32_t max_write_zeroes)
{
	if (cmd_op == URPT_CMD_DISCARD &&
	    (!(features & URPT_FEAT_DISCARD) || !max_discard))
		return URPT_FEAT_DISCARD;
	if (cmd_op == URPT_CMD_WRITE_ZEROES &&
	    (!(features & URPT_FEAT_WRITE_ZEROES) || !max_write_zeroes))
		return URPT_FEAT_WRITE_ZEROES;
	if ((cmd_op == URPT_CMD_REPORT_ZONES || cmd_op == URPT_CMD_ZONE_MGMT ||
	     cmd_op == URPT_CMD_ZONE_APPEND) && !(features & URPT_FEAT_ZONED))
		return URPT_FEAT_ZONED;
	if (mode->fixed && (cmd_op == URPT_CMD_READ || cmd_op == URPT_CMD_WRITE) &&
	    !(features & URPT_FEAT_FIXED))
		return URPT_FEAT_FIXED;
	if (mode->fixed && (cmd_op == URPT_CMD_READV ||
			    cmd_op == URPT_CMD_WRITEV) &&
	    !(features & URPT_FEAT_FIXED_VEC))
		return URPT_FEAT_FIXED_VEC;
	return 0;
}
