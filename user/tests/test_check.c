// SPDX-License-Identifier: GPL-2.0
/* check_io_range() and its messages; describe_cmd(). */
#include <string.h>
#include <liburpt.h>
#include "check.h"
#include "describe.h"
#include "tap.h"

struct check_case {
	const char *name;
	uint64_t offset;
	uint64_t length;
	uint32_t lbs;
	enum io_check check;
	const char *words;	/* expected in the message */
};

static const struct check_case check_cases[] = {
	{ "aligned range", 4096, 8192, 512, IO_CHECK_OK, "valid" },
	{ "4Kn disk, aligned", 1 << 20, 4096, 4096, IO_CHECK_OK, "valid" },
	{ "zero length", 0, 0, 512, IO_CHECK_ZERO_LENGTH, "nothing to" },
	{ "unaligned offset", 100, 512, 512, IO_CHECK_OFFSET_UNALIGNED,
	  "--offset 100" },
	{ "offset unaligned on a 4Kn disk", 512, 4096, 4096,
	  IO_CHECK_OFFSET_UNALIGNED, "(4096 bytes)" },
	{ "unaligned length", 0, 1000, 512, IO_CHECK_LENGTH_UNALIGNED, "1000" },
	{ "range wraps past 2^64", UINT64_MAX - 511, 1024, 512,
	  IO_CHECK_WRAPS, "2^64" },
	{ "block size of 0", 0, 512, 0, IO_CHECK_NO_BLOCK_SIZE, "of 0" },
	{ "starts at the end", 64 << 20, 4096, 512, IO_CHECK_PAST_END,
	  "past the end of the device (67108864 bytes)" },
	{ "ends past the end", 60 << 20, 8 << 20, 512, IO_CHECK_PAST_END,
	  "past the end" },
	{ "ends at the end", 60 << 20, 4 << 20, 512, IO_CHECK_OK, "valid" },
	{ "1 TiB on a 64 MiB disk", 0, 1ull << 40, 512, IO_CHECK_PAST_END,
	  "1099511627776 bytes ends past" },
};

static void test_check_case(const struct check_case *c)
{
	const struct io_geometry g = { c->lbs, 64 << 20 };
	enum io_check check = check_io_range(c->offset, c->length, &g);
	char msg[192];
	bool ok = EXPECT(check == c->check);

	io_check_message(msg, sizeof(msg), check, false, c->offset, c->length,
			 &g);
	ok &= EXPECT(strstr(msg, c->words) != NULL);
	if (!ok)
		tap_diag("message: %s", msg);
	tap_result(ok, "check: %s", c->name);
}

static void test_check_write_messages(void)
{
	const struct io_geometry g = { 512, 64 << 20 };
	char msg[192];
	bool ok;

	io_check_message(msg, sizeof(msg), IO_CHECK_LENGTH_UNALIGNED, true,
			 0, 1000, &g);
	ok = EXPECT(strstr(msg, "input is 1000 bytes") != NULL);
	ok &= EXPECT(strstr(msg, "512") != NULL);
	io_check_message(msg, sizeof(msg), IO_CHECK_ZERO_LENGTH, true, 0, 0,
			 &g);
	ok &= EXPECT(strstr(msg, "input is empty") != NULL);
	tap_result(ok, "check: write messages speak of the input");
}

static void test_describe(void)
{
	char buf[96];
	bool ok;

	describe_cmd(buf, sizeof(buf), URPT_CMD_READ, 4096, 512);
	ok = EXPECT(!strcmp(buf, "read at offset 4096, 512 bytes"));
	describe_cmd(buf, sizeof(buf), URPT_CMD_WRITE, 0, 1048576);
	ok &= EXPECT(!strcmp(buf, "write at offset 0, 1048576 bytes"));
	describe_cmd(buf, sizeof(buf), URPT_CMD_INFO, 1, 2);
	ok &= EXPECT(!strcmp(buf, "info"));
	describe_cmd(buf, sizeof(buf), URPT_CMD_FLUSH, 0, 0);
	ok &= EXPECT(!strcmp(buf, "flush"));
	describe_cmd(buf, sizeof(buf), URPT_CMD_DISCARD, 8192, 4096);
	ok &= EXPECT(!strcmp(buf, "discard at offset 8192, 4096 bytes"));
	describe_cmd(buf, sizeof(buf), URPT_CMD_WRITE_ZEROES, 0, 512);
	ok &= EXPECT(!strcmp(buf, "write-zeroes at offset 0, 512 bytes"));
	describe_cmd(buf, sizeof(buf), URPT_CMD_READV, 512, 1024);
	ok &= EXPECT(!strcmp(buf, "readv at offset 512, 1024 bytes"));
	tap_result(ok, "check: messages name commands as 'read at offset 4096, 512 bytes'");
}

void test_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++)
		test_check_case(&check_cases[i]);
	test_check_write_messages();
	test_describe();
}
