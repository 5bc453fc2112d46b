/* SPDX-License-Identifier: GPL-2.0 */
/*
 * urpt bench: what to run (engine, workload, sizes) and where each I/O
 * goes, checked against the disk's geometry. No I/O here.
 */
#ifndef URPT_CLI_BENCH_PLAN_H
#define URPT_CLI_BENCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bench_engine {
	BENCH_ENGINE_URPT,	/* /dev/urptN, URPT_CMD_READ/WRITE */
	BENCH_ENGINE_BLOCK,	/* block device, O_DIRECT, IORING_OP_READ/WRITE */
	BENCH_ENGINE_NVME,	/* /dev/ngXnY, NVME_URING_CMD_IO */
};

enum bench_rw {
	BENCH_RANDREAD,
	BENCH_RANDWRITE,
	BENCH_READ,		/* sequential */
	BENCH_WRITE,		/* sequential */
	BENCH_RANDRW,		/* random, --mix percent reads */
};

/* Names on the command line and in the output; -1 when unknown. */
int bench_engine_parse(const char *s);
const char *bench_engine_name(enum bench_engine e);
int bench_rw_parse(const char *s);
const char *bench_rw_name(enum bench_rw rw);
bool bench_rw_writes(enum bench_rw rw);
bool bench_rw_random(enum bench_rw rw);

#define BENCH_MAX_QD		4096
#define BENCH_MAX_JOBS		64
#define BENCH_DEFAULT_BS	4096
#define BENCH_DEFAULT_QD	1
#define BENCH_DEFAULT_IOS	10000

/* The command line, as parsed (0 / false: not given). */
struct bench_request {
	enum bench_engine engine;
	enum bench_rw rw;
	uint64_t bs;
	uint64_t qd;
	uint64_t batch_submit;		/* 0: as many as are free (qd) */
	uint64_t batch_complete;	/* 0: 1 */
	uint64_t runtime_s;
	uint64_t ios;
	uint64_t jobs;
	uint64_t offset;
	uint64_t size;
	uint64_t mix;			/* percent reads of randrw */
	bool have_mix, have_runtime, have_ios, have_size;
	bool fixed, poll;
};

/* What the disk says of itself (the engine asked it). */
struct bench_geometry {
	uint64_t capacity;		/* bytes */
	uint32_t logical_block_size;
	uint32_t max_transfer;		/* bytes; 0: no limit known */
};

/* The run, validated. */
struct bench_plan {
	enum bench_engine engine;
	enum bench_rw rw;
	uint32_t bs;
	unsigned int qd;
	unsigned int batch_submit;
	unsigned int batch_complete;
	unsigned int jobs;
	uint64_t runtime_ns;		/* 0: run for ios */
	uint64_t ios;			/* per job; 0: run for runtime_ns */
	uint64_t offset;		/* range of the disk used */
	uint64_t size;			/* a multiple of bs */
	uint64_t blocks;		/* size / bs */
	unsigned int mix;		/* percent reads (100 read, 0 write) */
	bool fixed, poll;
};

enum bench_error {
	BENCH_OK = 0,
	BENCH_MIX_NOT_RANDRW,		/* --mix without --rw randrw */
	BENCH_MIX_RANGE,		/* --mix above 100 */
	BENCH_RUNTIME_AND_IOS,		/* both given */
	BENCH_BATCH_SUBMIT_QD,		/* --batch-submit above --qd */
	BENCH_BATCH_COMPLETE_QD,	/* --batch-complete above --qd */
	BENCH_NO_BLOCK_SIZE,		/* the disk reports a 0 block size */
	BENCH_BS_ZERO,
	BENCH_BS_UNALIGNED,		/* not a multiple of the block size */
	BENCH_BS_TOO_BIG,		/* above the max transfer */
	BENCH_OFFSET_UNALIGNED,
	BENCH_OFFSET_PAST_END,
	BENCH_SIZE_PAST_END,
	BENCH_RANGE_TOO_SMALL,		/* not even one bs in the range */
};

/* Check req against g and fill plan; plan is only valid on BENCH_OK. */
enum bench_error bench_plan_make(const struct bench_request *req,
				 const struct bench_geometry *g,
				 struct bench_plan *plan);
/* A message naming the values at fault, like snprintf(). */
int bench_error_message(char *buf, size_t size, enum bench_error err,
			const struct bench_request *req,
			const struct bench_geometry *g);

/*
 * Where the I/Os of one job go: a splitmix64 stream seeded from the seed
 * and the job's number, so that a seed gives the same offsets every run.
 * Random workloads pick a block of the range uniformly; sequential ones
 * walk it from the job's own start (job j of n starts j/n of the way in)
 * and wrap around.
 */
struct bench_gen {
	uint64_t state;
	uint64_t next_block;		/* sequential workloads */
	uint64_t offset, blocks;
	uint32_t bs;
	unsigned int mix;
	bool random;
};

uint64_t bench_splitmix64(uint64_t *state);
/* Uniform in [0, n) (n > 0), without modulo bias. */
uint64_t bench_rand_below(uint64_t *state, uint64_t n);
void bench_gen_init(struct bench_gen *gen, const struct bench_plan *plan,
		    uint64_t seed, unsigned int job);
/* The next I/O: its byte offset, and whether it writes. */
uint64_t bench_gen_next(struct bench_gen *gen, bool *write);

/*
 * The block device behind an NVMe generic char device: "/dev/ng0n1" or
 * "ng0n1" gives "nvme0n1" (for its sysfs queue attributes). Returns false
 * if path does not name an ngXnY node or buf is too small.
 */
bool bench_ng_block_name(const char *path, char *buf, size_t size);

#endif
