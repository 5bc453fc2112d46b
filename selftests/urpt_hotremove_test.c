// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the NVMe disk hot-removed under load. With REMOVE_DEPTH
 * commands in flight on /dev/urptN over URPT_BDEV (an NVMe namespace), its
 * PCI function is removed (echo 1 > /sys/bus/pci/devices/<f>/remove):
 * every command completes within 5 s, the node answers -ENODEV, DETACH
 * and close free everything. Then a PCI rescan brings the controller back
 * under the same name, which only happens once every reference to the old
 * one is gone.
 *
 * Takes the disk away for a while: guest/check.sh runs it last. Each
 * variant removes the disk once and brings it back.
 */
#include <libgen.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_fault.h"

#define REMOVE_DEPTH	128
#define REMOVE_LIMIT_MS	5000
#define RESCAN_LIMIT_MS	30000

FIXTURE(hot) {
	bool skip;
	const char *bdev;	/* /dev/nvmeXnY */
	char ctrl[32];		/* nvmeX */
	char pci[PATH_MAX];	/* /sys/devices/.../<function> */
	bool attached;
	uint32_t index;
	char node[64];
	int fd;
	struct io_uring ring;
	bool ring_up;
	char *bufs;
	struct fl_removal *rm;
};

FIXTURE_VARIANT(hot) {
	bool iopoll;
};

FIXTURE_VARIANT_ADD(hot, irq) {
	.iopoll = false,
};

FIXTURE_VARIANT_ADD(hot, iopoll) {
	.iopoll = true,
};

/*
 * The disk is back, or bring it back: rescan the PCI bus, wait for it.
 * Its node appears before the disk can be opened (-ENXIO meanwhile: a
 * moment on Debian's kernels, seconds on the debug kernel): wait for both.
 */
static bool hot_rescan(const char *bdev)
{
	int i, fd;

	if (!ut_exists(bdev)) {
		fl_write_file("/sys/bus/pci/rescan", "1");
		if (!fl_wait_path(bdev, false, RESCAN_LIMIT_MS * ut_timeout_scale()))
			return false;
	}
	for (i = 0; i <= 500 * ut_timeout_scale(); i++) {
		fd = open(bdev, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return true;
		}
		usleep(10000);
	}
	return false;
}

FIXTURE_SETUP(hot)
{
	char path[PATH_MAX], *name, *p;

	self->fd = -1;
	self->bdev = ut_bdev();
	if (!self->bdev || strncmp(ut_basename(self->bdev), "nvme", 4)) {
		self->skip = true;
		SKIP(return, "URPT_BDEV is not an NVMe namespace");
	}
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH));
	/* A variant before may have left it removed. */
	ASSERT_TRUE(hot_rescan(self->bdev));
	ut_detach_leftovers(ut_basename(self->bdev));
	/* nvme0n1 -> nvme0 -> its PCI function */
	snprintf(self->ctrl, sizeof(self->ctrl), "%s", ut_basename(self->bdev));
	p = strchr(self->ctrl + 4, 'n');
	ASSERT_NE(NULL, p);
	*p = '\0';
	snprintf(path, sizeof(path), "/sys/class/nvme/%s/device", self->ctrl);
	ASSERT_NE(NULL, realpath(path, self->pci)) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s", self->pci);
	name = basename(path);
	TH_LOG("%s is %s on PCI function %s", self->bdev, self->ctrl, name);
	self->rm = mmap(NULL, sizeof(*self->rm), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->rm);
	self->bufs = ut_alloc((size_t)REMOVE_DEPTH * FL_SLOT_BYTES);
	ASSERT_NE(NULL, self->bufs);
}

FIXTURE_TEARDOWN(hot)
{
	if (self->skip)
		return;
	fl_close_node(&self->ring, &self->ring_up, &self->fd);
	if (self->attached)
		urpt_ctl_detach(self->index);
	/* Whatever happened, the disk must come back for what follows. */
	EXPECT_TRUE(hot_rescan(self->bdev)) {
		TH_LOG("%s did not come back after a PCI rescan", self->bdev);
	}
	free(self->bufs);
	if (self->rm && self->rm != MAP_FAILED)
		munmap(self->rm, sizeof(*self->rm));
}

TEST_F_TIMEOUT(hot, pci_remove_under_load, 120)
{
	struct ut_geometry g;
	struct fl_load l = { 0 };
	char remove[PATH_MAX + 16], ctrl_path[64];
	struct ut_cqe c;
	int64_t t, det_ns, back_ns;
	int status, fd;
	pid_t remover = -1;

	NEED_SETUP();
	ASSERT_EQ(0, ut_bdev_geometry(self->bdev, &g));
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, 0, &self->index));
	self->attached = true;
	ut_node_path(self->node, sizeof(self->node), self->index);
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, urpt_queue_init(2 * REMOVE_DEPTH, &self->ring,
				     variant->iopoll ? IORING_SETUP_IOPOLL : 0));
	self->ring_up = true;

	l.ring = &self->ring;
	l.fd = self->fd;
	l.bufs = self->bufs;
	l.depth = REMOVE_DEPTH;
	l.lbs = g.lbs;
	l.capacity = g.capacity;
	snprintf(remove, sizeof(remove), "%s/remove", self->pci);
	ASSERT_EQ(0, fl_run(&l, remove, "1", 300,
			    REMOVE_LIMIT_MS * ut_timeout_scale(), self->rm, &remover));
	ASSERT_TRUE(fl_waitpid(remover, &status, 60000 * ut_timeout_scale())) {
		TH_LOG("the PCI remove did not return");
	}
	ASSERT_EQ(0, self->rm->rc) {
		TH_LOG("%s: %s", remove, strerror(-self->rm->rc));
	}
	fl_expect_load_ended(_metadata, &l, self->rm, "PCI remove",
			     variant->iopoll, REMOVE_LIMIT_MS);
	EXPECT_FALSE(ut_exists(self->bdev));

	/* The node answers -ENODEV; opening it too. */
	ASSERT_NE(NULL, ut_prep(&self->ring, self->fd, URPT_CMD_READ,
				self->bufs, g.lbs, 0));
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, fl_get(&l, &c, 10000));
	UT_EXPECT_REFUSED(&c, ENODEV, "READ after the PCI remove");
	ASSERT_NE(NULL, ut_prep(&self->ring, self->fd, URPT_CMD_INFO,
				self->bufs, 0, 0));
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, fl_get(&l, &c, 10000));
	UT_EXPECT_REFUSED(&c, ENODEV, "INFO after the PCI remove");
	fd = open(self->node, O_RDWR | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(-EWOULDBLOCK, fl_try_unload());

	t = fl_now_ns();
	ASSERT_EQ(0, urpt_ctl_detach(self->index));
	det_ns = fl_now_ns() - t;
	self->attached = false;
	EXPECT_FALSE(ut_exists(self->node));
	fl_close_node(&self->ring, &self->ring_up, &self->fd);

	/*
	 * Back under the same name: the old controller's number is free
	 * only once nothing holds it, urpt included.
	 */
	t = fl_now_ns();
	EXPECT_TRUE(hot_rescan(self->bdev)) {
		TH_LOG("%s did not come back after a PCI rescan", self->bdev);
	}
	back_ns = fl_now_ns() - t;
	snprintf(ctrl_path, sizeof(ctrl_path), "/sys/class/nvme/%s",
		 self->ctrl);
	EXPECT_TRUE(ut_exists(ctrl_path));
	TH_LOG("DETACH %.1f ms; %s back %.1f ms after the rescan",
	       fl_ms(det_ns), self->bdev, fl_ms(back_ns));

	/* And it works through urpt again. */
	ASSERT_EQ(0, urpt_ctl_attach(self->bdev, 0, &self->index));
	self->attached = true;
	ut_node_path(self->node, sizeof(self->node), self->index);
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, urpt_queue_init(8, &self->ring, 0));
	self->ring_up = true;
	ASSERT_NE(NULL, ut_prep(&self->ring, self->fd, URPT_CMD_READ,
				self->bufs, 4096, 0));
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	l.ring = &self->ring;
	ASSERT_EQ(0, fl_get(&l, &c, 10000));
	UT_EXPECT_DONE(&c, 4096, "READ after the rescan");
}

TEST_HARNESS_MAIN
