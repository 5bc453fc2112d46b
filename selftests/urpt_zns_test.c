// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the NVMe personality on a zoned disk is a Zoned
 * Namespace. On the zoned null_blk disks of urpt_zone_test.c
 * (urpt_zoned.h), through the NVMe ioctls and NVME_URING_CMD_IO, with the
 * block device's own BLKREPORTZONE as the reference:
 *  - Identify: the command set descriptor (ZNS), the ZNS namespace and
 *    controller structures (zone size, open and active limits, ZASL), the
 *    I/O command set vector;
 *  - Zone Management Receive: every zone's descriptor, full and partial
 *    reports, one zone state at a time, a buffer of the header only, the
 *    options not supported;
 *  - Zone Management Send: close, finish, open, reset of one zone and of
 *    all (Select All touches only the zones the action applies to), and
 *    the statuses of a zone that cannot make the transition;
 *  - Zone Append: the LBA written, in big_cqe[0] and in the ioctls'
 *    result (64 and 32 bits), the data read back; vectored, over iovecs
 *    with gaps between them; its refusals;
 *  - Write: at the write pointer, off it (Zone Invalid Write), across a
 *    zone boundary (Zone Boundary Error); reads across zones;
 *  - the open zone limit (Too Many Open Zones), a read-only disk, and
 *    a caller without CAP_SYS_ADMIN.
 * URPT_BDEV is not used (run once). With URPT_ZNS_BDEV (guest/zns_tools.sh
 * sets qemu's ZNS namespace) the same tests run on that disk instead, its
 * zones reset first, and the null_blk variants SKIP.
 */
#include <linux/blkzoned.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_zoned.h"

#define OP_WRITE	0x01
#define OP_READ		0x02
#define OP_IDENTIFY	0x06	/* admin */
#define OP_ZONE_SEND	0x79
#define OP_ZONE_RECV	0x7a
#define OP_ZONE_APPEND	0x7d

#define ZSA_CLOSE	0x01
#define ZSA_FINISH	0x02
#define ZSA_OPEN	0x03
#define ZSA_RESET	0x04
#define ZSA_OFFLINE	0x05
#define ZSA_SET_EXT	0x10
#define SELECT_ALL	(1u << 8)
#define ZRASF(s)	((uint32_t)(s) << 8)
#define PARTIAL		(1u << 16)

/* ZRASF values, and the zone states (ZS) of a descriptor. */
#define ZRASF_EMPTY	1
#define ZRASF_IMP_OPEN	2
#define ZRASF_FULL	5
#define ZS_EMPTY	0x1
#define ZS_IMP_OPEN	0x2
#define ZS_EXP_OPEN	0x3
#define ZS_CLOSED	0x4
#define ZS_FULL		0xe

#define SC_DNR		0x4000
#define SC_INV_OPCODE	(0x01 | SC_DNR)
#define SC_INV_FIELD	(0x02 | SC_DNR)
#define SC_SGL_LEN	(0x0f | SC_DNR)
#define SC_WP		(0x20 | SC_DNR)	/* namespace write protected */
#define SC_LBA_RANGE	(0x80 | SC_DNR)
#define SC_ZONE_BOUNDARY (0x1b8 | SC_DNR)
#define SC_ZONE_FULL	(0x1b9 | SC_DNR)
#define SC_ZONE_INV_WRITE (0x1bc | SC_DNR)
#define SC_ZONE_TOO_MANY_OPEN (0x1be | SC_DNR)
#define SC_ZONE_INV_TRANS (0x1bf | SC_DNR)

#define ID_SIZE		4096
#define CNS_NS		0x00
#define CNS_DESCS	0x03
#define CNS_CS_NS	0x05
#define CNS_CS_CTRL	0x06
#define CNS_CS_SETS	0x1c
#define CSI_ZNS		2

#define ZD_DESC		64	/* a zone descriptor, and the report header */
#define ZN_MAX_ZONES	64
#define BUF_SIZE	(1u << 20)

/* A zone descriptor of a Zone Management Receive report. */
struct zn_desc {
	uint8_t zt, zs, za, rsvd3[5];
	uint64_t zcap, zslba, wp;
	uint8_t rsvd32[32];
};

FIXTURE(zns) {
	bool skip;
	struct nb_disk nb;
	struct ut_disk d;
	uint32_t lbs;
	uint64_t zsize;		/* bytes */
	uint64_t zblocks;	/* LBAs per zone */
	uint64_t zcap;		/* bytes */
	uint32_t nr_zones;
	uint32_t nr_conv;
	uint32_t max_open, max_active;
	unsigned char *buf, *buf2;
};

FIXTURE_VARIANT(zns) {
	struct zd_geometry g;
};

FIXTURE_VARIANT_ADD(zns, conv_512) {
	.g = ZD_CONV_512,
};

FIXTURE_VARIANT_ADD(zns, seq_4k) {
	.g = ZD_SEQ_4K,
};

/* URPT_ZNS_BDEV's disk: the geometry is the disk's. */
FIXTURE_VARIANT_ADD(zns, disk) {
	.g = { .name = NULL },
};

static int zn_send(FIXTURE_DATA(zns) *self, uint64_t slba, uint32_t cdw13);

/* The geometry of URPT_ZNS_BDEV's disk, from INFO and its zone report. */
static void zn_disk_geometry(FIXTURE_DATA(zns) *self)
{
	struct urpt_zone z[ZN_MAX_ZONES];
	struct urpt_result r;
	int n, i;

	self->zsize = self->d.info.zone_size;
	self->nr_zones = self->d.info.nr_zones;
	self->max_open = self->d.info.max_open_zones;
	self->max_active = self->d.info.max_active_zones;
	n = urpt_report_zones(&self->d.dev, z, ZN_MAX_ZONES, 0, &r);
	for (i = 0; i < n && z[i].type == URPT_ZONE_TYPE_CONVENTIONAL; i++)
		;
	self->nr_conv = i;
	self->zcap = n > i ? z[i].capacity : self->zsize;
}

FIXTURE_SETUP(zns)
{
	const char *what = "", *bdev;
	int ret;

	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	self->d.direct_fd = -1;
	bdev = getenv("URPT_ZNS_BDEV");
	if (!variant->g.name) {
		if (!bdev) {
			self->skip = true;
			SKIP(return, "URPT_ZNS_BDEV unset: no zoned disk of the machine's named (guest/zns_tools.sh names qemu's ZNS namespace)");
		}
		ret = ut_disk_attach(&self->d, bdev, &what);
		ASSERT_EQ(0, ret) TH_LOG("%s of %s: %s", what, bdev,
					 strerror(-ret));
		ASSERT_TRUE(!!(self->d.info.features & URPT_FEAT_ZONED));
		self->lbs = self->d.info.logical_block_size;
		zn_disk_geometry(self);
		self->zblocks = self->zsize / self->lbs;
		ASSERT_GE(ZN_MAX_ZONES, (int)self->nr_zones);
		ASSERT_EQ(0, zn_send(self, 0, ZSA_RESET | SELECT_ALL));
		goto buffers;
	}
	if (bdev) {
		self->skip = true;
		SKIP(return, "URPT_ZNS_BDEV=%s: only that disk's variant runs",
		     bdev);
	}
	if (!zd_setup(_metadata, &self->nb, &self->d, &variant->g)) {
		self->skip = true;
		return;
	}
	self->lbs = self->d.info.logical_block_size;
	self->zsize = zd_zone_bytes(&variant->g);
	self->zblocks = self->zsize / self->lbs;
	self->zcap = zd_zone_capacity(&variant->g);
	self->nr_zones = zd_nr_zones(&variant->g);
	self->nr_conv = variant->g.nr_conv;
	self->max_open = atoi(variant->g.max_open);
	self->max_active = atoi(variant->g.max_active);
	ASSERT_GE(ZN_MAX_ZONES, (int)self->nr_zones);
buffers:
	self->buf = ut_alloc(BUF_SIZE);
	self->buf2 = ut_alloc(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->buf2);
}

FIXTURE_TEARDOWN(zns)
{
	if (self->skip)
		return;
	ut_disk_release(&self->d);
	nb_destroy(&self->nb);
	free(self->buf);
	free(self->buf2);
}

/* The first LBA of zone i. */
static uint64_t zslba(FIXTURE_DATA(zns) *self, uint32_t i)
{
	return i * self->zblocks;
}

static void zn_fill(struct nvme_passthru_cmd64 *c, uint8_t opcode,
		    uint64_t slba, uint32_t cdw12, uint32_t cdw13, void *buf,
		    uint32_t len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = 1;
	c->addr = (uint64_t)(uintptr_t)buf;
	c->data_len = len;
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = slba >> 32;
	c->cdw12 = cdw12;
	c->cdw13 = cdw13;
}

/* NVME_IOCTL_IO64_CMD: its return value (an NVMe status) or -errno. */
static int zn_ioctl(int fd, struct nvme_passthru_cmd64 *c)
{
	int ret = ioctl(fd, NVME_IOCTL_IO64_CMD, c);

	return ret < 0 ? -errno : ret;
}

/*
 * The same command as a uring command, cmd_op NVME_URING_CMD_IO or _IO_VEC
 * (addr and data_len then an iovec array and its count): res, and dw0-1
 * in *result.
 */
static int zn_uring_op(FIXTURE_DATA(zns) *self, uint32_t cmd_op,
		       const struct nvme_passthru_cmd64 *c, uint64_t *result)
{
	struct io_uring *ring = &self->d.dev.ring;
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct nvme_uring_cmd *u;
	struct ut_cqe cqe;
	int ret;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, self->d.dev.fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	u = (struct nvme_uring_cmd *)sqe->cmd;
	memset(u, 0, 80);
	u->opcode = c->opcode;
	u->nsid = c->nsid;
	u->addr = c->addr;
	u->data_len = c->data_len;
	u->cdw10 = c->cdw10;
	u->cdw11 = c->cdw11;
	u->cdw12 = c->cdw12;
	u->cdw13 = c->cdw13;
	ret = ut_submit_one_any(ring, &cqe);
	if (ret)
		return ret;
	if (result)
		*result = cqe.extra[0];
	return cqe.res;
}

static int zn_uring(FIXTURE_DATA(zns) *self,
		    const struct nvme_passthru_cmd64 *c, uint64_t *result)
{
	return zn_uring_op(self, NVME_URING_CMD_IO, c, result);
}

/* Zone Management Send through the ioctl. */
static int zn_send(FIXTURE_DATA(zns) *self, uint64_t slba, uint32_t cdw13)
{
	struct nvme_passthru_cmd64 c;

	zn_fill(&c, OP_ZONE_SEND, slba, 0, cdw13, NULL, 0);
	return zn_ioctl(self->d.dev.fd, &c);
}

/* A report into buf of bytes (a multiple of 4) from slba, through the ioctl. */
static int zn_recv(FIXTURE_DATA(zns) *self, uint64_t slba, uint32_t bytes,
		   uint32_t cdw13, void *buf)
{
	struct nvme_passthru_cmd64 c;

	memset(buf, 0xa5, bytes);
	zn_fill(&c, OP_ZONE_RECV, slba, bytes / 4 - 1, cdw13, buf, bytes);
	return zn_ioctl(self->d.dev.fd, &c);
}

static uint64_t zn_nr(const void *report)
{
	uint64_t n;

	memcpy(&n, report, sizeof(n));
	return n;
}

static const struct zn_desc *zn_entry(const void *report, uint32_t i)
{
	return (const struct zn_desc *)((const char *)report + ZD_DESC) + i;
}

/* Zone i's descriptor now: 0 or the command's status. */
static int zn_zone(FIXTURE_DATA(zns) *self, uint32_t i, struct zn_desc *z)
{
	unsigned char rep[2 * ZD_DESC];
	int ret = zn_recv(self, zslba(self, i), sizeof(rep), PARTIAL, rep);

	if (!ret)
		memcpy(z, zn_entry(rep, 0), sizeof(*z));
	return ret;
}

#define EXPECT_ZS(self, i, want_zs, want_wp)				\
	do {								\
		struct zn_desc _z;					\
		ASSERT_EQ(0, zn_zone((self), (i), &_z));		\
		EXPECT_EQ((want_zs), _z.zs >> 4) {			\
			TH_LOG("zone %u: state %#x, wanted %#x", (i),	\
			       _z.zs >> 4, (want_zs));			\
		}							\
		EXPECT_EQ((uint64_t)(want_wp), _z.wp) {		\
			TH_LOG("zone %u: wp %llu, wanted %llu", (i),	\
			       (unsigned long long)_z.wp,		\
			       (unsigned long long)(want_wp));		\
		}							\
	} while (0)

/*
 * An explicitly opened zone closed without data in it: ZBC (null_blk)
 * makes it empty again, ZNS (qemu) closed.
 */
static bool zn_closed_empty(FIXTURE_DATA(zns) *self, uint32_t i)
{
	struct zn_desc z;

	if (zn_zone(self, i, &z))
		return false;
	return (z.zs >> 4 == ZS_EMPTY || z.zs >> 4 == ZS_CLOSED) &&
	       z.wp == zslba(self, i);
}

/* Write blocks at lba through the ioctl: its status. */
static int zn_write(FIXTURE_DATA(zns) *self, uint64_t lba, uint32_t blocks,
		    void *buf)
{
	struct nvme_passthru_cmd64 c;

	zn_fill(&c, OP_WRITE, lba, blocks - 1, 0, buf, blocks * self->lbs);
	return zn_ioctl(self->d.dev.fd, &c);
}

/* Identify through the admin ioctl into buf: its return value. */
static int zn_id(FIXTURE_DATA(zns) *self, uint8_t cns, uint8_t csi, void *buf)
{
	struct nvme_passthru_cmd c = {
		.opcode = OP_IDENTIFY,
		.nsid = 1,
		.addr = (uint64_t)(uintptr_t)buf,
		.data_len = ID_SIZE,
		.cdw10 = cns,
		.cdw11 = (uint32_t)csi << 24,
	};
	int ret;

	memset(buf, 0xa5, ID_SIZE);
	ret = ioctl(self->d.dev.fd, NVME_IOCTL_ADMIN_CMD, &c);
	return ret < 0 ? -errno : ret;
}

static uint32_t get32(const void *p, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return v;
}

static uint64_t get64(const void *p, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return v;
}

/* The longest Zone Append ZASL stands for. */
static uint32_t zn_append_max(FIXTURE_DATA(zns) *self)
{
	uint8_t id[ID_SIZE];

	if (zn_id(self, CNS_CS_CTRL, CSI_ZNS, id))
		return 0;
	return 4096u << id[0];
}

/* ---- Identify ------------------------------------------------------------ */

TEST_F(zns, identify_describes_a_zoned_namespace)
{
	uint32_t mo = self->max_open, ma = self->max_active;
	uint8_t id[ID_SIZE];
	uint32_t max;

	NEED_SETUP();
	/* The namespace's command set: ZNS (descriptor type 4, length 1). */
	ASSERT_EQ(0, zn_id(self, CNS_DESCS, 0, id));
	EXPECT_EQ(4, id[0]);
	EXPECT_EQ(1, id[1]);
	EXPECT_EQ(CSI_ZNS, id[4]);
	EXPECT_EQ(0, id[5]);
	/* ZNS namespace: zone size in LBAs, limits 0's based, RAZB. */
	ASSERT_EQ(0, zn_id(self, CNS_CS_NS, CSI_ZNS, id));
	EXPECT_EQ(0u, get32(id, 0) & 0xffff);			/* ZOC */
	EXPECT_EQ(1u, (get32(id, 0) >> 16) & 0xffff);		/* OZCS */
	EXPECT_EQ(ma ? ma - 1 : 0xffffffffu, get32(id, 4));	/* MAR */
	EXPECT_EQ(mo ? mo - 1 : 0xffffffffu, get32(id, 8));	/* MOR */
	EXPECT_EQ(self->zblocks, get64(id, 2816));		/* LBAFE0 */
	EXPECT_EQ(0, id[2816 + 8]);				/* ZDES */
	/* ZNS controller: ZASL within the disk's append limit. */
	ASSERT_EQ(0, zn_id(self, CNS_CS_CTRL, CSI_ZNS, id));
	EXPECT_LE(1, id[0]);
	max = self->d.info.max_zone_append;
	EXPECT_LE(4096u << id[0], max);
	EXPECT_GT(4096u << (id[0] + 1), max);
	/* The command sets: NVM and ZNS. */
	ASSERT_EQ(0, zn_id(self, CNS_CS_SETS, 0, id));
	EXPECT_EQ((uint64_t)0x5, get64(id, 0));
	EXPECT_EQ((uint64_t)0, get64(id, 8));
	/* Identify Namespace still has the size and the LBA format. */
	ASSERT_EQ(0, zn_id(self, CNS_NS, 0, id));
	EXPECT_EQ(self->d.info.capacity / self->lbs, get64(id, 0));
	EXPECT_EQ(self->lbs, 1u << id[128 + 2]);
}

/* ---- Zone Management Receive --------------------------------------------- */

TEST_F(zns, report_matches_blkreportzone)
{
	uint32_t bytes = ZD_DESC * (ZN_MAX_ZONES + 1);
	struct blk_zone_report *rep;
	uint64_t result = 1;
	uint32_t i;
	int fd;

	NEED_SETUP();
	memset(self->buf2, 0x22, 3 * self->lbs);
	ASSERT_EQ(0, zn_write(self, zslba(self, self->nr_conv), 3, self->buf2));

	ASSERT_EQ(0, zn_recv(self, 0, bytes, 0, self->buf));
	ASSERT_EQ((uint64_t)self->nr_zones, zn_nr(self->buf));
	rep = calloc(1, sizeof(*rep) + ZN_MAX_ZONES * sizeof(struct blk_zone));
	ASSERT_NE(NULL, rep);
	fd = open(self->d.bdev, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	rep->nr_zones = ZN_MAX_ZONES;
	ASSERT_EQ(0, ioctl(fd, BLKREPORTZONE, rep));
	close(fd);
	ASSERT_EQ(self->nr_zones, rep->nr_zones);
	for (i = 0; i < self->nr_zones; i++) {
		const struct zn_desc *z = zn_entry(self->buf, i);
		const struct blk_zone *bz = &rep->zones[i];
		uint64_t end = bz->start + bz->len;

		EXPECT_EQ(bz->type, z->zt);
		EXPECT_EQ(bz->cond, z->zs >> 4);
		EXPECT_EQ(0, z->za);
		EXPECT_EQ(bz->capacity * 512 / self->lbs, z->zcap);
		EXPECT_EQ(bz->start * 512 / self->lbs, z->zslba);
		EXPECT_EQ((bz->wp < end ? bz->wp : end) * 512 / self->lbs,
			  z->wp);
	}
	free(rep);
	EXPECT_EQ(ZS_IMP_OPEN, zn_entry(self->buf, self->nr_conv)->zs >> 4);
	EXPECT_EQ(zslba(self, self->nr_conv) + 3,
		  zn_entry(self->buf, self->nr_conv)->wp);
	/* The rest of the transfer is zeroes. */
	for (i = ZD_DESC * (self->nr_zones + 1); i < bytes; i++)
		if (self->buf[i]) {
			EXPECT_EQ(0, self->buf[i]) TH_LOG("byte %u", i);
			break;
		}

	/* The same report through the ring: the same bytes, result 0. */
	{
		struct nvme_passthru_cmd64 c;

		memset(self->buf2, 0x5a, bytes);
		zn_fill(&c, OP_ZONE_RECV, 0, bytes / 4 - 1, 0, self->buf2,
			bytes);
		ASSERT_EQ(0, zn_uring(self, &c, &result));
		EXPECT_EQ((uint64_t)0, result);
		EXPECT_EQ(0, memcmp(self->buf, self->buf2, bytes));
	}
}

TEST_F(zns, report_partial_one_state_and_header_only)
{
	uint32_t last = self->nr_zones - 1, seq = self->nr_conv;
	uint64_t mid;

	NEED_SETUP();
	/* Two descriptors' room: the count is of all zones from SLBA on ... */
	ASSERT_EQ(0, zn_recv(self, zslba(self, 1), 3 * ZD_DESC, 0, self->buf));
	EXPECT_EQ((uint64_t)self->nr_zones - 1, zn_nr(self->buf));
	EXPECT_EQ(zslba(self, 2), zn_entry(self->buf, 1)->zslba);
	/* ... or, partial, of those transferred. */
	ASSERT_EQ(0, zn_recv(self, zslba(self, 1), 3 * ZD_DESC, PARTIAL,
			     self->buf));
	EXPECT_EQ((uint64_t)2, zn_nr(self->buf));
	/* An SLBA inside a zone starts the report at that zone. */
	mid = zslba(self, last) + 1;
	ASSERT_EQ(0, zn_recv(self, mid, 2 * ZD_DESC, 0, self->buf));
	EXPECT_EQ((uint64_t)1, zn_nr(self->buf));
	EXPECT_EQ(zslba(self, last), zn_entry(self->buf, 0)->zslba);
	/* The header alone, and less: the count, no descriptor. */
	ASSERT_EQ(0, zn_recv(self, 0, ZD_DESC, 0, self->buf));
	EXPECT_EQ((uint64_t)self->nr_zones, zn_nr(self->buf));
	ASSERT_EQ(0, zn_recv(self, 0, 8, 0, self->buf));
	EXPECT_EQ((uint64_t)self->nr_zones, zn_nr(self->buf));

	/* One state: one zone implicitly open, one full, the rest empty. */
	memset(self->buf2, 0x33, self->lbs);
	ASSERT_EQ(0, zn_write(self, zslba(self, seq), 1, self->buf2));
	ASSERT_EQ(0, zn_send(self, zslba(self, seq + 1), ZSA_FINISH));
	ASSERT_EQ(0, zn_recv(self, 0, 4 * ZD_DESC, ZRASF(ZRASF_IMP_OPEN),
			     self->buf));
	EXPECT_EQ((uint64_t)1, zn_nr(self->buf));
	EXPECT_EQ(zslba(self, seq), zn_entry(self->buf, 0)->zslba);
	ASSERT_EQ(0, zn_recv(self, 0, 4 * ZD_DESC, ZRASF(ZRASF_FULL),
			     self->buf));
	EXPECT_EQ((uint64_t)1, zn_nr(self->buf));
	EXPECT_EQ(zslba(self, seq + 1), zn_entry(self->buf, 0)->zslba);
	ASSERT_EQ(0, zn_recv(self, 0, 2 * ZD_DESC, ZRASF(ZRASF_EMPTY),
			     self->buf));
	EXPECT_EQ((uint64_t)self->nr_zones - self->nr_conv - 2,
		  zn_nr(self->buf));
	EXPECT_EQ(zslba(self, seq + 2), zn_entry(self->buf, 0)->zslba);
	ASSERT_EQ(0, zn_recv(self, 0, 2 * ZD_DESC, ZRASF(ZRASF_EMPTY) | PARTIAL,
			     self->buf));
	EXPECT_EQ((uint64_t)1, zn_nr(self->buf));
}

TEST_F(zns, report_refusals)
{
	uint64_t nsze = self->d.info.capacity / self->lbs;
	struct nvme_passthru_cmd64 c;

	NEED_SETUP();
	/* The extended report: no zone descriptor extensions. */
	EXPECT_EQ(SC_INV_FIELD, zn_recv(self, 0, 2 * ZD_DESC, 1, self->buf));
	/* A zone state ZRASF does not define; reserved bits. */
	EXPECT_EQ(SC_INV_FIELD, zn_recv(self, 0, 2 * ZD_DESC, ZRASF(8),
					self->buf));
	EXPECT_EQ(SC_INV_FIELD, zn_recv(self, 0, 2 * ZD_DESC, 1u << 17,
					self->buf));
	/* Past the namespace. */
	EXPECT_EQ(SC_LBA_RANGE, zn_recv(self, nsze, 2 * ZD_DESC, 0, self->buf));
	/* A buffer shorter than NUMD says. */
	zn_fill(&c, OP_ZONE_RECV, 0, 2 * ZD_DESC / 4 - 1, 0, self->buf,
		ZD_DESC);
	EXPECT_EQ(SC_SGL_LEN, zn_ioctl(self->d.dev.fd, &c));
	/* More than MDTS. */
	zn_fill(&c, OP_ZONE_RECV, 0, 0xffffffff, 0, self->buf, BUF_SIZE);
	EXPECT_EQ(SC_INV_FIELD, zn_ioctl(self->d.dev.fd, &c));
	/* cdw2 is reserved. */
	zn_fill(&c, OP_ZONE_RECV, 0, ZD_DESC / 4 - 1, 0, self->buf, ZD_DESC);
	c.cdw2 = 1;
	EXPECT_EQ(SC_INV_FIELD, zn_ioctl(self->d.dev.fd, &c));
	/* A bad buffer. */
	zn_fill(&c, OP_ZONE_RECV, 0, ZD_DESC / 4 - 1, 0, (void *)8, ZD_DESC);
	EXPECT_EQ(-EFAULT, zn_ioctl(self->d.dev.fd, &c));
}

/* ---- Zone Management Send -------------------------------------------------- */

TEST_F(zns, send_moves_one_zone_through_its_states)
{
	uint32_t z = self->nr_conv + 1;
	struct nvme_passthru_cmd64 c;
	uint64_t result = 1;

	NEED_SETUP();
	ASSERT_EQ(0, zn_send(self, zslba(self, z), ZSA_OPEN));
	EXPECT_ZS(self, z, ZS_EXP_OPEN, zslba(self, z));
	/* Through the ring, as fio and nvme-cli send it. */
	zn_fill(&c, OP_ZONE_SEND, zslba(self, z), 0, ZSA_CLOSE, NULL, 0);
	ASSERT_EQ(0, zn_uring(self, &c, &result));
	EXPECT_EQ((uint64_t)0, result);
	/* Closed without data in it: empty again, or closed. */
	EXPECT_TRUE(zn_closed_empty(self, z));
	memset(self->buf2, 0x44, 2 * self->lbs);
	ASSERT_EQ(0, zn_write(self, zslba(self, z), 2, self->buf2));
	ASSERT_EQ(0, zn_send(self, zslba(self, z), ZSA_CLOSE));
	EXPECT_ZS(self, z, ZS_CLOSED, zslba(self, z) + 2);
	ASSERT_EQ(0, zn_send(self, zslba(self, z), ZSA_FINISH));
	EXPECT_ZS(self, z, ZS_FULL, zslba(self, z) + self->zblocks);
	ASSERT_EQ(0, zn_send(self, zslba(self, z), ZSA_RESET));
	EXPECT_ZS(self, z, ZS_EMPTY, zslba(self, z));
}

TEST_F(zns, select_all_acts_on_the_zones_it_applies_to)
{
	uint32_t a = self->nr_conv, b = a + 1, e = a + 2, f = a + 3;
	uint32_t i;

	NEED_SETUP();
	/* a, b written (open), e explicitly open, f full. */
	memset(self->buf2, 0x55, self->lbs);
	ASSERT_EQ(0, zn_write(self, zslba(self, a), 1, self->buf2));
	ASSERT_EQ(0, zn_write(self, zslba(self, b), 1, self->buf2));
	ASSERT_EQ(0, zn_send(self, zslba(self, e), ZSA_OPEN));
	ASSERT_EQ(0, zn_send(self, zslba(self, f), ZSA_FINISH));

	/* Close all: the open ones; the full one stays full. */
	ASSERT_EQ(0, zn_send(self, 0, ZSA_CLOSE | SELECT_ALL));
	EXPECT_ZS(self, a, ZS_CLOSED, zslba(self, a) + 1);
	EXPECT_ZS(self, b, ZS_CLOSED, zslba(self, b) + 1);
	EXPECT_TRUE(zn_closed_empty(self, e));
	EXPECT_ZS(self, f, ZS_FULL, zslba(self, f) + self->zblocks);
	/* Open all: the closed ones, explicitly; SLBA is ignored. */
	ASSERT_EQ(0, zn_send(self, 12345, ZSA_OPEN | SELECT_ALL));
	EXPECT_ZS(self, a, ZS_EXP_OPEN, zslba(self, a) + 1);
	EXPECT_ZS(self, b, ZS_EXP_OPEN, zslba(self, b) + 1);
	EXPECT_ZS(self, f + 1, ZS_EMPTY, zslba(self, f + 1));
	/* Finish all: the open and closed ones; empty ones stay empty. */
	ASSERT_EQ(0, zn_send(self, 0, ZSA_FINISH | SELECT_ALL));
	EXPECT_ZS(self, a, ZS_FULL, zslba(self, a) + self->zblocks);
	EXPECT_ZS(self, b, ZS_FULL, zslba(self, b) + self->zblocks);
	EXPECT_ZS(self, f + 1, ZS_EMPTY, zslba(self, f + 1));
	/* Reset all: every zone empty. */
	ASSERT_EQ(0, zn_send(self, 0, ZSA_RESET | SELECT_ALL));
	for (i = self->nr_conv; i < self->nr_zones; i++)
		EXPECT_ZS(self, i, ZS_EMPTY, zslba(self, i));
}

TEST_F(zns, send_refusals_and_transitions_a_zone_cannot_make)
{
	uint64_t nsze = self->d.info.capacity / self->lbs;
	uint32_t z = self->nr_conv;
	struct nvme_passthru_cmd64 c;

	NEED_SETUP();
	EXPECT_EQ(SC_INV_FIELD, zn_send(self, zslba(self, z) + 1, ZSA_RESET));
	EXPECT_EQ(SC_INV_FIELD, zn_send(self, zslba(self, z), ZSA_OFFLINE));
	EXPECT_EQ(SC_INV_FIELD, zn_send(self, zslba(self, z), ZSA_SET_EXT));
	EXPECT_EQ(SC_INV_FIELD, zn_send(self, zslba(self, z), 0));
	EXPECT_EQ(SC_INV_FIELD, zn_send(self, zslba(self, z),
					ZSA_RESET | (1u << 9)));
	EXPECT_EQ(SC_LBA_RANGE, zn_send(self, nsze, ZSA_RESET));
	zn_fill(&c, OP_ZONE_SEND, zslba(self, z), 1, ZSA_RESET, NULL, 0);
	EXPECT_EQ(SC_INV_FIELD, zn_ioctl(self->d.dev.fd, &c));
	/* A full zone cannot be opened. */
	ASSERT_EQ(0, zn_send(self, zslba(self, z), ZSA_FINISH));
	EXPECT_EQ(SC_ZONE_INV_TRANS, zn_send(self, zslba(self, z), ZSA_OPEN));
	zn_fill(&c, OP_ZONE_SEND, zslba(self, z), 0, ZSA_OPEN, NULL, 0);
	EXPECT_EQ(SC_ZONE_INV_TRANS, zn_uring(self, &c, NULL));
	/* Nor a conventional zone reset. */
	if (self->nr_conv)
		EXPECT_EQ(SC_ZONE_INV_TRANS, zn_send(self, 0, ZSA_RESET));
}

TEST_F(zns, open_zone_limit_is_too_many_open_zones)
{
	uint32_t mo = self->max_open, i;

	NEED_SETUP();
	if (!mo)
		SKIP(return, "this disk has no open zone limit");
	for (i = 0; i < mo; i++)
		ASSERT_EQ(0, zn_send(self, zslba(self, self->nr_conv + i),
				     ZSA_OPEN));
	EXPECT_EQ(SC_ZONE_TOO_MANY_OPEN,
		  zn_send(self, zslba(self, self->nr_conv + mo), ZSA_OPEN));
}

/* ---- Zone Append ------------------------------------------------------------ */

TEST_F(zns, append_returns_the_lba_written)
{
	uint32_t z = self->nr_conv, n = 2, len = n * self->lbs;
	struct nvme_passthru_cmd64 c;
	struct nvme_passthru_cmd c32;
	uint64_t result = 0;

	NEED_SETUP();
	ut_fill(self->buf, 3 * len, 77);
	/* The ring: big_cqe[0] is the LBA. */
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), n - 1, 0, self->buf, len);
	ASSERT_EQ(0, zn_uring(self, &c, &result));
	EXPECT_EQ(zslba(self, z), result);
	/* The 64-bit ioctl's result. */
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), n - 1, 0,
		self->buf + len, len);
	ASSERT_EQ(0, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(zslba(self, z) + n, c.result);
	/* The 32-bit ioctl's: dw0. */
	memset(&c32, 0, sizeof(c32));
	c32.opcode = OP_ZONE_APPEND;
	c32.nsid = 1;
	c32.addr = (uint64_t)(uintptr_t)(self->buf + 2 * len);
	c32.data_len = len;
	c32.cdw10 = (uint32_t)zslba(self, z);
	c32.cdw12 = (n - 1) | (1u << 30);	/* FUA */
	ASSERT_EQ(0, ioctl(self->d.dev.fd, NVME_IOCTL_IO_CMD, &c32));
	EXPECT_EQ((uint32_t)(zslba(self, z) + 2 * n), c32.result);
	EXPECT_ZS(self, z, ZS_IMP_OPEN, zslba(self, z) + 3 * n);
	/* The data, in the order it landed. */
	zn_fill(&c, OP_READ, zslba(self, z), 3 * n - 1, 0, self->buf2,
		3 * len);
	ASSERT_EQ(0, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(0, memcmp(self->buf, self->buf2, 3 * len));
	/* Other commands' result stays 0. */
	zn_fill(&c, OP_READ, zslba(self, z), 0, 0, self->buf2, self->lbs);
	result = 1;
	ASSERT_EQ(0, zn_uring(self, &c, &result));
	EXPECT_EQ((uint64_t)0, result);
}

TEST_F(zns, append_refusals_and_zone_errors)
{
	uint32_t z = self->nr_conv, max = zn_append_max(self);
	struct nvme_passthru_cmd64 c;
	int one = 1, zero = 0;

	NEED_SETUP();
	ASSERT_LT(0u, max);
	/* Not at a zone's start. */
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z) + 1, 0, 0, self->buf,
		self->lbs);
	EXPECT_EQ(SC_INV_FIELD, zn_ioctl(self->d.dev.fd, &c));
	/* Longer than ZASL says, then the longest it says. */
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), max / self->lbs, 0,
		self->buf, max + self->lbs);
	EXPECT_EQ(SC_INV_FIELD, zn_ioctl(self->d.dev.fd, &c));
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), max / self->lbs - 1, 0,
		self->buf, max);
	EXPECT_EQ(0, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(zslba(self, z), c.result);
	/* A buffer shorter than NLB; PRINFO bits without protection info. */
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), 1, 0, self->buf,
		self->lbs);
	EXPECT_EQ(SC_SGL_LEN, zn_ioctl(self->d.dev.fd, &c));
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), 0 | (1u << 26), 0,
		self->buf, self->lbs);
	EXPECT_EQ(SC_INV_FIELD, zn_ioctl(self->d.dev.fd, &c));
	/* A full zone. */
	ASSERT_EQ(0, zn_send(self, zslba(self, z), ZSA_FINISH));
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), 0, 0, self->buf,
		self->lbs);
	EXPECT_EQ(SC_ZONE_FULL, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(SC_ZONE_FULL, zn_uring(self, &c, NULL));
	/* A conventional zone takes no append: the same status. */
	if (self->nr_conv) {
		zn_fill(&c, OP_ZONE_APPEND, 0, 0, 0, self->buf, self->lbs);
		EXPECT_EQ(SC_ZONE_FULL, zn_ioctl(self->d.dev.fd, &c));
	}
	/* A read-only disk: the namespace is write protected. */
	ASSERT_EQ(0, ioctl(self->d.direct_fd, BLKROSET, &one));
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z + 1), 0, 0, self->buf,
		self->lbs);
	EXPECT_EQ(SC_WP, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(SC_WP, zn_send(self, zslba(self, z + 1), ZSA_OPEN));
	EXPECT_EQ(0, zn_recv(self, 0, 2 * ZD_DESC, 0, self->buf2));
	ASSERT_EQ(0, ioctl(self->d.direct_fd, BLKROSET, &zero));
}

/*
 * Two iovecs apart, neither starting nor ending on a page (512-byte
 * blocks): a disk with a virtual boundary (NVMe) could not take them as
 * one request, and an append is never split.
 */
TEST_F(zns, vectored_append_over_iovecs_with_gaps)
{
	uint32_t z = self->nr_conv, each = 2 * self->lbs, skew;
	struct nvme_passthru_cmd64 c;
	uint64_t result = 0;
	struct iovec iov[2];

	NEED_SETUP();
	ut_fill(self->buf, BUF_SIZE, 33);
	/*
	 * Off the page by 512 bytes, but on a page where the blocks are
	 * 4 KiB: null_blk copies a whole block per segment, past the end of
	 * a shorter one's page (urpt_zone_test.c says more).
	 */
	skew = self->lbs < 4096 ? 512 : 0;
	iov[0].iov_base = self->buf + skew;
	iov[0].iov_len = each;
	iov[1].iov_base = self->buf + 4 * each + skew;
	iov[1].iov_len = each;
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), 2 * each / self->lbs - 1,
		0, iov, 2);
	ASSERT_EQ(0, ioctl(self->d.dev.fd, NVME_IOCTL_IO64_CMD_VEC, &c)) {
		TH_LOG("errno %d", errno);
	}
	EXPECT_EQ(zslba(self, z), c.result);
	/* The ring's vectored command, after it. */
	ASSERT_EQ(0, zn_uring_op(self, NVME_URING_CMD_IO_VEC, &c, &result));
	EXPECT_EQ(zslba(self, z) + 2 * each / self->lbs, result);
	/* Both, in order, as two copies of the iovecs' data. */
	zn_fill(&c, OP_READ, zslba(self, z), 4 * each / self->lbs - 1, 0,
		self->buf2, 4 * each);
	ASSERT_EQ(0, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(0, memcmp(self->buf2, iov[0].iov_base, each));
	EXPECT_EQ(0, memcmp(self->buf2 + each, iov[1].iov_base, each));
	EXPECT_EQ(0, memcmp(self->buf2 + 2 * each, iov[0].iov_base, each));
	EXPECT_EQ(0, memcmp(self->buf2 + 3 * each, iov[1].iov_base, each));
}

/* ---- Write ------------------------------------------------------------------ */

TEST_F(zns, writes_follow_the_zone_rules)
{
	uint32_t z = self->nr_conv;
	struct nvme_passthru_cmd64 c;

	NEED_SETUP();
	ut_fill(self->buf, 4 * self->lbs, 91);
	ASSERT_EQ(0, zn_write(self, zslba(self, z), 2, self->buf));
	/* Off the write pointer. */
	EXPECT_EQ(SC_ZONE_INV_WRITE, zn_write(self, zslba(self, z), 1,
					      self->buf));
	EXPECT_EQ(SC_ZONE_INV_WRITE, zn_write(self, zslba(self, z) + 3, 1,
					      self->buf));
	/* Across the boundary into the next zone: before the disk sees it. */
	EXPECT_EQ(SC_ZONE_BOUNDARY, zn_write(self, zslba(self, z + 1) - 1, 2,
					     self->buf));
	EXPECT_ZS(self, z, ZS_IMP_OPEN, zslba(self, z) + 2);
	EXPECT_ZS(self, z + 1, ZS_EMPTY, zslba(self, z + 1));
	/* At the write pointer it goes on. */
	ASSERT_EQ(0, zn_write(self, zslba(self, z) + 2, 2, self->buf +
			      2 * self->lbs));
	zn_fill(&c, OP_READ, zslba(self, z), 3, 0, self->buf2,
		4 * self->lbs);
	ASSERT_EQ(0, zn_ioctl(self->d.dev.fd, &c));
	EXPECT_EQ(0, memcmp(self->buf, self->buf2, 4 * self->lbs));
	/* Reads may cross zones (OZCS.RAZB). */
	zn_fill(&c, OP_READ, zslba(self, z + 1) - 1, 1, 0, self->buf2,
		2 * self->lbs);
	EXPECT_EQ(0, zn_ioctl(self->d.dev.fd, &c));
}

/* ---- permissions -------------------------------------------------------------- */

TEST_F(zns, without_cap_sys_admin_a_read_only_node_reports_only)
{
	uint32_t z = self->nr_conv;
	struct nvme_passthru_cmd64 c;
	int fd, ret;

	NEED_SETUP();
	fd = open(self->d.path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ret = ut_sys_admin(false);
	if (ret) {
		close(fd);
		SKIP(return, "cannot drop CAP_SYS_ADMIN: %s", strerror(-ret));
	}
	zn_fill(&c, OP_ZONE_RECV, 0, 2 * ZD_DESC / 4 - 1, 0, self->buf,
		2 * ZD_DESC);
	EXPECT_EQ(0, zn_ioctl(fd, &c));
	zn_fill(&c, OP_ZONE_SEND, zslba(self, z), 0, ZSA_OPEN, NULL, 0);
	EXPECT_EQ(-EACCES, zn_ioctl(fd, &c));
	zn_fill(&c, OP_ZONE_APPEND, zslba(self, z), 0, 0, self->buf,
		self->lbs);
	EXPECT_EQ(-EACCES, zn_ioctl(fd, &c));
	ASSERT_EQ(0, ut_sys_admin(true));
	close(fd);
}

TEST_HARNESS_MAIN
