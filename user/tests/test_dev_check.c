// SPDX-License-Identifier: GPL-2.0
/*
 * urpt_dev_check() against a fake sysfs tree (urpt__dev_check_at), on
 * real files: /dev/null stands for a character device of whatever class
 * the tree gives its number, and a regular file, a directory, a pipe and
 * (where one is there) a block device are never urpt nodes. Also the
 * short-completion rule of the synchronous helpers (urpt__res_want).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <liburpt.h>
#include "urpt_internal.h"
#include "fake_tree.h"
#include "tap.h"

static char sysroot[64];

/*
 * Give the character device st_rdev the class name in the fake tree, as
 * sysfs does: dev/char/M:m/subsystem links to class/<name>. NULL: no
 * entry for it at all.
 */
static bool set_class(dev_t rdev, const char *name)
{
	char dir[PATH_MAX], link[PATH_MAX + 16], target[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/dev/char/%u:%u", sysroot, major(rdev),
		 minor(rdev));
	snprintf(link, sizeof(link), "%s/subsystem", dir);
	unlink(link);
	if (!name) {
		rmdir(dir);
		return access(dir, F_OK) && errno == ENOENT;
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return false;
	snprintf(target, sizeof(target), "../../../class/%s", name);
	return !symlink(target, link);
}

/* /dev/null as a urpt node, a misc device, itself, and unknown to sysfs. */
static void test_char_classes(void)
{
	const char *name = "dev check: a character device by its sysfs class";
	struct stat st;
	bool ok;
	int fd;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		tap_skip("no /dev/null character device", "%s", name);
		if (fd >= 0)
			close(fd);
		return;
	}
	ok = EXPECT(set_class(st.st_rdev, "urpt"));
	ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == 0);
	ok &= EXPECT(set_class(st.st_rdev, "misc"));
	ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
	ok &= EXPECT(set_class(st.st_rdev, "mem"));
	ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
	/* A class whose name only starts or ends like urpt's. */
	ok &= EXPECT(set_class(st.st_rdev, "urpt-control"));
	ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
	ok &= EXPECT(set_class(st.st_rdev, "xurpt"));
	ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
	ok &= EXPECT(set_class(st.st_rdev, NULL));
	ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENODEV);
	ok &= EXPECT(urpt__dev_check_at("/nonexistent", fd) == -ENODEV);
	close(fd);
	tap_result(ok, "%s: urpt 0, misc and mem -ENOTTY, no entry -ENODEV",
		   name);
}

/* What is no character device is never a urpt node, whatever sysfs says. */
static void test_not_char(void)
{
	char path[] = "/tmp/urpt-devcheck-file.XXXXXX";
	const char *blocks[] = { "/dev/loop0", "/dev/vda", "/dev/sda",
				 "/dev/nvme0n1", "/dev/ram0" };
	struct stat st;
	int fd, pipefd[2];
	size_t i;
	bool ok;

	fd = mkstemp(path);
	ok = EXPECT(fd >= 0);
	if (fd >= 0) {
		ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
		close(fd);
		unlink(path);
	}
	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok &= EXPECT(fd >= 0);
	if (fd >= 0) {
		ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
		close(fd);
	}
	ok &= EXPECT(!pipe(pipefd));
	ok &= EXPECT(urpt__dev_check_at(sysroot, pipefd[0]) == -ENOTTY);
	ok &= EXPECT(urpt__dev_check_at(sysroot, pipefd[1]) == -ENOTTY);
	close(pipefd[0]);
	close(pipefd[1]);
	/* Closed now: fstat()'s error. */
	ok &= EXPECT(urpt__dev_check_at(sysroot, pipefd[0]) == -EBADF);
	ok &= EXPECT(urpt_dev_check(-1) == -EBADF);
	tap_result(ok, "dev check: a regular file, a directory and a pipe are -ENOTTY, a closed fd -EBADF");

	/* O_PATH needs no permission to open the device, nor opens it. */
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		if (stat(blocks[i], &st) || !S_ISBLK(st.st_mode))
			continue;
		fd = open(blocks[i], O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Even a char entry of the same number says nothing. */
		ok = EXPECT(set_class(st.st_rdev, "urpt"));
		ok &= EXPECT(urpt__dev_check_at(sysroot, fd) == -ENOTTY);
		set_class(st.st_rdev, NULL);
		close(fd);
		tap_result(ok, "dev check: the block device %s is -ENOTTY",
			   blocks[i]);
		return;
	}
	tap_skip("no block device here", "dev check: a block device is -ENOTTY");
}

/* The real sysfs: /dev/null is a mem device, on a host without urpt.ko. */
static void test_real_sysfs(void)
{
	const char *name = "dev check: /dev/null on the real /sys is -ENOTTY, "
			   "and urpt_dev_open() refuses it";
	struct urpt_dev dev;
	struct stat st;
	char path[64];
	bool ok;
	int fd;

	if (stat("/dev/null", &st) || !S_ISCHR(st.st_mode)) {
		tap_skip("no /dev/null character device", "%s", name);
		return;
	}
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	if (access(path, F_OK)) {
		tap_skip("no sysfs at /sys", "%s", name);
		return;
	}
	fd = open("/dev/null", O_PATH | O_CLOEXEC);
	ok = EXPECT(fd >= 0 && urpt_dev_check(fd) == -ENOTTY);
	if (fd >= 0)
		close(fd);
	ok &= EXPECT(urpt_dev_open(&dev, "/dev/null", O_RDONLY) == -ENOTTY);
	ok &= EXPECT(dev.fd == -1);
	urpt_dev_close(&dev);
	ok &= EXPECT(urpt_dev_open(&dev, "/tmp", O_RDONLY) == -ENOTTY);
	tap_result(ok, "%s", name);
}

static void test_res_want(void)
{
	bool ok;

	ok = EXPECT(urpt__res_want(4096, 4096) == 4096);
	ok &= EXPECT(urpt__res_want(0, 0) == 0);
	ok &= EXPECT(urpt__res_want(0, 4096) == -EPROTO);
	ok &= EXPECT(urpt__res_want(4095, 4096) == -EPROTO);
	ok &= EXPECT(urpt__res_want(-EIO, 4096) == -EIO);
	ok &= EXPECT(urpt__res_want(-EINVAL, 0) == -EINVAL);
	ok &= EXPECT(urpt__res_want(INT32_MAX, 1ULL << 32) == -EPROTO);
	ok &= EXPECT(urpt__res_want(135, URPT_INFO_SIZE_V1) == -EPROTO);
	ok &= EXPECT(urpt__res_want(URPT_INFO_SIZE_V1, URPT_INFO_SIZE_V1) ==
		     URPT_INFO_SIZE_V1);
	/* A later module's larger struct urpt_info is no short INFO. */
	ok &= EXPECT(urpt__res_want(200, URPT_INFO_SIZE_V1) == 200);
	tap_result(ok, "dev check: a success of fewer bytes than asked is -EPROTO, errors pass through");
}

static void test_strerror_new(void)
{
	bool ok;

	ok = EXPECT(!strcmp(urpt_strerror(URPT_CMD_READ, -ENOTTY),
			    "not a urpt node"));
	ok &= EXPECT(strstr(urpt_strerror(URPT_CMD_INFO, -EPROTO),
			    "struct urpt_info") != NULL);
	ok &= EXPECT(strstr(urpt_strerror(URPT_CMD_WRITEV, EPROTO),
			    "fewer bytes than asked") != NULL);
	ok &= EXPECT(!strcmp(urpt_strerror(URPT_CMD_FLUSH, -EPROTO),
			     "Protocol error"));
	tap_result(ok, "dev check: urpt_strerror() of -ENOTTY and -EPROTO");
}

void test_dev_check(void)
{
	if (!fake_tree_create(sysroot, sizeof(sysroot), "urpt-devcheck") ||
	    !fake_tree_mkdirs(sysroot, "dev/char")) {
		tap_diag("fake sysfs under %s: %s", sysroot, strerror(errno));
		tap_skip("could not build a sysfs tree under /tmp",
			 "dev check: a character device by its sysfs class");
	} else {
		test_char_classes();
		test_not_char();
	}
	fake_tree_remove(sysroot);
	test_real_sysfs();
	test_res_want();
	test_strerror_new();
}
