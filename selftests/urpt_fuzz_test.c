// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: a command fuzzer for /dev/urptN.
 *
 * One seeded, bounded stream of commands on the node, through rings with
 * and without IOPOLL (and, now and then, rings urpt refuses), mixing four
 * kinds:
 *
 *  - verified writes and reads inside the first V_SIZE bytes of the disk
 *    (the verified region), native and NVMe, plain, vectored, registered
 *    buffers, bounced (misaligned buffers, URPT_F_BOUNCE), FUA; a shadow
 *    copy of the region says what every read must return, and the whole
 *    region is compared with the disk at the end;
 *  - exact mutations: a valid command (outside the verified region) with
 *    one thing wrong, whose answer the uapi documents (-EINVAL for a
 *    version, -ENOSPC for an offset past the end, an NVMe status...);
 *  - random commands: random cmd_op (native, NVMe, near misses, garbage),
 *    every field random or taken from a list of edges, buffers that are
 *    NULL, unmapped, PROT_NONE, read-only (for reads), kernel addresses,
 *    misaligned, straddling a guard page, random SQE flags (fixed files,
 *    links, async, drain), registered buffers with indexes out of range.
 *    (Where io_uring reads a linked command's SQE late, 6.12, a linked
 *    command's SQE is reused only once it completed: probe_linked_sqe().)
 *    Their result must be a success only where the command is valid, with
 *    the length a valid command returns, and otherwise an errno (or an
 *    NVMe status) of the documented set;
 *  - synchronous NVMe ioctls with random fields.
 *
 * No command that is not verified may address the verified region, except
 * with values that must fail (misaligned offsets, LBAs past the end). Every
 * submitted command must complete, within a time limit. Unexpected results
 * are printed with the command, and the test fails.
 *
 * Environment:
 *   URPT_BDEV           the disk (the test attaches it; it is overwritten)
 *   URPT_FUZZ_SEED      seed; default from the clock. Printed first: a
 *                       failure replays with the same seed and count.
 *   URPT_FUZZ_COUNT     number of commands (default 30000); the kernel
 *                       command line's urptvm.fuzz_count=N too, for the
 *                       VM jobs (the environment wins)
 *   URPT_FUZZ_DRAIN     percent of random commands with IOSQE_IO_DRAIN
 *                       (default 2, urptvm.fuzz_drain=N), where io_uring's
 *                       drain holds (probe_drain()); 0: none
 *   URPT_TIMEOUT_SCALE  multiplies the time limits (debug kernel)
 */
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"

#define V_SIZE		(8u << 20)	/* verified region: [0, V_SIZE) */
#define CHUNK		(128u << 10)	/* one verified command at a time */
#define NCHUNKS		(V_SIZE / CHUNK)
#define RING_QD		64
#define BATCH_MAX	32
#define SMALL_QD	8
#define NSLOTS		(2 * RING_QD + 2 * SMALL_QD)
#define UD_SEQ_SHIFT	20		/* user_data: seq << 20 | slot */
#define SLOT_BUF	(CHUNK + (32u << 10))
#define SLOT_IOVS	1100		/* > URPT_MAX_IOVECS + 1 */
#define LAZY_SIZE	(80u << 20)	/* garbage buffers, touched on use */
#define RO_SIZE		(64u << 10)
#define NONE_SIZE	(64u << 10)
#define HOLE_SIZE	(2u << 20)
#define GUARD		(64u << 10)
#define DEFAULT_COUNT	30000
#define DEFAULT_DRAIN	2		/* % of random commands drained */
#define MAX_REPORTS	40

#define NV_FLUSH	0x00
#define NV_WRITE	0x01
#define NV_READ		0x02
#define NV_WZ		0x08
#define NV_DSM		0x09
#define NV_IDENTIFY	0x06	/* admin */
#define SC_DNR		0x4000
#define SC_INV_OPCODE	(0x01 | SC_DNR)
#define SC_INV_FIELD	(0x02 | SC_DNR)
#define SC_INV_NS	(0x0b | SC_DNR)
#define SC_SGL_LEN	(0x0f | SC_DNR)
#define SC_WP		(0x20 | SC_DNR)
#define SC_LBA_RANGE	(0x80 | SC_DNR)
#define CDW12_FUA	(1u << 30)
#define DSM_AD		(1u << 2)

enum ring_id { R_PLAIN, R_POLL, R_SQE64, R_NOCQE32, NRINGS };
static const char *const ring_name[NRINGS] = {
	"plain", "iopoll", "sqe64", "sqe128-cqe16",
};

enum kind { K_FREE, K_VREAD, K_VWRITE, K_EXACT, K_RANDOM, NKINDS };
static const char *const kind_name[NKINDS] = {
	"free", "verified-read", "verified-write", "exact", "random",
};

/* How a buffer suits the device's access: B_MAYBE where it may go either way. */
enum { B_OK, B_BAD, B_MAYBE };

/* Registered files: their indexes. */
enum { FF_RW, FF_RO, FF_WO, FF_PIPE, FF_SPARSE, NFF };

/* The fds a command may use: the node three ways, a pipe, a closed fd. */
enum { FD_RW, FD_RO, FD_WO, FD_PIPE, FD_CLOSED, NFDS };

struct slot {
	enum kind kind;
	int ring;
	uint64_t seq;
	uint8_t sqe[128];
	bool nvme;
	bool after_link;	/* the SQE before it was linked to it */
	int fdkind;		/* random: FD_RW/RO/WO, -1 not the node */
	/* verified */
	int chunk;
	uint64_t off;
	uint32_t len;
	bool vec;
	unsigned int nseg;
	char *tail;		/* NVMe: the buffer past the data, untouched */
	uint32_t tail_len;
	/* exact: the one result; random: what a success must look like */
	int want;
	bool may_succeed;
	int64_t ok_res;		/* -1: any success value */
	const char *what;
	char *buf;		/* slot's data area */
	char *flat;		/* verified write: the data, in one piece */
	struct iovec *iov;	/* slot's iovec / range storage */
};

struct region {
	uintptr_t base;
	size_t size;
	int dev_reads;		/* B_* for the device reading it (a write) */
	int dev_writes;		/* B_* for the device writing it (a read) */
};

static struct fz {
	struct ut_disk *d;
	uint64_t seed, rng, count;
	unsigned int scale;
	uint32_t lbs;
	uint64_t cap, nsze;
	unsigned int shift;
	bool fixed_vec, discard, wzeroes, poll;
	int fd[NFDS];
	int pipe_w;
	struct io_uring ring[NRINGS];
	bool ring_ok[NRINGS];
	unsigned int inflight[NRINGS];
	unsigned int linked[NRINGS];	/* in flight with after_link */
	bool late_link_sqe;	/* see probe_linked_sqe() */
	unsigned int drain_pct;	/* of random commands, IOSQE_IO_DRAIN */
	struct slot slots[NSLOTS];
	unsigned int nfree;
	bool busy[NCHUNKS];
	char *shadow;
	char *slotmem;		/* NSLOTS * SLOT_BUF, registered buffer 0 */
	char *flatmem;		/* NSLOTS * CHUNK */
	char *lazy;		/* LAZY_SIZE, guard after */
	char *ro;		/* RO_SIZE of ro_pattern, PROT_READ */
	char *ro_pattern;
	char *none;		/* PROT_NONE */
	char *hole;		/* unmapped */
	char *vdso;
	char *sqes;		/* the plain ring's SQE array */
	struct region regions[8];
	struct iovec regbuf[3];
	unsigned int nregions;
	/* counters */
	uint64_t submitted, completed, failures, ioctls;
	uint64_t by_kind[NKINDS];
	uint64_t ok_kind[NKINDS];
	uint64_t errnos[256];
	uint64_t statuses, successes, verified_bytes, drained;
} F;

static const uint64_t kernel_addrs[] = {
	0xffff888000000000ULL,	/* direct map (no KASLR) */
	0xffff888000001000ULL,
	0xffffffff81000000ULL,	/* kernel text (no KASLR) */
	0xffffffffff600000ULL,	/* vsyscall page */
	0xffffc90000000000ULL,	/* vmalloc */
	0xffffea0000000000ULL,	/* vmemmap */
	0xfffffe0000000000ULL,	/* cpu entry area */
	0xfffffffffffff000ULL,
	0x8000000000000000ULL,	/* non-canonical */
	0xdead000000000000ULL,
	0x0000800000000000ULL,	/* first address past user space */
};

/* ---- randomness ----------------------------------------------------------- */

static uint64_t rnd(void)
{
	return ut_rand(&F.rng);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static uint32_t rnd_lbs_len(uint32_t max)
{
	uint32_t blocks = max / F.lbs;

	if (!blocks)
		return F.lbs;
	switch (below(4)) {
	case 0:
		return F.lbs;
	case 1:
		return (1 + below(blocks < 16 ? blocks : 16)) * F.lbs;
	default:
		return (1 + below(blocks)) * F.lbs;
	}
}

/* ---- buffers -------------------------------------------------------------- */

static void add_region(void *base, size_t size, int dev_reads, int dev_writes)
{
	F.regions[F.nregions++] = (struct region){
		(uintptr_t)base, size, dev_reads, dev_writes,
	};
}

/* Can the device read (@dev_writes false) or write @len bytes at @addr? */
static int buf_check(uint64_t addr, uint64_t len, bool dev_writes)
{
	unsigned int i;

	if (!len)
		return B_OK;
	for (i = 0; i < F.nregions; i++) {
		const struct region *r = &F.regions[i];

		if (addr < r->base || addr >= r->base + r->size)
			continue;
		/* past the region: a guard page, or the unknown */
		if (len > r->base + r->size - addr)
			return !dev_writes && r->dev_reads == B_MAYBE ?
			       B_MAYBE : B_BAD;
		return dev_writes ? r->dev_writes : r->dev_reads;
	}
	return B_BAD;
}

/*
 * A garbage buffer address for @len bytes the device reads (@dev_writes
 * false) or writes: anything from a good one to a kernel address. Never
 * the verified slots or anything else of the test's own memory.
 */
static uint64_t rnd_addr(uint64_t len, bool dev_writes)
{
	uint64_t off;

	switch (below(20)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return kernel_addrs[below(ARRAY_SIZE(kernel_addrs))] +
		       (chance(20) ? below(4096) : 0);
	case 3:
		return (uintptr_t)F.hole + below(HOLE_SIZE / 4096) * 4096;
	case 4:
		return (uintptr_t)F.none + below(NONE_SIZE);
	case 5:
		if (len > 8192)	/* crosses the end of user space */
			return 0x7fffffffe000ULL;
		return kernel_addrs[0];
	case 6:
	case 7:
		return (uintptr_t)F.ro + (chance(50) ? 0 : below(RO_SIZE));
	case 8:
		if (!dev_writes)
			return F.vdso ? (uintptr_t)F.vdso : 0;
		return (uintptr_t)F.ro;
	case 9:
		if (!dev_writes)
			return (uintptr_t)F.sqes;
		return (uintptr_t)F.none;
	case 10:	/* straddles the guard after the lazy area */
		return (uintptr_t)F.lazy + LAZY_SIZE - (len > 1 ?
							 below(len) : 1);
	default:
		off = len < LAZY_SIZE ? below(LAZY_SIZE - len + 1) :
					below(LAZY_SIZE);
		switch (below(4)) {
		case 0:
			off &= ~4095ULL;
			break;
		case 1:
			off &= ~(uint64_t)(F.lbs - 1);
			break;
		}
		return (uintptr_t)F.lazy + off;
	}
}

/* An address no array of the test's may be read from: never junk memory. */
static uint64_t rnd_bad_addr(void)
{
	switch (below(5)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)F.hole + below(HOLE_SIZE);
	case 2:
		return (uintptr_t)F.none + below(NONE_SIZE);
	default:
		return kernel_addrs[below(ARRAY_SIZE(kernel_addrs))] +
		       below(4096);
	}
}

static uint32_t rnd_len(void)
{
	switch (below(16)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(F.lbs - 1);
	case 2:
		return URPT_MAX_TRANSFER + F.lbs;
	case 3:
		return UINT32_MAX - below(2) * (F.lbs - 1);
	case 4:
		return (uint32_t)rnd();
	case 5:
		return chance(10) ? URPT_MAX_TRANSFER : (1u << 20);
	case 6:
		return F.lbs * (1 + below(8)) + 1;
	default:
		return rnd_lbs_len(64u << 10);
	}
}

/* A byte offset: outside the verified region unless it cannot be valid. */
static uint64_t rnd_offset(void)
{
	uint64_t span = F.cap > V_SIZE ? F.cap - V_SIZE : 0;

	switch (below(14)) {
	case 0:
		return F.cap;
	case 1:
		return F.cap - F.lbs;
	case 2:
		return F.cap + F.lbs * below(1024);
	case 3:
		return UINT64_MAX & ~(uint64_t)(F.lbs - 1);
	case 4:
		return 1ULL << (40 + below(24));
	case 5:
		return 1 + below(F.lbs - 1);	/* misaligned, maybe in V */
	case 6:
		return below(F.cap) | 1;	/* misaligned */
	case 7:
		return rnd() | 1;
	default:
		return V_SIZE + (below(span / F.lbs)) * F.lbs;
	}
}

/* An LBA: outside the verified region unless it is past the end. */
static uint64_t rnd_slba(void)
{
	uint64_t first = V_SIZE >> F.shift;

	switch (below(12)) {
	case 0:
		return F.nsze;
	case 1:
		return F.nsze - 1;
	case 2:
		return F.nsze + below(1000);
	case 3:
		return 1ULL << (64 - F.shift);	/* wraps to 0 in bytes */
	case 4:
		return UINT64_MAX - below(4);
	case 5:
		return 1ULL << 32;
	case 6:
		return rnd();
	default:
		return first + below(F.nsze - first);
	}
}

/* ---- commands ------------------------------------------------------------- */

static struct urpt_cmd *slot_native(struct slot *s)
{
	return (struct urpt_cmd *)((struct io_uring_sqe *)s->sqe)->cmd;
}

static struct nvme_uring_cmd *slot_nvme(struct slot *s)
{
	return (struct nvme_uring_cmd *)((struct io_uring_sqe *)s->sqe)->cmd;
}

static bool ring_is_big(int r)
{
	return r == R_PLAIN || r == R_POLL;
}

static const char *nv_op_name(uint32_t op)
{
	switch (op) {
	case NVME_URING_CMD_IO:
		return "NVME_IO";
	case NVME_URING_CMD_IO_VEC:
		return "NVME_IO_VEC";
	case NVME_URING_CMD_ADMIN:
		return "NVME_ADMIN";
	case NVME_URING_CMD_ADMIN_VEC:
		return "NVME_ADMIN_VEC";
	}
	return ut_op_name(op);
}

static bool is_nvme_op(uint32_t op)
{
	return op == NVME_URING_CMD_IO || op == NVME_URING_CMD_IO_VEC ||
	       op == NVME_URING_CMD_ADMIN || op == NVME_URING_CMD_ADMIN_VEC;
}

static void dump_slot(struct slot *s, const struct ut_cqe *c,
		      const char *why)
{
	const struct io_uring_sqe *sqe = (const void *)s->sqe;
	unsigned int i;

	F.failures++;
	if (F.failures > MAX_REPORTS) {
		if (F.failures == MAX_REPORTS + 1)
			fprintf(stderr, "# (further unexpected results not printed)\n");
		return;
	}
	fprintf(stderr,
		"# UNEXPECTED #%llu %s (%s): res %d (%s%#x) extra %#llx %#llx: %s\n",
		(unsigned long long)s->seq, kind_name[s->kind],
		s->what ? s->what : "-", c->res,
		c->res < 0 ? strerror(-c->res) : "", c->res,
		(unsigned long long)c->extra[0],
		(unsigned long long)c->extra[1], why);
	fprintf(stderr,
		"#   ring %s cmd_op %#x (%s) fd %d sqe flags %#x uring_cmd_flags %#x buf_index %u personality %u ioprio %u\n",
		ring_name[s->ring], sqe->cmd_op, nv_op_name(sqe->cmd_op),
		sqe->fd, sqe->flags, sqe->uring_cmd_flags, sqe->buf_index,
		sqe->personality, sqe->ioprio);
	if (!ring_is_big(s->ring) && s->ring != R_NOCQE32)
		return;
	if (s->nvme) {
		const struct nvme_uring_cmd *n = slot_nvme(s);

		fprintf(stderr,
			"#   nvme opcode %#x flags %#x nsid %#x cdw2 %#x cdw3 %#x metadata %#llx addr %#llx metadata_len %#x data_len %#x cdw10 %#x cdw11 %#x cdw12 %#x cdw13 %#x cdw14 %#x cdw15 %#x\n",
			n->opcode, n->flags, n->nsid, n->cdw2, n->cdw3,
			(unsigned long long)n->metadata,
			(unsigned long long)n->addr, n->metadata_len,
			n->data_len, n->cdw10, n->cdw11, n->cdw12, n->cdw13,
			n->cdw14, n->cdw15);
	} else {
		const struct urpt_cmd *u = slot_native(s);

		fprintf(stderr,
			"#   native version %u flags %#x offset %#llx addr %#llx len %#x rsvd0 %02x%02x%02x zone_action %#x rsvd2",
			u->version, u->flags, (unsigned long long)u->offset,
			(unsigned long long)u->addr, u->len, u->rsvd0[0],
			u->rsvd0[1], u->rsvd0[2], u->zone_action);
		for (i = 0; i < ARRAY_SIZE(u->rsvd2); i++)
			fprintf(stderr, " %#llx",
				(unsigned long long)u->rsvd2[i]);
		fprintf(stderr, "\n");
		/* The array as it is now: what the kernel may have read. */
		if ((sqe->cmd_op == URPT_CMD_READV ||
		     sqe->cmd_op == URPT_CMD_WRITEV) &&
		    u->addr == (uintptr_t)s->iov)
			for (i = 0; i < u->len && i < 4; i++)
				fprintf(stderr, "#   iov[%u] base %p len %#zx\n", i,
					s->iov[i].iov_base, s->iov[i].iov_len);
	}
	if (s->kind == K_VREAD || s->kind == K_VWRITE)
		fprintf(stderr, "#   verified: disk %#llx + %#x, %u segment(s)\n",
			(unsigned long long)s->off, s->len, s->nseg);
}

/* Fill the SQE: the common part. fd is an FD_* or, fixed, an FF_* index. */
static struct io_uring_sqe *prep_sqe(struct slot *s, struct io_uring_sqe *sqe,
				     uint32_t cmd_op, int fd, bool fixed_file)
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fixed_file ? fd : F.fd[fd],
			 NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	if (fixed_file)
		sqe->flags |= IOSQE_FIXED_FILE;
	memset(sqe->cmd, 0, ring_is_big(s->ring) || s->ring == R_NOCQE32 ?
	       URPT_CMD_SIZE : 16);
	/* The slot, and which of its commands: a stale CQE shows. */
	sqe->user_data = (uint64_t)(s - F.slots) | s->seq << UD_SEQ_SHIFT;
	s->nvme = is_nvme_op(cmd_op);
	return sqe;
}

/* A fd for a command the node must accept: the node, open as needed. */
static void pick_node_fd(struct slot *s, struct io_uring_sqe *sqe,
			 uint32_t cmd_op, bool writes)
{
	int fd = writes ? (chance(50) ? FD_RW : FD_WO) :
			  (chance(50) ? FD_RW : FD_RO);

	if (ring_is_big(s->ring) && chance(25)) {
		prep_sqe(s, sqe, cmd_op, fd == FD_RW ? FF_RW :
			 fd == FD_RO ? FF_RO : FF_WO, true);
		return;
	}
	prep_sqe(s, sqe, cmd_op, fd, false);
}

static int find_free_chunk(void)
{
	unsigned int start = below(NCHUNKS), i;

	for (i = 0; i < NCHUNKS; i++) {
		unsigned int c = (start + i) % NCHUNKS;

		if (!F.busy[c])
			return c;
	}
	return -1;
}

/*
 * Lay @len bytes out in @s's data area as @nseg segments (a random split,
 * misaligned when @bounce) and fill s->iov; returns the first byte used.
 */
static void layout_segments(struct slot *s, uint32_t len, bool bounce)
{
	uint32_t left = len, pos = bounce ? 1 + below(63) : 0;
	unsigned int i, n = s->nseg;

	for (i = 0; i < n; i++) {
		uint32_t seg;

		if (i == n - 1) {
			seg = left;
		} else if (bounce) {
			seg = 1 + below(left - (n - 1 - i));
		} else {
			uint32_t blocks = left / F.lbs - (n - 1 - i);

			seg = (1 + below(blocks)) * F.lbs;
		}
		s->iov[i].iov_base = s->buf + pos;
		s->iov[i].iov_len = seg;
		pos += seg;
		if (chance(30))
			pos += bounce ? below(512) : F.lbs * below(4);
		left -= seg;
	}
}

static void gen_verified(struct slot *s, struct io_uring_sqe *sqe, bool write)
{
	int c = find_free_chunk();
	uint32_t sub, len, cmd_op;
	bool bounce, nvme = chance(35), fixed = false;
	char *flat;

	s->kind = write ? K_VWRITE : K_VREAD;
	s->chunk = c;
	F.busy[c] = true;
	sub = below(CHUNK / F.lbs) * F.lbs;
	len = rnd_lbs_len(CHUNK - sub);
	s->off = (uint64_t)c * CHUNK + sub;
	s->len = len;
	s->vec = chance(30);
	bounce = chance(20);
	s->nseg = 1;
	s->tail = NULL;
	s->tail_len = 0;
	if (s->vec)
		s->nseg = 1 + below(len / F.lbs < 8 ? len / F.lbs : 8);
	if (s->vec && bounce && s->nseg > 1 && len < s->nseg)
		s->nseg = 1;
	if (!s->vec && !nvme && chance(20) && !bounce)
		fixed = true;
	if (!s->vec && nvme && chance(20))
		fixed = true;
	layout_segments(s, len, bounce);

	if (write) {
		flat = s->flat;
		/* the data: a fresh pattern, scattered into the segments */
		ut_fill(flat, len, rnd());
		{
			size_t at = 0;
			unsigned int i;

			for (i = 0; i < s->nseg; i++) {
				memmove(s->iov[i].iov_base, flat + at,
					s->iov[i].iov_len);
				at += s->iov[i].iov_len;
			}
		}
	} else {
		unsigned int i;

		for (i = 0; i < s->nseg; i++)
			memset(s->iov[i].iov_base, 0xa5, s->iov[i].iov_len);
	}

	if (nvme) {
		struct nvme_uring_cmd *n;
		uint64_t slba = s->off >> F.shift;
		uint32_t data_len = len;

		cmd_op = s->vec ? NVME_URING_CMD_IO_VEC : NVME_URING_CMD_IO;
		pick_node_fd(s, sqe, cmd_op, write);
		n = (struct nvme_uring_cmd *)sqe->cmd;
		n->opcode = write ? NV_WRITE : NV_READ;
		n->nsid = 1;
		n->cdw10 = (uint32_t)slba;
		n->cdw11 = slba >> 32;
		n->cdw12 = (len >> F.shift) - 1;
		if (write && chance(20))
			n->cdw12 |= CDW12_FUA;
		if (s->vec) {
			n->addr = (uintptr_t)s->iov;
			n->data_len = s->nseg;
		} else {
			/* a longer buffer: only its start is used */
			char *end = (char *)s->iov[0].iov_base + len;

			if (chance(30) && end + 4096 <= s->buf + SLOT_BUF) {
				data_len += 1 + below(4096);
				if (!write) {
					s->tail = end;
					s->tail_len = data_len - len;
					memset(s->tail, 0x5a, s->tail_len);
				}
			}
			n->addr = (uintptr_t)s->iov[0].iov_base;
			n->data_len = data_len;
		}
		s->ok_res = 0;
	} else {
		struct urpt_cmd *u;

		cmd_op = s->vec ? (write ? URPT_CMD_WRITEV : URPT_CMD_READV) :
				  (write ? URPT_CMD_WRITE : URPT_CMD_READ);
		pick_node_fd(s, sqe, cmd_op, write);
		u = (struct urpt_cmd *)sqe->cmd;
		u->version = URPT_ABI_VERSION;
		u->offset = s->off;
		if (s->vec) {
			u->addr = (uintptr_t)s->iov;
			u->len = s->nseg;
		} else {
			u->addr = (uintptr_t)s->iov[0].iov_base;
			u->len = len;
		}
		if (chance(20))
			u->flags |= URPT_F_BOUNCE;
		if (write && chance(20))
			u->flags |= URPT_F_FUA;
		s->ok_res = len;
	}
	if (fixed) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = 0;
	}
	if (chance(10))
		sqe->flags |= IOSQE_ASYNC;
	/* IOSQE_IO_DRAIN goes on random commands only (gen_random()) */
	s->what = s->nvme ? (s->vec ? "nvme vec" : fixed ? "nvme fixed" : "nvme") :
		  (s->vec ? "vec" : fixed ? "fixed" : "plain");
}

/* Check a verified command's completion; update the shadow. */
static void done_verified(struct slot *s, const struct ut_cqe *c)
{
	char *flat = s->flat;
	long diff;

	F.busy[s->chunk] = false;
	if (c->res != s->ok_res) {
		dump_slot(s, c, "a valid command in the verified region failed");
		return;
	}
	if (ring_is_big(s->ring) && c->extra[1]) {
		dump_slot(s, c, "big_cqe[1] is not zero");
		return;
	}
	if (s->nvme && c->extra[0]) {
		dump_slot(s, c, "NVMe result dw0 is not zero");
		return;
	}
	if (!s->nvme && ((c->extra[0] >> URPT_RES2_STATUS_SHIFT) &
			 URPT_RES2_STATUS_MASK)) {
		dump_slot(s, c, "success with a block status");
		return;
	}
	F.verified_bytes += s->len;
	if (s->kind == K_VWRITE) {
		/* flat still holds what was written (never reused meanwhile) */
		memcpy(F.shadow + s->off, flat, s->len);
		return;
	}
	/* flat overlaps the segments' area: compare segment by segment */
	{
		unsigned int i;
		size_t at = 0;

		for (i = 0; i < s->nseg; i++) {
			diff = ut_first_diff(F.shadow + s->off + at,
					     s->iov[i].iov_base,
					     s->iov[i].iov_len);
			if (diff >= 0) {
				char why[160];

				snprintf(why, sizeof(why),
					 "read data differs from what was written, disk byte %#llx (segment %u)",
					 (unsigned long long)(s->off + at + diff), i);
				dump_slot(s, c, why);
				return;
			}
			at += s->iov[i].iov_len;
		}
	}
	if (s->tail) {
		uint32_t i;

		for (i = 0; i < s->tail_len; i++)
			if ((unsigned char)s->tail[i] != 0x5a) {
				dump_slot(s, c, "NVMe read wrote past the data into the rest of the buffer");
				return;
			}
	}
}

/* ---- exact mutations ------------------------------------------------------ */

/* A valid native command outside the verified region, in @sqe. */
static uint32_t base_native(struct slot *s, struct io_uring_sqe *sqe,
			    uint32_t cmd_op, bool fixed_file, int fd)
{
	uint32_t len = rnd_lbs_len(64u << 10);
	uint64_t off = V_SIZE + below((F.cap - V_SIZE - len) / F.lbs) * F.lbs;
	struct urpt_cmd *u;

	prep_sqe(s, sqe, cmd_op, fd, fixed_file);
	u = (struct urpt_cmd *)sqe->cmd;
	u->version = URPT_ABI_VERSION;
	switch (cmd_op) {
	case URPT_CMD_INFO:
		u->addr = (uintptr_t)F.lazy + below(LAZY_SIZE - 4096);
		u->len = URPT_INFO_SIZE_V1 + below(64);
		s->ok_res = ut_info_res(u->len);
		break;
	case URPT_CMD_FLUSH:
		s->ok_res = 0;
		break;
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
		s->iov[0].iov_base = F.lazy + below(LAZY_SIZE / 4096 - 32) * 4096;
		s->iov[0].iov_len = len;
		u->addr = (uintptr_t)s->iov;
		u->len = 1;
		u->offset = off;
		s->ok_res = len;
		break;
	case URPT_CMD_DISCARD:
	case URPT_CMD_WRITE_ZEROES:
		u->len = len;
		u->offset = off;
		s->ok_res = len;
		break;
	default:
		u->addr = (uintptr_t)F.lazy + below(LAZY_SIZE / 4096 - 32) * 4096;
		u->len = len;
		u->offset = off;
		s->ok_res = len;
		break;
	}
	return len;
}

static bool op_writes(uint32_t op)
{
	return op == URPT_CMD_WRITE || op == URPT_CMD_WRITEV ||
	       op == URPT_CMD_FLUSH || op == URPT_CMD_DISCARD ||
	       op == URPT_CMD_WRITE_ZEROES;
}

static bool op_reads(uint32_t op)
{
	return op == URPT_CMD_READ || op == URPT_CMD_READV;
}

static bool op_rw(uint32_t op)
{
	return op == URPT_CMD_READ || op == URPT_CMD_WRITE ||
	       op == URPT_CMD_READV || op == URPT_CMD_WRITEV;
}

static bool op_ranged(uint32_t op)
{
	return op == URPT_CMD_DISCARD || op == URPT_CMD_WRITE_ZEROES;
}

static bool ranged_ok(uint32_t op)
{
	return op == URPT_CMD_DISCARD ? F.discard : F.wzeroes;
}

static const uint32_t native_ops[] = {
	URPT_CMD_INFO, URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_FLUSH,
	URPT_CMD_READV, URPT_CMD_WRITEV, URPT_CMD_DISCARD,
	URPT_CMD_WRITE_ZEROES,
};

static void gen_exact_native(struct slot *s, struct io_uring_sqe *sqe)
{
	uint32_t op = native_ops[below(ARRAY_SIZE(native_ops))];
	uint8_t save[URPT_CMD_SIZE];
	struct urpt_cmd *u;
	uint32_t len;

	s->kind = K_EXACT;
	len = base_native(s, sqe, op, false,
			  op_writes(op) ? FD_RW : (chance(50) ? FD_RW : FD_RO));
	u = (struct urpt_cmd *)sqe->cmd;
	switch (below(22)) {
	case 0:
		u->version = chance(50) ? 0 : 2 + below(254);
		s->what = "version";
		s->want = -EINVAL;
		break;
	case 1:
		u->rsvd0[below(3)] = 1 + below(255);
		s->what = "rsvd0";
		s->want = -EINVAL;
		break;
	case 2:
		u->zone_action = 1u << below(32);
		s->what = "zone_action";
		s->want = -EINVAL;
		break;
	case 3:
		u->rsvd2[below(6)] = 1ULL << below(64);
		s->what = "rsvd2";
		s->want = -EINVAL;
		break;
	case 4: {
		uint32_t bad = ~ut_flags_allowed(op);

		do {
			u->flags = 1u << below(32);
		} while (!(u->flags & bad));
		s->what = "flag the command does not take";
		s->want = -EINVAL;
		break;
	}
	case 5:
		sqe->cmd_op = chance(50) ?
			_IOWR(URPT_IOC_MAGIC, 0x09 + below(0x70), struct urpt_cmd) :
			_IOC(_IOC_READ, URPT_IOC_MAGIC, 0x02, 72);
		s->what = "unknown cmd_op";
		s->want = -EOPNOTSUPP;
		break;
	case 6:
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = 1;
		if (op == URPT_CMD_READ || op == URPT_CMD_WRITE) {
			/* past the end of registered buffer 1 (lazy's first MiB) */
			u->addr = (uintptr_t)F.lazy + (1u << 20) - len + F.lbs;
			s->what = "fixed, outside the registered buffer";
			s->want = -EFAULT;
		} else if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV) {
			if (F.fixed_vec)
				u->addr = (uintptr_t)F.lazy + (2u << 20);
			s->what = "fixed, vectored";
			s->want = F.fixed_vec ? -EFAULT : -EOPNOTSUPP;
		} else {
			s->what = "fixed on a command without a buffer";
			s->want = -EINVAL;
		}
		break;
	case 7:
		if (op == URPT_CMD_INFO || op == URPT_CMD_FLUSH) {
			u->len = 1;
			s->what = op == URPT_CMD_INFO ? "short INFO" :
							 "FLUSH with len";
			s->want = -EINVAL;
			break;
		}
		if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV)
			u->len = chance(50) ? 0 : URPT_MAX_IOVECS + 1 + below(100);
		else
			u->len = 0;
		s->what = "len 0 / iovec count";
		s->want = op_ranged(op) && !ranged_ok(op) ? -EOPNOTSUPP : -EINVAL;
		break;
	case 8:
		if (!op_rw(op) && !op_ranged(op))
			goto offset;
		if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV)
			s->iov[0].iov_len = len + 1 + below(F.lbs - 1);
		else
			u->len = len + 1 + below(F.lbs - 1);
		s->what = "misaligned len";
		s->want = op_ranged(op) && !ranged_ok(op) ? -EOPNOTSUPP : -EINVAL;
		break;
	case 9:
		if (op != URPT_CMD_READ && op != URPT_CMD_WRITE)
			goto offset;
		u->len = URPT_MAX_TRANSFER + F.lbs;
		s->what = "len past max_transfer";
		s->want = -EINVAL;
		break;
	case 10:
offset:
		if (op == URPT_CMD_INFO || op == URPT_CMD_FLUSH) {
			u->offset = F.lbs * (1 + below(100));
			s->what = "offset on INFO/FLUSH";
			s->want = -EINVAL;
			break;
		}
		u->offset += 1 + below(F.lbs - 1);
		s->what = "misaligned offset";
		s->want = op_ranged(op) && !ranged_ok(op) ? -EOPNOTSUPP : -EINVAL;
		break;
	case 11:
	case 12:
		if (op == URPT_CMD_INFO || op == URPT_CMD_FLUSH)
			goto offset;
		switch (below(4)) {
		case 0:
			u->offset = F.cap;
			break;
		case 1:
			u->offset = F.cap - F.lbs;
			if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV)
				s->iov[0].iov_len = 2 * F.lbs;
			else
				u->len = 2 * F.lbs;
			break;
		case 2:	/* offset + len wraps */
			u->offset = UINT64_MAX & ~(uint64_t)(F.lbs - 1);
			break;
		default:
			u->offset = F.cap + F.lbs * (1 + below(1u << 20));
			break;
		}
		s->what = "past the end";
		s->want = op_ranged(op) && !ranged_ok(op) ? -EOPNOTSUPP : -ENOSPC;
		break;
	case 13:
	case 14:
		if (op_ranged(op)) {
			u->addr = (uintptr_t)F.lazy;
			s->what = "DISCARD/WRITE_ZEROES with addr";
			s->want = -EINVAL;
			break;
		}
		if (op == URPT_CMD_FLUSH) {
			u->addr = kernel_addrs[below(ARRAY_SIZE(kernel_addrs))];
			s->what = "FLUSH with addr";
			s->want = -EINVAL;
			break;
		}
		{
			uint64_t k = kernel_addrs[below(ARRAY_SIZE(kernel_addrs))];

			if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV) {
				if (chance(50))
					u->addr = k;
				else
					s->iov[0].iov_base = (void *)(uintptr_t)k;
			} else {
				u->addr = k;
			}
		}
		s->what = "kernel address";
		s->want = -EFAULT;
		break;
	case 15:
		if (!op_rw(op))
			goto offset;
		switch (below(3)) {
		case 0:
			u->addr = 0;
			break;
		case 1:
			u->addr = (uintptr_t)F.hole;
			break;
		default:
			u->addr = (uintptr_t)F.none;
			break;
		}
		if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV) {
			s->iov[0].iov_base = (void *)(uintptr_t)u->addr;
			u->addr = (uintptr_t)s->iov;
		}
		s->what = "NULL, unmapped or PROT_NONE buffer";
		s->want = -EFAULT;
		break;
	case 16:
		if (!op_reads(op)) {
			s->what = "write on a fd open O_RDONLY";
			memcpy(save, sqe->cmd, URPT_CMD_SIZE);
			if (chance(50))
				prep_sqe(s, sqe, op, FF_RO, true);
			else
				prep_sqe(s, sqe, op, FD_RO, false);
			/* prep_sqe cleared the command: put it back */
			memcpy(sqe->cmd, save, URPT_CMD_SIZE);
			s->want = -EBADF;
			if (op == URPT_CMD_INFO) {
				s->want = ut_info_res(u->len);
				s->what = "INFO on O_RDONLY (fine)";
			}
			break;
		}
		if (chance(50)) {
			memcpy(save, sqe->cmd, URPT_CMD_SIZE);
			if (chance(50))
				prep_sqe(s, sqe, op, FF_WO, true);
			else
				prep_sqe(s, sqe, op, FD_WO, false);
			memcpy(sqe->cmd, save, URPT_CMD_SIZE);
			s->what = "read on a fd open O_WRONLY";
			s->want = -EBADF;
			break;
		}
		if (op == URPT_CMD_READV)
			s->iov[0].iov_base = F.ro;
		else
			u->addr = (uintptr_t)F.ro;
		if (len > RO_SIZE) {
			if (op == URPT_CMD_READV)
				s->iov[0].iov_len = F.lbs;
			else
				u->len = F.lbs;
		}
		s->what = "read into a PROT_READ buffer";
		s->want = -EFAULT;
		break;
	case 17:
		sqe->flags |= 1u << 7;
		s->what = "undefined SQE flag";
		s->want = -EINVAL;
		break;
	case 18:
		sqe->uring_cmd_flags = 1u << (20 + below(8));
		s->what = "undefined uring_cmd_flags bit";
		s->want = -EINVAL;
		break;
	case 19: {
		static const struct { int fd; bool fixed; int want; const char *what; }
		files[] = {
			{ FF_SPARSE, true, -EBADF, "sparse fixed file" },
			{ NFF + 5, true, -EBADF, "fixed file index out of range" },
			{ FF_PIPE, true, -EOPNOTSUPP, "fixed file: a pipe" },
			{ FD_PIPE, false, -EOPNOTSUPP, "a pipe" },
			{ FD_CLOSED, false, -EBADF, "closed fd" },
		};
		unsigned int i = below(ARRAY_SIZE(files));
		uint8_t cmd[URPT_CMD_SIZE];

		memcpy(cmd, sqe->cmd, sizeof(cmd));
		prep_sqe(s, sqe, op, files[i].fd, files[i].fixed);
		memcpy(sqe->cmd, cmd, sizeof(cmd));
		s->what = files[i].what;
		s->want = files[i].want;
		break;
	}
	case 20:
		if (op != URPT_CMD_READ && op != URPT_CMD_WRITE)
			goto offset;
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = 3 + below(1000);
		s->what = "registered buffer index out of range";
		/* io_uring refuses the index before urpt sees the command */
		s->want = -EFAULT;
		break;
	default:
		if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV) {
			s->iov[0].iov_len = chance(50) ? (1ULL << 40) : SIZE_MAX;
			s->what = "iovec length past MAX_RW_COUNT";
			s->want = -EINVAL;
			break;
		}
		goto offset;
	}
	if (s->want >= 0)
		s->ok_res = s->want;
}

static void nv_set_lba(struct nvme_uring_cmd *n, uint64_t slba, uint32_t nlb)
{
	n->cdw10 = (uint32_t)slba;
	n->cdw11 = slba >> 32;
	n->cdw12 = nlb - 1;
}

static void gen_exact_nvme(struct slot *s, struct io_uring_sqe *sqe)
{
	bool write = chance(50);
	uint32_t nlb = rnd_lbs_len(64u << 10) >> F.shift;
	uint64_t first = V_SIZE >> F.shift;
	uint64_t slba = first + below(F.nsze - first - nlb);
	struct nvme_uring_cmd *n;

	s->kind = K_EXACT;
	prep_sqe(s, sqe, NVME_URING_CMD_IO, FD_RW, false);
	n = (struct nvme_uring_cmd *)sqe->cmd;
	n->opcode = write ? NV_WRITE : NV_READ;
	n->nsid = 1;
	n->addr = (uintptr_t)F.lazy + below(LAZY_SIZE / 4096 - 32) * 4096;
	n->data_len = nlb << F.shift;
	nv_set_lba(n, slba, nlb);
	switch (below(17)) {
	case 0:
		n->flags = 1 + below(255);
		s->what = "nvme flags";
		s->want = SC_INV_FIELD;
		break;
	case 1:
		n->nsid = chance(30) ? 0 : chance(50) ? 0xffffffff : 2 + below(100);
		s->what = "nvme nsid";
		s->want = SC_INV_NS;
		break;
	case 2:
		n->metadata = (uintptr_t)F.lazy;
		n->metadata_len = 1 + below(4096);
		s->what = "nvme metadata";
		s->want = SC_INV_FIELD;
		break;
	case 3:
		if (chance(50))
			n->cdw2 = 1 + below(1000);
		else
			n->cdw3 = 1u << below(32);
		s->what = "nvme cdw2/cdw3";
		s->want = SC_INV_FIELD;
		break;
	case 4:
		n->cdw12 |= 1u << (16 + below(14));
		s->what = "nvme cdw12 reserved bits";
		s->want = SC_INV_FIELD;
		break;
	case 5:
	case 6:
		switch (below(4)) {
		case 0:
			nv_set_lba(n, F.nsze, 1);
			break;
		case 1:
			nv_set_lba(n, F.nsze - 1, 2);
			break;
		case 2:
			nv_set_lba(n, 1ULL << (64 - F.shift), 1);
			break;
		default:
			nv_set_lba(n, UINT64_MAX - below(3), 1);
			break;
		}
		n->data_len = ((n->cdw12 & 0xffff) + 1) << F.shift;
		s->what = "nvme LBA out of range";
		s->want = SC_LBA_RANGE;
		break;
	case 7:
		n->data_len = chance(30) ? 0 : (nlb << F.shift) - 1 - below(F.lbs);
		s->what = "nvme buffer shorter than the blocks";
		s->want = SC_SGL_LEN;
		break;
	case 8:
		n->addr = kernel_addrs[below(ARRAY_SIZE(kernel_addrs))];
		s->what = "nvme kernel address";
		s->want = -EFAULT;
		break;
	case 9:
		n->opcode = NV_READ;
		n->addr = (uintptr_t)F.ro;
		if (n->data_len > RO_SIZE) {
			nv_set_lba(n, slba, 1);
			n->data_len = F.lbs;
		}
		s->what = "nvme read into a PROT_READ buffer";
		s->want = -EFAULT;
		break;
	case 10: {
		static const uint8_t bad[] = { 0x04, 0x05, 0x0a, 0x0c, 0x0d,
					       0x11, 0x15, 0x7f, 0x80, 0x81,
					       0xff };

		n->opcode = bad[below(ARRAY_SIZE(bad))];
		s->what = "nvme unknown opcode";
		s->want = SC_INV_OPCODE;
		break;
	}
	case 11:
		memset(n, 0, sizeof(*n));
		n->opcode = NV_FLUSH;
		n->nsid = 1;
		(&n->cdw10)[below(6)] = 1u << below(32);
		s->what = "nvme flush with a command dword";
		s->want = SC_INV_FIELD;
		break;
	case 12:
		sqe->cmd_op = NVME_URING_CMD_ADMIN;
		n->opcode = chance(50) ? 0x02 : 0x09;	/* get log page, set features */
		s->what = "nvme admin opcode";
		s->want = SC_INV_OPCODE;
		break;
	case 13:
		sqe->cmd_op = NVME_URING_CMD_ADMIN;
		memset(n, 0, sizeof(*n));
		n->opcode = NV_IDENTIFY;
		n->nsid = 1;
		n->addr = (uintptr_t)F.lazy + below(LAZY_SIZE - 8192);
		n->data_len = 4096;
		switch (below(3)) {
		case 0:
			/* A CNS urpt does not answer: 0x1c, the command sets, it does. */
			do
				n->cdw10 = 0x10 + below(0xe0);
			while (n->cdw10 == 0x1c);
			s->want = SC_INV_FIELD;
			s->what = "identify CNS";
			break;
		case 1:
			n->nsid = 2 + below(1000);
			s->want = SC_INV_NS;
			s->what = "identify namespace 2+";
			break;
		default:
			n->cdw10 = below(2);
			n->addr = kernel_addrs[below(ARRAY_SIZE(kernel_addrs))];
			s->want = -EFAULT;
			s->what = "identify into a kernel address";
			break;
		}
		break;
	case 14:
		sqe->cmd_op = NVME_URING_CMD_IO_VEC;
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = 1;
		s->what = "nvme vectored with a registered buffer";
		s->want = -EOPNOTSUPP;
		break;
	case 15:
		sqe->cmd_op = NVME_URING_CMD_IO_VEC;
		n->data_len = chance(50) ? 0 : URPT_MAX_IOVECS + 1;
		n->addr = (uintptr_t)s->iov;
		s->what = "nvme iovec count";
		s->want = -EINVAL;
		break;
	default:
		if (chance(50)) {
			memset(n, 0, sizeof(*n));
			n->opcode = NV_WZ;
			n->nsid = 1;
			nv_set_lba(n, F.nsze - below(2), 2);
			s->what = "nvme write zeroes past the end";
			s->want = F.wzeroes ? SC_LBA_RANGE : SC_INV_OPCODE;
		} else {
			struct dsm_range {
				uint32_t cattr, nlb;
				uint64_t slba;
			} *r = (void *)s->iov;

			memset(n, 0, sizeof(*n));
			n->opcode = NV_DSM;
			n->nsid = 1;
			n->cdw10 = 1;	/* two ranges */
			n->cdw11 = DSM_AD;
			r[0] = (struct dsm_range){ 0, 1, first + below(100) };
			r[1] = (struct dsm_range){ 0, 2, F.nsze - 1 };
			n->addr = (uintptr_t)r;
			n->data_len = 2 * sizeof(*r);
			s->what = "nvme dsm range past the end";
			s->want = F.discard ? SC_LBA_RANGE : SC_INV_OPCODE;
		}
		break;
	}
	s->ok_res = s->want;
}

/* ---- random commands ------------------------------------------------------ */

static uint32_t rnd_cmd_op(void)
{
	switch (below(20)) {
	case 0:
		return (uint32_t)rnd();
	case 1:
		return 0;
	case 2:
		return _IOC(below(4), URPT_IOC_MAGIC, below(0x90), below(128));
	case 3:
		return _IOC(below(4), 'N', 0x80 + below(8), 72 + below(2) * 8);
	case 4:
	case 5:
	case 6:
	case 7: {
		static const uint32_t ops[] = {
			NVME_URING_CMD_IO, NVME_URING_CMD_IO_VEC,
			NVME_URING_CMD_ADMIN, NVME_URING_CMD_ADMIN_VEC,
		};
		return ops[below(4)];
	}
	case 8: {
		/* Refused on this disk (no zones): never a success. */
		static const uint32_t ops[] = {
			URPT_CMD_REPORT_ZONES, URPT_CMD_ZONE_MGMT,
			URPT_CMD_ZONE_APPEND,
		};
		return ops[below(3)];
	}
	default:
		return native_ops[below(ARRAY_SIZE(native_ops))];
	}
}

/* A random iovec array in s->iov: n entries. Sets *total (or ~0 when bad). */
static void rnd_iovecs(struct slot *s, uint32_t n, bool dev_writes,
		       uint64_t *total, int *cls)
{
	uint32_t i;

	*total = 0;
	*cls = B_OK;
	for (i = 0; i < n && i < SLOT_IOVS; i++) {
		uint64_t len;
		int c;

		switch (below(10)) {
		case 0:
			len = 0;
			break;
		case 1:
			len = 1 + below(F.lbs);
			break;
		case 2:
			len = chance(50) ? (1ULL << 40) : SIZE_MAX - below(2);
			break;
		default:
			len = rnd_lbs_len(16u << 10);
			break;
		}
		s->iov[i].iov_len = len;
		s->iov[i].iov_base = (void *)(uintptr_t)(chance(85) ?
			(uintptr_t)F.lazy + below(LAZY_SIZE / 4096 - 8) * 4096 +
			(chance(20) ? below(F.lbs) : 0) :
			rnd_addr(len, dev_writes));
		c = buf_check((uintptr_t)s->iov[i].iov_base, len, dev_writes);
		if (c == B_BAD || *cls == B_BAD)
			*cls = B_BAD;
		else if (c == B_MAYBE)
			*cls = B_MAYBE;
		*total += len;
	}
}

/* Could this native command succeed, by the uapi? And with what res? */
static bool native_could_succeed(struct slot *s, int fdkind, int64_t *res)
{
	const struct io_uring_sqe *sqe = (const void *)s->sqe;
	const struct urpt_cmd *u = slot_native(s);
	uint32_t op = sqe->cmd_op;
	bool fixed = sqe->uring_cmd_flags & IORING_URING_CMD_FIXED;
	uint64_t rsvd = u->rsvd0[0] | u->rsvd0[1] | u->rsvd0[2] |
			u->zone_action;
	uint64_t total = u->len;
	unsigned int i;
	int cls;

	*res = -1;
	for (i = 0; i < ARRAY_SIZE(u->rsvd2); i++)
		rsvd |= u->rsvd2[i];
	if (!ring_is_big(s->ring) || fdkind < 0 || rsvd ||
	    u->version != URPT_ABI_VERSION)
		return false;
	if (op_writes(op) && fdkind == FD_RO)
		return false;
	if (op_reads(op) && fdkind == FD_WO)
		return false;
	switch (op) {
	case URPT_CMD_INFO:
		if (u->flags || fixed || u->offset || u->len < URPT_INFO_SIZE_V1)
			return false;
		*res = ut_info_res(u->len);
		return buf_check(u->addr, *res, true) != B_BAD;
	case URPT_CMD_FLUSH:
		*res = 0;
		return !u->flags && !fixed && !u->offset && !u->addr && !u->len;
	case URPT_CMD_DISCARD:
	case URPT_CMD_WRITE_ZEROES:
		if (u->flags & ~ut_flags_allowed(op) || fixed || u->addr ||
		    !ranged_ok(op))
			return false;
		break;
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
		if (u->flags & ~ut_flags_allowed(op))
			return false;
		if (u->len > URPT_MAX_TRANSFER)
			return false;
		if (fixed) {
			const struct iovec *rb;

			if (sqe->buf_index < 1 || sqe->buf_index > 2)
				return false;
			rb = &F.regbuf[sqe->buf_index];
			if (u->addr < (uintptr_t)rb->iov_base ||
			    u->len > (uintptr_t)rb->iov_base + rb->iov_len - u->addr)
				return false;
		} else {
			cls = buf_check(u->addr, u->len, op == URPT_CMD_READ);
			if (cls == B_BAD)
				return false;
		}
		break;
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
		if (u->flags & ~ut_flags_allowed(op))
			return false;
		if (fixed && !F.fixed_vec)
			return false;
		if (!u->len || u->len > URPT_MAX_IOVECS ||
		    u->addr != (uintptr_t)s->iov)
			return false;
		total = 0;
		for (i = 0; i < u->len; i++) {
			total += s->iov[i].iov_len;
			if (total > (1ULL << 31) ||
			    buf_check((uintptr_t)s->iov[i].iov_base,
				      s->iov[i].iov_len,
				      op == URPT_CMD_READV) == B_BAD)
				return false;
		}
		if (total > URPT_MAX_TRANSFER)
			return false;
		break;
	default:
		return false;
	}
	if (!total || total % F.lbs || u->offset % F.lbs ||
	    u->offset > F.cap || total > F.cap - u->offset)
		return false;
	*res = total;
	return true;
}

static void gen_random(struct slot *s, struct io_uring_sqe *sqe, int r)
{
	uint32_t op = rnd_cmd_op();
	bool fixed_file = ring_is_big(r) && chance(20);
	int fd = below(NFDS), fdkind;
	s->kind = K_RANDOM;
	s->what = "random";
	if (fixed_file) {
		int idx = chance(95) ? (int)below(NFF) : (int)(NFF + below(100));

		prep_sqe(s, sqe, op, idx, true);
		fdkind = idx == FF_RW ? FD_RW : idx == FF_RO ? FD_RO :
			 idx == FF_WO ? FD_WO : -1;
	} else {
		if (chance(70))
			fd = below(3);
		prep_sqe(s, sqe, op, fd, false);
		fdkind = fd <= FD_WO ? fd : -1;
	}
	if (chance(15)) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = chance(80) ? 1 + below(2) : below(65536);
		if (sqe->buf_index == 0)
			sqe->buf_index = 3;	/* never the verified slots */
	} else if (chance(1)) {
		sqe->uring_cmd_flags = (uint32_t)rnd();
		if (sqe->uring_cmd_flags & IORING_URING_CMD_FIXED)
			sqe->buf_index = 1 + below(2);
	}
	if (chance(10))
		sqe->flags |= IOSQE_ASYNC;
	/* where io_uring's drain holds: see probe_drain() */
	if (F.drain_pct && chance(F.drain_pct)) {
		sqe->flags |= IOSQE_IO_DRAIN;
		F.drained++;
	}
	if (chance(5))
		sqe->flags |= IOSQE_IO_LINK;
	else if (chance(2))
		sqe->flags |= IOSQE_IO_HARDLINK;
	if (chance(1))
		sqe->flags |= IOSQE_BUFFER_SELECT;
	if (chance(1))
		sqe->flags |= 1u << 7;
	if (chance(1))
		sqe->personality = 1 + below(100);
	if (chance(1))
		sqe->ioprio = (uint16_t)rnd();

	if (!ring_is_big(r) && r != R_NOCQE32) {
		/* a 64-byte SQE: the 16-byte area only */
		uint64_t junk[2] = { rnd(), rnd() };

		memcpy(sqe->cmd, junk, 16);
		s->may_succeed = false;
		return;
	}
	if (s->nvme) {
		struct nvme_uring_cmd *n = (struct nvme_uring_cmd *)sqe->cmd;
		bool vec = op == NVME_URING_CMD_IO_VEC ||
			   op == NVME_URING_CMD_ADMIN_VEC;
		bool admin = op == NVME_URING_CMD_ADMIN ||
			     op == NVME_URING_CMD_ADMIN_VEC;
		uint64_t slba = rnd_slba();
		static const uint8_t opcodes[] = { NV_FLUSH, NV_WRITE, NV_READ,
						   NV_WZ, NV_DSM, NV_IDENTIFY,
						   0x05, 0x0c, 0x7f, 0xff };
		uint64_t total;
		int cls;

		n->opcode = opcodes[below(ARRAY_SIZE(opcodes))];
		n->flags = chance(90) ? 0 : (uint8_t)rnd();
		n->nsid = chance(85) ? 1 : (uint32_t)rnd() >> below(32);
		n->cdw2 = chance(90) ? 0 : (uint32_t)rnd();
		n->cdw3 = chance(90) ? 0 : (uint32_t)rnd();
		if (chance(5)) {
			n->metadata = rnd_addr(64, true);
			n->metadata_len = (uint32_t)rnd() >> below(32);
		}
		n->cdw10 = (uint32_t)slba;
		n->cdw11 = slba >> 32;
		n->cdw12 = chance(70) ? below(128) : (uint32_t)rnd();
		if (chance(10))
			n->cdw13 = (uint32_t)rnd();
		if (chance(10))
			n->cdw14 = (uint32_t)rnd();
		if (chance(10))
			n->cdw15 = (uint32_t)rnd();
		if (chance(10))
			n->timeout_ms = (uint32_t)rnd();
		if (chance(5))
			n->rsvd1 = (uint16_t)rnd();
		if (chance(5))
			n->rsvd2 = (uint32_t)rnd();
		if (admin) {
			n->cdw10 = chance(70) ? below(10) : (uint32_t)rnd();
			n->cdw11 = chance(70) ? 0 : (uint32_t)rnd();
		}
		if (n->opcode == NV_DSM && !admin) {
			struct dsm_range {
				uint32_t cattr, nlb;
				uint64_t slba;
			} *rg = (void *)s->iov;
			uint32_t i, nr = 1 + below(256);

			n->cdw10 = chance(80) ? nr - 1 : (uint32_t)rnd();
			n->cdw11 = chance(80) ? DSM_AD : (uint32_t)rnd();
			n->cdw12 = chance(90) ? 0 : (uint32_t)rnd();
			for (i = 0; i < nr; i++) {
				rg[i].cattr = (uint32_t)rnd();
				rg[i].slba = rnd_slba();
				rg[i].nlb = chance(80) ? below(64) : (uint32_t)rnd();
			}
			n->addr = chance(85) ? (uintptr_t)rg : rnd_bad_addr();
			n->data_len = chance(85) ? nr * 16 : rnd_len();
		} else if (vec) {
			uint32_t cnt = chance(80) ? 1 + below(8) :
				       (uint32_t)below(1100);

			rnd_iovecs(s, cnt, n->opcode == NV_READ || admin,
				   &total, &cls);
			n->addr = chance(90) ? (uintptr_t)s->iov : rnd_bad_addr();
			n->data_len = cnt;
		} else {
			uint32_t dl = chance(50) ? ((n->cdw12 & 0xffff) + 1) << F.shift :
						   rnd_len();

			n->data_len = dl;
			n->addr = rnd_addr(dl, n->opcode == NV_READ || admin);
		}
		/* a success needs at least these; the rest is not modelled */
		s->may_succeed = ring_is_big(r) && !n->flags &&
				 (admin || n->nsid == 1) &&
				 !(n->metadata && n->metadata_len);
		if (!admin && (n->opcode == NV_READ || n->opcode == NV_WRITE)) {
			uint64_t nlb = (n->cdw12 & 0xffff) + 1;
			uint64_t sl = (uint64_t)n->cdw11 << 32 | n->cdw10;

			if (sl >= F.nsze || nlb > F.nsze - sl)
				s->may_succeed = false;
			if (n->opcode == NV_READ && !vec &&
			    !(sqe->uring_cmd_flags & IORING_URING_CMD_FIXED) &&
			    buf_check(n->addr, nlb << F.shift, true) == B_BAD)
				s->may_succeed = false;
			if (vec && (n->data_len == 0 || n->data_len > URPT_MAX_IOVECS))
				s->may_succeed = false;
		}
		if (!is_nvme_op(op))
			s->may_succeed = false;
		s->ok_res = 0;
		return;
	}

	/* native, or a cmd_op nobody knows with a native-looking area */
	{
		struct urpt_cmd *u = (struct urpt_cmd *)sqe->cmd;
		bool dev_writes = op_reads(op) || op == URPT_CMD_INFO;

		u->version = chance(92) ? URPT_ABI_VERSION : (uint8_t)rnd();
		if (chance(5))
			u->rsvd0[below(3)] = (uint8_t)rnd();
		if (chance(5))
			u->zone_action = (uint32_t)rnd();
		if (chance(5))
			u->rsvd2[below(6)] = rnd();
		switch (below(10)) {
		case 0:
			u->flags = (uint32_t)rnd();
			break;
		case 1:
		case 2:
		case 3:
			u->flags = below(8);
			break;
		default:
			break;
		}
		if (op == URPT_CMD_FLUSH && chance(60)) {
			/* mostly well-formed: offset, addr, len 0 */
		} else if (op == URPT_CMD_INFO) {
			u->len = chance(70) ? URPT_INFO_SIZE_V1 + below(200) : rnd_len();
			u->addr = rnd_addr(u->len < URPT_INFO_SIZE_V1 ? u->len :
					   (uint32_t)ut_info_res(u->len), true);
			u->offset = chance(80) ? 0 : rnd_offset();
		} else if (op == URPT_CMD_READV || op == URPT_CMD_WRITEV) {
			uint64_t total;
			int cls;
			uint32_t cnt;

			switch (below(10)) {
			case 0:
				cnt = 0;
				break;
			case 1:
				cnt = URPT_MAX_IOVECS + below(2);
				break;
			case 2:
				cnt = 8 + below(3);	/* UIO_FASTIOV edge */
				break;
			default:
				cnt = 1 + below(8);
				break;
			}
			rnd_iovecs(s, cnt, dev_writes, &total, &cls);
			u->len = cnt;
			u->addr = chance(90) ? (uintptr_t)s->iov : rnd_bad_addr();
			u->offset = rnd_offset();
		} else if (op_ranged(op)) {
			u->addr = chance(90) ? 0 : rnd_addr(4096, false);
			u->len = chance(70) ? rnd_lbs_len(1u << 20) : rnd_len();
			u->offset = rnd_offset();
		} else {
			u->len = rnd_len();
			u->addr = rnd_addr(u->len, dev_writes);
			u->offset = rnd_offset();
			if (op == URPT_CMD_FLUSH && chance(50))
				u->len = 0;
		}
		if (chance(3)) {	/* the whole area random */
			uint64_t w[10];
			unsigned int i;

			for (i = 0; i < 10; i++)
				w[i] = rnd();
			memcpy(u, w, URPT_CMD_SIZE);
			if (chance(50))
				u->version = URPT_ABI_VERSION;
		}
		/* never an aligned offset inside the verified region */
		if (u->offset < V_SIZE && !(u->offset % F.lbs) &&
		    (op_rw(op) || op_ranged(op)))
			u->offset += V_SIZE;
		if ((sqe->uring_cmd_flags & IORING_URING_CMD_FIXED) &&
		    (op == URPT_CMD_READ || op == URPT_CMD_WRITE) &&
		    u->len < (1u << 20) && chance(50))
			u->addr = (uintptr_t)F.lazy + below((1u << 20) - u->len);
		s->fdkind = fdkind;
	}
}

/* ---- special rings: every command is -EOPNOTSUPP ----------------------------- */

static void gen_wrong_ring(struct slot *s, struct io_uring_sqe *sqe)
{
	uint32_t op = chance(70) ? native_ops[below(ARRAY_SIZE(native_ops))] :
				   NVME_URING_CMD_IO;

	s->kind = K_EXACT;
	prep_sqe(s, sqe, op, FD_RW, false);
	if (s->ring == R_NOCQE32 && !s->nvme) {
		struct urpt_cmd *u = (struct urpt_cmd *)sqe->cmd;

		u->version = URPT_ABI_VERSION;
		if (op_rw(op) || op == URPT_CMD_INFO) {
			u->addr = (uintptr_t)F.lazy;
			u->len = op == URPT_CMD_INFO ? URPT_INFO_SIZE_V1 : F.lbs;
		}
		if (op_rw(op) || op_ranged(op))
			u->offset = V_SIZE;
	}
	s->what = "ring without SQE128 and CQE32";
	s->want = -EOPNOTSUPP;
	s->ok_res = s->want;
}

/* ---- completions ---------------------------------------------------------- */

static bool errno_allowed(int err, const struct slot *s)
{
	switch (err) {
	case EINVAL:
	case EOPNOTSUPP:
	case EFAULT:
	case EBADF:
	case ENOMEM:
		return true;
	case ENOSPC:
		return !s->nvme;
	case ENOBUFS:	/* IOSQE_BUFFER_SELECT without buffers, newer kernels */
		return ((const struct io_uring_sqe *)s->sqe)->flags &
		       IOSQE_BUFFER_SELECT;
	case ECANCELED:
		/* after a failed link; a chain's head when a later link failed */
		return s->after_link ||
		       (((const struct io_uring_sqe *)s->sqe)->flags &
			(IOSQE_IO_LINK | IOSQE_IO_HARDLINK));
	}
	return false;
}

static bool nvme_status_allowed(int st)
{
	switch (st) {
	case SC_INV_OPCODE:
	case SC_INV_FIELD:
	case SC_INV_NS:
	case SC_SGL_LEN:
	case SC_WP:
	case SC_LBA_RANGE:
		return true;
	}
	return false;
}

static void check_random(struct slot *s, const struct ut_cqe *c)
{
	char why[128];

	if (c->res < 0) {
		if (!errno_allowed(-c->res, s))
			dump_slot(s, c, "errno outside the expected set");
		return;
	}
	if (s->nvme && c->res > 0) {
		F.statuses++;
		if (!nvme_status_allowed(c->res))
			dump_slot(s, c, "NVMe status outside the expected set");
		return;
	}
	F.successes++;
	if (!s->may_succeed) {
		dump_slot(s, c, "success of a command that cannot be valid");
		return;
	}
	if (s->ok_res >= 0 && c->res != s->ok_res) {
		snprintf(why, sizeof(why), "success with res %d, a valid command gives %lld",
			 c->res, (long long)s->ok_res);
		dump_slot(s, c, why);
	}
}

static void complete(const struct ut_cqe *c)
{
	struct slot *s;
	char why[128];

	uint64_t slot = c->user_data & ((1u << UD_SEQ_SHIFT) - 1);

	if (slot >= NSLOTS || F.slots[slot].kind == K_FREE ||
	    F.slots[slot].seq != c->user_data >> UD_SEQ_SHIFT) {
		F.failures++;
		fprintf(stderr, "# UNEXPECTED completion with user_data %#llx res %d: command #%llu of slot %llu, which holds #%llu\n",
			(unsigned long long)c->user_data, c->res,
			(unsigned long long)(c->user_data >> UD_SEQ_SHIFT),
			(unsigned long long)slot,
			slot < NSLOTS ? (unsigned long long)F.slots[slot].seq : 0ULL);
		return;
	}
	s = &F.slots[slot];
	F.completed++;
	F.inflight[s->ring]--;
	if (s->after_link)
		F.linked[s->ring]--;
	if (c->res < 0 && -c->res < (int)ARRAY_SIZE(F.errnos))
		F.errnos[-c->res]++;
	if (ring_is_big(s->ring) && c->extra[1])
		dump_slot(s, c, "big_cqe[1] is not zero");
	else if (s->nvme && c->res >= 0 && c->extra[0])
		dump_slot(s, c, "NVMe result dw0 is not zero");
	switch (s->kind) {
	case K_VREAD:
	case K_VWRITE:
		done_verified(s, c);
		break;
	case K_EXACT:
		if (c->res == s->want) {
			if (s->nvme && c->res > 0)
				F.statuses++;
			if (c->res >= 0 && !(s->nvme && c->res > 0))
				F.successes++;
		} else if (!(s->after_link && c->res == -ECANCELED)) {
			snprintf(why, sizeof(why), "wanted %d (%s%#x)", s->want,
				 s->want < 0 ? strerror(-s->want) : "", s->want);
			dump_slot(s, c, why);
		}
		break;
	default:
		check_random(s, c);
		break;
	}
	if (c->res >= 0)
		F.ok_kind[s->kind]++;
	s->kind = K_FREE;
	F.nfree++;
}

/* Reap what is there (and poll an IOPOLL ring once); no waiting. */
static void reap_ready(int r)
{
	struct io_uring *ring = &F.ring[r];
	struct io_uring_cqe *cqe;
	struct ut_cqe c;

	if (!F.inflight[r])
		return;
	if (r == R_POLL)
		io_uring_get_events(ring);
	while (F.inflight[r] && io_uring_peek_cqe(ring, &cqe) == 0 && cqe) {
		ut_cqe_copy(ring, cqe, &c);
		io_uring_cqe_seen(ring, cqe);
		complete(&c);
	}
}

/* Wait for one completion on ring r: 0, or -ETIME after the limit. */
static int reap_one(int r)
{
	struct io_uring *ring = &F.ring[r];
	struct timespec start, now;
	struct io_uring_cqe *cqe;
	struct ut_cqe c;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (r == R_POLL) {
			io_uring_get_events(ring);
			ret = io_uring_peek_cqe(ring, &cqe);
		} else {
			struct __kernel_timespec ts = { .tv_sec = 1 };

			ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		}
		if (ret == 0 && cqe) {
			ut_cqe_copy(ring, cqe, &c);
			io_uring_cqe_seen(ring, cqe);
			complete(&c);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > (time_t)(UT_WAIT_SEC * F.scale))
			return -ETIME;
	}
}

/* io_uring's view of a ring: its cached heads and tails, its deferred work. */
static void print_fdinfo(int fd)
{
	char path[64], line[256];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n++ < 40)
		fprintf(stderr, "#   fdinfo: %s", line);
	fclose(f);
}

static void report_stuck(int r)
{
	struct io_uring *ring = &F.ring[r];
	struct ut_cqe none = { .res = 0 };
	uint64_t last = 0;
	unsigned int i, n;

	fprintf(stderr,
		"# %u command(s) on ring %s did not complete within %u s (sq head %u tail %u flags %#x, cq head %u tail %u); oldest first:\n",
		F.inflight[r], ring_name[r], UT_WAIT_SEC * F.scale,
		*ring->sq.khead, *ring->sq.ktail, *ring->sq.kflags,
		*ring->cq.khead, *ring->cq.ktail);
	F.failures = 0;	/* print these whatever was printed before */
	print_fdinfo(ring->ring_fd);
	for (n = 0; n < 12; n++) {
		struct slot *oldest = NULL;

		for (i = 0; i < NSLOTS; i++) {
			struct slot *s = &F.slots[i];

			if (s->kind != K_FREE && s->ring == r &&
			    (!n || s->seq > last) &&
			    (!oldest || s->seq < oldest->seq))
				oldest = s;
		}
		if (!oldest)
			break;
		last = oldest->seq;
		dump_slot(oldest, &none, "no completion");
	}
}

/* ---- synchronous NVMe ioctls ---------------------------------------------- */

static void one_ioctl(void)
{
	static const unsigned long reqs[] = {
		NVME_IOCTL_IO_CMD, NVME_IOCTL_IO64_CMD, NVME_IOCTL_IO64_CMD_VEC,
		NVME_IOCTL_ADMIN_CMD, NVME_IOCTL_ADMIN64_CMD, NVME_IOCTL_ID,
		NVME_IOCTL_RESET, _IOWR('N', 0x4a, struct nvme_passthru_cmd64),
	};
	static const uint8_t opcodes[] = { NV_FLUSH, NV_WRITE, NV_READ, NV_WZ,
					   NV_DSM, NV_IDENTIFY, 0x05, 0xff };
	struct nvme_passthru_cmd64 cmd = { 0 };
	unsigned long req = reqs[below(ARRAY_SIZE(reqs))];
	uint64_t slba = rnd_slba(), nlb;
	void *arg = &cmd;
	int fd = below(3), ret, err = 0;
	bool admin = req == NVME_IOCTL_ADMIN_CMD || req == NVME_IOCTL_ADMIN64_CMD;

	F.ioctls++;
	cmd.opcode = opcodes[below(ARRAY_SIZE(opcodes))];
	cmd.nsid = chance(85) ? 1 : (uint32_t)rnd();
	cmd.flags = chance(90) ? 0 : (uint8_t)rnd();
	cmd.cdw10 = admin ? below(10) : (uint32_t)slba;
	cmd.cdw11 = admin ? 0 : slba >> 32;
	cmd.cdw12 = chance(70) ? below(64) : (uint32_t)rnd();
	nlb = (cmd.cdw12 & 0xffff) + 1;
	cmd.data_len = chance(60) ? nlb << F.shift : rnd_len();
	cmd.addr = rnd_addr(cmd.data_len, cmd.opcode == NV_READ || admin);
	if (cmd.opcode == NV_DSM && !admin) {
		/* no range list in the verified region: a plain buffer of junk
		 * would name random LBAs, so point at one safe range */
		static struct { uint32_t cattr, nlb; uint64_t slba; } r;

		r.cattr = 0;
		r.nlb = 1 + below(8);
		r.slba = (V_SIZE >> F.shift) + below(1000);
		cmd.cdw10 = 0;
		cmd.addr = chance(80) ? (uintptr_t)&r : rnd_bad_addr();
		cmd.data_len = 16;
	}
	if (req == NVME_IOCTL_IO64_CMD_VEC) {
		/* one iovec of the test's, or an array nobody may read */
		static struct iovec iov;

		iov.iov_len = cmd.data_len;
		iov.iov_base = (void *)(uintptr_t)cmd.addr;
		cmd.addr = chance(90) ? (uintptr_t)&iov : rnd_bad_addr();
		cmd.data_len = 1;
	}
	if (chance(5))
		arg = (void *)(uintptr_t)kernel_addrs[below(ARRAY_SIZE(kernel_addrs))];
	ret = ioctl(F.fd[fd], req, arg);
	if (ret < 0)
		err = errno;
	if (req == NVME_IOCTL_ID) {
		if (ret != 1) {
			F.failures++;
			fprintf(stderr, "# UNEXPECTED NVME_IOCTL_ID: %d (%s)\n", ret,
				strerror(err));
		}
		return;
	}
	if (ret < 0) {
		if (err == EFAULT || err == EINVAL || err == ENOTTY ||
		    err == ENOMEM || err == EOPNOTSUPP)
			return;
	} else if (ret == 0 || nvme_status_allowed(ret)) {
		return;
	}
	F.failures++;
	if (F.failures <= MAX_REPORTS)
		fprintf(stderr,
			"# UNEXPECTED ioctl %#lx on fd kind %d: %d (%s): opcode %#x nsid %#x flags %#x cdw10 %#x cdw11 %#x cdw12 %#x addr %#llx data_len %#x arg %p\n",
			req, fd, ret, ret < 0 ? strerror(err) : "status", cmd.opcode,
			cmd.nsid, cmd.flags, cmd.cdw10, cmd.cdw11, cmd.cdw12,
			(unsigned long long)cmd.addr, cmd.data_len, arg);
}

/* ---- the stream ------------------------------------------------------------ */

static struct slot *slot_alloc(void)
{
	unsigned int i, start = below(NSLOTS);

	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &F.slots[(start + i) % NSLOTS];

		if (s->kind == K_FREE) {
			F.nfree--;
			return s;
		}
	}
	return NULL;
}

static int pick_ring(void)
{
	unsigned int p = below(100);

	if (p < 3)
		return R_SQE64;
	if (p < 6)
		return R_NOCQE32;
	if (p < 30 && F.ring_ok[R_POLL])
		return R_POLL;
	return R_PLAIN;
}

static unsigned int ring_qd(int r)
{
	return ring_is_big(r) ? RING_QD : SMALL_QD;
}

/* Prepare and submit one batch on ring r; false if the ring failed. */
static bool one_batch(struct __test_metadata *_metadata, int r, uint64_t left)
{
	struct io_uring *ring = &F.ring[r];
	unsigned int room = ring_qd(r) - F.inflight[r], n, i;
	struct io_uring_sqe *sqe, *prev = NULL;
	struct slot *s, *prev_slot = NULL;
	size_t sqe_size = r == R_SQE64 ? 64 : 128;
	int ret;

	n = room < BATCH_MAX ? room : BATCH_MAX;
	if (n > F.nfree)
		n = F.nfree;
	if (n > left)
		n = left;
	if (!n)
		return true;
	n = 1 + below(n);
	for (i = 0; i < n; i++) {
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			break;
		s = slot_alloc();
		memset(s, 0, offsetof(struct slot, buf));
		s->ring = r;
		s->seq = F.submitted + i;
		if (!ring_is_big(r)) {
			if (chance(70))
				gen_wrong_ring(s, sqe);
			else
				gen_random(s, sqe, r);
		} else {
			unsigned int p = below(100);

			if (p < 45 && find_free_chunk() >= 0) {
				/* a verified command is never linked to */
				if (prev && (prev->flags & (IOSQE_IO_LINK |
							    IOSQE_IO_HARDLINK))) {
					prev->flags &= ~(IOSQE_IO_LINK | IOSQE_IO_HARDLINK);
					memcpy(prev_slot->sqe, prev, sqe_size);
				}
				gen_verified(s, sqe, p < 25);
			} else if (p < 70) {
				if (chance(70))
					gen_exact_native(s, sqe);
				else
					gen_exact_nvme(s, sqe);
			} else {
				gen_random(s, sqe, r);
			}
		}
		if (s->kind == K_EXACT && (sqe->flags & IOSQE_IO_LINK))
			sqe->flags &= ~IOSQE_IO_LINK;
		s->after_link = prev && (prev->flags & (IOSQE_IO_LINK |
							IOSQE_IO_HARDLINK));
		memcpy(s->sqe, sqe, sqe_size);
		if (s->kind == K_RANDOM && !s->nvme && (ring_is_big(r) ||
							r == R_NOCQE32)) {
			int64_t ok;

			s->may_succeed = native_could_succeed(s, s->fdkind, &ok);
			s->ok_res = ok;
		}
		F.by_kind[s->kind]++;
		F.inflight[r]++;
		if (s->after_link)
			F.linked[r]++;
		prev = sqe;
		prev_slot = s;
	}
	/* no link out of the batch */
	if (prev && (prev->flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK))) {
		prev->flags &= ~(IOSQE_IO_LINK | IOSQE_IO_HARDLINK);
		memcpy(prev_slot->sqe, prev, sqe_size);
	}
	F.submitted += i;
	/* An SQE that fails early stops a ring without SUBMIT_ALL: go on. */
	while (io_uring_sq_ready(ring)) {
		ret = io_uring_submit(ring);
		if (ret == -EAGAIN || ret == -EBUSY || ret == -EINTR) {
			reap_ready(r);
			continue;
		}
		EXPECT_LE(0, ret) {
			TH_LOG("io_uring_submit on ring %s: %s", ring_name[r],
			       strerror(-ret));
		}
		if (ret < 0)
			return false;
	}
	/* The SQEs of linked commands are reused only once they ran. */
	while (F.late_link_sqe && F.linked[r]) {
		ret = reap_one(r);
		EXPECT_EQ(0, ret) {
			TH_LOG("ring %s: %u linked commands did not complete",
			       ring_name[r], F.linked[r]);
			report_stuck(r);
		}
		if (ret)
			return false;
	}
	return true;
}

/* An NVMe Read of one block with a flag set: urpt answers Invalid Field. */
static struct nvme_uring_cmd *prep_nvme_invalid_read(struct io_uring_sqe *sqe,
						      int fd, void *buf)
{
	struct nvme_uring_cmd *n = (struct nvme_uring_cmd *)sqe->cmd;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = NVME_URING_CMD_IO;
	memset(n, 0, URPT_CMD_SIZE);
	n->opcode = NV_READ;
	n->flags = 1;
	n->nsid = 1;
	n->addr = (uintptr_t)buf;
	n->data_len = F.lbs;
	return n;
}

/*
 * Whether io_uring reads the SQE of a command that waits behind a link when
 * it issues the command instead of when it was submitted. 6.11 deferred
 * copying a uring_cmd's SQE until the command went async (a command behind
 * a link does not), and 6.12's stable kernels lack the upstream fix
 * ("io_uring/uring_cmd: unconditionally copy SQEs at prep time", 6.14):
 * there, such a command runs whatever its SQE slot holds when the link's
 * head completes, though the slot is the application's again once
 * io_uring_enter() returned. The probe links an NVMe Read urpt answers
 * with Invalid Field behind a 20 ms timeout and rewrites the Read's slot
 * to Invalid Namespace after submitting (@sqe_flags on the Read): 1 if the
 * rewrite won, 0 if not, -EPROTO for any other answer, another -errno if
 * the ring failed.
 * cmd_op is left alone: io_uring reads it at submission on every kernel.
 */
static int probe_linked_sqe(struct io_uring *ring, int fd, void *buf,
			    unsigned int sqe_flags)
{
	struct __kernel_timespec ts = { .tv_nsec = 20 * 1000 * 1000 };
	struct io_uring_sqe *sqe;
	struct nvme_uring_cmd *n;
	struct ut_cqe c;
	int i, ret, res = -EPROTO;

	sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->flags |= IOSQE_IO_HARDLINK;
	sqe->user_data = 0;
	sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return -EBUSY;
	n = prep_nvme_invalid_read(sqe, fd, buf);
	sqe->flags |= sqe_flags;
	sqe->user_data = 1;
	ret = io_uring_submit(ring);
	if (ret != 2)
		return ret < 0 ? ret : -EIO;
	n->flags = 0;
	n->nsid = 2;

	for (i = 0; i < 2; i++) {
		ret = ut_reap_any(ring, &c);
		if (ret)
			return ret;
		if (c.user_data == 1)
			res = c.res;
	}
	if (res == SC_INV_FIELD)
		return 0;
	if (res == SC_INV_NS)
		return 1;
	return -EPROTO;
}

/*
 * Whether io_uring's IOSQE_IO_DRAIN holds when an SQE after the drained
 * command is refused at submission. 6.1 and 6.12 wait until the CQ tail
 * reaches the drained command's place in the SQ: the refused SQE's CQE,
 * posted at once, counts as one of the commands before it, so one refused
 * SQE lets the drained command run early, and on 6.12 two in one
 * submission made it wait forever (a CQ tail past its place never comes
 * back); 7.2 counts requests instead and holds. The probe drains an INFO behind a 20 ms
 * timeout and refuses one SQE after it (an SQE flag no kernel has), on a
 * ring of its own: 1 if INFO completed first, 0 if after the timeout,
 * -EPROTO for other answers, another -errno if the ring failed.
 */
static int probe_drain(int fd, void *buf)
{
	struct __kernel_timespec ts = { .tv_nsec = 20 * 1000 * 1000 };
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int i, ret, first = -1;
	struct ut_cqe c;

	ret = urpt_queue_init(8, &ring, IORING_SETUP_SUBMIT_ALL);
	if (ret)
		return ret;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0;
	sqe = io_uring_get_sqe(&ring);
	urpt_prep_info(sqe, fd, buf);
	sqe->flags |= IOSQE_IO_DRAIN;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= 1u << 7;
	sqe->user_data = 2;
	ret = io_uring_submit(&ring);
	if (ret != 3) {
		ret = ret < 0 ? ret : -EIO;
		goto out;
	}
	for (i = 0; i < 3; i++) {
		ret = ut_reap_any(&ring, &c);
		if (ret)
			goto out;
		if ((c.user_data == 0 && c.res != -ETIME) ||
		    (c.user_data == 1 && c.res != sizeof(struct urpt_info)) ||
		    (c.user_data == 2 && c.res != -EINVAL)) {
			ret = -EPROTO;
			goto out;
		}
		if (c.user_data < 2 && first < 0)
			first = c.user_data;
	}
	ret = first;
out:
	io_uring_queue_exit(&ring);
	return ret;
}

/* ---- setup ----------------------------------------------------------------- */

static uint64_t fuzz_count(void)
{
	return ut_knob("URPT_FUZZ_COUNT", "urptvm.fuzz_count", DEFAULT_COUNT);
}

static void *map(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

FIXTURE(fuzz) {
	bool skip;
	struct ut_disk d;
	uint64_t rng;
};

FIXTURE_SETUP(fuzz)
{
	const char *s = getenv("URPT_FUZZ_SEED");
	struct timespec now;
	int files[NFF], pipefd[2], i, ret;
	char *p;

	clock_gettime(CLOCK_REALTIME, &now);
	F.seed = s && *s ? strtoull(s, NULL, 0) :
		 ((uint64_t)now.tv_sec * 1000000007ULL) ^ (uint64_t)now.tv_nsec;
	if (!F.seed)
		F.seed = 1;
	F.count = fuzz_count();
	F.drain_pct = ut_knob("URPT_FUZZ_DRAIN", "urptvm.fuzz_drain",
			      DEFAULT_DRAIN);
	F.scale = ut_timeout_scale();
	/* first, so that any failure can be replayed */
	printf("# URPT_FUZZ_SEED=%#llx URPT_FUZZ_COUNT=%llu\n",
	       (unsigned long long)F.seed, (unsigned long long)F.count);
	fflush(stdout);
	F.rng = F.seed * 0x9e3779b97f4a7c15ULL | 1;
	for (i = 0; i < NFDS; i++)
		F.fd[i] = -1;

	if (!ut_fixture_attach(_metadata, &self->skip, &self->d, &self->rng))
		return;
	F.d = &self->d;
	/* The model has every zone command fail: a disk without zones. */
	ASSERT_FALSE(!!(self->d.info.features & URPT_FEAT_ZONED));
	F.lbs = self->d.info.logical_block_size;
	F.cap = self->d.info.capacity;
	F.shift = __builtin_ctz(F.lbs);
	F.nsze = F.cap >> F.shift;
	F.fixed_vec = self->d.info.features & URPT_FEAT_FIXED_VEC;
	F.discard = self->d.info.max_discard;
	F.wzeroes = self->d.info.max_write_zeroes;
	if (F.cap < V_SIZE + (16u << 20)) {
		ut_disk_release(&self->d);
		self->skip = true;
		SKIP(return, "%s is smaller than %u MiB", self->d.bdev,
		     (V_SIZE >> 20) + 16);
	}

	F.fd[FD_RW] = open(self->d.path, O_RDWR | O_CLOEXEC);
	F.fd[FD_RO] = open(self->d.path, O_RDONLY | O_CLOEXEC);
	F.fd[FD_WO] = open(self->d.path, O_WRONLY | O_CLOEXEC);
	/* not /dev/null: it answers every uring_cmd with 0 */
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	F.fd[FD_PIPE] = pipefd[0];
	F.pipe_w = pipefd[1];
	F.fd[FD_CLOSED] = 999;	/* not open: checked below */
	ASSERT_LE(0, F.fd[FD_RW]);
	ASSERT_LE(0, F.fd[FD_RO]);
	ASSERT_LE(0, F.fd[FD_WO]);
	ASSERT_LE(0, F.fd[FD_PIPE]);
	ASSERT_EQ(-1, fcntl(F.fd[FD_CLOSED], F_GETFD));

	ASSERT_EQ(0, urpt_queue_init(RING_QD, &F.ring[R_PLAIN],
				     IORING_SETUP_SUBMIT_ALL));
	F.ring_ok[R_PLAIN] = true;
	ASSERT_EQ(0, urpt_queue_init(RING_QD, &F.ring[R_POLL],
				     IORING_SETUP_IOPOLL));
	F.ring_ok[R_POLL] = true;
	ASSERT_EQ(0, io_uring_queue_init(SMALL_QD, &F.ring[R_SQE64], 0));
	F.ring_ok[R_SQE64] = true;
	ASSERT_EQ(0, io_uring_queue_init(SMALL_QD, &F.ring[R_NOCQE32],
					 IORING_SETUP_SQE128));
	F.ring_ok[R_NOCQE32] = true;
	files[FF_RW] = F.fd[FD_RW];
	files[FF_RO] = F.fd[FD_RO];
	files[FF_WO] = F.fd[FD_WO];
	files[FF_PIPE] = F.fd[FD_PIPE];
	files[FF_SPARSE] = -1;
	ASSERT_EQ(0, io_uring_register_files(&F.ring[R_PLAIN], files, NFF));
	ASSERT_EQ(0, io_uring_register_files(&F.ring[R_POLL], files, NFF));

	F.slotmem = map((size_t)NSLOTS * SLOT_BUF, PROT_READ | PROT_WRITE);
	F.flatmem = map((size_t)NSLOTS * CHUNK, PROT_READ | PROT_WRITE);
	F.lazy = map(LAZY_SIZE + GUARD, PROT_READ | PROT_WRITE);
	F.ro = map(RO_SIZE + GUARD, PROT_READ | PROT_WRITE);
	F.none = map(NONE_SIZE, PROT_NONE);
	p = map(HOLE_SIZE + 2 * GUARD, PROT_NONE);
	F.shadow = malloc(V_SIZE);
	F.ro_pattern = malloc(RO_SIZE);
	ASSERT_TRUE(F.slotmem && F.flatmem && F.lazy && F.ro && F.none && p && F.shadow &&
		    F.ro_pattern);
	F.hole = p + GUARD;
	ASSERT_EQ(0, munmap(F.hole, HOLE_SIZE));
	ASSERT_EQ(0, mprotect(F.lazy + LAZY_SIZE, GUARD, PROT_NONE));
	ut_fill(F.ro_pattern, RO_SIZE, F.seed + 1);
	memcpy(F.ro, F.ro_pattern, RO_SIZE);
	ASSERT_EQ(0, mprotect(F.ro, RO_SIZE, PROT_READ));
	ASSERT_EQ(0, mprotect(F.ro + RO_SIZE, GUARD, PROT_NONE));
	F.vdso = (char *)getauxval(AT_SYSINFO_EHDR);
	F.sqes = (char *)F.ring[R_PLAIN].sq.sqes;

	F.nregions = 0;
	add_region(F.lazy, LAZY_SIZE, B_OK, B_OK);
	add_region(F.ro, RO_SIZE, B_OK, B_BAD);
	if (F.vdso)
		add_region(F.vdso, 4096, B_MAYBE, B_BAD);
	add_region(F.sqes, RING_QD * 128, B_MAYBE, B_BAD);

	for (i = 0; i < NSLOTS; i++) {
		F.slots[i].kind = K_FREE;
		F.slots[i].buf = F.slotmem + (size_t)i * SLOT_BUF;
		F.slots[i].flat = F.flatmem + (size_t)i * CHUNK;
		F.slots[i].iov = calloc(SLOT_IOVS, sizeof(struct iovec));
		ASSERT_NE(NULL, F.slots[i].iov);
	}
	F.nfree = NSLOTS;
	F.regbuf[0] = (struct iovec){ F.slotmem, (size_t)NSLOTS * SLOT_BUF };
	F.regbuf[1] = (struct iovec){ F.lazy, 1u << 20 };
	F.regbuf[2] = (struct iovec){ F.lazy + (2u << 20) + 7, 8192 };
	ASSERT_EQ(0, io_uring_register_buffers(&F.ring[R_PLAIN], F.regbuf, 3));
	ASSERT_EQ(0, io_uring_register_buffers(&F.ring[R_POLL], F.regbuf, 3));

	ret = probe_linked_sqe(&F.ring[R_PLAIN], F.fd[FD_RW], F.slotmem, 0);
	ASSERT_LE(0, ret) {
		TH_LOG("probing linked commands: %s", strerror(-ret));
	}
	F.late_link_sqe = ret;
	if (F.late_link_sqe) {
		printf("# io_uring reads a linked command's SQE when it runs: the SQEs of linked commands are reused only once they ran\n");
		fflush(stdout);
	}

	if (F.drain_pct) {
		ret = probe_drain(F.fd[FD_RW], F.lazy);
		ASSERT_LE(0, ret) {
			TH_LOG("probing IOSQE_IO_DRAIN: %s", strerror(-ret));
		}
		if (ret) {
			F.drain_pct = 0;
			printf("# io_uring's drain does not hold with SQEs refused after the drained command: no IOSQE_IO_DRAIN in the stream\n");
			fflush(stdout);
		}
	}

	/* The verified region starts as a known pattern. */
	ut_fill(F.shadow, V_SIZE, F.seed + 2);
	ASSERT_EQ(0, ut_disk_write(self->d.direct_fd, F.slotmem, 1u << 20,
				   F.shadow, V_SIZE, 0));
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	if (self->skip)
		return;
	for (i = 0; i < NRINGS; i++)
		if (F.ring_ok[i])
			io_uring_queue_exit(&F.ring[i]);
	for (i = 0; i < FD_CLOSED; i++)
		if (F.fd[i] >= 0)
			close(F.fd[i]);
	if (F.pipe_w > 0)
		close(F.pipe_w);
	ut_fixture_release(_metadata, &self->d);
}

/*
 * Results urpt.ko knows while the command is issued (INFO's length, an NVMe
 * status, Identify's 0) complete like any other, on every path: issued by
 * io_uring's worker (IOSQE_ASYNC), as a link (the next command runs), on an
 * IOPOLL ring. On 6.1 urpt.ko used to return them from .uring_cmd, which
 * io_uring there never completed from its worker (a hang), failed as a link
 * and, for a 0 on an IOPOLL ring, completed twice (a use after free in
 * io_do_iopoll()): the fuzzer's first runs found all three.
 */
TEST_F_TIMEOUT(fuzz, results_known_at_issue, 120)
{
	static const int rings[] = { R_PLAIN };
	char *info = F.lazy, *id = F.lazy + 8192, *data = F.slotmem;
	unsigned int i, round, k;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(rings); i++) {
		struct io_uring *ring = &F.ring[rings[i]];

		for (round = 0; round < 32; round++) {
			unsigned int async = round & 1 ? IOSQE_ASYNC : 0;
			struct io_uring_sqe *sqe;
			struct nvme_uring_cmd *n;
			bool seen[5] = { false };
			struct ut_cqe c;

			/* 0: INFO */
			sqe = io_uring_get_sqe(ring);
			ASSERT_NE(NULL, sqe);
			urpt_prep_info(sqe, F.fd[FD_RW], (struct urpt_info *)info);
			sqe->flags |= async;
			sqe->user_data = 0;
			/* 1: Identify Controller */
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_rw(IORING_OP_URING_CMD, sqe, F.fd[FD_RO],
					 NULL, 0, 0);
			sqe->cmd_op = NVME_URING_CMD_ADMIN;
			n = (struct nvme_uring_cmd *)sqe->cmd;
			memset(n, 0, URPT_CMD_SIZE);
			n->opcode = NV_IDENTIFY;
			n->addr = (uintptr_t)id;
			n->data_len = 4096;
			n->cdw10 = 1;
			sqe->flags |= async;
			sqe->user_data = 1;
			memset(id, 0, 4096);
			/* 2: an NVMe read with flags: Invalid Field */
			sqe = io_uring_get_sqe(ring);
			prep_nvme_invalid_read(sqe, F.fd[FD_RW], data);
			sqe->flags |= async;
			sqe->user_data = 2;
			/* 3: INFO linked to 4: a READ of block 0 */
			sqe = io_uring_get_sqe(ring);
			urpt_prep_info(sqe, F.fd[FD_RW], (struct urpt_info *)info);
			sqe->flags |= async | IOSQE_IO_LINK;
			sqe->user_data = 3;
			sqe = io_uring_get_sqe(ring);
			ASSERT_NE(NULL, sqe);
			memset(data, 0xa5, F.lbs);
			urpt_prep_read(sqe, F.fd[FD_RW], data, F.lbs, 0);
			sqe->user_data = 4;
			ASSERT_EQ(5, io_uring_submit(ring));

			for (k = 0; k < 5; k++) {
				ASSERT_EQ(0, ut_reap_any(ring, &c)) {
					TH_LOG("ring %s round %u: %u of 5 completions",
					       ring_name[rings[i]], round, k);
				}
				ASSERT_GT((uint64_t)5, c.user_data);
				EXPECT_FALSE(seen[c.user_data]);
				seen[c.user_data] = true;
				switch (c.user_data) {
				case 0:
				case 3:
					EXPECT_EQ((int32_t)sizeof(struct urpt_info),
						  c.res);
					break;
				case 1:
					EXPECT_EQ(0, c.res);
					EXPECT_EQ(0, memcmp(id + 4, "urpt", 4));
					break;
				case 2:
					EXPECT_EQ(SC_INV_FIELD, c.res);
					break;
				default:
					EXPECT_EQ((int)F.lbs, c.res);
					EXPECT_EQ(-1, ut_first_diff(data, F.shadow,
								    F.lbs));
					break;
				}
				EXPECT_EQ((uint64_t)0, c.extra[1]);
			}
		}
	}
}

/*
 * A command behind a link runs as it was submitted, though its SQE slot was
 * rewritten meanwhile (probe_linked_sqe(), on the plain ring: an IOPOLL
 * ring takes no timeout). On a kernel whose io_uring reads the SQE late
 * this is io_uring's bug, not urpt's: SKIP, saying so. IOSQE_ASYNC, which
 * makes io_uring copy the SQE at submission there too, is the workaround
 * docs/uapi.md gives applications: it must hold on every kernel.
 */
TEST_F(fuzz, linked_command_runs_as_submitted)
{
	unsigned int round, late = 0, late_async = 0, rounds = 8;
	int ret;

	NEED_SETUP();
	for (round = 0; round < 2 * rounds; round++) {
		bool async = round >= rounds;

		ret = probe_linked_sqe(&F.ring[R_PLAIN], F.fd[FD_RW], F.slotmem,
				       async ? IOSQE_ASYNC : 0);
		ASSERT_LE(0, ret) {
			TH_LOG("round %u%s: %s", round, async ? " (async)" : "",
			       ret == -EPROTO ?
			       "the linked Read answered neither as submitted nor as rewritten" :
			       strerror(-ret));
		}
		if (async)
			late_async += ret;
		else
			late += ret;
	}
	EXPECT_EQ(0U, late_async) {
		TH_LOG("%u of %u linked IOSQE_ASYNC commands ran as rewritten after submission",
		       late_async, rounds);
	}
	if (late == rounds && !late_async)
		SKIP(return, "this kernel's io_uring runs a linked command as its SQE reads when the link's head completes (%u of %u rounds; with IOSQE_ASYNC 0): io_uring's bug, fixed upstream by \"io_uring/uring_cmd: unconditionally copy SQEs at prep time\"",
		     late, rounds);
	EXPECT_EQ(0U, late) {
		TH_LOG("%u of %u linked commands ran as rewritten after submission",
		       late, rounds);
	}
}

/*
 * A drained command completes after the commands before it, though an SQE
 * after it was refused at submission (probe_drain()). On a kernel whose
 * io_uring counts the refused SQE's CQE as one of theirs this is
 * io_uring's bug, not urpt's: SKIP, saying so (and the stream then drains
 * nothing; urpt_path_test's drain_* tests hold there, with no SQE refused
 * after the drained one).
 */
TEST_F(fuzz, drain_holds_with_a_refused_sqe_after_it)
{
	unsigned int round, early = 0, rounds = 8;
	int ret;

	NEED_SETUP();
	for (round = 0; round < rounds; round++) {
		ret = probe_drain(F.fd[FD_RW], F.lazy);
		ASSERT_LE(0, ret) {
			TH_LOG("round %u: %s", round, ret == -EPROTO ?
			       "a command answered other than INFO, a timeout and a refused SQE do" :
			       strerror(-ret));
		}
		early += ret;
	}
	if (early == rounds)
		SKIP(return, "this kernel's io_uring runs a drained command before the commands ahead of it when an SQE after it is refused at submission (%u of %u rounds), and on 6.12 never when two are: its drain accounting (7.2 counts requests and holds)",
		     early, rounds);
	EXPECT_EQ(0U, early) {
		TH_LOG("%u of %u drained commands completed before the command ahead of them",
		       early, rounds);
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

TEST_F_TIMEOUT(fuzz, stream, 300)
{
	struct timespec t0;
	unsigned char vec;
	uint64_t next_report;
	double secs;
	long diff;
	int r, i;

	NEED_SETUP();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	next_report = F.count / 4;
	while (F.submitted < F.count) {
		if (chance(1))
			one_ioctl();
		r = pick_ring();
		if (ring_qd(r) - F.inflight[r] < 4 || F.nfree < 4) {
			int busiest = r;

			for (i = 0; i < NRINGS; i++)
				if (F.inflight[i] > F.inflight[busiest])
					busiest = i;
			ASSERT_EQ(0, reap_one(busiest)) {
				report_stuck(busiest);
			}
		}
		ASSERT_TRUE(one_batch(_metadata, r, F.count - F.submitted));
		for (i = 0; i < NRINGS; i++)
			reap_ready(i);
		if (F.submitted >= next_report && next_report) {
			fprintf(stderr, "# %llu commands, %.0f/s, %llu unexpected\n",
				(unsigned long long)F.submitted,
				F.submitted / seconds_since(&t0),
				(unsigned long long)F.failures);
			next_report += F.count / 4;
		}
	}
	for (i = 0; i < NRINGS; i++)
		while (F.inflight[i])
			ASSERT_EQ(0, reap_one(i)) {
				report_stuck(i);
			}
	secs = seconds_since(&t0);

	fprintf(stderr, "# %llu commands (%llu ioctls) in %.1f s: %.0f commands/s\n",
		(unsigned long long)F.submitted, (unsigned long long)F.ioctls,
		secs, F.submitted / secs);
	for (i = K_VREAD; i < NKINDS; i++)
		fprintf(stderr, "#   %-15s %8llu, %llu succeeded\n", kind_name[i],
			(unsigned long long)F.by_kind[i],
			(unsigned long long)F.ok_kind[i]);
	fprintf(stderr, "#   verified bytes %llu; random successes %llu; NVMe statuses %llu; drained %llu\n",
		(unsigned long long)F.verified_bytes,
		(unsigned long long)F.successes,
		(unsigned long long)F.statuses,
		(unsigned long long)F.drained);
	fprintf(stderr, "#   errnos:");
	for (i = 1; i < (int)ARRAY_SIZE(F.errnos); i++)
		if (F.errnos[i])
			fprintf(stderr, " %s %llu", strerrorname_np(i) ?: "?",
				(unsigned long long)F.errnos[i]);
	fprintf(stderr, "\n");

	EXPECT_EQ(F.submitted, F.completed);
	EXPECT_EQ((uint64_t)0, F.failures) {
		TH_LOG("%llu unexpected results: replay with URPT_FUZZ_SEED=%#llx URPT_FUZZ_COUNT=%llu",
		       (unsigned long long)F.failures,
		       (unsigned long long)F.seed,
		       (unsigned long long)F.count);
	}
	/* The verified region holds exactly what the shadow says. */
	diff = ut_disk_diff(self->d.direct_fd, F.slotmem, 1u << 20, F.shadow,
			    V_SIZE, 0);
	EXPECT_EQ(-1, diff) {
		TH_LOG("verified region differs from the shadow at byte %#lx",
		       diff);
	}
	/* No read went into the read-only buffer. */
	EXPECT_EQ(-1, ut_first_diff(F.ro, F.ro_pattern, RO_SIZE));
	/* The hole stayed a hole: the buffers' classes held. */
	EXPECT_EQ(-1, mincore(F.hole, 4096, &vec));
}

/* The harness's limit follows the count: about 1 ms a command, scaled. */
static void __attribute__((constructor)) fuzz_timeout(void)
{
	_fuzz_stream_object.timeout = (60 + fuzz_count() / 1000) * ut_timeout_scale();
}

TEST_HARNESS_MAIN
