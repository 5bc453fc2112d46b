// SPDX-License-Identifier: GPL-2.0
/*
 * urpt: attach block disks to urpt.ko and send them io_uring passthrough
 * commands. argv[1] (after global options) names the subcommand, which
 * parses the rest with its own argp.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

#define URPT_CLI_VERSION	"1.1.0"
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
};

#define CLI_NR_CMDS	(sizeof(cli_cmds) / sizeof(cli_cmds[0]))

struct cli_main {
	struct cli_global global;
	const struct cli_cmd *cmd;
	int cmd_index;		/* of the command's name in argv */
};

static const struct cli_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < CLI_NR_CMDS; i++)
		if (!strcmp(name, cli_cmds[i].name))
			return &cli_cmds[i];
	return NULL;
}

static const struct argp_option global_options[] = {
	{ "verbose", 'v', NULL, 0,
	  "Print each command's completion details on stderr", 0 },
	{ 0 }
};

static error_t parse_global(int key, char *arg, struct argp_state *state)
{
	struct cli_main *m = state->input;

	(void)arg;
	switch (key) {
	case 'v':
		m->global.verbose = true;
		return 0;
	case ARGP_KEY_ARGS:
		/* The command and everything after it belong to the command. */
		m->cmd_index = state->next;
		m->cmd = find_cmd(state->argv[state->next]);
		if (!m->cmd)
			argp_error(state, "unknown command '%s'",
				   state->argv[state->next]);
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing COMMAND");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* The command list and exit codes, after the options in --help. */
static char *help_filter(int key, const char *text, void *input)
{
	char *doc, *p;
	size_t i, len;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC || !text)
		return (char *)text;
	len = strlen(text) + 1;
	for (i = 0; i < CLI_NR_CMDS; i++)
		len += strlen(cli_cmds[i].name) + strlen(cli_cmds[i].summary) + 16;
	len += sizeof(CLI_EXIT_DOC) + 64;
	doc = malloc(len);
	if (!doc)
		return (char *)text;
	p = doc + sprintf(doc, "Commands:\n");
	for (i = 0; i < CLI_NR_CMDS; i++)
		p += sprintf(p, "  %-14s%s\n", cli_cmds[i].name,
			     cli_cmds[i].summary);
	sprintf(p, "\n%s\n\n%s", text, CLI_EXIT_DOC);
	return doc;
}

static const struct argp global_argp = {
	.options	= global_options,
	.parser		= parse_global,
	.args_doc	= "COMMAND [ARG...]",
	.doc		= "io_uring passthrough for any block disk: attach disks "
			  "to urpt.ko and send commands to /dev/urptN nodes."
			  "\vRun 'urpt COMMAND --help' for the arguments and "
			  "options of a command.",
	.help_filter	= help_filter,
};

/* argv for the command, with "urpt NAME" as argv[0] for its messages. */
static int run_cmd(const struct cli_main *m, int argc, char **argv)
{
	int sub_argc = argc - m->cmd_index, ret;
	char **sub_argv = calloc(sub_argc + 1, sizeof(*sub_argv));
	char name[32];

	if (!sub_argv) {
		report("out of memory");
		return CLI_EXIT_FAILED;
	}
	snprintf(name, sizeof(name), "urpt %s", m->cmd->name);
	sub_argv[0] = name;
	memcpy(sub_argv + 1, argv + m->cmd_index + 1,
	       (sub_argc - 1) * sizeof(*sub_argv));
	ret = m->cmd->run(sub_argc, sub_argv, &m->global);
	free(sub_argv);
	return ret;
}

int main(int argc, char **argv)
{
	struct cli_main m = { 0 };

	argp_err_exit_status = CLI_EXIT_USAGE;
	if (argp_parse(&global_argp, argc, argv, ARGP_IN_ORDER, NULL, &m))
		return CLI_EXIT_USAGE;
	return run_cmd(&m, argc, argv);
}
