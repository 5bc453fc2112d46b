// SPDX-License-Identifier: MIT
/*
 * The control node, /dev/urpt-control: attach, detach and list disks.
 *
 * The *_fd variants work on a node the caller opened with urpt_ctl_open(),
 * so that a tool can tell "cannot open the control node" from "the
 * command failed"; the others open and close the node around one ioctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <liburpt.h>

int urpt_ctl_open(void)
{
	int fd = open(URPT_CONTROL_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int urpt_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

int urpt_ctl_attach_fd(int ctl_fd, const char *path, uint32_t flags,
		       uint32_t *index)
{
	struct urpt_ctl_attach arg = {
		.path	= (uint64_t)(uintptr_t)path,
		.flags	= flags,
	};
	int ret = urpt_ioctl(ctl_fd, URPT_CTL_ATTACH, &arg);

	if (!ret && index)
		*index = arg.index;
	return ret;
}

int urpt_ctl_detach_fd(int ctl_fd, uint32_t index)
{
	struct urpt_ctl_detach arg = { .index = index };

	return urpt_ioctl(ctl_fd, URPT_CTL_DETACH, &arg);
}

int urpt_ctl_list_fd(int ctl_fd, struct urpt_ctl_entry *entries, uint32_t room)
{
	struct urpt_ctl_list arg = {
		.entries	= (uint64_t)(uintptr_t)entries,
		.count		= room,
	};
	int ret = urpt_ioctl(ctl_fd, URPT_CTL_LIST, &arg);

	if (ret)
		return ret;
	/* The count is the kernel's; it never nears INT_MAX, but be sure. */
	return arg.count > INT32_MAX ? -EOVERFLOW : (int)arg.count;
}

int urpt_ctl_attach(const char *path, uint32_t flags, uint32_t *index)
{
	int fd = urpt_ctl_open();
	int ret;

	if (fd < 0)
		return fd;
	ret = urpt_ctl_attach_fd(fd, path, flags, index);
	close(fd);
	return ret;
}

int urpt_ctl_detach(uint32_t index)
{
	int fd = urpt_ctl_open();
	int ret;

	if (fd < 0)
		return fd;
	ret = urpt_ctl_detach_fd(fd, index);
	close(fd);
	return ret;
}

int urpt_ctl_list(struct urpt_ctl_entry *entries, uint32_t room)
{
	int fd = urpt_ctl_open();
	int ret;

	if (fd < 0)
		return fd;
	ret = urpt_ctl_list_fd(fd, entries, room);
	close(fd);
	return ret;
}
