/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data urpt verify writes: every 8-byte word of the disk is a hash of
 * the seed and of the word's own byte offset, so any block (or any byte)
 * can be checked alone, in any order, and a write that landed at the
 * wrong offset reads back as a mismatch.
 */
#ifndef URPT_CLI_PATTERN_H
#define URPT_CLI_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The little-endian word stored at disk byte offset 8 * index. */
uint64_t pattern_word(uint64_t seed, uint64_t index);

/* The pattern byte at a disk byte offset. */
uint8_t pattern_byte(uint64_t seed, uint64_t offset);

/* Fill buf with the pattern of len bytes starting at disk offset. */
void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t offset);

struct pattern_mismatch {
	uint64_t offset;	/* disk byte offset of the first bad byte */
	uint8_t expected;
	uint8_t got;
};

/*
 * Compare buf, read from disk offset, with the pattern. Returns true if
 * all len bytes match; otherwise false with the first differing byte in
 * *m (which may be NULL).
 */
bool pattern_check(const void *buf, size_t len, uint64_t seed,
		   uint64_t offset, struct pattern_mismatch *m);

#endif
