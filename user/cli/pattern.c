// SPDX-License-Identifier: GPL-2.0
/* The data urpt verify writes and checks; see pattern.h. */
#include <endian.h>
#include <string.h>
#include "pattern.h"

/* splitmix64's finalizer: every input bit flips half the output bits. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t pattern_word(uint64_t seed, uint64_t index)
{
	/* Mixing the seed first keeps seeds s and s + 1 far apart. */
	return mix64(mix64(seed) + (index + 1) * 0x9e3779b97f4a7c15ULL);
}

uint8_t pattern_byte(uint64_t seed, uint64_t offset)
{
	return pattern_word(seed, offset / 8) >> (8 * (offset % 8));
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t offset)
{
	unsigned char *p = buf;

	/* Bytes up to the first whole word, then words, then the tail. */
	while (len && offset % 8) {
		*p++ = pattern_byte(seed, offset++);
		len--;
	}
	for (; len >= 8; len -= 8, p += 8, offset += 8) {
		uint64_t w = htole64(pattern_word(seed, offset / 8));

		memcpy(p, &w, 8);
	}
	while (len--)
		*p++ = pattern_byte(seed, offset++);
}

static bool check_byte(const unsigned char *p, uint64_t seed, uint64_t offset,
		       struct pattern_mismatch *m)
{
	uint8_t expected = pattern_byte(seed, offset);

	if (*p == expected)
		return true;
	if (m) {
		m->offset = offset;
		m->expected = expected;
		m->got = *p;
	}
	return false;
}

bool pattern_check(const void *buf, size_t len, uint64_t seed,
		   uint64_t offset, struct pattern_mismatch *m)
{
	const unsigned char *p = buf;
	size_t i;

	while (len && offset % 8) {
		if (!check_byte(p++, seed, offset++, m))
			return false;
		len--;
	}
	for (; len >= 8; len -= 8, p += 8, offset += 8) {
		uint64_t w = htole64(pattern_word(seed, offset / 8));

		if (!memcmp(p, &w, 8))
			continue;
		/* Find the byte within the word. */
		for (i = 0; i < 8; i++)
			if (!check_byte(p + i, seed, offset + i, m))
				return false;
	}
	while (len--)
		if (!check_byte(p++, seed, offset++, m))
			return false;
	return true;
}
