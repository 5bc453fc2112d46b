/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One place for the kernel API differences between 6.1 and today, so that
 * the driver's own code has no version #ifdefs. The URPT_HAVE_* flags come
 * from probe.sh, which reads the headers urpt is built against.
 */
#ifndef URPT_COMPAT_H
#define URPT_COMPAT_H

#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/uio.h>
#ifdef URPT_HAVE_IO_URING_CMD_H
#include <linux/io_uring/cmd.h>
#else
#include <linux/io_uring.h>
#endif
#ifndef URPT_HAVE_F_COMPAT
#include <linux/io_uring_types.h>
#endif
#include <urpt.h>

/* The command area of the SQE: 6.4 replaced cmd->cmd with cmd->sqe. */
static inline const struct urpt_cmd *urpt_sqe_cmd(struct io_uring_cmd *ioucmd)
{
#if defined(URPT_HAVE_SQE128_CMD)
	return io_uring_sqe128_cmd(ioucmd->sqe, struct urpt_cmd);
#elif defined(URPT_HAVE_SQE_CMD)
	return io_uring_sqe_cmd(ioucmd->sqe);
#else
	return ioucmd->cmd;
#endif
}

/* 6.18 split done() into a plain and a big-CQE variant. */
static inline void urpt_cmd_done(struct io_uring_cmd *ioucmd, ssize_t res,
				 u64 res2, unsigned int issue_flags)
{
#ifdef URPT_HAVE_CMD_DONE32
	io_uring_cmd_done32(ioucmd, res, res2, issue_flags);
#else
	io_uring_cmd_done(ioucmd, res, res2, issue_flags);
#endif
}

/*
 * Task work: 6.19 passes a struct io_tw_req instead of the command and its
 * issue flags. URPT_TASK_WORK(fn) defines fn_tw, the callback to queue, on
 * top of void fn(struct io_uring_cmd *, unsigned int issue_flags).
 */
#ifdef URPT_HAVE_IO_TW_REQ
#define URPT_TASK_WORK(fn)						\
static void fn##_tw(struct io_tw_req tw_req, io_tw_token_t tw)		\
{									\
	fn(io_uring_cmd_from_tw(tw_req),				\
	   IO_URING_CMD_TASK_WORK_ISSUE_FLAGS);				\
}
#else
#define URPT_TASK_WORK(fn)						\
static void fn##_tw(struct io_uring_cmd *ioucmd, unsigned int issue_flags) \
{									\
	fn(ioucmd, issue_flags);					\
}
#endif

static inline int urpt_import_fixed(u64 addr, u32 len, int dir,
				    struct iov_iter *iter,
				    struct io_uring_cmd *ioucmd,
				    unsigned int issue_flags)
{
#ifdef URPT_HAVE_IMPORT_FIXED_ISSUE_FLAGS
	return io_uring_cmd_import_fixed(addr, len, dir, iter, ioucmd,
					 issue_flags);
#else
	return io_uring_cmd_import_fixed(addr, len, dir, iter, ioucmd);
#endif
}

#ifdef URPT_HAVE_EXTRACT_BVECS
/*
 * Pinning stops at a page it cannot pin (unmapped after the command was
 * checked), which need not be at a block boundary: give the bytes past the
 * last whole block back, their pages and the iter, as the kernel's own
 * bio_iov_iter_get_pages() does, so that the bio stays whole blocks and
 * the next one fails to pin (-EFAULT). Every page a bvec spans holds one
 * pin.
 */
static inline int urpt_bio_align_down(struct bio *bio, struct iov_iter *iter,
				      unsigned int lbs)
{
	unsigned int trim = bio->bi_iter.bi_size & (lbs - 1);
	unsigned int cut, keep, end;
	struct bio_vec *bv;

	iov_iter_revert(iter, trim);
	bio->bi_iter.bi_size -= trim;
	while (trim) {
		bv = &bio->bi_io_vec[bio->bi_vcnt - 1];
		cut = min(trim, bv->bv_len);
		end = DIV_ROUND_UP(bv->bv_offset + bv->bv_len, PAGE_SIZE);
		bv->bv_len -= cut;
		keep = bv->bv_len ?
		       DIV_ROUND_UP(bv->bv_offset + bv->bv_len, PAGE_SIZE) :
		       bv->bv_offset / PAGE_SIZE;
		/* A bvec's pages are consecutive pages of one folio. */
		if (bio_flagged(bio, BIO_PAGE_PINNED))
			for (; keep < end; keep++)
				unpin_user_page(bv->bv_page + keep);
		if (!bv->bv_len)
			bio->bi_vcnt--;
		trim -= cut;
	}
	return bio->bi_vcnt ? 0 : -EFAULT;
}

/*
 * 7.x: fill the bio with iov_iter_extract_bvecs(). Each call is bounded so
 * that it cannot run out of bvecs half-way through a block: a buffer of n
 * bytes spans at most n / PAGE_SIZE + 1 pages, so asking for whole pages
 * short of the free bvecs, in whole blocks, always fits. The caller's
 * buffer was checked to be whole blocks at DMA-aligned addresses.
 */
static inline int urpt_bio_get_pages(struct bio *bio, struct iov_iter *iter)
{
	unsigned int lbs = bdev_logical_block_size(bio->bi_bdev);
	size_t room;
	ssize_t n;

	if (iov_iter_extract_will_pin(iter))
		bio_set_flag(bio, BIO_PAGE_PINNED);
	while (iov_iter_count(iter) && bio->bi_vcnt + 1 < bio->bi_max_vecs) {
		room = (size_t)(bio->bi_max_vecs - bio->bi_vcnt - 1) * PAGE_SIZE;
		room = round_down(min_t(size_t, room,
					UINT_MAX - bio->bi_iter.bi_size), lbs);
		if (!room)
			break;
		/*
		 * No alignment mask: it would test each segment's length
		 * before a truncation (the NVMe personality's buffer longer
		 * than its blocks); the caller checked the alignment of what
		 * is transferred.
		 */
		n = iov_iter_extract_bvecs(iter, bio->bi_io_vec, room,
					   &bio->bi_vcnt, bio->bi_max_vecs,
					   0, 0);
		if (n <= 0) {
			if (!bio->bi_vcnt)
				return n ? n : -EFAULT;
			break;
		}
		bio->bi_iter.bi_size += n;
	}
	if (!bio->bi_vcnt)
		return -EFAULT;
	return urpt_bio_align_down(bio, iter, lbs);
}

/* A registered buffer's bvecs are copied into the bio, as many as fit. */
static inline bool urpt_bio_takes_whole_bvec(void)
{
	return false;
}

/* One bvec more than the pages, for the bound above; bvec iters too. */
static inline unsigned short urpt_bio_nr_vecs(struct iov_iter *iter)
{
	return min_t(int, iov_iter_npages(iter, BIO_MAX_VECS) + 1, BIO_MAX_VECS);
}
#else
static inline int urpt_bio_get_pages(struct bio *bio, struct iov_iter *iter)
{
	return bio_iov_iter_get_pages(bio, iter);
}

/* A registered buffer's bvecs are used in place: one bio, any length. */
static inline bool urpt_bio_takes_whole_bvec(void)
{
	return true;
}

/* A bvec iter (registered buffer) is used in place: no bvecs needed. */
static inline unsigned short urpt_bio_nr_vecs(struct iov_iter *iter)
{
	return bio_iov_vecs_to_alloc(iter, BIO_MAX_VECS);
}
#endif

/*
 * Completion in the submitter's task: lazily woken where the kernel has it
 * (the task runs it when it next waits for completions).
 */
#ifdef URPT_HAVE_DO_IN_TASK_LAZY
#define urpt_complete_in_task_lazy	io_uring_cmd_do_in_task_lazy
#else
#define urpt_complete_in_task_lazy	io_uring_cmd_complete_in_task
#endif

/*
 * Is the ring a 32-bit program's (iovecs in the compat layout)? What
 * io_uring recorded when the ring was set up (ctx->compat), which later
 * kernels pass as IO_URING_F_COMPAT. Not in_compat_syscall(): it describes
 * the syscall in progress, and io_uring also issues from task work run on
 * the way back from an interrupt, where orig_ax is -1 and reads as an x32
 * syscall, and from its workers, whose registers were copied from there.
 */
static inline bool urpt_ring_compat(struct io_uring_cmd *ioucmd,
				    unsigned int issue_flags)
{
#if defined(URPT_HAVE_F_COMPAT)
	return issue_flags & IO_URING_F_COMPAT;
#else
	return cmd_to_io_kiocb(ioucmd)->ctx->compat;
#endif
}

/*
 * Before returning -EAGAIN. io_uring of 6.10 to 6.13 copies the SQE into
 * the command's async data on -EAGAIN but, when it issues the command
 * again from its worker, goes on reading the SQ ring's slot, which the
 * application may have reused by then (upstream fixed it with commit
 * e663da62ba86 "io_uring/uring_cmd: switch sqe to async_data on EAGAIN",
 * then with d6211ebbdaa5 "io_uring/uring_cmd: unconditionally copy SQEs
 * at prep time" in 6.14, with struct io_uring_cmd_data). Do what the
 * first fix does. 6.1 to 6.9 copy and repoint themselves
 * (io_uring_cmd_prep_async()).
 */
static inline void urpt_cmd_keep_sqe(struct io_uring_cmd *ioucmd)
{
#if defined(URPT_HAVE_IO_URING_CMD_H) && !defined(URPT_HAVE_CMD_DATA) && \
	!defined(IORING_URING_CMD_REISSUE)
	struct io_kiocb *req = cmd_to_io_kiocb(ioucmd);
	size_t size = sizeof(struct io_uring_sqe) *
		      (req->ctx->flags & IORING_SETUP_SQE128 ? 2 : 1);
	const void *data = req->async_data;

	/* Only an SQE still in the ring; the cache is sqes[2] there. */
	if (!(req->flags & REQ_F_ASYNC_DATA) ||
	    ((const void *)ioucmd->sqe >= data &&
	     (const void *)ioucmd->sqe < data + 2 * sizeof(struct io_uring_sqe)))
		return;
	memcpy(req->async_data, ioucmd->sqe, size);
	ioucmd->sqe = req->async_data;
#endif
}

/* A bio sent again starts with no cost for blk-iocost to account. */
static inline void urpt_bio_clear_iocost(struct bio *bio)
{
#ifdef CONFIG_BLK_CGROUP_IOCOST
	bio->bi_iocost_cost = 0;
#endif
}

/* The sqe->uring_cmd_flags a user may set (7.x adds MULTISHOT). */
#ifndef IORING_URING_CMD_MASK
#define IORING_URING_CMD_MASK	IORING_URING_CMD_FIXED
#endif

/* Is the block device an active swap device? Its inode says. */
static inline bool urpt_bdev_is_swap(struct block_device *bdev)
{
#ifdef URPT_HAVE_BD_MAPPING
	return IS_SWAPFILE(bdev->bd_mapping->host);
#else
	return IS_SWAPFILE(bdev->bd_inode);
#endif
}

static inline const struct iovec *urpt_iter_iov(const struct iov_iter *iter)
{
#ifdef URPT_HAVE_ITER_IOV
	return iter_iov(iter);
#else
	return iter->iov;
#endif
}

/* 6.5 renamed BLK_STS_NEXUS, a reservation conflict. */
#ifdef URPT_HAVE_BLK_STS_RESV_CONFLICT
#define URPT_BLK_STS_RESV_CONFLICT	BLK_STS_RESV_CONFLICT
#else
#define URPT_BLK_STS_RESV_CONFLICT	BLK_STS_NEXUS
#endif

static inline bool urpt_bdev_can_poll(struct block_device *bdev)
{
#ifdef URPT_HAVE_BLK_FEAT_POLL
	return bdev_get_queue(bdev)->limits.features & BLK_FEAT_POLL;
#else
	return test_bit(QUEUE_FLAG_POLL, &bdev_get_queue(bdev)->queue_flags);
#endif
}

static inline bool urpt_bdev_rotational(struct block_device *bdev)
{
#ifdef URPT_HAVE_BDEV_ROT
	return bdev_rot(bdev);
#else
	return !bdev_nonrot(bdev);
#endif
}

/* A zoned disk that also takes random writes (only before 6.10). */
static inline bool urpt_bdev_host_aware(struct block_device *bdev)
{
#ifdef URPT_HAVE_ZONED_MODEL
	return bdev_zoned_model(bdev) == BLK_ZONED_HA;
#else
	return false;
#endif
}

/* A zone operation over whole zones, waited for. */
static inline int urpt_bdev_zone_mgmt(struct block_device *bdev,
				      enum req_op op, sector_t sector,
				      sector_t nr_sectors)
{
#ifdef URPT_HAVE_ZONE_MGMT_GFP
	return blkdev_zone_mgmt(bdev, op, sector, nr_sectors, GFP_KERNEL);
#else
	return blkdev_zone_mgmt(bdev, op, sector, nr_sectors);
#endif
}

/*
 * Opening the backing disk: 6.9 returns a struct file, 6.1 the block
 * device with the mode to give back. Exclusive when @holder is set.
 */
#ifdef URPT_HAVE_BDEV_FILE_OPEN
#define urpt_holder_ops	blk_holder_ops
#else
struct urpt_holder_ops;
#endif

struct urpt_bdev_handle {
	struct block_device	*bdev;
#ifdef URPT_HAVE_BDEV_FILE_OPEN
	struct file		*file;
#else
	fmode_t			mode;
#endif
};

/*
 * @hops: what the exclusive holder hears of the disk (6.5 and later; 6.1
 * has no holder ops, the driver looks at GD_DEAD instead).
 */
static inline int urpt_bdev_open(struct urpt_bdev_handle *h, const char *path,
				 bool write, void *holder,
				 const struct urpt_holder_ops *hops)
{
#ifdef URPT_HAVE_BDEV_FILE_OPEN
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);

	h->file = bdev_file_open_by_path(path, mode, holder,
					 holder ? hops : NULL);
	if (IS_ERR(h->file))
		return PTR_ERR(h->file);
	h->bdev = file_bdev(h->file);
#else
	h->mode = FMODE_READ | (write ? FMODE_WRITE : 0) |
		  (holder ? FMODE_EXCL : 0);
	h->bdev = blkdev_get_by_path(path, h->mode, holder);
	if (IS_ERR(h->bdev))
		return PTR_ERR(h->bdev);
#endif
	return 0;
}

static inline void urpt_bdev_close(struct urpt_bdev_handle *h)
{
#if defined(URPT_HAVE_BDEV_FPUT)
	/* Gives the exclusive claim back now, not at the last fput. */
	bdev_fput(h->file);
#elif defined(URPT_HAVE_BDEV_FILE_OPEN)
	fput(h->file);
#else
	blkdev_put(h->bdev, h->mode);
#endif
	h->bdev = NULL;
}

#endif /* URPT_COMPAT_H */
