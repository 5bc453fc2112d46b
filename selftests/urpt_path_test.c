// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the ways a command travels -- registered buffers, IOPOLL
 * rings, bounce buffers, transfers larger than the disk's own limit, many
 * commands in flight, and a partition as the backing device.
 *
 * Run as root with URPT_BDEV=/dev/<disk> (a disk the test may overwrite).
 *   URPT_POLL=1    the disk has poll queues (INFO must say URPT_FEAT_POLL)
 *   URPT_WHOLE     on a partition run, the whole disk (/dev/vdb for
 *                  /dev/vdb1): the partition tests read it directly and
 *                  check the sectors around the partition, which hold
 *                  their own sector number (32 records "sect %010d\n",
 *                  as selftests/vm/lib.sh writes them)
 *   URPT_SEED=<n>  changes the data patterns and offsets
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define BUF_SIZE	(4u << 20)	/* each of buf and buf2 */
#define MIB		(1u << 20)

FIXTURE(path) {
	bool skip;
	struct ut_disk d;
	struct urpt_info info;	/* copy of d.info */
	char *buf;
	char *buf2;
	uint64_t rng;
};

FIXTURE_SETUP(path)
{
	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	self->info = self->d.info;
	self->buf = ut_alloc(BUF_SIZE);
	self->buf2 = ut_alloc(BUF_SIZE);
	ut_fixture_need_bufs(_metadata, &self->d, self->buf, self->buf2);
}

FIXTURE_TEARDOWN(path)
{
	if (self->skip)
		return;
	ut_fixture_release(_metadata, &self->d);
	free(self->buf);
	free(self->buf2);
}

static uint32_t lbs_of(FIXTURE_DATA(path) *self)
{
	return self->info.logical_block_size;
}

static bool has(FIXTURE_DATA(path) *self, uint64_t feat)
{
	return !!(self->info.features & feat);
}

static uint64_t rand_offset(FIXTURE_DATA(path) *self, uint64_t len)
{
	return ut_rand_offset(&self->info, &self->rng, len);
}

/* Prepare on ring (not the fixture's): NULL if the SQ ring is full. */
static struct urpt_cmd *prep_on(FIXTURE_DATA(path) *self,
				struct io_uring *ring, uint32_t cmd_op,
				void *addr, uint32_t len, uint64_t offset,
				uint32_t flags)
{
	struct urpt_cmd *cmd = ut_prep(ring, self->d.dev.fd, cmd_op, addr,
				       len, offset);

	if (cmd)
		cmd->flags = flags;
	return cmd;
}

/* The SQE that ut_prep just filled on ring (to set FIXED on it). */
static struct io_uring_sqe *last_sqe(struct io_uring *ring)
{
	unsigned int shift = ring->flags & IORING_SETUP_SQE128 ? 1 : 0;

	return &ring->sq.sqes[((ring->sq.sqe_tail - 1) & ring->sq.ring_mask)
			      << shift];
}

/* Compare len bytes at off on the disk (O_DIRECT, in pieces) with want. */
static long disk_diff(FIXTURE_DATA(path) *self, const char *want,
		      uint64_t len, uint64_t off)
{
	return ut_disk_diff(self->d.direct_fd, self->buf2, BUF_SIZE, want,
			    len, off);
}

/* Write len bytes of src at off directly (O_DIRECT, in pieces). */
static int disk_write(FIXTURE_DATA(path) *self, const char *src,
		      uint64_t len, uint64_t off)
{
	return ut_disk_write(self->d.direct_fd, self->buf2, BUF_SIZE, src,
			     len, off);
}

/* ---- registered buffers -------------------------------------------------- */

#define FIX_SIZE	(1u << 20)	/* each registered buffer */

/* A ring with buf and buf2 (FIX_SIZE each) registered as 0 and 1. */
static int fixed_ring(FIXTURE_DATA(path) *self, struct io_uring *ring,
		      unsigned int extra)
{
	struct iovec reg[2] = {
		{ self->buf, FIX_SIZE }, { self->buf2, FIX_SIZE },
	};
	int ret = urpt_queue_init(8, ring, extra);

	if (ret)
		return ret;
	ret = io_uring_register_buffers(ring, reg, 2);
	if (ret)
		io_uring_queue_exit(ring);
	return ret;
}

TEST_F(path, fixed_read_write_round_trip)
{
	static const uint32_t wflags[] = { 0, URPT_F_FUA, URPT_F_BOUNCE };
	uint32_t lbs = lbs_of(self), len = 64 * 1024;
	struct io_uring ring;
	struct ut_cqe c;
	char what[96];
	size_t i;
	long diff;

	NEED_SETUP();
	ASSERT_EQ(0, fixed_ring(self, &ring, 0));
	if (!has(self, URPT_FEAT_FIXED)) {
		/* Not announced: then refused, never half done. */
		ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, self->buf,
					lbs, 0, 0));
		urpt_prep_set_fixed(last_sqe(&ring), 0);
		ASSERT_EQ(0, ut_submit_one(&ring, &c));
		UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "FIXED READ without FEAT_FIXED");
		io_uring_queue_exit(&ring);
		SKIP(return, "%s: no URPT_FEAT_FIXED", self->d.name);
	}
	for (i = 0; i < ARRAY_SIZE(wflags); i++) {
		/* WRITE from inside buffer 1, at an offset into it. */
		char *src = self->buf2 + 8192 + i * len;
		char *dst = self->buf + 4096 * (i + 1);
		uint64_t off = rand_offset(self, len);
		char *check;

		snprintf(what, sizeof(what), "FIXED WRITE flags %#x",
			 wflags[i]);
		ut_fill(src, len, self->rng + 10 + i);
		ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITE, src, len,
					off, wflags[i]));
		urpt_prep_set_fixed(last_sqe(&ring), 1);
		ASSERT_EQ(0, ut_submit_one(&ring, &c));
		UT_EXPECT_DONE(&c, len, what);

		/* READ it back into buffer 0 (BOUNCE on odd rounds). */
		snprintf(what, sizeof(what), "FIXED READ round %zu", i);
		memset(dst, 0xa5, len);
		ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, dst, len,
					off, i & 1 ? URPT_F_BOUNCE : 0));
		urpt_prep_set_fixed(last_sqe(&ring), 0);
		ASSERT_EQ(0, ut_submit_one(&ring, &c));
		UT_EXPECT_DONE(&c, len, what);
		diff = ut_first_diff(src, dst, len);
		EXPECT_EQ(-1, diff) {
			TH_LOG("%s: differs at byte %ld", what, diff);
		}
		/* And the disk has it (read with O_DIRECT elsewhere). */
		check = malloc(len);
		ASSERT_NE(NULL, check);
		memcpy(check, src, len);
		EXPECT_EQ(-1, disk_diff(self, check, len, off));
		free(check);
	}
	io_uring_queue_exit(&ring);
}

/* An address inside a registered buffer that misses dma_alignment. */
TEST_F(path, fixed_misaligned_bounced)
{
	uint32_t lbs = lbs_of(self), len = 8 * lbs;
	uint64_t off = 40 * (uint64_t)lbs;
	struct io_uring ring;
	struct ut_cqe c;
	char *src = self->buf2 + 1, *dst = self->buf + 3;
	long diff;

	NEED_SETUP();
	if (!has(self, URPT_FEAT_FIXED))
		SKIP(return, "%s: no URPT_FEAT_FIXED", self->d.name);
	ASSERT_EQ(0, fixed_ring(self, &ring, 0));
	ut_fill(src, len, self->rng + 20);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITE, src, len, off, 0));
	urpt_prep_set_fixed(last_sqe(&ring), 1);
	ASSERT_EQ(0, ut_submit_one(&ring, &c));
	UT_EXPECT_DONE(&c, len, "FIXED WRITE from buf+1");

	memset(self->buf, 0xa5, len + 16);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, dst, len, off, 0));
	urpt_prep_set_fixed(last_sqe(&ring), 0);
	ASSERT_EQ(0, ut_submit_one(&ring, &c));
	UT_EXPECT_DONE(&c, len, "FIXED READ into buf+3");
	diff = ut_first_diff(src, dst, len);
	EXPECT_EQ(-1, diff) {
		TH_LOG("differs at byte %ld", diff);
	}
	EXPECT_EQ(0xa5, (unsigned char)self->buf[2]);
	EXPECT_EQ(0xa5, (unsigned char)dst[len]);
	io_uring_queue_exit(&ring);
}

TEST_F(path, fixed_bad_index_or_range_efault)
{
	static const uint32_t ops[] = { URPT_CMD_READ, URPT_CMD_WRITE };
	uint32_t lbs = lbs_of(self);
	struct io_uring ring, bare;
	struct ut_cqe c;
	char what[96];
	size_t i, k;
	const struct {
		const char *name;
		unsigned int index;
		char *addr;
		uint32_t len;
	} bad[] = {
		{ "index 2 of 2", 2, self->buf, lbs },
		{ "index 1000", 1000, self->buf, lbs },
		{ "index 0xffff", 0xffff, self->buf, lbs },
		{ "addr before the buffer", 0, self->buf - 4096, lbs },
		{ "range past the buffer's end", 0,
		  self->buf + FIX_SIZE - lbs, 2 * lbs },
		{ "addr at the buffer's end", 0, self->buf + FIX_SIZE, lbs },
		{ "the other buffer's range", 0, self->buf2, lbs },
	};

	NEED_SETUP();
	if (!has(self, URPT_FEAT_FIXED))
		SKIP(return, "%s: no URPT_FEAT_FIXED", self->d.name);
	ASSERT_EQ(0, fixed_ring(self, &ring, 0));
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (k = 0; k < ARRAY_SIZE(bad); k++) {
			snprintf(what, sizeof(what), "FIXED %s, %s",
				 ut_op_name(ops[i]), bad[k].name);
			ASSERT_NE(NULL, prep_on(self, &ring, ops[i],
						bad[k].addr, bad[k].len, 0, 0));
			urpt_prep_set_fixed(last_sqe(&ring), bad[k].index);
			ASSERT_EQ(0, ut_submit_one(&ring, &c));
			UT_EXPECT_REFUSED(&c, EFAULT, what);
		}
	}
	io_uring_queue_exit(&ring);

	/* A ring with no buffers registered at all. */
	ASSERT_EQ(0, urpt_queue_init(4, &bare, 0));
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		snprintf(what, sizeof(what), "FIXED %s, nothing registered",
			 ut_op_name(ops[i]));
		ASSERT_NE(NULL, prep_on(self, &bare, ops[i], self->buf, lbs, 0,
					0));
		urpt_prep_set_fixed(last_sqe(&bare), 0);
		ASSERT_EQ(0, ut_submit_one(&bare, &c));
		UT_EXPECT_REFUSED(&c, EFAULT, what);
	}
	io_uring_queue_exit(&bare);
}

/* READV/WRITEV with registered buffers: only with URPT_FEAT_FIXED_VEC. */
TEST_F(path, fixed_readv_writev)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = 64 * (uint64_t)lbs;
	struct iovec iov[3];
	struct io_uring ring;
	struct ut_cqe c;
	char *expect;
	long diff;
	int i;

	NEED_SETUP();
	ASSERT_EQ(0, fixed_ring(self, &ring, 0));
	iov[0].iov_base = self->buf2 + 4096;
	iov[0].iov_len = 2 * lbs;
	iov[1].iov_base = self->buf2 + 65536;
	iov[1].iov_len = 5 * lbs;
	iov[2].iov_base = self->buf2 + 8192;
	iov[2].iov_len = lbs;
	if (!has(self, URPT_FEAT_FIXED_VEC)) {
		for (i = 0; i < 2; i++) {
			uint32_t op = i ? URPT_CMD_WRITEV : URPT_CMD_READV;

			ASSERT_NE(NULL, prep_on(self, &ring, op, iov, 3, off,
						0));
			urpt_prep_set_fixed(last_sqe(&ring), 1);
			ASSERT_EQ(0, ut_submit_one(&ring, &c));
			UT_EXPECT_REFUSED(&c, EOPNOTSUPP,
					  i ? "FIXED WRITEV" : "FIXED READV");
		}
		io_uring_queue_exit(&ring);
		SKIP(return, "%s: no URPT_FEAT_FIXED_VEC (-EOPNOTSUPP checked)",
		     self->d.name);
	}
	expect = malloc(8 * lbs);
	ASSERT_NE(NULL, expect);
	ut_fill(expect, 8 * lbs, self->rng + 30);
	memcpy(iov[0].iov_base, expect, 2 * lbs);
	memcpy(iov[1].iov_base, expect + 2 * lbs, 5 * lbs);
	memcpy(iov[2].iov_base, expect + 7 * lbs, lbs);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITEV, iov, 3, off, 0));
	urpt_prep_set_fixed(last_sqe(&ring), 1);
	ASSERT_EQ(0, ut_submit_one(&ring, &c));
	UT_EXPECT_DONE(&c, 8 * lbs, "FIXED WRITEV");
	EXPECT_EQ(-1, disk_diff(self, expect, 8 * lbs, off));

	for (i = 0; i < 3; i++)
		iov[i].iov_base = (char *)iov[i].iov_base - self->buf2 +
				  self->buf;
	memset(self->buf, 0xa5, FIX_SIZE);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READV, iov, 3, off, 0));
	urpt_prep_set_fixed(last_sqe(&ring), 0);
	ASSERT_EQ(0, ut_submit_one(&ring, &c));
	UT_EXPECT_DONE(&c, 8 * lbs, "FIXED READV");
	diff = ut_first_diff(expect, iov[0].iov_base, 2 * lbs);
	EXPECT_EQ(-1, diff);
	diff = ut_first_diff(expect + 2 * lbs, iov[1].iov_base, 5 * lbs);
	EXPECT_EQ(-1, diff);
	diff = ut_first_diff(expect + 7 * lbs, iov[2].iov_base, lbs);
	EXPECT_EQ(-1, diff);
	free(expect);
	io_uring_queue_exit(&ring);
}

/* ---- IOPOLL rings -------------------------------------------------------- */

TEST_F(path, poll_feature_matches_environment)
{
	const char *env = getenv("URPT_POLL");
	bool want = env && !strcmp(env, "1");
	char text[16];
	bool sysfs;

	NEED_SETUP();
	if (ut_sysfs_queue(self->d.name, "io_poll", text, sizeof(text)) > 0) {
		sysfs = text[0] == '1';
		EXPECT_EQ(sysfs, has(self, URPT_FEAT_POLL)) {
			TH_LOG("queue/io_poll %c, features %#llx", text[0],
			       (unsigned long long)self->info.features);
		}
	}
	EXPECT_EQ(want, has(self, URPT_FEAT_POLL)) {
		TH_LOG("URPT_POLL=%s but URPT_FEAT_POLL is %s",
		       env ? env : "(unset)",
		       has(self, URPT_FEAT_POLL) ? "set" : "clear");
	}
}

/*
 * Every command on an IOPOLL ring, on every disk: polled where the disk
 * has poll queues, completed by interrupt (and reaped by the same loop)
 * where not; single- and multi-bio, aligned and bounced.
 */
TEST_F_TIMEOUT(path, iopoll_every_command, 120)
{
	uint32_t lbs = lbs_of(self);
	uint32_t big = self->info.disk_max_transfer * 2 + lbs;
	uint64_t off = 128 * (uint64_t)lbs, room;
	struct urpt_info *info;
	struct io_uring ring;
	struct iovec iov[2];
	struct ut_cqe c;
	char *src, *dst;
	long diff;
	int ret;

	NEED_SETUP();
	/* big bytes from buf2 into buf (BUF_SIZE each) and the disk at off. */
	src = self->buf2;
	dst = self->buf;
	room = BUF_SIZE;
	if (room > self->info.capacity - off)
		room = self->info.capacity - off;
	if (big > room)
		big = (uint32_t)(room - room % lbs);
	if (big <= self->info.disk_max_transfer)
		TH_LOG("%u bytes do not exceed disk_max_transfer %u here",
		       big, self->info.disk_max_transfer);
	ret = urpt_queue_init(8, &ring, IORING_SETUP_IOPOLL);
	ASSERT_EQ(0, ret) {
		TH_LOG("IOPOLL ring: %s", strerror(-ret));
	}
	TH_LOG("%s: %s", self->d.name, has(self, URPT_FEAT_POLL) ?
	       "poll queues: polled" : "no poll queues: by interrupt");

	/* INFO */
	info = (struct urpt_info *)self->buf;
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_INFO, info, 0, 0, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	EXPECT_EQ((int32_t)sizeof(*info), c.res);

	/* WRITE, then READ: one block, and a multi-bio one. */
	ut_fill(src, big, self->rng + 40);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITE, src, lbs, off,
				0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, lbs, "IOPOLL WRITE 1 block");
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITE, src, big, off,
				0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, big, "IOPOLL WRITE > disk_max_transfer");
	memset(dst, 0, big);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, dst, big, off, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, big, "IOPOLL READ > disk_max_transfer");
	diff = ut_first_diff(src, dst, big);
	EXPECT_EQ(-1, diff) {
		TH_LOG("IOPOLL READ: differs at byte %ld", diff);
	}

	/* READ into a misaligned address (bounced), and with BOUNCE. */
	memset(dst, 0, 2 * lbs + 1);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, dst + 1, 2 * lbs,
				off, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "IOPOLL READ into buf+1");
	EXPECT_EQ(-1, ut_first_diff(src, dst + 1, 2 * lbs));
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, dst, 2 * lbs, off,
				URPT_F_BOUNCE));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "IOPOLL READ BOUNCE");
	EXPECT_EQ(-1, ut_first_diff(src, dst, 2 * lbs));

	/* WRITEV (FUA) and READV. */
	iov[0].iov_base = src + 4 * lbs;
	iov[0].iov_len = lbs;
	iov[1].iov_base = src;
	iov[1].iov_len = 3 * lbs;
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITEV, iov, 2, off,
				URPT_F_FUA));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, 4 * lbs, "IOPOLL WRITEV FUA");
	iov[0].iov_base = dst + 3 * lbs;
	iov[1].iov_base = dst;
	memset(dst, 0, 4 * lbs);
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READV, iov, 2, off, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, 4 * lbs, "IOPOLL READV");
	EXPECT_EQ(-1, ut_first_diff(src + 4 * lbs, dst + 3 * lbs, lbs));
	EXPECT_EQ(-1, ut_first_diff(src, dst, 3 * lbs));

	/* FLUSH, DISCARD, WRITE_ZEROES. */
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_FLUSH, NULL, 0, 0, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_DONE(&c, 0, "IOPOLL FLUSH");
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_DISCARD, NULL, 8 * lbs,
				off, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	if (self->info.max_discard) {
		UT_EXPECT_DONE(&c, 8 * lbs, "IOPOLL DISCARD");
	} else {
		UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "IOPOLL DISCARD");
	}
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_WRITE_ZEROES, NULL,
				8 * lbs, off, 0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	if (self->info.max_write_zeroes) {
		UT_EXPECT_DONE(&c, 8 * lbs, "IOPOLL WRITE_ZEROES");
		ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, dst, 8 * lbs,
					   off));
		memset(src, 0, 8 * lbs);
		EXPECT_EQ(-1, ut_first_diff(src, dst, 8 * lbs));
	} else {
		UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "IOPOLL WRITE_ZEROES");
	}

	/* A refusal completes on an IOPOLL ring too. */
	ASSERT_NE(NULL, prep_on(self, &ring, URPT_CMD_READ, dst, lbs + 1, off,
				0));
	ASSERT_EQ(0, ut_submit_one_any(&ring, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "IOPOLL READ len lbs+1");
	io_uring_queue_exit(&ring);
}

/* ---- many commands in flight --------------------------------------------- */

#define DEEP		256u

/*
 * nr commands of size bytes in flight at once on a ring of ring_flags,
 * slot i at base + i * size: even slots READ a pattern written directly
 * beforehand, odd ones WRITE one; every completion arrives once, with the
 * right result, and the data is right. misalign shifts every buffer by
 * that many bytes (bounced); flags go on every command.
 */
static void many_in_flight(struct __test_metadata *_metadata,
			   FIXTURE_DATA(path) *self, unsigned int ring_flags,
			   unsigned int nr, uint32_t size, uint64_t base,
			   uint32_t misalign, uint32_t wflags)
{
	size_t stride = (size_t)size + 4096;
	bool *seen = calloc(nr, sizeof(*seen));
	char *bufs = ut_map_lazy(stride * nr);
	char *check = malloc(size);
	struct io_uring ring;
	struct ut_cqe c;
	unsigned int i;
	int ret;

	ASSERT_NE(NULL, seen);
	ASSERT_NE(NULL, bufs);
	ASSERT_NE(NULL, check);
	ASSERT_LE(base + (uint64_t)nr * size, self->info.capacity);
	for (i = 0; i < nr; i++) {
		char *b = bufs + stride * i + misalign;

		if (i % 2 == 0) {
			ut_fill(check, size, self->rng + 5000 + i);
			ASSERT_EQ(0, disk_write(self, check, size,
						base + (uint64_t)i * size));
			memset(b, 0xa5, size);
		} else {
			ut_fill(b, size, self->rng + 5000 + i);
		}
	}
	ret = urpt_queue_init(nr, &ring, ring_flags);
	ASSERT_EQ(0, ret) {
		TH_LOG("ring of %u (flags %#x): %s", nr, ring_flags,
		       strerror(-ret));
	}
	for (i = 0; i < nr; i++) {
		char *b = bufs + stride * i + misalign;
		uint64_t off = base + (uint64_t)i * size;
		struct urpt_cmd *cmd;

		cmd = i % 2 ? ut_prep(&ring, self->d.dev.fd, URPT_CMD_WRITE, b,
				      size, off) :
			      ut_prep(&ring, self->d.dev.fd, URPT_CMD_READ, b,
				      size, off);
		ASSERT_NE(NULL, cmd);
		if (i % 2)
			cmd->flags = wflags;
		else
			cmd->flags = wflags & URPT_F_BOUNCE;
		last_sqe(&ring)->user_data = 0x1000 + i;
	}
	ret = io_uring_submit(&ring);
	ASSERT_EQ((int)nr, ret) {
		TH_LOG("submit: %d (%s)", ret, ret < 0 ? strerror(-ret) : "");
	}
	for (i = 0; i < nr; i++) {
		uint64_t slot = ut_reap_slot(_metadata, &ring, &c, i, nr, seen);

		EXPECT_EQ((int32_t)size, c.res) {
			TH_LOG("slot %llu (%s): res %d (%s)",
			       (unsigned long long)slot,
			       slot % 2 ? "WRITE" : "READ", c.res,
			       c.res < 0 ? strerror(-c.res) : "");
		}
	}
	io_uring_queue_exit(&ring);
	for (i = 0; i < nr; i++) {
		char *b = bufs + stride * i + misalign;
		long diff;

		if (i % 2 == 0) {
			ut_fill(check, size, self->rng + 5000 + i);
			diff = ut_first_diff(b, check, size);
		} else {
			diff = disk_diff(self, b, size,
					 base + (uint64_t)i * size);
		}
		EXPECT_EQ(-1, diff) {
			TH_LOG("slot %u (%s) differs at byte %ld", i,
			       i % 2 ? "WRITE" : "READ", diff);
		}
		if (!_metadata->passed)
			break;
	}
	munmap(bufs, stride * nr);
	free(check);
	free(seen);
}

static uint32_t deep_size(FIXTURE_DATA(path) *self)
{
	uint32_t size = 16384;

	while ((uint64_t)DEEP * size > self->info.capacity && size > lbs_of(self))
		size /= 2;
	return size - size % lbs_of(self);
}

TEST_F_TIMEOUT(path, deep_queue_256_mixed, 120)
{
	NEED_SETUP();
	many_in_flight(_metadata, self, 0, DEEP, deep_size(self), 0, 0, 0);
}

TEST_F_TIMEOUT(path, deep_queue_256_mixed_iopoll, 120)
{
	NEED_SETUP();
	many_in_flight(_metadata, self, IORING_SETUP_IOPOLL, DEEP,
		       deep_size(self), 0, 0, 0);
}

TEST_F_TIMEOUT(path, deep_queue_256_bounced, 120)
{
	NEED_SETUP();
	many_in_flight(_metadata, self, 0, DEEP, deep_size(self), 0, 1,
		       URPT_F_FUA);
}

/* ---- IOSQE_IO_DRAIN ------------------------------------------------------- */

#define DRAIN_BEFORE	32u	/* reads before the drained command */
#define DRAIN_AFTER	8u	/* and after it */
#define DRAIN_MARK	0xd7a1	/* user_data of the drained command */

/*
 * DRAIN_BEFORE reads, a drained command, DRAIN_AFTER reads, in one submit.
 * The drained one must not start before every earlier command completed:
 * its CQE comes after theirs. With failures, the stream also holds what
 * the fuzzer mixes in: a command refused at submission (an unknown
 * personality, -EINVAL), a link, and the drained command's fd closed
 * (-EBADF before it reaches urpt.ko). Every command must complete. The
 * refused command comes before the drained one: one after it breaks the
 * drain of 6.1 and 6.12 themselves (urpt_fuzz_test's
 * drain_holds_with_a_refused_sqe_after_it).
 */
static void drain_round(struct __test_metadata *_metadata,
			FIXTURE_DATA(path) *self, unsigned int ring_flags,
			bool failures)
{
	const unsigned int nr = DRAIN_BEFORE + 1 + DRAIN_AFTER;
	uint32_t lbs = lbs_of(self);
	unsigned int i, done = 0, before_seen = 0;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct ut_cqe c;
	int ret, closed, drain_res = 1;

	ASSERT_LE((uint64_t)nr * lbs, BUF_SIZE);
	/* SUBMIT_ALL: a refused SQE does not stop the rest of the batch. */
	ret = urpt_queue_init(64, &ring, ring_flags | IORING_SETUP_SUBMIT_ALL);
	ASSERT_EQ(0, ret) {
		TH_LOG("ring (flags %#x): %s", ring_flags, strerror(-ret));
	}
	closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, closed);
	close(closed);	/* a number no file has now */
	for (i = 0; i < nr; i++) {
		uint64_t off = (uint64_t)i * lbs;
		bool drained = i == DRAIN_BEFORE;

		ASSERT_NE(NULL, ut_prep(&ring, self->d.dev.fd, URPT_CMD_READ,
					self->buf + off, lbs, off));
		sqe = last_sqe(&ring);
		sqe->user_data = drained ? DRAIN_MARK : i;
		if (drained) {
			sqe->flags |= IOSQE_IO_DRAIN;
			if (failures)
				sqe->fd = closed;
		} else if (failures && i == 3) {
			sqe->personality = 0xfff0;	/* none registered */
		} else if (failures && i == 5) {
			sqe->flags |= IOSQE_IO_LINK;
		}
	}
	ret = io_uring_submit(&ring);
	EXPECT_EQ((int)nr, ret);
	for (done = 0; done < nr; done++) {
		ret = ut_reap_any(&ring, &c);
		ASSERT_EQ(0, ret) {
			TH_LOG("%u of %u commands completed, then none for %d s (%s); the drained one %s",
			       done, nr, UT_WAIT_SEC, strerror(-ret),
			       drain_res == 1 ? "not among them" : "among them");
		}
		if (c.user_data == DRAIN_MARK) {
			drain_res = c.res;
			EXPECT_EQ(DRAIN_BEFORE, before_seen) {
				TH_LOG("the drained command completed before %u earlier ones",
				       DRAIN_BEFORE - before_seen);
			}
			continue;
		}
		if (c.user_data < DRAIN_BEFORE)
			before_seen++;
		if (failures && c.user_data == 3) {
			EXPECT_EQ(-EINVAL, c.res);
		} else {
			EXPECT_EQ((int32_t)lbs, c.res) {
				TH_LOG("command %llu: res %d",
				       (unsigned long long)c.user_data, c.res);
			}
		}
	}
	EXPECT_EQ(failures ? -EBADF : (int32_t)lbs, drain_res);
	io_uring_queue_exit(&ring);
}

TEST_F(path, drain_waits_for_earlier_commands)
{
	NEED_SETUP();
	drain_round(_metadata, self, 0, false);
}

TEST_F(path, drain_waits_for_earlier_commands_iopoll)
{
	NEED_SETUP();
	drain_round(_metadata, self, IORING_SETUP_IOPOLL, false);
}

TEST_F(path, drain_after_refused_commands)
{
	NEED_SETUP();
	drain_round(_metadata, self, 0, true);
}

TEST_F(path, drain_after_refused_commands_iopoll)
{
	NEED_SETUP();
	drain_round(_metadata, self, IORING_SETUP_IOPOLL, true);
}

/* ---- bounce buffers ------------------------------------------------------ */

/* Bounced buffers fault like the others: -EFAULT, nothing written. */
TEST_F(path, bounce_bad_buffer_efault)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = 48 * (uint64_t)lbs;
	struct ut_cqe c;
	char *p, *hole;

	NEED_SETUP();
	hole = ut_unmapped_range(1 << 20);
	ASSERT_NE(NULL, hole);
	ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, URPT_CMD_WRITE,
				hole + 1, lbs, off, 0));
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "WRITE from unmapped+1");
	ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, URPT_CMD_WRITE,
				hole, lbs, off, URPT_F_BOUNCE));
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "WRITE BOUNCE from unmapped");

	/*
	 * READ into a read-only mapping, bounced: -EFAULT (the disk may have
	 * been read before the copy out failed), the mapping unchanged.
	 */
	p = mmap(NULL, 4096 + lbs, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, 4096 + lbs);
	ASSERT_EQ(0, mprotect(p, 4096 + lbs, PROT_READ));
	ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, URPT_CMD_READ, p + 1,
				lbs, off, 0));
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	EXPECT_EQ(-EFAULT, c.res);
	ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, URPT_CMD_READ, p,
				lbs, off, URPT_F_BOUNCE));
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	EXPECT_EQ(-EFAULT, c.res);
	EXPECT_EQ(0x5a, p[1]);
	munmap(p, 4096 + lbs);
}

/* ---- larger than the disk's own limit ------------------------------------ */

/* WRITE then READ len at off through urpt, each checked against the disk. */
static void big_round_trip(struct __test_metadata *_metadata,
			   FIXTURE_DATA(path) *self, uint32_t len,
			   uint64_t off, bool vectored)
{
	size_t map = (size_t)len + 4096;
	char *src = ut_map_lazy(map), *dst = ut_map_lazy(map);
	static struct iovec iov[URPT_MAX_IOVECS];
	unsigned int nr = 1, i;
	struct ut_cqe c;
	char what[96];
	uint32_t piece = len;
	long diff;

	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	if (vectored) {
		/* As many iovecs as allowed, of equal block multiples. */
		nr = self->info.max_iovecs;
		piece = len / nr;
		piece -= piece % lbs_of(self);
		if (!piece)
			piece = lbs_of(self);
		nr = len / piece;
		if (nr > self->info.max_iovecs)
			nr = self->info.max_iovecs;
		for (i = 0; i < nr; i++) {
			iov[i].iov_base = src + (size_t)i * piece;
			iov[i].iov_len = piece;
		}
		/* The last one takes the rest. */
		iov[nr - 1].iov_len = len - (size_t)(nr - 1) * piece;
	}
	snprintf(what, sizeof(what), "%s %u at %llu (disk_max_transfer %u)",
		 vectored ? "WRITEV" : "WRITE", len, (unsigned long long)off,
		 self->info.disk_max_transfer);
	ut_fill(src, len, self->rng ^ len ^ off);
	if (vectored) {
		ASSERT_NE(NULL, ut_prep(&self->d.dev.ring, self->d.dev.fd,
					URPT_CMD_WRITEV, iov, nr, off));
	} else {
		ASSERT_NE(NULL, ut_prep(&self->d.dev.ring, self->d.dev.fd,
					URPT_CMD_WRITE, src, len, off));
	}
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	UT_EXPECT_DONE(&c, len, what);
	diff = disk_diff(self, src, len, off);
	EXPECT_EQ(-1, diff) {
		TH_LOG("%s: disk differs at byte %ld", what, diff);
	}

	snprintf(what, sizeof(what), "%s %u at %llu",
		 vectored ? "READV" : "READ", len, (unsigned long long)off);
	ut_fill(src, len, ~(self->rng ^ len ^ off));
	ASSERT_EQ(0, disk_write(self, src, len, off));
	if (vectored) {
		for (i = 0; i < nr; i++)
			iov[i].iov_base = dst + (size_t)i * piece;
		ASSERT_NE(NULL, ut_prep(&self->d.dev.ring, self->d.dev.fd,
					URPT_CMD_READV, iov, nr, off));
	} else {
		ASSERT_NE(NULL, ut_prep(&self->d.dev.ring, self->d.dev.fd,
					URPT_CMD_READ, dst, len, off));
	}
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	UT_EXPECT_DONE(&c, len, what);
	diff = ut_first_diff(src, dst, len);
	EXPECT_EQ(-1, diff) {
		TH_LOG("%s: data differs at byte %ld", what, diff);
	}
	munmap(src, map);
	munmap(dst, map);
}

/* Lengths above disk_max_transfer that are not a multiple of it. */
TEST_F_TIMEOUT(path, larger_than_disk_max_transfer, 240)
{
	uint32_t lbs = lbs_of(self), dmt = self->info.disk_max_transfer;
	uint64_t cap = self->info.capacity;
	const uint64_t want[] = {
		(uint64_t)dmt + lbs, 3 * (uint64_t)dmt + lbs,
		5 * (uint64_t)dmt / 2, 7 * MIB + 3 * (uint64_t)lbs,
	};
	size_t i, tested = 0;

	NEED_SETUP();
	ASSERT_LE(lbs, dmt);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		uint32_t len = (uint32_t)(want[i] - want[i] % lbs);

		if (want[i] > self->info.max_transfer || len > cap ||
		    len % dmt == 0)
			continue;
		big_round_trip(_metadata, self, len, rand_offset(self, len),
			       false);
		big_round_trip(_metadata, self, len, cap - len, i & 1);
		tested++;
		if (!_metadata->passed)
			return;
	}
	ASSERT_LT((size_t)0, tested);
}

TEST_F_TIMEOUT(path, max_transfer_64mib, 300)
{
	uint32_t max = self->info.max_transfer;

	NEED_SETUP();
	ASSERT_EQ(URPT_MAX_TRANSFER, max);
	if (self->info.capacity < max)
		SKIP(return, "%s holds %llu bytes, less than 64 MiB",
		     self->d.name,
		     (unsigned long long)self->info.capacity);
	big_round_trip(_metadata, self, max, 0, false);
	if (!_metadata->passed)
		return;
	big_round_trip(_metadata, self, max, self->info.capacity - max, true);
}

/* ---- partitions ---------------------------------------------------------- */

/*
 * What the harness wrote in every sector of the whole disk
 * (make_vdb_image in selftests/vm/lib.sh): 32 records "sect %010d\n" of
 * 16 bytes with the sector's number. Returns how many bytes of it still
 * hold that: sfdisk then wrote the MBR over bytes 440-511 of sector 0.
 */
static size_t sector_pattern(uint64_t sector, char *out)
{
	char rec[17];
	int i;

	snprintf(rec, sizeof(rec), "sect %010llu\n",
		 (unsigned long long)sector);
	for (i = 0; i < 512 / 16; i++)
		memcpy(out + i * 16, rec, 16);
	return sector ? 512 : 440;
}

struct part {
	const char *whole;	/* URPT_WHOLE */
	int fd;			/* whole disk, O_RDONLY | O_DIRECT */
	uint64_t start;		/* bytes */
	uint64_t size;		/* bytes */
	uint64_t whole_size;	/* bytes */
};

/* 0 and *p, or SKIP reason in why (no URPT_WHOLE). */
static int part_open(FIXTURE_DATA(path) *self, struct part *p)
{
	char path[PATH_MAX];
	uint64_t v;
	int ret;

	p->fd = -1;
	p->whole = getenv("URPT_WHOLE");
	if (!p->whole || !*p->whole)
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/class/block/%s/start",
		 self->d.name);
	ret = ut_sysfs_u64(path, &v);
	if (ret)
		return ret;
	p->start = v * 512;
	snprintf(path, sizeof(path), "/sys/class/block/%s/size", self->d.name);
	ret = ut_sysfs_u64(path, &v);
	if (ret)
		return ret;
	p->size = v * 512;
	p->fd = open(p->whole, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (p->fd < 0)
		return -errno;
	if (ioctl(p->fd, BLKGETSIZE64, &p->whole_size)) {
		ret = -errno;
		close(p->fd);
		return ret;
	}
	return 0;
}

#define PART_NEED()							\
	do {								\
		int __r;						\
		NEED_SETUP();						\
		__r = part_open(self, &part);				\
		if (__r == -ENOENT && !getenv("URPT_WHOLE"))		\
			SKIP(return, "URPT_WHOLE is not set: %s is not a partition run", \
			     self->d.name);				\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("partition %s of %s: %s", self->d.name,	\
			       getenv("URPT_WHOLE"), strerror(-__r));	\
		}							\
	} while (0)

/*
 * The 8 sectors before the partition and the 8 after it (where the disk
 * goes on) still hold the harness's pattern.
 */
static void check_outside(struct __test_metadata *_metadata,
			  FIXTURE_DATA(path) *self, struct part *p,
			  const char *when)
{
	char *got = self->buf2, want[512];
	uint64_t first[2], s;
	int k, n;

	first[0] = p->start >= 4096 ? p->start / 512 - 8 : 0;
	first[1] = (p->start + p->size) / 512;
	for (k = 0; k < 2; k++) {
		n = k == 0 ? (int)(p->start / 512 - first[0]) : 8;
		if (k == 1 && (first[1] + 8) * 512 > p->whole_size)
			n = (int)(p->whole_size / 512 - first[1]);
		if (n <= 0)
			continue;
		ASSERT_EQ(0, ut_pread_full(p->fd, got, (size_t)n * 512,
					   first[k] * 512));
		for (s = 0; s < (uint64_t)n; s++) {
			size_t cmp = sector_pattern(first[k] + s, want);
			long diff = ut_first_diff(want, got + s * 512, cmp);

			EXPECT_EQ(-1, diff) {
				TH_LOG("%s: sector %llu of %s (%s the partition) lost its pattern at byte %ld: \"%.15s\"",
				       when,
				       (unsigned long long)(first[k] + s),
				       p->whole, k ? "after" : "before", diff,
				       got + s * 512 + (diff & ~15L));
			}
		}
	}
}

TEST_F(path, partition_info)
{
	struct part part;

	PART_NEED();
	EXPECT_TRUE(has(self, URPT_FEAT_PARTITION));
	EXPECT_EQ(part.size, self->info.capacity);
	EXPECT_STREQ(self->d.name, self->info.disk_name);
	TH_LOG("%s: start %llu, %llu bytes, of %s (%llu bytes)",
	       self->d.name, (unsigned long long)part.start,
	       (unsigned long long)part.size, part.whole,
	       (unsigned long long)part.whole_size);
	close(part.fd);
}

/* Offset 0 of the node is the partition's first byte, its end the last. */
TEST_F(path, partition_offsets_map_to_the_disk)
{
	uint32_t lbs = lbs_of(self), len = 64 * 1024;
	struct part part;
	struct ut_cqe c;
	uint64_t offs[3];
	char *src;
	int i;
	long diff;

	PART_NEED();
	check_outside(_metadata, self, &part, "before the test");
	offs[0] = 0;
	offs[1] = part.size - len;
	offs[2] = rand_offset(self, len);
	src = self->buf;
	for (i = 0; i < 3; i++) {
		ut_fill(src, len, self->rng + 80 + i);
		ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring,
					URPT_CMD_WRITE, src, len, offs[i], 0));
		ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
		UT_EXPECT_DONE(&c, len, "WRITE on the partition");
		ASSERT_EQ(0, ut_pread_full(part.fd, self->buf2, len,
					   part.start + offs[i]));
		diff = ut_first_diff(src, self->buf2, len);
		EXPECT_EQ(-1, diff) {
			TH_LOG("partition offset %llu is not %s offset %llu: differs at byte %ld",
			       (unsigned long long)offs[i], part.whole,
			       (unsigned long long)(part.start + offs[i]),
			       diff);
		}
	}
	/* A whole-disk read of the same place through the partition's node. */
	ASSERT_EQ(0, ut_pread_full(part.fd, self->buf2, 2 * lbs, part.start));
	memset(src, 0, 2 * lbs);
	ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, URPT_CMD_READ, src,
				2 * lbs, 0, 0));
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "READ offset 0 of the partition");
	EXPECT_EQ(-1, ut_first_diff(self->buf2, src, 2 * lbs));
	check_outside(_metadata, self, &part, "after the writes");
	close(part.fd);
}

/* Every command ending past the partition's end: -ENOSPC. */
TEST_F(path, partition_past_end_enospc)
{
	static const uint32_t ops[] = {
		URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_READV, URPT_CMD_WRITEV,
		URPT_CMD_DISCARD, URPT_CMD_WRITE_ZEROES,
	};
	uint32_t lbs = lbs_of(self);
	struct iovec iov[1];
	struct part part;
	struct ut_cqe c;
	char what[96];
	size_t i, k;

	PART_NEED();
	iov[0].iov_base = self->buf;
	iov[0].iov_len = 2 * lbs;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		bool v = ops[i] == URPT_CMD_READV || ops[i] == URPT_CMD_WRITEV;
		bool unsupported =
			(ops[i] == URPT_CMD_DISCARD && !self->info.max_discard) ||
			(ops[i] == URPT_CMD_WRITE_ZEROES &&
			 !self->info.max_write_zeroes);

		for (k = 0; k < 3; k++) {
			uint64_t off = k == 0 ? part.size - lbs :
				       k == 1 ? part.size : part.size + 4096;

			snprintf(what, sizeof(what), "%s 2 blocks at %llu of %llu",
				 ut_op_name(ops[i]), (unsigned long long)off,
				 (unsigned long long)part.size);
			ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, ops[i],
						v ? (void *)iov : self->buf,
						v ? 1 : 2 * lbs, off, 0));
			ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
			if (unsupported) {
				EXPECT_TRUE(c.res == -ENOSPC ||
					    c.res == -EOPNOTSUPP) {
					TH_LOG("%s (unsupported): res %d",
					       what, c.res);
				}
			} else {
				UT_EXPECT_REFUSED(&c, ENOSPC, what);
			}
		}
	}
	check_outside(_metadata, self, &part, "after the refusals");
	close(part.fd);
}

/*
 * Commands at the partition's first and last blocks -- aligned, bounced,
 * multi-bio, WRITE_ZEROES, DISCARD -- leave every byte outside it alone.
 */
TEST_F_TIMEOUT(path, partition_edges_leave_outside_alone, 120)
{
	uint32_t lbs = lbs_of(self);
	uint32_t big = self->info.disk_max_transfer + lbs;
	struct part part;
	struct ut_cqe c;
	uint64_t edge[2];
	char *src;
	int e, k;

	PART_NEED();
	check_outside(_metadata, self, &part, "before the test");
	/* Written from buf, read back into buf2 (BUF_SIZE each). */
	if (big > BUF_SIZE - 4096)
		big = BUF_SIZE - 4096;
	if (big > part.size)
		big = (uint32_t)part.size;
	big -= big % lbs;
	src = self->buf;
	ut_fill(src, big + 1, self->rng + 90);
	for (e = 0; e < 2; e++) {
		for (k = 0; k < 5; k++) {
			uint32_t len = k == 2 ? big : 8 * lbs;
			uint64_t off;
			uint32_t op;
			char *addr = src;

			edge[0] = 0;
			edge[1] = part.size - len;
			off = edge[e];
			switch (k) {
			case 0:
				op = URPT_CMD_WRITE;
				break;
			case 1:
				op = URPT_CMD_WRITE;
				addr = src + 1;		/* bounced */
				break;
			case 2:
				op = URPT_CMD_WRITE;	/* multi-bio */
				break;
			case 3:
				if (!self->info.max_write_zeroes)
					continue;
				op = URPT_CMD_WRITE_ZEROES;
				addr = NULL;
				break;
			default:
				if (!self->info.max_discard)
					continue;
				op = URPT_CMD_DISCARD;
				addr = NULL;
				break;
			}
			ASSERT_NE(NULL, prep_on(self, &self->d.dev.ring, op,
						addr, len, off, 0));
			ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
			UT_EXPECT_DONE(&c, len, ut_op_name(op));
			if (op == URPT_CMD_WRITE) {
				ASSERT_EQ(0, ut_pread_full(part.fd, self->buf2,
							   len,
							   part.start + off));
				EXPECT_EQ(-1, ut_first_diff(addr, self->buf2,
							    len));
			}
		}
	}
	check_outside(_metadata, self, &part, "after the edge commands");
	close(part.fd);
}

TEST_HARNESS_MAIN
