// SPDX-License-Identifier: GPL-2.0
/* Option parsing shared by the subcommands. */
#include "cli.h"
#include "size.h"

/* A bad SIZE is a usage error: argp prints it with a hint and exits 2. */
void cli_parse_size(struct argp_state *state, const char *option,
		    const char *arg, uint64_t *bytes)
{
	enum size_error err = parse_size(arg, bytes);

	if (err)
		argp_error(state, "invalid size '%s' for %s: %s", arg, option,
			   size_error_text(err));
}

/* A plain number within [min, max]; else a usage error. */
void cli_parse_count(struct argp_state *state, const char *option,
		     const char *arg, uint64_t min, uint64_t max,
		     uint64_t *value)
{
	enum size_error err = parse_count(arg, value);

	if (err)
		argp_error(state, "invalid number '%s' for %s: %s", arg, option,
			   err == SIZE_OVERFLOW ? "too large" :
						  size_error_text(err));
	else if (*value < min || *value > max)
		argp_error(state, "%s must be between %llu and %llu, not %s",
			   option, (unsigned long long)min,
			   (unsigned long long)max, arg);
}

/* The one positional argument: a second one is a usage error. */
void cli_parse_arg(struct argp_state *state, char *arg, const char **dst)
{
	if (*dst)
		argp_error(state, "unexpected argument '%s'", arg);
	*dst = arg;
}

void cli_need_dev(struct argp_state *state, const char *dev)
{
	if (!dev)
		argp_error(state, "missing DEV (/dev/urptN or N)");
}

/*
 * DEV, --verbose and the options of struct io_mode, for the commands on
 * a data node; called for the keys a command's own parser leaves.
 * Options a command does not list never reach it.
 */
error_t cli_parse_node(int key, char *arg, struct argp_state *state,
		       struct cli_node_args *n)
{
	switch (key) {
	case CLI_OPT_FUA:
		n->mode.fua = true;
		return 0;
	case CLI_OPT_BOUNCE:
		n->mode.bounce = true;
		return 0;
	case CLI_OPT_NO_UNMAP:
		n->mode.no_unmap = true;
		return 0;
	case CLI_OPT_FIXED:
		n->mode.fixed = true;
		return 0;
	case CLI_OPT_POLL:
		n->mode.poll = true;
		return 0;
	case 'v':
	case CLI_OPT_DETAILS:
		n->verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		cli_parse_arg(state, arg, &n->dev);
		return 0;
	case ARGP_KEY_END:
		cli_need_dev(state, n->dev);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* -h, as -? and --help: the same help, by the letter most tools take. */
static error_t parse_help(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	if (key != 'h')
		return ARGP_ERR_UNKNOWN;
	argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
	return 0;
}

static const struct argp_option help_options[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 0 },
	{ 0 }
};

static const struct argp help_argp = {
	.options	= help_options,
	.parser		= parse_help,
};

const struct argp_child cli_help_children[] = {
	{ &help_argp, 0, NULL, 0 },
	{ 0 }
};
