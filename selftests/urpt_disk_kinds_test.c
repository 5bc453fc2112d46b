// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: disks that behave unlike the suite's plain ones, each
 * made by the test itself through configfs (null_blk) and device-mapper
 * ioctls; URPT_BDEV is not used (run once):
 *  - a disk that completes reads without writing the data (null_blk with
 *    memory_backed=0): a bounced READ returns zeroes, never what the
 *    bounce pages held before (the guest boots with init_on_alloc=0);
 *  - a stacked bio-based disk that splits (dm-striped over two slow
 *    null_blk with two tags each): 128 KiB reads crossing its chunks at
 *    queue depth 64 all complete with their bytes, never with -EAGAIN;
 *  - a command of several bios of which two fail differently (dm-linear
 *    over a null_blk that times out and one with a bad sector): the first
 *    failed bio in disk order decides, not the first or last in time;
 *  - an NVMe Dataset Management command of 256 ranges, each the whole
 *    disk: it discards the disk once (the disk's own discard count goes
 *    up by one request, not 256), so what one command holds does not
 *    grow with overlapping ranges.
 */
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_fault.h"

FIXTURE(kinds) {
	bool skip;
	struct nb_disk nb[2];
	char dm_name[32];
	bool dm_made;
	struct ut_disk d;
};

FIXTURE_SETUP(kinds)
{
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	if (!ut_exists(NB_ROOT)) {
		self->skip = true;
		SKIP(return, "%s missing (configfs, null_blk)", NB_ROOT);
	}
	nb_cleanup_leftovers();
	self->d.direct_fd = -1;
}

static int dm_ioctl(unsigned long req, struct dm_ioctl *io, size_t size,
		    const char *name)
{
	int fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = 0;
	io->version[2] = 0;
	io->data_size = size;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", name);
	ret = ioctl(fd, req, io) ? -errno : 0;
	close(fd);
	return ret;
}

static void dm_remove(const char *name)
{
	struct dm_ioctl io = { 0 };

	dm_ioctl(DM_DEV_REMOVE, &io, sizeof(io), name);
}

FIXTURE_TEARDOWN(kinds)
{
	if (self->skip)
		return;
	ut_disk_release(&self->d);
	if (self->dm_made)
		dm_remove(self->dm_name);
	nb_destroy(&self->nb[0]);
	nb_destroy(&self->nb[1]);
}

TEST_F(kinds, bounced_read_never_shows_old_memory)
{
	static const char *const attrs[] = {
		"size=64", "memory_backed=0", "blocksize=512", NULL,
	};
	const size_t len = 1u << 20, rounds = 64;
	const char *what = "";
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	size_t r, i, dirty = 0;
	unsigned char *buf;
	int ret;

	NEED_SETUP();
	ret = nb_make(&self->nb[0], "nomem", attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ret = ut_disk_attach(&self->d, self->nb[0].dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	buf = ut_alloc(len);
	ASSERT_NE(NULL, buf);

	/*
	 * Bounced writes free pages full of 0xa5 back to the allocator; the
	 * bounced reads after them get pages from the same lists.
	 */
	for (r = 0; r < rounds && !dirty; r++) {
		memset(buf, 0xa5, len);
		cmd = ut_prep(&self->d.dev.ring, self->d.dev.fd,
			      URPT_CMD_WRITE, buf, len, 0);
		ASSERT_NE(NULL, cmd);
		cmd->flags |= URPT_F_BOUNCE;
		ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
		ASSERT_EQ((int32_t)len, c.res);
		memset(buf, 0x5a, len);
		cmd = ut_prep(&self->d.dev.ring, self->d.dev.fd,
			      URPT_CMD_READ, buf, len, 0);
		ASSERT_NE(NULL, cmd);
		cmd->flags |= URPT_F_BOUNCE;
		ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
		ASSERT_EQ((int32_t)len, c.res);
		for (i = 0; i < len; i++)
			dirty += buf[i] != 0;
	}
	free(buf);
	EXPECT_EQ((size_t)0, dirty)
		TH_LOG("round %zu: %zu bytes of a bounced read were not zero: memory the disk never wrote",
		       r, dirty);
}

/* The disk's dev_t, for a device-mapper table. */
static int dev_numbers(const char *path, char *out, size_t size)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	snprintf(out, size, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

/* One target of a device-mapper table, its parameters after it. */
struct dm_target {
	struct dm_target_spec spec;
	char params[88];
};

/* A device-mapper disk of @nr targets, /dev/dm-N in @dev. */
static int make_dm(FIXTURE_DATA(kinds) *self, const char *name,
		   const struct dm_target *targets, unsigned int nr,
		   char *dev, size_t size)
{
	struct {
		struct dm_ioctl io;
		struct dm_target t[2];
	} table = { 0 };
	struct dm_ioctl io = { 0 };
	unsigned int i;
	int ret;

	if (nr > 2)
		return -E2BIG;
	snprintf(self->dm_name, sizeof(self->dm_name), "%s", name);
	dm_remove(self->dm_name);
	ret = dm_ioctl(DM_DEV_CREATE, &io, sizeof(io), self->dm_name);
	if (ret)
		return ret;
	self->dm_made = true;
	table.io.target_count = nr;
	for (i = 0; i < nr; i++) {
		table.t[i] = targets[i];
		/* from this spec to the next one */
		table.t[i].spec.next = sizeof(table.t[i]);
	}
	ret = dm_ioctl(DM_TABLE_LOAD, &table.io, sizeof(table), self->dm_name);
	if (ret)
		return ret;
	memset(&io, 0, sizeof(io));
	ret = dm_ioctl(DM_DEV_SUSPEND, &io, sizeof(io), self->dm_name);
	if (ret)
		return ret;
	snprintf(dev, size, "/dev/dm-%u", minor(io.dev));
	return fl_wait_path(dev, false, 5000 * ut_timeout_scale()) ? 0 : -ENOENT;
}

static void dm_set_target(struct dm_target *t, uint64_t start, uint64_t len,
			  const char *type)
{
	t->spec.sector_start = start;
	t->spec.length = len;
	snprintf(t->spec.target_type, sizeof(t->spec.target_type), "%s", type);
}

/* dm-striped, 64 KiB chunks, over the two null_blk disks; /dev/dm-N. */
static int make_striped(FIXTURE_DATA(kinds) *self, uint64_t sectors,
			char *dev, size_t size)
{
	struct dm_target t = { 0 };
	char a[24], b[24];
	int ret;

	ret = dev_numbers(self->nb[0].dev, a, sizeof(a));
	if (!ret)
		ret = dev_numbers(self->nb[1].dev, b, sizeof(b));
	if (ret)
		return ret;
	dm_set_target(&t, 0, sectors * 2, "striped");
	snprintf(t.params, sizeof(t.params), "2 128 %s 0 %s 0", a, b);
	return make_dm(self, "urptstripe", &t, 1, dev, size);
}

TEST_F(kinds, stacked_disk_no_late_eagain)
{
	static const char *const attrs[] = {
		"size=64", "memory_backed=0", "blocksize=512",
		"hw_queue_depth=2", "submit_queues=1", "irqmode=2",
		"completion_nsec=2000000", NULL,
	};
	const unsigned int qd = 64, total = 1024, len = 128u << 10;
	const char *what = "";
	struct io_uring *ring;
	unsigned int sent = 0, done = 0, again = 0, bad = 0;
	char dev[32];
	char *buf;
	int ret;

	NEED_SETUP();
	if (!ut_exists("/dev/mapper/control"))
		SKIP(return, "no /dev/mapper/control (dm_mod)");
	ret = nb_make(&self->nb[0], "stripe0", attrs, &what);
	if (!ret)
		ret = nb_make(&self->nb[1], "stripe1", attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ret = make_striped(self, 64 << 11, dev, sizeof(dev));
	ASSERT_EQ(0, ret) TH_LOG("dm-striped: %s", strerror(-ret));
	ret = ut_disk_attach(&self->d, dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", dev, what, strerror(-ret));
	ring = &self->d.dev.ring;
	buf = ut_alloc((size_t)qd * len);
	ASSERT_NE(NULL, buf);

	/* Each read starts 32 KiB before a 64 KiB chunk boundary. */
	while (done < total) {
		while (sent < total && sent - done < qd) {
			uint64_t off = ((uint64_t)(sent % 1000) * 2 + 1) *
				       (64u << 10) - (32u << 10);

			if (!ut_prep(ring, self->d.dev.fd, URPT_CMD_READ,
				     buf + (size_t)(sent % qd) * len, len, off))
				break;
			sent++;
		}
		ASSERT_LE(0, io_uring_submit(ring));
		struct ut_cqe c;

		ASSERT_EQ(0, ut_reap(ring, &c));
		done++;
		if (c.res == -EAGAIN)
			again++;
		else if (c.res != (int32_t)len)
			bad++;
	}
	free(buf);
	EXPECT_EQ(0u, again)
		TH_LOG("%u of %u reads completed with -EAGAIN", again, total);
	EXPECT_EQ(0u, bad) TH_LOG("%u of %u reads failed otherwise", bad, total);
}

/*
 * Which error a command of several bios reports: the first failed bio in
 * disk order, whichever failed first in time. A dm-linear disk of two
 * regions of 256 KiB: one on a null_blk that times every request out (its
 * io_timeout is 1 s, it completes after 3 s, with BLK_STS_TIMEOUT), one on
 * a null_blk with a bad sector (BLK_STS_IOERR at once). A READV from
 * sector 0 of 1024 segments of 512 bytes, four to a page with gaps
 * between them, so that no two are one bvec however the pages lie: bios
 * of at most 255 segments (127.5 KiB), the first wholly in the first
 * region; the READ's last sector is the bad one (@slow_first) or its
 * first is (!@slow_first).
 */
#define ORDER_REGION	512ull	/* sectors, 256 KiB */
#define ORDER_SEGS	1024u
#define ORDER_LEN	(ORDER_SEGS * 512u)
#define ORDER_SLOW_NS	"3000000000"
#define ORDER_TIMEOUT_MS "1000"

static void first_failed_bio(struct __test_metadata *_metadata,
			     FIXTURE_DATA(kinds) *self, bool slow_first)
{
	static const char *const slow_attrs[] = {
		"size=1", "memory_backed=0", "blocksize=512", "irqmode=2",
		"completion_nsec=" ORDER_SLOW_NS, "hw_queue_depth=256", NULL,
	};
	static const char *const bad_attrs[] = {
		"size=1", "memory_backed=1", "blocksize=512", NULL,
	};
	struct nb_disk *slow = &self->nb[0], *bad = &self->nb[1];
	struct dm_target t[2];
	char slow_dev[24], bad_dev[24], dev[32], path[96], range[32];
	char bad_path[1024];
	const char *what = "";
	const int want = slow_first ? -ETIMEDOUT : -EIO;
	const uint64_t want_sts = slow_first ? BLK_STS_TIMEOUT_V :
					       BLK_STS_IOERR_V;
	uint64_t bad_sector;
	struct ut_cqe c;
	struct iovec *iov;
	int64_t t0;
	unsigned int i;
	char *buf;
	int ret;

	NEED_SETUP();
	memset(t, 0, sizeof(t));
	if (!ut_exists("/dev/mapper/control"))
		SKIP(return, "no /dev/mapper/control (dm_mod)");
	ret = nb_make(slow, "slow", slow_attrs, &what);
	if (!ret)
		ret = nb_make(bad, "bad", bad_attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	snprintf(path, sizeof(path), "/sys/block/%s/queue/io_timeout",
		 slow->disk);
	ASSERT_EQ(0, fl_write_file(path, ORDER_TIMEOUT_MS));
	/* The bad sector, on the bad disk: the READ's last or first. */
	bad_sector = slow_first ? ORDER_LEN / 512 - 1 - ORDER_REGION : 0;
	snprintf(range, sizeof(range), "+%llu-%llu",
		 (unsigned long long)bad_sector,
		 (unsigned long long)bad_sector);
	snprintf(bad_path, sizeof(bad_path), "%s/badblocks", bad->item);
	ASSERT_EQ(0, fl_write_file(bad_path, range));
	ASSERT_EQ(0, dev_numbers(slow->dev, slow_dev, sizeof(slow_dev)));
	ASSERT_EQ(0, dev_numbers(bad->dev, bad_dev, sizeof(bad_dev)));
	dm_set_target(&t[0], 0, ORDER_REGION, "linear");
	dm_set_target(&t[1], ORDER_REGION, ORDER_REGION, "linear");
	snprintf(t[0].params, sizeof(t[0].params), "%s 0",
		 slow_first ? slow_dev : bad_dev);
	snprintf(t[1].params, sizeof(t[1].params), "%s 0",
		 slow_first ? bad_dev : slow_dev);
	ret = make_dm(self, "urptorder", t, 2, dev, sizeof(dev));
	ASSERT_EQ(0, ret) TH_LOG("dm-linear: %s", strerror(-ret));
	ret = ut_disk_attach(&self->d, dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", dev, what, strerror(-ret));

	buf = ut_alloc(ORDER_SEGS / 4 * 4096);
	iov = calloc(ORDER_SEGS, sizeof(*iov));
	ASSERT_TRUE(buf && iov);
	for (i = 0; i < ORDER_SEGS; i++) {
		iov[i].iov_base = buf + i / 4 * 4096 + i % 4 * 1024;
		iov[i].iov_len = 512;
	}
	ASSERT_NE(NULL, ut_prep(&self->d.dev.ring, self->d.dev.fd,
				URPT_CMD_READV, iov, ORDER_SEGS, 0));
	t0 = fl_now_ns();
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	TH_LOG("%s bio first: res %d, status %llu, %llu bios, %.0f ms",
	       slow_first ? "the timed-out" : "the failed",
	       c.res, (unsigned long long)(c.extra[0] & URPT_RES2_STATUS_MASK),
	       (unsigned long long)((c.extra[0] >> URPT_RES2_BIOS_SHIFT) &
				    URPT_RES2_BIOS_MASK),
	       fl_ms(fl_now_ns() - t0));
	EXPECT_LE(2ull, (c.extra[0] >> URPT_RES2_BIOS_SHIFT) &
			URPT_RES2_BIOS_MASK);
	EXPECT_EQ(want, c.res);
	EXPECT_EQ(want_sts, c.extra[0] & URPT_RES2_STATUS_MASK);
	free(iov);
	free(buf);
}

/* Time would pick the bad sector's -EIO; disk order picks the timeout. */
TEST_F_TIMEOUT(kinds, first_failed_bio_wins_over_an_earlier_failure, 60)
{
	first_failed_bio(_metadata, self, true);
}

/* The last to fail would be the timeout; the first in disk order is not. */
TEST_F_TIMEOUT(kinds, first_failed_bio_wins_over_a_later_failure, 60)
{
	first_failed_bio(_metadata, self, false);
}

/* Field 12 of /sys/block/DISK/stat: discard requests completed. */
static int discard_ios(const char *disk, uint64_t *ios)
{
	char path[96], text[512];
	unsigned long long f[12];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/block/%s/stat", disk);
	n = ut_read_text(path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	if (sscanf(text, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7],
		   &f[8], &f[9], &f[10], &f[11]) != 12)
		return -EPROTO;
	*ios = f[11];
	return 0;
}

TEST_F(kinds, dsm_overlapping_ranges_discard_once)
{
	static const char *const attrs[] = {
		"size=64", "memory_backed=1", "blocksize=512", "discard=1",
		NULL,
	};
	struct io_uring *ring;
	struct io_uring_sqe *sqe;
	uint32_t *ranges, i, nlb;
	uint64_t before, after;
	const char *what = "";
	struct ut_cqe c;
	int ret;

	NEED_SETUP();
	ret = nb_make(&self->nb[0], "dsm", attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ret = ut_disk_attach(&self->d, self->nb[0].dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	if (!self->d.info.max_discard)
		SKIP(return, "%s does not discard", self->nb[0].dev);
	nlb = self->d.info.capacity / self->d.info.logical_block_size;
	/* 256 ranges of 16 bytes: attributes, NLB, SLBA (0). */
	ranges = calloc(256, 16);
	ASSERT_NE(NULL, ranges);
	for (i = 0; i < 256; i++)
		ranges[i * 4 + 1] = nlb;
	ASSERT_EQ(0, discard_ios(self->nb[0].disk, &before));

	ring = &self->d.dev.ring;
	sqe = io_uring_get_sqe(ring);
	ASSERT_NE(NULL, sqe);
	/* Dataset Management, 256 ranges (0's based), Deallocate */
	ut_prep_nvme(sqe, self->d.dev.fd, 0x09, ranges, 256 * 16, 255,
		     1u << 2, 0);
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	EXPECT_EQ(0, c.res) TH_LOG("DSM of 256 whole-disk ranges: %d", c.res);
	ASSERT_EQ(0, discard_ios(self->nb[0].disk, &after));
	TH_LOG("%s: %llu discard requests for 256 ranges of the whole disk",
	       self->nb[0].disk, (unsigned long long)(after - before));
	EXPECT_GE(2ull, after - before);
	EXPECT_LE(1ull, after - before);
	free(ranges);
}

TEST_HARNESS_MAIN
