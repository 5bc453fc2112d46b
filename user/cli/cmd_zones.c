// SPDX-License-Identifier: GPL-2.0
/*
 * The zone commands of zoned disks:
 *   urpt zones DEV [--offset SIZE] [--count N] [--json]
 *   urpt zone reset|open|close|finish DEV --offset SIZE
 *   urpt zone reset DEV --all
 *   urpt append DEV --offset SIZE [--input FILE] [--fua] [--bounce] [--json]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "zone_names.h"
#include "zone_show.h"

#define ZONES_OPT_ALL		0x400
#define ZONES_BATCH		64

struct zones_args {
	struct cli_node_args node;
	uint32_t action;	/* urpt zone: URPT_ZONE_* */
	const char *input;	/* urpt append */
	uint64_t offset;
	uint64_t count;
	bool have_offset;
	bool have_count;
	bool all;
	bool json;
};

static const struct argp_option zones_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Report from the zone holding this byte offset (default 0)", 0 },
	{ "count", 'n', "N", 0, "Report at most N zones (default: all)", 0 },
	{ "json", 'j', NULL, 0, "Print a JSON object", 0 },
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static const struct argp_option zone_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Byte offset where the zone starts (required unless --all)", 0 },
	{ "all", ZONES_OPT_ALL, NULL, 0,
	  "With reset: every sequential zone of the disk", 0 },
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static const struct argp_option append_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Byte offset where the zone starts (required)", 0 },
	{ "input", 'f', "FILE", 0, "Append FILE's contents (default stdin)",
	  0 },
	{ "fua", CLI_OPT_FUA, NULL, 0,
	  "Forced unit access (URPT_F_FUA): complete once the data is on "
	  "stable media", 0 },
	{ "bounce", CLI_OPT_BOUNCE, NULL, 0,
	  "Have the module copy through kernel pages (URPT_F_BOUNCE)", 0 },
	{ "json", 'j', NULL, 0, "Print a JSON object", 0 },
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_zones(int key, char *arg, struct argp_state *state)
{
	struct zones_args *a = state->input;

	switch (key) {
	case 'o':
		cli_parse_size(state, "--offset", arg, &a->offset);
		a->have_offset = true;
		return 0;
	case 'n':
		cli_parse_count(state, "--count", arg, 1, UINT32_MAX, &a->count);
		a->have_count = true;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case 'f':
		a->input = arg;
		return 0;
	case ZONES_OPT_ALL:
		a->all = true;
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

/* urpt zone ACTION DEV: the action first, then what every node takes. */
static error_t parse_zone(int key, char *arg, struct argp_state *state)
{
	struct zones_args *a = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num)
			break;
		a->action = zone_action_parse(arg);
		if (!a->action)
			argp_error(state, "unknown zone action '%s': reset, open, close or finish",
				   arg);
		return 0;
	case ARGP_KEY_END:
		if (!a->action)
			argp_error(state, "missing the action: reset, open, close or finish");
		cli_need_dev(state, a->node.dev);
		if (a->all && a->action != URPT_ZONE_RESET)
			argp_error(state, "--all goes with reset only");
		if (a->all && a->have_offset)
			argp_error(state, "--all and --offset exclude each other");
		if (!a->all && !a->have_offset)
			argp_error(state, "missing --offset (or --all with reset)");
		return 0;
	}
	return parse_zones(key, arg, state);
}

static error_t parse_append(int key, char *arg, struct argp_state *state)
{
	struct zones_args *a = state->input;

	if (key == ARGP_KEY_END) {
		cli_need_dev(state, a->node.dev);
		/* No default: the zone decides where the data goes. */
		if (!a->have_offset)
			argp_error(state, "missing --offset (the zone's start)");
		return 0;
	}
	return parse_zones(key, arg, state);
}

static const struct argp zones_argp = {
	.options	= zones_options,
	.parser		= parse_zones,
	.args_doc	= "DEV",
	.doc		= "Report the zones of the zoned disk behind DEV "
			  "(/dev/urptN, or just N): start, length, capacity and "
			  "write pointer in bytes, type and condition. Fails with "
			  "exit status 1 on a disk without the 'zoned' feature."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

static const struct argp zone_argp = {
	.options	= zone_options,
	.parser		= parse_zone,
	.args_doc	= "reset|open|close|finish DEV",
	.doc		= "Reset, open, close or finish the zone that starts at "
			  "--offset of the zoned disk behind DEV; reset --all "
			  "resets every sequential zone. Reset and finish lose "
			  "the zone's data." CLI_SIZE_DOC,
	.children	= cli_help_children,
};

static const struct argp append_argp = {
	.options	= append_options,
	.parser		= parse_append,
	.args_doc	= "DEV",
	.doc		= "Append all of stdin (or --input FILE) to the zone that "
			  "starts at --offset, wherever its write pointer is, in "
			  "one command (at most the disk's max zone append), and "
			  "print the byte offset where the data landed. The "
			  "input length must be a multiple of the logical block "
			  "size." CLI_SIZE_DOC,
	.children	= cli_help_children,
};

/* In batches, until --count zones or the end of the disk. */
static int report_zones(struct cli_dev *d, const struct urpt_info *info,
			const struct zones_args *a)
{
	static struct urpt_zone zones[ZONES_BATCH];
	uint64_t want = a->have_count ? a->count : UINT64_MAX, done = 0;
	uint64_t offset = a->offset;
	struct urpt_result r;
	int i, n, ret;

	if (a->json) {
		fputs("{\"device\": ", stdout);
		print_json_string(d->path);
		fputs(", \"zones\": [", stdout);
	} else {
		zone_show_header(stdout);
	}
	while (done < want && offset < info->capacity) {
		n = want - done < ZONES_BATCH ? (int)(want - done) : ZONES_BATCH;
		urpt_report_zones(&d->dev, zones, n, offset, &r);
		ret = cli_dev_done(d, URPT_CMD_REPORT_ZONES, offset, 0, &r, -1);
		if (ret) {
			if (a->json)
				puts("]}");
			return ret;
		}
		if (!r.res)
			break;
		for (i = 0; i < r.res; i++) {
			if (a->json)
				zone_show_json(stdout, &zones[i], !done && !i);
			else
				zone_show_text(stdout, &zones[i]);
		}
		done += r.res;
		offset = zones[r.res - 1].start + zones[r.res - 1].len;
	}
	if (a->json)
		puts("]}");
	return CLI_EXIT_OK;
}

static int check_in_disk(struct cli_dev *d, const struct urpt_info *info,
			 uint64_t offset)
{
	if (offset < info->capacity)
		return CLI_EXIT_OK;
	report("%s: --offset %llu is past the end of the disk (%llu bytes)",
	       d->path, (unsigned long long)offset,
	       (unsigned long long)info->capacity);
	return CLI_EXIT_USAGE;
}

int cmd_zones(int argc, char **argv, const struct cli_global *global)
{
	struct zones_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct cli_dev d;
	int ret;

	argp_parse(&zones_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDONLY, URPT_CMD_REPORT_ZONES,
			    &info);
	if (ret)
		return ret;
	ret = check_in_disk(&d, &info, a.offset);
	if (!ret)
		ret = report_zones(&d, &info, &a);
	cli_dev_close(&d);
	return ret;
}

/* --offset must start a zone: said here, before the disk says -EINVAL. */
static int check_zone_start(struct cli_dev *d, const struct urpt_info *info,
			    uint64_t offset)
{
	if (check_in_disk(d, info, offset))
		return CLI_EXIT_USAGE;
	/* A module that says zoned but no zone size: let it judge. */
	if (info->zone_size && offset % info->zone_size) {
		report("%s: --offset %llu does not start a zone (zones are %llu bytes)",
		       d->path, (unsigned long long)offset,
		       (unsigned long long)info->zone_size);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cmd_zone(int argc, char **argv, const struct cli_global *global)
{
	struct zones_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct urpt_result r;
	struct cli_dev d;
	uint32_t action;
	int ret;

	argp_parse(&zone_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDWR, URPT_CMD_ZONE_MGMT, &info);
	if (ret)
		return ret;
	action = a.all ? URPT_ZONE_RESET_ALL : a.action;
	if (!a.all)
		ret = check_zone_start(&d, &info, a.offset);
	if (!ret) {
		urpt_zone_mgmt(&d.dev, action, a.offset, &r);
		ret = cli_dev_done(&d, URPT_CMD_ZONE_MGMT, a.offset, 0, &r, 0);
	}
	cli_dev_close(&d);
	return ret;
}

static int append_input(struct cli_dev *d, const struct urpt_info *info,
			const struct zones_args *a, const void *buf,
			size_t len)
{
	struct urpt_result r;
	uint64_t landed = 0;

	if (!len || len % info->logical_block_size) {
		report("%s: the input is %zu bytes: a zone append takes a non-zero multiple of the logical block size (%u)",
		       d->path, len, info->logical_block_size);
		return CLI_EXIT_USAGE;
	}
	if (len > info->max_zone_append) {
		report("%s: the input is %zu bytes, more than one zone append takes (max zone append %u)",
		       d->path, len, info->max_zone_append);
		return CLI_EXIT_USAGE;
	}
	urpt_zone_append(&d->dev, buf, len, a->offset,
			 io_mode_cmd_flags(&d->mode, URPT_CMD_ZONE_APPEND),
			 &landed, &r);
	if (cli_dev_done(d, URPT_CMD_ZONE_APPEND, a->offset, len, &r, len))
		return CLI_EXIT_FAILED;
	if (a->json) {
		fputs("{\"device\": ", stdout);
		print_json_string(d->path);
		printf(", \"zone\": %llu, \"length\": %zu, \"landed\": %llu}\n",
		       (unsigned long long)a->offset, len,
		       (unsigned long long)landed);
	} else {
		printf("%zu bytes appended at %llu\n", len,
		       (unsigned long long)landed);
	}
	return CLI_EXIT_OK;
}

int cmd_append(int argc, char **argv, const struct cli_global *global)
{
	struct zones_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct cli_dev d;
	void *buf = NULL;
	size_t len = 0;
	int ret;

	argp_parse(&append_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDWR, URPT_CMD_ZONE_APPEND, &info);
	if (ret)
		return ret;
	ret = check_zone_start(&d, &info, a.offset);
	if (!ret)
		ret = read_input(a.input, info.dma_alignment, &buf, &len);
	if (!ret)
		ret = append_input(&d, &info, &a, buf, len);
	free(buf);
	cli_dev_close(&d);
	return ret;
}
