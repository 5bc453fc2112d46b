// SPDX-License-Identifier: GPL-2.0
/* urpt flush DEV */
#include <fcntl.h>
#include "cli.h"

struct flush_args {
	struct cli_node_args node;
};

static const struct argp_option flush_options[] = {
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_flush(int key, char *arg, struct argp_state *state)
{
	struct flush_args *a = state->input;

	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp flush_argp = {
	.options	= flush_options,
	.parser		= parse_flush,
	.args_doc	= "DEV",
	.doc		= "Flush the volatile write cache of the disk behind DEV "
			  "(/dev/urptN, or just N), so that completed writes "
			  "survive a power loss. DEV is opened for writing."
			  "\v" CLI_EXIT_DOC,
	.children	= cli_help_children,
};

int cmd_flush(int argc, char **argv, const struct cli_global *global)
{
	struct flush_args a = { .node.verbose = global->verbose };
	struct cli_dev d;
	int ret;

	argp_parse(&flush_argp, argc, argv, 0, NULL, &a);
	/* No INFO: nothing is sent but the FLUSH. */
	ret = cli_dev_open(&d, a.node.dev, O_RDWR, a.node.verbose);
	if (ret)
		return ret;
	ret = cli_dev_flush(&d);
	cli_dev_close(&d);
	return ret;
}
