// SPDX-License-Identifier: GPL-2.0
/* urpt info DEV [--json]: what URPT_CMD_INFO reports. */
#include <fcntl.h>
#include <stdio.h>
#include "cli.h"
#include "size.h"

struct info_args {
	struct cli_node_args node;
	bool json;
};

static const struct argp_option info_options[] = {
	{ "json", 'j', NULL, 0, "Print a JSON object", 0 },
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_info(int key, char *arg, struct argp_state *state)
{
	struct info_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp info_argp = {
	.options	= info_options,
	.parser		= parse_info,
	.args_doc	= "DEV",
	.doc		= "Show what the urpt node DEV (/dev/urptN, or just N) "
			  "reports: capacity, logical and physical block size, "
			  "longest transfer (urpt's and the disk's), DMA "
			  "alignment, most iovecs per command, discard and write "
			  "zeroes limits (0: not supported), features, backing "
			  "disk and the module's ABI version."
			  "\v" CLI_EXIT_DOC,
};

static void print_info_json(const char *dev, const struct urpt_info *info,
			    const char *disk)
{
	fputs("{\"device\": ", stdout);
	print_json_string(dev);
	fputs(", \"disk\": ", stdout);
	print_json_string(disk);
	printf(", \"capacity\": %llu, \"logical_block_size\": %u, "
	       "\"physical_block_size\": %u, \"max_transfer\": %u, "
	       "\"dma_alignment\": %u, \"features\": ",
	       (unsigned long long)info->capacity, info->logical_block_size,
	       info->physical_block_size, info->max_transfer,
	       info->dma_alignment);
	print_json_flags(info->features, feature_name);
	printf(", \"max_iovecs\": %u, \"discard_granularity\": %u, "
	       "\"max_discard\": %u, \"max_write_zeroes\": %u, "
	       "\"disk_max_transfer\": %u",
	       info->max_iovecs, info->discard_granularity, info->max_discard,
	       info->max_write_zeroes, info->disk_max_transfer);
	printf(", \"abi_version\": %u}\n", info->version);
}

static void print_info_text(const char *dev, const struct urpt_info *info,
			    const char *disk)
{
	char human[32], features[256];

	format_size(human, sizeof(human), info->capacity);
	format_flags(features, sizeof(features), info->features, feature_name,
		     " ");
	printf("device:              %s\n", dev);
	printf("disk:                %s\n", disk);
	printf("capacity:            %llu bytes (%s)\n",
	       (unsigned long long)info->capacity, human);
	printf("logical block size:  %u\n", info->logical_block_size);
	printf("physical block size: %u\n", info->physical_block_size);
	printf("max transfer:        %u\n", info->max_transfer);
	printf("dma alignment:       %u\n", info->dma_alignment);
	printf("disk max transfer:   %u\n", info->disk_max_transfer);
	printf("max iovecs:          %u\n", info->max_iovecs);
	printf("max discard:         %u\n", info->max_discard);
	printf("discard granularity: %u\n", info->discard_granularity);
	printf("max write zeroes:    %u\n", info->max_write_zeroes);
	printf("features:            %s\n", features);
	printf("abi version:         %u\n", info->version);
}

int cmd_info(int argc, char **argv, const struct cli_global *global)
{
	struct info_args a = { .node.verbose = global->verbose };
	char disk[URPT_DISK_NAME_LEN + 1];
	struct urpt_info info;
	struct cli_dev d;
	int ret;

	argp_parse(&info_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDONLY, 0, &info);
	if (ret)
		return ret;
	copy_disk_name(disk, info.disk_name);
	if (a.json)
		print_info_json(d.path, &info, disk);
	else
		print_info_text(d.path, &info, disk);
	cli_dev_close(&d);
	return CLI_EXIT_OK;
}
