// SPDX-License-Identifier: MIT
/*
 * Whether an open file is a urpt data node: a character device that
 * sysfs lists in class "urpt". The major number alone would not do: it is
 * allocated when urpt.ko loads, and the control node is a misc device.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <liburpt.h>
#include "urpt_internal.h"

int urpt__dev_check_at(const char *sysfs_root, int fd)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *class;
	struct stat st;
	ssize_t n;
	int len;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	len = snprintf(path, sizeof(path), "%s/dev/char/%u:%u/subsystem",
		       sysfs_root, major(st.st_rdev), minor(st.st_rdev));
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENODEV;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -ENODEV;
	target[n] = '\0';
	class = strrchr(target, '/');
	class = class ? class + 1 : target;
	return strcmp(class, URPT_CLASS_NAME) ? -ENOTTY : 0;
}

int urpt_dev_check(int fd)
{
	return urpt__dev_check_at(URPT_SYSFS_ROOT, fd);
}
