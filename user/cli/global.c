// SPDX-License-Identifier: GPL-2.0
/* The global options, the command word and urpt help. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "global.h"

static char cli_name[] = CLI_NAME;
static char help_option[] = "--help";

#define CLI_HELP_SUMMARY	"print the commands, or COMMAND's options"

static const struct cli_cmd *find_cmd(const struct cli_main *m,
				      const char *name)
{
	size_t i;

	for (i = 0; i < m->nr_cmds; i++)
		if (!strcmp(name, m->cmds[i].name))
			return &m->cmds[i];
	return NULL;
}

static const struct argp_option global_options[] = {
	{ "verbose", 'v', NULL, 0,
	  "Print each command's completion details on stderr", 0 },
	{ 0 }
};

/* urpt help [COMMAND [ARG...]], at state->next. */
static error_t parse_help_cmd(struct cli_main *m, struct argp_state *state)
{
	int name = state->next + 1;

	if (name >= state->argc || !strcmp(state->argv[name], "help")) {
		argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
		return 0;
	}
	m->cmd = find_cmd(m, state->argv[name]);
	if (!m->cmd) {
		argp_error(state, "unknown command '%s'", state->argv[name]);
		return EINVAL;
	}
	m->cmd_index = name;
	m->help = true;
	return 0;
}

static error_t parse_global(int key, char *arg, struct argp_state *state)
{
	struct cli_main *m = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		if (m->out)
			state->out_stream = m->out;
		if (m->err)
			state->err_stream = m->err;
		return 0;
	case 'v':
		m->global.verbose = true;
		return 0;
	case ARGP_KEY_ARGS:
		if (!strcmp(state->argv[state->next], "help"))
			return parse_help_cmd(m, state);
		/* The command and everything after it belong to the command. */
		m->cmd_index = state->next;
		m->cmd = find_cmd(m, state->argv[state->next]);
		if (!m->cmd) {
			argp_error(state, "unknown command '%s'",
				   state->argv[state->next]);
			return EINVAL;
		}
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing COMMAND");
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

/* The command list and exit codes, after the options in --help. */
static char *help_filter(int key, const char *text, void *input)
{
	const struct cli_main *m = input;
	char *doc, *p;
	size_t i, len;

	if (key != ARGP_KEY_HELP_POST_DOC || !text || !m)
		return (char *)text;
	len = strlen(text) + 1;
	for (i = 0; i < m->nr_cmds; i++)
		len += strlen(m->cmds[i].name) + strlen(m->cmds[i].summary) + 16;
	len += sizeof(CLI_HELP_SUMMARY) + sizeof(CLI_EXIT_DOC) + 64;
	doc = malloc(len);
	if (!doc)
		return (char *)text;
	p = doc + sprintf(doc, "Commands:\n");
	for (i = 0; i < m->nr_cmds; i++)
		p += sprintf(p, "  %-14s%s\n", m->cmds[i].name,
			     m->cmds[i].summary);
	p += sprintf(p, "  %-14s%s\n", "help", CLI_HELP_SUMMARY);
	sprintf(p, "\n%s\n\n%s", text, CLI_EXIT_DOC);
	return doc;
}

static const struct argp global_argp = {
	.options	= global_options,
	.parser		= parse_global,
	.args_doc	= "COMMAND [ARG...]",
	.doc		= "io_uring passthrough for any block disk: attach disks "
			  "to urpt.ko and send commands to /dev/urptN nodes."
			  "\vRun 'urpt help COMMAND' or 'urpt COMMAND --help' "
			  "for the arguments and options of a command.",
	.children	= cli_help_children,
	.help_filter	= help_filter,
};

error_t cli_parse_main(struct cli_main *m, int argc, char **argv,
		       unsigned int flags)
{
	program_invocation_name = cli_name;
	program_invocation_short_name = cli_name;
	if (argc > 0)
		argv[0] = cli_name;
	m->cmd = NULL;
	m->cmd_index = 0;
	m->help = false;
	return argp_parse(&global_argp, argc, argv, ARGP_IN_ORDER | flags,
			  NULL, m);
}

int cli_cmd_argv(const struct cli_main *m, int argc, char **argv,
		 char *name, size_t size, char ***sub_argv)
{
	int rest = argc - m->cmd_index - 1, sub_argc = rest + 1 + m->help;
	char **v = calloc(sub_argc + 1, sizeof(*v));

	*sub_argv = v;
	if (!v)
		return -ENOMEM;
	snprintf(name, size, CLI_NAME " %s", m->cmd->name);
	v[0] = name;
	memcpy(v + 1, argv + m->cmd_index + 1, rest * sizeof(*v));
	if (m->help)
		v[sub_argc - 1] = help_option;
	return sub_argc;
}
