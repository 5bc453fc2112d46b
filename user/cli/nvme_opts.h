/* SPDX-License-Identifier: GPL-2.0 */
/*
 * urpt nvme: what the command line asks for, checked before any device is
 * opened. Pure logic, unit tested (tests/test_nvme_opts.c).
 */
#ifndef URPT_CLI_NVME_OPTS_H
#define URPT_CLI_NVME_OPTS_H

#include <stdbool.h>
#include <stdint.h>

/* The actions of urpt nvme. */
enum cli_nvme_action {
	CLI_NVME_ID_CTRL,
	CLI_NVME_ID_NS,
	CLI_NVME_IO,
	CLI_NVME_NR_ACTIONS,
};

/* The action called name, or -1. */
int cli_nvme_find_action(const char *name);
const char *cli_nvme_action_name(enum cli_nvme_action action);
const char *cli_nvme_action_summary(enum cli_nvme_action action);

/*
 * Where the action is among argv[1..argc-1]: "urpt nvme ACTION ... DEV"
 * (argv[1]) or "urpt nvme DEV ACTION ..." (argv[2], argv[1] being no
 * option). Returns the index of the action in argv, or 0 if there is none.
 */
int cli_nvme_action_index(int argc, char **argv);

/* Which way the data of an I/O command goes (opcode bits 1:0). */
enum cli_nvme_dir {
	CLI_NVME_DIR_NONE,	/* no data: flush, write zeroes */
	CLI_NVME_DIR_WRITE,	/* host to controller: write, dsm */
	CLI_NVME_DIR_READ,	/* controller to host: read */
};

/* The fields an opcode uses. */
#define CLI_NVME_USES_LBA	(1U << 0)	/* SLBA in cdw10-11, NLB in cdw12 */
#define CLI_NVME_USES_FUA	(1U << 1)	/* FUA bit in cdw12 */
#define CLI_NVME_USES_DEAC	(1U << 2)	/* DEAC bit in cdw12 */
#define CLI_NVME_DSM_RANGE	(1U << 3)	/* one range as data, AD attribute */

struct cli_nvme_opcode {
	const char *name;	/* "read", or "0x05" style for raw ones */
	uint8_t opcode;		/* enum nvme_io_opcode */
	enum cli_nvme_dir dir;
	unsigned int uses;	/* CLI_NVME_USES_* */
};

/*
 * --opcode: read, write, flush, write-zeroes, dsm (alias deallocate), or
 * a number (decimal or 0x hex, 0 to 255) whose data direction is its
 * bits 1:0 (bidirectional 3 is refused) and that takes SLBA/NLB. Returns
 * 0 or -EINVAL.
 */
int cli_nvme_parse_opcode(const char *s, struct cli_nvme_opcode *op);

/* A number in decimal or 0x hexadecimal, at most max. 0 or -EINVAL/-ERANGE. */
int cli_nvme_parse_number(const char *s, uint64_t max, uint64_t *value);

/* NLB is a 16-bit 0's based field: 1 to 65536 blocks per command. */
#define CLI_NVME_MAX_NLB	65536U

/* Everything urpt nvme io takes, as parsed. */
struct cli_nvme_io {
	struct cli_nvme_opcode op;
	bool have_op;
	uint32_t nsid;		/* 0: ask the device (NVME_IOCTL_ID) */
	uint64_t slba;
	bool have_slba;
	uint32_t nlb;		/* number of blocks, 1-based */
	bool have_nlb;
	bool fua;
	bool deallocate;	/* write-zeroes: DEAC */
	const char *input;	/* write: data file, NULL for stdin */
	const char *output;	/* read: data file, NULL for stdout */
	bool json;
	bool use_ioctl;		/* NVME_IOCTL_IO_CMD instead of io_uring */
};

/* The number of blocks: --nlb, 1 by default. */
uint64_t cli_nvme_io_nlb(const struct cli_nvme_io *io);

/*
 * What is wrong with a parsed io request (a usage error to print), or
 * NULL when it is consistent: --opcode given, --slba/--nlb where the
 * opcode needs them and only there, --fua/--deallocate/--input/--output
 * only where they apply, --json not with read data on stdout, SLBA + NLB
 * not wrapping around 2^64.
 */
const char *cli_nvme_io_check(const struct cli_nvme_io *io);

#endif
