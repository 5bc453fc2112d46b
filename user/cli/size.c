// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes on the command line. Digits only, so that strtoull()'s leniency
 * (leading blanks, a sign that wraps "-1" to 2^64 - 1, hex) cannot turn a
 * typo into a huge offset; an optional binary suffix multiplies by a
 * power of 1024.
 */
#include <stdio.h>
#include <string.h>
#include "size.h"

struct size_suffix {
	const char *name;
	unsigned int shift;
};

static const struct size_suffix size_suffixes[] = {
	{ "",    0 },
	{ "k",  10 }, { "K",  10 }, { "KiB", 10 },
	{ "m",  20 }, { "M",  20 }, { "MiB", 20 },
	{ "g",  30 }, { "G",  30 }, { "GiB", 30 },
	{ "t",  40 }, { "T",  40 }, { "TiB", 40 },
};

static int size_suffix_shift(const char *suffix)
{
	size_t i;

	for (i = 0; i < sizeof(size_suffixes) / sizeof(size_suffixes[0]); i++)
		if (!strcmp(suffix, size_suffixes[i].name))
			return size_suffixes[i].shift;
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum size_error parse_size(const char *s, uint64_t *bytes)
{
	uint64_t value = 0;
	int shift;

	if (!s || !*s)
		return SIZE_EMPTY;
	if (*s == '-')
		return SIZE_NEGATIVE;
	if (!is_digit(*s))
		return SIZE_NOT_A_NUMBER;
	for (; is_digit(*s); s++) {
		unsigned int digit = *s - '0';

		if (value > (UINT64_MAX - digit) / 10)
			return SIZE_OVERFLOW;
		value = value * 10 + digit;
	}
	shift = size_suffix_shift(s);
	if (shift < 0)
		return SIZE_BAD_SUFFIX;
	if (shift && value > UINT64_MAX >> shift)
		return SIZE_OVERFLOW;
	*bytes = value << shift;
	return SIZE_OK;
}

enum size_error parse_count(const char *s, uint64_t *value)
{
	uint64_t parsed;
	enum size_error err = parse_size(s, &parsed);

	/* A suffix makes a size, not a count. */
	if (err == SIZE_OK && s[strspn(s, "0123456789")])
		return SIZE_NOT_A_NUMBER;
	if (err == SIZE_BAD_SUFFIX)
		return SIZE_NOT_A_NUMBER;
	if (err == SIZE_OK)
		*value = parsed;
	return err;
}

const char *size_error_text(enum size_error err)
{
	switch (err) {
	case SIZE_OK:
		return "valid";
	case SIZE_EMPTY:
		return "empty";
	case SIZE_NEGATIVE:
		return "must not be negative";
	case SIZE_NOT_A_NUMBER:
		return "not a number";
	case SIZE_BAD_SUFFIX:
		return "unknown suffix (use k, M, G, T or KiB, MiB, GiB, TiB)";
	case SIZE_OVERFLOW:
		return "too large (more than 2^64 - 1 bytes)";
	}
	return "invalid";
}

int format_size(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double value = bytes;
	int unit = -1;

	if (bytes < 1024)
		return snprintf(buf, size, "%llu B", (unsigned long long)bytes);
	while (value >= 1024 && unit < 5) {
		value /= 1024;
		unit++;
	}
	return snprintf(buf, size, "%.2f %s", value, units[unit]);
}
