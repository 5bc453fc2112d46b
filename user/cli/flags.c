// SPDX-License-Identifier: GPL-2.0
/* Names of URPT_FEAT_* and URPT_ATTACH_* bits, as urpt(1) prints them. */
#include <stdio.h>
#include <liburpt.h>
#include "flags.h"

const char *feature_name(uint64_t bit)
{
	switch (bit) {
	case URPT_FEAT_READ_ONLY:
		return "read-only";
	case URPT_FEAT_WRITE_CACHE:
		return "write-cache";
	case URPT_FEAT_FUA:
		return "fua";
	case URPT_FEAT_ROTATIONAL:
		return "rotational";
	case URPT_FEAT_PARTITION:
		return "partition";
	case URPT_FEAT_DISCARD:
		return "discard";
	case URPT_FEAT_WRITE_ZEROES:
		return "write-zeroes";
	case URPT_FEAT_POLL:
		return "poll";
	case URPT_FEAT_FIXED:
		return "fixed";
	case URPT_FEAT_FIXED_VEC:
		return "fixed-vec";
	case URPT_FEAT_NOWAIT:
		return "nowait";
	case URPT_FEAT_ZONED:
		return "zoned";
	}
	return NULL;
}

const char *attach_flag_name(uint64_t bit)
{
	switch (bit) {
	case URPT_ATTACH_READ_ONLY:
		return "read-only";
	case URPT_ATTACH_SHARED:
		return "shared";
	}
	return NULL;
}

/* Append to what snprintf() already measured, which may not have fit. */
static int append(char *buf, size_t size, int len, const char *sep,
		  const char *text)
{
	size_t used = (size_t)len < size ? (size_t)len : size;

	return len + snprintf(size > used ? buf + used : NULL, size - used,
			      "%s%s", sep, text);
}

int format_flags(char *buf, size_t size, uint64_t flags, flag_name_fn name,
		 const char *sep)
{
	int len = 0;
	unsigned int i;

	if (size)
		buf[0] = '\0';
	if (!flags)
		return append(buf, size, 0, "none", "");
	for (i = 0; i < 64; i++) {
		uint64_t bit = 1ULL << i;
		const char *text;
		char unknown[8];

		if (!(flags & bit))
			continue;
		text = name(bit);
		if (!text) {
			snprintf(unknown, sizeof(unknown), "bit%u", i);
			text = unknown;
		}
		len = append(buf, size, len, len ? sep : "", text);
	}
	return len;
}
