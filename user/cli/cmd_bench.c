// SPDX-License-Identifier: GPL-2.0
/*
 * urpt bench DEV [--engine urpt|block|nvme] [--rw MODE] [--mix PCT]
 *                [--bs SIZE] [--qd N] [--batch-submit N]
 *                [--batch-complete N] [--runtime SECONDS | --ios N]
 *                [--fixed] [--poll] [--jobs N] [--offset SIZE] [--size SIZE]
 *                [--seed N] [--label TEXT] [--json]
 *
 * Measure one path to a disk with io_uring: urpt (URPT_CMD_READ/WRITE on
 * /dev/urptN), block (IORING_OP_READ/WRITE[_FIXED] on the block device
 * opened O_DIRECT) or nvme (NVME_URING_CMD_IO on /dev/ngXnY). Each job is
 * a thread with its own file, ring and buffers. The latency of every I/O
 * is taken in user space, from just before it is submitted to when its
 * completion is reaped (CLOCK_MONOTONIC), into a log-linear histogram;
 * for urpt the driver's own time from the CQE32 detail word is kept the
 * same way. The workload logic (options, offsets, histogram) is in
 * bench_plan.c and bench_hist.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include "cli.h"
#include "bench_hist.h"
#include "bench_plan.h"
#include "devname.h"

#define BENCH_BUFFER_ALIGN	4096
#define NVME_OPC_WRITE		0x01
#define NVME_OPC_READ		0x02

enum {
	OPT_ENGINE = 0x200,
	OPT_RW,
	OPT_MIX,
	OPT_BS,
	OPT_QD,
	OPT_BATCH_SUBMIT,
	OPT_BATCH_COMPLETE,
	OPT_RUNTIME,
	OPT_IOS,
	OPT_JOBS,
	OPT_OFFSET,
	OPT_SIZE,
	OPT_SEED,
	OPT_LABEL,
	OPT_JSON,
};

struct bench_args {
	const char *dev;
	struct bench_request req;
	uint64_t seed;
	bool have_seed;
	const char *label;
	bool json;
};

static const struct argp_option bench_options[] = {
	{ "engine", OPT_ENGINE, "ENGINE", 0,
	  "urpt (DEV is /dev/urptN or N; the default), block (DEV is a block "
	  "device, opened O_DIRECT) or nvme (DEV is an NVMe generic node "
	  "/dev/ngXnY)", 0 },
	{ "rw", OPT_RW, "MODE", 0,
	  "randread (default), randwrite, read, write (sequential) or randrw",
	  0 },
	{ "mix", OPT_MIX, "PCT", 0,
	  "Percentage of reads of --rw randrw (default 50)", 0 },
	{ "bs", OPT_BS, "SIZE", 0,
	  "Bytes per I/O (default 4k); a multiple of the logical block size",
	  0 },
	{ "qd", OPT_QD, "N", 0, "I/Os in flight per job, 1 to 4096 (default 1)",
	  0 },
	{ "batch-submit", OPT_BATCH_SUBMIT, "N", 0,
	  "Submit at most N I/Os per io_uring_enter (default: all that can be "
	  "queued, up to --qd)", 0 },
	{ "batch-complete", OPT_BATCH_COMPLETE, "N", 0,
	  "Wait for N completions per io_uring_enter (default 1)", 0 },
	{ "runtime", OPT_RUNTIME, "SECONDS", 0,
	  "Run for this long (instead of --ios)", 0 },
	{ "ios", OPT_IOS, "N", 0,
	  "I/Os per job (default 10000; instead of --runtime)", 0 },
	{ "jobs", OPT_JOBS, "N", 0,
	  "Threads, each with its own file, ring and buffers, 1 to 64 "
	  "(default 1)", 0 },
	{ "offset", OPT_OFFSET, "SIZE", 0,
	  "Start of the range used (default 0)", 0 },
	{ "size", OPT_SIZE, "SIZE", 0,
	  "Length of the range used (default: to the end of the disk)", 0 },
	{ "seed", OPT_SEED, "N", 0,
	  "Seed of the random offsets (default: random, printed)", 0 },
	{ "fixed", CLI_OPT_FIXED, NULL, 0,
	  "Register the buffers with io_uring: READ_FIXED/WRITE_FIXED (block) "
	  "or IORING_URING_CMD_FIXED (urpt, nvme)", 0 },
	{ "poll", CLI_OPT_POLL, NULL, 0,
	  "Set the ring up with IORING_SETUP_IOPOLL: completions are polled "
	  "where the disk has poll queues", 0 },
	{ "label", OPT_LABEL, "TEXT", 0,
	  "A name for the run, repeated in the output", 0 },
	{ "json", OPT_JSON, NULL, 0, "Print one JSON object on one line", 0 },
	{ 0 }
};

static void parse_choice(struct argp_state *state, const char *option,
			 const char *arg, int value, const char *choices)
{
	if (value < 0)
		argp_error(state, "invalid value '%s' for %s (one of: %s)", arg,
			   option, choices);
}

static error_t parse_bench(int key, char *arg, struct argp_state *state)
{
	struct bench_args *a = state->input;
	struct bench_request *r = &a->req;
	int v;

	switch (key) {
	case OPT_ENGINE:
		v = bench_engine_parse(arg);
		parse_choice(state, "--engine", arg, v, "urpt, block, nvme");
		r->engine = (enum bench_engine)v;
		return 0;
	case OPT_RW:
		v = bench_rw_parse(arg);
		parse_choice(state, "--rw", arg, v,
			     "randread, randwrite, read, write, randrw");
		r->rw = (enum bench_rw)v;
		return 0;
	case OPT_MIX:
		cli_parse_count(state, "--mix", arg, 0, 100, &r->mix);
		r->have_mix = true;
		return 0;
	case OPT_BS:
		cli_parse_size(state, "--bs", arg, &r->bs);
		return 0;
	case OPT_QD:
		cli_parse_count(state, "--qd", arg, 1, BENCH_MAX_QD, &r->qd);
		return 0;
	case OPT_BATCH_SUBMIT:
		cli_parse_count(state, "--batch-submit", arg, 1, BENCH_MAX_QD,
				&r->batch_submit);
		return 0;
	case OPT_BATCH_COMPLETE:
		cli_parse_count(state, "--batch-complete", arg, 1, BENCH_MAX_QD,
				&r->batch_complete);
		return 0;
	case OPT_RUNTIME:
		cli_parse_count(state, "--runtime", arg, 1, 1000000,
				&r->runtime_s);
		r->have_runtime = true;
		return 0;
	case OPT_IOS:
		cli_parse_count(state, "--ios", arg, 1, UINT64_MAX / 2, &r->ios);
		r->have_ios = true;
		return 0;
	case OPT_JOBS:
		cli_parse_count(state, "--jobs", arg, 1, BENCH_MAX_JOBS, &r->jobs);
		return 0;
	case OPT_OFFSET:
		cli_parse_size(state, "--offset", arg, &r->offset);
		return 0;
	case OPT_SIZE:
		cli_parse_size(state, "--size", arg, &r->size);
		r->have_size = true;
		return 0;
	case OPT_SEED:
		cli_parse_count(state, "--seed", arg, 0, UINT64_MAX, &a->seed);
		a->have_seed = true;
		return 0;
	case CLI_OPT_FIXED:
		r->fixed = true;
		return 0;
	case CLI_OPT_POLL:
		r->poll = true;
		return 0;
	case OPT_LABEL:
		a->label = arg;
		return 0;
	case OPT_JSON:
		a->json = true;
		return 0;
	case ARGP_KEY_ARG:
		cli_parse_arg(state, arg, &a->dev);
		return 0;
	case ARGP_KEY_END:
		if (!a->dev)
			argp_error(state, "missing DEV");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp bench_argp = {
	.options	= bench_options,
	.parser		= parse_bench,
	.args_doc	= "DEV",
	.doc		= "Measure IOPS, bandwidth and latency of one I/O path to a "
			  "disk with io_uring. WRITE WORKLOADS OVERWRITE THE RANGE. "
			  "Prints IOPS, MB/s and the latency (min, mean, p50, p99, "
			  "p99.9, max) measured in user space from submission to "
			  "reaping; for the urpt engine also the same figures of "
			  "the driver's time from the completion's CQE32 word. A "
			  "progress line is drawn on stderr when it is a terminal."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

/* What every job shares: the device, the plan, how to send I/O. */
struct bench_ctx {
	char path[256];
	struct bench_plan plan;
	uint64_t seed;
	int open_flags;
	unsigned int ring_flags;
	uint32_t dma_alignment;
	uint32_t nsid;			/* nvme */
	uint32_t lba_shift;		/* nvme */
};

struct bench_slot {
	uint64_t t0;
	void *buf;
	bool write;
};

struct bench_job {
	const struct bench_ctx *ctx;
	unsigned int index;
	pthread_t thread;
	int fd;
	bool has_ring;
	struct io_uring ring;
	void *area;
	struct bench_slot *slots;
	unsigned int *free;
	unsigned int nfree;
	struct bench_gen gen;
	struct bench_hist *lat, *drv;
	uint64_t reads, writes;
	_Atomic uint64_t done;		/* for the progress line */
	_Atomic bool finished;
	uint64_t start_ns, end_ns;
	int ret;
	char err[256];
};

static void job_fail(struct bench_job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void job_fail(struct bench_job *j, const char *fmt, ...)
{
	va_list ap;

	if (j->ret)
		return;
	j->ret = CLI_EXIT_FAILED;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
}

static void prep_nvme(const struct bench_ctx *c, struct io_uring_sqe *sqe,
		      int fd, void *buf, uint64_t offset, bool write)
{
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;
	uint64_t slba = offset >> c->lba_shift;
	uint32_t nlb = c->plan.bs >> c->lba_shift;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = NVME_URING_CMD_IO;
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = write ? NVME_OPC_WRITE : NVME_OPC_READ;
	cmd->nsid = c->nsid;
	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->data_len = c->plan.bs;
	cmd->cdw10 = (uint32_t)slba;
	cmd->cdw11 = (uint32_t)(slba >> 32);
	cmd->cdw12 = nlb - 1;
}

static void prep_io(struct bench_job *j, struct io_uring_sqe *sqe,
		    unsigned int i, uint64_t offset, bool write)
{
	const struct bench_ctx *c = j->ctx;
	const struct bench_plan *p = &c->plan;
	void *buf = j->slots[i].buf;

	switch (p->engine) {
	case BENCH_ENGINE_URPT:
		if (write)
			urpt_prep_write(sqe, j->fd, buf, p->bs, offset);
		else
			urpt_prep_read(sqe, j->fd, buf, p->bs, offset);
		if (p->fixed)
			urpt_prep_set_fixed(sqe, i);
		break;
	case BENCH_ENGINE_BLOCK:
		if (p->fixed && write)
			io_uring_prep_write_fixed(sqe, j->fd, buf, p->bs, offset, i);
		else if (p->fixed)
			io_uring_prep_read_fixed(sqe, j->fd, buf, p->bs, offset, i);
		else if (write)
			io_uring_prep_write(sqe, j->fd, buf, p->bs, offset);
		else
			io_uring_prep_read(sqe, j->fd, buf, p->bs, offset);
		break;
	case BENCH_ENGINE_NVME:
		prep_nvme(c, sqe, j->fd, buf, offset, write);
		if (p->fixed) {
			sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
			sqe->buf_index = i;
		}
		break;
	}
	io_uring_sqe_set_data64(sqe, i);
}

/* One completion: its latency, and whether it did what was asked. */
static void job_complete(struct bench_job *j, const struct io_uring_cqe *cqe,
			 uint64_t now)
{
	const struct bench_plan *p = &j->ctx->plan;
	unsigned int i = (unsigned int)cqe->user_data;
	struct bench_slot *s = &j->slots[i];
	/* NVMe passthrough completes with the NVMe status: 0 is success. */
	int32_t want = p->engine == BENCH_ENGINE_NVME ? 0 : (int32_t)p->bs;

	j->free[j->nfree++] = i;
	if (cqe->res != want) {
		if (cqe->res < 0)
			job_fail(j, "%s %s: %s (%s)", j->ctx->path,
				 s->write ? "write" : "read",
				 errno_text(cqe->res), errno_name(cqe->res));
		else if (p->engine == BENCH_ENGINE_NVME)
			job_fail(j, "%s %s: NVMe status 0x%x", j->ctx->path,
				 s->write ? "write" : "read", cqe->res);
		else
			job_fail(j, "%s %s: short transfer, %d of %u bytes",
				 j->ctx->path, s->write ? "write" : "read",
				 cqe->res, p->bs);
		return;
	}
	bench_hist_add(j->lat, now - s->t0);
	if (p->engine == BENCH_ENGINE_URPT)
		bench_hist_add(j->drv, urpt_cqe_driver_ns(cqe));
	if (s->write)
		j->writes++;
	else
		j->reads++;
}

static void *job_run(void *arg)
{
	struct bench_job *j = arg;
	const struct bench_plan *p = &j->ctx->plan;
	struct io_uring *ring = &j->ring;
	uint64_t issued = 0, deadline = 0;
	unsigned int inflight = 0, pending = 0;
	bool stop = false;

	j->start_ns = now_ns();
	if (p->runtime_ns)
		deadline = j->start_ns + p->runtime_ns;
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0, want;
		int ret;

		if (deadline && now_ns() >= deadline)
			stop = true;
		while (!stop && !j->ret && j->nfree &&
		       (!p->ios || issued < p->ios)) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			unsigned int i;
			uint64_t offset;
			bool write;

			if (!sqe)
				break;
			i = j->free[--j->nfree];
			offset = bench_gen_next(&j->gen, &write);
			j->slots[i].write = write;
			prep_io(j, sqe, i, offset, write);
			j->slots[i].t0 = now_ns();
			issued++;
			if (++pending < p->batch_submit)
				continue;
			ret = io_uring_submit(ring);
			if (ret < 0) {
				job_fail(j, "%s: io_uring_submit: %s (%s)",
					 j->ctx->path, errno_text(ret),
					 errno_name(ret));
				goto out;
			}
			inflight += pending;
			pending = 0;
		}
		if (!inflight && !pending)
			break;
		want = inflight + pending;
		if (want > p->batch_complete)
			want = p->batch_complete;
		do {
			ret = io_uring_submit_and_wait(ring, want);
		} while (ret == -EINTR);
		if (ret < 0) {
			job_fail(j, "%s: io_uring_submit_and_wait: %s (%s)",
				 j->ctx->path, errno_text(ret), errno_name(ret));
			goto out;
		}
		inflight += pending;
		pending = 0;
		io_uring_for_each_cqe(ring, head, cqe) {
			job_complete(j, cqe, now_ns());
			seen++;
		}
		io_uring_cq_advance(ring, seen);
		inflight -= seen;
		atomic_store_explicit(&j->done, j->reads + j->writes,
				      memory_order_relaxed);
	}
out:
	j->end_ns = now_ns();
	atomic_store(&j->finished, true);
	/* A failed ring may still hold I/O: the caller exits without freeing. */
	return NULL;
}

/* Buffers, ring and file of one job, set up before any job starts. */
static int job_setup(struct bench_job *j)
{
	const struct bench_ctx *c = j->ctx;
	const struct bench_plan *p = &c->plan;
	size_t align = BENCH_BUFFER_ALIGN, stride;
	struct iovec *iov;
	unsigned int i;
	int ret;

	j->fd = open(c->path, c->open_flags | O_CLOEXEC);
	if (j->fd < 0) {
		ret = -errno;
		report("%s: cannot open: %s (%s)", c->path, errno_text(ret),
		       errno_name(ret));
		return CLI_EXIT_OPEN;
	}
	ret = io_uring_queue_init(p->qd, &j->ring, c->ring_flags);
	if (ret < 0) {
		report("%s: io_uring_queue_init(%u, %#x): %s (%s)", c->path,
		       p->qd, c->ring_flags, errno_text(ret), errno_name(ret));
		return CLI_EXIT_FAILED;
	}
	j->has_ring = true;
	while (align < c->dma_alignment)
		align <<= 1;
	stride = (p->bs + align - 1) / align * align;
	j->area = alloc_io_buffer(stride * p->qd, c->dma_alignment);
	j->slots = calloc(p->qd, sizeof(*j->slots));
	j->free = calloc(p->qd, sizeof(*j->free));
	j->lat = malloc(sizeof(*j->lat));
	j->drv = malloc(sizeof(*j->drv));
	iov = calloc(p->qd, sizeof(*iov));
	if (!j->area || !j->slots || !j->free || !j->lat || !j->drv || !iov) {
		report("%s: cannot allocate %u buffers of %u bytes", c->path,
		       p->qd, p->bs);
		free(iov);
		return CLI_EXIT_FAILED;
	}
	bench_hist_init(j->lat);
	bench_hist_init(j->drv);
	/* Something other than zeros to write; also faults the pages in. */
	memset(j->area, 0xa5 ^ j->index, stride * p->qd);
	for (i = 0; i < p->qd; i++) {
		j->slots[i].buf = (char *)j->area + i * stride;
		j->free[i] = p->qd - 1 - i;
		iov[i].iov_base = j->slots[i].buf;
		iov[i].iov_len = p->bs;
	}
	j->nfree = p->qd;
	ret = p->fixed ? io_uring_register_buffers(&j->ring, iov, p->qd) : 0;
	free(iov);
	if (ret < 0) {
		report("%s: io_uring_register_buffers: %s (%s)", c->path,
		       errno_text(ret), errno_name(ret));
		return CLI_EXIT_FAILED;
	}
	bench_gen_init(&j->gen, p, c->seed, j->index);
	return CLI_EXIT_OK;
}

static void job_teardown(struct bench_job *j)
{
	if (j->has_ring)
		io_uring_queue_exit(&j->ring);
	if (j->fd >= 0)
		close(j->fd);
	free(j->area);
	free(j->slots);
	free(j->free);
	free(j->lat);
	free(j->drv);
}

/* Geometry of each engine's device ----------------------------------------- */

static int probe_urpt(struct bench_ctx *c, const char *arg, bool writes,
		      bool fixed, struct bench_geometry *g)
{
	struct urpt_info info;
	struct cli_dev d;
	int ret;

	ret = cli_dev_open(&d, arg, writes ? O_RDWR : O_RDONLY, false);
	if (ret)
		return ret;
	snprintf(c->path, sizeof(c->path), "%s", d.path);
	ret = cli_dev_info(&d, &info);
	cli_dev_close(&d);
	if (ret)
		return ret;
	if (fixed && !(info.features & URPT_FEAT_FIXED)) {
		report("%s: the module does not take registered buffers (no 'fixed' feature)",
		       c->path);
		return CLI_EXIT_FAILED;
	}
	g->capacity = info.capacity;
	g->logical_block_size = info.logical_block_size;
	g->max_transfer = info.max_transfer;
	c->dma_alignment = info.dma_alignment;
	c->ring_flags = URPT_RING_FLAGS;
	return CLI_EXIT_OK;
}

static int open_probe(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), ret;

	if (fd >= 0)
		return fd;
	ret = -errno;
	report("%s: cannot open: %s (%s)", path, errno_text(ret),
	       errno_name(ret));
	return -1;
}

static int probe_block(struct bench_ctx *c, const char *arg,
		       struct bench_geometry *g)
{
	struct stat st;
	uint64_t bytes;
	int fd, lbs;

	snprintf(c->path, sizeof(c->path), "%s", arg);
	fd = open_probe(c->path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		return CLI_EXIT_OPEN;
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		report("%s: not a block device (--engine block)", c->path);
		close(fd);
		return CLI_EXIT_USAGE;
	}
	if (ioctl(fd, BLKGETSIZE64, &bytes) || ioctl(fd, BLKSSZGET, &lbs)) {
		int err = -errno;

		report("%s: BLKGETSIZE64/BLKSSZGET: %s (%s)", c->path,
		       errno_text(err), errno_name(err));
		close(fd);
		return CLI_EXIT_FAILED;
	}
	close(fd);
	g->capacity = bytes;
	g->logical_block_size = (uint32_t)lbs;
	g->max_transfer = 0;
	c->open_flags |= O_DIRECT;
	c->ring_flags = 0;
	return CLI_EXIT_OK;
}

static int read_sysfs_u64(const char *block, const char *attr, uint64_t *v)
{
	char path[256];
	unsigned long long x;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/block/%s/%s", block, attr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fscanf(f, "%llu", &x) == 1;
	fclose(f);
	if (!ok)
		return -1;
	*v = x;
	return 0;
}

static int probe_nvme(struct bench_ctx *c, const char *arg,
		      struct bench_geometry *g)
{
	uint64_t lbs, sectors, max_kb;
	char block[64];
	int fd, nsid;

	snprintf(c->path, sizeof(c->path), "%s", arg);
	if (!bench_ng_block_name(c->path, block, sizeof(block))) {
		report("%s: not an NVMe generic node /dev/ngXnY (--engine nvme)",
		       c->path);
		return CLI_EXIT_USAGE;
	}
	fd = open_probe(c->path, O_RDONLY);
	if (fd < 0)
		return CLI_EXIT_OPEN;
	nsid = ioctl(fd, NVME_IOCTL_ID);
	if (nsid <= 0) {
		int err = nsid < 0 ? -errno : -EINVAL;

		report("%s: NVME_IOCTL_ID: %s (%s)", c->path, errno_text(err),
		       errno_name(err));
		close(fd);
		return CLI_EXIT_FAILED;
	}
	close(fd);
	if (read_sysfs_u64(block, "queue/logical_block_size", &lbs) ||
	    read_sysfs_u64(block, "size", &sectors)) {
		report("%s: cannot read /sys/block/%s/queue/logical_block_size and size",
		       c->path, block);
		return CLI_EXIT_FAILED;
	}
	if (!lbs || (lbs & (lbs - 1))) {
		report("%s: logical block size %llu is not a power of two",
		       c->path, (unsigned long long)lbs);
		return CLI_EXIT_FAILED;
	}
	c->nsid = (uint32_t)nsid;
	c->lba_shift = (uint32_t)__builtin_ctzll(lbs);
	g->capacity = sectors * 512;
	g->logical_block_size = (uint32_t)lbs;
	/* Passthrough is not split: one command must fit the controller. */
	g->max_transfer = read_sysfs_u64(block, "queue/max_hw_sectors_kb",
					 &max_kb) ? 0 : (uint32_t)(max_kb * 1024);
	c->ring_flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	return CLI_EXIT_OK;
}

/* Output ------------------------------------------------------------------- */

struct bench_result {
	uint64_t ios, reads, writes;
	double secs, iops, mb_s;
	struct bench_summary lat, drv;
};

static void print_summary_json(const char *name,
			       const struct bench_summary *s)
{
	printf(",\"%s\":{\"min\":%llu,\"mean\":%.0f,\"p50\":%llu,\"p99\":%llu,"
	       "\"p99_9\":%llu,\"max\":%llu}", name,
	       (unsigned long long)s->min, s->mean, (unsigned long long)s->p50,
	       (unsigned long long)s->p99, (unsigned long long)s->p999,
	       (unsigned long long)s->max);
}

static void print_json(const struct bench_ctx *c, const struct bench_args *a,
		       const struct bench_result *r)
{
	const struct bench_plan *p = &c->plan;

	printf("{\"dev\":");
	print_json_string(c->path);
	printf(",\"label\":");
	if (a->label)
		print_json_string(a->label);
	else
		printf("null");
	printf(",\"engine\":\"%s\",\"rw\":\"%s\",\"mix\":%u,\"bs\":%u,"
	       "\"qd\":%u,\"batch_submit\":%u,\"batch_complete\":%u,"
	       "\"jobs\":%u,\"fixed\":%s,\"poll\":%s,\"offset\":%llu,"
	       "\"size\":%llu,\"seed\":%llu,\"ios\":%llu,\"reads\":%llu,"
	       "\"writes\":%llu,\"seconds\":%.6f,\"iops\":%.0f,\"mb_s\":%.1f",
	       bench_engine_name(p->engine), bench_rw_name(p->rw), p->mix,
	       p->bs, p->qd, p->batch_submit, p->batch_complete, p->jobs,
	       p->fixed ? "true" : "false", p->poll ? "true" : "false",
	       (unsigned long long)p->offset, (unsigned long long)p->size,
	       (unsigned long long)c->seed, (unsigned long long)r->ios,
	       (unsigned long long)r->reads, (unsigned long long)r->writes,
	       r->secs, r->iops, r->mb_s);
	print_summary_json("lat_ns", &r->lat);
	if (p->engine == BENCH_ENGINE_URPT)
		print_summary_json("driver_ns", &r->drv);
	printf("}\n");
}

static void print_summary_line(const char *what, const struct bench_summary *s)
{
	printf("  %-12s min %.1f  mean %.1f  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
	       what, s->min / 1e3, s->mean / 1e3, s->p50 / 1e3, s->p99 / 1e3,
	       s->p999 / 1e3, s->max / 1e3);
}

static void print_text(const struct bench_ctx *c, const struct bench_args *a,
		       const struct bench_result *r)
{
	const struct bench_plan *p = &c->plan;

	printf("%s%s%s: %s %s bs %u qd %u jobs %u%s%s: %llu I/Os in %.3f s: %.0f IOPS, %.1f MB/s (seed %llu)\n",
	       a->label ? a->label : "", a->label ? " " : "", c->path,
	       bench_engine_name(p->engine), bench_rw_name(p->rw), p->bs, p->qd,
	       p->jobs, p->fixed ? " fixed" : "", p->poll ? " poll" : "",
	       (unsigned long long)r->ios, r->secs, r->iops, r->mb_s,
	       (unsigned long long)c->seed);
	print_summary_line("latency us", &r->lat);
	if (p->engine == BENCH_ENGINE_URPT)
		print_summary_line("driver us", &r->drv);
}

/* Running ------------------------------------------------------------------- */

static uint64_t random_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	return (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ getpid();
}

static bool all_finished(struct bench_job *jobs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!atomic_load(&jobs[i].finished))
			return false;
	return true;
}

/* The progress line, a few times a second, while the jobs run. */
static void watch(struct bench_job *jobs, unsigned int n, uint64_t start)
{
	struct progress pr;
	const struct timespec tick = { 0, 200000000 };

	progress_init(&pr);
	if (!pr.on)
		return;
	while (!all_finished(jobs, n)) {
		uint64_t done = 0, now;
		unsigned int i;
		double secs;

		nanosleep(&tick, NULL);
		for (i = 0; i < n; i++)
			done += atomic_load_explicit(&jobs[i].done,
						     memory_order_relaxed);
		now = now_ns();
		secs = (now - start) / 1e9;
		fprintf(stderr, "\rurpt: bench %.1f s, %llu I/Os, %.0f IOPS\033[K",
			secs, (unsigned long long)done,
			secs > 0 ? done / secs : 0.0);
		fflush(stderr);
	}
	progress_clear(&pr);
}

static int bench_run(const struct bench_ctx *c, const struct bench_args *a)
{
	const struct bench_plan *p = &c->plan;
	unsigned int n = p->jobs, i, started = 0;
	struct bench_hist *lat = NULL, *drv = NULL;
	struct bench_job *jobs = calloc(n, sizeof(*jobs));
	struct bench_result r = { 0 };
	uint64_t start = UINT64_MAX, end = 0;
	int ret = CLI_EXIT_OK;

	if (!jobs)
		goto nomem;
	for (i = 0; i < n; i++) {
		jobs[i].ctx = c;
		jobs[i].index = i;
		jobs[i].fd = -1;
	}
	for (i = 0; i < n && !ret; i++)
		ret = job_setup(&jobs[i]);
	if (ret)
		goto out;
	start = now_ns();
	for (i = 0; i < n; i++) {
		int err = pthread_create(&jobs[i].thread, NULL, job_run, &jobs[i]);

		if (err) {
			report("cannot start job %u: %s", i, strerror(err));
			ret = CLI_EXIT_FAILED;
			break;
		}
		started++;
	}
	/* Jobs that did not start count as finished for the watcher. */
	for (i = started; i < n; i++)
		atomic_store(&jobs[i].finished, true);
	watch(jobs, n, start);
	for (i = 0; i < started; i++)
		pthread_join(jobs[i].thread, NULL);
	for (i = 0; i < started; i++) {
		if (jobs[i].ret) {
			report("%s", jobs[i].err);
			ret = jobs[i].ret;
		}
	}
	if (ret) {
		/* I/O may still be in flight on a failed ring: leave it be. */
		fflush(stdout);
		exit(ret);
	}
	lat = malloc(sizeof(*lat));
	drv = malloc(sizeof(*drv));
	if (!lat || !drv)
		goto nomem;
	bench_hist_init(lat);
	bench_hist_init(drv);
	for (i = 0; i < n; i++) {
		struct bench_job *j = &jobs[i];

		bench_hist_merge(lat, j->lat);
		bench_hist_merge(drv, j->drv);
		r.reads += j->reads;
		r.writes += j->writes;
		if (j->start_ns < start)
			start = j->start_ns;
		if (j->end_ns > end)
			end = j->end_ns;
	}
	r.ios = r.reads + r.writes;
	r.secs = end > start ? (end - start) / 1e9 : 0;
	r.iops = r.secs > 0 ? r.ios / r.secs : 0;
	r.mb_s = r.secs > 0 ? (double)r.ios * p->bs / 1e6 / r.secs : 0;
	bench_hist_summary(lat, &r.lat);
	bench_hist_summary(drv, &r.drv);
	if (a->json)
		print_json(c, a, &r);
	else
		print_text(c, a, &r);
	fflush(stdout);
out:
	if (jobs)
		for (i = 0; i < n; i++)
			job_teardown(&jobs[i]);
	free(jobs);
	free(lat);
	free(drv);
	return ret;
nomem:
	report("out of memory");
	ret = CLI_EXIT_FAILED;
	goto out;
}

int cmd_bench(int argc, char **argv, const struct cli_global *global)
{
	struct bench_args a = {
		.req = {
			.engine	= BENCH_ENGINE_URPT,
			.rw	= BENCH_RANDREAD,
			.bs	= BENCH_DEFAULT_BS,
		},
	};
	struct bench_geometry g = { 0 };
	struct bench_ctx c = { 0 };
	enum bench_error err;
	bool writes;
	int ret;

	(void)global;
	argp_parse(&bench_argp, argc, argv, 0, NULL, &a);
	writes = bench_rw_writes(a.req.rw);
	c.open_flags = writes ? O_RDWR : O_RDONLY;
	switch (a.req.engine) {
	case BENCH_ENGINE_URPT:
		ret = probe_urpt(&c, a.dev, writes, a.req.fixed, &g);
		break;
	case BENCH_ENGINE_BLOCK:
		ret = probe_block(&c, a.dev, &g);
		break;
	case BENCH_ENGINE_NVME:
		ret = probe_nvme(&c, a.dev, &g);
		break;
	default:
		ret = CLI_EXIT_USAGE;
	}
	if (ret)
		return ret;
	if (a.req.poll)
		c.ring_flags |= IORING_SETUP_IOPOLL;
	err = bench_plan_make(&a.req, &g, &c.plan);
	if (err) {
		char msg[256];

		bench_error_message(msg, sizeof(msg), err, &a.req, &g);
		report("%s: %s", c.path, msg);
		return err == BENCH_NO_BLOCK_SIZE ? CLI_EXIT_FAILED :
						    CLI_EXIT_USAGE;
	}
	c.seed = a.have_seed ? a.seed : random_seed();
	return bench_run(&c, &a);
}
