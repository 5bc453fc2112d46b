// SPDX-License-Identifier: GPL-2.0
/*
 * What the CLI tells a user whose DEV is no urpt node: the kind from
 * stat() and a fake sysfs (node_facts_read on real files: /dev/null
 * stands for a character device of whatever class the tree gives it),
 * and the message of each kind (node_message).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include "fake_tree.h"
#include "nodekind.h"
#include "tap.h"

static char root[64];		/* files, and the fake sysfs in root/sys */
static char sysroot[80];
static char control[96];	/* a stand-in for /dev/urpt-control */

/*
 * The device number rdev of type ("char", "block") as sysfs shows a
 * device name of class: dev/TYPE/M:m links to devices/virtual/CLASS/NAME,
 * whose subsystem link names the class. NULL name: no entry.
 */
static bool set_dev(const char *type, dev_t rdev, const char *class,
		    const char *name)
{
	char rel[64], dir[PATH_MAX], link[PATH_MAX + 16], target[PATH_MAX + 8];
	bool ok;

	snprintf(rel, sizeof(rel), "dev/%s/%u:%u", type, major(rdev),
		 minor(rdev));
	if (!name) {
		snprintf(link, sizeof(link), "%s/%s", sysroot, rel);
		return !unlink(link) || errno == ENOENT;
	}
	snprintf(dir, sizeof(dir), "devices/virtual/%s/%s", class, name);
	snprintf(link, sizeof(link), "%s/subsystem", dir);
	snprintf(target, sizeof(target), "../../../../class/%s", class);
	ok = fake_tree_mkdirs(sysroot, dir) &&
	     fake_tree_symlink(sysroot, link, target);
	snprintf(target, sizeof(target), "../../%s", dir);
	return ok && fake_tree_symlink(sysroot, rel, target);
}

static bool make_tree(void)
{
	bool ok;

	if (!fake_tree_create(root, sizeof(root), "urpt-nodekind"))
		return false;
	snprintf(sysroot, sizeof(sysroot), "%s/sys", root);
	snprintf(control, sizeof(control), "%s/urpt-control", root);
	ok = fake_tree_mkdirs(root, "sys");
	ok &= fake_tree_mkdirs(sysroot, "dev/char");
	ok &= fake_tree_mkdirs(sysroot, "dev/block");
	ok &= fake_tree_mkdirs(sysroot, "class/block");
	return ok;
}

/* A file under root, by its name there. */
static const char *in_root(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return path;
}

/* kind and message of path, for a command taking take. */
static bool check_path(const char *path, unsigned int take,
		       enum node_kind want, const char *msg)
{
	struct node_facts f;
	char buf[512];
	bool ok;

	node_facts_read(sysroot, control, path, &f);
	ok = EXPECT(node_kind(&f) == want);
	if (!ok)
		tap_diag("%s: kind %d, not %d", path, node_kind(&f), want);
	if (!msg)
		return ok && EXPECT(node_takes(take, want));
	ok &= EXPECT(!node_takes(take, want));
	node_message(buf, sizeof(buf), path, &f, take);
	if (!EXPECT(!strcmp(buf, msg))) {
		tap_diag("got:  %s", buf);
		tap_diag("want: %s", msg);
		ok = false;
	}
	return ok;
}

/*
 * check_path for both kinds of command: urpt's own (NODE_TAKE_URPT), with
 * msg_urpt, and urpt nvme (NODE_TAKE_URPT | NODE_TAKE_NVME), with
 * msg_nvme; NULL: the command takes path.
 */
static bool check_path_both(const char *path, enum node_kind want,
			    const char *msg_urpt, const char *msg_nvme)
{
	bool ok;

	ok = check_path(path, NODE_TAKE_URPT, want, msg_urpt);
	ok &= check_path(path, NODE_TAKE_URPT | NODE_TAKE_NVME, want, msg_nvme);
	return ok;
}

static void test_char_devices(void)
{
	const char *name = "nodekind: a character device by its sysfs class";
	const char *control_msg = "/dev/null is the control node; commands go "
				  "to a /dev/urptN node (urpt list shows them)";
	char msg[256];
	struct stat st;
	dev_t rdev;
	bool ok;

	if (stat("/dev/null", &st) || !S_ISCHR(st.st_mode)) {
		tap_skip("no /dev/null character device", "%s", name);
		return;
	}
	rdev = st.st_rdev;
	ok = EXPECT(set_dev("char", rdev, "urpt", "urpt0"));
	ok &= check_path_both("/dev/null", NODE_URPT, NULL, NULL);

	ok &= EXPECT(set_dev("char", rdev, "misc", "urpt-control"));
	ok &= check_path_both("/dev/null", NODE_CONTROL, control_msg,
			      control_msg);

	/* Another misc device is just that. */
	ok &= EXPECT(set_dev("char", rdev, "misc", "fuse"));
	ok &= check_path("/dev/null", NODE_TAKE_URPT, NODE_CHAR,
			 "/dev/null is not a urpt node (a character device of class misc)");

	ok &= EXPECT(set_dev("char", rdev, "mem", "null"));
	ok &= check_path_both("/dev/null", NODE_CHAR,
			      "/dev/null is not a urpt node (a character device of class mem)",
			      "/dev/null is not a urpt node or an NVMe node (a character device of class mem)");

	/* NVMe's generic node and a controller: urpt nvme only. */
	ok &= EXPECT(set_dev("char", rdev, "nvme-generic", "ng0n1"));
	ok &= check_path_both("/dev/null", NODE_NVME,
			      "/dev/null is not a urpt node (a character device of class nvme-generic)",
			      NULL);
	ok &= EXPECT(set_dev("char", rdev, "nvme", "nvme0"));
	ok &= check_path("/dev/null", NODE_TAKE_URPT | NODE_TAKE_NVME,
			 NODE_NVME, NULL);

	/* No entry: sysfs cannot say. */
	ok &= EXPECT(set_dev("char", rdev, NULL, NULL));
	snprintf(msg, sizeof(msg),
		 "/dev/null is a character device (%u:%u) that sysfs does not list: cannot tell whether it is a urpt node (is sysfs mounted on /sys?)",
		 major(rdev), minor(rdev));
	ok &= check_path("/dev/null", NODE_TAKE_URPT, NODE_CHAR_UNLISTED, msg);
	tap_result(ok, "%s: urpt, the control node, misc, mem, NVMe, unlisted",
		   name);
}

static void test_files(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char path[PATH_MAX], msg[PATH_MAX + 128];
	int fd, sock;
	bool ok;

	fd = open(in_root("file"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ok = EXPECT(fd >= 0);
	if (fd >= 0)
		close(fd);
	snprintf(msg, sizeof(msg), "%s is not a urpt node (a regular file)",
		 in_root("file"));
	ok &= check_path(in_root("file"), NODE_TAKE_URPT, NODE_REGULAR, msg);
	snprintf(msg, sizeof(msg),
		 "%s is not a urpt node or an NVMe node (a regular file)",
		 in_root("file"));
	ok &= check_path(in_root("file"), NODE_TAKE_URPT | NODE_TAKE_NVME,
			 NODE_REGULAR, msg);

	snprintf(msg, sizeof(msg), "%s is not a urpt node (a directory)",
		 root);
	ok &= check_path(root, NODE_TAKE_URPT, NODE_DIRECTORY, msg);

	ok &= EXPECT(!mkfifo(in_root("fifo"), 0600));
	snprintf(msg, sizeof(msg), "%s is not a urpt node (a FIFO)",
		 in_root("fifo"));
	/* Were it opened, a FIFO without a writer would block here. */
	ok &= check_path(in_root("fifo"), NODE_TAKE_URPT, NODE_FIFO, msg);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", in_root("sock"));
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock >= 0 && !bind(sock, (struct sockaddr *)&sun, sizeof(sun))) {
		snprintf(msg, sizeof(msg), "%s is not a urpt node (a socket)",
			 in_root("sock"));
		ok &= check_path(in_root("sock"), NODE_TAKE_URPT, NODE_SOCKET,
				 msg);
	}
	if (sock >= 0)
		close(sock);
	tap_result(ok, "nodekind: a regular file, a directory, a FIFO and a socket are not urpt nodes");

	/* Missing: with the control node there, and without it. */
	snprintf(path, sizeof(path), "%s/urpt7", root);
	snprintf(msg, sizeof(msg), "%s does not exist; is urpt.ko loaded?",
		 path);
	ok = check_path(path, NODE_TAKE_URPT, NODE_MISSING, msg);
	fd = open(control, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ok &= EXPECT(fd >= 0);
	if (fd >= 0)
		close(fd);
	snprintf(msg, sizeof(msg), "%s does not exist", path);
	ok &= check_path(path, NODE_TAKE_URPT, NODE_MISSING, msg);
	/* Under a file: ENOTDIR, just as missing. */
	snprintf(path, sizeof(path), "%s/x", in_root("file"));
	snprintf(msg, sizeof(msg), "%s does not exist", path);
	ok &= check_path(path, NODE_TAKE_URPT | NODE_TAKE_NVME, NODE_MISSING,
			 msg);
	/* Any other error of stat() by its errno. */
	ok &= EXPECT(!symlink("loop", in_root("loop")));
	snprintf(msg, sizeof(msg),
		 "%s: cannot open: Too many levels of symbolic links (ELOOP)",
		 in_root("loop"));
	ok &= check_path(in_root("loop"), NODE_TAKE_URPT, NODE_ERROR, msg);
	tap_result(ok, "nodekind: a missing path (is urpt.ko loaded? only without the control node), ENOTDIR, ELOOP");
}

/* Block devices, from facts: any host has none to spare. */
static void test_block_facts(void)
{
	struct node_facts f = { .mode = S_IFBLK | 0660, .major = 7 };
	char buf[256];
	bool ok;

	ok = EXPECT(node_kind(&f) == NODE_BLOCK);
	ok &= EXPECT(!node_takes(NODE_TAKE_URPT | NODE_TAKE_NVME, NODE_BLOCK));
	node_message(buf, sizeof(buf), "/dev/loop0", &f, NODE_TAKE_URPT);
	ok &= EXPECT(!strcmp(buf, "/dev/loop0 is a block device, not a urpt node: attach it first: urpt attach /dev/loop0"));
	node_message(buf, sizeof(buf), "/dev/loop0", &f,
		     NODE_TAKE_URPT | NODE_TAKE_NVME);
	ok &= EXPECT(!strcmp(buf, "/dev/loop0 is a block device, not a urpt node or an NVMe namespace: attach it first: urpt attach /dev/loop0"));
	/* An NVMe namespace: urpt nvme takes it, the others do not. */
	f.nvme_ns = true;
	ok &= EXPECT(node_kind(&f) == NODE_NVME);
	ok &= EXPECT(node_takes(NODE_TAKE_URPT | NODE_TAKE_NVME, NODE_NVME));
	node_message(buf, sizeof(buf), "/dev/nvme0n1", &f, NODE_TAKE_URPT);
	ok &= EXPECT(!strcmp(buf, "/dev/nvme0n1 is a block device, not a urpt node: attach it first: urpt attach /dev/nvme0n1"));
	/* A file of a type stat() does not name, and a short buffer. */
	f.mode = 0;
	ok &= EXPECT(node_kind(&f) == NODE_OTHER);
	node_message(buf, sizeof(buf), "x", &f, NODE_TAKE_URPT);
	ok &= EXPECT(!strcmp(buf, "x is not a urpt node (a file of unknown type)"));
	ok &= EXPECT(node_message(buf, 4, "x", &f, NODE_TAKE_URPT) ==
		     (int)strlen("x is not a urpt node (a file of unknown type)"));
	ok &= EXPECT(!strcmp(buf, "x i"));
	f = (struct node_facts){ .err = EACCES };
	ok &= EXPECT(node_kind(&f) == NODE_ERROR);
	node_message(buf, sizeof(buf), "/dev/urpt0", &f, NODE_TAKE_URPT);
	ok &= EXPECT(!strcmp(buf, "/dev/urpt0: cannot open: Permission denied (EACCES)"));
	tap_result(ok, "nodekind: a block device is to be attached first; urpt nvme takes an NVMe namespace's");
}

/* A real block device, where there is one, named in the fake sysfs. */
static void test_block_device(void)
{
	const char *blocks[] = { "/dev/loop0", "/dev/vda", "/dev/sda",
				 "/dev/nvme0n1", "/dev/ram0" };
	const char *name = "nodekind: a block device in sysfs; an NVMe "
			   "namespace's is taken by urpt nvme";
	char msg[256];
	struct stat st;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (!stat(blocks[i], &st) && S_ISBLK(st.st_mode))
			break;
	if (i == sizeof(blocks) / sizeof(blocks[0])) {
		tap_skip("no block device here", "%s", name);
		return;
	}
	/* As a loop device: class block, no NVMe controller above it. */
	ok = EXPECT(set_dev("block", st.st_rdev, "block", "loop0"));
	ok &= EXPECT(fake_tree_symlink(sysroot, "class/block/loop0",
				       "../../devices/virtual/block/loop0"));
	snprintf(msg, sizeof(msg), "%s is a block device, not a urpt node or an NVMe namespace: attach it first: urpt attach %s",
		 blocks[i], blocks[i]);
	ok &= check_path(blocks[i], NODE_TAKE_URPT | NODE_TAKE_NVME,
			 NODE_BLOCK, msg);
	/* As nvme0n1, whose device is a controller of class nvme. */
	ok &= EXPECT(fake_tree_mkdirs(sysroot,
				      "devices/pci/nvme/nvme0/nvme0n1"));
	ok &= EXPECT(fake_tree_symlink(sysroot,
				       "devices/pci/nvme/nvme0/subsystem",
				       "../../../../class/nvme"));
	ok &= EXPECT(fake_tree_symlink(sysroot,
				       "devices/pci/nvme/nvme0/nvme0n1/device",
				       "../../nvme0"));
	ok &= EXPECT(fake_tree_symlink(sysroot, "class/block/nvme0n1",
				       "../../devices/pci/nvme/nvme0/nvme0n1"));
	snprintf(msg, sizeof(msg), "dev/block/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	ok &= EXPECT(fake_tree_symlink(sysroot, msg,
				       "../../devices/pci/nvme/nvme0/nvme0n1"));
	ok &= check_path(blocks[i], NODE_TAKE_URPT | NODE_TAKE_NVME,
			 NODE_NVME, NULL);
	snprintf(msg, sizeof(msg), "%s is a block device, not a urpt node: attach it first: urpt attach %s",
		 blocks[i], blocks[i]);
	ok &= check_path(blocks[i], NODE_TAKE_URPT, NODE_NVME, msg);
	tap_result(ok, "%s (%s)", name, blocks[i]);
}

void test_nodekind(void)
{
	if (!make_tree()) {
		tap_diag("fake sysfs under %s: %s", root, strerror(errno));
		tap_skip("could not build a sysfs tree under /tmp",
			 "nodekind: paths and a fake sysfs");
	} else {
		test_char_devices();
		test_files();
		test_block_device();
	}
	fake_tree_remove(root);
	test_block_facts();
}
