// SPDX-License-Identifier: GPL-2.0
/* urpt detach N|/dev/urptN */
#include <errno.h>
#include <unistd.h>
#include "cli.h"
#include "devname.h"

struct detach_args {
	const char *name;
	uint32_t index;
};

static error_t parse_detach(int key, char *arg, struct argp_state *state)
{
	struct detach_args *a = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		cli_parse_arg(state, arg, &a->name);
		if (!parse_urpt_index(arg, &a->index))
			argp_error(state,
				   "invalid device '%s': expected N or /dev/urptN",
				   arg);
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing the device to detach (N or /dev/urptN)");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp detach_argp = {
	.parser		= parse_detach,
	.args_doc	= "N|/dev/urptN",
	.doc		= "Detach /dev/urptN from its disk and remove the node. "
			  "Commands in flight finish first; later ones, on nodes "
			  "still open, fail with ENODEV. Needs CAP_SYS_ADMIN."
			  "\v" CLI_EXIT_DOC,
	.children	= cli_help_children,
};

int cmd_detach(int argc, char **argv, const struct cli_global *global)
{
	struct detach_args a = { 0 };
	int fd, ret;

	(void)global;
	argp_parse(&detach_argp, argc, argv, 0, NULL, &a);
	fd = cli_ctl_open();
	if (fd < 0)
		return CLI_EXIT_OPEN;
	ret = urpt_ctl_detach_fd(fd, a.index);
	close(fd);
	if (ret < 0) {
		report("/dev/urpt%u: detach: %s (%s)", a.index,
		       ret == -ENODEV ? "no such urpt device is attached" :
		       ret == -EPERM ? "detaching needs CAP_SYS_ADMIN" :
		       errno_text(ret), errno_name(ret));
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}
