// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: module load and unload -- refused while a node is open,
 * detaching every disk on unload, the attach= load parameter.
 *
 * Run once (not per disk), as root:
 *   URPT_KO=/lib/urpt.ko URPT_BDEV=/dev/<disk> urpt_module_test
 * Without URPT_KO every test SKIPs. Each test leaves urpt loaded without
 * parameters and with nothing of its own attached, as it found it.
 */
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define MODULE_NAME	"urpt"
#define SYS_MODULE	"/sys/module/" MODULE_NAME

static bool module_loaded(void)
{
	return ut_exists(SYS_MODULE);
}

/* 0 or -errno, like the other helpers. */
static int unload(void)
{
	return syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) ? -errno : 0;
}

static int load(const char *ko, const char *params)
{
	int fd, ret = 0;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		ret = -errno;
	close(fd);
	return ret;
}

/* Loaded with attach= set to something? */
static bool loaded_with_attach(void)
{
	char text[256];

	if (ut_read_text(SYS_MODULE "/parameters/attach", text,
			 sizeof(text)) <= 0)
		return false;
	return strcmp(text, "(null)\n") && strcmp(text, "\n");
}

FIXTURE(mod) {
	bool skip;
	const char *ko;
	const char *bdev;
	const char *name;
	struct ut_geometry geo;
};

FIXTURE_SETUP(mod)
{
	int ret;

	self->ko = getenv("URPT_KO");
	self->bdev = ut_bdev();
	if (!self->ko || !*self->ko) {
		self->skip = true;
		SKIP(return, "URPT_KO is not set");
	}
	if (!self->bdev) {
		self->skip = true;
		SKIP(return, "URPT_BDEV is not set");
	}
	self->name = ut_basename(self->bdev);
	ASSERT_TRUE(ut_exists(self->ko)) {
		TH_LOG("URPT_KO=%s: no such file", self->ko);
	}
	ASSERT_EQ(0, ut_bdev_geometry(self->bdev, &self->geo));
	if (!module_loaded()) {
		ret = load(self->ko, "");
		ASSERT_EQ(0, ret) {
			TH_LOG("load %s: %s", self->ko, strerror(-ret));
		}
	}
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH));
	ret = ut_detach_leftovers(self->name);
	ASSERT_LE(0, ret);
	if (ret)
		TH_LOG("detached %d leftover attachment(s) of %s", ret,
		       self->name);
}

/* Back to: loaded, no parameters, nothing of ours attached. */
FIXTURE_TEARDOWN(mod)
{
	int ret;

	if (self->skip)
		return;
	if (module_loaded() && loaded_with_attach()) {
		ret = unload();
		EXPECT_EQ(0, ret) {
			TH_LOG("unload in teardown: %s", strerror(-ret));
		}
	}
	if (!module_loaded()) {
		ret = load(self->ko, "");
		EXPECT_EQ(0, ret) {
			TH_LOG("reload in teardown: %s", strerror(-ret));
		}
	}
	if (module_loaded())
		ut_detach_leftovers(self->name);
}

TEST_F(mod, unload_refused_while_node_open)
{
	struct urpt_ctl_entry e[UT_MAX_ENTRIES];
	char path[64];
	uint32_t index;
	int fd, n;

	NEED_SETUP();
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, 0, &index));
	ut_node_path(path, sizeof(path), index);
	fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		urpt_ctl_detach(index);
	}

	/* An open node holds the module. */
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_TRUE(module_loaded());
	EXPECT_TRUE(ut_exists(UT_CONTROL_PATH));
	EXPECT_TRUE(ut_exists(path));
	n = ut_list_all(e);
	EXPECT_TRUE(n > 0 && ut_listed(e, n, index));

	/* Even after DETACH, while the fd stays open. */
	EXPECT_EQ(0, urpt_ctl_detach(index));
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_TRUE(module_loaded());
	close(fd);
}

TEST_F(mod, unload_with_disk_attached)
{
	char path[64];
	uint32_t index;
	int ret, fd;

	NEED_SETUP();
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, 0, &index));
	ut_node_path(path, sizeof(path), index);
	ASSERT_TRUE(ut_exists(path));

	/* No fd open anywhere: unloading detaches the disk. */
	ret = unload();
	ASSERT_EQ(0, ret) {
		TH_LOG("unload with %s attached: %s", self->bdev,
		       strerror(-ret));
		urpt_ctl_detach(index);
	}
	EXPECT_FALSE(module_loaded());
	EXPECT_FALSE(ut_exists(UT_CONTROL_PATH));
	EXPECT_FALSE(ut_exists(path));
	EXPECT_FALSE(ut_exists("/sys/class/urpt"));

	/* The exclusive claim went with it. */
	fd = open(self->bdev, O_RDWR | O_EXCL | O_CLOEXEC);
	EXPECT_LE(0, fd) {
		TH_LOG("open %s O_EXCL after unload: %s", self->bdev,
		       strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	/* teardown reloads */
}

TEST_F(mod, load_with_attach_param)
{
	struct urpt_ctl_entry e[UT_MAX_ENTRIES];
	char params[PATH_MAX + 16], text[64], want[64];
	uint32_t index;
	int ret, n;

	NEED_SETUP();
	ret = unload();
	ASSERT_EQ(0, ret) {
		TH_LOG("unload: %s", strerror(-ret));
	}
	snprintf(params, sizeof(params), "attach=%s", self->bdev);
	ret = load(self->ko, params);
	ASSERT_EQ(0, ret) {
		TH_LOG("load %s %s: %s", self->ko, params, strerror(-ret));
	}
	EXPECT_TRUE(ut_exists(UT_CONTROL_PATH));
	EXPECT_TRUE(ut_exists("/dev/urpt0"));

	n = ut_list_all(e);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0u, e[0].index);
	EXPECT_EQ(0u, e[0].flags);
	EXPECT_EQ(self->geo.capacity, e[0].capacity);
	EXPECT_STREQ(self->name, e[0].disk_name);

	ASSERT_LT(0, ut_read_text("/sys/class/urpt/urpt0/backing", text,
				  sizeof(text)));
	snprintf(want, sizeof(want), "%s\n", self->name);
	EXPECT_STREQ(want, text);

	/* Attached exclusively, like ATTACH with no flags. */
	EXPECT_EQ(-EBUSY, urpt_ctl_attach(self->bdev, 0, &index));
	/* teardown unloads and reloads without parameters */
}

TEST_F(mod, load_attach_missing_disk_enoent)
{
	char params[PATH_MAX + 32];
	int ret, fd;

	NEED_SETUP();
	ret = unload();
	ASSERT_EQ(0, ret) {
		TH_LOG("unload: %s", strerror(-ret));
	}
	EXPECT_EQ(-ENOENT, load(self->ko, "attach=/nonexistent"));
	EXPECT_FALSE(module_loaded());
	EXPECT_FALSE(ut_exists(UT_CONTROL_PATH));
	/* One missing disk fails the load even after a good one... */
	snprintf(params, sizeof(params), "attach=%s,/nonexistent", self->bdev);
	EXPECT_EQ(-ENOENT, load(self->ko, params));
	EXPECT_FALSE(module_loaded());
	EXPECT_FALSE(ut_exists("/dev/urpt0"));
	/* ...and the good one is not left claimed. */
	fd = open(self->bdev, O_RDWR | O_EXCL | O_CLOEXEC);
	EXPECT_LE(0, fd) {
		TH_LOG("open %s O_EXCL after the failed load: %s", self->bdev,
		       strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	/* teardown reloads */
}

/* Last: whatever happened above, urpt is back as it was found. */
TEST_F(mod, left_loaded_without_params)
{
	NEED_SETUP();
	EXPECT_TRUE(module_loaded());
	EXPECT_FALSE(loaded_with_attach());
	EXPECT_TRUE(ut_exists(UT_CONTROL_PATH));
}

TEST_HARNESS_MAIN
