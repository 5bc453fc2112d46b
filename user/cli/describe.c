// SPDX-License-Identifier: GPL-2.0
/* How messages name a command: "read at offset 4096, 512 bytes". */
#include <stdio.h>
#include <liburpt.h>
#include "describe.h"

int describe_cmd(char *buf, size_t size, uint32_t cmd_op, uint64_t offset,
		 uint32_t len)
{
	const char *name = urpt_cmd_name(cmd_op);

	if (cmd_op == URPT_CMD_READ || cmd_op == URPT_CMD_WRITE)
		return snprintf(buf, size, "%s at offset %llu, %u bytes", name,
				(unsigned long long)offset, len);
	return snprintf(buf, size, "%s", name);
}
