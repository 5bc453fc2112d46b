/* SPDX-License-Identifier: GPL-2.0 */
/* Checking a read or write range against the disk before sending it. */
#ifndef URPT_CLI_CHECK_H
#define URPT_CLI_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum io_check {
	IO_CHECK_OK = 0,
	IO_CHECK_NO_BLOCK_SIZE,		/* the disk reported 0 */
	IO_CHECK_ZERO_LENGTH,
	IO_CHECK_OFFSET_UNALIGNED,
	IO_CHECK_LENGTH_UNALIGNED,
	IO_CHECK_WRAPS,			/* offset + length overflows 64 bits */
	IO_CHECK_PAST_END,		/* beyond the disk's capacity */
};

/* What a range is checked against: the disk, as INFO describes it. */
struct io_geometry {
	uint32_t logical_block_size;
	uint64_t capacity;		/* bytes */
};

/*
 * The rules the kernel enforces on whole blocks and the end of the disk,
 * checked up front so the user hears which one a range breaks, before
 * anything (an output file among them) is touched.
 */
enum io_check check_io_range(uint64_t offset, uint64_t length,
			     const struct io_geometry *g);

/* Explain a failed check; write says whether the length is the input's. */
int io_check_message(char *buf, size_t size, enum io_check check, bool write,
		     uint64_t offset, uint64_t length,
		     const struct io_geometry *g);

#endif
