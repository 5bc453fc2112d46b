// SPDX-License-Identifier: GPL-2.0
/* urpt write DEV --offset SIZE [--input FILE] */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

struct write_args {
	struct cli_node_args node;
	uint64_t offset;
	bool have_offset;
	const char *input;
};

static const struct argp_option write_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Byte offset on the disk to write at (required); a multiple of the "
	  "logical block size", 0 },
	{ "input", 'f', "FILE", 0,
	  "Write the contents of FILE instead of stdin", 0 },
	{ "fua", CLI_OPT_FUA, NULL, 0,
	  "Forced unit access (URPT_F_FUA): each command completes once its "
	  "data is on stable media; emulated with a flush where the disk "
	  "lacks the 'fua' feature", 0 },
	{ "bounce", CLI_OPT_BOUNCE, NULL, 0,
	  "Have the module copy through kernel pages (URPT_F_BOUNCE)", 0 },
	CLI_FIXED_OPTION,
	CLI_POLL_OPTION,
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_write(int key, char *arg, struct argp_state *state)
{
	struct write_args *a = state->input;

	switch (key) {
	case 'o':
		cli_parse_size(state, "--offset", arg, &a->offset);
		a->have_offset = true;
		return 0;
	case 'f':
		a->input = arg;
		return 0;
	case ARGP_KEY_END:
		cli_need_dev(state, a->node.dev);
		/* No default: a forgotten offset would overwrite sector 0. */
		if (!a->have_offset)
			argp_error(state, "missing --offset");
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp write_argp = {
	.options	= write_options,
	.parser		= parse_write,
	.args_doc	= "DEV",
	.doc		= "Write all of stdin (or --input FILE) at --offset of the "
			  "disk behind DEV (/dev/urptN, or just N), in commands "
			  "of at most the device's max transfer. The input length "
			  "must be a multiple of the logical block size: nothing "
			  "is padded. Data may sit in the disk's volatile cache "
			  "until 'urpt flush'."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

/*
 * Under --fixed, each command's data is copied into one registered
 * buffer of a command's length: registering the whole input could pin
 * more than io_uring allows (1 GiB per buffer).
 */
static int write_staging(struct cli_dev *d, const struct urpt_info *info,
			 size_t length, void **staging)
{
	uint32_t max = cli_dev_chunk(d, info, length);

	*staging = NULL;
	if (!d->mode.fixed)
		return CLI_EXIT_OK;
	if (!max)
		return CLI_EXIT_FAILED;
	return cli_dev_buffer(d, info, max, staging);
}

static int write_range(struct cli_dev *d, const struct urpt_info *info,
		       uint64_t offset, const char *buf, size_t length)
{
	uint64_t done = 0;
	void *staging;
	int ret = write_staging(d, info, length, &staging);

	while (!ret && done < length) {
		uint32_t len = cli_dev_chunk(d, info, length - done);
		const char *data = buf + done;

		if (!len) {
			ret = CLI_EXIT_FAILED;
			break;
		}
		if (staging) {
			memcpy(staging, data, len);
			data = staging;
		}
		ret = cli_dev_write(d, data, len, offset + done);
		if (ret) {
			/* Earlier commands did reach the disk: say how much. */
			cli_dev_report_partial(d, "written", done, length);
			break;
		}
		done += len;
	}
	free(staging);
	return ret;
}

int cmd_write(int argc, char **argv, const struct cli_global *global)
{
	struct write_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct cli_dev d;
	void *buf = NULL;
	size_t len;
	int ret;

	argp_parse(&write_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDWR, URPT_CMD_WRITE, &info);
	if (ret)
		return ret;
	/* A bad offset is known before reading a possibly long input. */
	ret = cli_dev_check_range(&d, &info, true, a.offset,
				  info.logical_block_size);
	if (ret)
		goto out;
	ret = read_input(a.input, info.dma_alignment, &buf, &len);
	if (ret)
		goto out;
	ret = cli_dev_check_range(&d, &info, true, a.offset, len);
	if (!ret)
		ret = cli_dev_data_ring(&d);
	if (ret)
		goto out;
	ret = write_range(&d, &info, a.offset, buf, len);
out:
	free(buf);
	cli_dev_close(&d);
	return ret;
}
