// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the commands of /dev/urptN -- ring requirements, command
 * validation, INFO, READ/WRITE/FLUSH results and data integrity against
 * the backing disk read directly with O_DIRECT.
 *
 * Run as root with URPT_BDEV=/dev/<disk> (a disk the test may overwrite).
 * URPT_SEED=<n> changes the data patterns and offsets.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

FIXTURE(node) {
	bool skip;		/* no URPT_BDEV: every test SKIPs */
	const char *bdev;	/* URPT_BDEV */
	const char *name;	/* its basename, the disk name urpt reports */
	uint32_t index;
	bool attached;
	char path[64];		/* /dev/urpt<index> */
	bool opened;
	struct urpt_dev dev;	/* node opened O_RDWR, with liburpt's ring */
	struct urpt_info info;
	struct ut_geometry geo;	/* what the block layer says */
	int direct_fd;		/* URPT_BDEV, O_RDWR | O_DIRECT */
	uint32_t io_max;	/* largest I/O here: max_transfer, <= 1 MiB */
	void *buf;		/* 2 * io_max, page aligned */
	void *buf2;		/* same size */
	size_t buf_size;
	uint64_t rng;
};

/*
 * The integrity tests here stop at 1 MiB per command: the 64 MiB that
 * max_transfer allows are tested by urpt_path_test, once per disk.
 */
#define IO_MAX		(1u << 20)

/* Setup cannot rely on teardown (it does not run if setup fails). */
static void node_release(FIXTURE_DATA(node) *self)
{
	if (self->direct_fd >= 0)
		close(self->direct_fd);
	self->direct_fd = -1;
	if (self->opened)
		urpt_dev_close(&self->dev);
	self->opened = false;
	if (self->attached)
		urpt_ctl_detach(self->index);
	self->attached = false;
	free(self->buf);
	free(self->buf2);
	self->buf = self->buf2 = NULL;
}

FIXTURE_SETUP(node)
{
	int ret;

	self->direct_fd = -1;
	self->bdev = ut_bdev();
	if (!self->bdev) {
		self->skip = true;
		SKIP(return, "URPT_BDEV is not set");
	}
	self->name = ut_basename(self->bdev);
	self->rng = ut_seed();
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	ASSERT_EQ(0, ut_bdev_geometry(self->bdev, &self->geo)) {
		TH_LOG("cannot query %s", self->bdev);
	}
	ret = ut_detach_leftovers(self->name);
	ASSERT_LE(0, ret);
	if (ret)
		TH_LOG("detached %d leftover attachment(s) of %s", ret,
		       self->name);

	ret = urpt_ctl_attach(self->bdev, 0, &self->index);
	ASSERT_EQ(0, ret) {
		TH_LOG("attach %s: %s", self->bdev, strerror(-ret));
	}
	self->attached = true;
	ut_node_path(self->path, sizeof(self->path), self->index);

	ret = urpt_dev_open(&self->dev, self->path, O_RDWR);
	if (ret < 0) {
		node_release(self);
		ASSERT_LE(0, ret) {
			TH_LOG("open %s: %s", self->path, strerror(-ret));
		}
	}
	self->opened = true;

	ret = urpt_info(&self->dev, &self->info, NULL);
	if (ret < 0 || self->info.size != sizeof(self->info) ||
	    !self->info.logical_block_size ||
	    self->info.max_transfer < self->info.logical_block_size ||
	    self->info.max_transfer > (64u << 20) ||
	    !self->info.dma_alignment) {
		node_release(self);
		ASSERT_TRUE(false) {
			TH_LOG("INFO: ret %d size %u lbs %u max_transfer %u dma %u",
			       ret, self->info.size,
			       self->info.logical_block_size,
			       self->info.max_transfer,
			       self->info.dma_alignment);
		}
	}

	self->io_max = self->info.max_transfer < IO_MAX ?
		       self->info.max_transfer : IO_MAX;
	self->io_max -= self->io_max % self->info.logical_block_size;
	self->buf_size = 2 * (size_t)self->io_max;
	self->buf = ut_alloc(self->buf_size);
	self->buf2 = ut_alloc(self->buf_size);
	self->direct_fd = open(self->bdev, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (!self->buf || !self->buf2 || self->direct_fd < 0) {
		int err = errno;

		node_release(self);
		ASSERT_TRUE(false) {
			TH_LOG("buffers or O_DIRECT open of %s: %s",
			       self->bdev, strerror(err));
		}
	}
}

FIXTURE_TEARDOWN(node)
{
	bool attached = self->attached;
	uint32_t index = self->index;

	self->attached = false;
	node_release(self);
	if (attached) {
		EXPECT_EQ(0, urpt_ctl_detach(index));
	}
}

static uint32_t lbs_of(FIXTURE_DATA(node) *self)
{
	return self->info.logical_block_size;
}

/* Prepare cmd_op on the fixture's ring; NULL means the SQ ring was full. */
static struct urpt_cmd *prep(FIXTURE_DATA(node) *self, uint32_t cmd_op,
			     void *buf, uint32_t len, uint64_t offset)
{
	return ut_prep(&self->dev.ring, self->dev.fd, cmd_op, buf, len, offset);
}

/* A valid command of each kind, for the validation tests to corrupt. */
static struct urpt_cmd *prep_valid(FIXTURE_DATA(node) *self, uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_INFO:
		return prep(self, cmd_op, self->buf, 0, 0);
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
		return prep(self, cmd_op, self->buf, lbs_of(self), 0);
	default:
		return prep(self, cmd_op, NULL, 0, 0);
	}
}

static const uint32_t all_ops[] = {
	URPT_CMD_INFO, URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_FLUSH,
};

/*
 * Each of all_ops on a ring of 64-byte SQEs, with the 16 bytes of command
 * area that fit filled by hand: -EOPNOTSUPP.
 */
static void expect_short_sqe_eopnotsupp(struct __test_metadata *_metadata,
					FIXTURE_DATA(node) *self,
					struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct ut_cqe c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_ops); i++) {
		sqe = io_uring_get_sqe(ring);
		ASSERT_NE(NULL, sqe);
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, self->dev.fd,
				 NULL, 0, 0);
		sqe->cmd_op = all_ops[i];
		memset(sqe->cmd, 0, 16);
		sqe->cmd[0] = URPT_ABI_VERSION;
		ASSERT_EQ(0, ut_submit_one(ring, &c));
		EXPECT_EQ(-EOPNOTSUPP, c.res) {
			TH_LOG("%s: res %d", ut_op_name(all_ops[i]), c.res);
		}
	}
}

/* ---- the node itself ----------------------------------------------------- */

TEST_F(node, node_is_char_0600_with_backing)
{
	char text[64], want[64];
	struct stat st;
	unsigned int maj, min;

	NEED_SETUP();
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600u, st.st_mode & 07777);

	snprintf(want, sizeof(want), "/sys/class/urpt/urpt%u/backing",
		 self->index);
	ASSERT_LT(0, ut_read_text(want, text, sizeof(text)));
	snprintf(want, sizeof(want), "%s\n", self->name);
	EXPECT_STREQ(want, text);

	/* The node is the device sysfs describes. */
	snprintf(want, sizeof(want), "/sys/class/urpt/urpt%u/dev",
		 self->index);
	ASSERT_LT(0, ut_read_text(want, text, sizeof(text)));
	ASSERT_EQ(2, sscanf(text, "%u:%u", &maj, &min));
	EXPECT_EQ(maj, major(st.st_rdev));
	EXPECT_EQ(min, minor(st.st_rdev));
}

/* ---- ring requirements --------------------------------------------------- */

/* Each command on a SQE128 ring without big CQEs: -EOPNOTSUPP. */
TEST_F(node, ring_sqe128_only_eopnotsupp)
{
	struct io_uring ring;

	NEED_SETUP();
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, IORING_SETUP_SQE128));
	ut_expect_ring_eopnotsupp(_metadata, &ring, self->dev.fd, all_ops,
				  ARRAY_SIZE(all_ops), self->buf, lbs_of(self));
	io_uring_queue_exit(&ring);
}

/* Big CQEs but 64-byte SQEs: the command cannot fit, -EOPNOTSUPP. */
TEST_F(node, ring_cqe32_only_eopnotsupp)
{
	struct io_uring ring;

	NEED_SETUP();
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, IORING_SETUP_CQE32));
	expect_short_sqe_eopnotsupp(_metadata, self, &ring);
	io_uring_queue_exit(&ring);
}

/* A plain ring: 64-byte SQEs, 16-byte CQEs. */
TEST_F(node, ring_plain_eopnotsupp)
{
	struct io_uring ring;

	NEED_SETUP();
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	expect_short_sqe_eopnotsupp(_metadata, self, &ring);
	io_uring_queue_exit(&ring);
}

TEST_F(node, unknown_cmd_op_eopnotsupp)
{
	static const uint32_t unknown[] = {
		_IO(URPT_IOC_MAGIC, 0x3f),
		0,
		/* READ's number with the wrong size encoded */
		_IOR(URPT_IOC_MAGIC, 0x02, __u64),
		/* FLUSH's number without the size (its pre-v1 encoding) */
		_IO(URPT_IOC_MAGIC, 0x04),
		/* the personality range left free */
		_IOWR(URPT_IOC_MAGIC, 0x80, struct urpt_cmd),
	};
	struct ut_cqe c;
	size_t i;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		ASSERT_NE(NULL, prep(self, unknown[i], self->buf,
				     lbs_of(self), 0));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		EXPECT_EQ(-EOPNOTSUPP, c.res) {
			TH_LOG("cmd_op %#x: res %d", unknown[i], c.res);
		}
	}
}

/* ---- header validation, every command ------------------------------------ */

/* One corruption of an otherwise valid command. */
struct corruption {
	const char *name;
	void (*apply)(struct urpt_cmd *cmd, unsigned int arg);
	unsigned int arg;
};

static void set_version(struct urpt_cmd *cmd, unsigned int v)
{
	cmd->version = v;
}

static void set_flags(struct urpt_cmd *cmd, unsigned int f)
{
	cmd->flags = f;
}

static void set_rsvd0(struct urpt_cmd *cmd, unsigned int i)
{
	cmd->rsvd0[i] = 0x01;
}

static void set_zone_action(struct urpt_cmd *cmd, unsigned int v)
{
	cmd->zone_action = v;
}

static void set_rsvd2(struct urpt_cmd *cmd, unsigned int i)
{
	cmd->rsvd2[i] = 1ULL << (i * 9);
}

static const struct corruption corruptions[] = {
	{ "version 0", set_version, 0 },
	{ "version 2", set_version, URPT_ABI_VERSION + 1 },
	{ "version 0xff", set_version, 0xff },
	/* Bits 0..2 are flags of some commands: urpt_cmds_test has them. */
	{ "flags bit 3", set_flags, 1u << 3 },
	{ "flags bit 16", set_flags, 1u << 16 },
	{ "flags bit 31", set_flags, 1u << 31 },
	{ "rsvd0[0]", set_rsvd0, 0 },
	{ "rsvd0[1]", set_rsvd0, 1 },
	{ "rsvd0[2]", set_rsvd0, 2 },
	{ "zone_action bit 0", set_zone_action, 1u },
	{ "zone_action bit 31", set_zone_action, 1u << 31 },
	{ "rsvd2[0]", set_rsvd2, 0 },
	{ "rsvd2[1]", set_rsvd2, 1 },
	{ "rsvd2[2]", set_rsvd2, 2 },
	{ "rsvd2[3]", set_rsvd2, 3 },
	{ "rsvd2[4]", set_rsvd2, 4 },
	{ "rsvd2[5]", set_rsvd2, 5 },
};

/* Runs every corruption on every command, on a node opened mode. */
static void check_corruptions(struct __test_metadata *_metadata,
			      FIXTURE_DATA(node) *self)
{
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	char what[64];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(all_ops); i++) {
		for (j = 0; j < ARRAY_SIZE(corruptions); j++) {
			snprintf(what, sizeof(what), "%s, %s",
				 ut_op_name(all_ops[i]), corruptions[j].name);
			cmd = prep_valid(self, all_ops[i]);
			ASSERT_NE(NULL, cmd);
			corruptions[j].apply(cmd, corruptions[j].arg);
			ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
			UT_EXPECT_REFUSED(&c, EINVAL, what);
		}
	}
}

TEST_F(node, bad_version_flags_rsvd_einval)
{
	struct ut_cqe c;
	size_t i;

	NEED_SETUP();
	check_corruptions(_metadata, self);

	/* The same commands uncorrupted pass: the test is not vacuous. */
	for (i = 0; i < ARRAY_SIZE(all_ops); i++) {
		ASSERT_NE(NULL, prep_valid(self, all_ops[i]));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		EXPECT_LE(0, c.res) {
			TH_LOG("valid %s: res %d", ut_op_name(all_ops[i]),
			       c.res);
		}
	}
}

/* ---- INFO ---------------------------------------------------------------- */

/* A queue attribute of the disk (of the whole disk for a partition). */
static bool sysfs_flag(const char *disk, const char *attr, const char *yes,
		       bool *value)
{
	char text[64];

	if (ut_sysfs_queue(disk, attr, text, sizeof(text)) <= 0)
		return false;
	*value = !strncmp(text, yes, strlen(yes));
	return true;
}

TEST_F(node, info_contents)
{
	struct urpt_info *info = self->buf;
	uint32_t lbs, dma;
	struct ut_cqe c;
	bool flag;
	size_t i;

	NEED_SETUP();
	memset(info, 0xa5, sizeof(*info));
	ASSERT_NE(NULL, prep(self, URPT_CMD_INFO, info, 0, 0));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	ASSERT_EQ((int32_t)sizeof(*info), c.res);
	EXPECT_EQ((uint64_t)0, c.extra[1]);

	EXPECT_EQ((uint32_t)URPT_ABI_VERSION, info->version);
	EXPECT_EQ((uint32_t)sizeof(*info), info->size);
	EXPECT_EQ(self->geo.capacity, info->capacity);
	EXPECT_EQ(self->geo.lbs, info->logical_block_size);
	EXPECT_EQ(self->geo.pbs, info->physical_block_size);

	lbs = info->logical_block_size;
	EXPECT_LE(lbs, info->max_transfer);
	EXPECT_EQ(0u, info->max_transfer % lbs);
	/* 64 MiB whatever the disk: urpt splits what the disk cannot take. */
	EXPECT_EQ(URPT_MAX_TRANSFER, info->max_transfer);
	EXPECT_EQ((uint32_t)URPT_MAX_IOVECS, info->max_iovecs);

	dma = info->dma_alignment;
	EXPECT_LE(1u, dma);
	EXPECT_EQ(0u, dma & (dma - 1)) {
		TH_LOG("dma_alignment %u is not a power of two", dma);
	}

	ASSERT_NE(NULL, memchr(info->disk_name, '\0', URPT_DISK_NAME_LEN));
	EXPECT_STREQ(self->name, info->disk_name);
	EXPECT_EQ(0u, info->rsvd0);
	for (i = 0; i < ARRAY_SIZE(info->rsvd); i++) {
		EXPECT_EQ((uint64_t)0, info->rsvd[i]);
	}

	/* Features: an exclusive read-write attach of a disk or partition. */
	EXPECT_EQ((uint64_t)0, info->features & URPT_FEAT_READ_ONLY);
	EXPECT_EQ(ut_is_partition(self->name),
		  !!(info->features & URPT_FEAT_PARTITION));
	EXPECT_EQ((uint64_t)0, info->features & ~(uint64_t)0x7ff) {
		TH_LOG("undefined feature bits %#llx",
		       (unsigned long long)info->features);
	}
	/* The rest mirrors the queue's sysfs view, where it exists. */
	if (sysfs_flag(self->name, "rotational", "1", &flag)) {
		EXPECT_EQ(flag, !!(info->features & URPT_FEAT_ROTATIONAL));
	}
	if (sysfs_flag(self->name, "write_cache", "write back", &flag)) {
		EXPECT_EQ(flag, !!(info->features & URPT_FEAT_WRITE_CACHE));
	}
	if (sysfs_flag(self->name, "fua", "1", &flag)) {
		EXPECT_EQ(flag, !!(info->features & URPT_FEAT_FUA));
	}
	if (sysfs_flag(self->name, "io_poll", "1", &flag)) {
		EXPECT_EQ(flag, !!(info->features & URPT_FEAT_POLL));
	}
	/* What the feature bits announce, the limits agree with. */
	EXPECT_EQ(!!info->max_discard,
		  !!(info->features & URPT_FEAT_DISCARD));
	EXPECT_EQ(!!info->max_write_zeroes,
		  !!(info->features & URPT_FEAT_WRITE_ZEROES));
	if (!info->max_discard) {
		EXPECT_EQ(0u, info->discard_granularity);
	}
	/* Registered vectors need registered buffers. */
	if (info->features & URPT_FEAT_FIXED_VEC) {
		EXPECT_TRUE(!!(info->features & URPT_FEAT_FIXED));
	}
}

/* The limits INFO added with READV..WRITE_ZEROES, against sysfs. */
TEST_F(node, info_limits_match_sysfs)
{
	const struct urpt_info *info = &self->info;
	uint32_t lbs = info->logical_block_size;
	uint64_t v;

	NEED_SETUP();
	ASSERT_EQ(0, ut_sysfs_queue_u64(self->name, "max_sectors_kb", &v));
	/* max_sectors_kb rounds down: 255 sectors read back as 127 KiB. */
	EXPECT_EQ(v, (uint64_t)info->disk_max_transfer / 1024) {
		TH_LOG("max_sectors_kb %llu, disk_max_transfer %u",
		       (unsigned long long)v, info->disk_max_transfer);
	}
	EXPECT_LE(lbs, info->disk_max_transfer);
	EXPECT_LE(info->disk_max_transfer, info->max_transfer);

	ASSERT_EQ(0, ut_sysfs_queue_u64(self->name, "discard_max_bytes", &v));
	EXPECT_EQ(v == 0, info->max_discard == 0) {
		TH_LOG("discard_max_bytes %llu, max_discard %u",
		       (unsigned long long)v, info->max_discard);
	}
	if (v) {
		/* A command's limit: the block layer splits to the disk's. */
		EXPECT_EQ(UINT32_MAX / lbs * lbs, info->max_discard);
	}
	ASSERT_EQ(0, ut_sysfs_queue_u64(self->name, "discard_granularity",
					&v));
	if (info->max_discard) {
		EXPECT_EQ(v, (uint64_t)info->discard_granularity);
	} else {
		EXPECT_EQ(0u, info->discard_granularity);
	}

	ASSERT_EQ(0, ut_sysfs_queue_u64(self->name, "write_zeroes_max_bytes",
					&v));
	EXPECT_EQ(v == 0, info->max_write_zeroes == 0) {
		TH_LOG("write_zeroes_max_bytes %llu, max_write_zeroes %u",
		       (unsigned long long)v, info->max_write_zeroes);
	}
	if (v) {
		EXPECT_EQ(UINT32_MAX / lbs * lbs, info->max_write_zeroes);
	}
	TH_LOG("%s: disk_max_transfer %u, discard %u (granularity %u), write_zeroes %u, features %#llx",
	       self->name, info->disk_max_transfer, info->max_discard,
	       info->discard_granularity, info->max_write_zeroes,
	       (unsigned long long)info->features);
}

TEST_F(node, info_len_too_small_einval)
{
	static const uint32_t lens[] = { 0, 1, 8, URPT_INFO_SIZE_V1 - 1 };
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	char what[64];
	size_t i;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		memset(self->buf, 0xa5, 4096);
		cmd = prep(self, URPT_CMD_INFO, self->buf, 0, 0);
		ASSERT_NE(NULL, cmd);
		cmd->len = lens[i];
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		snprintf(what, sizeof(what), "INFO len %u", lens[i]);
		UT_EXPECT_REFUSED(&c, EINVAL, what);
		/* Nothing was written. */
		EXPECT_EQ(0xa5, ((unsigned char *)self->buf)[0]);
	}
}

/*
 * res is the bytes written, min(len, the module's size): a V1 caller gets
 * V1; nothing past them is touched.
 */
TEST_F(node, info_len_writes_what_fits)
{
	static const uint32_t lens[] = {
		URPT_INFO_SIZE_V1, URPT_INFO_SIZE_V1 + 1, URPT_INFO_SIZE_V2,
		4096,
	};
	unsigned char *p = self->buf;
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	size_t i, k;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		memset(p, 0xa5, 8192);
		cmd = prep(self, URPT_CMD_INFO, p, 0, 0);
		ASSERT_NE(NULL, cmd);
		cmd->len = lens[i];
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		EXPECT_EQ(ut_info_res(lens[i]), c.res) {
			TH_LOG("INFO len %u: res %d", lens[i], c.res);
		}
		EXPECT_EQ((uint32_t)sizeof(struct urpt_info),
			  ((struct urpt_info *)p)->size);
		for (k = ut_info_res(lens[i]); k < 8192; k++)
			if (p[k] != 0xa5)
				break;
		EXPECT_EQ((size_t)8192, k) {
			TH_LOG("INFO len %u wrote byte %zu", lens[i], k);
		}
	}
}

TEST_F(node, info_offset_nonzero_einval)
{
	static const uint64_t offsets[] = { 1, 512, 1ULL << 63 };
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	size_t i;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		cmd = prep(self, URPT_CMD_INFO, self->buf, 0, 0);
		ASSERT_NE(NULL, cmd);
		cmd->offset = offsets[i];
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		UT_EXPECT_REFUSED(&c, EINVAL, "INFO offset != 0");
	}
}

TEST_F(node, info_bad_addr_efault)
{
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	void *hole;

	NEED_SETUP();
	hole = ut_unmapped_range(4096);
	ASSERT_NE(NULL, hole);

	cmd = prep(self, URPT_CMD_INFO, NULL, 0, 0);
	ASSERT_NE(NULL, cmd);
	cmd->len = sizeof(struct urpt_info);
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "INFO addr NULL");

	ASSERT_NE(NULL, prep(self, URPT_CMD_INFO, hole, 0, 0));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "INFO addr unmapped");
}

/* ---- READ/WRITE refused -------------------------------------------------- */

static const uint32_t rw_ops[] = { URPT_CMD_READ, URPT_CMD_WRITE };

/* Run one READ and one WRITE with these fields, expecting -err. */
static void check_rw_refused(struct __test_metadata *_metadata,
			     FIXTURE_DATA(node) *self, void *addr,
			     uint32_t len, uint64_t offset, int err,
			     const char *why)
{
	struct ut_cqe c;
	char what[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rw_ops); i++) {
		snprintf(what, sizeof(what),
			 "%s %s (addr %p len %u offset %llu)",
			 ut_op_name(rw_ops[i]), why, addr, len,
			 (unsigned long long)offset);
		ASSERT_NE(NULL, prep(self, rw_ops[i], addr, len, offset));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		UT_EXPECT_REFUSED(&c, err, what);
	}
}

TEST_F(node, rw_len_zero_einval)
{
	NEED_SETUP();
	check_rw_refused(_metadata, self, self->buf, 0, 0, EINVAL, "len 0");
	check_rw_refused(_metadata, self, self->buf, 0, lbs_of(self), EINVAL,
			 "len 0");
}

TEST_F(node, rw_len_not_block_multiple_einval)
{
	uint32_t lbs = lbs_of(self);

	NEED_SETUP();
	check_rw_refused(_metadata, self, self->buf, 1, 0, EINVAL,
			 "len 1");
	check_rw_refused(_metadata, self, self->buf, lbs - 1, 0, EINVAL,
			 "len lbs-1");
	check_rw_refused(_metadata, self, self->buf, lbs + lbs / 2, 0,
			 EINVAL, "len 1.5 lbs");
	check_rw_refused(_metadata, self, self->buf, lbs + 1, 0, EINVAL,
			 "len lbs+1");
}

TEST_F(node, rw_offset_not_block_multiple_einval)
{
	uint32_t lbs = lbs_of(self);

	NEED_SETUP();
	check_rw_refused(_metadata, self, self->buf, lbs, 1, EINVAL,
			 "offset 1");
	check_rw_refused(_metadata, self, self->buf, lbs, lbs / 2, EINVAL,
			 "offset lbs/2");
	check_rw_refused(_metadata, self, self->buf, lbs, 3 * lbs - 1,
			 EINVAL, "offset 3 lbs-1");
}

TEST_F(node, rw_len_over_max_transfer_einval)
{
	uint32_t max = self->info.max_transfer;
	size_t size = 2 * (size_t)max;
	void *big;

	NEED_SETUP();
	/* The buffer is mapped and big enough: only the length is wrong. */
	big = ut_map_lazy(size);
	ASSERT_NE(NULL, big);
	check_rw_refused(_metadata, self, big, max + lbs_of(self), 0,
			 EINVAL, "len max_transfer+lbs");
	check_rw_refused(_metadata, self, big, 2 * max, 0, EINVAL,
			 "len 2*max_transfer");
	check_rw_refused(_metadata, self, big,
			 UINT32_MAX - UINT32_MAX % lbs_of(self), 0, EINVAL,
			 "len 4 GiB-lbs");
	munmap(big, size);
}

/*
 * The reference for a buffer urpt passes to the disk as it is: does the
 * disk's own O_DIRECT move len bytes from p to the disk at off and back,
 * without touching a byte around p? zram reads whole pages into a buffer
 * that is dma-aligned but not page-aligned, through O_DIRECT as well:
 * urpt cannot do better than the disk, so such a buffer is not held
 * against it there. Leaves the disk as it found it only in the sense
 * that the caller writes what it tests afterwards.
 */
static bool disk_takes_buffer(FIXTURE_DATA(node) *self, char *p, uint32_t len,
			      uint64_t off)
{
	bool ok;

	ut_fill(p, len, self->rng + 77);
	if (ut_pwrite_full(self->direct_fd, p, len, off) ||
	    ut_pread_full(self->direct_fd, self->buf2, len, off) ||
	    ut_first_diff(p, self->buf2, len) >= 0)
		return false;
	p[-1] = (char)0x5a;
	p[len] = (char)0x5a;
	memset(p, 0, len);
	ok = !ut_pread_full(self->direct_fd, p, len, off) &&
	     ut_first_diff(p, self->buf2, len) < 0 &&
	     p[-1] == (char)0x5a && p[len] == (char)0x5a;
	return ok;
}

/*
 * A buffer that misses dma_alignment is bounced, not refused: READ and
 * WRITE at every address alignment from 1 byte up to dma_alignment + 1
 * (and a few page-relative ones) round-trip exactly against the disk.
 */
TEST_F_TIMEOUT(node, rw_addr_misaligned_round_trip, 180)
{
	uint32_t lbs = lbs_of(self), dma = self->info.dma_alignment;
	uint32_t len = 2 * lbs;
	uint64_t off = 24 * (uint64_t)lbs;
	uint32_t last = dma + 1 > 8 ? dma + 1 : 8;
	const uint32_t extra[] = { 4095, 4097, 4096 + dma - 1 };
	uint32_t refused = 0, first_refused = 0;
	struct ut_cqe c;
	char what[96];
	uint32_t k;
	long diff;

	NEED_SETUP();
	ASSERT_LE((size_t)4096 + dma + len + 1, self->buf_size);
	for (k = 1; k <= last + ARRAY_SIZE(extra); k++) {
		uint32_t shift = k <= last ? k : extra[k - last - 1];
		char *p = (char *)self->buf + shift;
		uint64_t seed = self->rng + 4000 + shift;

		/* Passed as it is (not bounced): only where the disk takes it. */
		if (!(shift % dma) && !disk_takes_buffer(self, p, len, off)) {
			if (!refused++)
				first_refused = shift;
			continue;
		}

		/* WRITE from the misaligned address; the disk has it. */
		snprintf(what, sizeof(what), "WRITE from buf+%u (dma %u)",
			 shift, dma);
		ut_fill(p, len, seed);
		ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE, p, len, off));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		UT_EXPECT_DONE(&c, len, what);
		ASSERT_EQ(0, ut_pread_full(self->direct_fd, self->buf2, len,
					   off));
		diff = ut_first_diff(p, self->buf2, len);
		EXPECT_EQ(-1, diff) {
			TH_LOG("%s: disk differs at byte %ld", what, diff);
		}

		/* READ into it; the bytes around it stay as they were. */
		snprintf(what, sizeof(what), "READ into buf+%u (dma %u)",
			 shift, dma);
		ut_fill(self->buf2, len, ~seed);
		ASSERT_EQ(0, ut_pwrite_full(self->direct_fd, self->buf2, len,
					    off));
		memset(self->buf, 0xa5, shift + len + 64);
		ASSERT_NE(NULL, prep(self, URPT_CMD_READ, p, len, off));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		UT_EXPECT_DONE(&c, len, what);
		diff = ut_first_diff(p, self->buf2, len);
		EXPECT_EQ(-1, diff) {
			TH_LOG("%s: data differs at byte %ld", what, diff);
		}
		EXPECT_EQ(0xa5, (unsigned char)p[-1]) {
			TH_LOG("%s: the byte before the buffer changed", what);
		}
		EXPECT_EQ(0xa5, (unsigned char)p[len]) {
			TH_LOG("%s: the byte after the buffer changed", what);
		}
		if (!_metadata->passed)
			break;
	}
	if (refused && _metadata->passed)
		SKIP(return, "%u dma-aligned addresses (first buf+%u) left out: the disk's own O_DIRECT mishandles them (its driver's bug); every other address passed",
		     refused, first_refused);
}

TEST_F(node, rw_past_end_enospc)
{
	uint64_t cap = self->info.capacity;
	uint32_t lbs = lbs_of(self);
	uint32_t max = self->info.max_transfer;
	size_t size = 2 * (size_t)max;
	void *big;

	NEED_SETUP();
	/* A big command straddling the end: the disk may be smaller. */
	if ((uint64_t)max > cap)
		max = (uint32_t)(cap - cap % lbs);
	big = ut_map_lazy(size);
	ASSERT_NE(NULL, big);
	check_rw_refused(_metadata, self, self->buf, 2 * lbs, cap - lbs,
			 ENOSPC, "straddling the end");
	check_rw_refused(_metadata, self, big, max, cap - max + lbs,
			 ENOSPC, "max_transfer straddling the end");
	munmap(big, size);
	check_rw_refused(_metadata, self, self->buf, lbs, cap, ENOSPC,
			 "offset == capacity");
	check_rw_refused(_metadata, self, self->buf, lbs, cap + lbs, ENOSPC,
			 "offset past capacity");
	/* offset + len wraps around 2^64 (to 0, and to lbs < capacity). */
	check_rw_refused(_metadata, self, self->buf, lbs, 0 - (uint64_t)lbs,
			 ENOSPC, "offset + len wraps to 0");
	check_rw_refused(_metadata, self, self->buf, 2 * lbs,
			 0 - (uint64_t)lbs, ENOSPC, "offset + len wraps to lbs");
	check_rw_refused(_metadata, self, self->buf, lbs,
			 (UINT64_MAX / 2 + 1), ENOSPC, "offset 2^63");
}

TEST_F(node, rw_bad_addr_efault)
{
	uint64_t cap = self->info.capacity;
	uint32_t lbs = lbs_of(self);
	uint32_t max = self->info.max_transfer;
	void *hole;

	NEED_SETUP();
	/* The largest command the disk holds: a longer one is -ENOSPC first. */
	if ((uint64_t)max > cap)
		max = (uint32_t)(cap - cap % lbs);
	hole = ut_unmapped_range(2 * (size_t)self->info.max_transfer);
	ASSERT_NE(NULL, hole);
	check_rw_refused(_metadata, self, NULL, lbs, 0, EFAULT, "addr NULL");
	check_rw_refused(_metadata, self, hole, lbs, 0, EFAULT,
			 "addr unmapped");
	check_rw_refused(_metadata, self, hole, max, 0, EFAULT,
			 max == self->info.max_transfer ?
			 "max_transfer unmapped" :
			 "capacity (< max_transfer) unmapped");
}

/* Only the second half of the buffer is missing: no partial transfer. */
TEST_F(node, rw_half_unmapped_efault)
{
	size_t page = 4096;
	char *p;

	NEED_SETUP();
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, page);
	ASSERT_EQ(0, munmap(p + page, page));
	check_rw_refused(_metadata, self, p, 2 * page, 0, EFAULT,
			 "second page unmapped");
	munmap(p, page);
}

TEST_F(node, read_into_readonly_mapping_efault)
{
	uint32_t lbs = lbs_of(self);
	struct ut_cqe c;
	char *p;

	NEED_SETUP();
	p = mmap(NULL, 4096 + lbs, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, 4096 + lbs);
	ASSERT_EQ(0, mprotect(p, 4096 + lbs, PROT_READ));

	ASSERT_NE(NULL, prep(self, URPT_CMD_READ, p, lbs, 0));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "READ into PROT_READ");
	EXPECT_EQ(0x5a, p[0]);
	munmap(p, 4096 + lbs);
}

/* The converse: a WRITE only reads the buffer, PROT_READ is enough. */
TEST_F(node, write_from_readonly_mapping_works)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = self->info.capacity - 4 * (uint64_t)lbs;
	struct ut_cqe c;
	char *p;

	NEED_SETUP();
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ut_fill(p, 4096, self->rng + 11);
	ASSERT_EQ(0, mprotect(p, 4096, PROT_READ));
	ASSERT_LE(lbs, 4096u);

	ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE, p, lbs, off));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_DONE(&c, lbs, "WRITE from PROT_READ");
	ASSERT_EQ(0, ut_pread_full(self->direct_fd, self->buf2, lbs, off));
	EXPECT_EQ(-1, ut_first_diff(p, self->buf2, lbs));
	munmap(p, 4096);
}

/* ---- read-only open of the node ------------------------------------------ */

TEST_F(node, rdonly_open_write_flush_ebadf)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = 8 * (uint64_t)lbs;
	struct urpt_dev ro;
	struct ut_cqe c;
	int ret;

	NEED_SETUP();
	ut_fill(self->buf2, lbs, self->rng + 21);
	ASSERT_EQ(0, ut_pwrite_full(self->direct_fd, self->buf2, lbs, off));

	ret = urpt_dev_open(&ro, self->path, O_RDONLY);
	ASSERT_LE(0, ret) {
		TH_LOG("open %s O_RDONLY: %s", self->path, strerror(-ret));
	}

	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_WRITE, self->buf,
				lbs, off));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "WRITE on O_RDONLY");

	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_FLUSH, NULL, 0, 0));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "FLUSH on O_RDONLY");

	/* The disk was not written: the pattern is still there. */
	ASSERT_EQ(0, ut_pread_full(self->direct_fd, self->buf, lbs, off));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, lbs));

	/* Reads and INFO work on the read-only open. */
	memset(self->buf, 0, lbs);
	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_READ, self->buf,
				lbs, off));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	UT_EXPECT_DONE(&c, lbs, "READ on O_RDONLY");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, lbs));

	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_INFO, self->buf,
				0, 0));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	EXPECT_EQ((int32_t)sizeof(struct urpt_info), c.res);
	urpt_dev_close(&ro);
}

/* A write-only open may write but not read: the disk's data stays private. */
TEST_F(node, wronly_open_read_ebadf)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = 9 * (uint64_t)lbs;
	struct iovec iov = { self->buf, lbs };
	struct urpt_dev wo;
	struct ut_cqe c;
	int ret;

	NEED_SETUP();
	ret = urpt_dev_open(&wo, self->path, O_WRONLY);
	ASSERT_LE(0, ret) {
		TH_LOG("open %s O_WRONLY: %s", self->path, strerror(-ret));
	}

	memset(self->buf, 0x5a, lbs);
	ASSERT_NE(NULL, ut_prep(&wo.ring, wo.fd, URPT_CMD_READ, self->buf,
				lbs, off));
	ASSERT_EQ(0, ut_submit_one(&wo.ring, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "READ on O_WRONLY");

	urpt_prep_readv(io_uring_get_sqe(&wo.ring), wo.fd, &iov, 1, off);
	ASSERT_EQ(0, ut_submit_one(&wo.ring, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "READV on O_WRONLY");

	/* Nothing was read into the buffer. */
	for (ret = 0; ret < (int)lbs; ret++)
		ASSERT_EQ(0x5a, ((unsigned char *)self->buf)[ret]);

	/* Writes work on the write-only open, and land on the disk. */
	ut_fill(self->buf2, lbs, self->rng + 22);
	ASSERT_NE(NULL, ut_prep(&wo.ring, wo.fd, URPT_CMD_WRITE, self->buf2,
				lbs, off));
	ASSERT_EQ(0, ut_submit_one(&wo.ring, &c));
	UT_EXPECT_DONE(&c, lbs, "WRITE on O_WRONLY");
	ASSERT_EQ(0, ut_pread_full(self->direct_fd, self->buf, lbs, off));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, lbs));
	urpt_dev_close(&wo);
}

/* ---- FLUSH --------------------------------------------------------------- */

TEST_F(node, flush_succeeds)
{
	struct ut_cqe c;
	int i;

	NEED_SETUP();
	for (i = 0; i < 3; i++) {
		ASSERT_NE(NULL, prep(self, URPT_CMD_FLUSH, NULL, 0, 0));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		UT_EXPECT_DONE(&c, 0, "FLUSH");
	}
}

TEST_F(node, flush_fields_einval)
{
	struct urpt_cmd *cmd;
	struct ut_cqe c;

	NEED_SETUP();
	cmd = prep(self, URPT_CMD_FLUSH, NULL, 0, 0);
	ASSERT_NE(NULL, cmd);
	cmd->offset = lbs_of(self);
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "FLUSH offset");

	cmd = prep(self, URPT_CMD_FLUSH, NULL, 0, 0);
	ASSERT_NE(NULL, cmd);
	cmd->addr = (uint64_t)(uintptr_t)self->buf;
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "FLUSH addr");

	cmd = prep(self, URPT_CMD_FLUSH, NULL, 0, 0);
	ASSERT_NE(NULL, cmd);
	cmd->len = lbs_of(self);
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "FLUSH len");
}

/* ---- data integrity against the backing disk ----------------------------- */

/* Sizes to cover: multiples of lbs, up to max_transfer and the disk. */
static size_t io_sizes(FIXTURE_DATA(node) *self, uint32_t *sizes, size_t room)
{
	uint32_t lbs = lbs_of(self), max = self->io_max;
	const uint32_t want[] = {
		lbs, 2 * lbs, 3 * lbs, 4096, 8192 + lbs, 65536, 131072 - lbs,
		262144 + 3 * lbs, max - lbs, max,
	};
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(want) && n < room; i++) {
		if (!want[i] || want[i] % lbs || want[i] > max ||
		    want[i] > self->info.capacity)
			continue;
		sizes[n++] = want[i];
	}
	return n;
}

/* First block, last blocks, and two random spots, for a size. */
static size_t io_offsets(FIXTURE_DATA(node) *self, uint32_t size,
			 uint64_t *offs)
{
	uint64_t lbs = lbs_of(self);
	uint64_t blocks = (self->info.capacity - size) / lbs + 1;

	offs[0] = 0;
	offs[1] = self->info.capacity - size;
	offs[2] = (ut_rand(&self->rng) % blocks) * lbs;
	offs[3] = (ut_rand(&self->rng) % blocks) * lbs;
	return 4;
}

TEST_F(node, integrity_urpt_write_disk_read)
{
	uint32_t sizes[16];
	uint64_t offs[4];
	struct ut_cqe c;
	char what[96];
	size_t i, j, n;
	long diff;

	NEED_SETUP();
	n = io_sizes(self, sizes, ARRAY_SIZE(sizes));
	ASSERT_LE((size_t)3, n);
	for (i = 0; i < n; i++) {
		io_offsets(self, sizes[i], offs);
		for (j = 0; j < ARRAY_SIZE(offs); j++) {
			uint64_t seed = self->rng ^ (i << 8 | j);

			snprintf(what, sizeof(what),
				 "WRITE %u at %llu (seed %#llx)", sizes[i],
				 (unsigned long long)offs[j],
				 (unsigned long long)seed);
			ut_fill(self->buf, sizes[i], seed);
			ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE, self->buf,
					     sizes[i], offs[j]));
			ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
			UT_EXPECT_DONE(&c, sizes[i], what);

			memset(self->buf2, 0, sizes[i]);
			ASSERT_EQ(0, ut_pread_full(self->direct_fd, self->buf2,
						   sizes[i], offs[j]));
			diff = ut_first_diff(self->buf, self->buf2, sizes[i]);
			EXPECT_EQ(-1, diff) {
				TH_LOG("%s: disk differs at byte %ld", what,
				       diff);
			}
		}
	}
}

TEST_F(node, integrity_disk_write_urpt_read)
{
	uint32_t sizes[16];
	uint64_t offs[4];
	struct ut_cqe c;
	char what[96];
	size_t i, j, n;
	long diff;

	NEED_SETUP();
	n = io_sizes(self, sizes, ARRAY_SIZE(sizes));
	ASSERT_LE((size_t)3, n);
	for (i = 0; i < n; i++) {
		io_offsets(self, sizes[i], offs);
		for (j = 0; j < ARRAY_SIZE(offs); j++) {
			uint64_t seed = ~self->rng ^ (i << 8 | j);

			snprintf(what, sizeof(what),
				 "READ %u at %llu (seed %#llx)", sizes[i],
				 (unsigned long long)offs[j],
				 (unsigned long long)seed);
			ut_fill(self->buf2, sizes[i], seed);
			ASSERT_EQ(0, ut_pwrite_full(self->direct_fd, self->buf2,
						    sizes[i], offs[j]));

			memset(self->buf, 0xa5, sizes[i]);
			ASSERT_NE(NULL, prep(self, URPT_CMD_READ, self->buf,
					     sizes[i], offs[j]));
			ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
			UT_EXPECT_DONE(&c, sizes[i], what);
			diff = ut_first_diff(self->buf, self->buf2, sizes[i]);
			EXPECT_EQ(-1, diff) {
				TH_LOG("%s: data differs at byte %ld", what,
				       diff);
			}
		}
	}
}

/*
 * The only address rule is dma_alignment: a buffer aligned to it but not
 * to the block size must transfer correctly (disks such as NVMe allow it).
 */
TEST_F(node, rw_dma_aligned_buffer_not_block_aligned)
{
	uint32_t lbs = lbs_of(self), dma = self->info.dma_alignment;
	uint32_t len = 4 * lbs;
	uint64_t off = 16 * (uint64_t)lbs;
	char *p = (char *)self->buf + dma;
	struct ut_cqe c;

	NEED_SETUP();
	if (dma >= lbs || dma >= 4096)
		SKIP(return, "dma_alignment %u: no aligned address off the block size",
		     dma);
	if (!disk_takes_buffer(self, p, len, off))
		SKIP(return, "the disk's own O_DIRECT mishandles a buffer at +%u (its driver's bug)",
		     dma);

	ut_fill(p, len, self->rng + 31);
	ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE, p, len, off));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_DONE(&c, len, "WRITE from buf+dma_alignment");
	ASSERT_EQ(0, ut_pread_full(self->direct_fd, self->buf2, len, off));
	EXPECT_EQ(-1, ut_first_diff(p, self->buf2, len));

	ut_fill(self->buf2, len, self->rng + 32);
	ASSERT_EQ(0, ut_pwrite_full(self->direct_fd, self->buf2, len, off));
	memset(p, 0, len);
	ASSERT_NE(NULL, prep(self, URPT_CMD_READ, p, len, off));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	UT_EXPECT_DONE(&c, len, "READ into buf+dma_alignment");
	EXPECT_EQ(-1, ut_first_diff(p, self->buf2, len));
}

/* ---- queue depth --------------------------------------------------------- */

#define QD		64
#define QD_SIZE		65536u

TEST_F(node, queue_depth_64_mixed)
{
	uint32_t size = QD_SIZE;
	bool seen[QD] = { false };
	struct io_uring ring;
	struct ut_cqe c;
	char *bufs, *check;
	int i, ret;

	NEED_SETUP();
	if (size > self->info.max_transfer)
		size = self->info.max_transfer;
	size -= size % lbs_of(self);
	if ((uint64_t)QD * size > self->info.capacity)
		SKIP(return, "disk smaller than %d x %u bytes", QD, size);

	bufs = ut_alloc((size_t)QD * size);
	check = ut_alloc(size);
	ASSERT_NE(NULL, bufs);
	ASSERT_NE(NULL, check);
	/* Even slots are READs of a known pattern, odd ones WRITEs. */
	for (i = 0; i < QD; i++) {
		char *b = bufs + (size_t)i * size;

		if (i % 2 == 0) {
			ut_fill(check, size, self->rng + 1000 + i);
			ASSERT_EQ(0, ut_pwrite_full(self->direct_fd, check,
						    size, (uint64_t)i * size));
			memset(b, 0xa5, size);
		} else {
			ut_fill(b, size, self->rng + 1000 + i);
		}
	}

	ret = urpt_queue_init(QD, &ring, 0);
	ASSERT_EQ(0, ret);
	for (i = 0; i < QD; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		char *b = bufs + (size_t)i * size;

		ASSERT_NE(NULL, sqe);
		if (i % 2 == 0)
			urpt_prep_read(sqe, self->dev.fd, b, size,
				       (uint64_t)i * size);
		else
			urpt_prep_write(sqe, self->dev.fd, b, size,
					(uint64_t)i * size);
		sqe->user_data = 0x1000 + i;
	}
	ASSERT_EQ(QD, io_uring_submit(&ring));

	for (i = 0; i < QD; i++) {
		uint64_t slot = ut_reap_slot(_metadata, &ring, &c, i, QD, seen);

		UT_EXPECT_DONE(&c, size, slot % 2 ? "queued WRITE" :
			       "queued READ");
	}
	io_uring_queue_exit(&ring);

	for (i = 0; i < QD; i++) {
		char *b = bufs + (size_t)i * size;
		long diff;

		if (i % 2 == 0) {
			ut_fill(check, size, self->rng + 1000 + i);
			diff = ut_first_diff(b, check, size);
		} else {
			ASSERT_EQ(0, ut_pread_full(self->direct_fd, check, size,
						   (uint64_t)i * size));
			diff = ut_first_diff(b, check, size);
		}
		EXPECT_EQ(-1, diff) {
			TH_LOG("slot %d (%s) differs at byte %ld", i,
			       i % 2 ? "WRITE" : "READ", diff);
		}
	}
	free(bufs);
	free(check);
}

TEST_HARNESS_MAIN
