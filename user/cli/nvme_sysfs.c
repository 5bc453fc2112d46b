// SPDX-License-Identifier: GPL-2.0
/* The disk behind a urpt node, and its NVMe namespace, from sysfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nvme_sysfs.h"

/* The first line of a sysfs attribute, without its newline. */
static int read_attr(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* snprintf() into a path buffer; -ENAMETOOLONG when it does not fit. */
static int __attribute__((format(printf, 3, 4)))
make_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

/* A name that stays one path component. */
static bool plain_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int cli_urpt_backing(const char *sysroot, unsigned int major,
		     unsigned int minor, char *disk, size_t size)
{
	char path[PATH_MAX];
	int ret;

	ret = make_path(path, sizeof(path), "%s/dev/char/%u:%u/backing",
			sysroot, major, minor);
	if (ret)
		return ret;
	ret = read_attr(path, disk, size);
	if (ret)
		return ret;
	return plain_name(disk) ? 0 : -EINVAL;
}

/* One or more decimal digits at *s; moves *s past them. */
static bool skip_digits(const char **s)
{
	const char *p = *s;

	while (**s >= '0' && **s <= '9')
		(*s)++;
	return *s != p;
}

bool cli_nvme_is_ns_name(const char *name)
{
	if (strncmp(name, "nvme", 4))
		return false;
	name += 4;
	if (!skip_digits(&name) || *name++ != 'n')
		return false;
	return skip_digits(&name) && !*name;
}

/* The last component of the link at path, in buf. */
static int link_base(const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return make_path(buf, size, "%s", base);
}

/* The whole disk of a partition: the directory its sysfs one is in. */
static int whole_disk(const char *dir, char *whole, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *base;
	int ret;

	ret = make_path(path, sizeof(path), "%s/..", dir);
	if (ret)
		return ret;
	if (!realpath(path, real))
		return -errno;
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	return make_path(whole, size, "%s", base);
}

int cli_nvme_disk_namespace(const char *sysroot, const char *disk, char *ns,
			    size_t size)
{
	char dir[PATH_MAX], path[PATH_MAX], whole[NAME_MAX + 1], subsys[64];
	int ret;

	if (!plain_name(disk))
		return -EINVAL;
	ret = make_path(dir, sizeof(dir), "%s/class/block/%s", sysroot, disk);
	if (ret)
		return ret;
	if (access(dir, F_OK))
		return -errno;
	ret = make_path(path, sizeof(path), "%s/partition", dir);
	if (ret)
		return ret;
	if (!access(path, F_OK)) {
		ret = whole_disk(dir, whole, sizeof(whole));
		if (ret)
			return ret;
	} else {
		ret = make_path(whole, sizeof(whole), "%s", disk);
		if (ret)
			return ret;
	}
	if (!cli_nvme_is_ns_name(whole))
		return 0;
	ret = make_path(path, sizeof(path), "%s/class/block/%s/device/subsystem",
			sysroot, whole);
	if (ret)
		return ret;
	if (link_base(path, subsys, sizeof(subsys)))
		return 0;
	if (strcmp(subsys, "nvme") && strcmp(subsys, "nvme-subsystem"))
		return 0;
	ret = make_path(ns, size, "%s", whole);
	return ret ? ret : 1;
}
