// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: a command becomes one bio on the backing disk, built on
 * the caller's pinned pages and submitted with submit_bio(), the way
 * block/fops.c does O_DIRECT. The block layer splits it to the queue's
 * limits, remaps partitions and builds the blk-mq requests, so this path
 * is valid on any disk, whoever drives it.
 *
 * Ownership: from submit_bio() until end_io the block layer owns the bio;
 * end_io records the status, drops the disk reference and punts to task
 * work, which releases the pages, frees the bio and completes the command.
 * The per-command state lives in the io_uring_cmd pdu, which io_uring
 * keeps in place until io_uring_cmd_done().
 */
#include <linux/bio.h>
#include <linux/ktime.h>
#include <linux/uio.h>
#include "urpt.h"

static struct bio_set urpt_bio_set;

struct urpt_pdu {
	struct bio	*bio;
	u64		start_ns;	/* when we started building the bio */
	u32		len;		/* bytes to report on success */
	blk_status_t	status;
	u8		nr_bios;
	bool		dirty_pages;	/* a read landed in the user's pages */
};

static struct urpt_pdu *urpt_pdu(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct urpt_pdu) > sizeof(ioucmd->pdu));
	return (struct urpt_pdu *)&ioucmd->pdu;
}

static u64 urpt_res2(const struct urpt_pdu *pdu)
{
	u64 ns = min_t(u64, ktime_get_ns() - pdu->start_ns, URPT_RES2_NS_MASK);

	return (__force u64)pdu->status << URPT_RES2_STATUS_SHIFT |
	       (u64)pdu->nr_bios << URPT_RES2_BIOS_SHIFT |
	       ns << URPT_RES2_NS_SHIFT;
}

/* Task context (or io_uring's fallback worker if the task is exiting). */
static void urpt_complete_in_task(struct io_uring_cmd *ioucmd,
				  unsigned int issue_flags)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);
	ssize_t res = pdu->status ? blk_status_to_errno(pdu->status) : pdu->len;

	bio_release_pages(pdu->bio, pdu->dirty_pages);
	/* A bio from the per-cpu cache must be put from process context. */
	bio_put(pdu->bio);
	io_uring_cmd_done(ioucmd, res, urpt_res2(pdu), issue_flags);
}

/* Any context, often hard irq. */
static void urpt_bio_end_io(struct bio *bio)
{
	struct io_uring_cmd *ioucmd = bio->bi_private;
	struct urpt_dev *udev = ioucmd->file->private_data;
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);

	pdu->status = bio->bi_status;
	/* The disk is no longer needed: DETACH may go on. */
	urpt_dev_put(udev);
	io_uring_cmd_complete_in_task(ioucmd, urpt_complete_in_task);
}

static void urpt_submit(struct io_uring_cmd *ioucmd, struct bio *bio,
			u64 start_ns, u32 len, bool dirty_pages)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);

	pdu->bio = bio;
	pdu->start_ns = start_ns;
	pdu->len = len;
	pdu->status = BLK_STS_OK;
	pdu->nr_bios = 1;
	pdu->dirty_pages = dirty_pages;

	bio->bi_end_io = urpt_bio_end_io;
	bio->bi_private = ioucmd;
	/* From here on, end_io may already have run: ioucmd is not ours. */
	submit_bio(bio);
}

int urpt_submit_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		   const struct urpt_cmd *cmd, bool write)
{
	u64 start_ns = ktime_get_ns();
	struct block_device *bdev = udev->bdev;
	void __user *buf = u64_to_user_ptr(cmd->addr);
	blk_opf_t opf = write ? REQ_OP_WRITE | REQ_SYNC | REQ_IDLE :
				REQ_OP_READ;
	struct iov_iter iter;
	struct bio *bio;
	int ret;

	/* Also refuses kernel addresses. */
	if (!access_ok(buf, cmd->len))
		return -EFAULT;
	iov_iter_ubuf(&iter, write ? WRITE : READ, buf, cmd->len);
	/* Pinned pages go straight to the disk: they must suit its DMA. */
	if (!bdev_iter_is_aligned(bdev, &iter))
		return -EINVAL;

	bio = bio_alloc_bioset(bdev, bio_iov_vecs_to_alloc(&iter, BIO_MAX_VECS),
			       opf | REQ_ALLOC_CACHE, GFP_KERNEL,
			       &urpt_bio_set);
	bio->bi_iter.bi_sector = cmd->offset >> SECTOR_SHIFT;
	ret = bio_iov_iter_get_pages(bio, &iter);
	if (!ret && iov_iter_count(&iter))
		ret = -EFAULT;	/* only part of the buffer could be pinned */
	if (unlikely(ret)) {
		bio_release_pages(bio, false);
		bio_put(bio);
		return ret;
	}

	urpt_submit(ioucmd, bio, start_ns, cmd->len, !write);
	return -EIOCBQUEUED;
}

int urpt_submit_flush(struct urpt_dev *udev, struct io_uring_cmd *ioucmd)
{
	u64 start_ns = ktime_get_ns();
	struct bio *bio;

	bio = bio_alloc_bioset(udev->bdev, 0,
			       REQ_OP_WRITE | REQ_PREFLUSH | REQ_ALLOC_CACHE,
			       GFP_KERNEL, &urpt_bio_set);
	urpt_submit(ioucmd, bio, start_ns, 0, false);
	return -EIOCBQUEUED;
}

int urpt_io_init(void)
{
	return bioset_init(&urpt_bio_set, BIO_POOL_SIZE, 0,
			   BIOSET_NEED_BVECS | BIOSET_PERCPU_CACHE);
}

void urpt_io_exit(void)
{
	bioset_exit(&urpt_bio_set);
}
