// SPDX-License-Identifier: GPL-2.0
/* The backing disk of a urpt node and its NVMe namespace, in a fake sysfs. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "nvme_sysfs.h"
#include "tap.h"

static char sysroot[64];

static bool mkdirs(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", sysroot, rel);
	for (p = path + strlen(sysroot) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return false;
		*p = '/';
	}
	return !mkdir(path, 0755) || errno == EEXIST;
}

static bool put_file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysroot, rel);
	f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	return !fclose(f);
}

static bool put_link(const char *rel, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", sysroot, rel);
	return !symlink(target, path);
}

/*
 * A sysfs as 6.1 lays it out, shrunk: class/block entries are links into
 * devices/, a namespace's device link leads to its controller (or, with
 * native multipath, to its subsystem), whose subsystem link names the class.
 */
static bool make_tree(void)
{
	bool ok = true;

	snprintf(sysroot, sizeof(sysroot), "/tmp/urpt-sysfs.XXXXXX");
	if (!mkdtemp(sysroot))
		return false;
	ok &= mkdirs("class/block");
	ok &= mkdirs("dev/char/240:0");
	ok &= mkdirs("dev/char/240:1");
	ok &= mkdirs("dev/char/240:2");
	ok &= put_file("dev/char/240:0/backing", "nvme0n1\n");
	ok &= put_file("dev/char/240:1/backing", "vdb1\n");
	ok &= put_file("dev/char/240:2/backing", "../etc\n");
	/* nvme0: a PCI controller with namespace 1 and its partition 1. */
	ok &= mkdirs("devices/pci/nvme/nvme0/nvme0n1/nvme0n1p1");
	ok &= put_file("devices/pci/nvme/nvme0/nvme0n1/nvme0n1p1/partition", "1\n");
	ok &= put_link("devices/pci/nvme/nvme0/subsystem", "../../../../class/nvme");
	ok &= put_link("devices/pci/nvme/nvme0/nvme0n1/device", "../../nvme0");
	ok &= put_link("class/block/nvme0n1", "../../devices/pci/nvme/nvme0/nvme0n1");
	ok &= put_link("class/block/nvme0n1p1",
		       "../../devices/pci/nvme/nvme0/nvme0n1/nvme0n1p1");
	/* nvme1n1: a multipath head, under the subsystem. */
	ok &= mkdirs("devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1");
	ok &= put_link("devices/virtual/nvme-subsystem/nvme-subsys1/subsystem",
		       "../../../../class/nvme-subsystem");
	ok &= put_link("devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1/device",
		       "../../nvme-subsys1");
	ok &= put_link("class/block/nvme1n1",
		       "../../devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1");
	/* vdb and its partition vdb1: virtio. */
	ok &= mkdirs("devices/pci/virtio1/block/vdb/vdb1");
	ok &= put_file("devices/pci/virtio1/block/vdb/vdb1/partition", "1\n");
	ok &= put_link("devices/pci/virtio1/subsystem", "../../../bus/virtio");
	ok &= put_link("devices/pci/virtio1/block/vdb/device", "../../../virtio1");
	ok &= put_link("class/block/vdb", "../../devices/pci/virtio1/block/vdb");
	ok &= put_link("class/block/vdb1", "../../devices/pci/virtio1/block/vdb/vdb1");
	/* nvme9n1 by name only: a disk of another driver, or a fake. */
	ok &= mkdirs("devices/virtual/block/nvme9n1");
	ok &= put_link("class/block/nvme9n1", "../../devices/virtual/block/nvme9n1");
	return ok;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void remove_tree(void)
{
	if (sysroot[0])
		nftw(sysroot, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_nvme_ns_names(void)
{
	bool ok;

	ok = EXPECT(cli_nvme_is_ns_name("nvme0n1"));
	ok &= EXPECT(cli_nvme_is_ns_name("nvme10n12"));
	ok &= EXPECT(!cli_nvme_is_ns_name("nvme0n1p1"));
	ok &= EXPECT(!cli_nvme_is_ns_name("nvme0c0n1"));
	ok &= EXPECT(!cli_nvme_is_ns_name("nvme0"));
	ok &= EXPECT(!cli_nvme_is_ns_name("nvmen1"));
	ok &= EXPECT(!cli_nvme_is_ns_name("nvme0n"));
	ok &= EXPECT(!cli_nvme_is_ns_name("ng0n1"));
	ok &= EXPECT(!cli_nvme_is_ns_name(""));
	tap_result(ok, "nvme sysfs: namespace names are nvme<C>n<N>");
}

static void test_nvme_backing(bool tree)
{
	char disk[32], tiny[4];
	bool ok;

	if (!tree) {
		tap_skip("could not build a sysfs tree under /tmp",
			 "nvme sysfs: backing disk of a urpt node");
		return;
	}
	ok = EXPECT(cli_urpt_backing(sysroot, 240, 0, disk, sizeof(disk)) == 0);
	ok &= EXPECT(!strcmp(disk, "nvme0n1"));
	ok &= EXPECT(cli_urpt_backing(sysroot, 240, 1, disk, sizeof(disk)) == 0);
	ok &= EXPECT(!strcmp(disk, "vdb1"));
	ok &= EXPECT(cli_urpt_backing(sysroot, 240, 2, disk, sizeof(disk)) ==
		     -EINVAL);
	ok &= EXPECT(cli_urpt_backing(sysroot, 240, 3, disk, sizeof(disk)) ==
		     -ENOENT);
	ok &= EXPECT(cli_urpt_backing(sysroot, 240, 0, tiny, sizeof(tiny)) == 0);
	ok &= EXPECT(!strcmp(tiny, "nvm"));
	tap_result(ok, "nvme sysfs: backing disk of a urpt node (dev/char/M:m/backing)");
}

static void test_nvme_namespace(bool tree)
{
	char ns[32], tiny[4];
	bool ok;

	if (!tree) {
		tap_skip("could not build a sysfs tree under /tmp",
			 "nvme sysfs: NVMe namespaces and their partitions");
		return;
	}
	memset(ns, 0, sizeof(ns));
	ok = EXPECT(cli_nvme_disk_namespace(sysroot, "nvme0n1", ns,
					    sizeof(ns)) == 1);
	ok &= EXPECT(!strcmp(ns, "nvme0n1"));
	memset(ns, 0, sizeof(ns));
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "nvme0n1p1", ns,
					     sizeof(ns)) == 1);
	ok &= EXPECT(!strcmp(ns, "nvme0n1"));
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "nvme1n1", ns,
					     sizeof(ns)) == 1);
	ok &= EXPECT(!strcmp(ns, "nvme1n1"));
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "vdb", ns,
					     sizeof(ns)) == 0);
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "vdb1", ns,
					     sizeof(ns)) == 0);
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "nvme9n1", ns,
					     sizeof(ns)) == 0);
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "sda", ns,
					     sizeof(ns)) == -ENOENT);
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "../block", ns,
					     sizeof(ns)) == -EINVAL);
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "", ns,
					     sizeof(ns)) == -EINVAL);
	ok &= EXPECT(cli_nvme_disk_namespace(sysroot, "nvme0n1", tiny,
					     sizeof(tiny)) == -ENAMETOOLONG);
	tap_result(ok, "nvme sysfs: NVMe namespaces (controller or multipath "
		       "subsystem) and their partitions; others are not");
}

void test_nvme_sysfs(void)
{
	bool tree = make_tree();

	if (!tree)
		tap_diag("fake sysfs under %s: %s", sysroot, strerror(errno));
	test_nvme_ns_names();
	test_nvme_backing(tree);
	test_nvme_namespace(tree);
	remove_tree();
}
