/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the fault tests (urpt_fault_test.c, urpt_hotremove_test.c):
 * null_blk disks made through configfs, a load of commands kept in flight
 * while a disk is removed, memory figures, module unload attempts.
 *
 * Include after urpt_selftest.h.
 */
#ifndef URPT_FAULT_H
#define URPT_FAULT_H

#include <dirent.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define NB_ROOT		"/sys/kernel/config/nullb"
#define NB_PREFIX	"urptflt"	/* configfs items of these tests */

/* ---- time ----------------------------------------------------------------- */

static inline int64_t fl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline double fl_ms(int64_t ns)
{
	return (double)ns / 1e6;
}

/* ---- sysfs and configfs --------------------------------------------------- */

static inline int fl_write_file(const char *path, const char *val)
{
	ssize_t n, len = (ssize_t)strlen(val);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n == len ? 0 : (n < 0 ? (int)n : -EIO);
}

#define FL_CG_ROOT	"/sys/fs/cgroup"

/*
 * A fresh cgroup @dir under the root, with @controller enabled for it
 * (cgroup2 mounted first if it is not): NULL, or why not.
 */
static inline const char *fl_cgroup_make(const char *dir,
					 const char *controller)
{
	static char why[160];
	char text[256], enable[32];

	if (!ut_exists(FL_CG_ROOT "/cgroup.controllers") &&
	    mount("none", FL_CG_ROOT, "cgroup2", 0, NULL))
		return "cgroup2 cannot be mounted on " FL_CG_ROOT;
	snprintf(why, sizeof(why), "the kernel offers no %s controller",
		 controller);
	if (ut_read_text(FL_CG_ROOT "/cgroup.controllers", text,
			 sizeof(text)) < 0 || !strstr(text, controller))
		return why;
	snprintf(enable, sizeof(enable), "+%s", controller);
	snprintf(why, sizeof(why), "%s in cgroup.subtree_control was refused",
		 enable);
	if (fl_write_file(FL_CG_ROOT "/cgroup.subtree_control", enable))
		return why;
	rmdir(dir);
	snprintf(why, sizeof(why), "mkdir %s failed", dir);
	return mkdir(dir, 0755) ? why : NULL;
}

/* A null_blk disk made through configfs. */
#define BLK_STS_TIMEOUT_V 2	/* blk_status_t values, 6.1 .. 7.2 */
#define BLK_STS_IOERR_V	10

struct nb_disk {
	char item[320];		/* NB_ROOT/<name> */
	char dev[48];		/* /dev/<disk> */
	char disk[32];		/* the disk's name */
	bool made;		/* the configfs item exists */
	bool powered;		/* the disk exists */
};

static inline int nb_attr(const struct nb_disk *d, const char *attr,
			  const char *val)
{
	char path[sizeof(d->item) + 80];

	snprintf(path, sizeof(path), "%s/%s", d->item, attr);
	return fl_write_file(path, val);
}

/* Wait up to ms for path to exist (or, with gone, to be gone). */
static inline bool fl_wait_path(const char *path, bool gone, int ms)
{
	int i;

	for (i = 0; i <= ms / 10; i++) {
		if (ut_exists(path) != gone)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * mkdir NB_ROOT/NB_PREFIX<name>, write attrs ("key=value", NULL ended),
 * power=1, and find /dev/nullbN from the index. 0 or -errno; *what says
 * which step failed.
 */
static inline int nb_make(struct nb_disk *d, const char *name,
			  const char *const *attrs, const char **what)
{
	char key[64], path[400], by_item[48], by_index[48];
	const char *eq, *dev;
	uint64_t index;
	int i, ret;

	memset(d, 0, sizeof(*d));
	snprintf(d->item, sizeof(d->item), "%s/%s%s", NB_ROOT, NB_PREFIX, name);
	*what = "mkdir (configfs mounted? null_blk loaded?)";
	if (mkdir(d->item, 0755))
		return -errno;
	d->made = true;
	for (; *attrs; attrs++) {
		eq = strchr(*attrs, '=');
		*what = *attrs;
		if (!eq || (size_t)(eq - *attrs) >= sizeof(key))
			return -EINVAL;
		memcpy(key, *attrs, eq - *attrs);
		key[eq - *attrs] = '\0';
		ret = nb_attr(d, key, eq + 1);
		if (ret)
			return ret;
	}
	*what = "power=1";
	ret = nb_attr(d, "power", "1");
	if (ret)
		return ret;
	d->powered = true;
	/*
	 * The disk is named after the item (5.17 and later) or nullbN from
	 * its index. It appears in a moment on Debian's kernels, in seconds
	 * on the debug kernel: look for either name, for 5 s (scaled).
	 */
	snprintf(path, sizeof(path), "%s/index", d->item);
	*what = "index";
	ret = ut_sysfs_u64(path, &index);
	if (ret)
		return ret;
	snprintf(by_index, sizeof(by_index), "/dev/nullb%llu",
		 (unsigned long long)index);
	snprintf(by_item, sizeof(by_item), "/dev/%s%s", NB_PREFIX, name);
	for (i = 0; i <= 500 * ut_timeout_scale(); i++) {
		dev = ut_exists(by_item) ? by_item :
		      ut_exists(by_index) ? by_index : NULL;
		if (dev) {
			snprintf(d->dev, sizeof(d->dev), "%s", dev);
			snprintf(d->disk, sizeof(d->disk), "%s", dev + 5);
			return 0;
		}
		usleep(10000);
	}
	*what = "the device node did not appear";
	return -ENOENT;
}

/* power=0: del_gendisk(), as a surprise removal does. */
static inline int nb_power_off(struct nb_disk *d)
{
	int ret = nb_attr(d, "power", "0");

	if (!ret)
		d->powered = false;
	return ret;
}

static inline void nb_destroy(struct nb_disk *d)
{
	if (d->powered)
		nb_power_off(d);
	if (d->made && rmdir(d->item) == 0)
		d->made = false;
}

/*
 * Disks a killed earlier run left behind: detach what urpt still has of
 * them, power them off and remove them.
 */
static inline void nb_cleanup_leftovers(void)
{
	struct nb_disk d;
	struct dirent *e;
	char path[sizeof(d.item) + 80];
	uint64_t v;
	DIR *dir = opendir(NB_ROOT);

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, NB_PREFIX, strlen(NB_PREFIX)))
			continue;
		memset(&d, 0, sizeof(d));
		snprintf(d.item, sizeof(d.item), "%s/%s", NB_ROOT, e->d_name);
		d.made = true;
		snprintf(path, sizeof(path), "%s/power", d.item);
		d.powered = ut_sysfs_u64(path, &v) == 0 && v;
		snprintf(path, sizeof(path), "%s/index", d.item);
		if (d.powered && ut_sysfs_u64(path, &v) == 0) {
			snprintf(d.disk, sizeof(d.disk), "nullb%llu",
				 (unsigned long long)v);
			ut_detach_leftovers(d.disk);
			ut_detach_leftovers(e->d_name);
		}
		nb_destroy(&d);
	}
	closedir(dir);
}

/* ---- memory --------------------------------------------------------------- */

/* A field of /proc/meminfo in KiB, or -1. */
static inline long fl_meminfo(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * KiB of free pages sitting on the per-cpu free lists ("count:" of every
 * pageset in /proc/zoneinfo): MemFree leaves them out, and they come and
 * go by megabytes as the lists fill and drain.
 */
static inline long fl_pcp_kb(void)
{
	char line[256];
	long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

struct fl_mem {
	long avail;	/* MemAvailable + the per-cpu free lists, KiB */
	long sunreclaim; /* SUnreclaim, KiB: slab a leak would grow */
};

static inline void fl_mem_read(struct fl_mem *m)
{
	/*
	 * Let RCU-freed objects, per-cpu caches and io_uring's ring exit
	 * work (which frees a closed ring's memory) settle.
	 */
	usleep(1000000);
	m->avail = fl_meminfo("MemAvailable") + fl_pcp_kb();
	m->sunreclaim = fl_meminfo("SUnreclaim");
}

/*
 * The end reading of a loop begun at @base: memory a closed ring still
 * holds while its exit work runs comes back, a leak does not. Read again,
 * up to five seconds, while the growth is over a bound, and keep the best
 * of the readings.
 */
static inline void fl_mem_settle(struct fl_mem *m, const struct fl_mem *base,
				 long slab_kb, long avail_kb)
{
	struct fl_mem r;
	int i;

	fl_mem_read(m);
	for (i = 0; i < 5; i++) {
		if (m->sunreclaim - base->sunreclaim < slab_kb &&
		    base->avail - m->avail < avail_kb)
			return;
		fl_mem_read(&r);
		if (r.avail > m->avail)
			m->avail = r.avail;
		if (r.sunreclaim < m->sunreclaim)
			m->sunreclaim = r.sunreclaim;
	}
}

/* ---- module --------------------------------------------------------------- */

/* delete_module("urpt"): 0 if it went, else -errno. */
static inline int fl_try_unload(void)
{
	return syscall(SYS_delete_module, "urpt", O_NONBLOCK) ? -errno : 0;
}

/* Load URPT_KO again after an unload that should not have happened. */
static inline int fl_reload(void)
{
	const char *ko = getenv("URPT_KO");
	int fd, ret;

	if (!ko || !*ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	fl_wait_path(UT_CONTROL_PATH, false, 5000);
	return ret;
}

/* Close a test's ring (if it is up) and its node (if open). */
static inline void fl_close_node(struct io_uring *ring, bool *ring_up, int *fd)
{
	if (*ring_up)
		io_uring_queue_exit(ring);
	*ring_up = false;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- a load kept in flight while the disk goes away ------------------------ */

#define FL_SLOT_BYTES	65536u

struct fl_load {
	struct io_uring *ring;
	int fd;
	char *bufs;		/* depth * FL_SLOT_BYTES */
	unsigned int depth;
	uint32_t lbs;
	uint64_t capacity;
	/* results */
	unsigned int submitted, done, ok, eio, enodev, other;
	int other_res;		/* the first unexpected res */
	unsigned int left;	/* still in flight at the deadline */
	int64_t t0;		/* load started */
	int64_t first_err_ns;	/* first failed completion */
	int64_t last_ns;	/* last completion */
};

/* What the remover did, in memory shared with it. */
struct fl_removal {
	volatile int64_t start_ns;	/* just before the write */
	volatile int64_t end_ns;	/* the write returned */
	volatile int rc;		/* 0 or -errno of the write */
};

/*
 * Command of slot i: mostly 4 KiB reads, some 64 KiB ones, writes, and
 * every 16th bounced, at the slot's own place on the disk.
 */
static inline void fl_prep(struct fl_load *l, unsigned int i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(l->ring);
	uint32_t len = i % 8 == 5 ? FL_SLOT_BYTES : 4096;
	uint64_t off = ((uint64_t)i * FL_SLOT_BYTES) %
		       (l->capacity - FL_SLOT_BYTES);
	void *buf = l->bufs + (size_t)i * FL_SLOT_BYTES;

	if (len < l->lbs)
		len = l->lbs;
	if (i % 4 == 3)
		urpt_prep_write(sqe, l->fd, buf, len, off);
	else
		urpt_prep_read(sqe, l->fd, buf, len, off);
	if (i % 16 == 7)
		urpt_prep_set_flags(sqe, URPT_F_BOUNCE);
	sqe->user_data = i;
}

/* One completion, waiting at most ms; on an IOPOLL ring by polling. */
static inline int fl_get(struct fl_load *l, struct ut_cqe *c, int ms)
{
	struct __kernel_timespec ts = { .tv_nsec = (long)ms * 1000000 };
	struct io_uring_cqe *cqe;
	int64_t until = fl_now_ns() + (int64_t)ms * 1000000;
	int ret;

	if (!(l->ring->flags & IORING_SETUP_IOPOLL)) {
		ret = io_uring_wait_cqe_timeout(l->ring, &cqe, &ts);
		if (ret)
			return ret;
	} else {
		for (;;) {
			ret = io_uring_peek_cqe(l->ring, &cqe);
			if (ret == 0 && cqe)
				break;
			io_uring_get_events(l->ring);
			if (fl_now_ns() > until)
				return -ETIME;
		}
	}
	ut_cqe_copy(l->ring, cqe, c);
	io_uring_cqe_seen(l->ring, cqe);
	return 0;
}

/*
 * Keep l->depth commands in flight; after delay_ms a child writes val to
 * path (the removal) and records when in *rm. Every completion is
 * counted; a failed one stops the resubmitting. Returns when nothing is
 * in flight, or limit_ms after the removal started (l->left then says
 * how many never completed). 0, or -errno of the ring.
 */
static inline int fl_run(struct fl_load *l, const char *path, const char *val,
			 int delay_ms, int limit_ms, struct fl_removal *rm,
			 pid_t *remover)
{
	unsigned int i, inflight = 0;
	bool stop = false;
	struct ut_cqe c;
	pid_t pid;
	int ret;

	*remover = -1;
	memset(rm, 0, sizeof(*rm));
	l->t0 = fl_now_ns();
	for (i = 0; i < l->depth; i++)
		fl_prep(l, i);
	ret = io_uring_submit(l->ring);
	if (ret < 0)
		return ret;
	l->submitted = ret;
	inflight = ret;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		usleep(delay_ms * 1000);
		rm->start_ns = fl_now_ns();
		rm->rc = fl_write_file(path, val);
		rm->end_ns = fl_now_ns();
		_exit(0);
	}
	*remover = pid;

	while (inflight) {
		ret = fl_get(l, &c, 50);
		if (ret == 0) {
			inflight--;
			l->done++;
			l->last_ns = fl_now_ns();
			if (c.res >= 0) {
				l->ok++;
			} else {
				if (c.res == -EIO)
					l->eio++;
				else if (c.res == -ENODEV)
					l->enodev++;
				else if (!l->other++)
					l->other_res = c.res;
				if (!stop)
					l->first_err_ns = l->last_ns;
				stop = true;
			}
			if (!stop) {
				fl_prep(l, (unsigned int)c.user_data);
				ret = io_uring_submit(l->ring);
				if (ret == 1) {
					l->submitted++;
					inflight++;
				} else {
					stop = true;
				}
			}
		} else if (ret != -ETIME && ret != -EINTR && ret != -EAGAIN) {
			l->left = inflight;
			return ret;
		}
		if (rm->start_ns &&
		    fl_now_ns() - rm->start_ns > (int64_t)limit_ms * 1000000)
			break;
		/* The remover never started: give up after a minute. */
		if (!rm->start_ns && fl_now_ns() - l->t0 > 60000000000LL)
			break;
	}
	l->left = inflight;
	return 0;
}

/* Wait at most ms for pid; true if it was reaped. */
static inline bool fl_waitpid(pid_t pid, int *status, int ms)
{
	int i;

	for (i = 0; i <= ms / 10; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * The load after a removal (what: the removal's name in the log): every
 * command completed within limit_ms of the removal's start, each with
 * success, -EIO or -ENODEV, and some failed. Uses the harness's
 * EXPECT_* (kselftest_harness.h comes first).
 */
static inline void fl_expect_load_ended(struct __test_metadata *_metadata,
					const struct fl_load *l,
					const struct fl_removal *rm,
					const char *what, bool iopoll,
					int limit_ms)
{
	int64_t all_ns = l->last_ns - rm->start_ns;

	TH_LOG("%s: %u commands submitted, %u completed: %u ok, %u -EIO, %u -ENODEV, %u other",
	       iopoll ? "IOPOLL" : "interrupts", l->submitted, l->done,
	       l->ok, l->eio, l->enodev, l->other);
	TH_LOG("%s took %.1f ms; first failed completion at +%.1f ms, last completion at +%.1f ms",
	       what, fl_ms(rm->end_ns - rm->start_ns),
	       fl_ms(l->first_err_ns - rm->start_ns), fl_ms(all_ns));
	EXPECT_EQ(0u, l->left) {
		TH_LOG("%u commands never completed", l->left);
	}
	EXPECT_EQ(0u, l->other) {
		TH_LOG("first unexpected res %d (%s)", l->other_res,
		       strerror(-l->other_res));
	}
	EXPECT_LT(0u, l->eio + l->enodev) {
		TH_LOG("the load never saw the %s", what);
	}
	EXPECT_GT((int64_t)limit_ms * ut_timeout_scale() * 1000000, all_ns);
}

#endif /* URPT_FAULT_H */
