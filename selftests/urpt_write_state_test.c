// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: writes obey the disk's state at the time of the write,
 * as blkdev_write_iter() does, not only the flags it was attached with:
 *  - after BLKROSET (blockdev --setro), WRITE, WRITEV, DISCARD and
 *    WRITE_ZEROES fail with -EPERM, the NVMe Write, Write Zeroes and
 *    Dataset Management with Namespace Is Write Protected, both on the
 *    uring path and through the ioctls; READ and FLUSH still work, INFO
 *    and NVMe Identify say read-only; after BLKROSET 0 writes work again;
 *  - while the disk is an active swap device (urpt attached it shared),
 *    writes fail with -ETXTBSY (the NVMe personality: write protected).
 *
 *   URPT_BDEV   the disk under test (its first MiB is overwritten)
 */
#include <linux/fs.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/swap.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define BUF		(64u << 10)
#define NVME_OP_WRITE	0x01
#define NVME_OP_WZ	0x08
#define NVME_OP_DSM	0x09
#define NVME_OP_IDENTIFY 0x06	/* admin */
#define NVME_CNS_NS	0x00	/* Identify Namespace: nsattr at byte 99 */
#define NVME_CNS_INDEP	0x08	/* I/O command set independent: at 8 */
#define NVME_WP		(0x20 | 0x4000)	/* Namespace Is Write Protected, DNR */
#define NVME_INV_OPCODE	(0x01 | 0x4000)	/* Invalid Command Opcode, DNR */

FIXTURE(state) {
	bool skip;
	struct ut_disk d;
	char *buf;
	int ro_fd;		/* the disk, for BLKROSET */
	uint64_t rng;
};

FIXTURE_SETUP(state)
{
	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	self->buf = ut_alloc(BUF);
	ut_fixture_need_bufs(_metadata, &self->d, self->buf, self->buf);
	self->ro_fd = open(self->d.bdev, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ro_fd) {
		ut_disk_release(&self->d);
		TH_LOG("open %s: %s", self->d.bdev, strerror(errno));
	}
}

FIXTURE_TEARDOWN(state)
{
	int rw = 0;

	if (self->skip)
		return;
	ioctl(self->ro_fd, BLKROSET, &rw);
	close(self->ro_fd);
	ut_fixture_release(_metadata, &self->d);
	free(self->buf);
}

static int set_ro(int fd, int ro)
{
	return ioctl(fd, BLKROSET, &ro) ? -errno : 0;
}

/* One native command on the node; the completion in c. */
static void native(struct ut_disk *d, uint32_t op, void *buf, uint32_t len,
		   struct ut_cqe *c)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	bool vec = op == URPT_CMD_WRITEV || op == URPT_CMD_READV;

	memset(c, 0, sizeof(*c));
	if (!ut_prep(&d->dev.ring, d->dev.fd, op, vec ? (void *)&iov : buf,
		     vec ? 1 : len, 0) ||
	    ut_submit_one(&d->dev.ring, c))
		c->res = INT32_MIN;
}

/* An NVMe command as a uring command; its res. */
static int nvme_uring(struct ut_disk *d, uint8_t opcode, void *buf,
		      uint32_t len, uint32_t cdw10, uint32_t cdw11,
		      uint32_t cdw12)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&d->dev.ring);
	struct ut_cqe c;

	if (!sqe)
		return INT32_MIN;
	ut_prep_nvme(sqe, d->dev.fd, opcode, buf, len, cdw10, cdw11, cdw12);
	if (ut_submit_one(&d->dev.ring, &c))
		return INT32_MIN;
	return c.res;
}

/* The same through NVME_IOCTL_IO_CMD: its return value or -errno. */
static int nvme_ioctl(struct ut_disk *d, uint8_t opcode, void *buf,
		      uint32_t len, uint32_t cdw10, uint32_t cdw11,
		      uint32_t cdw12)
{
	struct nvme_passthru_cmd c = {
		.opcode = opcode, .nsid = 1,
		.addr = (uint64_t)(uintptr_t)buf, .data_len = len,
		.cdw10 = cdw10, .cdw11 = cdw11, .cdw12 = cdw12,
	};
	int ret = ioctl(d->dev.fd, NVME_IOCTL_IO_CMD, &c);

	return ret < 0 ? -errno : ret;
}

/* Identify's Namespace Attributes byte (bit 0: write protected), or -errno. */
static int nvme_nsattr(struct ut_disk *d, uint8_t cns)
{
	uint8_t id[4096];
	struct nvme_passthru_cmd c = {
		.opcode = NVME_OP_IDENTIFY, .nsid = 1,
		.addr = (uint64_t)(uintptr_t)id, .data_len = sizeof(id),
		.cdw10 = cns,
	};
	int ret;

	memset(id, 0xa5, sizeof(id));
	ret = ioctl(d->dev.fd, NVME_IOCTL_ADMIN_CMD, &c);
	if (ret)
		return ret < 0 ? -errno : -EIO;
	return id[cns == NVME_CNS_NS ? 99 : 8];
}

/*
 * Every kind of write, natively and as NVMe, must fail the way a disk in
 * this state fails it: -err natively, status nvme_sc for NVMe.
 */
static void expect_writes_refused(struct __test_metadata *_metadata,
				  FIXTURE_DATA(state) *self, int err,
				  const char *why)
{
	uint32_t lbs = self->d.info.logical_block_size;
	uint32_t nlb = BUF / lbs;
	struct ut_cqe c;
	/* One Dataset Management range: context attributes, nlb, slba. */
	uint32_t dsm[4] = { 0, nlb, 0, 0 };
	/* A controller without the command says so first (ONCS). */
	int wz = self->d.info.max_write_zeroes ? NVME_WP : NVME_INV_OPCODE;
	int dsm_sc = self->d.info.max_discard ? NVME_WP : NVME_INV_OPCODE;

	native(&self->d, URPT_CMD_WRITE, self->buf, BUF, &c);
	UT_EXPECT_REFUSED(&c, err, why);
	native(&self->d, URPT_CMD_WRITEV, self->buf, BUF, &c);
	UT_EXPECT_REFUSED(&c, err, why);
	native(&self->d, URPT_CMD_DISCARD, NULL, BUF, &c);
	UT_EXPECT_REFUSED(&c, err, why);
	native(&self->d, URPT_CMD_WRITE_ZEROES, NULL, BUF, &c);
	UT_EXPECT_REFUSED(&c, err, why);

	EXPECT_EQ(NVME_WP, nvme_uring(&self->d, NVME_OP_WRITE, self->buf, BUF,
				      0, 0, nlb - 1)) TH_LOG("%s: NVMe Write", why);
	EXPECT_EQ(wz, nvme_uring(&self->d, NVME_OP_WZ, NULL, 0, 0, 0,
				 nlb - 1)) TH_LOG("%s: NVMe Write Zeroes", why);
	EXPECT_EQ(dsm_sc, nvme_uring(&self->d, NVME_OP_DSM, dsm, sizeof(dsm),
				     0, 1u << 2, 0)) TH_LOG("%s: NVMe DSM", why);
	EXPECT_EQ(NVME_WP, nvme_ioctl(&self->d, NVME_OP_WRITE, self->buf, BUF,
				      0, 0, nlb - 1)) TH_LOG("%s: NVMe Write ioctl", why);
	EXPECT_EQ(wz, nvme_ioctl(&self->d, NVME_OP_WZ, NULL, 0, 0, 0,
				 nlb - 1)) TH_LOG("%s: NVMe Write Zeroes ioctl", why);
}

TEST_F(state, read_only_after_attach)
{
	struct urpt_info info;
	struct ut_cqe c;
	int ret;

	NEED_SETUP();
	ut_fill(self->buf, BUF, ut_rand(&self->rng));
	ret = set_ro(self->ro_fd, 1);
	ASSERT_EQ(0, ret) TH_LOG("BLKROSET 1: %s", strerror(-ret));

	expect_writes_refused(_metadata, self, EPERM, "after BLKROSET 1");
	ASSERT_LE(0, urpt_info(&self->d.dev, &info, NULL));
	EXPECT_NE(0, !!(info.features & URPT_FEAT_READ_ONLY))
		TH_LOG("INFO does not say read-only: features %#llx",
		       (unsigned long long)info.features);
	EXPECT_EQ(1, nvme_nsattr(&self->d, NVME_CNS_NS) & 1)
		TH_LOG("Identify Namespace does not say write protected");
	EXPECT_EQ(1, nvme_nsattr(&self->d, NVME_CNS_INDEP) & 1)
		TH_LOG("Identify (I/O command set independent) does not say write protected");
	native(&self->d, URPT_CMD_READ, self->buf, BUF, &c);
	UT_EXPECT_DONE(&c, BUF, "READ of a read-only disk");
	native(&self->d, URPT_CMD_FLUSH, NULL, 0, &c);
	UT_EXPECT_DONE(&c, 0, "FLUSH of a read-only disk");

	ret = set_ro(self->ro_fd, 0);
	ASSERT_EQ(0, ret) TH_LOG("BLKROSET 0: %s", strerror(-ret));
	EXPECT_EQ(0, nvme_nsattr(&self->d, NVME_CNS_NS))
		TH_LOG("Identify Namespace still says write protected");
	native(&self->d, URPT_CMD_WRITE, self->buf, BUF, &c);
	UT_EXPECT_DONE(&c, BUF, "WRITE after BLKROSET 0");
}

/* A version 1 swap header on the first page of the disk. */
static int write_swap_header(int fd, uint64_t capacity)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = ut_alloc(page);
	uint32_t *w;
	int ret = 0;

	if (!p)
		return -ENOMEM;
	memset(p, 0, page);
	w = (uint32_t *)(p + 1024);
	w[0] = 1;				/* version */
	w[1] = capacity / page - 1;		/* last page */
	memcpy(p + page - 10, "SWAPSPACE2", 10);
	if (ut_pwrite_full(fd, p, page, 0))
		ret = -EIO;
	free(p);
	return ret;
}

TEST_F(state, active_swap_device)
{
	struct ut_disk *d = &self->d;
	struct ut_disk shared = { .direct_fd = -1 };
	char *zero;
	int ret;

	NEED_SETUP();
	if (ut_is_partition(d->name) || !strncmp(d->name, "nvme", 4)) {
		/* one disk is enough; keep the others' data alone */
		SKIP(return, "the swap test runs on whole non-NVMe disks only");
	}
	ASSERT_EQ(0, write_swap_header(d->direct_fd, d->info.capacity));
	/* swapon claims the disk exclusively: urpt must let go first. */
	ut_disk_release(d);
	ret = swapon(self->d.bdev, 0) ? -errno : 0;
	if (ret == -ENOSYS || ret == -EINVAL) {
		ut_disk_attach(d, self->d.bdev, &(const char *){ "" });
		SKIP(return, "swapon %s: %s", self->d.bdev, strerror(-ret));
	}
	ASSERT_EQ(0, ret) TH_LOG("swapon %s: %s", self->d.bdev, strerror(-ret));

	memset(&shared, 0, sizeof(shared));
	ret = urpt_ctl_attach(self->d.bdev, URPT_ATTACH_SHARED, &shared.index);
	EXPECT_EQ(0, ret) TH_LOG("shared attach of a swap device: %s",
				 strerror(-ret));
	if (!ret) {
		shared.attached = true;
		shared.bdev = self->d.bdev;
		ut_node_path(shared.path, sizeof(shared.path), shared.index);
		ret = urpt_dev_open(&shared.dev, shared.path, O_RDWR);
		EXPECT_LE(0, ret);
		if (ret >= 0) {
			shared.opened = true;
			EXPECT_LE(0, urpt_info(&shared.dev, &shared.info, NULL));
			/* the fixture's disk, for the helpers */
			struct ut_disk keep = self->d;

			self->d = shared;
			expect_writes_refused(_metadata, self, ETXTBSY,
					      "on an active swap device");
			shared = self->d;
			self->d = keep;
		}
		ut_disk_release(&shared);
	}
	EXPECT_EQ(0, swapoff(self->d.bdev) ? -errno : 0);

	/* Back as the fixture found it: attached, no swap header. */
	ret = ut_disk_attach(d, self->d.bdev, &(const char *){ "" });
	ASSERT_EQ(0, ret);
	zero = ut_alloc(4096);
	ASSERT_NE(NULL, zero);
	memset(zero, 0, 4096);
	EXPECT_EQ(0, ut_pwrite_full(d->direct_fd, zero, 4096, 0));
	free(zero);
}

TEST_HARNESS_MAIN
