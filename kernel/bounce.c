// SPDX-License-Identifier: GPL-2.0
/*
 * Bounce buffers: a buffer the disk cannot DMA to (misaligned for its
 * dma_alignment, or segments that are not whole blocks), or one the caller
 * asked to bounce with URPT_F_BOUNCE, goes through kernel pages instead of
 * being pinned, charged to the caller's memory cgroup. A write is copied
 * in while the command is issued; a read is copied out in task work,
 * in the submitter's context, before the command completes. A read's pages
 * are zeroed: a disk may complete a read without writing the data
 * (null_blk without memory_backed, scsi_debug with fake_rw), and what was
 * in them before must not reach the reader.
 */
#include <linux/bio.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "urpt.h"

struct urpt_bounce {
	/* where a read's data goes: a copy of the caller's iterator */
	struct iov_iter	iter;
	/* the caller's segments for READV: the iterator points here */
	struct iovec	iov[];
};

int urpt_bounce_alloc(struct urpt_bounce **bouncep, struct iov_iter *iter,
		      bool read)
{
	unsigned long nr_segs = read && iter_is_iovec(iter) ? iter->nr_segs : 0;
	struct urpt_bounce *bounce;

	bounce = kmalloc(struct_size(bounce, iov, nr_segs), GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;
	bounce->iter = *iter;
	if (nr_segs) {
		/* The caller's array of segments may be gone by completion. */
		memcpy(bounce->iov, urpt_iter_iov(iter),
		       nr_segs * sizeof(*bounce->iov));
		iov_iter_init(&bounce->iter, READ, bounce->iov, nr_segs,
			      iov_iter_count(iter));
	}
	*bouncep = bounce;
	return 0;
}

/*
 * Fill one bio with up to its bvecs of fresh pages, taken from @iter: a
 * write's data is copied in, a read's range is skipped (the copy of the
 * iterator in the bounce state says where it goes).
 */
int urpt_bounce_fill(struct bio *bio, struct iov_iter *iter, bool read)
{
	struct page *page;
	size_t n;

	while (iov_iter_count(iter) && bio->bi_vcnt < bio->bi_max_vecs) {
		page = alloc_page(read ? GFP_KERNEL_ACCOUNT | __GFP_ZERO :
				  GFP_KERNEL_ACCOUNT);
		if (!page)
			return -ENOMEM;
		n = min_t(size_t, iov_iter_count(iter), PAGE_SIZE);
		__bio_add_page(bio, page, n, 0);
		if (read)
			iov_iter_advance(iter, n);
		else if (copy_page_from_iter(page, 0, n, iter) != n)
			return -EFAULT;
	}
	return 0;
}

/* The pages of one bounced bio that never reached the disk (bio.c). */
void urpt_bounce_free_pages(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all)
		__free_page(bvec->bv_page);
}

/* The bounce state and the pages of its bios from @first on. */
void urpt_bounce_free(struct urpt_bounce *bounce, struct urpt_bio *first)
{
	struct urpt_bio *ub;

	for (ub = first; ub; ub = ub->next)
		urpt_bounce_free_pages(&ub->bio);
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
	urpt_bounce_free(first->bounce, first);
	return res;
}
