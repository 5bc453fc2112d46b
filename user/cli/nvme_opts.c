// SPDX-License-Identifier: GPL-2.0
/* urpt nvme: actions, opcodes and the consistency of the io options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <nvme/types.h>
#include "nvme_opts.h"

static const struct {
	const char *name;
	const char *summary;
} cli_nvme_actions[CLI_NVME_NR_ACTIONS] = {
	[CLI_NVME_ID_CTRL] = { "id-ctrl",
			       "Identify Controller (CNS 1): vid, sn, mn, fr, "
			       "mdts, nn, oncs, vwc" },
	[CLI_NVME_ID_NS]   = { "id-ns",
			       "Identify Namespace (CNS 0): sizes, LBA formats" },
	[CLI_NVME_IO]	   = { "io",
			       "one I/O command over io_uring (or --ioctl)" },
};

int cli_nvme_find_action(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < CLI_NVME_NR_ACTIONS; i++)
		if (!strcmp(name, cli_nvme_actions[i].name))
			return i;
	return -1;
}

const char *cli_nvme_action_name(enum cli_nvme_action action)
{
	return action < CLI_NVME_NR_ACTIONS ? cli_nvme_actions[action].name :
					      "unknown";
}

const char *cli_nvme_action_summary(enum cli_nvme_action action)
{
	return action < CLI_NVME_NR_ACTIONS ?
		       cli_nvme_actions[action].summary : "";
}

int cli_nvme_action_index(int argc, char **argv)
{
	if (argc > 1 && cli_nvme_find_action(argv[1]) >= 0)
		return 1;
	/* DEV first: an argument that is no option, then the action. */
	if (argc > 2 && argv[1][0] != '-' && cli_nvme_find_action(argv[2]) >= 0)
		return 2;
	return 0;
}

static const struct cli_nvme_opcode cli_nvme_opcodes[] = {
	{ "read", nvme_cmd_read, CLI_NVME_DIR_READ,
	  CLI_NVME_USES_LBA | CLI_NVME_USES_FUA },
	{ "write", nvme_cmd_write, CLI_NVME_DIR_WRITE,
	  CLI_NVME_USES_LBA | CLI_NVME_USES_FUA },
	{ "flush", nvme_cmd_flush, CLI_NVME_DIR_NONE, 0 },
	{ "write-zeroes", nvme_cmd_write_zeroes, CLI_NVME_DIR_NONE,
	  CLI_NVME_USES_LBA | CLI_NVME_USES_FUA | CLI_NVME_USES_DEAC },
	{ "dsm", nvme_cmd_dsm, CLI_NVME_DIR_WRITE,
	  CLI_NVME_USES_LBA | CLI_NVME_DSM_RANGE },
	{ "deallocate", nvme_cmd_dsm, CLI_NVME_DIR_WRITE,
	  CLI_NVME_USES_LBA | CLI_NVME_DSM_RANGE },
};

#define CLI_NVME_NR_OPCODES \
	(sizeof(cli_nvme_opcodes) / sizeof(cli_nvme_opcodes[0]))

int cli_nvme_parse_number(const char *s, uint64_t max, uint64_t *value)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull takes blanks and signs: digits only here. */
	if (!(base == 16 ? strchr("0123456789abcdefABCDEF", *s) :
			   strchr("0123456789", *s)) || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*value = v;
	return 0;
}

int cli_nvme_parse_opcode(const char *s, struct cli_nvme_opcode *op)
{
	uint64_t v;
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < CLI_NVME_NR_OPCODES; i++) {
		if (!strcmp(s, cli_nvme_opcodes[i].name)) {
			*op = cli_nvme_opcodes[i];
			if (!strcmp(op->name, "deallocate"))
				op->name = "dsm";
			return 0;
		}
	}
	if (cli_nvme_parse_number(s, 0xff, &v))
		return -EINVAL;
	for (i = 0; i < CLI_NVME_NR_OPCODES; i++) {
		/* A known opcode given by number is the named one. */
		if (cli_nvme_opcodes[i].opcode == v) {
			*op = cli_nvme_opcodes[i];
			return 0;
		}
	}
	if ((v & 3) == 3)
		return -EINVAL;	/* bidirectional: not with one buffer */
	op->name = NULL;
	op->opcode = (uint8_t)v;
	op->dir = (v & 3) == 1 ? CLI_NVME_DIR_WRITE :
		  (v & 3) == 2 ? CLI_NVME_DIR_READ : CLI_NVME_DIR_NONE;
	op->uses = CLI_NVME_USES_LBA;
	return 0;
}

uint64_t cli_nvme_io_nlb(const struct cli_nvme_io *io)
{
	return io->have_nlb ? io->nlb : 1;
}

const char *cli_nvme_io_check(const struct cli_nvme_io *io)
{
	const struct cli_nvme_opcode *op = &io->op;
	bool lba = op->uses & CLI_NVME_USES_LBA;
	uint64_t max_nlb = op->uses & CLI_NVME_DSM_RANGE ? UINT32_MAX :
							    CLI_NVME_MAX_NLB;

	if (!io->have_op)
		return "missing --opcode";
	if (lba && !io->have_slba)
		return "missing --slba (this opcode addresses logical blocks)";
	if (!lba && (io->have_slba || io->have_nlb))
		return "--slba and --nlb do not apply to this opcode";
	if (io->have_nlb && (io->nlb < 1 || io->nlb > max_nlb))
		return op->uses & CLI_NVME_DSM_RANGE ?
			       "--nlb must be between 1 and 4294967295" :
			       "--nlb must be between 1 and 65536";
	if (lba && cli_nvme_io_nlb(io) - 1 > UINT64_MAX - io->slba)
		return "--slba + --nlb goes past the last possible LBA";
	if (io->fua && !(op->uses & CLI_NVME_USES_FUA))
		return "--fua applies to read, write and write-zeroes only";
	if (io->deallocate && !(op->uses & CLI_NVME_USES_DEAC))
		return "--deallocate applies to write-zeroes only";
	if (io->input && (op->dir != CLI_NVME_DIR_WRITE ||
			  (op->uses & CLI_NVME_DSM_RANGE)))
		return "--input applies to opcodes that write data only";
	if (io->output && op->dir != CLI_NVME_DIR_READ)
		return "--output applies to opcodes that read data only";
	if (io->json && op->dir == CLI_NVME_DIR_READ && !io->output)
		return "--json with read data needs --output FILE";
	return NULL;
}
