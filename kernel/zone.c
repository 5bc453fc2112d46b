// SPDX-License-Identifier: GPL-2.0
/*
 * The native personality's zone commands: REPORT_ZONES, ZONE_MGMT and
 * ZONE_APPEND, and what INFO says of a zoned disk. The block layer does
 * the zone work on every zoned disk (it emulates zone append where the
 * disk lacks it): a report through blkdev_report_zones(), as BLKREPORTZONE
 * does; management and append as bios through the command lifecycle.
 */
#include <linux/blkdev.h>
#include <linux/blkzoned.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include "urpt.h"

/* Zone types and conditions are passed on as the block layer has them. */
static_assert(URPT_ZONE_TYPE_CONVENTIONAL == BLK_ZONE_TYPE_CONVENTIONAL);
static_assert(URPT_ZONE_TYPE_SEQ_REQUIRED == BLK_ZONE_TYPE_SEQWRITE_REQ);
static_assert(URPT_ZONE_TYPE_SEQ_PREFERRED == BLK_ZONE_TYPE_SEQWRITE_PREF);
static_assert(URPT_ZONE_COND_NOT_WP == BLK_ZONE_COND_NOT_WP);
static_assert(URPT_ZONE_COND_EMPTY == BLK_ZONE_COND_EMPTY);
static_assert(URPT_ZONE_COND_IMP_OPEN == BLK_ZONE_COND_IMP_OPEN);
static_assert(URPT_ZONE_COND_EXP_OPEN == BLK_ZONE_COND_EXP_OPEN);
static_assert(URPT_ZONE_COND_CLOSED == BLK_ZONE_COND_CLOSED);
static_assert(URPT_ZONE_COND_READONLY == BLK_ZONE_COND_READONLY);
static_assert(URPT_ZONE_COND_FULL == BLK_ZONE_COND_FULL);
static_assert(URPT_ZONE_COND_OFFLINE == BLK_ZONE_COND_OFFLINE);

/*
 * A zone report or reset-all that may wait: dm answers -EAGAIN while
 * suspended, which from io_uring's worker would be issued again at once
 * (forever, on an IOPOLL ring).
 */
static int urpt_zone_busy(int ret)
{
	return ret == -EAGAIN ? -EBUSY : ret;
}

void urpt_zone_info(struct block_device *bdev, struct urpt_info *info)
{
	if (!bdev_is_zoned(bdev))
		return;
	info->features |= URPT_FEAT_ZONED;
	info->zoned = urpt_bdev_host_aware(bdev) ? URPT_ZONED_HOST_AWARE :
						   URPT_ZONED_HOST_MANAGED;
	info->nr_zones = bdev_nr_zones(bdev);
	info->zone_size = urpt_zone_bytes(bdev);
	info->max_open_zones = bdev_max_open_zones(bdev);
	info->max_active_zones = bdev_max_active_zones(bdev);
	info->max_zone_append = urpt_append_max(bdev);
}

/*
 * @offset on a multiple of @align (a power of two) inside the disk:
 * -EINVAL off it, -ENOSPC past the end.
 */
static int urpt_zone_check_offset(struct block_device *bdev, u64 offset,
				  u64 align)
{
	u64 capacity = bdev_nr_bytes(bdev);

	if (offset & (align - 1))
		return -EINVAL;
	/* A disk being removed drops to 0 before it is marked dead. */
	if (!capacity)
		return -ENODEV;
	if (offset >= capacity)
		return -ENOSPC;
	return 0;
}

struct urpt_zone_report {
	struct urpt_zone __user	*zones;
};

/* blkdev_report_zones() callback: one zone out to the caller's array. */
static int urpt_zone_copy(struct blk_zone *zone, unsigned int idx, void *data)
{
	struct urpt_zone_report *report = data;
	/* A write pointer past the zone's end means none: say its end. */
	sector_t wp = min(zone->wp, zone->start + zone->len);
	struct urpt_zone z = {
		.start		= zone->start << SECTOR_SHIFT,
		.len		= zone->len << SECTOR_SHIFT,
		.capacity	= zone->capacity << SECTOR_SHIFT,
		.wp		= wp << SECTOR_SHIFT,
		.type		= zone->type,
		.cond		= zone->cond,
		.flags		= (zone->reset ? URPT_ZONE_F_RESET : 0) |
				  (zone->non_seq ? URPT_ZONE_F_NON_SEQ : 0),
	};

	/* A report of many zones from a worker the ring may cancel. */
	if (signal_pending(current))
		return -EINTR;
	if (copy_to_user(&report->zones[idx], &z, sizeof(z)))
		return -EFAULT;
	return 0;
}

/* REPORT_ZONES: the number of zones reported, or -errno. */
static int urpt_zone_report(struct urpt_dev *udev, const struct urpt_cmd *cmd,
			    unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	struct urpt_zone_report report = {
		.zones = u64_to_user_ptr(cmd->addr),
	};
	/* No more room is used than the disk has zones. */
	u32 nr = min(cmd->len, bdev_nr_zones(bdev));
	int ret;

	if (!bdev_is_zoned(bdev))
		return -EOPNOTSUPP;
	if (!cmd->len)
		return -EINVAL;
	ret = urpt_zone_check_offset(bdev, cmd->offset,
				     bdev_logical_block_size(bdev));
	if (ret)
		return ret;
	if (!access_ok(report.zones, array_size(nr, sizeof(struct urpt_zone))))
		return -EFAULT;
	/* The driver's report waits for the disk. */
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	return urpt_zone_busy(blkdev_report_zones(bdev,
						  cmd->offset >> SECTOR_SHIFT,
						  nr, urpt_zone_copy, &report));
}

/*
 * RESET_ALL: every sequential zone, as BLKRESETZONE over the whole disk
 * does; the block layer resets them one by one where the disk cannot do
 * all at once, skipping conventional zones. It waits: from the worker.
 */
static int urpt_zone_reset_all(struct urpt_dev *udev, const struct urpt_cmd *cmd,
			       unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;

	if (cmd->offset)
		return -EINVAL;
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	return urpt_zone_busy(urpt_bdev_zone_mgmt(bdev, REQ_OP_ZONE_RESET, 0,
						  bdev_nr_sectors(bdev)));
}

/* ZONE_MGMT: one zone's action as an empty bio at its start. */
static int urpt_zone_mgmt(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			  const struct urpt_cmd *cmd, unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	struct urpt_range range = { .offset = cmd->offset };
	struct urpt_build b;
	blk_opf_t opf;
	int ret;

	if (!bdev_is_zoned(bdev))
		return -EOPNOTSUPP;
	if (cmd->addr || cmd->len)
		return -EINVAL;
	switch (cmd->zone_action) {
	case URPT_ZONE_RESET:
		opf = REQ_OP_ZONE_RESET;
		break;
	case URPT_ZONE_OPEN:
		opf = REQ_OP_ZONE_OPEN;
		break;
	case URPT_ZONE_CLOSE:
		opf = REQ_OP_ZONE_CLOSE;
		break;
	case URPT_ZONE_FINISH:
		opf = REQ_OP_ZONE_FINISH;
		break;
	case URPT_ZONE_RESET_ALL:
		return urpt_zone_reset_all(udev, cmd, issue_flags);
	default:
		return -EINVAL;
	}
	ret = urpt_zone_check_offset(bdev, cmd->offset, urpt_zone_bytes(bdev));
	if (ret)
		return ret;
	urpt_build_ranges(&b, bdev, opf | REQ_SYNC, &range, 1, 0);
	return urpt_req_submit(udev, ioucmd, &b, URPT_NATIVE, issue_flags);
}

/* ZONE_APPEND: the lifecycle reads where it landed at the end. */
static int urpt_zone_append(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			    const struct urpt_cmd *cmd, unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	u32 max = urpt_append_max(bdev);
	struct urpt_rw rw = {
		.offset		= cmd->offset,
		.addr		= cmd->addr,
		.len		= cmd->len,
		.write		= true,
		.bounce		= cmd->flags & URPT_F_BOUNCE,
	};
	blk_opf_t opf = REQ_OP_ZONE_APPEND | REQ_SYNC | REQ_IDLE |
			(cmd->flags & URPT_F_FUA ? REQ_FUA : 0);
	/* Not vectored: the import allocates no iovec array. */
	struct iovec *iov = NULL;
	struct urpt_build b;
	struct iov_iter iter;
	int ret;

	if (!max)
		return -EOPNOTSUPP;
	if (cmd->len > max)
		return -EINVAL;
	ret = urpt_zone_check_offset(bdev, cmd->offset, urpt_zone_bytes(bdev));
	if (ret)
		return ret;
	ret = urpt_import_rw(bdev, ioucmd, &rw, &iov, &iter, issue_flags);
	if (ret)
		return ret;
	ret = urpt_build_append(&b, bdev, opf, rw.offset, &iter, rw.bounce);
	if (ret)
		return ret;
	return urpt_req_submit(udev, ioucmd, &b, URPT_NATIVE, issue_flags);
}

int urpt_zone_cmd(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		  const struct urpt_cmd *cmd, unsigned int issue_flags)
{
	switch (ioucmd->cmd_op) {
	case URPT_CMD_REPORT_ZONES:
		return urpt_zone_report(udev, cmd, issue_flags);
	case URPT_CMD_ZONE_MGMT:
		return urpt_zone_mgmt(udev, ioucmd, cmd, issue_flags);
	case URPT_CMD_ZONE_APPEND:
		return urpt_zone_append(udev, ioucmd, cmd, issue_flags);
	}
	return -EOPNOTSUPP;
}
