// SPDX-License-Identifier: GPL-2.0
/* What a DEV argument names, and why a command cannot use it. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <urpt.h>
#include "nodekind.h"
#include "nvme_sysfs.h"

/* The last component of the link <fmt...>, in buf; "" if there is none. */
static void __attribute__((format(printf, 3, 4)))
link_name(char *buf, size_t size, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	va_list ap;
	ssize_t n;
	int len;

	buf[0] = '\0';
	va_start(ap, fmt);
	len = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < size)
		strcpy(buf, base);
}

void node_facts_read(const char *sysroot, const char *control,
		     const char *path, struct node_facts *f)
{
	const char *type;
	struct stat st;
	char ns[64];

	memset(f, 0, sizeof(*f));
	if (stat(path, &st)) {
		f->err = errno;
		f->control_exists = !access(control, F_OK);
		return;
	}
	f->mode = st.st_mode;
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return;
	f->major = major(st.st_rdev);
	f->minor = minor(st.st_rdev);
	type = S_ISCHR(st.st_mode) ? "char" : "block";
	link_name(f->name, sizeof(f->name), "%s/dev/%s/%u:%u", sysroot, type,
		  f->major, f->minor);
	if (S_ISCHR(st.st_mode))
		link_name(f->class, sizeof(f->class),
			  "%s/dev/char/%u:%u/subsystem", sysroot, f->major,
			  f->minor);
	else if (f->name[0])
		f->nvme_ns = cli_nvme_disk_namespace(sysroot, f->name, ns,
						     sizeof(ns)) == 1;
}

static enum node_kind char_kind(const struct node_facts *f)
{
	if (!f->class[0])
		return NODE_CHAR_UNLISTED;
	if (!strcmp(f->class, "urpt"))
		return NODE_URPT;
	if (!strcmp(f->class, "misc") && !strcmp(f->name, URPT_CONTROL_NAME))
		return NODE_CONTROL;
	/* A namespace's generic node, or a controller's node. */
	if (!strcmp(f->class, "nvme-generic") || !strcmp(f->class, "nvme"))
		return NODE_NVME;
	return NODE_CHAR;
}

enum node_kind node_kind(const struct node_facts *f)
{
	if (f->err)
		return f->err == ENOENT || f->err == ENOTDIR ? NODE_MISSING :
							       NODE_ERROR;
	switch (f->mode & S_IFMT) {
	case S_IFCHR:
		return char_kind(f);
	case S_IFBLK:
		return f->nvme_ns ? NODE_NVME : NODE_BLOCK;
	case S_IFREG:
		return NODE_REGULAR;
	case S_IFDIR:
		return NODE_DIRECTORY;
	case S_IFIFO:
		return NODE_FIFO;
	case S_IFSOCK:
		return NODE_SOCKET;
	}
	return NODE_OTHER;
}

/* "a regular file", "a character device of class mem": what path is. */
static int describe_file(char *buf, size_t size, const struct node_facts *f)
{
	switch (f->mode & S_IFMT) {
	case S_IFCHR:
		if (f->class[0])
			return snprintf(buf, size,
					"a character device of class %s",
					f->class);
		return snprintf(buf, size, "a character device");
	case S_IFBLK:
		return snprintf(buf, size, "a block device");
	case S_IFREG:
		return snprintf(buf, size, "a regular file");
	case S_IFDIR:
		return snprintf(buf, size, "a directory");
	case S_IFIFO:
		return snprintf(buf, size, "a FIFO");
	case S_IFSOCK:
		return snprintf(buf, size, "a socket");
	}
	return snprintf(buf, size, "a file of unknown type");
}

int node_message(char *buf, size_t size, const char *path,
		 const struct node_facts *f, unsigned int take)
{
	bool nvme = take & NODE_TAKE_NVME;
	const char *text, *name;
	char what[64];

	switch (node_kind(f)) {
	case NODE_URPT:
		return snprintf(buf, size, "%s is a urpt node", path);
	case NODE_MISSING:
		return snprintf(buf, size, "%s does not exist%s", path,
				f->control_exists ? "" :
				"; is urpt.ko loaded?");
	case NODE_ERROR:
		text = strerrordesc_np(f->err);
		name = strerrorname_np(f->err);
		return snprintf(buf, size, "%s: cannot open: %s (%s)", path,
				text ? text : "unknown error",
				name ? name : "unknown errno");
	case NODE_CONTROL:
		return snprintf(buf, size, "%s is the control node; commands go to a /dev/urptN node (urpt list shows them)",
				path);
	case NODE_CHAR_UNLISTED:
		return snprintf(buf, size, "%s is a character device (%u:%u) that sysfs does not list: cannot tell whether it is a urpt node (is sysfs mounted on /sys?)",
				path, f->major, f->minor);
	default:
		break;
	}
	/* An NVMe node a command without NVMe is given is what it is. */
	if (S_ISBLK(f->mode))
		return snprintf(buf, size, "%s is a block device, not a urpt node%s: attach it first: urpt attach %s",
				path, nvme ? " or an NVMe namespace" : "",
				path);
	describe_file(what, sizeof(what), f);
	return snprintf(buf, size, "%s is not a urpt node%s (%s)", path,
			nvme ? " or an NVMe node" : "", what);
}
