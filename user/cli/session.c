// SPDX-License-Identifier: GPL-2.0
/*
 * A data node as the subcommands use it: every command prints its details
 * under --verbose and its error in one format, and the caller only maps
 * the outcome to an exit code.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "cli.h"
#include "check.h"
#include "chunk.h"
#include "devname.h"
#include "nodekind.h"
#include "nvme_sysfs.h"

/* Opening fails with urpt's own errors too: say what they mean. */
static const char *open_error_text(int err)
{
	switch (err) {
	case -EROFS:
	case -ENODEV:
	case -ENOTTY:
		return urpt_strerror(URPT_CMD_WRITE, err);
	}
	return errno_text(err);
}

/*
 * Every command that opens a DEV asks here first: what is no node of the
 * kinds it takes (NODE_TAKE_*) is refused, unopened, with a message that
 * says what it is instead and what to do (a block disk: attach it).
 */
int cli_node_check(const char *path, unsigned int take)
{
	struct node_facts f;
	char msg[512];

	node_facts_read(CLI_SYSFS_ROOT, URPT_CONTROL_PATH, path, &f);
	if (node_takes(take, node_kind(&f)))
		return CLI_EXIT_OK;
	node_message(msg, sizeof(msg), path, &f, take);
	report("%s", msg);
	return CLI_EXIT_OPEN;
}

int cli_dev_open(struct cli_dev *d, const char *arg, int open_flags,
		 bool verbose)
{
	int ret;

	d->verbose = verbose;
	d->has_io = false;
	memset(&d->mode, 0, sizeof(d->mode));
	if ((size_t)urpt_dev_path(d->path, sizeof(d->path), arg) >=
	    sizeof(d->path)) {
		report("%.64s...: path too long", arg);
		return CLI_EXIT_USAGE;
	}
	ret = cli_node_check(d->path, NODE_TAKE_URPT);
	if (ret)
		return ret;
	ret = urpt_dev_open(&d->dev, d->path, open_flags | O_CLOEXEC);
	if (ret < 0) {
		report("%s: cannot open: %s (%s)", d->path,
		       open_error_text(ret), errno_name(ret));
		return CLI_EXIT_OPEN;
	}
	return CLI_EXIT_OK;
}

/*
 * How every data command starts: open DEV (open_flags), take the mode of
 * its options, read INFO and, unless cmd_op is 0, refuse what the disk
 * cannot do. On failure d is closed again and the exit code returned.
 */
int cli_dev_start(struct cli_dev *d, const struct cli_node_args *n,
		  int open_flags, uint32_t cmd_op, struct urpt_info *info)
{
	int ret = cli_dev_open(d, n->dev, open_flags, n->verbose);

	if (ret)
		return ret;
	d->mode = n->mode;
	ret = cli_dev_info(d, info);
	if (!ret && cmd_op)
		ret = cli_dev_need(d, info, cmd_op);
	if (ret)
		cli_dev_close(d);
	return ret;
}

void cli_dev_close(struct cli_dev *d)
{
	/* Unregisters the buffers too. */
	if (d->has_io)
		io_uring_queue_exit(&d->io);
	d->has_io = false;
	urpt_dev_close(&d->dev);
}

/* The context an error of cmd_op is explained in. */
static unsigned int cli_dev_ctx(const struct cli_dev *d, uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
		return io_mode_ctx(&d->mode);
	}
	return 0;
}

/* Report one completion; res is what the command should have returned. */
int cli_dev_done(struct cli_dev *d, uint32_t cmd_op, uint64_t offset,
		 uint32_t len, const struct urpt_result *r, int64_t expected)
{
	if (d->verbose)
		report_details(d->path, cmd_op, offset, len, r);
	if (r->res < 0) {
		report_cmd_error(d->path, cmd_op, cli_dev_ctx(d, cmd_op),
				 offset, len, r->res);
		return CLI_EXIT_FAILED;
	}
	if (expected >= 0 && r->res != expected) {
		report("%s: short %s: %d of %lld bytes", d->path,
		       urpt_cmd_name(cmd_op), r->res, (long long)expected);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

int cli_dev_info(struct cli_dev *d, struct urpt_info *info)
{
	struct urpt_result r;

	urpt_info(&d->dev, info, &r);
	if (cli_dev_done(d, URPT_CMD_INFO, 0, 0, &r, -1))
		return CLI_EXIT_FAILED;
	if (r.res < URPT_INFO_SIZE_V1) {
		report("%s: info: the module returned %d bytes, expected at least %d",
		       d->path, r.res, URPT_INFO_SIZE_V1);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

/*
 * One READ or WRITE on the data ring (--poll, --fixed): buffer index 0
 * is the one registered buffer, which buf must lie in.
 */
static void cli_dev_io_run(struct cli_dev *d, uint32_t cmd_op, void *buf,
			   uint32_t len, uint64_t offset,
			   struct urpt_result *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&d->io);
	struct io_uring_cqe *cqe;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!sqe) {
		r->res = -EBUSY;
		return;
	}
	if (cmd_op == URPT_CMD_WRITE)
		urpt_prep_write(sqe, d->dev.fd, buf, len, offset);
	else
		urpt_prep_read(sqe, d->dev.fd, buf, len, offset);
	urpt_prep_set_flags(sqe, io_mode_cmd_flags(&d->mode, cmd_op));
	if (d->mode.fixed)
		urpt_prep_set_fixed(sqe, 0);
	io_uring_sqe_set_data64(sqe, 0);
	do {
		ret = io_uring_submit_and_wait(&d->io, 1);
	} while (ret == -EINTR);
	if (ret < 0) {
		r->res = ret;
		return;
	}
	do {
		ret = io_uring_wait_cqe(&d->io, &cqe);
	} while (ret == -EINTR);
	if (ret < 0) {
		r->res = ret;
		return;
	}
	urpt_cqe_decode(cqe, r);
	io_uring_cqe_seen(&d->io, cqe);
}

int cli_dev_read(struct cli_dev *d, void *buf, uint32_t len, uint64_t offset)
{
	struct urpt_result r;

	if (d->has_io)
		cli_dev_io_run(d, URPT_CMD_READ, buf, len, offset, &r);
	else
		urpt_read_flags(&d->dev, buf, len, offset,
				io_mode_cmd_flags(&d->mode, URPT_CMD_READ), &r);
	return cli_dev_done(d, URPT_CMD_READ, offset, len, &r, len);
}

int cli_dev_write(struct cli_dev *d, const void *buf, uint32_t len,
		  uint64_t offset)
{
	struct urpt_result r;

	if (d->has_io)
		cli_dev_io_run(d, URPT_CMD_WRITE, (void *)buf, len, offset, &r);
	else
		urpt_write_flags(&d->dev, buf, len, offset,
				 io_mode_cmd_flags(&d->mode, URPT_CMD_WRITE),
				 &r);
	return cli_dev_done(d, URPT_CMD_WRITE, offset, len, &r, len);
}

int cli_dev_discard(struct cli_dev *d, uint32_t len, uint64_t offset)
{
	struct urpt_result r;

	urpt_discard(&d->dev, len, offset, &r);
	return cli_dev_done(d, URPT_CMD_DISCARD, offset, len, &r, len);
}

int cli_dev_write_zeroes(struct cli_dev *d, uint32_t len, uint64_t offset)
{
	struct urpt_result r;

	urpt_write_zeroes(&d->dev, len, offset,
			  io_mode_cmd_flags(&d->mode, URPT_CMD_WRITE_ZEROES),
			  &r);
	return cli_dev_done(d, URPT_CMD_WRITE_ZEROES, offset, len, &r, len);
}

/* What the user hears a missing feature bit as. */
static const char *feature_need(uint64_t bit)
{
	switch (bit) {
	case URPT_FEAT_DISCARD:
		return "discard";
	case URPT_FEAT_WRITE_ZEROES:
		return "write zeroes";
	case URPT_FEAT_FIXED:
		return "registered buffers (--fixed)";
	case URPT_FEAT_FIXED_VEC:
		return "registered buffers with readv/writev";
	case URPT_FEAT_ZONED:
		return "zone commands: it has no zones";
	}
	return "this command";
}

/* Refuse, before anything is sent, what the disk cannot do. */
int cli_dev_need(struct cli_dev *d, const struct urpt_info *info,
		 uint32_t cmd_op)
{
	uint64_t missing = io_mode_missing(&d->mode, cmd_op, info->features,
					   info->max_discard,
					   info->max_write_zeroes);

	if (!missing)
		return CLI_EXIT_OK;
	report("%s: the disk does not support %s (no '%s' feature in 'urpt info')",
	       d->path, feature_need(missing), feature_name(missing));
	return CLI_EXIT_FAILED;
}

/* The data commands' own ring: IOPOLL under --poll. */
int cli_dev_io_ring(struct cli_dev *d, unsigned int depth)
{
	int ret = urpt_queue_init(depth, &d->io,
				  d->mode.poll ? IORING_SETUP_IOPOLL : 0);

	if (ret < 0) {
		report_errno(ret, "%s: cannot set up a ring of %u entries%s",
			     d->path, depth,
			     d->mode.poll ? " with IOPOLL" : "");
		return CLI_EXIT_FAILED;
	}
	d->has_io = true;
	return CLI_EXIT_OK;
}

/* The ring of one command at a time of read and write's --fixed, --poll. */
int cli_dev_data_ring(struct cli_dev *d)
{
	if (!d->mode.poll && !d->mode.fixed)
		return CLI_EXIT_OK;
	return cli_dev_io_ring(d, 2);
}

/*
 * A buffer of len bytes aligned for the disk, registered under --fixed
 * as buffer 0. *buf is for the caller to free, whatever is returned.
 */
int cli_dev_buffer(struct cli_dev *d, const struct urpt_info *info,
		   uint32_t len, void **buf)
{
	struct iovec iov;

	*buf = alloc_io_buffer(len, info->dma_alignment);
	if (!*buf) {
		report("%s: cannot allocate %u bytes", d->path, len);
		return CLI_EXIT_FAILED;
	}
	if (!d->mode.fixed)
		return CLI_EXIT_OK;
	iov.iov_base = *buf;
	iov.iov_len = len;
	return cli_dev_register(d, &iov, 1);
}

/* After a failed command: how much of the range the earlier ones did. */
void cli_dev_report_partial(struct cli_dev *d, const char *what,
			    uint64_t done, uint64_t total)
{
	if (done)
		report("%s: %llu of %llu bytes were %s before the error",
		       d->path, (unsigned long long)done,
		       (unsigned long long)total, what);
}

int cli_dev_register(struct cli_dev *d, const struct iovec *iov,
		     unsigned int nr)
{
	unsigned long long bytes = 0;
	unsigned int i;
	int ret = io_uring_register_buffers(&d->io, iov, nr);

	if (!ret)
		return CLI_EXIT_OK;
	for (i = 0; i < nr; i++)
		bytes += iov[i].iov_len;
	report("%s: cannot register %u buffer%s (%llu bytes) with io_uring: %s (%s)%s",
	       d->path, nr, nr == 1 ? "" : "s", bytes, errno_text(ret),
	       errno_name(ret),
	       ret == -ENOMEM ? "; is RLIMIT_MEMLOCK (ulimit -l) too low?" : "");
	return CLI_EXIT_FAILED;
}

int cli_dev_flush(struct cli_dev *d)
{
	struct urpt_result r;

	urpt_flush(&d->dev, &r);
	return cli_dev_done(d, URPT_CMD_FLUSH, 0, 0, &r, 0);
}

int cli_ctl_open(void)
{
	int fd = urpt_ctl_open();

	if (fd < 0)
		report("%s: cannot open: %s (%s)%s", URPT_CONTROL_PATH,
		       errno_text(fd), errno_name(fd),
		       fd == -ENOENT ? "; is urpt.ko loaded?" : "");
	return fd;
}

/* The block rules of a READ or WRITE, checked before anything is sent. */
int cli_dev_check_range(struct cli_dev *d, const struct urpt_info *info,
			bool write, uint64_t offset, uint64_t length)
{
	const struct io_geometry g = {
		.logical_block_size = info->logical_block_size,
		.capacity = info->capacity,
	};
	enum io_check check = check_io_range(offset, length, &g);
	char msg[192];

	if (check == IO_CHECK_OK)
		return CLI_EXIT_OK;
	io_check_message(msg, sizeof(msg), check, write, offset, length, &g);
	report("%s: %s", d->path, msg);
	return check == IO_CHECK_NO_BLOCK_SIZE ? CLI_EXIT_FAILED :
						 CLI_EXIT_USAGE;
}

/*
 * The next command's length, at most max bytes (what names the limit);
 * 0 (reported) if the disk allows none.
 */
uint32_t cli_dev_chunk_max(struct cli_dev *d, const struct urpt_info *info,
			   uint64_t remaining, uint32_t max, const char *what)
{
	uint32_t len = chunk_len(remaining, max, info->logical_block_size);

	if (!len)
		report("%s: the device reports a %s of %u bytes, less than one %u-byte block",
		       d->path, what, max, info->logical_block_size);
	return len;
}

/* The next READ or WRITE's length; 0 (reported) if the disk allows none. */
uint32_t cli_dev_chunk(struct cli_dev *d, const struct urpt_info *info,
		       uint64_t remaining)
{
	return cli_dev_chunk_max(d, info, remaining, info->max_transfer,
				 "max transfer");
}
