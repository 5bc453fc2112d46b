/* SPDX-License-Identifier: GPL-2.0 */
/*
 * urpt verify's range: which blocks of the disk it writes and reads back,
 * checked against the disk's geometry before anything is sent.
 */
#ifndef URPT_CLI_PLAN_H
#define URPT_CLI_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAN_DEFAULT_BLOCK_SIZE	(64U * 1024)

/* What the disk allows (from struct urpt_info). */
struct plan_geometry {
	uint64_t capacity;
	uint32_t logical_block_size;
	uint32_t max_transfer;
};

/* What the user asked for. */
struct plan_request {
	uint64_t offset;
	uint64_t length;
	bool have_length;	/* else: from offset to the end of the disk */
	uint64_t block_size;
	bool have_block_size;	/* else: 64 KiB, or less if the disk wants */
};

struct plan {
	uint64_t offset;	/* first byte */
	uint64_t length;	/* bytes, a multiple of the logical block size */
	uint32_t block_size;	/* bytes per command, but for the last one */
	uint64_t blocks;	/* commands per pass */
	uint32_t last_len;	/* length of the last command */
};

enum plan_error {
	PLAN_OK = 0,
	PLAN_NO_BLOCK_SIZE,		/* the disk reported a 0 block size */
	PLAN_OFFSET_UNALIGNED,
	PLAN_OFFSET_PAST_END,		/* no length: offset >= capacity */
	PLAN_ZERO_LENGTH,
	PLAN_LENGTH_UNALIGNED,
	PLAN_PAST_END,			/* offset + length beyond capacity */
	PLAN_BLOCK_SIZE_ZERO,
	PLAN_BLOCK_SIZE_UNALIGNED,
	PLAN_BLOCK_SIZE_TOO_BIG,	/* more than the max transfer */
};

/* The longest command the disk takes: max_transfer, capped by urpt.h. */
uint32_t plan_max_block(const struct plan_geometry *g);

enum plan_error plan_make(const struct plan_geometry *g,
			  const struct plan_request *req, struct plan *p);

/* Offset and length of block index (< p->blocks). */
void plan_block(const struct plan *p, uint64_t index, uint64_t *offset,
		uint32_t *len);

/* Does the plan cover the whole disk, from its first byte to its last? */
bool plan_whole_disk(const struct plan *p, uint64_t capacity);

/* Explain a plan_make() error, naming the option. Like snprintf(). */
int plan_error_message(char *buf, size_t size, enum plan_error err,
		       const struct plan_geometry *g,
		       const struct plan_request *req);

#endif
