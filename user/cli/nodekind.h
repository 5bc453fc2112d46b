/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a DEV argument names, from stat() and sysfs, and what the user is
 * told when it is no node the command takes: a block device is to be
 * attached first, the control node is not where commands go, a file is
 * no node at all. Nothing is opened: a FIFO would block, a tape rewind.
 * The sysfs root and the control node's path are parameters, so that the
 * unit tests (tests/test_nodekind.c) can use a tree of their own.
 */
#ifndef URPT_CLI_NODEKIND_H
#define URPT_CLI_NODEKIND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum node_kind {
	NODE_URPT,		/* a data node /dev/urptN: class "urpt" */
	NODE_CONTROL,		/* the control node: misc device urpt-control */
	NODE_NVME,		/* /dev/ngXnY, a controller /dev/nvmeX, or the
				   block device of a namespace or partition */
	NODE_BLOCK,		/* any other block device */
	NODE_CHAR,		/* any other character device */
	NODE_CHAR_UNLISTED,	/* a character device sysfs has no entry for */
	NODE_REGULAR,
	NODE_DIRECTORY,
	NODE_FIFO,
	NODE_SOCKET,
	NODE_OTHER,		/* a file of no type above */
	NODE_MISSING,		/* no such file: ENOENT or ENOTDIR */
	NODE_ERROR,		/* stat() failed otherwise */
};

/* What stat() and sysfs say of a path. */
struct node_facts {
	int err;		/* errno of stat(); 0: what follows is set */
	mode_t mode;		/* st_mode */
	unsigned int major;	/* of st_rdev, for a device */
	unsigned int minor;
	char name[64];		/* the kernel's name of a device ("urpt0",
				   "urpt-control", "null", "loop0"); "" if
				   sysfs has no entry */
	char class[32];		/* a character device's class ("urpt", "misc",
				   "mem"); "" if sysfs does not say */
	bool nvme_ns;		/* a block device of an NVMe namespace */
	bool control_exists;	/* read only when the path is missing */
};

/*
 * Fill f for path: stat() it, then read <sysroot>/dev/char/M:m (or
 * dev/block/M:m) and its subsystem link for a device, and whether the
 * control node exists when path does not.
 */
void node_facts_read(const char *sysroot, const char *control,
		     const char *path, struct node_facts *f);

enum node_kind node_kind(const struct node_facts *f);

/* The kinds a command takes, ORed. */
#define NODE_TAKE_URPT		(1U << NODE_URPT)
#define NODE_TAKE_NVME		(1U << NODE_NVME)

static inline bool node_takes(unsigned int take, enum node_kind kind)
{
	return take & (1U << kind);
}

/*
 * Why path, of which f tells, is no node a command that takes take
 * (NODE_TAKE_*) can use: a whole sentence naming path. Like snprintf().
 */
int node_message(char *buf, size_t size, const char *path,
		 const struct node_facts *f, unsigned int take);

#endif
