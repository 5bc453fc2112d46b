// SPDX-License-Identifier: GPL-2.0
/*
 * The synchronous helpers without urpt.ko: a regular file has no
 * uring_cmd, so every command must travel the whole path (SQE, submit,
 * CQE32, decode) and come back -EOPNOTSUPP; /dev/null completes every
 * uring_cmd with 0 (since Linux 6.0), a short completion of every read
 * and write. urpt_dev_open() refuses both (urpt_dev_check()), so the
 * node is set up by hand here. Skipped where the kernel has no io_uring
 * with big entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburpt.h>
#include "tap.h"

static void test_open_missing(void)
{
	struct urpt_dev dev;
	int ret = urpt_dev_open(&dev, "/nonexistent/urpt0", O_RDONLY);
	bool ok = EXPECT(ret == -ENOENT);

	ok &= EXPECT(dev.fd < 0);
	urpt_dev_close(&dev);	/* harmless after a failed open */
	tap_result(ok, "sync: urpt_dev_open() of a missing node returns -ENOENT");
}

static void test_ctl_missing(void)
{
	bool ok = true;

	/* Only meaningful where urpt.ko is absent, like on a build host. */
	if (!access(URPT_CONTROL_PATH, F_OK)) {
		tap_skip("urpt.ko is loaded",
			 "sync: control helpers fail cleanly without the node");
		return;
	}
	ok &= EXPECT(urpt_ctl_open() == -ENOENT);
	ok &= EXPECT(urpt_ctl_detach(0) == -ENOENT);
	ok &= EXPECT(urpt_ctl_list(NULL, 0) == -ENOENT);
	tap_result(ok, "sync: control helpers fail cleanly without the node");
}

/* A struct urpt_dev on any file, as urpt_dev_open() would make it. */
static int dev_on(struct urpt_dev *dev, int fd)
{
	int ret = urpt_queue_init(4, &dev->ring, 0);

	if (ret < 0) {
		close(fd);
		dev->fd = -1;
		return ret;
	}
	dev->fd = fd;
	return 0;
}

static void test_commands_on_regular_file(void)
{
	char path[] = "/tmp/urpt-unit-XXXXXX";
	struct urpt_result r = { .res = 1, .bios = 7 };
	struct urpt_info info;
	struct urpt_dev dev;
	static char buf[4096] __attribute__((aligned(4096)));
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	bool ok = true;
	int fd, ret;

	fd = mkstemp(path);
	if (fd < 0) {
		tap_skip("mkstemp failed", "sync: commands on a regular file");
		return;
	}
	ok &= EXPECT(urpt_dev_open(&dev, path, O_RDWR) == -ENOTTY);
	ok &= EXPECT(dev.fd == -1);
	unlink(path);
	ret = dev_on(&dev, fd);
	if (ret < 0) {
		tap_skip("no io_uring with SQE128/CQE32 here",
			 "sync: commands on a regular file");
		return;
	}
	ok &= EXPECT(urpt_info(&dev, &info, &r) == -EOPNOTSUPP);
	ok &= EXPECT(r.res == -EOPNOTSUPP && r.bios == 0 && r.driver_ns == 0);
	ok &= EXPECT(urpt_read(&dev, buf, sizeof(buf), 0, NULL) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_write(&dev, buf, sizeof(buf), 0, &r) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_flush(&dev, &r) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_read_flags(&dev, buf, sizeof(buf), 0, URPT_F_BOUNCE,
				     &r) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_write_flags(&dev, buf, sizeof(buf), 0, URPT_F_FUA,
				      &r) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_readv(&dev, &iov, 1, 0, 0, &r) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_writev(&dev, &iov, 1, 0, URPT_F_FUA, &r) ==
		     -EOPNOTSUPP);
	ok &= EXPECT(urpt_discard(&dev, 4096, 0, &r) == -EOPNOTSUPP);
	ok &= EXPECT(urpt_write_zeroes(&dev, 4096, 0, URPT_F_NOUNMAP, NULL) ==
		     -EOPNOTSUPP);
	ok &= EXPECT(r.res == -EOPNOTSUPP && r.bios == 0);
	urpt_dev_close(&dev);
	ok &= EXPECT(dev.fd == -1);
	tap_result(ok, "sync: every command on a regular file completes with -EOPNOTSUPP");
}

/*
 * /dev/null's uring_cmd answers 0 bytes: INFO and every read and write
 * come back -EPROTO, their struct urpt_result still saying res 0.
 */
static void test_short_completions(void)
{
	const char *name = "sync: a completion short of the length is -EPROTO "
			   "(INFO, read, write, readv, writev on /dev/null)";
	static char buf[8192] __attribute__((aligned(4096)));
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = 4096 },
		{ .iov_base = buf + 4096, .iov_len = 4096 },
	};
	struct urpt_result r;
	struct urpt_info info;
	struct urpt_dev dev;
	bool ok;
	int fd, ret;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dev_on(&dev, fd) < 0) {
		tap_skip("no /dev/null or no io_uring with SQE128/CQE32",
			 "%s", name);
		return;
	}
	memset(&r, 0xff, sizeof(r));
	ret = urpt_info(&dev, &info, &r);
	if (ret == -EOPNOTSUPP) {
		tap_skip("/dev/null has no uring_cmd before Linux 6.0", "%s",
			 name);
		urpt_dev_close(&dev);
		return;
	}
	ok = EXPECT(ret == -EPROTO);
	ok &= EXPECT(r.res == 0 && r.bios == 0);
	ok &= EXPECT(info.capacity == 0);
	ok &= EXPECT(urpt_read(&dev, buf, 4096, 0, &r) == -EPROTO);
	ok &= EXPECT(r.res == 0);
	ok &= EXPECT(urpt_write(&dev, buf, 4096, 0, NULL) == -EPROTO);
	ok &= EXPECT(urpt_read_flags(&dev, buf, 512, 0, URPT_F_BOUNCE, &r) ==
		     -EPROTO);
	ok &= EXPECT(urpt_write_flags(&dev, buf, 512, 0, URPT_F_FUA, &r) ==
		     -EPROTO);
	ok &= EXPECT(urpt_readv(&dev, iov, 2, 0, 0, &r) == -EPROTO);
	ok &= EXPECT(urpt_writev(&dev, iov, 2, 0, 0, &r) == -EPROTO);
	/* Zero bytes are what FLUSH moves. */
	ok &= EXPECT(urpt_flush(&dev, &r) == 0 && r.res == 0);
	urpt_dev_close(&dev);
	tap_result(ok, "%s", name);
}

void test_sync(void)
{
	test_open_missing();
	test_ctl_missing();
	test_commands_on_regular_file();
	test_short_completions();
}
