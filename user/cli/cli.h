/* SPDX-License-Identifier: GPL-2.0 */
/* The urpt command-line tool: what its files share. */
#ifndef URPT_CLI_H
#define URPT_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <liburpt.h>
#include "flags.h"
#include "iomode.h"

/* Exit codes, documented in urpt --help and urpt(1). */
enum cli_exit {
	CLI_EXIT_OK	= 0,	/* success */
	CLI_EXIT_FAILED	= 1,	/* the command failed */
	CLI_EXIT_USAGE	= 2,	/* bad arguments */
	CLI_EXIT_OPEN	= 3,	/* could not open the device or control node,
				   or DEV is no node the command takes */
};

#define CLI_EXIT_DOC							\
	"Exit status: 0 success, 1 the command failed (the kernel returned "	\
	"an error, or the input or output could not be used), 2 usage error "	\
	"(bad arguments), 3 could not open the device or the control node, "	\
	"or DEV is not a urpt node."

/* The --help tail of the commands that take a SIZE. */
#define CLI_SIZE_DOC							\
	"\vSIZE is a number of bytes, optionally followed by k, M, G, T or "	\
	"KiB, MiB, GiB, TiB (powers of 1024). " CLI_EXIT_DOC

/* Options given before the command, e.g. urpt -v read ... */
struct cli_global {
	bool verbose;
};

/* One subcommand: argv[0] is "urpt NAME". Returns an exit code. */
struct cli_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv, const struct cli_global *global);
};

int cmd_attach(int argc, char **argv, const struct cli_global *global);
int cmd_detach(int argc, char **argv, const struct cli_global *global);
int cmd_list(int argc, char **argv, const struct cli_global *global);
int cmd_info(int argc, char **argv, const struct cli_global *global);
int cmd_read(int argc, char **argv, const struct cli_global *global);
int cmd_write(int argc, char **argv, const struct cli_global *global);
int cmd_flush(int argc, char **argv, const struct cli_global *global);
int cmd_discard(int argc, char **argv, const struct cli_global *global);
int cmd_write_zeroes(int argc, char **argv, const struct cli_global *global);
int cmd_verify(int argc, char **argv, const struct cli_global *global);
int cmd_bench(int argc, char **argv, const struct cli_global *global);
int cmd_nvme(int argc, char **argv, const struct cli_global *global);
int cmd_zones(int argc, char **argv, const struct cli_global *global);
int cmd_zone(int argc, char **argv, const struct cli_global *global);
int cmd_append(int argc, char **argv, const struct cli_global *global);

/* args.c: option parsing shared by the subcommands */
#define CLI_OPT_DETAILS		0x100
#define CLI_VERBOSE_OPTIONS						\
	{ "verbose", 'v', NULL, 0,					\
	  "Print each command's completion details (res, block-layer "	\
	  "status, bios, driver time) on stderr", 0 },			\
	{ "details", CLI_OPT_DETAILS, NULL, OPTION_ALIAS, NULL, 0 }

/* Every argp's children: -h prints the help as -? and --help do. */
extern const struct argp_child cli_help_children[];

void cli_parse_size(struct argp_state *state, const char *option,
		    const char *arg, uint64_t *bytes);
void cli_parse_count(struct argp_state *state, const char *option,
		     const char *arg, uint64_t min, uint64_t max,
		     uint64_t *value);
void cli_parse_arg(struct argp_state *state, char *arg, const char **dst);
void cli_need_dev(struct argp_state *state, const char *dev);

/* What the commands on a data node share: DEV, -v, how commands are sent. */
struct cli_node_args {
	const char *dev;
	struct io_mode mode;
	bool verbose;
};

error_t cli_parse_node(int key, char *arg, struct argp_state *state,
		       struct cli_node_args *n);

/* --fixed and --poll of read, write and verify */
#define CLI_OPT_FIXED		0x101
#define CLI_OPT_POLL		0x102
#define CLI_OPT_BOUNCE		0x103
#define CLI_OPT_FUA		0x104
#define CLI_OPT_NO_UNMAP	0x105
#define CLI_FIXED_OPTION						\
	{ "fixed", CLI_OPT_FIXED, NULL, 0,				\
	  "Register the I/O buffers with io_uring and send the commands "	\
	  "on them (IORING_URING_CMD_FIXED); needs the 'fixed' feature", 0 }
#define CLI_POLL_OPTION							\
	{ "poll", CLI_OPT_POLL, NULL, 0,				\
	  "Send the data commands on a ring of their own set up with "	\
	  "IORING_SETUP_IOPOLL: completions are polled where the disk has "	\
	  "poll queues ('poll' feature), else reaped as interrupts", 0 }

/* report.c: messages on stderr, all starting with "urpt: " */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_errno(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *errno_name(int err);
const char *errno_text(int err);
void report_cmd_error(const char *dev, uint32_t cmd_op, unsigned int ctx,
		      uint64_t offset, uint32_t len, int err);
void report_details(const char *dev, uint32_t cmd_op, uint64_t offset,
		    uint32_t len, const struct urpt_result *r);

/* session.c: a data node, its commands reported the same way each time */
struct cli_dev {
	struct urpt_dev dev;
	char path[256];
	bool verbose;
	struct io_mode mode;	/* how data commands are sent */
	/* Data commands' own ring, for --poll, --fixed and urpt verify. */
	struct io_uring io;
	bool has_io;
};

int cli_node_check(const char *path, unsigned int take);
int cli_dev_open(struct cli_dev *d, const char *arg, int open_flags,
		 bool verbose);
int cli_dev_start(struct cli_dev *d, const struct cli_node_args *n,
		  int open_flags, uint32_t cmd_op, struct urpt_info *info);
void cli_dev_close(struct cli_dev *d);
int cli_dev_info(struct cli_dev *d, struct urpt_info *info);
int cli_dev_read(struct cli_dev *d, void *buf, uint32_t len, uint64_t offset);
int cli_dev_write(struct cli_dev *d, const void *buf, uint32_t len,
		  uint64_t offset);
int cli_dev_flush(struct cli_dev *d);
int cli_dev_discard(struct cli_dev *d, uint32_t len, uint64_t offset);
int cli_dev_write_zeroes(struct cli_dev *d, uint32_t len, uint64_t offset);
int cli_dev_need(struct cli_dev *d, const struct urpt_info *info,
		 uint32_t cmd_op);
int cli_dev_io_ring(struct cli_dev *d, unsigned int depth);
int cli_dev_data_ring(struct cli_dev *d);
int cli_dev_buffer(struct cli_dev *d, const struct urpt_info *info,
		   uint32_t len, void **buf);
void cli_dev_report_partial(struct cli_dev *d, const char *what,
			    uint64_t done, uint64_t total);
int cli_dev_register(struct cli_dev *d, const struct iovec *iov,
		     unsigned int nr);
int cli_dev_done(struct cli_dev *d, uint32_t cmd_op, uint64_t offset,
		 uint32_t len, const struct urpt_result *r, int64_t expected);
int cli_dev_check_range(struct cli_dev *d, const struct urpt_info *info,
			bool write, uint64_t offset, uint64_t length);
uint32_t cli_dev_chunk(struct cli_dev *d, const struct urpt_info *info,
		       uint64_t remaining);
uint32_t cli_dev_chunk_max(struct cli_dev *d, const struct urpt_info *info,
			   uint64_t remaining, uint32_t max, const char *what);
int cli_ctl_open(void);

/* io.c: plain files, stdin and stdout */
void *alloc_io_buffer(size_t len, uint32_t dma_alignment);
int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, void **buf, size_t *len, uint32_t dma_alignment);
int read_input(const char *path, uint32_t dma_alignment, void **buf,
	       size_t *len);

/* progress.c: a live line on stderr, only when it is a terminal */
struct progress {
	bool on;
	uint64_t last_ns;
};

uint64_t now_ns(void);
void progress_init(struct progress *p);
void progress_update(struct progress *p, const char *what, uint64_t done,
		     uint64_t total, uint64_t start_ns);
void progress_clear(struct progress *p);

/* print.c: output on stdout */
void print_json_string(const char *s);
void print_json_flags(uint64_t flags, flag_name_fn name);
void copy_disk_name(char dst[URPT_DISK_NAME_LEN + 1],
		    const char src[URPT_DISK_NAME_LEN]);

#endif
