// SPDX-License-Identifier: GPL-2.0
/*
 * urpt discard DEV --offset SIZE --length SIZE
 * urpt write-zeroes DEV --offset SIZE --length SIZE [--no-unmap]
 *
 * Both split the range into commands of at most the disk's max_discard
 * or max_write_zeroes, and refuse up front on a disk without support.
 */
#include <fcntl.h>
#include "cli.h"

struct discard_args {
	struct cli_node_args node;
	uint64_t offset;
	uint64_t length;
	bool have_offset;
	bool have_length;
};

#define DISCARD_RANGE_OPTIONS(verb)					\
	{ "offset", 'o', "SIZE", 0,					\
	  "Byte offset of the range to " verb " (required); a multiple "	\
	  "of the logical block size", 0 },				\
	{ "length", 'l', "SIZE", 0,					\
	  "Bytes to " verb " (required); a multiple of the logical "	\
	  "block size", 0 }

static const struct argp_option discard_options[] = {
	DISCARD_RANGE_OPTIONS("discard"),
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static const struct argp_option write_zeroes_options[] = {
	DISCARD_RANGE_OPTIONS("zero"),
	{ "no-unmap", CLI_OPT_NO_UNMAP, NULL, 0,
	  "Keep the range allocated on the disk (URPT_F_NOUNMAP): no "
	  "deallocation in place of writing zeroes", 0 },
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_discard(int key, char *arg, struct argp_state *state)
{
	struct discard_args *a = state->input;

	switch (key) {
	case 'o':
		cli_parse_size(state, "--offset", arg, &a->offset);
		a->have_offset = true;
		return 0;
	case 'l':
		cli_parse_size(state, "--length", arg, &a->length);
		a->have_length = true;
		return 0;
	case ARGP_KEY_END:
		cli_need_dev(state, a->node.dev);
		/* No defaults: both destroy data. */
		if (!a->have_offset)
			argp_error(state, "missing --offset");
		if (!a->have_length)
			argp_error(state, "missing --length");
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp discard_argp = {
	.options	= discard_options,
	.parser		= parse_discard,
	.args_doc	= "DEV",
	.doc		= "Discard (trim, deallocate) --length bytes at --offset "
			  "of the disk behind DEV (/dev/urptN, or just N), in "
			  "commands of at most the disk's max discard. What the "
			  "range reads afterwards is up to the disk. Fails with "
			  "exit status 1 on a disk without the 'discard' feature."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

static const struct argp write_zeroes_argp = {
	.options	= write_zeroes_options,
	.parser		= parse_discard,
	.args_doc	= "DEV",
	.doc		= "Zero --length bytes at --offset of the disk behind DEV "
			  "(/dev/urptN, or just N) without sending data, in "
			  "commands of at most the disk's max write zeroes. The "
			  "disk may deallocate the range unless --no-unmap is "
			  "given. Fails with exit status 1 on a disk without the "
			  "'write-zeroes' feature."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

static int discard_range(struct cli_dev *d, const struct urpt_info *info,
			 uint32_t cmd_op, const struct discard_args *a)
{
	bool zeroes = cmd_op == URPT_CMD_WRITE_ZEROES;
	uint32_t max = zeroes ? info->max_write_zeroes : info->max_discard;
	uint64_t done = 0;
	int ret;

	while (done < a->length) {
		uint32_t len = cli_dev_chunk_max(d, info, a->length - done, max,
						 zeroes ? "max write zeroes" :
							  "max discard");

		if (!len)
			return CLI_EXIT_FAILED;
		ret = zeroes ? cli_dev_write_zeroes(d, len, a->offset + done) :
			       cli_dev_discard(d, len, a->offset + done);
		if (ret) {
			cli_dev_report_partial(d, "done", done, a->length);
			return ret;
		}
		done += len;
	}
	return CLI_EXIT_OK;
}

static int run_discard(int argc, char **argv, const struct cli_global *global,
		       uint32_t cmd_op)
{
	struct discard_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct cli_dev d;
	int ret;

	argp_parse(cmd_op == URPT_CMD_DISCARD ? &discard_argp :
						 &write_zeroes_argp,
		   argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDWR, cmd_op, &info);
	if (ret)
		return ret;
	if (!a.length) {
		report("%s: --length is 0: nothing to %s", d.path,
		       cmd_op == URPT_CMD_DISCARD ? "discard" : "zero");
		ret = CLI_EXIT_USAGE;
	}
	if (!ret)
		ret = cli_dev_check_range(&d, &info, false, a.offset, a.length);
	if (!ret)
		ret = discard_range(&d, &info, cmd_op, &a);
	cli_dev_close(&d);
	return ret;
}

int cmd_discard(int argc, char **argv, const struct cli_global *global)
{
	return run_discard(argc, argv, global, URPT_CMD_DISCARD);
}

int cmd_write_zeroes(int argc, char **argv, const struct cli_global *global)
{
	return run_discard(argc, argv, global, URPT_CMD_WRITE_ZEROES);
}
