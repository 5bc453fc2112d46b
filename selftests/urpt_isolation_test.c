// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: one process cannot stall another's commands on the same
 * disk. Process A fills every tag of the disk's poll queues with polled
 * READs and never reaps them (they end only when the disk times them
 * out), then sends a bounced READ, which waits for a tag wherever it is
 * issued. Process B, on its own ring, then sends bounced READs, READs of
 * several bios and DISCARDs (the commands that are issued where they may
 * block): each must complete at once, not after A's commands time out.
 * Blocking work runs in each ring's own io_uring workers; with one submit
 * work item per disk, B's first bounced READ waited behind A's (4 s here).
 *
 * Runs once, on the nullb0 run (null_blk with poll queues).
 */
#include <signal.h>
#include <sys/mount.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define ONCE_BDEV	"/dev/nullb0"
#define POLLED		512u	/* far more than the poll queues' tags */
#define B_READS		8u
#define B_LIMIT_MS	3000	/* each of B's commands; a timeout is 30 s */
#define DEBUGFS_BLOCK	"/sys/kernel/debug/block"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * An IOPOLL ring whose submissions do not poll. liburing enters an IOPOLL
 * ring with IORING_ENTER_GETEVENTS on every submit, and that one pass of
 * polling completes every command the poll queue holds: cleared, submit
 * only submits, and the commands stay on the queue, holding its tags.
 */
static int hog_ring(unsigned int entries, struct io_uring *ring)
{
	int ret = io_uring_queue_init(entries, ring, IORING_SETUP_SQE128 |
				      IORING_SETUP_CQE32 | IORING_SETUP_IOPOLL);

	ring->flags &= ~IORING_SETUP_IOPOLL;
	return ret;
}

/*
 * Process A: polled READs on one ring, never reaped, then a bounced READ
 * on a second polled ring, once the first ring's commands hold every tag
 * of the poll queues: that READ waits for a tag wherever it is issued.
 */
static void hog(const char *node, int ready)
{
	struct io_uring ring, ring2;
	struct io_uring_sqe *sqe;
	char *buf = ut_alloc(4096);
	unsigned int i;
	int fd = open(node, O_RDONLY | O_CLOEXEC);

	if (!buf || fd < 0 || hog_ring(POLLED, &ring) || hog_ring(8, &ring2))
		_exit(1);
	for (i = 0; i < POLLED; i++) {
		sqe = io_uring_get_sqe(&ring);
		if (!sqe)
			_exit(1);
		/*
		 * A block apart: the block layer merges adjacent READs into
		 * a few requests, which would hold a few tags.
		 */
		urpt_prep_read(sqe, fd, buf, 4096, (uint64_t)i * 8192);
	}
	if (io_uring_submit(&ring) <= 0)
		_exit(1);
	/* io_uring's workers take the tags the first pass left free. */
	usleep(1000000);
	sqe = io_uring_get_sqe(&ring2);
	if (!sqe)
		_exit(1);
	urpt_prep_read(sqe, fd, buf, 4096, 0);
	urpt_prep_set_flags(sqe, URPT_F_BOUNCE);
	if (io_uring_submit(&ring2) <= 0)
		_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/*
 * Does the hog hold every tag of every poll queue of @disk (debugfs' view
 * of each hardware queue)? 1, 0 (a poll queue with a free tag, in @why),
 * or -errno when debugfs cannot say.
 */
static int poll_tags_held(const char *disk, char *why, size_t why_len)
{
	char path[256], text[512];
	unsigned int h, polls = 0, depth, busy;
	const char *p;

	if (!ut_exists(DEBUGFS_BLOCK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	for (h = 0;; h++) {
		snprintf(path, sizeof(path), DEBUGFS_BLOCK "/%s/hctx%u/type",
			 disk, h);
		if (ut_read_text(path, text, sizeof(text)) < 0)
			break;
		if (strncmp(text, "poll", 4))
			continue;
		snprintf(path, sizeof(path), DEBUGFS_BLOCK "/%s/hctx%u/tags",
			 disk, h);
		if (ut_read_text(path, text, sizeof(text)) < 0)
			return -errno;
		p = strstr(text, "depth=");
		if (!p || sscanf(p, "depth=%u", &depth) != 1)
			return -EPROTO;
		p = strstr(text, "busy=");
		if (!p || sscanf(p, "busy=%u", &busy) != 1)
			return -EPROTO;
		if (busy < depth) {
			snprintf(why, why_len, "hctx%u: %u of %u tags busy",
				 h, busy, depth);
			return 0;
		}
		polls++;
	}
	if (!h)
		return -ENOENT;
	if (!polls) {
		snprintf(why, why_len, "no poll queue in " DEBUGFS_BLOCK "/%s",
			 disk);
		return 0;
	}
	return 1;
}

FIXTURE(iso) {
	bool skip;
	struct ut_disk d;
	pid_t hog;
	char *buf;
	uint64_t rng;
};

FIXTURE_SETUP(iso)
{
	const char *bdev = ut_bdev();

	if (bdev && strcmp(bdev, ONCE_BDEV)) {
		self->skip = true;
		SKIP(return, "runs once, on the %s run (URPT_BDEV=%s)",
		     ONCE_BDEV, bdev);
	}
	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	if (!(self->d.info.features & URPT_FEAT_POLL)) {
		ut_disk_release(&self->d);
		self->skip = true;
		SKIP(return, "%s has no poll queues", self->d.bdev);
	}
	self->buf = ut_alloc(4u << 20);
	ut_fixture_need_bufs(_metadata, &self->d, self->buf, self->buf);
	self->hog = -1;
}

FIXTURE_TEARDOWN(iso)
{
	if (self->skip)
		return;
	if (self->hog > 0) {
		kill(self->hog, SIGKILL);
		waitpid(self->hog, NULL, 0);
	}
	ut_fixture_release(_metadata, &self->d);
	free(self->buf);
}

/* One of B's commands, timed: its latency in ms. */
static int64_t b_command(struct __test_metadata *_metadata,
			 FIXTURE_DATA(iso) *self, unsigned int kind,
			 unsigned int i)
{
	static const char *const what[] = {
		"bounced 1 MiB READ", "4 MiB READ (4 bios)", "1 MiB DISCARD",
	};
	static const uint32_t len[] = { 1u << 20, 4u << 20, 1u << 20 };
	static const uint32_t op[] = {
		URPT_CMD_READ, URPT_CMD_READ, URPT_CMD_DISCARD,
	};
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	int64_t t0;

	cmd = ut_prep(&self->d.dev.ring, self->d.dev.fd, op[kind],
		      op[kind] == URPT_CMD_DISCARD ? NULL : self->buf,
		      len[kind], (uint64_t)(8 + i) << 22);
	if (!cmd)
		return -1;
	if (kind == 0)
		cmd->flags |= URPT_F_BOUNCE;
	t0 = now_ms();
	if (ut_submit_one(&self->d.dev.ring, &c)) {
		TH_LOG("the other process's %s %u: no completion in %d s",
		       what[kind], i, UT_WAIT_SEC);
		return -1;
	}
	UT_EXPECT_DONE(&c, len[kind], what[kind]);
	return now_ms() - t0;
}

TEST_F_TIMEOUT(iso, other_process_not_stalled, 120)
{
	int64_t ms, worst[3] = { 0 };
	unsigned int i, kind, kinds = 3;
	int pipefd[2], held;
	char r, why[128];

	NEED_SETUP();
	/* DISCARD where the disk offers it (INFO). */
	if (!(self->d.info.features & URPT_FEAT_DISCARD))
		kinds = 2;
	ASSERT_EQ(0, pipe(pipefd));
	self->hog = fork();
	ASSERT_LE(0, self->hog);
	if (!self->hog) {
		close(pipefd[0]);
		hog(self->d.path, pipefd[1]);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &r, 1)) TH_LOG("the hog did not start");
	close(pipefd[0]);
	/* Let its bounced READ reach the point where it blocks. */
	usleep(200000);
	/* The stall is set up, or the test would prove nothing. */
	held = poll_tags_held(self->d.name, why, sizeof(why));
	if (held < 0)
		SKIP(return, "debugfs cannot show the poll queues' tags: %s",
		     strerror(-held));
	ASSERT_EQ(1, held) TH_LOG("the hog does not hold the poll queues' tags: %s",
				  why);

	for (i = 0; i < B_READS; i++) {
		for (kind = 0; kind < kinds; kind++) {
			ms = b_command(_metadata, self, kind, i);
			ASSERT_LE(0, ms);
			if (ms > worst[kind])
				worst[kind] = ms;
		}
	}
	TH_LOG("the other process, worst of %u each: bounced 1 MiB READ %lld ms, 4 MiB READ %lld ms, 1 MiB DISCARD %s%lld ms",
	       B_READS, (long long)worst[0], (long long)worst[1],
	       kinds == 3 ? "" : "(not offered) ", (long long)worst[2]);
	for (kind = 0; kind < kinds; kind++)
		EXPECT_GT(B_LIMIT_MS * ut_timeout_scale(), worst[kind]);
}

TEST_HARNESS_MAIN
