// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer import, for both personalities: the caller's buffer (a user
 * range, an iovec array or a registered buffer) as an iov_iter, with the
 * rules of the uapi: its range on the disk, and whether the disk can DMA
 * to it in place or it must be bounced.
 */
#include <linux/compat.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include "urpt.h"

/* A byte range of a command against the disk's geometry. */
int urpt_check_range(struct block_device *bdev, u64 offset, u32 len,
		     u32 max_len)
{
	u64 capacity = bdev_nr_bytes(bdev);
	u32 lbs_mask = bdev_logical_block_size(bdev) - 1;

	if (!len || len > max_len)
		return -EINVAL;
	if ((offset | len) & lbs_mask)
		return -EINVAL;
	/* A disk being removed drops to 0 before it is marked dead. */
	if (!capacity)
		return -ENODEV;
	if (offset > capacity || len > capacity - offset)
		return -ENOSPC;
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

/* A 32-bit caller's struct compat_iovec array, as native iovecs. */
static int urpt_copy_compat_iovec(struct iovec *vec, void __user *uvec, u32 nr)
{
#ifdef CONFIG_COMPAT
	const struct compat_iovec __user *cvec = uvec;
	struct compat_iovec c;
	u32 i;

	for (i = 0; i < nr; i++) {
		if (copy_from_user(&c, &cvec[i], sizeof(c)))
			return -EFAULT;
		if ((compat_ssize_t)c.iov_len < 0)
			return -EINVAL;
		vec[i].iov_base = compat_ptr(c.iov_base);
		vec[i].iov_len = c.iov_len;
	}
	return 0;
#else
	return -EINVAL;
#endif
}

/*
 * The iovec array of READV/WRITEV, in the layout of the caller's ABI: a
 * 32-bit program's struct compat_iovec where the ring was set up by one
 * (urpt_ring_compat()) or an ioctl comes from a 32-bit caller, else the
 * native struct iovec. import_iovec() would ask in_compat_syscall(),
 * which describes a syscall in progress: io_uring also issues commands
 * from task work and from its workers. Uses @*iov
 * (UIO_FASTIOV entries) when it is enough, else allocates; on success the
 * caller kfree()s @*iov unless it is still the array it passed in.
 */
static int urpt_import_iovec(int dir, void __user *uvec, u32 nr, bool compat,
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
	if (compat)
		ret = urpt_copy_compat_iovec(vec, uvec, nr);
	else if (copy_from_user(vec, uvec, nr * sizeof(*vec)))
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

/* urpt_import(), inlined into urpt_import_rw(): every command's hot path. */
static __always_inline int urpt_import_buf(struct io_uring_cmd *ioucmd,
					   u64 addr, u32 len, bool vectored,
					   int dir, struct iovec **iov,
					   struct iov_iter *iter,
					   unsigned int issue_flags)
{
	void __user *buf = u64_to_user_ptr(addr);
	bool compat;
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
		compat = ioucmd ? urpt_ring_compat(ioucmd, issue_flags) :
				  in_compat_syscall();
		return urpt_import_iovec(dir, buf, len, compat, iov, iter);
	}
	*iov = NULL;
	/* access_ok also refuses kernel addresses. */
	if (!access_ok(buf, len))
		return -EFAULT;
	iov_iter_ubuf(iter, dir, buf, len);
	return 0;
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
	return urpt_import_buf(ioucmd, addr, len, vectored, dir, iov, iter,
			       issue_flags);
}

/*
 * @rw's buffer as an iterator, and its range checked: -ENOBUFS when the
 * buffer is shorter than @rw->xfer (the NVMe personality's data length
 * rule). @rw->bounce is set when the disk cannot DMA to it in place
 * (pinned pages go straight to the disk: they must suit its DMA). On
 * error nothing is left to free.
 */
int urpt_import_rw(struct block_device *bdev, struct io_uring_cmd *ioucmd,
		   struct urpt_rw *rw, struct iovec **iov,
		   struct iov_iter *iter, unsigned int issue_flags)
{
	int ret;

	ret = urpt_import_buf(ioucmd, rw->addr, rw->len, rw->vectored,
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
		return ret;
	}
	if (!rw->bounce)
		rw->bounce = !urpt_iter_aligned(iter, bdev_dma_alignment(bdev),
						bdev_logical_block_size(bdev) - 1);
	return 0;
}
