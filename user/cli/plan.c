// SPDX-License-Identifier: GPL-2.0
/* urpt verify's range; see plan.h. */
#include <stdio.h>
#include <liburpt.h>
#include "plan.h"

uint32_t plan_max_block(const struct plan_geometry *g)
{
	uint32_t max = g->max_transfer;

	if (max > URPT_MAX_TRANSFER)
		max = URPT_MAX_TRANSFER;
	if (g->logical_block_size)
		max -= max % g->logical_block_size;
	return max;
}

/* 64 KiB unless the disk's blocks or max transfer say otherwise. */
static uint64_t default_block_size(const struct plan_geometry *g)
{
	uint64_t block = PLAN_DEFAULT_BLOCK_SIZE;
	uint32_t max = plan_max_block(g);

	if (block % g->logical_block_size)
		block = g->logical_block_size;
	if (block > max && max)
		block = max;
	return block;
}

enum plan_error plan_make(const struct plan_geometry *g,
			  const struct plan_request *req, struct plan *p)
{
	uint32_t lbs = g->logical_block_size;
	uint64_t length, block;

	if (!lbs)
		return PLAN_NO_BLOCK_SIZE;
	if (req->offset % lbs)
		return PLAN_OFFSET_UNALIGNED;
	if (req->have_length) {
		length = req->length;
	} else {
		if (req->offset >= g->capacity)
			return PLAN_OFFSET_PAST_END;
		/* Whole blocks only, should the capacity have a tail. */
		length = g->capacity - req->offset;
		length -= length % lbs;
	}
	if (!length)
		return PLAN_ZERO_LENGTH;
	if (length % lbs)
		return PLAN_LENGTH_UNALIGNED;
	if (req->offset > g->capacity || length > g->capacity - req->offset)
		return PLAN_PAST_END;
	block = req->have_block_size ? req->block_size : default_block_size(g);
	if (!block)
		return PLAN_BLOCK_SIZE_ZERO;
	if (block % lbs)
		return PLAN_BLOCK_SIZE_UNALIGNED;
	if (block > plan_max_block(g))
		return PLAN_BLOCK_SIZE_TOO_BIG;
	p->offset = req->offset;
	p->length = length;
	p->block_size = block;
	p->blocks = (length + block - 1) / block;
	p->last_len = length - (p->blocks - 1) * block;
	return PLAN_OK;
}

void plan_block(const struct plan *p, uint64_t index, uint64_t *offset,
		uint32_t *len)
{
	*offset = p->offset + index * p->block_size;
	*len = index + 1 == p->blocks ? p->last_len : p->block_size;
}

bool plan_whole_disk(const struct plan *p, uint64_t capacity)
{
	return p->offset == 0 && p->length == capacity;
}

int plan_error_message(char *buf, size_t size, enum plan_error err,
		       const struct plan_geometry *g,
		       const struct plan_request *req)
{
	unsigned long long off = req->offset, len = req->length,
			   block = req->block_size, cap = g->capacity;
	uint32_t lbs = g->logical_block_size;

	switch (err) {
	case PLAN_OK:
		return snprintf(buf, size, "range is valid");
	case PLAN_NO_BLOCK_SIZE:
		return snprintf(buf, size,
				"the device reports a logical block size of 0");
	case PLAN_OFFSET_UNALIGNED:
		return snprintf(buf, size,
				"--offset %llu is not a multiple of the logical block size (%u bytes)",
				off, lbs);
	case PLAN_OFFSET_PAST_END:
		return snprintf(buf, size,
				"--offset %llu is at or past the end of the disk (%llu bytes): nothing to verify",
				off, cap);
	case PLAN_ZERO_LENGTH:
		return snprintf(buf, size, "--length is 0: nothing to verify");
	case PLAN_LENGTH_UNALIGNED:
		return snprintf(buf, size,
				"--length %llu is not a multiple of the logical block size (%u bytes)",
				len, lbs);
	case PLAN_PAST_END:
		return snprintf(buf, size,
				"--offset %llu plus --length %llu goes past the end of the disk (%llu bytes)",
				off, len, cap);
	case PLAN_BLOCK_SIZE_ZERO:
		return snprintf(buf, size, "--block-size is 0");
	case PLAN_BLOCK_SIZE_UNALIGNED:
		return snprintf(buf, size,
				"--block-size %llu is not a multiple of the logical block size (%u bytes)",
				block, lbs);
	case PLAN_BLOCK_SIZE_TOO_BIG:
		return snprintf(buf, size,
				"--block-size %llu is larger than the device's max transfer (%u bytes)",
				block, plan_max_block(g));
	}
	return snprintf(buf, size, "invalid range");
}
