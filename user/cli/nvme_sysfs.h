/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which disk is behind a urpt node, and whether it is an NVMe namespace,
 * from sysfs. The sysfs root is a parameter ("/sys") so that the unit
 * tests (tests/test_nvme_sysfs.c) can point these at a tree of their own.
 */
#ifndef URPT_CLI_NVME_SYSFS_H
#define URPT_CLI_NVME_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_SYSFS_ROOT	"/sys"

/*
 * The backing disk of the urpt node with device number major:minor, as
 * its sysfs directory (/sys/class/urpt/urptN, also reached as
 * /sys/dev/char/MAJ:MIN) names it in "backing": "nvme0n1", "vdb1".
 * Returns 0 or -errno (-ENOENT: no such node or attribute).
 */
int cli_urpt_backing(const char *sysroot, unsigned int major,
		     unsigned int minor, char *disk, size_t size);

/* "nvme<C>n<N>": the name of an NVMe namespace's block device. */
bool cli_nvme_is_ns_name(const char *name);

/*
 * Whether the block device disk ("nvme0n1", "nvme0n1p2", "vda") is an
 * NVMe namespace or a partition of one: its whole disk is named
 * nvme<C>n<N> and <sysroot>/class/block/<whole>/device is an NVMe
 * controller or subsystem (its subsystem link ends in "nvme" or
 * "nvme-subsystem"). Returns 1 and the whole disk's name in ns, 0 when it
 * is no NVMe namespace, -errno when disk is not in sysfs.
 */
int cli_nvme_disk_namespace(const char *sysroot, const char *disk, char *ns,
			    size_t size);

#endif
