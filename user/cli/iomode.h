/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a command is sent (--fua, --bounce, --fixed, --poll, --no-unmap),
 * and whether the disk can take it that way: no I/O here.
 */
#ifndef URPT_CLI_IOMODE_H
#define URPT_CLI_IOMODE_H

#include <stdbool.h>
#include <stdint.h>

struct io_mode {
	bool fua;	/* URPT_F_FUA: WRITE(V), ZONE_APPEND */
	bool bounce;	/* URPT_F_BOUNCE: READ(V), WRITE(V), ZONE_APPEND */
	bool no_unmap;	/* URPT_F_NOUNMAP: WRITE_ZEROES */
	bool fixed;	/* IORING_URING_CMD_FIXED: registered buffers */
	bool poll;	/* a ring set up with IORING_SETUP_IOPOLL */
};

/* The URPT_F_* flags mode gives cmd_op (only those urpt.h allows it). */
uint32_t io_mode_cmd_flags(const struct io_mode *mode, uint32_t cmd_op);

/* The URPT_CTX_* of mode, for urpt_strerror_ctx(). */
unsigned int io_mode_ctx(const struct io_mode *mode);

/*
 * The URPT_FEAT_* bit that cmd_op sent in mode needs and the disk lacks,
 * or 0 if it can be sent. features, max_discard and max_write_zeroes are
 * from struct urpt_info (a disk without DISCARD reports a 0 limit too).
 * --poll needs nothing: commands the disk cannot poll complete by
 * interrupt.
 */
uint64_t io_mode_missing(const struct io_mode *mode, uint32_t cmd_op,
			 uint64_t features, uint32_t max_discard,
			 uint32_t max_write_zeroes);

#endif
