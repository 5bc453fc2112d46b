// SPDX-License-Identifier: GPL-2.0
/* urpt list [--json]: the attached disks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli.h"

struct list_args {
	bool json;
};

static const struct argp_option list_options[] = {
	{ "json", 'j', NULL, 0, "Print a JSON array of objects", 0 },
	{ 0 }
};

static error_t parse_list(int key, char *arg, struct argp_state *state)
{
	struct list_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp list_argp = {
	.options	= list_options,
	.parser		= parse_list,
	.doc		= "List the attached disks: index, device node, backing "
			  "disk, capacity in bytes and the flags they were "
			  "attached with (read-only, shared)."
			  "\v" CLI_EXIT_DOC,
	.children	= cli_help_children,
};

/*
 * Disks may be attached between asking how many there are and fetching
 * them: retry with more room until everything fits.
 */
static int fetch_entries(int fd, struct urpt_ctl_entry **entriesp)
{
	struct urpt_ctl_entry *entries = NULL;
	uint32_t room = 16;
	int count;

	for (;;) {
		struct urpt_ctl_entry *bigger;

		bigger = realloc(entries, room * sizeof(*entries));
		if (!bigger) {
			free(entries);
			return -ENOMEM;
		}
		entries = bigger;
		count = urpt_ctl_list_fd(fd, entries, room);
		if (count < 0 || (uint32_t)count <= room)
			break;
		room = count + 16;
	}
	if (count < 0) {
		free(entries);
		return count;
	}
	*entriesp = entries;
	return count;
}

static void print_entry_json(const struct urpt_ctl_entry *e)
{
	char disk[URPT_DISK_NAME_LEN + 1], node[32];

	copy_disk_name(disk, e->disk_name);
	snprintf(node, sizeof(node), "/dev/urpt%u", e->index);
	printf("{\"index\": %u, \"device\": ", e->index);
	print_json_string(node);
	fputs(", \"disk\": ", stdout);
	print_json_string(disk);
	printf(", \"capacity\": %llu, \"flags\": ",
	       (unsigned long long)e->capacity);
	print_json_flags(e->flags, attach_flag_name);
	putchar('}');
}

static void print_json(const struct urpt_ctl_entry *entries, int count)
{
	int i;

	putchar('[');
	for (i = 0; i < count; i++) {
		fputs(i ? ",\n  " : "\n  ", stdout);
		print_entry_json(&entries[i]);
	}
	puts(count ? "\n]" : "]");
}

static void print_table(const struct urpt_ctl_entry *entries, int count)
{
	int i;

	printf("%-5s  %-14s  %-16s  %20s  %s\n", "INDEX", "DEVICE", "DISK",
	       "CAPACITY", "FLAGS");
	for (i = 0; i < count; i++) {
		const struct urpt_ctl_entry *e = &entries[i];
		char disk[URPT_DISK_NAME_LEN + 1], node[32], flags[64];

		copy_disk_name(disk, e->disk_name);
		snprintf(node, sizeof(node), "/dev/urpt%u", e->index);
		format_flags(flags, sizeof(flags), e->flags, attach_flag_name,
			     ",");
		printf("%-5u  %-14s  %-16s  %20llu  %s\n", e->index, node, disk,
		       (unsigned long long)e->capacity, flags);
	}
}

int cmd_list(int argc, char **argv, const struct cli_global *global)
{
	struct list_args a = { 0 };
	struct urpt_ctl_entry *entries;
	int fd, count;

	(void)global;
	argp_parse(&list_argp, argc, argv, 0, NULL, &a);
	fd = cli_ctl_open();
	if (fd < 0)
		return CLI_EXIT_OPEN;
	count = fetch_entries(fd, &entries);
	close(fd);
	if (count < 0) {
		report("%s: list: %s (%s)", URPT_CONTROL_PATH, errno_text(count),
		       errno_name(count));
		return CLI_EXIT_FAILED;
	}
	if (a.json)
		print_json(entries, count);
	else
		print_table(entries, count);
	free(entries);
	return CLI_EXIT_OK;
}
