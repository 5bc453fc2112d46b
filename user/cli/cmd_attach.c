// SPDX-License-Identifier: GPL-2.0
/* urpt attach PATH [--read-only] [--shared]: prints the new /dev/urptN. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "cli.h"

struct attach_args {
	const char *path;
	uint32_t flags;
};

static const struct argp_option attach_options[] = {
	{ "read-only", 'r', NULL, 0,
	  "Open the disk for reading only: WRITE and FLUSH are refused and "
	  "/dev/urptN cannot be opened for writing", 0 },
	{ "shared", 's', NULL, 0,
	  "Do not claim the disk exclusively (it may be mounted or used by "
	  "others meanwhile)", 0 },
	{ 0 }
};

static error_t parse_attach(int key, char *arg, struct argp_state *state)
{
	struct attach_args *a = state->input;

	switch (key) {
	case 'r':
		a->flags |= URPT_ATTACH_READ_ONLY;
		return 0;
	case 's':
		a->flags |= URPT_ATTACH_SHARED;
		return 0;
	case ARGP_KEY_ARG:
		cli_parse_arg(state, arg, &a->path);
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing PATH of the block disk");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp attach_argp = {
	.options	= attach_options,
	.parser		= parse_attach,
	.args_doc	= "PATH",
	.doc		= "Attach the block disk PATH (e.g. /dev/vdb, /dev/nvme0n1p2) "
			  "and print the /dev/urptN node that now speaks io_uring "
			  "passthrough for it. Needs CAP_SYS_ADMIN; the disk is "
			  "claimed exclusively unless --shared is given."
			  "\v" CLI_EXIT_DOC,
	.children	= cli_help_children,
};

static const char *attach_hint(int err)
{
	switch (err) {
	case -EBUSY:
		return "; it is in use (mounted, or claimed by another holder): "
		       "--shared attaches without claiming it";
	case -EACCES:
		return "; a read-only disk attaches with --read-only";
	case -EPERM:
		return "; attaching needs CAP_SYS_ADMIN";
	case -ENOTBLK:
		return "; not a block device";
	}
	return "";
}

int cmd_attach(int argc, char **argv, const struct cli_global *global)
{
	struct attach_args a = { 0 };
	uint32_t index;
	int fd, ret;

	(void)global;
	argp_parse(&attach_argp, argc, argv, 0, NULL, &a);
	fd = cli_ctl_open();
	if (fd < 0)
		return CLI_EXIT_OPEN;
	ret = urpt_ctl_attach_fd(fd, a.path, a.flags, &index);
	close(fd);
	if (ret < 0) {
		report("%s: attach: %s (%s)%s", a.path, errno_text(ret),
		       errno_name(ret), attach_hint(ret));
		return CLI_EXIT_FAILED;
	}
	printf("/dev/urpt%u\n", index);
	return CLI_EXIT_OK;
}
