// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe personality's I/O commands on any disk: Read, Write, Flush,
 * Write Zeroes and Dataset Management become the bios of io.c's data path
 * (urpt_submit_rw(), urpt_submit_ranges(), or their synchronous forms for
 * the ioctls), and the block layer's status comes back as the NVMe status
 * a controller would have returned (the inverse of the nvme driver's
 * nvme_error_status()). What a controller checks is answered here with a
 * positive NVMe status, Do Not Retry set as a controller sets it for a
 * command that cannot succeed as sent. See docs/nvme.md.
 */
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "nvme.h"

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

/*
 * The res of an NVMe command's completion (io.c calls this for commands
 * submitted with urpt_pdu.nvme set): 0, an NVMe status, or -errno where
 * NVMe passthrough returns one too (-EAGAIN, -ENOMEM, -EFAULT...).
 */
int urpt_nvme_res(u8 how, blk_status_t status, ssize_t res)
{
	unsigned int i;

	if (status == BLK_STS_OK)
		return res < 0 ? res : 0;
	if (status == BLK_STS_MEDIUM)
		return URPT_NVME_ERR(how == URPT_NVME_READ ?
				     NVME_SC_READ_ERROR : NVME_SC_WRITE_FAULT);
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

/* Data path errors that are NVMe statuses on a controller. */
static int urpt_nvme_errno(int ret)
{
	/* The buffer is shorter than the blocks to transfer (io.c). */
	if (ret == -ENOBUFS)
		return URPT_NVME_ERR(NVME_SC_SGL_INVALID_DATA);
	return ret;
}

static unsigned int urpt_nvme_shift(struct block_device *bdev)
{
	return ilog2(bdev_logical_block_size(bdev));
}

/* @nlb blocks at @slba within the namespace, else LBA Out of Range. */
static int urpt_nvme_check_lba(struct block_device *bdev, u64 slba, u64 nlb)
{
	u64 nsze = bdev_nr_bytes(bdev) >> urpt_nvme_shift(bdev);

	/* Being removed, as urpt_check_range() says. */
	if (!nsze)
		return -ENODEV;
	if (slba >= nsze || nlb > nsze - slba)
		return URPT_NVME_ERR(NVME_SC_LBA_RANGE);
	return 0;
}

static u64 urpt_nvme_slba(const struct urpt_nvme_cmd *c)
{
	return (u64)c->cdw11 << 32 | c->cdw10;
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
		.fua		= write && (c->cdw12 & URPT_NVME_FUA),
		.nvme		= write ? URPT_NVME_WRITE : URPT_NVME_READ,
	};
	blk_status_t status;
	ssize_t res;
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
	if (write && !udev->writable)
		return URPT_NVME_ERR(NVME_SC_NS_WRITE_PROTECTED);

	rw.offset = slba << shift;
	rw.xfer = bytes;
	if (ioucmd)
		return urpt_nvme_errno(urpt_submit_rw(udev, ioucmd, &rw,
						      issue_flags));
	res = urpt_rw_sync(udev, &rw, &status);
	return urpt_nvme_errno(urpt_nvme_res(rw.nvme, status, res));
}

/* Data-less commands: asynchronous with @ioucmd, else synchronous. */
static int urpt_nvme_ranges(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			    blk_opf_t opf, const struct urpt_range *ranges,
			    unsigned int nr, unsigned int issue_flags)
{
	blk_status_t status;
	ssize_t res;

	if (ioucmd)
		return urpt_submit_ranges(udev, ioucmd, opf, ranges, nr,
					  URPT_NVME_WRITE, issue_flags);
	res = urpt_ranges_sync(udev, opf, ranges, nr, &status);
	return urpt_nvme_res(URPT_NVME_WRITE, status, res);
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
	if (ret)
		return ret;
	if (!udev->writable)
		return URPT_NVME_ERR(NVME_SC_NS_WRITE_PROTECTED);
	if ((c->cdw12 & URPT_NVME_FUA) && bdev_write_cache(bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	return urpt_nvme_ranges(udev, ioucmd, REQ_OP_WRITE_ZEROES |
				(c->cdw12 & URPT_NVME_DEAC ? 0 : REQ_NOUNMAP),
				&range, 1, issue_flags);
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
	return 0;
}

/*
 * Dataset Management: with the Deallocate attribute every range is
 * discarded (REQ_OP_DISCARD, one bio or more per range); without it the
 * command carries only hints (IDR, IDW), which a controller may ignore.
 * Each range's Context Attributes are hints too. Ranges of 0 blocks are
 * skipped; one past the end fails the command before any is discarded.
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
	if (!udev->writable)
		return URPT_NVME_ERR(NVME_SC_NS_WRITE_PROTECTED);

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
