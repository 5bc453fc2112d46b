// SPDX-License-Identifier: GPL-2.0
/* The backing disk of a urpt node and its NVMe namespace, in a fake sysfs. */
#include <errno.h>
#include <string.h>
#include "fake_tree.h"
#include "nvme_sysfs.h"
#include "tap.h"

static char sysroot[64];

/*
 * A sysfs as 6.1 lays it out, shrunk: class/block entries are links into
 * devices/, a namespace's device link leads to its controller (or, with
 * native multipath, to its subsystem), whose subsystem link names the class.
 */
static bool make_tree(void)
{
	const char *s = sysroot;
	bool ok = true;

	if (!fake_tree_create(sysroot, sizeof(sysroot), "urpt-sysfs"))
		return false;
	ok &= fake_tree_mkdirs(s, "class/block");
	ok &= fake_tree_mkdirs(s, "dev/char/240:0");
	ok &= fake_tree_mkdirs(s, "dev/char/240:1");
	ok &= fake_tree_mkdirs(s, "dev/char/240:2");
	ok &= fake_tree_write(s, "dev/char/240:0/backing", "nvme0n1\n");
	ok &= fake_tree_write(s, "dev/char/240:1/backing", "vdb1\n");
	ok &= fake_tree_write(s, "dev/char/240:2/backing", "../etc\n");
	/* nvme0: a PCI controller with namespace 1 and its partition 1. */
	ok &= fake_tree_mkdirs(s, "devices/pci/nvme/nvme0/nvme0n1/nvme0n1p1");
	ok &= fake_tree_write(s, "devices/pci/nvme/nvme0/nvme0n1/nvme0n1p1/partition",
			      "1\n");
	ok &= fake_tree_symlink(s, "devices/pci/nvme/nvme0/subsystem",
				"../../../../class/nvme");
	ok &= fake_tree_symlink(s, "devices/pci/nvme/nvme0/nvme0n1/device",
				"../../nvme0");
	ok &= fake_tree_symlink(s, "class/block/nvme0n1",
				"../../devices/pci/nvme/nvme0/nvme0n1");
	ok &= fake_tree_symlink(s, "class/block/nvme0n1p1",
				"../../devices/pci/nvme/nvme0/nvme0n1/nvme0n1p1");
	/* nvme1n1: a multipath head, under the subsystem. */
	ok &= fake_tree_mkdirs(s, "devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1");
	ok &= fake_tree_symlink(s, "devices/virtual/nvme-subsystem/nvme-subsys1/subsystem",
				"../../../../class/nvme-subsystem");
	ok &= fake_tree_symlink(s, "devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1/device",
				"../../nvme-subsys1");
	ok &= fake_tree_symlink(s, "class/block/nvme1n1",
				"../../devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1");
	/* vdb and its partition vdb1: virtio. */
	ok &= fake_tree_mkdirs(s, "devices/pci/virtio1/block/vdb/vdb1");
	ok &= fake_tree_write(s, "devices/pci/virtio1/block/vdb/vdb1/partition",
			      "1\n");
	ok &= fake_tree_symlink(s, "devices/pci/virtio1/subsystem",
				"../../../bus/virtio");
	ok &= fake_tree_symlink(s, "devices/pci/virtio1/block/vdb/device",
				"../../../virtio1");
	ok &= fake_tree_symlink(s, "class/block/vdb",
				"../../devices/pci/virtio1/block/vdb");
	ok &= fake_tree_symlink(s, "class/block/vdb1",
				"../../devices/pci/virtio1/block/vdb/vdb1");
	/* nvme9n1 by name only: a disk of another driver, or a fake. */
	ok &= fake_tree_mkdirs(s, "devices/virtual/block/nvme9n1");
	ok &= fake_tree_symlink(s, "class/block/nvme9n1",
				"../../devices/virtual/block/nvme9n1");
	return ok;
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
	fake_tree_remove(sysroot);
}
