// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the SQE read-once race.
 *
 * A second thread rewrites the command area of every SQE in the SQ ring
 * memory (and the iovec arrays of the vectored commands) while the first
 * submits, flipping each field between its good value and evil ones. The
 * evil values are chosen so that any command with at least one of them is
 * invalid (a length past max_transfer or misaligned, an offset past the
 * end, a kernel or unmapped address, a bad version, flag or reserved
 * field; for NVMe an LBA past the end, a buffer too short, a wrong nsid or
 * flags). So every completion must be either the one valid command done
 * exactly (res, data at the good offset from the good buffer) or an error
 * of the evil set, and nothing may change outside: the user memory around
 * the buffer, the disk around the target, the disk past the end of a
 * partition (URPT_WHOLE), the last MiB of the disk. A driver that checked
 * one version of a field and used another (a length, an offset) would
 * write where no valid command can.
 *
 * Phases: native WRITE, READ, WRITEV, READV and NVMe Write and Read, each
 * issued inline, with IOSQE_ASYNC (io_uring copies the SQE, then its
 * worker issues it) and through an SQPOLL ring (the kernel's SQ thread
 * reads the SQE while the mutator writes it).
 *
 * Environment: URPT_BDEV (attached by the test, overwritten; null_blk and
 * partitions only unless URPT_RACE_ANY_DISK=1), URPT_WHOLE (the whole disk
 * of a partition), URPT_RACE_COUNT (attempts, default 30000 a disk:
 * 60000 in `make check`; urptvm.race_count=N on the kernel command line
 * too), URPT_SEED.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define QD		8
#define DEFAULT_COUNT	30000
#define T_OFF		(4u << 20)	/* disk region checked around the target */
#define T_LEN		(2u << 20)
#define U_SIZE		(4u << 20)	/* user buffer region, guards around */
#define U_BUF		(1u << 20)	/* the good buffer, inside U */
#define TAIL		(1u << 20)	/* the disk's last MiB, checked */
#define KADDR		0xffff888000000000ULL

enum phase_kind { P_WRITE, P_READ, P_WRITEV, P_READV, P_NVW, P_NVR, NKINDS };
static const char *const kind_names[NKINDS] = {
	"WRITE", "READ", "WRITEV", "READV", "NVMe Write", "NVMe Read",
};
enum mode { M_INLINE, M_ASYNC, M_SQPOLL, NMODES };
static const char *const mode_names[NMODES] = { "inline", "async", "sqpoll" };

/* One field of the command area: where, how wide, good and evil values. */
struct field {
	unsigned int off;	/* in the 80-byte area; ~0u: an iovec entry */
	unsigned int size;
	uint64_t good;
	uint64_t evil[3];
	unsigned int nevil;
};

#define MAXF	12

static struct race {
	uint32_t lbs;
	uint64_t cap;
	unsigned int shift;
	uint32_t len;		/* the good length */
	uint64_t off;		/* the good offset */
	char *u;		/* U_SIZE, guard pages around */
	char *good;		/* u + U_BUF */
	char *upat;		/* what u holds outside the transfer */
	char *data;		/* what the write phases write */
	char *hole;		/* PROT_NONE */
	struct iovec iov[QD][3];	/* per SQE index: the vectored arrays */
	struct iovec iov_good[3];
	struct field f[MAXF];
	unsigned int nf;
	bool vec;
	/* the mutator */
	_Atomic int run;	/* 0 stop, 1 run, -1 exit */
	_Atomic int parked;	/* the mutator saw run == 0 */
	_Atomic unsigned long flips;
	struct io_uring_sqe *sqes;	/* the ring's SQE array */
	unsigned int nsqes;
} R;

/* ---- the mutator ------------------------------------------------------ */

static void store(void *p, unsigned int size, uint64_t v)
{
	switch (size) {
	case 1:
		__atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED);
		break;
	case 4:
		__atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED);
		break;
	}
}

/* SQE @s of the ring: SQE128, two 64-byte slots each. */
static struct io_uring_sqe *sqe_at(unsigned int s)
{
	return (struct io_uring_sqe *)((char *)R.sqes + 128 * s);
}

/* A field of SQE @s (or of its iovec array): its address. */
static void *field_ptr(unsigned int s, const struct field *f)
{
	if (f->off >= 1000) {	/* iovec entry: 1000 + 16 * entry + 0/8 */
		unsigned int e = (f->off - 1000) / 16, w = (f->off - 1000) % 16;

		return (char *)&R.iov[s][e] + w;
	}
	return (char *)sqe_at(s)->cmd + f->off;
}

static uint64_t good_value(unsigned int s, const struct field *f);

static void *mutator(void *arg)
{
	uint64_t rng = (uintptr_t)arg | 1;
	unsigned int s, i, spin;

	for (;;) {
		int run = atomic_load(&R.run);

		if (run < 0)
			return NULL;
		if (!run) {
			atomic_store(&R.parked, 1);
			sched_yield();
			continue;
		}
		atomic_store(&R.parked, 0);
		for (s = 0; s < R.nsqes; s++) {
			for (i = 0; i < R.nf; i++) {
				const struct field *f = &R.f[i];
				void *p = field_ptr(s, f);

				if (ut_rand(&rng) & 1)
					continue;
				store(p, f->size, f->evil[ut_rand(&rng) % f->nevil]);
				for (spin = ut_rand(&rng) % 256; spin; spin--)
					__asm__ volatile("" ::: "memory");
				store(p, f->size, good_value(s, f));
			}
		}
		atomic_fetch_add_explicit(&R.flips, 1, memory_order_relaxed);
	}
}

/* ---- phases ------------------------------------------------------------- */

static void add_field(unsigned int off, unsigned int size, uint64_t good,
		      uint64_t e0, uint64_t e1, uint64_t e2, unsigned int n)
{
	R.f[R.nf++] = (struct field){ off, size, good, { e0, e1, e2 }, n };
}

#define NOFF(m)	offsetof(struct urpt_cmd, m)
#define VOFF(m)	offsetof(struct nvme_uring_cmd, m)
#define IOV(e, w)	(1000 + 16 * (e) + (w))

/*
 * The fields the mutator flips for a phase, with their good values. Any
 * evil value alone, or with others, makes the command invalid.
 */
static void setup_fields(enum phase_kind k)
{
	uint64_t lbs = R.lbs, slba = R.off >> R.shift;
	uint32_t nlb = R.len >> R.shift;

	R.nf = 0;
	R.vec = k == P_WRITEV || k == P_READV;
	if (k == P_NVW || k == P_NVR) {
		add_field(VOFF(flags), 1, 0, 1, 0x40, 0, 2);
		add_field(VOFF(nsid), 4, 1, 0, 2, 0xffffffff, 3);
		add_field(VOFF(addr), 8, (uintptr_t)R.good, KADDR,
			  (uintptr_t)R.hole, 0, 2);
		/* shorter than the blocks (with any NLB) */
		add_field(VOFF(data_len), 4, R.len, R.lbs, 0, 0, 2);
		/* LBA past the end (with any NLB) */
		add_field(VOFF(cdw10), 4, (uint32_t)slba, (uint32_t)R.cap >> R.shift,
			  0, 0, 1);
		add_field(VOFF(cdw11), 4, slba >> 32, 1u << 31, 0, 0, 1);
		/* more blocks than the buffer (with any data_len) */
		add_field(VOFF(cdw12), 4, nlb - 1, 0xffff, (nlb - 1) | (1u << 20),
			  0, 2);
		return;
	}
	add_field(NOFF(version), 1, URPT_ABI_VERSION, 0, 2, 0xff, 3);
	add_field(NOFF(flags), 4, 0, 1u << 7, 1u << 31, 0, 2);
	add_field(NOFF(zone_action), 4, 0, 1, 0, 0, 1);
	/* past the end, or misaligned, with any length */
	add_field(NOFF(offset), 8, R.off, R.cap - lbs,
		  UINT64_MAX & ~(lbs - 1), R.off + 1, 3);
	if (R.vec) {
		/* two entries of len / 2; the third is never valid */
		add_field(NOFF(addr), 8, 0 /* set per SQE below */, KADDR,
			  (uintptr_t)R.hole, 0, 2);
		add_field(NOFF(len), 4, 2, 0, 3, URPT_MAX_IOVECS + 1, 3);
		add_field(IOV(0, 8), 8, R.len / 2, R.len / 2 + 1, 1ULL << 40, 0, 2);
		add_field(IOV(1, 0), 8, (uintptr_t)R.good + R.len / 2, KADDR,
			  (uintptr_t)R.hole, 0, 2);
		add_field(IOV(1, 8), 8, R.len / 2, R.len / 2 + 1, 0, 0, 1);
		return;
	}
	add_field(NOFF(addr), 8, (uintptr_t)R.good, KADDR, (uintptr_t)R.hole,
		  0, 2);
	/* 0, misaligned, past max_transfer */
	add_field(NOFF(len), 4, R.len, 0, R.len + 1, URPT_MAX_TRANSFER + lbs, 3);
}

/* The good value of a field in SQE @s: the iovec array is the SQE's own. */
static uint64_t good_value(unsigned int s, const struct field *f)
{
	if (f->off == NOFF(addr) && R.vec)
		return (uintptr_t)R.iov[s];
	return f->good;
}

/* Fill SQE @sqe (ring slot @s) with the good command of phase @k. */
static void prep_good(struct io_uring_sqe *sqe, unsigned int s, int fd,
		      enum phase_kind k, unsigned int sqe_flags)
{
	unsigned int i;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	memset(sqe->cmd, 0, URPT_CMD_SIZE);
	if (k == P_NVW || k == P_NVR) {
		struct nvme_uring_cmd *n = (struct nvme_uring_cmd *)sqe->cmd;

		sqe->cmd_op = NVME_URING_CMD_IO;
		n->opcode = k == P_NVW ? 0x01 : 0x02;
	} else {
		static const uint32_t ops[] = {
			URPT_CMD_WRITE, URPT_CMD_READ, URPT_CMD_WRITEV,
			URPT_CMD_READV,
		};
		sqe->cmd_op = ops[k];
	}
	if (R.vec) {
		R.iov[s][0].iov_base = R.good;
		R.iov[s][0].iov_len = R.len / 2;
		R.iov[s][1].iov_base = R.good + R.len / 2;
		R.iov[s][1].iov_len = R.len / 2;
		R.iov[s][2].iov_base = (void *)(uintptr_t)KADDR;
		R.iov[s][2].iov_len = R.len;
	}
	for (i = 0; i < R.nf; i++)
		if (R.f[i].off < 1000)
			store(field_ptr(s, &R.f[i]), R.f[i].size,
			      good_value(s, &R.f[i]));
	sqe->flags |= sqe_flags;
	sqe->user_data = s;
}

static bool kind_writes(enum phase_kind k)
{
	return k == P_WRITE || k == P_WRITEV || k == P_NVW;
}

static bool kind_nvme(enum phase_kind k)
{
	return k == P_NVW || k == P_NVR;
}

static bool err_ok(enum phase_kind k, int res)
{
	if (kind_nvme(k)) {
		switch (res) {
		case 0x4002:	/* flags, cdw12 reserved bits */
		case 0x400b:	/* nsid */
		case 0x400f:	/* buffer shorter than the blocks */
		case 0x4080:	/* LBA out of range */
		case -EFAULT:
			return true;
		}
		return false;
	}
	return res == -EINVAL || res == -ENOSPC || res == -EFAULT;
}

static uint64_t race_count(void)
{
	return ut_knob("URPT_RACE_COUNT", "urptvm.race_count", DEFAULT_COUNT);
}

FIXTURE(race) {
	bool skip;
	struct ut_disk d;
	uint64_t rng;
	char *whole_before;	/* URPT_WHOLE outside the partition */
	uint64_t part_start, part_size, whole_size;
	int whole_fd;
	char *disk_before;	/* T_OFF .. + T_LEN and the last TAIL */
	char *scratch;
};

FIXTURE_SETUP(race)
{
	const char *whole = getenv("URPT_WHOLE");
	char *p;

	self->whole_fd = -1;
	/*
	 * What is raced is urpt's reading of the SQE, the same on every disk:
	 * run on null_blk (fast) and on a partition (where the outside can be
	 * checked), skip the others to keep the suite short.
	 */
	if (ut_bdev() && !(whole && *whole) &&
	    strncmp(ut_basename(ut_bdev()), "nullb", 5) &&
	    !getenv("URPT_RACE_ANY_DISK")) {
		self->skip = true;
		SKIP(return, "%s: the race runs on null_blk and partitions (URPT_RACE_ANY_DISK=1 for any)",
		     ut_basename(ut_bdev()));
	}
	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	R.lbs = self->d.info.logical_block_size;
	R.cap = self->d.info.capacity;
	R.shift = __builtin_ctz(R.lbs);
	R.len = 8 * R.lbs;
	R.off = T_OFF + T_LEN / 2;
	ASSERT_LE((uint64_t)T_OFF + T_LEN + TAIL, R.cap);

	p = mmap(NULL, U_SIZE + 2 * 65536, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p, 65536, PROT_NONE));
	ASSERT_EQ(0, mprotect(p + 65536 + U_SIZE, 65536, PROT_NONE));
	R.u = p + 65536;
	R.good = R.u + U_BUF;
	R.upat = malloc(U_SIZE);
	R.data = malloc(R.len);
	self->disk_before = malloc(T_LEN + TAIL);
	self->scratch = ut_alloc(1u << 20);
	/*
	 * Reserved PROT_NONE rather than unmapped: a later mapping (the
	 * partition's snapshot, a ring) must never land where the evil
	 * address points.
	 */
	R.hole = mmap(NULL, 1u << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (R.hole == MAP_FAILED)
		R.hole = NULL;
	ASSERT_TRUE(R.upat && R.data && self->disk_before && self->scratch &&
		    R.hole);
	ut_fill(R.upat, U_SIZE, self->rng);
	ut_fill(R.data, R.len, self->rng + 1);

	/* The disk around the target, and its end, as they are now. */
	ut_fill(self->disk_before, T_LEN, self->rng + 2);
	ASSERT_EQ(0, ut_disk_write(self->d.direct_fd, self->scratch, 1u << 20,
				   self->disk_before, T_LEN, T_OFF));
	ASSERT_EQ(0, ut_pread_full(self->d.direct_fd, self->scratch, TAIL,
				   R.cap - TAIL));
	memcpy(self->disk_before + T_LEN, self->scratch, TAIL);

	if (whole && *whole) {
		char sys[PATH_MAX];
		uint64_t start = 0;

		snprintf(sys, sizeof(sys), "/sys/class/block/%s/start",
			 self->d.name);
		ASSERT_EQ(0, ut_sysfs_u64(sys, &start));
		self->part_start = start * 512;
		self->part_size = R.cap;
		self->whole_fd = open(whole, O_RDONLY | O_DIRECT | O_CLOEXEC);
		ASSERT_LE(0, self->whole_fd);
		ASSERT_EQ(0, ioctl(self->whole_fd, BLKGETSIZE64,
				   &self->whole_size));
		self->whole_before = ut_alloc(self->whole_size);
		ASSERT_NE(NULL, self->whole_before);
		ASSERT_EQ(0, ut_pread_full(self->whole_fd, self->whole_before,
					   self->whole_size, 0));
	}
}

FIXTURE_TEARDOWN(race)
{
	if (self->skip)
		return;
	if (self->whole_fd >= 0)
		close(self->whole_fd);
	ut_fixture_release(_metadata, &self->d);
}

/* Outside the partition, byte for byte as before. */
static long whole_diff(FIXTURE_DATA(race) *self)
{
	char *now;
	uint64_t end = self->part_start + self->part_size, i;
	long ret = -1;

	now = ut_alloc(self->whole_size);
	if (!now || ut_pread_full(self->whole_fd, now, self->whole_size, 0)) {
		free(now);
		return -2;
	}
	for (i = 0; i < self->whole_size; i++) {
		if (i == self->part_start) {
			i = end - 1;
			continue;
		}
		if (now[i] != self->whole_before[i]) {
			uint64_t j = i;

			ret = (long)i;
			while (j < self->whole_size && now[j] != self->whole_before[j])
				j++;
			fprintf(stderr, "# %llu bytes differ; now:",
				(unsigned long long)(j - i));
			for (j = i; j < i + 16 && j < self->whole_size; j++)
				fprintf(stderr, " %02x", (unsigned char)now[j]);
			fprintf(stderr, "\n");
			break;
		}
	}
	free(now);
	return ret;
}

TEST_F_TIMEOUT(race, sqe_rewritten_while_submitted, 1800)
{
	uint64_t total = race_count(), per, attempts = 0, ok = 0, bad = 0;
	uint64_t errs[NKINDS][NMODES][2];
	bool wrote = false;
	pthread_t thr;
	char *cur;	/* what the disk holds at the good offset */
	long diff;
	int k, m;

	NEED_SETUP();
	memset(errs, 0, sizeof(errs));
	per = total / (NKINDS * NMODES);
	if (!per)
		per = 1;
	cur = self->disk_before + (R.off - T_OFF);
	ASSERT_EQ(0, pthread_create(&thr, NULL, mutator,
				    (void *)(uintptr_t)self->rng));

	for (k = 0; k < NKINDS; k++) {
		for (m = 0; m < NMODES; m++) {
			struct io_uring ring;
			struct io_uring_params par = {
				.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
			};
			uint64_t n, phase_ok = 0, phase_err = 0;
			if (m == M_SQPOLL) {
				par.flags |= IORING_SETUP_SQPOLL;
				par.sq_thread_idle = 100;
			}
			ASSERT_EQ(0, io_uring_queue_init_params(QD, &ring, &par));
			R.sqes = ring.sq.sqes;
			R.nsqes = ring.sq.ring_entries;
			ASSERT_GE((unsigned int)QD, R.nsqes);
			setup_fields(k);
			memcpy(R.u, R.upat, U_SIZE);
			if (kind_writes(k))
				memcpy(R.good, R.data, R.len);
			atomic_store(&R.run, 1);

			for (n = 0; n < per; n += QD) {
				unsigned int i, batch = QD;
				uint64_t batch_ok;
				struct ut_cqe c;

				for (i = 0; i < batch; i++) {
					struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
					unsigned int s;

					ASSERT_NE(NULL, sqe);
					s = ((char *)sqe - (char *)R.sqes) / 128;
					ASSERT_GT(R.nsqes, s);
					prep_good(sqe, s, self->d.dev.fd, k,
						  m == M_ASYNC ? IOSQE_ASYNC : 0);
				}
				ASSERT_EQ((int)batch, io_uring_submit(&ring));
				batch_ok = 0;
				for (i = 0; i < batch; i++) {
					ASSERT_EQ(0, ut_reap(&ring, &c)) {
						TH_LOG("%s %s: a command did not complete",
						       kind_names[k], mode_names[m]);
					}
					attempts++;
					if (c.res == (kind_nvme(k) ? 0 : (int)R.len)) {
						phase_ok++;
						batch_ok++;
						if (kind_writes(k))
							wrote = true;
					} else if (err_ok(k, c.res)) {
						phase_err++;
						errs[k][m][c.res == -EFAULT]++;
					} else {
						bad++;
						EXPECT_TRUE(false) {
							TH_LOG("%s %s: res %d (%#x)",
							       kind_names[k], mode_names[m],
							       c.res, c.res);
						}
					}
					EXPECT_EQ((uint64_t)0, c.extra[1]);
				}
				/*
				 * The buffer: the one valid read's data if one
				 * succeeded, else untouched; nothing around it
				 * changed.
				 */
				if (!kind_writes(k)) {
					diff = ut_first_diff(R.good, batch_ok ?
							     (wrote ? R.data : cur) :
							     R.upat + U_BUF, R.len);
					EXPECT_EQ(-1, diff) {
						TH_LOG("%s %s: the buffer holds neither the data nor what it held (%llu done)",
						       kind_names[k], mode_names[m],
						       (unsigned long long)batch_ok);
						bad++;
					}
					memcpy(R.good, R.upat + U_BUF, R.len);
					diff = ut_first_diff(R.u, R.upat, U_SIZE);
					EXPECT_EQ(-1, diff) {
						TH_LOG("%s %s: user memory changed at buffer %+ld",
						       kind_names[k], mode_names[m],
						       diff - (long)U_BUF);
						memcpy(R.u, R.upat, U_SIZE);
						bad++;
					}
				}
			}
			/* the mutator must be off the SQEs before they go */
			atomic_store(&R.run, 0);
			while (!atomic_load(&R.parked))
				sched_yield();
			io_uring_queue_exit(&ring);
			ok += phase_ok;
			fprintf(stderr, "# %-10s %-6s: %llu attempts, %llu done, %llu refused\n",
				kind_names[k], mode_names[m],
				(unsigned long long)(phase_ok + phase_err),
				(unsigned long long)phase_ok,
				(unsigned long long)phase_err);
		}
	}
	atomic_store(&R.run, -1);
	pthread_join(thr, NULL);
	fprintf(stderr, "# %llu attempts, %llu valid completions, %lu mutator sweeps\n",
		(unsigned long long)attempts, (unsigned long long)ok,
		atomic_load(&R.flips));
	EXPECT_EQ((uint64_t)0, bad);

	/* The disk: the target holds the data (or what it held), the rest as before. */
	if (wrote)
		memcpy(cur, R.data, R.len);
	diff = ut_disk_diff(self->d.direct_fd, self->scratch, 1u << 20,
			    self->disk_before, T_LEN, T_OFF);
	EXPECT_EQ(-1, diff) {
		TH_LOG("disk around the target differs at %#llx",
		       (unsigned long long)(T_OFF + diff));
	}
	diff = ut_disk_diff(self->d.direct_fd, self->scratch, 1u << 20,
			    self->disk_before + T_LEN, TAIL, R.cap - TAIL);
	EXPECT_EQ(-1, diff) {
		TH_LOG("the disk's last MiB differs at %#llx",
		       (unsigned long long)(R.cap - TAIL + diff));
	}
	if (self->whole_fd >= 0) {
		diff = whole_diff(self);
		EXPECT_EQ(-1, diff) {
			TH_LOG("the whole disk outside the partition differs at %#lx",
			       diff);
		}
	}
}

TEST_HARNESS_MAIN
