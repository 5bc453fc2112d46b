// SPDX-License-Identifier: GPL-2.0
/*
 * urpt: attach block disks to urpt.ko and send them io_uring passthrough
 * commands. argv[1] (after global options) names the subcommand, which
 * parses the rest with its own argp; global.c parses up to it.
 */
#include <stdlib.h>
#include <stdio.h>
#include "cli.h"
#include "global.h"

#define URPT_CLI_VERSION	"1.2.0"
#define STRINGIFY(x)		#x
#define TO_STRING(x)		STRINGIFY(x)

const char *argp_program_version =
	"urpt " URPT_CLI_VERSION " (urpt ABI " TO_STRING(URPT_ABI_VERSION) ")";

static const struct cli_cmd cli_cmds[] = {
	{ "attach", "attach a block disk, print its /dev/urptN", cmd_attach },
	{ "detach", "detach /dev/urptN from its disk", cmd_detach },
	{ "list",   "list attached disks", cmd_list },
	{ "info",   "show what a /dev/urptN node reports", cmd_info },
	{ "read",   "read a range of the disk to stdout or a file", cmd_read },
	{ "write",  "write stdin or a file at an offset of the disk", cmd_write },
	{ "flush",  "flush the disk's volatile write cache", cmd_flush },
	{ "discard", "discard (trim) a range of the disk", cmd_discard },
	{ "write-zeroes", "zero a range of the disk without sending data",
	  cmd_write_zeroes },
	{ "verify", "write a pattern over a range, read it back, compare",
	  cmd_verify },
	{ "bench", "measure IOPS and latency of urpt, O_DIRECT or NVMe passthrough",
	  cmd_bench },
	{ "nvme",  "NVMe passthrough (libnvme): id-ctrl, id-ns, io",
	  cmd_nvme },
	{ "zones", "report the zones of a zoned disk", cmd_zones },
	{ "zone", "reset, open, close or finish a zone", cmd_zone },
	{ "append", "append data to a zone, print where it landed",
	  cmd_append },
};

#define CLI_NR_CMDS	(sizeof(cli_cmds) / sizeof(cli_cmds[0]))

/* argv for the command, with "urpt NAME" as argv[0] for its messages. */
static int run_cmd(const struct cli_main *m, int argc, char **argv)
{
	char name[32], **sub_argv;
	int sub_argc, ret;

	sub_argc = cli_cmd_argv(m, argc, argv, name, sizeof(name), &sub_argv);
	if (sub_argc < 0) {
		report("out of memory");
		return CLI_EXIT_FAILED;
	}
	ret = m->cmd->run(sub_argc, sub_argv, &m->global);
	free(sub_argv);
	return ret;
}

int main(int argc, char **argv)
{
	struct cli_main m = { .cmds = cli_cmds, .nr_cmds = CLI_NR_CMDS };

	argp_err_exit_status = CLI_EXIT_USAGE;
	if (cli_parse_main(&m, argc, argv, 0))
		return CLI_EXIT_USAGE;
	/* Only urpt help leaves no command, and it exits after the help. */
	if (!m.cmd)
		return CLI_EXIT_OK;
	return run_cmd(&m, argc, argv);
}
