// SPDX-License-Identifier: GPL-2.0
/*
 * Bounce buffers: a buffer the disk cannot DMA to (misaligned for its
 * dma_alignment, or segments that are not whole blocks), or one the caller
 * asked to bounce with URPT_F_BOUNCE, goes through kernel pages instead of
 * being pinned. A write is copied in while the command is issued, so the
 * caller may reuse its buffer at once; a read is copied out in task work,
 * in the submitter's context, before the command completes.
 */
#include <linux/bio.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "compat.h"
#include "io.h"

struct urpt_bounce {
	/* where a read's data goes: a copy of the caller's iterator */
	struct iov_iter	iter;
	/* the caller's segments for READV: the iterator points here */
	struct iovec	iov[];
};

static struct urpt_bounce *urpt_bounce_alloc(struct iov_iter *iter, bool read)
{
	unsigned long nr_segs = read && iter_is_iovec(iter) ? iter->nr_segs : 0;
	struct urpt_bounce *bounce;

	bounce = kmalloc(struct_size(bounce, iov, nr_segs), GFP_KERNEL);
	if (!bounce)
		return NULL;
	bounce->iter = *iter;
	if (nr_segs) {
		/* The caller's array of segments may be gone by completion. */
		memcpy(bounce->iov, urpt_iter_iov(iter),
		       nr_segs * sizeof(*bounce->iov));
		iov_iter_init(&bounce->iter, READ, bounce->iov, nr_segs,
			      iov_iter_count(iter));
	}
	return bounce;
}

/* Fill one bio with up to BIO_MAX_VECS fresh pages; copy a write in. */
static int urpt_bounce_fill(struct bio *bio, size_t *left,
			    struct iov_iter *iter, bool read)
{
	struct page *page;
	size_t n;

	while (*left && bio->bi_vcnt < bio->bi_max_vecs) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		n = min_t(size_t, *left, PAGE_SIZE);
		__bio_add_page(bio, page, n, 0);
		if (!read && copy_page_from_iter(page, 0, n, iter) != n)
			return -EFAULT;
		*left -= n;
	}
	return 0;
}

/*
 * On error the caller frees what was built with urpt_bounce_free() and
 * puts the bios.
 */
int urpt_bounce_build(struct urpt_bio_list *list, struct block_device *bdev,
		      blk_opf_t opf, sector_t sector, struct iov_iter *iter)
{
	bool read = !op_is_write(opf);
	size_t left = iov_iter_count(iter);
	struct urpt_bounce *bounce;
	struct urpt_bio *ub;
	int ret;

	bounce = urpt_bounce_alloc(iter, read);
	if (!bounce)
		return -ENOMEM;
	while (left) {
		ub = urpt_bio_alloc(list, bdev,
				    min_t(size_t, DIV_ROUND_UP(left, PAGE_SIZE),
					  BIO_MAX_VECS),
				    opf, sector,
				    /* no waiting on the reserve: see io.c */
				    list->nr ? GFP_NOWAIT : GFP_KERNEL);
		if (!ub) {
			if (!list->head)
				kfree(bounce);
			return -ENOMEM;
		}
		ub->bounce = bounce;
		ret = urpt_bounce_fill(&ub->bio, &left, iter, read);
		if (ret)
			return ret;
		sector += ub->bio.bi_iter.bi_size >> SECTOR_SHIFT;
	}
	return 0;
}

void urpt_bounce_free(struct urpt_bio *first)
{
	struct urpt_bounce *bounce = first->bounce;
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;
	struct urpt_bio *ub;

	for (ub = first; ub; ub = ub->next)
		bio_for_each_segment_all(bvec, &ub->bio, iter_all)
			__free_page(bvec->bv_page);
	kfree(bounce);
}

/* Task work: copy a successful read out, then free the pages. */
ssize_t urpt_bounce_finish(struct urpt_bio *first, ssize_t res)
{
	struct iov_iter *iter = &first->bounce->iter;
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;
	struct urpt_bio *ub;

	if (res > 0 && bio_op(&first->bio) == REQ_OP_READ) {
		/*
		 * Without an mm the task is exiting (io_uring's fallback
		 * worker): nobody will read the buffer or the completion.
		 */
		if (!current->mm && !iov_iter_is_bvec(iter))
			res = -ECANCELED;
		for (ub = first; ub && res > 0; ub = ub->next)
			bio_for_each_segment_all(bvec, &ub->bio, iter_all)
				if (copy_page_to_iter(bvec->bv_page,
						      bvec->bv_offset,
						      bvec->bv_len, iter) !=
				    bvec->bv_len) {
					res = -EFAULT;
					break;
				}
	}
	urpt_bounce_free(first);
	return res;
}
