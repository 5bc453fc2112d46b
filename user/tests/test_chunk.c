// SPDX-License-Identifier: GPL-2.0
/* chunk_len(): splitting writes (and reads) into commands. */
#include <stddef.h>
#include "chunk.h"
#include "tap.h"

#define KiB	1024ULL
#define MiB	(1024 * KiB)

struct chunk_case {
	const char *name;
	uint64_t remaining;
	uint32_t max_transfer;
	uint32_t lbs;
	uint32_t len;
};

static const struct chunk_case chunk_cases[] = {
	{ "short transfer in one command", 4 * KiB, 512 * KiB, 512, 4 * KiB },
	{ "exactly max_transfer", 512 * KiB, 512 * KiB, 512, 512 * KiB },
	{ "longer than max_transfer", 3 * MiB, 512 * KiB, 4096, 512 * KiB },
	{ "max_transfer not a block multiple", 8 * KiB, 1000, 512, 512 },
	{ "max_transfer below a block", 8 * KiB, 256, 512, 0 },
	{ "max_transfer of 0", 8 * KiB, 0, 512, 0 },
	{ "block size of 0", 8 * KiB, 512 * KiB, 0, 0 },
	{ "nothing left", 0, 512 * KiB, 512, 0 },
	{ "beyond 4 GiB left", 1ULL << 40, UINT32_MAX, 512,
	  UINT32_MAX - 511 },
};

static void test_chunk_case(const struct chunk_case *c)
{
	uint32_t len = chunk_len(c->remaining, c->max_transfer, c->lbs);

	tap_result(EXPECT(len == c->len), "chunk: %s", c->name);
	if (len != c->len)
		tap_diag("got %u, want %u", len, c->len);
}

/* Walk a whole write as urpt write does: aligned, complete, bounded. */
static void test_chunk_walk(void)
{
	const uint64_t total = 3 * MiB + 4 * KiB;
	const uint32_t max = 512 * KiB, lbs = 4096;
	uint64_t done = 0;
	unsigned int commands = 0;
	bool ok = true;

	while (done < total) {
		uint32_t len = chunk_len(total - done, max, lbs);

		ok &= EXPECT(len > 0 && len <= max);
		ok &= EXPECT(len % lbs == 0 && done % lbs == 0);
		if (!len)
			break;
		done += len;
		commands++;
	}
	ok &= EXPECT(done == total);
	ok &= EXPECT(commands == 7);
	tap_result(ok, "chunk: 3 MiB + 4 KiB go in 7 aligned commands of <= 512 KiB");
}

void test_chunk(void)
{
	size_t i;

	for (i = 0; i < sizeof(chunk_cases) / sizeof(chunk_cases[0]); i++)
		test_chunk_case(&chunk_cases[i]);
	test_chunk_walk();
}
