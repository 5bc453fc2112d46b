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

/*
 * The SQE is shared with user space, which may rewrite it while we run:
 * copy every field exactly once and only look at the copy afterwards.
 * Reserved fields are folded into one word that must stay zero.
 */
static int urpt_cmd_fetch(const struct urpt_cmd *sqe_cmd, struct urpt_cmd *cmd)
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
	/* No command defines a flag in ABI version 1. */
	if (cmd->flags)
		return -EINVAL;
	return 0;
}

/* Offset and length of a READ or WRITE against the disk's geometry. */
static int urpt_check_rw(struct urpt_dev *udev, const struct urpt_cmd *cmd)
{
	u64 capacity = bdev_nr_bytes(udev->bdev);
	u32 lbs_mask = bdev_logical_block_size(udev->bdev) - 1;

	if (!cmd->len || cmd->len > URPT_MAX_TRANSFER)
		return -EINVAL;
	if ((cmd->offset | cmd->len) & lbs_mask)
		return -EINVAL;
	if (cmd->offset > capacity || cmd->len > capacity - cmd->offset)
		return -ENOSPC;
	return 0;
}

static u64 urpt_features(struct block_device *bdev, fmode_t mode)
{
	u64 features = 0;

	if (!(mode & FMODE_WRITE))
		features |= URPT_FEAT_READ_ONLY;
	if (bdev_write_cache(bdev))
		features |= URPT_FEAT_WRITE_CACHE;
	if (bdev_fua(bdev))
		features |= URPT_FEAT_FUA;
	if (!bdev_nonrot(bdev))
		features |= URPT_FEAT_ROTATIONAL;
	if (bdev_is_partition(bdev))
		features |= URPT_FEAT_PARTITION;
	return features;
}

static int urpt_cmd_info(struct urpt_dev *udev, const struct urpt_cmd *cmd)
{
	struct block_device *bdev = udev->bdev;
	struct urpt_info info = {
		.version		= URPT_ABI_VERSION,
		.size			= sizeof(info),
		.capacity		= bdev_nr_bytes(bdev),
		.logical_block_size	= bdev_logical_block_size(bdev),
		.physical_block_size	= bdev_physical_block_size(bdev),
		.max_transfer		= URPT_MAX_TRANSFER,
		.dma_alignment		= bdev_dma_alignment(bdev) + 1,
		.features		= urpt_features(bdev, udev->mode),
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

static int urpt_cmd_dispatch(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			     const struct urpt_cmd *cmd)
{
	int ret;

	switch (ioucmd->cmd_op) {
	case URPT_CMD_INFO:
		return urpt_cmd_info(udev, cmd);
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
		ret = urpt_check_rw(udev, cmd);
		if (ret)
			return ret;
		return urpt_submit_rw(udev, ioucmd, cmd,
				      ioucmd->cmd_op == URPT_CMD_WRITE);
	case URPT_CMD_FLUSH:
		if (cmd->offset || cmd->addr || cmd->len)
			return -EINVAL;
		return urpt_submit_flush(udev, ioucmd);
	}
	return -EOPNOTSUPP;
}

static bool urpt_cmd_writes(u32 cmd_op)
{
	return cmd_op == URPT_CMD_WRITE || cmd_op == URPT_CMD_FLUSH;
}

static bool urpt_cmd_known(u32 cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_INFO:
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
	case URPT_CMD_FLUSH:
		return true;
	}
	return false;
}

/*
 * Returns -EIOCBQUEUED when the command went to the disk (completed later
 * by the data path), otherwise the CQE's res.
 */
int urpt_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct urpt_dev *udev = ioucmd->file->private_data;
	struct urpt_cmd cmd;
	int ret;

	/* The command needs the 80-byte area; the details need a big CQE. */
	if ((issue_flags & URPT_RING_FLAGS) != URPT_RING_FLAGS)
		return -EOPNOTSUPP;
	if (!urpt_cmd_known(ioucmd->cmd_op))
		return -EOPNOTSUPP;
	ret = urpt_cmd_fetch(ioucmd->cmd, &cmd);
	if (ret)
		return ret;
	if (urpt_cmd_writes(ioucmd->cmd_op) &&
	    !(ioucmd->file->f_mode & FMODE_WRITE))
		return -EBADF;

	/* Holds the disk until the command is off it (released in io.c). */
	if (!urpt_dev_get(udev))
		return -ENODEV;
	ret = urpt_cmd_dispatch(udev, ioucmd, &cmd);
	if (ret != -EIOCBQUEUED)
		urpt_dev_put(udev);
	return ret;
}
