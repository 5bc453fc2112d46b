/* SPDX-License-Identifier: GPL-2.0 */
#ifndef URPT_INTERNAL_H
#define URPT_INTERNAL_H

#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/percpu-refcount.h>
#include <linux/completion.h>
#include <linux/bio.h>
#include <linux/workqueue.h>
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
	struct urpt_bdev_handle	handle;
	struct block_device	*bdev;		/* handle.bdev, until released */
	bool			dead;		/* the disk is going away */
	bool			writable;
	u32			index;
	u32			attach_flags;
	char			disk_name[URPT_DISK_NAME_LEN];
	/* commands built without waiting, to submit where waiting is fine */
	spinlock_t		submit_lock;
	struct bio_list		submit_list;
	struct work_struct	submit_work;
};

/* dev.c */
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

/* ctl.c */
int urpt_ctl_init(void);
void urpt_ctl_exit(void);

/* cmd.c */
int urpt_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
int urpt_check_range(struct block_device *bdev, u64 offset, u32 len,
		     u32 max_len);

/* A READ or WRITE for the data path, from either personality. */
struct urpt_rw {
	u64	offset;		/* bytes on the disk */
	u64	addr;		/* buffer, iovec array or registered buffer */
	u32	len;		/* bytes of the buffer; iovecs when vectored */
	u32	xfer;		/* bytes to transfer, 0: the whole buffer */
	bool	write;
	bool	vectored;
	bool	fua;
	bool	bounce;
	u8	nvme;		/* URPT_NVME_* (nvme.h): completes the NVMe way */
};

/* A byte range of a data-less command (FLUSH: one range 0, 0). */
struct urpt_range {
	u64	offset;
	u64	len;
};

/* io.c */
int urpt_io_init(void);
void urpt_io_exit(void);
int urpt_import(struct io_uring_cmd *ioucmd, u64 addr, u32 len,
		bool vectored, int dir, struct iovec **iov,
		struct iov_iter *iter, unsigned int issue_flags);
int urpt_submit_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		   const struct urpt_rw *rw, unsigned int issue_flags);
int urpt_submit_nodata(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       blk_opf_t opf, u64 offset, u32 len,
		       unsigned int issue_flags);
int urpt_submit_ranges(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		       blk_opf_t opf, const struct urpt_range *ranges,
		       unsigned int nr, u8 nvme, unsigned int issue_flags);
ssize_t urpt_rw_sync(struct urpt_dev *udev, const struct urpt_rw *rw,
		     blk_status_t *status);
ssize_t urpt_ranges_sync(struct urpt_dev *udev, blk_opf_t opf,
			 const struct urpt_range *ranges, unsigned int nr,
			 blk_status_t *status);
void urpt_submit_init(struct urpt_dev *udev);
void urpt_rq_started(struct io_uring_cmd *ioucmd, struct bio *bio,
		     u64 start_ns, u32 len);
void urpt_rq_ended(struct io_uring_cmd *ioucmd, blk_status_t status);

/* rq.c */
int urpt_rq_submit_rw(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		      struct iov_iter *iter, u64 offset, blk_opf_t opf,
		      u64 start_ns, unsigned int issue_flags);
int urpt_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			  struct io_comp_batch *iob, unsigned int poll_flags);

/* nvme.c, nvme_io.c: the NVMe personality (nvme.h) */
bool urpt_nvme_cmd_op(u32 cmd_op);
int urpt_nvme_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
long urpt_nvme_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int urpt_nvme_res(u8 how, blk_status_t status, ssize_t res);

#endif /* URPT_INTERNAL_H */
