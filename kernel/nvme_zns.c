// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe personality's Zoned Namespace commands (the ZNS command set,
 * CSI 2) on any zoned disk: Zone Management Receive (the zone report),
 * Zone Management Send (close, finish, open, reset; one zone or Select
 * All) and Zone Append, whose completion carries the LBA the data landed
 * at. The block layer does the zone work, as for the native personality's
 * zone commands (zone.c). See docs/nvme.md.
 */
#include <linux/bitfield.h>
#include <linux/blkzoned.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "nvme_cmd.h"

/* Command Dword 13 of Zone Management Send and Receive. */
#define URPT_NVME_ZSA		GENMASK(7, 0)	/* the action */
#define URPT_NVME_SELECT_ALL	BIT(8)
#define URPT_NVME_ZRA		GENMASK(7, 0)	/* the receive action */
#define URPT_NVME_ZRASF		GENMASK(15, 8)	/* the zone state asked for */
#define URPT_NVME_PARTIAL	BIT(16)

#define URPT_NVME_ZA_RZR	BIT(2)	/* zone attribute: reset recommended */
#define URPT_NVME_ZONE_BATCH	32	/* zones a Select All reads at a time */

/*
 * ZRASF: the block layer's condition of the zones a report selects, by
 * the values of the ZNS specification (linux/nvme.h of 6.12.95 swaps its
 * Full and Read Only).
 */
static const u8 urpt_nvme_zrasf_cond[] = {
	[1] = BLK_ZONE_COND_EMPTY,
	[2] = BLK_ZONE_COND_IMP_OPEN,
	[3] = BLK_ZONE_COND_EXP_OPEN,
	[4] = BLK_ZONE_COND_CLOSED,
	[5] = BLK_ZONE_COND_FULL,
	[6] = BLK_ZONE_COND_READONLY,
	[7] = BLK_ZONE_COND_OFFLINE,
};

/*
 * A zone operation that ended as an errno (blkdev_report_zones(),
 * blkdev_zone_mgmt()): the host's own errors stay errno, as NVMe
 * passthrough returns them; dm's -EAGAIN while suspended is -EBUSY, which
 * io_uring's worker does not issue again at once; a disk gone is -ENODEV,
 * one turned read-only Namespace Is Write Protected; the disk's own
 * errors are NVMe statuses (@write, @zone: as urpt_nvme_status() takes
 * them).
 */
static int urpt_nvme_zone_errno(struct urpt_dev *udev, int ret, bool write,
				u8 zone)
{
	if (READ_ONCE(udev->dead) || urpt_disk_dead(udev->bdev))
		return -ENODEV;
	switch (ret) {
	case -EFAULT:
	case -EINTR:
	case -ENOMEM:
	case -ENODEV:
		return ret;
	case -EAGAIN:
		return -EBUSY;
	case -EPERM:
		return URPT_NVME_ERR(NVME_SC_NS_WRITE_PROTECTED);
	}
	return urpt_nvme_status(errno_to_blk_status(ret), write, zone);
}

/* The block's LBA of @sector, a 512-byte sector on the disk. */
static __le64 urpt_nvme_lba(sector_t sector, unsigned int shift)
{
	return cpu_to_le64(sector >> (shift - SECTOR_SHIFT));
}

struct urpt_nvme_report {
	struct iov_iter	*iter;		/* after the header */
	unsigned int	shift;
	bool		filter;		/* only zones in state @cond */
	u8		cond;
	u64		slots;		/* descriptors the buffer holds */
	u64		matched;	/* zones selected so far */
};

/* blkdev_report_zones() callback: one zone descriptor, if selected. */
static int urpt_nvme_zone_copy(struct blk_zone *zone, unsigned int idx,
			       void *data)
{
	struct urpt_nvme_report *rep = data;
	/* A write pointer past the zone's end means none: say its end. */
	sector_t wp = min(zone->wp, zone->start + zone->len);
	struct nvme_zone_descriptor d = {
		/* The block layer's zone types and conditions are ZNS's. */
		.zt	= zone->type,
		.zs	= zone->cond << 4,
		.za	= zone->reset ? URPT_NVME_ZA_RZR : 0,
		.zcap	= urpt_nvme_lba(zone->capacity, rep->shift),
		.zslba	= urpt_nvme_lba(zone->start, rep->shift),
		.wp	= urpt_nvme_lba(wp, rep->shift),
	};

	/* A report of many zones from a worker the ring may cancel. */
	if (signal_pending(current))
		return -EINTR;
	if (rep->filter && zone->cond != rep->cond)
		return 0;
	if (rep->matched++ >= rep->slots)
		return 0;
	if (copy_to_iter(&d, sizeof(d), rep->iter) != sizeof(d))
		return -EFAULT;
	return 0;
}

/*
 * Zone Management Receive: a report (ZRA 0) of the zones from the one
 * holding SLBA on, all or those in one state (ZRASF), into NUMD + 1
 * dwords: a 64-byte header, whose Number of Zones counts the zones
 * selected to the end of the namespace (or, with Partial Report, those
 * transferred), then a descriptor per zone while they fit; the rest of
 * the transfer is zeroes. The extended report is Invalid Field: zones
 * have no descriptor extension (ZDES is 0).
 */
static int urpt_nvme_zone_recv(struct urpt_dev *udev,
			       struct io_uring_cmd *ioucmd,
			       const struct urpt_nvme_cmd *c,
			       unsigned int issue_flags)
{
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	struct block_device *bdev = udev->bdev;
	unsigned int shift = urpt_nvme_shift(bdev);
	u64 slba = urpt_nvme_slba(c);
	u64 bytes = ((u64)c->cdw12 + 1) * 4;
	u8 zrasf = FIELD_GET(URPT_NVME_ZRASF, c->cdw13);
	bool partial = c->cdw13 & URPT_NVME_PARTIAL;
	struct nvme_zone_report hdr = { };
	struct urpt_nvme_report rep = {
		.shift		= shift,
		.filter		= zrasf != NVME_ZRASF_ZONE_REPORT_ALL,
	};
	struct iov_iter iter, hdr_iter;
	unsigned int nr;
	size_t len;
	int ret;

	if (c->cdw2 || c->cdw3 || c->cdw14 || c->cdw15 ||
	    (c->cdw13 & ~(URPT_NVME_ZRA | URPT_NVME_ZRASF | URPT_NVME_PARTIAL)))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if ((c->cdw13 & URPT_NVME_ZRA) != NVME_ZRA_ZONE_REPORT ||
	    zrasf >= ARRAY_SIZE(urpt_nvme_zrasf_cond))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	/* Longer than MDTS says. */
	if (bytes > URPT_MAX_TRANSFER)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	ret = urpt_nvme_check_lba(bdev, slba, 1);
	if (ret)
		return ret;
	/* The driver's report waits for the disk. */
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	ret = urpt_import(ioucmd, c->addr, c->data_len, c->vectored, READ,
			  &iov, &iter, issue_flags);
	if (ret)
		return ret;
	if (iov_iter_count(&iter) < bytes) {
		ret = URPT_NVME_ERR(NVME_SC_SGL_INVALID_DATA);
		goto out;
	}
	iov_iter_truncate(&iter, bytes);
	hdr_iter = iter;
	len = min_t(size_t, bytes, sizeof(hdr));
	iov_iter_advance(&iter, len);
	rep.iter = &iter;
	rep.cond = urpt_nvme_zrasf_cond[zrasf];
	rep.slots = (bytes - len) / sizeof(struct nvme_zone_descriptor);

	/* Counting the zones selected means looking at all of them. */
	nr = bdev_nr_zones(bdev);
	if (partial && !rep.filter)
		nr = min_t(u64, nr, rep.slots);
	if (nr) {
		ret = blkdev_report_zones(bdev, slba << (shift - SECTOR_SHIFT),
					  nr, urpt_nvme_zone_copy, &rep);
		if (ret < 0) {
			ret = urpt_nvme_zone_errno(udev, ret, false, 0);
			goto out;
		}
	}
	hdr.nr_zones = cpu_to_le64(partial ? min(rep.matched, rep.slots) :
				   rep.matched);
	ret = 0;
	if (copy_to_iter(&hdr, len, &hdr_iter) != len)
		ret = -EFAULT;
	len = iov_iter_count(&iter);
	if (iov_iter_zero(len, &iter) != len)
		ret = -EFAULT;
out:
	kfree(iov);
	return ret;
}

/*
 * Select All: the zones each action applies to (ZNS 1.1, Zone Management
 * Send): Open the closed ones, Close the open ones, Finish the open and
 * closed ones, Reset those and the full ones. Conventional zones, empty,
 * read-only and offline ones are left as they are.
 */
static bool urpt_nvme_zone_selected(enum req_op op, enum blk_zone_cond cond)
{
	switch (cond) {
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
		return op != REQ_OP_ZONE_OPEN;
	case BLK_ZONE_COND_CLOSED:
		return op != REQ_OP_ZONE_CLOSE;
	case BLK_ZONE_COND_FULL:
		return op == REQ_OP_ZONE_RESET;
	default:
		return false;
	}
}

struct urpt_nvme_select {
	enum req_op	op;
	unsigned int	nr;
	sector_t	next;		/* the zone after the last one read */
	struct {
		sector_t	start;
		sector_t	len;
	} zone[URPT_NVME_ZONE_BATCH];
};

/* blkdev_report_zones() callback: the zones Select All applies to. */
static int urpt_nvme_zone_select(struct blk_zone *zone, unsigned int idx,
				 void *data)
{
	struct urpt_nvme_select *sel = data;

	sel->next = zone->start + zone->len;
	if (urpt_nvme_zone_selected(sel->op, zone->cond)) {
		if (WARN_ON_ONCE(sel->nr >= URPT_NVME_ZONE_BATCH))
			return -EIO;
		sel->zone[sel->nr].start = zone->start;
		sel->zone[sel->nr].len = zone->len;
		sel->nr++;
	}
	return 0;
}

/*
 * Zone Management Send with Select All: the zones are read a batch at a
 * time and acted on one by one, waited for (so only from io_uring's
 * worker). A zone that another command moved after it was read may fail
 * the action (a zone closed that became empty or full): the command then
 * ends with that zone's status, the zones before it acted on.
 */
static int urpt_nvme_zone_send_all(struct urpt_dev *udev, enum req_op op,
				   unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	struct urpt_nvme_select *sel;
	sector_t sector = 0;
	unsigned int i;
	int ret = 0;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	sel = kmalloc(sizeof(*sel), GFP_KERNEL);
	if (!sel)
		return -ENOMEM;
	sel->op = op;
	while (sector < bdev_nr_sectors(bdev)) {
		sel->nr = 0;
		ret = blkdev_report_zones(bdev, sector, URPT_NVME_ZONE_BATCH,
					  urpt_nvme_zone_select, sel);
		if (ret < 0) {
			/* A report's error, as Zone Management Receive's */
			ret = urpt_nvme_zone_errno(udev, ret, false, 0);
			goto out;
		}
		if (!ret)
			break;
		for (i = 0; i < sel->nr; i++) {
			if (signal_pending(current)) {
				ret = -EINTR;
				goto out;
			}
			ret = urpt_bdev_zone_mgmt(bdev, op, sel->zone[i].start,
						  sel->zone[i].len);
			if (ret) {
				ret = urpt_nvme_zone_errno(udev, ret, true,
							   URPT_RESULT_ZONE_MGMT);
				goto out;
			}
		}
		sector = sel->next;
		ret = 0;
	}
out:
	kfree(sel);
	return ret;
}

/*
 * Zone Management Send: Close, Finish, Open or Reset of the zone that
 * starts at SLBA (else Invalid Field), as an empty bio through the
 * command lifecycle, or of every zone it applies to (Select All). Offline
 * is Invalid Field (the block layer has no such operation), and so is
 * Set Zone Descriptor Extension (ZDES is 0).
 */
static int urpt_nvme_zone_send(struct urpt_dev *udev,
			       struct io_uring_cmd *ioucmd,
			       const struct urpt_nvme_cmd *c,
			       unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	unsigned int shift = urpt_nvme_shift(bdev);
	u64 slba = urpt_nvme_slba(c);
	struct urpt_range range = { .offset = slba << shift };
	struct urpt_build b;
	enum req_op op;
	int ret;

	if (c->cdw2 || c->cdw3 || c->cdw12 || c->cdw14 || c->cdw15 ||
	    (c->cdw13 & ~(URPT_NVME_ZSA | URPT_NVME_SELECT_ALL)))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	switch (c->cdw13 & URPT_NVME_ZSA) {
	case NVME_ZONE_CLOSE:
		op = REQ_OP_ZONE_CLOSE;
		break;
	case NVME_ZONE_FINISH:
		op = REQ_OP_ZONE_FINISH;
		break;
	case NVME_ZONE_OPEN:
		op = REQ_OP_ZONE_OPEN;
		break;
	case NVME_ZONE_RESET:
		op = REQ_OP_ZONE_RESET;
		break;
	default:
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	}
	ret = urpt_nvme_may_write(udev);
	if (ret)
		return ret;
	if (c->cdw13 & URPT_NVME_SELECT_ALL)
		return urpt_nvme_zone_send_all(udev, op, issue_flags);
	ret = urpt_nvme_check_lba(bdev, slba, 1);
	if (ret)
		return ret;
	if (range.offset & (urpt_zone_bytes(bdev) - 1))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	urpt_build_ranges(&b, bdev, op | REQ_SYNC, &range, 1, 0);
	return urpt_nvme_submit(udev, ioucmd, &b, NULL, issue_flags);
}

/*
 * Zone Append: NLB blocks written at the write pointer of the zone that
 * starts at ZSLBA (else Invalid Field), as one bio (append.c); the
 * completion's result is the LBA they landed at. cdw12 may hold NLB, FUA
 * and LR as on Write. Longer than ZASL is Invalid Field; longer than the
 * zone itself, Zone Boundary Error. A disk that takes less than ZASL can
 * say (8 KiB) has no Zone Append: Invalid Command Opcode.
 */
static int urpt_nvme_zone_append(struct urpt_dev *udev,
				 struct io_uring_cmd *ioucmd,
				 const struct urpt_nvme_cmd *c, u64 *result,
				 unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	unsigned int shift = urpt_nvme_shift(bdev);
	u64 slba = urpt_nvme_slba(c);
	u64 bytes = ((u64)(c->cdw12 & URPT_NVME_NLB) + 1) << shift;
	struct urpt_rw rw = {
		.offset		= slba << shift,
		.addr		= c->addr,
		.len		= c->data_len,
		.xfer		= bytes,
		.write		= true,
		.vectored	= c->vectored,
	};
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	blk_opf_t opf = REQ_OP_ZONE_APPEND | REQ_SYNC | REQ_IDLE |
			(c->cdw12 & URPT_NVME_FUA ? REQ_FUA : 0);
	u32 max = urpt_nvme_append_max(bdev);
	struct urpt_build b;
	struct iov_iter iter;
	int ret;

	if (!max)
		return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
	if (c->cdw2 || c->cdw3 ||
	    (c->cdw12 & ~(URPT_NVME_NLB | URPT_NVME_FUA | URPT_NVME_LR)))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	ret = urpt_nvme_check_lba(bdev, slba, bytes >> shift);
	if (ret)
		return ret;
	if (rw.offset & (urpt_zone_bytes(bdev) - 1))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if (bytes > max)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if (bytes > urpt_zone_bytes(bdev))
		return URPT_NVME_ERR(NVME_SC_ZONE_BOUNDARY_ERROR);
	ret = urpt_nvme_may_write(udev);
	if (ret)
		return ret;
	ret = urpt_import_rw(bdev, ioucmd, &rw, &iov, &iter, issue_flags);
	if (ret)
		return urpt_nvme_errno(ret);
	ret = urpt_build_append(&b, bdev, opf, rw.offset, &iter, rw.bounce);
	if (!ret)
		ret = urpt_nvme_submit(udev, ioucmd, &b, result, issue_flags);
	/* The bio holds the pages now (or a copy of the segments). */
	kfree(iov);
	return ret;
}

/* The ZNS commands, on a zoned disk only (else Invalid Command Opcode). */
int urpt_nvme_zns_io(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		     const struct urpt_nvme_cmd *c, u64 *result,
		     unsigned int issue_flags)
{
	if (!bdev_is_zoned(udev->bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
	switch (c->opcode) {
	case nvme_cmd_zone_mgmt_recv:
		return urpt_nvme_zone_recv(udev, ioucmd, c, issue_flags);
	case nvme_cmd_zone_mgmt_send:
		return urpt_nvme_zone_send(udev, ioucmd, c, issue_flags);
	case nvme_cmd_zone_append:
		return urpt_nvme_zone_append(udev, ioucmd, c, result,
					     issue_flags);
	}
	return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
}
