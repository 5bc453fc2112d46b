/* SPDX-License-Identifier: GPL-2.0 */
/* Splitting a long transfer into commands the disk accepts. */
#ifndef URPT_CLI_CHUNK_H
#define URPT_CLI_CHUNK_H

#include <stdint.h>

/*
 * Length of the next command of a transfer with remaining bytes left:
 * at most max_transfer, rounded down to whole logical blocks so that the
 * next offset stays aligned. 0 if max_transfer is shorter than a block
 * (or either is 0), or nothing remains.
 */
uint32_t chunk_len(uint64_t remaining, uint32_t max_transfer,
		   uint32_t logical_block_size);

#endif
