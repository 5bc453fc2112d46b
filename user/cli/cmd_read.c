// SPDX-License-Identifier: GPL-2.0
/* urpt read DEV --offset SIZE --length SIZE [--output FILE] */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli.h"

struct read_args {
	struct cli_node_args node;
	uint64_t offset;
	uint64_t length;
	bool have_length;
	const char *output;
};

static const struct argp_option read_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Byte offset on the disk to read from (default 0); a multiple of "
	  "the logical block size", 0 },
	{ "length", 'l', "SIZE", 0,
	  "Bytes to read (required); a multiple of the logical block size", 0 },
	{ "output", 'f', "FILE", 0,
	  "Write the data to FILE (created or truncated) instead of stdout",
	  0 },
	{ "bounce", CLI_OPT_BOUNCE, NULL, 0,
	  "Have the module copy through kernel pages (URPT_F_BOUNCE)", 0 },
	CLI_FIXED_OPTION,
	CLI_POLL_OPTION,
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_read(int key, char *arg, struct argp_state *state)
{
	struct read_args *a = state->input;

	switch (key) {
	case 'o':
		cli_parse_size(state, "--offset", arg, &a->offset);
		return 0;
	case 'l':
		cli_parse_size(state, "--length", arg, &a->length);
		a->have_length = true;
		return 0;
	case 'f':
		a->output = arg;
		return 0;
	case ARGP_KEY_END:
		cli_need_dev(state, a->node.dev);
		if (!a->have_length)
			argp_error(state, "missing --length");
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp read_argp = {
	.options	= read_options,
	.parser		= parse_read,
	.args_doc	= "DEV",
	.doc		= "Read --length bytes at --offset of the disk behind DEV "
			  "(/dev/urptN, or just N) to stdout or a file, in "
			  "commands of at most the device's max transfer, one "
			  "at a time."
			  CLI_SIZE_DOC,
};

static int open_output(const char *path)
{
	int fd;

	if (!path)
		return STDOUT_FILENO;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		report_errno(errno, "%s: cannot open for writing", path);
	return fd;
}

static int read_range(struct cli_dev *d, const struct urpt_info *info,
		      const struct read_args *a, int out)
{
	uint32_t max = cli_dev_chunk(d, info, a->length);
	uint64_t done = 0;
	void *buf;
	int ret;

	if (!max)
		return CLI_EXIT_FAILED;
	ret = cli_dev_buffer(d, info, max, &buf);
	while (!ret && done < a->length) {
		uint32_t len = cli_dev_chunk(d, info, a->length - done);
		int err;

		ret = cli_dev_read(d, buf, len, a->offset + done);
		if (ret)
			break;
		err = write_all(out, buf, len);
		if (err) {
			report_errno(err, "%s: write",
				     a->output ? a->output : "stdout");
			ret = CLI_EXIT_FAILED;
			break;
		}
		done += len;
	}
	free(buf);
	return ret;
}

static int close_output(int out, const char *path)
{
	if (out == STDOUT_FILENO)
		return CLI_EXIT_OK;
	/* Errors of delayed writes show up here. */
	if (close(out)) {
		report_errno(errno, "%s: close", path);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

int cmd_read(int argc, char **argv, const struct cli_global *global)
{
	struct read_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct cli_dev d;
	int ret, closed, out;

	argp_parse(&read_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDONLY, URPT_CMD_READ, &info);
	if (ret)
		return ret;
	ret = cli_dev_data_ring(&d);
	if (!ret)
		ret = cli_dev_check_range(&d, &info, false, a.offset, a.length);
	if (ret)
		goto out;
	/* Only now, so that a bad device or range leaves the file alone. */
	out = open_output(a.output);
	if (out < 0) {
		ret = CLI_EXIT_FAILED;
		goto out;
	}
	ret = read_range(&d, &info, &a, out);
	closed = close_output(out, a.output);
	if (!ret)
		ret = closed;
out:
	cli_dev_close(&d);
	return ret;
}
