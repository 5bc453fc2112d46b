// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: a command becomes one or more bios on the backing disk,
 * submitted with submit_bio() the way block/fops.c does O_DIRECT. The block
 * layer splits them to the queue's limits, remaps partitions and builds the
 * blk-mq requests, so this path is valid on any disk, whoever drives it.
 *
 * Ownership: all bios of a command are built (pages pinned or bounced)
 * before the first is submitted, so a bad buffer fails the command before
 * anything reaches the disk. From submit_bio() until end_io the block
 * layer owns each bio; the last end_io drops the disk reference and punts
 * to task work, which releases the pages, frees the bios and completes the
 * command (on an IOPOLL ring the last end_io may complete it at once, see
 * urpt_complete_inline()). The per-command state lives in the io_uring_cmd
 * pdu, which io_uring keeps in place until io_uring_cmd_done().
 */
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/ktime.h>
#include <linux/uio.h>
#include "urpt.h"
#include "io.h"

static struct bio_set urpt_bio_set;
static struct workqueue_struct *urpt_wq;

struct urpt_pdu {
	union {
		struct urpt_bio	*bios;	/* in disk order; the first is polled */
		struct bio	*rq_bio; /* request path: the user mapping */
	};
	u64		start_ns;	/* when we started building the bios */
	u32		len;		/* bytes to report on success */
	/* bios not ended yet, plus one held by the submitter while issuing */
	atomic_t	pending;
	blk_status_t	status;		/* an error of any of the bios */
	u8		nr_bios;
	bool		rq_path;	/* submitted by rq.c */
	bool		polled;		/* one REQ_POLLED bio: see iopoll */
	bool		iopoll;		/* the ring is IOPOLL */
	bool		fixed;		/* registered buffer: no page refs */
	u8		nvme;		/* URPT_NVME_*: completes the NVMe way */
};

static struct urpt_pdu *urpt_pdu(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct urpt_pdu) > sizeof(ioucmd->pdu));
	return (struct urpt_pdu *)&ioucmd->pdu;
}

static void urpt_bio_list_init(struct urpt_bio_list *list)
{
	list->head = NULL;
	list->tail = &list->head;
	list->nr = 0;
}

struct urpt_bio *urpt_bio_alloc(struct urpt_bio_list *list,
				struct block_device *bdev,
				unsigned short nr_vecs, blk_opf_t opf,
				sector_t sector, gfp_t gfp)
{
	struct urpt_bio *ub;
	struct bio *bio;

	bio = bio_alloc_bioset(bdev, nr_vecs, opf | REQ_ALLOC_CACHE, gfp,
			       &urpt_bio_set);
	if (!bio)
		return NULL;
	bio->bi_iter.bi_sector = sector;
	ub = container_of(bio, struct urpt_bio, bio);
	ub->next = NULL;
	ub->bounce = NULL;
	*list->tail = ub;
	list->tail = &ub->next;
	list->nr++;
	return ub;
}

/* Undo a command's bios: before submission, or after they all ended. */
static void urpt_bios_free(struct urpt_bio *ub, bool dirty)
{
	struct urpt_bio *next;

	for (; ub; ub = next) {
		next = ub->next;
		if (!ub->bounce)
			bio_release_pages(&ub->bio, dirty);
		/* A bio from the per-cpu cache must be put in process context. */
		bio_put(&ub->bio);
	}
}

static u64 urpt_res2(const struct urpt_pdu *pdu)
{
	u64 ns = min_t(u64, ktime_get_ns() - pdu->start_ns, URPT_RES2_NS_MASK);

	return (__force u64)pdu->status << URPT_RES2_STATUS_SHIFT |
	       (u64)pdu->nr_bios << URPT_RES2_BIOS_SHIFT |
	       ns << URPT_RES2_NS_SHIFT;
}

/*
 * Post the completion: the native way (res, the detail word), or the NVMe
 * way (0, an NVMe status or -errno; result dw0 is 0), see nvme_io.c.
 */
static void urpt_done(struct io_uring_cmd *ioucmd, ssize_t res,
		      unsigned int issue_flags)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);

	if (pdu->nvme)
		urpt_cmd_done(ioucmd, urpt_nvme_res(pdu->nvme, pdu->status, res),
			      0, issue_flags);
	else
		urpt_cmd_done(ioucmd, res, urpt_res2(pdu), issue_flags);
}

/*
 * Task context (or io_uring's fallback worker if the task is exiting).
 * Another thread may be in urpt_uring_cmd_iopoll() on a polled bio freed
 * here (task work need not hold the ring's lock): that is safe, see there.
 */
static void urpt_complete_in_task(struct io_uring_cmd *ioucmd,
				  unsigned int issue_flags)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);
	struct urpt_bio *first = pdu->bios;
	bool read = bio_op(&first->bio) == REQ_OP_READ;
	ssize_t res = pdu->status ? blk_status_to_errno(pdu->status) : pdu->len;

	if (first->bounce)
		res = urpt_bounce_finish(first, res);
	urpt_bios_free(first, read);
	urpt_done(ioucmd, res, issue_flags);
}

URPT_TASK_WORK(urpt_complete_in_task)

/* Request path (rq.c): task work unmaps the user pages. */
static void urpt_rq_complete_in_task(struct io_uring_cmd *ioucmd,
				     unsigned int issue_flags)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);
	ssize_t res = pdu->status ? blk_status_to_errno(pdu->status) : pdu->len;
	int ret;

	ret = blk_rq_unmap_user(pdu->rq_bio);
	if (ret && res >= 0)
		res = ret;
	urpt_done(ioucmd, res, issue_flags);
}

URPT_TASK_WORK(urpt_rq_complete_in_task)

void urpt_rq_started(struct io_uring_cmd *ioucmd, struct bio *bio,
		     u64 start_ns, u32 len)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);

	pdu->rq_bio = bio;
	pdu->start_ns = start_ns;
	pdu->len = len;
	pdu->status = BLK_STS_OK;
	pdu->nr_bios = 0;	/* tells the caller: one request, no bio */
	pdu->rq_path = true;
	pdu->polled = false;
}

/* Any context: the request of the command ended. */
void urpt_rq_ended(struct io_uring_cmd *ioucmd, blk_status_t status)
{
	struct urpt_dev *udev = ioucmd->file->private_data;

	urpt_pdu(ioucmd)->status = status;
	urpt_dev_put(udev);
	io_uring_cmd_complete_in_task(ioucmd, urpt_rq_complete_in_task_tw);
}

/* Are all the pages of this read's bio dirty already? */
static bool urpt_bio_pages_dirty(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bv;

	bio_for_each_segment_all(bv, bio, iter_all)
		if (!PageDirty(bv->bv_page))
			return false;
	return true;
}

/*
 * Can the command complete where its last bio ended, in any context? On
 * an IOPOLL ring io_uring_cmd_done() only marks the command for the
 * polling loop to reap. What must wait for task work: a bounced read's
 * copy-out (the submitter's mm), and pages a read must dirty (dirtying
 * may sleep): pages already dirty need only be released.
 */
static bool urpt_can_complete_inline(const struct urpt_pdu *pdu)
{
	struct urpt_bio *ub = pdu->bios;

	if (!pdu->iopoll || ub->bounce)
		return false;
	if (pdu->fixed || bio_op(&ub->bio) != REQ_OP_READ)
		return true;
	for (; ub; ub = ub->next)
		if (!urpt_bio_pages_dirty(&ub->bio))
			return false;
	return true;
}

/*
 * Complete without the task-work round trip, as NVMe passthrough does for
 * its polled requests: the polling loop sees the command done at once.
 * IO_URING_F_UNLOCKED: this may run in interrupt context or in another
 * ring's poller, without this ring's lock.
 */
static void urpt_complete_inline(struct io_uring_cmd *ioucmd)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);
	ssize_t res = pdu->status ? blk_status_to_errno(pdu->status) : pdu->len;
	struct urpt_bio *ub, *next;

	for (ub = pdu->bios; ub; ub = next) {
		next = ub->next;
		bio_release_pages(&ub->bio, false);
		/* Only process context may put into the per-cpu cache (6.1). */
		if (in_interrupt())
			ub->bio.bi_opf &= ~REQ_ALLOC_CACHE;
		bio_put(&ub->bio);
	}
	urpt_done(ioucmd, res, IO_URING_F_UNLOCKED);
}

/* The last bio of the command ended, or the submitter let go last. */
static void urpt_cmd_ended(struct io_uring_cmd *ioucmd)
{
	struct urpt_dev *udev = ioucmd->file->private_data;

	/*
	 * The disk is no longer needed: DETACH may go on. A poller that has
	 * not yet looked at the polled bio finds nothing to poll; one that
	 * has is under rcu_read_lock(), which DETACH waits out before it
	 * releases the disk (dev.c).
	 */
	WRITE_ONCE(urpt_pdu(ioucmd)->polled, false);
	urpt_dev_put(udev);
	if (urpt_can_complete_inline(urpt_pdu(ioucmd)))
		urpt_complete_inline(ioucmd);
	else
		io_uring_cmd_complete_in_task(ioucmd, urpt_complete_in_task_tw);
}

/* Any context, often hard irq. */
static void urpt_bio_end_io(struct bio *bio)
{
	struct io_uring_cmd *ioucmd = bio->bi_private;
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);

	if (unlikely(bio->bi_status))
		WRITE_ONCE(pdu->status, bio->bi_status);
	if (atomic_dec_and_test(&pdu->pending))
		urpt_cmd_ended(ioucmd);
}

static void urpt_submit_bios(struct urpt_bio *ub)
{
	struct urpt_bio *next;

	for (; ub; ub = next) {
		/* Once submitted, ub may end and be freed at any time. */
		next = ub->next;
		submit_bio(&ub->bio);
	}
}

/* The submitter lets go of the command: the last to do so completes it. */
static void urpt_submit_done(struct io_uring_cmd *ioucmd)
{
	if (atomic_dec_and_test(&urpt_pdu(ioucmd)->pending))
		urpt_cmd_ended(ioucmd);
}

/*
 * urpt's workqueue submits, where waiting is allowed, the commands built
 * under IO_URING_F_NONBLOCK that could not be submitted without waiting.
 * The queue links each command's first bio through bi_next, which is free
 * until the bio is submitted.
 */
static void urpt_submit_work(struct work_struct *work)
{
	struct urpt_dev *udev = container_of(work, struct urpt_dev,
					     submit_work);
	struct io_uring_cmd *ioucmd;
	struct bio_list bios;
	struct bio *bio;

	spin_lock(&udev->submit_lock);
	bios = udev->submit_list;
	bio_list_init(&udev->submit_list);
	spin_unlock(&udev->submit_lock);

	while ((bio = bio_list_pop(&bios))) {
		ioucmd = bio->bi_private;
		urpt_submit_bios(container_of(bio, struct urpt_bio, bio));
		urpt_submit_done(ioucmd);
	}
}

static void urpt_submit_queue(struct urpt_dev *udev, struct urpt_bio *first)
{
	spin_lock(&udev->submit_lock);
	bio_list_add(&udev->submit_list, &first->bio);
	spin_unlock(&udev->submit_lock);
	queue_work(urpt_wq, &udev->submit_work);
}

void urpt_submit_init(struct urpt_dev *udev)
{
	spin_lock_init(&udev->submit_lock);
	bio_list_init(&udev->submit_list);
	INIT_WORK(&udev->submit_work, urpt_submit_work);
}

/*
 * Can this command go to the disk under IO_URING_F_NONBLOCK? Only as one
 * bio that the block layer either queues at once or ends with
 * BLK_STS_AGAIN before submit_bio() returns: a ranged DISCARD or
 * WRITE_ZEROES may be split after its first part was queued, and a
 * bounced command must not lose its copy to a retry.
 */
static bool urpt_nowait_ok(struct block_device *bdev,
			   const struct urpt_bio_list *list)
{
	const struct bio *bio = &list->head->bio;

	/* A queue without NOWAIT fails REQ_NOWAIT bios with NOTSUPP. */
	return bdev_nowait(bdev) && list->nr == 1 && !list->head->bounce &&
	       bio_op(bio) != REQ_OP_DISCARD &&
	       bio_op(bio) != REQ_OP_WRITE_ZEROES;
}

/*
 * Submit the command's bios. Under IO_URING_F_NONBLOCK a command that can
 * go as one bio carries REQ_NOWAIT: where the block layer would have to
 * wait (no free tag, a split needed) it ends the bio with BLK_STS_AGAIN
 * before submit_bio() returns. The submitter's hold on @pending keeps the
 * command from completing meanwhile, so it can take the bio back and
 * return -EAGAIN: io_uring then issues the command again from a worker
 * that may wait. Other commands, already built, are handed to urpt's
 * workqueue.
 */
static int urpt_submit(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       struct urpt_bio_list *list, u64 start_ns, u32 len,
		       unsigned int issue_flags)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);
	bool nowait = issue_flags & IO_URING_F_NONBLOCK;
	/*
	 * Only a data bio on a disk with poll queues can be polled: 6.10 and
	 * later fail REQ_POLLED elsewhere with BLK_STS_NOTSUPP, and an empty
	 * flush bio would go through the flush machinery on a poll queue and
	 * never be found by bio_poll().
	 */
	bool polled = (issue_flags & IO_URING_F_IOPOLL) && list->nr == 1 &&
		      bio_has_data(&list->head->bio) &&
		      urpt_bdev_can_poll(udev->bdev);
	struct urpt_bio *ub;

	pdu->bios = list->head;
	pdu->start_ns = start_ns;
	pdu->len = len;
	pdu->status = BLK_STS_OK;
	pdu->nr_bios = min(list->nr, 255U);
	pdu->rq_path = false;
	pdu->polled = polled;
	pdu->iopoll = issue_flags & IO_URING_F_IOPOLL;
	pdu->fixed = ioucmd->flags & IORING_URING_CMD_FIXED;
	atomic_set(&pdu->pending, list->nr + 1);

	for (ub = list->head; ub; ub = ub->next) {
		ub->bio.bi_end_io = urpt_bio_end_io;
		ub->bio.bi_private = ioucmd;
		if (polled)
			ub->bio.bi_opf |= REQ_POLLED;
	}

	if (!nowait) {
		urpt_submit_bios(list->head);
		urpt_submit_done(ioucmd);
		return -EIOCBQUEUED;
	}
	if (!urpt_nowait_ok(udev->bdev, list)) {
		urpt_submit_queue(udev, list->head);
		return -EIOCBQUEUED;
	}

	list->head->bio.bi_opf |= REQ_NOWAIT;
	submit_bio(&list->head->bio);
	/*
	 * Our hold is the last one only if the bio ended before submit_bio()
	 * returned: then BLK_STS_AGAIN means "would have waited", and the
	 * command goes back to io_uring for a worker.
	 */
	if (atomic_dec_and_test(&pdu->pending)) {
		if (pdu->status == BLK_STS_AGAIN) {
			urpt_bios_free(list->head, false);
			return -EAGAIN;
		}
		urpt_cmd_ended(ioucmd);
	}
	return -EIOCBQUEUED;
}

static blk_opf_t urpt_rw_opf(const struct urpt_rw *rw)
{
	if (!rw->write)
		return REQ_OP_READ;
	return REQ_OP_WRITE | REQ_SYNC | REQ_IDLE | (rw->fua ? REQ_FUA : 0);
}

/* Pin the pages behind @iter into as many bios as they need. */
static int urpt_build_zero_copy(struct urpt_bio_list *list,
				struct block_device *bdev, blk_opf_t opf,
				sector_t sector, struct iov_iter *iter, gfp_t gfp)
{
	struct urpt_bio *ub;
	int ret;

	while (iov_iter_count(iter)) {
		/*
		 * Only the first bio may wait on the bioset's reserve: the
		 * others are held unsubmitted meanwhile, and waiting for them
		 * could deadlock (see bio_alloc_bioset()).
		 */
		ub = urpt_bio_alloc(list, bdev, urpt_bio_nr_vecs(iter), opf,
				    sector, list->nr ? GFP_NOWAIT : gfp);
		if (!ub)
			return list->nr ? -ENOMEM : -EAGAIN;
		ret = urpt_bio_get_pages(&ub->bio, iter);
		if (ret)
			return ret;
		sector += ub->bio.bi_iter.bi_size >> SECTOR_SHIFT;
	}
	return 0;
}

/*
 * Can the disk DMA straight to this buffer? Every segment's address on
 * @addr_mask, every segment's length on @len_mask: the rule O_DIRECT
 * applies (bdev_iter_is_aligned() until 7.x moved it into the bio code).
 */
static bool urpt_iter_aligned(const struct iov_iter *iter,
			      unsigned long addr_mask, unsigned long len_mask)
{
	size_t skip = iter->iov_offset, left = iov_iter_count(iter), len;
	const struct iovec *iov;
	const struct bio_vec *bv;
	unsigned long seg;

	if (iter_is_ubuf(iter))
		return !(((unsigned long)iter->ubuf + skip) & addr_mask) &&
		       !(left & len_mask);
	if (iter_is_iovec(iter)) {
		for (iov = urpt_iter_iov(iter); left; iov++, skip = 0) {
			len = min(iov->iov_len - skip, left);
			seg = (unsigned long)iov->iov_base + skip;
			if ((seg & addr_mask) || (len & len_mask))
				return false;
			left -= len;
		}
		return true;
	}
	if (iov_iter_is_bvec(iter)) {
		for (bv = iter->bvec; left; bv++, skip = 0) {
			len = min(bv->bv_len - skip, left);
			if (((bv->bv_offset + skip) & addr_mask) ||
			    (len & len_mask))
				return false;
			left -= len;
		}
		return true;
	}
	return false;
}

/*
 * The iovec array of READV/WRITEV, in the native layout the uapi defines.
 * import_iovec() would pick the compat layout from in_compat_syscall(),
 * which says nothing about the ring's owner when io_uring issues the
 * command again from its worker. Uses @*iov (UIO_FASTIOV entries) when it
 * is enough, else allocates; on success the caller kfree()s @*iov unless
 * it is still the array it passed in.
 */
static int urpt_import_iovec(int dir, void __user *uvec, u32 nr,
			     struct iovec **iov, struct iov_iter *iter)
{
	struct iovec *vec = *iov;
	size_t total = 0;
	int ret = 0;
	u32 i;

	if (nr > UIO_FASTIOV) {
		vec = kmalloc_array(nr, sizeof(*vec), GFP_KERNEL);
		if (!vec)
			return -ENOMEM;
	}
	if (copy_from_user(vec, uvec, nr * sizeof(*vec)))
		ret = -EFAULT;
	for (i = 0; !ret && i < nr; i++) {
		/* Lengths first, as import_iovec(): a bad one is -EINVAL. */
		if (vec[i].iov_len > MAX_RW_COUNT - total)
			ret = -EINVAL;
		else if (!access_ok(vec[i].iov_base, vec[i].iov_len))
			ret = -EFAULT;
		total += vec[i].iov_len;
	}
	if (ret) {
		if (vec != *iov)
			kfree(vec);
		return ret;
	}
	iov_iter_init(iter, dir, vec, nr, total);
	*iov = vec == *iov ? NULL : vec;
	return 0;
}

/* Will this zero-copy buffer fit one bio? */
static bool urpt_one_bio(struct iov_iter *iter)
{
	return iov_iter_is_bvec(iter) ||
	       iov_iter_npages(iter, BIO_MAX_VECS + 1) <= BIO_MAX_VECS;
}

/*
 * The caller's buffer as an iterator: a registered buffer (only with
 * @ioucmd), an iovec array of @len entries when @vectored, else @len bytes
 * at @addr. On success the caller kfree()s *@iov (NULL when nothing was
 * allocated); @*iov must point to UIO_FASTIOV entries on entry.
 */
int urpt_import(struct io_uring_cmd *ioucmd, u64 addr, u32 len,
		bool vectored, int dir, struct iovec **iov,
		struct iov_iter *iter, unsigned int issue_flags)
{
	void __user *buf = u64_to_user_ptr(addr);
	int ret;

	if (ioucmd && (ioucmd->flags & IORING_URING_CMD_FIXED)) {
		*iov = NULL;
		/* 6.1 cannot import a vector of registered buffers. */
		if (vectored)
			return -EOPNOTSUPP;
		ret = urpt_import_fixed(addr, len, dir, iter, ioucmd,
					issue_flags);
		return ret < 0 ? ret : 0;
	}
	if (vectored) {
		if (!len || len > URPT_MAX_IOVECS)
			return -EINVAL;
		return urpt_import_iovec(dir, buf, len, iov, iter);
	}
	*iov = NULL;
	/* access_ok also refuses kernel addresses. */
	if (!access_ok(buf, len))
		return -EFAULT;
	iov_iter_ubuf(iter, dir, buf, len);
	return 0;
}

/*
 * Import @rw's buffer and check its range: -ENOBUFS when the buffer is
 * shorter than @rw->xfer (the NVMe personality's data length rule).
 */
static int urpt_rw_import(struct block_device *bdev,
			  struct io_uring_cmd *ioucmd, const struct urpt_rw *rw,
			  struct iovec **iov, struct iov_iter *iter,
			  unsigned int issue_flags)
{
	int ret;

	ret = urpt_import(ioucmd, rw->addr, rw->len, rw->vectored,
			  rw->write ? WRITE : READ, iov, iter, issue_flags);
	if (ret)
		return ret;
	if (rw->xfer) {
		if (iov_iter_count(iter) < rw->xfer)
			ret = -ENOBUFS;
		else
			iov_iter_truncate(iter, rw->xfer);
	}
	if (!ret)
		ret = urpt_check_range(bdev, rw->offset, iov_iter_count(iter),
				       URPT_MAX_TRANSFER);
	if (ret) {
		kfree(*iov);
		*iov = NULL;
	}
	return ret;
}

/* Pinned pages go straight to the disk: they must suit its DMA. */
static bool urpt_rw_bounce(struct block_device *bdev, const struct urpt_rw *rw,
			   const struct iov_iter *iter)
{
	return rw->bounce ||
	       !urpt_iter_aligned(iter, bdev_dma_alignment(bdev),
				  bdev_logical_block_size(bdev) - 1);
}

/* All the bios of a READ or WRITE; nothing left behind on error. */
static int urpt_rw_build(struct urpt_bio_list *list, struct block_device *bdev,
			 const struct urpt_rw *rw, struct iov_iter *iter,
			 bool bounce, gfp_t gfp)
{
	sector_t sector = rw->offset >> SECTOR_SHIFT;
	int ret;

	urpt_bio_list_init(list);
	if (bounce)
		ret = urpt_bounce_build(list, bdev, urpt_rw_opf(rw), sector,
					iter);
	else
		ret = urpt_build_zero_copy(list, bdev, urpt_rw_opf(rw), sector,
					   iter, gfp);
	if (ret) {
		if (list->head && list->head->bounce)
			urpt_bounce_free(list->head);
		urpt_bios_free(list->head, false);
	}
	return ret;
}

int urpt_submit_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		   const struct urpt_rw *rw, unsigned int issue_flags)
{
	u64 start_ns = ktime_get_ns();
	struct block_device *bdev = udev->bdev;
	bool nowait = issue_flags & IO_URING_F_NONBLOCK;
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	struct urpt_bio_list list;
	struct iov_iter iter;
	bool bounce;
	u32 len;
	int ret;

	ret = urpt_rw_import(bdev, ioucmd, rw, &iov, &iter, issue_flags);
	if (ret)
		return ret;
	len = iov_iter_count(&iter);
	urpt_pdu(ioucmd)->nvme = rw->nvme;

	bounce = urpt_rw_bounce(bdev, rw, &iter);
	if (!bounce) {
		ret = urpt_rq_submit_rw(udev, ioucmd, &iter, rw->offset,
					urpt_rw_opf(rw), start_ns, issue_flags);
		if (ret != -ENOTBLK)
			goto out_free_iov;
	}

	ret = urpt_rw_build(&list, bdev, rw, &iter, bounce,
			    nowait && !bounce && urpt_one_bio(&iter) ?
			    GFP_NOWAIT : GFP_KERNEL);
	/* The bios hold the pages now (or a copy of the segments). */
	kfree(iov);
	if (ret)
		return ret;
	return urpt_submit(udev, ioucmd, &list, start_ns, len, issue_flags);

out_free_iov:
	kfree(iov);
	return ret;
}

/*
 * The bios of a FLUSH (one range of 0 bytes), a DISCARD or WRITE_ZEROES,
 * or an NVMe Dataset Management (up to 256 ranges): one bio per range, or
 * more for a range longer than a bio can say. Only the first bio may wait
 * for memory (see urpt_build_zero_copy()).
 */
static int urpt_ranges_build(struct urpt_bio_list *list,
			     struct block_device *bdev, blk_opf_t opf,
			     const struct urpt_range *ranges, unsigned int nr,
			     gfp_t gfp)
{
	u64 max = round_down(UINT_MAX, bdev_logical_block_size(bdev));
	u64 offset, left;
	struct urpt_bio *ub;
	unsigned int i;

	urpt_bio_list_init(list);
	for (i = 0; i < nr; i++) {
		offset = ranges[i].offset;
		left = ranges[i].len;
		do {
			ub = urpt_bio_alloc(list, bdev, 0, opf,
					    offset >> SECTOR_SHIFT,
					    list->nr ? GFP_NOWAIT : gfp);
			if (!ub) {
				urpt_bios_free(list->head, false);
				return gfp == GFP_KERNEL ? -ENOMEM : -EAGAIN;
			}
			ub->bio.bi_iter.bi_size = min(left, max);
			offset += ub->bio.bi_iter.bi_size;
			left -= ub->bio.bi_iter.bi_size;
		} while (left);
	}
	return 0;
}

int urpt_submit_ranges(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       blk_opf_t opf, const struct urpt_range *ranges,
		       unsigned int nr, u8 nvme, unsigned int issue_flags)
{
	u64 start_ns = ktime_get_ns();
	bool nowait = issue_flags & IO_URING_F_NONBLOCK;
	struct urpt_bio_list list;
	int ret;

	ret = urpt_ranges_build(&list, udev->bdev, opf, ranges, nr,
				nowait ? GFP_NOWAIT : GFP_KERNEL);
	if (ret)
		return ret;
	urpt_pdu(ioucmd)->nvme = nvme;
	/* The length reported by the native commands, which have one range. */
	return urpt_submit(udev, ioucmd, &list, start_ns,
			   min_t(u64, ranges[0].len, U32_MAX), issue_flags);
}

/* FLUSH, DISCARD and WRITE_ZEROES: one bio without data pages. */
int urpt_submit_nodata(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       blk_opf_t opf, u64 offset, u32 len,
		       unsigned int issue_flags)
{
	struct urpt_range range = { .offset = offset, .len = len };

	return urpt_submit_ranges(udev, ioucmd, opf, &range, 1, 0,
				  issue_flags);
}

/*
 * Synchronous commands (the NVMe personality's ioctls): the same bios,
 * submitted here and waited for in the caller's context.
 */
struct urpt_sync {
	struct completion	done;
	atomic_t		pending;
	blk_status_t		status;
};

static void urpt_sync_end_io(struct bio *bio)
{
	struct urpt_sync *sync = bio->bi_private;

	if (unlikely(bio->bi_status))
		WRITE_ONCE(sync->status, bio->bi_status);
	if (atomic_dec_and_test(&sync->pending))
		complete(&sync->done);
}

/* Submit, wait, release: bytes (@len) or -errno, and the block status. */
static ssize_t urpt_submit_wait(struct urpt_bio_list *list, u32 len,
				blk_status_t *status)
{
	struct urpt_bio *first = list->head, *ub;
	bool read = bio_op(&first->bio) == REQ_OP_READ;
	struct urpt_sync sync;
	ssize_t res;

	init_completion(&sync.done);
	sync.status = BLK_STS_OK;
	/* One more than the bios, held while submitting. */
	atomic_set(&sync.pending, list->nr + 1);
	for (ub = first; ub; ub = ub->next) {
		ub->bio.bi_end_io = urpt_sync_end_io;
		ub->bio.bi_private = &sync;
	}
	urpt_submit_bios(first);
	if (!atomic_dec_and_test(&sync.pending))
		wait_for_completion_io(&sync.done);

	*status = sync.status;
	res = sync.status ? blk_status_to_errno(sync.status) : len;
	if (first->bounce)
		res = urpt_bounce_finish(first, res);
	urpt_bios_free(first, read);
	return res;
}

ssize_t urpt_rw_sync(struct urpt_dev *udev, const struct urpt_rw *rw,
		     blk_status_t *status)
{
	struct block_device *bdev = udev->bdev;
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	struct urpt_bio_list list;
	struct iov_iter iter;
	u32 len;
	int ret;

	*status = BLK_STS_OK;
	ret = urpt_rw_import(bdev, NULL, rw, &iov, &iter, 0);
	if (ret)
		return ret;
	len = iov_iter_count(&iter);
	ret = urpt_rw_build(&list, bdev, rw, &iter,
			    urpt_rw_bounce(bdev, rw, &iter), GFP_KERNEL);
	kfree(iov);
	if (ret)
		return ret;
	return urpt_submit_wait(&list, len, status);
}

ssize_t urpt_ranges_sync(struct urpt_dev *udev, blk_opf_t opf,
			 const struct urpt_range *ranges, unsigned int nr,
			 blk_status_t *status)
{
	struct urpt_bio_list list;
	int ret;

	*status = BLK_STS_OK;
	ret = urpt_ranges_build(&list, udev->bdev, opf, ranges, nr,
				GFP_KERNEL);
	if (ret)
		return ret;
	return urpt_submit_wait(&list, 0, status);
}

int urpt_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			  struct io_comp_batch *iob, unsigned int poll_flags)
{
	struct urpt_pdu *pdu = urpt_pdu(ioucmd);
	struct urpt_bio *ub;
	int ret = 0;

	/*
	 * Only a polled bio is looked at. It may end and be freed meanwhile,
	 * completed by another poller of its queue: as in the block layer's
	 * own iocb_bio_iopoll(), bio slabs are SLAB_TYPESAFE_BY_RCU, so under
	 * rcu_read_lock() the memory is still a bio, and bio_poll() reads its
	 * bi_bdev once and does nothing if a put cleared it. Other commands
	 * complete by interrupt, inline or by task work that this loop runs.
	 */
	rcu_read_lock();
	ub = READ_ONCE(pdu->bios);
	if (READ_ONCE(pdu->polled) && ub)
		ret = bio_poll(&ub->bio, iob, poll_flags);
	rcu_read_unlock();
	return ret;
}

int urpt_io_init(void)
{
	int ret;

	urpt_wq = alloc_workqueue("urpt", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!urpt_wq)
		return -ENOMEM;
	ret = bioset_init(&urpt_bio_set, BIO_POOL_SIZE,
			  offsetof(struct urpt_bio, bio),
			  BIOSET_NEED_BVECS | BIOSET_PERCPU_CACHE);
	if (ret)
		destroy_workqueue(urpt_wq);
	return ret;
}

void urpt_io_exit(void)
{
	bioset_exit(&urpt_bio_set);
	destroy_workqueue(urpt_wq);
}
