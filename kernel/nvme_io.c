// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe personality's I/O commands on any disk: Read, Write, Flush,
 * Write Zeroes and Dataset Management become bios through the command
 * lifecycle (req.c: urpt_req_submit(), or urpt_req_wait() for the
 * ioctls), and the block layer's status comes back as the NVMe status
 * a controller would have returned (the inverse of the nvme driver's
 * nvme_error_status()). What a controller checks is answered here with a
 * positive NVMe status, Do Not Retry set as a controller sets it for a
 * command that cannot succeed as sent. See docs/nvme.md.
 */
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uio.h>
#include "nvme_cmd.h"

/* Block-layer status -> NVMe status; anything else: Internal Error. */
static const struct {
	blk_status_t	blk;
	u16		nvme;
} urpt_nvme_statuses[] = {
	{ BLK_STS_NOTSUPP,	URPT_NVME_ERR(NVME_SC_INVALID_OPCODE) },
	{ BLK_STS_TARGET,	URPT_NVME_ERR(NVME_SC_LBA_RANGE) },
	{ BLK_STS_NOSPC,	URPT_NVME_ERR(NVME_SC_CAP_EXCEEDED) },
	{ BLK_STS_PROTECTION,	URPT_NVME_ERR(NVME_SC_GUARD_CHECK) },
	{ URPT_BLK_STS_RESV_CONFLICT,
				URPT_NVME_ERR(NVME_SC_RESERVATION_CONFLICT) },
	{ BLK_STS_TRANSPORT,	NVME_SC_HOST_PATH_ERROR },
	{ BLK_STS_TIMEOUT,	NVME_SC_HOST_ABORTED_CMD },
	{ BLK_STS_ZONE_OPEN_RESOURCE,
				URPT_NVME_ERR(NVME_SC_ZONE_TOO_MANY_OPEN) },
	{ BLK_STS_ZONE_ACTIVE_RESOURCE,
				URPT_NVME_ERR(NVME_SC_ZONE_TOO_MANY_ACTIVE) },
};

/* On a zone command, what BLK_STS_IOERR and BLK_STS_TARGET say most. */
static const u16 urpt_nvme_zone_statuses[] = {
	/* Off the write pointer (or a full, read-only, offline zone) */
	[URPT_RESULT_ZONE_WRITE]	= NVME_SC_ZONE_INVALID_WRITE,
	/* No room left in the zone: where a log moves to the next one */
	[URPT_RESULT_ZONE_APPEND]	= NVME_SC_ZONE_FULL,
	/* A state the zone cannot leave (a full zone opened) */
	[URPT_RESULT_ZONE_MGMT]		= NVME_SC_ZONE_INVALID_TRANSITION,
};

/*
 * The NVMe status of a failed bio. On a zone command (@zone,
 * URPT_RESULT_ZONE_*), the zone status that says most: the block layer
 * makes BLK_STS_IOERR of every zone error of an NVMe or null_blk disk,
 * and sd BLK_STS_TARGET of a ZBC disk's (ILLEGAL REQUEST: an unaligned
 * write, ASC 0x21, or an invalid field), once urpt has checked the range
 * itself.
 */
int urpt_nvme_status(blk_status_t status, bool write, u8 zone)
{
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(urpt_nvme_zone_statuses) !=
		     URPT_RESULT_ZONE_MGMT + 1);
	if (zone && (status == BLK_STS_IOERR || status == BLK_STS_TARGET))
		return URPT_NVME_ERR(urpt_nvme_zone_statuses[zone]);
	if (status == BLK_STS_MEDIUM)
		return URPT_NVME_ERR(write ? NVME_SC_WRITE_FAULT :
					     NVME_SC_READ_ERROR);
	/* Not the disk's answer: resources of the host, as errno. */
	if (status == BLK_STS_AGAIN || status == BLK_STS_RESOURCE ||
	    status == BLK_STS_DEV_RESOURCE)
		return blk_status_to_errno(status);
	for (i = 0; i < ARRAY_SIZE(urpt_nvme_statuses); i++)
		if (urpt_nvme_statuses[i].blk == status)
			return urpt_nvme_statuses[i].nvme;
	/* BLK_STS_IOERR and the rest: may succeed when retried. */
	return NVME_SC_INTERNAL;
}

/*
 * The res of an NVMe command's completion: 0, an NVMe status, or -errno
 * where NVMe passthrough returns one too (-EAGAIN, -ENOMEM, -EFAULT...).
 * A zone command that failed on a disk going away is -ENODEV: its zone
 * status would send a log writer on to the next zone of a dead disk.
 */
static int urpt_nvme_res(struct urpt_dev *udev, const struct urpt_result *r)
{
	if (r->status == BLK_STS_OK)
		return r->res < 0 ? r->res : 0;
	if (r->zone && READ_ONCE(udev->dead))
		return -ENODEV;
	return urpt_nvme_status(r->status, r->write, r->zone);
}

/* Result dw0-1: the LBA a Zone Append landed at, else 0. */
static u64 urpt_nvme_result(const struct urpt_result *r)
{
	if (r->zone != URPT_RESULT_ZONE_APPEND || r->status || r->res < 0)
		return 0;
	return r->landed >> r->lba_shift;
}

/* A uring command's completion: res, and the result in big_cqe[0]. */
static void urpt_nvme_complete(struct io_uring_cmd *ioucmd,
			       const struct urpt_result *r,
			       unsigned int issue_flags)
{
	urpt_cmd_done(ioucmd, urpt_nvme_res(ioucmd->file->private_data, r),
		      urpt_nvme_result(r), issue_flags);
}

void urpt_nvme_init(void)
{
	urpt_req_register(URPT_NVME, urpt_nvme_complete);
}

/*
 * The bios of a command that @b describes: asynchronous with @ioucmd
 * (-EIOCBQUEUED), else submitted and waited for (the ioctls, which get
 * the completion's result in @result if they ask).
 */
int urpt_nvme_submit(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		     struct urpt_build *b, u64 *result, unsigned int issue_flags)
{
	struct urpt_result r;

	if (ioucmd)
		return urpt_req_submit(udev, ioucmd, b, URPT_NVME,
				       issue_flags);
	urpt_req_wait(udev, b, &r);
	if (result)
		*result = urpt_nvme_result(&r);
	return urpt_nvme_res(udev, &r);
}

/* A write to a disk that turned read-only, or to an active swap device. */
int urpt_nvme_may_write(struct urpt_dev *udev)
{
	if (!udev->writable || urpt_dev_may_write(udev))
		return URPT_NVME_ERR(NVME_SC_NS_WRITE_PROTECTED);
	return 0;
}

/* Data path errors that are NVMe statuses on a controller. */
int urpt_nvme_errno(int ret)
{
	/* The buffer is shorter than the blocks to transfer (import.c). */
	if (ret == -ENOBUFS)
		return URPT_NVME_ERR(NVME_SC_SGL_INVALID_DATA);
	return ret;
}

/* @nlb blocks at @slba within the namespace, else LBA Out of Range. */
int urpt_nvme_check_lba(struct block_device *bdev, u64 slba, u64 nlb)
{
	u64 nsze = bdev_nr_bytes(bdev) >> urpt_nvme_shift(bdev);

	/* Being removed, as urpt_check_range() says. */
	if (!nsze)
		return -ENODEV;
	if (slba >= nsze || nlb > nsze - slba)
		return URPT_NVME_ERR(NVME_SC_LBA_RANGE);
	return 0;
}

/*
 * Read and Write: cdw12 may only hold NLB, FUA and LR (no PRINFO without
 * protection information, no directives, no storage tag check), cdw2 and
 * cdw3 must be 0 (no extended LBAs), cdw13 (dataset management hints) is
 * accepted, cdw14 and cdw15 are ignored as without protection
 * information. The buffer must hold the NLB blocks (else Data SGL Length
 * Invalid); a longer one is fine and only its start is transferred, as a
 * controller transfers the blocks the command names. FUA on a Read is
 * accepted: the data read is the same.
 */
static int urpt_nvme_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			const struct urpt_nvme_cmd *c, bool write,
			unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	unsigned int shift = urpt_nvme_shift(bdev);
	u64 slba = urpt_nvme_slba(c);
	u64 bytes = ((u64)(c->cdw12 & URPT_NVME_NLB) + 1) << shift;
	struct urpt_rw rw = {
		.addr		= c->addr,
		.len		= c->data_len,
		.write		= write,
		.vectored	= c->vectored,
	};
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	blk_opf_t opf = REQ_OP_READ;
	struct urpt_build b;
	struct iov_iter iter;
	int ret;

	if (c->cdw2 || c->cdw3 ||
	    (c->cdw12 & ~(URPT_NVME_NLB | URPT_NVME_FUA | URPT_NVME_LR)))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	ret = urpt_nvme_check_lba(bdev, slba, bytes >> shift);
	if (ret)
		return ret;
	/* Longer than MDTS says. */
	if (bytes > URPT_MAX_TRANSFER)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if (write) {
		ret = urpt_nvme_zns_check_write(bdev, slba << shift, bytes);
		if (!ret)
			ret = urpt_nvme_may_write(udev);
		if (ret)
			return ret;
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE |
		      (c->cdw12 & URPT_NVME_FUA ? REQ_FUA : 0);
	}

	rw.offset = slba << shift;
	rw.xfer = bytes;
	ret = urpt_import_rw(bdev, ioucmd, &rw, &iov, &iter, issue_flags);
	if (ret)
		return urpt_nvme_errno(ret);
	urpt_build_rw(&b, bdev, opf, rw.offset, &iter, rw.bounce);
	ret = urpt_nvme_submit(udev, ioucmd, &b, NULL, issue_flags);
	/* The bios hold the pages now (or a copy of the segments). */
	kfree(iov);
	return ret;
}

/* Data-less commands: one bio or more per range. */
static int urpt_nvme_ranges(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			    blk_opf_t opf, const struct urpt_range *ranges,
			    unsigned int nr, unsigned int issue_flags)
{
	struct urpt_build b;

	urpt_build_ranges(&b, udev->bdev, opf, ranges, nr, 0);
	return urpt_nvme_submit(udev, ioucmd, &b, NULL, issue_flags);
}

/* Flush: every Command Dword is reserved; no data is transferred. */
static int urpt_nvme_flush(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			   const struct urpt_nvme_cmd *c,
			   unsigned int issue_flags)
{
	static const struct urpt_range all = { };

	if (c->cdw2 || c->cdw3 || c->cdw10 || c->cdw11 || c->cdw12 ||
	    c->cdw13 || c->cdw14 || c->cdw15)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	return urpt_nvme_ranges(udev, ioucmd, REQ_OP_WRITE | REQ_PREFLUSH,
				&all, 1, issue_flags);
}

/*
 * Write Zeroes: REQ_OP_WRITE_ZEROES, with REQ_NOUNMAP unless DEAC allows
 * the disk to deallocate (the inverse of the nvme driver's mapping). FUA
 * is refused on a disk with a volatile write cache: the block layer
 * cannot attach FUA to a write-zeroes bio, so urpt could not keep it.
 */
static int urpt_nvme_write_zeroes(struct urpt_dev *udev,
				  struct io_uring_cmd *ioucmd,
				  const struct urpt_nvme_cmd *c,
				  unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	unsigned int shift = urpt_nvme_shift(bdev);
	u64 slba = urpt_nvme_slba(c);
	u64 nlb = (c->cdw12 & URPT_NVME_NLB) + 1;
	struct urpt_range range = {
		.offset = slba << shift,
		.len = nlb << shift,
	};
	int ret;

	if (!bdev_write_zeroes_sectors(bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
	if (c->cdw2 || c->cdw3 || c->cdw13 ||
	    (c->cdw12 & ~(URPT_NVME_NLB | URPT_NVME_DEAC | URPT_NVME_FUA |
			  URPT_NVME_LR)))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	ret = urpt_nvme_check_lba(bdev, slba, nlb);
	if (!ret)
		ret = urpt_nvme_zns_check_write(bdev, range.offset, range.len);
	if (!ret)
		ret = urpt_nvme_may_write(udev);
	if (ret)
		return ret;
	if ((c->cdw12 & URPT_NVME_FUA) && bdev_write_cache(bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	return urpt_nvme_ranges(udev, ioucmd, REQ_OP_WRITE_ZEROES |
				(c->cdw12 & URPT_NVME_DEAC ? 0 : REQ_NOUNMAP),
				&range, 1, issue_flags);
}

static int urpt_range_cmp(const void *a, const void *b)
{
	const struct urpt_range *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Sorted, with overlapping and adjacent ranges merged: whatever the
 * command says, it discards each block once, and its bios are bounded by
 * the disk's size and the number of ranges. Returns the number left.
 */
static unsigned int urpt_ranges_merge(struct urpt_range *range,
				      unsigned int n)
{
	unsigned int i, out = 0;
	u64 end;

	if (!n)
		return 0;
	sort(range, n, sizeof(*range), urpt_range_cmp, NULL);
	for (i = 1; i < n; i++) {
		end = range[out].offset + range[out].len;
		if (range[i].offset <= end) {
			end = max(end, range[i].offset + range[i].len);
			range[out].len = end - range[out].offset;
		} else {
			range[++out] = range[i];
		}
	}
	return out + 1;
}

/*
 * The ranges of a Dataset Management command, read from its data buffer
 * into @buf and turned, in place, into the byte ranges of the non-empty
 * ones, *@n of them. 0, an NVMe status or -errno.
 */
static int urpt_nvme_dsm_ranges(struct urpt_dev *udev,
				struct io_uring_cmd *ioucmd,
				const struct urpt_nvme_cmd *c, void *buf,
				unsigned int nr, unsigned int *n,
				unsigned int issue_flags)
{
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	struct block_device *bdev = udev->bdev;
	unsigned int shift = urpt_nvme_shift(bdev);
	struct nvme_dsm_range *dsm = buf;
	struct urpt_range *range = buf;
	size_t size = nr * sizeof(*dsm);
	struct iov_iter iter;
	unsigned int i;
	u64 slba, nlb;
	int ret;

	BUILD_BUG_ON(sizeof(struct nvme_dsm_range) != 16);
	BUILD_BUG_ON(sizeof(*range) != sizeof(*dsm));
	ret = urpt_import(ioucmd, c->addr, c->data_len, c->vectored, WRITE,
			  &iov, &iter, issue_flags);
	if (ret)
		return ret;
	if (iov_iter_count(&iter) < size)
		ret = URPT_NVME_ERR(NVME_SC_SGL_INVALID_DATA);
	else if (copy_from_iter(buf, size, &iter) != size)
		ret = -EFAULT;
	kfree(iov);
	if (ret)
		return ret;

	/* Entry i is read before entry *n <= i is written. */
	for (*n = 0, i = 0; i < nr; i++) {
		slba = le64_to_cpu(dsm[i].slba);
		nlb = le32_to_cpu(dsm[i].nlb);
		if (!nlb)
			continue;
		ret = urpt_nvme_check_lba(bdev, slba, nlb);
		if (ret)
			return ret;
		range[*n].offset = slba << shift;
		range[*n].len = nlb << shift;
		(*n)++;
	}
	*n = urpt_ranges_merge(range, *n);
	return 0;
}

/*
 * Dataset Management: with the Deallocate attribute every range is
 * discarded (REQ_OP_DISCARD, one bio or more per range); without it the
 * command carries only hints (IDR, IDW), which a controller may ignore.
 * Each range's Context Attributes are hints too. Ranges of 0 blocks are
 * skipped, overlapping ones merged; one past the end fails the command
 * before any is discarded.
 */
static int urpt_nvme_dsm(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			 const struct urpt_nvme_cmd *c,
			 unsigned int issue_flags)
{
	unsigned int nr = (c->cdw10 & URPT_NVME_DSM_NR) + 1, n;
	void *buf;
	int ret;

	if (!bdev_max_discard_sectors(udev->bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
	if (c->cdw2 || c->cdw3 || (c->cdw10 & ~URPT_NVME_DSM_NR) ||
	    (c->cdw11 & ~URPT_NVME_DSM_ATTRS) || c->cdw12 || c->cdw13 ||
	    c->cdw14 || c->cdw15)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if (!(c->cdw11 & NVME_DSMGMT_AD))
		return 0;
	ret = urpt_nvme_may_write(udev);
	if (ret)
		return ret;
	/* Discards wait where they may (req.c): read the ranges there. */
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;

	buf = kmalloc_array(nr, sizeof(struct nvme_dsm_range), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = urpt_nvme_dsm_ranges(udev, ioucmd, c, buf, nr, &n, issue_flags);
	/* The bios are built before this returns: buf may go then. */
	if (!ret && n)
		ret = urpt_nvme_ranges(udev, ioucmd, REQ_OP_DISCARD, buf, n,
				       issue_flags);
	kfree(buf);
	return ret;
}

int urpt_nvme_io(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		 const struct urpt_nvme_cmd *c, unsigned int issue_flags)
{
	switch (c->opcode) {
	case nvme_cmd_read:
		return urpt_nvme_rw(udev, ioucmd, c, false, issue_flags);
	case nvme_cmd_write:
		return urpt_nvme_rw(udev, ioucmd, c, true, issue_flags);
	case nvme_cmd_flush:
		return urpt_nvme_flush(udev, ioucmd, c, issue_flags);
	case nvme_cmd_write_zeroes:
		return urpt_nvme_write_zeroes(udev, ioucmd, c, issue_flags);
	case nvme_cmd_dsm:
		return urpt_nvme_dsm(udev, ioucmd, c, issue_flags);
	}
	return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
}
