// SPDX-License-Identifier: MIT
/* Names of the urpt commands, as tools print them. */
#include <liburpt.h>

const char *urpt_cmd_name(uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_INFO:
		return "info";
	case URPT_CMD_READ:
		return "read";
	case URPT_CMD_WRITE:
		return "write";
	case URPT_CMD_FLUSH:
		return "flush";
	case URPT_CMD_READV:
		return "readv";
	case URPT_CMD_WRITEV:
		return "writev";
	case URPT_CMD_DISCARD:
		return "discard";
	case URPT_CMD_WRITE_ZEROES:
		return "write-zeroes";
	case URPT_CMD_REPORT_ZONES:
		return "report-zones";
	case URPT_CMD_ZONE_MGMT:
		return "zone-mgmt";
	case URPT_CMD_ZONE_APPEND:
		return "zone-append";
	}
	return "unknown";
}
