// SPDX-License-Identifier: GPL-2.0
/*
 * The uring_cmd entry point of /dev/urptN: read the command out of the SQE
 * once, validate it against the uapi and the disk, and hand it to the data
 * path or answer it here.
 */
#include <linux/fs.h>
#include <linux/uaccess.h>
#include "urpt.h"

#define URPT_RING_FLAGS	(IO_URING_F_SQE128 | IO_URING_F_CQE32)

/* A command's properties: which flags it takes, whether it writes. */
struct urpt_op {
	u32	flags;		/* URPT_F_* the command accepts */
	bool	reads;		/* needs the node open for reading */
	bool	writes;		/* needs the node open for writing */
	bool	fixed;		/* may use a registered buffer */
};

static const struct urpt_op *urpt_op(u32 cmd_op)
{
	static const struct urpt_op info = { },
		read = { .flags = URPT_F_BOUNCE, .reads = true, .fixed = true },
		write = { .flags = URPT_F_FUA | URPT_F_BOUNCE, .writes = true,
			  .fixed = true },
		flush = { .writes = true },
		discard = { .writes = true },
		write_zeroes = { .flags = URPT_F_NOUNMAP, .writes = true };

	switch (cmd_op) {
	case URPT_CMD_INFO:
		return &info;
	case URPT_CMD_READ:
	case URPT_CMD_READV:
		return &read;
	case URPT_CMD_WRITE:
	case URPT_CMD_WRITEV:
		return &write;
	case URPT_CMD_FLUSH:
		return &flush;
	case URPT_CMD_DISCARD:
		return &discard;
	case URPT_CMD_WRITE_ZEROES:
		return &write_zeroes;
	}
	return NULL;
}

/*
 * The SQE is shared with user space, which may rewrite it while we run:
 * copy every field exactly once and only look at the copy afterwards.
 * Reserved fields are folded into one word that must stay zero.
 */
static int urpt_cmd_fetch(const struct urpt_cmd *sqe_cmd, struct urpt_cmd *cmd,
			  const struct urpt_op *op)
{
	u64 rsvd = 0;
	int i;

	cmd->version = READ_ONCE(sqe_cmd->version);
	cmd->flags = READ_ONCE(sqe_cmd->flags);
	cmd->offset = READ_ONCE(sqe_cmd->offset);
	cmd->addr = READ_ONCE(sqe_cmd->addr);
	cmd->len = READ_ONCE(sqe_cmd->len);
	for (i = 0; i < ARRAY_SIZE(sqe_cmd->rsvd0); i++)
		rsvd |= READ_ONCE(sqe_cmd->rsvd0[i]);
	rsvd |= READ_ONCE(sqe_cmd->rsvd1);
	for (i = 0; i < ARRAY_SIZE(sqe_cmd->rsvd2); i++)
		rsvd |= READ_ONCE(sqe_cmd->rsvd2[i]);

	if (cmd->version != URPT_ABI_VERSION || rsvd)
		return -EINVAL;
	if (cmd->flags & ~op->flags)
		return -EINVAL;
	return 0;
}

/* A byte range of a command against the disk's geometry. */
int urpt_check_range(struct block_device *bdev, u64 offset, u32 len,
		     u32 max_len)
{
	u64 capacity = bdev_nr_bytes(bdev);
	u32 lbs_mask = bdev_logical_block_size(bdev) - 1;

	if (!len || len > max_len)
		return -EINVAL;
	if ((offset | len) & lbs_mask)
		return -EINVAL;
	/* A disk being removed drops to 0 before it is marked dead. */
	if (!capacity)
		return -ENODEV;
	if (offset > capacity || len > capacity - offset)
		return -ENOSPC;
	return 0;
}

/* Longest DISCARD or WRITE_ZEROES: the block layer splits to the disk. */
static u32 urpt_max_ranged(struct block_device *bdev, unsigned int disk_max)
{
	return disk_max ? round_down(U32_MAX, bdev_logical_block_size(bdev)) : 0;
}

static u64 urpt_features(struct block_device *bdev, bool writable)
{
	u64 features = URPT_FEAT_FIXED;

	if (!writable)
		features |= URPT_FEAT_READ_ONLY;
	if (bdev_write_cache(bdev))
		features |= URPT_FEAT_WRITE_CACHE;
	if (bdev_fua(bdev))
		features |= URPT_FEAT_FUA;
	if (urpt_bdev_rotational(bdev))
		features |= URPT_FEAT_ROTATIONAL;
	if (bdev_is_partition(bdev))
		features |= URPT_FEAT_PARTITION;
	if (bdev_max_discard_sectors(bdev))
		features |= URPT_FEAT_DISCARD;
	if (bdev_write_zeroes_sectors(bdev))
		features |= URPT_FEAT_WRITE_ZEROES;
	if (urpt_bdev_can_poll(bdev))
		features |= URPT_FEAT_POLL;
	if (bdev_nowait(bdev))
		features |= URPT_FEAT_NOWAIT;
	return features;
}

static int urpt_cmd_info(struct urpt_dev *udev, const struct urpt_cmd *cmd)
{
	struct block_device *bdev = udev->bdev;
	unsigned int max_discard = bdev_max_discard_sectors(bdev);
	struct urpt_info info = {
		.version		= URPT_ABI_VERSION,
		.size			= sizeof(info),
		.capacity		= bdev_nr_bytes(bdev),
		.logical_block_size	= bdev_logical_block_size(bdev),
		.physical_block_size	= bdev_physical_block_size(bdev),
		.max_transfer		= URPT_MAX_TRANSFER,
		.dma_alignment		= bdev_dma_alignment(bdev) + 1,
		.features		= urpt_features(bdev, udev->writable),
		.max_iovecs		= URPT_MAX_IOVECS,
		.discard_granularity	= max_discard ?
					  bdev_discard_granularity(bdev) : 0,
		.max_discard		= urpt_max_ranged(bdev, max_discard),
		.max_write_zeroes	=
			urpt_max_ranged(bdev, bdev_write_zeroes_sectors(bdev)),
		.disk_max_transfer	=
			queue_max_sectors(bdev_get_queue(bdev)) << SECTOR_SHIFT,
	};
	u32 len = min_t(u32, cmd->len, sizeof(info));

	BUILD_BUG_ON(sizeof(info) != URPT_INFO_SIZE_V1);
	if (cmd->offset || cmd->len < URPT_INFO_SIZE_V1)
		return -EINVAL;
	strscpy(info.disk_name, udev->disk_name, sizeof(info.disk_name));
	if (copy_to_user(u64_to_user_ptr(cmd->addr), &info, len))
		return -EFAULT;
	return len;
}

static int urpt_cmd_ranged(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			   const struct urpt_cmd *cmd, blk_opf_t opf,
			   unsigned int disk_max, unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	int ret;

	if (cmd->addr)
		return -EINVAL;
	if (!disk_max)
		return -EOPNOTSUPP;
	ret = urpt_check_range(bdev, cmd->offset, cmd->len,
			       urpt_max_ranged(bdev, disk_max));
	if (ret)
		return ret;
	return urpt_submit_nodata(udev, ioucmd, opf, cmd->offset, cmd->len,
				  issue_flags);
}

static int urpt_cmd_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       const struct urpt_cmd *cmd, bool write, bool vectored,
		       unsigned int issue_flags)
{
	struct urpt_rw rw = {
		.offset		= cmd->offset,
		.addr		= cmd->addr,
		.len		= cmd->len,
		.write		= write,
		.vectored	= vectored,
		.fua		= cmd->flags & URPT_F_FUA,
		.bounce		= cmd->flags & URPT_F_BOUNCE,
	};

	return urpt_submit_rw(udev, ioucmd, &rw, issue_flags);
}

static int urpt_cmd_dispatch(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			     const struct urpt_cmd *cmd,
			     unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;

	switch (ioucmd->cmd_op) {
	case URPT_CMD_INFO:
		return urpt_cmd_info(udev, cmd);
	case URPT_CMD_READ:
		return urpt_cmd_rw(udev, ioucmd, cmd, false, false, issue_flags);
	case URPT_CMD_WRITE:
		return urpt_cmd_rw(udev, ioucmd, cmd, true, false, issue_flags);
	case URPT_CMD_READV:
		return urpt_cmd_rw(udev, ioucmd, cmd, false, true, issue_flags);
	case URPT_CMD_WRITEV:
		return urpt_cmd_rw(udev, ioucmd, cmd, true, true, issue_flags);
	case URPT_CMD_FLUSH:
		if (cmd->offset || cmd->addr || cmd->len)
			return -EINVAL;
		return urpt_submit_nodata(udev, ioucmd,
					  REQ_OP_WRITE | REQ_PREFLUSH, 0, 0,
					  issue_flags);
	case URPT_CMD_DISCARD:
		return urpt_cmd_ranged(udev, ioucmd, cmd, REQ_OP_DISCARD,
				       bdev_max_discard_sectors(bdev),
				       issue_flags);
	case URPT_CMD_WRITE_ZEROES:
		return urpt_cmd_ranged(udev, ioucmd, cmd,
				       REQ_OP_WRITE_ZEROES |
				       (cmd->flags & URPT_F_NOUNMAP ?
					REQ_NOUNMAP : 0),
				       bdev_write_zeroes_sectors(bdev),
				       issue_flags);
	}
	return -EOPNOTSUPP;
}

/*
 * Returns -EIOCBQUEUED when the command went to the disk (completed later
 * by the data path), -EAGAIN to be issued again from a worker, otherwise
 * the CQE's res.
 */
static int urpt_uring_cmd_issue(struct io_uring_cmd *ioucmd,
				unsigned int issue_flags)
{
	struct urpt_dev *udev = ioucmd->file->private_data;
	const struct urpt_op *op;
	struct urpt_cmd cmd;
	int ret;

	/* The command needs the 80-byte area; the details need a big CQE. */
	if ((issue_flags & URPT_RING_FLAGS) != URPT_RING_FLAGS)
		return -EOPNOTSUPP;
	/* The NVMe personality shares the node: its own cmd_op numbers. */
	if (urpt_nvme_cmd_op(ioucmd->cmd_op))
		return urpt_nvme_uring_cmd(ioucmd, issue_flags);
	op = urpt_op(ioucmd->cmd_op);
	if (!op)
		return -EOPNOTSUPP;
	ret = urpt_cmd_fetch(urpt_sqe_cmd(ioucmd), &cmd, op);
	if (ret)
		return ret;
	if ((ioucmd->flags & IORING_URING_CMD_FIXED) && !op->fixed)
		return -EINVAL;
	if ((op->writes && !(ioucmd->file->f_mode & FMODE_WRITE)) ||
	    (op->reads && !(ioucmd->file->f_mode & FMODE_READ)))
		return -EBADF;

	/* Holds the disk until the command is off it (released in io.c). */
	if (!urpt_dev_get(udev))
		return -ENODEV;
	ret = urpt_cmd_dispatch(udev, ioucmd, &cmd, issue_flags);
	if (ret != -EIOCBQUEUED)
		urpt_dev_put(udev);
	return ret;
}

/*
 * The .uring_cmd entry: -EIOCBQUEUED, -EAGAIN or -errno, never a result
 * >= 0. A result known at once (INFO's length, an NVMe status, Identify's
 * 0) is posted here with io_uring_cmd_done(), as ublk does, and the
 * command reported queued. io_uring of 6.1 hands a driver's return value
 * on as it is: it never completes a positive one returned in its io-wq
 * worker (IOSQE_ASYNC, or the retry after -EAGAIN), so the task hangs in
 * exit; it fails a positive one returned inline, cancelling its links;
 * and on an IOPOLL ring it completes a 0 and then also queues the request
 * for polling, a use after free (urpt_fuzz_test found all three).
 */
int urpt_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	int ret = urpt_uring_cmd_issue(ioucmd, issue_flags);

	if (ret < 0)
		return ret;
	urpt_cmd_done(ioucmd, ret, 0, issue_flags);
	return -EIOCBQUEUED;
}
