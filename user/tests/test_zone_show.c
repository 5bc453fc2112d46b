// SPDX-License-Identifier: GPL-2.0
/* A zone as urpt zones prints it: the table row and the JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <liburpt.h>
#include "zone_show.h"
#include "tap.h"

static const struct urpt_zone seq_zone = {
	.start = 256ULL << 20,
	.len = 256ULL << 20,
	.capacity = 192ULL << 20,
	.wp = (256ULL << 20) + 4096,
	.type = URPT_ZONE_TYPE_SEQ_REQUIRED,
	.cond = URPT_ZONE_COND_IMP_OPEN,
	.flags = URPT_ZONE_F_RESET,
};

static const struct urpt_zone conv_zone = {
	.len = 256ULL << 20,
	.capacity = 256ULL << 20,
	.type = URPT_ZONE_TYPE_CONVENTIONAL,
	.cond = URPT_ZONE_COND_NOT_WP,
};

static void test_zone_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	bool ok;

	zone_show_header(out);
	zone_show_text(out, &seq_zone);
	zone_show_text(out, &conv_zone);
	fclose(out);
	ok = EXPECT(!strcmp(text,
		"           start          len     capacity               wp  type                cond\n"
		"       268435456    268435456    201326592        268439552  seq-write-required  implicit-open\n"
		"               0    268435456    268435456                0  conventional        not-write-pointer\n"));
	if (!ok)
		tap_diag("got:\n%s", text);
	free(text);
	tap_result(ok, "zones: the table's header and rows line up, names for type and condition");
}

static void test_zone_json(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	bool ok;

	zone_show_json(out, &seq_zone, true);
	zone_show_json(out, &conv_zone, false);
	fclose(out);
	ok = EXPECT(!strcmp(text,
		"{\"start\": 268435456, \"len\": 268435456, \"capacity\": 201326592, "
		"\"wp\": 268439552, \"type\": \"seq-write-required\", "
		"\"cond\": \"implicit-open\", \"reset_recommended\": true}"
		", {\"start\": 0, \"len\": 268435456, \"capacity\": 268435456, "
		"\"wp\": 0, \"type\": \"conventional\", "
		"\"cond\": \"not-write-pointer\", \"reset_recommended\": false}"));
	if (!ok)
		tap_diag("got: %s", text);
	free(text);
	tap_result(ok, "zones: a zone's JSON object, the fields of the table, comma-separated after the first");
}

void test_zone_show(void)
{
	test_zone_text();
	test_zone_json();
}
