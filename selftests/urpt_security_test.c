// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: what an unprivileged user cannot do through urpt.
 *
 * The test starts as root, attaches the disk, then forks children that
 * drop to nobody (setgroups(0), setresgid, setresuid 65534: no
 * capabilities left) and check from there:
 *
 *  - /dev/urpt-control: no open (0600), and ATTACH and DETACH on a control
 *    fd inherited from root are -EPERM;
 *  - /dev/urptN with its default mode (0600 root): no open at all;
 *  - made readable (0604), an O_RDONLY open cannot write: every native
 *    command that writes is -EBADF, NVMe Write, Write Zeroes and Dataset
 *    Management are -EACCES (docs/nvme.md), admin commands but Identify
 *    are -EACCES; the disk is unchanged;
 *  - on a partition (URPT_WHOLE: the whole disk), nothing outside it can
 *    be reached: offsets past its end are -ENOSPC, LBAs past it LBA Out of
 *    Range, and the whole disk's bytes outside the partition are unchanged;
 *  - no buffer address makes the kernel read or write kernel memory:
 *    kernel addresses (from a list, and init_uts_ns from /proc/kallsyms)
 *    as the buffer of READ, WRITE, INFO, an iovec or the iovec array, a
 *    registered-buffer command, NVMe data pointers (uring and ioctl), the
 *    ioctl's own argument: -EFAULT, before any I/O (the disk's I/O counters
 *    do not move), and the kernel's memory behind init_uts_ns unchanged.
 *    The same checks run as root too.
 *
 * Each test prints how many checks passed. Run as root with
 * URPT_BDEV=/dev/<disk> (overwritten); URPT_WHOLE for a partition.
 */
#include <grp.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define NOBODY		65534
#define BUF_SIZE	(1u << 20)
#define REGION		(1u << 20)	/* disk offset of the data the tests own */

#define NV_FLUSH	0x00
#define NV_WRITE	0x01
#define NV_READ		0x02
#define NV_WZ		0x08
#define NV_DSM		0x09
#define NV_GET_LOG	0x02	/* admin */
#define NV_IDENTIFY	0x06	/* admin */
#define SC_LBA_RANGE	0x4080

/* ---- checks that count, usable in a child ------------------------------------ */

static unsigned int passes, fails;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passes++;
		return;
	}
	fails++;
	fprintf(stderr, "# FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* -errno of a syscall's result */
static int err_of(int ret)
{
	return ret < 0 ? -errno : ret;
}

/* Drop to nobody, with no supplementary groups: every capability goes. */
static bool drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return false;
	return geteuid() == NOBODY && getegid() == NOBODY;
}

/*
 * Run fn(arg) in a child as nobody; returns its failed checks (or 1000 when
 * it could not drop or died). The child prints its pass count.
 */
static int as_nobody(const char *what, void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1000;
	if (pid == 0) {
		passes = fails = 0;
		if (!drop_to_nobody()) {
			fprintf(stderr, "# %s: cannot drop to uid %d\n", what, NOBODY);
			_exit(100);
		}
		fn(arg);
		fprintf(stderr, "# %s (uid %d): %u checks passed, %u failed\n",
			what, NOBODY, passes, fails);
		_exit(fails > 99 ? 99 : fails);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1000;
	return WEXITSTATUS(status);
}

/* ---- commands --------------------------------------------------------------- */

struct ctx {
	const char *node;	/* /dev/urptN */
	int fd;			/* the node, opened by the checker */
	struct io_uring ring;
	uint32_t lbs;
	uint64_t cap;
	unsigned int shift;
	char *buf;		/* BUF_SIZE */
	char *buf2;
	bool discard, wzeroes;
	const char *name;	/* vdb1: for /sys/class/block/<name>/stat */
	uint64_t kaddrs[16];
	unsigned int nkaddrs;
};

/* One native command on the ring; its res (and extra word 0 in *x0). */
static int native(struct ctx *c, uint32_t op, uint64_t addr, uint32_t len,
		  uint64_t off, uint32_t uflags, uint64_t *x0)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);
	struct urpt_cmd *u;
	struct ut_cqe cqe;

	if (!sqe)
		return -EBUSY;
	u = urpt_prep_cmd(sqe, c->fd, op);
	u->addr = addr;
	u->len = len;
	u->offset = off;
	sqe->uring_cmd_flags = uflags;
	sqe->buf_index = 0;
	if (ut_submit_one(&c->ring, &cqe))
		return -EIO;
	if (x0)
		*x0 = cqe.extra[0];
	return cqe.res;
}

static void nv_fill(struct nvme_passthru_cmd64 *n, uint8_t opcode,
		    uint64_t slba, uint32_t nlb, uint64_t addr, uint32_t len)
{
	memset(n, 0, sizeof(*n));
	n->opcode = opcode;
	n->nsid = 1;
	n->addr = addr;
	n->data_len = len;
	n->cdw10 = (uint32_t)slba;
	n->cdw11 = slba >> 32;
	n->cdw12 = nlb ? nlb - 1 : 0;
}

/* An NVMe command as a uring command: its res. */
static int nv_uring(struct ctx *c, uint32_t cmd_op,
		    const struct nvme_passthru_cmd64 *n)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);
	struct nvme_uring_cmd *u;
	struct ut_cqe cqe;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, c->fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	u = (struct nvme_uring_cmd *)sqe->cmd;
	memset(u, 0, URPT_CMD_SIZE);
	memcpy(u, n, offsetof(struct nvme_uring_cmd, timeout_ms));
	if (ut_submit_one(&c->ring, &cqe))
		return -EIO;
	return cqe.res;
}

/* The same through NVME_IOCTL_IO64_CMD (or ADMIN64): ret or -errno. */
static int nv_ioctl(struct ctx *c, bool admin, struct nvme_passthru_cmd64 *n)
{
	return err_of(ioctl(c->fd, admin ? NVME_IOCTL_ADMIN64_CMD :
			    NVME_IOCTL_IO64_CMD, n));
}

static bool ctx_open(struct ctx *c, int flags)
{
	c->fd = open(c->node, flags | O_CLOEXEC);
	if (c->fd < 0)
		return false;
	if (io_uring_queue_init(8, &c->ring, IORING_SETUP_SQE128 |
				IORING_SETUP_CQE32)) {
		close(c->fd);
		return false;
	}
	return true;
}

static void ctx_close(struct ctx *c)
{
	io_uring_queue_exit(&c->ring);
	close(c->fd);
}

/* The I/O counters of the disk: reads, sectors read, writes, sectors written. */
static bool disk_stat(const char *name, uint64_t v[4])
{
	char path[PATH_MAX], text[512];
	unsigned long long f[11];

	snprintf(path, sizeof(path), "/sys/class/block/%s/stat", name);
	if (ut_read_text(path, text, sizeof(text)) <= 0 ||
	    sscanf(text, "%llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
		   &f[2], &f[3], &f[4], &f[5], &f[6]) != 7)
		return false;
	v[0] = f[0];
	v[1] = f[2];
	v[2] = f[4];
	v[3] = f[6];
	return true;
}

/* ---- what nobody may and may not do ---------------------------------------- */

struct ctl_arg {
	int ctl;		/* opened by root */
	const char *bdev;
	uint32_t index;
};

static void ctl_checks(void *p)
{
	struct ctl_arg *a = p;
	struct urpt_ctl_attach at = { .path = (uintptr_t)a->bdev };
	struct urpt_ctl_detach de = { .index = a->index };
	struct urpt_ctl_entry ents[UT_MAX_ENTRIES];
	struct urpt_ctl_list li = {
		.entries = (uintptr_t)ents, .count = UT_MAX_ENTRIES,
	};

	check(err_of(open(UT_CONTROL_PATH, O_RDWR)) == -EACCES,
	      "open %s O_RDWR: %s", UT_CONTROL_PATH, strerror(errno));
	check(err_of(open(UT_CONTROL_PATH, O_RDONLY)) == -EACCES,
	      "open %s O_RDONLY: %s", UT_CONTROL_PATH, strerror(errno));
	check(ut_ioctl(a->ctl, URPT_CTL_ATTACH, &at) == -EPERM,
	      "ATTACH on an inherited control fd");
	at.flags = URPT_ATTACH_READ_ONLY | URPT_ATTACH_SHARED;
	check(ut_ioctl(a->ctl, URPT_CTL_ATTACH, &at) == -EPERM,
	      "ATTACH read-only shared on an inherited control fd");
	check(ut_ioctl(a->ctl, URPT_CTL_DETACH, &de) == -EPERM,
	      "DETACH on an inherited control fd");
	/* LIST is harmless and allowed on an open control fd */
	check(ut_ioctl(a->ctl, URPT_CTL_LIST, &li) == 0 && li.count >= 1,
	      "LIST on an inherited control fd");
}

static void node_closed_checks(void *p)
{
	const char *node = p;

	check(err_of(open(node, O_RDONLY)) == -EACCES, "open O_RDONLY: %s",
	      strerror(errno));
	check(err_of(open(node, O_WRONLY)) == -EACCES, "open O_WRONLY: %s",
	      strerror(errno));
	check(err_of(open(node, O_RDWR)) == -EACCES, "open O_RDWR: %s",
	      strerror(errno));
}

static void readonly_checks(void *p)
{
	struct ctx *c = p;
	struct nvme_passthru_cmd64 n;
	uint64_t slba = REGION >> c->shift;
	struct iovec iov = { c->buf, c->lbs };
	static const struct { uint8_t op; const char *name; } nv_writes[] = {
		{ NV_WRITE, "Write" }, { NV_WZ, "Write Zeroes" },
		{ NV_DSM, "Dataset Management" },
	};
	struct { uint32_t cattr, nlb; uint64_t slba; } range = { 0, 1, slba };
	unsigned int i;
	int ret;

	check(err_of(open(c->node, O_RDWR)) == -EACCES, "open O_RDWR: %s",
	      strerror(errno));
	check(err_of(open(c->node, O_WRONLY)) == -EACCES, "open O_WRONLY: %s",
	      strerror(errno));
	if (!ctx_open(c, O_RDONLY)) {
		check(false, "open O_RDONLY of a 0604 node: %s", strerror(errno));
		return;
	}
	ut_fill(c->buf, c->lbs, 77);
	check(native(c, URPT_CMD_WRITE, (uintptr_t)c->buf, c->lbs, REGION, 0,
		     NULL) == -EBADF, "WRITE on O_RDONLY");
	check(native(c, URPT_CMD_WRITEV, (uintptr_t)&iov, 1, REGION, 0,
		     NULL) == -EBADF, "WRITEV on O_RDONLY");
	check(native(c, URPT_CMD_FLUSH, 0, 0, 0, 0, NULL) == -EBADF,
	      "FLUSH on O_RDONLY");
	check(native(c, URPT_CMD_DISCARD, 0, c->lbs, REGION, 0, NULL) == -EBADF,
	      "DISCARD on O_RDONLY");
	check(native(c, URPT_CMD_WRITE_ZEROES, 0, c->lbs, REGION, 0, NULL) ==
	      -EBADF, "WRITE_ZEROES on O_RDONLY");
	/* reading is what the mode allows: the data root wrote */
	check(native(c, URPT_CMD_READ, (uintptr_t)c->buf2, c->lbs, REGION, 0,
		     NULL) == (int)c->lbs, "READ on O_RDONLY");
	ut_fill(c->buf, c->lbs, 76);
	check(!memcmp(c->buf, c->buf2, c->lbs), "READ returns the disk's data");

	for (i = 0; i < ARRAY_SIZE(nv_writes); i++) {
		nv_fill(&n, nv_writes[i].op, slba, 1, (uintptr_t)c->buf, c->lbs);
		if (nv_writes[i].op == NV_DSM) {
			n.cdw10 = 0;
			n.cdw11 = 1u << 2;	/* AD */
			n.cdw12 = 0;
			n.addr = (uintptr_t)&range;
			n.data_len = sizeof(range);
		}
		if (nv_writes[i].op == NV_WZ)
			n.addr = n.data_len = 0;
		ret = nv_uring(c, NVME_URING_CMD_IO, &n);
		check(ret == -EACCES, "NVMe %s (uring) on O_RDONLY: %d",
		      nv_writes[i].name, ret);
		ret = nv_ioctl(c, false, &n);
		check(ret == -EACCES, "NVMe %s (ioctl) on O_RDONLY: %d",
		      nv_writes[i].name, ret);
	}
	nv_fill(&n, NV_READ, slba, 1, (uintptr_t)c->buf2, c->lbs);
	check(nv_uring(c, NVME_URING_CMD_IO, &n) == 0, "NVMe Read on O_RDONLY");
	nv_fill(&n, NV_FLUSH, 0, 0, 0, 0);
	check(nv_uring(c, NVME_URING_CMD_IO, &n) == 0, "NVMe Flush (any open)");
	/* admin: Identify of the namespace and controller only */
	nv_fill(&n, NV_IDENTIFY, 0, 0, (uintptr_t)c->buf2, 4096);
	n.cdw10 = 1;
	check(nv_uring(c, NVME_URING_CMD_ADMIN, &n) == 0, "Identify Controller");
	n.cdw10 = 2;
	check(nv_uring(c, NVME_URING_CMD_ADMIN, &n) == -EACCES,
	      "Identify active namespaces");
	check(nv_ioctl(c, true, &n) == -EACCES, "Identify active (ioctl)");
	nv_fill(&n, NV_GET_LOG, 0, 0, (uintptr_t)c->buf2, 4096);
	n.nsid = 0xffffffff;
	check(nv_uring(c, NVME_URING_CMD_ADMIN, &n) == -EACCES, "Get Log Page");
	check(nv_ioctl(c, true, &n) == -EACCES, "Get Log Page (ioctl)");
	/* an unknown I/O opcode is refused before anything else */
	nv_fill(&n, 0x05, slba, 1, (uintptr_t)c->buf, c->lbs);
	check(nv_uring(c, NVME_URING_CMD_IO, &n) == -EACCES, "NVMe Compare");
	ctx_close(c);
}

static void partition_checks(void *p)
{
	struct ctx *c = p;
	uint64_t nsze = c->cap >> c->shift, lbs = c->lbs;
	struct iovec iov[2] = { { c->buf, c->lbs }, { c->buf + c->lbs, c->lbs } };
	static const uint64_t past[] = { 0, 1, 2 };
	struct { uint32_t cattr, nlb; uint64_t slba; } ranges[2];
	struct nvme_passthru_cmd64 n;
	uint64_t slbas[5];
	unsigned int i;
	int ret;

	if (!ctx_open(c, O_RDWR)) {
		check(false, "open O_RDWR of a 0606 node: %s", strerror(errno));
		return;
	}
	ut_fill(c->buf, BUF_SIZE, 99);
	/* native, straddling the end or past it (and one wrapping) */
	for (i = 0; i < ARRAY_SIZE(past); i++) {
		uint64_t off = c->cap - lbs + past[i] * lbs;

		check(native(c, URPT_CMD_WRITE, (uintptr_t)c->buf, 2 * lbs, off, 0,
			     NULL) == -ENOSPC, "WRITE at end - 1 block + %llu",
		      (unsigned long long)past[i]);
		check(native(c, URPT_CMD_READ, (uintptr_t)c->buf2, 2 * lbs, off, 0,
			     NULL) == -ENOSPC, "READ at end - 1 block + %llu",
		      (unsigned long long)past[i]);
		check(native(c, URPT_CMD_WRITEV, (uintptr_t)iov, 2, off, 0,
			     NULL) == -ENOSPC, "WRITEV across the end");
		ret = native(c, URPT_CMD_WRITE_ZEROES, 0, 2 * lbs, off, 0, NULL);
		check(ret == (c->wzeroes ? -ENOSPC : -EOPNOTSUPP),
		      "WRITE_ZEROES across the end: %d", ret);
		ret = native(c, URPT_CMD_DISCARD, 0, 2 * lbs, off, 0, NULL);
		check(ret == (c->discard ? -ENOSPC : -EOPNOTSUPP),
		      "DISCARD across the end: %d", ret);
	}
	check(native(c, URPT_CMD_WRITE, (uintptr_t)c->buf, lbs,
		     UINT64_MAX & ~(lbs - 1), 0, NULL) == -ENOSPC,
	      "WRITE at an offset that wraps");
	check(native(c, URPT_CMD_WRITE, (uintptr_t)c->buf, lbs, c->cap + (1u << 20),
		     0, NULL) == -ENOSPC, "WRITE 1 MiB past the end");
	/* NVMe: LBAs past the end, LBAs that wrap when made bytes */
	slbas[0] = nsze - 1;
	slbas[1] = nsze;
	slbas[2] = nsze + 1000;
	slbas[3] = 1ULL << (64 - c->shift);
	slbas[4] = UINT64_MAX;
	for (i = 0; i < ARRAY_SIZE(slbas); i++) {
		nv_fill(&n, NV_WRITE, slbas[i], 2, (uintptr_t)c->buf, 2 * lbs);
		ret = nv_uring(c, NVME_URING_CMD_IO, &n);
		check(ret == SC_LBA_RANGE, "NVMe Write at LBA %#llx: %#x",
		      (unsigned long long)slbas[i], ret);
		ret = nv_ioctl(c, false, &n);
		check(ret == SC_LBA_RANGE, "NVMe Write (ioctl) at LBA %#llx: %#x",
		      (unsigned long long)slbas[i], ret);
		n.opcode = NV_WZ;
		n.addr = n.data_len = 0;
		ret = nv_uring(c, NVME_URING_CMD_IO, &n);
		check(ret == (c->wzeroes ? SC_LBA_RANGE : 0x4001),
		      "NVMe Write Zeroes at LBA %#llx: %#x",
		      (unsigned long long)slbas[i], ret);
		ranges[0] = (typeof(ranges[0])){ 0, 1, 0 };
		ranges[1] = (typeof(ranges[1])){ 0, 2, slbas[i] };
		nv_fill(&n, NV_DSM, 0, 0, (uintptr_t)ranges, sizeof(ranges));
		n.cdw10 = 1;
		n.cdw11 = 1u << 2;
		n.cdw12 = 0;
		ret = nv_uring(c, NVME_URING_CMD_IO, &n);
		check(ret == (c->discard ? SC_LBA_RANGE : 0x4001),
		      "NVMe DSM with a range at LBA %#llx: %#x",
		      (unsigned long long)slbas[i], ret);
	}
	/* the edges inside work: first and last block */
	check(native(c, URPT_CMD_WRITE, (uintptr_t)c->buf, lbs, 0, 0, NULL) ==
	      (int)lbs, "WRITE of the first block");
	check(native(c, URPT_CMD_WRITE, (uintptr_t)c->buf + lbs, lbs,
		     c->cap - lbs, 0, NULL) == (int)lbs, "WRITE of the last block");
	ctx_close(c);
}

/* Every way to hand the kernel a buffer address, with kernel addresses. */
static void kaddr_checks(void *p)
{
	struct ctx *c = p;
	struct utsname before, after;
	struct nvme_passthru_cmd64 n;
	uint64_t st0[4], st1[4], x0 = 0;
	struct iovec iov;
	unsigned int i;
	int ret;

	if (!ctx_open(c, O_RDWR)) {
		check(false, "open O_RDWR: %s", strerror(errno));
		return;
	}
	check(io_uring_register_buffers(&c->ring, &(struct iovec){ c->buf2, BUF_SIZE },
					1) == 0, "register a buffer");
	check(uname(&before) == 0, "uname");
	check(disk_stat(c->name, st0), "disk stat");
	for (i = 0; i < c->nkaddrs; i++) {
		uint64_t k = c->kaddrs[i];
		const char *h = "kernel address";

		x0 = 1;
		ret = native(c, URPT_CMD_READ, k, c->lbs, REGION, 0, &x0);
		check(ret == -EFAULT && !x0, "READ into %#llx: %d",
		      (unsigned long long)k, ret);
		ret = native(c, URPT_CMD_READ, k, 8 * c->lbs, REGION, 0, NULL);
		check(ret == -EFAULT, "READ of 8 blocks into %#llx: %d",
		      (unsigned long long)k, ret);
		ret = native(c, URPT_CMD_WRITE, k, c->lbs, REGION, 0, &x0);
		check(ret == -EFAULT && !x0, "WRITE from %#llx: %d",
		      (unsigned long long)k, ret);
		ret = native(c, URPT_CMD_INFO, k, sizeof(struct urpt_info), 0, 0,
			     NULL);
		check(ret == -EFAULT, "INFO into %#llx: %d", (unsigned long long)k, ret);
		iov.iov_base = (void *)(uintptr_t)k;
		iov.iov_len = c->lbs;
		ret = native(c, URPT_CMD_READV, (uintptr_t)&iov, 1, REGION, 0, NULL);
		check(ret == -EFAULT, "READV into %#llx: %d", (unsigned long long)k, ret);
		ret = native(c, URPT_CMD_WRITEV, (uintptr_t)&iov, 1, REGION, 0, NULL);
		check(ret == -EFAULT, "WRITEV from %#llx: %d", (unsigned long long)k, ret);
		ret = native(c, URPT_CMD_READV, k, 1, REGION, 0, NULL);
		check(ret == -EFAULT, "READV with its iovec array at %#llx: %d",
		      (unsigned long long)k, ret);
		ret = native(c, URPT_CMD_READ, k, c->lbs, REGION,
			     IORING_URING_CMD_FIXED, NULL);
		check(ret == -EFAULT, "registered-buffer READ at %#llx: %d",
		      (unsigned long long)k, ret);
		nv_fill(&n, NV_READ, REGION >> c->shift, 1, k, c->lbs);
		check(nv_uring(c, NVME_URING_CMD_IO, &n) == -EFAULT,
		      "NVMe Read into %#llx (%s)", (unsigned long long)k, h);
		check(nv_ioctl(c, false, &n) == -EFAULT,
		      "NVMe Read (ioctl) into %#llx", (unsigned long long)k);
		n.opcode = NV_WRITE;
		check(nv_uring(c, NVME_URING_CMD_IO, &n) == -EFAULT,
		      "NVMe Write from %#llx", (unsigned long long)k);
		check(nv_ioctl(c, false, &n) == -EFAULT,
		      "NVMe Write (ioctl) from %#llx", (unsigned long long)k);
		n.opcode = NV_READ;
		n.addr = (uintptr_t)&iov;
		n.data_len = 1;
		check(nv_uring(c, NVME_URING_CMD_IO_VEC, &n) == -EFAULT,
		      "NVMe vectored Read into %#llx", (unsigned long long)k);
		n.addr = k;
		check(nv_uring(c, NVME_URING_CMD_IO_VEC, &n) == -EFAULT,
		      "NVMe vectored Read with its iovec array at %#llx",
		      (unsigned long long)k);
		nv_fill(&n, NV_IDENTIFY, 0, 0, k, 4096);
		n.cdw10 = 1;
		check(nv_uring(c, NVME_URING_CMD_ADMIN, &n) == -EFAULT,
		      "Identify into %#llx", (unsigned long long)k);
		check(nv_ioctl(c, true, &n) == -EFAULT,
		      "Identify (ioctl) into %#llx", (unsigned long long)k);
		check(err_of(ioctl(c->fd, NVME_IOCTL_IO64_CMD,
				   (void *)(uintptr_t)k)) == -EFAULT,
		      "NVMe ioctl with its argument at %#llx", (unsigned long long)k);
	}
	/* a user address whose range runs into the kernel's */
	ret = native(c, URPT_CMD_READ, 0x7fffffffe000ULL, 8192, REGION, 0, NULL);
	check(ret == -EFAULT, "READ across the end of user space: %d", ret);
	check(disk_stat(c->name, st1), "disk stat");
	check(!memcmp(st0, st1, sizeof(st0)),
	      "no I/O reached the disk (reads %llu -> %llu, writes %llu -> %llu)",
	      (unsigned long long)st0[0], (unsigned long long)st1[0],
	      (unsigned long long)st0[2], (unsigned long long)st1[2]);
	check(uname(&after) == 0 && !memcmp(&before, &after, sizeof(before)),
	      "the kernel's utsname is unchanged");
	ctx_close(c);
}

/* ---- the fixture -------------------------------------------------------------- */

FIXTURE(sec) {
	bool skip;
	struct ut_disk d;
	uint64_t rng;
	struct ctx c;
	char *pattern;		/* what root wrote at REGION */
};

/* init_uts_ns from /proc/kallsyms (root sees the addresses): 0 if hidden. */
static uint64_t kallsyms(const char *sym)
{
	char line[256], name[128], type;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");
	uint64_t ret = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %127s", &a, &type, name) == 3 &&
		    !strcmp(name, sym)) {
			ret = a;
			break;
		}
	fclose(f);
	return ret;
}

FIXTURE_SETUP(sec)
{
	static const uint64_t fixed[] = {
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xffffffffff600000ULL, 0xffffc90000000000ULL,
		0xfffffffffffff000ULL, 0x8000000000000000ULL,
		0x0000800000000000ULL,
	};
	uint64_t k;
	unsigned int i;

	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	self->c.node = self->d.path;
	self->c.name = self->d.name;
	self->c.lbs = self->d.info.logical_block_size;
	self->c.cap = self->d.info.capacity;
	self->c.shift = __builtin_ctz(self->c.lbs);
	self->c.discard = self->d.info.max_discard;
	self->c.wzeroes = self->d.info.max_write_zeroes;
	self->c.buf = ut_alloc(BUF_SIZE);
	self->c.buf2 = ut_alloc(BUF_SIZE);
	self->pattern = ut_alloc(BUF_SIZE);
	ut_fixture_need_bufs(_metadata, &self->d, self->c.buf, self->c.buf2);
	ASSERT_NE(NULL, self->pattern);
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		self->c.kaddrs[self->c.nkaddrs++] = fixed[i];
	k = kallsyms("init_uts_ns");
	if (k)
		self->c.kaddrs[self->c.nkaddrs++] = k;
	else
		TH_LOG("/proc/kallsyms hides init_uts_ns: fixed addresses only");
	/* The region the tests own holds a known pattern. */
	ut_fill(self->pattern, BUF_SIZE, 76);
	ASSERT_EQ(0, ut_pwrite_full(self->d.direct_fd, self->pattern, BUF_SIZE,
				    REGION));
	/* readonly_checks reads back its first block */
	ut_fill(self->c.buf, self->c.lbs, 76);
}

FIXTURE_TEARDOWN(sec)
{
	if (self->skip)
		return;
	chmod(self->d.path, 0600);
	ut_fixture_release(_metadata, &self->d);
}

static void expect_region_intact(struct __test_metadata *_metadata,
				 FIXTURE_DATA(sec) *self)
{
	EXPECT_EQ(-1, ut_disk_diff(self->d.direct_fd, self->c.buf2, BUF_SIZE,
				   self->pattern, BUF_SIZE, REGION));
}

TEST_F(sec, control_node_refuses_nobody)
{
	struct ctl_arg a = { .bdev = self->d.bdev, .index = self->d.index };
	struct stat st;

	NEED_SETUP();
	ASSERT_EQ(0, stat(UT_CONTROL_PATH, &st));
	EXPECT_EQ(0600u, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);
	a.ctl = ut_ctl_open();
	ASSERT_LE(0, a.ctl);
	EXPECT_EQ(0, as_nobody("control node", ctl_checks, &a));
	close(a.ctl);
	/* still attached, node still there */
	EXPECT_TRUE(ut_exists(self->d.path));
	EXPECT_EQ(0, urpt_info(&self->d.dev, &self->d.info, NULL) < 0);
}

TEST_F(sec, node_default_mode_refuses_nobody)
{
	struct stat st;

	NEED_SETUP();
	ASSERT_EQ(0, stat(self->d.path, &st));
	EXPECT_EQ(0600u, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);
	EXPECT_EQ(0, as_nobody("node mode 0600", node_closed_checks,
			       (void *)self->d.path));
}

TEST_F(sec, readonly_open_cannot_write)
{
	NEED_SETUP();
	ASSERT_EQ(0, chmod(self->d.path, 0604));
	EXPECT_EQ(0, as_nobody("node mode 0604, O_RDONLY", readonly_checks,
			       &self->c));
	ASSERT_EQ(0, chmod(self->d.path, 0600));
	expect_region_intact(_metadata, self);
}

TEST_F_TIMEOUT(sec, partition_cannot_reach_outside, 120)
{
	const char *whole = getenv("URPT_WHOLE");
	uint64_t start = 0, size = 0, end, i;
	char sys[PATH_MAX], *before, *after;
	int fd;

	NEED_SETUP();
	if (!whole || !*whole)
		SKIP(return, "URPT_WHOLE is not set: %s is not a partition run",
		     self->d.name);
	snprintf(sys, sizeof(sys), "/sys/class/block/%s/start", self->d.name);
	ASSERT_EQ(0, ut_sysfs_u64(sys, &start));
	start *= 512;
	end = start + self->c.cap;
	fd = open(whole, O_RDONLY | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &size));
	before = ut_alloc(size);
	after = ut_alloc(size);
	ASSERT_TRUE(before && after);
	ASSERT_EQ(0, ut_pread_full(fd, before, size, 0));

	ASSERT_EQ(0, chmod(self->d.path, 0606));
	EXPECT_EQ(0, as_nobody("partition, O_RDWR", partition_checks, &self->c));
	ASSERT_EQ(0, chmod(self->d.path, 0600));

	ASSERT_EQ(0, ut_pread_full(fd, after, size, 0));
	for (i = 0; i < size; i++) {
		if (i == start)
			i = end;
		if (i < size && before[i] != after[i])
			break;
	}
	EXPECT_EQ(size, i) {
		TH_LOG("%s changed at byte %#llx, outside %s [%#llx, %#llx)",
		       whole, (unsigned long long)i, self->d.name,
		       (unsigned long long)start, (unsigned long long)end);
	}
	/* the partition's first and last blocks landed where they belong */
	ut_fill(self->c.buf, 2 * self->c.lbs, 99);
	EXPECT_EQ(0, memcmp(after + start, self->c.buf, self->c.lbs));
	EXPECT_EQ(0, memcmp(after + end - self->c.lbs, self->c.buf + self->c.lbs,
			    self->c.lbs));
	close(fd);
	free(before);
	free(after);
}

TEST_F(sec, kernel_addresses_efault)
{
	NEED_SETUP();
	/* as root first: CAP_SYS_ADMIN changes nothing here */
	passes = fails = 0;
	kaddr_checks(&self->c);
	TH_LOG("kernel addresses (root): %u checks passed, %u failed", passes,
	       fails);
	EXPECT_EQ(0u, fails);
	ASSERT_EQ(0, chmod(self->d.path, 0606));
	EXPECT_EQ(0, as_nobody("kernel addresses", kaddr_checks, &self->c));
	ASSERT_EQ(0, chmod(self->d.path, 0600));
	expect_region_intact(_metadata, self);
}

TEST_HARNESS_MAIN
