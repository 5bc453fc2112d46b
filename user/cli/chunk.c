// SPDX-License-Identifier: GPL-2.0
/* Splitting a long transfer into commands the disk accepts. */
#include "chunk.h"

uint32_t chunk_len(uint64_t remaining, uint32_t max_transfer,
		   uint32_t logical_block_size)
{
	uint32_t max_chunk;

	if (!logical_block_size)
		return 0;
	max_chunk = max_transfer - max_transfer % logical_block_size;
	return remaining < max_chunk ? remaining : max_chunk;
}
