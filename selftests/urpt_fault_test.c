// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: faults -- the backing disk removed under load, a process
 * killed and a ring closed with 1000 commands in flight, I/O errors from
 * the disk, DETACH with polled commands nobody reaps, module unload
 * attempts meanwhile. docs/failure-model.md gives the model and the
 * figures.
 *
 * Runs once (guest/check.sh's ONCE list), as root, on null_blk disks it
 * makes itself through configfs (NB_ROOT/urptflt*): URPT_BDEV is not used.
 * Each test says what it measured in "#" lines.
 */
#include <poll.h>
#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_fault.h"

#define KILL_CMDS	1000	/* in flight when the process is killed */
#define KILL_ROUNDS	kill_rounds()
#define REMOVE_DEPTH	128	/* in flight when the disk is removed */
#define REMOVE_LIMIT_MS	5000	/* every one of them completes by then */
#define DETACH_LIMIT_MS	2000	/* DETACH once nothing is on the disk */
#define NVME_SC_INTERNAL_V 0x6	/* NVMe's Internal Error, docs/nvme.md */
/*
 * Bounds of memory growth across the loops (KiB), warm-up excluded, the
 * per-cpu free lists counted as free: measured flat to within 200 KiB over
 * 58 rounds. Leaking the bounce page of one command in eight (125 pages a
 * round, 9 MiB over 18 rounds) would cross them.
 */
#define SLAB_GROWTH_KB	2048
#define AVAIL_DROP_KB	4096

FIXTURE(fault) {
	bool skip;
	struct nb_disk nb;
	bool attached;
	uint32_t index;
	char node[64];
	int fd;			/* the node, O_RDWR; -1 */
	struct io_uring ring;	/* the fixture's ring on fd */
	bool ring_up;
	char *bufs;
	size_t bufs_size;
	struct fl_removal *rm;	/* shared with the remover */
};

FIXTURE_VARIANT(fault) {
	bool iopoll;		/* rings set up with IORING_SETUP_IOPOLL */
};

FIXTURE_VARIANT_ADD(fault, irq) {
	.iopoll = false,
};

FIXTURE_VARIANT_ADD(fault, iopoll) {
	.iopoll = true,
};

/* 20, or URPT_FAULT_ROUNDS (at least 3: two are warm-up). */
static int kill_rounds(void)
{
	const char *s = getenv("URPT_FAULT_ROUNDS");
	int n = s ? atoi(s) : 20;

	return n < 3 ? 3 : n;
}

static unsigned int ring_flags(const FIXTURE_VARIANT(fault) *variant)
{
	return variant->iopoll ? IORING_SETUP_IOPOLL : 0;
}

FIXTURE_SETUP(fault)
{
	self->fd = -1;
	if (!ut_exists(NB_ROOT)) {
		self->skip = true;
		SKIP(return, "%s missing (configfs, null_blk)", NB_ROOT);
	}
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	nb_cleanup_leftovers();
	self->rm = mmap(NULL, sizeof(*self->rm), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->rm);
}

FIXTURE_TEARDOWN(fault)
{
	if (self->skip)
		return;
	fl_close_node(&self->ring, &self->ring_up, &self->fd);
	if (self->attached)
		urpt_ctl_detach(self->index);
	self->attached = false;
	nb_destroy(&self->nb);
	free(self->bufs);
	if (self->rm && self->rm != MAP_FAILED)
		munmap(self->rm, sizeof(*self->rm));
}

/*
 * Make the null_blk disk (attrs), attach it, and with open set open its
 * node and a ring of entries on it. bufs of bufs_size bytes.
 */
static void fault_disk(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self,
		       const FIXTURE_VARIANT(fault) *variant,
		       const char *name, const char *const *attrs,
		       bool open_node, unsigned int entries, size_t bufs_size)
{
	const char *what = "";
	int ret;

	ret = nb_make(&self->nb, name, attrs, &what);
	ASSERT_EQ(0, ret) {
		TH_LOG("null_blk %s: %s: %s", name, what, strerror(-ret));
	}
	ASSERT_EQ(0, urpt_ctl_attach(self->nb.dev, 0, &self->index));
	self->attached = true;
	ut_node_path(self->node, sizeof(self->node), self->index);
	if (bufs_size) {
		self->bufs = ut_alloc(bufs_size);
		ASSERT_NE(NULL, self->bufs);
		self->bufs_size = bufs_size;
	}
	if (!open_node)
		return;
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, urpt_queue_init(entries, &self->ring,
				     ring_flags(variant)));
	self->ring_up = true;
}

/* DETACH, timed: its duration in ns, or -errno. */
static int64_t fault_detach(FIXTURE_DATA(fault) *self)
{
	int64_t t = fl_now_ns();
	int ret = urpt_ctl_detach(self->index);

	if (ret)
		return ret;
	self->attached = false;
	return fl_now_ns() - t;
}

/* An unload attempt must be refused while urpt is in use. */
static void expect_unload_refused(struct __test_metadata *_metadata,
				  const char *when)
{
	int ret = fl_try_unload();

	EXPECT_EQ(-EWOULDBLOCK, ret) {
		TH_LOG("rmmod urpt %s: %s", when,
		       ret ? strerror(-ret) : "unloaded");
	}
	if (!ret)
		fl_reload();
}

/* One NVMe Read or Write of nlb + 1 blocks at slba through the node. */
static void prep_nvme(struct io_uring_sqe *sqe, int fd, uint8_t opcode,
		      void *buf, uint32_t len, uint64_t slba, uint32_t nlb)
{
	ut_prep_nvme(sqe, fd, opcode, buf, len, (uint32_t)slba,
		     (uint32_t)(slba >> 32), nlb);
	sqe->user_data = 0x6e76;
}

/* ---- the disk removed with REMOVE_DEPTH commands in flight ---------------- */

static const char *const removal_attrs[] = {
	"size=256", "memory_backed=0", "blocksize=512", "submit_queues=2",
	"poll_queues=2", "hw_queue_depth=128", "irqmode=2",
	"completion_nsec=200000", NULL,
};

TEST_F_TIMEOUT(fault, removal_under_load, 120)
{
	static const uint32_t ops[] = {
		URPT_CMD_INFO, URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_FLUSH,
	};
	struct urpt_ctl_entry ents[UT_MAX_ENTRIES];
	struct fl_load l = { 0 };
	char power[400];
	struct ut_cqe c;
	int64_t detach_ns;
	int status, n, i, fd;
	pid_t remover = -1;
	size_t k;

	NEED_SETUP();
	fault_disk(_metadata, self, variant, "rm", removal_attrs, true,
		   2 * REMOVE_DEPTH, (size_t)REMOVE_DEPTH * FL_SLOT_BYTES);
	l.ring = &self->ring;
	l.fd = self->fd;
	l.bufs = self->bufs;
	l.depth = REMOVE_DEPTH;
	l.lbs = 512;
	l.capacity = 256ull << 20;
	snprintf(power, sizeof(power), "%s/power", self->nb.item);

	ASSERT_EQ(0, fl_run(&l, power, "0", 300,
			    REMOVE_LIMIT_MS * ut_timeout_scale(), self->rm, &remover));
	ASSERT_TRUE(fl_waitpid(remover, &status, 30000 * ut_timeout_scale())) {
		TH_LOG("the removal (power=0) did not return");
	}
	self->nb.powered = false;
	ASSERT_EQ(0, self->rm->rc) {
		TH_LOG("power=0: %s", strerror(-self->rm->rc));
	}
	fl_expect_load_ended(_metadata, &l, self->rm, "removal",
			     variant->iopoll, REMOVE_LIMIT_MS);

	/* Every command on the node now: -ENODEV, refused. */
	for (k = 0; k < ARRAY_SIZE(ops); k++) {
		ASSERT_NE(NULL, ut_prep(&self->ring, self->fd, ops[k],
					self->bufs, ops[k] == URPT_CMD_INFO ?
					0 : 4096, 0));
		ASSERT_EQ(1, io_uring_submit(&self->ring));
		ASSERT_EQ(0, fl_get(&l, &c, 10000));
		UT_EXPECT_REFUSED(&c, ENODEV, ut_op_name(ops[k]));
	}
	prep_nvme(io_uring_get_sqe(&self->ring), self->fd, 0x02, self->bufs,
		  4096, 0, 7);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, fl_get(&l, &c, 10000));
	EXPECT_EQ(-ENODEV, c.res) {
		TH_LOG("NVMe Read after the removal: res %d", c.res);
	}
	fd = open(self->node, O_RDWR | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ENODEV, errno) {
		TH_LOG("open after the removal: %s", strerror(errno));
	}
	if (fd >= 0)
		close(fd);

	/* Still attached (and listed, capacity 0) until DETACH. */
	n = ut_list_all(ents);
	ASSERT_LE(0, n);
	for (i = 0; i < n && ents[i].index != self->index; i++)
		;
	ASSERT_GT(n, i);
	EXPECT_EQ(0ull, (unsigned long long)ents[i].capacity);
	expect_unload_refused(_metadata, "with the node open, disk removed");

	detach_ns = fault_detach(self);
	ASSERT_LE(0, detach_ns) {
		TH_LOG("DETACH: %s", strerror((int)-detach_ns));
	}
	TH_LOG("DETACH after the removal: %.1f ms", fl_ms(detach_ns));
	EXPECT_GT((int64_t)DETACH_LIMIT_MS * ut_timeout_scale() * 1000000, detach_ns);
	EXPECT_FALSE(ut_exists(self->node));
	fl_close_node(&self->ring, &self->ring_up, &self->fd);
}

/* ---- a process killed with KILL_CMDS commands in flight -------------------- */

static const char *const kill_attrs[] = {
	"size=64", "memory_backed=0", "blocksize=512", "submit_queues=2",
	"poll_queues=2", "hw_queue_depth=512", "irqmode=2",
	"completion_nsec=1000000", NULL,
};

/* Queue n 4 KiB reads at distinct places, every 8th bounced. */
static int queue_reads(struct io_uring *ring, int fd, char *bufs,
		       unsigned int n)
{
	struct io_uring_sqe *sqe;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			return -EBUSY;
		urpt_prep_read(sqe, fd, bufs + (size_t)i * 4096, 4096,
			       (uint64_t)i * 4096);
		if (i % 8 == 5)
			urpt_prep_set_flags(sqe, URPT_F_BOUNCE);
		sqe->user_data = i;
	}
	return 0;
}

/* The child: KILL_CMDS reads in flight, reports, waits to be killed. */
static void __attribute__((noreturn))
kill_child(const char *node, unsigned int flags, int report)
{
	struct io_uring ring;
	char *bufs = ut_alloc((size_t)KILL_CMDS * 4096);
	int fd = open(node, O_RDWR | O_CLOEXEC), r;

	if (fd < 0)
		r = -errno;
	else if (!bufs)
		r = -ENOMEM;
	else if ((r = urpt_queue_init(1024, &ring, flags)) == 0 &&
		 (r = queue_reads(&ring, fd, bufs, KILL_CMDS)) == 0)
		r = io_uring_submit(&ring);
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	for (;;)
		pause();
}

TEST_F_TIMEOUT(fault, sigkill_1000_in_flight, 200)
{
	int64_t t, exit_ns, exit_max = 0, exit_sum = 0, det_max = 0, det;
	struct fl_mem m0 = { 0 }, m1;
	int round, pipefd[2], r, status;
	struct pollfd pfd;
	pid_t pid;

	NEED_SETUP();
	fault_disk(_metadata, self, variant, "kill", kill_attrs, false, 0, 0);
	for (round = 0; round < KILL_ROUNDS; round++) {
		if (round) {
			ASSERT_EQ(0, urpt_ctl_attach(self->nb.dev, 0,
						     &self->index));
			self->attached = true;
			ut_node_path(self->node, sizeof(self->node),
				     self->index);
		}
		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(pipefd[0]);
			kill_child(self->node, ring_flags(variant), pipefd[1]);
		}
		close(pipefd[1]);
		pfd.fd = pipefd[0];
		pfd.events = POLLIN;
		r = -ETIME;
		if (poll(&pfd, 1, 20000 * ut_timeout_scale()) == 1 &&
		    read(pipefd[0], &r, sizeof(r)) != sizeof(r))
			r = -EIO;
		close(pipefd[0]);
		if (round == 0 && r == KILL_CMDS)
			expect_unload_refused(_metadata,
					      "with a process's commands in flight");
		t = fl_now_ns();
		kill(pid, SIGKILL);
		ASSERT_TRUE(fl_waitpid(pid, &status, 10000 * ut_timeout_scale())) {
			TH_LOG("round %d: the killed process is not gone after 10 s",
			       round);
		}
		exit_ns = fl_now_ns() - t;
		exit_sum += exit_ns;
		if (exit_ns > exit_max)
			exit_max = exit_ns;
		ASSERT_EQ(KILL_CMDS, r) {
			TH_LOG("round %d: the child submitted %d", round, r);
		}
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		det = fault_detach(self);
		ASSERT_LE(0, det) {
			TH_LOG("round %d: DETACH: %s", round,
			       strerror((int)-det));
		}
		if (det > det_max)
			det_max = det;
		EXPECT_GT((int64_t)DETACH_LIMIT_MS * ut_timeout_scale() * 1000000, det);
		/* Memory after two warm-up rounds, and at the end. */
		if (round == 1)
			fl_mem_read(&m0);
	}
	fl_mem_settle(&m1, &m0, SLAB_GROWTH_KB, AVAIL_DROP_KB);
	TH_LOG("%s: %d rounds of %d commands killed in flight: exit %.1f ms on average, %.1f ms at most; DETACH %.1f ms at most",
	       variant->iopoll ? "IOPOLL" : "interrupts", KILL_ROUNDS,
	       KILL_CMDS, fl_ms(exit_sum / KILL_ROUNDS), fl_ms(exit_max),
	       fl_ms(det_max));
	TH_LOG("over rounds 2..%d: SUnreclaim %+ld KiB, MemAvailable %+ld KiB",
	       KILL_ROUNDS, m1.sunreclaim - m0.sunreclaim,
	       m1.avail - m0.avail);
	EXPECT_GT(SLAB_GROWTH_KB, m1.sunreclaim - m0.sunreclaim);
	EXPECT_GT(AVAIL_DROP_KB, m0.avail - m1.avail);
}

/* ---- a ring closed with KILL_CMDS commands in flight ----------------------- */

TEST_F_TIMEOUT(fault, ring_close_1000_in_flight, 200)
{
	struct fl_mem m0 = { 0 }, m1;
	struct fl_load l = { 0 };
	int64_t t, close_max = 0, det;
	struct io_uring ring;
	struct ut_cqe c;
	int round;

	NEED_SETUP();
	fault_disk(_metadata, self, variant, "close", kill_attrs, true, 8,
		   (size_t)KILL_CMDS * 4096);
	l.ring = &self->ring;
	for (round = 0; round < KILL_ROUNDS; round++) {
		ASSERT_EQ(0, urpt_queue_init(1024, &ring, ring_flags(variant)));
		ASSERT_EQ(0, queue_reads(&ring, self->fd, self->bufs,
					 KILL_CMDS));
		ASSERT_EQ(KILL_CMDS, io_uring_submit(&ring));
		t = fl_now_ns();
		io_uring_queue_exit(&ring);
		t = fl_now_ns() - t;
		if (t > close_max)
			close_max = t;

		/* The node still works from another ring. */
		ASSERT_NE(NULL, ut_prep(&self->ring, self->fd, URPT_CMD_READ,
					self->bufs, 4096, 0));
		ASSERT_EQ(1, io_uring_submit(&self->ring));
		ASSERT_EQ(0, fl_get(&l, &c, 10000));
		UT_EXPECT_DONE(&c, 4096, "READ after the ring was closed");
		if (round == 1)
			fl_mem_read(&m0);
	}
	fl_mem_settle(&m1, &m0, SLAB_GROWTH_KB, AVAIL_DROP_KB);
	fl_close_node(&self->ring, &self->ring_up, &self->fd);
	det = fault_detach(self);
	ASSERT_LE(0, det);
	TH_LOG("%s: %d rings closed with %d commands in flight: close %.1f ms at most; then DETACH %.1f ms",
	       variant->iopoll ? "IOPOLL" : "interrupts", KILL_ROUNDS,
	       KILL_CMDS, fl_ms(close_max), fl_ms(det));
	TH_LOG("over rounds 2..%d: SUnreclaim %+ld KiB, MemAvailable %+ld KiB",
	       KILL_ROUNDS, m1.sunreclaim - m0.sunreclaim,
	       m1.avail - m0.avail);
	EXPECT_GT((int64_t)DETACH_LIMIT_MS * ut_timeout_scale() * 1000000, det);
	EXPECT_GT(SLAB_GROWTH_KB, m1.sunreclaim - m0.sunreclaim);
	EXPECT_GT(AVAIL_DROP_KB, m0.avail - m1.avail);
}

/* ---- I/O errors: null_blk bad blocks -------------------------------------- */

static const char *const bad_attrs[] = {
	"size=64", "memory_backed=1", "blocksize=512", "submit_queues=2",
	"poll_queues=2", NULL,
};

#define BAD1_SECT	2048	/* 1 MiB: 8 bad sectors */
#define BAD1_LAST	2055
#define BAD2_SECT	6144	/* 3 MiB: one bad sector */
#define PATTERN_BYTES	(8u << 20)
#define MiB		(1u << 20)

struct bad_cmd {
	uint32_t op;
	uint64_t off;
	uint32_t len;
	bool bounce;
	bool bad;		/* touches a bad sector */
};

static const struct bad_cmd bad_cmds[] = {
	{ URPT_CMD_READ, MiB, 4096, false, true },
	{ URPT_CMD_READ, MiB - 4096, 8192, false, true },
	/*
	 * Good ones are never next to a failing one: the block layer may
	 * merge two adjacent commands into one request, and the disk fails
	 * the request as a whole.
	 */
	{ URPT_CMD_READ, MiB + 8192, 4096, false, false },
	{ URPT_CMD_READ, MiB - 12288, 4096, false, false },
	{ URPT_CMD_WRITE, MiB, 4096, false, true },
	{ URPT_CMD_WRITE, 3 * MiB, 512, false, true },
	{ URPT_CMD_READ, 3 * MiB - 512, 1024, false, true },
	{ URPT_CMD_READ, 4 * MiB + 8192, 4096, false, false },
	{ URPT_CMD_READ, 2 * MiB, 2 * MiB, false, true },	/* 2 bios */
	{ URPT_CMD_READ, MiB, 4096, true, true },
	{ URPT_CMD_WRITE, MiB + 2048, 2048, true, true },
	{ URPT_CMD_READV, MiB - 2048, 4096, false, true },
	{ URPT_CMD_WRITEV, 5 * MiB, 8192, false, false },
	{ URPT_CMD_FLUSH, 0, 0, false, false },
};

#define NR_BAD_CMDS	ARRAY_SIZE(bad_cmds)
#define NR_GOOD_EXTRA	48	/* 4 KiB reads from 6 MiB on */
#define BAD_ROUNDS	100

static int bad_set(FIXTURE_DATA(fault) *self, char sign)
{
	char v[64];
	int ret;

	snprintf(v, sizeof(v), "%c%d-%d", sign, BAD1_SECT, BAD1_LAST);
	ret = nb_attr(&self->nb, "badblocks", v);
	if (ret)
		return ret;
	snprintf(v, sizeof(v), "%c%d-%d", sign, BAD2_SECT, BAD2_SECT);
	return nb_attr(&self->nb, "badblocks", v);
}

/*
 * Submit every bad_cmds entry and NR_GOOD_EXTRA good reads in one batch
 * and check each completion; buffers in bufs (a slot of 2 MiB + 4 KiB
 * each for bad_cmds, then 4 KiB each). Returns the number of -EIO seen.
 */
static unsigned int bad_batch(struct __test_metadata *_metadata,
			      FIXTURE_DATA(fault) *self, const char *pattern,
			      bool check_data)
{
	const size_t slot = 2 * MiB + 8192;
	struct iovec *iov = (struct iovec *)(self->bufs + NR_BAD_CMDS * slot +
					     NR_GOOD_EXTRA * 4096);
	bool seen[NR_BAD_CMDS + NR_GOOD_EXTRA] = { false };
	unsigned int i, nr = NR_BAD_CMDS + NR_GOOD_EXTRA, eio = 0;
	struct fl_load l = { .ring = &self->ring };
	struct io_uring_sqe *sqe;
	uint64_t slot_i, off;
	const struct bad_cmd *b;
	struct ut_cqe c;
	char *buf, what[96];
	uint32_t len;

	for (i = 0; i < nr; i++) {
		sqe = io_uring_get_sqe(&self->ring);
		ASSERT_NE(NULL, sqe);
		if (i >= NR_BAD_CMDS) {
			buf = self->bufs + NR_BAD_CMDS * slot +
			      (i - NR_BAD_CMDS) * 4096;
			urpt_prep_read(sqe, self->fd, buf, 4096,
				       6 * MiB + (i - NR_BAD_CMDS) * 8192);
			sqe->user_data = 0x1000 + i;
			continue;
		}
		b = &bad_cmds[i];
		/* bounced: a buffer off the disk's DMA alignment */
		buf = self->bufs + i * slot + (b->bounce ? 8 : 0);
		switch (b->op) {
		case URPT_CMD_READ:
			urpt_prep_read(sqe, self->fd, buf, b->len, b->off);
			break;
		case URPT_CMD_WRITE:
			memcpy(buf, pattern + 7 * MiB, b->len);
			urpt_prep_write(sqe, self->fd, buf, b->len, b->off);
			break;
		case URPT_CMD_READV:
		case URPT_CMD_WRITEV:
			/* two halves, the second first in memory */
			iov[2 * i].iov_base = buf + b->len / 2;
			iov[2 * i].iov_len = b->len / 2;
			iov[2 * i + 1].iov_base = buf;
			iov[2 * i + 1].iov_len = b->len / 2;
			if (b->op == URPT_CMD_WRITEV) {
				memcpy(buf + b->len / 2, pattern + b->off,
				       b->len / 2);
				memcpy(buf, pattern + b->off + b->len / 2,
				       b->len / 2);
				urpt_prep_writev(sqe, self->fd, &iov[2 * i], 2,
						 b->off);
			} else {
				urpt_prep_readv(sqe, self->fd, &iov[2 * i], 2,
						b->off);
			}
			break;
		case URPT_CMD_FLUSH:
			urpt_prep_flush(sqe, self->fd);
			break;
		}
		if (b->bounce)
			urpt_prep_set_flags(sqe, URPT_F_BOUNCE);
		sqe->user_data = 0x1000 + i;
	}
	ASSERT_EQ((int)nr, io_uring_submit(&self->ring));

	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, fl_get(&l, &c, UT_WAIT_SEC * 1000)) {
			TH_LOG("only %u of %u completions", i, nr);
		}
		slot_i = c.user_data - 0x1000;
		ASSERT_GT((uint64_t)nr, slot_i);
		EXPECT_FALSE(seen[slot_i]);
		seen[slot_i] = true;
		if (slot_i >= NR_BAD_CMDS) {
			off = 6 * MiB + (slot_i - NR_BAD_CMDS) * 8192;
			UT_EXPECT_DONE(&c, 4096, "good READ in the batch");
			if (check_data && c.res == 4096) {
				buf = self->bufs + NR_BAD_CMDS * slot +
				      (slot_i - NR_BAD_CMDS) * 4096;
				EXPECT_EQ(-1, ut_first_diff(buf, pattern + off,
							    4096));
			}
			continue;
		}
		b = &bad_cmds[slot_i];
		len = b->op == URPT_CMD_FLUSH ? 0 : b->len;
		snprintf(what, sizeof(what), "%s%s %u at %llu",
			 ut_op_name(b->op), b->bounce ? " (bounced)" : "",
			 b->len, (unsigned long long)b->off);
		if (!b->bad) {
			UT_EXPECT_DONE(&c, len, what);
			if (check_data && b->op == URPT_CMD_READ &&
			    c.res == (int)len) {
				buf = self->bufs + slot_i * slot;
				EXPECT_EQ(-1, ut_first_diff(buf,
							    pattern + b->off,
							    len)) {
					TH_LOG("%s: data", what);
				}
			}
			continue;
		}
		EXPECT_EQ(-EIO, c.res) {
			TH_LOG("%s: res %d", what, c.res);
		}
		EXPECT_EQ((uint64_t)BLK_STS_IOERR_V,
			  c.extra[0] & URPT_RES2_STATUS_MASK) {
			TH_LOG("%s: big_cqe[0] %#llx", what,
			       (unsigned long long)c.extra[0]);
		}
		EXPECT_LE(1u, (c.extra[0] >> URPT_RES2_BIOS_SHIFT) &
			      URPT_RES2_BIOS_MASK);
		EXPECT_LT(0u, c.extra[0] >> URPT_RES2_NS_SHIFT);
		EXPECT_EQ((uint64_t)0, c.extra[1]);
		if (c.res == -EIO)
			eio++;
	}
	return eio;
}

TEST_F_TIMEOUT(fault, bad_blocks_eio, 120)
{
	const size_t bufs = NR_BAD_CMDS * (2 * MiB + 8192) +
			    NR_GOOD_EXTRA * 4096 + 4096;
	unsigned int eio, total_eio = 0, want = 0, i;
	struct fl_mem m0, m1;
	struct ut_cqe c;
	struct fl_load l = { .ring = &self->ring };
	char *pattern, *scratch;
	int direct, round;
	size_t k;

	NEED_SETUP();
	fault_disk(_metadata, self, variant, "bad", bad_attrs, true, 128,
		   bufs);
	for (k = 0; k < NR_BAD_CMDS; k++)
		want += bad_cmds[k].bad;
	pattern = ut_alloc(PATTERN_BYTES);
	scratch = ut_alloc(MiB);
	ASSERT_NE(NULL, pattern);
	ASSERT_NE(NULL, scratch);
	ut_fill(pattern, PATTERN_BYTES, ut_seed() + 77);
	direct = open(self->nb.dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, direct);
	ASSERT_EQ(0, ut_disk_write(direct, scratch, MiB, pattern,
				   PATTERN_BYTES, 0));

	ASSERT_EQ(0, bad_set(self, '+'));
	/* The disk itself fails them. */
	EXPECT_EQ(-EIO, ut_pread_full(direct, scratch, 4096, MiB));

	eio = bad_batch(_metadata, self, pattern, true);
	EXPECT_EQ(want, eio);
	total_eio += eio;

	/* The NVMe personality: the same error as an NVMe status. */
	prep_nvme(io_uring_get_sqe(&self->ring), self->fd, 0x02, scratch,
		  4096, BAD1_SECT, 7);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, fl_get(&l, &c, UT_WAIT_SEC * 1000));
	EXPECT_EQ(NVME_SC_INTERNAL_V, c.res) {
		TH_LOG("NVMe Read of bad blocks: res %d (%#x)", c.res, c.res);
	}
	prep_nvme(io_uring_get_sqe(&self->ring), self->fd, 0x01, scratch,
		  512, BAD2_SECT, 0);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, fl_get(&l, &c, UT_WAIT_SEC * 1000));
	EXPECT_EQ(NVME_SC_INTERNAL_V, c.res) {
		TH_LOG("NVMe Write of a bad block: res %d (%#x)", c.res, c.res);
	}
	prep_nvme(io_uring_get_sqe(&self->ring), self->fd, 0x02, scratch,
		  4096, 2 * BAD1_SECT, 7);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, fl_get(&l, &c, UT_WAIT_SEC * 1000));
	EXPECT_EQ(0, c.res) {
		TH_LOG("NVMe Read of good blocks: res %d (%#x)", c.res, c.res);
	}

	/* Failing commands over and over: nothing may pile up. */
	fl_mem_read(&m0);
	for (round = 0; round < BAD_ROUNDS; round++)
		total_eio += bad_batch(_metadata, self, pattern, false);
	fl_mem_settle(&m1, &m0, SLAB_GROWTH_KB, AVAIL_DROP_KB);
	TH_LOG("%s: %u commands failed with -EIO (BLK_STS_IOERR), %u in each batch of %zu; %u good ones beside them each time",
	       variant->iopoll ? "IOPOLL" : "interrupts", total_eio, want,
	       NR_BAD_CMDS + NR_GOOD_EXTRA,
	       (unsigned int)(NR_BAD_CMDS + NR_GOOD_EXTRA) - want);
	TH_LOG("over %d batches: SUnreclaim %+ld KiB, MemAvailable %+ld KiB",
	       BAD_ROUNDS, m1.sunreclaim - m0.sunreclaim, m1.avail - m0.avail);
	EXPECT_GT(SLAB_GROWTH_KB, m1.sunreclaim - m0.sunreclaim);
	EXPECT_GT(AVAIL_DROP_KB, m0.avail - m1.avail);

	/* The failed writes wrote nothing: the old data is all there. */
	ASSERT_EQ(0, bad_set(self, '-'));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(-1, ut_disk_diff(direct, scratch, MiB,
					   pattern + i * MiB, MiB,
					   (uint64_t)i * MiB)) {
			TH_LOG("MiB %u changed", i);
		}
	}
	close(direct);
	free(pattern);
	free(scratch);
}

/* ---- DETACH with polled commands that nobody reaps -------------------------- */

static const char *const unreaped_attrs[] = {
	"size=64", "memory_backed=0", "blocksize=512", "submit_queues=1",
	"poll_queues=1", NULL,
};

#define UNREAPED	8
#define IO_TIMEOUT_MS	2000

struct detach_report {
	volatile int64_t start_ns, end_ns;
	volatile int rc;
};

/* A child that DETACHes index and reports when. */
static pid_t detach_child(uint32_t index, struct detach_report *rep)
{
	pid_t pid = fork();

	if (pid == 0) {
		rep->start_ns = fl_now_ns();
		rep->rc = urpt_ctl_detach(index);
		rep->end_ns = fl_now_ns();
		_exit(0);
	}
	return pid;
}

/*
 * UNREAPED polled reads, submitted and left alone. io_uring_submit() on
 * an IOPOLL ring also polls once (IORING_ENTER_GETEVENTS), which would
 * reap them: publish the SQ tail and enter without it, as liburing's
 * __io_uring_flush_sq() does.
 */
static void submit_unreaped(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self)
{
	struct io_uring_sq *sq = &self->ring.sq;

	ASSERT_EQ(0, queue_reads(&self->ring, self->fd, self->bufs, UNREAPED));
	__atomic_store_n(sq->ktail, sq->sqe_tail, __ATOMIC_RELEASE);
	sq->sqe_head = sq->sqe_tail;
	ASSERT_EQ(UNREAPED, syscall(__NR_io_uring_enter, self->ring.ring_fd,
				    UNREAPED, 0, 0, NULL, 0));
}

/*
 * Reap the UNREAPED commands: the disk timed out the polled ones; the
 * bounced read among them (queue_reads()) is not polled, it completed by
 * interrupt, or found the disk detached when io_uring's worker issued it.
 */
static void reap_timed_out(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self)
{
	struct fl_load l = { .ring = &self->ring };
	struct ut_cqe c;
	int i;

	for (i = 0; i < UNREAPED; i++) {
		ASSERT_EQ(0, fl_get(&l, &c, UT_WAIT_SEC * 1000));
		if (c.user_data % 8 == 5) {
			/* -ENODEV: its worker issued it after DETACH began. */
			EXPECT_TRUE(c.res == 4096 || c.res == -ENODEV)
				TH_LOG("the bounced read: %d", c.res);
			continue;
		}
		EXPECT_EQ(-ETIMEDOUT, c.res);
		EXPECT_EQ((uint64_t)BLK_STS_TIMEOUT_V,
			  c.extra[0] & URPT_RES2_STATUS_MASK);
	}
}

TEST_F_TIMEOUT(fault, detach_polled_unreaped, 120)
{
	struct detach_report *rep;
	struct nb_disk other;
	const char *what = "";
	int64_t t, list_ns, other_ns, det_ns, killed_ns, release_ns;
	uint32_t idx;
	char path[128], v[16];
	int status, ret;
	pid_t pid;

	NEED_SETUP();
	if (!variant->iopoll)
		SKIP(return, "polled commands need an IOPOLL ring");
	fault_disk(_metadata, self, variant, "poll", unreaped_attrs, true, 16,
		   UNREAPED * 4096);
	snprintf(path, sizeof(path), "/sys/block/%s/queue/io_timeout",
		 self->nb.disk);
	snprintf(v, sizeof(v), "%d", IO_TIMEOUT_MS);
	ASSERT_EQ(0, fl_write_file(path, v));
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rep);

	/* 1. DETACH waits for the disk's timeout, without blocking others. */
	submit_unreaped(_metadata, self);
	memset(rep, 0, sizeof(*rep));
	pid = detach_child(self->index, rep);
	ASSERT_LE(0, pid);
	usleep(300000);
	EXPECT_EQ(0, rep->end_ns) {
		TH_LOG("DETACH returned at once: the polled reads ended?");
	}
	t = fl_now_ns();
	EXPECT_LE(0, ut_list_count());
	list_ns = fl_now_ns() - t;
	ret = nb_make(&other, "other", unreaped_attrs, &what);
	ASSERT_EQ(0, ret) {
		TH_LOG("null_blk other: %s: %s", what, strerror(-ret));
	}
	t = fl_now_ns();
	ret = urpt_ctl_attach(other.dev, 0, &idx);
	EXPECT_EQ(0, ret);
	if (!ret)
		EXPECT_EQ(0, urpt_ctl_detach(idx));
	other_ns = fl_now_ns() - t;
	nb_destroy(&other);
	EXPECT_GT(1000000000LL, list_ns);
	EXPECT_GT(1000000000LL, other_ns);
	ASSERT_TRUE(fl_waitpid(pid, &status, (IO_TIMEOUT_MS + 30000) *
					     ut_timeout_scale()));
	self->attached = false;
	EXPECT_EQ(0, rep->rc);
	det_ns = rep->end_ns - rep->start_ns;
	EXPECT_LT((int64_t)IO_TIMEOUT_MS * 1000000 / 2, det_ns);
	reap_timed_out(_metadata, self);
	fl_close_node(&self->ring, &self->ring_up, &self->fd);

	/* 2. A DETACH killed while it waits: gone at once, released later. */
	ASSERT_EQ(0, urpt_ctl_attach(self->nb.dev, 0, &self->index));
	self->attached = true;
	ut_node_path(self->node, sizeof(self->node), self->index);
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, urpt_queue_init(16, &self->ring, IORING_SETUP_IOPOLL));
	self->ring_up = true;
	submit_unreaped(_metadata, self);
	memset(rep, 0, sizeof(*rep));
	pid = detach_child(self->index, rep);
	ASSERT_LE(0, pid);
	usleep(300000);
	t = fl_now_ns();
	kill(pid, SIGKILL);
	ASSERT_TRUE(fl_waitpid(pid, &status, 5000 * ut_timeout_scale())) {
		TH_LOG("a DETACH waiting for the disk cannot be killed");
	}
	killed_ns = fl_now_ns() - t;
	self->attached = false;
	EXPECT_FALSE(ut_exists(self->node));
	/* The disk is claimed until the timed-out reads end, then free. */
	t = fl_now_ns();
	while ((ret = urpt_ctl_attach(self->nb.dev, 0, &self->index)) ==
	       -EBUSY && fl_now_ns() - t < (IO_TIMEOUT_MS + 30000) *
	       1000000LL * ut_timeout_scale())
		usleep(20000);
	release_ns = fl_now_ns() - t;
	ASSERT_EQ(0, ret);
	self->attached = true;
	reap_timed_out(_metadata, self);
	fl_close_node(&self->ring, &self->ring_up, &self->fd);
	TH_LOG("io_timeout %d ms: DETACH waited %.1f ms for %d unreaped polled reads; LIST meanwhile %.2f ms, attach+detach of another disk %.2f ms",
	       IO_TIMEOUT_MS, fl_ms(det_ns), UNREAPED, fl_ms(list_ns),
	       fl_ms(other_ns));
	TH_LOG("a killed DETACH: gone %.1f ms after SIGKILL, the disk free %.1f ms later",
	       fl_ms(killed_ns), fl_ms(release_ns));
	munmap(rep, sizeof(*rep));
}

TEST_HARNESS_MAIN
