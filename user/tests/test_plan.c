// SPDX-License-Identifier: GPL-2.0
/* plan_make(): urpt verify's range and blocks. */
#include <stdio.h>
#include <string.h>
#include <liburpt.h>
#include "plan.h"
#include "tap.h"

#define KiB	1024ULL
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)

static const struct plan_geometry disk = {
	.capacity		= 256 * MiB,
	.logical_block_size	= 512,
	.max_transfer		= 1 * MiB,
};

struct plan_case {
	const char *name;
	struct plan_geometry g;
	struct plan_request req;
	enum plan_error err;
	uint64_t length, blocks;
	uint32_t block_size, last_len;
};

static const struct plan_case plan_cases[] = {
	{ "whole disk, default 64 KiB blocks", disk, { 0 }, PLAN_OK,
	  256 * MiB, 4096, 64 * KiB, 64 * KiB },
	{ "from an offset to the end", disk, { .offset = 255 * MiB }, PLAN_OK,
	  1 * MiB, 16, 64 * KiB, 64 * KiB },
	{ "last block partial", disk,
	  { .offset = 4096, .length = 100 * KiB + 512, .have_length = true },
	  PLAN_OK, 100 * KiB + 512, 2, 64 * KiB, 36 * KiB + 512 },
	{ "range shorter than a block", disk,
	  { .length = 512, .have_length = true }, PLAN_OK, 512, 1,
	  64 * KiB, 512 },
	{ "block size given", disk,
	  { .length = 10 * MiB, .have_length = true, .block_size = 3 * KiB,
	    .have_block_size = true },
	  PLAN_OK, 10 * MiB, 3414, 3 * KiB, 10 * MiB - 3413 * 3 * KiB },
	{ "block size of max transfer", disk,
	  { .block_size = 1 * MiB, .have_block_size = true }, PLAN_OK,
	  256 * MiB, 256, 1 * MiB, 1 * MiB },
	{ "default shrinks to a short max transfer",
	  { 1 * GiB, 4096, 32 * KiB }, { 0 }, PLAN_OK, 1 * GiB, 32768,
	  32 * KiB, 32 * KiB },
	{ "default of 4 KiB-block disk", { 64 * MiB, 4096, 128 * KiB },
	  { 0 }, PLAN_OK, 64 * MiB, 1024, 64 * KiB, 64 * KiB },
	{ "capacity with a tail: whole blocks only",
	  { 10 * KiB + 100, 512, 1 * MiB }, { 0 }, PLAN_OK, 10 * KiB, 1,
	  64 * KiB, 10 * KiB },
	{ "max transfer capped by URPT_MAX_TRANSFER",
	  { 1 * GiB, 512, UINT32_MAX },
	  { .block_size = 128 * MiB, .have_block_size = true },
	  PLAN_BLOCK_SIZE_TOO_BIG, 0, 0, 0, 0 },
	{ "no block size", { 1 * GiB, 0, 1 * MiB }, { 0 },
	  PLAN_NO_BLOCK_SIZE, 0, 0, 0, 0 },
	{ "unaligned offset", disk, { .offset = 100 },
	  PLAN_OFFSET_UNALIGNED, 0, 0, 0, 0 },
	{ "offset at the end", disk, { .offset = 256 * MiB },
	  PLAN_OFFSET_PAST_END, 0, 0, 0, 0 },
	{ "zero length", disk, { .have_length = true }, PLAN_ZERO_LENGTH, 0, 0, 0, 0 },
	{ "unaligned length", disk, { .length = 1000, .have_length = true },
	  PLAN_LENGTH_UNALIGNED, 0, 0, 0, 0 },
	{ "past the end", disk,
	  { .offset = 1 * MiB, .length = 256 * MiB, .have_length = true },
	  PLAN_PAST_END, 0, 0, 0, 0 },
	{ "offset past the end with a length", disk,
	  { .offset = 1 * GiB, .length = 512, .have_length = true },
	  PLAN_PAST_END, 0, 0, 0, 0 },
	{ "huge length does not wrap", disk,
	  { .offset = 512, .length = UINT64_MAX - 511, .have_length = true },
	  PLAN_PAST_END, 0, 0, 0, 0 },
	{ "block size 0", disk, { .have_block_size = true },
	  PLAN_BLOCK_SIZE_ZERO, 0, 0, 0, 0 },
	{ "unaligned block size", disk,
	  { .block_size = 1000, .have_block_size = true },
	  PLAN_BLOCK_SIZE_UNALIGNED, 0, 0, 0, 0 },
	{ "block size above max transfer", disk,
	  { .block_size = 2 * MiB, .have_block_size = true },
	  PLAN_BLOCK_SIZE_TOO_BIG, 0, 0, 0, 0 },
};

static void test_plan_case(const struct plan_case *c)
{
	struct plan p = { 0 };
	enum plan_error err = plan_make(&c->g, &c->req, &p);
	bool ok = EXPECT(err == c->err);

	if (ok && err == PLAN_OK) {
		ok &= EXPECT(p.offset == c->req.offset);
		ok &= EXPECT(p.length == c->length);
		ok &= EXPECT(p.blocks == c->blocks);
		ok &= EXPECT(p.block_size == c->block_size);
		ok &= EXPECT(p.last_len == c->last_len);
	}
	if (!ok)
		tap_diag("err %d length %llu blocks %llu block %u last %u", err,
			 (unsigned long long)p.length,
			 (unsigned long long)p.blocks, p.block_size,
			 p.last_len);
	tap_result(ok, "plan: %s", c->name);
}

/* Walking the blocks covers the range exactly, in aligned pieces. */
static void test_plan_walk(void)
{
	const struct plan_request req = {
		.offset = 7 * 512, .length = 1 * MiB + 3 * 512,
		.have_length = true, .block_size = 20 * KiB,
		.have_block_size = true,
	};
	struct plan p;
	uint64_t i, next;
	bool ok = EXPECT(plan_make(&disk, &req, &p) == PLAN_OK);

	next = req.offset;
	for (i = 0; ok && i < p.blocks; i++) {
		uint64_t off;
		uint32_t len;

		plan_block(&p, i, &off, &len);
		ok &= EXPECT(off == next);
		ok &= EXPECT(len && len % 512 == 0 && len <= p.block_size);
		ok &= EXPECT(i + 1 == p.blocks || len == p.block_size);
		next = off + len;
	}
	ok &= EXPECT(next == req.offset + req.length);
	tap_result(ok, "plan: blocks tile the range, only the last one shorter");
}

/* Only a range from the first byte to the last is the whole disk. */
static void test_plan_whole_disk(void)
{
	const struct plan_request whole = { 0 },
		given = { .length = 256 * MiB, .have_length = true },
		from_offset = { .offset = 512 },
		short_of_end = { .length = 256 * MiB - 512,
				 .have_length = true };
	struct plan p;
	bool ok = true;

	ok &= EXPECT(plan_make(&disk, &whole, &p) == PLAN_OK &&
		     plan_whole_disk(&p, disk.capacity));
	ok &= EXPECT(plan_make(&disk, &given, &p) == PLAN_OK &&
		     plan_whole_disk(&p, disk.capacity));
	ok &= EXPECT(plan_make(&disk, &from_offset, &p) == PLAN_OK &&
		     !plan_whole_disk(&p, disk.capacity));
	ok &= EXPECT(plan_make(&disk, &short_of_end, &p) == PLAN_OK &&
		     !plan_whole_disk(&p, disk.capacity));
	tap_result(ok, "plan: whole disk only from byte 0 to the end");
}

static void test_plan_messages(void)
{
	struct plan_request req = { .offset = 100, .block_size = 2 * MiB };
	char buf[192];
	bool ok;

	plan_error_message(buf, sizeof(buf), PLAN_OFFSET_UNALIGNED, &disk,
			   &req);
	ok = EXPECT(!strcmp(buf, "--offset 100 is not a multiple of the logical block size (512 bytes)"));
	plan_error_message(buf, sizeof(buf), PLAN_BLOCK_SIZE_TOO_BIG, &disk,
			   &req);
	ok &= EXPECT(!strcmp(buf, "--block-size 2097152 is larger than the device's max transfer (1048576 bytes)"));
	ok &= EXPECT(plan_max_block(&(struct plan_geometry){ 0, 4096, 10000 })
		     == 8192);
	ok &= EXPECT(plan_max_block(&(struct plan_geometry){ 0, 512,
							     UINT32_MAX })
		     == URPT_MAX_TRANSFER);
	tap_result(ok, "plan: messages name the option and the limit");
}

void test_plan(void)
{
	size_t i;

	for (i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++)
		test_plan_case(&plan_cases[i]);
	test_plan_walk();
	test_plan_whole_disk();
	test_plan_messages();
}
