/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line up to the command: urpt [-v] COMMAND [ARG...],
 * urpt help [COMMAND [ACTION]], urpt -h, -? or --help. The table of
 * commands is the caller's (urpt.c), so that the unit tests can parse
 * with one of their own.
 */
#ifndef URPT_CLI_GLOBAL_H
#define URPT_CLI_GLOBAL_H

#include <stdio.h>
#include "cli.h"

/* What every message starts with, whatever argv[0] said. */
#define CLI_NAME	"urpt"

struct cli_main {
	const struct cli_cmd *cmds;	/* in: the commands, nr_cmds of them */
	size_t nr_cmds;
	FILE *out;			/* in: help output; NULL: stdout */
	FILE *err;			/* in: argp's errors; NULL: stderr */
	struct cli_global global;
	const struct cli_cmd *cmd;	/* the command to run; NULL: none */
	int cmd_index;			/* its name's index in argv */
	bool help;			/* urpt help CMD: run CMD --help */
};

/*
 * Parse the global options and find the command. argv[0] becomes "urpt"
 * first (so do program_invocation_name and its short form): getopt and
 * argp name the program by it. flags are argp_parse()'s (ARGP_NO_EXIT
 * for the tests); returns what it returns. Help printed (urpt help, -h)
 * leaves m->cmd NULL.
 */
error_t cli_parse_main(struct cli_main *m, int argc, char **argv,
		       unsigned int flags);

/*
 * The argv m->cmd runs with: "urpt NAME" as argv[0] (written into name,
 * size bytes), then the words after NAME, then "--help" for urpt help.
 * Returns its argc, or -ENOMEM; *sub_argv is the caller's to free.
 */
int cli_cmd_argv(const struct cli_main *m, int argc, char **argv,
		 char *name, size_t size, char ***sub_argv);

#endif
