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
 * Would the segments of @iter leave a gap across the queue's virtual
 * boundary @mask, so that they could not be one request? The test
 * blk_rq_map_user_iov() makes for NVMe passthrough: iovecs with
 * iov_iter_gap_alignment(), bvecs (a registered buffer, which ublk's
 * zero copy fills with a request's own) one boundary at a time, as
 * bvec_gap_to_prev() does.
 */
static bool urpt_append_gaps(const struct iov_iter *iter, unsigned long mask)
{
	const struct bio_vec *bv;
	size_t left, skip, len;
	unsigned long end = 0;
	bool first = true;

	if (!mask || !iov_iter_count(iter))
		return false;
	if (iter_is_iovec(iter))
		return iov_iter_gap_alignment(iter) & mask;
	if (!iov_iter_is_bvec(iter))
		return false;
	left = iov_iter_count(iter);
	skip = iter->iov_offset;
	for (bv = iter->bvec; left; bv++, skip = 0) {
		if (bv->bv_len <= skip)
			continue;
		len = min_t(size_t, bv->bv_len - skip, left);
		if (!first && ((end | (bv->bv_offset + skip)) & mask))
			return true;
		end = bv->bv_offset + skip + len;
		left -= len;
		first = false;
	}
	return false;
}

/*
 * The bio of an append of @iter (at most urpt_append_max() bytes) to the
 * zone at @offset; @opf is REQ_OP_ZONE_APPEND with its flags. Bounced,
 * which packs the data into whole pages, where it could not be one
 * request as it is: over more pages than the disk takes segments, or
 * with gaps its virtual boundary forbids (6.1 and 6.12 end the bio
 * there, 6.13 and later WARN when they split it).
 */
int urpt_build_append(struct urpt_build *b, struct block_device *bdev,
		      blk_opf_t opf, u64 offset, struct iov_iter *iter,
		      bool bounce)
{
	u32 pages = urpt_append_pages(bdev);

	if (iov_iter_npages(iter, pages + 1) > pages ||
	    urpt_append_gaps(iter, queue_virt_boundary(bdev_get_queue(bdev))))
		bounce = true;
	urpt_build_rw(b, bdev, opf, offset, iter, bounce);
	if (WARN_ON_ONCE(!urpt_build_one_bio(b)))
		return -EINVAL;
	return 0;
}
