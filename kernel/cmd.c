// SPDX-License-Identifier: GPL-2.0
/*
 * The native personality of /dev/urptN: read a URPT_CMD_* command out of
 * the SQE once, validate it against the uapi and the disk, and hand it to
 * the command lifecycle or answer it here; and its CQE encoding.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include "urpt.h"

/* A command's properties: which flags it takes, whether it writes. */
struct urpt_op {
	u32	flags;		/* URPT_F_* the command accepts */
	bool	reads;		/* needs the node open for reading */
	bool	writes;		/* needs the node open for writing */
	bool	fixed;		/* may use a registered buffer */
	bool	action;		/* takes a zone_action */
};

static const struct urpt_op *urpt_op(u32 cmd_op)
{
	static const struct urpt_op info = { },
		read = { .flags = URPT_F_BOUNCE, .reads = true, .fixed = true },
		write = { .flags = URPT_F_FUA | URPT_F_BOUNCE, .writes = true,
			  .fixed = true },
		flush = { .writes = true },
		discard = { .writes = true },
		write_zeroes = { .flags = URPT_F_NOUNMAP, .writes = true },
		report_zones = { },
		zone_mgmt = { .writes = true, .action = true },
		zone_append = { .flags = URPT_F_FUA | URPT_F_BOUNCE,
				.writes = true, .fixed = true };

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
	case URPT_CMD_REPORT_ZONES:
		return &report_zones;
	case URPT_CMD_ZONE_MGMT:
		return &zone_mgmt;
	case URPT_CMD_ZONE_APPEND:
		return &zone_append;
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
	cmd->zone_action = READ_ONCE(sqe_cmd->zone_action);
	for (i = 0; i < ARRAY_SIZE(sqe_cmd->rsvd0); i++)
		rsvd |= READ_ONCE(sqe_cmd->rsvd0[i]);
	if (!op->action)
		rsvd |= cmd->zone_action;
	for (i = 0; i < ARRAY_SIZE(sqe_cmd->rsvd2); i++)
		rsvd |= READ_ONCE(sqe_cmd->rsvd2[i]);

	if (cmd->version != URPT_ABI_VERSION || rsvd)
		return -EINVAL;
	if (cmd->flags & ~op->flags)
		return -EINVAL;
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

	if (!writable || bdev_read_only(bdev))
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
	/* What goes to the disk under NONBLOCK (req.c): one-bio commands. */
	if (queue_is_mq(bdev_get_queue(bdev)) && bdev_nowait(bdev))
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

	BUILD_BUG_ON(sizeof(info) != URPT_INFO_SIZE_V2);
	if (cmd->offset || cmd->len < URPT_INFO_SIZE_V1)
		return -EINVAL;
	strscpy(info.disk_name, udev->disk_name, sizeof(info.disk_name));
	urpt_zone_info(bdev, &info);
	if (copy_to_user(u64_to_user_ptr(cmd->addr), &info, len))
		return -EFAULT;
	return len;
}

/* FLUSH (one range of 0 bytes), DISCARD and WRITE_ZEROES. */
static int urpt_cmd_nodata(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			   blk_opf_t opf, u64 offset, u32 len,
			   unsigned int issue_flags)
{
	struct urpt_range range = { .offset = offset, .len = len };
	struct urpt_build b;

	urpt_build_ranges(&b, udev->bdev, opf, &range, 1, len);
	return urpt_req_submit(udev, ioucmd, &b, URPT_NATIVE, issue_flags);
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
	return urpt_cmd_nodata(udev, ioucmd, opf, cmd->offset, cmd->len,
			       issue_flags);
}

static blk_opf_t urpt_rw_opf(bool write, bool fua)
{
	if (!write)
		return REQ_OP_READ;
	return REQ_OP_WRITE | REQ_SYNC | REQ_IDLE | (fua ? REQ_FUA : 0);
}

/* READ, WRITE, READV and WRITEV: one call site, so that it is inlined. */
static int urpt_cmd_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       const struct urpt_cmd *cmd, unsigned int issue_flags)
{
	bool write = ioucmd->cmd_op == URPT_CMD_WRITE ||
		     ioucmd->cmd_op == URPT_CMD_WRITEV;
	bool vectored = ioucmd->cmd_op == URPT_CMD_READV ||
			ioucmd->cmd_op == URPT_CMD_WRITEV;
	struct urpt_rw rw = {
		.offset		= cmd->offset,
		.addr		= cmd->addr,
		.len		= cmd->len,
		.write		= write,
		.vectored	= vectored,
		.bounce		= cmd->flags & URPT_F_BOUNCE,
	};
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	struct urpt_build b;
	struct iov_iter iter;
	int ret;

	ret = urpt_import_rw(udev->bdev, ioucmd, &rw, &iov, &iter,
			     issue_flags);
	if (ret)
		return ret;
	urpt_build_rw(&b, udev->bdev, urpt_rw_opf(write, cmd->flags & URPT_F_FUA),
		      rw.offset, &iter, rw.bounce);
	ret = urpt_req_submit(udev, ioucmd, &b, URPT_NATIVE, issue_flags);
	/* The bios hold the pages now (or a copy of the segments). */
	kfree(iov);
	return ret;
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
	case URPT_CMD_WRITE:
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
		return urpt_cmd_rw(udev, ioucmd, cmd, issue_flags);
	case URPT_CMD_FLUSH:
		if (cmd->offset || cmd->addr || cmd->len)
			return -EINVAL;
		return urpt_cmd_nodata(udev, ioucmd, REQ_OP_WRITE | REQ_PREFLUSH,
				       0, 0, issue_flags);
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
	case URPT_CMD_REPORT_ZONES:
	case URPT_CMD_ZONE_MGMT:
	case URPT_CMD_ZONE_APPEND:
		return urpt_zone_cmd(udev, ioucmd, cmd, issue_flags);
	}
	return -EOPNOTSUPP;
}

/*
 * The native personality's uring commands (dev.c checked the ring): 0 or
 * more is the CQE's res at once, -EIOCBQUEUED when the command went to
 * the disk (completed later by the lifecycle), -EAGAIN to be issued again
 * from io_uring's worker, else -errno.
 */
int urpt_cmd_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct urpt_dev *udev = ioucmd->file->private_data;
	const struct urpt_op *op;
	struct urpt_cmd cmd;
	int ret;

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

	/* Holds the disk until the command is off it (released in req.c). */
	if (!urpt_dev_get(udev))
		return -ENODEV;
	/* FLUSH writes nothing: it may go to a read-only disk. */
	ret = op->writes && ioucmd->cmd_op != URPT_CMD_FLUSH ?
	      urpt_dev_may_write(udev) : 0;
	if (!ret)
		ret = urpt_cmd_dispatch(udev, ioucmd, &cmd, issue_flags);
	if (ret != -EIOCBQUEUED)
		urpt_dev_put(udev);
	return ret;
}

/*
 * The native personality's completion: bytes or -errno, and the details;
 * for a zone append that succeeded, where it landed instead.
 */
static void urpt_cmd_complete(struct io_uring_cmd *ioucmd,
			      const struct urpt_result *r,
			      unsigned int issue_flags)
{
	u64 res2 = (u64)(__force u8)r->status << URPT_RES2_STATUS_SHIFT |
		   (u64)r->nr_bios << URPT_RES2_BIOS_SHIFT |
		   r->ns << URPT_RES2_NS_SHIFT;

	if (ioucmd->cmd_op == URPT_CMD_ZONE_APPEND && r->res >= 0)
		res2 = r->landed;
	urpt_cmd_done(ioucmd, r->res, res2, issue_flags);
}

void urpt_cmd_init(void)
{
	urpt_req_register(URPT_NATIVE, urpt_cmd_complete);
}
