// SPDX-License-Identifier: GPL-2.0
/* urpt bench: the run and its offsets; see bench_plan.h. */
#include <stdio.h>
#include <string.h>
#include "bench_plan.h"

static const char *const engine_names[] = {
	[BENCH_ENGINE_URPT]	= "urpt",
	[BENCH_ENGINE_BLOCK]	= "block",
	[BENCH_ENGINE_NVME]	= "nvme",
};

static const char *const rw_names[] = {
	[BENCH_RANDREAD]	= "randread",
	[BENCH_RANDWRITE]	= "randwrite",
	[BENCH_READ]		= "read",
	[BENCH_WRITE]		= "write",
	[BENCH_RANDRW]		= "randrw",
};

#define NAMES(a)	(sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

int bench_engine_parse(const char *s)
{
	return lookup(engine_names, NAMES(engine_names), s);
}

const char *bench_engine_name(enum bench_engine e)
{
	return (size_t)e < NAMES(engine_names) ? engine_names[e] : "?";
}

int bench_rw_parse(const char *s)
{
	return lookup(rw_names, NAMES(rw_names), s);
}

const char *bench_rw_name(enum bench_rw rw)
{
	return (size_t)rw < NAMES(rw_names) ? rw_names[rw] : "?";
}

bool bench_rw_writes(enum bench_rw rw)
{
	return rw == BENCH_RANDWRITE || rw == BENCH_WRITE || rw == BENCH_RANDRW;
}

bool bench_rw_random(enum bench_rw rw)
{
	return rw == BENCH_RANDREAD || rw == BENCH_RANDWRITE ||
	       rw == BENCH_RANDRW;
}

enum bench_error bench_plan_make(const struct bench_request *req,
				 const struct bench_geometry *g,
				 struct bench_plan *plan)
{
	uint64_t lbs = g->logical_block_size, end, size;
	uint64_t qd = req->qd ? req->qd : BENCH_DEFAULT_QD;

	if (req->have_mix && req->rw != BENCH_RANDRW)
		return BENCH_MIX_NOT_RANDRW;
	if (req->have_mix && req->mix > 100)
		return BENCH_MIX_RANGE;
	if (req->have_runtime && req->have_ios)
		return BENCH_RUNTIME_AND_IOS;
	if (req->batch_submit > qd)
		return BENCH_BATCH_SUBMIT_QD;
	if (req->batch_complete > qd)
		return BENCH_BATCH_COMPLETE_QD;
	if (!lbs)
		return BENCH_NO_BLOCK_SIZE;
	if (!req->bs)
		return BENCH_BS_ZERO;
	if (req->bs % lbs)
		return BENCH_BS_UNALIGNED;
	if (req->bs > UINT32_MAX || (g->max_transfer && req->bs > g->max_transfer))
		return BENCH_BS_TOO_BIG;
	if (req->offset % lbs)
		return BENCH_OFFSET_UNALIGNED;
	end = g->capacity / lbs * lbs;
	if (req->offset >= end)
		return BENCH_OFFSET_PAST_END;
	if (req->have_size && req->size > end - req->offset)
		return BENCH_SIZE_PAST_END;
	size = req->have_size ? req->size : end - req->offset;
	if (size < req->bs)
		return BENCH_RANGE_TOO_SMALL;

	memset(plan, 0, sizeof(*plan));
	plan->engine = req->engine;
	plan->rw = req->rw;
	plan->bs = (uint32_t)req->bs;
	plan->qd = (unsigned int)qd;
	plan->batch_submit = (unsigned int)(req->batch_submit ?
					    req->batch_submit : qd);
	plan->batch_complete = (unsigned int)(req->batch_complete ?
					      req->batch_complete : 1);
	plan->jobs = (unsigned int)(req->jobs ? req->jobs : 1);
	if (req->have_runtime)
		plan->runtime_ns = req->runtime_s * 1000000000ULL;
	else
		plan->ios = req->have_ios ? req->ios : BENCH_DEFAULT_IOS;
	plan->offset = req->offset;
	plan->blocks = size / req->bs;
	plan->size = plan->blocks * req->bs;
	switch (req->rw) {
	case BENCH_RANDREAD:
	case BENCH_READ:
		plan->mix = 100;
		break;
	case BENCH_RANDWRITE:
	case BENCH_WRITE:
		plan->mix = 0;
		break;
	case BENCH_RANDRW:
		plan->mix = req->have_mix ? (unsigned int)req->mix : 50;
		break;
	}
	plan->fixed = req->fixed;
	plan->poll = req->poll;
	return BENCH_OK;
}

int bench_error_message(char *buf, size_t size, enum bench_error err,
			const struct bench_request *req,
			const struct bench_geometry *g)
{
	unsigned long long lbs = g->logical_block_size, cap = g->capacity;
	unsigned long long bs = req->bs, off = req->offset;

	switch (err) {
	case BENCH_OK:
		return snprintf(buf, size, "no error");
	case BENCH_MIX_NOT_RANDRW:
		return snprintf(buf, size, "--mix only applies to --rw randrw");
	case BENCH_MIX_RANGE:
		return snprintf(buf, size, "--mix is a percentage of reads, 0 to 100, not %llu",
				(unsigned long long)req->mix);
	case BENCH_RUNTIME_AND_IOS:
		return snprintf(buf, size, "give --runtime or --ios, not both");
	case BENCH_BATCH_SUBMIT_QD:
		return snprintf(buf, size, "--batch-submit %llu is above --qd %llu",
				(unsigned long long)req->batch_submit,
				(unsigned long long)(req->qd ? req->qd : BENCH_DEFAULT_QD));
	case BENCH_BATCH_COMPLETE_QD:
		return snprintf(buf, size, "--batch-complete %llu is above --qd %llu",
				(unsigned long long)req->batch_complete,
				(unsigned long long)(req->qd ? req->qd : BENCH_DEFAULT_QD));
	case BENCH_NO_BLOCK_SIZE:
		return snprintf(buf, size, "the disk reports a logical block size of 0");
	case BENCH_BS_ZERO:
		return snprintf(buf, size, "--bs must not be 0");
	case BENCH_BS_UNALIGNED:
		return snprintf(buf, size, "--bs %llu is not a multiple of the logical block size %llu",
				bs, lbs);
	case BENCH_BS_TOO_BIG:
		return snprintf(buf, size, "--bs %llu is above the disk's max transfer %u",
				bs, g->max_transfer);
	case BENCH_OFFSET_UNALIGNED:
		return snprintf(buf, size, "--offset %llu is not a multiple of the logical block size %llu",
				off, lbs);
	case BENCH_OFFSET_PAST_END:
		return snprintf(buf, size, "--offset %llu is not inside the disk (%llu bytes)",
				off, cap);
	case BENCH_SIZE_PAST_END:
		return snprintf(buf, size, "--offset %llu + --size %llu goes past the end of the disk (%llu bytes)",
				off, (unsigned long long)req->size, cap);
	case BENCH_RANGE_TOO_SMALL:
		return snprintf(buf, size, "the range is shorter than --bs %llu", bs);
	}
	return snprintf(buf, size, "unknown error %d", (int)err);
}

uint64_t bench_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Lemire's multiply-and-reject: uniform, one multiply in the usual case. */
uint64_t bench_rand_below(uint64_t *state, uint64_t n)
{
	uint64_t x = bench_splitmix64(state);
	unsigned __int128 m = (unsigned __int128)x * n;
	uint64_t low = (uint64_t)m;

	if (low < n) {
		uint64_t t = -n % n;

		while (low < t) {
			x = bench_splitmix64(state);
			m = (unsigned __int128)x * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

void bench_gen_init(struct bench_gen *gen, const struct bench_plan *plan,
		    uint64_t seed, unsigned int job)
{
	uint64_t s = seed ^ ((uint64_t)job * 0xd1b54a32d192ed03ULL);

	memset(gen, 0, sizeof(*gen));
	/* Mix once so that seeds 0, 1, 2... give unrelated streams. */
	gen->state = bench_splitmix64(&s);
	gen->offset = plan->offset;
	gen->blocks = plan->blocks;
	gen->bs = plan->bs;
	gen->mix = plan->mix;
	gen->random = bench_rw_random(plan->rw);
	gen->next_block = plan->jobs ? (uint64_t)((unsigned __int128)plan->blocks *
						  job / plan->jobs) : 0;
}

uint64_t bench_gen_next(struct bench_gen *gen, bool *write)
{
	uint64_t block;

	if (gen->random) {
		block = bench_rand_below(&gen->state, gen->blocks);
	} else {
		block = gen->next_block;
		if (++gen->next_block >= gen->blocks)
			gen->next_block = 0;
	}
	if (gen->mix >= 100)
		*write = false;
	else if (!gen->mix)
		*write = true;
	else
		*write = bench_rand_below(&gen->state, 100) >= gen->mix;
	return gen->offset + block * gen->bs;
}

bool bench_ng_block_name(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/'), *p;
	bool digits = false, has_n = false;
	int len;

	base = base ? base + 1 : path;
	if (strncmp(base, "ng", 2))
		return false;
	/* ng<digits>n<digits> */
	for (p = base + 2; *p >= '0' && *p <= '9'; p++)
		digits = true;
	if (!digits || *p != 'n')
		return false;
	for (p++; *p >= '0' && *p <= '9'; p++)
		has_n = true;
	if (!has_n || *p)
		return false;
	len = snprintf(buf, size, "nvme%s", base + 2);
	return len > 0 && (size_t)len < size;
}
