/* SPDX-License-Identifier: GPL-2.0 */
/*
 * urpt.ko's private header: every struct and cross-file prototype, by
 * floor. Calls run downward only: main, ctl, dev, then the personalities
 * (cmd.c with its zone commands in zone.c, nvme*.c), the command
 * lifecycle (req.c), bio building (bio.c, bounce.c, append.c), buffer import
 * (import.c) and compat.h.
 */
#ifndef URPT_INTERNAL_H
#define URPT_INTERNAL_H

#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/percpu-refcount.h>
#include <linux/completion.h>
#include <linux/bio.h>
#include <linux/workqueue.h>
#include <linux/nvme_ioctl.h>
#include <urpt.h>
#include "compat.h"

#define URPT_MAX_DEVS		256

/*
 * One attached backing disk. The struct device's refcount decides when it
 * is freed (the last close of /dev/urptN); @ref counts the commands that
 * use @bdev, and DETACH kills it; once they are off the disk,
 * @release_work releases the disk and completes @released.
 */
struct urpt_dev {
	struct device		dev;
	struct cdev		cdev;
	struct percpu_ref	ref;
	struct work_struct	release_work;
	struct completion	released;
	/* Sends late BLK_STS_AGAIN bios again, until the disk is released */
	struct workqueue_struct	*resend_wq;
	struct urpt_bdev_handle	handle;
	struct block_device	*bdev;		/* handle.bdev, until released */
	bool			dead;		/* the disk is going away */
	bool			writable;
	u32			index;
	u32			attach_flags;
	char			disk_name[URPT_DISK_NAME_LEN];
};

/* main.c, ctl.c, dev.c --------------------------------------------------- */

int urpt_ctl_init(void);
void urpt_ctl_exit(void);

int urpt_dev_class_init(void);
void urpt_dev_class_exit(void);
int urpt_attach(const char *path, u32 flags, u32 *index);
int urpt_detach(u32 index);
void urpt_detach_all(void);
int urpt_list(struct urpt_ctl_entry __user *entries, u32 room, u32 *count);

/*
 * Is the disk going away? Its holder ops say so where the kernel has them
 * (dev.c); GD_DEAD, set by del_gendisk() and blk_mark_disk_dead() on every
 * kernel, says so everywhere.
 */
static inline bool urpt_disk_dead(struct block_device *bdev)
{
	return test_bit(GD_DEAD, &bdev->bd_disk->state);
}

/* A command may use the disk: false after DETACH or once it is going away. */
static inline bool urpt_dev_get(struct urpt_dev *udev)
{
	if (!percpu_ref_tryget_live(&udev->ref))
		return false;
	if (unlikely(READ_ONCE(udev->dead) || urpt_disk_dead(udev->bdev))) {
		percpu_ref_put(&udev->ref);
		return false;
	}
	return true;
}

static inline void urpt_dev_put(struct urpt_dev *udev)
{
	percpu_ref_put(&udev->ref);
}

/*
 * May a command write to the disk now? What blkdev_write_iter() checks at
 * every write: -EPERM once the disk is read-only (blockdev --setro, or the
 * disk turned read-only), -ETXTBSY while it is an active swap device.
 */
static inline int urpt_dev_may_write(struct urpt_dev *udev)
{
	if (bdev_read_only(udev->bdev))
		return -EPERM;
	if (urpt_bdev_is_swap(udev->bdev))
		return -ETXTBSY;
	return 0;
}

/* The personalities: cmd.c, zone.c (native), nvme*.c ---------------------- */

int urpt_cmd_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
void urpt_cmd_init(void);
int urpt_zone_cmd(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		  const struct urpt_cmd *cmd, unsigned int issue_flags);
void urpt_zone_info(struct block_device *bdev, struct urpt_info *info);

/* The NVMe personality's uring commands (their own cmd_op numbers). */
static inline bool urpt_nvme_cmd_op(u32 cmd_op)
{
	switch (cmd_op) {
	case NVME_URING_CMD_IO:
	case NVME_URING_CMD_IO_VEC:
	case NVME_URING_CMD_ADMIN:
	case NVME_URING_CMD_ADMIN_VEC:
		return true;
	}
	return false;
}

int urpt_nvme_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
long urpt_nvme_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void urpt_nvme_init(void);

/* The command lifecycle: req.c ------------------------------------------ */

/* What a command came to, for its personality to post. */
struct urpt_result {
	ssize_t		res;	/* bytes or -errno */
	blk_status_t	status;	/* of the first failed bio, in disk order */
	bool		write;	/* the command wrote (or flushed, discarded) */
	u8		nr_bios;	/* submitted, saturating at 255 */
	u64		ns;	/* from the first bio built to the completion */
	u64		landed;	/* a zone append's byte offset on the disk */
	u8		lba_shift;	/* of the disk @landed is on */
	u8		zone;	/* URPT_RESULT_ZONE_*, or 0: not a zone command */
};

/* A command that a zoned disk may fail for its zone's state. */
#define URPT_RESULT_ZONE_WRITE	1	/* a write at the write pointer */
#define URPT_RESULT_ZONE_APPEND	2
#define URPT_RESULT_ZONE_MGMT	3	/* a zone's reset, open, close, finish */

/* Who posts a command's completion, and how (its CQE encoding). */
enum urpt_personality {
	URPT_NATIVE,
	URPT_NVME,
	URPT_NR_PERSONALITIES,
};

typedef void (*urpt_complete_fn)(struct io_uring_cmd *ioucmd,
				 const struct urpt_result *r,
				 unsigned int issue_flags);

struct urpt_build;

void urpt_req_register(enum urpt_personality who, urpt_complete_fn complete);
int urpt_req_submit(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		    struct urpt_build *b, enum urpt_personality who,
		    unsigned int issue_flags);
void urpt_req_wait(struct urpt_dev *udev, struct urpt_build *b,
		   struct urpt_result *r);
int urpt_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			  struct io_comp_batch *iob, unsigned int poll_flags);

/*
 * What .uring_cmd returns: -EIOCBQUEUED, -EAGAIN or -errno, never a
 * result >= 0. A result known at once (INFO's length, an NVMe status,
 * Identify's 0) is posted here with io_uring_cmd_done(), as ublk does, and
 * the command reported queued. io_uring of 6.1 hands a driver's return
 * value on as it is: it never completes a positive one returned in its
 * io-wq worker (IOSQE_ASYNC, or the retry after -EAGAIN), so the task
 * hangs in exit; it fails a positive one returned inline, cancelling its
 * links; and on an IOPOLL ring it completes a 0 and then also queues the
 * request for polling, a use after free (urpt_fuzz_test found all three).
 */
static inline int urpt_req_answer(struct io_uring_cmd *ioucmd, int ret,
				  unsigned int issue_flags)
{
	if (ret < 0)
		return ret;
	urpt_cmd_done(ioucmd, ret, 0, issue_flags);
	return -EIOCBQUEUED;
}

/* Bio building: bio.c, bounce.c, append.c -------------------------------- */

/* A zoned disk's zone size in bytes (a power of two). */
static inline u64 urpt_zone_bytes(struct block_device *bdev)
{
	return (u64)bdev_zone_sectors(bdev) << SECTOR_SHIFT;
}

struct urpt_bounce;

/* Every bio urpt submits comes from its bioset with this front pad. */
struct urpt_bio {
	struct urpt_bio		*next;		/* next data bio of the command */
	struct urpt_bounce	*bounce;	/* on every bio of a bounced command */
	u32			index;		/* in disk order, from 0 */
	bool			held;		/* on @next's list until the end */
	u8			lba_shift;	/* a zone append's disk's */
	union {
		/* A REQ_NOWAIT bio as submitted, for urpt_bio_resend() */
		struct {
			unsigned short		sent_flags;
			blk_opf_t		sent_opf;
			struct bvec_iter	sent_iter;
		};
		/* Then the worker that sends it again */
		struct work_struct	resend;
	};
	struct bio		bio;
};

/* A byte range of a data-less command (FLUSH: one range 0, 0). */
struct urpt_range {
	u64	offset;
	u64	len;
};

/*
 * The bios of one command, built one at a time: from a buffer (@iter,
 * pinned or bounced) or from byte ranges without data.
 */
struct urpt_build {
	struct block_device	*bdev;
	blk_opf_t		opf;
	sector_t		sector;		/* of the next bio */
	u32			len;		/* bytes to report on success */
	struct iov_iter		*iter;		/* data commands */
	bool			bounced;	/* through kernel pages */
	bool			one_bio;	/* the whole command fits one */
	bool			started;	/* the first bio was asked for */
	struct urpt_bounce	*bounce;	/* their state, from the first bio */
	const struct urpt_range	*range;		/* data-less: the current one */
	const struct urpt_range	*range_end;
	u64			range_pos;	/* bytes of @range in bios */
	bool			zero_pages;	/* data-less: writes of zeroes */
};

int urpt_bio_init(void);
void urpt_bio_exit(void);

/* Does a data command fit one bio? Decided once, before the first. */
static inline bool urpt_rw_one_bio(const struct urpt_build *b)
{
	size_t left = iov_iter_count(b->iter);

	if (b->bounced)
		return DIV_ROUND_UP(left, PAGE_SIZE) <= BIO_MAX_VECS;
	if (iov_iter_is_bvec(b->iter) && urpt_bio_takes_whole_bvec())
		return true;
	return iov_iter_npages(b->iter, BIO_MAX_VECS + 1) < BIO_MAX_VECS;
}

/*
 * A READ or WRITE of @iter at @offset: zero copy unless @bounce. The
 * bounce state, shared by all the bios, is allocated with the first one;
 * urpt_build_abort() frees it if no bio took it.
 */
static inline void urpt_build_rw(struct urpt_build *b,
				 struct block_device *bdev, blk_opf_t opf,
				 u64 offset, struct iov_iter *iter, bool bounce)
{
	*b = (struct urpt_build) {
		.bdev		= bdev,
		.opf		= opf,
		.sector		= offset >> SECTOR_SHIFT,
		.len		= iov_iter_count(iter),
		.iter		= iter,
		.bounced	= bounce,
	};
	b->one_bio = urpt_rw_one_bio(b);
}

void urpt_build_ranges(struct urpt_build *b, struct block_device *bdev,
		       blk_opf_t opf, const struct urpt_range *ranges,
		       unsigned int nr, u32 len);

/* Every bio of the command was built. */
static inline bool urpt_build_done(const struct urpt_build *b)
{
	if (b->iter)
		return !iov_iter_count(b->iter);
	return b->range == b->range_end;
}

/* Will the command be one bio? Known before the first is built. */
static inline bool urpt_build_one_bio(const struct urpt_build *b)
{
	return b->one_bio;
}

void urpt_build_zero_pages(struct urpt_build *b);
u32 urpt_append_max(struct block_device *bdev);
int urpt_build_append(struct urpt_build *b, struct block_device *bdev,
		      blk_opf_t opf, u64 offset, struct iov_iter *iter,
		      bool bounce);
int urpt_build_next(struct urpt_build *b, struct urpt_bio **ubp, gfp_t gfp);
void urpt_build_abort(struct urpt_build *b);
void urpt_bio_free(struct urpt_bio *ub);
void urpt_bios_free(struct urpt_bio *first, bool dirty);
void urpt_bio_resend(struct urpt_bio *ub, struct block_device *bdev,
		     struct workqueue_struct *wq);

/* Before a REQ_NOWAIT bio is submitted: what urpt_bio_resend() restores. */
static inline void urpt_bio_save(struct urpt_bio *ub)
{
	ub->sent_flags = ub->bio.bi_flags;
	ub->sent_opf = ub->bio.bi_opf;
	ub->sent_iter = ub->bio.bi_iter;
}

int urpt_bounce_alloc(struct urpt_bounce **bouncep, struct iov_iter *iter,
		      bool read);
int urpt_bounce_fill(struct bio *bio, struct iov_iter *iter, bool read);
void urpt_bounce_free_pages(struct bio *bio);
ssize_t urpt_bounce_finish(struct urpt_bio *first, ssize_t res);
void urpt_bounce_free(struct urpt_bounce *bounce, struct urpt_bio *first);

/* Buffer import: import.c ----------------------------------------------- */

/* A READ or WRITE of either personality, before its buffer is imported. */
struct urpt_rw {
	u64	offset;		/* bytes on the disk */
	u64	addr;		/* buffer, iovec array or registered buffer */
	u32	len;		/* bytes of the buffer; iovecs when vectored */
	u32	xfer;		/* bytes to transfer, 0: the whole buffer */
	bool	write;
	bool	vectored;
	bool	bounce;		/* asked for; import sets it for misaligned buffers */
};

int urpt_check_range(struct block_device *bdev, u64 offset, u32 len,
		     u32 max_len);
int urpt_import(struct io_uring_cmd *ioucmd, u64 addr, u32 len,
		bool vectored, int dir, struct iovec **iov,
		struct iov_iter *iter, unsigned int issue_flags);
int urpt_import_rw(struct block_device *bdev, struct io_uring_cmd *ioucmd,
		   struct urpt_rw *rw, struct iovec **iov,
		   struct iov_iter *iter, unsigned int issue_flags);

#endif /* URPT_INTERNAL_H */
