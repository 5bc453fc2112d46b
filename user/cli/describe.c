// SPDX-License-Identifier: GPL-2.0
/* How messages name a command: "read at offset 4096, 512 bytes". */
#include <stdio.h>
#include <liburpt.h>
#include "describe.h"

int describe_cmd(char *buf, size_t size, uint32_t cmd_op, uint64_t offset,
		 uint32_t len)
{
	const char *name = urpt_cmd_name(cmd_op);

	switch (cmd_op) {
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
	case URPT_CMD_DISCARD:
	case URPT_CMD_WRITE_ZEROES:
		return snprintf(buf, size, "%s at offset %llu, %u bytes", name,
				(unsigned long long)offset, len);
	}
	return snprintf(buf, size, "%s", name);
}
