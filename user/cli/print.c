// SPDX-License-Identifier: GPL-2.0
/* --json output on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "flags.h"
#include "json.h"

void print_json_string(const char *s)
{
	size_t len = json_escape(NULL, 0, s);
	char *escaped = malloc(len + 1);

	if (!escaped) {
		/* Keep the document valid rather than print half a name. */
		fputs("null", stdout);
		return;
	}
	json_escape(escaped, len + 1, s);
	printf("\"%s\"", escaped);
	free(escaped);
}

/* ["read-only", "shared"]: the names of the bits set, "bit<n>" if unknown. */
void print_json_flags(uint64_t flags, flag_name_fn name)
{
	const char *sep = "";
	unsigned int i;

	putchar('[');
	for (i = 0; i < 64; i++) {
		uint64_t bit = 1ULL << i;
		char unknown[8];
		const char *text;

		if (!(flags & bit))
			continue;
		text = name(bit);
		if (!text) {
			snprintf(unknown, sizeof(unknown), "bit%u", i);
			text = unknown;
		}
		fputs(sep, stdout);
		print_json_string(text);
		sep = ", ";
	}
	putchar(']');
}

/* The kernel's fixed-size name, NUL-terminated whatever it sent. */
void copy_disk_name(char dst[URPT_DISK_NAME_LEN + 1],
		    const char src[URPT_DISK_NAME_LEN])
{
	memcpy(dst, src, URPT_DISK_NAME_LEN);
	dst[URPT_DISK_NAME_LEN] = '\0';
}
