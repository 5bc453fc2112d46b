// SPDX-License-Identifier: GPL-2.0
/* urpt flush DEV */
#include <fcntl.h>
#include "cli.h"

struct flush_args {
	const char *dev;
	bool verbose;
};

static const struct argp_option flush_options[] = {
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_flush(int key, char *arg, struct argp_state *state)
{
	struct flush_args *a = state->input;

	switch (key) {
	case 'v':
	case CLI_OPT_DETAILS:
		a->verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->dev)
			argp_error(state, "unexpected argument '%s'", arg);
		a->dev = arg;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing DEV (/dev/urptN or N)");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp flush_argp = {
	.options	= flush_options,
	.parser		= parse_flush,
	.args_doc	= "DEV",
	.doc		= "Flush the volatile write cache of the disk behind DEV "
			  "(/dev/urptN, or just N), so that completed writes "
			  "survive a power loss. DEV is opened for writing."
			  "\v" CLI_EXIT_DOC,
};

int cmd_flush(int argc, char **argv, const struct cli_global *global)
{
	struct flush_args a = { .verbose = global->verbose };
	struct cli_dev d;
	int ret;

	argp_parse(&flush_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_open(&d, a.dev, O_RDWR, a.verbose);
	if (ret)
		return ret;
	ret = cli_dev_flush(&d);
	cli_dev_close(&d);
	return ret;
}
