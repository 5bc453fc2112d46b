// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the commands added after READ/WRITE/FLUSH -- READV and
 * WRITEV, DISCARD and WRITE_ZEROES -- and the flags (FUA, BOUNCE, NOUNMAP):
 * results, data against the backing disk read with O_DIRECT, and every
 * refusal (-EINVAL, -EFAULT, -ENOSPC, -EOPNOTSUPP, -EBADF).
 *
 * Run as root with URPT_BDEV=/dev/<disk> (a disk the test may overwrite).
 * URPT_SEED=<n> changes the data patterns and offsets.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define BUF_SIZE	(8u << 20)	/* each of buf and buf2 */

FIXTURE(cmds) {
	bool skip;
	struct ut_disk d;
	struct urpt_info info;	/* copy of d.info */
	char *buf;
	char *buf2;
	uint64_t rng;
};

FIXTURE_SETUP(cmds)
{
	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	self->info = self->d.info;
	self->buf = ut_alloc(BUF_SIZE);
	self->buf2 = ut_alloc(BUF_SIZE);
	ut_fixture_need_bufs(_metadata, &self->d, self->buf, self->buf2);
}

FIXTURE_TEARDOWN(cmds)
{
	if (self->skip)
		return;
	ut_fixture_release(_metadata, &self->d);
	free(self->buf);
	free(self->buf2);
}

static uint32_t lbs_of(FIXTURE_DATA(cmds) *self)
{
	return self->info.logical_block_size;
}

static bool has(FIXTURE_DATA(cmds) *self, uint64_t feat)
{
	return !!(self->info.features & feat);
}

/*
 * Prepare cmd_op with flags on the fixture's ring. For READV/WRITEV addr is
 * the iovec array and len its count; DISCARD/WRITE_ZEROES ignore addr.
 */
static struct urpt_cmd *prep(FIXTURE_DATA(cmds) *self, uint32_t cmd_op,
			     void *addr, uint32_t len, uint64_t offset,
			     uint32_t flags)
{
	struct urpt_cmd *cmd = ut_prep(&self->d.dev.ring, self->d.dev.fd,
				       cmd_op, addr, len, offset);

	if (cmd)
		cmd->flags = flags;
	return cmd;
}

/* Submit what was prepared and wait: 0 or the ring's -errno. */
static int run(FIXTURE_DATA(cmds) *self, struct ut_cqe *c)
{
	return ut_submit_one(&self->d.dev.ring, c);
}

/* A random block-aligned offset where len bytes fit. */
static uint64_t rand_offset(FIXTURE_DATA(cmds) *self, uint32_t len)
{
	return ut_rand_offset(&self->info, &self->rng, len);
}

/* Copy the iovecs' bytes, in order, to out. Returns the total. */
static size_t gather(const struct iovec *iov, unsigned int n, char *out)
{
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(out + total, iov[i].iov_base, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	return total;
}

static void scatter(const struct iovec *iov, unsigned int n, const char *in)
{
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(iov[i].iov_base, in + total, iov[i].iov_len);
		total += iov[i].iov_len;
	}
}

static const uint32_t new_ops[] = {
	URPT_CMD_READV, URPT_CMD_WRITEV, URPT_CMD_DISCARD,
	URPT_CMD_WRITE_ZEROES,
};

static const uint32_t every_op[] = {
	URPT_CMD_INFO, URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_FLUSH,
	URPT_CMD_READV, URPT_CMD_WRITEV, URPT_CMD_DISCARD,
	URPT_CMD_WRITE_ZEROES,
};

/*
 * A command of cmd_op that is valid apart from what the caller changes
 * afterwards: one block at block 8, from/into buf (READV/WRITEV through a
 * one-entry iovec kept in *iov).
 */
static struct urpt_cmd *prep_valid(FIXTURE_DATA(cmds) *self, uint32_t cmd_op,
				   struct iovec *iov)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = 8 * (uint64_t)lbs;

	iov->iov_base = self->buf;
	iov->iov_len = lbs;
	switch (cmd_op) {
	case URPT_CMD_INFO:
		return prep(self, cmd_op, self->buf, 0, 0, 0);
	case URPT_CMD_FLUSH:
		return prep(self, cmd_op, NULL, 0, 0, 0);
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
		return prep(self, cmd_op, iov, 1, off, 0);
	case URPT_CMD_DISCARD:
	case URPT_CMD_WRITE_ZEROES:
		return prep(self, cmd_op, NULL, lbs, off, 0);
	default:
		return prep(self, cmd_op, self->buf, lbs, off, 0);
	}
}

/* ---- ring and header, the new commands ----------------------------------- */

TEST_F(cmds, new_ops_sqe128_only_ring_eopnotsupp)
{
	struct io_uring ring;
	struct iovec iov = { self->buf, 512 };

	NEED_SETUP();
	iov.iov_len = lbs_of(self);
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, IORING_SETUP_SQE128));
	ut_expect_ring_eopnotsupp(_metadata, &ring, self->d.dev.fd, new_ops,
				  ARRAY_SIZE(new_ops), &iov, lbs_of(self));
	io_uring_queue_exit(&ring);
}

/*
 * Version and reserved fields are checked before anything else, also for
 * DISCARD and WRITE_ZEROES on a disk that lacks them.
 */
TEST_F(cmds, new_ops_bad_version_rsvd_einval)
{
	struct urpt_cmd *cmd;
	struct iovec iov;
	struct ut_cqe c;
	char what[64];
	size_t i, k;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(new_ops); i++) {
		for (k = 0; k < 12; k++) {
			cmd = prep_valid(self, new_ops[i], &iov);
			ASSERT_NE(NULL, cmd);
			switch (k) {
			case 0:
				cmd->version = 0;
				break;
			case 1:
				cmd->version = URPT_ABI_VERSION + 1;
				break;
			case 2:
			case 3:
			case 4:
				cmd->rsvd0[k - 2] = 1;
				break;
			case 5:
				cmd->zone_action = 1u << 31;
				break;
			default:
				cmd->rsvd2[k - 6] = 1;
				break;
			}
			snprintf(what, sizeof(what), "%s, corruption %zu",
				 ut_op_name(new_ops[i]), k);
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_REFUSED(&c, EINVAL, what);
		}
	}
}

/* Every bit a command does not take is -EINVAL, on every command. */
TEST_F(cmds, flags_not_taken_einval)
{
	struct urpt_cmd *cmd;
	struct iovec iov;
	struct ut_cqe c;
	char what[96];
	size_t i;
	int bit;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(every_op); i++) {
		uint32_t ok = ut_flags_allowed(every_op[i]);

		for (bit = 0; bit < 32; bit++) {
			uint32_t f = 1u << bit;

			if (f & ok)
				continue;
			cmd = prep_valid(self, every_op[i], &iov);
			ASSERT_NE(NULL, cmd);
			cmd->flags = f;
			snprintf(what, sizeof(what), "%s with flag bit %d (%s)",
				 ut_op_name(every_op[i]), bit, ut_flag_name(f));
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_REFUSED(&c, EINVAL, what);
		}
		/* A taken flag does not excuse one that is not. */
		if (ok) {
			cmd = prep_valid(self, every_op[i], &iov);
			ASSERT_NE(NULL, cmd);
			cmd->flags = ok | (UT_F_ALL & ~ok);
			snprintf(what, sizeof(what), "%s with flags %#x",
				 ut_op_name(every_op[i]), cmd->flags);
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_REFUSED(&c, EINVAL, what);
		}
	}
}

/* ---- READV / WRITEV ------------------------------------------------------ */

/* One iovec layout to round-trip. */
struct shape {
	const char *name;
	unsigned int n;
	size_t total;
};

/*
 * Build layout k in iov (room URPT_MAX_IOVECS) over buf; returns false when
 * k is past the last one. Layouts: one iovec; scattered single blocks;
 * max_iovecs blocks; uneven lengths at odd addresses that only add up to a
 * block multiple (bounced); many tiny iovecs.
 */
static bool make_shape(FIXTURE_DATA(cmds) *self, int k, struct iovec *iov,
		       struct shape *s)
{
	uint32_t lbs = lbs_of(self);
	unsigned int i;
	size_t pos = 0;

	s->total = 0;
	switch (k) {
	case 0:
		s->name = "1 x 64 KiB";
		s->n = 1;
		iov[0].iov_base = self->buf;
		iov[0].iov_len = 65536;
		break;
	case 1:
		s->name = "16 blocks, scattered";
		s->n = 16;
		for (i = 0; i < s->n; i++) {
			iov[i].iov_base = self->buf + (size_t)(15 - i) * 3 * lbs;
			iov[i].iov_len = lbs;
		}
		break;
	case 2:
		s->name = "max_iovecs blocks";
		s->n = self->info.max_iovecs;
		if (s->n > URPT_MAX_IOVECS || (size_t)s->n * lbs > BUF_SIZE)
			return false;
		for (i = 0; i < s->n; i++) {
			iov[i].iov_base = self->buf + (size_t)i * lbs;
			iov[i].iov_len = lbs;
		}
		break;
	case 3:
		s->name = "uneven lengths at odd addresses";
		/* 1 + (lbs-1) + 3 + 5*lbs + (2*lbs-3) + 4096: 8 lbs + 4096 */
		s->n = 6;
		{
			const size_t lens[] = {
				1, lbs - 1, 3, 5 * (size_t)lbs, 2 * (size_t)lbs - 3,
				4096,
			};

			for (i = 0; i < s->n; i++) {
				pos += 7 + (i & 1);	/* odd gaps */
				iov[i].iov_base = self->buf + pos;
				iov[i].iov_len = lens[i];
				pos += lens[i];
			}
		}
		break;
	case 4:
		s->name = "lbs/8-byte iovecs";
		s->n = 64;
		for (i = 0; i < s->n; i++) {
			iov[i].iov_base = self->buf + (size_t)i * lbs;
			iov[i].iov_len = lbs / 8;
		}
		break;
	default:
		return false;
	}
	for (i = 0; i < s->n; i++)
		s->total += iov[i].iov_len;
	return true;
}

/*
 * sqe->uring_cmd_flags bits urpt does not implement are refused, such as
 * 7.x's IORING_URING_CMD_MULTISHOT (with a provided buffer, as its rules
 * want). Before 7.x io_uring refuses such an SQE itself (SKIP).
 */
TEST_F(cmds, multishot_uring_cmd_flag_einval)
{
	struct io_uring *ring = &self->d.dev.ring;
	struct io_uring_sqe *sqe;
	struct urpt_cmd *cmd;
	struct ut_cqe c;

	NEED_SETUP();
	sqe = io_uring_get_sqe(ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_provide_buffers(sqe, self->buf2, 4096, 1, 7, 0);
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	ASSERT_LE(0, c.res) TH_LOG("PROVIDE_BUFFERS: %s", strerror(-c.res));

	cmd = ut_prep(ring, self->d.dev.fd, URPT_CMD_READ, self->buf,
		      lbs_of(self), 0);
	ASSERT_NE(NULL, cmd);
	sqe = (struct io_uring_sqe *)((char *)cmd -
				      offsetof(struct io_uring_sqe, cmd));
	sqe->uring_cmd_flags = 1u << 1;	/* IORING_URING_CMD_MULTISHOT */
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 7;
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	/* Before 7.x io_uring takes no buffer select for a uring command. */
	if (c.res == -EOPNOTSUPP)
		SKIP(return, "io_uring refuses IOSQE_BUFFER_SELECT on uring commands itself");
	UT_EXPECT_REFUSED(&c, EINVAL, "READ with IORING_URING_CMD_MULTISHOT");
}

TEST_F(cmds, writev_readv_round_trip)
{
	static struct iovec iov[URPT_MAX_IOVECS];
	char *expect = self->buf2;
	char *got = self->buf2 + BUF_SIZE / 2;
	struct shape s;
	struct ut_cqe c;
	char what[128];
	int k, j;
	long diff;

	NEED_SETUP();
	for (k = 0; make_shape(self, k, iov, &s); k++) {
		ASSERT_EQ(0u, s.total % lbs_of(self)) {
			TH_LOG("shape %s: total %zu", s.name, s.total);
		}
		ASSERT_LE(s.total, (size_t)BUF_SIZE / 2);
		for (j = 0; j < 2; j++) {
			uint64_t off = j ? self->info.capacity - s.total :
				       rand_offset(self, s.total);
			uint64_t seed = self->rng ^ (k << 4 | j);

			/* WRITEV, then the disk read directly. */
			snprintf(what, sizeof(what), "WRITEV %s at %llu",
				 s.name, (unsigned long long)off);
			ut_fill(expect, s.total, seed);
			scatter(iov, s.n, expect);
			ASSERT_NE(NULL, prep(self, URPT_CMD_WRITEV, iov, s.n,
					     off, 0));
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_DONE(&c, s.total, what);
			ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, got,
						   s.total, off));
			diff = ut_first_diff(expect, got, s.total);
			EXPECT_EQ(-1, diff) {
				TH_LOG("%s: disk differs at byte %ld", what,
				       diff);
			}

			/* The disk written directly, then READV. */
			snprintf(what, sizeof(what), "READV %s at %llu",
				 s.name, (unsigned long long)off);
			ut_fill(expect, s.total, ~seed);
			ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, expect,
						    s.total, off));
			memset(self->buf, 0xa5, BUF_SIZE);
			ASSERT_NE(NULL, prep(self, URPT_CMD_READV, iov, s.n,
					     off, 0));
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_DONE(&c, s.total, what);
			gather(iov, s.n, got);
			diff = ut_first_diff(expect, got, s.total);
			EXPECT_EQ(-1, diff) {
				TH_LOG("%s: data differs at byte %ld", what,
				       diff);
			}
		}
	}
	ASSERT_LE(4, k);
}

/* The same READV/WRITEV twice, expecting -err for both. */
static void check_v_refused(struct __test_metadata *_metadata,
			    FIXTURE_DATA(cmds) *self, void *iov,
			    uint32_t count, uint64_t offset, int err,
			    const char *why)
{
	static const uint32_t ops[] = { URPT_CMD_READV, URPT_CMD_WRITEV };
	struct ut_cqe c;
	char what[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		snprintf(what, sizeof(what), "%s %s (count %u offset %llu)",
			 ut_op_name(ops[i]), why, count,
			 (unsigned long long)offset);
		ASSERT_NE(NULL, prep(self, ops[i], iov, count, offset, 0));
		ASSERT_EQ(0, run(self, &c));
		UT_EXPECT_REFUSED(&c, err, what);
	}
}

TEST_F(cmds, readv_writev_bad_count_einval)
{
	static struct iovec iov[URPT_MAX_IOVECS + 2];
	uint32_t lbs = lbs_of(self);
	unsigned int i;

	NEED_SETUP();
	ASSERT_EQ((uint32_t)URPT_MAX_IOVECS, self->info.max_iovecs);
	/* A valid array, longer than allowed. */
	for (i = 0; i < ARRAY_SIZE(iov); i++) {
		iov[i].iov_base = self->buf + (size_t)(i % 8) * lbs;
		iov[i].iov_len = lbs;
	}
	check_v_refused(_metadata, self, iov, 0, 0, EINVAL, "count 0");
	check_v_refused(_metadata, self, iov, URPT_MAX_IOVECS + 1, 0, EINVAL,
			"count max_iovecs+1");
	check_v_refused(_metadata, self, iov, UINT32_MAX, 0, EINVAL,
			"count 2^32-1");
}

TEST_F(cmds, readv_writev_bad_length_einval)
{
	static struct iovec iov[4];
	uint32_t lbs = lbs_of(self), max = self->info.max_transfer;
	size_t big_size = (size_t)max + 4096;
	char *big;

	NEED_SETUP();
	iov[0].iov_base = self->buf;
	iov[0].iov_len = 0;
	iov[1].iov_base = self->buf + lbs;
	iov[1].iov_len = 0;
	check_v_refused(_metadata, self, iov, 2, 0, EINVAL, "total 0");

	iov[0].iov_len = lbs;
	iov[1].iov_len = 1;
	check_v_refused(_metadata, self, iov, 2, 0, EINVAL, "total lbs+1");
	iov[0].iov_len = lbs / 2;
	iov[1].iov_len = lbs / 4;
	check_v_refused(_metadata, self, iov, 2, 0, EINVAL, "total 3/4 lbs");

	iov[0].iov_len = lbs;
	iov[1].iov_len = lbs;
	check_v_refused(_metadata, self, iov, 2, 1, EINVAL, "offset 1");
	check_v_refused(_metadata, self, iov, 2, lbs / 2, EINVAL,
			"offset lbs/2");

	/* Over max_transfer in two mapped halves. */
	big = ut_map_lazy(big_size);
	ASSERT_NE(NULL, big);
	iov[0].iov_base = big;
	iov[0].iov_len = max / 2;
	iov[1].iov_base = big + max / 2;
	iov[1].iov_len = max / 2 + lbs;
	check_v_refused(_metadata, self, iov, 2, 0, EINVAL,
			"total max_transfer+lbs");

	/*
	 * Lengths whose sum wraps 32 and 64 bits (a 32-bit program: 2 GiB,
	 * negative as the kernel's compat_ssize_t).
	 */
	iov[0].iov_base = self->buf;
	iov[0].iov_len = sizeof(size_t) > 4 ? (size_t)(1ULL << 32) :
					      (size_t)1 << 31;
	iov[1].iov_base = self->buf;
	iov[1].iov_len = lbs;
	check_v_refused(_metadata, self, iov, 2, 0, EINVAL,
			"total 4 GiB + lbs");
	iov[0].iov_len = SIZE_MAX - lbs + 1;
	iov[1].iov_len = 2 * (size_t)lbs;
	check_v_refused(_metadata, self, iov, 2, 0, EINVAL,
			"total wraps to lbs");
	iov[0].iov_len = (size_t)SSIZE_MAX + 1;
	check_v_refused(_metadata, self, iov, 1, 0, EINVAL,
			"iov_len > SSIZE_MAX");
	munmap(big, big_size);
}

TEST_F(cmds, readv_writev_past_end_enospc)
{
	static struct iovec iov[2];
	uint64_t cap = self->info.capacity;
	uint32_t lbs = lbs_of(self);

	NEED_SETUP();
	iov[0].iov_base = self->buf;
	iov[0].iov_len = lbs;
	iov[1].iov_base = self->buf + 4096;
	iov[1].iov_len = lbs;
	check_v_refused(_metadata, self, iov, 2, cap - lbs, ENOSPC,
			"straddling the end");
	check_v_refused(_metadata, self, iov, 2, cap, ENOSPC,
			"offset == capacity");
	check_v_refused(_metadata, self, iov, 2, 0 - (uint64_t)lbs, ENOSPC,
			"offset + total wraps");
}

TEST_F(cmds, readv_writev_bad_addr_efault)
{
	static struct iovec iov[4];
	uint32_t lbs = lbs_of(self);
	struct iovec *edge;
	char *pages, *hole;

	NEED_SETUP();
	hole = ut_unmapped_range(1 << 20);
	ASSERT_NE(NULL, hole);

	/* The array itself: NULL, unmapped, running into an unmapped page. */
	check_v_refused(_metadata, self, NULL, 1, 0, EFAULT, "iovec array NULL");
	check_v_refused(_metadata, self, hole, 1, 0, EFAULT,
			"iovec array unmapped");
	pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	ASSERT_EQ(0, munmap(pages + 4096, 4096));
	edge = (struct iovec *)(pages + 4096) - 1;	/* last one mapped */
	edge->iov_base = self->buf;
	edge->iov_len = lbs;
	check_v_refused(_metadata, self, edge, 2, 0, EFAULT,
			"iovec array ends in an unmapped page");

	/* The buffers the iovecs point to. */
	iov[0].iov_base = self->buf;
	iov[0].iov_len = lbs;
	iov[1].iov_base = NULL;
	iov[1].iov_len = lbs;
	check_v_refused(_metadata, self, iov, 2, 0, EFAULT, "iov[1] NULL");
	iov[1].iov_base = hole;
	check_v_refused(_metadata, self, iov, 2, 0, EFAULT, "iov[1] unmapped");
	/* Aligned, so that nothing is bounced: refused when pinned. */
	iov[1].iov_base = pages;
	iov[1].iov_len = 4096 + (size_t)lbs;
	check_v_refused(_metadata, self, iov, 2, 0, EFAULT,
			"iov[1] runs into an unmapped page");
	munmap(pages, 4096);
}

TEST_F(cmds, readv_into_readonly_mapping_efault)
{
	uint32_t lbs = lbs_of(self);
	struct iovec iov[2];
	struct ut_cqe c;
	char *p;

	NEED_SETUP();
	p = mmap(NULL, 4096 + lbs, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, 4096 + lbs);
	ASSERT_EQ(0, mprotect(p, 4096 + lbs, PROT_READ));
	iov[0].iov_base = self->buf;
	iov[0].iov_len = lbs;
	iov[1].iov_base = p;
	iov[1].iov_len = lbs;
	memset(self->buf, 0x5a, lbs);

	ASSERT_NE(NULL, prep(self, URPT_CMD_READV, iov, 2, 0, 0));
	ASSERT_EQ(0, run(self, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "READV into PROT_READ");
	EXPECT_EQ(0x5a, p[0]);

	/* WRITEV only reads its buffers: PROT_READ is enough. */
	ASSERT_NE(NULL, prep(self, URPT_CMD_WRITEV, iov, 2,
			     8 * (uint64_t)lbs, 0));
	ASSERT_EQ(0, run(self, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "WRITEV from PROT_READ");
	munmap(p, 4096 + lbs);
}

/*
 * A page of the buffer taken away while a command of several bios is
 * built: after the command faulted the buffer in, before the page's bio
 * pins it. Pinning then stops at that page, and with the buffer a few
 * bytes into its first page (a disk whose DMA alignment is finer than its
 * blocks: NVMe's is 4 bytes), a page boundary is not a block boundary.
 * The bio built so far must shrink to whole blocks and the command fail
 * with -EFAULT; a bio of part of a block fails in the disk (-EIO).
 */
#define UNMAP_ROUNDS	400u

struct toggler {
	char *page0;		/* first page that may be taken away */
	unsigned int npages;
	atomic_bool stop;
	atomic_bool stopped;	/* the thread touches nothing after this */
	uint64_t rng;
	unsigned long flips;
};

static void *toggle_pages(void *arg)
{
	struct toggler *t = arg;

	while (!atomic_load(&t->stop)) {
		char *p = t->page0 + (ut_rand(&t->rng) % t->npages) * 4096;
		unsigned int spin = ut_rand(&t->rng) % 20000;

		if (mprotect(p, 4096, PROT_NONE))
			break;
		while (spin--)
			__asm__ volatile("" ::: "memory");
		if (mprotect(p, 4096, PROT_READ | PROT_WRITE))
			break;
		t->flips++;
		sched_yield();
	}
	atomic_store(&t->stopped, true);
	return NULL;
}

TEST_F_TIMEOUT(cmds, page_taken_away_mid_command_efault, 600)
{
	uint32_t lbs = lbs_of(self), align = self->info.dma_alignment;
	uint32_t len = 4u << 20;
	unsigned int r, done = 0, efault = 0, mid = 0, other = 0;
	struct toggler t = { 0 };
	size_t map_len;
	pthread_t thr;
	struct ut_cqe c;
	char *map, *buf;

	NEED_SETUP();
	if (align < 4)
		align = 4;
	if (align >= lbs)
		SKIP(return, "DMA alignment %u is not finer than a block (%u): every page boundary of an aligned buffer is a block boundary",
		     self->info.dma_alignment, lbs);
	if (len > self->info.max_transfer)
		len = self->info.max_transfer - self->info.max_transfer % lbs;
	map_len = (size_t)len + 2 * 4096;
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	buf = map + align;
	/* Pages of the second half: the first bios were built by then. */
	t.page0 = map + 4096 + (size_t)len / 2;
	t.npages = (unsigned int)(len / 2 / 4096);
	t.rng = self->rng;
	ASSERT_EQ(0, pthread_create(&thr, NULL, toggle_pages, &t));
	/*
	 * Not joined: a join waits on a futex, and a 32-bit program's futex
	 * call needs CONFIG_COMPAT_32BIT_TIME, which the debug kernel lacks.
	 */
	pthread_detach(thr);
	for (r = 0; r < UNMAP_ROUNDS; r++) {
		bool write = r & 1;

		ASSERT_NE(NULL, prep(self, write ? URPT_CMD_WRITE :
				     URPT_CMD_READ, buf, len, 0, 0));
		ASSERT_EQ(0, run(self, &c));
		done++;
		if (c.res == (int32_t)len)
			continue;
		if (c.res == -EFAULT) {
			/* After bios went to the disk: mid-command. */
			if ((c.extra[0] >> URPT_RES2_BIOS_SHIFT) &
			    URPT_RES2_BIOS_MASK)
				mid++;
			efault++;
			continue;
		}
		if (++other <= 5)
			TH_LOG("round %u: %s of %u bytes at +%u: %d (%s), blk status %llu",
			       r, write ? "WRITE" : "READ", len, align, c.res,
			       c.res < 0 ? strerror(-c.res) : "short",
			       (unsigned long long)(c.extra[0] & 0xff));
	}
	atomic_store(&t.stop, true);
	while (!atomic_load(&t.stopped))
		sched_yield();
	munmap(map, map_len);
	TH_LOG("%u commands of %u bytes at +%u: %u -EFAULT (%u after bios were submitted), %u other errors, %lu page flips",
	       done, len, align, efault, mid, other, t.flips);
	EXPECT_EQ(0u, other);
	if (!other && !mid)
		SKIP(return, "no page was taken away mid-command in %u rounds",
		     done);
}

/* ---- flags that are taken ------------------------------------------------ */

/* WRITE and WRITEV with FUA (and FUA|BOUNCE) land on the disk. */
TEST_F(cmds, write_fua_round_trip)
{
	static const uint32_t fl[] = {
		URPT_F_FUA, URPT_F_FUA | URPT_F_BOUNCE, URPT_F_BOUNCE,
	};
	uint32_t lbs = lbs_of(self), len = 16 * lbs;
	struct iovec iov[2];
	struct ut_cqe c;
	char what[96];
	size_t i, v;
	long diff;

	NEED_SETUP();
	if (!has(self, URPT_FEAT_FUA))
		TH_LOG("%s has no native FUA: the block layer emulates it",
		       self->d.name);
	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		for (v = 0; v < 2; v++) {
			uint64_t off = rand_offset(self, len);

			snprintf(what, sizeof(what), "%s flags %#x",
				 v ? "WRITEV" : "WRITE", fl[i]);
			ut_fill(self->buf, len, self->rng + 100 + i * 2 + v);
			if (v) {
				iov[0].iov_base = self->buf;
				iov[0].iov_len = 3 * lbs;
				iov[1].iov_base = self->buf + 3 * lbs;
				iov[1].iov_len = len - 3 * lbs;
				ASSERT_NE(NULL, prep(self, URPT_CMD_WRITEV, iov,
						     2, off, fl[i]));
			} else {
				ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE,
						     self->buf, len, off,
						     fl[i]));
			}
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_DONE(&c, len, what);
			ASSERT_EQ(0, ut_pread_full(self->d.direct_fd,
						   self->buf2, len, off));
			diff = ut_first_diff(self->buf, self->buf2, len);
			EXPECT_EQ(-1, diff) {
				TH_LOG("%s: disk differs at byte %ld", what,
				       diff);
			}
		}
	}
}

/* READ and READV with BOUNCE read what the disk has. */
TEST_F(cmds, read_bounce_round_trip)
{
	uint32_t lbs = lbs_of(self), len = 16 * lbs;
	uint64_t off = rand_offset(self, len);
	struct iovec iov[3];
	struct ut_cqe c;
	size_t v;
	long diff;

	NEED_SETUP();
	ut_fill(self->buf2, len, self->rng + 200);
	ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, self->buf2, len, off));
	for (v = 0; v < 2; v++) {
		memset(self->buf, 0xa5, 2 * len);
		if (v) {
			iov[0].iov_base = self->buf + len;
			iov[0].iov_len = lbs;
			iov[1].iov_base = self->buf + 5;
			iov[1].iov_len = 10 * lbs;
			iov[2].iov_base = self->buf + len + 3 * lbs;
			iov[2].iov_len = 5 * lbs;
			ASSERT_NE(NULL, prep(self, URPT_CMD_READV, iov, 3, off,
					     URPT_F_BOUNCE));
		} else {
			ASSERT_NE(NULL, prep(self, URPT_CMD_READ, self->buf,
					     len, off, URPT_F_BOUNCE));
		}
		ASSERT_EQ(0, run(self, &c));
		UT_EXPECT_DONE(&c, len, v ? "READV BOUNCE" : "READ BOUNCE");
		if (v) {
			char *got = self->buf2 + len;

			gather(iov, 3, got);
			diff = ut_first_diff(self->buf2, got, len);
		} else {
			diff = ut_first_diff(self->buf2, self->buf, len);
		}
		EXPECT_EQ(-1, diff) {
			TH_LOG("%s: data differs at byte %ld",
			       v ? "READV" : "READ", diff);
		}
	}
}

/* ---- DISCARD and WRITE_ZEROES -------------------------------------------- */

/*
 * Sentinel blocks around [off, off + len): written before the command,
 * checked after it (a command must not touch a byte outside its range).
 */
static void sentinels_write(struct __test_metadata *_metadata,
			    FIXTURE_DATA(cmds) *self, uint64_t off,
			    uint32_t len, uint64_t seed)
{
	uint32_t lbs = lbs_of(self);
	char *s = self->buf2 + BUF_SIZE - 2 * (size_t)lbs;

	ut_fill(s, 2 * lbs, seed);
	if (off >= lbs) {
		ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, s, lbs,
					    off - lbs));
	}
	if (off + len + lbs <= self->info.capacity) {
		ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, s + lbs, lbs,
					    off + len));
	}
}

static void sentinels_check(struct __test_metadata *_metadata,
			    FIXTURE_DATA(cmds) *self, uint64_t off,
			    uint32_t len, const char *what)
{
	uint32_t lbs = lbs_of(self);
	char *s = self->buf2 + BUF_SIZE - 2 * (size_t)lbs;
	char *got = self->buf2 + BUF_SIZE - 4 * (size_t)lbs;

	if (off >= lbs) {
		ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, got, lbs,
					   off - lbs));
		EXPECT_EQ(-1, ut_first_diff(s, got, lbs)) {
			TH_LOG("%s: the block before the range changed",
			       what);
		}
	}
	if (off + len + lbs <= self->info.capacity) {
		ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, got + lbs, lbs,
					   off + len));
		EXPECT_EQ(-1, ut_first_diff(s + lbs, got + lbs, lbs)) {
			TH_LOG("%s: the block after the range changed", what);
		}
	}
}

/* Lengths to try for a command whose limit is max (0: none). */
static size_t range_lens(FIXTURE_DATA(cmds) *self, uint32_t max,
			 uint32_t *lens)
{
	uint32_t lbs = lbs_of(self);
	const uint32_t want[] = {
		lbs, 8 * lbs, 65536 + lbs, 1u << 20,
		(max < (4u << 20) ? max : (4u << 20)),
	};
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		uint32_t l = want[i] - want[i] % lbs;

		if (!l || l > max || l > self->info.capacity ||
		    l > BUF_SIZE - 4 * lbs)
			continue;
		lens[n++] = l;
	}
	return n;
}

TEST_F(cmds, discard_unsupported_eopnotsupp)
{
	uint32_t lbs = lbs_of(self);
	struct ut_cqe c;

	NEED_SETUP();
	if (self->info.max_discard)
		SKIP(return, "%s can discard (max_discard %u)", self->d.name,
		     self->info.max_discard);
	EXPECT_FALSE(has(self, URPT_FEAT_DISCARD));
	EXPECT_EQ(0u, self->info.discard_granularity);
	ASSERT_NE(NULL, prep(self, URPT_CMD_DISCARD, NULL, lbs, 0, 0));
	ASSERT_EQ(0, run(self, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "DISCARD without discard");
	ASSERT_NE(NULL, prep(self, URPT_CMD_DISCARD, NULL, 64 * lbs,
			     128 * (uint64_t)lbs, 0));
	ASSERT_EQ(0, run(self, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "DISCARD without discard");
}

TEST_F(cmds, write_zeroes_unsupported_eopnotsupp)
{
	uint32_t lbs = lbs_of(self);
	struct ut_cqe c;
	char *pat = self->buf;

	NEED_SETUP();
	if (self->info.max_write_zeroes)
		SKIP(return, "%s can write zeroes (max_write_zeroes %u)",
		     self->d.name, self->info.max_write_zeroes);
	EXPECT_FALSE(has(self, URPT_FEAT_WRITE_ZEROES));
	ut_fill(pat, lbs, self->rng + 300);
	ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, pat, lbs, 0));
	ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE_ZEROES, NULL, lbs, 0, 0));
	ASSERT_EQ(0, run(self, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "WRITE_ZEROES without it");
	ASSERT_NE(NULL, prep(self, URPT_CMD_WRITE_ZEROES, NULL, lbs, 0,
			     URPT_F_NOUNMAP));
	ASSERT_EQ(0, run(self, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "WRITE_ZEROES|NOUNMAP without it");
	/* urpt does not emulate it with writes of zeroes. */
	ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, self->buf2, lbs, 0));
	EXPECT_EQ(-1, ut_first_diff(pat, self->buf2, lbs));
}

/* Data after DISCARD is undefined: only the result and the neighbours. */
TEST_F_TIMEOUT(cmds, discard_succeeds, 120)
{
	uint32_t lens[8];
	struct ut_cqe c;
	char what[96];
	size_t i, j, n;

	NEED_SETUP();
	if (!self->info.max_discard)
		SKIP(return, "%s cannot discard (max_discard 0)",
		     self->d.name);
	EXPECT_TRUE(has(self, URPT_FEAT_DISCARD));
	n = range_lens(self, self->info.max_discard, lens);
	ASSERT_LE((size_t)1, n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 3; j++) {
			uint64_t off = j == 0 ? 0 : j == 1 ?
				       self->info.capacity - lens[i] :
				       rand_offset(self, lens[i]);

			snprintf(what, sizeof(what), "DISCARD %u at %llu",
				 lens[i], (unsigned long long)off);
			sentinels_write(_metadata, self, off, lens[i],
					self->rng + 400 + i * 4 + j);
			ASSERT_NE(NULL, prep(self, URPT_CMD_DISCARD, NULL,
					     lens[i], off, 0));
			ASSERT_EQ(0, run(self, &c));
			UT_EXPECT_DONE(&c, lens[i], what);
			sentinels_check(_metadata, self, off, lens[i], what);
		}
	}
	/* The longest one allowed, where the disk has room. */
	if (self->info.max_discard <= self->info.capacity) {
		ASSERT_NE(NULL, prep(self, URPT_CMD_DISCARD, NULL,
				     self->info.max_discard, 0, 0));
		ASSERT_EQ(0, run(self, &c));
		UT_EXPECT_DONE(&c, self->info.max_discard,
			       "DISCARD max_discard");
	}
}

/*
 * A disk may turn write zeroes off once it refused one (loop on 6.15 and
 * later, after its file system refused FALLOC_FL_ZERO_RANGE); INFO then
 * says so, and urpt refuses what INFO no longer offers.
 */
static bool withdrawn(FIXTURE_DATA(cmds) *self)
{
	struct urpt_info now;

	return urpt_info(&self->d.dev, &now, NULL) >= 0 && !now.max_write_zeroes;
}

TEST_F_TIMEOUT(cmds, write_zeroes_reads_back_zeroes, 120)
{
	static const uint32_t fl[] = { 0, URPT_F_NOUNMAP };
	uint32_t lens[8];
	struct ut_cqe c;
	char what[96];
	size_t i, j, f, n;
	long diff;
	char *zero;

	NEED_SETUP();
	if (!self->info.max_write_zeroes)
		SKIP(return, "%s cannot write zeroes (max_write_zeroes 0)",
		     self->d.name);
	EXPECT_TRUE(has(self, URPT_FEAT_WRITE_ZEROES));
	n = range_lens(self, self->info.max_write_zeroes, lens);
	ASSERT_LE((size_t)1, n);
	zero = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, zero);
	for (f = 0; f < ARRAY_SIZE(fl); f++) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < 2; j++) {
				uint64_t off = j ? self->info.capacity - lens[i]
						 : rand_offset(self, lens[i]);

				snprintf(what, sizeof(what),
					 "WRITE_ZEROES%s %u at %llu",
					 fl[f] ? "|NOUNMAP" : "", lens[i],
					 (unsigned long long)off);
				/* Non-zero data first, then the zeroes. */
				ut_fill(self->buf, lens[i],
					self->rng + 500 + i * 4 + j);
				ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd,
							    self->buf, lens[i],
							    off));
				sentinels_write(_metadata, self, off, lens[i],
						self->rng + 600 + i);
				ASSERT_NE(NULL, prep(self,
						     URPT_CMD_WRITE_ZEROES,
						     NULL, lens[i], off,
						     fl[f]));
				ASSERT_EQ(0, run(self, &c));
				if (c.res == -EOPNOTSUPP && withdrawn(self)) {
					free(zero);
					SKIP(return, "%s: the disk turned write zeroes off (INFO now says max_write_zeroes 0); what came before passed",
					     what);
				}
				UT_EXPECT_DONE(&c, lens[i], what);

				/* Zeroes on the disk, and through urpt. */
				ASSERT_EQ(0, ut_pread_full(self->d.direct_fd,
							   self->buf, lens[i],
							   off));
				diff = ut_first_diff(zero, self->buf, lens[i]);
				EXPECT_EQ(-1, diff) {
					TH_LOG("%s: disk byte %ld not zero",
					       what, diff);
				}
				memset(self->buf, 0xa5, lens[i]);
				ASSERT_NE(NULL, prep(self, URPT_CMD_READ,
						     self->buf, lens[i], off,
						     0));
				ASSERT_EQ(0, run(self, &c));
				UT_EXPECT_DONE(&c, lens[i], "READ back");
				diff = ut_first_diff(zero, self->buf, lens[i]);
				EXPECT_EQ(-1, diff) {
					TH_LOG("%s: READ byte %ld not zero",
					       what, diff);
				}
				sentinels_check(_metadata, self, off, lens[i],
						what);
			}
		}
	}
	free(zero);
}

/* Field checks shared by DISCARD and WRITE_ZEROES, where the disk has it. */
static void check_range_refusals(struct __test_metadata *_metadata,
				 FIXTURE_DATA(cmds) *self, uint32_t cmd_op,
				 uint32_t max)
{
	uint64_t cap = self->info.capacity;
	uint32_t lbs = lbs_of(self);
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	char what[96];
	const struct {
		const char *name;
		uint32_t len;
		uint64_t off;
		uint64_t addr;
		int err;
	} bad[] = {
		{ "addr != 0", lbs, 0, (uint64_t)(uintptr_t)self->buf,
		  EINVAL },
		{ "addr 1", lbs, 0, 1, EINVAL },
		{ "len 0", 0, 0, 0, EINVAL },
		{ "len 1", 1, 0, 0, EINVAL },
		{ "len lbs+1", lbs + 1, 0, 0, EINVAL },
		{ "offset 1", lbs, 1, 0, EINVAL },
		{ "offset lbs/2", lbs, lbs / 2, 0, EINVAL },
		{ "straddling the end", 2 * lbs, cap - lbs, 0, ENOSPC },
		{ "offset == capacity", lbs, cap, 0, ENOSPC },
		{ "offset + len wraps", 2 * lbs, 0 - (uint64_t)lbs, 0,
		  ENOSPC },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(what, sizeof(what), "%s %s", ut_op_name(cmd_op),
			 bad[i].name);
		cmd = prep(self, cmd_op, NULL, bad[i].len, bad[i].off, 0);
		ASSERT_NE(NULL, cmd);
		cmd->addr = bad[i].addr;
		ASSERT_EQ(0, run(self, &c));
		UT_EXPECT_REFUSED(&c, bad[i].err, what);
	}
	/* Longer than the limit (when the limit leaves room in 32 bits). */
	if ((uint64_t)max + lbs <= UINT32_MAX) {
		snprintf(what, sizeof(what), "%s len limit+lbs (%u)",
			 ut_op_name(cmd_op), max + lbs);
		ASSERT_NE(NULL, prep(self, cmd_op, NULL, max + lbs, 0, 0));
		ASSERT_EQ(0, run(self, &c));
		if ((uint64_t)max + lbs > cap) {
			/* -EINVAL and -ENOSPC both describe it. */
			EXPECT_TRUE(c.res == -EINVAL || c.res == -ENOSPC) {
				TH_LOG("%s: res %d", what, c.res);
			}
		} else {
			UT_EXPECT_REFUSED(&c, EINVAL, what);
		}
	}
}

TEST_F(cmds, discard_bad_fields)
{
	NEED_SETUP();
	if (!self->info.max_discard)
		SKIP(return, "%s cannot discard: discard_unsupported_eopnotsupp",
		     self->d.name);
	check_range_refusals(_metadata, self, URPT_CMD_DISCARD,
			     self->info.max_discard);
}

TEST_F(cmds, write_zeroes_bad_fields)
{
	NEED_SETUP();
	if (!self->info.max_write_zeroes)
		SKIP(return, "%s cannot write zeroes: write_zeroes_unsupported_eopnotsupp",
		     self->d.name);
	check_range_refusals(_metadata, self, URPT_CMD_WRITE_ZEROES,
			     self->info.max_write_zeroes);
}

/* ---- read-only open ------------------------------------------------------ */

TEST_F(cmds, rdonly_open_writev_discard_write_zeroes_ebadf)
{
	uint32_t lbs = lbs_of(self);
	uint64_t off = 32 * (uint64_t)lbs;
	struct iovec iov[2];
	struct urpt_dev ro;
	struct ut_cqe c;
	int ret;

	NEED_SETUP();
	ut_fill(self->buf2, 2 * lbs, self->rng + 700);
	ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, self->buf2, 2 * lbs,
				    off));
	ret = urpt_dev_open(&ro, self->d.path, O_RDONLY);
	ASSERT_LE(0, ret) {
		TH_LOG("open %s O_RDONLY: %s", self->d.path, strerror(-ret));
	}

	iov[0].iov_base = self->buf;
	iov[0].iov_len = lbs;
	iov[1].iov_base = self->buf + lbs;
	iov[1].iov_len = lbs;
	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_WRITEV, iov, 2,
				off));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "WRITEV on O_RDONLY");

	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_WRITE_ZEROES, NULL,
				2 * lbs, off));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	if (self->info.max_write_zeroes) {
		UT_EXPECT_REFUSED(&c, EBADF, "WRITE_ZEROES on O_RDONLY");
	} else {
		/* Both reasons hold: either errno is right. */
		EXPECT_TRUE(c.res == -EBADF || c.res == -EOPNOTSUPP) {
			TH_LOG("WRITE_ZEROES on O_RDONLY, unsupported: res %d",
			       c.res);
		}
	}

	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_DISCARD, NULL,
				2 * lbs, off));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	if (self->info.max_discard) {
		UT_EXPECT_REFUSED(&c, EBADF, "DISCARD on O_RDONLY");
	} else {
		EXPECT_TRUE(c.res == -EBADF || c.res == -EOPNOTSUPP) {
			TH_LOG("DISCARD on O_RDONLY, unsupported: res %d",
			       c.res);
		}
	}

	/* Nothing was written. */
	ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, self->buf, 2 * lbs,
				   off));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, 2 * lbs));

	/* READV works there. */
	memset(self->buf, 0, 2 * lbs);
	iov[0].iov_base = self->buf + lbs;
	iov[1].iov_base = self->buf;
	ASSERT_NE(NULL, ut_prep(&ro.ring, ro.fd, URPT_CMD_READV, iov, 2,
				off));
	ASSERT_EQ(0, ut_submit_one(&ro.ring, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "READV on O_RDONLY");
	EXPECT_EQ(-1, ut_first_diff(self->buf + lbs, self->buf2, lbs));
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2 + lbs, lbs));
	urpt_dev_close(&ro);
}

TEST_HARNESS_MAIN
