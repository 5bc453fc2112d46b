// SPDX-License-Identifier: GPL-2.0
/*
 * cli_parse_node: DEV, -v and the io_mode options of the data commands;
 * cli_parse_main: the global options, the command word and urpt help;
 * -h of every command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "global.h"
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

static int run_stub(int argc, char **argv, const struct cli_global *global)
{
	(void)argc;
	(void)argv;
	(void)global;
	return 0;
}

static const struct cli_cmd test_cmds[] = {
	{ "read", "read a range", run_stub },
	{ "nvme", "NVMe passthrough", run_stub },
};

/* What cli_parse_main() printed on stdout and stderr, and its result. */
struct main_run {
	struct cli_main m;
	error_t ret;
	char *out;
	char *err;
	char *argv0;		/* argv[0] afterwards */
};

static void run_main(struct main_run *r, int argc, char **argv)
{
	size_t out_len, err_len;

	memset(r, 0, sizeof(*r));
	r->m.cmds = test_cmds;
	r->m.nr_cmds = sizeof(test_cmds) / sizeof(test_cmds[0]);
	r->m.out = open_memstream(&r->out, &out_len);
	r->m.err = open_memstream(&r->err, &err_len);
	if (!r->m.out || !r->m.err)
		abort();
	r->ret = cli_parse_main(&r->m, argc, argv, ARGP_NO_EXIT);
	fclose(r->m.out);
	fclose(r->m.err);
	r->argv0 = argv[0];
}

static void free_run(struct main_run *r)
{
	free(r->out);
	free(r->err);
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/* urpt help, -h, -? and --help print the same: commands included. */
static void test_main_help(void)
{
	char *help[] = { "/usr/local/bin/urpt-1.1", "help", NULL };
	char *h[] = { "./urpt", "-h", NULL };
	char *q[] = { "urpt", "-?", NULL };
	char *dd[] = { "urpt", "--help", NULL };
	char *hh[] = { "urpt", "help", "help", NULL };
	struct main_run a, b, c, d, e;
	bool ok;

	run_main(&a, 2, help);
	run_main(&b, 2, h);
	run_main(&c, 2, q);
	run_main(&d, 2, dd);
	run_main(&e, 3, hh);
	ok = EXPECT(a.ret == 0 && !a.m.cmd && !a.err[0]);
	ok &= EXPECT(starts_with(a.out, "Usage: urpt [OPTION...] COMMAND [ARG...]\n"));
	ok &= EXPECT(strstr(a.out, "\nCommands:\n  read          read a range\n"
			    "  nvme          NVMe passthrough\n  help    ") != NULL);
	ok &= EXPECT(strstr(a.out, "Exit status: 0 success") != NULL);
	ok &= EXPECT(!strcmp(a.argv0, "urpt"));
	ok &= EXPECT(!strcmp(program_invocation_short_name, "urpt"));
	ok &= EXPECT(!b.m.cmd && !strcmp(a.out, b.out));
	ok &= EXPECT(!c.m.cmd && !strcmp(a.out, c.out));
	ok &= EXPECT(!d.m.cmd && !strcmp(a.out, d.out));
	ok &= EXPECT(!e.m.cmd && !strcmp(a.out, e.out));
	free_run(&a);
	free_run(&b);
	free_run(&c);
	free_run(&d);
	free_run(&e);
	tap_result(ok, "args: urpt help, urpt -h, -? and --help print the same help, with the commands");
}

/* The argv a command runs with. */
static bool cmd_argv_is(const struct main_run *r, int argc, char **argv,
			const char *const *want)
{
	char name[32], **v;
	int n, i;
	bool ok;

	n = cli_cmd_argv(&r->m, argc, argv, name, sizeof(name), &v);
	ok = EXPECT(n >= 0);
	for (i = 0; ok && i < n; i++)
		ok &= EXPECT(want[i] && v[i] && !strcmp(v[i], want[i]));
	ok &= EXPECT(ok && !want[n] && !v[n]);
	free(v);
	return ok;
}

static void test_main_cmd(void)
{
	char *run[] = { "/opt/urpt/bin/urpt.old", "-v", "read", "3",
			"--length", "4k", NULL };
	char *help_read[] = { "urpt", "help", "read", NULL };
	char *help_nvme[] = { "urpt", "help", "nvme", "id-ctrl", NULL };
	const char *const want_run[] = { "urpt read", "3", "--length", "4k",
					 NULL };
	const char *const want_read[] = { "urpt read", "--help", NULL };
	const char *const want_nvme[] = { "urpt nvme", "id-ctrl", "--help",
					  NULL };
	struct main_run r;
	bool ok;

	run_main(&r, 6, run);
	ok = EXPECT(r.ret == 0 && r.m.cmd == &test_cmds[0] && !r.m.help);
	ok &= EXPECT(r.m.global.verbose && r.m.cmd_index == 2);
	ok &= EXPECT(!r.out[0] && !r.err[0] && !strcmp(r.argv0, "urpt"));
	ok &= cmd_argv_is(&r, 6, run, want_run);
	free_run(&r);

	run_main(&r, 3, help_read);
	ok &= EXPECT(r.ret == 0 && r.m.cmd == &test_cmds[0] && r.m.help);
	ok &= EXPECT(!r.out[0] && !r.err[0]);
	ok &= cmd_argv_is(&r, 3, help_read, want_read);
	free_run(&r);

	run_main(&r, 4, help_nvme);
	ok &= EXPECT(r.ret == 0 && r.m.cmd == &test_cmds[1] && r.m.help);
	ok &= cmd_argv_is(&r, 4, help_nvme, want_nvme);
	free_run(&r);
	tap_result(ok, "args: urpt [-v] CMD ARG... runs CMD with \"urpt CMD\" as argv[0]; urpt help CMD [ARG] runs it with --help");
}

/* Errors name the program urpt, whatever argv[0] was. */
static void test_main_errors(void)
{
	char *bogus[] = { "/home/me/bin/urpt-test", "bogus", NULL };
	char *help_bogus[] = { "./u", "help", "bogus", NULL };
	char *none[] = { "../cli/urpt", NULL };
	struct main_run r;
	bool ok;

	run_main(&r, 2, bogus);
	ok = EXPECT(r.ret != 0 && !r.m.cmd && !r.out[0]);
	ok &= EXPECT(starts_with(r.err, "urpt: unknown command 'bogus'\n"
				 "Try `urpt --help' or `urpt --usage'"));
	free_run(&r);
	run_main(&r, 3, help_bogus);
	ok &= EXPECT(r.ret != 0 && !r.m.cmd);
	ok &= EXPECT(starts_with(r.err, "urpt: unknown command 'bogus'\n"));
	free_run(&r);
	run_main(&r, 1, none);
	ok &= EXPECT(r.ret != 0 && !r.m.cmd);
	ok &= EXPECT(starts_with(r.err, "urpt: missing COMMAND\n"));
	free_run(&r);
	tap_result(ok, "args: an unknown or missing command is reported as urpt's, not argv[0]'s");
}

/* -h of a command: its own help, as --help prints it. */
struct sub_help {
	FILE *out;
};

static error_t parse_sub(int key, char *arg, struct argp_state *state)
{
	struct sub_help *h = state->input;

	(void)arg;
	if (key == ARGP_KEY_INIT) {
		state->out_stream = h->out;
		state->err_stream = h->out;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp sub_argp = {
	.parser		= parse_sub,
	.args_doc	= "DEV",
	.doc		= "A command.",
	.children	= cli_help_children,
};

static char *sub_help_text(char *opt)
{
	char *argv[] = { "urpt sub", opt, NULL };
	struct sub_help h;
	size_t len;
	char *text;

	h.out = open_memstream(&text, &len);
	if (!h.out)
		abort();
	argp_parse(&sub_argp, 2, argv, ARGP_NO_EXIT, NULL, &h);
	fclose(h.out);
	return text;
}

static void test_sub_help(void)
{
	char *h = sub_help_text("-h"), *help = sub_help_text("--help");
	bool ok;

	ok = EXPECT(starts_with(h, "Usage: urpt sub [OPTION...] DEV\nA command.\n"));
	ok &= EXPECT(!strcmp(h, help));
	/* -h is not listed: -? and --help are. */
	ok &= EXPECT(!strstr(h, " -h"));
	free(h);
	free(help);
	tap_result(ok, "args: -h of a command prints its --help");
}

void test_args(void)
{
	test_args_all();
	test_args_none();
	test_args_unknown();
	test_main_help();
	test_main_cmd();
	test_main_errors();
	test_sub_help();
}
