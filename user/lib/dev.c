// SPDX-License-Identifier: MIT
/*
 * Synchronous use of a /dev/urptN node: one command in flight on a ring of
 * the node's own, submitted and reaped before the call returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <liburpt.h>
#include "urpt_internal.h"

/* One command at a time needs very few entries. */
#define URPT_DEV_RING_ENTRIES	4

int urpt_dev_open(struct urpt_dev *dev, const char *path, int open_flags)
{
	int ret;

	dev->fd = open(path, open_flags);
	if (dev->fd < 0)
		return -errno;
	ret = urpt_dev_check(dev->fd);
	if (!ret)
		ret = urpt_queue_init(URPT_DEV_RING_ENTRIES, &dev->ring, 0);
	if (ret < 0) {
		close(dev->fd);
		dev->fd = -1;
		return ret;
	}
	return 0;
}

void urpt_dev_close(struct urpt_dev *dev)
{
	if (dev->fd < 0)
		return;
	io_uring_queue_exit(&dev->ring);
	close(dev->fd);
	dev->fd = -1;
}

static void urpt_result_set(struct urpt_result *r, int res)
{
	if (!r)
		return;
	r->res = res;
	r->blk_status = 0;
	r->bios = 0;
	r->driver_ns = 0;
}

static struct io_uring_sqe *urpt_dev_get_sqe(struct urpt_dev *dev)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&dev->ring);

	/* io_uring_prep_rw() leaves user_data as the last user of the slot. */
	if (sqe)
		io_uring_sqe_set_data64(sqe, 0);
	return sqe;
}

/* The ring is full only if a caller shares it: refuse rather than wait. */
static int urpt_dev_no_sqe(struct urpt_result *r)
{
	urpt_result_set(r, -EBUSY);
	return -EBUSY;
}

/* urpt.ko completes a command whole or fails it: short is not urpt.ko. */
int urpt__res_want(int32_t res, uint64_t want)
{
	if (res < 0 || (uint64_t)res >= want)
		return res;
	return -EPROTO;
}

/*
 * Submit the prepared SQE, wait for its completion and decode it; the
 * CQE's first extra word as it is in *res2 when asked for.
 */
static int urpt_dev_run_raw(struct urpt_dev *dev, struct urpt_result *r,
			    uint64_t *res2)
{
	struct io_uring_cqe *cqe;
	struct urpt_result res;
	int ret;

	do {
		ret = io_uring_submit(&dev->ring);
	} while (ret == -EINTR);
	if (ret < 0)
		goto fail;
	if (ret == 0) {
		ret = -EIO;	/* the kernel took no SQE: should not happen */
		goto fail;
	}
	do {
		ret = io_uring_wait_cqe(&dev->ring, &cqe);
	} while (ret == -EINTR);
	if (ret < 0)
		goto fail;
	urpt_cqe_decode(cqe, &res);
	if (res2)
		*res2 = urpt_cqe_res2(cqe);
	io_uring_cqe_seen(&dev->ring, cqe);
	if (r)
		*r = res;
	return res.res;
fail:
	urpt_result_set(r, ret);
	return ret;
}

static int urpt_dev_run(struct urpt_dev *dev, struct urpt_result *r)
{
	return urpt_dev_run_raw(dev, r, NULL);
}

/*
 * READV/WRITEV move the total of the array: summed only after a success,
 * so that an array the module refuses (-EFAULT) is never read here.
 */
static int urpt_dev_run_vec(struct urpt_dev *dev, const struct iovec *iov,
			    unsigned int nr, struct urpt_result *r)
{
	int ret = urpt_dev_run(dev, r);
	uint64_t total = 0;
	unsigned int i;

	if (ret < 0)
		return ret;
	for (i = 0; i < nr; i++)
		total += iov[i].iov_len;
	return urpt__res_want(ret, total);
}

int urpt_info(struct urpt_dev *dev, struct urpt_info *info,
	      struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	/* A module that writes less leaves the rest reading as zero. */
	memset(info, 0, sizeof(*info));
	urpt_prep_info(sqe, dev->fd, info);
	return urpt__res_want(urpt_dev_run(dev, r), URPT_INFO_SIZE_V1);
}

int urpt_read_flags(struct urpt_dev *dev, void *buf, uint32_t len,
		    uint64_t offset, uint32_t flags, struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_read(sqe, dev->fd, buf, len, offset);
	urpt_prep_set_flags(sqe, flags);
	return urpt__res_want(urpt_dev_run(dev, r), len);
}

int urpt_write_flags(struct urpt_dev *dev, const void *buf, uint32_t len,
		     uint64_t offset, uint32_t flags, struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_write(sqe, dev->fd, buf, len, offset);
	urpt_prep_set_flags(sqe, flags);
	return urpt__res_want(urpt_dev_run(dev, r), len);
}

int urpt_read(struct urpt_dev *dev, void *buf, uint32_t len, uint64_t offset,
	      struct urpt_result *r)
{
	return urpt_read_flags(dev, buf, len, offset, 0, r);
}

int urpt_write(struct urpt_dev *dev, const void *buf, uint32_t len,
	       uint64_t offset, struct urpt_result *r)
{
	return urpt_write_flags(dev, buf, len, offset, 0, r);
}

int urpt_readv(struct urpt_dev *dev, const struct iovec *iov, unsigned int nr,
	       uint64_t offset, uint32_t flags, struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_readv(sqe, dev->fd, iov, nr, offset);
	urpt_prep_set_flags(sqe, flags);
	return urpt_dev_run_vec(dev, iov, nr, r);
}

int urpt_writev(struct urpt_dev *dev, const struct iovec *iov,
		unsigned int nr, uint64_t offset, uint32_t flags,
		struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_writev(sqe, dev->fd, iov, nr, offset);
	urpt_prep_set_flags(sqe, flags);
	return urpt_dev_run_vec(dev, iov, nr, r);
}

int urpt_discard(struct urpt_dev *dev, uint32_t len, uint64_t offset,
		 struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_discard(sqe, dev->fd, len, offset);
	return urpt_dev_run(dev, r);
}

int urpt_write_zeroes(struct urpt_dev *dev, uint32_t len, uint64_t offset,
		      uint32_t flags, struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_write_zeroes(sqe, dev->fd, len, offset);
	urpt_prep_set_flags(sqe, flags);
	return urpt_dev_run(dev, r);
}

int urpt_flush(struct urpt_dev *dev, struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_flush(sqe, dev->fd);
	return urpt_dev_run(dev, r);
}

int urpt_report_zones(struct urpt_dev *dev, struct urpt_zone *zones,
		      unsigned int nr, uint64_t offset, struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_report_zones(sqe, dev->fd, zones, nr, offset);
	return urpt_dev_run(dev, r);
}

int urpt_zone_mgmt(struct urpt_dev *dev, uint32_t action, uint64_t zone_offset,
		   struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_zone_mgmt(sqe, dev->fd, action, zone_offset);
	return urpt_dev_run(dev, r);
}

int urpt_zone_append(struct urpt_dev *dev, const void *buf, uint32_t len,
		     uint64_t zone_offset, uint32_t flags, uint64_t *landed,
		     struct urpt_result *r)
{
	struct io_uring_sqe *sqe = urpt_dev_get_sqe(dev);
	struct urpt_result res;
	uint64_t res2 = 0;
	int ret;

	if (!sqe)
		return urpt_dev_no_sqe(r);
	urpt_prep_zone_append(sqe, dev->fd, buf, len, zone_offset);
	urpt_prep_set_flags(sqe, flags);
	ret = urpt_dev_run_raw(dev, &res, &res2);
	if (ret >= 0) {
		/* The word is the offset, not the URPT_RES2_* fields. */
		res.blk_status = 0;
		res.bios = 0;
		res.driver_ns = 0;
		if (landed)
			*landed = res2;
	}
	if (r)
		*r = res;
	return urpt__res_want(ret, len);
}
