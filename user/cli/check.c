// SPDX-License-Identifier: GPL-2.0
/* Checking a read or write range against the disk before sending it. */
#include <stdio.h>
#include "check.h"

enum io_check check_io_range(uint64_t offset, uint64_t length,
			     const struct io_geometry *g)
{
	uint32_t logical_block_size = g->logical_block_size;

	if (!logical_block_size)
		return IO_CHECK_NO_BLOCK_SIZE;
	if (!length)
		return IO_CHECK_ZERO_LENGTH;
	if (offset % logical_block_size)
		return IO_CHECK_OFFSET_UNALIGNED;
	if (length % logical_block_size)
		return IO_CHECK_LENGTH_UNALIGNED;
	if (offset > UINT64_MAX - length)
		return IO_CHECK_WRAPS;
	if (offset > g->capacity || length > g->capacity - offset)
		return IO_CHECK_PAST_END;
	return IO_CHECK_OK;
}

int io_check_message(char *buf, size_t size, enum io_check check, bool write,
		     uint64_t offset, uint64_t length,
		     const struct io_geometry *g)
{
	unsigned long long off = offset, len = length;
	unsigned long long cap = g->capacity;
	uint32_t logical_block_size = g->logical_block_size;

	switch (check) {
	case IO_CHECK_OK:
		return snprintf(buf, size, "range is valid");
	case IO_CHECK_NO_BLOCK_SIZE:
		return snprintf(buf, size,
				"the device reports a logical block size of 0");
	case IO_CHECK_ZERO_LENGTH:
		return snprintf(buf, size, write ?
				"the input is empty: nothing to write" :
				"--length is 0: nothing to read");
	case IO_CHECK_OFFSET_UNALIGNED:
		return snprintf(buf, size,
				"--offset %llu is not a multiple of the logical block size (%u bytes)",
				off, logical_block_size);
	case IO_CHECK_LENGTH_UNALIGNED:
		if (write)
			return snprintf(buf, size,
					"the input is %llu bytes, not a multiple of the logical block size (%u bytes); urpt pads nothing",
					len, logical_block_size);
		return snprintf(buf, size,
				"--length %llu is not a multiple of the logical block size (%u bytes)",
				len, logical_block_size);
	case IO_CHECK_WRAPS:
		return snprintf(buf, size,
				"--offset %llu plus %llu bytes goes past 2^64 bytes",
				off, len);
	case IO_CHECK_PAST_END:
		return snprintf(buf, size,
				"--offset %llu plus %llu bytes ends past the end of the device (%llu bytes)",
				off, len, cap);
	}
	return snprintf(buf, size, "invalid range");
}
