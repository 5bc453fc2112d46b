// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the control node /dev/urpt-control -- ATTACH, DETACH and
 * LIST, their permission checks and errors, shared and read-only attaches.
 *
 * Run as root with URPT_BDEV=/dev/<disk> (a disk the test may overwrite).
 */
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define NOBODY	65534

FIXTURE(ctl) {
	bool skip;
	const char *bdev;
	const char *name;
	struct ut_geometry geo;
	int ctl;			/* /dev/urpt-control, O_RDWR */
	struct urpt_ctl_entry before[UT_MAX_ENTRIES];
	int nbefore;			/* attached when the test started */
};

FIXTURE_SETUP(ctl)
{
	int ret;

	self->ctl = -1;
	self->bdev = ut_bdev();
	if (!self->bdev) {
		self->skip = true;
		SKIP(return, "URPT_BDEV is not set");
	}
	self->name = ut_basename(self->bdev);
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	ASSERT_EQ(0, ut_bdev_geometry(self->bdev, &self->geo));
	ret = ut_detach_leftovers(self->name);
	ASSERT_LE(0, ret);
	if (ret)
		TH_LOG("detached %d leftover attachment(s) of %s", ret,
		       self->name);
	self->nbefore = ut_list_all(self->before);
	ASSERT_LE(0, self->nbefore);
	self->ctl = ut_ctl_open();
	ASSERT_LE(0, self->ctl) {
		TH_LOG("open %s: %s", UT_CONTROL_PATH, strerror(-self->ctl));
	}
}

/* Detach whatever the test attached, even if it failed half way. */
FIXTURE_TEARDOWN(ctl)
{
	struct urpt_ctl_entry now[UT_MAX_ENTRIES];
	int i, n;

	if (self->skip)
		return;
	if (self->ctl >= 0)
		close(self->ctl);
	n = ut_list_all(now);
	for (i = 0; i < n; i++)
		if (!ut_listed(self->before, self->nbefore, now[i].index))
			urpt_ctl_detach(now[i].index);
}

static int attach_raw(int ctl, const char *path, uint32_t flags,
		      uint32_t *index)
{
	struct urpt_ctl_attach a = {
		.path = (uint64_t)(uintptr_t)path,
		.flags = flags,
		.index = 0xdeadbeef,
	};
	int ret = ut_ioctl(ctl, URPT_CTL_ATTACH, &a);

	if (!ret && index)
		*index = a.index;
	return ret;
}

static bool find_entry(uint32_t index, struct urpt_ctl_entry *out)
{
	struct urpt_ctl_entry ents[UT_MAX_ENTRIES];
	int i, n = ut_list_all(ents);

	for (i = 0; i < n; i++) {
		if (ents[i].index == index) {
			if (out)
				*out = ents[i];
			return true;
		}
	}
	return false;
}

static bool node_exists(uint32_t index)
{
	char path[64];

	ut_node_path(path, sizeof(path), index);
	return ut_exists(path);
}

/* ---- ATTACH and DETACH, the good path ------------------------------------ */

TEST_F(ctl, attach_creates_node_detach_removes_it)
{
	char path[64], text[64], want[64];
	struct urpt_ctl_entry e;
	struct stat st;
	uint32_t index;
	int expect;

	NEED_SETUP();
	expect = ut_lowest_free_index();
	ASSERT_LE(0, expect);
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, 0, &index));
	EXPECT_EQ((uint32_t)expect, index);
	EXPECT_EQ(self->nbefore + 1, ut_list_count());

	ut_node_path(path, sizeof(path), index);
	ASSERT_EQ(0, stat(path, &st)) {
		TH_LOG("%s after ATTACH: %s", path, strerror(errno));
	}
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600u, st.st_mode & 07777);

	snprintf(want, sizeof(want), "/sys/class/urpt/urpt%u/backing", index);
	ASSERT_LT(0, ut_read_text(want, text, sizeof(text)));
	snprintf(want, sizeof(want), "%s\n", self->name);
	EXPECT_STREQ(want, text);

	ASSERT_TRUE(find_entry(index, &e));
	EXPECT_EQ(0u, e.flags);
	EXPECT_EQ(self->geo.capacity, e.capacity);
	EXPECT_STREQ(self->name, e.disk_name);

	ASSERT_EQ(0, ut_ctl_detach_raw(self->ctl, index));
	EXPECT_FALSE(ut_exists(path));
	snprintf(want, sizeof(want), "/sys/class/urpt/urpt%u", index);
	EXPECT_FALSE(ut_exists(want));
	EXPECT_FALSE(find_entry(index, NULL));
	EXPECT_EQ(self->nbefore, ut_list_count());
}

/* ---- permissions --------------------------------------------------------- */

/*
 * In a child: drop to nobody (which clears every capability), then run
 * the ioctl on the control fd opened as root. Returns its 0 or -errno.
 */
static int ioctl_as_nobody(int ctl, unsigned long req, void *arg)
{
	int pipefd[2], status, ret = -EIO;
	pid_t pid;

	if (pipe(pipefd))
		return -EIO;
	pid = fork();
	if (pid < 0)
		return -EIO;
	if (pid == 0) {
		int r;

		close(pipefd[0]);
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY) || geteuid() != NOBODY)
			r = 1;	/* not an errno: the parent sees "dropped?" */
		else
			r = ut_ioctl(ctl, req, arg);
		if (write(pipefd[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = -EIO;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return ret;
}

TEST_F(ctl, attach_unprivileged_eperm)
{
	struct urpt_ctl_attach a = {
		.path = (uint64_t)(uintptr_t)self->bdev,
	};

	NEED_SETUP();
	EXPECT_EQ(-EPERM, ioctl_as_nobody(self->ctl, URPT_CTL_ATTACH, &a));
	EXPECT_EQ(self->nbefore, ut_list_count());
	/* The same request as root works: the failure was the permission. */
	ASSERT_EQ(0, ut_ioctl(self->ctl, URPT_CTL_ATTACH, &a));
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, a.index));
}

TEST_F(ctl, detach_unprivileged_eperm)
{
	struct urpt_ctl_detach d = { 0 };
	uint32_t index;

	NEED_SETUP();
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, 0, &index));
	d.index = index;
	EXPECT_EQ(-EPERM, ioctl_as_nobody(self->ctl, URPT_CTL_DETACH, &d));
	EXPECT_TRUE(find_entry(index, NULL));
	EXPECT_TRUE(node_exists(index));
	EXPECT_EQ(0, ut_ioctl(self->ctl, URPT_CTL_DETACH, &d));
}

/* ---- ATTACH errors ------------------------------------------------------- */

TEST_F(ctl, attach_bad_flags_rsvd_einval)
{
	static const uint32_t bad_flags[] = {
		1u << 2, 1u << 31, URPT_ATTACH_FLAGS_ALL | 1u << 7, ~0u,
	};
	struct urpt_ctl_attach a;
	size_t i;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		memset(&a, 0, sizeof(a));
		a.path = (uint64_t)(uintptr_t)self->bdev;
		a.flags = bad_flags[i];
		EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_ATTACH, &a)) {
			TH_LOG("flags %#x", bad_flags[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(a.rsvd); i++) {
		memset(&a, 0, sizeof(a));
		a.path = (uint64_t)(uintptr_t)self->bdev;
		a.rsvd[i] = 1;
		EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_ATTACH, &a)) {
			TH_LOG("rsvd[%zu] = 1", i);
		}
	}
	EXPECT_EQ(self->nbefore, ut_list_count());
}

TEST_F(ctl, attach_bad_pointer_efault)
{
	struct urpt_ctl_attach a = { 0 };
	void *hole;

	NEED_SETUP();
	hole = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole, 4096));

	a.path = 0;
	EXPECT_EQ(-EFAULT, ut_ioctl(self->ctl, URPT_CTL_ATTACH, &a));
	a.path = (uint64_t)(uintptr_t)hole;
	EXPECT_EQ(-EFAULT, ut_ioctl(self->ctl, URPT_CTL_ATTACH, &a));
	/* The argument itself unreadable. */
	EXPECT_EQ(-EFAULT, ut_ioctl(self->ctl, URPT_CTL_ATTACH, hole));
	EXPECT_EQ(self->nbefore, ut_list_count());
}

TEST_F(ctl, attach_missing_path_enoent)
{
	NEED_SETUP();
	EXPECT_EQ(-ENOENT, attach_raw(self->ctl, "/nonexistent/urpt-disk", 0,
				      NULL));
	EXPECT_EQ(-ENOENT, attach_raw(self->ctl, "/dev/urpt-no-such-disk", 0,
				      NULL));
	EXPECT_EQ(self->nbefore, ut_list_count());
}

TEST_F(ctl, attach_not_block_device_enotblk)
{
	static const char *const dirs[] = { "/tmp", "/dev", "/run" };
	char file[64];
	bool regular = false;
	size_t i;
	int fd;

	NEED_SETUP();
	/* Character devices. */
	EXPECT_EQ(-ENOTBLK, attach_raw(self->ctl, "/dev/null", 0, NULL));
	EXPECT_EQ(-ENOTBLK, attach_raw(self->ctl, UT_CONTROL_PATH, 0, NULL));
	/* A directory. */
	EXPECT_EQ(-ENOTBLK, attach_raw(self->ctl, "/", 0, NULL));
	/* A regular file, in the first writable directory. */
	for (i = 0; i < ARRAY_SIZE(dirs) && !regular; i++) {
		snprintf(file, sizeof(file), "%s/urpt-ctl-test.XXXXXX",
			 dirs[i]);
		fd = mkstemp(file);
		if (fd < 0)
			continue;
		regular = write(fd, self->before, 4096) == 4096;
		close(fd);
		if (regular) {
			EXPECT_EQ(-ENOTBLK, attach_raw(self->ctl, file, 0,
						       NULL)) {
				TH_LOG("regular file %s", file);
			}
		}
		unlink(file);
	}
	if (ut_exists("/proc/self/exe")) {
		EXPECT_EQ(-ENOTBLK, attach_raw(self->ctl, "/proc/self/exe", 0,
					       NULL));
		regular = true;
	}
	EXPECT_TRUE(regular) {
		TH_LOG("no regular file could be made or found to try");
	}
	EXPECT_EQ(self->nbefore, ut_list_count());
}

TEST_F(ctl, attach_twice_ebusy)
{
	uint32_t index;

	NEED_SETUP();
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, 0, &index));
	EXPECT_EQ(-EBUSY, attach_raw(self->ctl, self->bdev, 0, NULL));
	EXPECT_EQ(-EBUSY, attach_raw(self->ctl, self->bdev,
				     URPT_ATTACH_READ_ONLY, NULL));
	EXPECT_EQ(self->nbefore + 1, ut_list_count());
	ASSERT_EQ(0, ut_ctl_detach_raw(self->ctl, index));
	/* Detach released the claim. */
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, 0, &index));
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, index));
}

TEST_F(ctl, attach_while_opened_excl_ebusy)
{
	uint32_t index;
	int fd;

	NEED_SETUP();
	fd = open(self->bdev, O_RDWR | O_EXCL | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("open %s O_EXCL: %s", self->bdev, strerror(errno));
	}
	EXPECT_EQ(-EBUSY, attach_raw(self->ctl, self->bdev, 0, NULL));
	EXPECT_EQ(self->nbefore, ut_list_count());
	close(fd);
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, 0, &index));
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, index));
}

/* ---- SHARED and READ_ONLY ------------------------------------------------ */

TEST_F(ctl, attach_shared_twice)
{
	struct urpt_result res;
	struct urpt_dev da, db;
	struct urpt_info ia, ib;
	struct urpt_ctl_entry e;
	uint32_t a, b, lbs;
	char pa[64], pb[64];
	uint64_t off;
	void *w, *r;
	int ret;

	NEED_SETUP();
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, URPT_ATTACH_SHARED,
				&a));
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, URPT_ATTACH_SHARED,
				&b));
	EXPECT_NE(a, b);
	EXPECT_EQ(self->nbefore + 2, ut_list_count());
	ASSERT_TRUE(find_entry(a, &e));
	EXPECT_EQ((uint32_t)URPT_ATTACH_SHARED, e.flags);
	ASSERT_TRUE(find_entry(b, &e));
	EXPECT_EQ((uint32_t)URPT_ATTACH_SHARED, e.flags);

	/* Both nodes reach the same disk: write via one, read via other. */
	ut_node_path(pa, sizeof(pa), a);
	ut_node_path(pb, sizeof(pb), b);
	ret = urpt_dev_open(&da, pa, O_RDWR);
	ASSERT_LE(0, ret);
	ret = urpt_dev_open(&db, pb, O_RDWR);
	ASSERT_LE(0, ret);
	ASSERT_LE(0, urpt_info(&da, &ia, NULL));
	ASSERT_LE(0, urpt_info(&db, &ib, NULL));
	EXPECT_STREQ(self->name, ia.disk_name);
	EXPECT_STREQ(self->name, ib.disk_name);
	EXPECT_EQ(ia.capacity, ib.capacity);

	lbs = ia.logical_block_size;
	off = ia.capacity / 2 / lbs * lbs;
	w = ut_alloc(4 * lbs);
	r = ut_alloc(4 * lbs);
	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, r);
	ut_fill(w, 4 * lbs, ut_seed() + 7);
	ASSERT_LE(0, urpt_write(&da, w, 4 * lbs, off, &res));
	EXPECT_EQ((int32_t)(4 * lbs), res.res);
	ASSERT_LE(0, urpt_read(&db, r, 4 * lbs, off, &res));
	EXPECT_EQ((int32_t)(4 * lbs), res.res);
	EXPECT_EQ(-1, ut_first_diff(w, r, 4 * lbs));
	urpt_dev_close(&da);
	urpt_dev_close(&db);
	free(w);
	free(r);

	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, a));
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, b));
	EXPECT_FALSE(node_exists(a));
	EXPECT_FALSE(node_exists(b));
}

TEST_F(ctl, attach_read_only)
{
	struct urpt_ctl_entry e;
	struct urpt_result res;
	struct urpt_info info;
	struct urpt_dev dev;
	struct ut_cqe c;
	uint32_t index, lbs = self->geo.lbs;
	void *a, *b;
	char path[64];
	int fd, dfd, ret;

	NEED_SETUP();
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, URPT_ATTACH_READ_ONLY,
				&index));
	ASSERT_TRUE(find_entry(index, &e));
	EXPECT_EQ((uint32_t)URPT_ATTACH_READ_ONLY, e.flags);
	ut_node_path(path, sizeof(path), index);

	fd = open(path, O_RDWR | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EROFS, errno);
	if (fd >= 0)
		close(fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EROFS, errno);
	if (fd >= 0)
		close(fd);

	ret = urpt_dev_open(&dev, path, O_RDONLY);
	ASSERT_LE(0, ret) {
		TH_LOG("open %s O_RDONLY: %s", path, strerror(-ret));
	}
	ASSERT_LE(0, urpt_info(&dev, &info, NULL));
	EXPECT_NE(0ULL, info.features & URPT_FEAT_READ_ONLY);

	/* Reads work and see what the disk holds. */
	a = ut_alloc(8 * lbs);
	b = ut_alloc(8 * lbs);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	dfd = open(self->bdev, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ut_fill(b, 8 * lbs, ut_seed() + 9);
	ASSERT_EQ(0, ut_pwrite_full(dfd, b, 8 * lbs, 64 * (uint64_t)lbs));
	ASSERT_LE(0, urpt_read(&dev, a, 8 * lbs, 64 * (uint64_t)lbs, &res));
	EXPECT_EQ((int32_t)(8 * lbs), res.res);
	EXPECT_EQ(-1, ut_first_diff(a, b, 8 * lbs));

	/* A write is refused before reaching the disk. */
	ASSERT_NE(NULL, ut_prep(&dev.ring, dev.fd, URPT_CMD_WRITE, a, lbs,
				64 * (uint64_t)lbs));
	ASSERT_EQ(0, ut_submit_one(&dev.ring, &c));
	EXPECT_EQ(-EBADF, c.res);

	close(dfd);
	free(a);
	free(b);
	urpt_dev_close(&dev);
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, index));
}

/* ---- DETACH errors ------------------------------------------------------- */

TEST_F(ctl, detach_unknown_index_enodev)
{
	int free_index;

	NEED_SETUP();
	free_index = ut_lowest_free_index();
	ASSERT_LE(0, free_index);
	EXPECT_EQ(-ENODEV, ut_ctl_detach_raw(self->ctl, free_index));
	EXPECT_EQ(-ENODEV, ut_ctl_detach_raw(self->ctl, UT_MAX_ENTRIES));
	EXPECT_EQ(-ENODEV, ut_ctl_detach_raw(self->ctl, UINT32_MAX));
}

TEST_F(ctl, detach_bad_flags_rsvd_einval)
{
	struct urpt_ctl_detach d;
	uint32_t index;
	size_t i;

	NEED_SETUP();
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, 0, &index));

	memset(&d, 0, sizeof(d));
	d.index = index;
	d.flags = 1;
	EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_DETACH, &d));
	d.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_DETACH, &d));
	for (i = 0; i < ARRAY_SIZE(d.rsvd); i++) {
		memset(&d, 0, sizeof(d));
		d.index = index;
		d.rsvd[i] = 1;
		EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_DETACH, &d)) {
			TH_LOG("rsvd[%zu] = 1", i);
		}
	}
	EXPECT_TRUE(find_entry(index, NULL));
	EXPECT_TRUE(node_exists(index));
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, index));
}

/* ---- LIST ---------------------------------------------------------------- */

TEST_F(ctl, list_counts_and_fills)
{
	struct urpt_ctl_entry ents[UT_MAX_ENTRIES];
	struct urpt_ctl_list l;
	uint32_t a, b, total;
	bool found_a = false, found_b = false;
	size_t i;

	NEED_SETUP();
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev, URPT_ATTACH_SHARED,
				&a));
	ASSERT_EQ(0, attach_raw(self->ctl, self->bdev,
				URPT_ATTACH_SHARED | URPT_ATTACH_READ_ONLY,
				&b));
	total = self->nbefore + 2;

	/* NULL entries with room 0 asks for the count. */
	memset(&l, 0, sizeof(l));
	ASSERT_EQ(0, ut_ioctl(self->ctl, URPT_CTL_LIST, &l));
	EXPECT_EQ(total, l.count);

	/* Room for all. */
	memset(ents, 0xa5, sizeof(ents));
	memset(&l, 0, sizeof(l));
	l.entries = (uint64_t)(uintptr_t)ents;
	l.count = UT_MAX_ENTRIES;
	ASSERT_EQ(0, ut_ioctl(self->ctl, URPT_CTL_LIST, &l));
	ASSERT_EQ(total, l.count);
	for (i = 0; i < total; i++) {
		struct urpt_ctl_entry *e = &ents[i];

		if (e->index != a && e->index != b)
			continue;
		EXPECT_EQ(self->geo.capacity, e->capacity);
		EXPECT_STREQ(self->name, e->disk_name);
		if (e->index == a) {
			found_a = true;
			EXPECT_EQ((uint32_t)URPT_ATTACH_SHARED, e->flags);
		} else {
			found_b = true;
			EXPECT_EQ((uint32_t)(URPT_ATTACH_SHARED |
					     URPT_ATTACH_READ_ONLY), e->flags);
		}
	}
	EXPECT_TRUE(found_a);
	EXPECT_TRUE(found_b);
	/* Nothing written past the attached entries. */
	EXPECT_EQ(0xa5a5a5a5u, ents[total].index);

	/* Room for one: one entry filled, count says how many exist. */
	memset(ents, 0xa5, sizeof(ents));
	memset(&l, 0, sizeof(l));
	l.entries = (uint64_t)(uintptr_t)ents;
	l.count = 1;
	ASSERT_EQ(0, ut_ioctl(self->ctl, URPT_CTL_LIST, &l));
	EXPECT_EQ(total, l.count);
	EXPECT_TRUE(find_entry(ents[0].index, NULL));
	EXPECT_NE(0xa5a5a5a5u, ents[0].index);
	EXPECT_EQ(0xa5a5a5a5u, ents[1].index);
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, ents[1].capacity);

	/* Reserved fields. */
	memset(&l, 0, sizeof(l));
	l.rsvd0 = 1;
	EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_LIST, &l));
	for (i = 0; i < ARRAY_SIZE(l.rsvd); i++) {
		memset(&l, 0, sizeof(l));
		l.rsvd[i] = 1;
		EXPECT_EQ(-EINVAL, ut_ioctl(self->ctl, URPT_CTL_LIST, &l)) {
			TH_LOG("rsvd[%zu] = 1", i);
		}
	}

	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, a));
	EXPECT_EQ(0, ut_ctl_detach_raw(self->ctl, b));
	EXPECT_EQ(self->nbefore, ut_list_count());
}

TEST_HARNESS_MAIN
