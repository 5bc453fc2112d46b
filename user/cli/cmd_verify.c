// SPDX-License-Identifier: GPL-2.0
/*
 * urpt verify DEV [--offset SIZE] [--length SIZE] [--block-size SIZE]
 *                 [--queue-depth N] [--seed N] [--fixed] [--poll] [--force]
 *
 * Write a seeded pattern over the range with N commands in flight, read
 * it all back the same way and compare. Each block's data depends only on
 * the seed and its offset (pattern.h), so blocks are filled and checked
 * in whatever order they complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "cli.h"
#include "pattern.h"
#include "plan.h"

#define VERIFY_DEFAULT_DEPTH	32
#define VERIFY_MAX_DEPTH	4096
/* Buffers start on pages, or on the disk's DMA alignment if larger. */
#define VERIFY_BUFFER_ALIGN	4096
#define VERIFY_OPT_FORCE	0x200

struct verify_args {
	struct cli_node_args node;
	struct plan_request req;
	uint64_t depth;
	uint64_t seed;
	bool have_seed;
	bool force;
};

static const struct argp_option verify_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Byte offset of the range (default 0); a multiple of the logical "
	  "block size", 0 },
	{ "length", 'l', "SIZE", 0,
	  "Bytes to verify (default: from --offset to the end of the disk); "
	  "a multiple of the logical block size", 0 },
	{ "block-size", 'b', "SIZE", 0,
	  "Bytes per command (default 64k, less if the disk's max transfer "
	  "is shorter); a multiple of the logical block size, at most the max "
	  "transfer. The last command of the range may be shorter", 0 },
	{ "queue-depth", 'q', "N", 0,
	  "Commands in flight, 1 to 4096 (default 32)", 0 },
	{ "seed", 's', "N", 0,
	  "Seed of the pattern (default: random, printed in the summary)", 0 },
	{ "force", VERIFY_OPT_FORCE, NULL, 0,
	  "Overwrite the whole disk without asking (needed then when stdin "
	  "is not a terminal)", 0 },
	CLI_FIXED_OPTION,
	CLI_POLL_OPTION,
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_verify(int key, char *arg, struct argp_state *state)
{
	struct verify_args *a = state->input;

	switch (key) {
	case 'o':
		cli_parse_size(state, "--offset", arg, &a->req.offset);
		return 0;
	case 'l':
		cli_parse_size(state, "--length", arg, &a->req.length);
		a->req.have_length = true;
		return 0;
	case 'b':
		cli_parse_size(state, "--block-size", arg, &a->req.block_size);
		a->req.have_block_size = true;
		return 0;
	case 'q':
		cli_parse_count(state, "--queue-depth", arg, 1,
				VERIFY_MAX_DEPTH, &a->depth);
		return 0;
	case 's':
		cli_parse_count(state, "--seed", arg, 0, UINT64_MAX, &a->seed);
		a->have_seed = true;
		return 0;
	case VERIFY_OPT_FORCE:
		a->force = true;
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp verify_argp = {
	.options	= verify_options,
	.parser		= parse_verify,
	.args_doc	= "DEV",
	.doc		= "Write a seeded pattern over a range of the disk behind "
			  "DEV (/dev/urptN, or just N) with --queue-depth commands "
			  "in flight, read it all back the same way and compare. "
			  "THE RANGE IS OVERWRITTEN (by default the whole disk: "
			  "then urpt asks first on a terminal, and needs --force "
			  "elsewhere). "
			  "Prints a summary line (bytes, MB/s, seed) on stdout; on "
			  "a mismatch, the first differing offset with the "
			  "expected and the read byte on stderr, and exits 1. A "
			  "progress line is drawn on stderr when it is a terminal."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

struct verify_slot {
	void *buf;
	uint64_t offset;
	uint32_t len;
};

struct verify_run {
	struct cli_dev *d;
	struct plan plan;
	uint64_t seed;
	struct verify_slot *slots;
	unsigned int *free;
	unsigned int nslots;
	unsigned int nfree;
	struct progress progress;
	/* What the read pass found. */
	uint64_t bad_blocks;
	struct pattern_mismatch first;
};

struct verify_pass {
	bool write;
	uint32_t cmd_op;
	uint64_t next;		/* block to send next */
	unsigned int inflight;
	uint64_t done;		/* bytes completed */
	bool stop;		/* a command failed: send no more */
	int ret;
};

/* Fill the free slots with commands; the caller submits them. */
static void verify_queue(struct verify_run *v, struct verify_pass *p)
{
	struct cli_dev *d = v->d;

	while (!p->stop && v->nfree && p->next < v->plan.blocks) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&d->io);
		unsigned int i;
		struct verify_slot *s;

		if (!sqe)
			break;
		i = v->free[--v->nfree];
		s = &v->slots[i];
		plan_block(&v->plan, p->next++, &s->offset, &s->len);
		if (p->write) {
			pattern_fill(s->buf, s->len, v->seed, s->offset);
			urpt_prep_write(sqe, d->dev.fd, s->buf, s->len,
					s->offset);
		} else {
			urpt_prep_read(sqe, d->dev.fd, s->buf, s->len,
				       s->offset);
		}
		urpt_prep_set_flags(sqe, io_mode_cmd_flags(&d->mode,
							   p->cmd_op));
		if (d->mode.fixed)
			urpt_prep_set_fixed(sqe, i);
		io_uring_sqe_set_data64(sqe, i);
		p->inflight++;
	}
}

static void verify_complete(struct verify_run *v, struct verify_pass *p,
			    const struct io_uring_cqe *cqe)
{
	unsigned int i = (unsigned int)cqe->user_data;
	struct verify_slot *s = &v->slots[i];
	struct pattern_mismatch m;
	struct urpt_result r;

	urpt_cqe_decode(cqe, &r);
	p->inflight--;
	v->free[v->nfree++] = i;
	if (r.res != (int32_t)s->len || v->d->verbose) {
		/* Only the first failure is worth a message. */
		if (p->stop && r.res != (int32_t)s->len)
			return;
		if (cli_dev_done(v->d, p->cmd_op, s->offset, s->len, &r,
				 s->len)) {
			p->stop = true;
			p->ret = CLI_EXIT_FAILED;
			return;
		}
	}
	p->done += s->len;
	if (p->write || pattern_check(s->buf, s->len, v->seed, s->offset, &m))
		return;
	if (!v->bad_blocks++ || m.offset < v->first.offset)
		v->first = m;
}

/* One pass over the range; returns an exit code, *secs its duration. */
static int verify_pass(struct verify_run *v, bool write, double *secs)
{
	struct verify_pass p = {
		.write	= write,
		.cmd_op	= write ? URPT_CMD_WRITE : URPT_CMD_READ,
	};
	struct io_uring *ring = &v->d->io;
	uint64_t start = now_ns();
	unsigned int i;

	v->nfree = v->nslots;
	for (i = 0; i < v->nslots; i++)
		v->free[i] = v->nslots - 1 - i;
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0;
		int ret;

		verify_queue(v, &p);
		if (!p.inflight)
			break;
		/* One syscall sends the batch and waits for (or polls) one. */
		do {
			ret = io_uring_submit_and_wait(ring, 1);
		} while (ret == -EINTR);
		if (ret < 0) {
			progress_clear(&v->progress);
			report_errno(ret, "%s: io_uring_submit_and_wait",
				     v->d->path);
			/* Commands may still be in flight: keep the buffers. */
			exit(CLI_EXIT_FAILED);
		}
		io_uring_for_each_cqe(ring, head, cqe) {
			verify_complete(v, &p, cqe);
			seen++;
		}
		io_uring_cq_advance(ring, seen);
		progress_update(&v->progress, write ? "verify: write" :
				"verify: read ", p.done, v->plan.length, start);
	}
	progress_clear(&v->progress);
	*secs = (now_ns() - start) / 1e9;
	return p.ret;
}

static double mb_per_s(uint64_t bytes, double secs)
{
	return secs > 0 ? bytes / 1e6 / secs : 0;
}

/* Slots of block_size bytes, each aligned, registered under --fixed. */
static int verify_buffers(struct verify_run *v, const struct urpt_info *info,
			  void **area)
{
	size_t align = VERIFY_BUFFER_ALIGN, stride;
	struct iovec *iov;
	unsigned int i;
	int ret;

	while (align < info->dma_alignment)
		align <<= 1;
	stride = (v->plan.block_size + align - 1) / align * align;
	*area = alloc_io_buffer(stride * v->nslots, info->dma_alignment);
	v->slots = calloc(v->nslots, sizeof(*v->slots));
	v->free = calloc(v->nslots, sizeof(*v->free));
	iov = calloc(v->nslots, sizeof(*iov));
	if (!*area || !v->slots || !v->free || !iov) {
		report("%s: cannot allocate %u buffers of %u bytes; lower --queue-depth or --block-size",
		       v->d->path, v->nslots, v->plan.block_size);
		free(iov);
		return CLI_EXIT_FAILED;
	}
	for (i = 0; i < v->nslots; i++) {
		v->slots[i].buf = (char *)*area + i * stride;
		iov[i].iov_base = v->slots[i].buf;
		iov[i].iov_len = v->plan.block_size;
	}
	ret = v->d->mode.fixed ? cli_dev_register(v->d, iov, v->nslots) :
				 CLI_EXIT_OK;
	free(iov);
	return ret;
}

static uint64_t random_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	return (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ getpid();
}

static int verify_plan(struct cli_dev *d, const struct urpt_info *info,
		       const struct verify_args *a, struct plan *plan)
{
	struct plan_geometry g = {
		.capacity		= info->capacity,
		.logical_block_size	= info->logical_block_size,
		.max_transfer		= info->max_transfer,
	};
	enum plan_error err = plan_make(&g, &a->req, plan);
	char msg[192];

	if (err == PLAN_OK)
		return CLI_EXIT_OK;
	plan_error_message(msg, sizeof(msg), err, &g, &a->req);
	report("%s: %s", d->path, msg);
	/* The disk's fault, not the user's. */
	return err == PLAN_NO_BLOCK_SIZE ? CLI_EXIT_FAILED : CLI_EXIT_USAGE;
}

/*
 * Writing over the whole disk is what a mistyped DEV or a forgotten
 * --length does: it takes --force, or a "yes" typed on a terminal.
 */
static int verify_confirm(const struct cli_dev *d, const struct urpt_info *info,
			  const struct verify_args *a, const struct plan *plan)
{
	char answer[16];

	if (a->force || !plan_whole_disk(plan, info->capacity))
		return CLI_EXIT_OK;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		report("%s: verify would overwrite the whole disk (%s, %llu bytes): give --force, or a range with --offset and --length",
		       d->path, info->disk_name,
		       (unsigned long long)info->capacity);
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "urpt verify: overwrite all %llu bytes of %s (%s)? Type yes to go on: ",
		(unsigned long long)info->capacity, info->disk_name, d->path);
	if (fgets(answer, sizeof(answer), stdin) &&
	    !strcmp(answer, "yes\n"))
		return CLI_EXIT_OK;
	report("%s: not confirmed, nothing written", d->path);
	return CLI_EXIT_USAGE;
}

static int verify_run(struct verify_run *v, const struct verify_args *a)
{
	double write_secs, read_secs;
	const struct plan *pl = &v->plan;
	int ret;

	progress_init(&v->progress);
	ret = verify_pass(v, true, &write_secs);
	if (ret)
		return ret;
	ret = verify_pass(v, false, &read_secs);
	if (ret)
		return ret;
	if (v->bad_blocks) {
		report("%s: mismatch at offset %llu: expected 0x%02x, got 0x%02x (%llu of %llu blocks differ; seed %llu)",
		       v->d->path, (unsigned long long)v->first.offset,
		       v->first.expected, v->first.got,
		       (unsigned long long)v->bad_blocks,
		       (unsigned long long)pl->blocks,
		       (unsigned long long)v->seed);
	}
	printf("%s: verify %s: %llu bytes at offset %llu, %llu blocks of %u, queue depth %u, seed %llu: write %.1f MB/s, read %.1f MB/s\n",
	       v->d->path, v->bad_blocks ? "FAILED" : "OK",
	       (unsigned long long)pl->length,
	       (unsigned long long)pl->offset,
	       (unsigned long long)pl->blocks, pl->block_size,
	       (unsigned int)a->depth, (unsigned long long)v->seed,
	       mb_per_s(pl->length, write_secs), mb_per_s(pl->length, read_secs));
	fflush(stdout);
	return v->bad_blocks ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

int cmd_verify(int argc, char **argv, const struct cli_global *global)
{
	struct verify_args a = {
		.node.verbose	= global->verbose,
		.depth		= VERIFY_DEFAULT_DEPTH,
	};
	struct verify_run v = { 0 };
	struct urpt_info info;
	struct cli_dev d;
	void *area = NULL;
	int ret;

	argp_parse(&verify_argp, argc, argv, 0, NULL, &a);
	/* The plan is checked before what the disk can do. */
	ret = cli_dev_start(&d, &a.node, O_RDWR, 0, &info);
	if (ret)
		return ret;
	v.d = &d;
	v.seed = a.have_seed ? a.seed : random_seed();
	ret = verify_plan(&d, &info, &a, &v.plan);
	if (!ret)
		ret = cli_dev_need(&d, &info, URPT_CMD_WRITE);
	if (!ret)
		ret = verify_confirm(&d, &info, &a, &v.plan);
	if (ret)
		goto out;
	if (d.mode.poll && d.verbose && !(info.features & URPT_FEAT_POLL))
		report("%s: the disk has no poll queues: commands complete by interrupt",
		       d.path);
	v.nslots = a.depth < v.plan.blocks ? a.depth : v.plan.blocks;
	ret = cli_dev_io_ring(&d, v.nslots);
	if (!ret)
		ret = verify_buffers(&v, &info, &area);
	if (!ret)
		ret = verify_run(&v, &a);
out:
	/* The ring goes first: it holds the registered buffers. */
	cli_dev_close(&d);
	free(area);
	free(v.slots);
	free(v.free);
	return ret;
}
