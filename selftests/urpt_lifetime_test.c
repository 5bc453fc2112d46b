// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: lifetimes -- DETACH while the node is open or commands
 * are in flight, a process killed with commands in flight, a ring torn
 * down with commands in flight, and attach/detach cycles.
 *
 * Run as root with URPT_BDEV=/dev/<disk> (a disk the test may overwrite).
 */
#include <stdint.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define LT_SIZE		65536u	/* bytes per in-flight command */
#define KILL_WAIT_SEC	10	/* a killed child must be gone by then */

FIXTURE(life) {
	bool skip;
	const char *bdev;
	const char *name;
	uint32_t index;
	bool attached;
	char path[64];
	bool opened;
	struct urpt_dev dev;
	struct urpt_info info;
	uint32_t size;		/* per-command transfer, <= max_transfer */
	uint64_t seed;
};

static void life_close(FIXTURE_DATA(life) *self)
{
	if (self->opened)
		urpt_dev_close(&self->dev);
	self->opened = false;
}

/* Attach URPT_BDEV and open its node; 0 or -errno. */
static int life_attach(FIXTURE_DATA(life) *self)
{
	int ret;

	ret = urpt_ctl_attach(self->bdev, 0, &self->index);
	if (ret)
		return ret;
	self->attached = true;
	ut_node_path(self->path, sizeof(self->path), self->index);
	ret = urpt_dev_open(&self->dev, self->path, O_RDWR);
	if (ret < 0)
		return ret;
	self->opened = true;
	ret = urpt_info(&self->dev, &self->info, NULL);
	if (ret < 0)
		return ret;
	if (self->info.size != sizeof(self->info) ||
	    !self->info.logical_block_size)
		return -EPROTO;
	self->size = LT_SIZE < self->info.max_transfer ? LT_SIZE :
		     self->info.max_transfer;
	self->size -= self->size % self->info.logical_block_size;
	if (!self->size)
		return -EPROTO;
	return 0;
}

/* DETACH what the fixture attached (the node may stay open). */
static int life_detach(FIXTURE_DATA(life) *self)
{
	int ret = urpt_ctl_detach(self->index);

	if (!ret)
		self->attached = false;
	return ret;
}

FIXTURE_SETUP(life)
{
	int ret;

	self->bdev = ut_bdev();
	if (!self->bdev) {
		self->skip = true;
		SKIP(return, "URPT_BDEV is not set");
	}
	self->name = ut_basename(self->bdev);
	self->seed = ut_seed();
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	ret = ut_detach_leftovers(self->name);
	ASSERT_LE(0, ret);
	if (ret)
		TH_LOG("detached %d leftover attachment(s) of %s", ret,
		       self->name);
	ret = life_attach(self);
	if (ret) {
		life_close(self);
		if (self->attached)
			life_detach(self);
		ASSERT_EQ(0, ret) {
			TH_LOG("attach and open %s: %s", self->bdev,
			       strerror(-ret));
		}
	}
}

FIXTURE_TEARDOWN(life)
{
	int n;

	life_close(self);
	if (self->attached) {
		EXPECT_EQ(0, life_detach(self));
	}
	if (self->skip)
		return;
	/* Extra attachments a failed test did not get to detach. */
	n = ut_detach_leftovers(self->name);
	if (n > 0)
		TH_LOG("teardown detached %d extra attachment(s)", n);
}

/* Where in-flight command i goes: distinct, block aligned, on the disk. */
static uint64_t slot_offset(FIXTURE_DATA(life) *self, unsigned int i)
{
	uint64_t slots = self->info.capacity / self->size;

	return (i % slots) * self->size;
}

/* Queue n READs of self->size into bufs on ring (not submitted). */
static int queue_reads(FIXTURE_DATA(life) *self, struct io_uring *ring,
		       int fd, char *bufs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			return -EBUSY;
		urpt_prep_read(sqe, fd, bufs + (size_t)i * self->size,
			       self->size, slot_offset(self, i));
		sqe->user_data = i;
	}
	return 0;
}

/* ---- (a) DETACH while the node is open ----------------------------------- */

TEST_F(life, detach_while_open_enodev)
{
	static const uint32_t ops[] = {
		URPT_CMD_INFO, URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_FLUSH,
	};
	uint32_t old_index = self->index;
	struct urpt_dev fresh;
	struct ut_cqe c;
	char *buf;
	size_t i;
	int fd;

	NEED_SETUP();
	buf = ut_alloc(self->size);
	ASSERT_NE(NULL, buf);

	ASSERT_EQ(0, life_detach(self));
	EXPECT_FALSE(ut_exists(self->path));
	fd = open(self->path, O_RDWR | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ENOENT, errno);

	/* Valid commands on the still-open fd: the disk is gone. */
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ASSERT_NE(NULL, ut_prep(&self->dev.ring, self->dev.fd, ops[i],
					buf, ops[i] == URPT_CMD_INFO ? 0 :
					self->info.logical_block_size, 0));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		EXPECT_EQ(-ENODEV, c.res) {
			TH_LOG("%s after DETACH: res %d",
			       ut_op_name(ops[i]), c.res);
		}
	}

	/* The disk is free again and gets the lowest index back... */
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, 0, &self->index));
	self->attached = true;
	EXPECT_EQ(old_index, self->index);
	/* ...while the stale fd still reaches nothing. */
	ASSERT_NE(NULL, ut_prep(&self->dev.ring, self->dev.fd, URPT_CMD_READ,
				buf, self->info.logical_block_size, 0));
	ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
	EXPECT_EQ(-ENODEV, c.res);
	ASSERT_LE(0, urpt_dev_open(&fresh, self->path, O_RDWR));
	ASSERT_NE(NULL, ut_prep(&fresh.ring, fresh.fd, URPT_CMD_READ, buf,
				self->info.logical_block_size, 0));
	ASSERT_EQ(0, ut_submit_one(&fresh.ring, &c));
	UT_EXPECT_DONE(&c, self->info.logical_block_size, "READ, new node");
	urpt_dev_close(&fresh);

	/* Closing the stale fd works. */
	io_uring_queue_exit(&self->dev.ring);
	self->opened = false;
	EXPECT_EQ(0, close(self->dev.fd));
	free(buf);
}

/* ---- (b) DETACH with commands in flight ---------------------------------- */

#define INFLIGHT	64

TEST_F(life, detach_with_commands_in_flight)
{
	unsigned int seen[INFLIGHT] = { 0 };
	struct io_uring ring;
	struct ut_cqe c;
	char *bufs, *check;
	int direct_fd, i, done = 0, gone = 0;

	NEED_SETUP();
	bufs = ut_alloc((size_t)INFLIGHT * self->size);
	check = ut_alloc(self->size);
	ASSERT_NE(NULL, bufs);
	ASSERT_NE(NULL, check);

	/* Known contents, so the reads that made it can be checked. */
	direct_fd = open(self->bdev, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, direct_fd);
	for (i = 0; i < INFLIGHT; i++) {
		ut_fill(check, self->size, self->seed + 100 + i);
		ASSERT_EQ(0, ut_pwrite_full(direct_fd, check, self->size,
					    slot_offset(self, i)));
	}

	ASSERT_EQ(0, urpt_queue_init(INFLIGHT, &ring, 0));
	ASSERT_EQ(0, queue_reads(self, &ring, self->dev.fd, bufs, INFLIGHT));
	ASSERT_EQ(INFLIGHT, io_uring_submit(&ring));
	/* Detach without reaping anything. */
	ASSERT_EQ(0, life_detach(self));

	for (i = 0; i < INFLIGHT; i++) {
		ASSERT_EQ(0, ut_reap(&ring, &c)) {
			TH_LOG("only %d of %d completions after DETACH", i,
			       INFLIGHT);
		}
		ASSERT_GT((uint64_t)INFLIGHT, c.user_data);
		seen[c.user_data]++;
		if (c.res == -ENODEV) {
			gone++;
			continue;
		}
		EXPECT_EQ((int32_t)self->size, c.res) {
			TH_LOG("command %llu: res %d",
			       (unsigned long long)c.user_data, c.res);
		}
		if (c.res != (int32_t)self->size)
			continue;
		done++;
		ut_fill(check, self->size, self->seed + 100 + c.user_data);
		EXPECT_EQ(-1, ut_first_diff(bufs + c.user_data * self->size,
					    check, self->size));
	}
	for (i = 0; i < INFLIGHT; i++) {
		EXPECT_EQ(1u, seen[i]) {
			TH_LOG("command %d completed %u times", i, seen[i]);
		}
	}
	TH_LOG("%d completed, %d refused with -ENODEV", done, gone);
	io_uring_queue_exit(&ring);
	close(direct_fd);
	free(bufs);
	free(check);
}

/* ---- (c) a process killed with commands in flight ------------------------ */

#define KILL_INFLIGHT	128
#define KILL_ROUNDS	4

static void on_alarm(int sig)
{
}

/*
 * The child: its own open of the node and ring, KILL_INFLIGHT reads in
 * flight, then it reports how many it submitted (or -errno) and waits to
 * be killed.
 */
static void __attribute__((noreturn))
inflight_child(FIXTURE_DATA(life) *self, int report)
{
	struct io_uring ring;
	char *bufs;
	int fd, r;

	fd = open(self->path, O_RDWR | O_CLOEXEC);
	bufs = ut_alloc((size_t)KILL_INFLIGHT * self->size);
	if (fd < 0)
		r = -errno;
	else if (!bufs)
		r = -ENOMEM;
	else if ((r = urpt_queue_init(KILL_INFLIGHT, &ring, 0)) == 0 &&
		 (r = queue_reads(self, &ring, fd, bufs, KILL_INFLIGHT)) == 0)
		r = io_uring_submit(&ring);
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	for (;;)
		pause();
}

TEST_F_TIMEOUT(life, sigkill_with_commands_in_flight, 120)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int round, pipefd[2], r, status;
	pid_t pid, got;

	NEED_SETUP();
	/* No SA_RESTART: a hang interrupts waitpid() instead of the suite. */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));

	for (round = 0; round < KILL_ROUNDS; round++) {
		if (round) {
			life_close(self);
			ASSERT_EQ(0, life_attach(self));
		}
		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(pipefd[0]);
			inflight_child(self, pipefd[1]);
		}
		close(pipefd[1]);

		alarm(KILL_WAIT_SEC);
		r = -EIO;
		if (read(pipefd[0], &r, sizeof(r)) != sizeof(r))
			r = -EIO;
		close(pipefd[0]);
		kill(pid, SIGKILL);
		alarm(KILL_WAIT_SEC);
		got = waitpid(pid, &status, 0);
		alarm(0);
		ASSERT_EQ(pid, got) {
			TH_LOG("round %d: killed child not reaped within %d s (%s)",
			       round, KILL_WAIT_SEC, strerror(errno));
		}
		ASSERT_EQ(KILL_INFLIGHT, r) {
			TH_LOG("round %d: child submitted %d", round, r);
		}
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		/* Its commands are all off the disk: DETACH goes through. */
		ASSERT_EQ(0, life_detach(self)) {
			TH_LOG("round %d", round);
		}
		EXPECT_FALSE(ut_exists(self->path));
	}
}

/* ---- (d) the ring torn down with commands in flight ---------------------- */

#define EXIT_ROUNDS	4

TEST_F_TIMEOUT(life, ring_exit_with_commands_in_flight, 60)
{
	struct io_uring ring;
	struct ut_cqe c;
	char *bufs;
	int round;

	NEED_SETUP();
	/* Freed only after DETACH: the disk may still be writing into it. */
	bufs = ut_alloc((size_t)INFLIGHT * self->size);
	ASSERT_NE(NULL, bufs);

	for (round = 0; round < EXIT_ROUNDS; round++) {
		if (round) {
			life_close(self);
			ASSERT_EQ(0, life_attach(self));
		}
		ASSERT_EQ(0, urpt_queue_init(INFLIGHT, &ring, 0));
		ASSERT_EQ(0, queue_reads(self, &ring, self->dev.fd, bufs,
					 INFLIGHT));
		ASSERT_EQ(INFLIGHT, io_uring_submit(&ring));
		io_uring_queue_exit(&ring);

		/* The node is still usable from another ring. */
		ASSERT_NE(NULL, ut_prep(&self->dev.ring, self->dev.fd,
					URPT_CMD_READ, bufs,
					self->info.logical_block_size, 0));
		ASSERT_EQ(0, ut_submit_one(&self->dev.ring, &c));
		UT_EXPECT_DONE(&c, self->info.logical_block_size,
			       "READ after ring exit");

		ASSERT_EQ(0, life_detach(self)) {
			TH_LOG("round %d", round);
		}
	}
	free(bufs);
}

/* ---- (e) attach/detach cycles and index reuse ---------------------------- */

TEST_F_TIMEOUT(life, attach_detach_loop, 120)
{
	int before, expect, i;
	uint32_t index;
	char path[64], sys[64];
	struct stat st;

	NEED_SETUP();
	life_close(self);
	ASSERT_EQ(0, life_detach(self));
	before = ut_list_count();
	ASSERT_LE(0, before);
	expect = ut_lowest_free_index();
	ASSERT_LE(0, expect);

	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, urpt_ctl_attach(self->bdev, 0, &index)) {
			TH_LOG("cycle %d", i);
		}
		EXPECT_EQ((uint32_t)expect, index) {
			TH_LOG("cycle %d", i);
		}
		ut_node_path(path, sizeof(path), index);
		EXPECT_EQ(0, stat(path, &st));
		EXPECT_TRUE(S_ISCHR(st.st_mode));
		ASSERT_EQ(0, urpt_ctl_detach(index)) {
			TH_LOG("cycle %d", i);
		}
		EXPECT_FALSE(ut_exists(path)) {
			TH_LOG("cycle %d: %s left behind", i, path);
		}
		snprintf(sys, sizeof(sys), "/sys/class/urpt/urpt%u", index);
		EXPECT_FALSE(ut_exists(sys)) {
			TH_LOG("cycle %d: %s left behind", i, sys);
		}
	}
	EXPECT_EQ(before, ut_list_count());
}

TEST_F(life, index_reuse_lowest_free)
{
	uint32_t idx[3], again;
	int i, expect;

	NEED_SETUP();
	life_close(self);
	ASSERT_EQ(0, life_detach(self));

	for (i = 0; i < 3; i++) {
		expect = ut_lowest_free_index();
		ASSERT_LE(0, expect);
		ASSERT_EQ(0, urpt_ctl_attach(self->bdev, URPT_ATTACH_SHARED,
					     &idx[i]));
		EXPECT_EQ((uint32_t)expect, idx[i]);
	}
	EXPECT_LT(idx[0], idx[1]);
	EXPECT_LT(idx[1], idx[2]);

	/* A hole in the middle is filled first... */
	ASSERT_EQ(0, urpt_ctl_detach(idx[1]));
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, URPT_ATTACH_SHARED, &again));
	EXPECT_EQ(idx[1], again);
	idx[1] = again;
	/* ...and of two holes, the lower one. */
	ASSERT_EQ(0, urpt_ctl_detach(idx[0]));
	ASSERT_EQ(0, urpt_ctl_detach(idx[2]));
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, URPT_ATTACH_SHARED, &again));
	EXPECT_EQ(idx[0], again);
	EXPECT_EQ(0, urpt_ctl_detach(again));
	EXPECT_EQ(0, urpt_ctl_detach(idx[1]));
}

TEST_HARNESS_MAIN
