// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: commands of several bios, bounced commands and discards
 * under memory pressure complete, never with -ENOMEM, as O_DIRECT does
 * (every bio after the first may be allocated waiting, once the ones
 * before it were submitted). Two kinds of pressure, each with a page-cache
 * hog, children that read a 4 GiB null_blk (memory_backed=0: zeroes, no
 * memory of its own) through the page cache without end:
 *  - memcg: the test and one hog in a memory cgroup whose memory.max is
 *    what the test holds plus 128 MiB: the cgroup lives at its limit, and
 *    every page charged to it (bounce pages are) must be reclaimed for
 *    (with less room, or two hogs, 7.2's memcg reclaim gave up on the
 *    hogs' own page cache and killed the test);
 *  - global: both hogs in the root cgroup fill the guest's memory with
 *    page cache: kswapd reclaims all along, and allocations that do not
 *    wait fail when it falls behind;
 *  - failslab: no hog, but the kernel's fault injection fails every
 *    allocation from the bio and bio_vec caches that may not wait (those
 *    are what fail first when memory runs short; ones that may wait are
 *    left alone): only on a kernel built with CONFIG_FAILSLAB (the debug
 *    kernel; Debian's are not), without slab merging, and booted with
 *    failslab on those caches (slub_debug=A,...). Here the bioset's
 *    reserve of two is all a command gets without waiting, so a command
 *    that allocated its third bio without waiting failed with -ENOMEM.
 * The commands go to a 64 MiB null_blk of their own, that discards; the
 * data the bounced WRITEs wrote is read back and compared. A test that
 * could not make the pressure it needs (no memory controller, the cgroup
 * never at its limit, kswapd never ran) fails or SKIPs with the reason.
 *
 * Runs once (URPT_BDEV is not used).
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_fault.h"

#define CG_ROOT		FL_CG_ROOT
#define CG_DIR		CG_ROOT "/urpt-pressure"
#define CG_HEADROOM	(128ull << 20)
#define MiB		(1u << 20)
#define BIG_LEN		(8 * MiB)	/* a zero-copy READ of 8 bios */
#define BOUNCE_LEN	(16 * MiB)	/* bounced WRITE, READ back */
#define NR_HOGS		2
#define NR_DSM		256		/* Dataset Management ranges */
#define ROUNDS		40
#define DISK_MB		"64"
#define DEBUGFS		"/sys/kernel/debug"
#define FAILSLAB	DEBUGFS "/failslab"
#define SLAB_DIR	"/sys/kernel/slab"
#define FAILS_TIMES	"1000000000"	/* failslab's times: never reached */

FIXTURE(pressure) {
	bool skip;
	struct nb_disk nb;	/* the commands' disk */
	struct nb_disk hog_nb;	/* what the hog reads */
	struct ut_disk d;
	pid_t hog[NR_HOGS];
	bool in_cgroup;
	bool failing;		/* failslab is on */
	char *big, *data, *check;
	uint32_t *ranges;
};

FIXTURE_VARIANT(pressure) {
	bool memcg;
	bool failslab;
};

FIXTURE_VARIANT_ADD(pressure, memcg) {
	.memcg = true,
};

FIXTURE_VARIANT_ADD(pressure, global) {
	.memcg = false,
};

FIXTURE_VARIANT_ADD(pressure, failslab) {
	.failslab = true,
};

FIXTURE_SETUP(pressure)
{
	static const char *const attrs[] = {
		"size=" DISK_MB, "memory_backed=1", "blocksize=512",
		"discard=1", NULL,
	};
	static const char *const hog_attrs[] = {
		"size=4096", "memory_backed=0", "blocksize=512", NULL,
	};
	const char *what = "";
	int ret;

	self->hog[0] = self->hog[1] = -1;
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	if (!ut_exists(NB_ROOT)) {
		self->skip = true;
		SKIP(return, "%s missing (configfs, null_blk)", NB_ROOT);
	}
	nb_cleanup_leftovers();
	self->d.direct_fd = -1;
	ret = nb_make(&self->nb, "press", attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ret = nb_make(&self->hog_nb, "hog", hog_attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("hog disk: %s: %s", what, strerror(-ret));
	ret = ut_disk_attach(&self->d, self->nb.dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ASSERT_NE(0u, self->d.info.max_discard)
		TH_LOG("%s does not discard", self->nb.dev);
	self->big = ut_alloc(BIG_LEN);
	self->data = ut_alloc(BOUNCE_LEN + 4096);
	self->check = ut_alloc(BOUNCE_LEN + 4096);
	self->ranges = calloc(NR_DSM, 16);
	ASSERT_TRUE(self->big && self->data && self->check && self->ranges);
}

/*
 * Is failslab on for every bio and bio_vec cache? A cache's failslab
 * attribute is read-only on every kernel urpt supports (since 5.9), set
 * at boot (slub_debug=A,bio-*,biovec-*, which the debug kernel's command
 * line carries). The number of caches, or -EACCES with *bad the cache
 * that does not have it.
 */
static int bio_caches_failslab(char *bad, size_t bad_len)
{
	char path[300], val[8];
	struct dirent *e;
	int n = 0;
	DIR *dir = opendir(SLAB_DIR);

	if (!dir)
		return -errno;
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "bio-", 4) &&
		    strncmp(e->d_name, "biovec-", 7))
			continue;
		snprintf(path, sizeof(path), SLAB_DIR "/%s/failslab",
			 e->d_name);
		if (ut_read_text(path, val, sizeof(val)) < 0 || val[0] != '1') {
			snprintf(bad, bad_len, "%s", e->d_name);
			closedir(dir);
			return -EACCES;
		}
		n++;
	}
	closedir(dir);
	return n;
}

/* The flags stay; with probability 0 nothing fails. */
static void failslab_stop(void)
{
	fl_write_file(FAILSLAB "/probability", "0");
}

/* Fail every bio cache allocation that may not wait: NULL, or why not. */
static const char *failslab_start(FIXTURE_DATA(pressure) *self)
{
	static const char *const knobs[][2] = {
		{ "cache-filter", "Y" }, { "ignore-gfp-wait", "Y" },
		{ "task-filter", "N" }, { "verbose", "0" }, { "space", "0" },
		{ "interval", "1" }, { "times", FAILS_TIMES },
		{ "probability", "100" },
	};
	static char why[400];
	char bad[256], path[128];
	unsigned int i;
	int n;

	if (!ut_exists(FAILSLAB))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	if (!ut_exists(FAILSLAB))
		return "no " FAILSLAB ": the kernel is built without CONFIG_FAILSLAB";
	n = bio_caches_failslab(bad, sizeof(bad));
	if (n == -EACCES) {
		snprintf(why, sizeof(why),
			 "failslab is off on " SLAB_DIR "/%s: boot with slub_debug=A,bio-*,biovec-*",
			 bad);
		return why;
	}
	if (n < 0) {
		snprintf(why, sizeof(why), "%s: %s", SLAB_DIR, strerror(-n));
		return why;
	}
	if (!n)
		return "no bio caches in " SLAB_DIR;
	self->failing = true;
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		snprintf(path, sizeof(path), FAILSLAB "/%s", knobs[i][0]);
		if (fl_write_file(path, knobs[i][1])) {
			snprintf(why, sizeof(why), "%s could not be set to %s",
				 path, knobs[i][1]);
			return why;
		}
	}
	return NULL;
}

FIXTURE_TEARDOWN(pressure)
{
	if (self->skip)
		return;
	for (int i = 0; i < NR_HOGS; i++) {
		if (self->hog[i] > 0) {
			kill(self->hog[i], SIGKILL);
			waitpid(self->hog[i], NULL, 0);
		}
	}
	if (self->in_cgroup) {
		fl_write_file(CG_ROOT "/cgroup.procs", "0");
		rmdir(CG_DIR);
	}
	if (self->failing)
		failslab_stop();
	ut_disk_release(&self->d);
	nb_destroy(&self->nb);
	nb_destroy(&self->hog_nb);
	free(self->big);
	free(self->data);
	free(self->check);
	free(self->ranges);
}

/* The value of @key in a "key value" per line file (memory.events). */
static int read_keyed_u64(const char *path, const char *key, uint64_t *v)
{
	char text[2048], *p;
	ssize_t n = ut_read_text(path, text, sizeof(text));
	size_t klen = strlen(key);

	if (n < 0)
		return (int)n;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*v = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/* The sum of the /proc/vmstat counters that start with @prefix. */
static uint64_t vmstat_sum(const char *prefix)
{
	char line[256];
	uint64_t sum = 0;
	size_t n = strlen(prefix);
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' ');

		if (sp && !strncmp(line, prefix, n))
			sum += strtoull(sp + 1, NULL, 10);
	}
	fclose(f);
	return sum;
}

/* A memory cgroup of our own, this process in it: 0, or why not. */
static const char *enter_cgroup(FIXTURE_DATA(pressure) *self)
{
	const char *why = fl_cgroup_make(CG_DIR, "memory");

	if (why)
		return why;
	if (fl_write_file(CG_DIR "/cgroup.procs", "0")) {
		rmdir(CG_DIR);
		return "could not move into " CG_DIR;
	}
	self->in_cgroup = true;
	return NULL;
}

/* A hog: buffered reads of the 4 GiB disk from @start on, forever. */
static pid_t start_hog(const char *dev, off_t start)
{
	pid_t pid = fork();
	char *buf;
	int fd;

	if (pid)
		return pid;
	buf = malloc(MiB);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (!buf || fd < 0 || lseek(fd, start, SEEK_SET) != start)
		_exit(1);
	for (;;) {
		ssize_t n = read(fd, buf, MiB);

		if (n <= 0)
			lseek(fd, 0, SEEK_SET);
	}
}

static bool hog_died(FIXTURE_DATA(pressure) *self)
{
	for (int i = 0; i < NR_HOGS; i++) {
		int status;

		if (self->hog[i] > 0 &&
		    waitpid(self->hog[i], &status, WNOHANG) == self->hog[i]) {
			fprintf(stderr, "# hog %d ended: %s %d\n", i,
				WIFSIGNALED(status) ? "signal" : "exit",
				WIFSIGNALED(status) ? WTERMSIG(status) :
						      WEXITSTATUS(status));
			self->hog[i] = -1;
			return true;
		}
	}
	return false;
}

struct press_count {
	unsigned int nomem, other, bad_data, done;
};

static void expect_res(struct __test_metadata *_metadata,
		       struct press_count *n, const struct ut_cqe *c,
		       int32_t want, const char *what)
{
	n->done++;
	if (c->res == want)
		return;
	if (c->res == -ENOMEM)
		n->nomem++;
	else
		n->other++;
	if (n->nomem + n->other <= 5)
		TH_LOG("%s: res %d (%s), wanted %d", what, c->res,
		       c->res < 0 ? strerror(-c->res) : "short", want);
}

/* One round: every kind of command, one at a time. */
static void press_round(struct __test_metadata *_metadata,
			FIXTURE_DATA(pressure) *self, unsigned int round,
			struct press_count *n)
{
	struct io_uring *ring = &self->d.dev.ring;
	const uint64_t disk = (uint64_t)atoi(DISK_MB) << 20;
	uint64_t off = (uint64_t)(round % 4) * (16 * MiB);
	struct io_uring_sqe *sqe;
	struct urpt_cmd *cmd;
	struct ut_cqe c;
	unsigned int i;
	uint32_t len;

	/* A zero-copy READ of several bios. */
	ASSERT_NE(NULL, ut_prep(ring, self->d.dev.fd, URPT_CMD_READ,
				self->big, BIG_LEN, off));
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	expect_res(_metadata, n, &c, BIG_LEN, "READ 8 MiB");

	/* A bounced WRITE off the DMA alignment, read back bounced. */
	memset(self->data + 8, 'a' + round % 26, BOUNCE_LEN);
	cmd = ut_prep(ring, self->d.dev.fd, URPT_CMD_WRITE, self->data + 8,
		      BOUNCE_LEN, off);
	ASSERT_NE(NULL, cmd);
	cmd->flags |= URPT_F_BOUNCE;
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	expect_res(_metadata, n, &c, BOUNCE_LEN, "bounced WRITE 16 MiB");
	memset(self->check + 8, 0, BOUNCE_LEN);
	cmd = ut_prep(ring, self->d.dev.fd, URPT_CMD_READ, self->check + 8,
		      BOUNCE_LEN, off);
	ASSERT_NE(NULL, cmd);
	cmd->flags |= URPT_F_BOUNCE;
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	expect_res(_metadata, n, &c, BOUNCE_LEN, "bounced READ 16 MiB");
	if (c.res == (int32_t)BOUNCE_LEN &&
	    memcmp(self->check + 8, self->data + 8, BOUNCE_LEN))
		n->bad_data++;

	/* NVMe Dataset Management: 256 ranges of 8 blocks, 8 KiB apart. */
	for (i = 0; i < NR_DSM; i++) {
		self->ranges[i * 4 + 1] = 8;
		self->ranges[i * 4 + 2] = (uint32_t)(disk / 512 / 2 + i * 16);
	}
	sqe = io_uring_get_sqe(ring);
	ASSERT_NE(NULL, sqe);
	ut_prep_nvme(sqe, self->d.dev.fd, 0x09, self->ranges, NR_DSM * 16,
		     NR_DSM - 1, 1u << 2, 0);
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	expect_res(_metadata, n, &c, 0, "NVMe DSM of 256 ranges");

	/* A native DISCARD of up to 16 MiB. */
	len = self->d.info.max_discard < 16 * MiB ? self->d.info.max_discard :
						     16 * MiB;
	ASSERT_NE(NULL, ut_prep(ring, self->d.dev.fd, URPT_CMD_DISCARD, NULL,
				len, disk - len));
	ASSERT_EQ(0, ut_submit_one(ring, &c));
	expect_res(_metadata, n, &c, (int32_t)len, "DISCARD");
}

TEST_F_TIMEOUT(pressure, no_enomem, 300)
{
	uint64_t usage = 0, max_events = 0, oom_kills = 0, kswapd0, kswapd1;
	uint64_t stall0, stall1;
	struct press_count n = { 0 };
	const char *why;
	char v[32];
	unsigned int r;

	NEED_SETUP();
	/* Everything the test holds is faulted in before the limit is set. */
	memset(self->big, 1, BIG_LEN);
	memset(self->check, 1, BOUNCE_LEN + 4096);
	if (variant->failslab) {
		uint64_t left = 0;

		why = failslab_start(self);
		if (why)
			SKIP(return, "%s", why);
		for (r = 0; r < ROUNDS / 4; r++)
			press_round(_metadata, self, r, &n);
		ASSERT_EQ(0, ut_sysfs_u64(FAILSLAB "/times", &left));
		failslab_stop();
		self->failing = false;
		TH_LOG("failslab: %u commands in %u rounds: %u -ENOMEM, %u other errors, %u bounced READs that differ; %llu allocations failed",
		       n.done, r, n.nomem, n.other, n.bad_data,
		       (unsigned long long)(strtoull(FAILS_TIMES, NULL, 10) -
					    left));
		EXPECT_EQ(0u, n.nomem);
		EXPECT_EQ(0u, n.other);
		EXPECT_EQ(0u, n.bad_data);
		/* The allocations that may not wait did fail. */
		EXPECT_LT(left, strtoull(FAILS_TIMES, NULL, 10));
		return;
	}
	if (variant->memcg) {
		why = enter_cgroup(self);
		if (why)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, ut_sysfs_u64(CG_DIR "/memory.current", &usage));
		snprintf(v, sizeof(v), "%llu",
			 (unsigned long long)(usage + CG_HEADROOM));
		ASSERT_EQ(0, fl_write_file(CG_DIR "/memory.max", v));
	}
	kswapd0 = vmstat_sum("pgscan_kswapd");
	stall0 = vmstat_sum("allocstall");
	for (r = 0; r < (variant->memcg ? 1 : NR_HOGS); r++) {
		self->hog[r] = start_hog(self->hog_nb.dev, (off_t)r << 31);
		ASSERT_LT(0, self->hog[r]);
	}
	/* Let the hog reach the limit, or fill memory. */
	sleep(variant->memcg ? 1 : 3);
	for (r = 0; r < ROUNDS; r++) {
		press_round(_metadata, self, r, &n);
		if (hog_died(self))
			break;
	}
	EXPECT_FALSE(hog_died(self));
	kswapd1 = vmstat_sum("pgscan_kswapd");
	stall1 = vmstat_sum("allocstall");
	if (variant->memcg) {
		read_keyed_u64(CG_DIR "/memory.events", "max", &max_events);
		read_keyed_u64(CG_DIR "/memory.events", "oom_kill", &oom_kills);
	}
	TH_LOG("%s: %u commands in %u rounds: %u -ENOMEM, %u other errors, %u bounced READs that differ; memory.max hit %llu times, %llu OOM kills; kswapd scanned %llu pages, %llu allocations stalled in direct reclaim",
	       variant->memcg ? "memcg" : "global", n.done, r, n.nomem,
	       n.other, n.bad_data, (unsigned long long)max_events,
	       (unsigned long long)oom_kills,
	       (unsigned long long)(kswapd1 - kswapd0),
	       (unsigned long long)(stall1 - stall0));
	EXPECT_EQ(0u, n.nomem);
	EXPECT_EQ(0u, n.other);
	EXPECT_EQ(0u, n.bad_data);
	/* The pressure was there. */
	if (variant->memcg) {
		EXPECT_LT(0ull, max_events);
		EXPECT_EQ(0ull, oom_kills);
	} else {
		EXPECT_LT(0ull, kswapd1 - kswapd0);
	}
}

TEST_HARNESS_MAIN
