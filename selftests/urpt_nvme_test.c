// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the NVMe personality of /dev/urptN (docs/nvme.md).
 * NVME_IOCTL_ID, Identify (admin ioctl and NVME_URING_CMD_ADMIN) against
 * the disk's geometry, the I/O commands through NVME_IOCTL_IO_CMD and
 * NVME_URING_CMD_IO(_VEC) with data checked against the native READ and
 * O_DIRECT, registered buffers, IOPOLL (URPT_POLL=1), and every refusal:
 * the -errno of permissions, buffers and the ring, and NVMe statuses for
 * the rest (flags, nsid, metadata, reserved fields, range, opcode, data
 * length).
 *
 * Run as root with URPT_BDEV=/dev/<disk> (a disk the test may overwrite).
 */
#include <stdint.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define BUF_SIZE	(1u << 20)	/* each of buf and buf2 */
#define ID_SIZE		4096

/* NVMe opcodes, statuses and fields (the NVMe base and NVM specs). */
#define OP_FLUSH	0x00
#define OP_WRITE	0x01
#define OP_READ		0x02
#define OP_COMPARE	0x05
#define OP_WZ		0x08
#define OP_DSM		0x09
#define OP_GET_LOG	0x02	/* admin */
#define OP_IDENTIFY	0x06	/* admin */

#define SC_DNR		0x4000
#define SC_INV_OPCODE	(0x01 | SC_DNR)
#define SC_INV_FIELD	(0x02 | SC_DNR)
#define SC_INV_NS	(0x0b | SC_DNR)
#define SC_SGL_LEN	(0x0f | SC_DNR)
#define SC_LBA_RANGE	(0x80 | SC_DNR)

#define CDW12_DEAC	(1u << 25)
#define CDW12_PRINFO	(1u << 29)	/* PRACT */
#define CDW12_FUA	(1u << 30)
#define DSM_AD		(1u << 2)

#define CNS_NS		0x00
#define CNS_CTRL	0x01
#define CNS_ACTIVE	0x02
#define CNS_DESCS	0x03
#define CNS_CS_NS	0x05
#define CNS_CS_CTRL	0x06
#define CNS_INDEP	0x08
#define CNS_CS_SETS	0x1c
#define CSI_ZNS		2

/* Byte offsets in Identify Controller and Identify Namespace. */
#define IDC_SN		4
#define IDC_MN		24
#define IDC_FR		64
#define IDC_MDTS	77
#define IDC_VER		80
#define IDC_SQES	512
#define IDC_CQES	513
#define IDC_NN		516
#define IDC_ONCS	520
#define IDC_VWC		525
#define IDN_NSZE	0
#define IDN_NCAP	8
#define IDN_NUSE	16
#define IDN_NLBAF	25
#define IDN_FLBAS	26
#define IDN_DLFEAT	33
#define IDN_NPWG	64
#define IDN_NSATTR	99
#define IDN_LBAF0	128
#define IDI_NSTAT	14

#define ONCS_DSM	(1u << 2)
#define ONCS_WZ		(1u << 3)

struct dsm_range {
	uint32_t cattr;
	uint32_t nlb;
	uint64_t slba;
};

FIXTURE(nvme) {
	bool skip;
	struct ut_disk d;
	int rw_fd;		/* the node, O_RDWR */
	int ro_fd;		/* the node, O_RDONLY */
	struct io_uring ring;	/* SQE128 | CQE32 */
	bool ring_ok;
	uint32_t lbs;
	uint64_t nlbas;
	char *buf;
	char *buf2;
	uint64_t rng;
};

FIXTURE_SETUP(nvme)
{
	self->rw_fd = -1;
	self->ro_fd = -1;
	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	self->buf = ut_alloc(BUF_SIZE);
	self->buf2 = ut_alloc(BUF_SIZE);
	ut_fixture_need_bufs(_metadata, &self->d, self->buf, self->buf2);
	self->lbs = self->d.info.logical_block_size;
	self->nlbas = self->d.info.capacity / self->lbs;
	self->rw_fd = open(self->d.path, O_RDWR | O_CLOEXEC);
	self->ro_fd = open(self->d.path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->rw_fd);
	ASSERT_LE(0, self->ro_fd);
	ASSERT_EQ(0, io_uring_queue_init(16, &self->ring,
					 IORING_SETUP_SQE128 |
					 IORING_SETUP_CQE32));
	self->ring_ok = true;
}

FIXTURE_TEARDOWN(nvme)
{
	if (self->skip)
		return;
	if (self->ring_ok)
		io_uring_queue_exit(&self->ring);
	if (self->rw_fd >= 0)
		close(self->rw_fd);
	if (self->ro_fd >= 0)
		close(self->ro_fd);
	ut_fixture_release(_metadata, &self->d);
	free(self->buf);
	free(self->buf2);
}

/* ---- helpers ------------------------------------------------------------- */

static uint16_t get16(const void *p, size_t off)
{
	const uint8_t *b = (const uint8_t *)p + off;

	return b[0] | b[1] << 8;
}

static uint32_t get32(const void *p, size_t off)
{
	return get16(p, off) | (uint32_t)get16(p, off + 2) << 16;
}

static uint64_t get64(const void *p, size_t off)
{
	return get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

static bool has(FIXTURE_DATA(nvme) *self, uint64_t feat)
{
	return !!(self->d.info.features & feat);
}

/* The ioctl's return value, or -errno. */
static int nv_ioctl(int fd, unsigned long req, void *cmd)
{
	int ret = ioctl(fd, req, cmd);

	return ret < 0 ? -errno : ret;
}

static void nv_fill(struct nvme_passthru_cmd *c, uint8_t opcode,
		    uint64_t slba, uint32_t nblocks, void *buf, uint32_t len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = 1;
	c->addr = (uint64_t)(uintptr_t)buf;
	c->data_len = len;
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = slba >> 32;
	c->cdw12 = nblocks ? nblocks - 1 : 0;
}

static void nv_identify(struct nvme_passthru_cmd *c, uint32_t nsid,
			uint8_t cns, uint8_t csi, void *buf)
{
	memset(c, 0, sizeof(*c));
	c->opcode = OP_IDENTIFY;
	c->nsid = nsid;
	c->addr = (uint64_t)(uintptr_t)buf;
	c->data_len = ID_SIZE;
	c->cdw10 = cns;
	c->cdw11 = (uint32_t)csi << 24;
}

/*
 * The passthrough command as a uring command on ring (cmd_op, uring_cmd
 * flags and buf_index as given), submitted and reaped: 0 or the ring's
 * -errno; the completion in out.
 */
static int nv_uring(struct io_uring *ring, int fd, uint32_t cmd_op,
		    const struct nvme_passthru_cmd *c, uint32_t uflags,
		    struct ut_cqe *out)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct nvme_uring_cmd *u;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	sqe->uring_cmd_flags = uflags;
	sqe->buf_index = 0;
	sqe->user_data = 0x6e76;
	if (ring->flags & IORING_SETUP_SQE128) {
		u = (struct nvme_uring_cmd *)sqe->cmd;
		memset(u, 0, 80);
		u->opcode = c->opcode;
		u->flags = c->flags;
		u->nsid = c->nsid;
		u->cdw2 = c->cdw2;
		u->cdw3 = c->cdw3;
		u->metadata = c->metadata;
		u->addr = c->addr;
		u->metadata_len = c->metadata_len;
		u->data_len = c->data_len;
		u->cdw10 = c->cdw10;
		u->cdw11 = c->cdw11;
		u->cdw12 = c->cdw12;
		u->cdw13 = c->cdw13;
		u->cdw14 = c->cdw14;
		u->cdw15 = c->cdw15;
	}
	return ut_submit_one_any(ring, out);
}

/* An NVMe completion: res as wanted and big_cqe[0] (result dw0) zero. */
#define EXPECT_NV(c, want, what)					\
	do {								\
		EXPECT_EQ((int32_t)(want), (c)->res) {			\
			TH_LOG("%s: res %d (%#x), wanted %d (%#x)",	\
			       (what), (c)->res, (c)->res,		\
			       (int32_t)(want), (int32_t)(want));	\
		}							\
		EXPECT_EQ((uint64_t)0, (c)->extra[0]) {			\
			TH_LOG("%s: big_cqe[0] %#llx", (what),		\
			       (unsigned long long)(c)->extra[0]);	\
		}							\
	} while (0)

/* Run c on the fixture's ring through NVME_URING_CMD_IO: expect want. */
static void nv_expect_io(struct __test_metadata *_metadata,
			 FIXTURE_DATA(nvme) *self, int fd,
			 const struct nvme_passthru_cmd *c, int want,
			 const char *what)
{
	struct ut_cqe cqe;

	ASSERT_EQ(0, nv_uring(&self->ring, fd, NVME_URING_CMD_IO, c, 0, &cqe));
	EXPECT_NV(&cqe, want, what);
}

/* The same through NVME_IOCTL_IO_CMD: its return value and result. */
static void nv_expect_ioctl(struct __test_metadata *_metadata, int fd,
			    struct nvme_passthru_cmd *c, int want,
			    const char *what)
{
	int ret;

	c->result = 0xdeadbeef;
	ret = nv_ioctl(fd, NVME_IOCTL_IO_CMD, c);
	EXPECT_EQ(want, ret) {
		TH_LOG("%s (ioctl): %d (%#x), wanted %d (%#x)", what, ret,
		       ret, want, want);
	}
	if (ret >= 0) {
		EXPECT_EQ(0u, c->result);
	}
}

/* Both ways; c is left as the caller built it. */
static void nv_expect_both(struct __test_metadata *_metadata,
			   FIXTURE_DATA(nvme) *self, int fd,
			   const struct nvme_passthru_cmd *c, int want,
			   const char *what)
{
	struct nvme_passthru_cmd copy = *c;

	nv_expect_io(_metadata, self, fd, c, want, what);
	nv_expect_ioctl(_metadata, fd, &copy, want, what);
}

/* A random LBA where nblocks fit. */
static uint64_t nv_rand_lba(FIXTURE_DATA(nvme) *self, uint32_t nblocks)
{
	return ut_rand_offset(&self->d.info, &self->rng,
			      (uint64_t)nblocks * self->lbs) / self->lbs;
}

/* len bytes at byte offset off through the native READ or WRITE: 0 or -errno. */
static int native_rw(FIXTURE_DATA(nvme) *self, uint32_t op, void *buf,
		     uint32_t len, uint64_t off)
{
	struct ut_cqe c;
	int ret;

	if (!ut_prep(&self->d.dev.ring, self->d.dev.fd, op, buf, len, off))
		return -EBUSY;
	ret = ut_submit_one(&self->d.dev.ring, &c);
	if (ret)
		return ret;
	return c.res == (int32_t)len ? 0 : (c.res < 0 ? c.res : -EIO);
}

static int native_read(FIXTURE_DATA(nvme) *self, void *buf, uint32_t len,
		       uint64_t off)
{
	return native_rw(self, URPT_CMD_READ, buf, len, off);
}

static int native_write(FIXTURE_DATA(nvme) *self, void *buf, uint32_t len,
			uint64_t off)
{
	return native_rw(self, URPT_CMD_WRITE, buf, len, off);
}

/* Identify into buf through the admin ioctl: its return value. */
static int nv_id(int fd, uint32_t nsid, uint8_t cns, uint8_t csi, void *buf)
{
	struct nvme_passthru_cmd c;

	memset(buf, 0xa5, ID_SIZE);
	nv_identify(&c, nsid, cns, csi, buf);
	return nv_ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);
}

static bool sysfs_write_back(FIXTURE_DATA(nvme) *self)
{
	char text[64] = "";

	if (ut_sysfs_queue(self->d.name, "write_cache", text,
			   sizeof(text)) < 0)
		return has(self, URPT_FEAT_WRITE_CACHE);
	return !strncmp(text, "write back", 10);
}

/* Identify Namespace through NVME_URING_CMD_ADMIN gives id too. */
static void nv_expect_same_by_uring(struct __test_metadata *_metadata,
				    FIXTURE_DATA(nvme) *self, const void *id)
{
	struct nvme_passthru_cmd c;
	struct ut_cqe cqe;

	memset(self->buf2, 0xa5, ID_SIZE);
	nv_identify(&c, 1, CNS_NS, 0, self->buf2);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_ADMIN,
			      &c, 0, &cqe));
	EXPECT_NV(&cqe, 0, "identify ns (uring)");
	EXPECT_EQ(0, memcmp(id, self->buf2, ID_SIZE));
}

/* ---- open and NVME_IOCTL_ID ---------------------------------------------- */

TEST_F(nvme, ioctl_id_is_1_on_every_open_mode)
{
	static const int modes[] = {
		O_RDONLY, O_RDWR, O_WRONLY, O_RDONLY | O_NOATIME,
		O_RDWR | O_DIRECT, O_RDONLY | O_DIRECT,
	};
	unsigned int i;
	int fd;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		fd = open(self->d.path, modes[i] | O_CLOEXEC);
		ASSERT_LE(0, fd) {
			TH_LOG("open(%s, %#x): %s", self->d.path, modes[i],
			       strerror(errno));
		}
		EXPECT_EQ(1, nv_ioctl(fd, NVME_IOCTL_ID, NULL));
		close(fd);
	}
	/* Not an NVMe ioctl of a namespace: -ENOTTY as on /dev/ngXnY. */
	EXPECT_EQ(-ENOTTY, nv_ioctl(self->rw_fd, _IO('N', 0x44), NULL));
}

TEST_F(nvme, o_direct_node_does_io)
{
	struct nvme_passthru_cmd c;
	uint64_t lba;
	int fd;

	NEED_SETUP();
	fd = open(self->d.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	lba = nv_rand_lba(self, 1);
	ut_fill(self->buf, self->lbs, self->rng);
	nv_fill(&c, OP_WRITE, lba, 1, self->buf, self->lbs);
	nv_expect_ioctl(_metadata, fd, &c, 0, "write on an O_DIRECT node");
	nv_fill(&c, OP_READ, lba, 1, self->buf2, self->lbs);
	nv_expect_ioctl(_metadata, fd, &c, 0, "read on an O_DIRECT node");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, self->lbs));
	close(fd);
}

/* ---- Identify ------------------------------------------------------------- */

TEST_F(nvme, identify_namespace_matches_the_disk)
{
	struct ut_geometry g;
	uint8_t *id = (uint8_t *)self->buf;
	uint64_t sectors;
	char path[PATH_MAX];
	uint32_t lbads;

	NEED_SETUP();
	ASSERT_EQ(0, ut_bdev_geometry(self->d.bdev, &g));
	snprintf(path, sizeof(path), "/sys/class/block/%s/size",
		 self->d.name);
	ASSERT_EQ(0, ut_sysfs_u64(path, &sectors));
	ASSERT_EQ(sectors * 512, g.capacity);

	ASSERT_EQ(0, nv_id(self->ro_fd, 1, CNS_NS, 0, id));
	for (lbads = 0; (1u << lbads) < g.lbs; lbads++)
		;
	EXPECT_EQ(g.capacity / g.lbs, get64(id, IDN_NSZE));
	EXPECT_EQ(g.capacity / g.lbs, get64(id, IDN_NCAP));
	EXPECT_EQ(g.capacity / g.lbs, get64(id, IDN_NUSE));
	EXPECT_EQ(0, id[IDN_NLBAF]);
	EXPECT_EQ(0, id[IDN_FLBAS]);
	EXPECT_EQ(0, get16(id, IDN_LBAF0));		/* ms */
	EXPECT_EQ(lbads, id[IDN_LBAF0 + 2]);		/* ds */
	EXPECT_EQ(g.pbs / g.lbs - 1, get16(id, IDN_NPWG));
	EXPECT_EQ(0, id[IDN_NSATTR]);
	EXPECT_EQ(has(self, URPT_FEAT_WRITE_ZEROES) ? 8 : 0,
		  id[IDN_DLFEAT] & 8);
	EXPECT_EQ(0, id[IDN_DLFEAT] & 7);	/* deallocated reads: unknown */
	/* Everything after the LBA format is zero (no vendor area). */
	EXPECT_EQ(0, id[ID_SIZE - 1]);
	nv_expect_same_by_uring(_metadata, self, id);
}

TEST_F(nvme, identify_controller_matches_the_disk)
{
	uint8_t *id = (uint8_t *)self->buf;
	char mn[41], sn[21], fr[9];
	uint16_t oncs;

	NEED_SETUP();
	ASSERT_EQ(0, nv_id(self->ro_fd, 0, CNS_CTRL, 0, id));
	memcpy(mn, id + IDC_MN, 40);
	mn[40] = '\0';
	memcpy(sn, id + IDC_SN, 20);
	sn[20] = '\0';
	memcpy(fr, id + IDC_FR, 8);
	fr[8] = '\0';
	TH_LOG("mn '%s' sn '%s' fr '%s'", mn, sn, fr);
	EXPECT_NE(NULL, strstr(mn, "urpt"));
	EXPECT_NE(NULL, strstr(mn, self->d.name));
	EXPECT_NE(NULL, strstr(fr, "urpt"));
	EXPECT_NE(NULL, strstr(sn, "urpt"));
	EXPECT_EQ(1u, get32(id, IDC_NN));
	EXPECT_EQ(0x10400u, get32(id, IDC_VER));
	/* MDTS in 4 KiB pages covers URPT_MAX_TRANSFER exactly. */
	EXPECT_EQ((uint64_t)URPT_MAX_TRANSFER, 4096ull << id[IDC_MDTS]);
	EXPECT_EQ(0x66, id[IDC_SQES]);
	EXPECT_EQ(0x44, id[IDC_CQES]);
	oncs = get16(id, IDC_ONCS);
	EXPECT_EQ(has(self, URPT_FEAT_DISCARD), !!(oncs & ONCS_DSM));
	EXPECT_EQ(has(self, URPT_FEAT_WRITE_ZEROES), !!(oncs & ONCS_WZ));
	EXPECT_EQ(0u, oncs & ~(ONCS_DSM | ONCS_WZ));
	EXPECT_EQ(sysfs_write_back(self), id[IDC_VWC] & 1);
	EXPECT_EQ(has(self, URPT_FEAT_WRITE_CACHE), id[IDC_VWC] & 1);
}

TEST_F(nvme, identify_other_cns_and_nsid)
{
	uint8_t *id = (uint8_t *)self->buf;

	NEED_SETUP();
	/* Active namespace list: just 1. */
	ASSERT_EQ(0, nv_id(self->ro_fd, 0, CNS_ACTIVE, 0, id));
	EXPECT_EQ(1u, get32(id, 0));
	EXPECT_EQ(0u, get32(id, 4));
	ASSERT_EQ(0, nv_id(self->ro_fd, 1, CNS_ACTIVE, 0, id));
	EXPECT_EQ(0u, get32(id, 0));
	/* NVM command set structures: valid and zero. */
	EXPECT_EQ(0, nv_id(self->ro_fd, 1, CNS_CS_NS, 0, id));
	EXPECT_EQ(0, id[0]);
	EXPECT_EQ(0, nv_id(self->ro_fd, 0, CNS_CS_CTRL, 0, id));
	/* Zoned: not this device (fio's zoned-model probe must fail). */
	EXPECT_EQ(SC_INV_FIELD, nv_id(self->ro_fd, 1, CNS_CS_NS, CSI_ZNS, id));
	EXPECT_EQ(SC_INV_FIELD,
		  nv_id(self->ro_fd, 1, CNS_CS_CTRL, CSI_ZNS, id));
	/* Its command set descriptor says NVM, the set vector NVM only. */
	ASSERT_EQ(0, nv_id(self->ro_fd, 1, CNS_DESCS, 0, id));
	EXPECT_EQ(4, id[0]);
	EXPECT_EQ(1, id[1]);
	EXPECT_EQ(0, id[4]);
	ASSERT_EQ(0, nv_id(self->ro_fd, 1, CNS_CS_SETS, 0, id));
	EXPECT_EQ((uint64_t)1, get64(id, 0));
	/* Command set independent namespace: ready. */
	ASSERT_EQ(0, nv_id(self->ro_fd, 1, CNS_INDEP, 0, id));
	EXPECT_EQ(1, id[IDI_NSTAT] & 1);
	/* Unknown CNS, other namespaces. */
	EXPECT_EQ(SC_INV_FIELD, nv_id(self->ro_fd, 1, 0x1f, 0, id));
	EXPECT_EQ(SC_INV_NS, nv_id(self->ro_fd, 2, CNS_NS, 0, id));
	EXPECT_EQ(SC_INV_NS, nv_id(self->ro_fd, 0, CNS_NS, 0, id));
	/* The broadcast NSID: common capabilities, no size. */
	ASSERT_EQ(0, nv_id(self->ro_fd, 0xffffffff, CNS_NS, 0, id));
	EXPECT_EQ(0u, get64(id, IDN_NSZE));
	EXPECT_LT(8, id[IDN_LBAF0 + 2]);
}

TEST_F(nvme, identify_short_buffer_gets_the_start)
{
	struct nvme_passthru_cmd c;

	NEED_SETUP();
	ASSERT_EQ(0, nv_id(self->ro_fd, 0, CNS_CTRL, 0, self->buf2));
	memset(self->buf, 0xa5, ID_SIZE);
	nv_identify(&c, 0, CNS_CTRL, 0, self->buf);
	c.data_len = 64;
	EXPECT_EQ(0, nv_ioctl(self->ro_fd, NVME_IOCTL_ADMIN_CMD, &c));
	EXPECT_EQ(0, memcmp(self->buf, self->buf2, 64));
	EXPECT_EQ(0xa5, (uint8_t)self->buf[64]);
	/* A bad buffer: -EFAULT, as the driver's mapping would say. */
	nv_identify(&c, 0, CNS_CTRL, 0, ut_unmapped_range(ID_SIZE));
	EXPECT_EQ(-EFAULT, nv_ioctl(self->ro_fd, NVME_IOCTL_ADMIN_CMD, &c));
}

TEST_F(nvme, admin_other_opcodes_invalid_opcode)
{
	struct nvme_passthru_cmd c;
	struct nvme_passthru_cmd64 c64;
	struct ut_cqe cqe;

	NEED_SETUP();
	memset(&c, 0, sizeof(c));
	c.opcode = OP_GET_LOG;
	c.nsid = 0xffffffff;
	c.addr = (uint64_t)(uintptr_t)self->buf;
	c.data_len = 512;
	c.cdw10 = 0x02 | (127u << 16);	/* SMART log */
	c.result = 0xdeadbeef;
	EXPECT_EQ(SC_INV_OPCODE, nv_ioctl(self->ro_fd, NVME_IOCTL_ADMIN_CMD,
					   &c));
	EXPECT_EQ(0u, c.result);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_ADMIN,
			      &c, 0, &cqe));
	EXPECT_NV(&cqe, SC_INV_OPCODE, "get log page (uring)");
	memset(&c64, 0, sizeof(c64));
	c64.opcode = OP_IDENTIFY;
	c64.addr = (uint64_t)(uintptr_t)self->buf;
	c64.data_len = ID_SIZE;
	c64.cdw10 = CNS_CTRL;
	c64.result = ~0ull;
	EXPECT_EQ(0, nv_ioctl(self->ro_fd, NVME_IOCTL_ADMIN64_CMD, &c64));
	EXPECT_EQ(0ull, c64.result);
	EXPECT_EQ(1u, get32(self->buf, IDC_NN));
}

/* ---- data ------------------------------------------------------------------ */

TEST_F(nvme, uring_write_native_read_and_back)
{
	struct nvme_passthru_cmd c;
	uint32_t nb = 16, len = nb * self->lbs;
	uint64_t lba;

	NEED_SETUP();
	lba = nv_rand_lba(self, nb);
	ut_fill(self->buf, len, self->rng + 1);
	nv_fill(&c, OP_WRITE, lba, nb, self->buf, len);
	nv_expect_io(_metadata, self, self->rw_fd, &c, 0, "write");
	ASSERT_EQ(0, native_read(self, self->buf2, len, lba * self->lbs));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));
	EXPECT_EQ(-1, ut_disk_diff(self->d.direct_fd, self->buf2, BUF_SIZE,
				   self->buf, len, lba * self->lbs));

	/* Native write, NVMe read (O_RDONLY node). */
	ut_fill(self->buf, len, self->rng + 2);
	ASSERT_EQ(0, native_write(self, self->buf, len, lba * self->lbs));
	memset(self->buf2, 0, len);
	nv_fill(&c, OP_READ, lba, nb, self->buf2, len);
	nv_expect_io(_metadata, self, self->ro_fd, &c, 0, "read");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));

	/* FUA write, LR read: success too. */
	nv_fill(&c, OP_WRITE, lba, nb, self->buf, len);
	c.cdw12 |= CDW12_FUA;
	nv_expect_io(_metadata, self, self->rw_fd, &c, 0, "write FUA");
	nv_fill(&c, OP_READ, lba, nb, self->buf2, len);
	c.cdw12 |= CDW12_FUA | (1u << 31);
	nv_expect_io(_metadata, self, self->rw_fd, &c, 0, "read FUA LR");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));
}

TEST_F(nvme, ioctl_io_cmd_round_trip_and_64)
{
	struct nvme_passthru_cmd c;
	struct nvme_passthru_cmd64 c64;
	uint32_t nb = 8, len = nb * self->lbs;
	uint64_t lba;

	NEED_SETUP();
	lba = nv_rand_lba(self, nb);
	ut_fill(self->buf, len, self->rng + 3);
	nv_fill(&c, OP_WRITE, lba, nb, self->buf, len);
	nv_expect_ioctl(_metadata, self->rw_fd, &c, 0, "write");
	EXPECT_EQ(-1, ut_disk_diff(self->d.direct_fd, self->buf2, BUF_SIZE,
				   self->buf, len, lba * self->lbs));
	memset(self->buf2, 0, len);
	nv_fill(&c, OP_READ, lba, nb, self->buf2, len);
	nv_expect_ioctl(_metadata, self->ro_fd, &c, 0, "read");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));

	/* NVME_IOCTL_IO64_CMD: the same, 64-bit result written back. */
	memset(self->buf2, 0, len);
	memset(&c64, 0, sizeof(c64));
	c64.opcode = OP_READ;
	c64.nsid = 1;
	c64.addr = (uint64_t)(uintptr_t)self->buf2;
	c64.data_len = len;
	c64.cdw10 = (uint32_t)lba;
	c64.cdw11 = lba >> 32;
	c64.cdw12 = nb - 1;
	c64.result = ~0ull;
	EXPECT_EQ(0, nv_ioctl(self->ro_fd, NVME_IOCTL_IO64_CMD, &c64));
	EXPECT_EQ(0ull, c64.result);
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));

	/* Unaligned buffer: bounced, same data. */
	nv_fill(&c, OP_READ, lba, 1, self->buf2 + 1, self->lbs);
	nv_expect_ioctl(_metadata, self->ro_fd, &c, 0, "unaligned read");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2 + 1, self->lbs));
}

TEST_F(nvme, longer_buffer_transfers_only_nlb)
{
	struct nvme_passthru_cmd c;
	uint64_t lba;

	NEED_SETUP();
	lba = nv_rand_lba(self, 2);
	ut_fill(self->buf, 2 * self->lbs, self->rng + 4);
	ASSERT_EQ(0, native_write(self, self->buf, 2 * self->lbs,
				  lba * self->lbs));
	/* One block to write, a buffer of two: the second stays. */
	ut_fill(self->buf2, 2 * self->lbs, self->rng + 5);
	nv_fill(&c, OP_WRITE, lba, 1, self->buf2, 2 * self->lbs);
	nv_expect_both(_metadata, self, self->rw_fd, &c, 0, "long buffer");
	memcpy(self->buf, self->buf2, self->lbs);
	EXPECT_EQ(-1, ut_disk_diff(self->d.direct_fd, self->buf2 + 4 * self->lbs,
				   2 * self->lbs, self->buf, 2 * self->lbs,
				   lba * self->lbs));
	/* Read one block into a buffer of two: the rest untouched. */
	memset(self->buf2, 0x5a, 2 * self->lbs);
	nv_fill(&c, OP_READ, lba, 1, self->buf2, 2 * self->lbs);
	nv_expect_io(_metadata, self, self->ro_fd, &c, 0, "long read buffer");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, self->lbs));
	EXPECT_EQ(0x5a, (uint8_t)self->buf2[2 * self->lbs - 1]);
}

TEST_F(nvme, vectored_round_trip)
{
	struct nvme_passthru_cmd c;
	struct iovec iov[3];
	uint32_t len = 6 * self->lbs;
	struct ut_cqe cqe;
	uint64_t lba;

	NEED_SETUP();
	lba = nv_rand_lba(self, 7);
	ut_fill(self->buf, len, self->rng + 6);
	iov[0].iov_base = self->buf;
	iov[0].iov_len = self->lbs;
	iov[1].iov_base = self->buf + self->lbs;
	iov[1].iov_len = 3 * self->lbs;
	iov[2].iov_base = self->buf + 4 * self->lbs;
	iov[2].iov_len = 2 * self->lbs;
	nv_fill(&c, OP_WRITE, lba, 6, iov, 3);
	ASSERT_EQ(0, nv_uring(&self->ring, self->rw_fd, NVME_URING_CMD_IO_VEC,
			      &c, 0, &cqe));
	EXPECT_NV(&cqe, 0, "write vec");
	ASSERT_EQ(0, native_read(self, self->buf2, len, lba * self->lbs));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));

	memset(self->buf2, 0, len);
	iov[0].iov_base = self->buf2 + 2 * self->lbs;
	iov[0].iov_len = 4 * self->lbs;
	iov[1].iov_base = self->buf2;
	iov[1].iov_len = 2 * self->lbs;
	nv_fill(&c, OP_READ, lba, 6, iov, 2);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_IO_VEC,
			      &c, 0, &cqe));
	EXPECT_NV(&cqe, 0, "read vec");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2 + 2 * self->lbs,
				    4 * self->lbs));
	EXPECT_EQ(-1, ut_first_diff(self->buf + 4 * self->lbs, self->buf2,
				    2 * self->lbs));

	/* The iovecs hold less than NLB blocks: Data SGL Length Invalid. */
	nv_fill(&c, OP_READ, lba, 7, iov, 2);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_IO_VEC,
			      &c, 0, &cqe));
	EXPECT_NV(&cqe, SC_SGL_LEN, "short vec");
	/* NVME_IOCTL_IO64_CMD_VEC */
	{
		struct nvme_passthru_cmd64 c64 = {
			.opcode = OP_READ, .nsid = 1,
			.addr = (uint64_t)(uintptr_t)iov, .vec_cnt = 2,
			.cdw10 = (uint32_t)lba, .cdw11 = lba >> 32,
			.cdw12 = 5,
		};

		memset(self->buf2, 0, len);
		EXPECT_EQ(0, nv_ioctl(self->ro_fd, NVME_IOCTL_IO64_CMD_VEC,
				      &c64));
		EXPECT_EQ(-1, ut_first_diff(self->buf + 4 * self->lbs,
					    self->buf2, 2 * self->lbs));
		EXPECT_EQ(-1, ut_first_diff(self->buf,
					    self->buf2 + 2 * self->lbs,
					    4 * self->lbs));
	}
}

TEST_F(nvme, fixed_buffers)
{
	struct nvme_passthru_cmd c;
	struct iovec reg = { .iov_base = NULL, .iov_len = BUF_SIZE };
	uint32_t len = 8 * self->lbs;
	struct ut_cqe cqe;
	uint64_t lba;

	NEED_SETUP();
	reg.iov_base = self->buf2;
	ASSERT_EQ(0, io_uring_register_buffers(&self->ring, &reg, 1));
	lba = nv_rand_lba(self, 8);
	ut_fill(self->buf2, len, self->rng + 7);
	memcpy(self->buf, self->buf2, len);
	nv_fill(&c, OP_WRITE, lba, 8, self->buf2, len);
	ASSERT_EQ(0, nv_uring(&self->ring, self->rw_fd, NVME_URING_CMD_IO, &c,
			      IORING_URING_CMD_FIXED, &cqe));
	EXPECT_NV(&cqe, 0, "fixed write");
	memset(self->buf2, 0, BUF_SIZE);
	ASSERT_EQ(0, native_read(self, self->buf2, len, lba * self->lbs));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));
	memset(self->buf2, 0, BUF_SIZE);
	nv_fill(&c, OP_READ, lba, 8, self->buf2 + self->lbs, len);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_IO, &c,
			      IORING_URING_CMD_FIXED, &cqe));
	EXPECT_NV(&cqe, 0, "fixed read");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2 + self->lbs, len));
	/* Outside the registered buffer: -EFAULT. */
	nv_fill(&c, OP_READ, lba, 8, self->buf2 + BUF_SIZE - self->lbs, len);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_IO, &c,
			      IORING_URING_CMD_FIXED, &cqe));
	EXPECT_EQ(-EFAULT, cqe.res);
	io_uring_unregister_buffers(&self->ring);
}

TEST_F(nvme, iopoll_ring)
{
	struct nvme_passthru_cmd c;
	uint32_t len = 4 * self->lbs;
	struct io_uring ring;
	struct ut_cqe cqe;
	uint64_t lba;
	int i;

	NEED_SETUP();
	if (!getenv("URPT_POLL"))
		SKIP(return, "%s has no poll queues (URPT_POLL unset)",
		     self->d.name);
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, IORING_SETUP_SQE128 |
					 IORING_SETUP_CQE32 |
					 IORING_SETUP_IOPOLL));
	for (i = 0; i < 8; i++) {
		lba = nv_rand_lba(self, 4);
		ut_fill(self->buf, len, self->rng + 8 + i);
		nv_fill(&c, OP_WRITE, lba, 4, self->buf, len);
		ASSERT_EQ(0, nv_uring(&ring, self->rw_fd, NVME_URING_CMD_IO,
				      &c, 0, &cqe));
		EXPECT_NV(&cqe, 0, "polled write");
		memset(self->buf2, 0, len);
		nv_fill(&c, OP_READ, lba, 4, self->buf2, len);
		ASSERT_EQ(0, nv_uring(&ring, self->rw_fd, NVME_URING_CMD_IO,
				      &c, 0, &cqe));
		EXPECT_NV(&cqe, 0, "polled read");
		EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len));
	}
	nv_fill(&c, OP_FLUSH, 0, 0, NULL, 0);
	c.cdw12 = 0;
	ASSERT_EQ(0, nv_uring(&ring, self->rw_fd, NVME_URING_CMD_IO, &c, 0,
			      &cqe));
	EXPECT_NV(&cqe, 0, "polled flush");
	nv_fill(&c, OP_READ, self->nlbas, 1, self->buf2, self->lbs);
	ASSERT_EQ(0, nv_uring(&ring, self->rw_fd, NVME_URING_CMD_IO, &c, 0,
			      &cqe));
	EXPECT_NV(&cqe, SC_LBA_RANGE, "polled read past the end");
	io_uring_queue_exit(&ring);
}

/* ---- Flush, Write Zeroes, Dataset Management ------------------------------ */

TEST_F(nvme, flush)
{
	struct nvme_passthru_cmd c;

	NEED_SETUP();
	nv_fill(&c, OP_FLUSH, 0, 0, NULL, 0);
	nv_expect_both(_metadata, self, self->rw_fd, &c, 0, "flush");
	nv_expect_both(_metadata, self, self->ro_fd, &c, 0, "flush O_RDONLY");
	c.cdw10 = 1;
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_INV_FIELD,
		       "flush with cdw10");
}

/* The ZNS commands on a disk without zones: no such commands. */
TEST_F(nvme, zone_commands_without_zones_are_invalid_opcodes)
{
	static const uint8_t ops[] = { 0x79, 0x7a, 0x7d };
	struct nvme_passthru_cmd c;
	unsigned int i;

	NEED_SETUP();
	if (has(self, URPT_FEAT_ZONED))
		SKIP(return, "%s is zoned: urpt_zns_test covers it",
		     self->d.name);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		nv_fill(&c, ops[i], 0, 1, self->buf, self->lbs);
		nv_expect_both(_metadata, self, self->rw_fd, &c,
			       SC_INV_OPCODE, "zone command, no zones");
	}
}

TEST_F_TIMEOUT(nvme, write_zeroes_reads_back_zeroes, 60)
{
	struct nvme_passthru_cmd c;
	uint32_t nb = 32, len = nb * self->lbs;
	int k;

	NEED_SETUP();
	nv_fill(&c, OP_WZ, 0, 1, NULL, 0);
	if (!has(self, URPT_FEAT_WRITE_ZEROES)) {
		nv_expect_both(_metadata, self, self->rw_fd, &c, SC_INV_OPCODE,
			       "write zeroes, unsupported");
		SKIP(return, "%s cannot write zeroes (ONCS says so)",
		     self->d.name);
	}
	for (k = 0; k < 2; k++) {
		uint64_t lba = nv_rand_lba(self, nb);

		ut_fill(self->buf, len, self->rng + 20 + k);
		ASSERT_EQ(0, native_write(self, self->buf, len,
					  lba * self->lbs));
		nv_fill(&c, OP_WZ, lba, nb, NULL, 0);
		c.cdw12 |= k ? CDW12_DEAC : 0;
		if (k)
			nv_expect_ioctl(_metadata, self->rw_fd, &c, 0, "wz");
		else
			nv_expect_io(_metadata, self, self->rw_fd, &c, 0, "wz");
		memset(self->buf, 0, len);
		nv_fill(&c, OP_READ, lba, nb, self->buf2, len);
		nv_expect_io(_metadata, self, self->ro_fd, &c, 0, "read");
		EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, len)) {
			TH_LOG("write zeroes (DEAC %d) did not read zeroes", k);
		}
	}
	/* FUA: refused only where a volatile cache would make it a lie. */
	nv_fill(&c, OP_WZ, 0, 1, NULL, 0);
	c.cdw12 |= CDW12_FUA;
	nv_expect_both(_metadata, self, self->rw_fd, &c,
		       has(self, URPT_FEAT_WRITE_CACHE) ? SC_INV_FIELD : 0,
		       "write zeroes FUA");
	nv_fill(&c, OP_WZ, self->nlbas - 1, 2, NULL, 0);
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_LBA_RANGE,
		       "write zeroes past the end");
	nv_fill(&c, OP_WZ, 0, 1, NULL, 0);
	c.cdw12 |= CDW12_PRINFO;
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_INV_FIELD,
		       "write zeroes PRINFO");
}

TEST_F_TIMEOUT(nvme, dsm_deallocate, 60)
{
	struct dsm_range r[4];
	struct nvme_passthru_cmd c;
	uint32_t nb = 16, len = nb * self->lbs;
	uint64_t lba;

	NEED_SETUP();
	memset(r, 0, sizeof(r));
	nv_fill(&c, OP_DSM, 0, 0, r, sizeof(r[0]));
	c.cdw11 = DSM_AD;
	c.cdw12 = 0;
	if (!has(self, URPT_FEAT_DISCARD)) {
		nv_expect_both(_metadata, self, self->rw_fd, &c, SC_INV_OPCODE,
			       "dsm, unsupported");
		SKIP(return, "%s cannot discard (ONCS says so)", self->d.name);
	}
	lba = nv_rand_lba(self, 2 * nb);
	ut_fill(self->buf, 2 * len, self->rng + 30);
	ASSERT_EQ(0, native_write(self, self->buf, 2 * len, lba * self->lbs));
	/* Two ranges and an empty one. */
	r[0].slba = lba;
	r[0].nlb = nb;
	r[1].slba = 0;
	r[1].nlb = 0;
	r[2].slba = lba + nb;
	r[2].nlb = nb;
	nv_fill(&c, OP_DSM, 0, 0, r, 3 * sizeof(r[0]));
	c.cdw10 = 2;
	c.cdw11 = DSM_AD;
	c.cdw12 = 0;
	nv_expect_io(_metadata, self, self->rw_fd, &c, 0, "dsm AD");
	nv_expect_ioctl(_metadata, self->rw_fd, &c, 0, "dsm AD");
	/* Reads succeed; what they return the disk does not promise. */
	nv_fill(&c, OP_READ, lba, nb, self->buf2, len);
	nv_expect_io(_metadata, self, self->ro_fd, &c, 0, "read deallocated");

	/* Hints only: success, nothing to do. */
	nv_fill(&c, OP_DSM, 0, 0, r, sizeof(r[0]));
	c.cdw11 = 3;
	c.cdw12 = 0;
	nv_expect_both(_metadata, self, self->rw_fd, &c, 0, "dsm IDR IDW");
	/* A range past the end fails the whole command. */
	r[1].slba = self->nlbas - 1;
	r[1].nlb = 2;
	nv_fill(&c, OP_DSM, 0, 0, r, 2 * sizeof(r[0]));
	c.cdw10 = 1;
	c.cdw11 = DSM_AD;
	c.cdw12 = 0;
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_LBA_RANGE,
		       "dsm past the end");
	/* Ranges beyond the buffer; reserved bits. */
	c.data_len = sizeof(r[0]);
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_SGL_LEN,
		       "dsm short buffer");
	nv_fill(&c, OP_DSM, 0, 0, r, sizeof(r[0]));
	c.cdw11 = DSM_AD | 8;
	c.cdw12 = 0;
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_INV_FIELD,
		       "dsm reserved attribute");
	/* The ranges in a registered buffer. */
	{
		struct iovec reg = { .iov_base = self->buf2,
				     .iov_len = BUF_SIZE };
		struct ut_cqe cqe;

		memcpy(self->buf2, r, sizeof(r[0]));
		ASSERT_EQ(0, io_uring_register_buffers(&self->ring, &reg, 1));
		nv_fill(&c, OP_DSM, 0, 0, self->buf2, sizeof(r[0]));
		c.cdw11 = DSM_AD;
		c.cdw12 = 0;
		ASSERT_EQ(0, nv_uring(&self->ring, self->rw_fd,
				      NVME_URING_CMD_IO, &c,
				      IORING_URING_CMD_FIXED, &cqe));
		EXPECT_NV(&cqe, 0, "dsm fixed");
		io_uring_unregister_buffers(&self->ring);
	}
}

/* ---- refusals ------------------------------------------------------------- */

/*
 * Where the nvme driver answers -EINVAL before its controller sees the
 * command, urpt answers as the controller would: an NVMe status.
 */
TEST_F(nvme, driver_checks_are_nvme_statuses)
{
	struct nvme_passthru_cmd c;

	NEED_SETUP();
	nv_fill(&c, OP_READ, 0, 1, self->buf, self->lbs);
	c.nsid = 2;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_NS, "nsid 2");
	c.nsid = 0xffffffff;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_NS,
		       "nsid broadcast");
	c.nsid = 0;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_NS, "nsid 0");
	c.nsid = 1;
	c.flags = 0x40;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_FIELD, "flags");
	c.flags = 0;
	c.metadata = (uint64_t)(uintptr_t)self->buf2;
	c.metadata_len = 8;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_FIELD,
		       "metadata");
	c.metadata = 0;
	c.metadata_len = 0;
	c.addr = (uint64_t)(uintptr_t)ut_unmapped_range(self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, -EFAULT,
		       "unmapped buffer");
}

TEST_F(nvme, controller_checks_are_nvme_statuses)
{
	struct nvme_passthru_cmd c;

	NEED_SETUP();
	nv_fill(&c, OP_READ, self->nlbas, 1, self->buf, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_LBA_RANGE,
		       "read at nsze");
	nv_fill(&c, OP_WRITE, self->nlbas - 1, 2, self->buf, 2 * self->lbs);
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_LBA_RANGE,
		       "write across the end");
	nv_fill(&c, OP_READ, 1ull << 62, 1, self->buf, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_LBA_RANGE,
		       "read at 2^62");
	nv_fill(&c, OP_READ, 0, 1, self->buf, self->lbs);
	c.cdw2 = 1;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_FIELD, "cdw2");
	nv_fill(&c, OP_READ, 0, 1, self->buf, self->lbs);
	c.cdw12 |= CDW12_PRINFO;
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_FIELD,
		       "PRINFO");
	nv_fill(&c, OP_WRITE, 0, 1, self->buf, self->lbs);
	c.cdw12 |= 1u << 20;	/* DTYPE: no directives */
	nv_expect_both(_metadata, self, self->rw_fd, &c, SC_INV_FIELD,
		       "DTYPE");
	nv_fill(&c, OP_READ, 0, 1, self->buf, self->lbs - 1);
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_SGL_LEN,
		       "buffer shorter than NLB");
	nv_fill(&c, OP_READ, 0, 1, NULL, 0);
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_SGL_LEN,
		       "no buffer");
	nv_fill(&c, OP_COMPARE, 0, 1, self->buf, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_OPCODE,
		       "compare");
	nv_fill(&c, 0x81, 0, 1, self->buf, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_OPCODE,
		       "vendor opcode");
	/* More than MDTS (64 MiB) in one command: Invalid Field. */
	if (self->lbs >= 2048 && self->nlbas > 65536) {
		nv_fill(&c, OP_READ, 0, 65536, self->buf, BUF_SIZE);
		nv_expect_both(_metadata, self, self->ro_fd, &c, SC_INV_FIELD,
			       "beyond MDTS");
	}
}

TEST_F(nvme, ring_without_big_entries_eopnotsupp)
{
	static const unsigned int setups[] = {
		0, IORING_SETUP_SQE128, IORING_SETUP_CQE32,
	};
	struct nvme_passthru_cmd c;
	struct io_uring ring;
	struct ut_cqe cqe;
	unsigned int i;

	NEED_SETUP();
	nv_fill(&c, OP_READ, 0, 1, self->buf, self->lbs);
	for (i = 0; i < ARRAY_SIZE(setups); i++) {
		ASSERT_EQ(0, io_uring_queue_init(4, &ring, setups[i]));
		ASSERT_EQ(0, nv_uring(&ring, self->ro_fd, NVME_URING_CMD_IO,
				      &c, 0, &cqe));
		EXPECT_EQ(-EOPNOTSUPP, cqe.res) {
			TH_LOG("ring setup %#x: res %d", setups[i], cqe.res);
		}
		io_uring_queue_exit(&ring);
	}
}

TEST_F(nvme, permissions_without_cap_sys_admin)
{
	struct nvme_passthru_cmd c;
	struct dsm_range r = { .slba = 0, .nlb = 1 };
	int wo_fd;

	NEED_SETUP();
	wo_fd = open(self->d.path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wo_fd);
	/* With CAP_SYS_ADMIN, as nvme: any open mode may write. */
	ut_fill(self->buf, self->lbs, self->rng + 40);
	nv_fill(&c, OP_WRITE, 1, 1, self->buf, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, 0,
		       "root write on O_RDONLY");

	ASSERT_EQ(0, ut_sys_admin(false));
	nv_expect_both(_metadata, self, self->ro_fd, &c, -EACCES,
		       "write on O_RDONLY");
	nv_expect_both(_metadata, self, self->rw_fd, &c, 0, "write on O_RDWR");
	nv_expect_both(_metadata, self, wo_fd, &c, 0, "write on O_WRONLY");
	nv_fill(&c, OP_WZ, 1, 1, NULL, 0);
	nv_expect_both(_metadata, self, self->ro_fd, &c, -EACCES,
		       "write zeroes on O_RDONLY");
	nv_fill(&c, OP_DSM, 0, 0, &r, sizeof(r));
	c.cdw11 = DSM_AD;
	c.cdw12 = 0;
	nv_expect_both(_metadata, self, self->ro_fd, &c, -EACCES,
		       "dsm on O_RDONLY");
	nv_fill(&c, OP_READ, 1, 1, self->buf2, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, 0, "read on O_RDONLY");
	nv_expect_both(_metadata, self, wo_fd, &c, -EACCES,
		       "read on O_WRONLY");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, self->lbs));
	nv_fill(&c, OP_FLUSH, 0, 0, NULL, 0);
	nv_expect_both(_metadata, self, self->ro_fd, &c, 0,
		       "flush on O_RDONLY");
	nv_fill(&c, OP_COMPARE, 0, 1, self->buf, self->lbs);
	nv_expect_both(_metadata, self, self->ro_fd, &c, -EACCES,
		       "unknown opcode");
	/* Admin: Identify namespace and controller only. */
	EXPECT_EQ(0, nv_id(self->ro_fd, 1, CNS_NS, 0, self->buf2));
	EXPECT_EQ(0, nv_id(self->ro_fd, 0, CNS_CTRL, 0, self->buf2));
	EXPECT_EQ(-EACCES, nv_id(self->ro_fd, 0, CNS_ACTIVE, 0, self->buf2));
	memset(&c, 0, sizeof(c));
	c.opcode = OP_GET_LOG;
	EXPECT_EQ(-EACCES, nv_ioctl(self->ro_fd, NVME_IOCTL_ADMIN_CMD, &c));
	ASSERT_EQ(0, ut_sys_admin(true));
	close(wo_fd);
}

TEST_F(nvme, after_detach_enodev)
{
	struct nvme_passthru_cmd c;
	struct ut_cqe cqe;

	NEED_SETUP();
	ASSERT_EQ(0, urpt_ctl_detach(self->d.index));
	self->d.attached = false;
	nv_fill(&c, OP_READ, 0, 1, self->buf, self->lbs);
	ASSERT_EQ(0, nv_uring(&self->ring, self->ro_fd, NVME_URING_CMD_IO, &c,
			      0, &cqe));
	EXPECT_EQ(-ENODEV, cqe.res);
	EXPECT_EQ(-ENODEV, nv_ioctl(self->ro_fd, NVME_IOCTL_IO_CMD, &c));
	EXPECT_EQ(-ENODEV, nv_id(self->ro_fd, 1, CNS_NS, 0, self->buf2));
	EXPECT_EQ(1, nv_ioctl(self->ro_fd, NVME_IOCTL_ID, NULL));
}

TEST_HARNESS_MAIN
