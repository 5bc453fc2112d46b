// SPDX-License-Identifier: GPL-2.0
/*
 * The synchronous helpers without urpt.ko: a regular file has no
 * uring_cmd, so every command must travel the whole path (SQE, submit,
 * CQE32, decode) and come back -EOPNOTSUPP. Skipped where the kernel has
 * no io_uring with big entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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
	close(fd);
	ret = urpt_dev_open(&dev, path, O_RDWR);
	unlink(path);
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

void test_sync(void)
{
	test_open_missing();
	test_ctl_missing();
	test_commands_on_regular_file();
}
