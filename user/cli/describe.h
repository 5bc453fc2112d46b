/* SPDX-License-Identifier: GPL-2.0 */
/* How messages name a command: "read at offset 4096, 512 bytes". */
#ifndef URPT_CLI_DESCRIBE_H
#define URPT_CLI_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

/* offset and len only matter to commands on a range. Returns the length. */
int describe_cmd(char *buf, size_t size, uint32_t cmd_op, uint64_t offset,
		 uint32_t len);

#endif
