// SPDX-License-Identifier: GPL-2.0
/* cli_parse_node: DEV, -v and the io_mode options of the data commands. */
#include <string.h>
#include "cli.h"
#include "tap.h"

static const struct argp_option node_options[] = {
	{ "fua", CLI_OPT_FUA, NULL, 0, NULL, 0 },
	{ "bounce", CLI_OPT_BOUNCE, NULL, 0, NULL, 0 },
	{ "no-unmap", CLI_OPT_NO_UNMAP, NULL, 0, NULL, 0 },
	CLI_FIXED_OPTION,
	CLI_POLL_OPTION,
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_node(int key, char *arg, struct argp_state *state)
{
	return cli_parse_node(key, arg, state, state->input);
}

static const struct argp node_argp = {
	.options	= node_options,
	.parser		= parse_node,
	.args_doc	= "DEV",
};

static error_t parse(int argc, char **argv, struct cli_node_args *n)
{
	memset(n, 0, sizeof(*n));
	return argp_parse(&node_argp, argc, argv,
			  ARGP_NO_EXIT | ARGP_NO_ERRS, NULL, n);
}

static void test_args_all(void)
{
	char *argv[] = { "urpt x", "--fua", "--bounce", "--no-unmap",
			 "--fixed", "--poll", "-v", "/dev/urpt3", NULL };
	struct cli_node_args n;
	bool ok;

	ok = EXPECT(parse(8, argv, &n) == 0);
	ok &= EXPECT(n.dev && !strcmp(n.dev, "/dev/urpt3"));
	ok &= EXPECT(n.mode.fua && n.mode.bounce && n.mode.no_unmap);
	ok &= EXPECT(n.mode.fixed && n.mode.poll && n.verbose);
	tap_result(ok, "args: each node option sets its io_mode field, -v verbose");
}

static void test_args_none(void)
{
	char *argv[] = { "urpt x", "7", NULL };
	char *details[] = { "urpt x", "--details", "7", NULL };
	struct cli_node_args n;
	bool ok;

	ok = EXPECT(parse(2, argv, &n) == 0);
	ok &= EXPECT(n.dev && !strcmp(n.dev, "7"));
	ok &= EXPECT(!n.mode.fua && !n.mode.bounce && !n.mode.no_unmap);
	ok &= EXPECT(!n.mode.fixed && !n.mode.poll && !n.verbose);
	ok &= EXPECT(parse(3, details, &n) == 0 && n.verbose);
	tap_result(ok, "args: DEV alone leaves the mode clear; --details is -v");
}

static void test_args_unknown(void)
{
	struct cli_node_args n = { 0 };
	bool ok;

	ok = EXPECT(cli_parse_node('o', "0", NULL, &n) == ARGP_ERR_UNKNOWN);
	ok &= EXPECT(cli_parse_node('f', "x", NULL, &n) == ARGP_ERR_UNKNOWN);
	ok &= EXPECT(cli_parse_node(ARGP_KEY_NO_ARGS, NULL, NULL, &n) ==
		     ARGP_ERR_UNKNOWN);
	ok &= EXPECT(!n.dev && !n.verbose);
	tap_result(ok, "args: a command's own keys are left to its parser");
}

void test_args(void)
{
	test_args_all();
	test_args_none();
	test_args_unknown();
}
