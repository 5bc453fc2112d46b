// SPDX-License-Identifier: GPL-2.0
/*
 * Bio building: the bios of one command, one at a time, for the lifecycle
 * (req.c) to submit each before it asks for the next, as block/fops.c
 * does for O_DIRECT. A data command's bios hold its pages, pinned (zero
 * copy) or bounced (bounce.c); a data-less command (FLUSH, DISCARD,
 * WRITE_ZEROES, NVMe Dataset Management) has one bio per range, or more
 * for a range longer than a bio can say. The block layer splits each to
 * the queue's limits, remaps partitions and builds the requests, so this
 * is valid on any disk, whoever drives it.
 */
#include <linux/bio.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include "urpt.h"

static struct bio_set urpt_bio_set;

static struct urpt_bio *urpt_bio_alloc(struct urpt_build *b,
				       unsigned short nr_vecs, gfp_t gfp)
{
	bool cache = b->iter && queue_is_mq(bdev_get_queue(b->bdev));
	struct urpt_bio *ub;
	struct bio *bio;

	/*
	 * The per-cpu cache takes bios back only in process context (6.1):
	 * data-less bios are put at end_io, often in hard irq, and so is the
	 * clone a bio-based disk makes of a data bio: it inherits
	 * REQ_ALLOC_CACHE, and dm over pollable disks clones into a bioset
	 * with a cache (bio_put() WARNs). Only data bios to blk-mq disks.
	 */
	bio = bio_alloc_bioset(b->bdev, nr_vecs,
			       b->opf | (cache ? REQ_ALLOC_CACHE : 0), gfp,
			       &urpt_bio_set);
	if (!bio)
		return NULL;
	bio->bi_iter.bi_sector = b->sector;
	ub = container_of(bio, struct urpt_bio, bio);
	ub->next = NULL;
	ub->bounce = b->bounce;
	return ub;
}

/* A bio that never reached the disk: its pages (pinned or bounce) too. */
void urpt_bio_free(struct urpt_bio *ub)
{
	if (ub->bounce)
		urpt_bounce_free_pages(&ub->bio);
	else
		bio_release_pages(&ub->bio, false);
	bio_put(&ub->bio);
}

static void urpt_bio_resend_work(struct work_struct *work)
{
	submit_bio(&container_of(work, struct urpt_bio, resend)->bio);
}

/*
 * A REQ_NOWAIT bio that ended, submitted again without REQ_NOWAIT or
 * REQ_POLLED by a worker, where it may wait for a tag. What the block
 * layer changed on its way (a partition's remap, the flags, blk-iocost's
 * cost) is put back first, the pages stay, and the bio is charged again
 * to the cgroup of the task that calls this (bio_endio() let go of the
 * first charge). Not bio_reset(), which does the same but first writes a
 * zero cookie, which a poller still looking at the bio
 * (urpt_uring_cmd_iopoll()) would take for hardware queue 0.
 */
void urpt_bio_resend(struct urpt_bio *ub, struct block_device *bdev,
		     struct workqueue_struct *wq)
{
	struct bio *bio = &ub->bio;

	WRITE_ONCE(bio->bi_cookie, BLK_QC_T_NONE);
	bio->bi_next = NULL;
	WRITE_ONCE(bio->bi_bdev, bdev);	/* bio_poll() may read it */
	bio->bi_opf = ub->sent_opf & ~(REQ_NOWAIT | REQ_POLLED);
	bio->bi_flags = ub->sent_flags;
	bio->bi_status = BLK_STS_OK;
	atomic_set(&bio->__bi_remaining, 1);
	bio->bi_iter = ub->sent_iter;
	urpt_bio_clear_iocost(bio);
	bio_associate_blkg(bio);
	/* The work overlays what was saved: all of it was used above. */
	INIT_WORK(&ub->resend, urpt_bio_resend_work);
	queue_work(wq, &ub->resend);
}

/*
 * The data bios of a command once they all ended, in process context: a
 * read's user pages are dirtied as they are released (this may sleep).
 */
void urpt_bios_free(struct urpt_bio *first, bool dirty)
{
	struct urpt_bio *ub, *next;

	for (ub = first; ub; ub = next) {
		next = ub->next;
		if (!ub->bounce)
			bio_release_pages(&ub->bio, dirty);
		bio_put(&ub->bio);
	}
}

/* Longest data-less bio: what bi_size holds, in whole blocks. */
static u64 urpt_max_ranged_bio(struct block_device *bdev)
{
	return round_down(UINT_MAX, bdev_logical_block_size(bdev));
}

/* @nr byte ranges without data; @len is the result on success. */
void urpt_build_ranges(struct urpt_build *b, struct block_device *bdev,
		       blk_opf_t opf, const struct urpt_range *ranges,
		       unsigned int nr, u32 len)
{
	*b = (struct urpt_build) {
		.bdev		= bdev,
		.opf		= opf,
		.len		= len,
		.range		= ranges,
		.range_end	= ranges + nr,
		.one_bio	= nr == 1 &&
				  ranges[0].len <= urpt_max_ranged_bio(bdev),
	};
}

/*
 * The same ranges written with the zero page, as blkdev_issue_zeroout()
 * falls back to when a disk refuses REQ_OP_WRITE_ZEROES. @b must not have
 * built a bio yet (a copy taken before the first attempt).
 */
void urpt_build_zero_pages(struct urpt_build *b)
{
	b->opf = REQ_OP_WRITE;
	b->zero_pages = true;
	b->one_bio = false;
}

/* The next bio of zero pages: as much of the range as one bio holds. */
static struct urpt_bio *urpt_zero_bio(struct urpt_build *b, gfp_t gfp)
{
	u64 left = b->range->len - b->range_pos;
	struct urpt_bio *ub;
	unsigned int n;

	ub = urpt_bio_alloc(b, min_t(u64, BIO_MAX_VECS,
				     DIV_ROUND_UP(left, PAGE_SIZE)), gfp);
	if (!ub)
		return NULL;
	while (left) {
		n = min_t(u64, left, PAGE_SIZE);
		if (bio_add_page(&ub->bio, ZERO_PAGE(0), n, 0) < n)
			break;
		left -= n;
	}
	/* Not held: put at end_io, never through urpt_bio_free(). */
	if (WARN_ON_ONCE(!ub->bio.bi_iter.bi_size)) {
		bio_put(&ub->bio);
		return NULL;
	}
	return ub;
}

static int urpt_build_data(struct urpt_build *b, struct urpt_bio *ub)
{
	if (b->bounced)
		return urpt_bounce_fill(&ub->bio, b->iter,
					!op_is_write(b->opf));
	return urpt_bio_get_pages(&ub->bio, b->iter);
}

/*
 * A user buffer of more than one bio is faulted in whole before the first
 * is built (writable for a read): an unmapped or read-only page then
 * fails the command before anything reaches the disk. One bio pins all
 * its pages before it is submitted anyway.
 */
static int urpt_build_fault_in(struct urpt_build *b)
{
	size_t len = iov_iter_count(b->iter), left;

	if (!user_backed_iter(b->iter) || urpt_build_one_bio(b))
		return 0;
	if (op_is_write(b->opf))
		left = fault_in_iov_iter_readable(b->iter, len);
	else
		left = fault_in_iov_iter_writeable(b->iter, len);
	return left ? -EFAULT : 0;
}

/*
 * The next bio of the command in *@ubp, NULL once all were built. A bio
 * that fails to build is undone here. @gfp may wait only where the caller
 * may: the bios built before were submitted, as bio_alloc_bioset() asks
 * of whoever allocates more than one.
 */
int urpt_build_next(struct urpt_build *b, struct urpt_bio **ubp, gfp_t gfp)
{
	struct urpt_bio *ub;
	int ret;

	*ubp = NULL;
	if (urpt_build_done(b))
		return 0;
	if (b->iter && !b->started) {
		b->started = true;
		ret = urpt_build_fault_in(b);
		if (ret)
			return ret;
	}
	if (b->bounced && !b->bounce) {
		ret = urpt_bounce_alloc(&b->bounce, b->iter,
					!op_is_write(b->opf));
		if (ret)
			return ret;
	}
	if (b->iter) {
		ub = urpt_bio_alloc(b, b->bounced ?
				    min_t(size_t, BIO_MAX_VECS,
					  DIV_ROUND_UP(iov_iter_count(b->iter),
						       PAGE_SIZE)) :
				    urpt_bio_nr_vecs(b->iter), gfp);
		if (!ub)
			return -ENOMEM;
		ret = urpt_build_data(b, ub);
		if (ret) {
			urpt_bio_free(ub);
			return ret;
		}
	} else {
		/* A range of 0 bytes (FLUSH) is one empty bio. */
		b->sector = (b->range->offset + b->range_pos) >> SECTOR_SHIFT;
		/* Zeroes written by a worker the ring may cancel: stop then. */
		if (b->zero_pages && signal_pending(current))
			return -EINTR;
		ub = b->zero_pages ? urpt_zero_bio(b, gfp) :
				     urpt_bio_alloc(b, 0, gfp);
		if (!ub)
			return -ENOMEM;
		if (!b->zero_pages)
			ub->bio.bi_iter.bi_size =
				min(b->range->len - b->range_pos,
				    urpt_max_ranged_bio(b->bdev));
		b->range_pos += ub->bio.bi_iter.bi_size;
		if (b->range_pos == b->range->len) {
			b->range++;
			b->range_pos = 0;
		}
	}
	b->sector += ub->bio.bi_iter.bi_size >> SECTOR_SHIFT;
	*ubp = ub;
	return 0;
}

/* Nothing was built, or nothing will be: free what the build holds. */
void urpt_build_abort(struct urpt_build *b)
{
	urpt_bounce_free(b->bounce, NULL);
	b->bounce = NULL;
}

int urpt_bio_init(void)
{
	return bioset_init(&urpt_bio_set, BIO_POOL_SIZE,
			   offsetof(struct urpt_bio, bio),
			   BIOSET_NEED_BVECS | BIOSET_PERCPU_CACHE);
}

void urpt_bio_exit(void)
{
	bioset_exit(&urpt_bio_set);
}
