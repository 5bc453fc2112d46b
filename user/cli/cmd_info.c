// SPDX-License-Identifier: GPL-2.0
/*
 * urpt info DEV [--json] [--no-nvme]: what URPT_CMD_INFO reports and, when
 * the backing disk is an NVMe namespace (or a partition of one), the real
 * controller's and namespace's identity, read with libnvme on /dev/nvmeXnY.
 */
#include <fcntl.h>
#include <stdio.h>
#include "cli.h"
#include "nvme_dev.h"
#include "nvme_show.h"
#include "size.h"
#include "zone_names.h"

#define INFO_OPT_NO_NVME	0x300

struct info_args {
	struct cli_node_args node;
	bool json;
	bool no_nvme;
};

static const struct argp_option info_options[] = {
	{ "json", 'j', NULL, 0, "Print a JSON object", 0 },
	{ "no-nvme", INFO_OPT_NO_NVME, NULL, 0,
	  "Do not read the NVMe identity of the backing disk", 0 },
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
	case INFO_OPT_NO_NVME:
		a->no_nvme = true;
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
			  "disk and the module's ABI version. When the backing "
			  "disk is an NVMe namespace or a partition of one, also "
			  "the real controller's and namespace's identity "
			  "(Identify Controller and Namespace through libnvme on "
			  "/dev/nvmeXnY; needs the rights to send them, "
			  "CAP_SYS_ADMIN on older kernels): if that fails, the "
			  "rest is printed and the exit status is 1."
			  "\v" CLI_EXIT_DOC,
	.children	= cli_help_children,
};

static void print_nvme_json(const struct cli_nvme_identity *id)
{
	char text[512];

	if (!id->found) {
		fputs("null", stdout);
		return;
	}
	fputs("{\"namespace_device\": ", stdout);
	print_json_string(id->ns_dev);
	if (id->res) {
		cli_nvme_status_text(text, sizeof(text), id->res);
		fputs(", \"error\": ", stdout);
		print_json_string(id->failed);
		fputs(", \"error_text\": ", stdout);
		print_json_string(text);
		fputs(", \"res\": ", stdout);
		printf("%d}", id->res);
		return;
	}
	printf(", \"nsid\": %u, \"controller\": {", id->nsid);
	cli_nvme_json_id_ctrl(stdout, &id->ctrl);
	fputs("}, \"namespace\": {", stdout);
	cli_nvme_json_id_ns(stdout, &id->ns);
	fputs("}}", stdout);
}

static void print_info_json(const char *dev, const struct urpt_info *info,
			    const char *disk, const struct cli_nvme_identity *id)
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
	printf(", \"zoned\": \"%s\"", zoned_model_name(info->zoned));
	if (info->features & URPT_FEAT_ZONED)
		printf(", \"zone_size\": %llu, \"nr_zones\": %u, "
		       "\"max_open_zones\": %u, \"max_active_zones\": %u, "
		       "\"max_zone_append\": %u",
		       (unsigned long long)info->zone_size, info->nr_zones,
		       info->max_open_zones, info->max_active_zones,
		       info->max_zone_append);
	printf(", \"abi_version\": %u", info->version);
	if (id) {
		fputs(", \"nvme\": ", stdout);
		print_nvme_json(id);
	}
	puts("}");
}

static void print_nvme_text(const struct cli_nvme_identity *id)
{
	if (!id->found)
		return;
	printf("nvme namespace:      %s", id->ns_dev);
	if (id->res) {
		printf(" (%s failed)\n", id->failed);
		return;
	}
	printf(", nsid %u\n", id->nsid);
	printf("nvme controller:\n");
	cli_nvme_show_id_ctrl(stdout, "  ", &id->ctrl);
	printf("nvme namespace identify:\n");
	cli_nvme_show_id_ns(stdout, "  ", &id->ns);
}

static void print_info_text(const char *dev, const struct urpt_info *info,
			    const char *disk, const struct cli_nvme_identity *id)
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
	if (info->features & URPT_FEAT_ZONED) {
		printf("zoned:               %s\n", zoned_model_name(info->zoned));
		printf("zone size:           %llu\n",
		       (unsigned long long)info->zone_size);
		printf("zones:               %u\n", info->nr_zones);
		printf("max open zones:      %u\n", info->max_open_zones);
		printf("max active zones:    %u\n", info->max_active_zones);
		printf("max zone append:     %u\n", info->max_zone_append);
	}
	printf("abi version:         %u\n", info->version);
	if (id)
		print_nvme_text(id);
}

int cmd_info(int argc, char **argv, const struct cli_global *global)
{
	struct info_args a = { .node.verbose = global->verbose };
	char disk[URPT_DISK_NAME_LEN + 1];
	static struct cli_nvme_identity nvme;	/* 8 KiB of identify data */
	struct urpt_info info;
	struct cli_dev d;
	int ret;

	argp_parse(&info_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDONLY, 0, &info);
	if (ret)
		return ret;
	copy_disk_name(disk, info.disk_name);
	if (!a.no_nvme)
		cli_nvme_identity(d.dev.fd, disk, &nvme);
	if (a.json)
		print_info_json(d.path, &info, disk, a.no_nvme ? NULL : &nvme);
	else
		print_info_text(d.path, &info, disk, a.no_nvme ? NULL : &nvme);
	cli_dev_close(&d);
	if (!a.no_nvme && nvme.found && nvme.res) {
		char text[512];

		cli_nvme_status_text(text, sizeof(text), nvme.res);
		report("%s: %s of %s: %s", d.path, nvme.failed, nvme.ns_dev,
		       text);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}
