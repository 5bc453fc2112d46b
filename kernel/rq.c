// SPDX-License-Identifier: GPL-2.0
/*
 * The request path, the second legitimate way onto a foreign disk: a
 * READ or WRITE that already fits the disk's limits becomes one blk-mq
 * request, allocated on the disk's queue, given the caller's pages with
 * blk_rq_map_user_iov() and issued directly with
 * blk_insert_cloned_request(), as request-based device-mapper does. It
 * skips the bio split and the I/O scheduler. It is off unless the module
 * parameter request_path is set, and used only where it is valid: see
 * urpt_rq_valid() and docs/design.md for what it was measured to be worth.
 */
#include <linux/blk-mq.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/uio.h>
#include "urpt.h"
#include "io.h"

static bool request_path;
module_param(request_path, bool, 0644);
MODULE_PARM_DESC(request_path,
		 "Issue READ/WRITE that fit the disk's limits as directly inserted requests instead of bios (default: bios)");

/*
 * Valid only for a user buffer that blk_rq_map_user_iov() maps without
 * copying (its own tests: DMA alignment and padding, no gap against the
 * virt boundary), in one request within the disk's limits, on a queue
 * without an I/O scheduler (a request that skipped insertion must not be
 * finished by one), and not polled.
 */
static bool urpt_rq_valid(struct block_device *bdev, struct iov_iter *iter,
			  blk_opf_t opf, unsigned int issue_flags)
{
	struct request_queue *q = bdev_get_queue(bdev);

	if (!READ_ONCE(request_path) || q->elevator ||
	    (issue_flags & IO_URING_F_IOPOLL))
		return false;
	/* A directly issued request skips the flush machinery's FUA. */
	if ((opf & REQ_FUA) && !bdev_fua(bdev))
		return false;
	if (!iter_is_iovec(iter))
		return false;
	if (iov_iter_alignment(iter) & urpt_queue_map_align(q))
		return false;
	if (queue_virt_boundary(q) & iov_iter_gap_alignment(iter))
		return false;
	if (iov_iter_count(iter) > queue_max_sectors(q) << SECTOR_SHIFT)
		return false;
	return iov_iter_npages(iter, queue_max_segments(q) + 1) <=
	       queue_max_segments(q);
}

URPT_RQ_END_IO(urpt_rq_end_io)
{
	struct io_uring_cmd *ioucmd = rq->end_io_data;

	urpt_rq_ended(ioucmd, status);
	/* The pages stay mapped to the bios until task work unmaps them. */
	return RQ_END_IO_FREE;
}

/*
 * Returns -EIOCBQUEUED, -EAGAIN (no tag without waiting), -ENOTBLK when
 * the request path does not apply (the caller uses bios), or an error.
 */
int urpt_rq_submit_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		      struct iov_iter *iter, u64 offset, blk_opf_t opf,
		      u64 start_ns, unsigned int issue_flags)
{
	struct block_device *bdev = udev->bdev;
	struct request_queue *q = bdev_get_queue(bdev);
	bool nowait = issue_flags & IO_URING_F_NONBLOCK;
	struct iov_iter iov_iter;
	struct iovec iov;
	struct request *rq;
	struct bio *bio;
	blk_status_t sts;
	int ret;

	/* blk_rq_map_user_iov() would copy a ubuf iterator: make it iovec. */
	if (iter_is_ubuf(iter)) {
		iov.iov_base = iter->ubuf;
		iov.iov_len = iov_iter_count(iter);
		iov_iter_init(&iov_iter, iov_iter_rw(iter), &iov, 1, iov.iov_len);
		iter = &iov_iter;
	}
	if (!urpt_rq_valid(bdev, iter, opf, issue_flags))
		return -ENOTBLK;

	rq = blk_mq_alloc_request(q, opf | REQ_NOMERGE,
				  nowait ? BLK_MQ_REQ_NOWAIT : 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq) == -EWOULDBLOCK ? -EAGAIN : PTR_ERR(rq);
	ret = blk_rq_map_user_iov(q, rq, NULL, iter,
				  nowait ? GFP_NOWAIT : GFP_KERNEL);
	if (ret) {
		blk_mq_free_request(rq);
		return ret == -ENOMEM && nowait ? -EAGAIN : ret;
	}
	/* A partition's requests are the whole disk's: remap by hand. */
	rq->__sector = bdev->bd_start_sect + (offset >> SECTOR_SHIFT);
	for (bio = rq->bio; bio; bio = bio->bi_next)
		bio_set_dev(bio, bdev);	/* I/O accounting goes to @bdev */
	rq->end_io = urpt_rq_end_io;
	rq->end_io_data = ioucmd;
	urpt_rq_started(ioucmd, rq->bio, start_ns, iov_iter_count(iter));

	for (;;) {
		sts = blk_insert_cloned_request(rq);
		if (sts != BLK_STS_RESOURCE && sts != BLK_STS_DEV_RESOURCE)
			break;
		/* The driver is out of resources: not issued, try again. */
		if (nowait) {
			bio = rq->bio;
			blk_mq_free_request(rq);
			blk_rq_unmap_user(bio);
			return -EAGAIN;
		}
		usleep_range(50, 100);
	}
	if (sts)	/* refused before reaching the driver: end it here */
		blk_mq_end_request(rq, sts);
	return -EIOCBQUEUED;
}
