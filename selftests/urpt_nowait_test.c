// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: nonblocking issue. With far more commands in flight than
 * the disk has tags, the disk says "again" (the block layer's -EAGAIN
 * under REQ_NOWAIT) and urpt must retry rather than fail or lose a
 * command: 256 commands at once on URPT_EAGAIN_BDEV, a null_blk with
 * hw_queue_depth=2 that the test attaches itself, every one completing
 * with the right result and the right data.
 *
 * The storm does not depend on the disk under test, so it runs once: when
 * URPT_BDEV is /dev/nullb0 (the run the VM harness also uses for its
 * run-once programs) or unset; on the other disks' runs it SKIPs.
 *
 * Under blk-throttle the disk says it too, but late: the throttle holds a
 * bio, submit_bio() returns, and the bio reaches the queue later, in a
 * burst larger than its tags; it was queued, so urpt must send it again
 * rather than complete it with -EAGAIN.
 *
 *   URPT_EAGAIN_BDEV  the small-queue disk (/dev/nullb1); overwritten
 *   URPT_SEED=<n>     changes the data patterns
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_fault.h"

#define STORM		256u
#define ONCE_BDEV	"/dev/nullb0"
#define SCRATCH		(1u << 20)

FIXTURE(storm) {
	bool skip;
	struct ut_disk d;
	struct urpt_info info;
	char *scratch;		/* SCRATCH bytes, for O_DIRECT */
	uint64_t rng;
	bool throttled;		/* in the io.max cgroup: leave it */
};

FIXTURE_SETUP(storm)
{
	const char *bdev = ut_bdev(), *eagain = getenv("URPT_EAGAIN_BDEV");
	const char *what = "";
	uint64_t depth = 0;
	int ret;

	if (bdev && strcmp(bdev, ONCE_BDEV)) {
		self->skip = true;
		SKIP(return, "runs once, on the %s run (URPT_BDEV=%s)",
		     ONCE_BDEV, bdev);
	}
	if (!eagain || !*eagain) {
		self->skip = true;
		SKIP(return, "URPT_EAGAIN_BDEV is not set");
	}
	self->rng = ut_seed();
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	ASSERT_TRUE(ut_exists(eagain)) {
		TH_LOG("URPT_EAGAIN_BDEV=%s does not exist", eagain);
	}
	/* The point is a queue much shallower than the storm. */
	ret = ut_sysfs_queue_u64(ut_basename(eagain), "nr_requests", &depth);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: queue/nr_requests: %s", eagain, strerror(-ret));
	}
	ASSERT_GT((uint64_t)STORM / 8, depth) {
		TH_LOG("%s has %llu requests: not a small queue", eagain,
		       (unsigned long long)depth);
	}
	ret = ut_disk_attach(&self->d, eagain, &what);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s: %s", eagain, what, strerror(-ret));
	}
	self->info = self->d.info;
	self->scratch = ut_alloc(SCRATCH);
	if (!self->scratch) {
		ut_disk_release(&self->d);
		ASSERT_TRUE(false);
	}
	TH_LOG("%s: %llu requests, %llu bytes, disk_max_transfer %u, features %#llx",
	       eagain, (unsigned long long)depth,
	       (unsigned long long)self->info.capacity,
	       self->info.disk_max_transfer,
	       (unsigned long long)self->info.features);
}

static void leave_throttle(void);

FIXTURE_TEARDOWN(storm)
{
	if (self->throttled)
		leave_throttle();
	if (self->skip)
		return;
	ut_fixture_release(_metadata, &self->d);
	free(self->scratch);
}

/* What one slot of a storm does. */
enum slot_op {
	S_READ, S_WRITE, S_READV, S_WRITEV, S_FLUSH, S_DISCARD, S_ZEROES,
	S_WRITE_FUA,
};

static const char *const slot_names[] = {
	"READ", "WRITE", "READV", "WRITEV", "FLUSH", "DISCARD",
	"WRITE_ZEROES", "WRITE FUA",
};

/* Storm options. */
#define M_MIXED		(1u << 0)	/* every command kind, not READ/WRITE */
#define M_MISALIGN	(1u << 1)	/* buffers at +1: bounced */
#define M_BOUNCE	(1u << 2)	/* URPT_F_BOUNCE on data commands */
#define M_FIXED		(1u << 3)	/* READ/WRITE from a registered buffer */

static enum slot_op slot_op(FIXTURE_DATA(storm) *self, unsigned int i,
			    unsigned int mode)
{
	if (!(mode & M_MIXED))
		return i % 2 ? S_WRITE : S_READ;
	switch (i % 8) {
	case 5:
		return self->info.max_discard ? S_DISCARD : S_WRITE;
	case 6:
		return self->info.max_write_zeroes ? S_ZEROES : S_READ;
	default:
		return (enum slot_op)(i % 8);
	}
}

static long disk_diff(FIXTURE_DATA(storm) *self, const char *want,
		      uint32_t len, uint64_t off)
{
	return ut_disk_diff(self->d.direct_fd, self->scratch, SCRATCH, want,
			    len, off);
}

static int disk_fill(FIXTURE_DATA(storm) *self, uint32_t len, uint64_t off,
		     uint64_t seed, char *copy)
{
	ut_fill(copy, len, seed);
	return ut_disk_write(self->d.direct_fd, self->scratch, SCRATCH, copy,
			     len, off);
}

/*
 * nr commands of size bytes, all submitted at once on a ring of
 * ring_flags; slot i covers [i * size, (i + 1) * size) of the disk.
 */
static void storm(struct __test_metadata *_metadata, FIXTURE_DATA(storm) *self,
		  unsigned int ring_flags, unsigned int nr, uint32_t size,
		  unsigned int mode)
{
	size_t stride = (size_t)size + 4096;
	uint32_t shift = mode & M_MISALIGN ? 1 : 0;
	char *bufs = ut_map_lazy(stride * nr);
	char *want = malloc(size);
	struct iovec *iov = calloc((size_t)nr * 2, sizeof(*iov));
	bool *seen = calloc(nr, sizeof(*seen));
	bool fixed = false;
	struct io_uring ring;
	struct ut_cqe c;
	unsigned int i;
	int ret;

	ASSERT_NE(NULL, bufs);
	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, iov);
	ASSERT_NE(NULL, seen);
	ASSERT_LE((uint64_t)nr * size, self->info.capacity);
	ASSERT_EQ(0u, size % self->info.logical_block_size);

	/* Every slot starts with its pattern on the disk. */
	for (i = 0; i < nr; i++) {
		char *b = bufs + stride * i + shift;
		enum slot_op op = slot_op(self, i, mode);

		ASSERT_EQ(0, disk_fill(self, size, (uint64_t)i * size,
				       self->rng + 9000 + i, want));
		if (op == S_WRITE || op == S_WRITEV || op == S_WRITE_FUA)
			ut_fill(b, size, ~(self->rng + 9000 + i));
		else
			memset(b, 0xa5, size);
		/* Vectored slots: the two halves swapped in memory. */
		iov[2 * i].iov_base = b + size / 2;
		iov[2 * i].iov_len = size / 2;
		iov[2 * i + 1].iov_base = b;
		iov[2 * i + 1].iov_len = size / 2;
	}

	ret = urpt_queue_init(nr, &ring, ring_flags);
	ASSERT_EQ(0, ret) {
		TH_LOG("ring of %u, flags %#x: %s", nr, ring_flags,
		       strerror(-ret));
	}
	if ((mode & M_FIXED) && (self->info.features & URPT_FEAT_FIXED)) {
		struct iovec reg = { bufs, stride * nr };

		ret = io_uring_register_buffers(&ring, &reg, 1);
		ASSERT_EQ(0, ret) {
			TH_LOG("register %zu bytes: %s", stride * nr,
			       strerror(-ret));
		}
		fixed = true;
	}
	for (i = 0; i < nr; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		char *b = bufs + stride * i + shift;
		uint64_t off = (uint64_t)i * size;
		int fd = self->d.dev.fd;
		uint32_t dflags = mode & M_BOUNCE ? URPT_F_BOUNCE : 0;

		ASSERT_NE(NULL, sqe);
		switch (slot_op(self, i, mode)) {
		case S_READ:
			urpt_prep_read(sqe, fd, b, size, off);
			urpt_prep_set_flags(sqe, dflags);
			if (fixed)
				urpt_prep_set_fixed(sqe, 0);
			break;
		case S_WRITE:
			urpt_prep_write(sqe, fd, b, size, off);
			urpt_prep_set_flags(sqe, dflags);
			if (fixed)
				urpt_prep_set_fixed(sqe, 0);
			break;
		case S_WRITE_FUA:
			urpt_prep_write(sqe, fd, b, size, off);
			urpt_prep_set_flags(sqe, dflags | URPT_F_FUA);
			break;
		case S_READV:
			urpt_prep_readv(sqe, fd, &iov[2 * i], 2, off);
			urpt_prep_set_flags(sqe, dflags);
			break;
		case S_WRITEV:
			urpt_prep_writev(sqe, fd, &iov[2 * i], 2, off);
			urpt_prep_set_flags(sqe, dflags);
			break;
		case S_FLUSH:
			urpt_prep_flush(sqe, fd);
			break;
		case S_DISCARD:
			urpt_prep_discard(sqe, fd, size, off);
			break;
		case S_ZEROES:
			urpt_prep_write_zeroes(sqe, fd, size, off);
			break;
		}
		sqe->user_data = 0x1000 + i;
	}
	ret = io_uring_submit(&ring);
	ASSERT_EQ((int)nr, ret) {
		TH_LOG("submit: %d (%s)", ret, ret < 0 ? strerror(-ret) : "");
	}

	for (i = 0; i < nr; i++) {
		enum slot_op op;
		uint64_t slot;
		int32_t res;

		slot = ut_reap_slot(_metadata, &ring, &c, i, nr, seen);
		op = slot_op(self, slot, mode);
		res = op == S_FLUSH ? 0 : (int32_t)size;
		EXPECT_EQ(res, c.res) {
			TH_LOG("slot %llu (%s): res %d (%s), blk status %llu",
			       (unsigned long long)slot, slot_names[op], c.res,
			       c.res < 0 ? strerror(-c.res) : "",
			       (unsigned long long)(c.extra[0] & 0xff));
		}
		EXPECT_EQ((uint64_t)0, c.extra[0] & URPT_RES2_STATUS_MASK);
	}
	io_uring_queue_exit(&ring);

	for (i = 0; i < nr; i++) {
		char *b = bufs + stride * i + shift;
		uint64_t off = (uint64_t)i * size;
		enum slot_op op = slot_op(self, i, mode);
		long diff = -1;

		switch (op) {
		case S_READ:
			ut_fill(want, size, self->rng + 9000 + i);
			diff = ut_first_diff(want, b, size);
			break;
		case S_READV:
			/* The disk's first half went to the second. */
			ut_fill(want, size, self->rng + 9000 + i);
			diff = ut_first_diff(want, b + size / 2, size / 2);
			if (diff < 0)
				diff = ut_first_diff(want + size / 2, b,
						     size / 2);
			break;
		case S_WRITE:
		case S_WRITE_FUA:
			diff = disk_diff(self, b, size, off);
			break;
		case S_WRITEV:
			diff = disk_diff(self, b + size / 2, size / 2, off);
			if (diff < 0)
				diff = disk_diff(self, b, size / 2,
						 off + size / 2);
			break;
		case S_FLUSH:
			/* Nothing wrote there: the pattern is intact. */
			ut_fill(want, size, self->rng + 9000 + i);
			diff = disk_diff(self, want, size, off);
			break;
		case S_ZEROES:
			memset(want, 0, size);
			diff = disk_diff(self, want, size, off);
			break;
		case S_DISCARD:
			break;	/* data undefined */
		}
		EXPECT_EQ(-1, diff) {
			TH_LOG("slot %u (%s): data differs at byte %ld", i,
			       slot_names[op], diff);
		}
		if (!_metadata->passed)
			break;
	}
	munmap(bufs, stride * nr);
	free(want);
	free(iov);
	free(seen);
}

TEST_F_TIMEOUT(storm, reads_writes_64k, 180)
{
	NEED_SETUP();
	storm(_metadata, self, 0, STORM, 65536, 0);
}

/* Commands larger than the disk's requests: partial issue, then again. */
TEST_F_TIMEOUT(storm, reads_writes_multi_bio, 240)
{
	uint32_t lbs = self->info.logical_block_size;
	uint32_t size;

	NEED_SETUP();
	size = (uint32_t)(self->info.capacity / STORM);
	if (size > self->info.max_transfer)
		size = self->info.max_transfer;
	size -= size % lbs;
	if (size <= self->info.disk_max_transfer)
		TH_LOG("%u bytes per command fit one request (disk_max_transfer %u)",
		       size, self->info.disk_max_transfer);
	storm(_metadata, self, 0, STORM, size, 0);
}

TEST_F_TIMEOUT(storm, every_command_kind, 180)
{
	NEED_SETUP();
	storm(_metadata, self, 0, STORM, 65536, M_MIXED);
}

TEST_F_TIMEOUT(storm, iopoll_ring, 180)
{
	NEED_SETUP();
	storm(_metadata, self, IORING_SETUP_IOPOLL, STORM, 65536, M_MIXED);
}

TEST_F_TIMEOUT(storm, bounced_misaligned, 180)
{
	NEED_SETUP();
	storm(_metadata, self, 0, STORM, 65536, M_MIXED | M_MISALIGN);
}

TEST_F_TIMEOUT(storm, bounce_flag, 180)
{
	NEED_SETUP();
	storm(_metadata, self, 0, STORM, 65536, M_MIXED | M_BOUNCE);
}

TEST_F_TIMEOUT(storm, registered_buffers, 180)
{
	NEED_SETUP();
	if (!(self->info.features & URPT_FEAT_FIXED))
		SKIP(return, "no URPT_FEAT_FIXED");
	storm(_metadata, self, 0, STORM, 65536, M_FIXED);
}

#define CG_ROOT		FL_CG_ROOT
#define CG_THROTTLE	CG_ROOT "/urpt-throttle"
#define THROTTLE_IOPS	500u

/*
 * This process in an io cgroup whose io.max holds @dev to @iops reads and
 * writes a second: NULL, or why not.
 */
static const char *enter_throttle(const char *dev, unsigned int iops)
{
	char text[256], max[96];
	const char *why;
	struct stat st;

	if (stat(dev, &st))
		return "the disk cannot be looked at (stat)";
	why = fl_cgroup_make(CG_THROTTLE, "io");
	if (why)
		return why;
	snprintf(max, sizeof(max), "%u:%u riops=%u wiops=%u",
		 major(st.st_rdev), minor(st.st_rdev), iops, iops);
	snprintf(text, sizeof(text), "riops=%u wiops=%u", iops, iops);
	if (fl_write_file(CG_THROTTLE "/io.max", max) ||
	    ut_read_text(CG_THROTTLE "/io.max", max, sizeof(max)) < 0 ||
	    !strstr(max, text)) {
		rmdir(CG_THROTTLE);
		return "io.max was refused (no blk-throttle in this kernel?)";
	}
	if (fl_write_file(CG_THROTTLE "/cgroup.procs", "0")) {
		rmdir(CG_THROTTLE);
		return "could not move into " CG_THROTTLE;
	}
	return NULL;
}

static void leave_throttle(void)
{
	fl_write_file(CG_ROOT "/cgroup.procs", "0");
	rmdir(CG_THROTTLE);
}

/*
 * Bursts of reads and writes that blk-throttle releases onto two tags:
 * every command completes with its length and its data, none with -EAGAIN
 * (the old module's answer for each bio that found no tag).
 */
TEST_F_TIMEOUT(storm, throttled_by_blk_throttle, 240)
{
	const char *why;

	NEED_SETUP();
	why = enter_throttle(getenv("URPT_EAGAIN_BDEV"), THROTTLE_IOPS);
	if (why)
		SKIP(return, "%s", why);
	self->throttled = true;
	storm(_metadata, self, 0, STORM, 65536, 0);
	storm(_metadata, self, 0, STORM, 65536, M_MIXED);
}

/*
 * A READV linked behind a READ: io_uring issues it from task work once the
 * READ completed, and task work runs wherever the submitter next enters
 * the kernel; here, spinning in user space, on its way back from an
 * interrupt. 6.1's in_compat_syscall() there reads the interrupt's
 * orig_ax (-1) as an x32 syscall: an iovec array read in the 32-bit
 * layout has lengths made of the buffers' upper address bits, and the
 * READV fails with -EINVAL. The ring's own record says 64-bit.
 */
#define L_ROUNDS	20u
#define L_PAIRS		32u
#define L_SPIN_MS	20

TEST_F_TIMEOUT(storm, readv_linked_issued_from_task_work, 180)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct timespec t0, t;
	unsigned int r, i, bad = 0, done = 0;
	struct iovec *iov;
	struct ut_cqe c;
	char *buf;

	NEED_SETUP();
	ASSERT_EQ(0, urpt_queue_init(2 * L_PAIRS, &ring, 0));
	buf = ut_alloc((size_t)2 * L_PAIRS * 4096);
	iov = calloc(L_PAIRS, sizeof(*iov));
	ASSERT_TRUE(buf && iov);
	for (r = 0; r < L_ROUNDS; r++) {
		for (i = 0; i < L_PAIRS; i++) {
			sqe = io_uring_get_sqe(&ring);
			ASSERT_NE(NULL, sqe);
			urpt_prep_read(sqe, self->d.dev.fd,
				       buf + (size_t)2 * i * 4096, 4096,
				       (uint64_t)2 * i * 4096);
			sqe->flags |= IOSQE_IO_LINK;
			sqe->user_data = 2 * i;
			iov[i].iov_base = buf + (size_t)(2 * i + 1) * 4096;
			iov[i].iov_len = 4096;
			sqe = io_uring_get_sqe(&ring);
			ASSERT_NE(NULL, sqe);
			urpt_prep_readv(sqe, self->d.dev.fd, &iov[i], 1,
					(uint64_t)(2 * i + 1) * 4096);
			sqe->user_data = 2 * i + 1;
		}
		ASSERT_EQ((int)(2 * L_PAIRS), io_uring_submit(&ring));
		/* In user space, not in io_uring_enter(), while they run. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while ((t.tv_sec - t0.tv_sec) * 1000 +
			 (t.tv_nsec - t0.tv_nsec) / 1000000 < L_SPIN_MS);
		for (i = 0; i < 2 * L_PAIRS; i++) {
			ASSERT_EQ(0, ut_reap(&ring, &c));
			done++;
			if (c.res != 4096 && ++bad <= 5)
				TH_LOG("round %u: %s %llu: %d (%s)", r,
				       c.user_data & 1 ? "READV" : "READ",
				       (unsigned long long)c.user_data, c.res,
				       c.res < 0 ? strerror(-c.res) : "short");
		}
	}
	TH_LOG("%u READs and linked READVs, %u failed", done, bad);
	EXPECT_EQ(0u, bad);
	io_uring_queue_exit(&ring);
	free(iov);
	free(buf);
}

TEST_HARNESS_MAIN
