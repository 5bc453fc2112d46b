// SPDX-License-Identifier: GPL-2.0
/*
 * A data node as the subcommands use it: every command prints its details
 * under --verbose and its error in one format, and the caller only maps
 * the outcome to an exit code.
 */
#include <errno.h>
#include <fcntl.h>
#include "cli.h"
#include "check.h"
#include "chunk.h"
#include "devname.h"

/* Opening fails with urpt's own errors too: say what they mean. */
static const char *open_error_text(int err)
{
	switch (err) {
	case -EROFS:
	case -ENODEV:
		return urpt_strerror(URPT_CMD_WRITE, err);
	}
	return errno_text(err);
}

int cli_dev_open(struct cli_dev *d, const char *arg, int open_flags,
		 bool verbose)
{
	int ret;

	d->verbose = verbose;
	if ((size_t)urpt_dev_path(d->path, sizeof(d->path), arg) >=
	    sizeof(d->path)) {
		report("%.64s...: path too long", arg);
		return CLI_EXIT_USAGE;
	}
	ret = urpt_dev_open(&d->dev, d->path, open_flags | O_CLOEXEC);
	if (ret < 0) {
		report("%s: cannot open: %s (%s)", d->path,
		       open_error_text(ret), errno_name(ret));
		return CLI_EXIT_OPEN;
	}
	return CLI_EXIT_OK;
}

void cli_dev_close(struct cli_dev *d)
{
	urpt_dev_close(&d->dev);
}

/* Report one completion; res is what the command should have returned. */
static int cli_dev_done(struct cli_dev *d, uint32_t cmd_op, uint64_t offset,
			uint32_t len, const struct urpt_result *r,
			int64_t expected)
{
	if (d->verbose)
		report_details(d->path, cmd_op, offset, len, r);
	if (r->res < 0) {
		report_cmd_error(d->path, cmd_op, offset, len, r->res);
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

int cli_dev_read(struct cli_dev *d, void *buf, uint32_t len, uint64_t offset)
{
	struct urpt_result r;

	urpt_read(&d->dev, buf, len, offset, &r);
	return cli_dev_done(d, URPT_CMD_READ, offset, len, &r, len);
}

int cli_dev_write(struct cli_dev *d, const void *buf, uint32_t len,
		  uint64_t offset)
{
	struct urpt_result r;

	urpt_write(&d->dev, buf, len, offset, &r);
	return cli_dev_done(d, URPT_CMD_WRITE, offset, len, &r, len);
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
	enum io_check check = check_io_range(offset, length,
					     info->logical_block_size);
	char msg[192];

	if (check == IO_CHECK_OK)
		return CLI_EXIT_OK;
	io_check_message(msg, sizeof(msg), check, write, offset, length,
			 info->logical_block_size);
	report("%s: %s", d->path, msg);
	return check == IO_CHECK_NO_BLOCK_SIZE ? CLI_EXIT_FAILED :
						 CLI_EXIT_USAGE;
}

/* The next command's length; 0 (reported) if the disk allows none. */
uint32_t cli_dev_chunk(struct cli_dev *d, const struct urpt_info *info,
		       uint64_t remaining)
{
	uint32_t len = chunk_len(remaining, info->max_transfer,
				 info->logical_block_size);

	if (!len)
		report("%s: the device reports a max transfer of %u bytes, less than one %u-byte block",
		       d->path, info->max_transfer, info->logical_block_size);
	return len;
}
