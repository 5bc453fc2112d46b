/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the urpt selftests. Every .c file in selftests/ is its own
 * program, so everything here is static.
 *
 * Include after kselftest_harness.h: the helpers that check things take
 * the harness's _metadata.
 */
#ifndef URPT_SELFTEST_H
#define URPT_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>

#include <liburing.h>
#include <urpt.h>
#include <liburpt.h>

#define UT_CONTROL_PATH		"/dev/" URPT_CONTROL_NAME
#define UT_MAX_ENTRIES		256	/* the module's URPT_MAX_DEVS */
#define UT_WAIT_SEC		10	/* longest wait for one completion */

/* ---- environment --------------------------------------------------------- */

/* The disk under test, or NULL: the tests SKIP without it. */
static inline const char *ut_bdev(void)
{
	const char *p = getenv("URPT_BDEV");

	return p && *p ? p : NULL;
}

/* "vda" for "/dev/vda": what urpt reports as the disk name. */
static inline const char *ut_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static inline bool ut_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline void ut_node_path(char *buf, size_t size, uint32_t index)
{
	snprintf(buf, size, "/dev/urpt%u", index);
}

/* Read a small text file (sysfs) into buf; returns bytes read or -errno. */
static inline ssize_t ut_read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/*
 * A count for a longer run: the environment variable env, else
 * "<key>=N" on the kernel command line (the VM harness passes it there),
 * else def.
 */
static inline uint64_t ut_knob(const char *env, const char *key, uint64_t def)
{
	const char *s = getenv(env);
	char text[4096], *p;

	if (s && *s)
		return strtoull(s, NULL, 0);
	if (ut_read_text("/proc/cmdline", text, sizeof(text)) > 0) {
		p = strstr(text, key);
		if (p && p[strlen(key)] == '=')
			return strtoull(p + strlen(key) + 1, NULL, 0);
	}
	return def;
}

/* URPT_TIMEOUT_SCALE (the debug kernel is slower): time limits times it. */
static inline int ut_timeout_scale(void)
{
	const char *s = getenv("URPT_TIMEOUT_SCALE");
	int n = s ? atoi(s) : 1;

	return n > 0 ? n : 1;
}

/* Capacity and block sizes as the block layer reports them. */
struct ut_geometry {
	uint64_t capacity;
	uint32_t lbs;
	uint32_t pbs;
};

static inline int ut_bdev_geometry(const char *path, struct ut_geometry *g)
{
	unsigned int pbs = 0;
	int lbs = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKGETSIZE64, &g->capacity) ||
	    ioctl(fd, BLKSSZGET, &lbs) || ioctl(fd, BLKPBSZGET, &pbs))
		ret = -errno;
	g->lbs = lbs;
	g->pbs = pbs;
	close(fd);
	return ret;
}

/* ---- buffers and patterns ------------------------------------------------ */

static inline void *ut_alloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, size))
		return NULL;
	memset(p, 0, size);
	return p;
}

/* xorshift64: deterministic, so a failing seed can be replayed. */
static inline uint64_t ut_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Base seed; URPT_SEED=<n> in the environment replays a run. */
static inline uint64_t ut_seed(void)
{
	const char *s = getenv("URPT_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 0x7572707473656564ULL;

	return seed ? seed : 1;
}

static inline void ut_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t state = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t x = ut_rand(&state);
		size_t n = len - i < 8 ? len - i : 8;

		memcpy(p + i, &x, n);
	}
}

/* Offset of the first differing byte, or -1 if equal. */
static inline long ut_first_diff(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	if (!memcmp(a, b, len))
		return -1;
	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

/* Full-length O_DIRECT I/O on the backing disk: 0 or -errno (-EIO short). */
static inline int ut_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static inline int ut_pwrite_full(int fd, const void *buf, size_t len,
				 uint64_t off)
{
	ssize_t n = pwrite(fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* A random block-aligned offset where len bytes fit on the disk of info. */
static inline uint64_t ut_rand_offset(const struct urpt_info *info,
				      uint64_t *rng, uint64_t len)
{
	uint64_t lbs = info->logical_block_size;
	uint64_t blocks = (info->capacity - len) / lbs + 1;

	return (ut_rand(rng) % blocks) * lbs;
}

/*
 * Compare len bytes at off of O_DIRECT fd with want, read in pieces
 * through scratch (size bytes). Offset of the first difference, -1 if
 * equal, -2 if the read failed.
 */
static inline long ut_disk_diff(int fd, void *scratch, size_t size,
				const char *want, uint64_t len, uint64_t off)
{
	uint64_t done = 0;
	long diff;

	while (done < len) {
		uint64_t n = len - done < size ? len - done : size;

		if (ut_pread_full(fd, scratch, n, off + done))
			return -2;
		diff = ut_first_diff(want + done, scratch, n);
		if (diff >= 0)
			return (long)done + diff;
		done += n;
	}
	return -1;
}

/* Write len bytes of src at off of O_DIRECT fd, in pieces through scratch. */
static inline int ut_disk_write(int fd, void *scratch, size_t size,
				const char *src, uint64_t len, uint64_t off)
{
	uint64_t done = 0;
	int ret;

	while (done < len) {
		uint64_t n = len - done < size ? len - done : size;

		memcpy(scratch, src + done, n);
		ret = ut_pwrite_full(fd, scratch, n, off + done);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

/* ---- control node, raw --------------------------------------------------- */

/* ioctl returning 0 or -errno. */
static inline int ut_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int ut_ctl_open(void)
{
	int fd = open(UT_CONTROL_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline int ut_ctl_detach_raw(int ctl, uint32_t index)
{
	struct urpt_ctl_detach d = { .index = index };

	return ut_ioctl(ctl, URPT_CTL_DETACH, &d);
}

/* Fill ents (room UT_MAX_ENTRIES); returns the number attached or -errno. */
static inline int ut_list_all(struct urpt_ctl_entry *ents)
{
	int n = urpt_ctl_list(ents, UT_MAX_ENTRIES);

	if (n > UT_MAX_ENTRIES)
		return -E2BIG;
	return n;
}

static inline int ut_list_count(void)
{
	return urpt_ctl_list(NULL, 0);
}

static inline bool ut_listed(const struct urpt_ctl_entry *ents, int n,
			     uint32_t index)
{
	int i;

	for (i = 0; i < n; i++)
		if (ents[i].index == index)
			return true;
	return false;
}

/* The index ATTACH should hand out next: the lowest one not attached. */
static inline int ut_lowest_free_index(void)
{
	struct urpt_ctl_entry ents[UT_MAX_ENTRIES];
	int n = ut_list_all(ents);
	uint32_t i;

	if (n < 0)
		return n;
	for (i = 0; i < UT_MAX_ENTRIES; i++)
		if (!ut_listed(ents, n, i))
			return (int)i;
	return -ENOSPC;
}

/*
 * A test that was killed (timeout) cannot run its teardown: detach what it
 * left of disk_name so that the next test starts clean. Returns how many
 * were detached or -errno.
 */
static inline int ut_detach_leftovers(const char *disk_name)
{
	struct urpt_ctl_entry ents[UT_MAX_ENTRIES];
	int n = ut_list_all(ents);
	int i, done = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (strncmp(ents[i].disk_name, disk_name, URPT_DISK_NAME_LEN))
			continue;
		if (urpt_ctl_detach(ents[i].index) == 0)
			done++;
	}
	return done;
}

/* ---- one raw command ----------------------------------------------------- */

/* INFO's res for a buffer of len bytes (at least URPT_INFO_SIZE_V1). */
static inline int32_t ut_info_res(uint32_t len)
{
	return len < sizeof(struct urpt_info) ? len : sizeof(struct urpt_info);
}

/* A completion, copied out of the ring. */
struct ut_cqe {
	int32_t res;
	uint32_t flags;
	uint64_t user_data;
	uint64_t extra[2];	/* big_cqe[0..1]; zero on a 16-byte CQE ring */
};

static inline void ut_cqe_copy(const struct io_uring *ring,
			       const struct io_uring_cqe *cqe,
			       struct ut_cqe *out)
{
	out->res = cqe->res;
	out->flags = cqe->flags;
	out->user_data = cqe->user_data;
	if (ring->flags & IORING_SETUP_CQE32) {
		out->extra[0] = cqe->big_cqe[0];
		out->extra[1] = cqe->big_cqe[1];
	} else {
		out->extra[0] = 0;
		out->extra[1] = 0;
	}
}

/* Wait at most UT_WAIT_SEC for one completion. 0, -ETIME or -errno. */
static inline int ut_reap(struct io_uring *ring, struct ut_cqe *out)
{
	struct __kernel_timespec ts = { .tv_sec = UT_WAIT_SEC };
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret)
		return ret;
	ut_cqe_copy(ring, cqe, out);
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/*
 * Submit the one SQE prepared on ring and wait for its completion.
 * Returns 0 (out filled) or -errno of the ring itself (not of the command).
 */
static inline int ut_submit_one(struct io_uring *ring, struct ut_cqe *out)
{
	int ret = io_uring_submit(ring);

	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EIO;
	return ut_reap(ring, out);
}

/*
 * An NVMe I/O command (NVME_URING_CMD_IO, namespace 1) on a SQE128 ring's
 * SQE: the opcode, data buffer and command dwords 10 to 12; the rest 0.
 */
static inline void ut_prep_nvme(struct io_uring_sqe *sqe, int fd,
				uint8_t opcode, void *buf, uint32_t len,
				uint32_t cdw10, uint32_t cdw11, uint32_t cdw12)
{
	struct nvme_uring_cmd *u;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = NVME_URING_CMD_IO;
	u = (struct nvme_uring_cmd *)sqe->cmd;
	memset(u, 0, 80);
	u->opcode = opcode;
	u->nsid = 1;
	u->addr = (uint64_t)(uintptr_t)buf;
	u->data_len = len;
	u->cdw10 = cdw10;
	u->cdw11 = cdw11;
	u->cdw12 = cdw12;
}

/*
 * Prepare a valid command of cmd_op on the next SQE of a SQE128 ring with
 * liburpt's prep functions and return its command area, for the caller to
 * corrupt. Unknown cmd_op values get a versioned, zeroed command with
 * addr/len/offset as given. NULL if the SQ ring is full.
 */
static inline struct urpt_cmd *ut_prep(struct io_uring *ring, int fd,
				       uint32_t cmd_op, void *buf,
				       uint32_t len, uint64_t offset)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct urpt_cmd *cmd;

	if (!sqe)
		return NULL;
	switch (cmd_op) {
	case URPT_CMD_INFO:
		urpt_prep_info(sqe, fd, buf);
		break;
	case URPT_CMD_READ:
		urpt_prep_read(sqe, fd, buf, len, offset);
		break;
	case URPT_CMD_WRITE:
		urpt_prep_write(sqe, fd, buf, len, offset);
		break;
	case URPT_CMD_FLUSH:
		urpt_prep_flush(sqe, fd);
		break;
	case URPT_CMD_READV:
		urpt_prep_readv(sqe, fd, buf, len, offset);
		break;
	case URPT_CMD_WRITEV:
		urpt_prep_writev(sqe, fd, buf, len, offset);
		break;
	case URPT_CMD_DISCARD:
		urpt_prep_discard(sqe, fd, len, offset);
		break;
	case URPT_CMD_WRITE_ZEROES:
		urpt_prep_write_zeroes(sqe, fd, len, offset);
		break;
	default:
		cmd = urpt_prep_cmd(sqe, fd, cmd_op);
		cmd->addr = (uint64_t)(uintptr_t)buf;
		cmd->len = len;
		cmd->offset = offset;
		break;
	}
	cmd = urpt_sqe_cmd(sqe);
	sqe->user_data = cmd_op;
	return cmd;
}

static inline const char *ut_op_name(uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_INFO:
		return "INFO";
	case URPT_CMD_READ:
		return "READ";
	case URPT_CMD_WRITE:
		return "WRITE";
	case URPT_CMD_FLUSH:
		return "FLUSH";
	case URPT_CMD_READV:
		return "READV";
	case URPT_CMD_WRITEV:
		return "WRITEV";
	case URPT_CMD_DISCARD:
		return "DISCARD";
	case URPT_CMD_WRITE_ZEROES:
		return "WRITE_ZEROES";
	}
	return "unknown";
}

/*
 * Wait at most UT_WAIT_SEC for one completion, on any ring: an IOPOLL ring
 * ignores the timeout of io_uring_wait_cqe_timeout() (the kernel polls
 * until min_complete), so there it polls once per turn with
 * io_uring_get_events() and checks the clock itself.
 */
static inline int ut_reap_any(struct io_uring *ring, struct ut_cqe *out)
{
	struct timespec start, now;
	struct io_uring_cqe *cqe;
	int ret;

	if (!(ring->flags & IORING_SETUP_IOPOLL))
		return ut_reap(ring, out);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = io_uring_peek_cqe(ring, &cqe);
		if (ret == 0 && cqe) {
			ut_cqe_copy(ring, cqe, out);
			io_uring_cqe_seen(ring, cqe);
			return 0;
		}
		ret = io_uring_get_events(ring);
		if (ret < 0 && ret != -EAGAIN && ret != -EINTR &&
		    ret != -EBUSY)
			return ret;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > UT_WAIT_SEC)
			return -ETIME;
	}
}

static inline int ut_submit_one_any(struct io_uring *ring, struct ut_cqe *out)
{
	int ret = io_uring_submit(ring);

	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EIO;
	return ut_reap_any(ring, out);
}

/* ---- flags ---------------------------------------------------------------- */

#define UT_F_ALL	(URPT_F_FUA | URPT_F_BOUNCE | URPT_F_NOUNMAP)

/* The urpt_cmd.flags bits cmd_op takes (urpt.h); any other is -EINVAL. */
static inline uint32_t ut_flags_allowed(uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_READ:
	case URPT_CMD_READV:
		return URPT_F_BOUNCE;
	case URPT_CMD_WRITE:
	case URPT_CMD_WRITEV:
		return URPT_F_FUA | URPT_F_BOUNCE;
	case URPT_CMD_WRITE_ZEROES:
		return URPT_F_NOUNMAP;
	}
	return 0;
}

static inline const char *ut_flag_name(uint32_t flag)
{
	switch (flag) {
	case URPT_F_FUA:
		return "FUA";
	case URPT_F_BOUNCE:
		return "BOUNCE";
	case URPT_F_NOUNMAP:
		return "NOUNMAP";
	}
	return "undefined";
}

/* ---- memory --------------------------------------------------------------- */

/*
 * size bytes of address space that cost no memory until touched: for
 * commands that must be refused on their length before the buffer is used,
 * and for buffers larger than the test VM would like to commit up front.
 */
static inline void *ut_map_lazy(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A hole in the address space: mapped, then unmapped. */
static inline void *ut_unmapped_range(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, size);
	return p;
}

/* ---- sysfs ---------------------------------------------------------------- */

/*
 * The whole disk that holds block device name ("vdb" for "vdb1", name
 * itself for a disk): a partition has no queue/ directory of its own.
 */
static inline int ut_sysfs_disk_of(const char *name, char *disk, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (!ut_exists(path))
		return (size_t)snprintf(disk, size, "%s", name) < size ?
		       0 : -ENAMETOOLONG;
	snprintf(path, sizeof(path), "/sys/class/block/%s/..", name);
	if (!realpath(path, real))
		return -errno;
	slash = strrchr(real, '/');
	return (size_t)snprintf(disk, size, "%s", slash ? slash + 1 : real) <
	       size ? 0 : -ENAMETOOLONG;
}

static inline bool ut_is_partition(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	return ut_exists(path);
}

/* /sys/block/<disk of name>/queue/<attr> into buf; bytes or -errno. */
static inline ssize_t ut_sysfs_queue(const char *name, const char *attr,
				     char *buf, size_t size)
{
	char disk[64], path[PATH_MAX];
	int ret = ut_sysfs_disk_of(name, disk, sizeof(disk));

	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/block/%s/queue/%s", disk, attr);
	return ut_read_text(path, buf, size);
}

/* A number from sysfs: 0 and *value, or -errno. */
static inline int ut_sysfs_u64(const char *path, uint64_t *value)
{
	char text[64], *end;
	ssize_t n = ut_read_text(path, text, sizeof(text));

	if (n < 0)
		return (int)n;
	errno = 0;
	*value = strtoull(text, &end, 0);
	if (errno || end == text)
		return -EINVAL;
	return 0;
}

static inline int ut_sysfs_queue_u64(const char *name, const char *attr,
				     uint64_t *value)
{
	char disk[64], path[PATH_MAX];
	int ret = ut_sysfs_disk_of(name, disk, sizeof(disk));

	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/block/%s/queue/%s", disk, attr);
	return ut_sysfs_u64(path, value);
}

/* ---- a disk attached for a test ------------------------------------------ */

/* Attached, its node open O_RDWR with liburpt's ring, and INFO read. */
struct ut_disk {
	const char *bdev;	/* /dev/... */
	const char *name;	/* basename: what urpt reports */
	uint32_t index;
	bool attached;
	bool opened;
	char path[64];		/* /dev/urpt<index> */
	struct urpt_dev dev;
	struct urpt_info info;
	int direct_fd;		/* bdev, O_RDWR | O_DIRECT */
};

static inline void ut_disk_release(struct ut_disk *d)
{
	if (d->direct_fd > 0)
		close(d->direct_fd);
	d->direct_fd = -1;
	if (d->opened)
		urpt_dev_close(&d->dev);
	d->opened = false;
	if (d->attached)
		urpt_ctl_detach(d->index);
	d->attached = false;
}

/*
 * Attach bdev (after detaching leftovers of a killed run), open the node,
 * read INFO and open bdev O_DIRECT. 0 or -errno; *what says which step.
 */
static inline int ut_disk_attach(struct ut_disk *d, const char *bdev,
				 const char **what)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->direct_fd = -1;
	d->bdev = bdev;
	d->name = ut_basename(bdev);
	*what = "detach leftovers";
	ret = ut_detach_leftovers(d->name);
	if (ret < 0)
		return ret;
	*what = "attach";
	ret = urpt_ctl_attach(bdev, 0, &d->index);
	if (ret)
		return ret;
	d->attached = true;
	ut_node_path(d->path, sizeof(d->path), d->index);
	*what = "open the node";
	ret = urpt_dev_open(&d->dev, d->path, O_RDWR);
	if (ret < 0)
		goto fail;
	d->opened = true;
	*what = "INFO";
	ret = urpt_info(&d->dev, &d->info, NULL);
	if (ret < 0)
		goto fail;
	if (d->info.size != sizeof(d->info) ||
	    !d->info.logical_block_size || !d->info.dma_alignment ||
	    d->info.max_transfer < d->info.logical_block_size) {
		ret = -EPROTO;
		goto fail;
	}
	*what = "O_DIRECT open of the disk";
	d->direct_fd = open(bdev, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (d->direct_fd < 0) {
		ret = -errno;
		goto fail;
	}
	return 0;
fail:
	ut_disk_release(d);
	return ret;
}

/* ---- checks (need the harness's _metadata) ------------------------------- */

/*
 * A command refused while being validated: res is -err and both extra
 * CQE words are zero.
 */
#define UT_EXPECT_REFUSED(c, err, what)					\
	do {								\
		EXPECT_EQ(-(err), (c)->res) {				\
			TH_LOG("%s: res %d (%s), wanted %d (%s)",	\
			       (what), (c)->res, strerror(-(c)->res),	\
			       -(err), strerror(err));			\
		}							\
		EXPECT_EQ((uint64_t)0, (c)->extra[0]) {				\
			TH_LOG("%s: big_cqe[0] %#llx on a refused command", \
			       (what), (unsigned long long)(c)->extra[0]); \
		}							\
		EXPECT_EQ((uint64_t)0, (c)->extra[1]) {				\
			TH_LOG("%s: big_cqe[1] %#llx", (what),		\
			       (unsigned long long)(c)->extra[1]);	\
		}							\
	} while (0)

/*
 * A command that went to the disk and succeeded: res as wanted, block
 * status 0, at least one bio, some time in
 * the driver, big_cqe[1] zero.
 */
#define UT_EXPECT_DONE(c, want, what)					\
	do {								\
		uint64_t __x = (c)->extra[0];				\
		EXPECT_EQ((int32_t)(want), (c)->res) {			\
			TH_LOG("%s: res %d (%s), wanted %d", (what),	\
			       (c)->res,				\
			       (c)->res < 0 ? strerror(-(c)->res) : "", \
			       (int32_t)(want));			\
		}							\
		EXPECT_EQ((uint64_t)0, (__x >> URPT_RES2_STATUS_SHIFT) &		\
			     URPT_RES2_STATUS_MASK) {			\
			TH_LOG("%s: blk status %llu", (what),		\
			       (unsigned long long)(__x & 0xff));	\
		}							\
		EXPECT_LE((uint64_t)1,					\
			  (__x >> URPT_RES2_BIOS_SHIFT) &			\
			     URPT_RES2_BIOS_MASK) {			\
			TH_LOG("%s: bios 0 in %#llx", (what),		\
			       (unsigned long long)__x);		\
		}							\
		EXPECT_LT((uint64_t)0, (__x >> URPT_RES2_NS_SHIFT) &		\
			     URPT_RES2_NS_MASK) {			\
			TH_LOG("%s: driver_ns 0 in %#llx", (what),	\
			       (unsigned long long)__x);		\
		}							\
		EXPECT_EQ((uint64_t)0, (c)->extra[1]) {				\
			TH_LOG("%s: big_cqe[1] %#llx", (what),		\
			       (unsigned long long)(c)->extra[1]);	\
		}							\
	} while (0)

/* SKIP in setup does not stop the test body with this harness: stop here. */
/*
 * CAP_SYS_ADMIN in the effective set on or off, to test as a user
 * without it: 0 or -errno.
 */
static inline int ut_sys_admin(bool on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	if (on)
		d[0].effective |= 1u << CAP_SYS_ADMIN;
	else
		d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

#define NEED_SETUP()			\
	do {				\
		if (self->skip)		\
			return;		\
	} while (0)

/*
 * FIXTURE_SETUP of a test on the disk URPT_BDEV: without it, SKIP (and
 * set *skip); else seed *rng, check that urpt.ko is loaded and attach the
 * disk to d. false when skipped: the caller's setup returns.
 */
static inline bool ut_fixture_attach(struct __test_metadata *_metadata,
				     bool *skip, struct ut_disk *d,
				     uint64_t *rng)
{
	const char *bdev = ut_bdev(), *what = "";
	int ret;

	if (!bdev) {
		*skip = true;
		SKIP(return false, "URPT_BDEV is not set");
	}
	*rng = ut_seed();
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	ret = ut_disk_attach(d, bdev, &what);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s: %s", bdev, what, strerror(-ret));
	}
	return true;
}

/*
 * Setup's buffers: fail the setup when one is NULL, after releasing d
 * (teardown does not run when setup fails).
 */
static inline void ut_fixture_need_bufs(struct __test_metadata *_metadata,
					struct ut_disk *d, const void *buf,
					const void *buf2)
{
	if (!buf || !buf2) {
		ut_disk_release(d);
		ASSERT_TRUE(false) {
			TH_LOG("out of memory");
		}
	}
}

/* FIXTURE_TEARDOWN: release d, detaching it by hand to see it succeed. */
static inline void ut_fixture_release(struct __test_metadata *_metadata,
				      struct ut_disk *d)
{
	bool attached = d->attached;
	uint32_t index = d->index;

	d->attached = false;
	ut_disk_release(d);
	if (attached) {
		EXPECT_EQ(0, urpt_ctl_detach(index));
	}
}

/*
 * Reap the next of nr completions whose user_data is 0x1000 + slot (i of
 * them so far): the slot must be one of nr and not seen before. Returns it.
 */
static inline uint64_t ut_reap_slot(struct __test_metadata *_metadata,
				    struct io_uring *ring, struct ut_cqe *c,
				    unsigned int i, unsigned int nr,
				    bool *seen)
{
	uint64_t slot;
	int ret;

	ret = ut_reap_any(ring, c);
	ASSERT_EQ(0, ret) {
		TH_LOG("only %u of %u completions arrived (%s)", i, nr,
		       strerror(-ret));
	}
	ASSERT_LE((uint64_t)0x1000, c->user_data);
	slot = c->user_data - 0x1000;
	ASSERT_GT((uint64_t)nr, slot);
	EXPECT_FALSE(seen[slot]) {
		TH_LOG("slot %llu completed twice", (unsigned long long)slot);
	}
	seen[slot] = true;
	return slot;
}

/*
 * Each of the n commands ops on ring, prepared by ut_prep on fd with buf
 * (for READV/WRITEV an array of one iovec) and lbs bytes: -EOPNOTSUPP,
 * for ring is not one urpt takes.
 */
static inline void ut_expect_ring_eopnotsupp(struct __test_metadata *_metadata,
					     struct io_uring *ring, int fd,
					     const uint32_t *ops, size_t n,
					     void *buf, uint32_t lbs)
{
	struct ut_cqe c;
	size_t i;

	for (i = 0; i < n; i++) {
		ASSERT_NE(NULL, ut_prep(ring, fd, ops[i], buf,
					ops[i] == URPT_CMD_READV ||
					ops[i] == URPT_CMD_WRITEV ? 1 : lbs,
					0));
		ASSERT_EQ(0, ut_submit_one(ring, &c));
		EXPECT_EQ(-EOPNOTSUPP, c.res) {
			TH_LOG("%s: res %d", ut_op_name(ops[i]), c.res);
		}
	}
}

#endif /* URPT_SELFTEST_H */
