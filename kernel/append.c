// SPDX-License-Identifier: GPL-2.0
/*
 * A zone append, as both personalities send it: one bio at a zone's
 * start, which the disk writes at the zone's write pointer. The block
 * layer must never split it (a split append WARNs in 6.1's bio_split()
 * and in 6.12's bio_split_zone_append()), so its length is bounded here
 * by what the disk takes as one request.
 */
#include <linux/blkdev.h>
#include <linux/uio.h>
#include "urpt.h"

/*
 * Pages an append may span: the disk's segment count, counting the
 * segments a page may take where segments are shorter than a page, and
 * within what urpt_rw_one_bio() takes as one bio.
 */
static u32 urpt_append_pages(struct block_device *bdev)
{
	struct request_queue *q = bdev_get_queue(bdev);
	unsigned long seg = queue_max_segment_size(q);
	u32 per_page;

	if (queue_segment_boundary(q) < seg - 1)
		seg = queue_segment_boundary(q) + 1;
	per_page = DIV_ROUND_UP(PAGE_SIZE, max(seg, 512UL));

	return min_t(u32, queue_max_segments(q) / per_page, BIO_MAX_VECS - 1);
}

/*
 * The longest append, in bytes: 0 where the disk has none. Also within
 * the queue's max_sectors, which 6.1 splits zone appends at.
 */
u32 urpt_append_max(struct block_device *bdev)
{
	u64 max = (u64)bdev_max_zone_append_sectors(bdev) << SECTOR_SHIFT;

	if (!bdev_is_zoned(bdev))
		return 0;
	max = min_t(u64, max, (u64)urpt_append_pages(bdev) * PAGE_SIZE);
	max = min_t(u64, max, (u64)queue_max_sectors(bdev_get_queue(bdev)) <<
			      SECTOR_SHIFT);
	return round_down(max, bdev_logical_block_size(bdev));
}

/*
 * The bio of an append of @iter (at most urpt_append_max() bytes) to the
 * zone at @offset; @opf is REQ_OP_ZONE_APPEND with its flags. Bounced,
 * which packs the data into whole pages, where it could not be one
 * request as it is: over more pages than the disk takes segments, or
 * several iovecs on a disk with a virtual boundary, which the gaps
 * between them may cross (6.1 ends the bio there, 6.13 and later WARN
 * when they split it).
 */
int urpt_build_append(struct urpt_build *b, struct block_device *bdev,
		      blk_opf_t opf, u64 offset, struct iov_iter *iter,
		      bool bounce)
{
	u32 pages = urpt_append_pages(bdev);

	if (iov_iter_npages(iter, pages + 1) > pages ||
	    (iter_is_iovec(iter) && iter->nr_segs > 1 &&
	     queue_virt_boundary(bdev_get_queue(bdev))))
		bounce = true;
	urpt_build_rw(b, bdev, opf, offset, iter, bounce);
	if (WARN_ON_ONCE(!urpt_build_one_bio(b)))
		return -EINVAL;
	return 0;
}
